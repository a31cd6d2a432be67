//! 雨露计划: a subsidy per 中职 / 高职 / 技工院校 student per term (commonly 1 500 元 a term,
//! 3 000 元 a year). 已申请 → 乡镇审核 (or 不予补助 with its reason) → 已发放 → 已公示; each step
//! dated, none before the one it follows, the check and the payment by the township or district.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use super::{opt_date, opt_text, required_text};
use crate::auth::Role;
use crate::error::FieldError;
use crate::household::codes::{CodeList, UnknownCode, code_list, same_token};
use crate::household::model::{Fields, normalise_digits};
use crate::money::Fen;

code_list! {
    /// 就读层次.
    pub enum SchoolLevel: "就读层次" {
        SecondaryVocational => "secondary_vocational", "中职", "Secondary vocational", ["中等职业学校", "中专", "职高"];
        HigherVocational => "higher_vocational", "高职", "Higher vocational", ["高等职业学校", "高职高专", "高职院校"];
        Technical => "technical", "技工院校", "Technical school", ["技工学校", "技校", "技师学院"];
    }
}

code_list! {
    /// 学期.
    pub enum Semester: "学期" {
        Spring => "spring", "春季学期", "Spring term", ["春季", "春"];
        Autumn => "autumn", "秋季学期", "Autumn term", ["秋季", "秋"];
    }
}

/// The usual subsidy of one term, and the most one term may carry.
pub const DEFAULT_AMOUNT: Fen = Fen(150_000);
pub const MAX_AMOUNT: Fen = Fen(500_000);

/// A term: "2026年秋季学期".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Term {
    pub year: i32,
    pub semester: Semester,
}

impl Term {
    /// "2026年秋季学期", "2026秋季", "2026 秋", "2026-autumn".
    pub fn parse(s: &str) -> Option<Term> {
        let s = normalise_digits(s.trim());
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        if digits.len() != 4 {
            return None;
        }
        let year = digits.parse::<i32>().ok()?;
        let rest = s[4..].trim().trim_start_matches(['年', '-', ' ']).trim();
        let semester = Semester::parse(rest)?;
        Some(Term { year, semester })
    }

    /// Orders terms: 2025 autumn < 2026 spring < 2026 autumn.
    pub fn key(self) -> i32 {
        self.year * 2 + i32::from(self.semester == Semester::Autumn)
    }

    /// The term `today` falls in (spring: February to July; autumn: August to January).
    pub fn of(today: NaiveDate) -> Term {
        match today.month() {
            1 => Term { year: today.year() - 1, semester: Semester::Autumn },
            2..=7 => Term { year: today.year(), semester: Semester::Spring },
            _ => Term { year: today.year(), semester: Semester::Autumn },
        }
    }

    /// The terms a form offers: from two years back to the next term, newest first.
    pub fn choices(today: NaiveDate) -> Vec<Term> {
        let now = Term::of(today).key();
        ((now - 4)..=(now + 1)).rev().map(|k| Term { year: k / 2, semester: Term::semester_of(k) }).collect()
    }

    fn semester_of(key: i32) -> Semester {
        if key % 2 == 1 { Semester::Autumn } else { Semester::Spring }
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}年{}", self.year, self.semester.label_zh())
    }
}

/// An application as the village writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// The student: a member of a household in the user's area.
    pub member_id: i64,
    pub term: Term,
    pub school: String,
    pub major: Option<String>,
    pub level: SchoolLevel,
    /// 年级: "一年级", "2025级".
    pub grade: String,
    pub amount: Fen,
    pub applied_on: NaiveDate,
}

fn amount_of(raw: &str, k: &str, errors: &mut Vec<FieldError>) -> Option<Fen> {
    match Fen::parse_yuan(raw) {
        Ok(v) if v.0 > 0 && v <= MAX_AMOUNT => Some(v),
        Ok(_) => {
            errors.push(FieldError::new(k, "补助金额应大于0元，且每学期不超过5,000元"));
            None
        }
        Err(e) => {
            errors.push(FieldError::new(k, format!("补助金额：{e}")));
            None
        }
    }
}

