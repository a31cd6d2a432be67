//! 帮扶计划 and 帮扶措施: a plan per household per year, written with the household, and
//! its measures, each with a type, a responsible person, a due date, an amount if any,
//! a status with dated history, and evidence.

use crate::household::HouseholdId;
use crate::ids::*;
use chrono::{Datelike, NaiveDate};

use crate::error::FieldError;
use crate::household::model::{Fields, parse_date};
use crate::household::{MeasureKind, MeasureStatus};
use crate::money::Fen;

/// 小额信贷: at most 50 000 yuan per household (DOMAIN.md §5).
pub const MICRO_CREDIT_LIMIT: Fen = Fen(5_000_000);

/// What a plan says; the household and year identify it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlanData {
    pub year: i32,
    /// 制定日期.
    pub written_on: NaiveDate,
    /// 参与制定的家庭成员 (the plan is written with the household, not for it).
    pub written_with: String,
    /// 帮扶目标.
    pub goal: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Plan {
    pub id: PlanId,
    pub household_id: HouseholdId,
    pub data: PlanData,
    pub measures: Vec<Measure>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MeasureData {
    pub kind: MeasureKind,
    /// 措施内容, e.g. "发放肉牛2头，帮助建牛棚".
    pub content: String,
    /// 责任人.
    pub responsible: String,
    /// 完成期限.
    pub due_on: NaiveDate,
    /// 金额, in fen.
    pub amount: Option<Fen>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Measure {
    pub id: MeasureId,
    pub plan_id: PlanId,
    pub plan_year: i32,
    pub data: MeasureData,
    pub status: MeasureStatus,
    pub status_on: NaiveDate,
    pub drop_reason: Option<String>,
    pub evidence: Vec<Evidence>,
}

impl Measure {
    /// 逾期: not done or dropped, and past its due date.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status.is_open() && self.data.due_on < today
    }
}

/// 佐证材料: a note, or an uploaded photo or document (its bytes are served separately).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Evidence {
    pub id: EvidenceId,
    pub measure_id: MeasureId,
    pub note: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub added_by: String,
    pub added_on: NaiveDate,
}

impl MeasureStatus {
    /// Planned and in-progress measures still need work.
    pub fn is_open(self) -> bool {
        matches!(self, MeasureStatus::Planned | MeasureStatus::InProgress)
    }

    /// Done and dropped are final; a measure moves forward only.
    pub fn can_move_to(self, next: MeasureStatus) -> bool {
        use MeasureStatus::*;
        matches!((self, next), (Planned, InProgress | Done | Dropped) | (InProgress, Done | Dropped))
    }

    /// A CSS class for the status badge.
    pub fn colour(self) -> &'static str {
        match self {
            MeasureStatus::Planned => "grey",
            MeasureStatus::InProgress => "yellow",
            MeasureStatus::Done => "green",
            MeasureStatus::Dropped => "grey",
        }
    }
}

/// An optional text of at most `max` characters, with no hidden characters (`crate::text`).
fn text(
    f: &(impl Fields + ?Sized),
    field: &str,
    label: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let v = Some(f.get(field).trim().to_owned()).filter(|s| !s.is_empty())?;
    if let Err(m) = crate::text::check_text(label, &v, max) {
        errors.push(FieldError::new(field, m));
    }
    Some(v)
}

fn date(f: &(impl Fields + ?Sized), field: &str, empty: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    match f.get(field).trim() {
        "" => {
            errors.push(FieldError::new(field, empty));
            None
        }
        raw => parse_date(raw).or_else(|| {
            errors.push(FieldError::new(field, format!("“{raw}”不是有效的日期，请写成 2026-03-15")));
            None
        }),
    }
}

