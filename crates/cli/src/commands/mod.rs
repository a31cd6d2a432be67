//! One file per command.

pub mod areas;
pub mod audit;
pub mod backup;
pub mod bench_writes;
pub mod demo;
pub mod funds;
pub mod generate;
pub mod import;
pub mod keys;
pub mod migrate;
pub mod monitor;
pub mod serve;
pub mod token;
pub mod user;
pub mod worklist;

use bangfu_db::{Create, DatabaseUrl, Db};

/// Opens the database named by `--database`, creating a SQLite file if allowed (and saying so),
/// brings its schema up to date, and loads the data key that seals its ID and phone numbers
/// (see [`load_keys`]); values not yet sealed with the current key are sealed now.
pub async fn open(url: &str, create: Create) -> anyhow::Result<Db> {
    let parsed: DatabaseUrl = url.parse()?;
    let opened = Db::open(&parsed, create).await?;
    if let Some(path) = &opened.created_file {
        eprintln!("已新建 SQLite 数据库文件 {}", path.display());
    }
    opened.db.migrate().await?;
    load_keys(&opened.db, &parsed).await?;
    Ok(opened.db)
}

/// Where the key file is: `BANGFU_KEY_FILE`, else beside a SQLite file (`<file>.key`). A
/// PostgreSQL register must name it.
pub fn key_file(url: &DatabaseUrl) -> anyhow::Result<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("BANGFU_KEY_FILE").filter(|p| !p.is_empty()) {
        return Ok(path.into());
    }
    match url {
        DatabaseUrl::Sqlite(path) => {
            let mut name = path.as_os_str().to_owned();
            name.push(".key");
            Ok(name.into())
        }
        DatabaseUrl::Postgres(_) => anyhow::bail!(
            "PostgreSQL 的台账须用环境变量 BANGFU_KEY_FILE 指定数据密钥文件（证件号码和电话用它加密，应与数据库分开保管）"
        ),
    }
}

/// Loads the key file into the process and checks it against the register; a register that
/// has never been sealed and has no key file gets a new one (said once, with where it is).
pub async fn load_keys(db: &Db, url: &DatabaseUrl) -> anyhow::Result<()> {
    use bangfu_db::sealed::KeyRing;
    let path = key_file(url)?;
    let ring = match std::fs::read_to_string(&path) {
        Ok(text) => KeyRing::parse(&text).map_err(|e| anyhow::anyhow!("{}：{e}", path.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if db.has_sealed_data().await? {
                anyhow::bail!(
                    "找不到数据密钥文件 {}：这本台账的证件号码和电话已加密，须用加密时的密钥文件（BANGFU_KEY_FILE）",
                    path.display()
                );
            }
            let ring = KeyRing::generate();
            write_private(&path, ring.to_text())?;
            eprintln!(
                "已新建数据密钥文件 {}：证件号码和电话用它加密。请与数据库分开备份，丢失后无法恢复。",
                path.display()
            );
            ring
        }
        Err(e) => anyhow::bail!("读不了数据密钥文件 {}：{e}", path.display()),
    };
    bangfu_db::sealed::install(ring).map_err(anyhow::Error::msg)?;
    db.check_keys().await?;
    let n = db.seal_stored_values().await?;
    if n > 0 {
        db.compact_after_sealing().await?;
        eprintln!("已加密 {n} 行原先未加密（或用旧密钥加密）的证件号码、电话和两步验证密钥");
    }
    Ok(())
}

/// Writes a file only its owner can read (the key file).
pub fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path).map_err(|e| anyhow::anyhow!("不能新建数据密钥文件 {}：{e}", path.display()))?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

/// Today for a command typed at the machine: the command line is where the machine's clock is read.
pub fn today() -> chrono::NaiveDate {
    bangfu_core::clock::Clock::System.today()
}