impl Application {
    /// The application form: the student (chosen from the register), term, school, level and
    /// grade required; the amount defaults to 1 500 元 a term; the date to `today`.
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<Application, Vec<FieldError>> {
        let mut errors = Vec::new();
        let member_id = match f.get("member_id").trim().parse::<i64>() {
            Ok(id) if id > 0 => Some(id),
            _ => {
                errors.push(FieldError::new("member_id", "请先查找并选择学生（本辖区农户的家庭成员）"));
                None
            }
        };
        let term = match f.get("term").trim() {
            "" => {
                errors.push(FieldError::new("term", "请选择学期，如 2026年秋季学期"));
                None
            }
            raw => Term::parse(raw).filter(|t| (2016..=today.year() + 1).contains(&t.year)).or_else(|| {
                errors.push(FieldError::new("term", format!("“{raw}”不是有效的学期，应写作 2026年秋季学期")));
                None
            }),
        };
        let school = required_text(f, "school", "就读学校", 60, &mut errors);
        let major = opt_text(f, "major", "所学专业", 40, &mut errors);
        let level = match f.get("level").trim() {
            "" => {
                errors.push(FieldError::new("level", "请选择就读层次（中职、高职或技工院校）"));
                None
            }
            raw => raw.parse::<SchoolLevel>().map_err(|e| errors.push(FieldError::new("level", e.to_string()))).ok(),
        };
        let grade = required_text(f, "grade", "年级，如 一年级", 20, &mut errors);
        let amount = match f.get("amount").trim() {
            "" => Some(DEFAULT_AMOUNT),
            raw => amount_of(raw, "amount", &mut errors),
        };
        let applied_on = opt_date(f, "applied_on", "申请日期", today, &mut errors);
        let applied_on = if f.get("applied_on").trim().is_empty() { Some(today) } else { applied_on };
        match (member_id, term, level, amount, applied_on) {
            (Some(member_id), Some(term), Some(level), Some(amount), Some(applied_on)) if errors.is_empty() => {
                Ok(Application { member_id, term, school, major, level, grade, amount, applied_on })
            }
            _ => Err(errors),
        }
    }
}

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    Applied,
    Checked,
    Refused,
    Paid,
    Published,
}

impl State {
    pub const ALL: [State; 5] = [State::Applied, State::Checked, State::Refused, State::Paid, State::Published];

    pub fn code(self) -> &'static str {
        match self {
            State::Applied => "applied",
            State::Checked => "checked",
            State::Refused => "refused",
            State::Paid => "paid",
            State::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.code() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            State::Applied => "已申请",
            State::Checked => "乡镇审核通过",
            State::Refused => "不予补助",
            State::Paid => "已发放",
            State::Published => "已公示",
        }
    }
}

/// The dates and figures of the steps taken so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub state: State,
    pub applied_on: NaiveDate,
    pub checked_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
}

/// One step on an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// 乡镇审核通过, with its note.
    Check { on: NaiveDate, note: Option<String> },
    /// 不予补助, with its reason.
    Refuse { on: NaiveDate, reason: String },
    /// 已发放: the date and the amount paid.
    Pay { on: NaiveDate, amount: Fen },
    /// 公示.
    Publish { on: NaiveDate },
}

impl Step {
    /// The form of the step `action` (check, refuse, pay, publish); the date defaults to `today`
    /// and a payment's amount to what was applied for.
    pub fn parse(
        action: &str,
        f: &(impl Fields + ?Sized),
        today: NaiveDate,
        applied: Fen,
    ) -> Result<Step, Vec<FieldError>> {
        let mut errors = Vec::new();
        let on = if f.get("on").trim().is_empty() {
            Some(today)
        } else {
            opt_date(f, "on", "办理日期", today, &mut errors)
        };
        let step = match action {
            "check" => Some(Step::Check {
                on: on.unwrap_or(today),
                note: opt_text(f, "note", "审核意见", 200, &mut errors),
            }),
            "refuse" => {
                let reason = f.get("reason").trim();
                if reason.is_empty() {
                    errors.push(FieldError::new("reason", "不予补助须写明原因"));
                } else if reason.chars().count() > 200 {
                    errors.push(FieldError::new("reason", "原因不能超过200个字"));
                }
                Some(Step::Refuse { on: on.unwrap_or(today), reason: reason.to_owned() })
            }
            "pay" => {
                let amount = match f.get("amount").trim() {
                    "" => Some(applied),
                    raw => amount_of(raw, "amount", &mut errors),
                };
                amount.map(|amount| Step::Pay { on: on.unwrap_or(today), amount })
            }
            "publish" => Some(Step::Publish { on: on.unwrap_or(today) }),
            _ => {
                errors.push(FieldError::new("action", "未知的办理事项"));
                None
            }
        };
        match step {
            Some(s) if errors.is_empty() => Ok(s),
            _ => Err(errors),
        }
    }