impl PlanData {
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<PlanData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let year = match f.get("year").trim() {
            "" => {
                errors.push(FieldError::new("year", "请填写计划年度"));
                None
            }
            raw => match crate::household::model::normalise_digits(raw).trim_end_matches('年').parse::<i32>() {
                Ok(y) if (2014..=today.year() + 1).contains(&y) => Some(y),
                _ => {
                    errors.push(FieldError::new("year", format!("计划年度应在2014年至{}年之间", today.year() + 1)));
                    None
                }
            },
        };
        let written_on = date(f, "written_on", "请填写制定日期", &mut errors);
        if let Some(on) = written_on {
            if on > today {
                errors.push(FieldError::new("written_on", "制定日期不能晚于今天"));
            } else if let Some(y) = year
                && !(y - 1..=y).contains(&on.year())
            {
                errors.push(FieldError::new("written_on", format!("{y}年的计划应在{}年或{y}年内制定", y - 1)));
            }
        }
        let written_with = text(f, "written_with", "参与制定的家庭成员", 100, &mut errors);
        if written_with.is_none() {
            errors.push(FieldError::new("written_with", "请填写参与制定的家庭成员（计划须与贫困户共同制定）"));
        }
        let goal = text(f, "goal", "帮扶目标", 1000, &mut errors);
        match (year, written_on, written_with) {
            (Some(year), Some(written_on), Some(written_with)) if errors.is_empty() => {
                Ok(PlanData { year, written_on, written_with, goal })
            }
            _ => Err(errors),
        }
    }
}

/// A due date inside the plan's years: from 1 January of the plan year to the end of the third year after.
fn due_problem(due: NaiveDate, plan_year: i32) -> Option<FieldError> {
    if due.year() < plan_year {
        Some(FieldError::new("due_on", format!("完成期限不能早于计划年度（{plan_year}年1月1日）")))
    } else if due.year() > plan_year + 3 {
        Some(FieldError::new("due_on", format!("完成期限不能晚于{}年底", plan_year + 3)))
    } else {
        None
    }
}

/// Not negative; micro-credit at most 50 000 yuan.
fn amount_problem(kind: Option<MeasureKind>, amount: Option<Fen>) -> Option<FieldError> {
    match amount {
        Some(a) if a.is_negative() => Some(FieldError::new("amount", "金额不能为负数")),
        Some(a) if kind == Some(MeasureKind::Finance) && a > MICRO_CREDIT_LIMIT => {
            Some(FieldError::new("amount", "小额信贷每户不超过5万元"))
        }
        _ => None,
    }
}

impl MeasureData {
    /// The rules [`MeasureData::parse`] applies, for a measure built in code (the API, storage).
    pub fn check(&self, plan_year: i32) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.content.trim().is_empty() {
            errors.push(FieldError::new("content", "请填写措施内容"));
        }
        if self.responsible.trim().is_empty() {
            errors.push(FieldError::new("responsible", "请填写责任人"));
        }
        errors.extend(due_problem(self.due_on, plan_year));
        errors.extend(amount_problem(Some(self.kind), self.amount));
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// Checks a measure of the plan for `plan_year`: its due date falls inside the plan's
    /// years (from 1 January of the plan year to the end of the third year after).
    pub fn parse(f: &(impl Fields + ?Sized), plan_year: i32) -> Result<MeasureData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = match f.get("kind").trim() {
            "" => {
                errors.push(FieldError::new("kind", "请选择措施类型"));
                None
            }
            raw => raw.parse::<MeasureKind>().map_err(|e| errors.push(FieldError::new("kind", e.to_string()))).ok(),
        };
        let content = text(f, "content", "措施内容", 500, &mut errors);
        if content.is_none() {
            errors.push(FieldError::new("content", "请填写措施内容"));
        }
        let responsible = text(f, "responsible", "责任人", 50, &mut errors);
        if responsible.is_none() {
            errors.push(FieldError::new("responsible", "请填写责任人"));
        }
        let due_on = date(f, "due_on", "请填写完成期限", &mut errors);
        errors.extend(due_on.and_then(|due| due_problem(due, plan_year)));
        let amount = match f.get("amount").trim() {
            "" => None,
            raw => Fen::parse_yuan(raw).map_err(|e| errors.push(FieldError::new("amount", e.to_string()))).ok(),
        };
        errors.extend(amount_problem(kind, amount));
        match (kind, content, responsible, due_on) {
            (Some(kind), Some(content), Some(responsible), Some(due_on)) if errors.is_empty() => {
                Ok(MeasureData { kind, content, responsible, due_on, amount })
            }
            _ => Err(errors),
        }
    }
}

/// A change of a measure's status, as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasureProgress {
    pub status: MeasureStatus,
    pub on: NaiveDate,
    pub reason: Option<String>,
}

