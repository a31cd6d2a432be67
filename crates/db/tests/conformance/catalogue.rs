//! The field catalogue (bangfu_core::household::columns) against the migrated schema, on both
//! backends: every stored field has its column, and every column of the two tables is either a
//! field's or one of the record's own bookkeeping columns named here.

use std::collections::BTreeSet;

use bangfu_core::household::columns::{Column, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS};
use bangfu_db::{Db, Pool};

use crate::conformance;

/// Columns that are the record's own, not a field of the CSV, form or API.
const HOUSEHOLD_OWN: &[&str] = &[
    "household_id",
    "monitoring_type", // mirrors the open monitoring episode
    "created_at",
    "updated_at",
    "updated_by",
    "version",
    "deregistered_on", // 注销, written by the life events
    "deregistered_reason",
];
const MEMBER_OWN: &[&str] = &[
    "member_id",
    "left_on",
    "left_reason",
    "search_key",
    "id_number_key",
    "created_at",
    "updated_at",
    "updated_by",
    "version",
];

async fn columns(db: &Db, table: &str) -> BTreeSet<String> {
    let names: Vec<String> = match db.pool() {
        Pool::Sqlite(p) => sqlx::query_scalar("select name from pragma_table_info($1)").bind(table).fetch_all(p).await,
        Pool::Postgres(p) => {
            sqlx::query_scalar(
                "select column_name::text from information_schema.columns where table_schema = current_schema() and table_name = $1",
            )
            .bind(table)
            .fetch_all(p)
            .await
        }
    }
    .unwrap();
    names.into_iter().collect()
}

fn expected(catalogue: &[Column], own: &[&str]) -> BTreeSet<String> {
    Column::stored_columns(catalogue).into_iter().chain(own.iter().copied()).map(str::to_owned).collect()
}

conformance!(the_migrated_schema_holds_exactly_the_catalogues_stored_fields, |db: Db| async move {
    assert_eq!(columns(&db, "households").await, expected(HOUSEHOLD_COLUMNS, HOUSEHOLD_OWN));
    assert_eq!(columns(&db, "members").await, expected(MEMBER_COLUMNS, MEMBER_OWN));
});
