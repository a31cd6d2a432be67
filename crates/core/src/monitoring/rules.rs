//! 监测预警规则: versioned rules over the register, each turning a household's figures into a
//! lead (线索) that says which rule, which version, and the figures that triggered it — so that a
//! cadre who reads "2026年1–11月人均纯收入 6 820 元，低于监测范围 8 700 元 1 880 元" knows
//! why without asking. A rule is a pure function of its inputs: the same version on the same
//! data gives the same leads.

use crate::money::Fen;

/// The district's settings the rules read (defaults from provincial practice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSettings {
    /// A household within this many percent above the line is flagged too (易致贫边缘).
    pub margin_percent: u32,
    /// A fall of more than this many percent against the previous period is flagged.
    pub fall_percent: u32,
    /// 合规自付医疗支出 above this (a year) is flagged.
    pub out_of_pocket: Fen,
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings { margin_percent: 10, fall_percent: 30, out_of_pocket: Fen(2_000_000) }
    }
}

/// What a visit may report that calls for a look (走访发现).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum VisitReport {
    Illness,
    Disaster,
    Accident,
    LabourLost,
}

impl VisitReport {
    pub const ALL: &'static [VisitReport] =
        &[VisitReport::Illness, VisitReport::Disaster, VisitReport::Accident, VisitReport::LabourLost];

    /// The stored code: `illness`, `disaster`, `accident`, `labour_lost`.
    pub fn code(self) -> &'static str {
        match self {
            VisitReport::Illness => "illness",
            VisitReport::Disaster => "disaster",
            VisitReport::Accident => "accident",
            VisitReport::LabourLost => "labour_lost",
        }
    }

    /// A code or the Chinese label (因病 …).
    pub fn parse(s: &str) -> Option<VisitReport> {
        let s = s.trim();
        VisitReport::ALL.iter().copied().find(|r| r.code() == s || r.label_zh() == s)
    }

    pub fn label_en(self) -> &'static str {
        match self {
            VisitReport::Illness => "Illness",
            VisitReport::Disaster => "Natural disaster",
            VisitReport::Accident => "Accident",
            VisitReport::LabourLost => "Lost labour",
        }
    }

    /// 走访发现 as stored: `None` is 未填 (NULL), an empty list is 无 (`none`), otherwise the
    /// codes joined by commas in a fixed order.
    pub fn store_list(list: Option<&[VisitReport]>) -> Option<String> {
        let list = list?;
        if list.is_empty() {
            return Some(NONE_CODE.into());
        }
        let mut sorted = list.to_vec();
        sorted.sort();
        sorted.dedup();
        Some(sorted.iter().map(|r| r.code()).collect::<Vec<_>>().join(","))
    }

    /// Reads a list as typed or stored: blank is 未填 (`Ok(None)`), `none` / 无 is nothing found
    /// (`Ok(Some([]))`), otherwise codes or labels separated by commas.
    pub fn parse_list(text: &str) -> Result<Option<Vec<VisitReport>>, String> {
        let parts: Vec<&str> = text.split([',', '，', '、']).map(str::trim).filter(|p| !p.is_empty()).collect();
        if parts.is_empty() {
            return Ok(None);
        }
        if parts.iter().any(|p| *p == NONE_CODE || *p == "无") {
            return if parts.len() == 1 {
                Ok(Some(Vec::new()))
            } else {
                Err("走访发现选了“无”，就不能再选其他项".into())
            };
        }
        let mut out = Vec::new();
        for p in parts {
            out.push(VisitReport::parse(p).ok_or_else(|| format!("“{p}”不是走访发现的选项"))?);
        }
        out.sort();
        out.dedup();
        Ok(Some(out))
    }
}

/// How 走访发现 “无” is stored.
pub const NONE_CODE: &str = "none";

impl serde::Serialize for VisitReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl VisitReport {
    pub fn label_zh(self) -> &'static str {
        match self {
            VisitReport::Illness => "因病",
            VisitReport::Disaster => "因自然灾害",
            VisitReport::Accident => "因意外事故",
            VisitReport::LabourLost => "缺劳动力",
        }
    }
}

/// A household's figures, as the register holds them on the day the rules run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdFacts {
    pub household_no: String,
    /// Already monitored (an open episode): no lead, it is being followed.
    pub monitored: bool,
    /// The period the income is of, as users name it ("2026年1–11月").
    pub period: String,
    pub income_per_person: Option<Fen>,
    /// The previous period's, to see a fall.
    pub previous_income_per_person: Option<Fen>,
    /// The year's 监测范围 for the household's area.
    pub line: Option<Fen>,
    pub out_of_pocket: Option<Fen>,
    /// Visits since the last run that reported something (date as text, what).
    pub visit_reports: Vec<(String, VisitReport)>,
    /// Members able to work now, and at the last run.
    pub able_workers: Option<u32>,
    pub able_workers_before: Option<u32>,
}

