//! 培训班, 座谈会 and 雨露计划 (shared/DOMAIN.md §6): the courses a township or village holds,
//! who of the register attended and what came of it (a certificate, a job), so 扶志扶智 is
//! counted per household and member; and the 雨露计划 subsidy per 中职 / 高职 student per term,
//! applied for, checked by the township, paid and published. The 雨露计划 steps are in [`yulu`].

pub mod yulu;

use std::fmt;

use chrono::NaiveDate;

use crate::area::AreaCode;
use crate::error::FieldError;
use crate::household::codes::{CodeList, UnknownCode, code_list, same_token};
use crate::household::model::{Fields, normalise_digits, parse_date};

code_list! {
    /// 活动形式: a course over days, or a talk of an afternoon.
    pub enum CourseKind: "活动形式" {
        Class => "class", "培训班", "Training class", ["培训"];
        Talk => "talk", "座谈会", "Talk", ["座谈", "宣讲会"];
    }
}

code_list! {
    /// 培训类型.
    pub enum TrainingType: "培训类型" {
        Skills => "skills", "技能培训", "Vocational skills", ["技能", "职业技能培训"];
        Practical => "practical", "实用技术培训", "Practical techniques", ["实用技术", "农业实用技术"];
        Aspiration => "aspiration", "扶志教育", "Aspiration education", ["扶志", "扶志扶智"];
    }
}

/// The most 学时 one course may carry (a three-month full-time course).
pub const MAX_HOURS: u32 = 500;

/// A course (培训班) or talk (座谈会) as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseData {
    pub kind: CourseKind,
    pub training_type: TrainingType,
    pub topic: String,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    /// 学时.
    pub hours: u32,
    /// 组织单位.
    pub organiser: String,
    pub place: Option<String>,
    /// The township or village it belongs to.
    pub area_code: AreaCode,
}

pub(crate) fn opt_text(
    f: &(impl Fields + ?Sized),
    k: &str,
    what: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let v = f.get(k).trim();
    if v.chars().count() > max {
        errors.push(FieldError::new(k, format!("{what}不能超过{max}个字")));
    }
    (!v.is_empty()).then(|| v.to_owned())
}

pub(crate) fn required_text(
    f: &(impl Fields + ?Sized),
    k: &str,
    what: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> String {
    let v = f.get(k).trim().to_owned();
    if v.is_empty() {
        errors.push(FieldError::new(k, format!("请填写{what}")));
    } else if v.chars().count() > max {
        errors.push(FieldError::new(k, format!("{what}不能超过{max}个字")));
    }
    v
}

/// A date field: blank is `None`; a bad one is named; none may be after `today`.
pub(crate) fn opt_date(
    f: &(impl Fields + ?Sized),
    k: &str,
    what: &str,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> Option<NaiveDate> {
    match f.get(k).trim() {
        "" => None,
        raw => match parse_date(raw) {
            Some(d) if d > today => {
                errors.push(FieldError::new(k, format!("{what}不能晚于今天（{today}）")));
                None
            }
            Some(d) => Some(d),
            None => {
                errors.push(FieldError::new(k, format!("{what}格式应为 2026-03-01")));
                None
            }
        },
    }
}

impl CourseData {
    /// The course form. A course is recorded once held, so its dates are not after `today`.
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<CourseData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = match f.get("kind").trim() {
            "" => {
                errors.push(FieldError::new("kind", "请选择活动形式（培训班或座谈会）"));
                None
            }
            raw => raw.parse::<CourseKind>().map_err(|e| errors.push(FieldError::new("kind", e.to_string()))).ok(),
        };
        let training_type = match f.get("training_type").trim() {
            "" => {
                errors.push(FieldError::new("training_type", "请选择培训类型（技能培训、实用技术培训或扶志教育）"));
                None
            }
            raw => raw
                .parse::<TrainingType>()
                .map_err(|e| errors.push(FieldError::new("training_type", e.to_string())))
                .ok(),
        };
        let topic = required_text(f, "topic", "培训主题，如 食用菌栽培技术", 60, &mut errors);
        let start_on = opt_date(f, "start_on", "开始日期", today, &mut errors);
        if start_on.is_none() && f.get("start_on").trim().is_empty() {
            errors.push(FieldError::new("start_on", "请填写开始日期"));
        }
        let end_on = opt_date(f, "end_on", "结束日期", today, &mut errors);
        if let (Some(s), Some(e)) = (start_on, end_on)
            && e < s
        {
            errors.push(FieldError::new("end_on", "结束日期不能早于开始日期"));
        }
        let hours = match normalise_digits(f.get("hours").trim()).trim_end_matches("学时").trim() {
            "" => {
                errors.push(FieldError::new("hours", "请填写学时"));
                None
            }
            raw => match raw.parse::<u32>() {
                Ok(h) if (1..=MAX_HOURS).contains(&h) => Some(h),
                _ => {
                    errors.push(FieldError::new("hours", format!("学时应为1至{MAX_HOURS}之间的整数")));
                    None
                }
            },
        };
        let organiser = required_text(f, "organiser", "组织单位，如 板桥镇人民政府", 60, &mut errors);
        let place = opt_text(f, "place", "培训地点", 60, &mut errors);
        let area_code = match f.get("area_code").trim() {
            "" => {
                errors.push(FieldError::new("area_code", "请选择所属乡镇或村"));
                None
            }
            raw => AreaCode::parse(raw).map_err(|e| errors.push(FieldError::new("area_code", e.to_string()))).ok(),
        };
        match (kind, training_type, start_on, hours, area_code) {
            (Some(kind), Some(training_type), Some(start_on), Some(hours), Some(area_code)) if errors.is_empty() => {
                Ok(CourseData { kind, training_type, topic, start_on, end_on, hours, organiser, place, area_code })
            }
            _ => Err(errors),
        }
    }

    /// "2026-03-10" or "2026-03-10 至 2026-03-14".
    pub fn dates_zh(&self) -> String {
        match self.end_on {
            Some(e) if e != self.start_on => format!("{} 至 {e}", self.start_on),
            _ => self.start_on.to_string(),
        }
    }

    /// How the audit log and the lists name it: "食用菌栽培技术（培训班，技能培训，2026-03-10，24学时）".
    pub fn label_zh(&self) -> String {
        format!(
            "{}（{}，{}，{}，{}学时）",
            self.topic,
            self.kind.label_zh(),
            self.training_type.label_zh(),
            self.start_on,
            self.hours
        )
    }
}

/// A 是 / 否 answer that may be 未填: a blank stays unknown, never 否.
pub fn parse_answer(f: &(impl Fields + ?Sized), k: &str, what: &str, errors: &mut Vec<FieldError>) -> Option<bool> {
    match f.get(k).trim() {
        "" | "未填" | "不详" => None,
        "是" | "有" | "yes" | "true" | "1" => Some(true),
        "否" | "无" | "没有" | "no" | "false" | "0" => Some(false),
        other => {
            errors.push(FieldError::new(k, format!("“{other}”不是有效的{what}，可选：是、否，或不填")));
            None
        }
    }
}

/// "是", "否" or "未填".
pub fn answer_zh(a: Option<bool>) -> &'static str {
    match a {
        Some(true) => "是",
        Some(false) => "否",
        None => "未填",
    }
}

