//! 项目库 (shared/DOMAIN.md §6): a project as the library keeps it — what, where, when, who,
//! with how much, for whom and how they benefit — and its 绩效目标, without which no project
//! enters the library. The money it receives and pays is in [`funds`].

pub mod asset;
pub mod change;
pub mod document;
pub mod funds;
pub mod notice;
pub mod pv;

use crate::area::AreaCode;
use crate::error::FieldError;
use std::fmt;

use crate::household::codes::{CodeList, UnknownCode, code_list, same_token};
use crate::household::model::{Fields, parse_date};
use crate::money::Fen;
use chrono::NaiveDate;

code_list! {
    /// 项目类别.
    pub enum ProjectCategory: "项目类别" {
        Industry => "industry", "产业发展", "Industry", ["产业", "产业类"];
        Employment => "employment", "就业帮扶", "Employment", ["就业", "就业类"];
        RuralConstruction => "rural_construction", "乡村建设", "Rural construction", ["乡村建设行动", "基础设施"];
        Relocation => "relocation", "易地搬迁后扶", "Support after relocation", ["易地搬迁后续扶持"];
        PublicWelfare => "public_welfare", "公益性岗位", "Public-welfare jobs", ["公益岗"];
        Other => "other", "其他", "Other", [];
    }
}

code_list! {
    /// 建设性质.
    pub enum ConstructionNature: "建设性质" {
        New => "new", "新建", "New", [];
        Continued => "continued", "续建", "Continued", [];
        Rebuilt => "rebuilt", "改建", "Rebuilt", [];
        Extended => "extended", "扩建", "Extended", [];
        Repair => "repair", "维修", "Repair", ["维修改造"];
    }
}

code_list! {
    /// 绩效目标的一级指标.
    pub enum TargetLevel: "绩效指标类别" {
        Output => "output", "产出指标", "Output", ["产出"];
        Benefit => "benefit", "效益指标", "Benefit", ["效益"];
        Satisfaction => "satisfaction", "满意度指标", "Satisfaction", ["满意度"];
    }
}

code_list! {
    /// 联农带农: how a household benefits from a project.
    pub enum BenefitKind: "受益方式" {
        Wage => "wage", "务工工资", "Wages", ["务工", "工资"];
        Dividend => "dividend", "入股分红", "Dividend", ["分红", "收益分红"];
        Job => "job", "就业岗位", "Job", ["就业", "公益岗位"];
        Service => "service", "生产服务", "Service", ["服务", "技术服务"];
        LandRent => "land_rent", "土地流转租金", "Land rent", ["土地租金", "流转租金"];
    }
}

/// A household reached by a project: how, how much in the year (if paid in money), what for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenefitData {
    pub household_no: String,
    pub kind: BenefitKind,
    pub year: i32,
    pub amount: Option<Fen>,
    pub note: Option<String>,
}

impl BenefitData {
    /// The form: 户编号, 受益方式 and year required; the amount (元) only for money.
    pub fn parse(f: &(impl Fields + ?Sized), this_year: i32) -> Result<BenefitData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let household_no = crate::household::model::normalise_digits(f.get("household_no").trim());
        if household_no.is_empty() {
            errors.push(FieldError::new("household_no", "请填写受益农户的户编号"));
        }
        let kind = match f.get("kind").trim() {
            "" => {
                errors.push(FieldError::new("kind", "请选择受益方式"));
                None
            }
            raw => raw.parse::<BenefitKind>().map_err(|e| errors.push(FieldError::new("kind", e.to_string()))).ok(),
        };
        let year = match f.get("year").trim().trim_end_matches('年') {
            "" => Some(this_year),
            raw => match raw.parse::<i32>() {
                Ok(y) if (2021..=this_year).contains(&y) => Some(y),
                _ => {
                    errors.push(FieldError::new("year", format!("受益年度应在2021年至{this_year}年之间")));
                    None
                }
            },
        };
        let amount = match f.get("amount").trim() {
            "" => None,
            raw => match Fen::parse_yuan(raw) {
                Ok(v) if v.0 > 0 => Some(v),
                Ok(_) => {
                    errors.push(FieldError::new("amount", "受益金额应大于0；不涉及金额的不填"));
                    None
                }
                Err(e) => {
                    errors.push(FieldError::new("amount", format!("受益金额：{e}")));
                    None
                }
            },
        };
        let note = opt_text(f, "note", "说明", 200, &mut errors);
        match (kind, year) {
            (Some(kind), Some(year)) if errors.is_empty() => Ok(BenefitData { household_no, kind, year, amount, note }),
            _ => Err(errors),
        }
    }
}

