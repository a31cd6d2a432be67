//! What a step records of itself when it is 办结, beside the decision: the village appraisal's
//! meeting (where, how many attended, the votes), the cross-check's hits and how they were
//! resolved, and which papers the step must carry (the household's signed 承诺授权书 at an
//! identification's 入户核实). Kept on the step's event, shown on the timeline, never changed.

use std::collections::BTreeMap;

use super::ProcedureDef;
use super::kinds;
use crate::error::FieldError;
use crate::household::model::Fields;

/// The fields a step records when it is 办结 (all required unless said otherwise).
pub fn record_fields(def: &ProcedureDef, step: &str) -> &'static [&'static str] {
    match (def.code, step) {
        (_, "appraisal") => &["meeting_place", "attendees", "votes_for", "votes_against", "votes_abstain"],
        (c, "cross_check") if c == kinds::IDENTIFICATION.code => &["hits", "hits_resolution"],
        _ => &[],
    }
}

/// The kinds of paper a procedure carries.
pub const ATTACHMENT_KINDS: &[(&str, &str)] = &[
    ("consent", "承诺授权书"),
    ("photo", "现场照片"),
    ("minutes", "会议记录"),
    ("notice_photo", "公示照片"),
    ("other", "其他材料"),
];

/// The Chinese name of an attachment kind ("其他材料" for one not known).
pub fn attachment_kind_zh(kind: &str) -> &'static str {
    ATTACHMENT_KINDS.iter().find(|(k, _)| *k == kind).map_or("其他材料", |(_, zh)| zh)
}

/// The paper a step may not be 办结 without: (kind, the message naming it).
pub fn required_attachment(def: &ProcedureDef, step: &str) -> Option<(&'static str, &'static str)> {
    match (def.code, step) {
        (c, "visit") if c == kinds::IDENTIFICATION.code => {
            Some(("consent", "入户核实须先上传户主（或家庭成员）签字的《承诺授权书》照片：没有授权，不能进行信息比对"))
        }
        _ => None,
    }
}

/// A step's record as kept: field → answer (trimmed, only the step's own fields).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepRecord(pub BTreeMap<String, String>);

impl StepRecord {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn encode(&self) -> String {
        self.0.iter().map(|(k, v)| format!("{k}={}", v.replace(['\n', '\r'], " "))).collect::<Vec<_>>().join("\n")
    }

    pub fn decode(text: &str) -> StepRecord {
        StepRecord(text.lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned())).collect())
    }

    /// One line for the timeline: "评议地点：村委会会议室；参会 32 人，赞成 30 票、反对 1 票、弃权 1 票".
    pub fn summary_zh(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = self.get("meeting_place") {
            parts.push(format!("评议地点：{p}"));
        }
        if let (Some(a), Some(f), Some(x), Some(b)) =
            (self.get("attendees"), self.get("votes_for"), self.get("votes_against"), self.get("votes_abstain"))
        {
            parts.push(format!("参会 {a} 人，赞成 {f} 票、反对 {x} 票、弃权 {b} 票"));
        }
        match self.get("hits") {
            Some("0") => parts.push("比对无疑点".to_owned()),
            Some(n) => {
                parts.push(format!("比对疑点 {n} 条，核实情况：{}", self.get("hits_resolution").unwrap_or("未填")))
            }
            None => {}
        }
        parts.join("；")
    }
}

fn count(f: &(impl Fields + ?Sized), field: &str, label: &str, errors: &mut Vec<FieldError>) -> Option<u32> {
    let raw = f.get(field).trim();
    if raw.is_empty() {
        errors.push(FieldError::new(field, format!("请填写{label}")));
        return None;
    }
    let digits = crate::household::model::normalise_digits(raw);
    match digits.trim_end_matches(['人', '票', '条']).trim().parse::<u32>() {
        Ok(n) if n <= 100_000 => Some(n),
        _ => {
            errors.push(FieldError::new(field, format!("{label}应为不小于0的整数，如 12")));
            None
        }
    }
}

