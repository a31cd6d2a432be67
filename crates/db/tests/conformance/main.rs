//! Storage conformance: every test runs on SQLite and on PostgreSQL.

#![allow(clippy::unwrap_used)]

mod admin;
mod areas;
mod assistance;
mod catalogue;
mod concurrency;
mod events;
mod fixtures;
mod harness;
mod import;
mod incomes;
mod lines;
mod migration;
mod monitoring;
mod work;

use bangfu_core::DomainError;
use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::household::*;
use bangfu_core::money::Fen;
use bangfu_core::store::{AreaStore, HouseholdFilter, HouseholdStore, IncomeStore, Page};
use bangfu_db::Db;
use chrono::NaiveDate;
use fixtures::*;
use harness::everything;

fn code(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

async fn scope_of(db: &Db, area: &str) -> Scope {
    Scope::of(&db.area(&code(area)).await.unwrap().unwrap())
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// 纳入监测 of a 脱贫户, as the district's form does it.
async fn open_episode(db: &Db, h: HouseholdId, kind: &str, on: &str, reason: &str) {
    let f: std::collections::HashMap<&str, &str> = [
        ("monitoring_type", kind),
        ("risks", "因病"),
        ("found_by", "干部排查"),
        ("identified_on", on),
        ("reason", reason),
    ]
    .into_iter()
    .collect();
    let e = bangfu_core::monitoring::OpenEpisode::parse(&f, HouseholdType::Tuopin, today()).unwrap();
    bangfu_core::store::MonitoringStore::open_episode(db, &everything(), h, &e, &actor()).await.unwrap();
}

conformance!(the_yicheng_division_list_loads_with_its_21_townships_and_206_villages, |db: Db| async move {
    assert_eq!(db.count_areas().await.unwrap(), 3 + 21 + 206);
    let townships = db.children(&code("411702000000")).await.unwrap();
    assert_eq!(townships.len(), 21);
    assert!(townships.iter().any(|t| t.name == "沙河店镇"));
    // Loading the same list again changes nothing.
    let areas = bangfu_db::read_divisions(bangfu_db::YICHENG_DIVISIONS.as_bytes(), "x").unwrap();
    assert_eq!(db.upsert_areas(&areas).await.unwrap(), 0);
});

conformance!(a_household_is_stored_with_its_members_and_read_back_whole, |db: Db| async move {
    let data = household(
        "4117021012010001",
        SHAHEDIAN_VILLAGE,
        &[("other_causes", "缺技术、缺资金"), ("farmland_mu", "4.5"), ("danger_grade", "C级"), ("water_safe", "是")],
    );
    let id = db.create_household(&everything(), &register(&data, &couple(1), None), &actor()).await.unwrap();
    let h = db.household(&everything(), id).await.unwrap();
    assert_eq!(h.data, data);
    assert_eq!(h.head_name.as_deref(), Some("王建国"));
    assert_eq!(h.size, 2);
    let members = db.members(&everything(), id).await.unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].data, couple(1)[0]);
    assert_eq!(members[1].data.relation, Relation::Spouse);
});

conformance!(a_household_without_a_head_is_refused, |db: Db| async move {
    let data = household("4117021012010002", SHAHEDIAN_VILLAGE, &[]);
    let err = db.create_household(&everything(), &register(&data, &couple(1)[1..], None), &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(e) if e[0].message == "该户没有户主"), "{err}");
    let (list, total) =
        db.list_households(&everything(), &HouseholdFilter::default(), Page { number: 1, size: 20 }).await.unwrap();
    assert_eq!((list.len(), total), (0, 0));
});

conformance!(a_household_outside_the_users_township_is_not_found_and_not_listed, |db: Db| async move {
    let mine = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let theirs = registered(&db, "4117021042010001", YIFENG_VILLAGE, 3).await;
    let shahedian = scope_of(&db, SHAHEDIAN).await;
    assert!(db.household(&shahedian, mine).await.is_ok());
    assert!(matches!(db.household(&shahedian, theirs).await, Err(DomainError::NotFound)));
    assert!(matches!(db.members(&shahedian, theirs).await, Err(DomainError::NotFound)));
    assert!(matches!(db.history(&shahedian, theirs).await, Err(DomainError::NotFound)));
    let (list, total) =
        db.list_households(&shahedian, &HouseholdFilter::default(), Page { number: 1, size: 20 }).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!(list[0].id, mine);
    // A filter naming another township cannot widen the scope.
    let filter = HouseholdFilter { area: Some(code("411702104000")), ..Default::default() };
    let (list, total) = db.list_households(&shahedian, &filter, Page { number: 1, size: 20 }).await.unwrap();
    assert_eq!((list.len(), total), (0, 0));
    // Nor can a user register a household in a village outside their township.
    let err = db
        .create_household(
            &shahedian,
            &register(&household("4117021042010009", YIFENG_VILLAGE, &[]), &couple(5), None),
            &actor(),
        )
        .await
        .unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(e) if e[0].field == "village_code"), "{err}");
});

