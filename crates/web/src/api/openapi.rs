//! The OpenAPI document, built from the route table below and from the domain's own column
//! and code lists, so the document cannot drift from what the API accepts.

use axum::Json;
use axum::response::Html;
use bangfu_core::audit::AuditAction;
use bangfu_core::household::columns::MEMBER_COLUMNS;
use bangfu_core::household::*;
use serde_json::{Map, Value, json};

/// One API route: method, path, summary (Chinese first), query parameters, body schema, success schema.
pub struct ApiRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub query: &'static [(&'static str, &'static str)],
    pub body: Option<fn() -> Value>,
    pub response: fn() -> Value,
}

pub const API_ROUTES: &[ApiRoute] = &[
    ApiRoute {
        method: "get",
        path: "/api/v1/areas",
        summary: "区划查询（限本人管辖范围，按代码排序，至多 limit 条）：按村、乡镇名称或代码前缀 · Find areas by name or code prefix",
        query: &[
            (
                "q",
                "村或乡镇名称的一部分（空格分隔的多个词须都出现在本级或上级名称中），或区划代码前缀 · part of a name, or a code prefix",
            ),
            ("level", "只查某一级：city / county / township / village；不填则本人区划以下各级"),
            ("limit", "条数，1–50，默认20"),
        ],
        body: None,
        response: areas_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/households",
        summary: "农户列表（限本人管辖范围）· List households in the caller's area",
        query: &[
            ("q", "姓名、拼音首字母、证件号码或户编号 · name, pinyin initials, ID number or household number"),
            ("household_type", "户类型 code：tuopin 脱贫户 / monitored 监测户（非脱贫户）/ ordinary 一般农户"),
            ("status", "脱贫状态 code · poverty status"),
            ("attribute", "贫困户属性 code"),
            ("main_cause", "主要致贫原因 code"),
            ("monitoring_type", "监测对象类型 code"),
            ("page", "页码，从1开始"),
            ("page_size", "每页条数，1–200，默认20"),
        ],
        body: None,
        response: household_list_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/households",
        summary: "登记新农户：户的字段同 households.csv，members 同 members.csv（须有一名户主）· Register a household",
        query: &[],
        body: Some(household_input_schema),
        response: household_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/households/{hid}/members",
        summary: "增员（出生、婚入等），须填加入日期和原因 · A member joins",
        query: &[],
        body: Some(member_input_schema),
        response: member_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/households/{hid}/members/{mid}/leave",
        summary: "减员（死亡、婚出、分户等），记录保留 · A member leaves",
        query: &[],
        body: Some(leave_schema),
        response: member_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/households/{hid}/incomes",
        summary: "该户各期收入（分）：期间、该期家庭人口、分项、人均纯收入及与当年监测范围的对照 · The household's incomes with their marks",
        query: &[],
        body: None,
        response: incomes_schema,
    },
    ApiRoute {
        method: "put",
        path: "/api/v1/households/{hid}/incomes/{period}",
        summary: "登记某期收入（元）：period = 年度（2026）或监测口径的截止月份（2026-11，即2025-12至2026-11）；该期已有收入时须 replace: true，否则 409 并返回已登记的数字 · Record a period's income",
        query: &[],
        body: Some(income_schema),
        response: household_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/households/{hid}/status",
        summary: "更正脱贫状态（仅区级管理员；须写原因，保留带日期的变更记录）· Correct the poverty status (district only)",
        query: &[],
        body: Some(status_schema),
        response: household_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/households/{hid}/episodes",
        summary: "该户的监测记录（每次纳入一条，当前在前）· The household's monitoring episodes",
        query: &[],
        body: None,
        response: episodes_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/households/{hid}/episodes",
        summary: "已改为程序办理：返回 409 by_procedure，请用 POST /api/v1/households/{hid}/procedures（kind = identification）· Now by procedure: answers 409",
        query: &[],
        body: Some(open_episode_schema),
        response: episodes_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/households/{hid}/episodes/clear",
        summary: "已改为程序办理：返回 409 by_procedure，请用 POST /api/v1/households/{hid}/procedures（kind = risk_clearing）· Now by procedure: answers 409",
        query: &[],
        body: Some(clear_episode_schema),
        response: episodes_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/procedures",
        summary: "程序列表（限本人管辖范围；办理中的在前，按时限）· Procedures in the caller's area",
        query: &[
            (
                "kind",
                "identification（纳入监测）/ risk_clearing（风险消除）/ classification（脱贫户年度分类）/ historical_exit（贫困户退出，历史）",
            ),
            ("state", "open / approved / refused / withdrawn"),
            ("mine", "true：只列本人角色办理的当前环节（我的待办）"),
            ("page", "页码，每页100条"),
        ],
        body: None,
        response: procedures_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/procedures/{id}",
        summary: "一个程序：拟办事项、当前环节、全部办理记录（含异议及答复）和 version · One procedure with its events",
        query: &[],
        body: None,
        response: procedure_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/procedures/{id}/act",
        summary: "办理当前环节：complete（办结/审核通过，note）、send_back（退回，reason，to 可选）、refuse（不予批准，reason）、withdraw（撤回，reason）、answer（答复异议，receipt、upheld、answer）；办结村级民主评议须附 meeting_place、attendees、votes_for、votes_against、votes_abstain（赞成须过半），办结信息比对须附 hits（无疑点为 0）和 hits_resolution；纳入监测的入户核实须先上传 consent（承诺授权书）；须附读取时的 version，他人已办理则 409 · Act on the current step",
        query: &[],
        body: Some(act_schema),
        response: procedure_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/procedures/{id}/attachments",
        summary: "上传程序材料（multipart/form-data：kind 为 consent 承诺授权书、photo 现场照片、minutes 会议记录、notice_photo 公示照片、other 其他；file 照片或PDF，不超过5MB；note 说明）· Add a paper to a procedure",
        query: &[],
        body: None,
        response: attachment_created_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/procedure-files/{aid}",
        summary: "下载程序材料（限管辖范围）· Download a procedure's paper",
        query: &[],
        body: None,
        response: file_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/projects",
        summary: "项目库：本辖区的项目及其资金（金额为分），year 可选 · Projects with their money",
        query: &[("year", "项目年度")],
        body: None,
        response: projects_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/projects/{id}",
        summary: "一个项目：项目信息、绩效目标、程序记录、受益农户（不含证件号码）、资金记录、项目调整和项目档案（不含文件内容）· One project",
        query: &[],
        body: None,
        response: project_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/assets",
        summary: "扶贫项目资产：本辖区的项目资产（所属项目、类型、产权归属、价值（分）、管护主体和责任人、状态及其变更记录），village 可选 · Project assets",
        query: &[("village", "所在村的区划代码（须在本人管辖范围内）")],
        body: None,
        response: assets_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/fund-allocations",
        summary: "下达的衔接资金及已安排、已拨付、尚未安排（分），year 可选 · Fund allocations",
        query: &[("year", "资金年度")],
        body: None,
        response: projects_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/pv-stations",
        summary: "村级光伏电站（所在村、装机容量、并网日期、产权单位）· Village photovoltaic stations",
        query: &[],
        body: None,
        response: projects_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/pv-stations/{id}",
        summary: "一个电站：季度结算（分）和收益分配方案（核对结果、明细、办理记录；不含证件号码）· One station",
        query: &[],
        body: None,
        response: pv_station_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/training",
        summary: "培训班和座谈会：本辖区的培训（新的在前）及参训人数、户数，year 可选 · Training courses with their counts",
        query: &[("year", "开始日期所在年度")],
        body: None,
        response: projects_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/training/{id}",
        summary: "一期培训：培训信息和参训人员（姓名、户编号、所在村、证书、培训后就业；不含证件号码；null 为未填）· One course with its attendees",
        query: &[],
        body: None,
        response: course_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/yulu",
        summary: "雨露计划：本辖区学生每学期的申请、审核、发放和公示（金额为分，不含证件号码）· Yulu plan applications",
        query: &[
            ("term", "学期，如 2026年秋季学期 或 2026-autumn"),
            (
                "state",
                "办理状态：applied 已申请 / checked 乡镇审核通过 / refused 不予补助 / paid 已发放 / published 已公示",
            ),
        ],
        body: None,
        response: projects_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/households/{hid}/procedures",
        summary: "该户的全部程序（新的在前）· The household's procedures",
        query: &[],
        body: None,
        response: procedures_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/households/{hid}/procedures",
        summary: "发起程序（村、乡镇、区级工作人员）：kind 及拟办事项——纳入监测：monitoring_type、risks、found_by、reporter、reason、三保障和饮水各项、help_first_reason；风险消除：method、reason；年度分类：year、stability、labour；历史退出：exit_year、reason；started_on 可补录 · Start a procedure",
        query: &[],
        body: Some(start_schema),
        response: procedure_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/households/{hid}/head",
        summary: "户主变更：new_head（成员ID）接任；outgoing 为原户主与新户主的关系，或 leaves（原户主同日减员，须写 left_reason）；relations 列出其他每名现有成员与新户主的关系 · Change of head",
        query: &[],
        body: Some(head_schema),
        response: household_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/households/{hid}/split",
        summary: "分户：moving 列出分出的成员及其与新户户主的关系（其中一人为户主；原户主不能分出）；household_no 不填则自动编号；返回新户 · Split off a new household",
        query: &[],
        body: Some(split_schema),
        response: split_response_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/households/{hid}/merge",
        summary: "合户：from_household_no 那一户的全部成员并入本户（relations 为每人与本户户主的关系），那一户注销 · Merge another household into this one",
        query: &[],
        body: Some(merge_schema),
        response: household_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/households/{hid}/deregister",
        summary: "整户注销（自然消亡 / 迁出 / 其他）：现有成员同日减员，记录保留；监测中的农户须先风险消除 · Deregister a household",
        query: &[],
        body: Some(deregister_schema),
        response: household_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/households/{id}",
        summary: "一户的详情：成员（证件号码打码）、年度收入、状态历史 · One household",
        query: &[],
        body: None,
        response: household_schema,
    },
    ApiRoute {
        method: "put",
        path: "/api/v1/households/{id}",
        summary: "更正一户的登记信息（须带读取时的 version；其间他人已修改则 409，说明谁改了哪些字段；未提供的字段保持不变）· Correct a household",
        query: &[],
        body: Some(household_update_schema),
        response: household_schema,
    },
    ApiRoute {
        method: "put",
        path: "/api/v1/households/{hid}/members/{mid}",
        summary: "修改家庭成员（与表单、导入相同的校验；须带读取时的 version，其间他人已修改则 409；每项修改记入审计日志）· Correct a member",
        query: &[],
        body: Some(member_update_schema),
        response: member_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/worklist",
        summary: "待办：管辖范围内没有帮扶责任人的未脱贫、返贫和监测户 · Households without a helper",
        query: &[("page", "页码")],
        body: None,
        response: worklist_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/helpers",
        summary: "管辖范围内的帮扶责任人（按姓名分页，每页200人）· Helpers in the caller's area",
        query: &[("page", "页码，从1开始")],
        body: None,
        response: helpers_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/households/{hid}/helper",
        summary: "指派或更换帮扶责任人（原责任人的帮扶期结束，记录保留）· Assign a helper",
        query: &[],
        body: Some(assign_schema),
        response: helpers_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/worklist/{reason}",
        summary: "待办清单：reason = no_helper 无帮扶责任人 / no_plan 本年度无计划 / overdue_measure 措施逾期 / not_visited 超期未走访 / follow_up_due 后续事项到期 / proposal_pending 变更建议待审核 / plan_overdue 纳入监测超15天无计划 · One worklist",
        query: &[("area", "下级区划代码（须在本人管辖范围内）"), ("page", "页码")],
        body: None,
        response: reason_list_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/worklist-counts",
        summary: "各类待办的户数，合计及按下级区划 · Worklist counts per area",
        query: &[("area", "下级区划代码")],
        body: None,
        response: counts_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/households/{hid}/plans",
        summary: "该户的帮扶计划（含措施和佐证）· The household's plans",
        query: &[],
        body: None,
        response: plans_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/households/{hid}/plans",
        summary: "制定帮扶计划（每户每年一份）· Write a plan",
        query: &[],
        body: Some(plan_input_schema),
        response: plan_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/plans/{pid}/measures",
        summary: "增加帮扶措施（完成期限不早于计划年度）· Add a measure",
        query: &[],
        body: Some(measure_input_schema),
        response: measure_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/measures/{mid}/progress",
        summary: "更新措施进度（取消须写原因）· Update a measure's status",
        query: &[],
        body: Some(progress_schema),
        response: measure_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/measures/{mid}/evidence",
        summary: "上传佐证（multipart/form-data：file 照片或PDF，不超过5MB；note 说明）· Add evidence",
        query: &[],
        body: None,
        response: evidence_created_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/evidence/{eid}",
        summary: "下载佐证文件（限管辖范围）· Download an evidence file",
        query: &[],
        body: None,
        response: file_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/households/{hid}/visits",
        summary: "该户的走访记录 · The household's visits",
        query: &[],
        body: None,
        response: visits_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/households/{hid}/visits",
        summary: "记录走访（可提出状态或监测变更建议，待审核）· Record a visit",
        query: &[],
        body: Some(visit_input_schema),
        response: visit_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/visits/{vid}/follow-up",
        summary: "后续事项办结 · Mark a follow-up done",
        query: &[],
        body: Some(done_schema),
        response: visit_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/visits/{vid}/review",
        summary: "审核变更建议（乡镇、区级；采纳即生效并记入历史）· Review a proposal",
        query: &[],
        body: Some(review_schema),
        response: visit_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/teams",
        summary: "驻村工作队（每村在岗队员及提醒，按村代码分页，每页100村）· Village work teams",
        query: &[("area", "下级区划代码"), ("page", "页码，从1开始")],
        body: None,
        response: teams_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/teams/{village}/members",
        summary: "增加驻村工作队员（乡镇、区级）· Add a team member",
        query: &[],
        body: Some(team_member_schema),
        response: teams_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/pairings",
        summary: "结对帮扶（分页，每页200条）· Pairings",
        query: &[("page", "页码，从1开始")],
        body: None,
        response: pairings_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/pairings",
        summary: "新增结对帮扶（区级管理员）· New pairing",
        query: &[],
        body: Some(pairing_input_schema),
        response: pairing_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/helpers/{id}/retire",
        summary: "帮扶责任人调离（其帮扶的户列入无帮扶责任人待办）· A helper leaves",
        query: &[],
        body: Some(retire_schema),
        response: retire_result_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/audit",
        summary: "审计日志（区级管理员、审计）· The audit log",
        query: &[("username", "用户名"), ("action", "操作 code"), ("page", "页码")],
        body: None,
        response: audit_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/units",
        summary: "帮扶单位（本区及上级单位）· Assistance units of the district and above",
        query: &[],
        body: None,
        response: units_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/units",
        summary: "新增帮扶单位（区级管理员；名称唯一）· New unit (district admin; the name is unique)",
        query: &[],
        body: Some(unit_input_schema),
        response: unit_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/units/{id}",
        summary: "一个帮扶单位 · One unit",
        query: &[],
        body: None,
        response: unit_schema,
    },
    ApiRoute {
        method: "put",
        path: "/api/v1/units/{id}",
        summary: "修改帮扶单位（区级管理员；须带读取时的 version，其间他人已修改则 409；逐项记入审计日志）· Correct a unit (district admin; audited)",
        query: &[],
        body: Some(unit_update_schema),
        response: unit_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/lines",
        summary: "监测范围和贫困线（按年度、区划；含示例值标记）及“接近”幅度 · Lines per year and area",
        query: &[],
        body: None,
        response: lines_schema,
    },
    ApiRoute {
        method: "post",
        path: "/api/v1/lines",
        summary: "新增标准（仅区级账号；须填调整原因，记入调整记录和审计日志）· Enter a line (district only)",
        query: &[],
        body: Some(line_input_schema),
        response: line_schema,
    },
    ApiRoute {
        method: "get",
        path: "/api/v1/lines/{id}",
        summary: "一条标准及其调整记录（谁、何时、调整前后、文号、原因）· One line with its history",
        query: &[],
        body: None,
        response: line_schema,
    },
    ApiRoute {
        method: "put",
        path: "/api/v1/lines/{id}",
        summary: "调整标准的金额、文号、执行日期、示例值标记或说明（类型、年度、区划不变；仅区级账号；须带读取时的 version，他人已调整则 409）· Adjust a line",
        query: &[],
        body: Some(line_adjust_schema),
        response: line_schema,
    },
];

