//! 帮扶: helping units (帮扶单位), their pairings, and helpers (帮扶责任人) assigned to
//! households. Every poor or monitored household must have exactly one current helper.

use crate::ids::*;
use chrono::NaiveDate;

pub mod approach;
pub mod evidence;
pub mod plan;
pub mod team;
pub mod unit;
pub mod visit;
pub mod worklist;

pub use crate::household::{MeasureKind, MeasureStatus, TeamRole};
pub use approach::MeasureApproach;
pub use plan::{Evidence, Measure, MeasureData, MeasureProgress, Plan, PlanData};
pub use team::{Team, TeamMember, TeamMemberData};
pub use unit::{UnitData, unit_visible};
pub use visit::{Proposal, ProposalState, Visit, VisitData};
pub use worklist::{WorkCounts, WorkReason};

use crate::area::AreaCode;
use crate::error::FieldError;
use crate::household::IdNumber;
use crate::household::model::{Fields, parse_phone};

/// 帮扶单位级别.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitLevel {
    Provincial,
    City,
    County,
    Township,
    Village,
}

impl UnitLevel {
    pub const ALL: &'static [UnitLevel] =
        &[UnitLevel::Provincial, UnitLevel::City, UnitLevel::County, UnitLevel::Township, UnitLevel::Village];

    pub fn code(self) -> &'static str {
        match self {
            UnitLevel::Provincial => "provincial",
            UnitLevel::City => "city",
            UnitLevel::County => "county",
            UnitLevel::Township => "township",
            UnitLevel::Village => "village",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            UnitLevel::Provincial => "省直",
            UnitLevel::City => "市直",
            UnitLevel::County => "县直",
            UnitLevel::Township => "乡镇",
            UnitLevel::Village => "村级",
        }
    }

    pub fn parse(s: &str) -> Option<UnitLevel> {
        let s = s.trim();
        UnitLevel::ALL.iter().copied().find(|l| l.code() == s || l.label_zh() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unit {
    pub id: UnitId,
    pub name: String,
    pub level: UnitLevel,
    pub area_code: AreaCode,
    /// The name of the unit's area, e.g. 驿城区, for lists.
    pub area_name: String,
    /// Starts at 1 and grows by one with every correction; a correction names the version it read.
    pub version: i64,
}

/// 结对帮扶: a unit paired with a township or village for a period.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Pairing {
    pub id: PairingId,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub area_code: AreaCode,
    pub area_name: String,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub note: Option<String>,
}

impl Pairing {
    /// Ending a pairing on `on`: it is still running, and `on` lies between its start and today.
    pub fn check_end(&self, on: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
        if self.end_on.is_some() {
            return Err(FieldError::new("end_on", "该结对已结束"));
        }
        if on < self.start_on || on > today {
            return Err(FieldError::new("end_on", "结束日期应在开始日期之后、今天之前"));
        }
        Ok(())
    }
}

/// A new pairing, as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct PairingData {
    pub unit_id: UnitId,
    pub area_code: AreaCode,
    pub start_on: NaiveDate,
    pub note: Option<String>,
}

impl PairingData {
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<PairingData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let unit_id = f
            .get("unit_id")
            .trim()
            .parse::<UnitId>()
            .map_err(|_| errors.push(FieldError::new("unit_id", "请选择帮扶单位")))
            .ok();
        let area_code = AreaCode::parse(f.get("area_code"))
            .map_err(|_| errors.push(FieldError::new("area_code", "请选择结对的乡镇或村")))
            .ok();
        let start_on = match crate::household::model::parse_date(f.get("start_on")) {
            Some(d) if d > today => {
                errors.push(FieldError::new("start_on", "开始日期不能晚于今天"));
                None
            }
            Some(d) => Some(d),
            None => {
                errors.push(FieldError::new("start_on", "请填写开始日期，如 2025-03-01"));
                None
            }
        };
        let note = Some(f.get("note").trim().to_owned()).filter(|s| !s.is_empty());
        crate::text::check_field(&mut errors, "note", note.as_deref().unwrap_or(""));
        match (unit_id, area_code, start_on) {
            (Some(unit_id), Some(area_code), Some(start_on)) if errors.is_empty() => {
                Ok(PairingData { unit_id, area_code, start_on, note })
            }
            _ => Err(errors),
        }
    }
}

