//! Households and members as the domain sees them, and the one place that turns raw
//! field text (a form, an API body, an import row) into checked values.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::codes::*;
use super::id_number::IdNumber;
use crate::area::AreaCode;
use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct HouseholdId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct MemberId(pub i64);

/// Raw text fields by code name; a missing field reads as empty.
pub trait Fields {
    fn get(&self, field: &str) -> &str;
}

impl Fields for HashMap<String, String> {
    fn get(&self, field: &str) -> &str {
        HashMap::get(self, field).map(String::as_str).unwrap_or("")
    }
}

impl Fields for HashMap<&str, &str> {
    fn get(&self, field: &str) -> &str {
        HashMap::get(self, field).copied().unwrap_or("")
    }
}

/// 生产生活条件: a household's land, housing, road, power, water, fuel and toilet.
/// A yes/no left unanswered is `None` (未填), never "no".
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct LivingConditions {
    pub farmland_mu: Option<f64>,
    pub irrigated_mu: Option<f64>,
    pub forest_mu: Option<f64>,
    pub housing_m2: Option<f64>,
    pub housing_structure: Option<HousingStructure>,
    pub danger_grade: Option<DangerGrade>,
    pub road_distance_km: Option<f64>,
    pub road_type: Option<RoadType>,
    pub household_power: Option<bool>,
    pub production_power: Option<bool>,
    pub water_difficult: Option<bool>,
    pub water_safe: Option<bool>,
    pub fuel: Option<Fuel>,
    pub sanitary_toilet: Option<bool>,
    pub in_cooperative: Option<bool>,
    pub relocated: Option<bool>,
}

/// Everything recorded about a household itself (members and income are separate).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HouseholdData {
    /// 户编号: the household's number in the register, unique.
    pub household_no: String,
    pub village_code: AreaCode,
    pub group_name: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub bank_name: Option<String>,
    pub bank_account: Option<String>,
    /// 户类型; the poverty-era fields below are set for a 脱贫户 and empty for the others.
    pub household_type: HouseholdType,
    pub standard: Option<IdentificationStandard>,
    pub attribute: Option<PovertyAttribute>,
    pub main_cause: Option<PovertyCause>,
    pub other_causes: Vec<PovertyCause>,
    pub status: Option<PovertyStatus>,
    pub first_identified_on: Option<NaiveDate>,
    pub exit_year: Option<i32>,
    pub living: LivingConditions,
}

/// A household as stored, with what is derived from its members.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Household {
    pub id: HouseholdId,
    pub data: HouseholdData,
    /// The current head's name (户主), if the household has one.
    pub head_name: Option<String>,
    /// Current members (those who have not left).
    pub size: i64,
    /// Starts at 1 and grows by one with every change; an edit names the version it read.
    pub version: i64,
    /// The open monitoring episode's type, if the household is monitored now
    /// (the episodes themselves are in [`crate::monitoring`]).
    pub monitoring_type: Option<MonitoringType>,
    /// 注销: when the household left the register as a whole, and why; `None` while it is on it.
    pub deregistered: Option<(NaiveDate, DeregisterReason)>,
}

impl Household {
    /// Still on the register (not 注销).
    pub fn is_current(&self) -> bool {
        self.deregistered.is_none()
    }

    /// Whether something can have happened to the household on `on` (a visit, a record):
    /// not before it was identified (首次识别时间, where known), not after it was 注销.
    /// The error names `field`.
    pub fn check_date(&self, field: &str, what: &str, on: NaiveDate) -> Result<(), FieldError> {
        if let Some(first) = self.data.first_identified_on
            && on < first
        {
            return Err(FieldError::new(field, format!("{what}早于该户的首次识别时间（{first}）")));
        }
        if let Some((gone, _)) = self.deregistered
            && on > gone
        {
            return Err(FieldError::new(field, format!("该户已于{gone}注销，{what}不能晚于注销日期")));
        }
        Ok(())
    }
}

