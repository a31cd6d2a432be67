use std::collections::HashMap;

use super::*;
use crate::household::id_number::check_char;
use crate::household::model::HouseholdId;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
}

fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn messages(errors: &[FieldError]) -> Vec<String> {
    errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect()
}

fn id(first17: &str) -> String {
    format!("{first17}{}", check_char(first17))
}

/// A member as stored: `id`, name, sex, relation, the first 17 ID digits, and when they joined.
fn person(mid: i64, name: &str, sex: &str, relation: &str, first17: &str, joined: Option<&str>) -> Member {
    let mut f = form(&[("name", name), ("sex", sex), ("relation", relation)]);
    f.insert("id_number".into(), id(first17));
    if let Some(j) = joined {
        f.insert("joined_on".into(), j.into());
        f.insert("join_reason".into(), "婚入".into());
    }
    let data = MemberData::parse(&f, today()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    Member { id: MemberId(mid), household_id: HouseholdId(1), data, left_on: None, left_reason: None, version: 1 }
}

/// 王建国's household: his wife, their son and daughter-in-law.
fn family() -> Vec<Member> {
    vec![
        person(1, "王建国", "男", "户主", "41170219550101001", None),
        person(2, "李秀英", "女", "配偶", "41170219570101002", None),
        person(3, "王小明", "男", "之子", "41170219850101001", None),
        person(4, "张丽", "女", "之儿媳", "41170219870101002", Some("2010-05-01")),
    ]
}

/// A 监测户 (not a 脱贫户: no poverty fields) in 驿城区's 胡庙村.
fn household_fields() -> HashMap<String, String> {
    form(&[
        ("household_no", "4117020012010001"),
        ("village_code", "411702001201"),
        ("household_type", "监测户（非脱贫户）"),
    ])
}

#[test]
fn a_household_is_registered_with_its_head_and_the_first_income_counts_its_members() {
    let mut h = household_fields();
    h.insert("income_year".into(), "2025".into());
    h.insert("wages".into(), "18000".into());
    let head =
        form(&[("name", "王建国"), ("sex", "男"), ("relation", "户主"), ("id_number", &id("41170219550101001"))]);
    let wife =
        form(&[("name", "李秀英"), ("sex", "女"), ("relation", "配偶"), ("id_number", &id("41170219570101002"))]);
    let c = RegisterHousehold::parse(&h, &[head, wife], today()).unwrap();
    assert_eq!(c.members.len(), 2);
    let income = c.income.expect("the income columns make the first income");
    assert_eq!(income.household_size, 2, "the size of the year registered is the members registered");
}

#[test]
fn a_registration_names_the_member_and_field_of_each_problem_and_wants_one_head() {
    let h = household_fields();
    let nobody: [HashMap<String, String>; 0] = [];
    let errs = RegisterHousehold::parse(&h, &nobody, today()).unwrap_err();
    assert_eq!(messages(&errs), vec!["members: 请填写家庭成员：至少包括户主"]);

    let son = form(&[("name", "王小明"), ("sex", "男"), ("relation", "之子"), ("id_number", "41170219850101001X")]);
    let errs = RegisterHousehold::parse(&h, &[son], today()).unwrap_err();
    assert!(errs.iter().any(|e| e.field == "members[0].id_number"), "{errs:?}");

    let son = form(&[("name", "王小明"), ("sex", "男"), ("relation", "之子"), ("id_number", &id("41170219850101001"))]);
    let errs = RegisterHousehold::parse(&h, &[son], today()).unwrap_err();
    assert_eq!(messages(&errs), vec!["relation: 该户没有户主"]);
}

#[test]
fn a_registered_household_number_must_start_with_its_village_code() {
    let mut h = household_fields();
    h.insert("household_no".into(), "123".into());
    let head =
        form(&[("name", "王建国"), ("sex", "男"), ("relation", "户主"), ("id_number", &id("41170219550101001"))]);
    let errs = RegisterHousehold::parse(&h, &[head], today()).unwrap_err();
    assert_eq!(
        messages(&errs),
        vec!["household_no: 户编号应为村代码“411702001201”加4至8位序号，如 4117020012010001；不填则自动编号"]
    );
}

#[test]
fn a_correction_needs_the_version_it_was_read_at() {
    let h = household_fields();
    let errs = CorrectHousehold::parse(&h, today()).unwrap_err();
    assert_eq!(errs[0].field, "version");
    assert!(errs[0].message.contains("缺少版本号"), "{errs:?}");
    let mut h = h;
    h.insert("version".into(), "7".into());
    assert_eq!(CorrectHousehold::parse(&h, today()).unwrap().expected_version, 7);
}

#[test]
fn a_joining_member_needs_a_date_and_a_reason_and_a_second_head_is_refused() {
    let baby =
        form(&[("name", "王乐乐"), ("sex", "男"), ("relation", "孙子"), ("id_number", &id("41170220260101001"))]);
    let errs = MemberJoins::parse(&baby, today()).unwrap_err();
    assert_eq!(messages(&errs), vec!["join_reason: 请填写加入原因（如出生、婚入、回乡）", "joined_on: 请填写加入日期"]);

    let mut baby = baby;
    baby.insert("joined_on".into(), "2026-01-01".into());
    baby.insert("join_reason".into(), "出生".into());
    let join = MemberJoins::parse(&baby, today()).unwrap();
    assert!(join.check(&family()).is_ok());

    let mut head = baby.clone();
    head.insert("relation".into(), "户主".into());
    let errs = MemberJoins::parse(&head, today()).unwrap().check(&family()).unwrap_err();
    assert_eq!(messages(&errs), vec!["relation: 该户有2名户主，应只有一名"]);
}

#[test]
fn the_head_cannot_simply_leave_a_new_head_is_asked_for() {
    let members = family();
    let leave = MemberLeaves::parse(&form(&[("left_on", "2026-11-01"), ("left_reason", "死亡")]), today()).unwrap();
    let errs = leave.check(&members, MemberId(1)).unwrap_err();
    assert_eq!(messages(&errs), vec!["left_on: 王建国是户主：请先指定新户主（户主变更），或办理整户注销"]);
    // Anyone else may leave.
    assert!(leave.check(&members, MemberId(3)).is_ok());
}

#[test]
fn the_only_member_cannot_leave_the_household_is_deregistered_instead() {
    let alone = vec![person(1, "赵大爷", "男", "户主", "41170219400101001", None)];
    let leave = MemberLeaves::parse(&form(&[("left_on", "2026-11-01"), ("left_reason", "死亡")]), today()).unwrap();
    let errs = leave.check(&alone, MemberId(1)).unwrap_err();
    assert_eq!(errs[0].message, "赵大爷是该户唯一的成员：请办理整户注销");
}

#[test]
fn a_member_cannot_leave_before_joining_or_in_the_future_or_twice() {
    let mut members = family();
    let leave = MemberLeaves::parse(&form(&[("left_on", "2009-01-01"), ("left_reason", "婚出")]), today()).unwrap();
    let errs = leave.check(&members, MemberId(4)).unwrap_err();
    assert_eq!(messages(&errs), vec!["left_on: 减员日期不能早于加入日期（2010-05-01）"]);
    let errs = MemberLeaves::parse(&form(&[("left_on", "2027-01-01")]), today()).unwrap_err();
    assert_eq!(
        messages(&errs),
        vec!["left_reason: 请填写减员原因（如死亡、婚出、分户）", "left_on: 减员日期不能晚于今天"]
    );
    members[3].left_on = Some(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    let leave = MemberLeaves::parse(&form(&[("left_on", "2026-01-01"), ("reason", "婚出")]), today()).unwrap();
    assert_eq!(messages(&leave.check(&members, MemberId(4)).unwrap_err()), vec!["left_on: 该成员已减员"]);
}

#[test]
fn an_income_form_without_figures_is_refused_and_blank_amounts_stay_blank() {
    let errs = RecordIncome::parse(&form(&[("period", "2025")]), today(), 3).unwrap_err();
    assert!(!errs.is_empty());
    let c = RecordIncome::parse(&form(&[("period", "2025"), ("wages", "12000")]), today(), 3).unwrap();
    assert_eq!(c.income.household_size, 3, "a blank size is the household's current size");
    assert_eq!(c.income.operating, None, "a blank amount is 未填, not 0");
    assert!(!c.replace, "nothing is replaced unless the user confirmed it");
    let c =
        RecordIncome::parse(&form(&[("period", "2025"), ("wages", "12000"), ("replace", "1")]), today(), 3).unwrap();
    assert!(c.replace);
}
