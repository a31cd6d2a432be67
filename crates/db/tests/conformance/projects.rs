//! 项目库 and 衔接资金 kept on both backends: a project refused at 村申报 without its 绩效目标
//! (the message names them) and accepted with them; another area's project not found; money
//! arranged, paid, reduced and reversed with every refusal naming its amounts; the sums of the
//! lists agreeing with the ledger under random sequences and under payments made at once.

use std::collections::HashMap;

use super::*;
use bangfu_core::money::Fen;
use bangfu_core::project::funds::{AllocationData, Movement};
use bangfu_core::project::{ProjectData, Target};

fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// A project in 沙河店镇's village, every field 村申报 needs filled.
fn mushroom(category: &str) -> ProjectData {
    ProjectData::parse(
        &form(&[
            ("name", "沙东村香菇种植基地"),
            ("category", category),
            ("area_code", SHAHEDIAN_VILLAGE),
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
    .unwrap()
}

fn target(level: &str) -> Target {
    Target::parse(&form(&[("level", level), ("indicator", "香菇大棚"), ("value", "20"), ("unit", "座")])).unwrap()
}

fn money(on: &str, yuan: i64, payee: Option<&str>) -> Movement {
    Movement { on: date(on), amount: Fen(yuan * 100), payee: payee.map(str::to_owned), voucher_no: None, note: None }
}

async fn allocation(db: &Db, yuan: i64) -> i64 {
    let a = AllocationData::parse(
        &form(&[
            ("source", "中央衔接资金"),
            ("year", "2026"),
            ("doc_no", "驻财预〔2026〕12号"),
            ("issued_on", "2026-02-20"),
            ("amount", &yuan.to_string()),
        ]),
        today(),
    )
    .unwrap();
    db.create_allocation(&everything(), &a, &actor()).await.unwrap()
}

conformance!(a_project_is_submitted_only_with_its_performance_targets_and_only_in_its_area, |db: Db| async move {
    let shahedian = scope_of(&db, SHAHEDIAN).await;
    let yifeng = scope_of(&db, "411702104000").await;
    let id = db.create_project(&shahedian, &mushroom("产业发展"), &actor()).await.unwrap();
    let err = db.submit_project(&shahedian, id, 1, today(), &actor()).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "输入有误: targets: 不能提交：缺少绩效目标（产出指标、效益指标、满意度指标），没有绩效目标的项目不能入库"
    );
    db.add_target(&shahedian, id, &target("产出指标"), &actor()).await.unwrap();
    let benefit = db.add_target(&shahedian, id, &target("效益指标"), &actor()).await.unwrap();
    db.add_target(&shahedian, id, &target("满意度指标"), &actor()).await.unwrap();
    db.remove_target(&shahedian, id, benefit, &actor()).await.unwrap();
    let err = db.submit_project(&shahedian, id, 1, today(), &actor()).await.unwrap_err();
    assert!(err.to_string().contains("缺少绩效目标（效益指标）"), "a removed target does not count: {err}");
    db.add_target(&shahedian, id, &target("效益指标"), &actor()).await.unwrap();
    let stale = db.submit_project(&shahedian, id, 0, today(), &actor()).await.unwrap_err();
    assert!(matches!(stale, DomainError::Conflict { .. }), "{stale}");
    db.submit_project(&shahedian, id, 1, today(), &actor()).await.unwrap();
    let p = db.project(&shahedian, id).await.unwrap();
    assert_eq!((p.stage.as_str(), p.targets.len(), p.data.investment), ("open", 3, Some(Fen(100_000_000))));
    assert_eq!(p.stage_zh(), "村内公示", "村申报 starts its procedure at the village notice");
    // Another township sees nothing of it, and cannot put a project in 沙河店镇.
    assert!(matches!(db.project(&yifeng, id).await, Err(DomainError::NotFound)));
    assert!(db.projects(&yifeng, None).await.unwrap().is_empty());
    let outside = db.create_project(&yifeng, &mushroom("产业发展"), &actor()).await.unwrap_err();
    assert!(outside.to_string().contains("不在您的管辖范围内"), "{outside}");
    let filter = bangfu_db::audit::AuditFilter { object_type: Some("project".into()), ..Default::default() };
    let (log, _) = db.audit_entries(&filter, 50, 0).await.unwrap();
    assert_eq!(log.len(), 7, "created, four targets added, one removed, submitted");
});

conformance!(money_moves_only_within_what_remains_and_every_refusal_names_the_amounts, |db: Db| async move {
    let all = everything();
    let industry = db.create_project(&all, &mushroom("产业发展"), &actor()).await.unwrap();
    let roads = db.create_project(&all, &mushroom("乡村建设"), &actor()).await.unwrap();
    let a = allocation(&db, 1_000_000).await;
    db.move_funds(&all, "commit", a, industry, &money("2026-03-01", 600_000, None), &actor()).await.unwrap();
    let over =
        db.move_funds(&all, "commit", a, roads, &money("2026-03-01", 400_001, None), &actor()).await.unwrap_err();
    assert!(
        over.to_string().contains(
            "本次安排 400,001.00元，超过这笔资金尚未安排的 400,000.00元（下达 1,000,000.00元，已安排 600,000.00元）"
        ),
        "{over}"
    );
    db.move_funds(&all, "commit", a, roads, &money("2026-03-01", 400_000, None), &actor()).await.unwrap();
    db.move_funds(&all, "payment", a, industry, &money("2026-04-01", 420_000, Some("沙东村股份经济合作社")), &actor())
        .await
        .unwrap();
    let above = db
        .move_funds(&all, "payment", a, industry, &money("2026-05-01", 180_001, Some("合作社")), &actor())
        .await
        .unwrap_err();
    assert!(
        above.to_string().contains(
            "本次拨付 180,001.00元，超过该项目尚未拨付的 180,000.00元（已安排 600,000.00元，已拨付 420,000.00元）"
        ),
        "{above}"
    );
    let no_payee = Movement::parse(&form(&[("on", "2026-05-01"), ("amount", "100")]), today(), true).unwrap_err();
    assert_eq!(no_payee[0].message, "请填写收款单位或个人");
    let reduce = db.move_funds(&all, "reduce", a, industry, &money("2026-05-02", 180_001, None), &actor()).await;
    assert!(reduce.unwrap_err().to_string().contains("最多可调减 180,000.00元"), "not below what was paid");
    // A reversal (冲销) frees the money again, once.
    let entries = db.project_entries(&all, industry).await.unwrap();
    let paid = entries.iter().find(|e| e.kind == "payment").unwrap().id;
    db.reverse_payment(&all, industry, paid, date("2026-04-05"), "收款账户有误，退回重拨", &actor()).await.unwrap();
    let twice = db.reverse_payment(&all, industry, paid, date("2026-04-06"), "再冲", &actor()).await.unwrap_err();
    assert!(twice.to_string().contains("已冲销过"), "{twice}");
    db.move_funds(&all, "payment", a, industry, &money("2026-04-06", 600_000, Some("沙东村股份经济合作社")), &actor())
        .await
        .unwrap();
    // The lists agree with the ledger.
    let listed = db.allocations(&all, Some(2026)).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].sums.allocated, listed[0].sums.committed, listed[0].sums.paid),
        (Fen(100_000_000), Fen(100_000_000), Fen(60_000_000))
    );
    let projects = db.projects(&all, Some(2026)).await.unwrap();
    let of = |id: i64| projects.iter().find(|p| p.id == id).unwrap().sums;
    assert_eq!((of(industry).committed, of(industry).paid), (Fen(60_000_000), Fen(60_000_000)));
    assert_eq!((of(roads).committed, of(roads).paid), (Fen(40_000_000), Fen(0)));
    let share = bangfu_core::project::funds::industry_share(of(industry).committed, listed[0].sums.committed);
    assert_eq!(share, Some((600, true)), "the share to industry reaches 60 %");
    assert_eq!(db.project_lines(&all, industry).await.unwrap(), vec![(a, of(industry))]);
    let yifeng = scope_of(&db, "411702104000").await;
    assert!(matches!(
        db.move_funds(&yifeng, "payment", a, roads, &money("2026-04-06", 1, Some("x")), &actor()).await,
        Err(DomainError::NotFound)
    ));
    assert!(db.allocations(&yifeng, None).await.unwrap().is_empty(), "none of its money reached 蚁蜂镇");
    assert_eq!(db.allocations(&scope_of(&db, SHAHEDIAN).await, None).await.unwrap().len(), 1, "it reached 沙河店镇");
});