/// A member's record. Yes/no answers are `Option<bool>`: `None` is 未填 (not answered), never 否.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MemberData {
    pub name: String,
    pub sex: Sex,
    /// 证件类型; for a 残疾人证 the category and grade digits are in `disability_*`.
    pub id_kind: IdKind,
    /// The 18-digit person number, also for a 残疾人证 (one current membership per person).
    pub id_number: IdNumber,
    /// 人编号: the person's number in the national system.
    pub person_no: Option<String>,
    pub relation: Relation,
    pub political_status: Option<PoliticalStatus>,
    pub ethnicity: Option<Ethnicity>,
    pub education: Option<Education>,
    pub student_status: Option<StudentStatus>,
    /// 失辍学原因, for a school-age child out of school only.
    pub dropout_reason: Option<DropoutReason>,
    pub health: Option<HealthSet>,
    pub disability_category: Option<DisabilityCategory>,
    pub disability_grade: Option<DisabilityGrade>,
    pub labour: Option<Labour>,
    pub migrant_work: Option<MigrantWork>,
    pub migrant_months: Option<i32>,
    /// 务工地点, required when months were worked.
    pub migrant_place: Option<String>,
    /// 乡村公益性岗位 and the months employed in it.
    pub public_job: Option<bool>,
    pub public_job_months: Option<i32>,
    pub medical_insurance: Option<MedicalInsurance>,
    /// 大病保险
    pub serious_illness: Option<bool>,
    /// 商业补充医疗保险
    pub commercial_insurance: Option<bool>,
    /// 医疗救助
    pub medical_aid: Option<bool>,
    pub pension_insurance: Option<PensionInsurance>,
    pub dibao: Option<bool>,
    pub tekun: Option<bool>,
    pub soldier: Option<bool>,
    pub phone: Option<String>,
    pub joined_on: Option<NaiveDate>,
    pub join_reason: Option<String>,
}

impl MemberData {
    /// 证件号码 in full as the record holds it: 18 digits, or 20 for a 残疾人证.
    pub fn document_number(&self) -> String {
        let disability = self.disability_category.zip(self.disability_grade);
        super::certificate::document_number(self.id_kind, &self.id_number, disability)
    }

    /// The number to check again when a correction leaves 证件号码 blank ("keep it"): the
    /// 18 digits if the form now says 居民身份证, else the number as the record holds it.
    pub fn kept_document_number(&self, typed_kind: &str) -> String {
        match IdKind::parse(typed_kind) {
            Some(IdKind::ResidentId) => self.id_number.as_str().to_owned(),
            _ => self.document_number(),
        }
    }

    /// Whether the member has this health value (of possibly several).
    pub fn has_health(&self, h: Health) -> bool {
        self.health.is_some_and(|s| s.contains(h))
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Member {
    pub id: MemberId,
    pub household_id: HouseholdId,
    pub data: MemberData,
    pub left_on: Option<NaiveDate>,
    pub left_reason: Option<String>,
    /// Starts at 1 and grows by one with every change; an edit names the version it read.
    pub version: i64,
}

/// One dated entry of a household's status or monitoring history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HistoryEntry {
    /// "status" or "monitoring".
    pub kind: String,
    pub from_value: Option<String>,
    pub to_value: Option<String>,
    pub effective_on: NaiveDate,
    pub reason: String,
}

/// Collects field errors while parsing a record.
struct Collector<'a, F: Fields + ?Sized> {
    fields: &'a F,
    errors: Vec<FieldError>,
}

impl<'a, F: Fields + ?Sized> Collector<'a, F> {
    /// An optional one-line text, bounded as the catalogue says.
    fn text(&mut self, field: &str) -> Option<String> {
        let v = self.fields.get(field).trim();
        if v.is_empty() {
            return None;
        }
        let (label, max) = super::columns::text_bound(field);
        if let Err(m) = crate::text::check_line(label, v, max) {
            self.errors.push(FieldError::new(field, m));
        }
        Some(v.to_owned())
    }

    /// A required one-line text, labelled and bounded as the catalogue says.
    fn required_text(&mut self, field: &str) -> String {
        let (label, max_chars) = super::columns::text_bound(field);
        let v = self.fields.get(field).trim();
        if v.is_empty() {
            self.errors.push(FieldError::new(field, format!("{label}不能为空")));
        } else if let Err(m) = crate::text::check_line(label, v, max_chars) {
            self.errors.push(FieldError::new(field, m));
        }
        v.to_owned()
    }

    fn code<T: std::str::FromStr>(&mut self, field: &str) -> Option<T>
    where
        T::Err: std::fmt::Display,
    {
        let v = self.fields.get(field).trim();
        if v.is_empty() {
            return None;
        }
        match v.parse::<T>() {
            Ok(x) => Some(x),
            Err(e) => {
                self.errors.push(FieldError::new(field, e.to_string()));
                None
            }
        }
    }

    fn required_code<T: std::str::FromStr>(&mut self, field: &str, label: &str) -> Option<T>
    where
        T::Err: std::fmt::Display,
    {
        if self.fields.get(field).trim().is_empty() {
            self.errors.push(FieldError::new(field, format!("{label}不能为空")));
            return None;
        }
        self.code(field)
    }

    fn optional_flag(&mut self, field: &str) -> Option<bool> {
        match parse_optional_flag(self.fields.get(field)) {
            Ok(b) => b,
            Err(m) => {
                self.errors.push(FieldError::new(field, m));
                None
            }
        }
    }

    /// A yes/no answer that may be left blank (未填).
    fn opt_flag(&mut self, field: &str) -> Option<bool> {
        parse_optional_flag(self.fields.get(field)).unwrap_or_else(|m| {
            self.errors.push(FieldError::new(field, m));
            None
        })
    }

