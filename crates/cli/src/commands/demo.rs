//! `bangfu demo`: the first thing a new user runs. Makes (or reuses) a demo district in a
//! local SQLite file — 驿城区's real townships and villages, synthetic households, demo
//! accounts — and serves it.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bangfu_core::FieldError;
use bangfu_core::area::AreaCode;
use bangfu_core::area::Scope;
use bangfu_core::assistance::{
    MeasureData, MeasureKind, MeasureProgress, MeasureStatus, PairingData, PlanData, Proposal, TeamMemberData,
    TeamRole, VisitData,
};
use bangfu_core::audit::Actor;
use bangfu_core::auth::{NewUser, Role, hash_password};
use bangfu_core::household::{HouseholdId, HouseholdType, Labour, MonitoringType, PovertyCause};
use bangfu_core::money::Fen;
use bangfu_core::monitoring::{CloseEpisode, Episode, EpisodeId, MonitoringRisk, OpenEpisode};
use bangfu_core::store::{
    AreaStore, HouseholdFilter, HouseholdStore, HouseholdSummary, MonitoringStore, Page, PlanStore, TeamStore,
    VisitStore,
};
use bangfu_db::{Create, Db, YICHENG_DIVISIONS, read_divisions};
use chrono::{Datelike, NaiveDate};

use crate::generate::{EPISODE_COLUMNS, GenerateOptions, Village, generate, villages_from_divisions};

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
    ("admin", "区农业农村局管理员", Role::DistrictAdmin, "411702000000", "yicheng-admin"),
    ("shahedian", "沙河店镇工作人员", Role::TownshipStaff, "411702101000", "yicheng-town"),
    ("shadong", "沙东村驻村工作队员", Role::VillageWorker, "411702101201", "yicheng-village"),
    ("audit", "区审计员", Role::Auditor, "411702000000", "yicheng-audit"),
    // 三员分立: accounts, grants and security policy, the audit log — one person each.
    ("xitong", "区系统管理员", Role::SystemAdmin, "411702000000", "yicheng-system"),
    ("anquan", "区安全管理员", Role::SecurityAdmin, "411702000000", "yicheng-security"),
    ("shenji", "区审计管理员", Role::AuditAdmin, "411702000000", "yicheng-auditlog"),
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
        println!("  区级管理员、审计和三员（系统、安全、审计管理员）首次登录时须用手机身份验证器绑定两步验证（页面上有二维码和手动输入的密钥）");
        println!("  district admin, auditor and the three administrators bind an authenticator app (TOTP) at their first sign-in");
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
            episodes_csv: true,
        })
        .context("生成模拟数据失败")?;
        println!("已生成 {} 户、{} 人的模拟数据，正在导入…", summary.households, summary.members);
        let code = super::import::import_dir(db, &dir).await;
        let episodes = match code {
            Ok(ExitCode::SUCCESS) => seed_episodes(db, &dir.join("episodes.csv")).await,
            Ok(_) => Err(anyhow::anyhow!("模拟数据导入失败")),
            Err(e) => Err(e),
        };
        let _ = std::fs::remove_dir_all(&dir);
        let seeded = episodes?;
        println!(
            "已录入 {} 条防返贫监测记录：{} 户（占 {:.1}%），{} 户风险消除后再次纳入监测，{} 户仍在监测",
            seeded.episodes,
            seeded.households,
            seeded.households as f64 * 100.0 / summary.households.max(1) as f64,
            seeded.again,
            seeded.open
        );
    } else if existing > 0 {
        println!(
            "沿用已有演示数据：{existing} 户（删除 bangfu-demo.db 和 bangfu-demo.db.key 即可重新生成最新的演示数据）"
        );
    }
    seed_example_lines(db).await?;
    seed_assistance(db).await?;
    seed_procedures(db).await?;
    seed_projects(db).await?;
    seed_pv(db).await?;
    seed_changes(db).await?;
    seed_assets(db).await?;
    seed_training(db).await?;
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
            db.create_user(&user, &Actor { user_id: None, username: "bangfu demo".into(), role: None, ip: None })
                .await?;
        }
    }
    Ok(())
}

/// 项目库 and 衔接资金 of the year: 板桥镇's village photovoltaic station and 沙东村's mushroom
/// base (产业发展), living-environment works in 沙河店镇, 蚁蜂镇 and 胡庙乡 villages (乡村建设), one
/// project still at 需求摸底 without its targets; two allocations arranged to them and partly paid,
/// one payment reversed. Entered once, through the same checks as the pages.
async fn seed_projects(db: &Db) -> anyhow::Result<()> {
    use bangfu_core::procedure::{Action, kinds};
    use bangfu_core::project::funds::{AllocationData, Movement};
    use bangfu_core::project::{ProjectData, Target};
    let all = Scope::everything();
    if !db.projects(&all, None).await?.is_empty() {
        return Ok(());
    }
    let actor = Actor { user_id: None, username: "演示数据".into(), role: None, ip: None };
    let today = super::today();
    let year = today.year();
    let f = |pairs: &[(&str, String)]| -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    };
    let project = |name: &str, category: &str, area: &str, tasks: &str, yuan: i64, households: u32, mechanism: &str| {
        f(&[
            ("name", name.to_owned()),
            ("category", category.to_owned()),
            ("area_code", area.to_owned()),
            ("year", year.to_string()),
            ("nature", "新建".to_owned()),
            ("start_on", format!("{year}-03-01")),
            ("end_on", format!("{year}-10-31")),
            ("responsible_unit", "所在乡镇人民政府".to_owned()),
            ("implementing_unit", "村股份经济合作社".to_owned()),
            ("tasks", tasks.to_owned()),
            ("investment", yuan.to_string()),
            ("beneficiary_households", households.to_string()),
            ("beneficiary_exited", (households * 2 / 3).to_string()),
            ("beneficiary_monitored", (households / 10).to_string()),
            ("benefit_mechanism", mechanism.to_owned()),
            (
                "participation",
                "四议两公开：村党组织提议、村两委商议、党员大会审议、村民代表会议决议，决议和实施结果公开".to_owned(),
            ),
        ])
    };
    let plans = [
        (
            project(
                "板桥镇村级光伏电站",
                "产业发展",
                "411702102200",
                "建设村级光伏电站1座，装机300千瓦",
                1_260_000,
                180,
                "发电收益归村集体，主要用于公益岗位工资和小型公益事业，向弱劳力、无劳力户倾斜",
            ),
            ("装机容量", "300", "千瓦"),
            1_000_000,
            800_000,
        ),
        (
            project(
                "沙东村香菇种植基地",
                "产业发展",
                "411702101201",
                "新建香菇大棚20座及配套冷库",
                1_000_000,
                60,
                "务工工资、大棚租金分红，脱贫户优先务工",
            ),
            ("香菇大棚", "20", "座"),
            900_000,
            520_000,
        ),
        (
            project(
                "沙西村人居环境整治",
                "乡村建设",
                "411702101200",
                "村内道路硬化2.1公里，排水沟1.5公里",
                480_000,
                320,
                "以工代赈，务工优先吸纳脱贫户和监测户",
            ),
            ("道路硬化", "2.1", "公里"),
            420_000,
            420_000,
        ),
        (
            project(
                "蚁蜂村人居环境整治",
                "乡村建设",
                "411702104200",
                "改造户厕80户，建设垃圾收集点6处",
                300_000,
                80,
                "改厕惠及脱贫户，保洁员公益岗位",
            ),
            ("改造户厕", "80", "户"),
            280_000,
            100_000,
        ),
        (
            project(
                "胡庙村人居环境整治",
                "乡村建设",
                "411702205200",
                "坑塘整治3处，村庄绿化1.2万平方米",
                260_000,
                150,
                "以工代赈，务工工资",
            ),
            ("坑塘整治", "3", "处"),
            0,
            0,
        ),
        (
            project("板桥村肉牛养殖小区", "产业发展", "411702102200", "新建标准化牛舍6栋", 150_000, 30, "入股分红"),
            ("标准化牛舍", "6", "栋"),
            0,
            0,
        ),
    ];
    // How far each project's procedure has gone (steps 办结), after 村申报 100 days ago.
    let calendar = db.work_calendar().await?;
    let submitted = today - chrono::Duration::days(100);
    // Walks a project's steps from `day` (each 5 working days after the last), then `then`;
    // returns the day of the last act.
    let walk = async |id: i64, mut day: NaiveDate, steps: usize, then: Option<Action>| -> anyhow::Result<NaiveDate> {
        for (n, s) in kinds::PROJECT.steps.iter().take(steps).enumerate() {
            let version = db.project(&all, id).await?.version;
            let approval = (s.code == "county_approval").then(|| format!("驿政〔{year}〕{}号", 15 + n));
            let note = format!("{}：按规定办理完毕", s.name_zh);
            let role = Some(s.actors[0]);
            let on = day.min(today);
            db.act_on_project(&all, id, version, Action::Complete { note }, role, on, approval.as_deref(), &actor)
                .await?;
            day = calendar.add_working_days(day, 5);
        }
        let last = calendar.add_working_days(day, 0).min(today);
        if let Some(action) = then {
            let p = db.project(&all, id).await?;
            let role = p.procedure.as_ref().and_then(|x| x.current()).map(|s| s.actors[0]);
            db.act_on_project(&all, id, p.version, action, role, last, None, &actor).await?;
        }
        Ok(last)
    };
    let first = calendar.add_working_days(submitted, 10);
    let central = AllocationData::parse(
        &f(&[
            ("source", "中央衔接资金".into()),
            ("year", year.to_string()),
            ("doc_no", format!("驻财预〔{year}〕12号")),
            ("issued_on", format!("{year}-02-20")),
            ("amount", "3,000,000".into()),
            ("purpose", "产业发展和乡村建设项目".into()),
        ]),
        today,
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let county = AllocationData::parse(
        &f(&[
            ("source", "县级衔接资金".into()),
            ("year", year.to_string()),
            ("doc_no", format!("驿财农〔{year}〕5号")),
            ("issued_on", format!("{year}-03-10")),
            ("amount", "800,000".into()),
            ("purpose", "人居环境整治".into()),
        ]),
        today,
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let a_central = db.create_allocation(&all, &central, &actor).await?;
    let a_county = db.create_allocation(&all, &county, &actor).await?;
    let on = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).filter(|x| *x <= today).unwrap_or(today);
    let money = |m: u32, yuan: i64, payee: Option<&str>| Movement {
        on: on(m, 15),
        amount: bangfu_core::money::Fen(yuan * 100),
        payee: payee.map(str::to_owned),
        voucher_no: payee.map(|_| format!("PZ-{year}-{m:02}")),
        note: None,
    };
    for (i, (form, (indicator, value, unit), arranged, paid)) in plans.iter().enumerate() {
        let d = ProjectData::parse(form, year).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let id = db.create_project(&all, &d, &actor).await?;
        if i == 4 {
            continue; // still at 需求摸底: its targets are not written yet
        }
        for (level, ind, val, u) in [
            ("产出指标", *indicator, *value, *unit),
            ("效益指标", "带动脱贫户和监测户户均增收", "≥1000", "元"),
            ("满意度指标", "受益群众满意度", "≥95", "%"),
        ] {
            let t = Target::parse(&f(&[
                ("level", level.into()),
                ("indicator", ind.into()),
                ("value", val.into()),
                ("unit", u.into()),
            ]))
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            db.add_target(&all, id, &t, &actor).await?;
        }
        db.submit_project(&all, id, 1, submitted, &actor).await?;
        match i {
            0 => {
                walk(id, first, kinds::PROJECT.steps.len(), None).await?; // 板桥镇's station: 绩效评价 done
            }
            1 => {
                walk(id, first, 1, None).await?; // at 乡镇审核
            }
            2 => {
                walk(id, first, 5, None).await?; // 实施 under way
            }
            3 => {
                // Sent back by the township for the 四议两公开 record, noticed again, now at the county.
                let back = Action::SendBack { to: None, reason: "补充村民代表会议决议".into() };
                let sent_back = walk(id, first, 1, Some(back)).await?;
                walk(id, calendar.add_working_days(sent_back, 10), 2, None).await?;
            }
            _ => {
                // 出库 at the county: it duplicates a project already in the library.
                walk(id, first, 2, Some(Action::Refuse { reason: "与已入库的养殖项目重复，出库".into() })).await?;
                continue;
            }
        }
        // 联农带农: up to six households of the village, by how the project reaches them.
        let (kind, yuan) = match i {
            0 => ("就业岗位", 3_600),
            1 => ("务工工资", 5_200),
            _ => ("务工工资", 1_500),
        };
        let filter = HouseholdFilter { area: Some(d.area_code.clone()), ..Default::default() };
        let (reached, _) = db.list_households(&all, &filter, Page { number: 1, size: 6 }).await?;
        for h in &reached {
            let b = bangfu_core::project::BenefitData::parse(
                &f(&[
                    ("household_no", h.household_no.clone()),
                    ("kind", kind.into()),
                    ("year", year.to_string()),
                    ("amount", yuan.to_string()),
                ]),
                year,
            )
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            db.add_beneficiary(&all, id, &b, &actor).await?;
        }
        let from = if i < 2 { a_central } else { a_county };
        db.move_funds(&all, "commit", from, id, &money(4, *arranged, None), &actor).await?;
        if *paid > 0 {
            db.move_funds(&all, "payment", from, id, &money(6, *paid, Some("村股份经济合作社")), &actor).await?;
        }
        if i == 1 {
            // Paid to the wrong account, reversed and paid again.
            let wrong = db
                .move_funds(&all, "payment", from, id, &money(7, 100_000, Some("施工单位（账户有误）")), &actor)
                .await?;
            db.reverse_payment(&all, id, wrong, on(7, 20), "收款账户有误，退回重拨", &actor).await?;
        }
    }
    Ok(())
}