conformance!(no_random_sequence_of_movements_makes_the_sums_drift_or_go_negative, |db: Db| async move {
    let all = everything();
    let projects = [
        db.create_project(&all, &mushroom("产业发展"), &actor()).await.unwrap(),
        db.create_project(&all, &mushroom("就业帮扶"), &actor()).await.unwrap(),
    ];
    let allocations = [allocation(&db, 300_000).await, allocation(&db, 200_000).await];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut landed = 0;
    for _ in 0..120 {
        let (a, p) = (allocations[next(2) as usize], projects[next(2) as usize]);
        let m = money("2026-06-01", next(150_000) as i64 + 1, Some("收款单位"));
        let moved = match next(4) {
            0 => db.move_funds(&all, "commit", a, p, &m, &actor()).await,
            1 => db.move_funds(&all, "reduce", a, p, &m, &actor()).await,
            2 => db.move_funds(&all, "payment", a, p, &m, &actor()).await,
            _ => {
                let entries = db.project_entries(&all, p).await.unwrap();
                let open: Vec<_> = entries.iter().filter(|e| e.kind == "payment" && !e.reversed).collect();
                match open.first() {
                    Some(e) => db.reverse_payment(&all, p, e.id, date("2026-06-02"), "冲销", &actor()).await,
                    None => Ok(0),
                }
            }
        };
        landed += usize::from(moved.is_ok_and(|id| id > 0));
        for alloc in db.allocations(&all, None).await.unwrap() {
            let s = alloc.sums;
            assert!(Fen(0) <= s.paid && s.paid <= s.committed && s.committed <= s.allocated, "{s:?}");
        }
        let listed = db.projects(&all, None).await.unwrap();
        for p in &listed {
            let lines = db.project_lines(&all, p.id).await.unwrap();
            assert_eq!(lines.iter().map(|(_, s)| s.committed).sum::<Fen>(), p.sums.committed);
            assert_eq!(lines.iter().map(|(_, s)| s.paid).sum::<Fen>(), p.sums.paid);
            assert!(lines.iter().all(|(_, s)| Fen(0) <= s.paid && s.paid <= s.committed), "{lines:?}");
        }
        let by_allocations: Fen = db.allocations(&all, None).await.unwrap().iter().map(|a| a.sums.paid).sum();
        assert_eq!(by_allocations, listed.iter().map(|p| p.sums.paid).sum::<Fen>(), "both lists add up alike");
    }
    assert!(landed > 30, "the sequence moved money often enough to mean something: {landed}");
});

