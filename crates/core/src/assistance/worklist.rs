//! 一个都不能少: why a household needs someone's attention. Each reason is a rule over the
//! register; a household leaves a worklist as soon as the gap is closed.

use crate::area::Area;
use crate::error::FieldError;

/// 走访间隔 default: a household needing help is visited at least every 30 days.
pub const DEFAULT_VISIT_INTERVAL_DAYS: u32 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkReason {
    /// 无帮扶责任人.
    NoHelper,
    /// 本年度无帮扶计划.
    NoPlan,
    /// 措施逾期.
    OverdueMeasure,
    /// 超期未走访.
    NotVisited,
    /// 后续事项到期.
    FollowUpDue,
    /// 变更建议待审核.
    ProposalPending,
    /// 纳入监测超过15天仍无帮扶计划 (一户一策 within 15 days of identification).
    PlanOverdue,
}

/// Days after identification by which a monitored household has its 帮扶计划.
pub const PLAN_DAYS_AFTER_IDENTIFICATION: i64 = 15;

impl WorkReason {
    pub const ALL: &'static [WorkReason] = &[
        WorkReason::NoHelper,
        WorkReason::NoPlan,
        WorkReason::OverdueMeasure,
        WorkReason::NotVisited,
        WorkReason::FollowUpDue,
        WorkReason::ProposalPending,
        WorkReason::PlanOverdue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            WorkReason::NoHelper => "no_helper",
            WorkReason::NoPlan => "no_plan",
            WorkReason::OverdueMeasure => "overdue_measure",
            WorkReason::NotVisited => "not_visited",
            WorkReason::FollowUpDue => "follow_up_due",
            WorkReason::ProposalPending => "proposal_pending",
            WorkReason::PlanOverdue => "plan_overdue",
        }
    }

    pub fn parse(s: &str) -> Option<WorkReason> {
        WorkReason::ALL.iter().copied().find(|r| r.code() == s.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            WorkReason::NoHelper => "无帮扶责任人",
            WorkReason::NoPlan => "本年度无帮扶计划",
            WorkReason::OverdueMeasure => "帮扶措施逾期",
            WorkReason::NotVisited => "超期未走访",
            WorkReason::FollowUpDue => "走访后续事项到期",
            WorkReason::ProposalPending => "变更建议待审核",
            WorkReason::PlanOverdue => "纳入监测超15天无计划",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            WorkReason::NoHelper => "No helper",
            WorkReason::NoPlan => "No plan this year",
            WorkReason::OverdueMeasure => "Measure overdue",
            WorkReason::NotVisited => "Not visited recently",
            WorkReason::FollowUpDue => "Follow-up due",
            WorkReason::ProposalPending => "Proposal to review",
            WorkReason::PlanOverdue => "No plan 15 days after identification",
        }
    }
}

/// Why one household is on a list, for the row that shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WorkNote {
    /// 最近走访 (None: never visited).
    LastVisit { on: Option<chrono::NaiveDate> },
    /// The earliest overdue open measure.
    Overdue { content: String, due_on: chrono::NaiveDate },
    /// The earliest follow-up due.
    FollowUp { text: String, due_on: chrono::NaiveDate },
    /// The proposal waiting for review.
    Proposal { proposal: String },
    /// 纳入监测 on this day (its plan was due 15 days later).
    Identified { on: chrono::NaiveDate },
}

/// Counts per reason for one area (a township or village under the user's area).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WorkCounts {
    pub area: Area,
    /// In the order of [`WorkReason::ALL`].
    pub counts: Vec<i64>,
}

/// 走访间隔（天）: 1 to 365.
pub fn parse_visit_interval(s: &str) -> Result<u32, FieldError> {
    match crate::household::model::normalise_digits(s.trim()).trim_end_matches('天').parse::<u32>() {
        Ok(n) if (1..=365).contains(&n) => Ok(n),
        _ => Err(FieldError::new("visit_interval_days", "走访间隔应为1至365之间的天数")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_back_from_their_codes() {
        for r in WorkReason::ALL {
            assert_eq!(WorkReason::parse(r.code()), Some(*r));
        }
        assert_eq!(WorkReason::NotVisited.label_zh(), "超期未走访");
    }

    #[test]
    fn the_visit_interval_is_a_number_of_days_in_a_year() {
        assert_eq!(parse_visit_interval("３０天"), Ok(30));
        assert_eq!(parse_visit_interval("0").unwrap_err().message, "走访间隔应为1至365之间的天数");
    }
}
