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
    pub required: bool,
}

const fn req(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh, required: true }
}
const fn opt(field: &'static str, zh: &'static str) -> Column {
    Column { field, zh, required: false }
}

/// households.csv, one row per household (with that year's income).
pub const HOUSEHOLD_COLUMNS: &[Column] = &[
    req("household_no", "户编号"),
    req("village_code", "村代码"),
    opt("group_name", "村民小组"),
    opt("address", "详细地址"),
    opt("phone", "联系电话"),
    opt("bank_name", "开户银行"),
    opt("bank_account", "银行账号"),
    req("standard", "识别标准"),
    req("attribute", "贫困户属性"),
    req("main_cause", "主要致贫原因"),
    opt("other_causes", "其他致贫原因"),
    req("status", "脱贫状态"),
    opt("first_identified_on", "首次识别时间"),
    opt("exit_year", "脱贫年度"),
    opt("monitoring_type", "监测对象类型"),
    opt("risk_identified_on", "风险识别时间"),
    opt("risk_cleared_on", "风险消除时间"),
    opt("farmland_mu", "耕地面积（亩）"),
    opt("irrigated_mu", "有效灌溉面积（亩）"),
    opt("forest_mu", "林地面积（亩）"),
    opt("housing_m2", "住房面积（平方米）"),
    opt("housing_structure", "住房结构"),
    opt("danger_grade", "危房等级"),
    opt("road_distance_km", "距村主干路距离（公里）"),
    opt("road_type", "入户路类型"),
    opt("household_power", "通生活用电"),
    opt("production_power", "通生产用电"),
    opt("water_difficult", "饮水困难"),
    opt("water_safe", "饮水安全"),
    opt("fuel", "主要燃料类型"),
    opt("sanitary_toilet", "卫生厕所"),
    opt("in_cooperative", "加入农民专业合作社"),
    opt("relocated", "易地扶贫搬迁户"),
    opt("income_year", "收入年度"),
    opt("wages", "工资性收入（元）"),
    opt("operating", "生产经营性收入（元）"),
    opt("property", "财产性收入（元）"),
    opt("transfer", "转移性收入（元）"),
    opt("operating_cost", "生产经营性支出（元）"),
];

/// members.csv, one row per member; `household_no` ties it to its household.
pub const MEMBER_COLUMNS: &[Column] = &[
    req("household_no", "户编号"),
    req("name", "姓名"),
    req("sex", "性别"),
    req("id_number", "证件号码"),
    req("relation", "与户主关系"),
    opt("ethnicity", "民族"),
    opt("education", "文化程度"),
    opt("student_status", "在校生状况"),
    opt("health", "健康状况"),
    opt("disability_grade", "残疾等级"),
    opt("labour", "劳动技能"),
    opt("migrant_work", "务工状况"),
    opt("migrant_months", "务工时间（月）"),
    opt("basic_medical", "参加基本医疗保险"),
    opt("serious_illness", "参加大病保险"),
    opt("pension", "参加养老保险"),
    opt("dibao", "享受低保"),
    opt("tekun", "特困供养"),
    opt("soldier", "现役军人"),
    opt("phone", "联系电话"),
    opt("joined_on", "加入日期"),
    opt("join_reason", "加入原因"),
];

/// Finds a column by its code name or its Chinese header (with or without the unit in brackets).
pub fn find_column(columns: &'static [Column], header: &str) -> Option<&'static Column> {
    let h = header.trim().trim_start_matches('\u{feff}');
    columns.iter().find(|c| {
        c.field.eq_ignore_ascii_case(h)
            || c.zh == h
            || c.zh.split('（').next() == Some(h)
            || c.zh.replace('（', "(").replace('）', ")") == h
    })
}

/// The Chinese header of a field, for messages.
pub fn header_zh(columns: &'static [Column], field: &str) -> &'static str {
    columns.iter().find(|c| c.field == field).map(|c| c.zh).unwrap_or("")
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
    fn field_names_are_unique_in_each_list() {
        for cols in [HOUSEHOLD_COLUMNS, MEMBER_COLUMNS] {
            let mut seen = std::collections::HashSet::new();
            for c in cols {
                assert!(seen.insert(c.field), "{} twice", c.field);
            }
        }
    }
}
