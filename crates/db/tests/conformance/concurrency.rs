//! Twenty clerks saving the same household at once: no lost update, no history row with a
//! wrong "from", no audit row with a stale "before" — and a refused save is told who changed what.
//! Runs on a SQLite file with a real pool (not the one-connection in-memory register) and on PostgreSQL.

use std::sync::Arc;

use bangfu_core::audit::{Actor, AuditEntry};
use bangfu_core::household::*;
use bangfu_core::store::HouseholdStore;
use bangfu_core::{Clock, DomainError};
use bangfu_db::Db;
use bangfu_db::audit::AuditFilter;
use tokio::sync::Barrier;

use crate::conformance_pooled;
use crate::fixtures::*;
use crate::harness::everything;

const WRITERS: usize = 20;
const NAMES: [&str; WRITERS] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "春", "夏", "秋", "冬", "梅", "兰", "竹", "菊", "松",
    "柏",
];

fn writer(i: usize) -> Actor {
    Actor { user_id: None, username: format!("写入员{i:02}"), role: Some("village_worker".into()), ip: None }
}

fn phone_of(i: usize) -> String {
    format!("139{i:08}")
}

/// The phone as the audit log and the change notes keep it (masked).
fn logged(i: usize) -> String {
    masked_phone(&phone_of(i))
}

async fn one_household(db: &Db) -> HouseholdId {
    let data = household("4117021012010001", SHAHEDIAN_VILLAGE, &[]);
    db.create_household(&everything(), &register(&data, &couple(1), None), &actor()).await.unwrap()
}

/// The audit rows of one object, oldest first.
async fn audit_of(db: &Db, object_type: &str, id: i64, field: &str) -> Vec<AuditEntry> {
    let filter =
        AuditFilter { object_type: Some(object_type.into()), object_id: Some(id.to_string()), ..Default::default() };
    let (mut rows, _) = db.audit_entries(&filter, 500, 0).await.unwrap();
    rows.reverse();
    rows.retain(|e| e.field.as_deref() == Some(field));
    rows
}

/// Each writer's save: Ok, or the stale refusal; anything else (a database error, SQLITE_BUSY) fails the test.
fn stale_or_ok<T: std::fmt::Debug>(r: Result<T, DomainError>) -> Option<bangfu_core::StaleChange> {
    match r {
        Ok(_) => None,
        Err(DomainError::Stale(s)) => Some(s),
        Err(other) => panic!("a concurrent save must succeed or be refused as stale, not fail: {other:?}"),
    }
}

conformance_pooled!(
    twenty_clerks_who_read_the_same_version_one_saves_and_nineteen_are_told_who_did,
    |db: Db| async move {
        let db = db.with_clock(Clock::fixed_beijing(2026, 12, 2, 10, 32));
        let id = one_household(&db).await;
        let barrier = Arc::new(Barrier::new(WRITERS));
        let mut tasks = Vec::new();
        for i in 0..WRITERS {
            let (db, barrier) = (db.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                let h = db.household(&everything(), id).await.unwrap();
                let mut data = h.data.clone();
                data.phone = Some(phone_of(i));
                barrier.wait().await; // everyone has read version 1 before anyone saves
                (i, db.update_household(&everything(), id, &correct(h.version, &data), &writer(i)).await)
            }));
        }
        let mut winners = Vec::new();
        let mut refusals = Vec::new();
        for t in tasks {
            let (i, r) = t.await.unwrap();
            match stale_or_ok(r) {
                None => winners.push(i),
                Some(s) => refusals.push(s),
            }
        }
        assert_eq!(winners.len(), 1, "exactly one of {WRITERS} saves based on version 1 succeeds");
        assert_eq!(refusals.len(), WRITERS - 1);
        let w = winners[0];
        let h = db.household(&everything(), id).await.unwrap();
        assert_eq!((h.version, h.data.phone.clone()), (2, Some(phone_of(w))), "the winner's change, once");
        for s in &refusals {
            assert_eq!(s.current_version, 2);
            assert_eq!(s.message(), format!("该记录已于 10:32 被 写入员{w:02} 修改：联系电话；请核对后再保存"));
            assert_eq!(s.fields[0].now, Some(logged(w)));
        }
        let log = audit_of(&db, "household", id.0, "phone").await;
        assert_eq!(log.len(), 1, "one audit row: refused saves leave none");
        assert_eq!((log[0].before_value.clone(), log[0].after_value.clone()), (None, Some(logged(w))));
    }
);

