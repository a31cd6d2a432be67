//! 程序: the decisions that matter to a household — taken into monitoring, its risk declared
//! cleared, its yearly class — are made by a procedure of steps, each acted on by a role within
//! a deadline in working days. One engine for all of them: a kind's steps are data
//! ([`kinds`]), a procedure is its kind plus the events that happened to it, and every rule of
//! who may do what next is here, once. Nothing is ever removed from the events.

pub mod decision;
pub mod kinds;
pub mod record;

use chrono::{Duration, NaiveDate};

use crate::FieldError;
use crate::auth::Role;
use crate::calendar::WorkCalendar;

/// One step of a kind of procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepDef {
    pub code: &'static str,
    pub name_zh: &'static str,
    /// The roles that act at this step.
    pub actors: &'static [Role],
    /// Working days from the step's start to its deadline.
    pub deadline_working_days: Option<u32>,
    /// A public notice lasts at least this many days (calendar days, or working days when
    /// `notice_working`) before it may be closed.
    pub notice_days: Option<u32>,
    /// The notice is counted in working days (a project's 公示 of 10 working days).
    pub notice_working: bool,
    /// A review may send the procedure back, or refuse it.
    pub review: bool,
}

/// A kind of procedure: its steps, in order, and the whole's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcedureDef {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub steps: &'static [StepDef],
    /// Working days from the start to the last step's end.
    pub total_working_days: Option<u32>,
}

/// What a user does to a procedure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The current step is done (a review: approved) with a note of what was found.
    Complete { note: String },
    /// A review sends it back to an earlier step (the one before, unless named).
    SendBack { to: Option<&'static str>, reason: String },
    /// A review refuses it: the procedure ends without the decision.
    Refuse { reason: String },
    /// Withdrawn (the household moved, the lead was a mistake): ends it, kept.
    Withdraw { reason: String },
    /// An objection lodged during a public notice, with its receipt number.
    Object { receipt: String, text: String },
    /// The answer to an objection: upheld sends the procedure back before the notice.
    Answer { receipt: String, upheld: bool, answer: String },
}

/// One thing that happened, as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub on: NaiveDate,
    pub by: String,
    pub role: Option<Role>,
    pub step: &'static str,
    pub action: Action,
}

/// Where a procedure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// At this step (index into the kind's steps), since that day.
    At {
        step: usize,
        since: NaiveDate,
    },
    /// Every step done: the decision stands.
    Approved {
        on: NaiveDate,
    },
    Refused {
        on: NaiveDate,
    },
    Withdrawn {
        on: NaiveDate,
    },
}

impl State {
    pub fn label_zh(&self) -> &'static str {
        match self {
            State::At { .. } => "办理中",
            State::Approved { .. } => "已批准",
            State::Refused { .. } => "不予批准",
            State::Withdrawn { .. } => "已撤回",
        }
    }

    pub fn is_open(&self) -> bool {
        matches!(self, State::At { .. })
    }
}

/// The district's settings over the kinds' defaults: a longer notice (never shorter than the
/// kind's minimum) and the whole's deadline in working days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Deadlines {
    pub notice_days: Option<u32>,
    pub total_working_days: Option<u32>,
}

impl Deadlines {
    /// The settings form: 公示天数 5–30 (the rules' minimum is 5), 全程时限 5–60 working days;
    /// a blank keeps the default.
    pub fn parse(notice: &str, total: &str) -> Result<Deadlines, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut number = |raw: &str, field: &str, lo: u32, hi: u32, message: &str| match raw.trim() {
            "" => None,
            t => match t.parse::<u32>() {
                Ok(n) if (lo..=hi).contains(&n) => Some(n),
                _ => {
                    errors.push(FieldError::new(field, message));
                    None
                }
            },
        };
        let notice_days = number(notice, "notice_days", 5, 30, "公示天数应为5到30之间的整数（公示不少于5天）");
        let total_working_days = number(total, "total_working_days", 5, 60, "全程时限应为5到60之间的工作日数");
        if errors.is_empty() { Ok(Deadlines { notice_days, total_working_days }) } else { Err(errors) }
    }
}