    fn date(&mut self, field: &str, today: NaiveDate) -> Option<NaiveDate> {
        let v = self.fields.get(field).trim();
        if v.is_empty() {
            return None;
        }
        match parse_date(v) {
            Some(d) if d > today => {
                self.errors.push(FieldError::new(field, format!("日期 {d} 晚于今天")));
                None
            }
            Some(d) => Some(d),
            None => {
                self.errors.push(FieldError::new(field, format!("“{v}”不是有效日期，请写成 2024-03-15")));
                None
            }
        }
    }

    fn number(&mut self, field: &str, label: &str, max: f64) -> Option<f64> {
        let v = self.fields.get(field).trim();
        if v.is_empty() {
            return None;
        }
        match normalise_digits(v).parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 && x <= max => Some(x),
            Ok(_) => {
                self.errors.push(FieldError::new(field, format!("{label}应在0到{max}之间")));
                None
            }
            Err(_) => {
                self.errors.push(FieldError::new(field, format!("{label}“{v}”不是有效数字")));
                None
            }
        }
    }

    fn integer(&mut self, field: &str, label: &str, range: std::ops::RangeInclusive<i32>) -> Option<i32> {
        let v = self.fields.get(field).trim();
        if v.is_empty() {
            return None;
        }
        match normalise_digits(v).parse::<i32>() {
            Ok(x) if range.contains(&x) => Some(x),
            _ => {
                self.errors
                    .push(FieldError::new(field, format!("{label}应为{}到{}之间的整数", range.start(), range.end())));
                None
            }
        }
    }

    fn phone(&mut self, field: &str) -> Option<String> {
        parse_phone(field, self.fields.get(field)).unwrap_or_else(|e| {
            self.errors.push(e);
            None
        })
    }
}

/// Full-width digits and punctuation, as typed on Chinese keyboards, to ASCII.
pub fn normalise_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '－' => '-',
            _ => c,
        })
        .collect()
}

/// A phone number as typed (mobile, or landline with area code); empty is none.
pub fn parse_phone(field: &str, raw: &str) -> Result<Option<String>, FieldError> {
    let v = normalise_digits(raw.trim());
    if v.is_empty() {
        Ok(None)
    } else if is_phone(&v) {
        Ok(Some(v))
    } else {
        Err(FieldError::new(field, format!("联系电话“{v}”无效：手机号应为11位，座机如 0396-2345678")))
    }
}

fn is_phone(s: &str) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    let mobile = s.len() == 11 && s.starts_with('1') && digits == 11;
    let landline =
        s.bytes().all(|b| b.is_ascii_digit() || b == b'-') && (7..=13).contains(&digits) && s.starts_with('0');
    mobile || landline
}

/// 是/否, Y/N, 1/0, true/false, 有/无; empty is "no".
pub fn parse_flag(s: &str) -> Result<bool, String> {
    match s.trim() {
        "" | "否" | "无" | "N" | "n" | "0" | "false" | "no" | "FALSE" => Ok(false),
        "是" | "有" | "Y" | "y" | "1" | "true" | "yes" | "TRUE" => Ok(true),
        other => Err(format!("“{other}”应填“是”或“否”")),
    }
}

/// Dates as people type them: 2024-03-15, 2024/3/15, 20240315, 2024年3月15日, or 2024-03 (the 1st).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = normalise_digits(s.trim());
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(&s, "%Y%m%d").ok();
    }
    let cleaned: String =
        s.replace(['年', '月'], "-").replace('日', "").replace(['/', '.'], "-").trim_end_matches('-').to_owned();
    let parts: Vec<&str> = cleaned.split('-').collect();
    let num = |p: &str| p.parse::<u32>().ok();
    match parts.as_slice() {
        [y, m, d] => NaiveDate::from_ymd_opt(y.parse().ok()?, num(m)?, num(d)?),
        [y, m] => NaiveDate::from_ymd_opt(y.parse().ok()?, num(m)?, 1),
        _ => None,
    }
}

/// Up to two other causes, separated by 、 , ; or spaces.
fn parse_causes(c: &mut Collector<'_, impl Fields + ?Sized>, main: Option<PovertyCause>) -> Vec<PovertyCause> {
    let raw = c.fields.get("other_causes");
    let mut out = Vec::new();
    for part in raw.split(['、', ',', '，', ';', '；', ' ', '|']).map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<PovertyCause>() {
            Ok(cause) if Some(cause) == main => {
                c.errors.push(FieldError::new("other_causes", format!("其他致贫原因“{cause}”与主要致贫原因重复")))
            }
            Ok(cause) if out.contains(&cause) => {}
            Ok(cause) => out.push(cause),
            Err(e) => c.errors.push(FieldError::new("other_causes", e.to_string())),
        }
    }
    if out.len() > 2 {
        c.errors.push(FieldError::new("other_causes", "其他致贫原因最多填两项"));
    }
    out
}