fn areas_schema() -> Value {
    json!({ "type": "object", "properties": { "limit": { "type": "integer" }, "items": { "type": "array", "items": {
        "type": "object", "properties": {
            "code": { "type": "string", "description": "12位区划代码" }, "name": { "type": "string" },
            "level": { "type": "string", "enum": ["province", "city", "county", "township", "village"] },
            "parent_code": { "type": ["string", "null"] }, "parent_name": { "type": ["string", "null"] },
            "label": { "type": "string", "description": "上级名称 · 名称，如“胡庙乡 · 张庄村”" } } } } } })
}

fn unit_input_schema() -> Value {
    let levels: Vec<&str> = bangfu_core::assistance::UnitLevel::ALL.iter().map(|l| l.code()).collect();
    json!({ "type": "object", "required": ["name", "level", "area_code"], "properties": {
        "name": { "type": "string", "description": "单位名称，系统内唯一" },
        "level": { "type": "string", "enum": levels, "description": "省直/市直/县直/乡镇/村级（代码或中文）" },
        "area_code": { "type": "string", "description": "所属区划的12位代码，须在本人管辖范围内" } } })
}

fn unit_schema() -> Value {
    json!({ "type": "object", "properties": {
        "id": { "type": "integer" }, "name": { "type": "string" }, "level": { "type": "string" },
        "area_code": { "type": "string" }, "area_name": { "type": "string" },
        "version": { "type": "integer", "description": "版本号：修改时原样带回" } } })
}

