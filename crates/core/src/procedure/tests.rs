use chrono::NaiveDate;

use super::kinds::{IDENTIFICATION, RISK_CLEARING};
use super::*;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

fn done(note: &str) -> Action {
    Action::Complete { note: note.into() }
}

const VILLAGE: Option<Role> = Some(Role::VillageWorker);
const TOWN: Option<Role> = Some(Role::TownshipStaff);
const COUNTY: Option<Role> = Some(Role::DistrictAdmin);

/// An identification taken up to its public notice, which opens on `opened`.
fn at_notice(opened: NaiveDate) -> Procedure {
    let mut p = Procedure::start(&IDENTIFICATION, d(11, 2));
    p.act(done("入户核实：家中有慢性病人，年医疗支出约1.2万元"), "张队员", VILLAGE, d(11, 3)).unwrap();
    p.act(done("比对无车辆、商品房、工商注册"), "区农业农村局", COUNTY, d(11, 5)).unwrap();
    p.act(done("评议：应到12人，实到11人，同意11票"), "张队员", VILLAGE, opened).unwrap();
    p
}

#[test]
fn an_identification_goes_step_by_step_to_approval_each_step_by_its_own_role() {
    let mut p = at_notice(d(11, 9));
    assert_eq!(p.current().unwrap().name_zh, "村内公示");
    // The county cannot do the village's notice, nor a clerk the county's approval.
    let err = p.act(done("公示结束"), "区农业农村局", COUNTY, d(11, 16)).unwrap_err();
    assert_eq!(err.message, "“村内公示”由驻村工作队员/帮扶责任人或乡镇（街道）工作人员办理");
    // Five days at least: opened 11-09, it may close from 11-14.
    let err = p.act(done("公示结束"), "张队员", VILLAGE, d(11, 12)).unwrap_err();
    assert_eq!(err.message, "公示不少于5天：2026-11-13之后才能结束公示");
    p.act(done("公示5天，无异议"), "张队员", VILLAGE, d(11, 14)).unwrap();
    p.act(done("审核同意"), "沙河店镇李干事", TOWN, d(11, 16)).unwrap();
    let err = p.act(done("同意"), "沙河店镇李干事", TOWN, d(11, 17)).unwrap_err();
    assert_eq!(err.message, "“县级审批”由区级管理员办理");
    p.act(done("批准：边缘易致贫户，因病"), "区农业农村局", COUNTY, d(11, 18)).unwrap();
    p.act(done("已公告"), "区农业农村局", COUNTY, d(11, 19)).unwrap();
    assert_eq!(p.state(), State::Approved { on: d(11, 19) });
    let err = p.act(done("再来一次"), "区农业农村局", COUNTY, d(11, 20)).unwrap_err();
    assert_eq!(err.message, "该程序已批准，不能再办理");
    assert_eq!(p.events.len(), 7, "every step kept");
}

#[test]
fn an_upheld_objection_sends_it_back_and_a_dismissed_one_lets_it_go_on() {
    let mut p = at_notice(d(11, 9));
    // A villager's objection from the public page: no role, a receipt.
    p.act(Action::Object { receipt: "YY-0001".into(), text: "他家去年刚买了小轿车".into() }, "王某", None, d(11, 10))
        .unwrap();
    let err = p.act(done("公示结束"), "张队员", VILLAGE, d(11, 16)).unwrap_err();
    assert_eq!(err.message, "异议（回执 YY-0001）尚未答复，答复后才能继续");
    let answer =
        |upheld| Action::Answer {
            receipt: "YY-0001".into(), upheld, answer: "经核实车辆登记在其女婿名下".into()
        };
    // Dismissed: the notice goes on and may close.
    let mut dismissed = p.clone();
    dismissed.act(answer(false), "张队员", VILLAGE, d(11, 12)).unwrap();
    assert!(dismissed.open_objections().is_empty());
    dismissed.act(done("公示5天，异议已答复"), "张队员", VILLAGE, d(11, 14)).unwrap();
    assert_eq!(dismissed.current().unwrap().name_zh, "乡镇审核");
    // Upheld: back to the appraisal before the notice, a fresh notice after it.
    p.act(answer(true), "张队员", VILLAGE, d(11, 12)).unwrap();
    assert_eq!(p.current().unwrap().name_zh, "村级民主评议");
    assert_eq!(p.state(), State::At { step: 2, since: d(11, 12) });
    let err = p.act(answer(false), "张队员", VILLAGE, d(11, 13)).unwrap_err();
    assert_eq!(err.message, "没有待答复的异议（回执 YY-0001）");
    let err =
        p.act(Action::Object { receipt: "YY-0002".into(), text: "x".into() }, "王某", None, d(11, 13)).unwrap_err();
    assert_eq!(err.message, "只有公示期间可以提出异议");
}

