//! Reading columns the same way from SQLite and PostgreSQL rows, and turning them into
//! domain values. Stored codes are trusted (they were checked on the way in) but a bad
//! one still becomes an error, never a panic.

use bangfu_core::DomainError;
use bangfu_core::area::{Area, AreaCode, AreaLevel};
use bangfu_core::household::*;
use chrono::NaiveDate;
use sqlx::Row;

pub(crate) trait Get {
    fn text(&self, col: &str) -> Result<String, DomainError>;
    fn opt_text(&self, col: &str) -> Result<Option<String>, DomainError>;
    fn int(&self, col: &str) -> Result<i64, DomainError>;
    fn opt_i32(&self, col: &str) -> Result<Option<i32>, DomainError>;
    fn opt_i64(&self, col: &str) -> Result<Option<i64>, DomainError>;
    fn flag(&self, col: &str) -> Result<bool, DomainError>;
    fn opt_flag(&self, col: &str) -> Result<Option<bool>, DomainError>;
    fn opt_f64(&self, col: &str) -> Result<Option<f64>, DomainError>;
    fn opt_date(&self, col: &str) -> Result<Option<NaiveDate>, DomainError>;
    /// A sealed column (ID number, phone), opened with the process's key ring.
    fn sealed(&self, col: &str) -> Result<String, DomainError> {
        crate::sealed::open_stored(&self.text(col)?)
    }
    fn opt_sealed(&self, col: &str) -> Result<Option<String>, DomainError> {
        self.opt_text(col)?.as_deref().map(crate::sealed::open_stored).transpose()
    }
}

fn bad(col: &str, e: impl std::fmt::Display) -> DomainError {
    DomainError::Internal(format!("column {col}: {e}"))
}

macro_rules! impl_get {
    ($row:ty) => {
        impl Get for $row {
            fn text(&self, col: &str) -> Result<String, DomainError> {
                self.try_get::<String, _>(col).map_err(|e| bad(col, e))
            }
            fn opt_text(&self, col: &str) -> Result<Option<String>, DomainError> {
                self.try_get::<Option<String>, _>(col).map_err(|e| bad(col, e))
            }
            fn int(&self, col: &str) -> Result<i64, DomainError> {
                self.try_get::<i64, _>(col).map_err(|e| bad(col, e))
            }
            fn opt_i32(&self, col: &str) -> Result<Option<i32>, DomainError> {
                self.try_get::<Option<i32>, _>(col).map_err(|e| bad(col, e))
            }
            fn opt_i64(&self, col: &str) -> Result<Option<i64>, DomainError> {
                self.try_get::<Option<i64>, _>(col).map_err(|e| bad(col, e))
            }
            fn flag(&self, col: &str) -> Result<bool, DomainError> {
                self.try_get::<bool, _>(col).map_err(|e| bad(col, e))
            }
            fn opt_flag(&self, col: &str) -> Result<Option<bool>, DomainError> {
                self.try_get::<Option<bool>, _>(col).map_err(|e| bad(col, e))
            }
            fn opt_f64(&self, col: &str) -> Result<Option<f64>, DomainError> {
                self.try_get::<Option<f64>, _>(col).map_err(|e| bad(col, e))
            }
            fn opt_date(&self, col: &str) -> Result<Option<NaiveDate>, DomainError> {
                self.try_get::<Option<NaiveDate>, _>(col).map_err(|e| bad(col, e))
            }
        }
    };
}

impl_get!(sqlx::sqlite::SqliteRow);
impl_get!(sqlx::postgres::PgRow);

fn code<T: std::str::FromStr>(col: &str, v: &str) -> Result<T, DomainError>
where
    T::Err: std::fmt::Display,
{
    v.parse::<T>().map_err(|e| bad(col, e))
}

fn opt_code<T: std::str::FromStr>(r: &impl Get, col: &str) -> Result<Option<T>, DomainError>
where
    T::Err: std::fmt::Display,
{
    r.opt_text(col)?.map(|v| code(col, &v)).transpose()
}

pub(crate) fn area(r: &impl Get) -> Result<Area, DomainError> {
    Ok(Area {
        code: AreaCode::parse(&r.text("area_code")?).map_err(|e| bad("area_code", e))?,
        name: r.text("name")?,
        level: AreaLevel::parse(&r.text("level")?).ok_or_else(|| bad("level", "unknown"))?,
        parent: r
            .opt_text("parent_code")?
            .map(|p| AreaCode::parse(&p))
            .transpose()
            .map_err(|e| bad("parent_code", e))?,
    })
}