fn units_schema() -> Value {
    json!({ "type": "object", "properties": { "items": { "type": "array", "items": unit_schema() } } })
}

fn enum_of<T: CodeList>() -> Value {
    json!({ "type": "string", "enum": T::all().iter().map(|v| v.code()).collect::<Vec<_>>(),
            "description": format!("{}：{}", T::LIST_NAME_ZH, T::all().iter().map(|v| format!("{}={}", v.code(), v.label_zh())).collect::<Vec<_>>().join("，")) })
}

fn member_field_schema(field: &str) -> Value {
    use bangfu_core::household::columns::{Kind, MEMBER_COLUMNS};
    let Some(c) = MEMBER_COLUMNS.iter().find(|c| c.field == field) else { return json!({ "type": "string" }) };
    let listed = |list: bangfu_core::household::columns::CodeSet| {
        let pairs: Vec<String> = (list.codes)().iter().zip((list.labels)()).map(|(c, l)| format!("{c}={l}")).collect();
        format!("{}：{}", list.name, pairs.join("，"))
    };
    match (field, c.kind) {
        ("id_number", _) => json!({ "type": "string", "maxLength": 20,
            "description": "18位居民身份证号，或20位残疾人证号（身份证号加残疾类别1–7、残疾等级1–4各1位）" }),
        ("migrant_place", Kind::Text { max }) => {
            json!({ "type": "string", "maxLength": max, "description": "务工时间大于0时必填" })
        }
        (_, Kind::Text { max }) => json!({ "type": "string", "maxLength": max }),
        (_, Kind::Code(list)) => json!({ "type": "string", "enum": (list.codes)(), "description": listed(list) }),
        (_, Kind::Codes(list)) => json!({ "type": "array", "items": { "type": "string", "enum": (list.codes)() },
            "description": format!("可多选（健康不与其他同选）；也可写成一个字符串，如 \"残疾,长期慢性病\"。{}", listed(list)) }),
        (_, Kind::Flag) => json!({ "type": ["boolean", "null"], "description": "true 是 / false 否 / null 未填" }),
        (_, Kind::Date) => json!({ "type": "string", "format": "date" }),
        (_, Kind::Integer { min, max }) => json!({ "type": "integer", "minimum": min, "maximum": max }),
        (_, Kind::Decimal) => json!({ "type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$" }),
        (_, Kind::Money) => {
            json!({ "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,2})?$", "description": "元，最多两位小数" })
        }
    }
}

