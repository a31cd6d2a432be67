//! `bangfu monitor run`: runs the 监测预警规则 over the whole register as of a day, stores the
//! new leads (the same as the server's daily run: a rerun on the same data adds nothing), and
//! prints every lead found, one a line, sorted by household number, rule, version and reason.

use std::process::ExitCode;

use bangfu_core::area::Scope;
use bangfu_core::audit::Actor;
use bangfu_db::Create;
use chrono::NaiveDate;

#[derive(clap::Subcommand)]
pub enum Command {
    /// 运行监测预警规则：保存新线索，并逐行列出发现的线索（户编号、规则、版本、依据）
    Run(RunArgs),
}

#[derive(clap::Args)]
pub struct RunArgs {
    #[arg(long, env = "BANGFU_DATABASE")]
    database: String,
    /// 按哪一天的台账运行（YYYY-MM-DD），默认今天
    #[arg(long)]
    as_of: Option<String>,
    /// 输出 CSV（UTF-8，带表头）
    #[arg(long)]
    csv: bool,
}

pub async fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Run(a) => run_rules(a).await,
    }
}

async fn run_rules(a: RunArgs) -> anyhow::Result<ExitCode> {
    let as_of = match &a.as_of {
        Some(text) => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| anyhow::anyhow!("--as-of “{text}”不是有效的日期，请写成 2026-12-01"))?,
        None => super::today(),
    };
    let db = super::open(&a.database, Create::Never).await?;
    let settings = db.rule_settings().await?;
    let summary = db.run_rules(&Scope::everything(), as_of, &settings, &Actor::command_line()).await?;
    let mut out = Vec::new();
    if a.csv {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(["户编号", "规则", "版本", "依据"])?;
        for f in &summary.found {
            let l = &f.lead;
            w.write_record([l.household_no.as_str(), l.rule, &l.version.to_string(), &l.reason])?;
        }
        w.flush()?;
    } else {
        for f in &summary.found {
            let l = &f.lead;
            out.extend(format!("{}\t{}\tv{}\t{}\n", l.household_no, l.rule, l.version, l.reason).as_bytes());
        }
    }
    eprintln!(
        "{as_of}：已读 {} 户，发现线索 {} 条，其中新线索 {} 条已保存（已有的不重复保存）",
        summary.households,
        summary.found.len(),
        summary.added
    );
    // A reader that stops early (`| head`) is not an error.
    use std::io::Write;
    match std::io::stdout().lock().write_all(&out) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}
