//! `bangfu migrate`: create or upgrade the schema.

use std::process::ExitCode;

use bangfu_db::Create;

#[derive(clap::Args)]
pub struct Args {
    /// 数据库：postgres://… 、sqlite:///绝对路径.db 或文件路径
    #[arg(long, env = "BANGFU_DATABASE")]
    database: String,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let db = super::open(&args.database, Create::IfMissing).await?;
    println!("数据库结构已是最新（{}）", db.backend());
    Ok(ExitCode::SUCCESS)
}