#[test]
fn every_review_step_sends_back_with_a_reason_and_only_a_review_step_may() {
    let mut p = at_notice(d(11, 9));
    let back = |reason: &str| Action::SendBack { to: None, reason: reason.into() };
    let err = p.act(back("材料不全"), "张队员", VILLAGE, d(11, 10)).unwrap_err();
    assert_eq!(err.message, "“村内公示”不是审核环节，不能退回");
    p.act(done("公示5天，无异议"), "张队员", VILLAGE, d(11, 14)).unwrap();
    assert_eq!(p.act(back(" "), "李干事", TOWN, d(11, 16)).unwrap_err().message, "退回须写明原因");
    p.act(back("评议记录缺少签名"), "李干事", TOWN, d(11, 16)).unwrap();
    assert_eq!(p.current().unwrap().name_zh, "村内公示");
    // Back at the county: to a named earlier step.
    p.act(done("重新公示5天，无异议"), "张队员", VILLAGE, d(11, 23)).unwrap();
    p.act(done("审核同意"), "李干事", TOWN, d(11, 24)).unwrap();
    p.act(
        Action::SendBack { to: Some("visit"), reason: "收入数据与比对结果不符".into() },
        "区农业农村局",
        COUNTY,
        d(11, 25),
    )
    .unwrap();
    assert_eq!(p.current().unwrap().name_zh, "入户核实");
    let err = p
        .act(Action::SendBack { to: Some("announcement"), reason: "x".into() }, "区农业农村局", COUNTY, d(11, 26))
        .unwrap_err();
    assert_eq!(
        err.message, "“入户核实”由驻村工作队员/帮扶责任人或乡镇（街道）工作人员办理",
        "not the county's step at all"
    );
    let err = p.act(Action::SendBack { to: None, reason: "x".into() }, "张队员", VILLAGE, d(11, 26)).unwrap_err();
    assert_eq!(err.message, "“入户核实”不是审核环节，不能退回");
    assert!(p.state().is_open());
}

#[test]
fn a_refusal_or_a_withdrawal_ends_it_with_its_reason_and_keeps_everything() {
    let mut p = at_notice(d(11, 9));
    p.act(done("公示5天，无异议"), "张队员", VILLAGE, d(11, 14)).unwrap();
    assert_eq!(
        p.act(Action::Refuse { reason: String::new() }, "李干事", TOWN, d(11, 16)).unwrap_err().message,
        "不予批准须写明原因"
    );
    let mut refused = p.clone();
    refused.act(Action::Refuse { reason: "家庭人均纯收入高于监测范围".into() }, "李干事", TOWN, d(11, 16)).unwrap();
    assert_eq!(refused.state(), State::Refused { on: d(11, 16) });
    assert_eq!(refused.state().label_zh(), "不予批准");
    p.act(Action::Withdraw { reason: "该户已整户迁出".into() }, "李干事", TOWN, d(11, 16)).unwrap();
    assert_eq!(p.state(), State::Withdrawn { on: d(11, 16) });
    assert_eq!(p.events.len(), 5);
}

