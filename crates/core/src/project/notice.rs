//! A project's public notices (公示/公告, shared/DOMAIN.md §6): the 村内公示 after 村申报 (at
//! least 10 working days), the 入库公告 once the county has approved it, and the 实施地公告 on
//! site once accepted. Villagers may object while a notice is up; the project does not go on
//! while an objection is unanswered, and an upheld one at the 村内公示 runs it again in full.

use chrono::{Duration, NaiveDate};

use crate::auth::Role;
use crate::calendar::WorkCalendar;
use crate::error::FieldError;
use crate::procedure::{Procedure, State, StepDef, kinds};

/// The notices of a project, each at its step of [`kinds::PROJECT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// 村内公示.
    Village,
    /// 入库公告.
    Library,
    /// 实施地公告.
    Site,
}

impl NoticeKind {
    pub const ALL: &'static [NoticeKind] = &[NoticeKind::Village, NoticeKind::Library, NoticeKind::Site];

    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Village => "village",
            NoticeKind::Library => "library",
            NoticeKind::Site => "site",
        }
    }

    pub fn parse(code: &str) -> Option<NoticeKind> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }

    /// The procedure step the notice is.
    pub fn step(self) -> &'static str {
        match self {
            NoticeKind::Village => "village_notice",
            NoticeKind::Library => "library_notice",
            NoticeKind::Site => "site_notice",
        }
    }

    pub fn of_step(code: &str) -> Option<NoticeKind> {
        Self::ALL.iter().copied().find(|k| k.step() == code)
    }

    /// The heading of the printed notice.
    pub fn title_zh(self) -> &'static str {
        match self {
            NoticeKind::Village => "项目村内公示",
            NoticeKind::Library => "项目入库公告",
            NoticeKind::Site => "项目实施地公告",
        }
    }

    /// The step as the procedure names it ("村内公示").
    pub fn step_zh(self) -> &'static str {
        step_def(self.step()).map_or("", |s| s.name_zh)
    }
}

fn step_def(code: &str) -> Option<&'static StepDef> {
    kinds::PROJECT.steps.iter().find(|s| s.code == code)
}

/// Each notice the project has reached, with the day it last began, in the procedure's order.
pub fn notices_reached(p: &Procedure) -> Vec<(NoticeKind, NaiveDate)> {
    let mut found: Vec<(NoticeKind, NaiveDate)> = Vec::new();
    let mut replay = Procedure::start(p.def, p.started_on);
    replay.deadlines = p.deadlines;
    let mut note = |replay: &Procedure| {
        if let State::At { step, since } = replay.state()
            && let Some(kind) = NoticeKind::of_step(p.def.steps[step].code)
        {
            match found.iter_mut().find(|(k, _)| *k == kind) {
                Some(slot) => slot.1 = since,
                None => found.push((kind, since)),
            }
        }
    };
    note(&replay);
    for e in &p.events {
        replay.events.push(e.clone());
        note(&replay);
    }
    found.sort_by_key(|(k, _)| NoticeKind::ALL.iter().position(|x| x == k));
    found
}

/// The notice the project is at now, if any (villagers may object while it is up).
pub fn open_notice(p: &Procedure) -> Option<NoticeKind> {
    p.current().and_then(|s| NoticeKind::of_step(s.code))
}

/// A notice of `days` working days from `from`: its last day (the working day before the one
/// it may be closed on).
pub fn notice_last_day(calendar: &WorkCalendar, from: NaiveDate, days: u32) -> NaiveDate {
    let mut last = calendar.add_working_days(from, days) - Duration::days(1);
    while last > from && !calendar.is_working_day(last) {
        last -= Duration::days(1);
    }
    last
}

/// An objection as the rules need it: its receipt, the step it was lodged at, when, and the
/// answer's day and verdict once answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectionState {
    pub receipt: String,
    pub step: String,
    pub lodged_on: NaiveDate,
    pub answered: Option<(NaiveDate, bool)>,
}

