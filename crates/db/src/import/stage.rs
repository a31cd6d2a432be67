//! The staging tables: their DDL, and the checked rows written into them as they are parsed
//! (multi-row inserts on SQLite, COPY on PostgreSQL).

use std::path::Path;

use bangfu_core::household::columns::HOUSEHOLD_COLUMNS;
use chrono::NaiveDate;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;

use super::HOUSEHOLDS_FILE;
use super::errors::{ImportError, RowError};
use super::read::{Parsed, Progress, StagedHousehold, StagedIncome, StagedMember, join_parser, open_csv, spawn_parser};
use crate::households::{HOUSEHOLD_COLUMNS as H_COLS, MEMBER_COLUMNS as M_COLS};
use crate::sql;
use crate::values::{Value, bind_values, copy_line, household_values, member_values_sealed};

/// The staging tables (temporary: SQLite drops them after the import, PostgreSQL at commit).
pub(super) const STAGING_TABLES: &[&str] = &["import_households", "import_members", "import_incomes", "import_ids"];
pub(super) const STAGE_H_EXTRA: &str = "line, ok, exit_on, income_year, wages_fen, operating_fen, property_fen, transfer_fen, \
    operating_cost_fen, monitoring_type, risk_identified_on, risk_cleared_on";
/// Values per staged household row: the extra columns above, then the register's.
pub(super) const STAGE_H_WIDTH: usize = 12 + crate::households::HOUSEHOLD_COLUMN_COUNT;
pub(super) const STAGE_M_EXTRA: &str = "line, household_no";
pub(super) const STAGE_I_COLS: &str = "line, household_no, period, year, household_size, wages_fen, operating_fen, property_fen, \
    transfer_fen, operating_cost_fen, claims_fen, out_of_pocket_fen";
pub(super) const STAGE_I_WIDTH: usize = 12;

pub(super) fn staged_household_values(h: &StagedHousehold) -> Vec<Value<'_>> {
    let mut v = vec![
        Value::Int(Some(h.line as i64)),
        Value::Bool(h.data.is_some()),
        Value::Date(h.exit_on),
        Value::Int(h.income.as_ref().map(|i| i64::from(i.period.line_year()))),
    ];
    if let Some(i) = &h.income {
        v.extend([i.wages, i.operating, i.property, i.transfer, i.operating_cost].map(|f| Value::Int(f.map(|f| f.0))));
    } else {
        v.extend(std::iter::repeat_n(Value::Int(None), 5));
    }
    v.push(Value::Text(h.episode.map(|e| e.0.code())));
    v.push(Value::Date(h.episode.and_then(|e| e.1)));
    v.push(Value::Date(h.episode.and_then(|e| e.2)));
    match &h.data {
        Some(d) => v.extend(household_values(d)),
        None => {
            v.push(Value::Text(Some(&h.household_no)));
            v.extend(std::iter::repeat_n(Value::Text(None), crate::households::HOUSEHOLD_COLUMN_COUNT - 1));
        }
    }
    v
}

pub(super) fn staged_income_values(i: &StagedIncome) -> Vec<Value<'_>> {
    let f = |v: Option<bangfu_core::money::Fen>| Value::Int(v.map(|f| f.0));
    let r = &i.income;
    vec![
        Value::Int(Some(i.line as i64)),
        Value::Text(Some(&i.household_no)),
        Value::Text(Some(&i.period)),
        Value::Int(Some(i64::from(r.period.line_year()))),
        Value::Int(i.size),
        f(r.wages),
        f(r.operating),
        f(r.property),
        f(r.transfer),
        f(r.operating_cost),
        f(r.claims),
        f(r.out_of_pocket),
    ]
}

pub(super) fn staged_member_values(m: &StagedMember) -> Vec<Value<'_>> {
    let mut v = vec![Value::Int(Some(m.line as i64)), Value::Text(Some(&m.household_no))];
    v.extend(member_values_sealed(&m.data, &m.sealed));
    v
}