conformance!(households_are_filtered_by_status_and_cause_and_paginated, |db: Db| async move {
    for i in 1..=25u32 {
        let status: &[(&str, &str)] =
            if i % 5 == 0 { &[("status", "已脱贫（享受政策）"), ("exit_year", "2019")] } else { &[] };
        let no = format!("41170210120100{i:02}");
        db.create_household(
            &everything(),
            &register(&household(&no, SHAHEDIAN_VILLAGE, status), &couple(i * 2 + 1), None),
            &actor(),
        )
        .await
        .unwrap();
    }
    let filter = HouseholdFilter { status: Some(PovertyStatus::Exited), ..Default::default() };
    let (list, total) = db.list_households(&everything(), &filter, Page { number: 1, size: 20 }).await.unwrap();
    assert_eq!((list.len(), total), (5, 5));
    assert!(list.iter().all(|h| h.status == Some(PovertyStatus::Exited) && h.size == 2));
    let (page2, total) =
        db.list_households(&everything(), &HouseholdFilter::default(), Page { number: 2, size: 20 }).await.unwrap();
    assert_eq!((page2.len(), total), (5, 25));
});

conformance!(the_same_person_cannot_be_a_current_member_of_two_households, |db: Db| async move {
    let first = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let second = registered(&db, "4117021012010002", SHAHEDIAN_VILLAGE, 3).await;
    let son = member("王小明", "男", &id("19900101", 11, true), "之子");
    db.add_member(&everything(), first, &joins(&son), &actor()).await.unwrap();
    let err = db.add_member(&everything(), second, &joins(&son), &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Conflict { field, .. } if field == "id_number"), "{err}");
    // Once he has left the first household (split off, 分户), he may join the second.
    let son_id =
        db.members(&everything(), first).await.unwrap().into_iter().find(|m| m.data.name == "王小明").unwrap().id;
    db.member_leaves(&everything(), son_id, &leaves(date("2024-03-01"), "分户"), &actor()).await.unwrap();
    db.add_member(&everything(), second, &joins(&son), &actor()).await.unwrap();
    let kept = db.members(&everything(), first).await.unwrap();
    let left = kept.iter().find(|m| m.id == son_id).unwrap();
    assert_eq!(left.left_on, Some(date("2024-03-01")));
    assert_eq!(left.left_reason.as_deref(), Some("分户"));
    assert_eq!(db.household(&everything(), first).await.unwrap().size, 2);
});

conformance!(a_member_leaving_needs_a_reason_and_is_kept, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let wife = db.members(&everything(), h).await.unwrap()[1].id;
    let err = db.member_leaves(&everything(), wife, &leaves(date("2024-01-01"), " "), &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(e) if e[0].field == "left_reason"));
    db.member_leaves(&everything(), wife, &leaves(date("2024-01-01"), "死亡"), &actor()).await.unwrap();
    assert_eq!(db.members(&everything(), h).await.unwrap().len(), 2);
    assert_eq!(db.household(&everything(), h).await.unwrap().size, 1);
    // Leaving twice is not possible.
    assert!(matches!(
        db.member_leaves(&everything(), wife, &leaves(date("2024-01-02"), "死亡"), &actor()).await,
        Err(DomainError::NotFound)
    ));
});