/// Checks what a step records at 办结 and keeps it; a step that records nothing gives an
/// empty record. The appraisal passes only with more than half of those present voting for.
pub fn check_record(def: &ProcedureDef, step: &str, f: &(impl Fields + ?Sized)) -> Result<StepRecord, Vec<FieldError>> {
    let fields = record_fields(def, step);
    let mut errors = Vec::new();
    let mut kept = BTreeMap::new();
    if fields.contains(&"attendees") {
        let place = f.get("meeting_place").trim();
        if place.is_empty() {
            errors.push(FieldError::new("meeting_place", "请填写评议地点，如 村委会会议室"));
        } else if place.chars().count() > 100 {
            errors.push(FieldError::new("meeting_place", "评议地点不能超过100个字"));
        } else {
            kept.insert("meeting_place".to_owned(), place.to_owned());
        }
        let attendees = count(f, "attendees", "参会人数", &mut errors);
        let yes = count(f, "votes_for", "赞成票数", &mut errors);
        let no = count(f, "votes_against", "反对票数", &mut errors);
        let abstain = count(f, "votes_abstain", "弃权票数", &mut errors);
        if let (Some(a), Some(y), Some(n), Some(b)) = (attendees, yes, no, abstain) {
            if a == 0 {
                errors.push(FieldError::new("attendees", "参会人数不能为0"));
            } else if y + n + b > a {
                errors.push(FieldError::new(
                    "votes_for",
                    format!("赞成、反对、弃权合计 {} 票，多于参会人数 {a} 人，请核对", y + n + b),
                ));
            } else if y * 2 <= a {
                errors.push(FieldError::new(
                    "votes_for",
                    format!("赞成 {y} 票，未超过参会人数 {a} 人的一半：评议未通过，不能办结（可撤回本程序并写明理由）"),
                ));
            }
            for (k, v) in [("attendees", a), ("votes_for", y), ("votes_against", n), ("votes_abstain", b)] {
                kept.insert(k.to_owned(), v.to_string());
            }
        }
    }
    if fields.contains(&"hits")
        && let Some(n) = count(f, "hits", "比对疑点条数（无疑点填 0）", &mut errors)
    {
        kept.insert("hits".to_owned(), n.to_string());
        let how = f.get("hits_resolution").trim();
        if n > 0 && how.is_empty() {
            errors.push(FieldError::new(
                "hits_resolution",
                format!("比对有 {n} 条疑点：请写明每条疑点的核实情况，核实清楚后才能办结"),
            ));
        } else if !how.is_empty() {
            kept.insert("hits_resolution".to_owned(), how.to_owned());
        }
    }
    if errors.is_empty() { Ok(StepRecord(kept)) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn messages(e: Vec<FieldError>) -> Vec<String> {
        e.into_iter().map(|e| format!("{}: {}", e.field, e.message)).collect()
    }

    #[test]
    fn an_appraisal_records_where_who_and_the_votes() {
        let r = check_record(
            &kinds::IDENTIFICATION,
            "appraisal",
            &form(&[
                ("meeting_place", " 村委会会议室 "),
                ("attendees", "３２"),
                ("votes_for", "30"),
                ("votes_against", "1票"),
                ("votes_abstain", "1"),
            ]),
        )
        .unwrap();
        assert_eq!(r.summary_zh(), "评议地点：村委会会议室；参会 32 人，赞成 30 票、反对 1 票、弃权 1 票");
        assert_eq!(StepRecord::decode(&r.encode()), r);
    }

    #[test]
    fn an_appraisal_without_its_meeting_or_a_majority_is_not_done() {
        let blank = check_record(&kinds::RISK_CLEARING, "appraisal", &form(&[])).unwrap_err();
        assert_eq!(
            messages(blank),
            [
                "meeting_place: 请填写评议地点，如 村委会会议室",
                "attendees: 请填写参会人数",
                "votes_for: 请填写赞成票数",
                "votes_against: 请填写反对票数",
                "votes_abstain: 请填写弃权票数"
            ]
        );
        let base = [("meeting_place", "村委会"), ("votes_against", "10"), ("votes_abstain", "0")];
        let half = check_record(
            &kinds::CLASSIFICATION,
            "appraisal",
            &form(&[base.as_slice(), &[("attendees", "20"), ("votes_for", "10")]].concat()),
        )
        .unwrap_err();
        assert_eq!(
            messages(half),
            ["votes_for: 赞成 10 票，未超过参会人数 20 人的一半：评议未通过，不能办结（可撤回本程序并写明理由）"]
        );
        let too_many = check_record(
            &kinds::HISTORICAL_EXIT,
            "appraisal",
            &form(&[base.as_slice(), &[("attendees", "15"), ("votes_for", "9")]].concat()),
        )
        .unwrap_err();
        assert_eq!(messages(too_many), ["votes_for: 赞成、反对、弃权合计 19 票，多于参会人数 15 人，请核对"]);
        let not_a_number = check_record(
            &kinds::IDENTIFICATION,
            "appraisal",
            &form(&[base.as_slice(), &[("attendees", "三十"), ("votes_for", "-1")]].concat()),
        )
        .unwrap_err();
        assert_eq!(
            messages(not_a_number),
            ["attendees: 参会人数应为不小于0的整数，如 12", "votes_for: 赞成票数应为不小于0的整数，如 12"]
        );
    }

    #[test]
    fn a_cross_check_with_hits_names_how_each_was_resolved() {
        let clean = check_record(&kinds::IDENTIFICATION, "cross_check", &form(&[("hits", "0")])).unwrap();
        assert_eq!(clean.summary_zh(), "比对无疑点");
        let unresolved = check_record(&kinds::IDENTIFICATION, "cross_check", &form(&[("hits", "2")])).unwrap_err();
        assert_eq!(
            messages(unresolved),
            ["hits_resolution: 比对有 2 条疑点：请写明每条疑点的核实情况，核实清楚后才能办结"]
        );
        let resolved = check_record(
            &kinds::IDENTIFICATION,
            "cross_check",
            &form(&[("hits", "1"), ("hits_resolution", "名下车辆为2009年报废农用车，已注销")]),
        )
        .unwrap();
        assert_eq!(resolved.summary_zh(), "比对疑点 1 条，核实情况：名下车辆为2009年报废农用车，已注销");
        assert!(check_record(&kinds::IDENTIFICATION, "cross_check", &form(&[])).is_err(), "a blank is not 无疑点");
    }

    #[test]
    fn other_steps_record_nothing_and_only_identification_needs_the_consent() {
        for def in kinds::ALL {
            for s in def.steps {
                let r = check_record(def, s.code, &form(&[("meeting_place", "x"), ("hits", "0")]));
                if record_fields(def, s.code).is_empty() {
                    assert_eq!(r, Ok(StepRecord::default()), "{} {}", def.code, s.code);
                }
            }
        }
        assert_eq!(required_attachment(&kinds::IDENTIFICATION, "visit").map(|r| r.0), Some("consent"));
        assert_eq!(required_attachment(&kinds::RISK_CLEARING, "visit"), None);
        assert_eq!(attachment_kind_zh("consent"), "承诺授权书");
    }
}