/// What came of one attendee's course: 证书 (and its name), and 培训后就业.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outcome {
    pub certificate: Option<bool>,
    pub certificate_name: Option<String>,
    pub employed: Option<bool>,
}

impl Outcome {
    /// The outcome fields of the attendee form; all may stay blank (未填).
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<Outcome, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut certificate = parse_answer(f, "certificate", "取得证书", &mut errors);
        let certificate_name = opt_text(f, "certificate_name", "证书名称", 60, &mut errors);
        match (certificate, &certificate_name) {
            (Some(false), Some(_)) => errors
                .push(FieldError::new("certificate", "填写了证书名称，“取得证书”却选了“否”；请改为“是”或删去证书名称")),
            // A certificate named is a certificate obtained.
            (None, Some(_)) => certificate = Some(true),
            _ => {}
        }
        let employed = parse_answer(f, "employed", "培训后就业", &mut errors);
        if errors.is_empty() { Ok(Outcome { certificate, certificate_name, employed }) } else { Err(errors) }
    }

    /// "证书：是（电工证） · 培训后就业：未填".
    pub fn label_zh(&self) -> String {
        format!(
            "证书：{}{} · 培训后就业：{}",
            answer_zh(self.certificate),
            self.certificate_name.as_ref().map(|n| format!("（{n}）")).unwrap_or_default(),
            answer_zh(self.employed)
        )
    }
}

/// The refusal of a member already on a course.
pub fn already_attending(name: &str) -> String {
    format!("{name}已在本次培训的参训人员名单中，同一人不能重复添加")
}

/// Totals of a household's or member's training: 次数 and 学时.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TrainingTotals {
    pub times: u32,
    pub hours: u32,
    pub certificates: u32,
    pub employed: u32,
}

impl TrainingTotals {
    pub fn add(&mut self, hours: u32, o: &Outcome) {
        self.times += 1;
        self.hours += hours;
        self.certificates += u32::from(o.certificate == Some(true));
        self.employed += u32::from(o.employed == Some(true));
    }

