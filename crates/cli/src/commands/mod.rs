//! One file per command.

pub mod areas;
pub mod audit;
pub mod backup;
pub mod bench_writes;
pub mod demo;
pub mod generate;
pub mod import;
pub mod migrate;
pub mod serve;
pub mod token;
pub mod user;
pub mod worklist;

use bangfu_db::{Create, DatabaseUrl, Db};

/// Opens the database named by `--database`, creating a SQLite file if allowed (and saying so),
/// and brings its schema up to date.
pub async fn open(url: &str, create: Create) -> anyhow::Result<Db> {
    let url: DatabaseUrl = url.parse()?;
    let opened = Db::open(&url, create).await?;
    if let Some(path) = &opened.created_file {
        eprintln!("已新建 SQLite 数据库文件 {}", path.display());
    }
    opened.db.migrate().await?;
    Ok(opened.db)
}

/// Today for a command typed at the machine: the command line is where the machine's clock is read.
pub fn today() -> chrono::NaiveDate {
    bangfu_core::clock::Clock::System.today()
}