/// The poverty-era fields of a household (DOMAIN §0): a 脱贫户's, empty for the others.
pub const POVERTY_FIELDS: &[(&str, &str)] = &[
    ("standard", "识别标准"),
    ("attribute", "贫困户属性"),
    ("main_cause", "主要致贫原因"),
    ("other_causes", "其他致贫原因"),
    ("status", "脱贫状态"),
    ("exit_year", "脱贫年度"),
];

impl HouseholdData {
    /// Checks a household's fields; `today` bounds dates (no date in the future).
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<HouseholdData, Vec<FieldError>> {
        let mut c = Collector { fields: f, errors: Vec::new() };
        let household_no = normalise_digits(&c.required_text("household_no"));
        let village_code = match f.get("village_code").trim() {
            "" => {
                c.errors.push(FieldError::new("village_code", "村代码不能为空"));
                None
            }
            v => match AreaCode::parse(v) {
                Ok(code) if code.implied_level() == crate::area::AreaLevel::Village => Some(code),
                Ok(code) => {
                    c.errors.push(FieldError::new("village_code", format!("“{code}”不是村（社区）一级的代码")));
                    None
                }
                Err(m) => {
                    c.errors.push(FieldError::new("village_code", m));
                    None
                }
            },
        };
        let household_type = match f.get("household_type").trim() {
            // Files from before 户类型 existed hold only former 建档立卡 households.
            "" => Some(HouseholdType::Tuopin),
            _ => c.code::<HouseholdType>("household_type"),
        };
        let poverty = household_type.is_none_or(HouseholdType::has_poverty_fields);
        let (standard, attribute, main_cause, status) = if poverty {
            (
                c.required_code::<IdentificationStandard>("standard", "识别标准"),
                c.required_code::<PovertyAttribute>("attribute", "贫困户属性"),
                c.required_code::<PovertyCause>("main_cause", "主要致贫原因"),
                c.required_code::<PovertyStatus>("status", "脱贫状态"),
            )
        } else {
            (None, None, None, None)
        };
        let other_causes = if poverty { parse_causes(&mut c, main_cause) } else { Vec::new() };
        if let Some(t) = household_type.filter(|t| !t.has_poverty_fields()) {
            for (field, label) in POVERTY_FIELDS {
                if !f.get(field).trim().is_empty() {
                    c.errors.push(FieldError::new(*field, format!("{label}只适用于脱贫户，{t}不填写此项")));
                }
            }
        }
        let first_identified_on = c.date("first_identified_on", today);
        let current_year = chrono::Datelike::year(&today);
        let exit_year = if poverty { c.integer("exit_year", "脱贫年度", 2014..=current_year) } else { None };
        match (status, exit_year) {
            (Some(PovertyStatus::Exited | PovertyStatus::Closed), None) if poverty => {
                c.errors.push(FieldError::new("exit_year", "已脱贫户须填写脱贫年度"))
            }
            (Some(PovertyStatus::Poor), Some(_)) => {
                c.errors.push(FieldError::new("exit_year", "未脱贫户不应填写脱贫年度"))
            }
            _ => {}
        }
        if let (Some(first), Some(exit)) = (first_identified_on, exit_year)
            && exit < chrono::Datelike::year(&first)
        {
            c.errors.push(FieldError::new("exit_year", "脱贫年度早于首次识别时间"));
        }
        let farmland_mu = c.number("farmland_mu", "耕地面积", 10_000.0);
        let irrigated_mu = c.number("irrigated_mu", "有效灌溉面积", 10_000.0);
        if let (Some(farm), Some(irr)) = (farmland_mu, irrigated_mu)
            && irr > farm
        {
            c.errors.push(FieldError::new("irrigated_mu", "有效灌溉面积不能大于耕地面积"));
        }
        let living = LivingConditions {
            farmland_mu,
            irrigated_mu,
            forest_mu: c.number("forest_mu", "林地面积", 100_000.0),
            housing_m2: c.number("housing_m2", "住房面积", 10_000.0),
            housing_structure: c.code("housing_structure"),
            danger_grade: c.code("danger_grade"),
            road_distance_km: c.number("road_distance_km", "距村主干路距离", 1_000.0),
            road_type: c.code("road_type"),
            household_power: c.optional_flag("household_power"),
            production_power: c.optional_flag("production_power"),
            water_difficult: c.optional_flag("water_difficult"),
            water_safe: c.optional_flag("water_safe"),
            fuel: c.code("fuel"),
            sanitary_toilet: c.optional_flag("sanitary_toilet"),
            in_cooperative: c.optional_flag("in_cooperative"),
            relocated: c.optional_flag("relocated"),
        };
        let group_name = c.text("group_name");
        let address = c.text("address");
        let phone = c.phone("phone");
        let bank_name = c.text("bank_name");
        let bank_account = c.text("bank_account").map(|a| normalise_digits(&a).replace(' ', ""));
        if let Some(acct) = &bank_account
            && (!(8..=30).contains(&acct.len()) || !acct.bytes().all(|b| b.is_ascii_digit()))
        {
            c.errors.push(FieldError::new("bank_account", "银行账号应为8到30位数字"));
        }
        match (village_code, household_type) {
            (Some(village_code), Some(household_type)) if c.errors.is_empty() => Ok(HouseholdData {
                household_no,
                village_code,
                group_name,
                address,
                phone,
                bank_name,
                bank_account,
                household_type,
                standard,
                attribute,
                main_cause,
                other_causes,
                status,
                first_identified_on,
                exit_year,
                living,
            }),
            _ => Err(c.errors),
        }
    }
}