#[test]
fn a_step_past_its_deadline_is_overdue_by_working_days_and_the_whole_has_twenty() {
    let cal = WorkCalendar::national_2026();
    // Logged on Friday 2026-09-18: 入户核实 within 5 working days (9-20 make-up Sunday counts).
    let p = Procedure::start(&RISK_CLEARING, d(9, 18));
    assert_eq!(p.due_on(&cal), Some(d(9, 24)));
    assert_eq!(p.days_overdue(&cal, d(9, 24)), 0);
    assert_eq!(p.days_overdue(&cal, d(9, 28)), 1, "中秋 does not count against the village");
    assert_eq!(p.total_due_on(&cal), Some(d(10, 22)));
    let mut q = Procedure::start(&IDENTIFICATION, d(9, 18));
    q.act(done("核实"), "张队员", VILLAGE, d(9, 21)).unwrap();
    assert_eq!(q.due_on(&cal), Some(d(9, 29)), "比对: 5 working days from 9-21 over 中秋");
}

/// No sequence of actions, by any role, gets a procedure approved except by completing every
/// step in order by the step's own roles — nor past a notice with an objection unanswered.
#[test]
fn no_sequence_of_actions_by_any_roles_approves_a_procedure_except_every_step_done_by_its_roles() {
    let roles = [
        None,
        Some(Role::VillageWorker),
        Some(Role::TownshipStaff),
        Some(Role::DistrictAdmin),
        Some(Role::Auditor),
        Some(Role::SystemAdmin),
    ];
    // Completing is the commonest act; ending it (refusal, withdrawal) the rarest.
    let actions = |i: u32, open: Option<&str>| match i % 24 {
        0..=11 => done("好"),
        12 | 13 => Action::SendBack { to: None, reason: "退".into() },
        14 => Action::Refuse { reason: "否".into() },
        15..=18 => Action::Object { receipt: format!("R{i}"), text: "异议".into() },
        19..=22 => Action::Answer {
            receipt: open.unwrap_or("R0").to_owned(),
            upheld: i.is_multiple_of(2),
            answer: "答".into(),
        },
        _ => Action::Withdraw { reason: "撤".into() },
    };
    // A small deterministic generator: thousands of random sequences.
    let mut seed: u64 = 0x2026_1203;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut approved = 0;
    for _ in 0..4000 {
        let mut p = Procedure::start(&IDENTIFICATION, d(1, 5));
        let mut day = d(1, 5);
        for _ in 0..120 {
            day += chrono::Duration::days((next() % 4) as i64);
            // Half the time the role of the step at hand, else any role (or none).
            let role = match p.current() {
                Some(step) if next().is_multiple_of(2) => {
                    Some(step.actors[(next() % step.actors.len() as u64) as usize])
                }
                _ => roles[(next() % roles.len() as u64) as usize],
            };
            let open = p.open_objections().first().map(|r| r.to_string());
            let _ = p.act(actions((next() % 240) as u32, open.as_deref()), "x", role, day);
        }
        if let State::Approved { .. } = p.state() {
            approved += 1;
            // Replay: the accepted events complete each step in order, by its own roles, and
            // every objection at a notice was answered before the notice closed.
            let mut step = 0;
            for e in &p.events {
                match &e.action {
                    Action::Complete { .. } => {
                        let def = IDENTIFICATION.steps[step];
                        assert_eq!(e.step, def.code);
                        assert!(e.role.is_some_and(|r| def.actors.contains(&r)), "{:?} completed {}", e.role, def.code);
                        step += 1;
                    }
                    Action::SendBack { .. } => {
                        assert!(IDENTIFICATION.steps[step].review);
                        step = step.saturating_sub(1);
                    }
                    Action::Answer { upheld: true, .. } => step = step.saturating_sub(1),
                    Action::Refuse { .. } | Action::Withdraw { .. } => panic!("a closed procedure took more"),
                    _ => {}
                }
            }
            assert_eq!(step, IDENTIFICATION.steps.len());
        }
    }
    assert!(approved > 100, "some sequences do reach approval (the test is not vacuous): {approved}");
}