/// One 绩效目标: "产出指标 · 新建光伏电站装机容量 ≥ 300 千瓦".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub level: TargetLevel,
    pub indicator: String,
    pub value: String,
    pub unit: String,
}

impl Target {
    /// The target form: its level, the indicator and the value are required; the unit is not.
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<Target, Vec<FieldError>> {
        let mut errors = Vec::new();
        let level = match f.get("level").trim() {
            "" => {
                errors.push(FieldError::new("level", "请选择指标类别（产出指标、效益指标或满意度指标）"));
                None
            }
            raw => raw.parse::<TargetLevel>().map_err(|e| errors.push(FieldError::new("level", e.to_string()))).ok(),
        };
        let text = |k: &str, what: &str, max: usize, errors: &mut Vec<FieldError>| {
            let v = f.get(k).trim().to_owned();
            if v.is_empty() {
                errors.push(FieldError::new(k, format!("请填写{what}")));
            } else if v.chars().count() > max {
                errors.push(FieldError::new(k, format!("{what}不能超过{max}个字")));
            }
            v
        };
        let indicator = text("indicator", "指标名称，如 新建光伏电站装机容量", 60, &mut errors);
        let value = text("value", "指标值，如 ≥300", 30, &mut errors);
        let unit = f.get("unit").trim().to_owned();
        if unit.chars().count() > 10 {
            errors.push(FieldError::new("unit", "计量单位不能超过10个字"));
        }
        match level {
            Some(level) if errors.is_empty() => Ok(Target { level, indicator, value, unit }),
            _ => Err(errors),
        }
    }

    pub fn label_zh(&self) -> String {
        format!("{} · {} {}{}", self.level.label_zh(), self.indicator, self.value, self.unit)
    }
}

/// A project as written into the library. What 村申报 needs beyond the name, the kind, the
/// place and the year may be filled in later; [`missing_for_submission`] says what is still
/// missing before it can be submitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectData {
    pub name: String,
    pub category: ProjectCategory,
    pub area_code: AreaCode,
    pub year: i32,
    pub nature: Option<ConstructionNature>,
    pub start_on: Option<NaiveDate>,
    pub end_on: Option<NaiveDate>,
    /// 责任单位 and 实施单位.
    pub responsible_unit: Option<String>,
    pub implementing_unit: Option<String>,
    /// 建设任务 (what is built or done).
    pub tasks: Option<String>,
    /// 资金规模: the planned investment.
    pub investment: Option<Fen>,
    /// 受益户数: households, of which 脱贫户 and 监测户.
    pub beneficiary_households: Option<u32>,
    pub beneficiary_exited: Option<u32>,
    pub beneficiary_monitored: Option<u32>,
    /// 联农带农机制: how the households benefit.
    pub benefit_mechanism: Option<String>,
    /// 群众参与: the 四议两公开 and who took part.
    pub participation: Option<String>,
    /// 批复文号, once the county has approved it.
    pub approval_no: Option<String>,
}

fn opt_text(
    f: &(impl Fields + ?Sized),
    k: &str,
    what: &str,
    max: usize,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    let v = f.get(k).trim();
    if v.chars().count() > max {
        errors.push(FieldError::new(k, format!("{what}不能超过{max}个字")));
    }
    (!v.is_empty()).then(|| v.to_owned())
}

