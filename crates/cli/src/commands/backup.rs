//! `bangfu backup --database URL --out FILE` and `bangfu restore --from FILE --database URL`.
//!
//! SQLite: an online, consistent copy (`VACUUM INTO`) while the server keeps running, restored
//! by copying it to a new file. PostgreSQL: `pg_dump`'s custom format, restored with
//! `pg_restore` into an empty database, in one transaction. A backup never overwrites a file
//! and a restore never writes into a register that holds anything.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_db::{Create, DatabaseUrl, Db};

#[derive(clap::Args)]
pub struct BackupArgs {
    /// 要备份的数据库
    #[arg(long, env = "BANGFU_DATABASE")]
    database: String,
    /// 备份文件（不能已存在）
    #[arg(long)]
    out: PathBuf,
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// 备份文件（bangfu backup 生成）
    #[arg(long)]
    from: PathBuf,
    /// 恢复到的数据库：SQLite 为尚不存在的文件；PostgreSQL 为已建好的空数据库
    #[arg(long)]
    database: String,
}

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PG_DUMP_MAGIC: &[u8] = b"PGDMP";

fn missing_tool(tool: &str, e: std::io::Error) -> anyhow::Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        anyhow::anyhow!(
            "找不到 {tool}：PostgreSQL 的备份和恢复用它完成。请安装与服务器同一大版本的客户端工具\
             （Debian/Ubuntu：apt-get install postgresql-client），或把它所在的目录加入 PATH"
        )
    } else {
        anyhow::anyhow!("无法运行 {tool}: {e}")
    }
}

/// An audit row in the register itself: a backup or a restore is an administrative act.
async fn audit(db: &Db, what: &str, file: &Path) -> anyhow::Result<()> {
    let entry = AuditEntry::new(&Actor::command_line(), AuditAction::Export)
        .object("backup", file.display(), None)
        .change(what, None, Some(file.display().to_string()));
    db.audit(&entry).await?;
    Ok(())
}

fn summary(counts: &[(String, i64)]) -> String {
    let rows: i64 = counts.iter().map(|(_, n)| n).sum();
    format!("{} 张表、{rows} 行", counts.len())
}

pub async fn backup(args: BackupArgs) -> anyhow::Result<ExitCode> {
    if args.out.exists() {
        anyhow::bail!("{} 已存在：备份不会覆盖已有文件，请换一个文件名", args.out.display());
    }
    let url: DatabaseUrl = args.database.parse()?;
    let db = Db::open(&url, Create::Never).await?.db;
    audit(&db, "backup", &args.out).await?;
    match &url {
        DatabaseUrl::Sqlite(_) => db.backup_sqlite(&args.out).await?,
        DatabaseUrl::Postgres(pg) => {
            let status = std::process::Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                .arg(&args.out)
                .arg(pg)
                .status()
                .map_err(|e| missing_tool("pg_dump", e))?;
            if !status.success() {
                let _ = std::fs::remove_file(&args.out);
                anyhow::bail!("pg_dump 失败（{status}），没有生成备份");
            }
        }
    }
    let size = std::fs::metadata(&args.out)?.len();
    println!(
        "已备份 {url} 到 {}（{:.1} MB，{}）",
        args.out.display(),
        size as f64 / 1_048_576.0,
        summary(&db.table_counts().await?)
    );
    println!("备份中的证件号码和电话是加密的；数据密钥文件不在备份里，请另行保管（恢复后须用同一个密钥文件）。");
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(args: RestoreArgs) -> anyhow::Result<ExitCode> {
    let mut head = [0u8; 16];
    let n = std::io::Read::read(&mut std::fs::File::open(&args.from)?, &mut head)?;
    let head = &head[..n];
    let url: DatabaseUrl = args.database.parse()?;
    match &url {
        DatabaseUrl::Sqlite(path) => {
            if !head.starts_with(SQLITE_MAGIC) {
                anyhow::bail!("{} 不是 SQLite 的备份，不能恢复到 SQLite 数据库", args.from.display());
            }
            if path.exists() {
                anyhow::bail!("{} 已存在：恢复只写入新文件，不会覆盖已有的数据库", path.display());
            }
            std::fs::copy(&args.from, path)?;
        }
        DatabaseUrl::Postgres(pg) => {
            if !head.starts_with(PG_DUMP_MAGIC) {
                anyhow::bail!(
                    "{} 不是 PostgreSQL 的备份（pg_dump 自定义格式），不能恢复到 PostgreSQL",
                    args.from.display()
                );
            }
            let db = Db::open(&url, Create::Never).await?.db;
            if !db.table_counts().await?.is_empty() {
                anyhow::bail!("目标数据库不是空的：恢复只写入新建的空数据库（createdb 新库名），不会覆盖已有数据");
            }
            db.close().await;
            let status = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--dbname"])
                .arg(pg)
                .arg(&args.from)
                .status()
                .map_err(|e| missing_tool("pg_restore", e))?;
            if !status.success() {
                anyhow::bail!("pg_restore 失败（{status}）：已整体回滚，目标数据库仍是空的");
            }
        }
    }
    let db = Db::open(&url, Create::Never).await?.db;
    db.migrate().await?;
    let counts = db.table_counts().await?;
    audit(&db, "restore", &args.from).await?;
    println!("已从 {} 恢复到 {url}（{}）", args.from.display(), summary(&counts));
    println!("使用恢复的台账时，须用备份时的数据密钥文件（BANGFU_KEY_FILE，或放在 SQLite 文件旁的 .key 文件）。");
    Ok(ExitCode::SUCCESS)
}