impl MeasureProgress {
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<MeasureProgress, Vec<FieldError>> {
        let mut errors = Vec::new();
        let status = match f.get("status").trim() {
            "" => {
                errors.push(FieldError::new("status", "请选择措施状态"));
                None
            }
            raw => raw.parse::<MeasureStatus>().map_err(|e| errors.push(FieldError::new("status", e.to_string()))).ok(),
        };
        let on = date(f, "on", "请填写日期", &mut errors);
        if on.is_some_and(|on| on > today) {
            errors.push(FieldError::new("on", "日期不能晚于今天"));
        }
        let reason = text(f, "reason", "原因", 500, &mut errors);
        if status == Some(MeasureStatus::Dropped) && reason.is_none() {
            errors.push(FieldError::new("reason", "取消措施须填写原因"));
        }
        match (status, on) {
            (Some(status), Some(on)) if errors.is_empty() => Ok(MeasureProgress { status, on, reason }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn fields<'a>(pairs: &[(&'a str, &'a str)]) -> HashMap<&'a str, &'a str> {
        pairs.iter().copied().collect()
    }

    fn messages(errs: &[FieldError]) -> Vec<(String, String)> {
        errs.iter().map(|e| (e.field.clone(), e.message.clone())).collect()
    }

    #[test]
    fn a_plan_is_written_with_the_household_in_or_just_before_its_year() {
        let ok = PlanData::parse(
            &fields(&[("year", "2026"), ("written_on", "2025年12月20日"), ("written_with", "户主王建国")]),
            today(),
        )
        .unwrap();
        assert_eq!(ok.written_on, NaiveDate::from_ymd_opt(2025, 12, 20).unwrap());
        let errs = PlanData::parse(&fields(&[("year", "2026"), ("written_on", "2024-03-01")]), today()).unwrap_err();
        assert_eq!(
            messages(&errs),
            vec![
                ("written_on".into(), "2026年的计划应在2025年或2026年内制定".into()),
                ("written_with".into(), "请填写参与制定的家庭成员（计划须与贫困户共同制定）".into()),
            ]
        );
        let errs = PlanData::parse(&fields(&[("year", "2030"), ("written_on", "2026-12-01")]), today()).unwrap_err();
        assert_eq!(errs[0].message, "计划年度应在2014年至2027年之间");
        assert_eq!(errs[1].message, "制定日期不能晚于今天");
    }

    #[test]
    fn a_due_date_before_the_plan_year_is_refused_in_chinese() {
        let base = [("kind", "产业"), ("content", "发放肉牛2头"), ("responsible", "李干事"), ("amount", "8000")];
        let mut f = fields(&base);
        f.insert("due_on", "2025-12-31");
        let errs = MeasureData::parse(&f, 2026).unwrap_err();
        assert_eq!(messages(&errs), vec![("due_on".into(), "完成期限不能早于计划年度（2026年1月1日）".into())]);
        f.insert("due_on", "2026-06-30");
        let m = MeasureData::parse(&f, 2026).unwrap();
        assert_eq!((m.kind, m.amount), (MeasureKind::Industry, Some(Fen(800_000))));
    }

    #[test]
    fn a_measure_names_its_type_content_responsible_person_and_due_date() {
        let errs = MeasureData::parse(&fields(&[("kind", "修路"), ("amount", "-5")]), 2026).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["kind", "content", "responsible", "due_on", "amount"]);
        assert!(errs[0].message.starts_with("“修路”不是有效的帮扶措施类型"), "{}", errs[0].message);
    }

    #[test]
    fn micro_credit_is_at_most_fifty_thousand_yuan() {
        let f = fields(&[
            ("kind", "小额信贷"),
            ("content", "扶贫小额信贷"),
            ("responsible", "信用社"),
            ("due_on", "2026-09-01"),
            ("amount", "60000"),
        ]);
        assert_eq!(MeasureData::parse(&f, 2026).unwrap_err()[0].message, "小额信贷每户不超过5万元");
    }

    #[test]
    fn measures_move_forward_and_a_dropped_one_says_why() {
        assert!(MeasureStatus::Planned.can_move_to(MeasureStatus::Done));
        assert!(!MeasureStatus::Done.can_move_to(MeasureStatus::InProgress));
        assert!(!MeasureStatus::Dropped.can_move_to(MeasureStatus::Planned));
        let errs = MeasureProgress::parse(&fields(&[("status", "已取消"), ("on", "2026-11-01")]), today()).unwrap_err();
        assert_eq!(messages(&errs), vec![("reason".into(), "取消措施须填写原因".into())]);
    }
}
