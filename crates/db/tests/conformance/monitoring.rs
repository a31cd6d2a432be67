//! 户类型 and monitoring episodes on both backends, including the migration of old rows.

use std::collections::HashMap;

use bangfu_core::DomainError;
use bangfu_core::household::*;
use bangfu_core::monitoring::*;
use bangfu_core::store::{HouseholdFilter, HouseholdStore, MonitoringStore, Page};
use bangfu_db::Db;
use chrono::{NaiveDate, Utc};

use crate::fixtures::*;
use crate::harness::everything;
use crate::{conformance, conformance_from};

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A household that is not a 脱贫户: no poverty-era fields at all.
fn non_poor(no: &str, household_type: &str, extra: &[(&str, &str)]) -> HouseholdData {
    let mut f: HashMap<String, String> =
        [("household_no", no), ("village_code", SHAHEDIAN_VILLAGE), ("household_type", household_type)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
    for (k, v) in extra {
        f.insert((*k).to_owned(), (*v).to_owned());
    }
    HouseholdData::parse(&f, today()).expect("fixture household is valid")
}

fn opening(t: &str, on: &str, household: HouseholdType) -> OpenEpisode {
    let f: HashMap<&str, &str> = [
        ("monitoring_type", t),
        ("risks", "因病、因自然灾害（洪涝）"),
        ("found_by", "部门预警"),
        ("identified_on", on),
        ("reason", "住院自付费用超过2万元"),
        ("house_unsafe", "否"),
    ]
    .into_iter()
    .collect();
    OpenEpisode::parse(&f, household, today()).unwrap()
}

fn clearing(on: &str) -> CloseEpisode {
    CloseEpisode { cleared_on: date(on), method: Some(ClearMethod::Assisted), reason: "务工收入稳定".into() }
}

async fn exec(db: &Db, sql: &str, no: &str, extra: (Option<&str>, Option<NaiveDate>, Option<NaiveDate>)) -> i64 {
    let now = Utc::now();
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match db.pool() {
        bangfu_db::Pool::Sqlite(p) => sqlx::query_scalar(sql)
            .bind(no)
            .bind(extra.0)
            .bind(extra.1)
            .bind(extra.2)
            .bind(now)
            .fetch_one(p)
            .await
            .unwrap(),
        bangfu_db::Pool::Postgres(p) => sqlx::query_scalar(sql)
            .bind(no)
            .bind(extra.0)
            .bind(extra.1)
            .bind(extra.2)
            .bind(now)
            .fetch_one(p)
            .await
            .unwrap(),
    }
}

/// Runs a statement whose only parameter is the time now.
async fn raw(db: &Db, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match db.pool() {
        bangfu_db::Pool::Sqlite(p) => sqlx::query(sql).bind(Utc::now()).execute(p).await.map(|_| ()).unwrap(),
        bangfu_db::Pool::Postgres(p) => sqlx::query(sql).bind(Utc::now()).execute(p).await.map(|_| ()).unwrap(),
    }
}

/// Rows in the shape 0001–0006 gave them: NOT NULL poverty fields, flags stored as false,
/// monitoring as two date columns.
const OLD_HOUSEHOLD: &str = "insert into households (household_no, area_code, standard, attribute, main_cause, status, \
    first_identified_on, exit_year, monitoring_type, risk_identified_on, risk_cleared_on, household_power, water_safe, \
    created_at, updated_at) values ($1, '411702101201', 'national', 'ordinary', 'illness', 'exited', '2014-10-01', 2019, \
    $2, $3, $4, true, false, $5, $5) returning household_id";

conformance_from!(old_households_migrate_as_tuopin_with_their_monitoring_as_episodes, 6, |db: Db| async move {
    let plain = exec(&db, OLD_HOUSEHOLD, "4117021012010001", (None, None, None)).await;
    let open = exec(&db, OLD_HOUSEHOLD, "4117021012010002", (Some("unstable"), Some(date("2022-05-01")), None)).await;
    let imported = exec(
        &db,
        OLD_HOUSEHOLD,
        "4117021012010003",
        (Some("hardship"), Some(date("2021-03-01")), Some(date("2022-01-01"))),
    )
    .await;
    // Cleared through the old status page: the type was set to null, the history kept it.
    let cleared =
        exec(&db, OLD_HOUSEHOLD, "4117021012010004", (None, Some(date("2021-06-01")), Some(date("2023-02-01")))).await;
    let history = format!(
        "insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) values \
         ({cleared}, 'monitoring', null, 'unstable', '2021-06-01', '纳入', $1), \
         ({cleared}, 'monitoring', 'unstable', null, '2023-02-01', '消除', $1)"
    );
    let member = format!(
        "insert into members (household_id, name, sex, id_number, relation, created_at, updated_at) values \
         ({open}, '王建国', 'male', '{}', 'head', $1, $1)",
        id("19650312", 1, true)
    );
    for sql in [history, member] {
        raw(&db, &sql).await;
    }
    db.migrate().await.expect("0007 applies to old rows");

    let h = db.household(&everything(), HouseholdId(plain)).await.unwrap();
    assert_eq!(h.data.household_type, HouseholdType::Tuopin);
    assert_eq!(h.data.status, Some(PovertyStatus::Exited));
    assert_eq!(h.data.exit_year, Some(2019));
    assert_eq!(h.data.living.household_power, Some(true));
    assert_eq!(h.data.living.water_safe, Some(false), "an old answer is kept as it was");
    assert!(db.episodes(&everything(), HouseholdId(plain)).await.unwrap().is_empty());

    let h = db.household(&everything(), HouseholdId(open)).await.unwrap();
    assert_eq!(h.monitoring_type, Some(MonitoringType::Unstable));
    assert_eq!(h.head_name.as_deref(), Some("王建国"), "ids and the members' foreign key survive the rebuild");
    let e = db.episodes(&everything(), HouseholdId(open)).await.unwrap();
    assert_eq!(e.len(), 1);
    assert!(e[0].is_open());
    assert_eq!(
        (e[0].opened.monitoring_type, e[0].opened.identified_on),
        (MonitoringType::Unstable, date("2022-05-01"))
    );

    let e = db.episodes(&everything(), HouseholdId(imported)).await.unwrap();
    assert_eq!(e[0].opened.monitoring_type, MonitoringType::Hardship);
    assert_eq!(e[0].closed.as_ref().map(|c| (c.cleared_on, c.method)), Some((date("2022-01-01"), None)));
    assert_eq!(db.household(&everything(), HouseholdId(imported)).await.unwrap().monitoring_type, None);

    let e = db.episodes(&everything(), HouseholdId(cleared)).await.unwrap();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].opened.monitoring_type, MonitoringType::Unstable, "the cleared type comes back from history");
    assert_eq!(e[0].opened.identified_on, date("2021-06-01"));
    assert_eq!(e[0].closed.as_ref().unwrap().cleared_on, date("2023-02-01"));

    // The rebuilt table still refuses a second household with the same number, and the
    // migrated register accepts new households of every type.
    let dup = household("4117021012010001", SHAHEDIAN_VILLAGE, &[]);
    assert!(matches!(
        db.create_household(&everything(), &register(&dup, &couple(2), None), &actor()).await,
        Err(DomainError::Conflict { .. })
    ));
    let fresh = non_poor("4117021012010009", "一般农户", &[]);
    db.create_household(&everything(), &register(&fresh, &couple(3), None), &actor()).await.unwrap();
});

