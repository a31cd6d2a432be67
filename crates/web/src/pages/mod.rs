//! Server-rendered pages, one module per resource.

pub mod areas;
pub mod assets;
pub mod assistance;
pub mod audit;
pub mod auth;
pub mod changes;
pub mod events;
pub mod form;
pub mod grants;
pub mod household_form;
pub mod households;
pub mod id_conflicts;
pub mod incomes;
pub mod leads;
pub mod lines;
pub mod members;
pub mod monitoring;
pub mod overview;
pub mod plans;
pub mod print;
pub mod procedures;
pub mod project_changes;
pub mod project_documents;
pub mod project_notices;
pub mod projects;
pub mod public;
pub mod pv;
pub mod self_reports;
pub mod teams;
pub mod training;
pub mod two_factor;
pub mod units;
pub mod users;
pub mod visits;
pub mod work;
pub mod yulu;

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

/// A list's page links (`pager.html`): `{base}page=N`, where `base` ends in `?` or `&`.
pub struct Pager {
    pub base: String,
    pub page: u32,
    pub pages: u32,
}

impl Pager {
    pub fn new(base: impl Into<String>, page: u32, total: i64, size: u32) -> Pager {
        let pages = u32::try_from(total.max(0)).unwrap_or(u32::MAX).div_ceil(size.max(1)).max(1);
        Pager { base: base.into(), page, pages }
    }
}
