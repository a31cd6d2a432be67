//! 项目调整: once the county has put a project into the library, a change to what it builds,
//! where, with how much or for whom is decided (with its document) and must be published
//! within ten working days; the deadline is kept with the change and a late notice says how
//! late it was.

use chrono::NaiveDate;

use crate::calendar::WorkCalendar;
use crate::error::FieldError;
use crate::household::model::{Fields, parse_date};
use crate::money::Fen;

/// Working days between the decision and its public notice.
pub const NOTICE_WITHIN: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeData {
    /// The day the change was decided (批复).
    pub decided_on: NaiveDate,
    /// What changes: 建设内容、地点、规模、资金 …
    pub content: String,
    pub reason: String,
    /// 调整批复文号.
    pub doc_no: Option<String>,
    /// The investment after the change, when it changes.
    pub investment: Option<Fen>,
}

impl ChangeData {
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<ChangeData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let decided_on = match f.get("decided_on").trim() {
            "" => {
                errors.push(FieldError::new("decided_on", "请填写调整批复日期"));
                None
            }
            raw => match parse_date(raw) {
                Some(d) if d <= today => Some(d),
                Some(_) => {
                    errors.push(FieldError::new("decided_on", "调整批复日期不能晚于今天"));
                    None
                }
                None => {
                    errors.push(FieldError::new(
                        "decided_on",
                        format!("调整批复日期“{raw}”不是有效日期，请写成 2026-06-15"),
                    ));
                    None
                }
            },
        };
        let mut text = |k: &str, what: &str, max: usize| {
            let v = f.get(k).trim().to_owned();
            if v.is_empty() {
                errors.push(FieldError::new(k, format!("请填写{what}")));
            } else if v.chars().count() > max {
                errors.push(FieldError::new(k, format!("{what}不能超过{max}个字")));
            }
            v
        };
        let content = text("content", "调整内容（如 建设地点由沙东村改为沙西村）", 300);
        let reason = text("reason", "调整原因", 300);
        let doc_no = f.get("doc_no").trim();
        if doc_no.chars().count() > 60 {
            errors.push(FieldError::new("doc_no", "调整批复文号不能超过60个字"));
        }
        let investment = match f.get("investment").trim() {
            "" => None,
            raw => match Fen::parse_yuan(raw) {
                Ok(v) if v.0 > 0 => Some(v),
                Ok(_) => {
                    errors.push(FieldError::new("investment", "调整后的资金规模应大于0；不调整资金的不填"));
                    None
                }
                Err(e) => {
                    errors.push(FieldError::new("investment", format!("调整后的资金规模：{e}")));
                    None
                }
            },
        };
        match decided_on {
            Some(decided_on) if errors.is_empty() => Ok(ChangeData {
                decided_on,
                content,
                reason,
                doc_no: (!doc_no.is_empty()).then(|| doc_no.to_owned()),
                investment,
            }),
            _ => Err(errors),
        }
    }
}

/// The day a change's notice is due: ten working days after the decision.
pub fn notice_due(calendar: &WorkCalendar, decided_on: NaiveDate) -> NaiveDate {
    calendar.add_working_days(decided_on, NOTICE_WITHIN)
}

/// Where a change's notice stands, in words for the project page and its list.
pub fn notice_state_zh(
    calendar: &WorkCalendar,
    due: NaiveDate,
    published_on: Option<NaiveDate>,
    today: NaiveDate,
) -> (String, bool) {
    match published_on {
        Some(on) if on > due => (format!("{on} 已公示（逾期{}个工作日）", calendar.working_days_late(due, on)), true),
        Some(on) => (format!("{on} 已公示"), false),
        None if today > due => {
            (format!("未公示，{due} 前应公示，已逾期{}个工作日", calendar.working_days_late(due, today)), true)
        }
        None => (format!("待公示，{due} 前"), false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_change_names_what_and_why_and_its_notice_is_due_in_ten_working_days() {
        let f: HashMap<String, String> = [("decided_on", "2026-09-24"), ("content", ""), ("reason", "")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let msgs: Vec<_> = ChangeData::parse(&f, d("2026-12-08")).unwrap_err().into_iter().map(|e| e.message).collect();
        assert_eq!(msgs, ["请填写调整内容（如 建设地点由沙东村改为沙西村）", "请填写调整原因"]);
        let cal = WorkCalendar::national_2026();
        // Decided on the Thursday before 中秋 and 国庆: the holidays do not count.
        let due = notice_due(&cal, d("2026-09-24"));
        assert_eq!(due, d("2026-10-15"));
        assert_eq!(notice_state_zh(&cal, due, None, d("2026-10-12")), ("待公示，2026-10-15 前".to_owned(), false));
        assert_eq!(
            notice_state_zh(&cal, due, None, d("2026-10-19")),
            ("未公示，2026-10-15 前应公示，已逾期2个工作日".to_owned(), true)
        );
        assert_eq!(
            notice_state_zh(&cal, due, Some(d("2026-10-14")), d("2026-12-08")),
            ("2026-10-14 已公示".to_owned(), false)
        );
    }
}
