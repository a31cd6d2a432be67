//! 驻村工作队: a village's work team — members from units, a first secretary or leader,
//! each with a start and end date. A team should have at least 3 members.

use crate::ids::*;
use chrono::NaiveDate;

use crate::area::AreaCode;
use crate::error::FieldError;
use crate::household::TeamRole;
use crate::household::model::{Fields, parse_date, parse_phone};

/// At least 3 members (DOMAIN.md §1).
pub const MIN_TEAM_SIZE: usize = 3;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TeamMemberData {
    pub name: String,
    pub phone: Option<String>,
    pub unit_id: Option<UnitId>,
    pub role: TeamRole,
    pub start_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TeamMember {
    pub id: TeamMemberId,
    pub village_code: AreaCode,
    pub data: TeamMemberData,
    pub unit_name: Option<String>,
    pub end_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
}

impl TeamMember {
    /// Recalling a member (召回) on `on` with `reason`: still stationed, a reason given, and `on`
    /// between the start of the stay and today.
    pub fn check_recall(&self, on: NaiveDate, reason: &str, today: NaiveDate) -> Result<(), FieldError> {
        if reason.trim().is_empty() {
            return Err(FieldError::new("reason", "请填写召回原因"));
        }
        if self.end_on.is_some() {
            return Err(FieldError::new("end_on", "该队员已召回"));
        }
        if on < self.data.start_on || on > today {
            return Err(FieldError::new("end_on", "召回日期应在驻村开始之后、今天之前"));
        }
        Ok(())
    }
}

/// The current members of one village's team.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Team {
    pub village_code: AreaCode,
    pub village_name: String,
    pub members: Vec<TeamMember>,
    /// 重点帮扶村: `None` until the district has named its key villages, then whether this is
    /// one. Work teams are stationed in key villages only.
    pub key_village: Option<bool>,
}

impl Team {
    /// What a township or district officer should look at, in Chinese.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if self.members.is_empty() {
            // Once the key villages are named, only those need a team.
            if self.key_village != Some(false) {
                w.push("未派驻工作队".to_owned());
            }
            return w;
        }
        if self.members.len() < MIN_TEAM_SIZE {
            w.push(format!("工作队仅{}人，不足{MIN_TEAM_SIZE}人", self.members.len()));
        }
        if !self.members.iter().any(|m| matches!(m.data.role, TeamRole::FirstSecretary | TeamRole::Leader)) {
            w.push("未明确第一书记或队长".to_owned());
        }
        w
    }
}

impl TeamMemberData {
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<TeamMemberData, Vec<FieldError>> {
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
        let role = match f.get("role").trim() {
            "" => Some(TeamRole::Member),
            raw => raw.parse::<TeamRole>().map_err(|e| errors.push(FieldError::new("role", e.to_string()))).ok(),
        };
        let unit_id = match f.get("unit_id").trim() {
            "" => None,
            raw => raw.parse::<i64>().map_err(|_| errors.push(FieldError::new("unit_id", "派出单位无效"))).ok(),
        };
        let start_on = match parse_date(f.get("start_on")) {
            Some(d) if d > today => {
                errors.push(FieldError::new("start_on", "驻村开始日期不能晚于今天"));
                None
            }
            Some(d) => Some(d),
            None => {
                errors.push(FieldError::new("start_on", "请填写驻村开始日期，如 2025-03-01"));
                None
            }
        };
        match (role, start_on) {
            (Some(role), Some(start_on)) if errors.is_empty() => {
                Ok(TeamMemberData { name, phone, unit_id: unit_id.map(UnitId), role, start_on })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn member(name: &str, role: TeamRole) -> TeamMember {
        TeamMember {
            id: TeamMemberId(1),
            village_code: AreaCode::parse("411702101201").unwrap(),
            data: TeamMemberData {
                name: name.into(),
                phone: None,
                unit_id: None,
                role,
                start_on: NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(),
            },
            unit_name: None,
            end_on: None,
            end_reason: None,
        }
    }

    #[test]
    fn a_recall_needs_a_reason_a_stationed_member_and_a_date_between_the_start_and_today() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let m = member("张队员", TeamRole::Member);
        assert!(m.check_recall(today, "任期届满", today).is_ok());
        assert_eq!(m.check_recall(today, " ", today).unwrap_err().message, "请填写召回原因");
        let before = NaiveDate::from_ymd_opt(2025, 2, 28).unwrap();
        let e = m.check_recall(before, "任期届满", today).unwrap_err();
        assert_eq!((e.field.as_str(), e.message.as_str()), ("end_on", "召回日期应在驻村开始之后、今天之前"));
        assert!(m.check_recall(today.succ_opt().unwrap(), "任期届满", today).is_err());
        let gone = TeamMember { end_on: Some(today), ..m };
        assert_eq!(gone.check_recall(today, "任期届满", today).unwrap_err().message, "该队员已召回");
    }

    #[test]
    fn a_team_of_two_without_a_leader_gets_two_warnings() {
        let team = Team {
            village_code: AreaCode::parse("411702101201").unwrap(),
            village_name: "陈楼村".into(),
            members: vec![member("甲", TeamRole::Member), member("乙", TeamRole::Member)],
            key_village: None,
        };
        assert_eq!(team.warnings(), vec!["工作队仅2人，不足3人", "未明确第一书记或队长"]);
        let full = Team {
            members: vec![
                member("丙", TeamRole::FirstSecretary),
                member("甲", TeamRole::Member),
                member("乙", TeamRole::Member),
            ],
            ..team
        };
        assert!(full.warnings().is_empty());
    }

    #[test]
    fn a_village_without_a_team_is_flagged_unless_the_district_named_other_key_villages() {
        let empty = |key_village| Team {
            village_code: AreaCode::parse("411702101201").unwrap(),
            village_name: "沙东村".into(),
            members: vec![],
            key_village,
        };
        assert_eq!(empty(None).warnings(), vec!["未派驻工作队"]);
        assert_eq!(empty(Some(true)).warnings(), vec!["未派驻工作队"]);
        assert!(empty(Some(false)).warnings().is_empty());
    }

    #[test]
    fn a_member_starts_on_a_date_not_in_the_future() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let f: HashMap<&str, &str> =
            [("name", "张三"), ("role", "第一书记"), ("start_on", "2027-01-01")].into_iter().collect();
        assert_eq!(TeamMemberData::parse(&f, today).unwrap_err()[0].message, "驻村开始日期不能晚于今天");
    }
}
