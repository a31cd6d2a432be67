//! The column lists of households.csv and members.csv: one place names every field,
//! its Chinese header, and whether it is required. The importer, the generator and
//! the docs all read these tables.

/// One field of an input record (a CSV column, a form field, an API property).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The code name, used as the English CSV header and the form/API field name.
    pub field: &'static str,
    /// The Chinese header users see and may put in a CSV.
    pub zh: &'static str,
    /// The English label, for the English interface.
    pub en: &'static str,
    pub required: bool,
}

const fn req(field: &'static str, zh: &'static str, en: &'static str) -> Column {
    Column { field, zh, en, required: true }
}
const fn opt(field: &'static str, zh: &'static str, en: &'static str) -> Column {
    Column { field, zh, en, required: false }
}

/// households.csv, one row per household (with that year's income).
pub const HOUSEHOLD_COLUMNS: &[Column] = &[
    req("household_no", "户编号", "Household no."),
    req("village_code", "村代码", "Village code"),
    opt("group_name", "村民小组", "Villager group"),
    opt("address", "详细地址", "Address"),
    opt("phone", "联系电话", "Phone"),
    opt("bank_name", "开户银行", "Bank"),
    opt("bank_account", "银行账号", "Bank account"),
    // Blank is 脱贫户, so files from before 户类型 still import; the poverty-era columns
    // that follow are required for a 脱贫户 only (checked per row by `HouseholdData::parse`).
    opt("household_type", "户类型", "Household type"),
    opt("standard", "识别标准", "Identification standard"),
    opt("attribute", "贫困户属性", "Attribute"),
    opt("main_cause", "主要致贫原因", "Main cause"),
    opt("other_causes", "其他致贫原因", "Other causes"),
    opt("status", "脱贫状态", "Poverty status"),
    opt("first_identified_on", "首次识别时间", "First identified"),
    opt("exit_year", "脱贫年度", "Exit year"),
    // An import row's monitoring columns become one monitoring episode (open, or cleared).
    opt("monitoring_type", "监测对象类型", "Monitoring type"),
    opt("risk_identified_on", "风险识别时间", "Risk identified"),
    opt("risk_cleared_on", "风险消除时间", "Risk cleared"),
    opt("farmland_mu", "耕地面积（亩）", "Farmland (mu)"),
    opt("irrigated_mu", "有效灌溉面积（亩）", "Irrigated land (mu)"),
    opt("forest_mu", "林地面积（亩）", "Forest (mu)"),
    opt("housing_m2", "住房面积（平方米）", "Housing (m²)"),
    opt("housing_structure", "住房结构", "Housing structure"),
    opt("danger_grade", "危房等级", "Dangerous-house grade"),
    opt("road_distance_km", "距村主干路距离（公里）", "Distance to village road (km)"),
    opt("road_type", "入户路类型", "Road to the door"),
    opt("household_power", "通生活用电", "Household electricity"),
    opt("production_power", "通生产用电", "Production electricity"),
    opt("water_difficult", "饮水困难", "Drinking water difficult"),
    opt("water_safe", "饮水安全", "Safe drinking water"),
    opt("fuel", "主要燃料类型", "Main fuel"),
    opt("sanitary_toilet", "卫生厕所", "Sanitary toilet"),
    opt("in_cooperative", "加入农民专业合作社", "Cooperative member"),
    opt("relocated", "易地扶贫搬迁户", "Relocated household"),
    opt("income_year", "收入年度", "Income year"),
    opt("wages", "工资性收入（元）", "Wages (yuan)"),
    opt("operating", "生产经营性收入（元）", "Operating income (yuan)"),
    opt("property", "财产性收入（元）", "Property income (yuan)"),
    opt("transfer", "转移性收入（元）", "Transfers (yuan)"),
    opt("operating_cost", "生产经营性支出（元）", "Operating costs (yuan)"),
];

/// members.csv, one row per member; `household_no` ties it to its household.
pub const MEMBER_COLUMNS: &[Column] = &[
    req("household_no", "户编号", "Household no."),
    req("name", "姓名", "Name"),
    req("sex", "性别", "Sex"),
    opt("id_kind", "证件类型", "ID document"),
    req("id_number", "证件号码", "ID number"),
    opt("person_no", "人编号", "Person no."),
    req("relation", "与户主关系", "Relation to head"),
    opt("political_status", "政治面貌", "Political status"),
    opt("ethnicity", "民族", "Ethnicity"),
    opt("education", "文化程度", "Education"),
    opt("student_status", "在校生状况", "Student status"),
    opt("dropout_reason", "失辍学原因", "Reason out of school"),
    opt("health", "健康状况", "Health"),
    opt("disability_category", "残疾类别", "Disability category"),
    opt("disability_grade", "残疾等级", "Disability grade"),
    opt("labour", "劳动技能", "Labour"),
    opt("migrant_work", "务工状况", "Migrant work"),
    opt("migrant_months", "务工时间（月）", "Months worked"),
    opt("migrant_place", "务工地点", "Place of work"),
    opt("public_job", "乡村公益性岗位", "Rural public-welfare job"),
    opt("public_job_months", "公益性岗位务工月数", "Months in the public-welfare job"),
    opt("medical_insurance", "基本医疗保险", "Basic medical insurance"),
    opt("serious_illness", "参加大病保险", "Serious-illness cover"),
    opt("commercial_insurance", "商业补充医疗保险", "Supplementary commercial medical insurance"),
    opt("medical_aid", "医疗救助", "Medical aid"),
    opt("pension_insurance", "基本养老保险", "Pension insurance"),
    opt("dibao", "享受低保", "Minimum living allowance"),
    opt("tekun", "特困供养", "Extreme-hardship support"),
    opt("soldier", "现役军人", "Active-duty soldier"),
    opt("phone", "联系电话", "Phone"),
    opt("joined_on", "加入日期", "Joined on"),
    opt("join_reason", "加入原因", "Reason for joining"),
];