conformance!(a_monitored_household_is_stored_without_poverty_fields_and_found_by_its_type, |db: Db| async move {
    let data = non_poor("4117021012010001", "监测户（非脱贫户）", &[("water_safe", "是")]);
    let id = db.create_household(&everything(), &register(&data, &couple(1), None), &actor()).await.unwrap();
    let h = db.household(&everything(), id).await.unwrap();
    assert_eq!(h.data, data);
    assert_eq!((h.data.status, h.data.standard, h.data.attribute, h.data.main_cause), (None, None, None, None));
    let tuopin = household("4117021012010002", SHAHEDIAN_VILLAGE, &[]);
    let t = db.create_household(&everything(), &register(&tuopin, &couple(3), None), &actor()).await.unwrap();
    assert_eq!(db.household(&everything(), t).await.unwrap().data.household_type, HouseholdType::Tuopin);
    let filter = HouseholdFilter { household_type: Some(HouseholdType::Monitored), ..Default::default() };
    let (list, total) = db.list_households(&everything(), &filter, Page { number: 1, size: 20 }).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!((list[0].id, list[0].household_type, list[0].status), (id, HouseholdType::Monitored, None));
    // No 脱贫状态 to change on a household that never had one; no history row for it either.
    let err = db.change_status(&everything(), id, PovertyStatus::Exited, today(), "x", &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(f) if f[0].message.contains("没有脱贫状态")), "{err:?}");
    assert!(db.history(&everything(), id).await.unwrap().is_empty());
});