/// A lead: which household, which rule of which version, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Lead {
    pub household_no: String,
    pub rule: &'static str,
    pub version: u32,
    pub reason: String,
}

/// One rule: its id, version and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub version: u32,
    pub name_zh: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule { id: "income_below_line", version: 1, name_zh: "人均纯收入低于监测范围" },
    Rule { id: "income_near_line", version: 1, name_zh: "人均纯收入略高于监测范围" },
    Rule { id: "income_fall", version: 1, name_zh: "人均纯收入大幅下降" },
    Rule { id: "out_of_pocket", version: 1, name_zh: "合规自付医疗支出较大" },
    Rule { id: "visit_report", version: 1, name_zh: "走访发现风险" },
    Rule { id: "lost_last_worker", version: 1, name_zh: "家中已无劳动力" },
];

fn yuan(f: Fen) -> String {
    f.display_whole_yuan()
}

fn lead(h: &HouseholdFacts, id: &'static str, reason: String) -> Lead {
    let version = RULES.iter().find(|r| r.id == id).map_or(0, |r| r.version);
    Lead { household_no: h.household_no.clone(), rule: id, version, reason }
}

/// The leads the rules find in one household (none for a household already monitored).
pub fn leads_for(h: &HouseholdFacts, s: &RuleSettings) -> Vec<Lead> {
    let mut out = Vec::new();
    if h.monitored {
        return out;
    }
    if let (Some(inc), Some(line)) = (h.income_per_person, h.line) {
        if inc < line {
            out.push(lead(
                h,
                "income_below_line",
                format!(
                    "{}人均纯收入 {}，低于监测范围 {} {}",
                    h.period,
                    yuan(inc),
                    yuan(line),
                    yuan(Fen(line.0 - inc.0))
                ),
            ));
        } else if i128::from(inc.0) * 100 <= i128::from(line.0) * i128::from(100 + s.margin_percent) {
            out.push(lead(
                h,
                "income_near_line",
                format!(
                    "{}人均纯收入 {}，仅高于监测范围 {} {}（在 {}% 以内）",
                    h.period,
                    yuan(inc),
                    yuan(line),
                    yuan(Fen(inc.0 - line.0)),
                    s.margin_percent
                ),
            ));
        }
    }
    if let (Some(inc), Some(prev)) = (h.income_per_person, h.previous_income_per_person)
        && prev.0 > 0
        && inc < prev
    {
        let fall = (i128::from(prev.0 - inc.0) * 100 / i128::from(prev.0)) as u32;
        if fall > s.fall_percent {
            out.push(lead(
                h,
                "income_fall",
                format!(
                    "{}人均纯收入 {}，比上期 {} 下降 {fall}%（超过 {}%）",
                    h.period,
                    yuan(inc),
                    yuan(prev),
                    s.fall_percent
                ),
            ));
        }
    }
    if let Some(paid) = h.out_of_pocket
        && paid > s.out_of_pocket
    {
        out.push(lead(h, "out_of_pocket", format!("合规自付医疗支出 {}，超过 {}", yuan(paid), yuan(s.out_of_pocket))));
    }
    let mut reports = h.visit_reports.clone();
    reports.sort();
    for (on, what) in reports {
        out.push(lead(h, "visit_report", format!("{on} 走访记录：{}", what.label_zh())));
    }
    if h.able_workers == Some(0) && h.able_workers_before.is_some_and(|n| n > 0) {
        out.push(lead(h, "lost_last_worker", "家中最后一名有劳动能力的成员已不能劳动（或已减员）".into()));
    }
    out
}