conformance_pooled!(
    twenty_clerks_who_retry_after_a_refusal_all_save_and_every_before_is_the_previous_after,
    |db: Db| async move {
        let id = one_household(&db).await;
        let mut tasks = Vec::new();
        for i in 0..WRITERS {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                let mut refused = 0;
                loop {
                    let h = db.household(&everything(), id).await.unwrap();
                    let mut data = h.data.clone();
                    data.phone = Some(phone_of(i));
                    match stale_or_ok(
                        db.update_household(&everything(), id, &correct(h.version, &data), &writer(i)).await,
                    ) {
                        None => return refused,
                        Some(_) => refused += 1,
                    }
                }
            }));
        }
        let mut refused = 0;
        for t in tasks {
            refused += t.await.unwrap();
        }
        let h = db.household(&everything(), id).await.unwrap();
        assert_eq!(h.version, 1 + WRITERS as i64, "every save counted once");
        let log = audit_of(&db, "household", id.0, "phone").await;
        assert_eq!(log.len(), WRITERS, "one audit row per successful save ({refused} refusals left none)");
        assert_eq!(log[0].before_value, None, "the first save replaced the registered (empty) phone");
        for pair in log.windows(2) {
            assert_eq!(pair[1].before_value, pair[0].after_value, "each before is what the previous writer left");
        }
        assert_eq!(
            log.last().unwrap().after_value,
            h.data.phone.as_deref().map(masked_phone),
            "the last audit row is what is stored"
        );
        let mut phones: Vec<_> = log.iter().map(|e| e.after_value.clone().unwrap()).collect();
        phones.sort();
        phones.dedup();
        assert_eq!(phones.len(), WRITERS, "every writer's change landed, none lost");
    }
);

conformance_pooled!(
    twenty_concurrent_status_changes_leave_a_history_whose_every_from_is_the_previous_to,
    |db: Db| async move {
        let id = one_household(&db).await;
        let targets = [PovertyStatus::Exited, PovertyStatus::Returned, PovertyStatus::Poor];
        let barrier = Arc::new(Barrier::new(WRITERS));
        let mut tasks = Vec::new();
        for i in 0..WRITERS {
            let (db, barrier) = (db.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let to = targets[i % targets.len()];
                db.change_status(&everything(), id, to, date("2024-06-01"), &format!("第{i}次变更"), &writer(i)).await
            }));
        }
        let (mut ok, mut already) = (0, 0);
        for t in tasks {
            match t.await.unwrap() {
                Ok(()) => ok += 1,
                Err(DomainError::Invalid(e)) if e[0].message.starts_with("该户已是") => already += 1,
                Err(other) => {
                    panic!("a concurrent status change must succeed or find the status already set: {other:?}")
                }
            }
        }
        assert_eq!(ok + already, WRITERS);
        assert!(ok >= 1);
        let history: Vec<_> =
            db.history(&everything(), id).await.unwrap().into_iter().filter(|e| e.kind == "status").collect();
        assert_eq!(history.len(), 1 + ok, "registration, then one row per change that was made");
        assert_eq!((history[0].from_value.as_deref(), history[0].to_value.as_deref()), (None, Some("poor")));
        for pair in history.windows(2) {
            assert_eq!(pair[1].from_value, pair[0].to_value, "each change starts from where the previous one ended");
            assert_ne!(pair[1].from_value, pair[1].to_value);
        }
        let h = db.household(&everything(), id).await.unwrap();
        assert_eq!(h.data.status.map(|s| s.code()), history.last().unwrap().to_value.as_deref());
        assert_eq!(h.version, 1 + ok as i64);
        let log = audit_of(&db, "household", id.0, "status").await;
        assert_eq!(log.len(), ok);
        assert_eq!(log[0].before_value.as_deref(), Some("未脱贫"));
        for pair in log.windows(2) {
            assert_eq!(pair[1].before_value, pair[0].after_value);
        }
    }
);

