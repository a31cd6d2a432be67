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
    assert_eq!(h.main_cause, Some(PovertyCause::Illness));
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

// ---- the national member fields (证件类型, 健康状况 as a set, insurance kinds, tri-state flags) ----

#[test]
fn a_blank_yes_no_answer_stays_unanswered_and_is_never_no() {
    let m = member(&[]).unwrap();
    assert_eq!((m.dibao, m.tekun, m.soldier, m.serious_illness), (None, None, None, None));
    assert_eq!((m.medical_insurance, m.pension_insurance), (None, None));
    let m = member(&[("dibao", "否"), ("soldier", "是"), ("tekun", "未填")]).unwrap();
    assert_eq!((m.dibao, m.soldier, m.tekun), (Some(false), Some(true), None));
}

#[test]
fn the_tri_state_parser_reads_blank_as_unanswered() {
    assert_eq!(parse_optional_flag(""), Ok(None));
    assert_eq!(parse_optional_flag(" 未填 "), Ok(None));
    assert_eq!(parse_optional_flag("否"), Ok(Some(false)));
    assert_eq!(parse_optional_flag("Y"), Ok(Some(true)));
    assert_eq!(parse_optional_flag("也许"), Err("“也许”应填“是”或“否”".to_owned()));
}

#[test]
fn several_health_values_are_read_with_either_separator() {
    for typed in ["残疾,长期慢性病", "残疾、长期慢性病", "长期慢性病，残疾"] {
        let m = member(&[("health", typed)]).unwrap();
        let h = m.health.unwrap();
        assert_eq!(h.code(), "chronic,disabled", "{typed}");
        assert_eq!(h.label_zh(), "长期慢性病、残疾");
        assert!(m.has_health(Health::Disabled) && m.has_health(Health::Chronic));
    }
}

#[test]
fn healthy_cannot_stand_beside_another_health_value() {
    let errs = member(&[("health", "健康,患有大病")]).unwrap_err();
    assert_eq!(errs[0].field, "health");
    assert_eq!(errs[0].message, "“健康”不能与“患有大病”同时填写");
}

#[test]
fn a_stored_single_health_code_reads_as_a_set_of_one() {
    assert_eq!("serious".parse::<HealthSet>().unwrap(), HealthSet::of(&[Health::Serious]));
}

fn cert(tail: &str) -> String {
    format!("{}{tail}", valid_id("41170219800101001"))
}

#[test]
fn a_20_digit_disability_certificate_keeps_the_18_digit_person_number_and_gives_category_and_grade() {
    let m = member(&[("id_number", &cert("42"))]).unwrap();
    assert_eq!(m.id_kind, IdKind::DisabilityCert);
    assert_eq!(m.id_number.as_str(), valid_id("41170219800101001"));
    assert_eq!(m.disability_category, Some(DisabilityCategory::Physical));
    assert_eq!(m.disability_grade, Some(DisabilityGrade::Two));
    assert_eq!(m.health, Some(HealthSet::of(&[Health::Disabled])));
    assert_eq!(m.document_number(), cert("42"));
}

#[test]
fn a_certificate_holder_whose_health_leaves_out_disability_is_refused() {
    let errs = member(&[("id_number", &cert("42")), ("health", "长期慢性病")]).unwrap_err();
    assert_eq!(errs[0].field, "health");
    assert_eq!(errs[0].message, "持残疾人证的成员，健康状况应包含“残疾”");
    assert!(member(&[("id_number", &cert("42")), ("health", "残疾,长期慢性病")]).is_ok());
}

#[test]
fn a_grade_that_contradicts_the_certificate_is_named() {
    let errs = member(&[("id_number", &cert("42")), ("disability_grade", "一级")]).unwrap_err();
    assert_eq!(errs[0].field, "disability_grade");
    assert_eq!(errs[0].message, "残疾等级与残疾人证号不符：证号第20位表示“二级”");
}

#[test]
fn a_wording_that_names_a_sex_must_match_the_members_sex() {
    let father = |sex: &'static str| {
        member(&[("relation", "之父"), ("sex", sex), ("id_number", &valid_id("41170219500101001"))])
    };
    assert_eq!(father("男").unwrap().relation, Relation::Parent);
    let errs = member(&[("relation", "之母"), ("id_number", &valid_id("41170219500101001"))]).unwrap_err();
    assert_eq!(errs[0].field, "relation");
    assert_eq!(errs[0].message, "与户主关系“之母”与性别“男”不符");
    let errs = member(&[("relation", "之女")]).unwrap_err();
    assert_eq!(errs[0].message, "与户主关系“之女”与性别“男”不符");
}

