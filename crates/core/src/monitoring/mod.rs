//! 防止返贫致贫监测: monitoring episodes. A household is identified (纳入), later cleared
//! (风险消除), and may be identified again; each time is an episode of its own, kept for good.

use std::fmt;

use chrono::NaiveDate;

use crate::error::FieldError;
use crate::household::codes::{CodeList, UnknownCode, code_list, same_token};
use crate::household::model::{Fields, parse_date, parse_optional_flag};
use crate::household::{HouseholdId, HouseholdType, MonitoringType};

#[cfg(test)]
mod tests;

pub mod clearing;
pub mod leads;
pub mod rules;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct EpisodeId(pub i64);

code_list! {
    /// 致贫/返贫风险: the monitoring list (DOMAIN §4), not the 2014 致贫原因.
    pub enum MonitoringRisk: "风险类型" {
        Illness => "illness", "因病", "Illness";
        Schooling => "schooling", "因学", "Schooling costs";
        Disability => "disability", "因残", "Disability";
        Flood => "disaster_flood", "因自然灾害（洪涝）", "Natural disaster: flood", ["洪涝", "因洪涝"];
        Geological => "disaster_geological", "因自然灾害（地质灾害）", "Natural disaster: geological", ["地质灾害"];
        Drought => "disaster_drought", "因自然灾害（旱灾）", "Natural disaster: drought", ["旱灾", "因旱"];
        Biological => "disaster_biological", "因自然灾害（生物灾害）", "Natural disaster: biological", ["生物灾害"];
        Weather => "disaster_weather", "因自然灾害（气象灾害）", "Natural disaster: weather", ["气象灾害"];
        Earthquake => "disaster_earthquake", "因自然灾害（地震）", "Natural disaster: earthquake", ["地震"];
        OtherDisaster => "disaster_other", "因自然灾害（其他）", "Natural disaster: other", ["因自然灾害", "因灾"];
        Accident => "accident", "因意外事故", "Accident", ["意外事故"];
        IndustryFailure => "industry_failure", "因产业项目失败", "Failed farm or business project", ["产业项目失败"];
        UnstableWork => "unstable_work", "因务工就业不稳", "Unstable employment", ["务工就业不稳", "就业不稳"];
        LackLabour => "lack_labour", "缺劳动力", "Lack of labour", ["缺劳力"];
        Other => "other", "其他", "Other";
    }
}

code_list! {
    /// How a household came to notice (DOMAIN §4).
    pub enum FoundBy: "发现方式" {
        SelfReport => "self_report", "自主申报", "Applied by the household", ["农户自主申报"];
        CadreCheck => "cadre_check", "干部排查", "Found by cadres", ["干部走访排查", "排查"];
        DepartmentWarning => "department_warning", "部门预警", "Department data warning", ["部门筛查预警", "部门筛查"];
    }
}

code_list! {
    /// 消除方式: how a risk ended.
    pub enum ClearMethod: "消除方式" {
        Assisted => "assisted", "帮扶消除", "Cleared with assistance";
        Natural => "natural", "自然消除", "Cleared naturally";
    }
}

/// 监测对象类型 × 户类型 (DOMAIN §4): 脱贫不稳定户 only for a 脱贫户, 边缘易致贫户 only for a
/// household that is not one, 突发严重困难户 for either.
pub fn check_type(monitoring: MonitoringType, household: HouseholdType) -> Result<(), FieldError> {
    match (monitoring, household) {
        (MonitoringType::Unstable, h) if h != HouseholdType::Tuopin => {
            Err(FieldError::new("monitoring_type", format!("“脱贫不稳定户”只适用于脱贫户，该户是{}", h.label_zh())))
        }
        (MonitoringType::Edge, HouseholdType::Tuopin) => {
            Err(FieldError::new("monitoring_type", "“边缘易致贫户”只适用于非脱贫户，该户是脱贫户"))
        }
        _ => Ok(()),
    }
}

/// 三保障和饮水 problem flags and 整户无劳动能力; each is 未填 (None) until answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ProblemFlags {
    /// 住房不安全.
    pub house_unsafe: Option<bool>,
    /// 有义务教育阶段适龄儿童失学辍学.
    pub out_of_school: Option<bool>,
    /// 有成员未参加基本医疗保险.
    pub no_medical_insurance: Option<bool>,
    /// 饮水不安全.
    pub water_unsafe: Option<bool>,
    /// 整户无劳动能力.
    pub no_labour: Option<bool>,
}

pub const MAX_RISKS: usize = 5;

/// 纳入监测: what the district records when a household is identified.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OpenEpisode {
    pub monitoring_type: MonitoringType,
    pub risks: Vec<MonitoringRisk>,
    pub flags: ProblemFlags,
    /// None only for episodes migrated from the old two-column record.
    pub found_by: Option<FoundBy>,
    pub identified_on: NaiveDate,
    pub reason: String,
}

