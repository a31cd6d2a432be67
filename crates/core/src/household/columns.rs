//! The field catalogue of the household register: one place names every field of
//! households.csv and members.csv (the same names as the forms and the API), with its Chinese
//! header, whether it is required, what kind of value it takes (and from which code list), and
//! where it is stored. The importer, the generator, the forms' widgets, the OpenAPI schemas and
//! the storage's column lists all follow these tables; a conformance test checks that both
//! migrated schemas hold every stored column.

use super::codes::*;

/// What a field holds: how it is parsed, offered on a form and described in the OpenAPI schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text of at most `max` characters.
    Text {
        max: u16,
    },
    /// One value of a code list (its Chinese labels; codes and aliases are accepted too).
    Code(CodeSet),
    /// Several values of a code list at once (健康状况 "残疾,长期慢性病", 其他致贫原因).
    Codes(CodeSet),
    /// 是 / 否, or blank: 未填.
    Flag,
    Date,
    /// A whole number between the bounds (a year, months).
    Integer {
        min: i32,
        max: i32,
    },
    /// A measure with decimals (亩, 平方米, 公里).
    Decimal,
    /// 元 with at most two decimals, stored as fen.
    Money,
}

/// A code list as the catalogue refers to it: its name and its labels.
#[derive(Clone, Copy)]
pub struct CodeSet {
    pub name: &'static str,
    pub labels: fn() -> Vec<&'static str>,
    /// Its codes (what storage and the API's answers hold), in the labels' order.
    pub codes: fn() -> Vec<&'static str>,
    /// The label of a typed value (a label, a code or an alias), if it is on the list.
    pub label_of: fn(&str) -> Option<&'static str>,
}

impl std::fmt::Debug for CodeSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CodeSet({})", self.name)
    }
}

impl PartialEq for CodeSet {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for CodeSet {}

fn labels<T: CodeList>() -> Vec<&'static str> {
    T::all().iter().map(|c| c.label_zh()).collect()
}

fn codes<T: CodeList>() -> Vec<&'static str> {
    T::all().iter().map(|c| c.code()).collect()
}

fn label_of<T: CodeList>(s: &str) -> Option<&'static str> {
    T::parse(s).map(CodeList::label_zh)
}

const fn list<T: CodeList>() -> CodeSet {
    CodeSet { name: T::LIST_NAME_ZH, labels: labels::<T>, codes: codes::<T>, label_of: label_of::<T> }
}

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
    pub kind: Kind,
    /// The columns of the record's own table that hold it (households or members), in order;
    /// empty when it is kept elsewhere (an income, a monitoring episode, the link to the household).
    pub stored: &'static [&'static str],
}

const fn req(
    field: &'static str,
    zh: &'static str,
    en: &'static str,
    kind: Kind,
    stored: &'static [&'static str],
) -> Column {
    Column { field, zh, en, required: true, kind, stored }
}
const fn opt(
    field: &'static str,
    zh: &'static str,
    en: &'static str,
    kind: Kind,
    stored: &'static [&'static str],
) -> Column {
    Column { field, zh, en, required: false, kind, stored }
}

impl Column {
    /// The columns that store this field, in the catalogue's order, for a whole table.
    pub fn stored_columns(columns: &[Column]) -> Vec<&'static str> {
        columns.iter().flat_map(|c| c.stored.iter().copied()).collect()
    }
}