conformance!(status_and_monitoring_changes_are_kept_as_dated_history, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    db.change_status(&everything(), h, PovertyStatus::Exited, date("2019-12-20"), "2019年度脱贫退出", &actor())
        .await
        .unwrap();
    open_episode(&db, h, "脱贫不稳定户", "2022-05-01", "因病支出大").await;
    db.change_status(&everything(), h, PovertyStatus::Returned, date("2023-02-01"), "因病返贫", &actor())
        .await
        .unwrap();
    let hist = db.history(&everything(), h).await.unwrap();
    let kinds: Vec<(&str, Option<&str>, Option<&str>)> =
        hist.iter().map(|e| (e.kind.as_str(), e.from_value.as_deref(), e.to_value.as_deref())).collect();
    assert_eq!(
        kinds,
        vec![
            ("status", None, Some("poor")),
            ("status", Some("poor"), Some("exited")),
            ("monitoring", None, Some("unstable")),
            ("status", Some("exited"), Some("returned")),
        ]
    );
    assert_eq!(hist[1].effective_on, date("2019-12-20"));
    let now = db.household(&everything(), h).await.unwrap().data;
    assert_eq!(now.status, Some(PovertyStatus::Returned));
    assert_eq!(db.household(&everything(), h).await.unwrap().monitoring_type, Some(MonitoringType::Unstable));
    let episodes = bangfu_core::store::MonitoringStore::episodes(&db, &everything(), h).await.unwrap();
    assert_eq!(episodes[0].opened.identified_on, date("2022-05-01"));
    // The same status again is refused; so is a change without a reason.
    assert!(
        db.change_status(&everything(), h, PovertyStatus::Returned, date("2023-02-02"), "x", &actor()).await.is_err()
    );
    assert!(db.change_status(&everything(), h, PovertyStatus::Poor, date("2023-02-02"), "", &actor()).await.is_err());
});

conformance!(income_is_kept_per_year_in_fen_and_net_per_person_is_computed, |db: Db| async move {
    let first = Income::of_year(
        2024,
        2,
        [Some(Fen(1_200_000)), Some(Fen(300_000)), Some(Fen(50_000)), Some(Fen(250_000)), Some(Fen(100_000))],
    );
    let h = db
        .create_household(
            &everything(),
            &register(&household("4117021012010001", SHAHEDIAN_VILLAGE, &[]), &couple(1), Some(&first)),
            &actor(),
        )
        .await
        .unwrap();
    let second = Income { period: IncomePeriod::Year(2025), wages: Some(Fen(1_500_000)), ..first.clone() };
    db.record_income(&everything(), h, &recording(&second, false), &actor()).await.unwrap();
    // Recording 2025 again replaces it only when asked to, and never duplicates.
    let corrected = Income { wages: Some(Fen(1_400_001)), ..second.clone() };
    let refused = db.record_income(&everything(), h, &recording(&corrected, false), &actor()).await.unwrap_err();
    assert!(matches!(&refused, DomainError::Conflict { field, .. } if field == "period"), "{refused:?}");
    assert_eq!(db.incomes(&everything(), h).await.unwrap(), vec![second.clone(), first.clone()], "nothing replaced");
    db.record_income(&everything(), h, &recording(&corrected, true), &actor()).await.unwrap();
    let incomes = db.incomes(&everything(), h).await.unwrap();
    assert_eq!(incomes, vec![corrected.clone(), first.clone()]);
    // (14 000.01 + 3 000 + 500 + 2 500 − 1 000) ÷ 2 = 9 500.005 → 9 500.01 元
    assert_eq!(incomes[0].net_per_person(), Some(Fen(950_001)));
    let bad = Income { transfer: Some(Fen(-1)), ..first };
    assert!(matches!(
        db.record_income(&everything(), h, &recording(&bad, true), &actor()).await,
        Err(DomainError::Invalid(_))
    ));
});

conformance!(counts_per_township_cover_only_the_users_scope, |db: Db| async move {
    registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    db.create_household(
        &everything(),
        &register(
            &household(
                "4117021012010002",
                SHAHEDIAN_VILLAGE,
                &[("status", "已脱贫（享受政策）"), ("exit_year", "2019")],
            ),
            &couple(3),
            None,
        ),
        &actor(),
    )
    .await
    .unwrap();
    // An ordinary household under check: counted as a household, not as a 脱贫户.
    let ordinary: std::collections::HashMap<&str, &str> =
        [("household_no", "4117021012010003"), ("village_code", SHAHEDIAN_VILLAGE), ("household_type", "一般农户")]
            .into();
    let ordinary = HouseholdData::parse(&ordinary, today()).unwrap();
    db.create_household(&everything(), &register(&ordinary, &couple(7), None), &actor()).await.unwrap();
    registered(&db, "4117021042010001", YIFENG_VILLAGE, 5).await;
    let district = code("411702000000");
    let counts = db.counts_by_child_area(&everything(), &district).await.unwrap();
    assert_eq!(counts.len(), 21);
    let sh = counts.iter().find(|c| c.area.name == "沙河店镇").unwrap();
    assert_eq!((sh.households, sh.tuopin, sh.people), (3, 2, 6));
    let shahedian = scope_of(&db, SHAHEDIAN).await;
    let mine = db.counts_by_child_area(&shahedian, &district).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].area.name, "沙河店镇");
});