fn member_input_schema() -> Value {
    let mut props = Map::new();
    for c in MEMBER_COLUMNS.iter().filter(|c| c.field != "household_no") {
        let mut s = member_field_schema(c.field);
        if let Some(o) = s.as_object_mut() {
            let d = o
                .get("description")
                .and_then(Value::as_str)
                .map(|d| format!("{} · {d}", c.zh))
                .unwrap_or_else(|| c.zh.to_owned());
            o.insert("description".into(), Value::String(d));
        }
        props.insert(c.field.to_owned(), s);
    }
    let required: Vec<&str> = MEMBER_COLUMNS
        .iter()
        .filter(|c| c.required && c.field != "household_no" && c.field != "id_number")
        .map(|c| c.field)
        .collect();
    json!({ "type": "object", "properties": props, "required": required,
            "description": "代码或中文标签均可；id_number 不填则保留原号码 · codes or Chinese labels; omit id_number to keep it" })
}

fn household_input_schema() -> Value {
    let mut props = Map::new();
    for c in bangfu_core::household::columns::HOUSEHOLD_COLUMNS {
        let schema = if c.field == "household_type" {
            let mut e = enum_of::<HouseholdType>();
            e["description"] = json!(format!("户类型，不填为脱贫户 · {}", e["description"].as_str().unwrap_or("")));
            e
        } else if POVERTY_FIELDS.iter().any(|(f, _)| *f == c.field) {
            json!({ "type": "string", "description": format!("{}（仅脱贫户填写，其他户类型留空）", c.zh) })
        } else {
            json!({ "type": "string", "description": c.zh })
        };
        props.insert(c.field.to_owned(), schema);
    }
    props.insert("members".into(), json!({ "type": "array", "items": member_input_schema() }));
    let required: Vec<&str> =
        bangfu_core::household::columns::HOUSEHOLD_COLUMNS.iter().filter(|c| c.required).map(|c| c.field).collect();
    json!({ "type": "object", "properties": props, "required": required })
}

/// `version`: what a correction must send back, from the GET it was based on.
fn version_property() -> Value {
    json!({ "type": "integer", "minimum": 1,
            "description": "读取该记录时得到的版本号；其间他人保存过则答 409（code = stale）· the version read; 409 if someone saved since" })
}

fn with_version(mut schema: Value) -> Value {
    if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        props.insert("version".into(), version_property());
    }
    if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
        required.push(json!("version"));
    }
    schema
}

fn member_update_schema() -> Value {
    with_version(member_input_schema())
}

fn household_update_schema() -> Value {
    let mut props = Map::new();
    for c in bangfu_core::household::columns::HOUSEHOLD_COLUMNS {
        props.insert(c.field.to_owned(), json!({ "type": ["string", "null"], "description": c.zh }));
    }
    props.insert("version".into(), version_property());
    json!({ "type": "object", "properties": props, "required": ["version"],
            "description": "字段同 households.csv；未提供的字段保持原值，传 \"\" 或 null 清空；脱贫状态和监测类型请用各自的变更接口 · fields left out keep their values" })
}

fn unit_update_schema() -> Value {
    with_version(unit_input_schema())
}

fn event_common() -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("version".into(), json!({ "type": "integer", "description": "读取该户时的 version" }));
    m.insert("effective_on".into(), json!({ "type": "string", "format": "date" }));
    m.insert("reason".into(), json!({ "type": "string" }));
    m
}

fn relations_map(description: &str) -> Value {
    json!({ "type": "object", "description": description, "additionalProperties": enum_of::<bangfu_core::household::Relation>() })
}

fn head_schema() -> Value {
    let mut p = event_common();
    p.insert("new_head".into(), json!({ "type": "integer", "description": "接任户主的成员ID" }));
    p.insert(
        "outgoing".into(),
        json!({ "type": "string", "description": "leaves，或原户主与新户主的关系（如 父母、配偶）" }),
    );
    p.insert("left_reason".into(), json!({ "type": "string", "description": "outgoing 为 leaves 时的减员原因" }));
    p.insert("relations".into(), relations_map("成员ID → 与新户主的关系"));
    json!({ "type": "object", "required": ["version", "new_head", "outgoing", "effective_on", "reason"], "properties": p })
}

fn split_schema() -> Value {
    let mut p = event_common();
    p.insert("moving".into(), relations_map("分出的成员ID → 与新户户主的关系（一人为户主）"));
    p.insert("household_no".into(), json!({ "type": "string", "description": "新户的户编号；不填则自动编号" }));
    json!({ "type": "object", "required": ["version", "moving", "effective_on", "reason"], "properties": p })
}

fn split_response_schema() -> Value {
    json!({ "type": "object", "properties": { "new_household": household_schema() } })
}

fn merge_schema() -> Value {
    let mut p = event_common();
    p.insert("from_household_no".into(), json!({ "type": "string", "description": "并入本户的那一户的户编号" }));
    p.insert("relations".into(), relations_map("并入成员ID → 与本户户主的关系"));
    json!({ "type": "object", "required": ["version", "from_household_no", "relations", "effective_on", "reason"], "properties": p })
}

fn deregister_schema() -> Value {
    let mut p = event_common();
    p.remove("reason");
    p.insert("deregister_reason".into(), json!({ "type": "string", "enum": ["自然消亡", "迁出", "其他"] }));
    p.insert("note".into(), json!({ "type": "string", "description": "说明；注销原因为“其他”时必填" }));
    json!({ "type": "object", "required": ["version", "deregister_reason", "effective_on"], "properties": p })
}

fn leave_schema() -> Value {
    json!({ "type": "object", "required": ["left_on", "reason"], "properties": {
        "left_on": { "type": "string", "format": "date" }, "reason": { "type": "string", "description": "如 死亡、婚出、分户" } } })
}

fn income_schema() -> Value {
    let mut props: Map<String, Value> = IncomeComponent::ALL
        .iter()
        .map(|c| (c.code().to_owned(), json!({ "type": "string", "description": format!("{}（元，最多两位小数；不填为未填，不按0计；有分项时可不填，按分项合计）", c.label_zh()) })))
        .collect();
    props.insert("claims".into(), json!({ "type": "string", "description": "理赔收入（元）" }));
    props.insert("out_of_pocket".into(), json!({ "type": "string", "description": "合规自付支出（元）" }));
    props.insert("household_size".into(), json!({ "type": "integer", "description": "该期家庭人口；不填为现有人口" }));
    props.insert("replace".into(), json!({ "type": "boolean", "description": "替换该期已登记的收入（须先核对）" }));
    props.insert(
        "items".into(),
        json!({ "type": "array", "items": { "type": "object", "required": ["kind", "amount"], "properties": {
        "kind": { "type": "string", "enum": IncomeItemKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>() },
        "amount": { "type": "string", "description": "元" }, "note": { "type": "string" } } } }),
    );
    json!({ "type": "object", "properties": props })
}