/// households.csv, one row per household (with that year's income).
pub const HOUSEHOLD_COLUMNS: &[Column] = &[
    req("household_no", "户编号", "Household no.", Kind::Text { max: 20 }, &["household_no"]),
    req("village_code", "村代码", "Village code", Kind::Text { max: 12 }, &["area_code"]),
    opt("group_name", "村民小组", "Villager group", Kind::Text { max: 50 }, &["group_name"]),
    opt("address", "详细地址", "Address", Kind::Text { max: 200 }, &["address"]),
    opt("phone", "联系电话", "Phone", Kind::Text { max: 20 }, &["phone"]),
    opt("bank_name", "开户银行", "Bank", Kind::Text { max: 50 }, &["bank_name"]),
    opt("bank_account", "银行账号", "Bank account", Kind::Text { max: 30 }, &["bank_account"]),
    // Blank is 脱贫户, so files from before 户类型 still import; the poverty-era columns
    // that follow are required for a 脱贫户 only (checked per row by `HouseholdData::parse`).
    opt("household_type", "户类型", "Household type", Kind::Code(list::<HouseholdType>()), &["household_type"]),
    opt("standard", "识别标准", "Identification standard", Kind::Code(list::<IdentificationStandard>()), &["standard"]),
    opt("attribute", "贫困户属性", "Attribute", Kind::Code(list::<PovertyAttribute>()), &["attribute"]),
    opt("main_cause", "主要致贫原因", "Main cause", Kind::Code(list::<PovertyCause>()), &["main_cause"]),
    opt(
        "other_causes",
        "其他致贫原因",
        "Other causes",
        Kind::Codes(list::<PovertyCause>()),
        &["other_cause_1", "other_cause_2"],
    ),
    opt("status", "脱贫状态", "Poverty status", Kind::Code(list::<PovertyStatus>()), &["status"]),
    opt("first_identified_on", "首次识别时间", "First identified", Kind::Date, &["first_identified_on"]),
    opt("exit_year", "脱贫年度", "Exit year", Kind::Integer { min: 2014, max: 2100 }, &["exit_year"]),
    // An import row's monitoring columns become one monitoring episode (open, or cleared).
    opt("monitoring_type", "监测对象类型", "Monitoring type", Kind::Code(list::<MonitoringType>()), &[]),
    opt("risk_identified_on", "风险识别时间", "Risk identified", Kind::Date, &[]),
    opt("risk_cleared_on", "风险消除时间", "Risk cleared", Kind::Date, &[]),
    opt("farmland_mu", "耕地面积（亩）", "Farmland (mu)", Kind::Decimal, &["farmland_mu"]),
    opt("irrigated_mu", "有效灌溉面积（亩）", "Irrigated land (mu)", Kind::Decimal, &["irrigated_mu"]),
    opt("forest_mu", "林地面积（亩）", "Forest (mu)", Kind::Decimal, &["forest_mu"]),
    opt("housing_m2", "住房面积（平方米）", "Housing (m²)", Kind::Decimal, &["housing_m2"]),
    opt(
        "housing_structure",
        "住房结构",
        "Housing structure",
        Kind::Code(list::<HousingStructure>()),
        &["housing_structure"],
    ),
    opt("danger_grade", "危房等级", "Dangerous-house grade", Kind::Code(list::<DangerGrade>()), &["danger_grade"]),
    opt(
        "road_distance_km",
        "距村主干路距离（公里）",
        "Distance to village road (km)",
        Kind::Decimal,
        &["road_distance_km"],
    ),
    opt("road_type", "入户路类型", "Road to the door", Kind::Code(list::<RoadType>()), &["road_type"]),
    opt("household_power", "通生活用电", "Household electricity", Kind::Flag, &["household_power"]),
    opt("production_power", "通生产用电", "Production electricity", Kind::Flag, &["production_power"]),
    opt("water_difficult", "饮水困难", "Drinking water difficult", Kind::Flag, &["water_difficult"]),
    opt("water_safe", "饮水安全", "Safe drinking water", Kind::Flag, &["water_safe"]),
    opt("fuel", "主要燃料类型", "Main fuel", Kind::Code(list::<Fuel>()), &["fuel"]),
    opt("sanitary_toilet", "卫生厕所", "Sanitary toilet", Kind::Flag, &["sanitary_toilet"]),
    opt("in_cooperative", "加入农民专业合作社", "Cooperative member", Kind::Flag, &["in_cooperative"]),
    opt("relocated", "易地扶贫搬迁户", "Relocated household", Kind::Flag, &["relocated"]),
    opt("income_year", "收入年度", "Income year", Kind::Integer { min: 2014, max: 2100 }, &[]),
    opt("wages", "工资性收入（元）", "Wages (yuan)", Kind::Money, &[]),
    opt("operating", "生产经营性收入（元）", "Operating income (yuan)", Kind::Money, &[]),
    opt("property", "财产性收入（元）", "Property income (yuan)", Kind::Money, &[]),
    opt("transfer", "转移性收入（元）", "Transfers (yuan)", Kind::Money, &[]),
    opt("operating_cost", "生产经营性支出（元）", "Operating costs (yuan)", Kind::Money, &[]),
];