conformance!(households_are_found_by_name_pinyin_initials_id_number_or_household_number, |db: Db| async move {
    let wang = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let zhang = vec![member("张桂兰", "女", &id("19500101", 3, false), "户主")];
    let other = db
        .create_household(
            &everything(),
            &register(&household("4117021012010002", SHAHEDIAN_VILLAGE, &[]), &zhang, None),
            &actor(),
        )
        .await
        .unwrap();
    let find = |q: &str| {
        let db = db.clone();
        let q = q.to_owned();
        async move {
            let filter = HouseholdFilter { query: Some(q), ..Default::default() };
            db.list_households(&everything(), &filter, Page { number: 1, size: 20 })
                .await
                .unwrap()
                .0
                .into_iter()
                .map(|h| h.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(find("wjg").await, vec![wang], "王建国 by initials");
    assert_eq!(find("ＷＪＧ").await, vec![wang], "full-width letters too");
    assert_eq!(find("李秀英").await, vec![wang], "any member's name finds the household");
    assert_eq!(find("zhangguilan").await, vec![other]);
    assert_eq!(find(&id("19500101", 3, false)).await, vec![other]);
    assert_eq!(find("4117021012010002").await, vec![other]);
    assert!(find("wxm").await.is_empty());
    // A member who has left is no longer found under this household.
    let wife = db.members(&everything(), wang).await.unwrap()[1].id;
    db.member_leaves(&everything(), wife, &leaves(date("2024-01-01"), "死亡"), &actor()).await.unwrap();
    assert!(find("lxy").await.is_empty());
});

conformance!(correcting_a_member_is_audited_field_by_field_with_masked_id_numbers, |db: Db| async move {
    use bangfu_core::audit::{Actor, AuditAction};
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let other = registered(&db, "4117021012010002", SHAHEDIAN_VILLAGE, 5).await;
    let wife = db.members(&everything(), h).await.unwrap()[1].clone();
    let actor = Actor {
        user_id: None,
        username: "tester".into(),
        role: Some("township_staff".into()),
        ip: Some("10.0.0.8".into()),
    };
    let mut fixed = wife.data.clone();
    fixed.name = "李秀兰".into();
    fixed.id_number = IdNumber::parse(&id("19680706", 2, false)).unwrap();
    assert_eq!(wife.version, 1);
    db.update_member(&everything(), wife.id, &correct_member(1, &fixed), &actor).await.unwrap();
    let stored = db.member(&everything(), wife.id).await.unwrap();
    assert_eq!((stored.data, stored.version), (fixed.clone(), 2));
    let (log, n) = db
        .audit_entries(
            &bangfu_db::audit::AuditFilter {
                object_type: Some("member".into()),
                object_id: Some(wife.id.0.to_string()),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
    assert_eq!(n, 2);
    let fields: Vec<_> = log
        .iter()
        .map(|e| (e.field.clone().unwrap(), e.before_value.clone().unwrap(), e.after_value.clone().unwrap()))
        .collect();
    assert!(fields.contains(&("name".into(), "李秀英".into(), "李秀兰".into())));
    let id_change = fields.iter().find(|f| f.0 == "id_number").unwrap();
    assert!(
        id_change.1.contains("**********") && id_change.2.contains("**********"),
        "ID numbers are masked in the log"
    );
    assert!(log.iter().all(|e| e.action == AuditAction::Update && e.ip.as_deref() == Some("10.0.0.8")));
    // Taking the ID of a current member of another household is a conflict and changes nothing.
    let theirs = db.members(&everything(), other).await.unwrap()[0].data.id_number.clone();
    let mut clash = fixed.clone();
    clash.id_number = theirs;
    clash.sex = Sex::Male;
    clash.relation = Relation::Son;
    let err = db.update_member(&everything(), wife.id, &correct_member(2, &clash), &actor).await.unwrap_err();
    assert!(matches!(&err, DomainError::Conflict { field, .. } if field == "id_number"), "{err}");
    assert_eq!(db.member(&everything(), wife.id).await.unwrap().data, fixed);
    let updates = bangfu_db::audit::AuditFilter { action: Some(AuditAction::Update), ..Default::default() };
    assert_eq!(db.audit_entries(&updates, 50, 0).await.unwrap().1, 2, "no audit rows for a refused change");
    // Outside the user's area the member does not exist.
    let yifeng = scope_of(&db, "411702104000").await;
    assert!(matches!(
        db.update_member(&yifeng, wife.id, &correct_member(2, &fixed), &actor).await,
        Err(DomainError::NotFound)
    ));
});

conformance!(every_change_to_a_household_is_in_the_audit_log, |db: Db| async move {
    use bangfu_core::audit::AuditAction;
    use bangfu_db::audit::AuditFilter;
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let son = db
        .add_member(&everything(), h, &joins(&member("王小明", "男", &id("19900101", 11, true), "之子")), &actor())
        .await
        .unwrap();
    db.member_leaves(&everything(), son, &leaves(date("2024-03-01"), "分户"), &actor()).await.unwrap();
    db.change_status(&everything(), h, PovertyStatus::Exited, date("2019-12-20"), "脱贫", &actor()).await.unwrap();
    // (Was 边缘易致贫户 before 户类型: that type is not for a 脱贫户 any more.)
    open_episode(&db, h, "脱贫不稳定户", "2022-01-05", "收入骤降").await;
    let income = Income::of_year(2025, 1, [Some(Fen(100)), Some(Fen(0)), Some(Fen(0)), Some(Fen(0)), Some(Fen(0))]);
    db.record_income(&everything(), h, &recording(&income, false), &actor()).await.unwrap();
    let (log, total) = db.audit_entries(&AuditFilter::default(), 50, 0).await.unwrap();
    let seen: Vec<(AuditAction, String)> =
        log.iter().rev().map(|e| (e.action, e.field.clone().unwrap_or_default())).collect();
    assert_eq!(
        seen,
        vec![
            (AuditAction::Create, "household_no".into()),
            (AuditAction::Create, "joined".into()),
            (AuditAction::Update, "left_on".into()),
            (AuditAction::Update, "status".into()),
            // An episode is a record of its own: its opening is a Create.
            (AuditAction::Create, "monitoring_type".into()),
            (AuditAction::Create, "income_2025".into()),
        ]
    );
    assert_eq!(total, 6);
    let status = log.iter().find(|e| e.field.as_deref() == Some("status")).unwrap();
    assert_eq!(
        (status.before_value.as_deref(), status.after_value.as_deref()),
        (Some("未脱贫"), Some("已脱贫（享受政策）"))
    );
    assert!(
        log.iter()
            .all(|e| e.username.as_deref() == Some("测试员") && e.area_code.as_deref() == Some(SHAHEDIAN_VILLAGE))
    );
    // A refused change leaves no audit row.
    assert!(
        db.change_status(&everything(), h, PovertyStatus::Exited, date("2020-01-01"), "again", &actor()).await.is_err()
    );
    assert_eq!(db.audit_entries(&AuditFilter::default(), 50, 0).await.unwrap().1, 6);
});

// 未填 is kept as null, 否 as false; answering a question later is audited as 未填 → 否.
conformance!(an_unanswered_yes_no_question_is_stored_as_null_not_as_no, |db: Db| async move {
    use bangfu_core::audit::AuditAction;
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let wife = db.members(&everything(), h).await.unwrap()[1].clone();
    assert_eq!(
        (wife.data.dibao, wife.data.tekun, wife.data.soldier, wife.data.serious_illness),
        (None, None, None, None)
    );
    assert_eq!((wife.data.medical_insurance, wife.data.public_job), (None, None));
    let mut answered = wife.data.clone();
    answered.dibao = Some(false);
    answered.medical_insurance = Some(MedicalInsurance::Employee);
    answered.health = Some(HealthSet::of(&[Health::Chronic, Health::Disabled]));
    answered.migrant_place = Some("广东省东莞市".into());
    db.update_member(&everything(), wife.id, &correct_member(wife.version, &answered), &actor()).await.unwrap();
    let back = db.member(&everything(), wife.id).await.unwrap().data;
    assert_eq!(back, answered);
    assert_eq!((back.dibao, back.tekun), (Some(false), None));
    let (log, _) = db
        .audit_entries(
            &bangfu_db::audit::AuditFilter { action: Some(AuditAction::Update), ..Default::default() },
            20,
            0,
        )
        .await
        .unwrap();
    let dibao = log.iter().find(|e| e.field.as_deref() == Some("dibao")).expect("dibao audited");
    assert_eq!((dibao.before_value.as_deref(), dibao.after_value.as_deref()), (None, Some("否")));
    let health = log.iter().find(|e| e.field.as_deref() == Some("health")).expect("health audited");
    assert_eq!(health.after_value.as_deref(), Some("长期慢性病、残疾"));
});