conformance_pooled!(
    corrections_racing_status_changes_are_refused_when_the_status_moved_under_them,
    |db: Db| async move {
        let id = one_household(&db).await;
        let mut tasks = Vec::new();
        for i in 0..WRITERS {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                if i % 2 == 0 {
                    // A correction, retried until it lands on the current version.
                    loop {
                        let h = db.household(&everything(), id).await.unwrap();
                        let mut data = h.data.clone();
                        data.address = Some(format!("沙东村{i}号"));
                        if stale_or_ok(
                            db.update_household(&everything(), id, &correct(h.version, &data), &writer(i)).await,
                        )
                        .is_none()
                        {
                            return true;
                        }
                    }
                } else {
                    let to = if i % 4 == 1 { PovertyStatus::Exited } else { PovertyStatus::Returned };
                    match db.change_status(&everything(), id, to, date("2024-06-01"), "变更", &writer(i)).await {
                        Ok(()) => true,
                        Err(DomainError::Invalid(_)) => false,
                        Err(other) => panic!("{other:?}"),
                    }
                }
            }));
        }
        let mut changes = 0;
        for t in tasks {
            changes += i64::from(t.await.unwrap());
        }
        let h = db.household(&everything(), id).await.unwrap();
        assert_eq!(h.version, 1 + changes, "corrections and status changes share one version");
        // No correction wrote back a status it read before a status change: the stored status is the history's last.
        let history = db.history(&everything(), id).await.unwrap();
        assert_eq!(h.data.status.map(|s| s.code()), history.last().unwrap().to_value.as_deref());
        let log = audit_of(&db, "household", id.0, "address").await;
        assert_eq!(log.len(), WRITERS / 2);
        for pair in log.windows(2) {
            assert_eq!(pair[1].before_value, pair[0].after_value);
        }
    }
);

conformance_pooled!(twenty_clerks_correcting_one_member_lose_nothing, |db: Db| async move {
    let id = one_household(&db).await;
    let wife = db.members(&everything(), id).await.unwrap()[1].id;
    let mut tasks = Vec::new();
    for i in 0..WRITERS {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let m = db.member(&everything(), wife).await.unwrap();
                let mut data = m.data.clone();
                data.phone = Some(phone_of(i));
                if stale_or_ok(
                    db.update_member(&everything(), wife, &correct_member(m.version, &data), &writer(i)).await,
                )
                .is_none()
                {
                    return;
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let m = db.member(&everything(), wife).await.unwrap();
    assert_eq!(m.version, 1 + WRITERS as i64);
    let log = audit_of(&db, "member", wife.0, "phone").await;
    assert_eq!(log.len(), WRITERS);
    for pair in log.windows(2) {
        assert_eq!(pair[1].before_value, pair[0].after_value);
    }
    assert_eq!(log.last().unwrap().after_value, m.data.phone.as_deref().map(masked_phone));
});

conformance_pooled!(two_clerks_adding_a_second_head_at_once_cannot_both_succeed, |db: Db| async move {
    // The household's only member is its head; each clerk tries to add the spouse as 户主.
    let data = household("4117021012010001", SHAHEDIAN_VILLAGE, &[]);
    let hid = db.create_household(&everything(), &register(&data, &couple(1)[..1], None), &actor()).await.unwrap();
    let barrier = Arc::new(Barrier::new(WRITERS));
    let mut tasks = Vec::new();
    for (i, name) in NAMES.iter().enumerate() {
        let (db, barrier) = (db.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let relation = if i == 0 { "配偶" } else { "户主" };
            let m = member(&format!("李{name}"), "女", &id("19700101", 100 + 2 * i as u32, false), relation);
            barrier.wait().await;
            db.add_member(&everything(), hid, &joins(&m), &writer(i)).await
        }));
    }
    let mut added = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => added += 1,
            Err(DomainError::Invalid(e)) => assert!(e[0].message.contains("户主"), "{e:?}"),
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(added, 1, "only the spouse joins; no second head");
    let heads =
        db.members(&everything(), hid).await.unwrap().iter().filter(|m| m.data.relation == Relation::Head).count();
    assert_eq!(heads, 1);
});