/// A procedure: its kind, when it started, and what happened since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Procedure {
    pub def: &'static ProcedureDef,
    pub started_on: NaiveDate,
    pub events: Vec<Event>,
    /// The district's deadlines, read when the procedure is.
    pub deadlines: Deadlines,
}

fn need(field: &str, text: &str, message: &str) -> Result<(), FieldError> {
    if text.trim().is_empty() { Err(FieldError::new(field, message)) } else { Ok(()) }
}

fn roles_zh(roles: &[Role]) -> String {
    roles.iter().map(|r| r.label_zh()).collect::<Vec<_>>().join("或")
}

impl Procedure {
    pub fn start(def: &'static ProcedureDef, on: NaiveDate) -> Procedure {
        Procedure { def, started_on: on, events: Vec::new(), deadlines: Deadlines::default() }
    }

    /// How many days a step's notice lasts at least: the kind's minimum, or the district's
    /// longer setting.
    pub fn notice_days_of(&self, step: &StepDef) -> Option<u32> {
        if step.notice_working {
            return step.notice_days;
        }
        step.notice_days.map(|d| self.deadlines.notice_days.map_or(d, |s| s.max(d)))
    }

    /// Where it is now, replayed from the events.
    pub fn state(&self) -> State {
        let mut state = State::At { step: 0, since: self.started_on };
        for e in &self.events {
            let State::At { step, .. } = state else { break };
            state = match &e.action {
                Action::Complete { .. } if step + 1 == self.def.steps.len() => State::Approved { on: e.on },
                Action::Complete { .. } => State::At { step: step + 1, since: e.on },
                Action::SendBack { to, .. } => State::At { step: self.back_to(step, *to), since: e.on },
                Action::Answer { upheld: true, .. } => State::At { step: step.saturating_sub(1), since: e.on },
                Action::Refuse { .. } => State::Refused { on: e.on },
                Action::Withdraw { .. } => State::Withdrawn { on: e.on },
                Action::Object { .. } | Action::Answer { .. } => state,
            };
        }
        state
    }

    fn back_to(&self, step: usize, to: Option<&str>) -> usize {
        to.and_then(|c| self.def.steps.iter().position(|s| s.code == c)).unwrap_or(step.saturating_sub(1))
    }