conformance!(an_unanswered_yes_no_field_is_stored_as_null_not_as_no, |db: Db| async move {
    let data = household("4117021012010001", SHAHEDIAN_VILLAGE, &[("sanitary_toilet", "否")]);
    let id = db.create_household(&everything(), &register(&data, &couple(1), None), &actor()).await.unwrap();
    let living = db.household(&everything(), id).await.unwrap().data.living;
    assert_eq!((living.water_safe, living.sanitary_toilet, living.relocated), (None, Some(false), None));
    let nulls: i64 = match db.pool() {
        bangfu_db::Pool::Sqlite(p) => {
            sqlx::query_scalar("select count(*) from households where water_safe is null and sanitary_toilet = 0")
                .fetch_one(p)
                .await
                .unwrap()
        }
        bangfu_db::Pool::Postgres(p) => {
            sqlx::query_scalar("select count(*) from households where water_safe is null and sanitary_toilet = false")
                .fetch_one(p)
                .await
                .unwrap()
        }
    };
    assert_eq!(nulls, 1);
});

conformance!(open_clear_and_open_again_gives_two_episodes_and_erases_nothing, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let first = opening("脱贫不稳定户", "2024-03-01", HouseholdType::Tuopin);
    db.backfill_episode(&everything(), h, &first, &actor()).await.unwrap();
    assert_eq!(db.household(&everything(), h).await.unwrap().monitoring_type, Some(MonitoringType::Unstable));
    // One open episode at a time.
    let again = opening("突发严重困难户", "2024-04-01", HouseholdType::Tuopin);
    let err = db.backfill_episode(&everything(), h, &again, &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(f) if f[0].message.starts_with("该户已在监测中")), "{err:?}");
    // Clearing before identification is refused by storage too.
    assert!(db.backfill_clearing(&everything(), h, &clearing("2024-02-01"), &actor()).await.is_err());
    db.backfill_clearing(&everything(), h, &clearing("2025-01-10"), &actor()).await.unwrap();
    assert_eq!(db.household(&everything(), h).await.unwrap().monitoring_type, None);
    assert!(db.backfill_clearing(&everything(), h, &clearing("2025-02-10"), &actor()).await.is_err(), "nothing open");
    let second = opening("突发严重困难户", "2025-09-01", HouseholdType::Tuopin);
    db.backfill_episode(&everything(), h, &second, &actor()).await.unwrap();

    let episodes = db.episodes(&everything(), h).await.unwrap();
    assert_eq!(episodes.len(), 2);
    assert!(episodes[0].is_open(), "the current episode comes first");
    assert_eq!(episodes[0].opened.monitoring_type, MonitoringType::Hardship);
    let old = &episodes[1];
    assert_eq!(old.opened, first, "clearing erased nothing of the first episode");
    assert_eq!(old.closed.as_ref(), Some(&clearing("2025-01-10")));
    assert_eq!(old.opened_by.as_deref(), Some("测试员"));
    assert_eq!(db.household(&everything(), h).await.unwrap().monitoring_type, Some(MonitoringType::Hardship));
    let kinds: Vec<(Option<String>, Option<String>, NaiveDate)> = db
        .history(&everything(), h)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == "monitoring")
        .map(|e| (e.from_value, e.to_value, e.effective_on))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (None, Some("unstable".into()), date("2024-03-01")),
            (Some("unstable".into()), None, date("2025-01-10")),
            (None, Some("hardship".into()), date("2025-09-01")),
        ]
    );
});