fn income_item_schema() -> Value {
    json!({ "type": "object", "properties": {
        "period": { "type": "string", "description": "2026 或 2026-11（截至该月的12个月）" }, "period_label": { "type": "string" },
        "year": { "type": "integer", "description": "对照标准的年度" }, "household_size": { "type": "integer", "description": "该期家庭人口（登记时保存）" },
        "net_per_person_fen": { "type": ["integer", "null"], "description": "人均纯收入（分）= (工资性+生产经营性+财产性+转移性−生产经营性支出+理赔收入−合规自付支出) ÷ 该期家庭人口" },
        "partial": { "type": "boolean", "description": "有未填的项目" },
        "items": { "type": "array", "items": { "type": "object" } },
        "line": { "type": ["object", "null"], "description": "对照的标准（最具体的上级区划的当年监测范围；2020年及以前为贫困线）" },
        "mark": { "type": "object", "properties": { "code": { "type": "string", "enum": ["below", "near", "above", "no_line"] },
            "colour": { "type": "string" }, "label": { "type": "string" }, "margin_percent": { "type": "integer" } } } } })
}

fn incomes_schema() -> Value {
    json!({ "type": "object", "properties": { "items": { "type": "array", "items": income_item_schema() } } })
}

fn line_input_schema() -> Value {
    json!({ "type": "object", "required": ["kind", "year", "amount", "reason"], "properties": {
        "kind": { "type": "string", "enum": ["monitoring", "poverty"], "description": "monitoring 监测范围 / poverty 贫困线" },
        "year": { "type": "integer" }, "area_code": { "type": "string", "description": "12位区划代码；000000000000 或不填为全国" },
        "amount": { "type": "string", "description": "元/人·年" }, "document_no": { "type": "string", "description": "文号" },
        "effective_on": date(), "example": { "type": "boolean", "description": "示例值（非正式标准）" }, "note": { "type": "string" },
        "reason": { "type": "string", "description": "新增或调整的原因" } } })
}

fn line_adjust_schema() -> Value {
    let mut s = line_input_schema();
    s["required"] = json!(["kind", "year", "amount", "reason", "version"]);
    s["properties"]["version"] = json!({ "type": "integer", "description": "读取该标准时的版本号（GET 的 version）" });
    s
}

fn line_schema() -> Value {
    json!({ "type": "object", "properties": { "id": { "type": "integer" }, "data": { "type": "object" },
        "version": { "type": "integer", "description": "版本号：调整时带回" },
        "history": { "type": "array", "items": { "type": "object", "properties": {
            "at": { "type": "string", "format": "date-time" }, "username": { "type": "string" },
            "before": { "type": ["integer", "null"], "description": "分" }, "after": { "type": "integer", "description": "分" },
            "document_no": { "type": ["string", "null"] }, "reason": { "type": "string" } } } } } })
}

fn lines_schema() -> Value {
    json!({ "type": "object", "properties": { "items": { "type": "array", "items": { "type": "object" } },
        "margin_percent": { "type": "integer", "description": "高出标准不足此百分比为“接近”" } } })
}

fn status_schema() -> Value {
    json!({ "type": "object", "required": ["status", "effective_on", "reason"], "properties": {
        "status": enum_of::<PovertyStatus>(), "effective_on": { "type": "string", "format": "date" }, "reason": { "type": "string" } } })
}

fn member_schema() -> Value {
    let mut s = member_input_schema();
    if let Some(props) = s.get_mut("properties").and_then(Value::as_object_mut) {
        props.insert("member_id".into(), json!({ "type": "integer" }));
        props.insert(
            "id_number".into(),
            json!({ "type": "string", "description": "打码的证件号码，如 4117**********123X" }),
        );
        props.insert("left_on".into(), json!({ "type": ["string", "null"], "format": "date" }));
        props.insert("version".into(), json!({ "type": "integer", "description": "版本号：修改时原样带回" }));
    }
    s
}

fn household_list_schema() -> Value {
    json!({ "type": "object", "properties": {
        "total": { "type": "integer" }, "page": { "type": "integer" }, "page_size": { "type": "integer" },
        "items": { "type": "array", "items": { "type": "object", "properties": {
            "id": { "type": "integer" }, "household_no": { "type": "string" }, "village_code": { "type": "string" },
            "head_name": { "type": ["string", "null"] }, "household_type": enum_of::<HouseholdType>(),
            "status": enum_of::<PovertyStatus>(),
            "monitoring_type": enum_of::<MonitoringType>(), "attribute": enum_of::<PovertyAttribute>(),
            "main_cause": enum_of::<PovertyCause>(), "size": { "type": "integer" } } } } } })
}

fn household_schema() -> Value {
    json!({ "type": "object", "properties": {
        "household_id": { "type": "integer" }, "head_name": { "type": ["string", "null"] }, "size": { "type": "integer" },
        "version": { "type": "integer", "description": "版本号：更正时原样带回" },
        "monitoring_type": { "type": ["string", "null"], "description": "当前未消除的监测记录的类型" },
        "deregistered_on": { "type": ["string", "null"], "format": "date", "description": "注销日期；在册为 null" },
        "deregistered_reason": { "type": ["string", "null"], "enum": ["died", "moved_out", "merged", "other", null], "description": "注销原因" },
        "episodes": episodes_schema(),
        "household": { "type": "object", "description": "户的全部登记信息（字段同 households.csv）" },
        "members": { "type": "array", "items": member_schema() },
        "incomes": { "type": "array", "items": income_item_schema() },
        "history": { "type": "array", "items": { "type": "object", "properties": {
            "kind": { "type": "string", "enum": ["status", "monitoring", "head", "split", "split_from", "merge", "merged_into", "deregister"] }, "from_value": { "type": ["string", "null"] },
            "to_value": { "type": ["string", "null"] }, "effective_on": { "type": "string", "format": "date" }, "reason": { "type": "string" } } } } } })
}

fn open_episode_schema() -> Value {
    use bangfu_core::monitoring::{FoundBy, MonitoringRisk};
    let flag = |d: &str| json!({ "type": ["boolean", "null"], "description": format!("{d}；不填为未填") });
    json!({ "type": "object", "required": ["monitoring_type", "risks", "found_by", "identified_on", "reason"], "properties": {
        "monitoring_type": enum_of::<MonitoringType>(),
        "risks": { "type": "array", "maxItems": 5, "items": enum_of::<MonitoringRisk>(), "description": "风险类型，1至5项（也可写成“因病、因学”）" },
        "house_unsafe": flag("住房不安全"), "out_of_school": flag("有适龄儿童失学辍学"),
        "no_medical_insurance": flag("有成员未参加基本医疗保险"), "water_unsafe": flag("饮水不安全"),
        "no_labour": flag("整户无劳动能力"),
        "found_by": enum_of::<FoundBy>(), "identified_on": date(), "reason": { "type": "string" } } })
}

