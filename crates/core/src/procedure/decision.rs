//! 程序的决定: what a procedure decides, written down when it starts (the start form's
//! answers, kept as the proposal) and applied only when the last step approves it — the
//! episode opened or closed, the class set. A proposal keeps only the fields its kind asks for
//! and only those the user answered: a blank stays 未填.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use super::ProcedureDef;
use super::kinds;
use crate::error::FieldError;
use crate::household::codes::{CodeList, UnknownCode, code_list, same_token};
use crate::household::model::Fields;

code_list! {
    /// 脱贫户分类 (2026): whether the household's exit is stable.
    pub enum Stability: "脱贫户类别" {
        Stable => "stable", "稳定脱贫户", "Stably out of poverty", ["稳定脱贫"];
        NeedsSupport => "needs_support", "需继续帮扶户", "Needs continued support", ["需继续帮扶"];
    }
}

code_list! {
    /// 劳动能力 of the household as classified.
    pub enum Labour: "劳动能力" {
        Able => "able", "有劳动能力", "Able to work", ["有劳动能力户"];
        Unable => "unable", "无劳动能力", "Unable to work", ["无劳动能力户"];
    }
}

/// A 脱贫户's class for a year (分类管理).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HouseholdClass {
    pub year: i32,
    pub stability: Stability,
    pub labour: Labour,
}

impl HouseholdClass {
    /// "2026年 稳定脱贫户（有劳动能力）".
    pub fn label_zh(&self) -> String {
        format!("{}年 {}（{}）", self.year, self.stability.label_zh(), self.labour.label_zh())
    }

    /// The classification form: the year (2021 onwards, not after `this_year`), the class and
    /// the labour, each required.
    pub fn parse(f: &(impl Fields + ?Sized), this_year: i32) -> Result<HouseholdClass, Vec<FieldError>> {
        let mut errors = Vec::new();
        let year = match f.get("year").trim() {
            "" => {
                errors.push(FieldError::new("year", "请填写分类年度"));
                None
            }
            raw => match raw.trim_end_matches('年').parse::<i32>() {
                Ok(y) if (2021..=this_year).contains(&y) => Some(y),
                _ => {
                    errors.push(FieldError::new("year", format!("分类年度应在2021年至{this_year}年之间")));
                    None
                }
            },
        };
        let stability = match f.get("stability").trim() {
            "" => {
                errors.push(FieldError::new("stability", "请选择类别（稳定脱贫户或需继续帮扶户）"));
                None
            }
            raw => raw.parse::<Stability>().map_err(|e| errors.push(FieldError::new("stability", e.to_string()))).ok(),
        };
        let labour = match f.get("labour").trim() {
            "" => {
                errors.push(FieldError::new("labour", "请选择有无劳动能力"));
                None
            }
            raw => raw.parse::<Labour>().map_err(|e| errors.push(FieldError::new("labour", e.to_string()))).ok(),
        };
        match (year, stability, labour) {
            (Some(year), Some(stability), Some(labour)) if errors.is_empty() => {
                Ok(HouseholdClass { year, stability, labour })
            }
            _ => Err(errors),
        }
    }
}

/// The year a 2014–2020 household exited (贫困户退出, entered afterwards).
pub fn parse_exit_year(f: &(impl Fields + ?Sized)) -> Result<i32, FieldError> {
    match f.get("exit_year").trim().trim_end_matches('年') {
        "" => Err(FieldError::new("exit_year", "请填写脱贫年度")),
        raw => match raw.parse::<i32>() {
            Ok(y) if (2014..=2020).contains(&y) => Ok(y),
            _ => Err(FieldError::new("exit_year", "历史退出的脱贫年度应在2014年至2020年之间")),
        },
    }
}

/// The fields each kind's start form keeps as its proposal.
pub fn proposal_fields(def: &ProcedureDef) -> &'static [&'static str] {
    match def.code {
        c if c == kinds::IDENTIFICATION.code => &[
            "monitoring_type",
            "risks",
            "house_unsafe",
            "out_of_school",
            "no_medical_insurance",
            "water_unsafe",
            "no_labour",
            "found_by",
            "reporter",
            "reason",
            "help_first_reason",
        ],
        c if c == kinds::RISK_CLEARING.code => &[
            "method",
            "reason",
            "rigid_expense_resolved",
            "house_unsafe",
            "out_of_school",
            "no_medical_insurance",
            "water_unsafe",
            "no_labour",
        ],
        c if c == kinds::CLASSIFICATION.code => &["year", "stability", "labour", "reason"],
        c if c == kinds::HISTORICAL_EXIT.code => &["exit_year", "reason"],
        _ => &[],
    }
}

