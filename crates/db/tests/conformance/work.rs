//! 帮扶 work on both backends: plans and measures with evidence, visits and proposals,
//! work teams and pairings, and the worklists they feed.

use std::collections::HashMap;

use bangfu_core::DomainError;
use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::assistance::evidence::check_upload;
use bangfu_core::assistance::{
    MeasureData, MeasureKind, MeasureProgress, MeasureStatus, PairingData, PlanData, Proposal, ProposalState,
    TeamMemberData, TeamRole, VisitData, WorkReason,
};
use bangfu_core::household::{HouseholdId, PovertyStatus};
use bangfu_core::store::{
    AreaStore, AssistanceStore, HouseholdStore, Page, PlanStore, TeamStore, UnitStore, VisitStore, WorklistStore,
};
use bangfu_db::Db;
use chrono::{Datelike, Duration, NaiveDate};

use crate::conformance;
use crate::fixtures::*;
use crate::harness::everything;

async fn scope(db: &Db, code: &str) -> Scope {
    Scope::of(&db.area(&AreaCode::parse(code).unwrap()).await.unwrap().unwrap())
}

async fn on_list(db: &Db, scope: &Scope, reason: WorkReason) -> Vec<i64> {
    db.worklist(scope, reason, today(), Page { number: 1, size: 50 }).await.unwrap().0.iter().map(|h| h.id.0).collect()
}

async fn poor_household(db: &Db, no: &str, village: &str, seq: u32) -> HouseholdId {
    db.create_household(&everything(), &register(&household(no, village, &[]), &couple(seq), None), &actor())
        .await
        .unwrap()
}

fn plan(year: i32, written_on: NaiveDate) -> PlanData {
    PlanData {
        year, written_on, written_with: "户主王建国".into(), goal: Some("发展养牛，稳定增收".into())
    }
}

fn measure(kind: MeasureKind, due_on: NaiveDate) -> MeasureData {
    MeasureData {
        kind, content: "发放肉牛2头，帮助建牛棚".into(), responsible: "李干事".into(), due_on, amount: None
    }
}

fn visit(on: NaiveDate, extra: &[(&str, &str)]) -> VisitData {
    let on = on.to_string();
    let mut f: HashMap<&str, &str> =
        [("visited_on", on.as_str()), ("visitors", "李干事"), ("found", "户主在家，牛已出栏一头")]
            .into_iter()
            .collect();
    f.extend(extra.iter().copied());
    VisitData::parse(&f, today()).unwrap()
}

conformance!(a_household_without_a_plan_is_listed_until_a_plan_for_this_year_is_written, |db: Db| async move {
    let h = poor_household(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let shahedian = scope(&db, SHAHEDIAN).await;
    assert_eq!(on_list(&db, &shahedian, WorkReason::NoPlan).await, vec![h.0]);
    // Last year's plan does not count for this year.
    let year = today().year();
    db.create_plan(&shahedian, h, &plan(year - 1, NaiveDate::from_ymd_opt(year - 1, 2, 1).unwrap()), &actor())
        .await
        .unwrap();
    assert_eq!(on_list(&db, &shahedian, WorkReason::NoPlan).await, vec![h.0]);
    let p = db.create_plan(&shahedian, h, &plan(year, today()), &actor()).await.unwrap();
    assert!(on_list(&db, &shahedian, WorkReason::NoPlan).await.is_empty(), "the gap is closed");
    // One plan per household per year.
    let err = db.create_plan(&shahedian, h, &plan(year, today()), &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Conflict { field, .. } if field == "year"), "{err}");
    let plans = db.plans(&shahedian, h).await.unwrap();
    assert_eq!(plans.iter().map(|p| p.data.year).collect::<Vec<_>>(), vec![year, year - 1]);
    assert_eq!(plans[0].id, p);
    // Another township's user sees no such household.
    let yifeng = scope(&db, "411702104000").await;
    assert!(matches!(db.plans(&yifeng, h).await, Err(DomainError::NotFound)));
    assert!(matches!(db.create_plan(&yifeng, h, &plan(year, today()), &actor()).await, Err(DomainError::NotFound)));
});