/// 扶贫项目资产 and 项目公示: 板桥村's photovoltaic station (this year's, 绩效评价 done) owned by
/// the village collective; last year's finished 沙东村 mushroom sheds (the cold store 闲置 over
/// the winter) and 沙西村 roads and ponds from its 人居环境整治 works; next year's 沙东村 产业路 at
/// 村内公示 with a villager's objection waiting for its answer. Entered once, through the same
/// checks as the pages.
async fn seed_assets(db: &Db) -> anyhow::Result<()> {
    use bangfu_core::procedure::{Action, kinds};
    use bangfu_core::project::asset::{AssetData, StatusChange};
    use bangfu_core::project::{ProjectData, Target};
    use bangfu_db::project_assets::AssetFilter;
    let all = Scope::everything();
    if !db.assets(&all, &AssetFilter::default()).await?.is_empty() {
        return Ok(());
    }
    let actor = Actor { user_id: None, username: "演示数据".into(), role: None, ip: None };
    let today = super::today();
    let year = today.year();
    let calendar = db.work_calendar().await?;
    let f = |pairs: &[(&str, String)]| -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    };
    // A project with every field and its three targets, submitted on `submitted`, then `steps`
    // of its procedure 办结 five working days apart (never after today).
    let project = async |name: &str,
                         category: &str,
                         area: &str,
                         y: i32,
                         tasks: &str,
                         yuan: i64,
                         mechanism: &str,
                         submitted: NaiveDate,
                         steps: usize|
           -> anyhow::Result<i64> {
        let form = f(&[
            ("name", name.to_owned()),
            ("category", category.to_owned()),
            ("area_code", area.to_owned()),
            ("year", y.to_string()),
            ("nature", "新建".to_owned()),
            ("start_on", format!("{y}-03-01")),
            ("end_on", format!("{y}-10-31")),
            ("responsible_unit", "沙河店镇人民政府".to_owned()),
            ("implementing_unit", "村股份经济合作社".to_owned()),
            ("tasks", tasks.to_owned()),
            ("investment", yuan.to_string()),
            ("beneficiary_households", "60".to_owned()),
            ("beneficiary_exited", "40".to_owned()),
            ("beneficiary_monitored", "5".to_owned()),
            ("benefit_mechanism", mechanism.to_owned()),
            ("participation", "四议两公开：村党组织提议、村两委商议、党员大会审议、村民代表会议决议".to_owned()),
        ]);
        let d = ProjectData::parse(&form, year).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let id = db.create_project(&all, &d, &actor).await?;
        for (level, ind, val) in [
            ("产出指标", tasks, "100%"),
            ("效益指标", "带动脱贫户和监测户户均增收", "≥1000元"),
            ("满意度指标", "受益群众满意度", "≥95%"),
        ] {
            let t = Target::parse(&f(&[("level", level.into()), ("indicator", ind.into()), ("value", val.into())]))
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            db.add_target(&all, id, &t, &actor).await?;
        }
        db.submit_project(&all, id, 1, submitted, &actor).await?;
        let mut day = calendar.add_working_days(submitted, 10);
        for (n, s) in kinds::PROJECT.steps.iter().take(steps).enumerate() {
            let version = db.project(&all, id).await?.version;
            let approval = (s.code == "county_approval").then(|| format!("驿政〔{y}〕{}号", 30 + n));
            let note = format!("{}：按规定办理完毕", s.name_zh);
            db.act_on_project(
                &all,
                id,
                version,
                Action::Complete { note },
                Some(s.actors[0]),
                day.min(today),
                approval.as_deref(),
                &actor,
            )
            .await?;
            day = calendar.add_working_days(day, 5);
        }
        Ok(id)
    };
    let last_year = today - chrono::Duration::days(400);
    let sheds = project(
        "沙东村香菇大棚（一期）",
        "产业发展",
        "411702101201",
        year - 1,
        "新建香菇大棚20座及冷库1座",
        720_000,
        "大棚租给脱贫户种植香菇，租金收益归村集体；务工优先吸纳脱贫户",
        last_year,
        kinds::PROJECT.steps.len(),
    )
    .await?;
    let roads = project(
        "沙西村道路硬化和坑塘整治",
        "乡村建设",
        "411702101200",
        year - 1,
        "村内道路硬化2.1公里，坑塘整治3处",
        480_000,
        "以工代赈，务工优先吸纳脱贫户和监测户",
        last_year,
        kinds::PROJECT.steps.len(),
    )
    .await?;
    let station = db.projects(&all, Some(year)).await?.into_iter().find(|p| p.name == "板桥镇村级光伏电站");
    let handed = (today - chrono::Duration::days(300)).to_string();
    let asset = |name: &str,
                 kind: &str,
                 category: &str,
                 village: &str,
                 owner: &str,
                 yuan: i64,
                 keeper: &str,
                 person: &str,
                 on: &str| {
        AssetData::parse(
            &f(&[
                ("name", name.into()),
                ("asset_type", kind.into()),
                ("category", category.into()),
                ("village", village.into()),
                ("owner", owner.into()),
                ("owner_kind", "村集体".into()),
                ("value", yuan.to_string()),
                ("handed_over_on", on.into()),
                ("keeper", keeper.into()),
                ("keeper_person", person.into()),
            ]),
            today,
        )
        .map_err(|e| anyhow::anyhow!("{e:?}"))
    };
    if let Some(p) = station {
        let on = (today - chrono::Duration::days(10)).to_string();
        let a = asset(
            "板桥村村级光伏电站300千瓦",
            "经营性资产",
            "光伏电站",
            "411702102200",
            "板桥村村集体",
            1_260_000,
            "板桥村村民委员会",
            "李光明",
            &on,
        )?;
        db.add_asset(&all, p.id, &a, &actor).await?;
    }
    let a = asset(
        "沙东村香菇大棚20座",
        "经营性资产",
        "房屋/大棚",
        "411702101201",
        "沙东村股份经济合作社",
        600_000,
        "沙东村股份经济合作社",
        "张德明",
        &handed,
    )?;
    db.add_asset(&all, sheds, &a, &actor).await?;
    let a = asset(
        "沙东村香菇冷库1座",
        "经营性资产",
        "房屋/大棚",
        "411702101201",
        "沙东村股份经济合作社",
        120_000,
        "沙东村股份经济合作社",
        "张德明",
        &handed,
    )?;
    let cold = db.add_asset(&all, sheds, &a, &actor).await?;
    let idle = StatusChange::parse(
        &f(&[
            ("status", "闲置".into()),
            ("on", (today - chrono::Duration::days(20)).to_string()),
            ("reason", "冬季停产，冷库暂时闲置，开春后恢复使用".into()),
        ]),
        today,
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    db.change_asset_status(&all, cold, 1, &idle, &actor).await?;
    let a = asset(
        "沙西村村内道路2.1公里",
        "公益性资产",
        "道路",
        "411702101200",
        "沙西村村集体",
        380_000,
        "沙西村村民委员会",
        "王春生",
        &handed,
    )?;
    db.add_asset(&all, roads, &a, &actor).await?;
    let a = asset(
        "沙西村坑塘3处",
        "公益性资产",
        "水利设施",
        "411702101200",
        "沙西村村集体",
        100_000,
        "沙西村村民委员会",
        "王春生",
        &handed,
    )?;
    db.add_asset(&all, roads, &a, &actor).await?;
    // Next year's road to the sheds, at 村内公示 since three days ago, with an objection to answer.
    let road = project(
        "沙东村香菇产业路",
        "乡村建设",
        "411702101201",
        year + 1,
        "硬化香菇基地产业路1.2公里",
        360_000,
        "方便香菇运输，务工优先吸纳脱贫户",
        today - chrono::Duration::days(3),
        0,
    )
    .await?;
    let token = db.project_notice_token(&all, road, &actor).await?;
    db.lodge_project_objection(&token, "李秀兰", "13938761234", "产业路经过我家承包地，占地补偿怎么算？", "演示数据")
        .await?;
    Ok(())
}

/// 项目调整: the project under way (实施) changed twice — a month ago, published within its ten
/// working days, and three days ago, its notice still due. Entered once.
async fn seed_changes(db: &Db) -> anyhow::Result<()> {
    use bangfu_core::project::change::ChangeData;
    let all = Scope::everything();
    let Some(p) = db.projects(&all, None).await?.into_iter().find(|p| p.step.as_deref() == Some("implementation"))
    else {
        return Ok(());
    };
    if !db.project_changes(&all, p.id).await?.is_empty() {
        return Ok(());
    }
    let actor = Actor { user_id: None, username: "演示数据".into(), role: None, ip: None };
    let today = super::today();
    let f = |pairs: &[(&str, String)]| -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    };
    let first = ChangeData::parse(
        &f(&[
            ("decided_on", (today - days(30)).to_string()),
            ("content", "排水沟长度由1.2公里调整为1.5公里，资金规模不变（节余的路面资金调剂使用）".into()),
            ("reason", "村民代表会议提出延伸至村东组".into()),
            ("doc_no", "驿乡振〔2026〕21号".into()),
        ]),
        today,
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let c = db.record_project_change(&all, p.id, &first, &actor).await?;
    db.publish_project_change(&all, p.id, c, today - days(26), &actor).await?;
    let second = ChangeData::parse(
        &f(&[
            ("decided_on", (today - days(3)).to_string()),
            ("content", "完工日期顺延至次年1月底".into()),
            ("reason", "连续降雨停工".into()),
        ]),
        today,
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    db.record_project_change(&all, p.id, &second, &actor).await?;
    Ok(())
}

/// 板桥镇's village photovoltaic station (300 kW, on the grid since 2018, owned by the village
/// collective): the grid company's settlements of 2024, 2025 and this year's first three
/// quarters, the 2024 and 2025 收益分配方案 decided, reviewed, filed, published and paid — to
/// 公益岗位 holders, small public works and dividends for households with weak labour, each paid
/// line now in the household's income — and this year's plan still a draft. Entered once,
/// through the same checks as the pages.
async fn seed_pv(db: &Db) -> anyhow::Result<()> {
    use bangfu_core::project::pv::{LineData, PlanData, SettlementData, StationData};
    use bangfu_db::pv::PlanAct;
    let all = Scope::everything();
    if !db.stations(&all).await?.is_empty() {
        return Ok(());
    }
    let actor = Actor { user_id: None, username: "演示数据".into(), role: None, ip: None };
    let today = super::today();
    let village = "411702102200";
    let f = |pairs: &[(&str, String)]| -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
    };
    let bad = |e: Vec<FieldError>| anyhow::anyhow!("{e:?}");
    let station = StationData::parse(
        &f(&[
            ("name", "板桥村村级光伏电站".into()),
            ("area_code", village.into()),
            ("capacity_kw", "300".into()),
            ("grid_on", "2018-06-28".into()),
            ("owner", "板桥村股份经济合作社".into()),
        ]),
        today,
    )
    .map_err(bad)?;
    let st = db.create_station(&all, &station, &actor).await?;
    // Output by quarter (kWh); the benchmark price 0.3779 元 and the subsidy 0.42 元 per kWh.
    let output = [62_000i64, 96_000, 101_000, 71_000];
    for year in [2024, 2025, today.year()] {
        for (q, kwh) in output.iter().enumerate() {
            let q = q as u32 + 1;
            if year == today.year() && q > (today.month() - 1) / 3 {
                break; // the quarter not yet settled
            }
            let kwh = kwh + i64::from(year - 2024) * 1_500;
            let income = kwh * 3779 / 100; // fen
            // The subsidy reaches the village by the next year's first quarter.
            let subsidy = (year < today.year()).then_some(kwh * 42);
            let received = NaiveDate::from_ymd_opt(year + i32::from(q == 4), if q == 4 { 1 } else { q * 3 + 1 }, 15)
                .ok_or_else(|| anyhow::anyhow!("date"))?;
            let s = SettlementData::parse(
                &f(&[
                    ("year", year.to_string()),
                    ("quarter", q.to_string()),
                    ("kwh", kwh.to_string()),
                    ("income", Fen(income).to_yuan_string()),
                    ("subsidy", subsidy.map(|s| Fen(s).to_yuan_string()).unwrap_or_default()),
                    ("received_on", received.min(today).to_string()),
                ]),
                today,
                station.grid_on,
            )
            .map_err(bad)?;
            db.record_settlement(&all, st, &s, &actor).await?;
        }
    }
    let filter =
        HouseholdFilter { area: Some(AreaCode::parse(village).map_err(anyhow::Error::msg)?), ..Default::default() };
    let (households, _) = db.list_households(&all, &filter, Page { number: 1, size: 40 }).await?;
    let on = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| anyhow::anyhow!("date"));
    for (year, paid) in [(2024, true), (2025, true), (today.year(), false)] {
        let decided = on(year + 1, 1, 15).ok().filter(|d| *d <= today);
        let head = PlanData {
            year,
            decided_on: decided,
            decision: decided.map(|_| {
                "村党支部提议、村两委商议、党员大会审议、村民代表会议决议通过，决议和方案在村务公开栏公开".to_owned()
            }),
        };
        let mut lines: Vec<LineData> = Vec::new();
        for (i, h) in households.iter().enumerate() {
            let no = h.household_no.clone();
            let person = h.head_name.clone().unwrap_or_default();
            let (use_, yuan, note) = match i % 5 {
                0..=2 => ("公益岗位", 7_200, "村道保洁员 12个月"),
                3 => ("小型公益事业", 2_400, "村内排水沟清淤"),
                _ => ("收益分红", 1_200, "弱劳动力户收益分红"),
            };
            if i >= 15 || (use_ == "公益岗位" && person.is_empty()) {
                continue;
            }
            lines.push(
                LineData::parse(&f(&[
                    ("use", use_.into()),
                    ("household_no", no),
                    ("person", if use_ == "公益岗位" { person } else { String::new() }),
                    ("amount", yuan.to_string()),
                    ("note", note.into()),
                ]))
                .map_err(bad)?,
            );
        }
        if lines.is_empty() {
            continue; // a village without households in a small demo: nothing to distribute
        }
        // The village's own spending: a fifth of what goes to the households, at most 12,000元.
        let to_households: i64 = lines.iter().map(|l| l.amount.0).sum();
        lines.push(
            LineData::parse(&f(&[
                ("use", "村级公益事业支出".into()),
                ("amount", Fen((to_households / 5).min(1_200_000)).to_yuan_string()),
                ("note", "村内路灯维修和电费".into()),
            ]))
            .map_err(bad)?,
        );
        let plan = db.create_pv_plan(&all, st, &head, &actor).await?;
        for l in &lines {
            db.add_pv_line(&all, plan, l, &actor).await?;
        }
        if !paid {
            continue; // this year's plan: still a draft
        }
        let steps = [
            (PlanAct::Submit, Role::VillageWorker, on(year + 1, 1, 19)?),
            (PlanAct::Review, Role::TownshipStaff, on(year + 1, 1, 26)?),
            (PlanAct::File, Role::DistrictAdmin, on(year + 1, 2, 9)?),
            (PlanAct::Publish, Role::VillageWorker, on(year + 1, 2, 10)?),
            (PlanAct::Pay, Role::TownshipStaff, on(year + 1, 3, 6)?),
        ];
        for (act, role, day) in steps {
            let v = db.pv_plan(&all, plan).await?.version;
            db.act_on_pv_plan(&all, plan, v, act, Some(role), day, None, &actor).await?;
        }
    }
    Ok(())
}