fn clear_episode_schema() -> Value {
    json!({ "type": "object", "required": ["cleared_on", "method", "reason"], "properties": {
        "cleared_on": date(), "method": enum_of::<bangfu_core::monitoring::ClearMethod>(), "reason": { "type": "string" } } })
}

fn procedures_schema() -> Value {
    json!({ "type": "object", "properties": { "items": { "type": "array", "items": { "type": "object", "properties": {
        "id": { "type": "integer" }, "kind": { "type": "string" }, "kind_zh": { "type": "string" },
        "household_id": { "type": "integer" }, "household_no": { "type": "string" }, "head_name": { "type": ["string", "null"] },
        "state": { "type": "string", "enum": ["open", "approved", "refused", "withdrawn"] }, "step": { "type": ["string", "null"] },
        "step_zh": { "type": ["string", "null"] }, "due_on": { "type": ["string", "null"], "format": "date" },
        "started_on": date(), "ended_on": { "type": ["string", "null"], "format": "date" } } } },
        "total": { "type": "integer" } } })
}

fn procedure_schema() -> Value {
    json!({ "type": "object", "properties": {
        "id": { "type": "integer" }, "version": { "type": "integer", "description": "办理时原样附上" },
        "kind": { "type": "string" }, "step": { "type": ["string", "null"] }, "open": { "type": "boolean" },
        "decision": { "type": "string", "description": "拟办事项，如“拟纳入防止返贫致贫监测对象（突发严重困难户）”" },
        "proposal": { "type": "object", "description": "发起时填写的各项（未填的不出现）" },
        "events": { "type": "array", "items": { "type": "object", "properties": {
            "on": date(), "by": { "type": "string" }, "role": { "type": ["string", "null"] }, "step": { "type": "string" },
            "action": { "type": "string" }, "text": { "type": "string" }, "detail": { "type": "object" } } } },
        "open_objections": { "type": "array", "items": { "type": "string" }, "description": "待答复异议的回执编号" } } })
}

fn act_schema() -> Value {
    json!({ "type": "object", "required": ["version", "action"], "properties": {
        "version": { "type": "integer" },
        "action": { "type": "string", "enum": ["complete", "send_back", "refuse", "withdraw", "answer"] },
        "note": { "type": "string" }, "reason": { "type": "string" }, "to": { "type": "string", "description": "退回到的环节代码" },
        "receipt": { "type": "string" }, "upheld": { "type": "boolean" }, "answer": { "type": "string" },
        "on": { "type": "string", "format": "date", "description": "办理日期，不填为今天" },
        "meeting_place": { "type": "string" }, "attendees": { "type": "integer" }, "votes_for": { "type": "integer" },
        "votes_against": { "type": "integer" }, "votes_abstain": { "type": "integer" },
        "hits": { "type": "integer", "description": "信息比对的疑点条数" }, "hits_resolution": { "type": "string" } } })
}

fn start_schema() -> Value {
    json!({ "type": "object", "required": ["kind"], "properties": {
        "kind": { "type": "string", "enum": ["identification", "risk_clearing", "classification", "historical_exit"] },
        "monitoring_type": enum_of::<MonitoringType>(), "risks": { "type": "array", "items": { "type": "string" } },
        "found_by": enum_of::<bangfu_core::monitoring::FoundBy>(), "method": enum_of::<bangfu_core::monitoring::ClearMethod>(),
        "stability": enum_of::<bangfu_core::procedure::decision::Stability>(),
        "labour": enum_of::<bangfu_core::procedure::decision::Labour>(),
        "year": { "type": "integer" }, "exit_year": { "type": "integer" }, "reason": { "type": "string" },
        "reporter": { "type": "string" }, "help_first_reason": { "type": "string" }, "started_on": date() } })
}

fn episodes_schema() -> Value {
    json!({ "type": "object", "properties": { "items": { "type": "array", "items": { "type": "object", "properties": {
        "id": { "type": "integer" }, "household_id": { "type": "integer" },
        "opened": { "type": "object", "description": "类型、风险、三保障和饮水问题、发现方式、识别时间、理由" },
        "opened_by": { "type": ["string", "null"] },
        "closed": { "type": ["object", "null"], "description": "风险消除时间、消除方式、理由；未消除为 null" },
        "closed_by": { "type": ["string", "null"] } } } } } })
}

fn worklist_schema() -> Value {
    json!({ "type": "object", "properties": { "no_helper": household_list_schema() } })
}

fn helpers_schema() -> Value {
    json!({ "type": "object", "description": "一页帮扶责任人（items，按姓名），及 total、page、page_size" })
}

fn assign_schema() -> Value {
    json!({ "type": "object", "required": ["helper_id", "start_on"], "properties": {
        "helper_id": { "type": "integer" }, "start_on": { "type": "string", "format": "date" } } })
}

fn date() -> Value {
    json!({ "type": "string", "format": "date" })
}

fn reason_list_schema() -> Value {
    let mut s = household_list_schema();
    if let Some(p) = s.get_mut("properties").and_then(Value::as_object_mut) {
        p.insert("reason".into(), json!({ "type": "string", "enum": bangfu_core::assistance::WorkReason::ALL.iter().map(|r| r.code()).collect::<Vec<_>>() }));
        p.insert("label".into(), json!({ "type": "string" }));
        p.insert("notes".into(), json!({ "type": "object", "description": "按户 id：为何列入，如 {\"kind\":\"last_visit\",\"on\":\"2026-09-03\"}、{\"kind\":\"overdue\",\"content\":…,\"due_on\":…}" }));
    }
    s
}

fn counts_schema() -> Value {
    let per: Map<String, Value> = bangfu_core::assistance::WorkReason::ALL
        .iter()
        .map(|r| (r.code().to_owned(), json!({ "type": "integer", "description": r.label_zh() })))
        .collect();
    json!({ "type": "object", "properties": { "visit_interval_days": { "type": "integer" },
        "totals": { "type": "object", "properties": per.clone() },
        "areas": { "type": "array", "items": { "type": "object", "properties": {
            "area_code": { "type": "string" }, "name": { "type": "string" }, "counts": { "type": "object", "properties": per } } } } } })
}

fn plan_input_schema() -> Value {
    json!({ "type": "object", "required": ["written_on", "written_with"], "properties": {
        "year": { "type": "integer", "description": "计划年度，默认今年" }, "written_on": date(),
        "written_with": { "type": "string", "description": "参与制定的家庭成员，如 户主王建国" }, "goal": { "type": "string" } } })
}

fn measure_input_schema() -> Value {
    json!({ "type": "object", "required": ["kind", "content", "responsible", "due_on"], "properties": {
        "kind": enum_of::<MeasureKind>(), "content": { "type": "string" }, "responsible": { "type": "string" },
        "due_on": date(), "amount": { "type": "string", "description": "元，最多两位小数；小额信贷不超过50000" } } })
}

