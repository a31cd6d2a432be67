//! A row as a list of typed values, in the column order of the SQL that uses it.
//! One list serves parameter binding (both backends) and PostgreSQL COPY text.

use bangfu_core::household::{HouseholdData, MemberData};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
    Real(Option<f64>),
    Bool(bool),
    /// A yes/no answer that may be unanswered (null).
    OptBool(Option<bool>),
    Date(Option<NaiveDate>),
    /// Text computed on the way in (such as a name's search key).
    Owned(String),
}

use Value::*;

/// Binds every value, in order: `bind_values!(sqlx::query(sql), values)`.
macro_rules! bind_values {
    ($q:expr, $values:expr) => {{
        let mut q = $q;
        for v in $values {
            q = match v {
                $crate::values::Value::Text(s) => q.bind(s),
                $crate::values::Value::Int(i) => q.bind(i),
                $crate::values::Value::Real(r) => q.bind(r),
                $crate::values::Value::Bool(b) => q.bind(b),
                $crate::values::Value::OptBool(b) => q.bind(b),
                $crate::values::Value::Date(d) => q.bind(d),
                $crate::values::Value::Owned(s) => q.bind(s),
            };
        }
        q
    }};
}
pub(crate) use bind_values;

/// In the order of `households::HOUSEHOLD_COLUMNS`.
pub(crate) fn household_values(h: &HouseholdData) -> Vec<Value<'_>> {
    let l = &h.living;
    vec![
        Text(Some(&h.household_no)),
        Text(Some(h.village_code.as_str())),
        Text(h.group_name.as_deref()),
        Text(h.address.as_deref()),
        sealed(h.phone.as_deref()),
        Text(h.bank_name.as_deref()),
        Text(h.bank_account.as_deref()),
        Text(Some(h.household_type.code())),
        Text(h.standard.map(|c| c.code())),
        Text(h.attribute.map(|c| c.code())),
        Text(h.main_cause.map(|c| c.code())),
        Text(h.other_causes.first().map(|c| c.code())),
        Text(h.other_causes.get(1).map(|c| c.code())),
        Text(h.status.map(|c| c.code())),
        Date(h.first_identified_on),
        Int(h.exit_year.map(i64::from)),
        Real(l.farmland_mu),
        Real(l.irrigated_mu),
        Real(l.forest_mu),
        Real(l.housing_m2),
        Text(l.housing_structure.map(|c| c.code())),
        Text(l.danger_grade.map(|c| c.code())),
        Real(l.road_distance_km),
        Text(l.road_type.map(|c| c.code())),
        OptBool(l.household_power),
        OptBool(l.production_power),
        OptBool(l.water_difficult),
        OptBool(l.water_safe),
        Text(l.fuel.map(|c| c.code())),
        OptBool(l.sanitary_toilet),
        OptBool(l.in_cooperative),
        OptBool(l.relocated),
    ]
}

/// A member's personal values, sealed (`crate::sealed`): done ahead on the import's parsing
/// threads, where it costs nothing on the one task that writes.
#[derive(Debug, Clone)]
pub(crate) struct SealedMember {
    id_number: String,
    id_key: String,
    phone: Option<String>,
}

impl SealedMember {
    pub(crate) fn of(m: &MemberData) -> SealedMember {
        SealedMember {
            id_number: crate::sealed::seal(m.id_number.as_str()),
            id_key: crate::sealed::id_index(m.id_number.as_str()),
            phone: crate::sealed::seal_opt(m.phone.as_deref()),
        }
    }
}

/// In the order of `households::MEMBER_COLUMNS` without the leading household_id.
pub(crate) fn member_values(m: &MemberData) -> Vec<Value<'_>> {
    member_values_sealed(m, &SealedMember::of(m))
}

/// The same, with the personal values sealed already.
pub(crate) fn member_values_sealed<'a>(m: &'a MemberData, sealed: &SealedMember) -> Vec<Value<'a>> {
    vec![
        Text(Some(&m.name)),
        Text(Some(m.sex.code())),
        Text(Some(m.id_kind.code())),
        Owned(sealed.id_number.clone()),
        Text(m.person_no.as_deref()),
        Text(Some(m.relation.code())),
        Text(m.political_status.map(|c| c.code())),
        Text(m.ethnicity.map(|c| c.code())),
        Text(m.education.map(|c| c.code())),
        Text(m.student_status.map(|c| c.code())),
        Text(m.dropout_reason.map(|c| c.code())),
        match m.health {
            Some(h) => Owned(h.code()),
            None => Text(None),
        },
        Text(m.disability_category.map(|c| c.code())),
        Text(m.disability_grade.map(|c| c.code())),
        Text(m.labour.map(|c| c.code())),
        Text(m.migrant_work.map(|c| c.code())),
        Int(m.migrant_months.map(i64::from)),
        Text(m.migrant_place.as_deref()),
        OptBool(m.public_job),
        Int(m.public_job_months.map(i64::from)),
        Text(m.medical_insurance.map(|c| c.code())),
        OptBool(m.serious_illness),
        OptBool(m.commercial_insurance),
        OptBool(m.medical_aid),
        Text(m.pension_insurance.map(|c| c.code())),
        OptBool(m.dibao),
        OptBool(m.tekun),
        OptBool(m.soldier),
        match &sealed.phone {
            Some(p) => Owned(p.clone()),
            None => Text(None),
        },
        Date(m.joined_on),
        Text(m.join_reason.as_deref()),
        Owned(bangfu_core::household::search::search_key(&m.name)),
        Owned(sealed.id_key.clone()),
    ]
}

/// A personal value the database keeps only sealed (`crate::sealed`).
fn sealed(plain: Option<&str>) -> Value<'static> {
    match plain {
        Some(p) => Owned(crate::sealed::seal(p)),
        None => Text(None),
    }
}

/// Appends values as one line of PostgreSQL COPY text format.
pub(crate) fn copy_line(out: &mut String, values: &[Value<'_>]) {
    use std::fmt::Write;
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        match v {
            Text(Some(s)) => escape_copy(out, s),
            Owned(s) => escape_copy(out, s),
            Int(Some(n)) => {
                let _ = write!(out, "{n}");
            }
            Real(Some(r)) => {
                let _ = write!(out, "{r}");
            }
            Bool(b) | OptBool(Some(b)) => out.push(if *b { 't' } else { 'f' }),
            Date(Some(d)) => {
                let _ = write!(out, "{d}");
            }
            Text(None) | Int(None) | Real(None) | Date(None) | OptBool(None) => out.push_str("\\N"),
        }
    }
    out.push('\n');
}

fn escape_copy(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_tabs_newlines_and_backslashes_and_writes_nulls() {
        let mut s = String::new();
        copy_line(&mut s, &[Text(Some("a\tb\\c\nd")), Int(None), Bool(true), Int(Some(-5))]);
        assert_eq!(s, "a\\tb\\\\c\\nd\t\\N\tt\t-5\n");
    }
}
