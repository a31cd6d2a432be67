//! Server-rendered pages, one module per resource.

pub mod areas;
pub mod assistance;
pub mod audit;
pub mod auth;
pub mod changes;
pub mod form;
pub mod household_form;
pub mod households;
pub mod incomes;
pub mod lines;
pub mod members;
pub mod monitoring;
pub mod overview;
pub mod print;
pub mod teams;
pub mod units;
pub mod users;
pub mod work;

use bangfu_core::household::columns::{HOUSEHOLD_COLUMNS, MEMBER_COLUMNS};

use crate::i18n::Lang;

/// A form field's label in the user's language: the register's column names, then the
/// locale file's `field.<name>` for fields that are not columns.
pub fn field_label(lang: Lang, field: &str) -> &'static str {
    match MEMBER_COLUMNS.iter().chain(HOUSEHOLD_COLUMNS).find(|c| c.field == field) {
        Some(c) if lang == Lang::En => c.en,
        Some(c) => c.zh,
        None => lang.t(&format!("field.{field}")),
    }
}