conformance_pooled!(payments_made_at_the_same_moment_never_pay_more_than_was_arranged, |db: Db| async move {
    let all = everything();
    let p = db.create_project(&all, &mushroom("产业发展"), &actor()).await.unwrap();
    let a = allocation(&db, 1_000_000).await;
    db.move_funds(&all, "commit", a, p, &money("2026-03-01", 1_000_000, None), &actor()).await.unwrap();
    let pay = |i: usize| {
        let db = db.clone();
        let all = all.clone();
        async move {
            db.move_funds(&all, "payment", a, p, &money("2026-04-01", 150_000, Some(&format!("施工队{i}"))), &actor())
                .await
        }
    };
    let results = futures::future::join_all((0..10).map(pay)).await;
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 6, "six of 150 000 fit in 1 000 000: {results:?}");
    let s = db.projects(&all, None).await.unwrap()[0].sums;
    assert_eq!(s.paid, Fen(90_000_000));
});

conformance!(a_project_goes_from_the_village_notice_to_its_evaluation_or_out_of_the_library, |db: Db| async move {
    use bangfu_core::auth::Role;
    use bangfu_core::procedure::{Action, kinds};
    let all = everything();
    let (village, town, county) = (Some(Role::VillageWorker), Some(Role::TownshipStaff), Some(Role::DistrictAdmin));
    let done = |n: &str| Action::Complete { note: n.into() };
    let submitted = date("2026-09-28");
    let full = async || {
        let id = db.create_project(&all, &mushroom("产业发展"), &actor()).await.unwrap();
        for level in ["产出指标", "效益指标", "满意度指标"] {
            db.add_target(&all, id, &target(level), &actor()).await.unwrap();
        }
        db.submit_project(&all, id, 1, submitted, &actor()).await.unwrap();
        id
    };
    let id = full().await;
    let act = async |action: Action, role, on: &str, approval: Option<&str>| {
        let v = db.project(&all, id).await.unwrap().version;
        db.act_on_project(&all, id, v, action, role, date(on), approval, &actor()).await
    };
    // Ten working days of notice across 国庆 (10-10 is a make-up working day): from 10-16.
    let early = act(done("公示期满"), village, "2026-10-15", None).await.unwrap_err();
    assert!(early.to_string().contains("公示不少于10个工作日：2026-10-16起才能结束公示"), "{early}");
    act(done("公示10个工作日，无异议"), village, "2026-10-16", None).await.unwrap();
    let wrong = act(done("审核"), village, "2026-10-19", None).await.unwrap_err();
    assert!(wrong.to_string().contains("“乡镇审核”由乡镇（街道）工作人员办理"), "{wrong}");
    act(Action::SendBack { to: None, reason: "补充四议两公开记录".into() }, town, "2026-10-19", None).await.unwrap();
    act(done("补充后再次公示"), village, "2026-11-02", None).await.unwrap();
    act(done("审核同意"), town, "2026-11-03", None).await.unwrap();
    let no_number = act(done("审定入库"), county, "2026-11-04", None).await.unwrap_err();
    assert!(no_number.to_string().contains("县级审定入库须填写批复文号"), "{no_number}");
    act(done("审定入库"), county, "2026-11-04", Some("驿政〔2026〕15号")).await.unwrap();
    for (step, role) in kinds::PROJECT.steps.iter().skip(3).map(|s| (s.code, s.actors[0])) {
        act(done(step), Some(role), "2026-11-20", None).await.unwrap();
    }
    let p = db.project(&all, id).await.unwrap();
    assert_eq!(
        (p.stage.as_str(), p.stage_zh(), p.data.approval_no.as_deref()),
        ("approved", "已完成", Some("驿政〔2026〕15号"))
    );
    assert_eq!(p.procedure.as_ref().unwrap().events.len(), 5 + 8, "every act kept, the send-back too");
    let stale = db.act_on_project(&all, id, 1, done("x"), county, date("2026-11-20"), None, &actor()).await;
    assert!(matches!(stale, Err(DomainError::Conflict { .. })));
    // Another goes 出库 at the county, with its reason; another township cannot act on it at all.
    let out = full().await;
    let v = |db: &Db| {
        let db = db.clone();
        async move { db.project(&everything(), out).await.unwrap().version }
    };
    db.act_on_project(&all, out, v(&db).await, done("公示"), village, date("2026-10-16"), None, &actor())
        .await
        .unwrap();
    db.act_on_project(&all, out, v(&db).await, done("同意"), town, date("2026-10-19"), None, &actor()).await.unwrap();
    let yifeng = scope_of(&db, "411702104000").await;
    let theirs =
        db.act_on_project(&yifeng, out, v(&db).await, done("x"), county, date("2026-10-20"), None, &actor()).await;
    assert!(matches!(theirs, Err(DomainError::NotFound)));
    let refuse = Action::Refuse { reason: "与已入库项目重复".into() };
    db.act_on_project(&all, out, v(&db).await, refuse, county, date("2026-10-20"), None, &actor()).await.unwrap();
    let p = db.project(&all, out).await.unwrap();
    assert_eq!((p.stage.as_str(), p.stage_zh()), ("refused", "已出库"));
    let listed = db.projects(&all, None).await.unwrap();
    assert_eq!(listed.iter().filter(|p| p.stage == "refused").count(), 1);
});