pub(crate) fn household_data(r: &impl Get) -> Result<HouseholdData, DomainError> {
    let other_causes = [r.opt_text("other_cause_1")?, r.opt_text("other_cause_2")?]
        .into_iter()
        .flatten()
        .map(|c| code::<PovertyCause>("other_cause", &c))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HouseholdData {
        household_no: r.text("household_no")?,
        village_code: AreaCode::parse(&r.text("area_code")?).map_err(|e| bad("area_code", e))?,
        group_name: r.opt_text("group_name")?,
        address: r.opt_text("address")?,
        phone: r.opt_sealed("phone")?,
        bank_name: r.opt_text("bank_name")?,
        bank_account: r.opt_text("bank_account")?,
        household_type: code("household_type", &r.text("household_type")?)?,
        standard: opt_code(r, "standard")?,
        attribute: opt_code(r, "attribute")?,
        main_cause: opt_code(r, "main_cause")?,
        other_causes,
        status: opt_code(r, "status")?,
        first_identified_on: r.opt_date("first_identified_on")?,
        exit_year: r.opt_i32("exit_year")?,
        living: LivingConditions {
            farmland_mu: r.opt_f64("farmland_mu")?,
            irrigated_mu: r.opt_f64("irrigated_mu")?,
            forest_mu: r.opt_f64("forest_mu")?,
            housing_m2: r.opt_f64("housing_m2")?,
            housing_structure: opt_code(r, "housing_structure")?,
            danger_grade: opt_code(r, "danger_grade")?,
            road_distance_km: r.opt_f64("road_distance_km")?,
            road_type: opt_code(r, "road_type")?,
            household_power: r.opt_flag("household_power")?,
            production_power: r.opt_flag("production_power")?,
            water_difficult: r.opt_flag("water_difficult")?,
            water_safe: r.opt_flag("water_safe")?,
            fuel: opt_code(r, "fuel")?,
            sanitary_toilet: r.opt_flag("sanitary_toilet")?,
            in_cooperative: r.opt_flag("in_cooperative")?,
            relocated: r.opt_flag("relocated")?,
        },
    })
}

pub(crate) fn member(r: &impl Get) -> Result<Member, DomainError> {
    Ok(Member {
        id: MemberId(r.int("member_id")?),
        household_id: HouseholdId(r.int("household_id")?),
        data: MemberData {
            name: r.text("name")?,
            sex: code("sex", &r.text("sex")?)?,
            id_kind: code("id_kind", &r.text("id_kind")?)?,
            id_number: IdNumber::parse(&r.sealed("id_number")?).map_err(|e| bad("id_number", e))?,
            person_no: r.opt_text("person_no")?,
            relation: code("relation", &r.text("relation")?)?,
            political_status: opt_code(r, "political_status")?,
            ethnicity: opt_code(r, "ethnicity")?,
            education: opt_code(r, "education")?,
            student_status: opt_code(r, "student_status")?,
            dropout_reason: opt_code(r, "dropout_reason")?,
            health: opt_code(r, "health")?,
            disability_category: opt_code(r, "disability_category")?,
            disability_grade: opt_code(r, "disability_grade")?,
            labour: opt_code(r, "labour")?,
            migrant_work: opt_code(r, "migrant_work")?,
            migrant_months: r.opt_i32("migrant_months")?,
            migrant_place: r.opt_text("migrant_place")?,
            public_job: r.opt_flag("public_job")?,
            public_job_months: r.opt_i32("public_job_months")?,
            medical_insurance: opt_code(r, "medical_insurance")?,
            serious_illness: r.opt_flag("serious_illness")?,
            commercial_insurance: r.opt_flag("commercial_insurance")?,
            medical_aid: r.opt_flag("medical_aid")?,
            pension_insurance: opt_code(r, "pension_insurance")?,
            dibao: r.opt_flag("dibao")?,
            tekun: r.opt_flag("tekun")?,
            soldier: r.opt_flag("soldier")?,
            phone: r.opt_sealed("phone")?,
            joined_on: r.opt_date("joined_on")?,
            join_reason: r.opt_text("join_reason")?,
        },
        left_on: r.opt_date("left_on")?,
        left_reason: r.opt_text("left_reason")?,
        version: r.int("version")?,
    })
}

pub(crate) fn summary_status(r: &impl Get) -> Result<(Option<PovertyStatus>, Option<MonitoringType>), DomainError> {
    Ok((opt_code(r, "status")?, opt_code(r, "monitoring_type")?))
}

pub(crate) fn opt_code_of<T: std::str::FromStr>(r: &impl Get, col: &str) -> Result<Option<T>, DomainError>
where
    T::Err: std::fmt::Display,
{
    opt_code(r, col)
}

pub(crate) fn code_of<T: std::str::FromStr>(r: &impl Get, col: &str) -> Result<T, DomainError>
where
    T::Err: std::fmt::Display,
{
    code(col, &r.text(col)?)
}
