//! The register's everyday actions as commands: 登记 a household, 更正 it, 增员, 减员, 录入收入.
//! Each command is read from the fields a form, the API or a script sends (`parse(fields,
//! today)`: every field error at once, in the Chinese users read), checked against the household
//! where it needs the household (`check`), and handed whole to storage, which persists it in one
//! transaction and re-checks, under the household's lock, whatever depends on the stored state.
//! The life events (户主变更, 分户, 合户, 注销) follow the same shape in [`super::events`].

use chrono::NaiveDate;

use super::codes::Relation;
use super::income::{Income, parse_income_fields, parse_income_form};
use super::model::{Fields, HouseholdData, Member, MemberData, MemberId, check_members, parse_date};
use crate::error::FieldError;

/// 登记: a new household with its members (exactly one 户主) and, optionally, its first income
/// (the income columns of households.csv; its household size is the number of members).
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterHousehold {
    pub household: HouseholdData,
    pub members: Vec<MemberData>,
    pub income: Option<Income>,
}

impl RegisterHousehold {
    /// `fields` are the household's (households.csv's columns, the income ones included);
    /// `members` one field map each (members.csv's columns). A member's error is reported as
    /// `members[i].field`.
    pub fn parse<F: Fields + ?Sized, M: Fields>(
        fields: &F,
        members: &[M],
        today: NaiveDate,
    ) -> Result<RegisterHousehold, Vec<FieldError>> {
        let mut errors = Vec::new();
        let household = HouseholdData::parse(fields, today)
            .and_then(|h| h.check_number().map(|()| h).map_err(|e| vec![e]))
            .map_err(|e| errors.extend(e))
            .ok();
        let size = members.len().max(1) as i64;
        let income = parse_income_fields(fields, today, size).map_err(|e| errors.extend(e)).ok().flatten();
        if members.is_empty() {
            errors.push(FieldError::new("members", "请填写家庭成员：至少包括户主"));
        }
        let mut parsed = Vec::new();
        for (i, m) in members.iter().enumerate() {
            match MemberData::parse(m, today) {
                Ok(m) => parsed.push(m),
                Err(e) => errors
                    .extend(e.into_iter().map(|e| FieldError::new(format!("members[{i}].{}", e.field), e.message))),
            }
        }
        match household {
            Some(household) if errors.is_empty() => {
                let command = RegisterHousehold { household, members: parsed, income };
                command.check()?;
                Ok(command)
            }
            _ => Err(errors),
        }
    }

    /// The rules across the parts: one head (at most one spouse …), the income's own rules.
    /// Storage runs it again before writing, so a command built by hand is held to it too.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = check_members(&self.members.iter().collect::<Vec<_>>());
        if let Some(i) = &self.income
            && let Err(e) = i.validate()
        {
            errors.extend(e);
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// The version a correction was read at, from the form or body field `version`.
fn version(f: &(impl Fields + ?Sized)) -> Result<i64, FieldError> {
    let raw = f.get("version").trim();
    raw.parse::<i64>().map_err(|_| {
        FieldError::new("version", "缺少版本号（读取该记录时得到的 version）：页面可能已过期，请核对后再保存")
    })
}

/// 更正: a household's own record corrected (its status and monitoring have their own dated
/// actions), against the version the user read.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectHousehold {
    pub expected_version: i64,
    pub household: HouseholdData,
}

impl CorrectHousehold {
    /// Every household field as it should be after the correction, plus `version`.
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<CorrectHousehold, Vec<FieldError>> {
        let v = version(f);
        let household = HouseholdData::parse(f, today);
        match (v, household) {
            (Ok(expected_version), Ok(household)) => Ok(CorrectHousehold { expected_version, household }),
            (v, h) => {
                let mut errors = h.err().unwrap_or_default();
                errors.extend(v.err());
                Err(errors)
            }
        }
    }
}

/// 更正 of one member's record, against the version the user read.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectMember {
    pub expected_version: i64,
    pub member: MemberData,
}

impl CorrectMember {
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<CorrectMember, Vec<FieldError>> {
        let v = version(f);
        let member = MemberData::parse(f, today);
        match (v, member) {
            (Ok(expected_version), Ok(member)) => Ok(CorrectMember { expected_version, member }),
            (v, m) => {
                let mut errors = m.err().unwrap_or_default();
                errors.extend(v.err());
                Err(errors)
            }
        }
    }
}

/// A date field that must be given and may not lie in the future.
fn past_date(f: &(impl Fields + ?Sized), field: &str, what: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let raw = f.get(field).trim();
    match parse_date(raw) {
        Some(d) if d > today => Err(FieldError::new(field, format!("{what}不能晚于今天"))),
        Some(d) => Ok(d),
        None if raw.is_empty() => Err(FieldError::new(field, format!("请填写{what}"))),
        None => Err(FieldError::new(field, format!("“{raw}”不是有效日期（{what}）"))),
    }
}

