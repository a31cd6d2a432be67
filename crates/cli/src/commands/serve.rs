//! `bangfu serve --database URL --listen ADDR`.

use std::process::ExitCode;

use bangfu_db::{Create, Db};
use bangfu_web::AppState;

#[derive(clap::Args)]
pub struct Args {
    /// 数据库（SQLite 文件须已存在：serve 不会新建空库）
    #[arg(long, env = "BANGFU_DATABASE")]
    database: String,
    /// 监听地址
    #[arg(long, env = "BANGFU_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let db = super::open(&args.database, Create::Never).await?;
    serve(db, &args.listen, |addr| println!("bangfu 已启动：http://{addr}/  （按 Ctrl+C 停止）")).await
}

/// Binds, reports the address, and serves until Ctrl+C.
pub async fn serve(db: Db, listen: &str, announce: impl FnOnce(std::net::SocketAddr)) -> anyhow::Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("无法监听 {listen}: {e}（端口被占用？可用 --listen 127.0.0.1:8081 换一个）"))?;
    announce(listener.local_addr()?);
    bangfu_web::serve(listener, AppState::new(db), async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}
