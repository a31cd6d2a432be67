//! Reading the files: the header row mapped to the field catalogue, each row's width, and every
//! row checked by the same parsing as forms and the API, on threads of their own.

use std::collections::HashMap;
use std::path::Path;

use bangfu_core::DomainError;
use bangfu_core::household::columns::{Column, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS, find_column};
use bangfu_core::household::*;
use chrono::NaiveDate;

use super::errors::{ImportError, RowError, io_err};
use super::{HOUSEHOLDS_FILE, INCOMES_FILE, MEMBERS_FILE};

/// Each field's column: looked up by name for every field of every row, so hashed with FNV-1a
/// (a few short names) rather than the default SipHash.
pub(super) type FieldIndex = HashMap<&'static str, usize, std::hash::BuildHasherDefault<Fnv>>;

#[derive(Default)]
pub(super) struct Fnv(u64);

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
pub(super) struct RecordFields<'a> {
    record: &'a csv::StringRecord,
    index: &'a FieldIndex,
}

impl Fields for RecordFields<'_> {
    fn get(&self, field: &str) -> &str {
        self.index.get(field).and_then(|&i| self.record.get(i)).unwrap_or("")
    }
}

/// An opened CSV: its reader, each field's column index, and each field's header as the file wrote it.
pub(super) type OpenedCsv = (csv::Reader<std::fs::File>, FieldIndex, HashMap<&'static str, String>);

/// Opens a file and maps its header row; header problems are row errors on line 1.
pub(super) fn open_csv(
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
pub(super) fn csv_reader() -> csv::ReaderBuilder {
    let mut b = csv::ReaderBuilder::new();
    b.flexible(true).terminator(csv::Terminator::Any(b'\n')).trim(csv::Trim::All);
    b
}

pub(super) fn csv_problem(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "文件不是 UTF-8 编码：请在 Excel 中“另存为 CSV UTF-8”".into(),
        _ => format!("无法解析的 CSV 内容：{e}"),
    }
}

/// What the staging tables hold for one household row.
pub(super) struct StagedHousehold {
    pub(super) line: u64,
    pub(super) household_no: String,
    pub(super) data: Option<HouseholdData>,
    pub(super) income: Option<Income>,
    pub(super) exit_on: Option<NaiveDate>,
    /// The row's monitoring columns: one episode (type, identified, cleared).
    pub(super) episode: Option<bangfu_core::monitoring::ImportedEpisode>,
}

pub(super) struct StagedMember {
    pub(super) line: u64,
    pub(super) household_no: String,
    pub(super) data: MemberData,
    /// Its ID and phone numbers sealed on the parsing thread.
    pub(super) sealed: crate::values::SealedMember,
}

/// One checked row of incomes.csv; a blank size (`None`) is the household's number of members,
/// counted in SQL when the row is moved into the register.
pub(super) struct StagedIncome {
    pub(super) line: u64,
    pub(super) household_no: String,
    pub(super) period: String,
    pub(super) income: Income,
    pub(super) size: Option<i64>,
}
/// What the parsing thread hands to the writer: a batch of checked rows and how far into
/// the files it has read (for the progress bar).
pub(super) enum Parsed {
    Households(Vec<StagedHousehold>, u64),
    Members(Vec<StagedMember>, u64),
    Incomes(Vec<StagedIncome>, u64),
}

/// Parses the files on threads of their own while the caller writes the previous batch, so
/// reading and checking overlap with the database work: households.csv, then members.csv, then
/// incomes.csv, each read by one thread and checked by a few others ([`parse_file`]). All of a
/// file's batches arrive before the next file's (PostgreSQL COPYs one table at a time). Row
/// errors come back at the end.
pub(super) fn spawn_parser(
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
                        let sealed = crate::values::SealedMember::of(&data);
                        Some(StagedMember { line, household_no, data, sealed })
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
pub(super) fn open_more(
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
pub(super) fn checkers() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(2, 4)
}

/// Reads one opened file: this thread splits it into records (checking each row's width) in
/// chunks of `batch`; [`checkers`] threads parse the chunks with `row` and send each as a
/// batch. Batches of one file may arrive in any order (each row keeps its line). False when
/// the writer has stopped listening.
#[allow(clippy::too_many_arguments)]
pub(super) fn parse_file<T: Send>(
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

pub(super) fn join_parser(
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
pub(super) struct Progress([u64; 3]);

impl Progress {
    pub(super) fn seen(&mut self, parsed: &Parsed) -> u64 {
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

pub(super) fn file_len(dir: &Path, file: &str) -> u64 {
    std::fs::metadata(dir.join(file)).map(|m| m.len()).unwrap_or(0)
}

pub(super) fn parse_household(
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

pub(super) fn push_field_errors(
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
pub(super) fn header_width<R: std::io::Read>(reader: &mut csv::Reader<R>) -> usize {
    reader.headers().map_or(0, |h| h.len())
}

/// A row with more or fewer columns than the header: a stray comma, or a cell split in two.
pub(super) fn width_error(file: &'static str, record: &csv::StringRecord, width: usize) -> RowError {
    let line = record.position().map_or(0, |p| p.line());
    let message = format!("应有 {width} 列（与表头相同），实际 {} 列：请检查是否多了或少了逗号", record.len());
    RowError { file, line, column: "整行".into(), message }
}

pub(super) fn csv_error(file: &'static str, e: &csv::Error) -> RowError {
    let line = e.position().map_or(0, |p| p.line());
    RowError { file, line, column: "整行".into(), message: csv_problem(e) }
}
