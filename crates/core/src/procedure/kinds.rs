//! The kinds of procedure, as data (shared/DOMAIN.md §3, §4): steps, who acts, deadlines in
//! working days. The defaults follow provincial practice; the district's settings may change
//! the deadlines.

use super::{ProcedureDef, StepDef};
use crate::auth::Role;

const VILLAGE: &[Role] = &[Role::VillageWorker, Role::TownshipStaff];
const TOWNSHIP: &[Role] = &[Role::TownshipStaff];
const COUNTY: &[Role] = &[Role::DistrictAdmin];
const ANNOUNCER: &[Role] = &[Role::DistrictAdmin, Role::TownshipStaff];

const fn step(
    code: &'static str,
    name_zh: &'static str,
    actors: &'static [Role],
    deadline: u32,
    notice_days: Option<u32>,
    review: bool,
) -> StepDef {
    StepDef { code, name_zh, actors, deadline_working_days: Some(deadline), notice_days, notice_working: false, review }
}

/// A step of a project: its notice, if any, in working days; no deadline when `deadline` is 0
/// (实施 lasts as long as the works).
const fn project_step(
    code: &'static str,
    name_zh: &'static str,
    actors: &'static [Role],
    deadline: u32,
    notice_working_days: Option<u32>,
    review: bool,
) -> StepDef {
    StepDef {
        code,
        name_zh,
        actors,
        deadline_working_days: if deadline == 0 { None } else { Some(deadline) },
        notice_days: notice_working_days,
        notice_working: true,
        review,
    }
}

/// 项目库 (制度化立项), once 村申报 has submitted the project with its 绩效目标: 村内公示 (≥ 10 working
/// days) → 乡镇审核 → 县级审定入库 → 入库公告 → 纳入年度计划 → 实施 → 乡镇初验 → 县级验收 → 实施地公告 →
/// 资产移交 → 绩效评价. A review may send it back; 不予批准 at a review is 出库 (with its reason).
pub const PROJECT: ProcedureDef = ProcedureDef {
    code: "project",
    name_zh: "项目入库及实施",
    steps: &[
        project_step("village_notice", "村内公示", VILLAGE, 15, Some(10), false),
        project_step("township_review", "乡镇审核", TOWNSHIP, 10, None, true),
        project_step("county_approval", "县级审定入库", COUNTY, 15, None, true),
        project_step("library_notice", "入库公告", COUNTY, 5, None, false),
        project_step("annual_plan", "纳入年度计划", COUNTY, 20, None, false),
        project_step("implementation", "实施", PROJECT_WORKS, 0, None, false),
        project_step("township_acceptance", "乡镇初验", TOWNSHIP, 10, None, true),
        project_step("county_acceptance", "县级验收", COUNTY, 15, None, true),
        project_step("site_notice", "实施地公告", VILLAGE, 10, None, false),
        project_step("handover", "资产移交", TOWNSHIP, 20, None, false),
        project_step("evaluation", "绩效评价", COUNTY, 30, None, false),
    ],
    total_working_days: None,
};

const PROJECT_WORKS: &[Role] = &[Role::TownshipStaff, Role::VillageWorker];

/// 纳入监测: lead → 入户核实 → 信息比对 → 村级民主评议 → 村内公示 → 乡镇审核 → 县级审批 → 公告,
/// the whole within 20 working days.
pub const IDENTIFICATION: ProcedureDef = ProcedureDef {
    code: "identification",
    name_zh: "纳入监测",
    steps: &[
        step("visit", "入户核实", VILLAGE, 5, None, false),
        step("cross_check", "信息比对", COUNTY, 5, None, false),
        step("appraisal", "村级民主评议", VILLAGE, 3, None, false),
        step("notice", "村内公示", VILLAGE, 7, Some(5), false),
        step("township_review", "乡镇审核", TOWNSHIP, 3, None, true),
        step("county_approval", "县级审批", COUNTY, 3, None, true),
        step("announcement", "公告", ANNOUNCER, 2, None, false),
    ],
    total_working_days: Some(20),
};

/// 风险消除: 入户核实 → 村级民主评议 → 村内公示 → 县级审批 → 公告.
pub const RISK_CLEARING: ProcedureDef = ProcedureDef {
    code: "risk_clearing",
    name_zh: "风险消除",
    steps: &[
        step("visit", "入户核实", VILLAGE, 5, None, false),
        step("appraisal", "村级民主评议", VILLAGE, 3, None, false),
        step("notice", "村内公示", VILLAGE, 7, Some(5), false),
        step("county_approval", "县级审批", COUNTY, 3, None, true),
        step("announcement", "公告", ANNOUNCER, 2, None, false),
    ],
    total_working_days: Some(20),
};

/// 脱贫户年度分类: 村级评议 → 乡镇审核 → 县级审定.
pub const CLASSIFICATION: ProcedureDef = ProcedureDef {
    code: "classification",
    name_zh: "脱贫户年度分类",
    steps: &[
        step("appraisal", "村级民主评议", VILLAGE, 5, None, false),
        step("township_review", "乡镇审核", TOWNSHIP, 5, None, true),
        step("county_approval", "县级审定", COUNTY, 5, None, true),
    ],
    total_working_days: Some(20),
};

/// 贫困户退出 (2014–2020, entered afterwards with its dates): 民主评议 → 公示 (7 days) → 乡镇审核
/// → 县级审定 → 公告.
pub const HISTORICAL_EXIT: ProcedureDef = ProcedureDef {
    code: "historical_exit",
    name_zh: "贫困户退出（历史）",
    steps: &[
        step("appraisal", "村级民主评议", VILLAGE, 5, None, false),
        step("notice", "村内公示", VILLAGE, 10, Some(7), false),
        step("township_review", "乡镇审核", TOWNSHIP, 5, None, true),
        step("county_approval", "县级审定", COUNTY, 5, None, true),
        step("announcement", "公告", ANNOUNCER, 5, None, false),
    ],
    total_working_days: None,
};

pub const ALL: &[&ProcedureDef] = &[&IDENTIFICATION, &RISK_CLEARING, &CLASSIFICATION, &HISTORICAL_EXIT];

pub fn by_code(code: &str) -> Option<&'static ProcedureDef> {
    ALL.iter().copied().find(|d| d.code == code).or((code == PROJECT.code).then_some(&PROJECT))
}
