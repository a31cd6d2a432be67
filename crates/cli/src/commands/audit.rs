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
    /// 导出全部审计记录（CSV，供等保测评）
    Export {
        #[arg(long, env = "BANGFU_DATABASE")]
        database: String,
        /// 导出的文件（不能已存在）
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

pub async fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    let database = match cmd {
        Command::Verify { database } => database,
        Command::Export { database, out } => return export(&database, &out).await,
    };
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

/// Writes the whole audit log to a CSV for the assessor: UTF-8 with a BOM (Excel opens it in
/// Chinese), oldest first, with each row's place and hash in the chain; a cell that begins
/// with = + - @ is prefixed with ' so that a spreadsheet never runs it as a formula. The
/// export itself is audited first, so the file shows it.
pub async fn export(database: &str, out: &std::path::Path) -> anyhow::Result<ExitCode> {
    use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
    if out.exists() {
        anyhow::bail!("{} 已存在：导出不会覆盖已有文件，请换一个文件名", out.display());
    }
    let db = super::open(database, Create::Never).await?;
    let entry = AuditEntry::new(&Actor::command_line(), AuditAction::Export)
        .object("audit_log", "export", None)
        .change("file", None, Some(out.display().to_string()));
    db.audit(&entry).await?;
    db.seal_audit(db.clock().now()).await?;
    let file = std::fs::File::create(out)?;
    let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
    w.write_record([
        "\u{feff}编号",
        "时间",
        "用户编号",
        "用户名",
        "角色",
        "地址",
        "操作",
        "对象",
        "对象编号",
        "区划",
        "字段",
        "原值",
        "新值",
        "链序号",
        "哈希",
    ])?;
    let safe = |v: &Option<String>| {
        let v = v.clone().unwrap_or_default();
        if v.starts_with(['=', '+', '-', '@']) { format!("'{v}") } else { v }
    };
    let (mut after, mut n) = (0i64, 0u64);
    loop {
        let rows = db.audit_rows_after(after, 5_000).await?;
        let Some(last) = rows.last() else { break };
        after = last.audit_id;
        for r in &rows {
            let at = db.clock().local(r.at).format("%Y-%m-%d %H:%M:%S").to_string();
            let f = &r.fields;
            w.write_record([
                r.audit_id.to_string(),
                at,
                safe(&f[10]),
                safe(&f[0]),
                safe(&f[1]),
                safe(&f[2]),
                safe(&f[3]),
                safe(&f[4]),
                safe(&f[5]),
                safe(&f[6]),
                safe(&f[7]),
                safe(&f[8]),
                safe(&f[9]),
                r.chain_seq.map(|s| s.to_string()).unwrap_or_default(),
                r.chain_hash.clone().unwrap_or_default(),
            ])?;
            n += 1;
        }
    }
    w.flush()?;
    println!("已导出 {n} 条审计记录到 {}", out.display());
    Ok(ExitCode::SUCCESS)
}