/// 风险消除: when and how the risk ended, and why.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CloseEpisode {
    pub cleared_on: NaiveDate,
    /// None only for episodes cleared before 消除方式 was recorded.
    pub method: Option<ClearMethod>,
    pub reason: String,
}

/// One episode as stored.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Episode {
    pub id: EpisodeId,
    pub household_id: HouseholdId,
    pub opened: OpenEpisode,
    pub opened_by: Option<String>,
    pub closed: Option<CloseEpisode>,
    pub closed_by: Option<String>,
}

impl Episode {
    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }
}

fn required_date(
    f: &(impl Fields + ?Sized),
    field: &str,
    label: &str,
    today: NaiveDate,
) -> Result<NaiveDate, FieldError> {
    let raw = f.get(field).trim();
    match parse_date(raw) {
        _ if raw.is_empty() => Err(FieldError::new(field, format!("请填写{label}"))),
        Some(d) if d > today => Err(FieldError::new(field, format!("{label}不能晚于今天"))),
        Some(d) => Ok(d),
        None => Err(FieldError::new(field, format!("{label}“{raw}”不是有效日期，请写成 2026-03-15"))),
    }
}

fn reason(f: &(impl Fields + ?Sized), errors: &mut Vec<FieldError>, message: &str) -> String {
    let r = f.get("reason").trim().to_owned();
    if r.is_empty() {
        errors.push(FieldError::new("reason", message));
    }
    crate::text::check_field(errors, "reason", &r);
    r
}

/// Risks separated by 、 , ; or spaces; at most five, no repeats.
pub fn parse_risks(raw: &str) -> Result<Vec<MonitoringRisk>, FieldError> {
    let mut out = Vec::new();
    for part in raw.split(['、', ',', '，', ';', '；', ' ', '|']).map(str::trim).filter(|p| !p.is_empty()) {
        let risk = part.parse::<MonitoringRisk>().map_err(|e| FieldError::new("risks", e.to_string()))?;
        if !out.contains(&risk) {
            out.push(risk);
        }
    }
    if out.len() > MAX_RISKS {
        return Err(FieldError::new("risks", format!("风险类型最多填{MAX_RISKS}项")));
    }
    Ok(out)
}

impl OpenEpisode {
    /// The identification form (or API body): type checked against the household's 户类型,
    /// at least one risk, how the household was found, the date and the reason.
    pub fn parse(
        f: &(impl Fields + ?Sized),
        household: HouseholdType,
        today: NaiveDate,
    ) -> Result<OpenEpisode, Vec<FieldError>> {
        let mut errors = Vec::new();
        let monitoring_type = match f.get("monitoring_type").trim() {
            "" => {
                errors.push(FieldError::new("monitoring_type", "请选择监测对象类型"));
                None
            }
            raw => match raw.parse::<MonitoringType>() {
                Ok(t) => check_type(t, household).map(|()| t).map_err(|e| errors.push(e)).ok(),
                Err(e) => {
                    errors.push(FieldError::new("monitoring_type", e.to_string()));
                    None
                }
            },
        };
        let risks = parse_risks(f.get("risks")).map_err(|e| errors.push(e)).unwrap_or_default();
        if risks.is_empty() && !errors.iter().any(|e| e.field == "risks") {
            errors.push(FieldError::new("risks", "请至少填写一项风险类型"));
        }
        let mut flag = |field: &str| match parse_optional_flag(f.get(field)) {
            Ok(v) => v,
            Err(m) => {
                errors.push(FieldError::new(field, m));
                None
            }
        };
        let flags = ProblemFlags {
            house_unsafe: flag("house_unsafe"),
            out_of_school: flag("out_of_school"),
            no_medical_insurance: flag("no_medical_insurance"),
            water_unsafe: flag("water_unsafe"),
            no_labour: flag("no_labour"),
        };
        let found_by = match f.get("found_by").trim() {
            "" => {
                errors.push(FieldError::new("found_by", "请选择发现方式（自主申报、干部排查或部门预警）"));
                None
            }
            raw => raw.parse::<FoundBy>().map_err(|e| errors.push(FieldError::new("found_by", e.to_string()))).ok(),
        };
        let identified_on = required_date(f, "identified_on", "识别时间", today).map_err(|e| errors.push(e)).ok();
        let reason = reason(f, &mut errors, "请填写纳入监测的理由");
        match (monitoring_type, identified_on) {
            (Some(monitoring_type), Some(identified_on)) if errors.is_empty() => {
                Ok(OpenEpisode { monitoring_type, risks, flags, found_by, identified_on, reason })
            }
            _ => Err(errors),
        }
    }

