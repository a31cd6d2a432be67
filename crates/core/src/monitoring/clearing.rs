//! 风险消除的条件: what every reviewer of a risk clearing is shown, each condition with the figure
//! it was judged on (shared/DOMAIN.md §4). A condition not known (未填) is not met: the clearing
//! waits for the answer instead of assuming it.

use chrono::{Datelike, NaiveDate};

use super::ProblemFlags;
use crate::money::Fen;

/// What the conditions are judged on, read from the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClearingInputs {
    pub today: NaiveDate,
    /// When the episode was identified.
    pub identified_on: NaiveDate,
    /// The year's 监测范围 for the household's area, if entered.
    pub line: Option<(i32, Fen)>,
    /// Net income per person of the last 12 months, if recorded.
    pub income_per_person: Option<Fen>,
    /// Months in a row, up to today, whose recorded income was above the line (None: no
    /// monthly record to tell).
    pub months_above_line: Option<u32>,
    /// 刚性支出 (medical bills, schooling…) resolved, as the home check found.
    pub rigid_expense_resolved: Option<bool>,
    /// The episode's 三保障和饮水 flags and 整户无劳动能力.
    pub flags: ProblemFlags,
    /// Measures that go on after clearing (小额信贷, 公益岗, 雨露计划): shown, not blocking.
    pub continuing_measures: Vec<String>,
}

/// Whether a condition holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Met,
    NotMet,
    /// Not known: 未填. Counts as not met.
    Unknown,
    /// Shown for the reviewer, neither met nor not.
    Note,
}

/// One condition, as the reviewer reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub code: &'static str,
    pub label_zh: &'static str,
    pub check: Check,
    /// The figure it was judged on, in a sentence.
    pub figure: String,
}

fn yuan(f: Fen) -> String {
    f.display_whole_yuan()
}

fn months_between(from: NaiveDate, to: NaiveDate) -> i32 {
    let mut m = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    if to.day() < from.day() {
        m -= 1;
    }
    m
}

fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// The conditions of a risk clearing, in the order reviewers read them.
pub fn clearing_conditions(i: &ClearingInputs) -> Vec<Condition> {
    let mut out = Vec::new();
    let income = match (i.income_per_person, i.line) {
        (Some(inc), Some((year, line))) if inc > line => Condition {
            code: "income",
            label_zh: "人均纯收入高于监测范围",
            check: Check::Met,
            figure: format!(
                "近12个月人均纯收入 {}，高于{year}年监测范围 {} {}",
                yuan(inc),
                yuan(line),
                yuan(Fen(inc.0 - line.0))
            ),
        },
        (Some(inc), Some((year, line))) => Condition {
            code: "income",
            label_zh: "人均纯收入高于监测范围",
            check: Check::NotMet,
            figure: format!(
                "近12个月人均纯收入 {}，低于{year}年监测范围 {} {}",
                yuan(inc),
                yuan(line),
                yuan(Fen(line.0 - inc.0))
            ),
        },
        (None, _) => Condition {
            code: "income",
            label_zh: "人均纯收入高于监测范围",
            check: Check::Unknown,
            figure: "未登记近12个月的收入".into(),
        },
        (Some(_), None) => Condition {
            code: "income",
            label_zh: "人均纯收入高于监测范围",
            check: Check::Unknown,
            figure: format!("未设定{}年的监测范围", i.today.year()),
        },
    };
    out.push(income);
    out.push(match i.months_above_line {
        Some(m) => Condition {
            code: "stable",
            label_zh: "收入稳定高于监测范围满6个月",
            check: if m >= 6 { Check::Met } else { Check::NotMet },
            figure: format!("已连续 {m} 个月高于监测范围"),
        },
        None => Condition {
            code: "stable",
            label_zh: "收入稳定高于监测范围满6个月",
            check: Check::Unknown,
            figure: "没有按月的收入记录，无法判断是否稳定".into(),
        },
    });
    let months = months_between(i.identified_on, i.today);
    out.push(Condition {
        code: "months",
        label_zh: "纳入监测满6个月",
        check: if months >= 6 { Check::Met } else { Check::NotMet },
        figure: format!("{}纳入监测，已 {} 个月", date_zh(i.identified_on), months.max(0)),
    });
    out.push(match i.rigid_expense_resolved {
        Some(true) => Condition {
            code: "rigid",
            label_zh: "刚性支出问题已解决",
            check: Check::Met,
            figure: "入户核实：已解决".into(),
        },
        Some(false) => Condition {
            code: "rigid",
            label_zh: "刚性支出问题已解决",
            check: Check::NotMet,
            figure: "入户核实：尚未解决".into(),
        },
        None => {
            Condition {
                code: "rigid", label_zh: "刚性支出问题已解决", check: Check::Unknown, figure: "未填".into()
            }
        }
    });
    let f = &i.flags;
    let problems: Vec<(&str, Option<bool>)> = vec![
        ("住房不安全", f.house_unsafe),
        ("适龄儿童失学辍学", f.out_of_school),
        ("有成员未参加基本医疗保险", f.no_medical_insurance),
        ("饮水不安全", f.water_unsafe),
    ];
    let open: Vec<&str> = problems.iter().filter(|(_, v)| *v == Some(true)).map(|(n, _)| *n).collect();
    let unknown: Vec<&str> = problems.iter().filter(|(_, v)| v.is_none()).map(|(n, _)| *n).collect();
    out.push(Condition {
        code: "guarantees",
        label_zh: "三保障和饮水安全有保障",
        check: if !open.is_empty() {
            Check::NotMet
        } else if !unknown.is_empty() {
            Check::Unknown
        } else {
            Check::Met
        },
        figure: if !open.is_empty() {
            format!("仍有问题：{}", open.join("、"))
        } else if !unknown.is_empty() {
            format!("未填：{}", unknown.join("、"))
        } else {
            "住房、义务教育、基本医疗、饮水均有保障".into()
        },
    });
    out.push(match f.no_labour {
        Some(true) => Condition {
            code: "labour",
            label_zh: "不是整户无劳动能力",
            check: Check::NotMet,
            figure: "整户无劳动能力：不能风险消除，应纳入综合保障并继续监测".into(),
        },
        Some(false) => Condition {
            code: "labour",
            label_zh: "不是整户无劳动能力",
            check: Check::Met,
            figure: "家中有劳动能力的成员".into(),
        },
        None => {
            Condition {
                code: "labour", label_zh: "不是整户无劳动能力", check: Check::Unknown, figure: "未填".into()
            }
        }
    });
    if !i.continuing_measures.is_empty() {
        out.push(Condition {
            code: "continuing",
            label_zh: "消除后继续的措施",
            check: Check::Note,
            figure: i.continuing_measures.join("、"),
        });
    }
    out
}

