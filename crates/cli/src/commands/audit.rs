//! `bangfu audit verify --database URL`: seals what is not sealed yet, then recomputes the
//! audit log's hash chain and reports the first row changed or removed (exit code 1).

use std::process::ExitCode;

use bangfu_db::Create;

#[derive(clap::Subcommand)]
pub enum Command {
    /// 核对审计日志的哈希链：报告第一条被改动或删除的记录
    Verify {
        #[arg(long, env = "BANGFU_DATABASE")]
        database: String,
    },
}

pub async fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    let Command::Verify { database } = cmd;
    let db = super::open(&database, Create::Never).await?;
    let sealed = db.seal_audit(db.clock().now()).await?;
    let r = db.verify_audit().await?;
    if let Some((_, _, why)) = &r.broken {
        eprintln!("审计日志被改动：{why}。此前的 {} 条记录核对无误。", r.sealed);
        return Ok(ExitCode::from(1));
    }
    println!("审计日志完整：{} 条记录的哈希链核对无误（本次新封存 {sealed} 条）。", r.sealed);
    if let Some(h) = r.last_hash {
        println!("最后一条的哈希：{h}");
        println!("请把它连同日期另行记录（如纸质台账）：日后若有人改动记录并重算整条链，与它对不上即可发现。");
    }
    Ok(ExitCode::SUCCESS)
}
