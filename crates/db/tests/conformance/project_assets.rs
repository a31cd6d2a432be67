//! 扶贫项目资产 and a project's notices kept on both backends: assets refused before 县级验收
//! (the step named), registered after it in a village of the project's place, listed by village
//! inside the scope only, their status changed with its day and kept (处置 final); a project's
//! notice found by its token without an ID number, objections lodged with a receipt and the phone
//! sealed, the 村内公示 not 办结 while one is unanswered and run again after an upheld one.

use std::collections::HashMap;

use super::*;
use bangfu_core::auth::Role;
use bangfu_core::procedure::{Action, kinds};
use bangfu_core::project::asset::{AssetData, AssetStatus, StatusChange};
use bangfu_core::project::notice::NoticeKind;
use bangfu_core::project::{ProjectData, Target};
use bangfu_db::project_assets::AssetFilter;

fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// A project at `area`, submitted on 2026-09-28 with every field and target; `steps` of its
/// procedure 办结 from 2026-10-16 on (the village notice's first day to close), a day apart.
async fn project_through(db: &Db, area: &str, steps: usize) -> i64 {
    let all = everything();
    let d = ProjectData::parse(
        &form(&[
            ("name", "沙东村香菇种植基地"),
            ("category", "产业发展"),
            ("area_code", area),
            ("year", "2026"),
            ("nature", "新建"),
            ("start_on", "2026-03-01"),
            ("end_on", "2026-10-31"),
            ("responsible_unit", "沙河店镇人民政府"),
            ("implementing_unit", "沙东村股份经济合作社"),
            ("tasks", "新建香菇大棚20座"),
            ("investment", "1000000"),
            ("beneficiary_households", "60"),
            ("beneficiary_exited", "40"),
            ("beneficiary_monitored", "5"),
            ("benefit_mechanism", "务工工资、大棚租金分红"),
        ]),
        2026,
    )
    .unwrap();
    let id = db.create_project(&all, &d, &actor()).await.unwrap();
    for level in ["产出指标", "效益指标", "满意度指标"] {
        let t = Target::parse(&form(&[("level", level), ("indicator", "香菇大棚"), ("value", "20")])).unwrap();
        db.add_target(&all, id, &t, &actor()).await.unwrap();
    }
    db.submit_project(&all, id, 1, date("2026-09-28"), &actor()).await.unwrap();
    let mut day = date("2026-10-16");
    for s in kinds::PROJECT.steps.iter().take(steps) {
        let v = db.project(&all, id).await.unwrap().version;
        let approval = (s.code == "county_approval").then_some("驿政〔2026〕15号");
        let done = Action::Complete { note: format!("{}办结", s.name_zh) };
        db.act_on_project(&all, id, v, done, Some(s.actors[0]), day, approval, &actor()).await.unwrap();
        day += chrono::Duration::days(1);
    }
    id
}

fn sheds(village: Option<&str>, value: &str) -> AssetData {
    let mut f = form(&[
        ("name", "沙东村香菇大棚20座"),
        ("asset_type", "经营性资产"),
        ("category", "房屋/大棚"),
        ("owner", "沙东村股份经济合作社"),
        ("owner_kind", "村集体"),
        ("value", value),
        ("handed_over_on", "2026-11-05"),
        ("keeper", "沙东村村民委员会"),
        ("keeper_person", "张德明"),
    ]);
    if let Some(v) = village {
        f.insert("village".into(), v.into());
    }
    AssetData::parse(&f, today()).unwrap()
}

