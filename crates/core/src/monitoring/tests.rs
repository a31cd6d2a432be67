use std::collections::HashMap;

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn fields(pairs: &[(&'static str, &'static str)]) -> HashMap<&'static str, &'static str> {
    let mut base: HashMap<&str, &str> = [
        ("monitoring_type", "突发严重困难户"),
        ("risks", "因病、因学"),
        ("found_by", "干部排查"),
        ("identified_on", "2026-03-01"),
        ("reason", "户主住院，自付医疗费用较高"),
    ]
    .into_iter()
    .collect();
    base.extend(pairs.iter().copied());
    base
}

fn open(pairs: &[(&'static str, &'static str)], household: HouseholdType) -> Result<OpenEpisode, Vec<FieldError>> {
    OpenEpisode::parse(&fields(pairs), household, today())
}

fn messages(errs: Vec<FieldError>) -> Vec<(String, String)> {
    errs.into_iter().map(|e| (e.field, e.message)).collect()
}

fn episode(opened: OpenEpisode, closed: Option<CloseEpisode>) -> Episode {
    Episode { id: EpisodeId(1), household_id: HouseholdId(1), opened, opened_by: None, closed, closed_by: None }
}

#[test]
fn an_identification_with_type_risks_channel_date_and_reason_parses() {
    let e = open(&[("house_unsafe", "否"), ("no_labour", "")], HouseholdType::Tuopin).unwrap();
    assert_eq!(e.monitoring_type, MonitoringType::Hardship);
    assert_eq!(e.risks, vec![MonitoringRisk::Illness, MonitoringRisk::Schooling]);
    assert_eq!(e.found_by, Some(FoundBy::CadreCheck));
    assert_eq!(e.flags.house_unsafe, Some(false));
    assert_eq!(e.flags.no_labour, None, "未填 stays unanswered");
}

#[test]
fn an_unstable_exited_household_must_be_a_tuopin_household() {
    assert!(open(&[("monitoring_type", "脱贫不稳定户")], HouseholdType::Tuopin).is_ok());
    let errs = messages(open(&[("monitoring_type", "脱贫不稳定户")], HouseholdType::Monitored).unwrap_err());
    assert_eq!(errs, vec![("monitoring_type".into(), "“脱贫不稳定户”只适用于脱贫户，该户是监测户（非脱贫户）".into())]);
    assert!(open(&[("monitoring_type", "脱贫不稳定户")], HouseholdType::Ordinary).is_err());
}

#[test]
fn an_edge_household_must_not_be_a_tuopin_household() {
    let errs = messages(open(&[("monitoring_type", "边缘易致贫户")], HouseholdType::Tuopin).unwrap_err());
    assert_eq!(errs, vec![("monitoring_type".into(), "“边缘易致贫户”只适用于非脱贫户，该户是脱贫户".into())]);
    assert!(open(&[("monitoring_type", "边缘易致贫户")], HouseholdType::Monitored).is_ok());
    assert!(open(&[("monitoring_type", "边缘户")], HouseholdType::Ordinary).is_ok());
}

#[test]
fn sudden_hardship_fits_every_household_type() {
    for t in HouseholdType::ALL {
        assert!(open(&[], *t).is_ok(), "{t}");
    }
}

#[test]
fn risks_come_from_the_monitoring_list_with_the_disaster_kinds_and_at_most_five() {
    assert_eq!(parse_risks("洪涝、地震").unwrap(), vec![MonitoringRisk::Flood, MonitoringRisk::Earthquake]);
    assert_eq!(parse_risks("因自然灾害（旱灾）").unwrap(), vec![MonitoringRisk::Drought]);
    let err = parse_risks("因病、因学、因残、因意外事故、因产业项目失败、缺劳动力").unwrap_err();
    assert_eq!(err.message, "风险类型最多填5项");
    assert!(parse_risks("因懒").unwrap_err().message.starts_with("“因懒”不是有效的风险类型"));
    let errs = messages(open(&[("risks", "")], HouseholdType::Tuopin).unwrap_err());
    assert_eq!(errs, vec![("risks".into(), "请至少填写一项风险类型".into())]);
}

#[test]
fn every_missing_part_of_an_identification_is_named() {
    let errs = messages(
        open(&[("found_by", ""), ("identified_on", "2027-01-01"), ("reason", " ")], HouseholdType::Tuopin).unwrap_err(),
    );
    let fields: Vec<&str> = errs.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, vec!["found_by", "identified_on", "reason"]);
    assert_eq!(errs[1].1, "识别时间不能晚于今天");
}