    /// The rules against the household's earlier episodes: at most one open at a time, and a
    /// new identification not before the last one ended.
    pub fn check_against(&self, earlier: &[Episode]) -> Result<(), FieldError> {
        if let Some(open) = earlier.iter().find(|e| e.is_open()) {
            return Err(FieldError::new(
                "monitoring_type",
                format!(
                    "该户已在监测中（{}，{} 纳入），请先消除风险，再重新识别",
                    open.opened.monitoring_type.label_zh(),
                    open.opened.identified_on
                ),
            ));
        }
        if let Some(last) = earlier.iter().filter_map(|e| e.closed.as_ref()).map(|c| c.cleared_on).max()
            && self.identified_on < last
        {
            return Err(FieldError::new("identified_on", format!("识别时间早于上次风险消除时间（{last}）")));
        }
        Ok(())
    }
}

impl CloseEpisode {
    /// The clearing form: a date not before identification, a 消除方式 and a reason; never for
    /// a household without any labour (整户无劳动能力: it stays monitored under 综合保障).
    pub fn parse(
        f: &(impl Fields + ?Sized),
        open: &Episode,
        today: NaiveDate,
    ) -> Result<CloseEpisode, Vec<FieldError>> {
        let mut errors = Vec::new();
        if !open.is_open() {
            errors.push(FieldError::new("cleared_on", "该监测记录已消除风险"));
        }
        if open.opened.flags.no_labour == Some(true) {
            errors.push(FieldError::new("method", "整户无劳动能力的监测户不能消除风险，应纳入综合保障并继续监测"));
        }
        let cleared_on = required_date(f, "cleared_on", "风险消除时间", today).map_err(|e| errors.push(e)).ok();
        if let Some(on) = cleared_on
            && on < open.opened.identified_on
        {
            errors.push(FieldError::new(
                "cleared_on",
                format!("风险消除时间早于识别时间（{}）", open.opened.identified_on),
            ));
        }
        let method = match f.get("method").trim() {
            "" => {
                errors.push(FieldError::new("method", "请选择消除方式（帮扶消除或自然消除）"));
                None
            }
            raw => raw.parse::<ClearMethod>().map_err(|e| errors.push(FieldError::new("method", e.to_string()))).ok(),
        };
        let reason = reason(f, &mut errors, "请填写风险消除的理由");
        match cleared_on {
            Some(cleared_on) if errors.is_empty() => Ok(CloseEpisode { cleared_on, method, reason }),
            _ => Err(errors),
        }
    }
}

/// An import row's episode: type, identified on, cleared on.
pub type ImportedEpisode = (MonitoringType, Option<NaiveDate>, Option<NaiveDate>);

/// The monitoring columns of an old households.csv (监测对象类型, 风险识别时间, 风险消除时间):
/// one episode, open or already cleared, or none when the type is blank.
pub fn parse_import_columns(
    f: &(impl Fields + ?Sized),
    household: HouseholdType,
    today: NaiveDate,
) -> Result<Option<ImportedEpisode>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut date = |field: &str| -> Option<NaiveDate> {
        let raw = f.get(field).trim();
        if raw.is_empty() {
            return None;
        }
        match parse_date(raw) {
            Some(d) if d > today => {
                errors.push(FieldError::new(field, format!("日期 {d} 晚于今天")));
                None
            }
            Some(d) => Some(d),
            None => {
                errors.push(FieldError::new(field, format!("“{raw}”不是有效日期，请写成 2024-03-15")));
                None
            }
        }
    };
    let identified = date("risk_identified_on");
    let cleared = date("risk_cleared_on");
    let monitoring = match f.get("monitoring_type").trim() {
        "" => None,
        raw => match raw.parse::<MonitoringType>() {
            Ok(t) => check_type(t, household).map(|()| t).map_err(|e| errors.push(e)).ok(),
            Err(e) => {
                errors.push(FieldError::new("monitoring_type", e.to_string()));
                None
            }
        },
    };
    if f.get("monitoring_type").trim().is_empty() && (identified.is_some() || cleared.is_some()) {
        errors.push(FieldError::new("monitoring_type", "填写了风险识别或消除时间，但未填写监测对象类型"));
    }
    if let (Some(a), Some(b)) = (identified, cleared)
        && b < a
    {
        errors.push(FieldError::new("risk_cleared_on", "风险消除时间早于风险识别时间"));
    }
    if errors.is_empty() { Ok(monitoring.map(|t| (t, identified, cleared))) } else { Err(errors) }
}

/// Labels for screens: the risks joined with 、.
pub fn risks_label(risks: &[MonitoringRisk]) -> String {
    risks.iter().map(|r| r.label_zh()).collect::<Vec<_>>().join("、")
}

/// Stored form of the risks: codes joined with commas.
pub fn risks_code(risks: &[MonitoringRisk]) -> Option<String> {
    (!risks.is_empty()).then(|| risks.iter().map(|r| r.code()).collect::<Vec<_>>().join(","))
}

impl fmt::Display for EpisodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