impl HouseholdData {
    /// 户编号 of a household registered here (form, API): the village's 12-digit code followed
    /// by a 4- to 8-digit sequence, as the demo and the generator number them. Imports keep the
    /// numbers an earlier system gave.
    pub fn check_number(&self) -> Result<(), FieldError> {
        let code = self.village_code.as_str();
        let no = &self.household_no;
        let sequence = no.strip_prefix(code).unwrap_or("");
        if no.bytes().all(|b| b.is_ascii_digit()) && (4..=8).contains(&sequence.len()) {
            Ok(())
        } else {
            Err(FieldError::new(
                "household_no",
                format!("户编号应为村代码“{code}”加4至8位序号，如 {code}0001；不填则自动编号"),
            ))
        }
    }
}

/// The next free 户编号 in a village, after the highest number already given there.
pub fn next_household_no(village: &AreaCode, highest: Option<&str>) -> String {
    let code = village.as_str();
    let next = highest
        .and_then(|h| h.strip_prefix(code))
        .filter(|seq| !seq.is_empty() && seq.bytes().all(|b| b.is_ascii_digit()))
        .map(|seq| (seq.len(), seq.parse::<u64>().unwrap_or(0) + 1));
    match next {
        Some((width, n)) => format!("{code}{n:0width$}", width = width.max(n.to_string().len())),
        None => format!("{code}0001"),
    }
}