    pub fn on(&self) -> NaiveDate {
        match self {
            Step::Check { on, .. } | Step::Refuse { on, .. } | Step::Pay { on, .. } | Step::Publish { on } => *on,
        }
    }

    /// "乡镇审核通过", "不予补助：…", "发放 1,500.00元", "公示".
    pub fn label_zh(&self) -> String {
        match self {
            Step::Check { note, .. } => {
                format!("乡镇审核通过{}", note.as_ref().map(|n| format!("：{n}")).unwrap_or_default())
            }
            Step::Refuse { reason, .. } => format!("不予补助：{reason}"),
            Step::Pay { amount, .. } => format!("发放 {}", amount.display_yuan()),
            Step::Publish { .. } => "公示".to_owned(),
        }
    }
}

/// Whether `role` may check and pay (乡镇审核, 发放): the township's and the district's staff.
pub fn may_check(role: Role) -> bool {
    matches!(role, Role::TownshipStaff | Role::DistrictAdmin)
}

/// The state after `step`, or why it may not be taken now.
pub fn next(p: &Progress, step: &Step, role: Option<Role>) -> Result<State, FieldError> {
    let refuse = |m: String| Err(FieldError::new("action", m));
    let township = role.is_none_or(may_check);
    let not_before = |on: NaiveDate, after: Option<NaiveDate>, what: &str| match after {
        Some(a) if on < a => Err(FieldError::new("on", format!("办理日期不能早于{what}（{a}）"))),
        _ => Ok(()),
    };
    match (p.state, step) {
        (State::Applied, Step::Check { on, .. } | Step::Refuse { on, .. }) => {
            if !township {
                return refuse("乡镇审核须由乡镇或区级工作人员办理".into());
            }
            not_before(*on, Some(p.applied_on), "申请日期")?;
            Ok(if matches!(step, Step::Check { .. }) { State::Checked } else { State::Refused })
        }
        (State::Checked, Step::Pay { on, .. }) => {
            if !township {
                return refuse("发放须由乡镇或区级工作人员登记".into());
            }
            not_before(*on, p.checked_on, "审核日期")?;
            Ok(State::Paid)
        }
        (State::Paid, Step::Publish { on }) => {
            not_before(*on, p.paid_on, "发放日期")?;
            Ok(State::Published)
        }
        (State::Applied, Step::Pay { .. }) => refuse("尚未经乡镇审核，不能发放".into()),
        (State::Applied | State::Checked, Step::Publish { .. }) => refuse("尚未发放，不能公示".into()),
        (State::Refused, _) => refuse("该申请已不予补助，不能再办理；如材料补齐，请重新申请".into()),
        (s, _) => refuse(format!("该申请已是“{}”，不能再办理此事项", s.label_zh())),
    }
}

/// The refusal of a second application for the same student and term.
pub fn already_applied(name: &str, term: Term) -> String {
    format!("{name}在{term}已有雨露计划申请，同一学生每学期只能申请一次")
}

#[cfg(test)]
mod tests {
    use super::super::tests::form;
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_term_is_read_as_people_write_it_and_ordered() {
        let t = Term::parse("2026年秋季学期").unwrap();
        assert_eq!((t.year, t.semester, t.to_string()), (2026, Semester::Autumn, "2026年秋季学期".to_owned()));
        assert_eq!(Term::parse("２０２６春"), Some(Term { year: 2026, semester: Semester::Spring }));
        assert_eq!(Term::parse("2026-autumn"), Some(t));
        assert_eq!(Term::parse("秋季"), None);
        assert!(Term::parse("2025秋季").unwrap().key() < Term::parse("2026春季").unwrap().key());
        assert_eq!(Term::of(d("2026-01-10")).to_string(), "2025年秋季学期");
        let offered: Vec<String> = Term::choices(d("2026-09-01")).iter().map(Term::to_string).collect();
        assert_eq!(
            offered,
            [
                "2027年春季学期",
                "2026年秋季学期",
                "2026年春季学期",
                "2025年秋季学期",
                "2025年春季学期",
                "2024年秋季学期"
            ]
        );
    }