/// The current members of up to `households` households of `area` who pass `keep` (given the
/// member and their age today), in register order.
async fn members_of(
    db: &Db,
    area: &str,
    households: u32,
    keep: impl Fn(&bangfu_core::household::Member, u32) -> bool,
) -> anyhow::Result<Vec<i64>> {
    let all = Scope::everything();
    let today = super::today();
    let filter =
        HouseholdFilter { area: Some(AreaCode::parse(area).map_err(anyhow::Error::msg)?), ..Default::default() };
    let (found, _) = db.list_households(&all, &filter, Page { number: 1, size: households }).await?;
    let mut out = Vec::new();
    for h in &found {
        for m in db.members(&all, h.id).await? {
            if m.left_on.is_none() && keep(&m, m.data.id_number.age_on(today)) {
                out.push(m.id.0);
            }
        }
    }
    Ok(out)
}

/// 培训班 and 座谈会 of 2025–2026 in 板桥镇 and 沙河店镇 with their attendees (working-age members
/// of the township's households; some with a certificate, some employed after), and 雨露计划
/// students (members at 中职 or 高职, else aged 15–22) over three terms in every state. Entered
/// once, through the same checks and audit as the pages.
async fn seed_training(db: &Db) -> anyhow::Result<()> {
    use bangfu_core::training::yulu::{Application, SchoolLevel, Semester, Step, Term};
    use bangfu_core::training::{CourseData, CourseKind, Outcome, TrainingType};
    let all = Scope::everything();
    if !db.courses(&all, None).await?.is_empty() {
        return Ok(());
    }
    let actor = Actor { user_id: None, username: "演示数据".into(), role: None, ip: None };
    let today = super::today();
    let day = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).filter(|x| *x <= today);
    type CourseSeed = (
        &'static str,
        CourseKind,
        TrainingType,
        (i32, u32, u32),
        u32,
        u32,
        &'static str,
        &'static str,
        &'static str,
        usize,
        Option<&'static str>,
    );
    // (topic, kind, type, start, days, hours, organiser, place, township or village, attendees, certificate)
    let courses: [CourseSeed; 4] = [
        (
            "食用菌栽培技术培训",
            CourseKind::Class,
            TrainingType::Practical,
            (2025, 10, 13),
            5,
            40,
            "板桥镇人民政府",
            "板桥镇香菇种植基地",
            "411702102000",
            22,
            None,
        ),
        (
            "电工技能培训",
            CourseKind::Class,
            TrainingType::Skills,
            (2026, 3, 9),
            12,
            96,
            "驿城区人力资源和社会保障局",
            "沙河店镇便民服务中心",
            "411702101000",
            16,
            Some("低压电工作业证"),
        ),
        (
            "扶志教育座谈会",
            CourseKind::Talk,
            TrainingType::Aspiration,
            (2026, 4, 16),
            1,
            4,
            "沙河店镇人民政府",
            "沙东村党群服务中心",
            "411702101201",
            25,
            None,
        ),
        (
            "家政服务技能培训",
            CourseKind::Class,
            TrainingType::Skills,
            (2026, 6, 8),
            7,
            56,
            "驿城区妇女联合会",
            "板桥镇便民服务中心",
            "411702102000",
            12,
            Some("育婴员职业技能等级证书"),
        ),
    ];
    for (i, (topic, kind, training_type, (y, m, d), days, hours, organiser, place, area, want, certificate)) in
        courses.iter().enumerate()
    {
        let Some(start_on) = day(*y, *m, *d) else { continue };
        let data = CourseData {
            kind: *kind,
            training_type: *training_type,
            topic: (*topic).to_owned(),
            start_on,
            end_on: (*days > 1)
                .then(|| start_on + chrono::Duration::days(i64::from(*days) - 1))
                .filter(|e| *e <= today),
            hours: *hours,
            organiser: (*organiser).to_owned(),
            place: Some((*place).to_owned()),
            area_code: AreaCode::parse(area).map_err(anyhow::Error::msg)?,
        };
        let id = db.create_course(&all, &data, &actor).await?;
        // Working-age members (18 to 60), a different draw from the area for each course.
        let mut people = members_of(db, area, 60, |_, age| (18..=60).contains(&age)).await?;
        // Spread over the area's households rather than its first few.
        people.sort_by_key(|m| roll(*m, 90 + i as u64));
        for (n, member) in people.iter().take(*want).enumerate() {
            let r = roll(*member, 40 + i as u64);
            let outcome = Outcome {
                certificate: match certificate {
                    Some(_) if r % 10 < 6 => Some(true),
                    Some(_) if r % 10 < 8 => Some(false),
                    _ => None,
                },
                certificate_name: certificate.filter(|_| r % 10 < 6).map(str::to_owned),
                // A talk has no job to follow; a course's attendees are asked months later.
                employed: match kind {
                    CourseKind::Talk => None,
                    CourseKind::Class if n % 3 == 0 => Some(true),
                    CourseKind::Class if n % 3 == 1 => Some(false),
                    CourseKind::Class => None,
                },
            };
            db.add_attendee(&all, id, *member, &outcome, &actor).await?;
        }
    }
    // 雨露计划: students of 沙河店镇 and 板桥镇, at most 12 — those at 中职 or 高职 first, then
    // members aged 16 to 20 the register does not show at school (the register lags a term).
    use bangfu_core::household::StudentStatus;
    let vocational = |m: &bangfu_core::household::Member, _: u32| {
        matches!(m.data.student_status, Some(StudentStatus::SecondaryVocational | StudentStatus::HigherVocational))
    };
    let of_age = |m: &bangfu_core::household::Member, age: u32| {
        !vocational(m, age)
            && (16..=20).contains(&age)
            && !matches!(m.data.student_status, Some(StudentStatus::Primary | StudentStatus::Junior))
    };
    let mut students = Vec::new();
    for keep in [&vocational as &dyn Fn(&bangfu_core::household::Member, u32) -> bool, &of_age] {
        for township in ["411702101000", "411702102000"] {
            students.extend(members_of(db, township, 300, keep).await?);
        }
    }
    students.truncate(12);
    let schools = [
        ("驿城区职业教育中心", SchoolLevel::SecondaryVocational, "现代农艺技术"),
        ("驻马店职业技术学院", SchoolLevel::HigherVocational, "护理"),
        ("驻马店技师学院", SchoolLevel::Technical, "电气自动化设备安装与维修"),
        ("驻马店财经学校", SchoolLevel::SecondaryVocational, "会计事务"),
    ];
    let township = Some(Role::TownshipStaff);
    for (i, member) in students.iter().enumerate() {
        let (school, level, major) = schools[i % schools.len()];
        let terms = [
            (Term { year: 2025, semester: Semester::Autumn }, day(2025, 9, 15), "二年级"),
            (Term { year: 2026, semester: Semester::Spring }, day(2026, 3, 10), "二年级"),
            (Term { year: 2026, semester: Semester::Autumn }, day(2026, 9, 14), "三年级"),
        ];
        for (k, (term, applied_on, grade)) in terms.into_iter().enumerate() {
            let Some(applied_on) = applied_on else { continue };
            // The first half of the students began a year earlier; the rest from 2026.
            if k == 0 && i >= 6 {
                continue;
            }
            let a = Application {
                member_id: *member,
                term,
                school: school.to_owned(),
                major: Some(major.to_owned()),
                level,
                grade: grade.to_owned(),
                amount: Fen(150_000),
                applied_on,
            };
            let id = db.apply_yulu(&all, &a, &actor).await?;
            let step_on = |days: i64| Some(applied_on + chrono::Duration::days(days)).filter(|d| *d <= today);
            let mut version = 1;
            let mut take = |step: Step| {
                let v = version;
                version += 1;
                let (all, actor) = (&all, &actor);
                async move { db.yulu_step(all, id, v, &step, township, actor).await }
            };
            // 2025 autumn: all done and published; 2026 spring: one refused, the rest checked,
            // most paid, half published; 2026 autumn: a third checked, the rest still applied.
            let (check, pay, publish) = match k {
                0 => (true, true, true),
                1 if i % 5 == 4 => {
                    if let Some(on) = step_on(20) {
                        take(Step::Refuse {
                            on, reason: "学籍信息与全国学籍管理系统不符，请核实后重新申请".into()
                        })
                        .await?;
                    }
                    continue;
                }
                1 => (true, i % 3 != 2, i % 2 == 0),
                _ => (i % 3 == 0, false, false),
            };
            let Some(on) = step_on(25).filter(|_| check) else { continue };
            take(Step::Check { on, note: Some("学籍和家庭情况已核实".into()) }).await?;
            let Some(on) = step_on(60).filter(|_| pay) else { continue };
            take(Step::Pay { on, amount: Fen(150_000) }).await?;
            let Some(on) = step_on(70).filter(|_| publish) else { continue };
            take(Step::Publish { on }).await?;
        }
    }
    Ok(())
}