impl MemberData {
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<MemberData, Vec<FieldError>> {
        let mut c = Collector { fields: f, errors: Vec::new() };
        let name = c.required_text("name");
        if name.chars().any(|ch| ch.is_ascii_digit() || ch.is_control()) {
            c.errors.push(FieldError::new("name", "姓名不能含有数字"));
        }
        let sex = c.required_code::<Sex>("sex", "性别");
        let id_kind = c.code::<IdKind>("id_kind");
        let given_category = c.code::<DisabilityCategory>("disability_category");
        let given_grade = c.code::<DisabilityGrade>("disability_grade");
        let document =
            match super::certificate::parse_document(f.get("id_number"), id_kind, (given_category, given_grade), today)
            {
                Ok(d) => Some(d),
                Err(m) => {
                    c.errors.push(FieldError::new("id_number", m));
                    None
                }
            };
        let id_number = document.as_ref().map(|d| d.id.clone());
        if let (Some(id), Some(sex)) = (&id_number, sex) {
            if let Err(e) = id.check_sex(sex) {
                c.errors.push(FieldError::new("id_number", e.to_string()));
            }
            if id.birth_date() > today {
                c.errors.push(FieldError::new("id_number", "证件号码中的出生日期晚于今天"));
            }
        }
        let person_no = c.text("person_no").map(|p| normalise_digits(&p));
        if person_no.as_ref().is_some_and(|p| p.chars().count() > 30) {
            c.errors.push(FieldError::new("person_no", "人编号不能超过30个字符"));
        }
        let relation = c.required_code::<Relation>("relation", "与户主关系");
        if let (Some(_), Some(sex)) = (relation, sex)
            && let Some(named) = Relation::sex_in_wording(f.get("relation"))
            && named != sex
        {
            let typed = f.get("relation").trim();
            c.errors.push(FieldError::new("relation", format!("与户主关系“{typed}”与性别“{sex}”不符")));
        }
        let health = match HealthSet::parse(f.get("health")) {
            Ok(h) => h,
            Err(m) => {
                c.errors.push(FieldError::new("health", m));
                None
            }
        };
        // A 残疾人证 says the member is disabled, of which category and grade.
        let (disability_category, disability_grade, health) = match document.as_ref().and_then(|d| d.disability) {
            Some((category, grade)) => {
                if given_category.is_some_and(|g| g != category) {
                    c.errors.push(FieldError::new(
                        "disability_category",
                        format!("残疾类别与残疾人证号不符：证号第19位表示“{category}”"),
                    ));
                }
                if given_grade.is_some_and(|g| g != grade) {
                    c.errors.push(FieldError::new(
                        "disability_grade",
                        format!("残疾等级与残疾人证号不符：证号第20位表示“{grade}”"),
                    ));
                }
                let health = match health {
                    None => Some(HealthSet::of(&[Health::Disabled])),
                    Some(h) if !h.contains(Health::Disabled) => {
                        c.errors.push(FieldError::new("health", "持残疾人证的成员，健康状况应包含“残疾”"));
                        Some(h)
                    }
                    h => h,
                };
                (Some(category), Some(grade), health)
            }
            None => (given_category, given_grade, health),
        };
        let disabled = health.is_some_and(|h| h.contains(Health::Disabled));
        if disability_category.is_some() && !disabled {
            c.errors.push(FieldError::new("disability_category", "填写了残疾类别，但健康状况不含“残疾”"));
        }
        if disability_grade.is_some() && !disabled {
            c.errors.push(FieldError::new("disability_grade", "填写了残疾等级，但健康状况不是“残疾”"));
        }
        let migrant_work = c.code::<MigrantWork>("migrant_work");
        let migrant_months = c.integer("migrant_months", "务工时间", 0..=12);
        let migrant_place = c.text("migrant_place");
        if migrant_place.as_ref().is_some_and(|p| p.chars().count() > 60) {
            c.errors.push(FieldError::new("migrant_place", "务工地点不能超过60个字"));
        }
        if matches!(migrant_months, Some(m) if m > 0) {
            if migrant_work.is_none() {
                c.errors.push(FieldError::new("migrant_work", "填写了务工时间，但未填写务工状况"));
            }
            if migrant_place.is_none() {
                c.errors.push(FieldError::new("migrant_place", "填写了务工时间，但未填写务工地点"));
            }
        }
        let mut public_job = c.opt_flag("public_job");
        let public_job_months = c.integer("public_job_months", "公益性岗位务工月数", 0..=12);
        if matches!(public_job_months, Some(m) if m > 0) {
            match public_job {
                Some(false) => c.errors.push(FieldError::new(
                    "public_job_months",
                    "填写了公益性岗位务工月数，但“乡村公益性岗位”填的是“否”",
                )),
                // Months in the job answer the question.
                _ => public_job = Some(true),
            }
        }
        let political_status = c.code("political_status");
        let ethnicity = c.code("ethnicity");
        let education = c.code("education");
        let student_status = c.code::<StudentStatus>("student_status");
        let dropout_reason = c.code::<DropoutReason>("dropout_reason");
        if dropout_reason.is_some() {
            if student_status.is_some_and(|s| s != StudentStatus::NotStudent) {
                c.errors.push(FieldError::new("dropout_reason", "在校生不应填写失辍学原因"));
            }
            if let Some(age) = id_number.as_ref().map(|id| id.age_on(today))
                && !(6..=16).contains(&age)
            {
                c.errors.push(FieldError::new(
                    "dropout_reason",
                    format!("失辍学原因只适用于6至16周岁的义务教育适龄儿童，该成员{age}周岁"),
                ));
            }
        }
        let labour = c.code("labour");
        // The old yes/no columns (参加基本医疗保险, 参加养老保险) are still read: 是 is "insured".
        let medical_field =
            if f.get("medical_insurance").trim().is_empty() { "basic_medical" } else { "medical_insurance" };
        let medical_insurance = c.code::<MedicalInsurance>(medical_field);
        let pension_field = if f.get("pension_insurance").trim().is_empty() { "pension" } else { "pension_insurance" };
        let pension_insurance = c.code::<PensionInsurance>(pension_field);
        let flags = [
            c.opt_flag("serious_illness"),
            c.opt_flag("commercial_insurance"),
            c.opt_flag("medical_aid"),
            c.opt_flag("dibao"),
            c.opt_flag("tekun"),
            c.opt_flag("soldier"),
        ];
        let phone = c.phone("phone");
        let joined_on = c.date("joined_on", today);
        if let (Some(id), Some(joined)) = (&id_number, joined_on)
            && joined < id.birth_date()
        {
            c.errors.push(FieldError::new("joined_on", "加入日期早于出生日期"));
        }
        // Every problem of the row is reported at once; only then is a missing ID fatal.
        let (Some(document), true) = (document, c.errors.is_empty()) else { return Err(c.errors) };
        let [serious_illness, commercial_insurance, medical_aid, dibao, tekun, soldier] = flags;
        let data = MemberData {
            name,
            sex: sex.unwrap_or(Sex::Male),
            id_kind: document.kind,
            id_number: document.id,
            person_no,
            relation: relation.unwrap_or(Relation::Other),
            political_status,
            ethnicity,
            education,
            student_status,
            dropout_reason,
            health,
            disability_category,
            disability_grade,
            labour,
            migrant_work,
            migrant_months,
            migrant_place,
            public_job,
            public_job_months,
            medical_insurance,
            serious_illness,
            commercial_insurance,
            medical_aid,
            pension_insurance,
            dibao,
            tekun,
            soldier,
            phone,
            joined_on,
            join_reason: c.text("join_reason"),
        };
        Ok(data)
    }
}