/// Staging DDL: SQLite takes any type name; PostgreSQL gets the register's types.
pub(super) fn staging_ddl(pg: bool) -> [String; 3] {
    let (int, real, date, boolean) =
        if pg { ("bigint", "double precision", "date", "boolean") } else { ("integer", "real", "text", "integer") };
    let typed = |cols: &str| -> String {
        cols.split(',')
            .map(str::trim)
            .map(|c| {
                let t = if c.ends_with("_on") {
                    date
                } else if c.ends_with("_mu") || c.ends_with("_m2") || c.ends_with("_km") {
                    real
                } else if c == "line"
                    || c.ends_with("_fen")
                    || c == "income_year"
                    || c == "year"
                    || c == "household_size"
                    || c == "exit_year"
                    || c == "migrant_months"
                    || c == "public_job_months"
                {
                    int
                } else if [
                    "ok",
                    "household_power",
                    "production_power",
                    "water_difficult",
                    "water_safe",
                    "sanitary_toilet",
                    "in_cooperative",
                    "relocated",
                    "public_job",
                    "serious_illness",
                    "commercial_insurance",
                    "medical_aid",
                    "dibao",
                    "tekun",
                    "soldier",
                ]
                .contains(&c)
                {
                    boolean
                } else {
                    "text"
                };
                format!("{c} {t}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let temp = "create temp table";
    let tail = if pg { " on commit drop" } else { "" };
    let member_cols = M_COLS.replacen("household_id,", "", 1);
    [
        format!("{temp} import_households ({}, {}){tail}", typed(STAGE_H_EXTRA), typed(H_COLS)),
        format!("{temp} import_members ({}, {}){tail}", typed(STAGE_M_EXTRA), typed(&member_cols)),
        format!("{temp} import_incomes ({}){tail}", typed(STAGE_I_COLS)),
    ]
}

/// Member columns staged per row, without the household id.
pub(super) const MEMBER_WIDTH: usize = crate::households::MEMBER_COLUMN_COUNT - 1;
/// SQLite binds at most 32 766 values per statement: each multi-row insert takes as many rows
/// as fit, so a wider row (a new column) makes smaller batches instead of a failed import.
pub(super) const SQLITE_MAX_VARIABLES: usize = 32_766;
pub(super) const SQLITE_H_BATCH: usize = SQLITE_MAX_VARIABLES / STAGE_H_WIDTH;
pub(super) const SQLITE_M_BATCH: usize = SQLITE_MAX_VARIABLES / (2 + MEMBER_WIDTH);
pub(super) const SQLITE_I_BATCH: usize = SQLITE_MAX_VARIABLES / STAGE_I_WIDTH;
pub(super) const PG_CHUNK: usize = 1 << 20;
/// SQLite's multi-row insert with anonymous `?` placeholders: numbered `$n` ones are looked
/// up by name per bound value, which grows quadratically with thousands of parameters.
pub(super) fn multi_row_insert(table: &str, cols: &str, width: usize, rows: usize) -> String {
    let mut row = String::with_capacity(width * 2 + 2);
    row.push('(');
    for i in 0..width {
        row.push_str(if i == 0 { "?" } else { ",?" });
    }
    row.push(')');
    let mut s = format!("insert into {table} ({cols}) values ");
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        s.push_str(&row);
    }
    s
}

pub(super) fn member_stage_columns() -> String {
    format!("{STAGE_M_EXTRA}, {}", M_COLS.replacen("household_id,", "", 1))
}

/// Streams both files into SQLite's staging tables with multi-row inserts.
pub(super) async fn stage_sqlite(
    conn: &mut SqliteConnection,
    dir: &Path,
    today: NaiveDate,
    errors: &mut Vec<RowError>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), ImportError> {
    let households = open_csv(dir, HOUSEHOLDS_FILE, HOUSEHOLD_COLUMNS, errors)?;
    if !errors.is_empty() {
        return Ok(());
    }
    let h_cols = format!("{STAGE_H_EXTRA}, {H_COLS}");
    let m_cols = member_stage_columns();
    let full_h = multi_row_insert("import_households", &h_cols, STAGE_H_WIDTH, SQLITE_H_BATCH);
    let full_m = multi_row_insert("import_members", &m_cols, 2 + MEMBER_WIDTH, SQLITE_M_BATCH);
    let full_i = multi_row_insert("import_incomes", STAGE_I_COLS, STAGE_I_WIDTH, SQLITE_I_BATCH);
    let (mut rx, handles) = spawn_parser(dir, today, households, (SQLITE_H_BATCH, SQLITE_M_BATCH, SQLITE_I_BATCH));
    let mut seen = Progress::default();
    while let Some(parsed) = rx.recv().await {
        progress(seen.seen(&parsed));
        match parsed {
            Parsed::Households(batch, _) => {
                if !batch.is_empty() {
                    let text = if batch.len() == SQLITE_H_BATCH {
                        full_h.clone()
                    } else {
                        multi_row_insert("import_households", &h_cols, STAGE_H_WIDTH, batch.len())
                    };
                    bind_values!(sqlx::query(sql(&text)), batch.iter().flat_map(staged_household_values))
                        .execute(&mut *conn)
                        .await?;
                }
            }
            Parsed::Members(batch, _) => {
                if !batch.is_empty() {
                    let text = if batch.len() == SQLITE_M_BATCH {
                        full_m.clone()
                    } else {
                        multi_row_insert("import_members", &m_cols, 2 + MEMBER_WIDTH, batch.len())
                    };
                    bind_values!(sqlx::query(sql(&text)), batch.iter().flat_map(staged_member_values))
                        .execute(&mut *conn)
                        .await?;
                }
            }
            Parsed::Incomes(batch, _) => {
                if !batch.is_empty() {
                    let text = if batch.len() == SQLITE_I_BATCH {
                        full_i.clone()
                    } else {
                        multi_row_insert("import_incomes", STAGE_I_COLS, STAGE_I_WIDTH, batch.len())
                    };
                    bind_values!(sqlx::query(sql(&text)), batch.iter().flat_map(staged_income_values))
                        .execute(&mut *conn)
                        .await?;
                }
            }
        }
    }
    join_parser(handles, errors)
}

/// Streams both files into PostgreSQL's staging tables with COPY.
pub(super) async fn stage_postgres(
    conn: &mut PgConnection,
    dir: &Path,
    today: NaiveDate,
    errors: &mut Vec<RowError>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), ImportError> {
    let households = open_csv(dir, HOUSEHOLDS_FILE, HOUSEHOLD_COLUMNS, errors)?;
    if !errors.is_empty() {
        return Ok(());
    }
    let (mut rx, handles) = spawn_parser(dir, today, households, (2000, 4000, 8000));
    let mut seen = Progress::default();
    let mut buf = String::with_capacity(PG_CHUNK + 8192);
    let mut copy = conn.copy_in_raw(&format!("copy import_households ({STAGE_H_EXTRA}, {H_COLS}) from stdin")).await?;
    let mut members_started = false;
    let mut incomes_started = false;
    while let Some(parsed) = rx.recv().await {
        progress(seen.seen(&parsed));
        match parsed {
            Parsed::Households(batch, _) => {
                for h in &batch {
                    copy_line(&mut buf, &staged_household_values(h));
                }
            }
            Parsed::Members(batch, _) => {
                if !members_started {
                    // Households are done: finish their COPY and start the members'.
                    if !buf.is_empty() {
                        copy.send(buf.as_bytes()).await?;
                        buf.clear();
                    }
                    copy.finish().await?;
                    copy = conn
                        .copy_in_raw(&format!("copy import_members ({}) from stdin", member_stage_columns()))
                        .await?;
                    members_started = true;
                }
                for m in &batch {
                    copy_line(&mut buf, &staged_member_values(m));
                }
            }
            Parsed::Incomes(batch, _) => {
                if !incomes_started {
                    // Members are done (the parser sends incomes last): start the incomes' COPY.
                    if !buf.is_empty() {
                        copy.send(buf.as_bytes()).await?;
                        buf.clear();
                    }
                    copy.finish().await?;
                    copy = conn.copy_in_raw(&format!("copy import_incomes ({STAGE_I_COLS}) from stdin")).await?;
                    incomes_started = true;
                }
                for i in &batch {
                    copy_line(&mut buf, &staged_income_values(i));
                }
            }
        }
        if buf.len() >= PG_CHUNK {
            copy.send(buf.as_bytes()).await?;
            buf.clear();
        }
    }
    if !buf.is_empty() {
        copy.send(buf.as_bytes()).await?;
    }
    copy.finish().await?;
    join_parser(handles, errors)
}