conformance!(storage_refuses_a_type_that_does_not_fit_the_household_type, |db: Db| async move {
    let h = db
        .create_household(
            &everything(),
            &register(&non_poor("4117021012010001", "一般农户", &[]), &couple(1), None),
            &actor(),
        )
        .await
        .unwrap();
    let unstable = opening("突发严重困难户", "2024-03-01", HouseholdType::Tuopin);
    let unstable = OpenEpisode { monitoring_type: MonitoringType::Unstable, ..unstable };
    let err = db.backfill_episode(&everything(), h, &unstable, &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(f) if f[0].field == "monitoring_type"), "{err:?}");
    assert!(db.episodes(&everything(), h).await.unwrap().is_empty());
    let edge = opening("边缘易致贫户", "2024-03-01", HouseholdType::Ordinary);
    db.backfill_episode(&everything(), h, &edge, &actor()).await.unwrap();
});

conformance!(a_household_without_any_labour_stays_monitored, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let mut e = opening("脱贫不稳定户", "2024-03-01", HouseholdType::Tuopin);
    e.flags.no_labour = Some(true);
    db.backfill_episode(&everything(), h, &e, &actor()).await.unwrap();
    let err = db.backfill_clearing(&everything(), h, &clearing("2025-01-10"), &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(f) if f[0].message.starts_with("整户无劳动能力")), "{err:?}");
    assert!(db.episodes(&everything(), h).await.unwrap()[0].is_open());
});

fn proposing(proposal: &str) -> bangfu_core::assistance::VisitData {
    let f: HashMap<&str, &str> = [
        ("visited_on", "2026-01-05"),
        ("visitors", "李干事"),
        ("found", "户主住院"),
        ("proposal", proposal),
        ("proposal_reason", "住院自付费用较高"),
    ]
    .into_iter()
    .collect();
    bangfu_core::assistance::VisitData::parse(&f, today()).unwrap()
}

conformance!(an_accepted_visit_proposal_starts_the_procedure_and_decides_nothing_itself, |db: Db| async move {
    use bangfu_core::store::VisitStore;
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    // 边缘易致贫户 does not fit a 脱贫户: accepting is refused and the proposal stays pending.
    let wrong = db.record_visit(&everything(), h, &proposing("monitoring:edge"), &actor()).await.unwrap();
    assert!(db.review_proposal(&everything(), wrong, true, "", &actor()).await.is_err());
    db.review_proposal(&everything(), wrong, false, "类型不符", &actor()).await.unwrap();
    let v = db.record_visit(&everything(), h, &proposing("monitoring:hardship"), &actor()).await.unwrap();
    db.review_proposal(&everything(), v, true, "经核实", &actor()).await.unwrap();
    assert!(db.episodes(&everything(), h).await.unwrap().is_empty(), "the procedure decides, not the review");
    let procs = db.household_procedures(&everything(), h).await.unwrap();
    assert_eq!((procs.len(), procs[0].def.code, procs[0].state.as_str()), (1, "identification", "open"));
    let p = db.procedure(&everything(), procs[0].id).await.unwrap();
    assert_eq!(p.proposal.get("monitoring_type"), Some("hardship"));
    assert_eq!(p.proposal.get("found_by"), Some("cadre_check"));
    assert!(p.proposal.get("reason").unwrap().contains("住院自付费用较高"));
    assert_eq!(
        db.visit(&everything(), v).await.unwrap().proposal_state,
        Some(bangfu_core::assistance::ProposalState::Accepted)
    );
    // A clearing proposal with nothing to clear is refused, and stays pending.
    let c = db.record_visit(&everything(), h, &proposing("clear_risk"), &actor()).await.unwrap();
    let err = db.review_proposal(&everything(), c, true, "", &actor()).await.unwrap_err();
    assert!(err.to_string().contains("该户当前没有监测记录"), "{err}");
    assert_eq!(
        db.visit(&everything(), c).await.unwrap().proposal_state,
        Some(bangfu_core::assistance::ProposalState::Pending)
    );
});

const TYPED_HEADER: &str = "户编号,村代码,户类型,识别标准,贫困户属性,主要致贫原因,脱贫状态,脱贫年度,监测对象类型,风险识别时间,风险消除时间,饮水安全\n";