    #[test]
    fn an_application_defaults_to_1500_yuan_and_names_what_is_missing() {
        let a = Application::parse(
            &form(&[
                ("member_id", "7"),
                ("term", "2026年秋季学期"),
                ("school", "驻马店技师学院"),
                ("level", "技校"),
                ("grade", "一年级"),
            ]),
            d("2026-09-10"),
        )
        .unwrap();
        assert_eq!((a.amount, a.level, a.applied_on), (Fen(150_000), SchoolLevel::Technical, d("2026-09-10")));
        let e = Application::parse(&form(&[("amount", "0")]), d("2026-09-10")).unwrap_err();
        let msgs: Vec<_> = e.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "请先查找并选择学生（本辖区农户的家庭成员）",
                "请选择学期，如 2026年秋季学期",
                "请填写就读学校",
                "请选择就读层次（中职、高职或技工院校）",
                "请填写年级，如 一年级",
                "补助金额应大于0元，且每学期不超过5,000元"
            ]
        );
        let e = Application::parse(&form(&[("amount", "5000.01"), ("term", "秋季")]), d("2026-09-10")).unwrap_err();
        assert!(e.iter().any(|e| e.field == "amount" && e.message.contains("不超过5,000元")));
        assert!(e.iter().any(|e| e.message == "“秋季”不是有效的学期，应写作 2026年秋季学期"));
    }

    #[test]
    fn an_application_is_checked_then_paid_then_published_and_never_out_of_order() {
        let mut p = Progress { state: State::Applied, applied_on: d("2026-09-10"), checked_on: None, paid_on: None };
        let pay = Step::parse("pay", &form(&[("on", "2026-10-08")]), d("2026-10-08"), Fen(150_000)).unwrap();
        assert_eq!(pay, Step::Pay { on: d("2026-10-08"), amount: Fen(150_000) }, "pays what was applied for");
        assert_eq!(next(&p, &pay, Some(Role::TownshipStaff)).unwrap_err().message, "尚未经乡镇审核，不能发放");
        let publish = Step::Publish { on: d("2026-10-20") };
        assert_eq!(next(&p, &publish, None).unwrap_err().message, "尚未发放，不能公示");
        let check = Step::Check { on: d("2026-09-20"), note: Some("材料齐全".into()) };
        assert_eq!(
            next(&p, &check, Some(Role::VillageWorker)).unwrap_err().message,
            "乡镇审核须由乡镇或区级工作人员办理"
        );
        let early = Step::Check { on: d("2026-09-01"), note: None };
        assert_eq!(
            next(&p, &early, Some(Role::TownshipStaff)).unwrap_err().message,
            "办理日期不能早于申请日期（2026-09-10）"
        );
        p.state = next(&p, &check, Some(Role::TownshipStaff)).unwrap();
        p.checked_on = Some(check.on());
        assert_eq!(p.state, State::Checked);
        p.state = next(&p, &pay, Some(Role::DistrictAdmin)).unwrap();
        p.paid_on = Some(pay.on());
        assert_eq!(next(&p, &publish, Some(Role::VillageWorker)), Ok(State::Published));
        assert_eq!(next(&p, &pay, None).unwrap_err().message, "该申请已是“已发放”，不能再办理此事项");
        assert_eq!(check.label_zh(), "乡镇审核通过：材料齐全");
    }

    #[test]
    fn a_refusal_needs_its_reason_and_ends_the_application() {
        let e = Step::parse("refuse", &form(&[]), d("2026-09-20"), Fen(150_000)).unwrap_err();
        assert_eq!((e[0].field.as_str(), e[0].message.as_str()), ("reason", "不予补助须写明原因"));
        let e = Step::parse("pay", &form(&[("amount", "6000")]), d("2026-09-20"), Fen(150_000)).unwrap_err();
        assert_eq!(e[0].message, "补助金额应大于0元，且每学期不超过5,000元");
        let refuse =
            Step::parse("refuse", &form(&[("reason", "非建档立卡脱贫户或监测户家庭")]), d("2026-09-20"), Fen(1))
                .unwrap();
        let p = Progress { state: State::Applied, applied_on: d("2026-09-10"), checked_on: None, paid_on: None };
        assert_eq!(next(&p, &refuse, Some(Role::TownshipStaff)), Ok(State::Refused));
        let p = Progress { state: State::Refused, ..p };
        let check = Step::Check { on: d("2026-09-21"), note: None };
        assert!(next(&p, &check, None).unwrap_err().message.contains("重新申请"));
        assert_eq!(
            already_applied("王小明", Term::parse("2026秋").unwrap()),
            "王小明在2026年秋季学期已有雨露计划申请，同一学生每学期只能申请一次"
        );
    }
}