    /// The current step, if the procedure is open.
    pub fn current(&self) -> Option<&'static StepDef> {
        match self.state() {
            State::At { step, .. } => self.def.steps.get(step),
            _ => None,
        }
    }

    /// Objections lodged at the current notice and not answered yet (their receipts).
    pub fn open_objections(&self) -> Vec<&str> {
        let State::At { since, .. } = self.state() else { return Vec::new() };
        let current = self.current().map(|s| s.code);
        let lodged = self.events.iter().filter(|e| e.on >= since && Some(e.step) == current);
        lodged
            .filter_map(|e| match &e.action {
                Action::Object { receipt, .. } => Some(receipt.as_str()),
                _ => None,
            })
            .filter(|r| {
                !self.events.iter().any(|e| matches!(&e.action, Action::Answer { receipt, .. } if receipt == r))
            })
            .collect()
    }

    /// The current step's deadline.
    pub fn due_on(&self, calendar: &WorkCalendar) -> Option<NaiveDate> {
        let State::At { step, since } = self.state() else { return None };
        let days = self.def.steps[step].deadline_working_days?;
        Some(calendar.add_working_days(since, days))
    }

    /// The whole procedure's deadline.
    pub fn total_due_on(&self, calendar: &WorkCalendar) -> Option<NaiveDate> {
        let days = self.def.total_working_days.map(|d| self.deadlines.total_working_days.unwrap_or(d))?;
        Some(calendar.add_working_days(self.started_on, days))
    }

    /// Working days the current step is past its deadline (0 when it is not).
    pub fn days_overdue(&self, calendar: &WorkCalendar, today: NaiveDate) -> i64 {
        self.due_on(calendar).map_or(0, |due| calendar.working_days_late(due, today))
    }

    /// Applies an action by `by` on `on`, or says in Chinese why it cannot be. `role` is the
    /// signed-in user's; a villager's objection from the public page has none.
    pub fn act(&mut self, action: Action, by: &str, role: Option<Role>, on: NaiveDate) -> Result<(), FieldError> {
        self.act_in(&WorkCalendar::default(), action, by, role, on)
    }

    /// [`Procedure::act`] with the district's calendar, for notices counted in working days.
    pub fn act_in(
        &mut self,
        calendar: &WorkCalendar,
        action: Action,
        by: &str,
        role: Option<Role>,
        on: NaiveDate,
    ) -> Result<(), FieldError> {
        let State::At { step, since } = self.state() else {
            return Err(FieldError::new("procedure", format!("该程序{}，不能再办理", self.state().label_zh())));
        };
        let def = self.def.steps[step];
        let last = self.events.last().map_or(self.started_on, |e| e.on);
        if on < last {
            return Err(FieldError::new("on", format!("办理日期不能早于上一次办理（{last}）")));
        }
        let acts_here = role.is_some_and(|r| def.actors.contains(&r));
        match &action {
            Action::Object { receipt, text } => {
                if def.notice_days.is_none() {
                    return Err(FieldError::new("objection", "只有公示期间可以提出异议"));
                }
                need("receipt", receipt, "异议须有回执编号")?;
                need("text", text, "请写明异议的内容")?;
            }
            _ if !acts_here => {
                return Err(FieldError::new("role", format!("“{}”由{}办理", def.name_zh, roles_zh(def.actors))));
            }
            Action::Complete { note } => {
                need("note", note, &format!("请写明“{}”的结果", def.name_zh))?;
                if let Some(days) = self.notice_days_of(&def) {
                    if def.notice_working {
                        let ends = calendar.add_working_days(since, days);
                        if on < ends {
                            return Err(FieldError::new(
                                "notice",
                                format!("公示不少于{days}个工作日：{ends}起才能结束公示"),
                            ));
                        }
                    } else if on < since + Duration::days(i64::from(days)) {
                        return Err(FieldError::new(
                            "notice",
                            format!(
                                "公示不少于{days}天：{}之后才能结束公示",
                                since + Duration::days(i64::from(days) - 1)
                            ),
                        ));
                    }
                }
                if let Some(r) = self.open_objections().first() {
                    return Err(FieldError::new("objection", format!("异议（回执 {r}）尚未答复，答复后才能继续")));
                }
            }
            Action::SendBack { to, reason } => {
                if !def.review {
                    return Err(FieldError::new("send_back", format!("“{}”不是审核环节，不能退回", def.name_zh)));
                }
                need("reason", reason, "退回须写明原因")?;
                if step == 0 || to.is_some_and(|c| self.def.steps[..step].iter().all(|s| s.code != c)) {
                    return Err(FieldError::new("send_back", "只能退回到之前的环节"));
                }
            }
            Action::Refuse { reason } => {
                if !def.review {
                    return Err(FieldError::new("refuse", format!("“{}”不是审核环节，不能作出不予批准", def.name_zh)));
                }
                need("reason", reason, "不予批准须写明原因")?;
            }
            Action::Withdraw { reason } => need("reason", reason, "撤回须写明原因")?,
            Action::Answer { receipt, answer, .. } => {
                need("answer", answer, "请写明对异议的答复")?;
                if !self.open_objections().contains(&receipt.as_str()) {
                    return Err(FieldError::new("receipt", format!("没有待答复的异议（回执 {receipt}）")));
                }
            }
        }
        self.events.push(Event { on, by: by.to_owned(), role, step: def.code, action });
        Ok(())
    }
}

#[cfg(test)]
mod tests;