fn typed_members(nos: &[&str]) -> String {
    let mut out = "户编号,姓名,性别,证件号码,与户主关系\n".to_owned();
    for (i, no) in nos.iter().enumerate() {
        let name = ["王建国", "张德福", "刘长青"][i];
        out.push_str(&format!("{no},{name},男,{},户主\n", id("19650312", 2 * i as u32 + 1, true)));
    }
    out
}

conformance!(an_import_with_household_types_makes_episodes_from_its_monitoring_columns, |db: Db| async move {
    use bangfu_db::{ImportOutcome, import_register};
    let households = format!(
        "{TYPED_HEADER}\
         4117021012010001,{SHAHEDIAN_VILLAGE},脱贫户,国家标准,一般贫困户,因病,已脱贫（享受政策）,2019,脱贫不稳定户,2023-03-01,,是\n\
         4117021012010002,{SHAHEDIAN_VILLAGE},监测户,,,,,,边缘易致贫户,2022-05-01,2023-06-30,\n\
         4117021012010003,{SHAHEDIAN_VILLAGE},一般农户,,,,,,,,,否\n"
    );
    let nos = ["4117021012010001", "4117021012010002", "4117021012010003"];
    let dir = register_dir(&households, &typed_members(&nos));
    let outcome =
        import_register(&db, dir.path(), today(), &bangfu_core::audit::Actor::command_line(), &|_| {}).await.unwrap();
    assert!(matches!(outcome, ImportOutcome::Imported(r) if r.households == 3), "{outcome:?}");
    let (list, _) =
        db.list_households(&everything(), &HouseholdFilter::default(), Page { number: 1, size: 10 }).await.unwrap();
    let by_no = |no: &str| list.iter().find(|h| h.household_no == no).unwrap().clone();
    let (a, b, c) = (by_no(nos[0]), by_no(nos[1]), by_no(nos[2]));
    assert_eq!((a.household_type, a.monitoring_type), (HouseholdType::Tuopin, Some(MonitoringType::Unstable)));
    assert_eq!((b.household_type, b.status, b.monitoring_type), (HouseholdType::Monitored, None, None));
    assert_eq!(c.household_type, HouseholdType::Ordinary);
    let e = db.episodes(&everything(), b.id).await.unwrap();
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].opened.monitoring_type, e[0].opened.identified_on, e[0].closed.as_ref().map(|x| x.cleared_on)),
        (MonitoringType::Edge, date("2022-05-01"), Some(date("2023-06-30")))
    );
    assert!(db.episodes(&everything(), a.id).await.unwrap()[0].is_open());
    let living = db.household(&everything(), b.id).await.unwrap().data.living;
    assert_eq!(living.water_safe, None, "a blank yes/no imports as unanswered");
    let history = db.history(&everything(), b.id).await.unwrap();
    assert_eq!(history.len(), 2, "identified and cleared, and no 脱贫状态 history: {history:?}");
});

conformance!(an_import_row_that_mixes_types_and_poverty_fields_is_refused_by_name, |db: Db| async move {
    use bangfu_db::{ImportError, import_register};
    let households = format!(
        "{TYPED_HEADER}\
         4117021012010001,{SHAHEDIAN_VILLAGE},一般农户,国家标准,,,,,,,,\n\
         4117021012010002,{SHAHEDIAN_VILLAGE},脱贫户,国家标准,一般贫困户,因病,已脱贫（享受政策）,2019,边缘易致贫户,2023-03-01,,\n"
    );
    let dir = register_dir(&households, &typed_members(&["4117021012010001", "4117021012010002"]));
    let Err(ImportError::Rows(rows)) =
        import_register(&db, dir.path(), today(), &bangfu_core::audit::Actor::command_line(), &|_| {}).await
    else {
        panic!("expected row errors")
    };
    let lines: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
    assert_eq!(
        lines,
        vec![
            "households.csv:2: 识别标准: 识别标准只适用于脱贫户，一般农户不填写此项".to_owned(),
            "households.csv:3: 监测对象类型: “边缘易致贫户”只适用于非脱贫户，该户是脱贫户".to_owned(),
        ]
    );
});