#[test]
fn months_of_migrant_work_need_the_kind_and_the_place() {
    let errs = member(&[("migrant_months", "6"), ("migrant_work", "省外务工")]).unwrap_err();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "migrant_place");
    assert_eq!(errs[0].message, "填写了务工时间，但未填写务工地点");
    let m =
        member(&[("migrant_months", "6"), ("migrant_work", "省外务工"), ("migrant_place", "广东省东莞市")]).unwrap();
    assert_eq!(m.migrant_work, Some(MigrantWork::Outside));
    assert_eq!(m.migrant_place.as_deref(), Some("广东省东莞市"));
}

#[test]
fn months_in_a_public_welfare_job_answer_yes_and_contradict_no() {
    let m = member(&[("public_job_months", "10")]).unwrap();
    assert_eq!((m.public_job, m.public_job_months), (Some(true), Some(10)));
    let errs = member(&[("public_job", "否"), ("public_job_months", "10")]).unwrap_err();
    assert_eq!(errs[0].field, "public_job_months");
    let errs = member(&[("public_job_months", "13")]).unwrap_err();
    assert_eq!(errs[0].message, "公益性岗位务工月数应为0到12之间的整数");
}

#[test]
fn a_dropout_reason_is_for_a_school_age_child_out_of_school() {
    let child = valid_id("41170220150101001");
    let m = member(&[
        ("id_number", &child),
        ("relation", "之子"),
        ("dropout_reason", "因病"),
        ("student_status", "非在校生"),
    ])
    .unwrap();
    assert_eq!(m.dropout_reason, Some(DropoutReason::Illness));
    let errs = member(&[
        ("id_number", &child),
        ("relation", "之子"),
        ("dropout_reason", "因厌学"),
        ("student_status", "小学"),
    ])
    .unwrap_err();
    assert_eq!(errs[0].message, "在校生不应填写失辍学原因");
    let errs = member(&[("dropout_reason", "因病")]).unwrap_err();
    assert_eq!(errs[0].message, "失辍学原因只适用于6至16周岁的义务教育适龄儿童，该成员46周岁");
}

#[test]
fn insurance_is_a_kind_and_the_old_yes_no_columns_still_read() {
    let m = member(&[("medical_insurance", "城乡居民基本医疗保险"), ("pension_insurance", "职工养老")]).unwrap();
    assert_eq!(m.medical_insurance, Some(MedicalInsurance::Resident));
    assert_eq!(m.pension_insurance, Some(PensionInsurance::Employee));
    let m = member(&[("basic_medical", "是"), ("pension", "否")]).unwrap();
    assert_eq!(m.medical_insurance, Some(MedicalInsurance::Insured));
    assert_eq!(m.pension_insurance, Some(PensionInsurance::NotInsured));
}

#[test]
fn political_status_and_person_number_are_kept() {
    let m = member(&[("political_status", "中国共产党党员"), ("person_no", "４１１７０２００１")]).unwrap();
    assert_eq!(m.political_status, Some(PoliticalStatus::PartyMember));
    assert_eq!(m.person_no.as_deref(), Some("411702001"));
}

#[test]
fn member_changes_show_an_unanswered_flag_as_blank_and_an_answer_as_yes_or_no() {
    let a = member(&[]).unwrap();
    let b = member(&[("dibao", "否")]).unwrap();
    assert_eq!(member_changes(&a, &b), vec![("dibao", None, Some("否".to_owned()))]);
}

fn non_poor(t: &'static str, extra: &[(&'static str, &'static str)]) -> HashMap<&'static str, &'static str> {
    let mut f: HashMap<&str, &str> =
        [("household_no", "4117021042010002"), ("village_code", "411702104201"), ("household_type", t)]
            .into_iter()
            .collect();
    f.extend(extra.iter().copied());
    f
}

#[test]
fn a_household_without_a_type_is_a_tuopin_household_so_old_files_still_import() {
    let h = HouseholdData::parse(&household(&[]), today()).unwrap();
    assert_eq!(h.household_type, HouseholdType::Tuopin);
    assert_eq!(h.status, Some(PovertyStatus::Poor));
    assert_eq!(h.standard, Some(IdentificationStandard::National));
}

#[test]
fn a_tuopin_household_needs_every_poverty_field() {
    let f = non_poor("脱贫户", &[]);
    let errs = errors_of(HouseholdData::parse(&f, today()));
    assert_eq!(
        errs,
        vec![
            ("standard".into(), "识别标准不能为空".into()),
            ("attribute".into(), "贫困户属性不能为空".into()),
            ("main_cause".into(), "主要致贫原因不能为空".into()),
            ("status".into(), "脱贫状态不能为空".into()),
        ]
    );
}

#[test]
fn a_monitored_or_ordinary_household_has_no_poverty_fields() {
    for t in ["监测户（非脱贫户）", "监测户", "非脱贫户", "一般农户", "一般户"] {
        let h = HouseholdData::parse(&non_poor(t, &[]), today()).unwrap();
        assert!(!h.household_type.has_poverty_fields(), "{t}");
        assert_eq!((h.standard, h.attribute, h.main_cause, h.status, h.exit_year), (None, None, None, None, None));
        assert!(h.other_causes.is_empty());
    }
}