/// The leads over many households, in a fixed order (household number, rule).
pub fn run(households: &[HouseholdFacts], s: &RuleSettings) -> Vec<Lead> {
    let mut all: Vec<Lead> = households.iter().flat_map(|h| leads_for(h, s)).collect();
    all.sort();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(no: &str) -> HouseholdFacts {
        HouseholdFacts {
            household_no: no.into(),
            monitored: false,
            period: "2026年1–11月".into(),
            income_per_person: Some(Fen(1_200_000)),
            previous_income_per_person: Some(Fen(1_150_000)),
            line: Some(Fen(870_000)),
            out_of_pocket: Some(Fen(300_000)),
            visit_reports: vec![],
            able_workers: Some(2),
            able_workers_before: Some(2),
        }
    }

    #[test]
    fn each_rule_says_what_triggered_it_with_the_figures() {
        let s = RuleSettings::default();
        let mut h = facts("4117021012010001");
        h.income_per_person = Some(Fen(682_000));
        h.previous_income_per_person = Some(Fen(1_100_000));
        h.out_of_pocket = Some(Fen(2_300_000));
        h.visit_reports = vec![("2026-11-20".into(), VisitReport::Illness)];
        h.able_workers = Some(0);
        let reasons: Vec<(&str, u32, String)> =
            leads_for(&h, &s).into_iter().map(|l| (l.rule, l.version, l.reason)).collect();
        assert_eq!(
            reasons,
            vec![
                ("income_below_line", 1, "2026年1–11月人均纯收入 6 820 元，低于监测范围 8 700 元 1 880 元".into()),
                ("income_fall", 1, "2026年1–11月人均纯收入 6 820 元，比上期 11 000 元 下降 38%（超过 30%）".into()),
                ("out_of_pocket", 1, "合规自付医疗支出 23 000 元，超过 20 000 元".into()),
                ("visit_report", 1, "2026-11-20 走访记录：因病".into()),
                ("lost_last_worker", 1, "家中最后一名有劳动能力的成员已不能劳动（或已减员）".into()),
            ]
        );
        let mut near = facts("4117021012010002");
        near.income_per_person = Some(Fen(920_000));
        let l = leads_for(&near, &s);
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].reason, "2026年1–11月人均纯收入 9 200 元，仅高于监测范围 8 700 元 500 元（在 10% 以内）");
    }

    #[test]
    fn a_household_doing_well_or_already_monitored_gives_no_lead_and_a_blank_figure_triggers_nothing() {
        let s = RuleSettings::default();
        assert!(leads_for(&facts("1"), &s).is_empty());
        let mut m = facts("2");
        m.income_per_person = Some(Fen(500_000));
        m.monitored = true;
        assert!(leads_for(&m, &s).is_empty(), "already followed");
        let mut blank = facts("3");
        blank.income_per_person = None;
        blank.out_of_pocket = None;
        blank.able_workers = None;
        assert!(leads_for(&blank, &s).is_empty(), "no figure, no guess");
        // The settings move the thresholds: 9 700 元 is 11.5% above 8 700 元.
        let mut near = facts("4");
        near.income_per_person = Some(Fen(970_000));
        assert!(leads_for(&near, &s).is_empty(), "outside the 10% margin");
        assert_eq!(leads_for(&near, &RuleSettings { margin_percent: 15, ..s }).len(), 1, "inside a 15% one");
    }

    #[test]
    fn visit_findings_keep_blank_apart_from_none_and_read_codes_or_labels() {
        assert_eq!(VisitReport::parse_list("  "), Ok(None), "未填");
        assert_eq!(VisitReport::parse_list("无"), Ok(Some(vec![])));
        assert_eq!(VisitReport::parse_list("none"), Ok(Some(vec![])));
        assert_eq!(
            VisitReport::parse_list("labour_lost,因病"),
            Ok(Some(vec![VisitReport::Illness, VisitReport::LabourLost]))
        );
        assert!(VisitReport::parse_list("无,因病").is_err());
        assert!(VisitReport::parse_list("因学").unwrap_err().contains("因学"));
        assert_eq!(VisitReport::store_list(None), None);
        assert_eq!(VisitReport::store_list(Some(&[])).as_deref(), Some("none"));
        assert_eq!(
            VisitReport::store_list(Some(&[VisitReport::Accident, VisitReport::Illness])).as_deref(),
            Some("illness,accident")
        );
        for r in VisitReport::ALL {
            assert_eq!(VisitReport::parse(r.code()), Some(*r));
            assert_eq!(VisitReport::parse(r.label_zh()), Some(*r));
        }
    }

    #[test]
    fn the_same_version_on_the_same_data_gives_the_same_leads_in_the_same_order() {
        let s = RuleSettings::default();
        let mut a = facts("4117021012010002");
        a.income_per_person = Some(Fen(700_000));
        let mut b = facts("4117021012010001");
        b.visit_reports =
            vec![("2026-11-21".into(), VisitReport::Accident), ("2026-11-02".into(), VisitReport::Disaster)];
        let first = run(&[a.clone(), b.clone()], &s);
        let again = run(&[b, a], &s);
        assert_eq!(first, again);
        assert_eq!(first[0].household_no, "4117021012010001");
        assert_eq!(first[0].reason, "2026-11-02 走访记录：因自然灾害");
    }
}
