//! `bangfu funds`: the year's 衔接资金 table per township — projects, their planned investment,
//! money arranged (of it to 产业发展), paid, still unpaid, the spending progress and the share to
//! industry — the same sums the 项目库 pages show, for the report a district owes upward.

use std::collections::BTreeMap;
use std::process::ExitCode;

use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::money::Fen;
use bangfu_core::project::ProjectCategory;
use bangfu_core::project::funds::{industry_share, permille, permille_zh};
use bangfu_core::store::AreaStore;
use bangfu_db::{Create, Db};
use chrono::Datelike;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, env = "BANGFU_DATABASE")]
    database: String,
    /// 资金年度（项目年度），不填为今年
    #[arg(long)]
    year: Option<i32>,
    /// 输出 CSV（UTF-8，带表头；金额为元，两位小数）
    #[arg(long)]
    csv: bool,
}

#[derive(Default)]
struct Line {
    projects: usize,
    investment: Fen,
    committed: Fen,
    industry: Fen,
    paid: Fen,
}

/// The table, one line per township with projects and a total line.
pub async fn fund_table(db: &Db, year: i32, csv: bool) -> anyhow::Result<String> {
    let projects = db.projects(&Scope::everything(), Some(year)).await?;
    let mut by_township: BTreeMap<String, Line> = BTreeMap::new();
    let mut total = Line::default();
    for p in &projects {
        let township = format!("{}000", p.area_code.get(..9).unwrap_or("000000000"));
        for l in [by_township.entry(township).or_default(), &mut total] {
            l.projects += 1;
            l.investment += p.investment.unwrap_or(Fen(0));
            l.committed += p.sums.committed;
            l.paid += p.sums.paid;
            if p.category == ProjectCategory::Industry {
                l.industry += p.sums.committed;
            }
        }
    }
    let sep = if csv { "," } else { "\t" };
    let money = |f: Fen| if csv { f.to_yuan_string() } else { f.display_yuan() };
    let row = |code: &str, name: &str, l: &Line| {
        let progress = permille(l.paid, l.committed).map_or_else(|| "—".into(), permille_zh);
        let share = industry_share(l.industry, l.committed).map_or_else(|| "—".into(), |(p, _)| permille_zh(p));
        [
            code.to_owned(),
            name.to_owned(),
            l.projects.to_string(),
            money(l.investment),
            money(l.committed),
            money(l.industry),
            money(l.paid),
            money(l.committed - l.paid),
            progress,
            share,
        ]
        .join(sep)
    };
    let mut out = [
        "区划代码",
        "乡镇",
        "项目数",
        "资金规模",
        "已安排",
        "其中产业发展",
        "已拨付",
        "尚未拨付",
        "拨付进度",
        "产业发展占比",
    ]
    .join(sep);
    out.push('\n');
    for (code, l) in &by_township {
        let name = match AreaCode::parse(code) {
            Ok(c) => db.area(&c).await?.map(|a| a.name).unwrap_or_default(),
            Err(_) => String::new(),
        };
        out.push_str(&row(code, &name, l));
        out.push('\n');
    }
    out.push_str(&row("", &format!("{year}年合计"), &total));
    out.push('\n');
    Ok(out)
}

pub async fn run(a: Args) -> anyhow::Result<ExitCode> {
    let db = super::open(&a.database, Create::Never).await?;
    let out = fund_table(&db, a.year.unwrap_or_else(|| super::today().year()), a.csv).await?;
    use std::io::Write;
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}