/// Whether the risk may be cleared: `Err` names the first condition not met, with its figure.
pub fn may_clear(conditions: &[Condition]) -> Result<(), String> {
    match conditions.iter().find(|c| matches!(c.check, Check::NotMet | Check::Unknown)) {
        None => Ok(()),
        Some(c) => Err(format!("不能风险消除：{}（{}）", c.label_zh, c.figure)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn cleared_household() -> ClearingInputs {
        ClearingInputs {
            today: d(2026, 12, 3),
            identified_on: d(2026, 3, 10),
            line: Some((2026, Fen(870_000))),
            income_per_person: Some(Fen(912_000)),
            months_above_line: Some(7),
            rigid_expense_resolved: Some(true),
            flags: ProblemFlags {
                house_unsafe: Some(false),
                out_of_school: Some(false),
                no_medical_insurance: Some(false),
                water_unsafe: Some(false),
                no_labour: Some(false),
            },
            continuing_measures: vec!["小额信贷（至2027年6月）".into()],
        }
    }

    #[test]
    fn a_household_meeting_every_condition_may_be_cleared_and_each_figure_is_shown() {
        let c = clearing_conditions(&cleared_household());
        assert_eq!(may_clear(&c), Ok(()));
        let figures: Vec<&str> = c.iter().map(|c| c.figure.as_str()).collect();
        assert_eq!(
            figures,
            vec![
                "近12个月人均纯收入 9 120 元，高于2026年监测范围 8 700 元 420 元",
                "已连续 7 个月高于监测范围",
                "2026年3月10日纳入监测，已 8 个月",
                "入户核实：已解决",
                "住房、义务教育、基本医疗、饮水均有保障",
                "家中有劳动能力的成员",
                "小额信贷（至2027年6月）",
            ]
        );
        assert_eq!(c.last().unwrap().check, Check::Note, "continuing measures do not block");
    }

    #[test]
    fn a_refusal_names_the_first_condition_not_met_with_its_figure() {
        let mut i = cleared_household();
        i.income_per_person = Some(Fen(682_000));
        assert_eq!(
            may_clear(&clearing_conditions(&i)).unwrap_err(),
            "不能风险消除：人均纯收入高于监测范围（近12个月人均纯收入 6 820 元，低于2026年监测范围 8 700 元 1 880 元）"
        );
        let mut i = cleared_household();
        i.identified_on = d(2026, 7, 1);
        assert_eq!(
            may_clear(&clearing_conditions(&i)).unwrap_err(),
            "不能风险消除：纳入监测满6个月（2026年7月1日纳入监测，已 5 个月）"
        );
        let mut i = cleared_household();
        i.flags.no_labour = Some(true);
        assert_eq!(
            may_clear(&clearing_conditions(&i)).unwrap_err(),
            "不能风险消除：不是整户无劳动能力（整户无劳动能力：不能风险消除，应纳入综合保障并继续监测）"
        );
        let mut i = cleared_household();
        i.flags.water_unsafe = Some(true);
        i.flags.house_unsafe = Some(true);
        assert!(may_clear(&clearing_conditions(&i)).unwrap_err().contains("仍有问题：住房不安全、饮水不安全"));
    }

    #[test]
    fn an_unanswered_question_is_not_taken_as_met() {
        let mut i = cleared_household();
        i.rigid_expense_resolved = None;
        assert_eq!(may_clear(&clearing_conditions(&i)).unwrap_err(), "不能风险消除：刚性支出问题已解决（未填）");
        let mut i = cleared_household();
        i.line = None;
        assert!(may_clear(&clearing_conditions(&i)).unwrap_err().contains("未设定2026年的监测范围"));
        let mut i = cleared_household();
        i.months_above_line = None;
        assert!(may_clear(&clearing_conditions(&i)).unwrap_err().contains("没有按月的收入记录"));
        let mut i = cleared_household();
        i.flags.out_of_school = None;
        assert!(may_clear(&clearing_conditions(&i)).unwrap_err().contains("未填：适龄儿童失学辍学"));
    }
}
