//! 村级光伏电站 kept on both backends: a station only in the user's villages, settlements per
//! quarter corrected when the subsidy arrives, and a year's 收益分配方案 checked against what the
//! station earned and the 公益岗位 share, acted on by each role in turn, and paid — each
//! household line landing in that household's income of the year paid, as wages or property
//! income, a hand-entered total kept and a blank one left blank.

use std::collections::HashMap;

use super::*;
use bangfu_core::auth::Role;
use bangfu_core::household::income::IncomeItemKind;
use bangfu_core::project::pv::{LineData, PlanData, PvUse, SettlementData, StationData};
use bangfu_db::pv::PlanAct;

fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn station(village: &str) -> StationData {
    StationData::parse(
        &form(&[
            ("name", "沙东村村级光伏电站"),
            ("area_code", village),
            ("capacity_kw", "300"),
            ("grid_on", "2017-06-30"),
            ("owner", "沙东村股份经济合作社"),
        ]),
        today(),
    )
    .unwrap()
}

fn settlement(year: &str, quarter: &str, income: &str, subsidy: &str) -> SettlementData {
    SettlementData::parse(
        &form(&[("year", year), ("quarter", quarter), ("kwh", "90000"), ("income", income), ("subsidy", subsidy)]),
        today(),
        date("2017-06-30"),
    )
    .unwrap()
}

fn line(use_: &str, no: &str, person: &str, amount: &str) -> LineData {
    LineData::parse(&form(&[("use", use_), ("household_no", no), ("person", person), ("amount", amount)])).unwrap()
}

conformance!(a_station_stands_in_the_users_villages_and_its_settlements_add_up_per_year, |db: Db| async move {
    let shahedian = scope_of(&db, SHAHEDIAN).await;
    let yifeng = scope_of(&db, "411702104000").await;
    let id = db.create_station(&shahedian, &station(SHAHEDIAN_VILLAGE), &actor()).await.unwrap();
    let outside = db.create_station(&yifeng, &station(SHAHEDIAN_VILLAGE), &actor()).await.unwrap_err();
    assert!(outside.to_string().contains("电站所在村不存在或不在您的管辖范围内"), "{outside}");
    assert!(matches!(db.station(&yifeng, id).await, Err(DomainError::NotFound)));
    assert!(db.stations(&yifeng).await.unwrap().is_empty());
    for q in ["1", "2", "3"] {
        db.record_settlement(&shahedian, id, &settlement("2025", q, "30000", "10000"), &actor()).await.unwrap();
    }
    // The fourth quarter's subsidy arrives in the next year: first without, then corrected.
    db.record_settlement(&shahedian, id, &settlement("2025", "4", "25000", ""), &actor()).await.unwrap();
    assert_eq!(db.pv_available(id, 2025, None).await.unwrap(), (Fen(14_500_000), Fen(14_500_000)));
    db.record_settlement(&shahedian, id, &settlement("2025", "4", "25000", "8000"), &actor()).await.unwrap();
    let s = db.settlements(&shahedian, id).await.unwrap();
    assert_eq!(s.len(), 4, "the correction replaced the quarter, it did not add one");
    assert_eq!(s[0].data.subsidy, Some(Fen(800_000)));
    assert_eq!(db.pv_available(id, 2025, None).await.unwrap().0, Fen(15_300_000));
    assert!(matches!(db.settlements(&yifeng, id).await, Err(DomainError::NotFound)));
    let filter = bangfu_db::audit::AuditFilter { object_type: Some("pv_station".into()), ..Default::default() };
    let (log, _) = db.audit_entries(&filter, 50, 0).await.unwrap();
    assert_eq!(log.len(), 6, "the station, four quarters and the correction");
    assert!(log.iter().any(|e| e.before_value.as_deref().is_some_and(|b| b.contains("补贴未到账"))));
});

