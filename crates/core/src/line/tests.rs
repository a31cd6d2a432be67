use std::collections::HashMap;

use super::*;

fn code(s: &str) -> AreaCode {
    AreaCode::parse(s).unwrap()
}

fn line(id: i64, kind: LineKind, year: i32, area: &str, yuan: i64) -> Line {
    Line {
        id: LineId(id),
        data: LineData {
            kind,
            year,
            area: LineArea::parse(area).unwrap(),
            amount: Fen(yuan * 100),
            document_no: None,
            effective_on: None,
            example: false,
            note: None,
        },
        version: 1,
    }
}

const VILLAGE: &str = "411702101201"; // 沙河店镇 沙东村

#[test]
fn the_chain_runs_from_the_village_up_to_the_nation() {
    let chain: Vec<String> = LineArea::chain(&code(VILLAGE)).iter().map(|a| a.code().to_owned()).collect();
    assert_eq!(chain, ["411702101201", "411702101000", "411702000000", "411700000000", "410000000000", "000000000000"]);
    let chain: Vec<String> = LineArea::chain(&code("410000000000")).iter().map(|a| a.code().to_owned()).collect();
    assert_eq!(chain, ["410000000000", "000000000000"]);
}

#[test]
fn the_most_specific_ancestors_line_of_that_year_and_kind_applies() {
    let lines = vec![
        line(1, LineKind::Monitoring, 2025, "000000000000", 6_000),
        line(2, LineKind::Monitoring, 2025, "410000000000", 7_200),
        line(3, LineKind::Monitoring, 2025, "411700000000", 7_500),
        line(4, LineKind::Monitoring, 2024, "411702000000", 9_999),
        line(5, LineKind::Poverty, 2025, "411702101000", 1),
        line(6, LineKind::Monitoring, 2025, "411702104000", 8_888), // another township
    ];
    let applies = |year, kind| applicable(&lines, &code(VILLAGE), year, kind).map(|l| l.id.0);
    assert_eq!(applies(2025, LineKind::Monitoring), Some(3), "驻马店市's line beats 河南's and the nation's");
    assert_eq!(applies(2024, LineKind::Monitoring), Some(4), "the county's line of 2024");
    assert_eq!(applies(2025, LineKind::Poverty), Some(5), "kinds are kept apart");
    assert_eq!(applies(2023, LineKind::Monitoring), None);
    // A village of another province only sees the national line.
    assert_eq!(applicable(&lines, &code("130102001001"), 2025, LineKind::Monitoring).map(|l| l.id.0), Some(1));
}

#[test]
fn an_income_before_monitoring_is_compared_with_that_years_poverty_line() {
    let lines = vec![
        line(1, LineKind::Poverty, 2019, "000000000000", 3_218),
        line(2, LineKind::Monitoring, 2021, "410000000000", 6_000),
    ];
    assert_eq!(for_income(&lines, &code(VILLAGE), 2019).map(|l| l.id.0), Some(1));
    assert_eq!(for_income(&lines, &code(VILLAGE), 2021).map(|l| l.id.0), Some(2));
    assert_eq!(for_income(&lines, &code(VILLAGE), 2022), None);
}

#[test]
fn below_near_and_above_the_line_with_a_ten_percent_margin() {
    let line = Some(Fen(720_000));
    assert_eq!(Mark::of(Fen(719_999), line, 10), Mark::Below);
    assert_eq!(Mark::of(Fen(720_000), line, 10), Mark::Near);
    assert_eq!(Mark::of(Fen(791_999), line, 10), Mark::Near);
    assert_eq!(Mark::of(Fen(792_000), line, 10), Mark::Above, "exactly 10 % above is no longer near");
    assert_eq!(Mark::of(Fen(-5), line, 10), Mark::Below);
    assert_eq!(Mark::of(Fen(792_000), line, 20), Mark::Near, "the margin is a setting");
    assert_eq!(Mark::of(Fen(1), None, 10), Mark::NoLine);
}