/// Other headers real files use for a column: the national export's wordings and the columns
/// of earlier bangfu files (参加基本医疗保险 是/否 now reads as 基本医疗保险 “已参加”).
const HEADER_ALIASES: &[(&str, &str)] = &[
    ("basic_medical", "medical_insurance"),
    ("参加基本医疗保险", "medical_insurance"),
    ("医疗保险", "medical_insurance"),
    ("pension", "pension_insurance"),
    ("参加养老保险", "pension_insurance"),
    ("养老保险", "pension_insurance"),
    ("大病保险", "serious_illness"),
    ("是否享受低保", "dibao"),
    ("是否特困供养", "tekun"),
    ("是否现役军人", "soldier"),
    ("公益性岗位", "public_job"),
    ("公益岗", "public_job"),
    ("公益性岗位（月）", "public_job_months"),
    ("身份证号码", "id_number"),
    ("证件号码（身份证或残疾人证）", "id_number"),
    ("失学或辍学原因", "dropout_reason"),
];

/// Finds a column by its code name or its Chinese header (with or without the unit in brackets).
pub fn find_column(columns: &'static [Column], header: &str) -> Option<&'static Column> {
    let h = header.trim().trim_start_matches('\u{feff}');
    columns
        .iter()
        .find(|c| {
            c.field.eq_ignore_ascii_case(h)
                || c.zh == h
                || c.zh.split('（').next() == Some(h)
                || c.zh.replace('（', "(").replace('）', ")") == h
        })
        .or_else(|| {
            let (_, field) = HEADER_ALIASES.iter().find(|(alias, _)| alias.eq_ignore_ascii_case(h))?;
            columns.iter().find(|c| c.field == *field)
        })
}

/// The Chinese header of a field, for messages.
pub fn header_zh(columns: &'static [Column], field: &str) -> &'static str {
    columns.iter().find(|c| c.field == field).map(|c| c.zh).unwrap_or("")
}

/// How a changed field is named to people ("联系电话"), for a household's or a member's record;
/// the dated changes that are not columns have their own names.
pub fn change_label(object_type: &str, field: &str) -> String {
    let columns = if object_type == "member" { MEMBER_COLUMNS } else { HOUSEHOLD_COLUMNS };
    let label = match field {
        "left_on" => "减员",
        "joined" => "增员",
        "head" => "户主",
        "split" => "分户",
        "merge" => "合户",
        "deregistered_on" => "注销",
        f => header_zh(columns, f),
    };
    if label.is_empty() { field.to_owned() } else { label.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_headers_with_or_without_units_are_recognised() {
        assert_eq!(find_column(HOUSEHOLD_COLUMNS, "户编号").unwrap().field, "household_no");
        assert_eq!(find_column(HOUSEHOLD_COLUMNS, "工资性收入").unwrap().field, "wages");
        assert_eq!(find_column(HOUSEHOLD_COLUMNS, "工资性收入(元)").unwrap().field, "wages");
        assert_eq!(find_column(MEMBER_COLUMNS, "\u{feff}household_no").unwrap().field, "household_no");
        assert!(find_column(MEMBER_COLUMNS, "鞋码").is_none());
    }

    #[test]
    fn the_old_yes_no_insurance_headers_find_the_insurance_kind_columns() {
        assert_eq!(find_column(MEMBER_COLUMNS, "参加基本医疗保险").unwrap().field, "medical_insurance");
        assert_eq!(find_column(MEMBER_COLUMNS, "basic_medical").unwrap().field, "medical_insurance");
        assert_eq!(find_column(MEMBER_COLUMNS, "参加养老保险").unwrap().field, "pension_insurance");
        assert_eq!(find_column(MEMBER_COLUMNS, "大病保险").unwrap().field, "serious_illness");
        assert!(find_column(HOUSEHOLD_COLUMNS, "参加养老保险").is_none());
    }

    #[test]
    fn no_alias_shadows_a_real_header() {
        for (alias, field) in HEADER_ALIASES {
            assert!(MEMBER_COLUMNS.iter().any(|c| c.field == *field), "{field}");
            assert!(!MEMBER_COLUMNS.iter().any(|c| c.zh == *alias || c.field == *alias), "{alias}");
        }
    }

    #[test]
    fn field_names_are_unique_in_each_list() {
        for cols in [HOUSEHOLD_COLUMNS, MEMBER_COLUMNS] {
            let mut seen = std::collections::HashSet::new();
            for c in cols {
                assert!(seen.insert(c.field), "{} twice", c.field);
            }
        }
    }
}