/// Rules over a household's current members together: exactly one head (户主), at most one
/// spouse, and a head and spouse of different sexes.
pub fn check_members(members: &[&MemberData]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let heads: Vec<_> = members.iter().filter(|m| m.relation == Relation::Head).collect();
    match heads.len() {
        0 => errors.push(FieldError::new("relation", "该户没有户主")),
        1 => {
            let head_sex = heads[0].sex;
            if members.iter().any(|m| m.relation == Relation::Spouse && m.sex == head_sex) {
                errors.push(FieldError::new("relation", "户主与配偶性别相同"));
            }
            let spouses = members.iter().filter(|m| m.relation == Relation::Spouse).count();
            if spouses > 1 {
                errors.push(FieldError::new("relation", format!("该户有{spouses}名配偶，应至多一名")));
            }
        }
        n => errors.push(FieldError::new("relation", format!("该户有{n}名户主，应只有一名"))),
    }
    errors
}

#[cfg(test)]
mod tests;

/// A phone number as the audit log and the change notes keep it, `139****5678`: the number
/// itself is kept only sealed (encrypted), and the log must not hold it in the clear.
pub fn masked_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() < 8 {
        return "****".into();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// A bank account as the log keeps it: its last four digits.
pub fn masked_account(account: &str) -> String {
    let chars: Vec<char> = account.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let tail: String = chars[chars.len().saturating_sub(4)..].iter().collect();
    format!("****{tail}")
}

/// Masks the personal values of a change (compared in the clear, logged masked).
fn mask_personal(
    (field, before, after): (&'static str, Option<String>, Option<String>),
) -> (&'static str, Option<String>, Option<String>) {
    let mask: fn(&str) -> String = match field {
        "phone" => masked_phone,
        "bank_account" => masked_account,
        _ => return (field, before, after),
    };
    (field, before.as_deref().map(mask), after.as_deref().map(mask))
}

/// What changed between two versions of a member, field by field, as people read it
/// (code-list labels, 是/否, ID numbers masked): `(field, before, after)`.
pub fn member_changes(old: &MemberData, new: &MemberData) -> Vec<(&'static str, Option<String>, Option<String>)> {
    fn label<T: CodeList>(v: Option<T>) -> Option<String> {
        v.map(|x| x.label_zh().to_owned())
    }
    fn flag(b: Option<bool>) -> Option<String> {
        b.map(|b| if b { "是" } else { "否" }.to_owned())
    }
    fn num(v: Option<i32>) -> Option<String> {
        v.map(|m| m.to_string())
    }
    let pairs: Vec<(&'static str, Option<String>, Option<String>)> = vec![
        ("name", Some(old.name.clone()), Some(new.name.clone())),
        ("sex", label(Some(old.sex)), label(Some(new.sex))),
        ("id_kind", label(Some(old.id_kind)), label(Some(new.id_kind))),
        ("id_number", Some(old.id_number.masked()), Some(new.id_number.masked())),
        ("person_no", old.person_no.clone(), new.person_no.clone()),
        ("relation", label(Some(old.relation)), label(Some(new.relation))),
        ("political_status", label(old.political_status), label(new.political_status)),
        ("ethnicity", label(old.ethnicity), label(new.ethnicity)),
        ("education", label(old.education), label(new.education)),
        ("student_status", label(old.student_status), label(new.student_status)),
        ("dropout_reason", label(old.dropout_reason), label(new.dropout_reason)),
        ("health", old.health.map(HealthSet::label_zh), new.health.map(HealthSet::label_zh)),
        ("disability_category", label(old.disability_category), label(new.disability_category)),
        ("disability_grade", label(old.disability_grade), label(new.disability_grade)),
        ("labour", label(old.labour), label(new.labour)),
        ("migrant_work", label(old.migrant_work), label(new.migrant_work)),
        ("migrant_months", num(old.migrant_months), num(new.migrant_months)),
        ("migrant_place", old.migrant_place.clone(), new.migrant_place.clone()),
        ("public_job", flag(old.public_job), flag(new.public_job)),
        ("public_job_months", num(old.public_job_months), num(new.public_job_months)),
        ("medical_insurance", label(old.medical_insurance), label(new.medical_insurance)),
        ("serious_illness", flag(old.serious_illness), flag(new.serious_illness)),
        ("commercial_insurance", flag(old.commercial_insurance), flag(new.commercial_insurance)),
        ("medical_aid", flag(old.medical_aid), flag(new.medical_aid)),
        ("pension_insurance", label(old.pension_insurance), label(new.pension_insurance)),
        ("dibao", flag(old.dibao), flag(new.dibao)),
        ("tekun", flag(old.tekun), flag(new.tekun)),
        ("soldier", flag(old.soldier), flag(new.soldier)),
        ("phone", old.phone.clone(), new.phone.clone()),
    ];
    let mut out: Vec<_> = pairs.into_iter().filter(|(_, a, b)| a != b).map(mask_personal).collect();
    // A new ID number with the same first and last four digits still counts as a change.
    if old.id_number != new.id_number && !out.iter().any(|(f, _, _)| *f == "id_number") {
        out.push(("id_number", Some(old.id_number.masked()), Some(new.id_number.masked())));
    }
    out
}

/// What changed between two versions of a household's own record, as people read it:
/// `(field, before, after)`. Status and monitoring changes have their own dated history.
pub fn household_changes(
    old: &HouseholdData,
    new: &HouseholdData,
) -> Vec<(&'static str, Option<String>, Option<String>)> {
    fn label<T: CodeList>(v: Option<T>) -> Option<String> {
        v.map(|x| x.label_zh().to_owned())
    }
    fn tri(b: Option<bool>) -> Option<String> {
        Some(flag_label(b).to_owned())
    }
    fn num(v: Option<f64>) -> Option<String> {
        v.map(|x| format!("{x}"))
    }
    fn causes(c: &[PovertyCause]) -> Option<String> {
        (!c.is_empty()).then(|| c.iter().map(|x| x.label_zh()).collect::<Vec<_>>().join("、"))
    }
    let (a, b) = (&old.living, &new.living);
    let pairs: Vec<(&'static str, Option<String>, Option<String>)> = vec![
        ("household_no", Some(old.household_no.clone()), Some(new.household_no.clone())),
        ("village_code", Some(old.village_code.to_string()), Some(new.village_code.to_string())),
        ("group_name", old.group_name.clone(), new.group_name.clone()),
        ("address", old.address.clone(), new.address.clone()),
        ("phone", old.phone.clone(), new.phone.clone()),
        ("bank_name", old.bank_name.clone(), new.bank_name.clone()),
        ("bank_account", old.bank_account.clone(), new.bank_account.clone()),
        ("household_type", label(Some(old.household_type)), label(Some(new.household_type))),
        ("standard", label(old.standard), label(new.standard)),
        ("attribute", label(old.attribute), label(new.attribute)),
        ("main_cause", label(old.main_cause), label(new.main_cause)),
        ("other_causes", causes(&old.other_causes), causes(&new.other_causes)),
        (
            "first_identified_on",
            old.first_identified_on.map(|d| d.to_string()),
            new.first_identified_on.map(|d| d.to_string()),
        ),
        ("exit_year", old.exit_year.map(|y| y.to_string()), new.exit_year.map(|y| y.to_string())),
        ("farmland_mu", num(a.farmland_mu), num(b.farmland_mu)),
        ("irrigated_mu", num(a.irrigated_mu), num(b.irrigated_mu)),
        ("forest_mu", num(a.forest_mu), num(b.forest_mu)),
        ("housing_m2", num(a.housing_m2), num(b.housing_m2)),
        ("housing_structure", label(a.housing_structure), label(b.housing_structure)),
        ("danger_grade", label(a.danger_grade), label(b.danger_grade)),
        ("road_distance_km", num(a.road_distance_km), num(b.road_distance_km)),
        ("road_type", label(a.road_type), label(b.road_type)),
        ("household_power", tri(a.household_power), tri(b.household_power)),
        ("production_power", tri(a.production_power), tri(b.production_power)),
        ("water_difficult", tri(a.water_difficult), tri(b.water_difficult)),
        ("water_safe", tri(a.water_safe), tri(b.water_safe)),
        ("fuel", label(a.fuel), label(b.fuel)),
        ("sanitary_toilet", tri(a.sanitary_toilet), tri(b.sanitary_toilet)),
        ("in_cooperative", tri(a.in_cooperative), tri(b.in_cooperative)),
        ("relocated", tri(a.relocated), tri(b.relocated)),
    ];
    pairs.into_iter().filter(|(_, x, y)| x != y).map(mask_personal).collect()
}

/// 是 / 否 / 未填 for an answer that may be missing.
pub fn flag_label(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "是",
        Some(false) => "否",
        None => "未填",
    }
}

/// A yes/no answer that may be left unanswered: blank (or 未填) is `None`, never 否.
/// 是/否, Y/N, 1/0, true/false, 有/无 as [`parse_flag`].
pub fn parse_optional_flag(s: &str) -> Result<Option<bool>, String> {
    match s.trim() {
        "" | "未填" | "不详" | "未知" => Ok(None),
        other => parse_flag(other).map(Some),
    }
}
