//! One domain error for every layer: pages, the API and the importer render it.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

/// A problem with one field of a form, an API body or an import row.
/// `field` is the code name (`id_number`); `message` is the Chinese text users read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// Missing, or outside the caller's area: the two are indistinguishable on purpose.
    #[error("记录不存在")]
    NotFound,
    /// A uniqueness rule was broken (the same person in two households, a duplicate number).
    #[error("{field}: {message}")]
    Conflict { field: String, message: String },
    #[error("输入有误: {}", join(.0))]
    Invalid(Vec<FieldError>),
    #[error("无权限")]
    Forbidden,
    /// Someone else saved the record after the caller read it: nothing was saved.
    #[error("{0}")]
    Stale(StaleChange),
    #[error("内部错误: {0}")]
    Internal(String),
}

/// What happened to a record since the version a form or an API client read: who saved it,
/// when, and which fields now hold what. Refusing the stale save loses nothing: the caller shows
/// the user's input again with this on top, carrying `current_version` so a checked save succeeds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StaleChange {
    /// The record's version now.
    pub current_version: i64,
    /// Who saved since, in order, each named once (display names).
    pub changed_by: Vec<String>,
    /// When the last of those saves was, on the office's wall clock.
    pub changed_at: Option<NaiveDateTime>,
    /// The day of the refusal: a change made that day shows its time only.
    pub today: NaiveDate,
    /// The fields changed since, in the order they were first changed.
    pub fields: Vec<ChangedField>,
}

/// One field someone else changed: its value now, as people read it (labels, ID masked).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChangedField {
    pub field: String,
    pub label: String,
    pub by: String,
    pub now: Option<String>,
}

impl StaleChange {
    /// "该记录已于 10:32 被 张三 修改：联系电话、开户银行；请核对后再保存".
    pub fn message(&self) -> String {
        let when = self.changed_at.map(|t| {
            if t.date() == self.today {
                t.format("%H:%M").to_string()
            } else {
                t.format("%-m月%-d日 %H:%M").to_string()
            }
        });
        let who = self.changed_by.join("、");
        let what = self.fields.iter().map(|f| f.label.as_str()).collect::<Vec<_>>().join("、");
        let mut s = String::from("该记录已");
        if let Some(when) = when {
            s.push_str(&format!("于 {when} "));
        }
        if who.is_empty() {
            s.push_str("被他人修改")
        } else {
            s.push_str(&format!("被 {who} 修改"))
        }
        if !what.is_empty() {
            s.push('：');
            s.push_str(&what);
        }
        s.push_str("；请核对后再保存");
        s
    }

    /// Beside each changed field: "张三 已改为“139 1111 2222”".
    pub fn field_errors(&self) -> Vec<FieldError> {
        self.fields
            .iter()
            .map(|f| {
                let now = match &f.now {
                    Some(v) if !v.is_empty() => format!("已改为“{v}”"),
                    _ => "已清空".to_owned(),
                };
                FieldError::new(f.field.clone(), format!("{} {now}", f.by))
            })
            .collect()
    }
}

impl fmt::Display for StaleChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

fn join(errors: &[FieldError]) -> String {
    errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("；")
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError::Invalid(vec![FieldError::new(field, message)])
    }
    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError::Conflict { field: field.into(), message: message.into() }
    }
}

pub type DomainResult<T> = Result<T, DomainError>;

#[cfg(test)]
mod tests {
    use super::*;

    fn stale(at: &str, today: &str, fields: &[(&str, &str, &str, Option<&str>)]) -> StaleChange {
        let mut by: Vec<String> = Vec::new();
        for (_, _, who, _) in fields {
            if !by.iter().any(|b| b == who) {
                by.push((*who).to_owned());
            }
        }
        StaleChange {
            current_version: 3,
            changed_by: by,
            changed_at: NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").ok(),
            today: NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap(),
            fields: fields
                .iter()
                .map(|(f, l, b, n)| ChangedField {
                    field: (*f).into(),
                    label: (*l).into(),
                    by: (*b).into(),
                    now: n.map(str::to_owned),
                })
                .collect(),
        }
    }

    #[test]
    fn a_stale_save_names_who_changed_which_fields_and_when() {
        let s = stale(
            "2026-12-02 10:32",
            "2026-12-02",
            &[("phone", "联系电话", "张三", Some("13911112222")), ("bank_name", "开户银行", "张三", None)],
        );
        assert_eq!(s.message(), "该记录已于 10:32 被 张三 修改：联系电话、开户银行；请核对后再保存");
        let beside = s.field_errors();
        assert_eq!(beside[0], FieldError::new("phone", "张三 已改为“13911112222”"));
        assert_eq!(beside[1], FieldError::new("bank_name", "张三 已清空"));
        assert_eq!(
            DomainError::Stale(s).to_string(),
            "该记录已于 10:32 被 张三 修改：联系电话、开户银行；请核对后再保存"
        );
    }

    #[test]
    fn a_change_on_an_earlier_day_shows_the_date_and_several_people_are_all_named() {
        let s = stale(
            "2026-11-30 08:05",
            "2026-12-02",
            &[("phone", "联系电话", "张三", Some("1")), ("address", "详细地址", "李四", Some("东街"))],
        );
        assert_eq!(s.message(), "该记录已于 11月30日 08:05 被 张三、李四 修改：联系电话、详细地址；请核对后再保存");
    }

    #[test]
    fn without_details_the_message_still_asks_to_check_before_saving() {
        let s = stale("", "2026-12-02", &[]);
        assert_eq!(s.message(), "该记录已被他人修改；请核对后再保存");
    }
}