fn date(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

crate::conformance!(storage_rules_read_the_clock_they_are_given_not_the_machines, |db: Db| async move {
    // On 2024-03-01 in Beijing (still 2024-02-29 in UTC before 8 a.m.), the 2nd is "after today".
    let db = db.with_clock(Clock::fixed_beijing(2024, 3, 1, 7, 30));
    let id = one_household(&db).await;
    let wife = db.members(&everything(), id).await.unwrap()[1].id;
    // The command is read against the storage's day, the day the handlers pass in.
    let typed: std::collections::HashMap<&str, &str> = [("left_on", "2024-03-02"), ("left_reason", "婚出")].into();
    let err = MemberLeaves::parse(&typed, db.clock().today()).unwrap_err();
    assert_eq!(err[0].message, "减员日期不能晚于今天");
    let err = db
        .change_status(&everything(), id, PovertyStatus::Exited, date("2024-03-02"), "脱贫", &actor())
        .await
        .unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(e) if e[0].field == "effective_on"), "{err}");
    db.member_leaves(&everything(), wife, &leaves(date("2024-03-01"), "婚出"), &actor()).await.unwrap();
    let m = db.member(&everything(), wife).await.unwrap();
    assert_eq!((m.left_on, m.version), (Some(date("2024-03-01")), 2), "leaving is a change: the version grows");
    // The audit row is stamped with the clock's time.
    let log = audit_of(&db, "member", wife.0, "left_on").await;
    assert_eq!(log[0].at, Clock::fixed_beijing(2024, 3, 1, 7, 30).now());
    // A second leave finds no current member and changes nothing.
    assert!(matches!(
        db.member_leaves(&everything(), wife, &leaves(date("2024-03-01"), "婚出"), &actor()).await,
        Err(DomainError::NotFound)
    ));
    assert_eq!(db.member(&everything(), wife).await.unwrap().version, 2);
});

conformance_pooled!(twenty_clerks_closing_one_measure_at_once_close_it_once, |db: Db| async move {
    use bangfu_core::assistance::{MeasureData, MeasureKind, MeasureProgress, MeasureStatus, PlanData};
    use bangfu_core::store::PlanStore;
    use chrono::Datelike;
    let id = one_household(&db).await;
    let today = db.clock().today();
    let plan = PlanData { year: today.year(), written_on: today, written_with: "户主".into(), goal: None };
    let plan = db.create_plan(&everything(), id, &plan, &actor()).await.unwrap();
    let m = MeasureData {
        kind: MeasureKind::Industry,
        content: "发放肉牛2头".into(),
        responsible: "李干事".into(),
        due_on: chrono::NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap(),
        amount: None,
    };
    let measure = db.add_measure(&everything(), plan, &m, &actor()).await.unwrap();
    let barrier = Arc::new(Barrier::new(WRITERS));
    let mut tasks = Vec::new();
    for i in 0..WRITERS {
        let (db, barrier) = (db.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let (status, reason) = if i % 2 == 0 {
                (MeasureStatus::Done, None)
            } else {
                (MeasureStatus::Dropped, Some("户主外出".into()))
            };
            barrier.wait().await;
            let p = MeasureProgress { status, on: today, reason };
            (status, db.progress_measure(&everything(), measure, &p, &writer(i)).await)
        }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        match t.await.unwrap() {
            (status, Ok(())) => winners.push(status),
            (_, Err(DomainError::Invalid(e))) => assert_eq!(e[0].field, "status", "{e:?}"),
            (_, Err(other)) => panic!("{other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "a measure is closed once, by one clerk");
    let (_, stored) = db.measure(&everything(), measure).await.unwrap();
    assert_eq!(stored.status, winners[0]);
    assert_eq!(audit_of(&db, "measure", measure.0, "status").await.len(), 1, "one audit row for the one change");
});