    /// "参训 3 人次，共 40 学时，取得证书 1 个，培训后就业 1 人次".
    pub fn label_zh(&self) -> String {
        format!(
            "参训 {} 人次，共 {} 学时，取得证书 {} 个，培训后就业 {} 人次",
            self.times, self.hours, self.certificates, self.employed
        )
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    pub(crate) fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 6, 30).unwrap()
    }

    fn mushroom() -> Vec<(&'static str, &'static str)> {
        vec![
            ("kind", "培训班"),
            ("training_type", "实用技术"),
            ("topic", "食用菌栽培技术培训"),
            ("start_on", "2026-03-10"),
            ("end_on", "2026-03-14"),
            ("hours", "４０"),
            ("organiser", "板桥镇人民政府"),
            ("area_code", "411702106000"),
        ]
    }

    #[test]
    fn a_course_has_its_kind_type_topic_dates_hours_organiser_and_area() {
        let c = CourseData::parse(&form(&mushroom()), today()).unwrap();
        assert_eq!((c.kind, c.training_type, c.hours), (CourseKind::Class, TrainingType::Practical, 40));
        assert_eq!(c.dates_zh(), "2026-03-10 至 2026-03-14");
        assert_eq!(c.label_zh(), "食用菌栽培技术培训（培训班，实用技术培训，2026-03-10，40学时）");
        assert_eq!(TrainingType::parse("扶志"), Some(TrainingType::Aspiration));
        assert_eq!(TrainingType::parse("技能"), Some(TrainingType::Skills));
        let e = CourseData::parse(&form(&[]), today()).unwrap_err();
        let msgs: Vec<_> = e.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "请选择活动形式（培训班或座谈会）",
                "请选择培训类型（技能培训、实用技术培训或扶志教育）",
                "请填写培训主题，如 食用菌栽培技术",
                "请填写开始日期",
                "请填写学时",
                "请填写组织单位，如 板桥镇人民政府",
                "请选择所属乡镇或村"
            ]
        );
    }

    #[test]
    fn hours_must_be_above_zero_and_at_most_500_and_dates_in_order() {
        for bad in ["0", "501", "2.5", "很多"] {
            let mut f = mushroom();
            f.retain(|(k, _)| *k != "hours");
            f.push(("hours", bad));
            let e = CourseData::parse(&form(&f), today()).unwrap_err();
            assert_eq!((e[0].field.as_str(), e[0].message.as_str()), ("hours", "学时应为1至500之间的整数"), "{bad}");
        }
        let mut f = mushroom();
        f.retain(|(k, _)| *k != "end_on" && *k != "kind");
        f.extend([("end_on", "2026-03-01"), ("kind", "讲座")]);
        let e = CourseData::parse(&form(&f), today()).unwrap_err();
        assert_eq!(e[0].field, "kind");
        assert!(e[0].message.starts_with("“讲座”不是有效的活动形式，可选：培训班、座谈会"), "{}", e[0].message);
        assert_eq!(e[1].message, "结束日期不能早于开始日期");
        let mut f = mushroom();
        f.retain(|(k, _)| *k != "start_on" && *k != "end_on");
        f.push(("start_on", "2026-07-01"));
        let e = CourseData::parse(&form(&f), today()).unwrap_err();
        assert_eq!(e[0].message, "开始日期不能晚于今天（2026-06-30）");
    }

    #[test]
    fn a_blank_answer_stays_unknown_never_no() {
        let o = Outcome::parse(&form(&[])).unwrap();
        assert_eq!((o.certificate, o.employed), (None, None));
        assert_eq!(o.label_zh(), "证书：未填 · 培训后就业：未填");
        let o = Outcome::parse(&form(&[("certificate", "否"), ("employed", "是")])).unwrap();
        assert_eq!((o.certificate, o.employed), (Some(false), Some(true)));
        let o = Outcome::parse(&form(&[("certificate_name", "电工证")])).unwrap();
        assert_eq!(o.label_zh(), "证书：是（电工证） · 培训后就业：未填", "a named certificate is one obtained");
        let e = Outcome::parse(&form(&[("certificate", "否"), ("certificate_name", "电工证"), ("employed", "也许")]))
            .unwrap_err();
        assert_eq!(e[0].field, "certificate");
        assert_eq!(e[1].message, "“也许”不是有效的培训后就业，可选：是、否，或不填");
    }

    #[test]
    fn totals_count_times_hours_certificates_and_jobs() {
        let mut t = TrainingTotals::default();
        t.add(40, &Outcome { certificate: Some(true), certificate_name: None, employed: None });
        t.add(4, &Outcome::default());
        t.add(24, &Outcome { certificate: Some(false), certificate_name: None, employed: Some(true) });
        assert_eq!(t.label_zh(), "参训 3 人次，共 68 学时，取得证书 1 个，培训后就业 1 人次");
        assert_eq!(already_attending("王建国"), "王建国已在本次培训的参训人员名单中，同一人不能重复添加");
    }
}