conformance!(a_project_lists_the_households_it_reached_and_each_household_its_projects, |db: Db| async move {
    use bangfu_core::project::BenefitData;
    let shahedian = scope_of(&db, SHAHEDIAN).await;
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let far = registered(&db, "4117021042010001", YIFENG_VILLAGE, 5).await;
    let id = db.create_project(&shahedian, &mushroom("产业发展"), &actor()).await.unwrap();
    let benefit = |no: &str, kind: &str, amount: &str| {
        BenefitData::parse(&form(&[("household_no", no), ("kind", kind), ("amount", amount), ("year", "2026")]), 2026)
            .unwrap()
    };
    let wage =
        db.add_beneficiary(&shahedian, id, &benefit("4117021012010001", "务工工资", "6,400"), &actor()).await.unwrap();
    db.add_beneficiary(&shahedian, id, &benefit("4117021012010001", "入股分红", "800"), &actor()).await.unwrap();
    // A household outside the user's area is answered like a missing one.
    let outside = db.add_beneficiary(&shahedian, id, &benefit("4117021042010001", "就业岗位", ""), &actor()).await;
    let missing = db.add_beneficiary(&shahedian, id, &benefit("4117021012019999", "就业岗位", ""), &actor()).await;
    assert!(outside.unwrap_err().to_string().contains("户编号 4117021042010001 不在您管辖范围内的台账中"));
    assert!(missing.unwrap_err().to_string().contains("不在您管辖范围内的台账中"));
    let listed = db.project_beneficiaries(&shahedian, id).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(
        (listed[0].household_no.as_str(), listed[0].village_code.as_str()),
        ("4117021012010001", SHAHEDIAN_VILLAGE)
    );
    assert!(listed[0].head_name.is_some(), "the head's name, never an ID number");
    let reached = db.household_benefits(&shahedian, h.0).await.unwrap();
    assert_eq!(reached.iter().map(|b| b.amount.unwrap().0).sum::<i64>(), 720_000);
    assert!(db.household_benefits(&shahedian, far.0).await.unwrap().is_empty());
    db.remove_beneficiary(&shahedian, id, wage, &actor()).await.unwrap();
    assert_eq!(db.household_benefits(&shahedian, h.0).await.unwrap().len(), 1, "taken off, kept in the audit log");
    let yifeng = scope_of(&db, "411702104000").await;
    assert!(matches!(db.project_beneficiaries(&yifeng, id).await, Err(DomainError::NotFound)));
});