/// members.csv, one row per member; `household_no` ties it to its household.
pub const MEMBER_COLUMNS: &[Column] = &[
    req("household_no", "户编号", "Household no.", Kind::Text { max: 20 }, &["household_id"]),
    req("name", "姓名", "Name", Kind::Text { max: 50 }, &["name"]),
    req("sex", "性别", "Sex", Kind::Code(list::<Sex>()), &["sex"]),
    opt("id_kind", "证件类型", "ID document", Kind::Code(list::<IdKind>()), &["id_kind"]),
    req("id_number", "证件号码", "ID number", Kind::Text { max: 20 }, &["id_number"]),
    opt("person_no", "人编号", "Person no.", Kind::Text { max: 30 }, &["person_no"]),
    req("relation", "与户主关系", "Relation to head", Kind::Code(list::<Relation>()), &["relation"]),
    opt(
        "political_status",
        "政治面貌",
        "Political status",
        Kind::Code(list::<PoliticalStatus>()),
        &["political_status"],
    ),
    opt("ethnicity", "民族", "Ethnicity", Kind::Code(list::<Ethnicity>()), &["ethnicity"]),
    opt("education", "文化程度", "Education", Kind::Code(list::<Education>()), &["education"]),
    opt("student_status", "在校生状况", "Student status", Kind::Code(list::<StudentStatus>()), &["student_status"]),
    opt(
        "dropout_reason",
        "失辍学原因",
        "Reason out of school",
        Kind::Code(list::<DropoutReason>()),
        &["dropout_reason"],
    ),
    opt("health", "健康状况", "Health", Kind::Codes(list::<Health>()), &["health"]),
    opt(
        "disability_category",
        "残疾类别",
        "Disability category",
        Kind::Code(list::<DisabilityCategory>()),
        &["disability_category"],
    ),
    opt(
        "disability_grade",
        "残疾等级",
        "Disability grade",
        Kind::Code(list::<DisabilityGrade>()),
        &["disability_grade"],
    ),
    opt("labour", "劳动技能", "Labour", Kind::Code(list::<Labour>()), &["labour"]),
    opt("migrant_work", "务工状况", "Migrant work", Kind::Code(list::<MigrantWork>()), &["migrant_work"]),
    opt("migrant_months", "务工时间（月）", "Months worked", Kind::Integer { min: 0, max: 12 }, &["migrant_months"]),
    opt("migrant_place", "务工地点", "Place of work", Kind::Text { max: 100 }, &["migrant_place"]),
    opt("public_job", "乡村公益性岗位", "Rural public-welfare job", Kind::Flag, &["public_job"]),
    opt(
        "public_job_months",
        "公益性岗位务工月数",
        "Months in the public-welfare job",
        Kind::Integer { min: 0, max: 12 },
        &["public_job_months"],
    ),
    opt(
        "medical_insurance",
        "基本医疗保险",
        "Basic medical insurance",
        Kind::Code(list::<MedicalInsurance>()),
        &["medical_insurance"],
    ),
    opt("serious_illness", "参加大病保险", "Serious-illness cover", Kind::Flag, &["serious_illness"]),
    opt(
        "commercial_insurance",
        "商业补充医疗保险",
        "Supplementary commercial medical insurance",
        Kind::Flag,
        &["commercial_insurance"],
    ),
    opt("medical_aid", "医疗救助", "Medical aid", Kind::Flag, &["medical_aid"]),
    opt(
        "pension_insurance",
        "基本养老保险",
        "Pension insurance",
        Kind::Code(list::<PensionInsurance>()),
        &["pension_insurance"],
    ),
    opt("dibao", "享受低保", "Minimum living allowance", Kind::Flag, &["dibao"]),
    opt("tekun", "特困供养", "Extreme-hardship support", Kind::Flag, &["tekun"]),
    opt("soldier", "现役军人", "Active-duty soldier", Kind::Flag, &["soldier"]),
    opt("phone", "联系电话", "Phone", Kind::Text { max: 20 }, &["phone"]),
    opt("joined_on", "加入日期", "Joined on", Kind::Date, &["joined_on"]),
    opt("join_reason", "加入原因", "Reason for joining", Kind::Text { max: 100 }, &["join_reason"]),
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

/// The Chinese label and the length bound of a free-text field of either record, by its code
/// name; a field not in the catalogue gets its name and 200 characters.
pub fn text_bound(field: &str) -> (&'static str, usize) {
    HOUSEHOLD_COLUMNS
        .iter()
        .chain(MEMBER_COLUMNS)
        .find(|c| c.field == field)
        .map(|c| (c.zh, if let Kind::Text { max } = c.kind { usize::from(max) } else { 200 }))
        .unwrap_or(("该项", 200))
}

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
        // 监测范围 / 贫困线: one audit row per adjustment, naming the whole line.
        "line" => "标准",
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