conformance!(a_plan_is_checked_acted_on_by_each_role_and_its_payments_land_in_household_income, |db: Db| async move {
    let shahedian = scope_of(&db, SHAHEDIAN).await;
    let all = everything();
    // 王建国's household has a hand-entered 2026 wage total; the second household has no 2026 income.
    let worker = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let weak = registered(&db, "4117021012010002", SHAHEDIAN_VILLAGE, 3).await;
    let elsewhere = registered(&db, "4117021012020001", "411702101202", 5).await;
    let _ = elsewhere;
    let bare = Income::of_year(2026, 2, [Some(Fen(1_200_000)), None, None, Some(Fen(300_000)), None]);
    db.record_income(&all, worker, &recording(&bare, false), &actor()).await.unwrap();
    let st = db.create_station(&shahedian, &station(SHAHEDIAN_VILLAGE), &actor()).await.unwrap();
    for q in ["1", "2", "3", "4"] {
        db.record_settlement(&shahedian, st, &settlement("2025", q, "2000", "500"), &actor()).await.unwrap();
    }
    let plan = db
        .create_pv_plan(&shahedian, st, &PlanData { year: 2025, decided_on: None, decision: None }, &actor())
        .await
        .unwrap();
    // Lines: a household of another village and a person not of the household are refused.
    let far = db.add_pv_line(&shahedian, plan, &line("公益岗位", "4117021012020001", "王建国", "100"), &actor()).await;
    assert!(far.unwrap_err().to_string().contains("不是本村的农户"));
    let stranger =
        db.add_pv_line(&shahedian, plan, &line("公益岗位", "4117021012010001", "张三", "100"), &actor()).await;
    assert!(stranger.unwrap_err().to_string().contains("张三 不是该户的现有成员"));
    db.add_pv_line(&shahedian, plan, &line("公益岗位", "4117021012010001", "王建国", "3,600"), &actor()).await.unwrap();
    db.add_pv_line(&shahedian, plan, &line("分红", "4117021012010002", "", "4,000"), &actor()).await.unwrap();
    let p = db.pv_plan(&shahedian, plan).await.unwrap();
    let v = p.version;
    // Without the 四议两公开 date, and then with too small a share to jobs, it cannot go.
    let undecided = db
        .act_on_pv_plan(
            &shahedian,
            plan,
            v,
            PlanAct::Submit,
            Some(Role::VillageWorker),
            date("2026-01-12"),
            None,
            &actor(),
        )
        .await;
    assert!(undecided.unwrap_err().to_string().contains("四议两公开的决议日期"));
    let decided =
        PlanData {
            year: 2025, decided_on: Some(date("2026-01-10")), decision: Some("村民代表会议通过".into())
        };
    db.update_pv_plan(&shahedian, plan, v, &decided, &actor()).await.unwrap();
    let v = db.pv_plan(&shahedian, plan).await.unwrap().version;
    let low = db
        .act_on_pv_plan(
            &shahedian,
            plan,
            v,
            PlanAct::Submit,
            Some(Role::VillageWorker),
            date("2026-01-12"),
            None,
            &actor(),
        )
        .await;
    assert_eq!(
        low.unwrap_err().to_string(),
        "输入有误: lines: 方案不能提交：公益岗位和小型公益事业占47.3%（3,600.00元），低于规定的60.0%"
    );
    // Above what the station earned (10,000元) it cannot go either.
    let big = db
        .add_pv_line(&shahedian, plan, &line("小型公益事业", "4117021012010002", "", "6,000"), &actor())
        .await
        .unwrap();
    let v = db.pv_plan(&shahedian, plan).await.unwrap().version;
    let over = db
        .act_on_pv_plan(
            &shahedian,
            plan,
            v,
            PlanAct::Submit,
            Some(Role::VillageWorker),
            date("2026-01-12"),
            None,
            &actor(),
        )
        .await;
    assert!(over.unwrap_err().to_string().contains("分配总额13,600.00元超过可分配收益10,000.00元（相差3,600.00元）"));
    db.remove_pv_line(&shahedian, plan, big, &actor()).await.unwrap();
    db.add_pv_line(&shahedian, plan, &line("小型公益事业", "4117021012010002", "", "2,400"), &actor()).await.unwrap();
    let p = db.pv_plan(&shahedian, plan).await.unwrap();
    let check = db.pv_plan_check(&p).await.unwrap();
    assert!(check.blocking.is_empty(), "{check:?}");
    assert_eq!((check.total, check.public_job_share()), (Fen(1_000_000), "60.0%".to_owned()));
    let act = |act: PlanAct, role: Role, on: &'static str, note: Option<&'static str>| {
        let db = db.clone();
        let scope = shahedian.clone();
        async move {
            let v = db.pv_plan(&scope, plan).await.unwrap().version;
            db.act_on_pv_plan(&scope, plan, v, act, Some(role), date(on), note, &actor()).await
        }
    };
    act(PlanAct::Submit, Role::VillageWorker, "2026-01-12", None).await.unwrap();
    // The village cannot review its own plan; the township sends it back with a reason, and again.
    let own = act(PlanAct::Review, Role::VillageWorker, "2026-01-15", None).await.unwrap_err();
    assert!(own.to_string().contains("乡镇审核须由乡镇（街道）或区级工作人员办理"));
    let bare_back = act(PlanAct::SendBack, Role::TownshipStaff, "2026-01-15", None).await.unwrap_err();
    assert!(bare_back.to_string().contains("退回须写明理由"));
    let back = act(PlanAct::SendBack, Role::TownshipStaff, "2026-01-15", Some("请附会议记录")).await.unwrap();
    assert_eq!(back.stage, "draft");
    act(PlanAct::Submit, Role::VillageWorker, "2026-01-16", None).await.unwrap();
    act(PlanAct::Review, Role::TownshipStaff, "2026-01-20", None).await.unwrap();
    let not_county = act(PlanAct::File, Role::TownshipStaff, "2026-01-25", None).await.unwrap_err();
    assert!(not_county.to_string().contains("县级备案须由区级工作人员办理"));
    act(PlanAct::File, Role::DistrictAdmin, "2026-02-01", None).await.unwrap();
    let early_notice = act(PlanAct::Publish, Role::VillageWorker, "2026-01-30", None).await.unwrap_err();
    assert!(early_notice.to_string().contains("公示日期不能早于县级备案日期"));
    act(PlanAct::Publish, Role::VillageWorker, "2026-02-02", None).await.unwrap();
    let early = act(PlanAct::Pay, Role::TownshipStaff, "2026-02-05", None).await.unwrap_err();
    assert!(early.to_string().contains("公示自2026-02-02起不少于5天，2026-02-07起方可发放"), "{early}");
    let paid = act(PlanAct::Pay, Role::TownshipStaff, "2026-02-09", None).await.unwrap();
    assert_eq!((paid.stage.as_str(), paid.paid_on), ("paid", Some(date("2026-02-09"))));
    assert!(paid.lines.iter().all(|l| l.paid_on.is_some() && l.income_id.is_some()));
    let again = act(PlanAct::Pay, Role::TownshipStaff, "2026-02-10", None).await.unwrap_err();
    assert!(again.to_string().contains("方案已发放，不能发放"), "{again}");
    // The worker's hand-entered wages are kept as 其他工资性收入 beside the job's wages.
    let incomes = db.incomes(&all, worker).await.unwrap();
    let y2026 = incomes.iter().find(|i| i.period == IncomePeriod::Year(2026)).unwrap();
    assert_eq!((y2026.wages, y2026.transfer, y2026.property), (Some(Fen(1_560_000)), Some(Fen(300_000)), None));
    let kinds: Vec<_> = y2026.items.iter().map(|i| (i.kind, i.amount)).collect();
    assert_eq!(kinds, [(IncomeItemKind::OtherWages, Fen(1_200_000)), (IncomeItemKind::PublicJob, Fen(360_000))]);
    assert!(y2026.items[1].note.as_deref().unwrap().contains("沙东村村级光伏电站 2025年度光伏收益分配"));
    assert!(y2026.validate().is_ok());
    // The second household had nothing for 2026: it now has the dividend and the works' wages,
    // and everything else stays 未填.
    let y = db.incomes(&all, weak).await.unwrap();
    assert_eq!(y.len(), 1);
    assert_eq!((y[0].wages, y[0].property, y[0].transfer), (Some(Fen(240_000)), Some(Fen(400_000)), None));
    assert_eq!(y[0].household_size, 2);
    // The household's page lists what reached it, and the income period it became.
    let reached = db.household_pv_lines(&shahedian, weak.0).await.unwrap();
    assert_eq!(reached.len(), 2);
    assert!(reached.iter().all(|l| l.income_period.as_deref() == Some("2026")));
    assert_eq!(reached.iter().find(|l| l.use_ == PvUse::Dividend).unwrap().amount, Fen(400_000));
    let yifeng = scope_of(&db, "411702104000").await;
    assert!(matches!(db.pv_plan(&yifeng, plan).await, Err(DomainError::NotFound)));
    assert!(db.household_pv_lines(&yifeng, weak.0).await.unwrap().is_empty());
    // Each household's income change is in the audit log with what it was before.
    let filter = bangfu_db::audit::AuditFilter { object_type: Some("household".into()), ..Default::default() };
    let (log, _) = db.audit_entries(&filter, 50, 0).await.unwrap();
    assert!(log.iter().any(|e| e.field.as_deref() == Some("income_2026")
        && e.before_value.as_deref().is_some_and(|b| b.contains("工资性收入 12000.00"))
        && e.after_value.as_deref().is_some_and(|a| a.contains("公益性岗位工资 3600.00"))));
});