/// Whether the current step (`step`, since `since`) may be completed on `on`: never while an
/// objection is unanswered; at the 村内公示, an upheld objection runs the notice again for its
/// full length from the day it was answered.
pub fn check_complete(
    calendar: &WorkCalendar,
    step: &StepDef,
    since: NaiveDate,
    on: NaiveDate,
    objections: &[ObjectionState],
) -> Result<(), FieldError> {
    if let Some(o) = objections.iter().find(|o| o.answered.is_none()) {
        let at = step_def(&o.step).map_or("公示", |s| s.name_zh);
        return Err(FieldError::new(
            "objection",
            format!("“{at}”的异议（回执 {}）尚未答复，答复后才能办结“{}”", o.receipt, step.name_zh),
        ));
    }
    if let Some(days) = step.notice_days {
        let again = objections
            .iter()
            .filter(|o| o.step == step.code)
            .filter_map(|o| o.answered.filter(|(day, upheld)| *upheld && *day >= since).map(|(day, _)| day))
            .max();
        if let Some(from) = again {
            let ends = calendar.add_working_days(from, days);
            if on < ends {
                return Err(FieldError::new(
                    "notice",
                    format!("异议成立，更正后须重新公示不少于{days}个工作日：{ends}起才能结束公示"),
                ));
            }
        }
    }
    Ok(())
}

/// Who answers an objection: those who act at the step it was lodged at.
pub fn may_answer(step: &str, role: Role) -> Result<(), FieldError> {
    let Some(def) = step_def(step) else {
        return Err(FieldError::new("objection", "未知的公示环节"));
    };
    if def.actors.contains(&role) {
        return Ok(());
    }
    let who: Vec<&str> = def.actors.iter().map(|r| r.label_zh()).collect();
    Err(FieldError::new("role", format!("“{}”的异议由{}答复", def.name_zh, who.join("或"))))
}

/// A villager's objection as typed on the public page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectionForm {
    pub name: String,
    pub phone: String,
    pub text: String,
}

impl ObjectionForm {
    pub fn parse(name: &str, phone: &str, text: &str) -> Result<ObjectionForm, Vec<FieldError>> {
        let (name, phone, text) = (name.trim(), phone.trim(), text.trim());
        let mut errors = Vec::new();
        if name.is_empty() {
            errors.push(FieldError::new("name", "请填写您的姓名"));
        } else if name.chars().count() > 30 {
            errors.push(FieldError::new("name", "姓名请不超过30字"));
        }
        if phone.chars().filter(char::is_ascii_digit).count() < 7 || phone.chars().count() > 20 {
            errors.push(FieldError::new("phone", "请填写能联系到您的电话"));
        }
        if text.is_empty() {
            errors.push(FieldError::new("text", "请写明异议的内容"));
        } else if text.chars().count() > 1000 {
            errors.push(FieldError::new("text", "异议内容请不超过1000字"));
        }
        if errors.is_empty() {
            Ok(ObjectionForm { name: name.to_owned(), phone: phone.to_owned(), text: text.to_owned() })
        } else {
            Err(errors)
        }
    }
}