fn opt_count(f: &(impl Fields + ?Sized), k: &str, what: &str, errors: &mut Vec<FieldError>) -> Option<u32> {
    let v = crate::household::model::normalise_digits(f.get(k).trim());
    let v = v.trim_end_matches('户').trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<u32>() {
        Ok(n) if n <= 1_000_000 => Some(n),
        _ => {
            errors.push(FieldError::new(k, format!("{what}应为不小于0的整数")));
            None
        }
    }
}

impl ProjectData {
    /// The project form. `this_year` bounds the year (2021 to next year).
    pub fn parse(f: &(impl Fields + ?Sized), this_year: i32) -> Result<ProjectData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = f.get("name").trim().to_owned();
        if name.is_empty() {
            errors.push(FieldError::new("name", "请填写项目名称"));
        } else if name.chars().count() > 100 {
            errors.push(FieldError::new("name", "项目名称不能超过100个字"));
        }
        let category = match f.get("category").trim() {
            "" => {
                errors.push(FieldError::new("category", "请选择项目类别"));
                None
            }
            raw => {
                raw.parse::<ProjectCategory>().map_err(|e| errors.push(FieldError::new("category", e.to_string()))).ok()
            }
        };
        let area_code = match f.get("area_code").trim() {
            "" => {
                errors.push(FieldError::new("area_code", "请选择实施地点（乡镇或村）"));
                None
            }
            raw => AreaCode::parse(raw).map_err(|e| errors.push(FieldError::new("area_code", e.to_string()))).ok(),
        };
        let year = match f.get("year").trim().trim_end_matches('年') {
            "" => {
                errors.push(FieldError::new("year", "请填写项目年度"));
                None
            }
            raw => match raw.parse::<i32>() {
                Ok(y) if (2021..=this_year + 1).contains(&y) => Some(y),
                _ => {
                    errors.push(FieldError::new("year", format!("项目年度应在2021年至{}年之间", this_year + 1)));
                    None
                }
            },
        };
        let nature = match f.get("nature").trim() {
            "" => None,
            raw => raw
                .parse::<ConstructionNature>()
                .map_err(|e| errors.push(FieldError::new("nature", e.to_string())))
                .ok(),
        };
        let date = |k: &str, what: &str, errors: &mut Vec<FieldError>| match f.get(k).trim() {
            "" => None,
            raw => parse_date(raw).or_else(|| {
                errors.push(FieldError::new(k, format!("{what}格式应为 2026-03-01")));
                None
            }),
        };
        let start_on = date("start_on", "计划开工日期", &mut errors);
        let end_on = date("end_on", "计划完工日期", &mut errors);
        if let (Some(s), Some(e)) = (start_on, end_on)
            && e < s
        {
            errors.push(FieldError::new("end_on", "计划完工日期不能早于开工日期"));
        }
        let investment = match f.get("investment").trim() {
            "" => None,
            raw => match Fen::parse_yuan(raw) {
                Ok(v) if v.0 > 0 => Some(v),
                Ok(_) => {
                    errors.push(FieldError::new("investment", "资金规模应大于0"));
                    None
                }
                Err(e) => {
                    errors.push(FieldError::new("investment", format!("资金规模：{e}")));
                    None
                }
            },
        };
        let households = opt_count(f, "beneficiary_households", "受益户数", &mut errors);
        let exited = opt_count(f, "beneficiary_exited", "其中脱贫户数", &mut errors);
        let monitored = opt_count(f, "beneficiary_monitored", "其中监测户数", &mut errors);
        if let Some(all) = households
            && exited.unwrap_or(0) + monitored.unwrap_or(0) > all
        {
            errors.push(FieldError::new(
                "beneficiary_exited",
                format!(
                    "脱贫户和监测户合计 {} 户，多于受益户数 {all} 户",
                    exited.unwrap_or(0) + monitored.unwrap_or(0)
                ),
            ));
        }
        let responsible_unit = opt_text(f, "responsible_unit", "责任单位", 60, &mut errors);
        let implementing_unit = opt_text(f, "implementing_unit", "实施单位", 60, &mut errors);
        let tasks = opt_text(f, "tasks", "建设任务", 1000, &mut errors);
        let benefit_mechanism = opt_text(f, "benefit_mechanism", "联农带农机制", 500, &mut errors);
        let participation = opt_text(f, "participation", "群众参与情况", 500, &mut errors);
        let approval_no = opt_text(f, "approval_no", "批复文号", 60, &mut errors);
        match (category, area_code, year) {
            (Some(category), Some(area_code), Some(year)) if errors.is_empty() => Ok(ProjectData {
                name,
                category,
                area_code,
                year,
                nature,
                start_on,
                end_on,
                responsible_unit,
                implementing_unit,
                tasks,
                investment,
                beneficiary_households: households,
                beneficiary_exited: exited,
                beneficiary_monitored: monitored,
                benefit_mechanism,
                participation,
                approval_no,
            }),
            _ => Err(errors),
        }
    }
}

