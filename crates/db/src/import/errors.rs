//! An import's errors: one bad row ([`RowError`]), why an import stopped ([`ImportError`]), and
//! how a failed import's errors are shown: one line per problem, except that the same problem
//! on many rows (a whole file with an unknown village code) becomes one line with a count, the
//! rows as ranges and an example — 3 000 identical lines help nobody find the cause.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use bangfu_core::DomainError;

use crate::domain_err;

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

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{} 行有错误，未导入任何数据", .0.len())]
    Rows(Vec<RowError>),
    #[error("无法读取 {path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error(transparent)]
    Storage(#[from] DomainError),
}

pub(super) fn io_err(path: &Path, e: impl fmt::Display) -> ImportError {
    ImportError::Io { path: path.to_owned(), message: e.to_string() }
}

impl From<sqlx::Error> for ImportError {
    fn from(e: sqlx::Error) -> Self {
        ImportError::Storage(domain_err(e))
    }
}

/// A problem repeated on at least this many rows is shown once, with its rows.
pub const GROUP_FROM: usize = 3;

/// The lines to show a user for a failed import, in file and line order.
pub fn summarise(errors: &[RowError]) -> Vec<String> {
    let mut groups: Vec<(String, Vec<&RowError>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for e in errors {
        let key = format!("{}\u{0}{}\u{0}{}", e.file, e.column, shape(&e.message));
        match index.get(&key) {
            Some(&i) => groups[i].1.push(e),
            None => {
                index.insert(key.clone(), groups.len());
                groups.push((key, vec![e]));
            }
        }
    }
    let mut out = Vec::new();
    for (_, rows) in groups {
        if rows.len() < GROUP_FROM {
            out.extend(rows.iter().map(|e| e.to_string()));
            continue;
        }
        let first = rows[0];
        let mut lines: Vec<u64> = rows.iter().map(|e| e.line).collect();
        lines.sort_unstable();
        lines.dedup();
        let hint = hint(&first.message).map(|h| format!("；{h}")).unwrap_or_default();
        out.push(format!(
            "{}: {} 行: {}: {}（第{}行，例如第{}行）{hint}",
            first.file,
            rows.len(),
            first.column,
            first.message,
            ranges(&lines),
            first.line,
        ));
    }
    out
}

/// The message with quoted values taken out, so "村代码“411702999999”…" and
/// "村代码“411702888888”…" count as the same problem.
fn shape(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut depth = 0usize;
    for c in message.chars() {
        match c {
            '“' => {
                depth += 1;
                out.push('“');
            }
            '”' if depth > 0 => {
                depth -= 1;
                out.push('”');
            }
            c if c.is_ascii_digit() && depth == 0 => out.push('#'),
            _ if depth > 0 => {}
            c => out.push(c),
        }
    }
    out
}

/// What to do about a problem that is usually one cause for the whole file.
fn hint(message: &str) -> Option<&'static str> {
    if message.contains("不在系统的区划中") {
        Some("先运行 bangfu areas import 导入区划代码")
    } else if message.contains("不是 UTF-8") {
        Some("整个文件须另存为 CSV UTF-8")
    } else if message.contains("列（与表头相同）") {
        Some("多半是某一列的内容里有逗号：请在 Excel 中重新另存为 CSV")
    } else {
        None
    }
}

/// Sorted line numbers as ranges: 2–5、9、12–20; after eight ranges, 等.
fn ranges(lines: &[u64]) -> String {
    const SHOWN: usize = 8;
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = lines[i];
        let mut end = start;
        while i + 1 < lines.len() && lines[i + 1] == end + 1 {
            i += 1;
            end = lines[i];
        }
        parts.push(if start == end { start.to_string() } else { format!("{start}–{end}") });
        i += 1;
    }
    if parts.len() > SHOWN { format!("{}等", parts[..SHOWN].join("、")) } else { parts.join("、") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(line: u64, column: &str, message: &str) -> RowError {
        RowError { file: "households.csv", line, column: column.into(), message: message.into() }
    }

    #[test]
    fn three_thousand_rows_with_unknown_village_codes_are_one_line_with_the_rows_and_a_hint() {
        let errors: Vec<RowError> = (2..=3001)
            .map(|l| err(l, "村代码", &format!("村代码“4117029{:05}”不在系统的区划中（请先导入区划，或检查代码）", l)))
            .collect();
        let lines = summarise(&errors);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].starts_with("households.csv: 3000 行: 村代码: 村代码“411702900002”"), "{}", lines[0]);
        assert!(lines[0].contains("第2–3001行"), "{}", lines[0]);
        assert!(lines[0].ends_with("先运行 bangfu areas import 导入区划代码"), "{}", lines[0]);
    }

    #[test]
    fn a_problem_on_one_or_two_rows_is_shown_row_by_row() {
        let errors = vec![
            err(4, "证件号码", "校验位错误"),
            err(9, "证件号码", "校验位错误"),
            err(5, "性别", "“男的”不是有效的性别"),
        ];
        let lines = summarise(&errors);
        assert_eq!(
            lines,
            vec![
                "households.csv:4: 证件号码: 校验位错误",
                "households.csv:9: 证件号码: 校验位错误",
                "households.csv:5: 性别: “男的”不是有效的性别",
            ]
        );
    }

    #[test]
    fn different_problems_in_one_column_stay_apart_and_rows_read_as_ranges() {
        let mut errors: Vec<RowError> =
            [2, 3, 4, 7, 10, 11].iter().map(|&l| err(l, "联系电话", "联系电话“1”无效")).collect();
        errors.push(err(20, "联系电话", "联系电话不能为空"));
        let lines = summarise(&errors);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].contains("6 行") && lines[0].contains("第2–4、7、10–11行"), "{}", lines[0]);
        assert_eq!(lines[1], "households.csv:20: 联系电话: 联系电话不能为空");
    }

    #[test]
    fn many_scattered_rows_are_cut_short() {
        assert_eq!(ranges(&[1, 3, 5, 7, 9, 11, 13, 15, 17, 19]), "1、3、5、7、9、11、13、15等");
    }
}