/// A staff answer to an objection: upheld or not, and what was found.
pub fn parse_answer(upheld: &str, answer: &str) -> Result<(bool, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let upheld = match upheld.trim() {
        "yes" | "true" | "1" | "成立" => Some(true),
        "no" | "false" | "0" | "不成立" => Some(false),
        _ => {
            errors.push(FieldError::new("upheld", "请选择异议是否成立"));
            None
        }
    };
    let answer = answer.trim();
    if answer.is_empty() {
        errors.push(FieldError::new("answer", "请写明对异议的答复"));
    } else if answer.chars().count() > 1000 {
        errors.push(FieldError::new("answer", "答复请不超过1000字"));
    }
    match upheld {
        Some(u) if errors.is_empty() => Ok((u, answer.to_owned())),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procedure::Action;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn village() -> &'static StepDef {
        step_def("village_notice").unwrap()
    }

    fn objection(receipt: &str, answered: Option<(&str, bool)>) -> ObjectionState {
        ObjectionState {
            receipt: receipt.into(),
            step: "village_notice".into(),
            lodged_on: day("2026-12-01"),
            answered: answered.map(|(d, u)| (day(d), u)),
        }
    }

    #[test]
    fn the_notices_reached_are_found_by_replaying_the_procedure() {
        let mut p = Procedure::start(&kinds::PROJECT, day("2026-03-02"));
        assert_eq!(notices_reached(&p), [(NoticeKind::Village, day("2026-03-02"))]);
        assert_eq!(open_notice(&p), Some(NoticeKind::Village));
        let complete = |note: &str| Action::Complete { note: note.into() };
        for (role, on) in [
            (Role::VillageWorker, "2026-03-16"),
            (Role::TownshipStaff, "2026-03-17"),
            (Role::DistrictAdmin, "2026-03-18"),
        ] {
            p.act(complete("办结"), "x", Some(role), day(on)).unwrap();
        }
        assert_eq!(open_notice(&p), Some(NoticeKind::Library));
        assert_eq!(
            notices_reached(&p),
            [(NoticeKind::Village, day("2026-03-02")), (NoticeKind::Library, day("2026-03-18"))]
        );
        p.act(complete("公告"), "x", Some(Role::DistrictAdmin), day("2026-03-19")).unwrap();
        assert_eq!(open_notice(&p), None);
        assert_eq!(NoticeKind::Site.step_zh(), "实施地公告");
    }

    #[test]
    fn a_notice_of_ten_working_days_ends_the_working_day_before_it_may_close() {
        let cal = WorkCalendar::default();
        // Monday 2026-11-30: ten working days run to Friday 12-11; it may close on Monday 12-14.
        assert_eq!(notice_last_day(&cal, day("2026-11-30"), 10), day("2026-12-11"));
        assert_eq!(cal.add_working_days(day("2026-11-30"), 10), day("2026-12-14"));
    }

    #[test]
    fn an_unanswered_objection_stops_the_notice_and_an_upheld_one_runs_it_again() {
        let cal = WorkCalendar::default();
        let since = day("2026-11-16");
        let open = [objection("20261201-K7Q2M9XA", None)];
        let e = check_complete(&cal, village(), since, day("2026-12-08"), &open).unwrap_err();
        assert_eq!(e.message, "“村内公示”的异议（回执 20261201-K7Q2M9XA）尚未答复，答复后才能办结“村内公示”");
        let refuted = [objection("20261201-K7Q2M9XA", Some(("2026-12-02", false)))];
        assert!(check_complete(&cal, village(), since, day("2026-12-08"), &refuted).is_ok());
        let upheld = [objection("20261201-K7Q2M9XA", Some(("2026-12-02", true)))];
        let e = check_complete(&cal, village(), since, day("2026-12-08"), &upheld).unwrap_err();
        assert_eq!(e.message, "异议成立，更正后须重新公示不少于10个工作日：2026-12-16起才能结束公示");
        assert!(check_complete(&cal, village(), since, day("2026-12-16"), &upheld).is_ok());
    }

    #[test]
    fn objections_are_answered_by_those_who_act_at_the_notice() {
        assert!(may_answer("village_notice", Role::VillageWorker).is_ok());
        let e = may_answer("village_notice", Role::Auditor).unwrap_err();
        assert_eq!(e.message, "“村内公示”的异议由驻村工作队员/帮扶责任人或乡镇（街道）工作人员答复");
        let e = ObjectionForm::parse("", "123", "").unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "phone", "text"]);
        assert_eq!(parse_answer("", "").unwrap_err().len(), 2);
        assert_eq!(parse_answer("no", " 经核实，符合条件 ").unwrap(), (false, "经核实，符合条件".to_owned()));
    }
}
