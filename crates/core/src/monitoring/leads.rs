//! 线索: a lead the rules found, as the register keeps it — open until someone starts the
//! identification procedure from it (发起纳入监测) or decides it needs none (不需纳入, with a
//! reason). Nothing is removed: a dismissed lead stays, with who and why.

use chrono::NaiveDate;

use crate::error::FieldError;
use crate::household::HouseholdId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct LeadId(pub i64);

/// Where a lead is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadState {
    /// 待处理.
    Open,
    /// 已发起纳入监测: an identification procedure was started from it.
    Started,
    /// 不需纳入.
    Dismissed,
}

impl LeadState {
    pub const ALL: &'static [LeadState] = &[LeadState::Open, LeadState::Started, LeadState::Dismissed];

    pub fn code(self) -> &'static str {
        match self {
            LeadState::Open => "open",
            LeadState::Started => "started",
            LeadState::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<LeadState> {
        LeadState::ALL.iter().copied().find(|l| l.code() == s.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            LeadState::Open => "待处理",
            LeadState::Started => "已发起纳入监测",
            LeadState::Dismissed => "不需纳入",
        }
    }
}

/// A stored lead, with what a list shows of its household.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredLead {
    pub id: LeadId,
    pub household_id: HouseholdId,
    pub household_no: String,
    pub head_name: Option<String>,
    pub area_code: String,
    pub rule: String,
    pub version: i64,
    pub reason: String,
    pub found_on: NaiveDate,
    pub state: LeadState,
    pub dismissed_reason: Option<String>,
    pub dismissed_by: Option<String>,
    pub procedure_id: Option<i64>,
}

impl StoredLead {
    /// The rule's name as users read it (人均纯收入低于监测范围), or its id for a rule no longer
    /// in the program.
    pub fn rule_name_zh(&self) -> &str {
        super::rules::RULES.iter().find(|r| r.id == self.rule).map_or(self.rule.as_str(), |r| r.name_zh)
    }
}

/// The reason a lead needs no identification: required, one or two sentences.
pub fn check_dismiss_reason(reason: &str) -> Result<&str, FieldError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(FieldError::new("reason", "请写明不需纳入监测的理由"));
    }
    if reason.chars().count() > 500 {
        return Err(FieldError::new("reason", "理由请在500字以内"));
    }
    Ok(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dismissal_needs_a_reason_and_states_read_back_from_their_codes() {
        assert_eq!(check_dismiss_reason("  ").unwrap_err().field, "reason");
        assert_eq!(check_dismiss_reason(" 已核实：务工收入未登记 "), Ok("已核实：务工收入未登记"));
        for s in LeadState::ALL {
            assert_eq!(LeadState::parse(s.code()), Some(*s));
        }
    }
}