/// 增员: a member joins (birth, marriage in, return), with the date and the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberJoins {
    pub member: MemberData,
}

impl MemberJoins {
    /// The member's fields as in members.csv; `joined_on` and `join_reason` are required here.
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<MemberJoins, Vec<FieldError>> {
        let mut errors = Vec::new();
        if f.get("join_reason").trim().is_empty() {
            errors.push(FieldError::new("join_reason", "请填写加入原因（如出生、婚入、回乡）"));
        }
        if let Err(e) = past_date(f, "joined_on", "加入日期", today) {
            // MemberData::parse names a malformed date itself; only the missing one is added here.
            if f.get("joined_on").trim().is_empty() {
                errors.push(e);
            }
        }
        match MemberData::parse(f, today) {
            Ok(member) if errors.is_empty() => Ok(MemberJoins { member }),
            Ok(_) => Err(errors),
            Err(mut e) => {
                e.extend(errors);
                Err(e)
            }
        }
    }

    /// The household's members with the newcomer: still one head, at most one spouse.
    pub fn check(&self, members: &[Member]) -> Result<(), Vec<FieldError>> {
        let mut all: Vec<&MemberData> = members.iter().filter(|m| m.left_on.is_none()).map(|m| &m.data).collect();
        all.push(&self.member);
        let errors = check_members(&all);
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// 减员: a member leaves (death, marriage out, moving away), kept on record with the date and
/// the reason. The head never simply leaves: see [`super::events::ChangeHead`] and 注销.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberLeaves {
    pub on: NaiveDate,
    pub reason: String,
}

impl MemberLeaves {
    /// `left_on` (not after today) and `left_reason` (or `reason`, as the API names it).
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<MemberLeaves, Vec<FieldError>> {
        let reason = [f.get("left_reason"), f.get("reason")].into_iter().map(str::trim).find(|r| !r.is_empty());
        let mut errors = Vec::new();
        if reason.is_none() {
            errors.push(FieldError::new("left_reason", "请填写减员原因（如死亡、婚出、分户）"));
        }
        crate::text::check_field(&mut errors, "left_reason", reason.unwrap_or(""));
        match (past_date(f, "left_on", "减员日期", today), reason) {
            (Ok(on), Some(reason)) => Ok(MemberLeaves { on, reason: reason.to_owned() }),
            (on, _) => {
                errors.extend(on.err());
                Err(errors)
            }
        }
    }

    /// Against the household's members (all of them, the leaving one included): a current
    /// member, not before joining, not the head.
    pub fn check(&self, members: &[Member], leaving: MemberId) -> Result<(), Vec<FieldError>> {
        let Some(m) = members.iter().find(|m| m.id == leaving && m.left_on.is_none()) else {
            return Err(vec![FieldError::new("left_on", "该成员已减员")]);
        };
        let mut errors = Vec::new();
        if self.reason.trim().is_empty() {
            errors.push(FieldError::new("left_reason", "请填写减员原因（如死亡、婚出、分户）"));
        }
        if let Some(joined) = m.data.joined_on
            && self.on < joined
        {
            errors.push(FieldError::new("left_on", format!("减员日期不能早于加入日期（{joined}）")));
        }
        if m.data.relation == Relation::Head {
            let others = members.iter().filter(|o| o.left_on.is_none() && o.id != leaving).count();
            errors.push(FieldError::new(
                "left_on",
                if others == 0 {
                    format!("{}是该户唯一的成员：请办理整户注销", m.data.name)
                } else {
                    format!("{}是户主：请先指定新户主（户主变更），或办理整户注销", m.data.name)
                },
            ));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// 录入收入: one period's figures. `replace` says the user saw the figures already recorded for
/// that period and chose to replace them; without it storage refuses and shows them.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordIncome {
    pub income: Income,
    pub replace: bool,
}

impl RecordIncome {
    /// The income form's fields (see [`parse_income_form`]); a blank household size is
    /// `current_size`; `replace` is 1/true/是 when the user confirmed replacing.
    pub fn parse(
        f: &(impl Fields + ?Sized),
        today: NaiveDate,
        current_size: i64,
    ) -> Result<RecordIncome, Vec<FieldError>> {
        let replace = matches!(f.get("replace").trim(), "1" | "true" | "是" | "on");
        match parse_income_form(f, today, current_size)? {
            Some(income) => {
                income.validate()?;
                Ok(RecordIncome { income, replace })
            }
            None => Err(vec![FieldError::new("period", "请填写收入年度（或12个月的截止月份）和收入金额")]),
        }
    }
}

#[cfg(test)]
mod tests;
