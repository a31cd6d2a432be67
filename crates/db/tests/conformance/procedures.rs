//! 程序 kept on both backends: a whole identification with an upheld and a dismissed objection,
//! every event read back as it was acted, a stale act refused, another area's procedure not
//! found, and an overdue step counted in working days over a holiday.

use super::*;
use bangfu_core::auth::Role;
use bangfu_core::calendar::WorkCalendar;
use bangfu_core::procedure::{Action, State, kinds};
use bangfu_db::procedures::Act;

fn done(note: &str) -> Action {
    Action::Complete { note: note.into() }
}

conformance!(the_seeded_calendar_is_the_national_arrangement_of_2026, |db: Db| async move {
    assert_eq!(db.work_calendar().await.unwrap(), WorkCalendar::national_2026());
});

conformance!(an_identification_with_an_upheld_and_a_dismissed_objection_is_kept_event_by_event, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let all = everything();
    let id = db.start_procedure(&all, h, &kinds::IDENTIFICATION, date("2026-11-02"), &actor()).await.unwrap();
    let again = db.start_procedure(&all, h, &kinds::IDENTIFICATION, date("2026-11-03"), &actor()).await.unwrap_err();
    assert!(again.to_string().contains("该户已有办理中的“纳入监测”程序"), "{again}");
    let mut version = db.procedure(&all, id).await.unwrap().version;
    let mut act = async |action: Action, role: Option<Role>, on: &str| {
        let r = db.act_on_procedure(&all, Act { id, version, action, role, on: date(on) }, &actor()).await;
        if let Ok(r) = &r {
            version = r.version;
        }
        r
    };
    let (village, town, county) = (Some(Role::VillageWorker), Some(Role::TownshipStaff), Some(Role::DistrictAdmin));
    act(done("入户核实：户主患慢性病"), village, "2026-11-03").await.unwrap();
    act(done("比对无异常"), county, "2026-11-05").await.unwrap();
    act(done("评议：实到11人，同意11票"), village, "2026-11-09").await.unwrap();
    act(Action::Object { receipt: "YY-0001".into(), text: "他家有小轿车".into() }, None, "2026-11-10").await.unwrap();
    // The engine's refusal comes back as a field error in Chinese, and nothing is written.
    let err = act(done("公示结束"), village, "2026-11-16").await.unwrap_err();
    assert!(err.to_string().contains("异议（回执 YY-0001）尚未答复"), "{err}");
    let upheld =
        Action::Answer { receipt: "YY-0001".into(), upheld: true, answer: "核实属实，重新评议".into() };
    act(upheld, village, "2026-11-11").await.unwrap();
    act(done("重新评议：同意10票，反对1票"), village, "2026-11-12").await.unwrap();
    act(Action::Object { receipt: "YY-0002".into(), text: "评议不公".into() }, None, "2026-11-13").await.unwrap();
    let dismissed = Action::Answer { receipt: "YY-0002".into(), upheld: false, answer: "评议程序合规".into() };
    act(dismissed, village, "2026-11-14").await.unwrap();
    act(done("公示5天"), village, "2026-11-17").await.unwrap();
    act(done("审核同意"), town, "2026-11-18").await.unwrap();
    act(done("批准"), county, "2026-11-19").await.unwrap();
    let last = act(done("已公告"), county, "2026-11-20").await.unwrap();
    assert_eq!(last.procedure.state(), State::Approved { on: date("2026-11-20") });
    // Read back whole: the same events, in order, as the engine replays them.
    let read = db.procedure(&all, id).await.unwrap();
    assert_eq!(read.procedure, last.procedure);
    assert_eq!(read.procedure.events.len(), 12);
    assert_eq!(read.procedure.events[3].role, None, "the villager's objection has no role");
    assert_eq!(
        read.procedure.events[4].action,
        Action::Answer { receipt: "YY-0001".into(), upheld: true, answer: "核实属实，重新评议".into() }
    );
    let filter = bangfu_db::audit::AuditFilter { object_type: Some("procedure".into()), ..Default::default() };
    let (log, _) = db.audit_entries(&filter, 50, 0).await.unwrap();
    assert_eq!(log.len(), 13, "the start and every act");
    assert!(log.iter().any(|e| e.after_value.as_deref() == Some("complete：公告 → 已批准")), "{log:?}");
});

conformance!(a_stale_act_is_refused_and_another_areas_procedure_is_not_found, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let all = everything();
    let id = db.start_procedure(&all, h, &kinds::RISK_CLEARING, date("2026-11-02"), &actor()).await.unwrap();
    let v = db.procedure(&all, id).await.unwrap().version;
    let village = Some(Role::VillageWorker);
    let act = |version, note: &str| Act { id, version, action: done(note), role: village, on: date("2026-11-03") };
    db.act_on_procedure(&all, act(v, "核实"), &actor()).await.unwrap();
    let stale = db.act_on_procedure(&all, act(v, "核实"), &actor()).await.unwrap_err();
    assert!(stale.to_string().contains("该程序刚被他人办理过"), "{stale}");
    assert_eq!(db.procedure(&all, id).await.unwrap().procedure.events.len(), 1);
    let yifeng = scope_of(&db, "411702104000").await;
    assert!(matches!(db.procedure(&yifeng, id).await, Err(DomainError::NotFound)));
    assert!(matches!(db.act_on_procedure(&yifeng, act(v + 1, "x"), &actor()).await, Err(DomainError::NotFound)));
    let far = registered(&db, "4117021042010001", YIFENG_VILLAGE, 3).await;
    let shahedian = scope_of(&db, SHAHEDIAN).await;
    assert!(matches!(
        db.start_procedure(&shahedian, far, &kinds::RISK_CLEARING, date("2026-11-02"), &actor()).await,
        Err(DomainError::NotFound)
    ));
});

conformance!(a_step_past_its_deadline_is_overdue_by_working_days_across_a_holiday, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let all = everything();
    // Logged Friday 2026-09-18: 入户核实 due in 5 working days, 9-24 (the make-up Sunday counts).
    let id = db.start_procedure(&all, h, &kinds::IDENTIFICATION, date("2026-09-18"), &actor()).await.unwrap();
    assert!(db.overdue_procedures(&all, date("2026-09-24")).await.unwrap().is_empty());
    let late = db.overdue_procedures(&all, date("2026-10-09")).await.unwrap();
    assert_eq!(late.len(), 1);
    let (pid, def, step, due, days) = late[0];
    assert_eq!((pid, def.code, step, due), (id, "identification", "visit", date("2026-09-24")));
    assert_eq!(days, 5, "9-28, 9-29, 9-30, 10-08, 10-09: 中秋 and 国庆 do not count");
    let shahedian = scope_of(&db, "411702104000").await;
    assert!(db.overdue_procedures(&shahedian, date("2026-10-09")).await.unwrap().is_empty(), "another township's list");
});
