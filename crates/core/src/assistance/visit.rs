//! 走访: a visit to a household — when, who, what was found, what follows — and a change
//! of status or monitoring the visitor may propose for a reviewer to accept or reject.

use crate::household::HouseholdId;
use crate::ids::*;
use chrono::NaiveDate;

use crate::error::FieldError;
use crate::household::model::{Fields, parse_date};
use crate::household::{MonitoringType, PovertyStatus};
use crate::monitoring::rules::VisitReport;

/// A change proposed from the field; it changes nothing until a reviewer accepts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proposal {
    /// 建议调整脱贫状态.
    Status(PovertyStatus),
    /// 建议纳入监测 (or change the monitoring type).
    Monitoring(MonitoringType),
    /// 建议消除风险.
    ClearRisk,
}

impl Proposal {
    /// Every proposal a visit form offers, in order.
    pub fn all() -> Vec<Proposal> {
        let mut all: Vec<Proposal> = PovertyStatus::ALL.iter().map(|s| Proposal::Status(*s)).collect();
        all.extend(MonitoringType::ALL.iter().map(|m| Proposal::Monitoring(*m)));
        all.push(Proposal::ClearRisk);
        all
    }

    /// Stored form: `status:exited`, `monitoring:edge`, `clear_risk`.
    pub fn code(self) -> String {
        match self {
            Proposal::Status(s) => format!("status:{}", s.code()),
            Proposal::Monitoring(m) => format!("monitoring:{}", m.code()),
            Proposal::ClearRisk => "clear_risk".to_owned(),
        }
    }

    pub fn parse(s: &str) -> Option<Proposal> {
        let s = s.trim();
        if s == "clear_risk" {
            return Some(Proposal::ClearRisk);
        }
        let (kind, value) = s.split_once(':')?;
        match kind {
            "status" => PovertyStatus::parse(value).map(Proposal::Status),
            "monitoring" => MonitoringType::parse(value).map(Proposal::Monitoring),
            _ => None,
        }
    }

    pub fn label_zh(self) -> String {
        match self {
            Proposal::Status(s) => format!("建议将脱贫状态改为“{}”", s.label_zh()),
            Proposal::Monitoring(m) => format!("建议纳入监测：{}", m.label_zh()),
            Proposal::ClearRisk => "建议消除风险（退出监测）".to_owned(),
        }
    }

    pub fn label_en(self) -> String {
        match self {
            Proposal::Status(s) => format!("Change status to “{}”", s.label_en()),
            Proposal::Monitoring(m) => format!("Monitor as: {}", m.label_en()),
            Proposal::ClearRisk => "Clear the risk (end monitoring)".to_owned(),
        }
    }
}

impl serde::Serialize for Proposal {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

/// 审核状态 of a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    Pending,
    Accepted,
    Rejected,
}

