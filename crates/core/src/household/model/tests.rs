use super::*;
use crate::household::id_number::check_char;
use crate::household::income::{IncomePeriod, parse_income_fields};
use crate::money::Fen;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn valid_id(first17: &str) -> String {
    format!("{first17}{}", check_char(first17))
}

fn household(pairs: &[(&'static str, &'static str)]) -> HashMap<&'static str, &'static str> {
    let mut base: HashMap<&str, &str> = [
        ("household_no", "4117021042010001"),
        ("village_code", "411702104201"),
        ("standard", "国家标准"),
        ("attribute", "一般贫困户"),
        ("main_cause", "因病"),
        ("status", "未脱贫"),
    ]
    .into_iter()
    .collect();
    base.extend(pairs.iter().copied());
    base
}

fn errors_of(r: Result<HouseholdData, Vec<FieldError>>) -> Vec<(String, String)> {
    r.unwrap_err().into_iter().map(|e| (e.field, e.message)).collect()
}

#[test]
fn a_minimal_household_parses() {
    let h = HouseholdData::parse(&household(&[("other_causes", "缺技术、缺资金")]), today()).unwrap();
    assert_eq!(h.main_cause, PovertyCause::Illness);
    assert_eq!(h.other_causes, vec![PovertyCause::LackSkills, PovertyCause::LackCapital]);
    assert_eq!(h.village_code.as_str(), "411702104201");
}

#[test]
fn an_exited_household_needs_an_exit_year() {
    let errs = errors_of(HouseholdData::parse(&household(&[("status", "已脱贫(享受政策)")]), today()));
    assert_eq!(errs, vec![("exit_year".into(), "已脱贫户须填写脱贫年度".into())]);
}

#[test]
fn every_bad_field_is_named_not_just_the_first() {
    let errs = errors_of(HouseholdData::parse(
        &household(&[("main_cause", "因懒"), ("village_code", "411702104000"), ("farmland_mu", "abc")]),
        today(),
    ));
    let fields: Vec<&str> = errs.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, vec!["village_code", "main_cause", "farmland_mu"]);
    assert!(errs[0].1.contains("不是村（社区）一级的代码"));
}

#[test]
fn another_cause_may_not_repeat_the_main_cause() {
    let errs = errors_of(HouseholdData::parse(&household(&[("other_causes", "因病")]), today()));
    assert_eq!(errs[0].1, "其他致贫原因“因病”与主要致贫原因重复");
}

#[test]
fn irrigated_land_cannot_exceed_farmland() {
    let errs = errors_of(HouseholdData::parse(&household(&[("farmland_mu", "3.5"), ("irrigated_mu", "4")]), today()));
    assert_eq!(errs, vec![("irrigated_mu".into(), "有效灌溉面积不能大于耕地面积".into())]);
}

#[test]
fn dates_are_read_as_people_type_them() {
    let d = |s| parse_date(s);
    let want = NaiveDate::from_ymd_opt(2014, 10, 5);
    assert_eq!(d("2014-10-05"), want);
    assert_eq!(d("2014/10/5"), want);
    assert_eq!(d("20141005"), want);
    assert_eq!(d("2014年10月5日"), want);
    assert_eq!(d("２０１４-10-05"), want);
    assert_eq!(d("2014-10"), NaiveDate::from_ymd_opt(2014, 10, 1));
    assert_eq!(d("2014-02-30"), None);
}

#[test]
fn income_columns_give_one_income_record_in_fen() {
    let f = household(&[("income_year", "2025"), ("wages", "12,000.50"), ("operating_cost", "500")]);
    let income = parse_income_fields(&f, today(), 2).unwrap().unwrap();
    assert_eq!(income.period, IncomePeriod::Year(2025));
    assert_eq!(income.wages, Some(Fen(1_200_050)));
    assert_eq!(income.total_net(), Fen(1_150_050));
    assert_eq!(parse_income_fields(&household(&[]), today(), 2).unwrap(), None);
    let errs = parse_income_fields(&household(&[("wages", "100")]), today(), 2).unwrap_err();
    assert_eq!(errs[0].message, "填写了收入，但未填写收入年度");
}

fn member(pairs: &[(&'static str, &str)]) -> Result<MemberData, Vec<FieldError>> {
    let mut m: HashMap<String, String> = [("name", "王小明"), ("sex", "男"), ("relation", "户主")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    m.insert("id_number".into(), valid_id("41170219800101001"));
    for (k, v) in pairs {
        m.insert((*k).to_owned(), (*v).to_owned());
    }
    MemberData::parse(&m, today())
}

#[test]
fn a_member_with_a_valid_id_parses_and_the_id_is_kept_whole() {
    let m = member(&[]).unwrap();
    assert_eq!(m.id_number.as_str(), valid_id("41170219800101001"));
    assert_eq!(m.relation, Relation::Head);
}

#[test]
fn a_member_whose_id_says_male_but_sex_is_female_is_rejected_on_the_id_field() {
    let errs = member(&[("sex", "女")]).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "id_number");
    assert!(errs[0].message.contains("男性"), "{}", errs[0].message);
}

#[test]
fn a_bad_check_digit_is_reported_on_the_id_field() {
    let mut id = valid_id("41170219800101001");
    let last = if id.ends_with('0') { '1' } else { '0' };
    id.pop();
    id.push(last);
    let errs = member(&[("id_number", &id)]).unwrap_err();
    assert_eq!(errs[0].field, "id_number");
    assert!(errs[0].message.contains("校验位"), "{}", errs[0].message);
}

#[test]
fn migrant_months_must_be_within_a_year_and_need_a_place() {
    let errs = member(&[("migrant_months", "13")]).unwrap_err();
    assert_eq!(errs[0].message, "务工时间应为0到12之间的整数");
    let errs = member(&[("migrant_months", "6")]).unwrap_err();
    assert_eq!(errs[0].field, "migrant_work");
}

#[test]
fn a_disability_grade_needs_disabled_health() {
    let errs = member(&[("disability_grade", "二级"), ("health", "健康")]).unwrap_err();
    assert_eq!(errs[0].field, "disability_grade");
    assert!(member(&[("disability_grade", "二级"), ("health", "残疾")]).is_ok());
}

#[test]
fn a_household_needs_exactly_one_head_and_a_spouse_of_the_other_sex() {
    let head = member(&[]).unwrap();
    let mut wife = member(&[("relation", "配偶"), ("sex", "女")]).unwrap_or_else(|_| {
        let mut m = member(&[]).unwrap();
        m.relation = Relation::Spouse;
        m.sex = Sex::Female;
        m
    });
    assert!(check_members(&[&head, &wife]).is_empty());
    wife.sex = Sex::Male;
    assert_eq!(check_members(&[&head, &wife])[0].message, "户主与配偶性别相同");
    assert_eq!(check_members(&[&wife])[0].message, "该户没有户主");
    assert_eq!(check_members(&[&head, &head])[0].message, "该户有2名户主，应只有一名");
}

#[test]
fn phone_numbers_are_mobile_or_landline() {
    assert_eq!(member(&[("phone", "13800138000")]).unwrap().phone.as_deref(), Some("13800138000"));
    assert!(member(&[("phone", "0396-2345678")]).is_ok());
    let errs = member(&[("phone", "12345")]).unwrap_err();
    assert!(errs[0].message.starts_with("联系电话“12345”无效"));
}

#[test]
fn a_row_with_a_bad_id_still_reports_its_other_problems() {
    let errs = member(&[("id_number", "123"), ("education", "博士后"), ("phone", "999")]).unwrap_err();
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["id_number", "education", "phone"]);
}
