//! `bangfu worklist`: the 待办 counts per township (or per village under `--area`) as a table,
//! for a district office's weekly report or a script; the same numbers the 待办 page shows.

use std::process::ExitCode;

use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::assistance::WorkReason;
use bangfu_core::store::{AreaStore, WorklistStore};
use bangfu_db::Create;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, env = "BANGFU_DATABASE")]
    database: String,
    /// 区划代码（12位）：列出其下各乡镇或村；不填则为整个数据库的最上级区划
    #[arg(long)]
    area: Option<String>,
    /// 输出 CSV（UTF-8，带表头）
    #[arg(long)]
    csv: bool,
}

pub async fn run(a: Args) -> anyhow::Result<ExitCode> {
    let db = super::open(&a.database, Create::Never).await?;
    let area =
        match &a.area {
            Some(code) => {
                let code = AreaCode::parse(code).map_err(|e| anyhow::anyhow!("区划代码有误：{e}"))?;
                db.area(&code).await?.ok_or_else(|| anyhow::anyhow!("区划“{code}”不存在"))?
            }
            None => {
                // From the top down to the first area with more than one child (a district's own tree
                // starts at its province and city).
                let mut area =
                    db.children_of_root().await?.into_iter().next().ok_or_else(|| {
                        anyhow::anyhow!("数据库中没有区划，请先运行 bangfu areas import 或指定 --area")
                    })?;
                loop {
                    let mut children = db.children(&area.code).await?;
                    if children.len() != 1 {
                        break area;
                    }
                    area = children.remove(0);
                }
            }
        };
    let (totals, per_area) = db.worklist_counts(&Scope::of(&area), &area.code, super::today()).await?;
    let heads: Vec<&str> = WorkReason::ALL.iter().map(|r| r.label_zh()).collect();
    let sep = if a.csv { "," } else { "\t" };
    let mut out = String::new();
    out.push_str(&format!("区划代码{sep}区划{sep}{}\n", heads.join(sep)));
    for c in &per_area {
        let counts: Vec<String> = c.counts.iter().map(i64::to_string).collect();
        out.push_str(&format!("{}{sep}{}{sep}{}\n", c.area.code, c.area.name, counts.join(sep)));
    }
    let counts: Vec<String> = totals.iter().map(i64::to_string).collect();
    out.push_str(&format!("{}{sep}{}（合计）{sep}{}\n", area.code, area.name, counts.join(sep)));
    // A reader that stops early (`| head`) is not an error.
    use std::io::Write;
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}