/// 帮扶责任人: a cadre who helps named households.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HelperData {
    pub name: String,
    pub phone: Option<String>,
    pub unit_id: Option<UnitId>,
    pub post: Option<String>,
    /// Checked against the register: a helper may not be a registered poor person.
    #[serde(skip)]
    pub id_number: Option<IdNumber>,
    /// Where the helper works: households they help must lie inside it.
    pub area_code: AreaCode,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Helper {
    pub id: HelperId,
    pub data: HelperData,
}

/// One period of a helper's responsibility for a household.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Assignment {
    pub helper: Helper,
    pub start_on: NaiveDate,
    pub end_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
}

impl HelperData {
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<HelperData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = f.get("name").trim().to_owned();
        if name.is_empty() {
            errors.push(FieldError::new("name", "姓名不能为空"));
        }
        crate::text::check_field(&mut errors, "name", &name);
        let phone = parse_phone("phone", f.get("phone")).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        let id_number = match f.get("id_number").trim() {
            "" => None,
            raw => match IdNumber::parse_as_of(raw, today) {
                Ok(id) => Some(id),
                Err(e) => {
                    errors.push(FieldError::new("id_number", e.to_string()));
                    None
                }
            },
        };
        let area_code = match AreaCode::parse(f.get("area_code")) {
            Ok(a) => Some(a),
            Err(m) => {
                errors.push(FieldError::new("area_code", m));
                None
            }
        };
        let unit_id = match f.get("unit_id").trim() {
            "" => None,
            raw => match raw.parse::<i64>() {
                Ok(id) => Some(id),
                Err(_) => {
                    errors.push(FieldError::new("unit_id", "帮扶单位无效"));
                    None
                }
            },
        };
        let post = Some(f.get("post").trim().to_owned()).filter(|p| !p.is_empty());
        crate::text::check_field(&mut errors, "post", post.as_deref().unwrap_or(""));
        match area_code {
            Some(area_code) if errors.is_empty() => {
                Ok(HelperData { name, phone, unit_id: unit_id.map(UnitId), post, id_number, area_code })
            }
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
    fn a_pairing_ends_once_between_its_start_and_today() {
        let p = Pairing {
            id: PairingId(1),
            unit_id: UnitId(1),
            unit_name: "区农业农村局".into(),
            area_code: AreaCode::parse("411702101000").unwrap(),
            area_name: "沙河店镇".into(),
            start_on: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            end_on: None,
            note: None,
        };
        assert!(p.check_end(today(), today()).is_ok());
        let e = p.check_end(NaiveDate::from_ymd_opt(2024, 12, 31).unwrap(), today()).unwrap_err();
        assert_eq!((e.field.as_str(), e.message.as_str()), ("end_on", "结束日期应在开始日期之后、今天之前"));
        assert!(p.check_end(today().succ_opt().unwrap(), today()).is_err());
        let ended = Pairing { end_on: Some(today()), ..p };
        assert_eq!(ended.check_end(today(), today()).unwrap_err().message, "该结对已结束");
    }

    #[test]
    fn a_helper_needs_a_name_and_an_area_and_a_valid_mobile() {
        let f: HashMap<&str, &str> = [("name", ""), ("area_code", "4117"), ("phone", "12")].into_iter().collect();
        let errs = HelperData::parse(&f, today()).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["name", "phone", "area_code"]);
    }

    #[test]
    fn unit_levels_read_in_chinese() {
        assert_eq!(UnitLevel::parse("县直"), Some(UnitLevel::County));
        assert_eq!(UnitLevel::parse("乡镇").map(UnitLevel::code), Some("township"));
        assert_eq!(UnitLevel::parse("中直"), None);
    }
}