fn measure_schema() -> Value {
    json!({ "type": "object", "properties": {
        "id": { "type": "integer" }, "plan_id": { "type": "integer" }, "plan_year": { "type": "integer" },
        "data": { "type": "object", "properties": { "kind": enum_of::<MeasureKind>(), "content": { "type": "string" },
            "responsible": { "type": "string" }, "due_on": date(), "amount": { "type": ["integer", "null"], "description": "分" } } },
        "status": enum_of::<MeasureStatus>(), "status_on": date(), "drop_reason": { "type": ["string", "null"] },
        "evidence": { "type": "array", "items": { "type": "object" } } } })
}

fn plan_schema() -> Value {
    json!({ "type": "object", "properties": { "id": { "type": "integer" }, "household_id": { "type": "integer" },
        "data": plan_input_schema(), "measures": { "type": "array", "items": measure_schema() } } })
}

fn plans_schema() -> Value {
    json!({ "type": "object", "properties": { "items": { "type": "array", "items": plan_schema() } } })
}

fn progress_schema() -> Value {
    json!({ "type": "object", "required": ["status"], "properties": {
        "status": enum_of::<MeasureStatus>(), "on": date(), "reason": { "type": "string", "description": "取消时必填" } } })
}

fn projects_schema() -> Value {
    json!({ "type": "object", "properties": { "total": { "type": "integer" }, "items": { "type": "array", "items": { "type": "object" } } } })
}

fn assets_schema() -> Value {
    let codes = |all: &[&str]| json!({ "type": "string", "enum": all });
    json!({ "type": "object", "properties": {
        "total": { "type": "integer" }, "held_value_fen": { "type": "integer", "description": "在册资产价值（不含已处置），分" },
        "items": { "type": "array", "items": { "type": "object", "properties": {
            "id": { "type": "integer" }, "project_id": { "type": "integer" }, "name": { "type": "string" },
            "asset_type": codes(&bangfu_core::project::asset::AssetType::ALL.iter().map(|x| x.code()).collect::<Vec<_>>()),
            "category": codes(&bangfu_core::project::asset::AssetCategory::ALL.iter().map(|x| x.code()).collect::<Vec<_>>()),
            "owner_kind": codes(&bangfu_core::project::asset::OwnerKind::ALL.iter().map(|x| x.code()).collect::<Vec<_>>()),
            "status": codes(&bangfu_core::project::asset::AssetStatus::ALL.iter().map(|x| x.code()).collect::<Vec<_>>()),
            "village_code": { "type": "string" }, "owner": { "type": "string" }, "value_fen": { "type": "integer" },
            "handed_over_on": date(), "keeper": { "type": "string" }, "keeper_person": { "type": "string" },
            "status_on": date(), "history": { "type": "array", "items": { "type": "object" } } } } } } })
}

fn project_schema() -> Value {
    json!({ "type": "object", "properties": {
        "id": { "type": "integer" }, "name": { "type": "string" }, "stage": { "type": "string" },
        "step": { "type": ["string", "null"] }, "targets": { "type": "array", "items": { "type": "object" } },
        "events": { "type": "array", "items": { "type": "object" } },
        "households": { "type": "array", "items": { "type": "object" } },
        "entries": { "type": "array", "items": { "type": "object" } },
        "changes": { "type": "array", "items": { "type": "object" } },
        "documents": { "type": "array", "items": { "type": "object" } } } })
}

fn pv_station_schema() -> Value {
    json!({ "type": "object", "properties": {
        "id": { "type": "integer" }, "name": { "type": "string" }, "area_code": { "type": "string" },
        "capacity_kw": { "type": "string" }, "grid_on": date(), "owner": { "type": "string" },
        "settlements": { "type": "array", "items": { "type": "object" } },
        "plans": { "type": "array", "items": { "type": "object" } } } })
}

fn course_schema() -> Value {
    json!({ "type": "object", "properties": {
        "id": { "type": "integer" }, "kind": { "type": "string", "enum": ["class", "talk"] },
        "training_type": { "type": "string", "enum": ["skills", "practical", "aspiration"] },
        "topic": { "type": "string" }, "start_on": date(), "hours": { "type": "integer" },
        "organiser": { "type": "string" }, "area_code": { "type": "string" },
        "attendees": { "type": "array", "items": { "type": "object", "properties": {
            "name": { "type": "string" }, "household_no": { "type": "string" }, "village_code": { "type": "string" },
            "certificate": { "type": ["boolean", "null"] }, "employed": { "type": ["boolean", "null"] } } } } } })
}

fn attachment_created_schema() -> Value {
    json!({ "type": "object", "properties": { "attachment_id": { "type": "integer" }, "url": { "type": "string" } } })
}

fn evidence_created_schema() -> Value {
    json!({ "type": "object", "properties": { "evidence_id": { "type": "integer" } } })
}

fn file_schema() -> Value {
    json!({ "type": "string", "format": "binary", "description": "image/jpeg、image/png、image/webp 或 application/pdf" })
}

fn visit_input_schema() -> Value {
    json!({ "type": "object", "required": ["visited_on", "visitors", "found"], "properties": {
        "visited_on": date(), "visitors": { "type": "string" }, "found": { "type": "string" },
        "follow_up": { "type": "string" }, "follow_up_due": date(),
        "proposal": { "type": "string", "enum": bangfu_core::assistance::Proposal::all().iter().map(|p| p.code()).collect::<Vec<_>>(),
            "description": "变更建议（须经审核）" },
        "proposal_reason": { "type": "string" },
        "findings": { "type": ["array", "null"], "items": { "type": "string",
            "enum": bangfu_core::monitoring::rules::VisitReport::ALL.iter().map(|r| r.code()).collect::<Vec<_>>() },
            "description": "走访发现（如有）：因病 illness、因自然灾害 disaster、因意外事故 accident、缺劳动力 labour_lost；空数组为“无”，不填为未填" } } })
}

fn visit_schema() -> Value {
    json!({ "type": "object", "properties": { "id": { "type": "integer" }, "household_id": { "type": "integer" },
        "data": visit_input_schema(), "follow_up_done_on": { "type": ["string", "null"], "format": "date" },
        "proposal_state": { "type": ["string", "null"], "enum": ["pending", "accepted", "rejected", null] },
        "review_note": { "type": ["string", "null"] }, "recorded_by": { "type": "string" } } })
}

fn visits_schema() -> Value {
    json!({ "type": "object", "properties": { "items": { "type": "array", "items": visit_schema() } } })
}

fn done_schema() -> Value {
    json!({ "type": "object", "properties": { "on": date() } })
}

fn review_schema() -> Value {
    json!({ "type": "object", "required": ["accept"], "properties": {
        "accept": { "type": "boolean" }, "note": { "type": "string", "description": "不采纳时必填" },
        "clear_method": { "type": "string", "description": "采纳风险消除建议时必填：帮扶消除 / 自然消除" } } })
}

fn team_member_schema() -> Value {
    json!({ "type": "object", "required": ["name", "start_on"], "properties": {
        "name": { "type": "string" }, "phone": { "type": "string" }, "unit_id": { "type": "integer" },
        "role": enum_of::<TeamRole>(), "start_on": date() } })
}

