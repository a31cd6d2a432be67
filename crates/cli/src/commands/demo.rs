//! `bangfu demo`: the first thing a new user runs. Makes (or reuses) a demo district in a
//! local SQLite file — 驿城区's real townships and villages, synthetic households, demo
//! accounts — and serves it.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bangfu_core::area::AreaCode;
use bangfu_core::area::Scope;
use bangfu_core::auth::{NewUser, Role, hash_password};
use bangfu_core::store::{AreaStore, HouseholdFilter, HouseholdStore, Page};
use bangfu_db::{Create, Db, YICHENG_DIVISIONS, read_divisions};

use crate::generate::{GenerateOptions, generate, villages_from_divisions};

#[derive(clap::Args)]
pub struct Args {
    /// 模拟农户户数（仅在新建演示库时使用）
    #[arg(long, default_value_t = 3000)]
    households: u64,
    /// 监听地址
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// 演示数据库文件
    #[arg(long, default_value = "bangfu-demo.db")]
    database: PathBuf,
    #[command(flatten)]
    session: super::serve::SessionArgs,
}

/// The demo accounts: (username, name, role, area, password).
pub const DEMO_USERS: &[(&str, &str, Role, &str, &str)] = &[
    ("admin", "区扶贫办管理员", Role::DistrictAdmin, "411702000000", "yicheng-admin"),
    ("shahedian", "沙河店镇工作人员", Role::TownshipStaff, "411702101000", "yicheng-town"),
    ("shadong", "沙东村驻村工作队员", Role::VillageWorker, "411702101201", "yicheng-village"),
    ("audit", "区审计员", Role::Auditor, "411702000000", "yicheng-audit"),
];

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let url = format!("sqlite://{}", absolute(&args.database)?.display());
    let db = super::open(&url, Create::IfMissing).await?;
    prepare(&db, args.households).await?;
    let path = absolute(&args.database)?;
    super::serve::serve(args.session.state(db), &args.listen, |addr| {
        println!();
        println!("bangfu 演示已启动 · demo is running");
        println!("  打开 / open:   http://{addr}/");
        println!("  数据库 / data: {}", path.display());
        println!("  演示账号 / demo logins (用户名 / 密码):");
        for (user, name, role, _, password) in DEMO_USERS {
            println!("    {user:<10} / {password:<16} {name}（{}）", role.label_zh());
        }
        println!("  按 Ctrl+C 停止 / press Ctrl+C to stop");
    })
    .await
}

fn absolute(p: &std::path::Path) -> anyhow::Result<PathBuf> {
    Ok(if p.is_absolute() { p.to_owned() } else { std::env::current_dir()?.join(p) })
}

/// Loads areas, households and accounts into an empty demo register; leaves a filled one alone.
pub async fn prepare(db: &Db, households: u64) -> anyhow::Result<()> {
    if db.count_areas().await? == 0 {
        let areas = read_divisions(YICHENG_DIVISIONS.as_bytes(), "divisions-yicheng.csv")
            .map_err(|e| anyhow::anyhow!("内置区划有误: {}", e[0]))?;
        db.upsert_areas(&areas).await?;
        println!(
            "已载入驿城区区划：{} 个乡镇（街道）",
            db.children(&AreaCode::parse("411702000000").map_err(anyhow::Error::msg)?).await?.len()
        );
    }
    let (_, existing) =
        db.list_households(&Scope::everything(), &HouseholdFilter::default(), Page { number: 1, size: 1 }).await?;
    if existing == 0 && households > 0 {
        let dir = std::env::temp_dir().join(format!("bangfu-demo-{}", std::process::id()));
        let villages = villages_from_divisions(YICHENG_DIVISIONS.as_bytes())?;
        let summary = generate(&GenerateOptions {
            households,
            seed: 2014,
            out_dir: dir.clone(),
            villages,
            today: super::today(),
        })
        .context("生成模拟数据失败")?;
        println!("已生成 {} 户、{} 人的模拟数据，正在导入…", summary.households, summary.members);
        let code = super::import::import_dir(db, &dir).await;
        let _ = std::fs::remove_dir_all(&dir);
        if code? != ExitCode::SUCCESS {
            anyhow::bail!("模拟数据导入失败");
        }
    } else if existing > 0 {
        println!("沿用已有演示数据：{existing} 户");
    }
    seed_assistance(db).await?;
    if db.count_users().await? == 0 {
        for (username, name, role, area, password) in DEMO_USERS {
            let user = NewUser {
                username: (*username).to_owned(),
                display_name: (*name).to_owned(),
                phone: None,
                role: *role,
                area_code: AreaCode::parse(area).map_err(anyhow::Error::msg)?,
                password_hash: hash_password(password).map_err(anyhow::Error::msg)?,
                must_change_password: false,
            };
            db.create_user(&user).await?;
        }
    }
    Ok(())
}

/// Demo 帮扶: the three paired sub-district offices as units, one helper per village with
/// households to help, assigned to most of them — so the worklist is neither empty nor all red.
async fn seed_assistance(db: &Db) -> anyhow::Result<()> {
    use bangfu_core::assistance::{HelperData, UnitLevel};
    use bangfu_core::audit::Actor;
    use bangfu_core::store::AssistanceStore;
    if !db.units().await?.is_empty() {
        return Ok(());
    }
    let actor = Actor { user_id: None, username: "bangfu demo".into(), role: None, ip: None };
    let mut units = Vec::new();
    for (name, area) in
        [("人民街道办事处", "411702001000"), ("新华街道办事处", "411702004000"), ("西园街道办事处", "411702003000")]
    {
        units.push(
            db.create_unit(name, UnitLevel::Township, &AreaCode::parse(area).map_err(anyhow::Error::msg)?).await?,
        );
    }
    let everything = Scope::everything();
    let mut needing = Vec::new();
    for page in 1.. {
        let (found, _) = db.households_without_helper(&everything, Page { number: page, size: 200 }).await?;
        if found.is_empty() {
            break;
        }
        needing.extend(found.into_iter().map(|h| (h.id, h.village_code)));
    }
    const SURNAMES: &[&str] = &["李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "郭", "马"];
    const GIVEN: &[&str] = &["建华", "志强", "秀梅", "国庆", "丽娟", "海涛", "红霞", "卫东", "晓燕", "春生"];
    let mut helpers: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 15).unwrap_or_default();
    for (i, (household, village)) in needing.iter().enumerate() {
        // Every seventh household is left without a helper: the worklist has work on it.
        if i % 7 == 3 {
            continue;
        }
        let n = helpers.len();
        let helper = match helpers.get(village.as_str()) {
            Some(id) => *id,
            None => {
                let fields: std::collections::HashMap<String, String> = [
                    ("name", format!("{}{}", SURNAMES[n % SURNAMES.len()], GIVEN[(n / SURNAMES.len()) % GIVEN.len()])),
                    ("area_code", village.to_string()),
                    ("phone", format!("139{:08}", 37_100_000 + n)),
                    ("post", "驻村工作队员".to_owned()),
                    ("unit_id", units[n % units.len()].to_string()),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
                let data = HelperData::parse(&fields, super::today())
                    .map_err(|e| anyhow::anyhow!("演示帮扶责任人有误: {}", e[0]))?;
                let id = db.create_helper(&everything, &data, &actor).await?;
                helpers.insert(village.to_string(), id);
                id
            }
        };
        db.assign_helper(&everything, *household, helper, start, &actor).await?;
    }
    println!("已建立演示帮扶：3 个帮扶单位、{} 名帮扶责任人", helpers.len());
    Ok(())
}