#[test]
fn only_one_episode_is_open_at_a_time() {
    let first = episode(open(&[], HouseholdType::Tuopin).unwrap(), None);
    let again = open(&[("identified_on", "2026-06-01")], HouseholdType::Tuopin).unwrap();
    let err = again.check_against(std::slice::from_ref(&first)).unwrap_err();
    assert_eq!(err.message, "该户已在监测中（突发严重困难户，2026-03-01 纳入），请先消除风险，再重新识别");
    let cleared =
        CloseEpisode {
            cleared_on: d("2026-05-01"), method: Some(ClearMethod::Assisted), reason: "务工稳定".into()
        };
    let first = episode(first.opened, Some(cleared));
    assert!(again.check_against(std::slice::from_ref(&first)).is_ok(), "after clearing, a new episode may open");
    let too_early = open(&[("identified_on", "2026-04-01")], HouseholdType::Tuopin).unwrap();
    assert_eq!(too_early.check_against(&[first]).unwrap_err().message, "识别时间早于上次风险消除时间（2026-05-01）");
}

fn close(pairs: &[(&'static str, &'static str)], e: &Episode) -> Result<CloseEpisode, Vec<FieldError>> {
    let mut f: HashMap<&str, &str> =
        [("cleared_on", "2026-10-01"), ("method", "帮扶消除"), ("reason", "家庭成员稳定务工，收入超过监测范围")]
            .into_iter()
            .collect();
    f.extend(pairs.iter().copied());
    CloseEpisode::parse(&f, e, today())
}

#[test]
fn clearing_needs_a_date_not_before_identification_and_a_method() {
    let e = episode(open(&[], HouseholdType::Tuopin).unwrap(), None);
    let c = close(&[], &e).unwrap();
    assert_eq!((c.cleared_on, c.method), (d("2026-10-01"), Some(ClearMethod::Assisted)));
    assert_eq!(close(&[("method", "自然消除")], &e).unwrap().method, Some(ClearMethod::Natural));
    let errs = messages(close(&[("cleared_on", "2026-02-01"), ("method", "")], &e).unwrap_err());
    assert_eq!(
        errs,
        vec![
            ("cleared_on".into(), "风险消除时间早于识别时间（2026-03-01）".into()),
            ("method".into(), "请选择消除方式（帮扶消除或自然消除）".into()),
        ]
    );
    let errs = messages(close(&[("cleared_on", ""), ("reason", "")], &e).unwrap_err());
    assert_eq!(errs[0], ("cleared_on".into(), "请填写风险消除时间".into()));
    assert_eq!(errs[1], ("reason".into(), "请填写风险消除的理由".into()));
}

#[test]
fn a_household_without_any_labour_is_never_cleared() {
    let e = episode(open(&[("no_labour", "是")], HouseholdType::Tuopin).unwrap(), None);
    let errs = messages(close(&[("method", "自然消除")], &e).unwrap_err());
    assert_eq!(errs, vec![("method".into(), "整户无劳动能力的监测户不能消除风险，应纳入综合保障并继续监测".into())]);
}

#[test]
fn a_cleared_episode_cannot_be_cleared_again() {
    let done = CloseEpisode { cleared_on: d("2026-05-01"), method: None, reason: "迁移".into() };
    let e = episode(open(&[], HouseholdType::Tuopin).unwrap(), Some(done));
    assert_eq!(close(&[], &e).unwrap_err()[0].message, "该监测记录已消除风险");
}

#[test]
fn old_import_columns_give_one_episode_checked_against_the_household_type() {
    let f: HashMap<&str, &str> =
        [("monitoring_type", "边缘易致贫户"), ("risk_identified_on", "2022-03-01"), ("risk_cleared_on", "2023-01-01")]
            .into_iter()
            .collect();
    assert_eq!(
        parse_import_columns(&f, HouseholdType::Monitored, today()).unwrap(),
        Some((MonitoringType::Edge, Some(d("2022-03-01")), Some(d("2023-01-01"))))
    );
    assert_eq!(parse_import_columns(&f, HouseholdType::Tuopin, today()).unwrap_err()[0].field, "monitoring_type");
    let none: HashMap<&str, &str> = HashMap::new();
    assert_eq!(parse_import_columns(&none, HouseholdType::Tuopin, today()).unwrap(), None);
    let dates_only: HashMap<&str, &str> = [("risk_cleared_on", "2023-01-01")].into_iter().collect();
    assert_eq!(
        parse_import_columns(&dates_only, HouseholdType::Tuopin, today()).unwrap_err()[0].message,
        "填写了风险识别或消除时间，但未填写监测对象类型"
    );
}