fn teams_schema() -> Value {
    json!({ "type": "object", "description": "一页村（items：每村在岗队员 members、是否重点帮扶村 key_village（区里未确定名单时为 null）和提醒 warnings，如 工作队仅2人，不足3人），及 total、page、page_size" })
}

fn pairing_input_schema() -> Value {
    json!({ "type": "object", "required": ["unit_id", "area_code", "start_on"], "properties": {
        "unit_id": { "type": "integer" }, "area_code": { "type": "string", "description": "乡镇或村的12位代码" },
        "start_on": date(), "note": { "type": "string" } } })
}

fn pairing_schema() -> Value {
    json!({ "type": "object", "description": "一条结对帮扶（单位、乡镇或村、起止日期）" })
}

fn pairings_schema() -> Value {
    json!({ "type": "object", "description": "一页结对帮扶（items：单位、乡镇或村、起止日期），及 total、page、page_size" })
}

fn retire_schema() -> Value {
    json!({ "type": "object", "required": ["end_on", "reason"], "properties": {
        "end_on": date(), "reason": { "type": "string", "description": "调离原因" } } })
}

fn retire_result_schema() -> Value {
    json!({ "type": "object", "properties": { "helper_id": { "type": "integer" }, "released_households": { "type": "integer" } } })
}

fn audit_schema() -> Value {
    json!({ "type": "object", "properties": { "total": { "type": "integer" }, "items": { "type": "array", "items": { "type": "object", "properties": {
        "at": { "type": "string", "format": "date-time" }, "username": { "type": ["string", "null"] },
        "action": { "type": "string", "enum": AuditAction::ALL.iter().map(|a| a.code()).collect::<Vec<_>>() },
        "object_type": { "type": ["string", "null"] }, "object_id": { "type": ["string", "null"] }, "field": { "type": ["string", "null"] },
        "before_value": { "type": ["string", "null"] }, "after_value": { "type": ["string", "null"] } } } } } })
}

fn error_schema() -> Value {
    json!({ "type": "object", "properties": { "error": { "type": "object", "properties": {
        "code": { "type": "string", "enum": ["unauthenticated", "forbidden", "csrf", "not_found", "invalid", "conflict", "stale", "internal", "password_change_required"] },
        "message": { "type": "string" },
        "version": { "type": "integer", "description": "stale：记录现在的版本号" },
        "changed_by": { "type": "array", "items": { "type": "string" }, "description": "stale：其间保存过的人" },
        "changed_at": { "type": ["string", "null"], "description": "stale：最后一次保存的时间（当地时间）" },
        "changed": { "type": "array", "description": "stale：其间改过的字段及其现值", "items": { "type": "object", "properties": {
            "field": { "type": "string" }, "label": { "type": "string" }, "by": { "type": "string" }, "now": { "type": ["string", "null"] } } } },
        "fields": { "type": "array", "items": { "type": "object", "properties": { "field": { "type": "string" }, "message": { "type": "string" } } } } } } } })
}

pub fn build() -> Value {
    let mut paths = Map::new();
    for r in API_ROUTES {
        let mut params: Vec<Value> = r
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| {
                let kind = if matches!(name, "village" | "reason" | "period") { "string" } else { "integer" };
                json!({ "name": name, "in": "path", "required": true, "schema": { "type": kind } })
            })
            .collect();
        params.extend(r.query.iter().map(|(name, d)| json!({ "name": name, "in": "query", "required": false, "description": d, "schema": { "type": "string" } })));
        let mut op = json!({
            "summary": r.summary,
            "parameters": params,
            "responses": {
                "200": { "description": "成功", "content": { "application/json": { "schema": (r.response)() } } },
                "401": { "description": "未登录或令牌无效", "content": { "application/json": { "schema": error_schema() } } },
                "403": { "description": "角色不允许，或缺少 X-CSRF-Token", "content": { "application/json": { "schema": error_schema() } } },
                "404": { "description": "不存在，或不在管辖范围内（两者无法区分）", "content": { "application/json": { "schema": error_schema() } } },
                "422": { "description": "输入有误，fields 列出每个字段的问题", "content": { "application/json": { "schema": error_schema() } } },
            },
        });
        if let Some(body) = r.body {
            op["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": body() } } });
            op["responses"]["409"] = json!({ "description": "冲突（如同一人已是另一户的现有成员）；或 code = stale：读取后他人已保存，未保存任何内容", "content": { "application/json": { "schema": error_schema() } } });
        }
        let entry = paths.entry(r.path.to_owned()).or_insert_with(|| json!({}));
        entry[r.method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": { "title": "bangfu 帮扶 API", "version": env!("CARGO_PKG_VERSION"),
                  "description": "建档立卡信息系统的 JSON 接口。所有数据限于调用者的管辖区划；证件号码一律打码。" },
        "components": { "securitySchemes": {
            "bearer": { "type": "http", "scheme": "bearer", "description": "bangfu token create --user 用户名" },
            "session": { "type": "apiKey", "in": "cookie", "name": "bangfu_session" } } },
        "security": [{ "bearer": [] }, { "session": [] }],
        "paths": paths,
    })
}

pub async fn document() -> Json<Value> {
    Json(build())
}

/// A readable page of the API, from the same route table.
pub async fn docs_page() -> Html<String> {
    let mut rows = String::new();
    for r in API_ROUTES {
        let q = r.query.iter().map(|(n, d)| format!("<li><code>{n}</code> {}</li>", esc(d))).collect::<String>();
        rows.push_str(&format!(
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}{}</td></tr>",
            r.method.to_uppercase(),
            esc(r.path),
            esc(r.summary),
            if q.is_empty() { String::new() } else { format!("<ul>{q}</ul>") }
        ));
    }
    Html(format!(
        "<!doctype html><html lang=zh-CN><head><meta charset=utf-8><meta name=viewport content=\"width=device-width,initial-scale=1\">\
         <title>API · bangfu 帮扶</title><style>body{{font-family:system-ui,sans-serif;max-width:1000px;margin:0 auto;padding:12px}}\
         td,th{{border-bottom:1px solid #ddd;padding:6px;vertical-align:top;text-align:left}}table{{border-collapse:collapse;width:100%}}</style></head>\
         <body><h1>bangfu 帮扶 · JSON API</h1><p>认证：<code>Authorization: Bearer 令牌</code>（<code>bangfu token create --user 用户名</code>），\
         或浏览器登录会话（修改类请求须带 <code>X-CSRF-Token</code>）。错误格式：<code>{{\"error\": {{\"code\", \"message\", \"fields\"}}}}</code>。\
         机器可读文档：<a href=\"/api/openapi.json\">/api/openapi.json</a></p><table><thead><tr><th>方法</th><th>路径</th><th>说明</th></tr></thead>\
         <tbody>{rows}</tbody></table></body></html>"
    ))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