#[test]
fn a_step_is_not_dated_before_the_one_before_it() {
    let mut p = Procedure::start(&IDENTIFICATION, d(3, 2));
    p.act(done("核实"), "村干部", Some(Role::VillageWorker), d(3, 4)).unwrap();
    let e = p.act(done("比对"), "区干部", Some(Role::DistrictAdmin), d(3, 3)).unwrap_err();
    assert_eq!(e.message, "办理日期不能早于上一次办理（2026-03-04）");
}

#[test]
fn the_district_may_lengthen_the_notice_never_shorten_it_and_set_the_whole_deadline() {
    let mut p = at_notice(d(11, 9));
    p.deadlines = Deadlines::parse("7", "15").unwrap();
    let e = p.act(done("公示结束"), "村干部", VILLAGE, d(11, 15)).unwrap_err();
    assert_eq!(e.message, "公示不少于7天：2026-11-15之后才能结束公示");
    p.act(done("公示结束"), "村干部", VILLAGE, d(11, 16)).unwrap();
    let c = WorkCalendar::national_2026();
    assert_eq!(p.total_due_on(&c), Some(c.add_working_days(d(11, 2), 15)));
    let errors = Deadlines::parse("3", "x").unwrap_err();
    assert_eq!(errors[0].message, "公示天数应为5到30之间的整数（公示不少于5天）");
    assert_eq!(errors[1].field, "total_working_days");
    assert_eq!(Deadlines::parse("", "").unwrap(), Deadlines::default(), "blank keeps the defaults");
}

#[test]
fn a_projects_village_notice_lasts_ten_working_days_across_the_national_day_holiday() {
    let calendar = crate::calendar::WorkCalendar::national_2026();
    let mut p = Procedure::start(&kinds::PROJECT, d(9, 28));
    assert_eq!(p.current().unwrap().name_zh, "村内公示");
    // 9-29, 9-30, (国庆 10-01…10-07), 10-08, 10-09, 10-10 (调休上班), 10-12 … 10-16: the tenth.
    let err = p.act_in(&calendar, done("公示期满"), "沙东村", VILLAGE, d(10, 15)).unwrap_err();
    assert_eq!(err.message, "公示不少于10个工作日：2026-10-16起才能结束公示");
    p.act_in(&calendar, done("公示10个工作日，无异议"), "沙东村", VILLAGE, d(10, 16)).unwrap();
    assert_eq!(p.current().unwrap().name_zh, "乡镇审核");
    // The township sends it back to the village; the county may refuse it: 出库.
    p.act_in(&calendar, Action::SendBack { to: None, reason: "补充四议两公开记录".into() }, "镇", TOWN, d(10, 19))
        .unwrap();
    assert_eq!(p.current().unwrap().code, "village_notice");
    p.act_in(&calendar, done("再次公示"), "沙东村", VILLAGE, d(11, 2)).unwrap();
    p.act_in(&calendar, done("审核同意"), "镇", TOWN, d(11, 3)).unwrap();
    let err = p.act_in(&calendar, Action::Refuse { reason: String::new() }, "区", COUNTY, d(11, 4)).unwrap_err();
    assert_eq!(err.message, "不予批准须写明原因");
    p.act_in(&calendar, Action::Refuse { reason: "与已入库项目重复，出库".into() }, "区", COUNTY, d(11, 4)).unwrap();
    assert_eq!(p.state(), State::Refused { on: d(11, 4) });
    // 实施 has no deadline of its own; the district's notice setting does not stretch a project's.
    assert_eq!(kinds::PROJECT.steps[5].deadline_working_days, None);
    let long = Procedure { deadlines: Deadlines { notice_days: Some(20), total_working_days: None }, ..p };
    assert_eq!(long.notice_days_of(&kinds::PROJECT.steps[0]), Some(10));
}
