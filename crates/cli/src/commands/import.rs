//! `bangfu import --database URL DIR`: load households.csv and members.csv, and incomes.csv
//! (earlier years, the 12-month measure) when the directory has one — all or nothing.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use bangfu_core::audit::Actor;
use bangfu_db::{Create, Db, ImportError, ImportOutcome, import::register_size, import_errors, import_register};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, env = "BANGFU_DATABASE")]
    database: String,
    /// 含 households.csv 和 members.csv（可另含 incomes.csv）的目录
    dir: PathBuf,
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    for f in ["households.csv", "members.csv"] {
        if !args.dir.join(f).is_file() {
            anyhow::bail!("{} 中没有 {f}", args.dir.display());
        }
    }
    let db = super::open(&args.database, Create::IfMissing).await?;
    import_dir(&db, &args.dir).await
}

/// Imports with a progress bar on a terminal; prints every bad row and fails if there are any.
pub async fn import_dir(db: &Db, dir: &Path) -> anyhow::Result<ExitCode> {
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(register_size(dir));
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} 导入中 [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} 剩余 {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let started = std::time::Instant::now();
    let progress = |n: u64| bar.set_position(n);
    let outcome = import_register(db, dir, super::today(), &Actor::command_line(), &progress).await;
    bar.finish_and_clear();
    match outcome {
        Ok(ImportOutcome::Imported(r)) => {
            println!(
                "已导入 {} 户、{} 名成员、{} 条收入记录，用时 {:.1} 秒",
                r.households,
                r.members,
                r.incomes,
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Ok(ImportOutcome::AlreadyImported { on }) => {
            println!("这批数据已于 {on} 导入过，未重复导入（没有任何改动）");
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::Rows(errors)) => Ok(print_errors(&errors)),
        Err(e) => Err(e.into()),
    }
}

fn print_errors(errors: &[bangfu_db::RowError]) -> ExitCode {
    for line in import_errors::summarise(errors) {
        eprintln!("{line}");
    }
    eprintln!("共 {} 处错误，未导入任何数据。请修改后重新导入。", errors.len());
    ExitCode::from(2)
}