impl ProposalState {
    pub fn code(self) -> &'static str {
        match self {
            ProposalState::Pending => "pending",
            ProposalState::Accepted => "accepted",
            ProposalState::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<ProposalState> {
        [ProposalState::Pending, ProposalState::Accepted, ProposalState::Rejected].into_iter().find(|p| p.code() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ProposalState::Pending => "待审核",
            ProposalState::Accepted => "已采纳",
            ProposalState::Rejected => "未采纳",
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VisitData {
    pub visited_on: NaiveDate,
    /// 走访人 (one or more names).
    pub visitors: String,
    /// 走访情况.
    pub found: String,
    /// 后续事项.
    pub follow_up: Option<String>,
    /// 后续事项期限.
    pub follow_up_due: Option<NaiveDate>,
    pub proposal: Option<Proposal>,
    pub proposal_reason: Option<String>,
    /// 走访发现（如有）: `None` is 未填, an empty list is 无.
    pub findings: Option<Vec<VisitReport>>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Visit {
    pub id: VisitId,
    pub household_id: HouseholdId,
    pub data: VisitData,
    pub follow_up_done_on: Option<NaiveDate>,
    pub proposal_state: Option<ProposalState>,
    pub review_note: Option<String>,
    pub recorded_by: String,
}

impl Visit {
    /// 后续事项到期: a follow-up not done whose date has come.
    pub fn follow_up_is_due(&self, today: NaiveDate) -> bool {
        self.follow_up_done_on.is_none() && self.data.follow_up_due.is_some_and(|d| d <= today)
    }
}

impl Visit {
    /// Marking the visit's follow-up (后续事项) done on `on`: there is one, it is still open, and
    /// `on` lies between the visit and today.
    pub fn check_follow_up_done(&self, on: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
        if self.data.follow_up.is_none() {
            return Err(FieldError::new("follow_up", "这次走访没有后续事项"));
        }
        if self.follow_up_done_on.is_some() {
            return Err(FieldError::new("follow_up", "后续事项已办结"));
        }
        if on < self.data.visited_on || on > today {
            return Err(FieldError::new("on", "办结日期应在走访日期之后、今天之前"));
        }
        Ok(())
    }
}

impl VisitData {
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<VisitData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let text = |field: &str| Some(f.get(field).trim().to_owned()).filter(|s| !s.is_empty());
        let visited_on = match f.get("visited_on").trim() {
            "" => {
                errors.push(FieldError::new("visited_on", "请填写走访日期"));
                None
            }
            raw => match parse_date(raw) {
                Some(d) if d > today => {
                    errors.push(FieldError::new("visited_on", "走访日期不能晚于今天"));
                    None
                }
                Some(d) => Some(d),
                None => {
                    errors.push(FieldError::new("visited_on", format!("“{raw}”不是有效的日期，请写成 2026-03-15")));
                    None
                }
            },
        };
        let visitors = text("visitors");
        if visitors.is_none() {
            errors.push(FieldError::new("visitors", "请填写走访人"));
        }
        let found = text("found");
        if found.is_none() {
            errors.push(FieldError::new("found", "请填写走访情况"));
        }
        let follow_up = text("follow_up");
        let follow_up_due = match f.get("follow_up_due").trim() {
            "" => None,
            raw => match parse_date(raw) {
                Some(d) => Some(d),
                None => {
                    errors.push(FieldError::new("follow_up_due", format!("“{raw}”不是有效的日期，请写成 2026-03-15")));
                    None
                }
            },
        };
        if follow_up_due.is_some() && follow_up.is_none() {
            errors.push(FieldError::new("follow_up", "填写了期限，请写明后续事项"));
        }
        if let (Some(due), Some(on)) = (follow_up_due, visited_on)
            && due < on
        {
            errors.push(FieldError::new("follow_up_due", "后续事项期限不能早于走访日期"));
        }
        let proposal = match f.get("proposal").trim() {
            "" => None,
            raw => Proposal::parse(raw).or_else(|| {
                errors.push(FieldError::new("proposal", "变更建议无效"));
                None
            }),
        };
        let findings = VisitReport::parse_list(f.get("findings")).unwrap_or_else(|e| {
            errors.push(FieldError::new("findings", e));
            None
        });
        let proposal_reason = text("proposal_reason");
        if proposal.is_some() && proposal_reason.is_none() {
            errors.push(FieldError::new("proposal_reason", "提出变更建议须写明理由"));
        }
        for (field, value) in [
            ("visitors", &visitors),
            ("found", &found),
            ("follow_up", &follow_up),
            ("proposal_reason", &proposal_reason),
        ] {
            crate::text::check_field(&mut errors, field, value.as_deref().unwrap_or(""));
        }
        match (visited_on, visitors, found) {
            (Some(visited_on), Some(visitors), Some(found)) if errors.is_empty() => Ok(VisitData {
                visited_on,
                visitors,
                found,
                follow_up,
                follow_up_due,
                proposal,
                proposal_reason: proposal.and(proposal_reason),
                findings,
            }),
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

    #[test]
    fn a_follow_up_is_done_once_between_the_visit_and_today() {
        let f: HashMap<&str, &str> = [
            ("visited_on", "2026-11-20"),
            ("visitors", "李干事"),
            ("found", "房屋漏雨"),
            ("follow_up", "联系危房改造"),
        ]
        .into_iter()
        .collect();
        let visit = Visit {
            id: VisitId(1),
            household_id: HouseholdId(1),
            data: VisitData::parse(&f, today()).unwrap(),
            follow_up_done_on: None,
            proposal_state: None,
            review_note: None,
            recorded_by: "li".into(),
        };
        assert!(visit.check_follow_up_done(today(), today()).is_ok());
        let early = NaiveDate::from_ymd_opt(2026, 11, 19).unwrap();
        let e = visit.check_follow_up_done(early, today()).unwrap_err();
        assert_eq!((e.field.as_str(), e.message.as_str()), ("on", "办结日期应在走访日期之后、今天之前"));
        assert!(visit.check_follow_up_done(today().succ_opt().unwrap(), today()).is_err());
        let done = Visit { follow_up_done_on: Some(today()), ..visit.clone() };
        assert_eq!(done.check_follow_up_done(today(), today()).unwrap_err().message, "后续事项已办结");
        let none = Visit { data: VisitData { follow_up: None, ..visit.data.clone() }, ..visit };
        assert_eq!(none.check_follow_up_done(today(), today()).unwrap_err().message, "这次走访没有后续事项");
    }

    #[test]
    fn a_quick_visit_needs_only_date_visitor_and_what_was_found() {
        let f: HashMap<&str, &str> =
            [("visited_on", "2026-11-28"), ("visitors", "李干事"), ("found", "户主腰伤好转，已能下地")]
                .into_iter()
                .collect();
        let v = VisitData::parse(&f, today()).unwrap();
        assert_eq!((v.follow_up, v.proposal), (None, None));
    }

    #[test]
    fn a_visit_in_the_future_or_a_follow_up_before_it_is_refused() {
        let f: HashMap<&str, &str> = [
            ("visited_on", "2026-12-01"),
            ("visitors", "李干事"),
            ("found", "正常"),
            ("follow_up_due", "2026-11-01"),
            ("proposal", "status:exited"),
        ]
        .into_iter()
        .collect();
        let errs = VisitData::parse(&f, today()).unwrap_err();
        let got: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(
            got,
            vec![
                ("visited_on", "走访日期不能晚于今天"),
                ("follow_up", "填写了期限，请写明后续事项"),
                ("proposal_reason", "提出变更建议须写明理由"),
            ]
        );
    }

    #[test]
    fn proposals_read_back_from_their_codes() {
        for p in Proposal::all() {
            assert_eq!(Proposal::parse(&p.code()), Some(p));
        }
        assert_eq!(Proposal::Monitoring(MonitoringType::Edge).label_zh(), "建议纳入监测：边缘易致贫户");
        assert_eq!(Proposal::parse("status:nonsense"), None);
    }
}