conformance!(a_change_to_a_project_in_the_library_is_published_within_ten_working_days, |db: Db| async move {
    use bangfu_core::auth::Role;
    use bangfu_core::procedure::Action;
    use bangfu_core::project::change::ChangeData;
    let all = everything();
    let id = db.create_project(&all, &mushroom("产业发展"), &actor()).await.unwrap();
    for level in ["产出指标", "效益指标", "满意度指标"] {
        db.add_target(&all, id, &target(level), &actor()).await.unwrap();
    }
    db.submit_project(&all, id, 1, date("2026-09-01"), &actor()).await.unwrap();
    let change = |on: &str, investment: &str| {
        ChangeData::parse(
            &form(&[
                ("decided_on", on),
                ("content", "香菇大棚由20座调整为16座，其余资金建冷库1座"),
                ("reason", "原址土地流转未谈妥"),
                ("doc_no", "驿乡振〔2026〕8号"),
                ("investment", investment),
            ]),
            today(),
        )
        .unwrap()
    };
    // Before the county has put it into the library there is nothing to change by 调整.
    let early = db.record_project_change(&all, id, &change("2026-09-20", ""), &actor()).await.unwrap_err();
    assert!(early.to_string().contains("还未县级审定入库或已出库，不能登记调整"), "{early}");
    let act = async |role: Role, on: &str, approval: Option<&str>| {
        let v = db.project(&all, id).await.unwrap().version;
        db.act_on_project(
            &all,
            id,
            v,
            Action::Complete { note: "同意".into() },
            Some(role),
            date(on),
            approval,
            &actor(),
        )
        .await
        .unwrap();
    };
    act(Role::VillageWorker, "2026-09-16", None).await;
    act(Role::TownshipStaff, "2026-09-18", None).await;
    act(Role::DistrictAdmin, "2026-09-21", Some("驿政〔2026〕15号")).await;
    let c = db.record_project_change(&all, id, &change("2026-09-24", "1,100,000"), &actor()).await.unwrap();
    let listed = db.project_changes(&all, id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].notice_due_on, date("2026-10-15"), "ten working days, 中秋 and 国庆 not counted");
    assert_eq!(
        (listed[0].investment_before, listed[0].data.investment),
        (Some(Fen(100_000_000)), Some(Fen(110_000_000)))
    );
    assert_eq!(
        db.project(&all, id).await.unwrap().data.investment,
        Some(Fen(110_000_000)),
        "the project's new investment"
    );
    let before = db.publish_project_change(&all, id, c, date("2026-09-23"), &actor()).await.unwrap_err();
    assert!(before.to_string().contains("公示日期应在调整批复日期2026-09-24至今天之间"));
    db.publish_project_change(&all, id, c, date("2026-10-19"), &actor()).await.unwrap();
    let again = db.publish_project_change(&all, id, c, date("2026-10-20"), &actor()).await.unwrap_err();
    assert!(again.to_string().contains("该调整已公示"));
    assert_eq!(db.project_changes(&all, id).await.unwrap()[0].published_on, Some(date("2026-10-19")));
    let yifeng = scope_of(&db, "411702104000").await;
    assert!(matches!(db.project_changes(&yifeng, id).await, Err(DomainError::NotFound)));
    assert!(matches!(
        db.record_project_change(&yifeng, id, &change("2026-10-01", ""), &actor()).await,
        Err(DomainError::NotFound)
    ));
    let filter = bangfu_db::audit::AuditFilter { object_type: Some("project".into()), ..Default::default() };
    let (log, _) = db.audit_entries(&filter, 50, 0).await.unwrap();
    assert!(log.iter().any(|e| e.field.as_deref() == Some("change")
        && e.before_value.as_deref() == Some("资金规模 1,000,000.00元")
        && e.after_value.as_deref().is_some_and(|a| a.contains("资金规模 1,100,000.00元"))));
});