/// What a step's 办结 may answer or correct in the proposal: the collection form at 入户核实
/// (the risks and 三保障和饮水 as found; for a clearing, whether the 刚性支出 is resolved), and
/// the type and risks the county's approval sets.
pub fn step_fields(def: &ProcedureDef, step: &str) -> &'static [&'static str] {
    match (def.code, step) {
        ("identification", "visit") => {
            &["risks", "house_unsafe", "out_of_school", "no_medical_insurance", "water_unsafe", "no_labour"]
        }
        ("identification", "county_approval") => &["monitoring_type", "risks"],
        ("risk_clearing", "visit") => &[
            "rigid_expense_resolved",
            "house_unsafe",
            "out_of_school",
            "no_medical_insurance",
            "water_unsafe",
            "no_labour",
        ],
        _ => &[],
    }
}

/// A proposal as kept: the kind's fields the user answered, trimmed; nothing else.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Proposal(pub BTreeMap<String, String>);

impl Proposal {
    pub fn keep(def: &ProcedureDef, f: &(impl Fields + ?Sized)) -> Proposal {
        Proposal(
            proposal_fields(def)
                .iter()
                .map(|k| ((*k).to_owned(), f.get(k).trim().to_owned()))
                .filter(|(_, v)| !v.is_empty())
                .collect(),
        )
    }

    /// The proposal as form fields, with `extra` (a date the approval sets) on top.
    pub fn fields(&self, extra: &[(&str, String)]) -> HashMap<String, String> {
        let mut m: HashMap<String, String> = self.0.clone().into_iter().collect();
        for (k, v) in extra {
            m.insert((*k).to_owned(), v.clone());
        }
        m
    }

    /// Takes a step's answers into the proposal (only the step's own fields, only those
    /// answered); returns what changed as (field, before, after).
    pub fn amend(
        &mut self,
        def: &ProcedureDef,
        step: &str,
        f: &(impl Fields + ?Sized),
    ) -> Vec<(&'static str, Option<String>, String)> {
        let mut changed = Vec::new();
        for k in step_fields(def, step) {
            let v = f.get(k).trim();
            if v.is_empty() || self.get(k) == Some(v) {
                continue;
            }
            let before = self.0.insert((*k).to_owned(), v.to_owned());
            changed.push((*k, before, v.to_owned()));
        }
        changed
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    /// One line per answered field, for the audit row and the procedure page.
    pub fn encode(&self) -> String {
        self.0.iter().map(|(k, v)| format!("{k}={}", v.replace(['\n', '\r'], " "))).collect::<Vec<_>>().join("\n")
    }

    pub fn decode(text: &str) -> Proposal {
        Proposal(text.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_proposal_keeps_only_what_was_answered_for_its_kind() {
        let f = form(&[("method", "帮扶消除"), ("reason", "  务工收入稳定 "), ("risks", "因病"), ("_csrf", "x")]);
        let p = Proposal::keep(&kinds::RISK_CLEARING, &f);
        assert_eq!(p.get("method"), Some("帮扶消除"));
        assert_eq!(p.get("reason"), Some("务工收入稳定"));
        assert_eq!(p.get("risks"), None, "not a field of 风险消除");
        assert_eq!(Proposal::decode(&p.encode()), p);
        let blank = Proposal::keep(&kinds::IDENTIFICATION, &form(&[("house_unsafe", "")]));
        assert_eq!(blank.get("house_unsafe"), None, "a blank stays 未填");
    }

    #[test]
    fn a_step_amends_only_its_own_fields_and_only_what_was_answered() {
        let mut p =
            Proposal::keep(&kinds::IDENTIFICATION, &form(&[("monitoring_type", "突发严重困难户"), ("reason", "住院")]));
        let found =
            form(&[("risks", "因病、因意外事故"), ("house_unsafe", "否"), ("water_unsafe", ""), ("reason", "改了")]);
        let changed = p.amend(&kinds::IDENTIFICATION, "visit", &found);
        assert_eq!(
            changed,
            vec![("risks", None, "因病、因意外事故".to_owned()), ("house_unsafe", None, "否".to_owned())]
        );
        assert_eq!(p.get("reason"), Some("住院"), "not a field of 入户核实");
        assert_eq!(p.get("water_unsafe"), None, "a blank stays 未填");
        assert!(p.amend(&kinds::IDENTIFICATION, "appraisal", &found).is_empty(), "评议 changes nothing");
    }

    #[test]
    fn a_class_needs_a_year_a_class_and_the_labour() {
        let c = HouseholdClass::parse(
            &form(&[("year", "2026"), ("stability", "需继续帮扶"), ("labour", "有劳动能力")]),
            2026,
        )
        .unwrap();
        assert_eq!(c.label_zh(), "2026年 需继续帮扶户（有劳动能力）");
        let errors = HouseholdClass::parse(&form(&[("year", "2019")]), 2026).unwrap_err();
        let msgs: Vec<_> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            ["分类年度应在2021年至2026年之间", "请选择类别（稳定脱贫户或需继续帮扶户）", "请选择有无劳动能力"]
        );
    }

    #[test]
    fn a_historical_exit_is_of_2014_to_2020() {
        assert_eq!(parse_exit_year(&form(&[("exit_year", "2018年")])), Ok(2018));
        assert_eq!(
            parse_exit_year(&form(&[("exit_year", "2022")])).unwrap_err().message,
            "历史退出的脱贫年度应在2014年至2020年之间"
        );
    }
}
