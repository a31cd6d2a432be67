//! `bangfu keys rotate --database URL`: a new data key. The key file gets the new key line
//! first (written beside and moved into place, so a stop half-way leaves a file that opens
//! every value), then every sealed value of the register is sealed again with it; the old
//! lines stay, because backups made before the rotation need them. Audited.

use std::process::ExitCode;

use bangfu_db::{Create, DatabaseUrl};

#[derive(clap::Subcommand)]
pub enum Command {
    /// 轮换数据密钥：生成新密钥，用它重新加密全部证件号码、电话和两步验证密钥（旧密钥保留，用于打开以前的备份）
    Rotate {
        #[arg(long, env = "BANGFU_DATABASE")]
        database: String,
    },
}

pub async fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    let Command::Rotate { database } = cmd;
    let url: DatabaseUrl = database.parse()?;
    let path = super::key_file(&url)?;
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("读不了数据密钥文件 {}：{e}（轮换须用现在的密钥文件）", path.display()))?;
    let old = bangfu_db::sealed::KeyRing::parse(&text).map_err(|e| anyhow::anyhow!("{}：{e}", path.display()))?;
    let new = old.rotated();
    let mut staged = path.clone().into_os_string();
    staged.push(".new");
    let staged = std::path::PathBuf::from(staged);
    let _ = std::fs::remove_file(&staged);
    super::write_private(&staged, new.to_text())?;
    std::fs::rename(&staged, &path)?;
    // Opening the register with the new file seals again everything not sealed with its key.
    let db = super::open(&database, Create::Never).await?;
    use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
    let entry = AuditEntry::new(&Actor::command_line(), AuditAction::Update)
        .object("setting", "data_key", None)
        .change("data_key", Some(old.current_id().to_owned()), Some(new.current_id().to_owned()));
    db.audit(&entry).await?;
    println!(
        "已轮换数据密钥：{} → {}，全部证件号码、电话和两步验证密钥已用新密钥重新加密。",
        old.current_id(),
        new.current_id()
    );
    println!("密钥文件 {} 仍保留旧密钥（打开轮换前的备份需要它）；请备份这个文件。", path.display());
    Ok(ExitCode::SUCCESS)
}
