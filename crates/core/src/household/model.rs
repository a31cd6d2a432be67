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
    pub household_power: bool,
    pub production_power: bool,
    pub water_difficult: bool,
    pub water_safe: bool,
    pub fuel: Option<Fuel>,
    pub sanitary_toilet: bool,
    pub in_cooperative: bool,
    pub relocated: bool,
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
    pub standard: IdentificationStandard,
    pub attribute: PovertyAttribute,
    pub main_cause: PovertyCause,
    pub other_causes: Vec<PovertyCause>,
    pub status: PovertyStatus,
    pub first_identified_on: Option<NaiveDate>,
    pub exit_year: Option<i32>,
    pub monitoring_type: Option<MonitoringType>,
    pub risk_identified_on: Option<NaiveDate>,
    pub risk_cleared_on: Option<NaiveDate>,
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
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MemberData {
    pub name: String,
    pub sex: Sex,
    pub id_number: IdNumber,
    pub relation: Relation,
    pub ethnicity: Option<Ethnicity>,
    pub education: Option<Education>,
    pub student_status: Option<StudentStatus>,
    pub health: Option<Health>,
    pub disability_grade: Option<DisabilityGrade>,
    pub labour: Option<Labour>,
    pub migrant_work: Option<MigrantWork>,
    pub migrant_months: Option<i32>,
    pub basic_medical: bool,
    pub serious_illness: bool,
    pub pension: bool,
    pub dibao: bool,
    pub tekun: bool,
    pub soldier: bool,
    pub phone: Option<String>,
    pub joined_on: Option<NaiveDate>,
    pub join_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Member {
    pub id: MemberId,
    pub household_id: HouseholdId,
    pub data: MemberData,
    pub left_on: Option<NaiveDate>,
    pub left_reason: Option<String>,
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
    fn text(&self, field: &str) -> Option<String> {
        let v = self.fields.get(field).trim();
        (!v.is_empty()).then(|| v.to_owned())
    }

    fn required_text(&mut self, field: &str, label: &str, max_chars: usize) -> String {
        let v = self.fields.get(field).trim();
        if v.is_empty() {
            self.errors.push(FieldError::new(field, format!("{label}不能为空")));
        } else if v.chars().count() > max_chars {
            self.errors.push(FieldError::new(field, format!("{label}不能超过{max_chars}个字")));
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

    fn flag(&mut self, field: &str) -> bool {
        match parse_flag(self.fields.get(field)) {
            Ok(b) => b,
            Err(m) => {
                self.errors.push(FieldError::new(field, m));
                false
            }
        }
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

impl HouseholdData {
    /// Checks a household's fields; `today` bounds dates (no date in the future).
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<HouseholdData, Vec<FieldError>> {
        let mut c = Collector { fields: f, errors: Vec::new() };
        let household_no = normalise_digits(&c.required_text("household_no", "户编号", 30));
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
        let standard = c.required_code::<IdentificationStandard>("standard", "识别标准");
        let attribute = c.required_code::<PovertyAttribute>("attribute", "贫困户属性");
        let main_cause = c.required_code::<PovertyCause>("main_cause", "主要致贫原因");
        let other_causes = parse_causes(&mut c, main_cause);
        let status = c.required_code::<PovertyStatus>("status", "脱贫状态");
        let first_identified_on = c.date("first_identified_on", today);
        let current_year = chrono::Datelike::year(&today);
        let exit_year = c.integer("exit_year", "脱贫年度", 2014..=current_year);
        match (status, exit_year) {
            (Some(PovertyStatus::Exited | PovertyStatus::Closed), None) => {
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
        let monitoring_type = c.code::<MonitoringType>("monitoring_type");
        let risk_identified_on = c.date("risk_identified_on", today);
        let risk_cleared_on = c.date("risk_cleared_on", today);
        if monitoring_type.is_none() && (risk_identified_on.is_some() || risk_cleared_on.is_some()) {
            c.errors.push(FieldError::new("monitoring_type", "填写了风险识别或消除时间，但未填写监测对象类型"));
        }
        if let (Some(a), Some(b)) = (risk_identified_on, risk_cleared_on)
            && b < a
        {
            c.errors.push(FieldError::new("risk_cleared_on", "风险消除时间早于风险识别时间"));
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
            household_power: c.flag("household_power"),
            production_power: c.flag("production_power"),
            water_difficult: c.flag("water_difficult"),
            water_safe: c.flag("water_safe"),
            fuel: c.code("fuel"),
            sanitary_toilet: c.flag("sanitary_toilet"),
            in_cooperative: c.flag("in_cooperative"),
            relocated: c.flag("relocated"),
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
        match (village_code, standard, attribute, main_cause, status) {
            (Some(village_code), Some(standard), Some(attribute), Some(main_cause), Some(status))
                if c.errors.is_empty() =>
            {
                Ok(HouseholdData {
                    household_no,
                    village_code,
                    group_name,
                    address,
                    phone,
                    bank_name,
                    bank_account,
                    standard,
                    attribute,
                    main_cause,
                    other_causes,
                    status,
                    first_identified_on,
                    exit_year,
                    monitoring_type,
                    risk_identified_on,
                    risk_cleared_on,
                    living,
                })
            }
            _ => Err(c.errors),
        }
    }
}

impl MemberData {
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<MemberData, Vec<FieldError>> {
        let mut c = Collector { fields: f, errors: Vec::new() };
        let name = c.required_text("name", "姓名", 30);
        if name.chars().any(|ch| ch.is_ascii_digit() || ch.is_control()) {
            c.errors.push(FieldError::new("name", "姓名不能含有数字"));
        }
        let sex = c.required_code::<Sex>("sex", "性别");
        let id_number = match IdNumber::parse_as_of(f.get("id_number"), today) {
            Ok(id) => Some(id),
            Err(e) => {
                c.errors.push(FieldError::new("id_number", e.to_string()));
                None
            }
        };
        if let (Some(id), Some(sex)) = (&id_number, sex) {
            if let Err(e) = id.check_sex(sex) {
                c.errors.push(FieldError::new("id_number", e.to_string()));
            }
            if id.birth_date() > today {
                c.errors.push(FieldError::new("id_number", "证件号码中的出生日期晚于今天"));
            }
        }
        let relation = c.required_code::<Relation>("relation", "与户主关系");
        let health = c.code::<Health>("health");
        let disability_grade = c.code::<DisabilityGrade>("disability_grade");
        if disability_grade.is_some() && health != Some(Health::Disabled) {
            c.errors.push(FieldError::new("disability_grade", "填写了残疾等级，但健康状况不是“残疾”"));
        }
        let migrant_work = c.code::<MigrantWork>("migrant_work");
        let migrant_months = c.integer("migrant_months", "务工时间", 0..=12);
        if matches!(migrant_months, Some(m) if m > 0) && migrant_work.is_none() {
            c.errors.push(FieldError::new("migrant_work", "填写了务工时间，但未填写务工地点"));
        }
        let ethnicity = c.code("ethnicity");
        let education = c.code("education");
        let student_status = c.code("student_status");
        let labour = c.code("labour");
        let flags = [
            c.flag("basic_medical"),
            c.flag("serious_illness"),
            c.flag("pension"),
            c.flag("dibao"),
            c.flag("tekun"),
            c.flag("soldier"),
        ];
        let phone = c.phone("phone");
        let joined_on = c.date("joined_on", today);
        if let (Some(id), Some(joined)) = (&id_number, joined_on)
            && joined < id.birth_date()
        {
            c.errors.push(FieldError::new("joined_on", "加入日期早于出生日期"));
        }
        // Every problem of the row is reported at once; only then is a missing ID fatal.
        let (Some(id_number), true) = (id_number, c.errors.is_empty()) else { return Err(c.errors) };
        let [basic_medical, serious_illness, pension, dibao, tekun, soldier] = flags;
        let data = MemberData {
            name,
            sex: sex.unwrap_or(Sex::Male),
            id_number,
            relation: relation.unwrap_or(Relation::Other),
            ethnicity,
            education,
            student_status,
            health,
            disability_grade,
            labour,
            migrant_work,
            migrant_months,
            basic_medical,
            serious_illness,
            pension,
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

/// Rules over a household's current members together: exactly one head (户主),
/// and a head and spouse of different sexes.
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
        }
        n => errors.push(FieldError::new("relation", format!("该户有{n}名户主，应只有一名"))),
    }
    errors
}

#[cfg(test)]
mod tests;

/// What changed between two versions of a member, field by field, as people read it
/// (code-list labels, 是/否, ID numbers masked): `(field, before, after)`.
pub fn member_changes(old: &MemberData, new: &MemberData) -> Vec<(&'static str, Option<String>, Option<String>)> {
    fn label<T: CodeList>(v: Option<T>) -> Option<String> {
        v.map(|x| x.label_zh().to_owned())
    }
    fn flag(b: bool) -> Option<String> {
        Some(if b { "是" } else { "否" }.to_owned())
    }
    let pairs: Vec<(&'static str, Option<String>, Option<String>)> = vec![
        ("name", Some(old.name.clone()), Some(new.name.clone())),
        ("sex", label(Some(old.sex)), label(Some(new.sex))),
        ("id_number", Some(old.id_number.masked()), Some(new.id_number.masked())),
        ("relation", label(Some(old.relation)), label(Some(new.relation))),
        ("ethnicity", label(old.ethnicity), label(new.ethnicity)),
        ("education", label(old.education), label(new.education)),
        ("student_status", label(old.student_status), label(new.student_status)),
        ("health", label(old.health), label(new.health)),
        ("disability_grade", label(old.disability_grade), label(new.disability_grade)),
        ("labour", label(old.labour), label(new.labour)),
        ("migrant_work", label(old.migrant_work), label(new.migrant_work)),
        ("migrant_months", old.migrant_months.map(|m| m.to_string()), new.migrant_months.map(|m| m.to_string())),
        ("basic_medical", flag(old.basic_medical), flag(new.basic_medical)),
        ("serious_illness", flag(old.serious_illness), flag(new.serious_illness)),
        ("pension", flag(old.pension), flag(new.pension)),
        ("dibao", flag(old.dibao), flag(new.dibao)),
        ("tekun", flag(old.tekun), flag(new.tekun)),
        ("soldier", flag(old.soldier), flag(new.soldier)),
        ("phone", old.phone.clone(), new.phone.clone()),
    ];
    let mut out: Vec<_> = pairs.into_iter().filter(|(_, a, b)| a != b).collect();
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
    fn flag(b: bool) -> Option<String> {
        Some(if b { "是" } else { "否" }.to_owned())
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
        ("standard", label(Some(old.standard)), label(Some(new.standard))),
        ("attribute", label(Some(old.attribute)), label(Some(new.attribute))),
        ("main_cause", label(Some(old.main_cause)), label(Some(new.main_cause))),
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
        ("household_power", flag(a.household_power), flag(b.household_power)),
        ("production_power", flag(a.production_power), flag(b.production_power)),
        ("water_difficult", flag(a.water_difficult), flag(b.water_difficult)),
        ("water_safe", flag(a.water_safe), flag(b.water_safe)),
        ("fuel", label(a.fuel), label(b.fuel)),
        ("sanitary_toilet", flag(a.sanitary_toilet), flag(b.sanitary_toilet)),
        ("in_cooperative", flag(a.in_cooperative), flag(b.in_cooperative)),
        ("relocated", flag(a.relocated), flag(b.relocated)),
    ];
    pairs.into_iter().filter(|(_, x, y)| x != y).collect()
}