#[test]
fn the_marks_words_name_the_line_and_the_margin() {
    assert_eq!(Mark::Below.label_zh(LineKind::Monitoring, 10), "低于监测范围");
    assert_eq!(Mark::Near.label_zh(LineKind::Monitoring, 10), "接近监测范围（高出不足10%）");
    assert_eq!(Mark::Above.label_zh(LineKind::Monitoring, 10), "高于监测范围");
    assert_eq!(Mark::Above.label_zh(LineKind::Poverty, 10), "高于贫困线");
    assert_eq!(Mark::NoLine.label_zh(LineKind::Monitoring, 10), "未设定该年度监测范围");
    assert_eq!((Mark::Below.colour(), Mark::Near.colour(), Mark::Above.colour()), ("red", "amber", "green"));
}

#[test]
fn a_line_is_read_from_the_form_with_every_problem_at_once() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let f: HashMap<&str, &str> = [
        ("kind", "监测范围"),
        ("year", "2026"),
        ("area_code", "410000000000"),
        ("amount", "7,500"),
        ("document_no", "豫农组〔2026〕1号"),
        ("effective_on", "2026-01-01"),
    ]
    .into_iter()
    .collect();
    let d = LineData::parse(&f, today).unwrap();
    assert_eq!((d.kind, d.year, d.amount, d.example), (LineKind::Monitoring, 2026, Fen(750_000), false));
    assert_eq!(d.area, LineArea::Area(code("410000000000")));
    let bad: HashMap<&str, &str> = [("year", "2030"), ("area_code", "41"), ("amount", "0")].into_iter().collect();
    let errors = LineData::parse(&bad, today).unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["kind", "year", "area_code", "amount"]);
    assert_eq!(errors[1].message, "年度应在2013年至2027年之间");
    assert_eq!(errors[3].message, "标准应大于0元且不超过10万元");
    let national: HashMap<&str, &str> =
        [("kind", "贫困线"), ("year", "2019"), ("area_code", "全国"), ("amount", "3218")].into_iter().collect();
    assert_eq!(LineData::parse(&national, today).unwrap().area, LineArea::National);
}

#[test]
fn a_district_sets_lines_for_itself_its_ancestors_and_inside_it_but_not_elsewhere() {
    let district = Scope::of(&crate::area::Area {
        code: code("411702000000"),
        name: "驿城区".into(),
        level: AreaLevel::County,
        parent: Some(code("411700000000")),
    });
    for ok in ["000000000000", "410000000000", "411700000000", "411702000000", "411702101000"] {
        assert!(LineArea::parse(ok).unwrap().settable_in(&district), "{ok}");
    }
    for no in ["411703000000", "420000000000"] {
        assert!(!LineArea::parse(no).unwrap().settable_in(&district), "{no}");
    }
}

#[test]
fn the_margin_setting_is_a_percentage_from_1_to_100() {
    assert_eq!(check_margin("10"), Ok(10));
    assert_eq!(check_margin("15%"), Ok(15));
    assert_eq!(check_margin("０"), Err(FieldError::new("margin_percent", "接近范围应为1至100之间的百分数")));
}

#[test]
fn the_seeded_national_lines_are_domains_figures_and_2020_is_approximate() {
    let years: Vec<i32> = NATIONAL_POVERTY_LINES.iter().map(|l| l.0).collect();
    assert_eq!(years, [2013, 2014, 2015, 2019, 2020], "2016–2018 are not invented");
    assert!(NATIONAL_POVERTY_LINES[4].2.contains("近似"));
    assert!(EXAMPLE_NOTE.starts_with("示例值"));
}

#[test]
fn an_adjustment_keeps_kind_year_and_area_and_must_change_something() {
    let old = line(1, LineKind::Monitoring, 2025, "410000000000", 7_200).data;
    let raised = LineData { amount: Fen(750_000), ..old.clone() };
    assert_eq!(check_adjustment(&old, &raised), Ok(()));
    assert_eq!(check_adjustment(&old, &old), Err(FieldError::new("amount", "没有修改任何内容")));
    let moved = LineData { year: 2024, ..raised };
    assert_eq!(check_adjustment(&old, &moved).unwrap_err().field, "year");
}
