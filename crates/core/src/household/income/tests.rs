use std::collections::HashMap;

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
}

fn income() -> Income {
    Income::of_year(
        2019,
        4,
        [Some(Fen(1_200_000)), Some(Fen(500_000)), Some(Fen(30_000)), Some(Fen(250_000)), Some(Fen(180_000))],
    )
}

fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

#[test]
fn net_income_is_the_four_incomes_less_operating_costs() {
    assert_eq!(income().total_net(), Fen(1_800_000));
}

#[test]
fn net_income_per_person_divides_by_the_household_size_stored_with_the_record() {
    assert_eq!(income().net_per_person(), Some(Fen(450_000)));
    assert_eq!(Income { household_size: 1, ..income() }.net_per_person(), Some(Fen(1_800_000)));
}

#[test]
fn net_income_per_person_rounds_to_the_nearest_fen() {
    // 18 000.00 ÷ 7 = 2 571.428… 元
    assert_eq!(Income { household_size: 7, ..income() }.net_per_person(), Some(Fen(257_143)));
    let half = Income::of_year(2020, 2, [Some(Fen(5)), None, None, None, None]);
    assert_eq!(half.net_per_person(), Some(Fen(3)));
}

#[test]
fn net_income_per_person_is_none_without_a_household_size() {
    assert_eq!(Income { household_size: 0, ..income() }.net_per_person(), None);
}

#[test]
fn costs_above_income_give_a_negative_net_income() {
    let loss = Income { operating_cost: Some(Fen(3_000_000)), household_size: 3, ..income() };
    assert_eq!(loss.total_net(), Fen(-1_020_000));
    assert_eq!(loss.net_per_person(), Some(Fen(-340_000)));
}

#[test]
fn claims_add_and_compliant_out_of_pocket_spending_subtracts_as_on_the_monitoring_form() {
    // (18 000 + 理赔 2 000 − 合规自付 6 000) ÷ 4 = 3 500 元
    let i = Income { claims: Some(Fen(200_000)), out_of_pocket: Some(Fen(600_000)), ..income() };
    assert_eq!(i.net_per_person(), Some(Fen(350_000)));
}

#[test]
fn a_blank_figure_adds_nothing_and_marks_the_record_partly_filled() {
    let i = Income::of_year(2025, 2, [Some(Fen(1_000_000)), None, None, None, None]);
    assert_eq!(i.net_per_person(), Some(Fen(500_000)));
    assert!(i.is_partial());
    assert!(!income().is_partial());
}

#[test]
fn a_record_with_no_figure_at_all_is_refused() {
    let empty = Income::of_year(2025, 2, [None; 5]);
    let errors = empty.validate().expect_err("nothing filled");
    assert_eq!(errors, vec![FieldError::new("wages", "请至少填写一项收入或支出（未填的项目不按0计）")]);
}

#[test]
fn a_sensible_income_passes_validation() {
    assert_eq!(income().validate(), Ok(()));
}

#[test]
fn every_negative_figure_and_a_bad_size_are_reported_at_once() {
    let bad = Income {
        household_size: 0,
        claims: Some(Fen(-1)),
        ..Income::of_year(2000, 1, [Some(Fen(-1)), Some(Fen(-1)), Some(Fen(-1)), Some(Fen(-1)), Some(Fen(-1))])
    };
    let errors = bad.validate().expect_err("all bad");
    let pairs: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
    assert_eq!(
        pairs,
        [
            ("period", "收入年度应在2013年至2100年之间"),
            ("household_size", "该期家庭人口应为1至99人"),
            ("wages", "工资性收入不能为负数"),
            ("operating", "生产经营性收入不能为负数"),
            ("property", "财产性收入不能为负数"),
            ("transfer", "转移性收入不能为负数"),
            ("operating_cost", "生产经营性支出不能为负数"),
            ("claims", "理赔收入不能为负数"),
        ]
    );
}

#[test]
fn a_year_is_read_from_2026_and_its_chinese_forms() {
    for s in ["2026", "2026年", "2026年度", " ２０２６ "] {
        assert_eq!(IncomePeriod::parse(s, today()), Ok(IncomePeriod::Year(2026)), "{s}");
    }
    assert_eq!(IncomePeriod::Year(2026).code(), "2026");
    assert_eq!(IncomePeriod::Year(2026).label_zh(), "2026年度");
}

