//! `bangfu areas import FILE.csv`: load a division list (code,name,level,parent_code).

use std::process::ExitCode;

use anyhow::Context;
use bangfu_core::store::AreaStore;
use bangfu_db::{Create, read_divisions};

#[derive(clap::Subcommand)]
pub enum Command {
    /// 导入区划代码表（列：code,name,level,parent_code）
    Import {
        /// CSV 文件
        file: std::path::PathBuf,
        #[arg(long, env = "BANGFU_DATABASE")]
        database: String,
    },
}

pub async fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Import { file, database } => {
            let f = std::fs::File::open(&file).with_context(|| format!("无法打开 {}", file.display()))?;
            let name: &'static str = Box::leak(
                file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default().into_boxed_str(),
            );
            let areas = match read_divisions(f, name) {
                Ok(a) => a,
                Err(errors) => {
                    for e in &errors {
                        eprintln!("{e}");
                    }
                    eprintln!("{} 行有错误，未导入任何区划", errors.len());
                    return Ok(ExitCode::FAILURE);
                }
            };
            let db = super::open(&database, Create::IfMissing).await?;
            let written = db.upsert_areas(&areas).await?;
            println!("读取 {} 条区划，新增或更新 {} 条", areas.len(), written);
            Ok(ExitCode::SUCCESS)
        }
    }
}
