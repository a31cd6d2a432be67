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
    StepDef { code, name_zh, actors, deadline_working_days: Some(deadline), notice_days, review }
}

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
    ALL.iter().copied().find(|d| d.code == code)
}