#[test]
fn poverty_fields_on_a_household_that_is_not_tuopin_are_refused_by_name() {
    let f = non_poor("一般农户", &[("standard", "国家标准"), ("status", "已脱贫（享受政策）"), ("exit_year", "2019")]);
    let errs = errors_of(HouseholdData::parse(&f, today()));
    assert_eq!(
        errs,
        vec![
            ("standard".into(), "识别标准只适用于脱贫户，一般农户不填写此项".into()),
            ("status".into(), "脱贫状态只适用于脱贫户，一般农户不填写此项".into()),
            ("exit_year".into(), "脱贫年度只适用于脱贫户，一般农户不填写此项".into()),
        ]
    );
    let f = non_poor("监测户", &[("other_causes", "因病")]);
    assert_eq!(
        errors_of(HouseholdData::parse(&f, today())),
        vec![("other_causes".into(), "其他致贫原因只适用于脱贫户，监测户（非脱贫户）不填写此项".into())]
    );
}

#[test]
fn an_unknown_household_type_lists_the_choices() {
    let errs = errors_of(HouseholdData::parse(&household(&[("household_type", "贫困户")]), today()));
    assert_eq!(errs[0].0, "household_type");
    assert!(errs[0].1.contains("脱贫户、监测户（非脱贫户）、一般农户"), "{}", errs[0].1);
}

#[test]
fn an_unanswered_yes_no_field_stays_unanswered_never_no() {
    let h = HouseholdData::parse(&household(&[("water_safe", "否"), ("sanitary_toilet", "是")]), today()).unwrap();
    assert_eq!(h.living.water_safe, Some(false));
    assert_eq!(h.living.sanitary_toilet, Some(true));
    assert_eq!(h.living.household_power, None);
    assert_eq!(parse_optional_flag(" "), Ok(None));
    assert_eq!(parse_optional_flag("未填"), Ok(None));
    assert_eq!(parse_optional_flag("Y"), Ok(Some(true)));
    assert_eq!(parse_optional_flag("也许"), Err("“也许”应填“是”或“否”".into()));
    let errs = errors_of(HouseholdData::parse(&household(&[("relocated", "也许")]), today()));
    assert_eq!(errs, vec![("relocated".into(), "“也许”应填“是”或“否”".into())]);
}

#[test]
fn changes_show_an_unanswered_flag_as_unfilled() {
    let old = HouseholdData::parse(&household(&[]), today()).unwrap();
    let new = HouseholdData::parse(&household(&[("water_safe", "否")]), today()).unwrap();
    assert_eq!(household_changes(&old, &new), vec![("water_safe", Some("未填".into()), Some("否".into()))]);
}

#[test]
fn a_household_number_is_the_village_code_and_a_sequence() {
    let h = HouseholdData::parse(&household(&[]), today()).unwrap();
    assert!(h.check_number().is_ok());
    let other = HouseholdData::parse(&household(&[("household_no", "4117021042020001")]), today()).unwrap();
    assert_eq!(
        other.check_number().unwrap_err().message,
        "户编号应为村代码“411702104201”加4至8位序号，如 4117021042010001；不填则自动编号"
    );
    let short = HouseholdData::parse(&household(&[("household_no", "41170210420101")]), today()).unwrap();
    assert!(short.check_number().is_err());
}

#[test]
fn the_next_household_number_follows_the_highest_in_the_village() {
    let v = AreaCode::parse("411702104201").unwrap();
    assert_eq!(next_household_no(&v, None), "4117021042010001");
    assert_eq!(next_household_no(&v, Some("4117021042010041")), "4117021042010042");
    assert_eq!(next_household_no(&v, Some("4117021042019999")), "41170210420110000");
    assert_eq!(next_household_no(&v, Some("X-17")), "4117021042010001");
}

#[test]
fn phone_and_bank_account_changes_are_logged_masked_and_a_change_inside_the_mask_still_counts() {
    assert_eq!(masked_phone("13912345678"), "139****5678");
    assert_eq!(masked_phone("0396-1234567"), "039****4567");
    assert_eq!(masked_phone("12345"), "****");
    assert_eq!(masked_account("6217 0023 1234 5678"), "****5678");
    let f = |phone: &str| {
        let fields: std::collections::HashMap<&str, &str> = [
            ("name", "王秀英"),
            ("sex", "女"),
            ("id_number", "11010519491231002X"),
            ("relation", "户主"),
            ("phone", phone),
        ]
        .into_iter()
        .collect();
        MemberData::parse(&fields, chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()).unwrap()
    };
    // 139 1234 5678 → 139 0000 5678: the same mask, a real change, logged masked.
    assert_eq!(
        member_changes(&f("13912345678"), &f("13900005678")),
        vec![("phone", Some("139****5678".to_owned()), Some("139****5678".to_owned()))]
    );
}