/// 程序 in every state, in 沙河店镇 (the township the demo's township and village users see):
/// leads at 入户核实 (one overdue), notices open now with their QR code (one with an objection to
/// answer), approved, refused and withdrawn identifications, clearings, yearly classes and one
/// back-filled 2018 exit. Acted through the same engine, checks and audit as the pages.
async fn seed_procedures(db: &Db) -> anyhow::Result<()> {
    use bangfu_core::auth::Role;
    use bangfu_core::procedure::decision::Proposal;
    use bangfu_core::procedure::{Action, ProcedureDef, kinds};
    use bangfu_db::procedures::{Act, ProcedureFilter};
    let all = Scope::everything();
    if db.procedures(&all, &ProcedureFilter { limit: 1, ..Default::default() }).await?.1 > 0 {
        return Ok(());
    }
    let actor = Actor { user_id: None, username: "bangfu demo".into(), role: None, ip: None };
    let today = super::today();
    let ago = |n: i64| today - chrono::Duration::days(n);
    let town = AreaCode::parse("411702101000").map_err(anyhow::Error::msg)?;
    let filter =
        |t: HouseholdType| HouseholdFilter { area: Some(town.clone()), household_type: Some(t), ..Default::default() };
    let pick = async |f: HouseholdFilter, monitored: bool| -> anyhow::Result<Vec<HouseholdSummary>> {
        let (found, _) = db.list_households(&all, &f, Page { number: 1, size: 200 }).await?;
        Ok(found.into_iter().filter(|h| h.monitoring_type.is_some() == monitored).collect())
    };
    let mut free = pick(filter(HouseholdType::Tuopin), false).await?;
    free.extend(pick(filter(HouseholdType::Ordinary), false).await?);
    // Clearings wherever the register has an episode old enough (six months at least).
    let anywhere = |t: HouseholdType| HouseholdFilter { household_type: Some(t), ..Default::default() };
    let mut monitored = pick(filter(HouseholdType::Tuopin), true).await?;
    monitored.extend(pick(anywhere(HouseholdType::Tuopin), true).await?);
    monitored.extend(pick(anywhere(HouseholdType::Monitored), true).await?);
    let tuopin: Vec<_> = free.iter().filter(|h| h.household_type == HouseholdType::Tuopin).cloned().collect();
    let fields = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    };
    let identify = |reason: &str| {
        Proposal::keep(
            &kinds::IDENTIFICATION,
            &fields(&[
                ("monitoring_type", "突发严重困难户"),
                ("risks", "因病"),
                ("found_by", "干部排查"),
                ("reporter", "驻村工作队"),
                ("reason", reason),
            ]),
        )
    };
    let (village, township, county) = (Role::VillageWorker, Role::TownshipStaff, Role::DistrictAdmin);
    // What the appraisals and cross-checks record: the meeting, its votes, no hits.
    let meeting = fields(&[
        ("meeting_place", "村委会会议室"),
        ("attendees", "13"),
        ("votes_for", "13"),
        ("votes_against", "0"),
        ("votes_abstain", "0"),
        ("hits", "0"),
    ]);
    // Walks a procedure's steps, each on its day, by the role whose step it is.
    let walk = async |id: i64, steps: &[(Action, Role, NaiveDate)]| -> anyhow::Result<()> {
        for (action, role, on) in steps {
            let version = db.procedure(&all, id).await?.version;
            let act = Act { id, version, action: action.clone(), role: Some(*role), on: *on };
            db.act_with_findings(&all, act, &meeting, &actor).await?;
        }
        Ok(())
    };
    let done = |note: &str| Action::Complete { note: note.to_owned() };
    let start = async |h: &HouseholdSummary, def: &'static ProcedureDef, p: &Proposal, on: NaiveDate| {
        let id = db.start_procedure(&all, h.id, def, p, on, &actor).await?;
        // The home check photographs the household's signed 承诺授权书.
        if def.code == kinds::IDENTIFICATION.code {
            let photo = include_bytes!("demo_consent.png");
            let up = bangfu_core::assistance::evidence::check_upload("承诺授权书.png", photo)
                .map_err(|e| bangfu_core::DomainError::Invalid(vec![e]))?;
            db.add_procedure_attachment(&all, id, "consent", Some("户主签字按手印"), (&up, photo), &actor).await?;
        }
        Ok::<i64, bangfu_core::DomainError>(id)
    };
    let to_notice = |from: i64| {
        vec![
            (done("入户核实：填写信息采集表，签订承诺授权书"), village, ago(from)),
            (done("比对车辆、房产、工商、财政供养、低保特困名单，无异常"), county, ago(from - 1)),
            (done("村级民主评议：应到15人，实到13人，同意13票"), village, ago(from - 2)),
        ]
    };
    let mut n = 0;
    let mut free = free.into_iter();
    // At 入户核实: one just logged, one long overdue.
    if let Some(h) = free.next() {
        start(&h, &kinds::IDENTIFICATION, &identify("户主突发脑梗住院，自付费用较高"), ago(1)).await?;
        n += 1;
    }
    if let Some(h) = free.next() {
        start(&h, &kinds::IDENTIFICATION, &identify("自主申报：家中遭遇洪涝，房屋受损"), ago(20)).await?;
        n += 1;
    }
    // Notices open now (QR code on the print), one with an objection waiting for its answer.
    for (i, h) in free.by_ref().take(2).enumerate() {
        let id = start(&h, &kinds::IDENTIFICATION, &identify("务工受伤，收入骤降"), ago(6)).await?;
        walk(id, &to_notice(5)).await?;
        if i == 1 {
            let token = db.procedure(&all, id).await?.notice_token.unwrap_or_default();
            db.lodge_objection(&token, "王桂兰", "13903960000", "他家在城里开店，收入不低", "demo").await?;
        }
        n += 1;
    }
    // Approved (opens the episode), refused at the county, withdrawn.
    let chain = |from: i64| {
        let mut s = to_notice(from);
        s.extend([
            (done("公示5天，无异议"), village, ago(from - 8)),
            (done("乡镇审核同意"), township, ago(from - 9)),
            (done("县级审批同意纳入"), county, ago(from - 10)),
            (done("已在村务公开栏公告"), township, ago(from - 11)),
        ]);
        s
    };
    if let Some(h) = free.next() {
        let id = start(&h, &kinds::IDENTIFICATION, &identify("因病住院，自付医疗费用超过2万元"), ago(41)).await?;
        walk(id, &chain(40)).await?;
        n += 1;
    }
    if let Some(h) = free.next() {
        let id = start(&h, &kinds::IDENTIFICATION, &identify("收入下降"), ago(31)).await?;
        let mut s = chain(30);
        s.truncate(5);
        s.push((
            Action::Refuse {
                reason: "比对发现家庭成员名下有小轿车和商品房，收入高于监测范围".into()
            },
            county,
            ago(20),
        ));
        walk(id, &s).await?;
        n += 1;
    }
    if let Some(h) = free.next() {
        let id = start(&h, &kinds::IDENTIFICATION, &identify("误报"), ago(15)).await?;
        walk(id, &[(Action::Withdraw { reason: "入户核实：该户已迁出本村".into() }, village, ago(14))]).await?;
        n += 1;
    }
    // Risk clearings: one at the county's approval, one approved.
    let clear = Proposal::keep(
        &kinds::RISK_CLEARING,
        &fields(&[("method", "帮扶消除"), ("reason", "务工收入稳定，人均纯收入连续6个月高于监测范围")]),
    );
    let mut cleared = 0;
    for h in &monitored {
        if cleared == 2 {
            break;
        }
        // Six months at least since identification; a household with no labour at all is never
        // cleared (综合保障): the start refuses it.
        let episodes = bangfu_core::store::MonitoringStore::episodes(db, &all, h.id).await?;
        if !episodes.iter().any(|e| e.is_open() && e.opened.identified_on + chrono::Duration::days(200) <= today) {
            continue;
        }
        let Ok(id) = start(h, &kinds::RISK_CLEARING, &clear, ago(12)).await else { continue };
        let i = cleared;
        cleared += 1;
        if i == 1 {
            // The one the county approves: seven monthly 12-month records above the line.
            steady_income(db, h, &actor, today).await?;
        }
        // 入户核实 records what it found: 刚性支出 resolved, 三保障和饮水 secured, labour in the family.
        let found: HashMap<String, String> = [
            ("rigid_expense_resolved", "是"),
            ("house_unsafe", "否"),
            ("out_of_school", "否"),
            ("no_medical_insurance", "否"),
            ("water_unsafe", "否"),
            ("no_labour", "否"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let version = db.procedure(&all, id).await?.version;
        let visit =
            Act { id, version, action: done("入户核实收入和三保障"), role: Some(village), on: ago(11) };
        db.act_with_findings(&all, visit, &found, &actor).await?;
        let mut s = vec![(done("村级民主评议同意"), village, ago(10)), (done("公示5天，无异议"), village, ago(4))];
        if i == 1 {
            s.push((done("县级审批同意"), county, ago(3)));
            s.push((done("已公告"), township, ago(2)));
        }
        walk(id, &s).await?;
        n += 1;
    }
    // Yearly classes: one decided, one at the township's review; one back-filled 2018 exit.
    let class = Proposal::keep(
        &kinds::CLASSIFICATION,
        &fields(&[("year", &today.year().to_string()), ("stability", "稳定脱贫户"), ("labour", "有劳动能力")]),
    );
    for (i, h) in tuopin.iter().rev().take(2).enumerate() {
        let id = start(h, &kinds::CLASSIFICATION, &class, ago(9)).await?;
        let mut s = vec![(done("村级评议：收入稳定，有劳动能力"), village, ago(8))];
        if i == 0 {
            s.push((done("乡镇审核同意"), township, ago(7)));
            s.push((done("县级审定"), county, ago(6)));
        }
        walk(id, &s).await?;
        n += 1;
    }
    if let Some(h) = tuopin.iter().rev().nth(2) {
        let exit = Proposal::keep(
            &kinds::HISTORICAL_EXIT,
            &fields(&[("exit_year", "2018"), ("reason", "补录2018年退出程序")]),
        );
        let on = |m: u32, d: u32| NaiveDate::from_ymd_opt(2018, m, d).unwrap_or(today);
        let id = start(h, &kinds::HISTORICAL_EXIT, &exit, on(10, 8)).await?;
        walk(
            id,
            &[
                (done("村级民主评议同意退出"), village, on(10, 10)),
                (done("公示7天无异议"), village, on(10, 18)),
                (done("乡镇审核同意"), township, on(10, 22)),
                (done("县级审定"), county, on(11, 2)),
                (done("已公告"), county, on(11, 6)),
            ],
        )
        .await?;
        n += 1;
    }
    println!("已录入 {n} 个程序（纳入监测、风险消除、年度分类、历史退出，含公示中和超期的）");
    Ok(())
}

/// Seven 12-month income records, one ending each of the last seven months, comfortably above
/// any 监测范围 (wages 15 000 元 a person), for a clearing the county can approve.
async fn steady_income(db: &Db, h: &HouseholdSummary, actor: &Actor, today: NaiveDate) -> anyhow::Result<()> {
    use bangfu_core::household::{Income, IncomePeriod, RecordIncome};
    use bangfu_core::store::IncomeStore;
    let size = h.size.max(1);
    for back in 1..=7 {
        let months = today.year() * 12 + today.month() as i32 - 1 - back;
        let wages = bangfu_core::money::Fen(size * 1_500_000);
        let mut income = Income::of_year(today.year(), size, [Some(wages), None, None, None, None]);
        income.period =
            IncomePeriod::TwelveMonths { end_year: months.div_euclid(12), end_month: months.rem_euclid(12) as u32 + 1 };
        db.record_income(&Scope::everything(), h.id, &RecordIncome { income, replace: true }, actor).await?;
    }
    // The year's own figure agrees (in December it is the latest the rules read).
    let wages = bangfu_core::money::Fen(size * 1_500_000);
    let income = Income::of_year(today.year(), size, [Some(wages), None, None, None, None]);
    db.record_income(&Scope::everything(), h.id, &RecordIncome { income, replace: true }, actor).await?;
    Ok(())
}

/// What [`seed_episodes`] entered.
struct SeededEpisodes {
    episodes: usize,
    households: usize,
    /// Households identified again after a risk was cleared.
    again: usize,
    /// Households still monitored.
    open: usize,
}

/// The generated monitoring episodes (episodes.csv), entered as the district records them:
/// 纳入监测 with its risks, flags and how the household was found, then 风险消除 for each that
/// ended — through the same checks and history as the forms.
async fn seed_episodes(db: &Db, path: &std::path::Path) -> anyhow::Result<SeededEpisodes> {
    let everything = Scope::everything();
    let actor = Actor { user_id: None, username: "演示数据".into(), role: None, ip: None };
    let today = super::today();
    let mut households: HashMap<String, (HouseholdId, HouseholdType)> = HashMap::new();
    for page in 1.. {
        let (found, _) =
            db.list_households(&everything, &HouseholdFilter::default(), Page { number: page, size: 500 }).await?;
        if found.is_empty() {
            break;
        }
        households.extend(found.into_iter().map(|h| (h.household_no, (h.id, h.household_type))));
    }
    let mut rdr = csv::Reader::from_path(path).with_context(|| format!("读取 {}", path.display()))?;
    let mut seen: HashMap<HouseholdId, usize> = HashMap::new();
    let mut still_open: HashMap<HouseholdId, bool> = HashMap::new();
    let mut seeded = SeededEpisodes { episodes: 0, households: 0, again: 0, open: 0 };
    for record in rdr.records() {
        let record = record.with_context(|| format!("读取 {}", path.display()))?;
        let mut fields: HashMap<String, String> =
            EPISODE_COLUMNS.iter().zip(record.iter()).map(|((f, _), v)| ((*f).to_owned(), v.to_owned())).collect();
        let no = fields.get("household_no").cloned().unwrap_or_default();
        let &(id, household_type) =
            households.get(&no).ok_or_else(|| anyhow::anyhow!("监测记录中的户编号 {no} 不在台账中"))?;
        let earlier = *seen.get(&id).unwrap_or(&0);
        let risks = fields.get("risks").cloned().unwrap_or_default();
        let how = match fields.get("found_by").map(String::as_str) {
            Some("自主申报") => "农户自主申报",
            Some("部门预警") => "部门筛查预警",
            _ => "干部走访排查发现",
        };
        let reason = if earlier > 0 {
            format!("风险消除后{how}{risks}风险，收入再次下降，经入户核实、村级民主评议和公示，区级审批再次纳入监测")
        } else {
            format!(
                "{how}{risks}风险，家庭人均纯收入低于或接近监测范围，经入户核实、村级民主评议和公示，区级审批纳入监测"
            )
        };
        fields.insert("reason".into(), reason);
        let open = OpenEpisode::parse(&fields, household_type, today).map_err(|e| refused("监测记录", &e))?;
        let episode_id: EpisodeId = db.backfill_episode(&everything, id, &open, &actor).await?;
        seeded.episodes += 1;
        seen.insert(id, earlier + 1);
        if earlier == 1 {
            seeded.again += 1;
        }
        let cleared = fields.get("cleared_on").is_some_and(|d| !d.is_empty());
        still_open.insert(id, !cleared);
        if cleared {
            let natural = fields.get("method").is_some_and(|m| m == "自然消除");
            fields.insert(
                "reason".into(),
                if natural {
                    "务工收入恢复，家庭人均纯收入稳定超过监测范围六个月以上，“三保障”和饮水安全有保障，经村级评议、公示和区级审批，风险自然消除"
                } else {
                    "落实帮扶措施后家庭人均纯收入稳定超过监测范围六个月以上，“三保障”和饮水安全有保障，经村级评议、公示和区级审批，帮扶消除风险"
                }
                .to_owned(),
            );
            let stored = Episode {
                id: episode_id,
                household_id: id,
                opened: open,
                opened_by: None,
                closed: None,
                closed_by: None,
            };
            let close = CloseEpisode::parse(&fields, &stored, today).map_err(|e| refused("风险消除", &e))?;
            db.backfill_clearing(&everything, id, &close, &actor).await?;
        }
    }
    seeded.households = seen.len();
    seeded.open = still_open.values().filter(|&&open| open).count();
    Ok(seeded)
}

/// The demo's 河南 监测范围 for 2021–2026, each marked 示例值 with a note saying how it was
/// made (about 1.5 × the 2020 national line, raised about 5 % a year): not Henan's published
/// figures. Entered once, with their history, like any line the office enters.
async fn seed_example_lines(db: &Db) -> anyhow::Result<()> {
    use bangfu_core::line::*;
    use bangfu_core::store::LineStore;
    let existing = db.lines(&Scope::everything()).await?;
    let actor = Actor { user_id: None, username: "演示数据".into(), role: None, ip: None };
    for (year, fen) in EXAMPLE_HENAN_MONITORING {
        let area = LineArea::parse(HENAN).map_err(anyhow::Error::msg)?;
        if existing.iter().any(|l| l.data.kind == LineKind::Monitoring && l.data.year == *year && l.data.area == area) {
            continue;
        }
        let data = LineData {
            kind: LineKind::Monitoring,
            year: *year,
            area,
            amount: bangfu_core::money::Fen(*fen),
            document_no: None,
            effective_on: None,
            example: true,
            note: Some(EXAMPLE_NOTE.to_owned()),
        };
        db.create_line(&Scope::everything(), &data, "演示数据：示例值", &actor).await?;
    }
    Ok(())
}

/// Demo 帮扶, all made once (when there are no units yet): three sub-district offices as units,
/// paired with three townships; a helper per village with households to help (monitored ones),
/// assigned to most of them; a work team in each key village ([`key_villages`]) only; this
/// year's plans with measures in every state, at least one 开发式 for a household that can
/// work; visits; and a few 一般农户 under check. Each worklist has some households on it, but
/// not most.
async fn seed_assistance(db: &Db) -> anyhow::Result<()> {
    use bangfu_core::assistance::{HelperData, UnitData, UnitLevel, WorkReason};
    use bangfu_core::store::{AssistanceStore, UnitStore, WorklistStore};
    if !db.units(&Scope::everything()).await?.is_empty() {
        return Ok(());
    }
    let actor = Actor { user_id: None, username: "bangfu demo".into(), role: None, ip: None };
    let today = super::today();
    let mut units = Vec::new();
    for (name, area) in
        [("人民街道办事处", "411702001000"), ("新华街道办事处", "411702004000"), ("西园街道办事处", "411702003000")]
    {
        let unit = UnitData {
            name: name.into(),
            level: UnitLevel::Township,
            area_code: AreaCode::parse(area).map_err(anyhow::Error::msg)?,
        };
        units.push(db.create_unit(&Scope::everything(), &unit, &actor).await?);
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
    let key = key_villages()?;
    let mut helpers: HashMap<String, DemoHelper> = HashMap::new();
    let mut helper_of: HashMap<HouseholdId, String> = HashMap::new();
    let start = NaiveDate::from_ymd_opt(2024, 1, 15).unwrap_or_default();
    for (i, (household, village)) in needing.iter().enumerate() {
        // Every seventh household is left without a helper: the worklist has work on it.
        if i % 7 == 3 {
            continue;
        }
        let n = helpers.len();
        if !helpers.contains_key(village.as_str()) {
            let name = format!("{}{}", SURNAMES[n % SURNAMES.len()], GIVEN[(n * 7 + n / SURNAMES.len()) % GIVEN.len()]);
            let phone = format!("139{:08}", 37_100_000 + n);
            let unit = units[n % units.len()];
            let fields = form(&[
                ("name", name.clone()),
                ("area_code", village.to_string()),
                ("phone", phone.clone()),
                // In a key village the helper is one of the work team; elsewhere the township's
                // cadre for the village.
                ("post", if key.contains(village.as_str()) { "驻村工作队员" } else { "包村干部" }.to_owned()),
                ("unit_id", unit.to_string()),
            ]);
            let data = HelperData::parse(&fields, super::today()).map_err(|e| refused("帮扶责任人", &e))?;
            let id = db.create_helper(&everything, &data, &actor).await?;
            helpers.insert(village.to_string(), DemoHelper { id, name, phone, unit });
        }
        let helper = &helpers[village.as_str()];
        db.assign_helper(&everything, *household, helper.id, start, &actor).await?;
        helper_of.insert(*household, helper.name.clone());
    }
    let pairings = seed_pairings(db, &units, &actor, today).await?;
    let codes =
        key.iter().map(|c| AreaCode::parse(c).map_err(anyhow::Error::msg)).collect::<anyhow::Result<Vec<_>>>()?;
    db.set_key_villages(&everything, &codes, &actor).await?;
    let teams = seed_teams(db, &key, &units, &helpers, &actor, today).await?;
    // Everyone needing help, read before any plan exists: the no-plan list is all of them.
    let mut households = Vec::new();
    for page in 1.. {
        let (found, _) = db.worklist(&everything, WorkReason::NoPlan, today, Page { number: page, size: 200 }).await?;
        if found.is_empty() {
            break;
        }
        households.extend(found);
    }
    // Without a helper yet: the key village's first secretary, elsewhere the village's own
    // party secretary answers for the household.
    let responsible = |h: &HouseholdSummary| {
        helper_of
            .get(&h.id)
            .or_else(|| teams.get(h.village_code.as_str()).and_then(|t| t.first()))
            .cloned()
            .unwrap_or_else(|| "村党支部书记".to_owned())
    };
    let (plans, measures) = seed_plans(db, &households, &responsible, &actor, today).await?;
    let visits = seed_visits(db, &households, &responsible, &teams, &actor, today).await?;
    let checks = seed_checks(db, &actor, today).await?;
    println!(
        "已建立演示帮扶：{} 个帮扶单位、{pairings} 对结对、{} 名帮扶责任人、{} 个重点帮扶村各派驻一支工作队、{plans} 份帮扶计划、{measures} 条措施、{visits} 次走访、{checks} 户一般农户待核实",
        units.len(),
        helpers.len(),
        teams.len()
    );
    Ok(())
}

const SURNAMES: &[&str] = &["李", "王", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "郭", "马"];
const GIVEN: &[&str] = &["建华", "志强", "秀梅", "国庆", "丽娟", "海涛", "红霞", "卫东", "晓燕", "春生"];
/// Team members' given names: none is a helper's, so a helper joining the team never clashes.
const TEAM_GIVEN: &[&str] =
    &["振宇", "文静", "俊峰", "玉兰", "明亮", "雪梅", "向阳", "淑芬", "新民", "慧敏", "永刚", "艳玲"];

struct DemoHelper {
    id: bangfu_core::ids::HelperId,
    name: String,
    phone: String,
    unit: bangfu_core::ids::UnitId,
}

/// A stable pseudo-random number from an id and a purpose (splitmix64): the demo comes out
/// the same on every run, with no randomness from the system.
fn roll(id: i64, purpose: u64) -> u64 {
    let mut z = (id as u64).wrapping_add(purpose.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn days(n: u64) -> chrono::Duration {
    chrono::Duration::days(n as i64)
}

/// Form fields, so the demo goes through the same checks as a user's entry.
fn form(pairs: &[(&str, String)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn refused(what: &str, errors: &[FieldError]) -> anyhow::Error {
    match errors.first() {
        Some(e) => anyhow::anyhow!("演示{what}有误: {e}"),
        None => anyhow::anyhow!("演示{what}有误"),
    }
}

/// 结对帮扶: each sub-district office with a rural township, since 2024.
async fn seed_pairings(
    db: &Db,
    units: &[bangfu_core::ids::UnitId],
    actor: &Actor,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let district = AreaCode::parse("411702000000").map_err(anyhow::Error::msg)?;
    let humiao = db
        .children(&district)
        .await?
        .into_iter()
        .find(|a| a.name == "胡庙乡")
        .ok_or_else(|| anyhow::anyhow!("内置区划中没有胡庙乡"))?;
    let pairs = [
        (units[0], "411702101000".to_owned(), "人居环境整治项目"),
        (units[1], "411702104000".to_owned(), "特色种植产业帮扶项目"),
        (units[2], humiao.code.to_string(), "村集体经济发展项目"),
    ];
    for (unit, area, note) in &pairs {
        let fields = form(&[
            ("unit_id", unit.to_string()),
            ("area_code", area.clone()),
            ("start_on", "2024-01-01".to_owned()),
            ("note", (*note).to_owned()),
        ]);
        let data = PairingData::parse(&fields, today).map_err(|e| refused("结对帮扶", &e))?;
        db.create_pairing(&Scope::everything(), &data, actor).await?;
    }
    Ok(pairs.len())
}

/// The demo user 沙东村驻村工作队员's village: always a key village.
const SHADONG: &str = "411702101201";

/// 重点帮扶村 — the former 脱贫村 and other villages the district singles out — where it stations
/// a 驻村工作队: one rural village (村民委员会) in five, picked from the code the same way on
/// every run, and always 沙东村. Communities (居民委员会) never are.
pub fn key_villages() -> anyhow::Result<BTreeSet<String>> {
    let villages = villages_from_divisions(YICHENG_DIVISIONS.as_bytes())?;
    Ok(villages.iter().filter(|v| is_key_village(v)).map(|v| v.code.clone()).collect())
}

fn is_key_village(v: &Village) -> bool {
    let rural = !v.name.contains("居民委员会") && !v.name.ends_with("社区");
    let code: i64 = v.code.parse().unwrap_or(0);
    v.code == SHADONG || (rural && roll(code, 80).is_multiple_of(5))
}

/// 驻村工作队 in each key village: a first secretary, the village's helper and other members
/// from the three units; one team in eight is down to two after a recall. Returns each
/// village's member names, the first secretary first.
async fn seed_teams(
    db: &Db,
    villages: &BTreeSet<String>,
    units: &[bangfu_core::ids::UnitId],
    helpers: &HashMap<String, DemoHelper>,
    actor: &Actor,
    today: NaiveDate,
) -> anyhow::Result<HashMap<String, Vec<String>>> {
    let first_day = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    let mut teams = HashMap::new();
    for (vi, village) in villages.iter().enumerate() {
        let code = AreaCode::parse(village).map_err(anyhow::Error::msg)?;
        let size = if vi % 8 == 5 {
            2
        } else if roll(vi as i64, 1).is_multiple_of(3) {
            4
        } else {
            3
        };
        let pooled = |k: usize| {
            let n = vi * 4 + k;
            (
                format!("{}{}", SURNAMES[(n * 5 + n / 12) % SURNAMES.len()], TEAM_GIVEN[n % TEAM_GIVEN.len()]),
                format!("159{:08}", 39_600_000 + n),
            )
        };
        let (name, phone) = pooled(0);
        let mut members = vec![(name, phone, units[vi % units.len()], TeamRole::FirstSecretary)];
        if let Some(h) = helpers.get(village) {
            members.push((h.name.clone(), h.phone.clone(), h.unit, TeamRole::Member));
        }
        let mut k = 1;
        while members.len() < size {
            let (name, phone) = pooled(k);
            members.push((name, phone, units[(vi + k) % units.len()], TeamRole::Member));
            k += 1;
        }
        // Sent in 2024: the first secretary first, the others within a few weeks.
        let arrived = first_day + days(14 + roll(vi as i64, 2) % 240);
        for (j, (name, phone, unit, role)) in members.iter().enumerate() {
            let fields = form(&[
                ("name", name.clone()),
                ("phone", phone.clone()),
                ("unit_id", unit.to_string()),
                ("role", role.code().to_owned()),
                ("start_on", (arrived + days(7 * j as u64)).to_string()),
            ]);
            let data = TeamMemberData::parse(&fields, today).map_err(|e| refused("工作队员", &e))?;
            db.add_team_member(&Scope::everything(), &code, &data, actor).await?;
        }
        teams.insert(village.clone(), members.into_iter().map(|m| m.0).collect());
    }
    Ok(teams)
}

/// A measure a plan may take up; `by` is the office responsible, or the household's helper.
struct Template {
    kind: MeasureKind,
    content: &'static str,
    by: Option<&'static str>,
    yuan: i64,
}

const fn t(kind: MeasureKind, content: &'static str, by: Option<&'static str>, yuan: i64) -> Template {
    Template { kind, content, by, yuan }
}

use MeasureKind as K;

const ILLNESS: &[Template] = &[
    t(K::Health, "落实家庭医生签约服务，办理慢性病卡", Some("区卫健委"), 0),
    t(K::Health, "资助参加城乡居民基本医疗保险，落实“三重保障”报销", Some("区医保局"), 380),
    t(K::Security, "纳入农村低保，按月发放低保金", Some("区民政局"), 4080),
    t(K::PublicJob, "安排家庭成员担任村保洁员公益岗位", None, 6000),
];
const DISABILITY: &[Template] = &[
    t(K::Security, "发放困难残疾人生活补贴和重度残疾人护理补贴", Some("区残联"), 1680),
    t(K::Health, "开展家庭医生上门康复服务，适配辅助器具", Some("区残联"), 0),
    t(K::PublicJob, "安排家庭成员担任村级护路员公益岗位", None, 6000),
];
const SCHOOLING: &[Template] = &[
    t(K::OtherEducation, "申请雨露计划补助", Some("区农业农村局"), 3000),
    t(K::Education, "落实学前至高中阶段家庭经济困难学生资助", Some("区教育局"), 2000),
    t(K::Employment, "推荐家长到区产业集聚区企业务工", Some("区人社局"), 0),
];
const DISASTER: &[Template] = &[
    t(K::Housing, "实施危房改造，加固屋顶和墙体", Some("区住建局"), 20000),
    t(K::Finance, "申报防贫保险理赔", None, 5000),
    t(K::Security, "申请临时救助", Some("区民政局"), 2000),
];
const LAND_WATER_ROADS: &[Template] = &[
    t(K::Water, "实施农村供水巩固提升工程，接通自来水入户", Some("区水利局"), 800),
    t(K::Living, "硬化入户道路，完成户厕改造", None, 0),
    t(K::Industry, "流转土地入股合作社，获得保底分红", None, 1500),
    t(K::Infrastructure, "硬化村组道路，接通自然村通组路", Some("区交通运输局"), 0),
];
const SKILLS: &[Template] = &[
    t(K::Employment, "参加区人社局组织的电焊工技能培训，推荐到产业集聚区就业", Some("区人社局"), 0),
    t(K::Industry, "参加食用菌种植技术培训，免费提供菌棒", None, 3000),
    t(K::Employment, "落实外出务工一次性交通补贴", Some("区人社局"), 500),
];
const LABOUR: &[Template] = &[
    t(K::PublicJob, "安排家庭成员担任村级护林员公益岗位", None, 6000),
    t(K::Security, "纳入农村低保，按月发放低保金", Some("区民政局"), 4080),
    t(K::Industry, "入股村集体光伏电站，享受收益分红", None, 1000),
];
const CAPITAL: &[Template] = &[
    t(K::Finance, "申请脱贫人口小额信贷，用于发展肉牛养殖", Some("区农商银行"), 50000),
    t(K::Finance, "申请脱贫人口小额信贷，用于扩大花生种植", Some("区农商银行"), 30000),
    t(K::Industry, "发放产业奖补资金，扶持养殖黄牛2头", None, 4000),
];
const DRIVE: &[Template] = &[
    t(K::Employment, "开展“扶志扶智”教育，推荐到村就业帮扶车间务工", None, 0),
    t(K::PublicJob, "安排家庭成员担任村保洁员公益岗位", None, 6000),
];
const OTHER: &[Template] = &[
    t(K::Social, "协调爱心企业结对帮扶，捐赠生活物资", None, 500),
    t(K::Employment, "推荐到村就业帮扶车间务工", None, 0),
];
/// For any household, after those for its main cause.
const GENERAL: &[Template] = &[
    t(K::Industry, "发放花生良种和化肥，扶持种植5亩", None, 1200),
    t(K::Employment, "推荐到驿城区产业集聚区企业务工", Some("区人社局"), 0),
    t(K::Living, "改造户厕，整治庭院环境", None, 0),
    t(K::Finance, "为家庭主要劳动力购买防贫保险", Some("区农业农村局"), 100),
    t(K::Health, "落实家庭医生签约服务，开展年度健康体检", Some("区卫健委"), 0),
    t(K::Industry, "发展庭院经济，种植辣椒和时令蔬菜", None, 500),
];

fn templates_for(cause: PovertyCause) -> &'static [Template] {
    match cause {
        PovertyCause::Illness => ILLNESS,
        PovertyCause::Disability => DISABILITY,
        PovertyCause::Schooling => SCHOOLING,
        PovertyCause::Disaster => DISASTER,
        PovertyCause::LackLand | PovertyCause::LackWater | PovertyCause::PoorTransport => LAND_WATER_ROADS,
        PovertyCause::LackSkills => SKILLS,
        PovertyCause::LackLabour => LABOUR,
        PovertyCause::LackCapital => CAPITAL,
        PovertyCause::LackDrive => DRIVE,
        PovertyCause::Marriage | PovertyCause::Funeral | PovertyCause::Other => OTHER,
    }
}

/// The 2014 cause nearest to a monitoring risk: which measures and goal a plan takes up.
fn cause_of(risk: MonitoringRisk) -> PovertyCause {
    use MonitoringRisk as R;
    match risk {
        R::Illness | R::Accident => PovertyCause::Illness,
        R::Disability => PovertyCause::Disability,
        R::Schooling => PovertyCause::Schooling,
        R::Flood | R::Geological | R::Drought | R::Biological | R::Weather | R::Earthquake | R::OtherDisaster => {
            PovertyCause::Disaster
        }
        R::IndustryFailure => PovertyCause::LackCapital,
        R::UnstableWork => PovertyCause::LackSkills,
        R::LackLabour => PovertyCause::LackLabour,
        R::Other => PovertyCause::Other,
    }
}

/// 开发式 measures for a household that can work and has none yet: paid work nearby first.
const DEVELOPMENTAL: &[Template] = &[
    t(K::Employment, "推荐到村就业帮扶车间务工", None, 0),
    PUBLIC_JOB,
    t(K::Industry, "发放产业奖补资金，扶持发展庭院养殖", None, 2000),
];
/// For a household whose only labour is weak or half labour.
const PUBLIC_JOB: Template = t(K::PublicJob, "安排家庭成员担任乡村公益性岗位（保洁员）", None, 6000);
/// 综合保障（兜底） for a household nobody in which can work.
const SECURITY: Template = t(K::Security, "纳入农村低保，按月发放低保金，落实综合保障", Some("区民政局"), 4080);

/// What a plan is written for: the household's open monitoring risks (or its 2014 cause),
/// and whether anyone in it can work.
struct Need {
    causes: Vec<PovertyCause>,
    ill: bool,
    schooling: bool,
    able: bool,
    /// Someone with ordinary or skilled labour (not only weak or half labour).
    full_labour: bool,
    identified_on: Option<NaiveDate>,
}

async fn need_of(db: &Db, h: &HouseholdSummary) -> anyhow::Result<Need> {
    let everything = Scope::everything();
    let open = db.episodes(&everything, h.id).await?.into_iter().find(Episode::is_open);
    let members = db.members(&everything, h.id).await?;
    let labour: Vec<Option<Labour>> = members.iter().filter(|m| m.left_on.is_none()).map(|m| m.data.labour).collect();
    let able = labour.iter().any(|l| matches!(l, Some(Labour::Ordinary | Labour::Skilled | Labour::Weak)));
    let full_labour = labour.iter().any(|l| matches!(l, Some(Labour::Ordinary | Labour::Skilled)));
    let risks = open.as_ref().map(|e| e.opened.risks.clone()).unwrap_or_default();
    let mut causes: Vec<PovertyCause> = risks.iter().map(|&r| cause_of(r)).collect();
    if causes.is_empty() {
        causes.push(h.main_cause.unwrap_or(PovertyCause::Other));
    }
    Ok(Need {
        ill: risks.contains(&MonitoringRisk::Illness) || causes.contains(&PovertyCause::Illness),
        schooling: causes.contains(&PovertyCause::Schooling),
        causes,
        able,
        full_labour,
        identified_on: open.map(|e| e.opened.identified_on),
    })
}

/// One to three measures of different kinds, those for the risks first: an education measure
/// for 因学, a health, 综合保障 or 社会帮扶 one for 因病, at least one 开发式 for a household that
/// can work and 综合保障 for one that cannot. Returns each with whether it must not be dropped.
fn choose_measures(need: &Need, r: u64) -> Vec<(&'static Template, bool)> {
    let count = match r % 10 {
        0..=2 => 1,
        3..=7 => 2,
        _ => 3,
    };
    fn take(t: &'static Template, keep: bool, chosen: &mut Vec<(&'static Template, bool)>) {
        if !chosen.iter().any(|(c, _)| c.kind == t.kind) {
            chosen.push((t, keep));
        }
    }
    let mut chosen: Vec<(&'static Template, bool)> = Vec::new();
    let rotated =
        |list: &'static [Template], by: u64| list.iter().cycle().skip(by as usize % list.len()).take(list.len());
    // What the risks require.
    if need.schooling {
        let t = SCHOOLING.iter().find(|t| matches!(t.kind, K::Education | K::OtherEducation));
        t.into_iter().for_each(|t| take(t, false, &mut chosen));
    }
    if need.ill {
        let t = ILLNESS.iter().cycle().skip((r / 10) as usize % 2).find(|t| matches!(t.kind, K::Health | K::Security));
        t.into_iter().for_each(|t| take(t, false, &mut chosen));
    }
    if need.able && !need.full_labour {
        // Weak or half labour: a 乡村公益性岗位 near home.
        take(&PUBLIC_JOB, true, &mut chosen);
    } else if need.able {
        let own =
            need.causes.iter().flat_map(|&c| rotated(templates_for(c), r / 100)).find(|t| t.kind.is_developmental());
        take(own.unwrap_or(&DEVELOPMENTAL[(r / 1000) as usize % DEVELOPMENTAL.len()]), true, &mut chosen);
    } else {
        take(&SECURITY, false, &mut chosen);
    }
    // Then the risks' own measures and the general ones, up to the count.
    let own = need.causes.iter().flat_map(|&c| rotated(templates_for(c), r / 10));
    for t in own.chain(rotated(GENERAL, r / 1000)) {
        if chosen.len() >= count {
            break;
        }
        take(t, false, &mut chosen);
    }
    chosen
}

fn goal(cause: PovertyCause) -> &'static str {
    match cause {
        PovertyCause::Illness | PovertyCause::Disability => "医疗费用按政策报销到位，家庭收入稳定，不因病因残返贫",
        PovertyCause::Schooling => "子女顺利完成学业，家庭不因学返贫",
        PovertyCause::LackCapital => "发展养殖种植，年内增加家庭经营性收入5000元以上",
        PovertyCause::LackSkills | PovertyCause::LackDrive => "家庭至少一人掌握一门实用技术并稳定就业",
        _ => "年内家庭人均纯收入稳定超过防返贫监测标准，“两不愁三保障”持续巩固",
    }
}

fn evidence_note(kind: MeasureKind) -> &'static str {
    match kind {
        MeasureKind::Finance => "资金已到户，合同和户主签字已存档",
        MeasureKind::Health => "已签约家庭医生，签约协议存档",
        MeasureKind::Education | MeasureKind::OtherEducation => "补助资金已通过“一卡通”发放到户，户主签字确认",
        MeasureKind::Housing => "已竣工验收，验收照片存档",
        MeasureKind::PublicJob => "已签订公益岗位协议，岗位补贴按月发放",
        _ => "已发放，户主签字确认",
    }
}

/// This year's 帮扶计划 for all but about one household in nine, with measures due over the
/// year: most of those past due are done, about one in twenty is still open (逾期).
async fn seed_plans(
    db: &Db,
    households: &[HouseholdSummary],
    responsible: &impl Fn(&HouseholdSummary) -> String,
    actor: &Actor,
    today: NaiveDate,
) -> anyhow::Result<(usize, usize)> {
    let everything = Scope::everything();
    let year = today.year();
    let jan1 = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let dec31 = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
    let (mut plans, mut measures) = (0, 0);
    for (i, h) in households.iter().enumerate() {
        if i % 9 == 4 {
            continue;
        }
        let id = h.id.0;
        let helper = responsible(h);
        let need = need_of(db, h).await?;
        // Written with the household in the first quarter, or within two weeks of its
        // identification this year.
        let first_quarter = jan1 + days(1 + roll(id, 10) % 78);
        let after_identification = need.identified_on.map(|d| d + days(3 + roll(id, 12) % 12));
        let written_on = first_quarter.max(after_identification.unwrap_or(first_quarter)).min(today);
        let fields = form(&[
            ("year", year.to_string()),
            ("written_on", written_on.to_string()),
            ("written_with", format!("户主{}", h.head_name.as_deref().unwrap_or(""))),
            ("goal", goal(need.causes[0]).to_owned()),
        ]);
        let data = PlanData::parse(&fields, today).map_err(|e| refused("帮扶计划", &e))?;
        let plan = db.create_plan(&everything, h.id, &data, actor).await?;
        plans += 1;
        for (j, (template, keep)) in choose_measures(&need, roll(id, 11)).into_iter().enumerate() {
            let r = roll(id, 20 + j as u64);
            let span = ((dec31 - written_on).num_days() - 20).max(1) as u64;
            let due_on = written_on + days(20 + r % span);
            let data = MeasureData {
                kind: template.kind,
                content: template.content.to_owned(),
                responsible: template.by.map_or_else(|| helper.clone(), str::to_owned),
                due_on,
                amount: (template.yuan > 0).then_some(Fen(template.yuan * 100)),
            };
            let measure = db.add_measure(&everything, plan, &data, actor).await?;
            measures += 1;
            let started = (written_on + days(20 + (r >> 8) % 40)).min(today);
            let p = (r >> 16) % 100;
            let progress = if due_on < today {
                match p {
                    0..=4 => (p % 2 == 1).then_some((MeasureStatus::InProgress, started.min(due_on))),
                    5 if !keep => Some((MeasureStatus::Dropped, due_on)),
                    _ => Some((MeasureStatus::Done, (due_on - days((r >> 24) % 15)).max(written_on))),
                }
            } else {
                match p {
                    0..=44 => Some((MeasureStatus::InProgress, started)),
                    45..=54 => Some((MeasureStatus::Done, (today - days((r >> 24) % 20)).max(written_on))),
                    _ => None,
                }
            };
            let Some((status, on)) = progress else { continue };
            let reason = (status == MeasureStatus::Dropped).then(|| "家庭情况发生变化，经户主本人申请取消".to_owned());
            let progress = MeasureProgress { status, on: on.min(today), reason };
            db.progress_measure(&everything, measure, &progress, actor).await?;
            if status == MeasureStatus::Done && (r >> 32).is_multiple_of(3) {
                db.add_evidence(&everything, measure, Some(evidence_note(template.kind)), None, actor).await?;
            }
        }
    }
    Ok((plans, measures))
}

const FOUND: &[&str] = &[
    "户主在家，身体状况稳定，肉牛长势良好",
    "家中两人在外务工，收入稳定，住房安全，饮水正常",
    "户主在地里干活，小麦已播种，家庭生活正常",
    "核对了家庭收入台账，各项帮扶政策均已享受",
    "宣讲了防返贫监测政策，告知了申报渠道和联系电话",
    "房屋无安全隐患，自来水正常使用，院落干净整洁",
    "户主外出务工，电话联系了解情况，家中老人生活正常",
    "与户主一起查看了花生长势，今年收成较好",
    "了解过冬准备情况，棉被、取暖用品齐全",
    "户主在村就业帮扶车间上班，月收入约2000元",
];

fn found_for(cause: PovertyCause) -> &'static [&'static str] {
    match cause {
        PovertyCause::Illness => {
            &["户主高血压病情稳定，按时服药，家庭医生每月随访一次", "老人住院后已出院，医疗费用已按政策报销"]
        }
        PovertyCause::Disability => &["残疾人两项补贴按月到账，生活能够自理"],
        PovertyCause::Schooling => &["孩子在区第二初级中学就读，学习正常，教育资助已到账"],
        PovertyCause::LackCapital => &["小额信贷资金已用于购买肉牛3头，牛棚已建好"],
        PovertyCause::LackSkills => &["户主参加电焊培训后在产业集聚区务工，月收入约3500元"],
        PovertyCause::LackLabour => &["户主年老体弱，低保金按月到账，邻里帮助照看"],
        PovertyCause::Disaster => &["房屋加固已完工，屋顶不再漏雨"],
        _ => &[],
    }
}

const FOLLOW_UPS: &[&str] = &[
    "协助办理慢性病卡续期",
    "联系区人社局推荐务工岗位",
    "帮助申请临时救助",
    "核实住院医疗费用报销情况",
    "帮助修缮漏雨屋顶",
    "帮助联系肉牛收购商",
    "协助办理教育资助申请",
];

/// The change a visitor proposes for a monitored household: clearing the risk, once income
/// has been above the line long enough.
const CLEAR_REASON: &str =
    "家中两名劳动力在外稳定务工，年人均纯收入约1.3万元，已稳定超过监测范围半年以上，建议消除风险";

/// Whether a visit may propose clearing this household's risk: monitored for six months or
/// more, and someone in it can work (a household without labour stays monitored).
async fn may_clear(db: &Db, h: &HouseholdSummary, today: NaiveDate) -> anyhow::Result<bool> {
    let open = db.episodes(&Scope::everything(), h.id).await?.into_iter().find(Episode::is_open);
    Ok(open.is_some_and(|e| e.opened.flags.no_labour != Some(true) && e.opened.identified_on + days(183) <= today))
}

/// Which households' last visit proposes clearing the risk: `count` of those that may, spread
/// over the list.
fn proposing(eligible: &[bool], count: usize) -> Vec<usize> {
    let n = eligible.len();
    let mut chosen: Vec<usize> = Vec::new();
    for j in 0..count.min(n) {
        let from = (2 * j + 1) * n / (2 * count);
        let pick = (0..n).map(|k| (from + k) % n).find(|i| !chosen.contains(i) && eligible[*i]);
        chosen.extend(pick);
    }
    chosen
}

/// 走访: two or three visits to each household needing help, the last within 30 days for most
/// and 35 to 90 days ago for about one in eight; a few follow-ups due and a few proposals.
async fn seed_visits(
    db: &Db,
    households: &[HouseholdSummary],
    responsible: &impl Fn(&HouseholdSummary) -> String,
    teams: &HashMap<String, Vec<String>>,
    actor: &Actor,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let everything = Scope::everything();
    let n = households.len();
    let mut eligible = Vec::with_capacity(n);
    for h in households {
        eligible.push(may_clear(db, h, today).await?);
    }
    let proposals = proposing(&eligible, (n / 70).clamp(1, 5));
    let mut visits = 0;
    for (i, h) in households.iter().enumerate() {
        let id = h.id.0;
        let r = roll(id, 30);
        let helper = responsible(h);
        let secretary = teams.get(h.village_code.as_str()).and_then(|t| t.first());
        let stale = r % 100 < 12;
        let last = today - days(if stale { 35 + (r >> 8) % 56 } else { (r >> 8) % 28 });
        let earlier = 1 + (r >> 16) % 2;
        let mut on = last - days(earlier * 30);
        for k in (0..=earlier).rev() {
            let v = roll(id, 40 + k);
            let visitors = match secretary {
                Some(s) if v.is_multiple_of(4) && *s != helper => format!("{helper}、{s}"),
                _ => helper.clone(),
            };
            let own = h.main_cause.map_or(&[][..], found_for);
            let found = if !own.is_empty() && (v >> 8).is_multiple_of(2) {
                own[(v >> 12) as usize % own.len()]
            } else {
                FOUND[(v >> 12) as usize % FOUND.len()]
            };
            let mut fields =
                form(&[("visited_on", on.to_string()), ("visitors", visitors), ("found", found.to_owned())]);
            let follow_up = FOLLOW_UPS[(v >> 20) as usize % FOLLOW_UPS.len()].to_owned();
            let f = (v >> 28) % 100;
            // Earlier visits' follow-ups were done; the last visit's may be due or still ahead.
            let mut done_on = None;
            let due = if k > 0 {
                (f < 15).then(|| {
                    done_on = Some((on + days(3 + f % 7)).min(today));
                    on + days(10)
                })
            } else if f < 4 {
                Some(on + days(f.min((today - on).num_days() as u64)))
            } else if f < 12 {
                Some(today + days(7 + f % 30))
            } else {
                None
            };
            if let Some(due) = due {
                fields.insert("follow_up".into(), follow_up);
                fields.insert("follow_up_due".into(), due.to_string());
            }
            if k == 0 && proposals.contains(&i) {
                fields.insert("proposal".into(), Proposal::ClearRisk.code());
                fields.insert("proposal_reason".into(), CLEAR_REASON.to_owned());
            }
            let data = VisitData::parse(&fields, today).map_err(|e| refused("走访记录", &e))?;
            let visit = db.record_visit(&everything, h.id, &data, actor).await?;
            visits += 1;
            if let Some(done) = done_on {
                db.follow_up_done(&everything, visit, done, actor).await?;
            }
            on += days(30);
        }
    }
    Ok(visits)
}

/// 一般农户 under check: a few ordinary households reported on the 12317 hotline or found by a
/// department's data, each with one visit (入户核实) that proposes 纳入边缘易致贫户监测 — on the
/// reviewer's list, not yet decided. Returns how many.
async fn seed_checks(db: &Db, actor: &Actor, today: NaiveDate) -> anyhow::Result<usize> {
    let everything = Scope::everything();
    let filter = HouseholdFilter { household_type: Some(HouseholdType::Ordinary), ..HouseholdFilter::default() };
    let (found, _) = db.list_households(&everything, &filter, Page { number: 1, size: 200 }).await?;
    let mut count = 0;
    for h in found.iter().filter(|h| roll(h.id.0, 90).is_multiple_of(4)).take(4) {
        let r = roll(h.id.0, 91);
        let (found, reason) = if r.is_multiple_of(2) {
            (
                "接12317热线反映，入户核实：户主今年务工受伤，家庭收入明显下降，医疗费用负担较重",
                "经入户核实，家庭人均纯收入接近监测范围，存在因意外事故致贫风险，建议纳入边缘易致贫户监测",
            )
        } else {
            (
                "医保部门预警该户今年自付医疗费用较高，入户核实：户主妻子患病住院，家庭收入下降",
                "经入户核实，合规自付医疗费用较高，家庭人均纯收入低于监测范围，建议纳入边缘易致贫户监测",
            )
        };
        let fields = form(&[
            ("visited_on", (today - days(2 + r % 12)).to_string()),
            ("visitors", "村党支部书记、包村干部".to_owned()),
            ("found", found.to_owned()),
            ("proposal", Proposal::Monitoring(MonitoringType::Edge).code()),
            ("proposal_reason", reason.to_owned()),
        ]);
        let data = VisitData::parse(&fields, today).map_err(|e| refused("走访记录", &e))?;
        db.record_visit(&everything, h.id, &data, actor).await?;
        count += 1;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashMap};

    use bangfu_core::area::Scope;
    use bangfu_core::household::income::IncomePeriod;
    use bangfu_core::household::{Health, HouseholdType, Labour, PovertyStatus, StudentStatus};
    use bangfu_core::monitoring::MonitoringRisk;
    use bangfu_core::store::{
        HouseholdFilter, HouseholdStore, HouseholdSummary, IncomeStore, MonitoringStore, Page, PlanStore, TeamStore,
        WorklistStore,
    };
    use bangfu_db::Create;
    use chrono::Datelike;

    use super::*;

    /// A fresh SQLite file under the system temp dir, removed when dropped.
    struct TempDb(std::path::PathBuf);

    impl Drop for TempDb {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    async fn all_households(db: &Db) -> Vec<HouseholdSummary> {
        let mut out = Vec::new();
        for page in 1.. {
            let (found, _) = db
                .list_households(&Scope::everything(), &HouseholdFilter::default(), Page { number: page, size: 500 })
                .await
                .expect("households");
            if found.is_empty() {
                break;
            }
            out.extend(found);
        }
        out
    }

    /// The rules of a 2026 register (issue 8 §4), counted on a demo district as `bangfu demo` makes it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_district_is_a_believable_register_of_2026() {
        let dir = std::env::temp_dir().join(format!("bangfu-demo-rules-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let _cleanup = TempDb(dir.clone());
        let url = format!("sqlite://{}", dir.join("demo.db").display());
        let db = crate::commands::open(&url, Create::IfMissing).await.expect("open");
        prepare(&db, 1200).await.expect("prepare the demo");
        // 程序 in every state, with a notice open now (its QR code's page answers without an account).
        let all = Scope::everything();
        let (procs, _) = db
            .procedures(&all, &bangfu_db::procedures::ProcedureFilter { limit: 100, ..Default::default() })
            .await
            .unwrap();
        for state in ["open", "approved", "refused", "withdrawn"] {
            assert!(procs.iter().any(|p| p.state == state), "a procedure {state}: {procs:?}");
        }
        for kind in ["identification", "risk_clearing", "classification", "historical_exit"] {
            assert!(procs.iter().any(|p| p.def.code == kind && p.state == "approved"), "{kind} approved");
        }
        let mut open_notices = 0;
        for p in procs.iter().filter(|p| p.step.is_some_and(|s| s.notice_days.is_some())) {
            let token = db.procedure(&all, p.id).await.unwrap().notice_token.unwrap();
            open_notices += usize::from(db.public_notice(&token).await.unwrap().open);
        }
        assert!(open_notices >= 2, "notices open now: {open_notices}");
        // 项目库: projects submitted with their targets and one still at 需求摸底, money arranged
        // and paid within what remains, the share to industry above 60 %.
        let projects = db.projects(&all, None).await.unwrap();
        assert_eq!(projects.len(), 9, "six of this year, two finished last year, one for next year");
        for stage in ["draft", "open", "approved", "refused"] {
            assert!(projects.iter().any(|p| p.stage == stage), "a project {stage}");
        }
        let mut reached = 0;
        for p in &projects {
            reached += db.project_beneficiaries(&all, p.id).await.unwrap().len();
        }
        assert!(reached > 0, "projects reach households of their villages");
        let allocations = db.allocations(&all, None).await.unwrap();
        assert!(allocations.iter().all(|a| a.sums.paid <= a.sums.committed && a.sums.committed <= a.sums.allocated));
        let arranged: bangfu_core::money::Fen = projects.iter().map(|p| p.sums.committed).sum();
        let industry: bangfu_core::money::Fen = projects
            .iter()
            .filter(|p| p.category == bangfu_core::project::ProjectCategory::Industry)
            .map(|p| p.sums.committed)
            .sum();
        assert_eq!(bangfu_core::project::funds::industry_share(industry, arranged).map(|s| s.1), Some(true));
        // 培训班 and 座谈会 with their attendees in 板桥镇 and 沙河店镇; 雨露计划 in mixed states.
        let courses = db.courses(&all, None).await.unwrap();
        assert_eq!(courses.len(), 4, "four courses of 2025–2026");
        for c in &courses {
            assert!((10..=25).contains(&c.attendees), "{}: {} attendees", c.course.data.topic, c.attendees);
        }
        let shahedian = Scope::of(&db.area(&AreaCode::parse("411702101000").unwrap()).await.unwrap().unwrap());
        assert_eq!(db.courses(&shahedian, None).await.unwrap().len(), 2, "the township user sees its two");
        let shadong = Scope::of(&db.area(&AreaCode::parse("411702101201").unwrap()).await.unwrap().unwrap());
        assert_eq!(db.courses(&shadong, None).await.unwrap().len(), 1, "沙东村's worker sees its 座谈会");
        let electricians = courses.iter().find(|c| c.course.data.topic == "电工技能培训").unwrap();
        let list = db.course_attendees(&all, electricians.course.id).await.unwrap();
        assert!(list.iter().any(|a| a.outcome.certificate == Some(true)), "some certificates");
        assert!(list.iter().any(|a| a.outcome.employed == Some(true)), "some employed after");
        assert!(list.iter().any(|a| a.outcome.certificate.is_none()), "some not yet known (未填)");
        let yulu = db.yulu_applications(&all, &Default::default()).await.unwrap();
        let students: BTreeSet<i64> = yulu.iter().map(|y| y.student.member_id).collect();
        assert!((8..=12).contains(&students.len()), "{} students", students.len());
        for state in bangfu_core::training::yulu::State::ALL {
            assert!(yulu.iter().any(|y| y.state == state), "an application {}", state.label_zh());
        }
        // 项目资产: the station, the sheds (the cold store 闲置), the roads and ponds; a project at
        // 村内公示 with an objection waiting for its answer.
        let assets = db.assets(&all, &Default::default()).await.unwrap();
        assert_eq!(assets.len(), 5, "{assets:?}");
        assert!(assets.iter().any(|a| a.data.category == bangfu_core::project::asset::AssetCategory::Photovoltaic));
        let idle: Vec<_> =
            assets.iter().filter(|a| a.status == bangfu_core::project::asset::AssetStatus::Idle).collect();
        assert_eq!(idle.len(), 1);
        assert!(idle[0].history.last().unwrap().reason.as_deref().unwrap_or("").contains("冬季停产"));
        let mut waiting = 0;
        for p in &projects {
            waiting += db.project_objections(&all, p.id).await.unwrap().iter().filter(|o| o.answer.is_none()).count();
        }
        assert_eq!(waiting, 1, "one objection to answer");
        // The year's fund table per township, as `bangfu funds --csv` prints it.
        let table = crate::commands::funds::fund_table(&db, crate::commands::today().year(), true).await.unwrap();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "区划代码,乡镇,项目数,资金规模,已安排,其中产业发展,已拨付,尚未拨付,拨付进度,产业发展占比");
        assert_eq!(lines.len(), 1 + 4 + 1, "沙河店镇, 板桥镇, 蚁蜂镇, 胡庙乡 and the total: {table}");
        assert!(
            lines.contains(&"411702102000,板桥镇,2,1410000.00,1000000.00,1000000.00,800000.00,200000.00,80.0%,100.0%"),
            "{table}"
        );
        assert!(
            lines.last().unwrap().ends_with(",6,3450000.00,2600000.00,1900000.00,1840000.00,760000.00,70.7%,73.0%"),
            "{table}"
        );
        // 板桥镇's photovoltaic station: two years of settlements, their plans paid within the
        // rules and each household line in that household's income; this year's still a draft.
        let stations = db.stations(&all).await.unwrap();
        assert_eq!(stations.len(), 1);
        let settled = db.settlements(&all, stations[0].id).await.unwrap();
        assert!(
            settled.iter().filter(|s| s.data.year == 2024).count() == 4
                && settled.iter().filter(|s| s.data.year == 2025).count() == 4
        );
        let plans = db.pv_plans(&all, stations[0].id).await.unwrap();
        assert_eq!(plans.iter().map(|p| p.stage.as_str()).collect::<Vec<_>>(), ["draft", "paid", "paid"]);
        for summary in plans.iter().filter(|p| p.stage == "paid") {
            let p = db.pv_plan(&all, summary.id).await.unwrap();
            let check = db.pv_plan_check(&p).await.unwrap();
            assert!(check.blocking.is_empty(), "{check:?}");
            assert!(p.lines.iter().filter(|l| l.household_id.is_some()).all(|l| l.income_id.is_some()));
        }

        let everything = Scope::everything();
        let today = crate::commands::today();
        let households = all_households(&db).await;
        assert_eq!(households.len(), 1200);

        // 未脱贫 and 返贫 are gone; only a 脱贫户 has a 脱贫状态; all three 户类型 occur.
        let mut types: HashMap<HouseholdType, usize> = HashMap::new();
        for h in &households {
            *types.entry(h.household_type).or_default() += 1;
            assert!(!matches!(h.status, Some(PovertyStatus::Poor | PovertyStatus::Returned)), "{}", h.household_no);
            assert_eq!(h.status.is_some(), h.household_type == HouseholdType::Tuopin, "{}", h.household_no);
        }
        assert!(types[&HouseholdType::Tuopin] > households.len() * 8 / 10, "{types:?}");
        assert!(types[&HouseholdType::Monitored] > 0 && types[&HouseholdType::Ordinary] > 0, "{types:?}");

        let line =
            |year: i32| bangfu_core::line::EXAMPLE_HENAN_MONITORING.iter().find(|(y, _)| *y == year).map(|(_, f)| *f);
        let (mut with_episodes, mut episodes, mut open, mut again) = (0, 0, 0, 0);
        let (mut monitored_now, mut near_or_below) = (0, 0);
        let (mut able_with_plan, mut planned) = (0, 0);
        for h in &households {
            let members: Vec<_> = db
                .members(&everything, h.id)
                .await
                .expect("members")
                .into_iter()
                .filter(|m| m.left_on.is_none())
                .collect();
            let ill = members.iter().any(|m| m.data.has_health(Health::Chronic) || m.data.has_health(Health::Serious));
            let student = members.iter().any(|m| {
                m.data
                    .student_status
                    .is_some_and(|s| !matches!(s, StudentStatus::NotStudent | StudentStatus::Preschool))
            });
            let able = members
                .iter()
                .any(|m| matches!(m.data.labour, Some(Labour::Ordinary | Labour::Skilled | Labour::Weak)));

            // Three income years or more, each with that year's household size.
            let incomes = db.incomes(&everything, h.id).await.expect("incomes");
            let years: BTreeSet<i32> = incomes
                .iter()
                .filter_map(|i| match i.period {
                    IncomePeriod::Year(y) => Some(y),
                    IncomePeriod::TwelveMonths { .. } => None,
                })
                .collect();
            assert!(years.len() >= 3, "{}: income years {years:?}", h.household_no);
            assert!(incomes.iter().all(|i| i.household_size >= 1), "{}", h.household_no);

            let list = db.episodes(&everything, h.id).await.expect("episodes");
            assert_eq!(h.monitoring_type.is_some(), list.iter().any(Episode::is_open), "{}", h.household_no);
            if list.is_empty() {
                assert_ne!(h.household_type, HouseholdType::Monitored, "a 监测户 was monitored: {}", h.household_no);
                continue;
            }
            with_episodes += 1;
            episodes += list.len();
            again += usize::from(list.len() > 1);
            for e in &list {
                let risks = &e.opened.risks;
                assert!(!risks.is_empty(), "{}: an episode without risks", h.household_no);
                assert!(!risks.contains(&MonitoringRisk::Illness) || ill, "{}: 因病 with nobody ill", h.household_no);
                assert!(
                    !risks.contains(&MonitoringRisk::Schooling) || student,
                    "{}: 因学 without a student",
                    h.household_no
                );
                assert!(e.opened.found_by.is_some(), "{}", h.household_no);
                if let Some(c) = &e.closed {
                    assert!(c.method.is_some() && c.cleared_on >= e.opened.identified_on + chrono::Duration::days(180));
                }
            }
            if let Some(e) = list.iter().find(|e| e.is_open()) {
                open += 1;
                // Monitored through the latest income year: near or below that year's line.
                let latest = incomes.iter().filter_map(|i| match i.period {
                    IncomePeriod::Year(y) => Some((y, i)),
                    IncomePeriod::TwelveMonths { .. } => None,
                });
                if let Some((year, income)) = latest.max_by_key(|(y, _)| *y)
                    && e.opened.identified_on.year() <= year
                    && let (Some(per_person), Some(line)) = (income.net_per_person(), line(year))
                {
                    monitored_now += 1;
                    near_or_below += usize::from(per_person.0 * 100 < line * 110);
                }
                // This year's plan: at least one 开发式 measure, not dropped, if anyone can work.
                let plans = db.plans(&everything, h.id).await.expect("plans");
                if let Some(plan) = plans.iter().find(|p| p.data.year == today.year()) {
                    planned += 1;
                    if able {
                        able_with_plan += 1;
                        assert!(
                            plan.measures.iter().any(|m| m.data.kind.is_developmental()
                                && m.status != bangfu_core::assistance::MeasureStatus::Dropped),
                            "{}: can work but no 开发式 measure",
                            h.household_no
                        );
                    } else {
                        assert!(
                            plan.measures.iter().any(|m| m.data.kind == MeasureKind::Security),
                            "{}",
                            h.household_no
                        );
                    }
                }
            }
        }
        let share = with_episodes as f64 / households.len() as f64;
        assert!((0.08..=0.15).contains(&share), "{with_episodes} households with episodes: {share}");
        assert!(
            open * 2 < with_episodes,
            "most episodes cleared: {open} of {with_episodes} households still monitored"
        );
        assert!(again > 0 && episodes > with_episodes, "some households identified again");
        assert!(monitored_now > 0 && near_or_below * 10 >= monitored_now * 9, "{near_or_below} of {monitored_now}");
        assert!(planned > 0 && able_with_plan > 0);

        // A few 一般农户 under check: a visit proposes monitoring, waiting for review.
        let (pending, _) = db
            .worklist(
                &everything,
                bangfu_core::assistance::WorkReason::ProposalPending,
                today,
                Page { number: 1, size: 50 },
            )
            .await
            .expect("worklist");
        assert!(pending.iter().any(|h| h.household_type == HouseholdType::Ordinary), "{pending:?}");
        assert!(pending.iter().any(|h| h.monitoring_type.is_some()), "a proposal to clear a risk");

        // Work teams only in key villages, a minority of them, 沙东村 among them.
        let key = key_villages().expect("key villages");
        let villages = villages_from_divisions(YICHENG_DIVISIONS.as_bytes()).expect("villages");
        assert!(key.len() * 4 < villages.len() && key.len() >= 10, "{} key villages of {}", key.len(), villages.len());
        assert!(key.contains(SHADONG));
        let teams = db.teams(&everything, None, Page { number: 1, size: 1000 }).await.expect("teams").0;
        let stationed: Vec<_> = teams.iter().filter(|t| !t.members.is_empty()).collect();
        assert!(stationed.len() >= 10, "{} teams", stationed.len());
        // The key villages are named in the register: the others are not flagged for having no team.
        for t in &teams {
            assert_eq!(t.key_village, Some(key.contains(t.village_code.as_str())));
            if t.key_village == Some(false) {
                assert!(t.warnings().is_empty(), "{}: {:?}", t.village_name, t.warnings());
            }
        }
        for t in stationed {
            assert!(
                key.contains(t.village_code.as_str()),
                "a team in {} ({}), not a key village",
                t.village_name,
                t.village_code
            );
        }
    }

    #[test]
    fn measure_texts_use_todays_names() {
        let all = [
            ILLNESS,
            DISABILITY,
            SCHOOLING,
            DISASTER,
            LAND_WATER_ROADS,
            SKILLS,
            LABOUR,
            CAPITAL,
            DRIVE,
            OTHER,
            GENERAL,
            DEVELOPMENTAL,
        ];
        for t in all.iter().flat_map(|l| l.iter()).chain([&SECURITY, &PUBLIC_JOB]) {
            for old in ["扶贫小额信贷", "扶贫车间", "扶贫公益岗", "扶贫办", "扶贫手册"] {
                assert!(!t.content.contains(old) && !t.by.unwrap_or("").contains(old), "{}", t.content);
            }
        }
    }
}