conformance!(a_projects_papers_are_kept_with_their_step_and_a_voucher_names_its_payment, |db: Db| async move {
    use bangfu_core::assistance::evidence::check_upload;
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    let all = everything();
    let shahedian = scope_of(&db, SHAHEDIAN).await;
    let id = db.create_project(&shahedian, &mushroom("产业发展"), &actor()).await.unwrap();
    let up = check_upload("村民代表会议记录.png", PNG).unwrap();
    let minutes = db
        .add_project_document(
            &shahedian,
            id,
            "会议记录（四议两公开）",
            None,
            Some("2026年3月2日村民代表会议"),
            (&up, PNG),
            &actor(),
        )
        .await
        .unwrap();
    // A voucher names a payment of this project.
    let a = allocation(&db, 500_000).await;
    db.move_funds(&all, "commit", a, id, &money("2026-04-01", 300_000, None), &actor()).await.unwrap();
    let paid = db
        .move_funds(&all, "payment", a, id, &money("2026-04-10", 100_000, Some("沙东村股份经济合作社")), &actor())
        .await
        .unwrap();
    let commit = db.project_entries(&all, id).await.unwrap().iter().find(|e| e.kind == "commit").unwrap().id;
    let bare = db.add_project_document(&shahedian, id, "voucher", None, None, (&up, PNG), &actor()).await.unwrap_err();
    assert!(bare.to_string().contains("拨付凭证须选择对应的拨付记录"));
    let wrong =
        db.add_project_document(&shahedian, id, "voucher", Some(commit), None, (&up, PNG), &actor()).await.unwrap_err();
    assert!(wrong.to_string().contains("所选拨付记录不属于本项目"));
    let voucher =
        db.add_project_document(&shahedian, id, "拨付凭证", Some(paid), None, (&up, PNG), &actor()).await.unwrap();
    let pdf_named_png = check_upload("批复.png", PNG).unwrap();
    let kinds =
        db.add_project_document(&shahedian, id, "发票", None, None, (&pdf_named_png, PNG), &actor()).await.unwrap_err();
    assert!(kinds.to_string().contains("请选择材料类别"));
    let listed = db.project_documents(&shahedian, id).await.unwrap();
    assert_eq!(
        listed.iter().map(|d| (d.id, d.kind.as_str(), d.step.as_str())).collect::<Vec<_>>(),
        [(minutes, "minutes", "需求摸底"), (voucher, "voucher", "需求摸底")]
    );
    assert_eq!(listed[1].entry_id, Some(paid));
    let (d, bytes) = db.project_document_file(&shahedian, voucher).await.unwrap();
    assert_eq!((d.content_type.as_str(), bytes.as_slice()), ("image/png", PNG));
    let yifeng = scope_of(&db, "411702104000").await;
    assert!(matches!(db.project_document_file(&yifeng, voucher).await, Err(DomainError::NotFound)));
    assert!(matches!(db.project_documents(&yifeng, id).await, Err(DomainError::NotFound)));
    let filter = bangfu_db::audit::AuditFilter { object_type: Some("project".into()), ..Default::default() };
    let (log, _) = db.audit_entries(&filter, 50, 0).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.field.as_deref() == Some("document")).count(), 2);
});