conformance!(
    a_measure_due_before_its_plan_year_is_refused_and_an_overdue_one_is_listed_until_done,
    |db: Db| async move {
        let h = poor_household(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
        let shahedian = scope(&db, SHAHEDIAN).await;
        let year = today().year();
        let p = db.create_plan(&shahedian, h, &plan(year, today()), &actor()).await.unwrap();
        // Built past the form's parser, as an API client could: storage checks again.
        let err = db
            .add_measure(
                &shahedian,
                p,
                &measure(MeasureKind::Industry, NaiveDate::from_ymd_opt(year - 1, 12, 31).unwrap()),
                &actor(),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, DomainError::Invalid(e) if e[0].field == "due_on" && e[0].message == format!("完成期限不能早于计划年度（{year}年1月1日）")),
            "{err}"
        );
        assert!(db.plans(&shahedian, h).await.unwrap()[0].measures.is_empty(), "nothing stored");
        assert!(on_list(&db, &shahedian, WorkReason::OverdueMeasure).await.is_empty());
        let overdue_day = NaiveDate::from_ymd_opt(year, 1, 1).unwrap().max(today() - Duration::days(1));
        let m = if overdue_day < today() {
            db.add_measure(&shahedian, p, &measure(MeasureKind::Industry, overdue_day), &actor()).await.unwrap()
        } else {
            // On 1 January nothing of this year can be overdue yet: use last year's plan.
            let old =
                db.create_plan(&shahedian, h, &plan(year - 1, today() - Duration::days(30)), &actor()).await.unwrap();
            db.add_measure(&shahedian, old, &measure(MeasureKind::Industry, today() - Duration::days(1)), &actor())
                .await
                .unwrap()
        };
        db.add_measure(
            &shahedian,
            p,
            &measure(MeasureKind::Employment, NaiveDate::from_ymd_opt(year + 1, 6, 30).unwrap()),
            &actor(),
        )
        .await
        .unwrap();
        assert_eq!(on_list(&db, &shahedian, WorkReason::OverdueMeasure).await, vec![h.0]);
        let notes = db.worklist_notes(&shahedian, WorkReason::OverdueMeasure, &[h], today()).await.unwrap();
        assert!(
            matches!(&notes[..], [(id, bangfu_core::assistance::worklist::WorkNote::Overdue { content, .. })] if *id == h && content == "发放肉牛2头，帮助建牛棚"),
            "{notes:?}"
        );
        let progress =
            |status, reason: Option<&str>| MeasureProgress { status, on: today(), reason: reason.map(Into::into) };
        db.progress_measure(&shahedian, m, &progress(MeasureStatus::InProgress, None), &actor()).await.unwrap();
        assert_eq!(on_list(&db, &shahedian, WorkReason::OverdueMeasure).await, vec![h.0], "in progress but late");
        db.progress_measure(&shahedian, m, &progress(MeasureStatus::Done, None), &actor()).await.unwrap();
        assert!(on_list(&db, &shahedian, WorkReason::OverdueMeasure).await.is_empty(), "done closes the gap");
        let err =
            db.progress_measure(&shahedian, m, &progress(MeasureStatus::Planned, None), &actor()).await.unwrap_err();
        assert!(
            matches!(&err, DomainError::Invalid(e) if e[0].message == "措施已是“已完成”，不能改为“计划中”"),
            "{err}"
        );
        let (_, done) = db.measure(&shahedian, m).await.unwrap();
        assert_eq!((done.status, done.status_on), (MeasureStatus::Done, today()));
    }
);

conformance!(evidence_is_stored_whole_served_only_in_scope_and_bad_files_store_nothing, |db: Db| async move {
    let h = poor_household(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let shahedian = scope(&db, SHAHEDIAN).await;
    let year = today().year();
    let p = db.create_plan(&shahedian, h, &plan(year, today()), &actor()).await.unwrap();
    let m = db
        .add_measure(
            &shahedian,
            p,
            &measure(MeasureKind::Industry, NaiveDate::from_ymd_opt(year, 12, 31).unwrap()),
            &actor(),
        )
        .await
        .unwrap();
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE0];
    photo.extend((0..5000u32).map(|i| (i % 251) as u8));
    let upload = check_upload("牛棚.jpg", &photo).unwrap();
    let e = db.add_evidence(&shahedian, m, Some("牛棚已建成"), Some((&upload, &photo)), &actor()).await.unwrap();
    let (meta, bytes) = db.evidence_file(&shahedian, e).await.unwrap();
    assert_eq!(
        (meta.file_name.as_deref(), meta.content_type.as_deref(), meta.size_bytes),
        (Some("牛棚.jpg"), Some("image/jpeg"), Some(5004))
    );
    assert_eq!(bytes, photo);
    let yifeng = scope(&db, "411702104000").await;
    assert!(matches!(db.evidence_file(&yifeng, e).await, Err(DomainError::NotFound)));
    assert!(matches!(db.add_evidence(&yifeng, m, Some("x"), None, &actor()).await, Err(DomainError::NotFound)));
    // A text file dressed as a photo is refused even if a caller skipped the check.
    let fake = bangfu_core::assistance::evidence::Upload { file_name: "a.jpg".into(), content_type: "image/jpeg" };
    let err = db.add_evidence(&shahedian, m, None, Some((&fake, b"hello")), &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(e) if e[0].field == "file"), "{err}");
    let err = db.add_evidence(&shahedian, m, Some("  "), None, &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(e) if e[0].message == "请填写说明或选择照片、文件"), "{err}");
    let stored = &db.plans(&shahedian, h).await.unwrap()[0].measures[0].evidence;
    assert_eq!(stored.len(), 1, "only the good photo");
    assert_eq!(stored[0].note.as_deref(), Some("牛棚已建成"));
});

