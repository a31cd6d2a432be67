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
    #[command(flatten)]
    pub session: SessionArgs,
}

/// Session settings shared by `serve` and `demo`.
#[derive(clap::Args, Clone, Copy)]
pub struct SessionArgs {
    /// 无操作多少分钟后需重新登录
    #[arg(long, env = "BANGFU_IDLE_TIMEOUT_MINUTES", default_value_t = 30)]
    pub idle_timeout_minutes: i64,
    /// 登录后最长多少小时需重新登录
    #[arg(long, env = "BANGFU_ABSOLUTE_TIMEOUT_HOURS", default_value_t = 12)]
    pub absolute_timeout_hours: i64,
    /// Cookie 只经 HTTPS 发送（部署在 HTTPS 之后时打开）
    #[arg(long, env = "BANGFU_SECURE_COOKIES")]
    pub secure_cookies: bool,
}

impl SessionArgs {
    pub fn state(&self, db: Db) -> AppState {
        let mut state = AppState::new(db);
        state.policy.idle = chrono::Duration::minutes(self.idle_timeout_minutes.max(1));
        state.policy.absolute = chrono::Duration::hours(self.absolute_timeout_hours.max(1));
        state.secure_cookies = self.secure_cookies;
        state
    }
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let db = super::open(&args.database, Create::Never).await?;
    serve(args.session.state(db), &args.listen, |addr| println!("bangfu 已启动：http://{addr}/  （按 Ctrl+C 停止）")).await
}

/// Binds, reports the address, and serves until Ctrl+C.
pub async fn serve(state: AppState, listen: &str, announce: impl FnOnce(std::net::SocketAddr)) -> anyhow::Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("无法监听 {listen}: {e}（端口被占用？可用 --listen 127.0.0.1:8081 换一个）"))?;
    announce(listener.local_addr()?);
    bangfu_web::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}