/// What a project still lacks before 村申报 may submit it, in the words of the form: the
/// fields not filled and the 绩效目标 levels without a target. Empty: it may be submitted.
pub fn missing_for_submission(p: &ProjectData, targets: &[Target]) -> Vec<&'static str> {
    let mut missing = Vec::new();
    for (absent, what) in [
        (p.nature.is_none(), "建设性质"),
        (p.start_on.is_none() || p.end_on.is_none(), "计划开工和完工日期"),
        (p.responsible_unit.is_none(), "责任单位"),
        (p.implementing_unit.is_none(), "实施单位"),
        (p.tasks.is_none(), "建设任务"),
        (p.investment.is_none(), "资金规模"),
        (p.beneficiary_households.is_none(), "受益户数"),
        (p.benefit_mechanism.is_none(), "联农带农机制"),
    ] {
        if absent {
            missing.push(what);
        }
    }
    for level in TargetLevel::ALL {
        if !targets.iter().any(|t| t.level == *level) {
            missing.push(level.label_zh());
        }
    }
    missing
}

/// The refusal of a submission, naming what is missing ("" when nothing is).
pub fn submission_refusal(missing: &[&str]) -> String {
    let (targets, fields): (Vec<&str>, Vec<&str>) = missing.iter().partition(|m| m.ends_with("指标"));
    let mut parts = Vec::new();
    if !targets.is_empty() {
        parts.push(format!("缺少绩效目标（{}），没有绩效目标的项目不能入库", targets.join("、")));
    }
    if !fields.is_empty() {
        parts.push(format!("还未填写：{}", fields.join("、")));
    }
    if parts.is_empty() { String::new() } else { format!("不能提交：{}", parts.join("；")) }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn minimal() -> Vec<(&'static str, &'static str)> {
        vec![("name", "板桥镇村级光伏电站"), ("category", "产业发展"), ("area_code", "411702106000"), ("year", "2026")]
    }

    #[test]
    fn a_project_starts_with_its_name_kind_place_and_year() {
        let p = ProjectData::parse(&form(&minimal()), 2026).unwrap();
        assert_eq!((p.category, p.year, p.investment), (ProjectCategory::Industry, 2026, None));
        let e = ProjectData::parse(&form(&[("year", "2030")]), 2026).unwrap_err();
        let msgs: Vec<_> = e.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            ["请填写项目名称", "请选择项目类别", "请选择实施地点（乡镇或村）", "项目年度应在2021年至2027年之间"]
        );
    }

    #[test]
    fn bad_figures_are_named_by_field() {
        let mut f = minimal();
        f.extend([
            ("investment", "30万"),
            ("start_on", "2026-05-01"),
            ("end_on", "2026-04-01"),
            ("beneficiary_households", "20"),
            ("beneficiary_exited", "15"),
            ("beneficiary_monitored", "８"),
        ]);
        let e = ProjectData::parse(&form(&f), 2026).unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["end_on", "investment", "beneficiary_exited"]);
        assert!(e[2].message.contains("脱贫户和监测户合计 23 户，多于受益户数 20 户"), "{}", e[2].message);
    }

    #[test]
    fn a_project_without_performance_targets_cannot_be_submitted_and_the_message_names_them() {
        let p = ProjectData::parse(&form(&minimal()), 2026).unwrap();
        let output = Target::parse(&form(&[
            ("level", "产出指标"),
            ("indicator", "新建光伏电站装机容量"),
            ("value", "≥300"),
            ("unit", "千瓦"),
        ]))
        .unwrap();
        assert_eq!(output.label_zh(), "产出指标 · 新建光伏电站装机容量 ≥300千瓦");
        let missing = missing_for_submission(&p, std::slice::from_ref(&output));
        assert_eq!(
            submission_refusal(&missing),
            "不能提交：缺少绩效目标（效益指标、满意度指标），没有绩效目标的项目不能入库；还未填写：建设性质、\
             计划开工和完工日期、责任单位、实施单位、建设任务、资金规模、受益户数、联农带农机制"
        );
        let mut full = minimal();
        full.extend([
            ("nature", "新建"),
            ("start_on", "2026-03-01"),
            ("end_on", "2026-09-30"),
            ("responsible_unit", "板桥镇人民政府"),
            ("implementing_unit", "板桥镇各村村委会"),
            ("tasks", "在6个村建设村级光伏电站，每站300千瓦"),
            ("investment", "1,260,000"),
            ("beneficiary_households", "180"),
            ("beneficiary_exited", "150"),
            ("beneficiary_monitored", "12"),
            ("benefit_mechanism", "发电收益归村集体，主要用于公益岗位工资和小型公益事业"),
        ]);
        let p = ProjectData::parse(&form(&full), 2026).unwrap();
        assert_eq!(p.investment, Some(Fen(126_000_000)));
        let benefit = Target::parse(&form(&[
            ("level", "效益"),
            ("indicator", "村集体年增收"),
            ("value", "≥20"),
            ("unit", "万元"),
        ]))
        .unwrap();
        let happy =
            Target::parse(&form(&[("level", "满意度"), ("indicator", "受益群众满意度"), ("value", "≥95%")])).unwrap();
        assert_eq!(missing_for_submission(&p, &[output.clone(), benefit.clone()]), ["满意度指标"]);
        assert!(missing_for_submission(&p, &[output, benefit, happy]).is_empty());
        assert_eq!(submission_refusal(&[]), "");
    }

    #[test]
    fn a_benefit_names_the_household_how_and_the_money_if_any() {
        let b = BenefitData::parse(
            &form(&[("household_no", "４１１７０２１０１２０１０００１"), ("kind", "分红"), ("amount", "1,200")]),
            2026,
        )
        .unwrap();
        assert_eq!(
            (b.household_no.as_str(), b.kind, b.year, b.amount),
            ("4117021012010001", BenefitKind::Dividend, 2026, Some(Fen(120_000)))
        );
        let e = BenefitData::parse(&form(&[("year", "2030"), ("amount", "0")]), 2026).unwrap_err();
        let msgs: Vec<_> = e.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "请填写受益农户的户编号",
                "请选择受益方式",
                "受益年度应在2021年至2026年之间",
                "受益金额应大于0；不涉及金额的不填"
            ]
        );
    }

    #[test]
    fn a_target_needs_its_level_indicator_and_value() {
        let e = Target::parse(&form(&[("level", "成效")])).unwrap_err();
        assert_eq!(e.len(), 3);
        assert!(e[0].message.contains("绩效指标类别"), "{}", e[0].message);
    }
}
