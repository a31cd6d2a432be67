//! `bangfu generate`: a synthetic register for demos and benchmarks.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::generate::{GenerateOptions, generate, villages_from_divisions};

#[derive(clap::Args)]
pub struct Args {
    /// 户数
    #[arg(long, default_value_t = 3000)]
    households: u64,
    /// 输出目录（写入 households.csv、members.csv 和 incomes.csv）
    #[arg(long)]
    out: PathBuf,
    /// 随机种子：同一种子生成完全相同的数据
    #[arg(long, default_value_t = 2014)]
    seed: u64,
    /// 区划代码表（默认：内置的驿城区）
    #[arg(long)]
    divisions: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let villages = match &args.divisions {
        Some(p) => {
            villages_from_divisions(std::fs::File::open(p).with_context(|| format!("无法打开 {}", p.display()))?)?
        }
        None => villages_from_divisions(bangfu_db::YICHENG_DIVISIONS.as_bytes())?,
    };
    let summary = generate(&GenerateOptions {
        households: args.households,
        seed: args.seed,
        out_dir: args.out.clone(),
        villages,
        today: super::today(),
        episodes_csv: false,
    })?;
    println!(
        "已生成 {} 户、{} 人：{}/households.csv、members.csv 和 incomes.csv（往年收入）",
        summary.households,
        summary.members,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