conformance!(a_household_not_visited_recently_is_listed_until_a_visit_is_recorded, |db: Db| async move {
    let h = poor_household(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let shahedian = scope(&db, SHAHEDIAN).await;
    assert_eq!(on_list(&db, &shahedian, WorkReason::NotVisited).await, vec![h.0], "never visited");
    use bangfu_core::assistance::worklist::WorkNote;
    let notes = db.worklist_notes(&shahedian, WorkReason::NotVisited, &[h], today()).await.unwrap();
    assert_eq!(notes, vec![(h, WorkNote::LastVisit { on: None })]);
    db.record_visit(&shahedian, h, &visit(today() - Duration::days(40), &[]), &actor()).await.unwrap();
    db.record_visit(&shahedian, h, &visit(today() - Duration::days(50), &[]), &actor()).await.unwrap();
    assert_eq!(on_list(&db, &shahedian, WorkReason::NotVisited).await, vec![h.0], "40 days ago is too long");
    let notes = db.worklist_notes(&shahedian, WorkReason::NotVisited, &[h], today()).await.unwrap();
    assert_eq!(notes, vec![(h, WorkNote::LastVisit { on: Some(today() - Duration::days(40)) })], "the latest visit");
    let yifeng = scope(&db, "411702104000").await;
    assert!(
        db.worklist_notes(&yifeng, WorkReason::NotVisited, &[h], today()).await.unwrap().is_empty(),
        "outside the area"
    );
    let district = scope(&db, "411702000000").await;
    db.set_visit_interval_days(&district, 60, &actor()).await.unwrap();
    assert!(on_list(&db, &shahedian, WorkReason::NotVisited).await.is_empty(), "within a 60-day interval");
    db.set_visit_interval_days(&district, 30, &actor()).await.unwrap();
    assert!(db.set_visit_interval_days(&district, 0, &actor()).await.is_err());
    // A district-wide setting: a township account may not change it.
    assert!(matches!(
        db.set_visit_interval_days(&shahedian, 45, &actor()).await,
        Err(bangfu_core::DomainError::Forbidden)
    ));
    assert_eq!(db.visit_interval_days().await.unwrap(), 30);
    db.record_visit(&shahedian, h, &visit(today(), &[]), &actor()).await.unwrap();
    assert!(on_list(&db, &shahedian, WorkReason::NotVisited).await.is_empty(), "visited today");
    let visits = db.visits(&shahedian, h).await.unwrap();
    assert_eq!(
        visits.iter().map(|v| v.data.visited_on).collect::<Vec<_>>(),
        vec![today(), today() - Duration::days(40), today() - Duration::days(50)]
    );
    assert!(matches!(db.record_visit(&yifeng, h, &visit(today(), &[]), &actor()).await, Err(DomainError::NotFound)));
    assert!(matches!(db.visit(&yifeng, visits[0].id).await, Err(DomainError::NotFound)));
});

conformance!(a_follow_up_falls_due_and_leaves_the_list_when_done, |db: Db| async move {
    let h = poor_household(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let shahedian = scope(&db, SHAHEDIAN).await;
    let due = today().to_string();
    let v = db
        .record_visit(
            &shahedian,
            h,
            &visit(today() - Duration::days(3), &[("follow_up", "联系镇卫生院上门体检"), ("follow_up_due", &due)]),
            &actor(),
        )
        .await
        .unwrap();
    assert_eq!(on_list(&db, &shahedian, WorkReason::FollowUpDue).await, vec![h.0]);
    db.follow_up_done(&shahedian, v, today(), &actor()).await.unwrap();
    assert!(on_list(&db, &shahedian, WorkReason::FollowUpDue).await.is_empty());
    assert!(db.follow_up_done(&shahedian, v, today(), &actor()).await.is_err(), "already done");
});

conformance!(a_proposed_change_waits_for_review_and_acceptance_applies_it_with_history, |db: Db| async move {
    let h = poor_household(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let shahedian = scope(&db, SHAHEDIAN).await;
    let v = db
        .record_visit(
            &shahedian,
            h,
            &visit(
                today(),
                &[("proposal", "status:exited"), ("proposal_reason", "养牛收入稳定，人均纯收入已超过标准")],
            ),
            &actor(),
        )
        .await
        .unwrap();
    assert_eq!(
        db.household(&shahedian, h).await.unwrap().data.status,
        Some(PovertyStatus::Poor),
        "nothing changes yet"
    );
    assert_eq!(on_list(&db, &shahedian, WorkReason::ProposalPending).await, vec![h.0]);
    let err = db.review_proposal(&shahedian, v, false, " ", &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(e) if e[0].message == "不采纳时请写明理由"), "{err}");
    db.review_proposal(&shahedian, v, true, "经入户核实", &actor()).await.unwrap();
    assert_eq!(db.household(&shahedian, h).await.unwrap().data.status, Some(PovertyStatus::Exited));
    let history = db.history(&shahedian, h).await.unwrap();
    assert!(history.last().unwrap().reason.contains("养牛收入稳定"), "{:?}", history.last());
    let reviewed = db.visit(&shahedian, v).await.unwrap();
    assert_eq!(reviewed.proposal_state, Some(ProposalState::Accepted));
    assert!(on_list(&db, &shahedian, WorkReason::ProposalPending).await.is_empty());
    assert!(db.review_proposal(&shahedian, v, true, "", &actor()).await.is_err(), "reviewed once");
    // A proposal that cannot apply leaves both the household and the proposal as they were.
    let v2 = db
        .record_visit(
            &shahedian,
            h,
            &visit(today(), &[("proposal", "clear_risk"), ("proposal_reason", "无风险")]),
            &actor(),
        )
        .await
        .unwrap();
    assert!(db.review_proposal(&shahedian, v2, true, "", &actor()).await.is_err(), "not monitored");
    assert_eq!(db.visit(&shahedian, v2).await.unwrap().proposal_state, Some(ProposalState::Pending));
    db.review_proposal(&shahedian, v2, false, "该户未纳入监测", &actor()).await.unwrap();
    assert_eq!(db.visit(&shahedian, v2).await.unwrap().data.proposal, Some(Proposal::ClearRisk));
    assert_eq!(db.visit(&shahedian, v2).await.unwrap().proposal_state, Some(ProposalState::Rejected));
});

conformance!(worklist_counts_add_up_per_township_and_closing_a_gap_lowers_them, |db: Db| async move {
    let a = poor_household(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    poor_household(&db, "4117021012010002", SHAHEDIAN_VILLAGE, 3).await;
    poor_household(&db, "4117021042010001", YIFENG_VILLAGE, 5).await;
    let district = AreaCode::parse("411702000000").unwrap();
    let (totals, per_area) = db.worklist_counts(&everything(), &district, today()).await.unwrap();
    let no_helper = WorkReason::ALL.iter().position(|r| *r == WorkReason::NoHelper).unwrap();
    assert_eq!(totals[no_helper], 3);
    let count = |per: &[bangfu_core::assistance::WorkCounts], name: &str| {
        per.iter().find(|c| c.area.name == name).map(|c| c.counts[no_helper]).unwrap()
    };
    assert_eq!((count(&per_area, "沙河店镇"), count(&per_area, "蚁蜂镇")), (2, 1));
    let shahedian = scope(&db, SHAHEDIAN).await;
    let helper = db
        .create_helper(
            &shahedian,
            &bangfu_core::assistance::HelperData {
                name: "李干事".into(),
                phone: None,
                unit_id: None,
                post: None,
                id_number: None,
                area_code: AreaCode::parse(SHAHEDIAN).unwrap(),
            },
            &actor(),
        )
        .await
        .unwrap();
    db.assign_helper(&shahedian, a, helper, today(), &actor()).await.unwrap();
    let (totals, per_area) = db.worklist_counts(&everything(), &district, today()).await.unwrap();
    assert_eq!((totals[no_helper], count(&per_area, "沙河店镇")), (2, 1));
    // A township user's counts stop at their township, split by village.
    let (totals, per_village) = db.worklist_counts(&shahedian, shahedian.root(), today()).await.unwrap();
    assert_eq!(totals[no_helper], 1);
    assert!(per_village.iter().all(|c| c.area.code.as_str().starts_with("411702101")));
});

conformance!(a_work_team_under_three_is_warned_and_members_are_recalled_not_deleted, |db: Db| async move {
    let shahedian = scope(&db, SHAHEDIAN).await;
    let village = AreaCode::parse(SHAHEDIAN_VILLAGE).unwrap();
    let unit = db
        .create_unit(
            &everything(),
            &bangfu_core::assistance::UnitData {
                name: "人民街道办事处".into(),
                level: bangfu_core::assistance::UnitLevel::Township,
                area_code: AreaCode::parse("411702001000").unwrap(),
            },
            &actor(),
        )
        .await
        .unwrap();
    let member = |name: &str, role| TeamMemberData {
        name: name.into(),
        phone: Some("13900000001".into()),
        unit_id: Some(unit),
        role,
        start_on: today() - Duration::days(400),
    };
    assert_eq!(db.team(&shahedian, &village).await.unwrap().warnings(), vec!["未派驻工作队"]);
    let first =
        db.add_team_member(&shahedian, &village, &member("张书记", TeamRole::FirstSecretary), &actor()).await.unwrap();
    db.add_team_member(&shahedian, &village, &member("刘队员", TeamRole::Member), &actor()).await.unwrap();
    assert_eq!(db.team(&shahedian, &village).await.unwrap().warnings(), vec!["工作队仅2人，不足3人"]);
    let err = db
        .add_team_member(&shahedian, &village, &member("周书记", TeamRole::FirstSecretary), &actor())
        .await
        .unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(e) if e[0].message.contains("已有第一书记（张书记）")), "{err}");
    db.add_team_member(&shahedian, &village, &member("陈队员", TeamRole::Member), &actor()).await.unwrap();
    let team = db.team(&shahedian, &village).await.unwrap();
    assert!(team.warnings().is_empty());
    assert_eq!(team.members[0].data.name, "张书记", "the first secretary leads the list");
    assert_eq!(team.members[0].unit_name.as_deref(), Some("人民街道办事处"));
    db.end_team_member(&shahedian, first, today(), "任期届满", &actor()).await.unwrap();
    assert_eq!(db.team(&shahedian, &village).await.unwrap().members.len(), 2);
    let (teams, total) = db.teams(&shahedian, None, bangfu_core::store::Page { number: 1, size: 50 }).await.unwrap();
    assert!(teams.iter().all(|t| t.village_code.as_str().starts_with("411702101")));
    assert_eq!((teams.len(), total), (16, 16));
    // A page of villages carries its own villages' members only.
    let (page2, total) = db.teams(&shahedian, None, bangfu_core::store::Page { number: 2, size: 10 }).await.unwrap();
    assert_eq!((page2.len(), total), (6, 16));
    assert_eq!(page2[0].village_code.as_str(), "411702101210");
    assert!(page2.iter().all(|t| t.members.iter().all(|m| m.village_code == t.village_code)));
    let yifeng = scope(&db, "411702104000").await;
    assert!(matches!(db.team(&yifeng, &village).await, Err(DomainError::NotFound)));
    assert!(matches!(db.end_team_member(&yifeng, first, today(), "x", &actor()).await, Err(DomainError::NotFound)));
    // Pairings: one open pairing of a unit with an area at a time.
    let data = PairingData {
        unit_id: unit,
        area_code: AreaCode::parse(SHAHEDIAN).unwrap(),
        start_on: today() - Duration::days(700),
        note: None,
    };
    let p = db.create_pairing(&everything(), &data, &actor()).await.unwrap();
    assert!(matches!(db.create_pairing(&everything(), &data, &actor()).await, Err(DomainError::Conflict { .. })));
    assert_eq!(db.pairings(&shahedian).await.unwrap()[0].unit_name, "人民街道办事处");
    assert!(db.pairings(&yifeng).await.unwrap().is_empty());
    let one = bangfu_core::store::Page { number: 1, size: 1 };
    let (page, total) = db.pairing_page(&shahedian, one).await.unwrap();
    assert_eq!((page.len(), total, page[0].id), (1, 1, p));
    let (page, total) = db.pairing_page(&yifeng, one).await.unwrap();
    assert_eq!((page.len(), total), (0, 0));
    db.end_pairing(&everything(), p, today(), &actor()).await.unwrap();
    assert_eq!(db.pairings(&shahedian).await.unwrap()[0].end_on, Some(today()));
});

conformance!(once_the_key_villages_are_named_only_they_are_warned_for_having_no_team, |db: Db| async move {
    let shahedian = scope(&db, SHAHEDIAN).await;
    let village = AreaCode::parse(SHAHEDIAN_VILLAGE).unwrap();
    assert_eq!(db.key_villages().await.unwrap(), None);
    let before = db.teams(&shahedian, None, bangfu_core::store::Page { number: 1, size: 200 }).await.unwrap().0;
    assert!(before.iter().all(|t| t.key_village.is_none() && t.warnings() == vec!["未派驻工作队"]));
    // Only a district-wide account names them, and only villages.
    let err = db.set_key_villages(&shahedian, std::slice::from_ref(&village), &actor()).await.unwrap_err();
    assert!(matches!(err, DomainError::Forbidden), "{err}");
    let township = AreaCode::parse(SHAHEDIAN).unwrap();
    let err = db.set_key_villages(&everything(), &[township], &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(e) if e[0].field == "key_villages"), "{err}");
    db.set_key_villages(&everything(), &[village.clone(), village.clone()], &actor()).await.unwrap();
    assert_eq!(db.key_villages().await.unwrap(), Some(vec![village.clone()]));
    let teams = db.teams(&shahedian, None, bangfu_core::store::Page { number: 1, size: 200 }).await.unwrap().0;
    let warned: Vec<&str> =
        teams.iter().filter(|t| !t.warnings().is_empty()).map(|t| t.village_code.as_str()).collect();
    assert_eq!(warned, vec![SHAHEDIAN_VILLAGE]);
    assert!(teams.iter().all(|t| t.key_village == Some(t.village_code == village)));
});