conformance!(
    assets_are_registered_only_after_the_county_acceptance_and_listed_by_village_in_scope,
    |db: Db| async move {
        let shahedian = scope_of(&db, SHAHEDIAN).await;
        let yifeng = scope_of(&db, "411702104000").await;
        // At 实施 (five steps done): refused, naming the step.
        let early = project_through(&db, SHAHEDIAN_VILLAGE, 5).await;
        let e = db.add_asset(&shahedian, early, &sheds(None, "600000"), &actor()).await.unwrap_err();
        assert_eq!(e.to_string(), "输入有误: project: 项目通过“县级验收”后才能登记资产，该项目目前在“实施”");
        // Past 县级验收 (at 实施地公告): registered in the project's village, with its first status.
        let id = project_through(&db, SHAHEDIAN_VILLAGE, 8).await;
        let a = db.add_asset(&shahedian, id, &sheds(None, "600,000"), &actor()).await.unwrap();
        let outside = db.add_asset(&shahedian, id, &sheds(Some(YIFENG_VILLAGE), "1"), &actor()).await.unwrap_err();
        assert!(outside.to_string().contains("资产所在村应是项目实施地点"), "{outside}");
        // A township project names the village its asset stands in.
        let town_project = project_through(&db, SHAHEDIAN, 11).await;
        let e = db.add_asset(&shahedian, town_project, &sheds(None, "1"), &actor()).await.unwrap_err();
        assert!(e.to_string().contains("项目实施地点是乡镇，请选择资产所在的村"), "{e}");
        let road =
            db.add_asset(&shahedian, town_project, &sheds(Some("411702101200"), "480000"), &actor()).await.unwrap();
        let listed = db.assets(&shahedian, &AssetFilter::default()).await.unwrap();
        assert_eq!(listed.iter().map(|x| x.id).collect::<Vec<_>>(), [road, a], "by village code");
        let one = db.asset(&shahedian, a).await.unwrap();
        assert_eq!(
            (one.data.value, one.status, one.village_code.as_str()),
            (Fen(60_000_000), AssetStatus::InUse, SHAHEDIAN_VILLAGE)
        );
        assert_eq!(one.history.len(), 1);
        let village = AssetFilter { area: Some(code(SHAHEDIAN_VILLAGE)), project: None };
        assert_eq!(db.assets(&shahedian, &village).await.unwrap().len(), 1);
        let t = bangfu_db::project_assets::totals(&listed);
        assert_eq!((t.count, t.value, t.by_village.len()), (2, Fen(108_000_000), 2));
        // Another township sees none of it, and may not register on the project.
        assert!(db.assets(&yifeng, &AssetFilter::default()).await.unwrap().is_empty());
        assert!(matches!(db.asset(&yifeng, a).await, Err(DomainError::NotFound)));
        assert!(matches!(db.assets(&yifeng, &village).await, Err(DomainError::NotFound)));
        assert!(matches!(db.add_asset(&yifeng, id, &sheds(None, "1"), &actor()).await, Err(DomainError::NotFound)));
        let filter = bangfu_db::audit::AuditFilter { object_type: Some("project_asset".into()), ..Default::default() };
        assert_eq!(db.audit_entries(&filter, 50, 0).await.unwrap().0.len(), 2, "each registration audited");
    }
);

conformance!(an_assets_status_changes_are_kept_with_their_day_and_a_disposal_is_final, |db: Db| async move {
    let all = everything();
    let id = project_through(&db, SHAHEDIAN_VILLAGE, 11).await;
    let a = db.add_asset(&all, id, &sheds(None, "600000"), &actor()).await.unwrap();
    let change = |pairs: &[(&str, &str)]| StatusChange::parse(&form(pairs), today()).unwrap();
    let idle = change(&[("status", "闲置"), ("on", "2026-11-20"), ("reason", "冬季停产")]);
    db.change_asset_status(&all, a, 1, &idle, &actor()).await.unwrap();
    let stale = db.change_asset_status(&all, a, 1, &change(&[("status", "损毁")]), &actor()).await.unwrap_err();
    assert!(matches!(stale, DomainError::Conflict { .. }), "{stale}");
    let early = change(&[("status", "在用"), ("on", "2026-11-10")]);
    let e = db.change_asset_status(&all, a, 2, &early, &actor()).await.unwrap_err();
    assert!(e.to_string().contains("不能早于上一次变更或移交日期（2026-11-20）"), "{e}");
    let gone = change(&[("status", "处置"), ("on", "2026-12-01"), ("reason", "大风损毁后报废")]);
    db.change_asset_status(&all, a, 2, &gone, &actor()).await.unwrap();
    let again = db.change_asset_status(&all, a, 3, &change(&[("status", "在用")]), &actor()).await.unwrap_err();
    assert!(again.to_string().contains("资产已处置，不能再变更状态"), "{again}");
    let kept = db.asset(&all, a).await.unwrap();
    let history: Vec<_> = kept.history.iter().map(|h| (h.status, h.on, h.reason.clone())).collect();
    assert_eq!(
        history,
        [
            (AssetStatus::InUse, date("2026-11-05"), Some("资产移交".into())),
            (AssetStatus::Idle, date("2026-11-20"), Some("冬季停产".into())),
            (AssetStatus::Disposed, date("2026-12-01"), Some("大风损毁后报废".into())),
        ]
    );
    let t = bangfu_db::project_assets::totals(&[kept]);
    assert_eq!(t.count, 0, "a disposed asset is no longer held");
});