conformance!(a_second_plan_of_the_year_shares_what_the_first_left, |db: Db| async move {
    let shahedian = scope_of(&db, SHAHEDIAN).await;
    registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let st = db.create_station(&shahedian, &station(SHAHEDIAN_VILLAGE), &actor()).await.unwrap();
    db.record_settlement(&shahedian, st, &settlement("2025", "1", "5000", ""), &actor()).await.unwrap();
    let head = PlanData { year: 2025, decided_on: Some(date("2026-01-10")), decision: None };
    let first = db.create_pv_plan(&shahedian, st, &head, &actor()).await.unwrap();
    db.add_pv_line(&shahedian, first, &line("公益岗位", "4117021012010001", "王建国", "4,000"), &actor())
        .await
        .unwrap();
    let second = db.create_pv_plan(&shahedian, st, &head, &actor()).await.unwrap();
    db.add_pv_line(&shahedian, second, &line("公益岗位", "4117021012010001", "李秀英", "1,500"), &actor())
        .await
        .unwrap();
    let p = db.pv_plan(&shahedian, second).await.unwrap();
    let check = db.pv_plan_check(&p).await.unwrap();
    assert_eq!(check.available, Fen(100_000), "5,000元 earned, 4,000元 in the first plan");
    assert_eq!(check.blocking, ["分配总额1,500.00元超过可分配收益1,000.00元（相差500.00元）"]);
    let early =
        db.create_pv_plan(&shahedian, st, &PlanData { year: 2016, decided_on: None, decision: None }, &actor()).await;
    assert!(early.unwrap_err().to_string().contains("电站2017年才并网"));
});