/// Monitored since `on` (a 脱贫户 taken into monitoring).
async fn monitored_since(db: &Db, h: HouseholdId, on: NaiveDate) {
    let on = on.to_string();
    let f: HashMap<&str, &str> = [
        ("monitoring_type", "突发严重困难户"),
        ("risks", "因病"),
        ("found_by", "干部排查"),
        ("identified_on", on.as_str()),
        ("reason", "住院"),
    ]
    .into_iter()
    .collect();
    let e = bangfu_core::monitoring::OpenEpisode::parse(&f, bangfu_core::household::HouseholdType::Tuopin, today())
        .unwrap();
    db.backfill_episode(&everything(), h, &e, &actor()).await.unwrap();
}

conformance!(
    a_household_monitored_15_days_without_a_plan_is_overdue_on_the_worklist_until_it_has_one,
    |db: Db| async move {
        let late = poor_household(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
        let in_time = poor_household(&db, "4117021012010002", SHAHEDIAN_VILLAGE, 5).await;
        let not_monitored = poor_household(&db, "4117021012010003", SHAHEDIAN_VILLAGE, 9).await;
        monitored_since(&db, late, today() - Duration::days(16)).await;
        monitored_since(&db, in_time, today() - Duration::days(15)).await;
        let shahedian = scope(&db, SHAHEDIAN).await;
        assert_eq!(
            on_list(&db, &shahedian, WorkReason::PlanOverdue).await,
            vec![late.0],
            "the 15th day is still in time"
        );
        assert!(on_list(&db, &shahedian, WorkReason::NoPlan).await.contains(&not_monitored.0));
        let notes = db.worklist_notes(&shahedian, WorkReason::PlanOverdue, &[late], today()).await.unwrap();
        assert_eq!(
            notes,
            vec![(late, bangfu_core::assistance::worklist::WorkNote::Identified { on: today() - Duration::days(16) })]
        );
        let (totals, _) = db.worklist_counts(&shahedian, &AreaCode::parse(SHAHEDIAN).unwrap(), today()).await.unwrap();
        let at = WorkReason::ALL.iter().position(|r| *r == WorkReason::PlanOverdue).unwrap();
        assert_eq!(totals[at], 1);
        db.create_plan(&shahedian, late, &plan(today().year(), today()), &actor()).await.unwrap();
        assert!(on_list(&db, &shahedian, WorkReason::PlanOverdue).await.is_empty(), "the plan closes the gap");
        let yifeng = scope(&db, "411702104000").await;
        assert!(on_list(&db, &yifeng, WorkReason::PlanOverdue).await.is_empty());
    }
);