conformance!(a_projects_notice_takes_objections_and_its_village_notice_waits_for_their_answers, |db: Db| async move {
    let all = everything();
    let shahedian = scope_of(&db, SHAHEDIAN).await;
    let yifeng = scope_of(&db, "411702104000").await;
    let id = project_through(&db, SHAHEDIAN_VILLAGE, 0).await;
    let token = db.project_notice_token(&shahedian, id, &actor()).await.unwrap();
    assert_eq!(db.project_notice_token(&all, id, &actor()).await.unwrap(), token, "made once");
    assert!(matches!(db.project_notice_token(&yifeng, id, &actor()).await, Err(DomainError::NotFound)));
    let n = db.public_project_notice(&token).await.unwrap();
    assert_eq!((n.kind, n.open, n.from), (NoticeKind::Village, true, date("2026-09-28")));
    assert_eq!(n.to, Some(date("2026-10-15")), "ten working days across 国庆");
    assert_eq!((n.village.as_str(), n.investment), ("沙东村民委员会", Some(Fen(100_000_000))));
    assert!(matches!(db.public_project_notice("WRONG").await, Err(DomainError::NotFound)));
    // A villager objects: the form's fields are named, the receipt comes back, the phone is sealed.
    let bad = db.lodge_project_objection(&token, "", "12", "", "src").await.unwrap_err();
    assert!(matches!(&bad, DomainError::Invalid(e) if e.len() == 3), "name, phone and text: {bad}");
    let receipt = db.lodge_project_objection(&token, "李四", "13812345678", "大棚选址占用耕地", "src").await.unwrap();
    let listed = db.project_objections(&shahedian, id).await.unwrap();
    assert_eq!((listed[0].receipt.as_str(), listed[0].phone_masked.as_str()), (receipt.as_str(), "138****5678"));
    let stored: String = match db.pool() {
        bangfu_db::Pool::Sqlite(p) => {
            sqlx::query_scalar("select phone from project_objections").fetch_one(p).await.unwrap()
        }
        bangfu_db::Pool::Postgres(p) => {
            sqlx::query_scalar("select phone from project_objections").fetch_one(p).await.unwrap()
        }
    };
    assert!(!stored.contains("13812345678"), "the phone is sealed: {stored}");
    // The notice is not closed while the objection waits; the answer is given by the village.
    let v = db.project(&all, id).await.unwrap().version;
    let close = Action::Complete { note: "公示期满".into() };
    let e = db
        .act_on_project(&all, id, v, close.clone(), Some(Role::VillageWorker), date("2026-10-16"), None, &actor())
        .await
        .unwrap_err();
    assert!(e.to_string().contains(&format!("异议（回执 {receipt}）尚未答复")), "{e}");
    let oid = listed[0].id;
    let auditor =
        db.answer_project_objection(&all, id, oid, Role::Auditor, false, "x", today(), &actor()).await.unwrap_err();
    assert!(auditor.to_string().contains("的异议由"), "{auditor}");
    let far = db.answer_project_objection(&yifeng, id, oid, Role::VillageWorker, false, "x", today(), &actor()).await;
    assert!(matches!(far, Err(DomainError::NotFound)));
    let before = db
        .answer_project_objection(&all, id, oid, Role::VillageWorker, false, "x", date("2026-10-16"), &actor())
        .await
        .unwrap_err();
    assert!(before.to_string().contains("答复日期不能早于异议提出日期"), "{before}");
    db.answer_project_objection(&all, id, oid, Role::VillageWorker, false, "选址为荒坡地，不占耕地", today(), &actor())
        .await
        .unwrap();
    let twice = db
        .answer_project_objection(&all, id, oid, Role::VillageWorker, true, "x", today(), &actor())
        .await
        .unwrap_err();
    assert!(twice.to_string().contains("已答复过"), "{twice}");
    // A second objection, upheld: the notice runs again ten working days from the answer.
    let second = db.lodge_project_objection(&token, "王五", "13900000000", "受益户数有误", "src").await.unwrap();
    let oid2 = db.project_objections(&all, id).await.unwrap()[1].id;
    db.answer_project_objection(&all, id, oid2, Role::TownshipStaff, true, "更正受益户数后重新公示", today(), &actor())
        .await
        .unwrap();
    let v = db.project(&all, id).await.unwrap().version;
    let e = db
        .act_on_project(&all, id, v, close.clone(), Some(Role::VillageWorker), today(), None, &actor())
        .await
        .unwrap_err();
    let again = db.work_calendar().await.unwrap().add_working_days(today(), 10);
    assert!(e.to_string().contains(&format!("异议成立，更正后须重新公示不少于10个工作日：{again}起")), "{e}");
    let status = db.project_objection_status(&second.to_lowercase()).await.unwrap();
    assert_eq!((status.notice.as_str(), status.answer.map(|a| a.1)), ("村内公示：沙东村香菇种植基地", Some(true)));
    let first = db.project_objection_status(&receipt).await.unwrap();
    assert_eq!(first.answer.map(|a| (a.1, a.2)), Some((false, "选址为荒坡地，不占耕地".to_owned())));
    // Past its notice (at 乡镇审核): no more objections; the page shows the last notice, closed.
    let past = project_through(&db, SHAHEDIAN_VILLAGE, 1).await;
    let past_token = db.project_notice_token(&all, past, &actor()).await.unwrap();
    let late = db.lodge_project_objection(&past_token, "王五", "13900000000", "迟到的异议", "src").await.unwrap_err();
    assert!(late.to_string().contains("公示已结束"), "{late}");
    assert!(!db.public_project_notice(&past_token).await.unwrap().open);
    let filter = bangfu_db::audit::AuditFilter { object_type: Some("project".into()), ..Default::default() };
    let (log, _) = db.audit_entries(&filter, 100, 0).await.unwrap();
    assert!(log.iter().any(|e| format!("{e:?}").contains("异议成立")), "the answer is audited");
    // A draft has no notice.
    let draft = db.create_project(&all, &db.project(&all, id).await.unwrap().data, &actor()).await.unwrap();
    assert!(db.project_notice_token(&all, draft, &actor()).await.is_err());
});

conformance!(an_objection_and_the_notices_close_at_the_same_moment_never_both_land, |db: Db| async move {
    let all = everything();
    for _ in 0..4 {
        let id = project_through(&db, SHAHEDIAN_VILLAGE, 0).await;
        let token = db.project_notice_token(&all, id, &actor()).await.unwrap();
        let v = db.project(&all, id).await.unwrap().version;
        let close = Action::Complete { note: "公示期满，无异议".into() };
        let clerk = actor();
        let (objected, closed) = futures::join!(
            db.lodge_project_objection(&token, "李四", "13812345678", "受益户名单有误", "src"),
            db.act_on_project(&all, id, v, close, Some(Role::VillageWorker), today(), None, &clerk),
        );
        assert!(objected.is_ok() != closed.is_ok(), "exactly one lands: {objected:?} / {:?}", closed.map(|p| p.stage));
        let p = db.project(&all, id).await.unwrap();
        let waiting = db.project_objections(&all, id).await.unwrap().len();
        let at_notice = p.procedure.unwrap().current().map(|s| s.code) == Some("village_notice");
        assert_eq!(
            (waiting == 1, at_notice),
            (objected.is_ok(), objected.is_ok()),
            "an objection lands only on an open notice"
        );
    }
});