#[test]
fn a_twelve_month_window_is_read_from_its_months_or_its_last_month() {
    let want = IncomePeriod::TwelveMonths { end_year: 2026, end_month: 11 };
    for s in
        ["2025-12至2026-11", "2025年12月至2026年11月", "2025-12～2026-11", "截至2026年11月", "截至2026-11", "2026-11"]
    {
        assert_eq!(IncomePeriod::parse(s, today()), Ok(want), "{s}");
    }
    assert_eq!(want.code(), "2026-11");
    assert_eq!(want.label_zh(), "2025年12月至2026年11月");
    assert_eq!(want.line_year(), 2026);
    assert_eq!(IncomePeriod::from_code("2026-11"), Some(want));
    assert_eq!(IncomePeriod::from_code("2019"), Some(IncomePeriod::Year(2019)));
    // A window ending in December is the calendar year's months.
    let dec = IncomePeriod::parse("2025-01至2025-12", today()).unwrap();
    assert_eq!(dec.label_zh(), "2025年1月至2025年12月");
}

#[test]
fn a_window_that_is_not_twelve_months_or_ends_after_this_month_is_refused() {
    assert_eq!(
        IncomePeriod::parse("2026-01至2026-11", today()),
        Err("监测口径应为连续12个月：截至2026年11月的12个月从2025年12月起".into())
    );
    assert_eq!(IncomePeriod::parse("截至2027年1月", today()), Err("截止月份不能晚于本月（2026年12月）".into()));
    assert_eq!(IncomePeriod::parse("2027", today()), Err("收入年度不能晚于今年（2026年）".into()));
    assert!(IncomePeriod::parse("去年", today()).unwrap_err().contains("不是有效的收入期间"));
    assert!(IncomePeriod::parse("2026-13", today()).is_err());
}

#[test]
fn the_household_row_columns_give_one_year_and_leave_blanks_unfilled() {
    let f = form(&[("income_year", "2025"), ("wages", "12,000.50"), ("operating_cost", "500")]);
    let i = parse_income_fields(&f, today(), 3).unwrap().unwrap();
    assert_eq!(i.period, IncomePeriod::Year(2025));
    assert_eq!(i.household_size, 3);
    assert_eq!(i.wages, Some(Fen(1_200_050)));
    assert_eq!(i.transfer, None, "a blank column is 未填, not 0");
    assert_eq!(i.total_net(), Fen(1_150_050));
    assert_eq!(parse_income_fields(&form(&[]), today(), 3).unwrap(), None);
    let errs = parse_income_fields(&form(&[("wages", "100")]), today(), 3).unwrap_err();
    assert_eq!(errs, vec![FieldError::new("income_year", "填写了收入，但未填写收入年度")]);
}

#[test]
fn a_period_with_no_figure_is_refused_rather_than_stored_as_zeros() {
    let errs = parse_income_form(&form(&[("period", "2025")]), today(), 2).unwrap_err();
    assert_eq!(errs[0].message, "请至少填写一项收入或支出（未填的项目不按0计）");
}

#[test]
fn sub_items_fill_a_blank_total_and_must_agree_with_a_typed_one() {
    let f = form(&[
        ("period", "截至2026年11月"),
        ("household_size", "3"),
        ("item_migrant_work", "30000"),
        ("note_migrant_work", "长子在郑州务工10个月"),
        ("item_public_job", "6000"),
        ("item_dibao", "4800"),
        ("transfer", "4800"),
        ("claims", "2000"),
        ("out_of_pocket", "9000"),
    ]);
    let i = parse_income_form(&f, today(), 4).unwrap().unwrap();
    assert_eq!(i.household_size, 3, "the typed size, not the current one");
    assert_eq!(i.wages, Some(Fen(3_600_000)));
    assert_eq!(i.transfer, Some(Fen(480_000)));
    assert_eq!(i.operating, None);
    assert_eq!(i.items.len(), 3);
    assert_eq!(i.items[0].note.as_deref(), Some("长子在郑州务工10个月"));
    // (36 000 + 4 800 + 2 000 − 9 000) ÷ 3 = 11 266.67 元
    assert_eq!(i.net_per_person(), Some(Fen(1_126_667)));
    let mut wrong = f.clone();
    wrong.insert("wages".into(), "35000".into());
    let errs = parse_income_form(&wrong, today(), 4).unwrap_err();
    assert_eq!(errs, vec![FieldError::new("wages", "工资性收入合计35000.00元，与各分项之和36000.00元不符")]);
}

#[test]
fn a_blank_size_is_the_current_household_size() {
    let i = parse_income_form(&form(&[("period", "2025"), ("wages", "1")]), today(), 4).unwrap().unwrap();
    assert_eq!(i.household_size, 4);
    let errs = parse_income_form(&form(&[("period", "2025"), ("wages", "1"), ("household_size", "两")]), today(), 4)
        .unwrap_err();
    assert_eq!(errs[0].message, "“两”不是人数");
}

#[test]
fn every_sub_item_belongs_to_one_total() {
    for c in IncomeComponent::ALL {
        assert!(c.kinds().count() >= 1, "{c:?}");
    }
    assert_eq!(IncomeItemKind::parse("低保金"), Some(IncomeItemKind::Dibao));
    assert_eq!(IncomeItemKind::Dibao.component(), IncomeComponent::Transfer);
}
