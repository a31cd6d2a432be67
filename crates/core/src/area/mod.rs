//! 行政区划: the area tree (province → city → county → township → village) and the
//! area scope every query is limited to.

use std::fmt;

use crate::error::FieldError;

mod search;
pub use search::{AreaMatch, AreaSearch};

/// A 12-digit statistics division code (统计用区划代码), e.g. 411702001000.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct AreaCode(String);

impl AreaCode {
    pub fn parse(input: &str) -> Result<AreaCode, String> {
        let s = input.trim();
        if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("区划代码应为12位数字，实际为“{s}”"));
        }
        if s.starts_with('0') {
            return Err(format!("区划代码“{s}”无效"));
        }
        Ok(AreaCode(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level a code's shape implies: trailing zeros tell how deep it is.
    pub fn implied_level(&self) -> AreaLevel {
        let s = &self.0;
        if &s[2..] == "0000000000" {
            AreaLevel::Province
        } else if &s[4..] == "00000000" {
            AreaLevel::City
        } else if &s[6..] == "000000" {
            AreaLevel::County
        } else if &s[9..] == "000" {
            AreaLevel::Township
        } else {
            AreaLevel::Village
        }
    }

    /// The first and last code of this area's subtree (inclusive), for range queries.
    pub fn subtree_range(&self, level: AreaLevel) -> (String, String) {
        let keep = level.prefix_len();
        let prefix = &self.0[..keep];
        (format!("{prefix}{}", "0".repeat(12 - keep)), format!("{prefix}{}", "9".repeat(12 - keep)))
    }

    /// The code of the township (乡镇/街道) that contains this code.
    pub fn township(&self) -> AreaCode {
        AreaCode(format!("{}000", &self.0[..9]))
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AreaCode({})", self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    Province,
    City,
    County,
    Township,
    Village,
}

impl AreaLevel {
    pub const ALL: &'static [AreaLevel] =
        &[AreaLevel::Province, AreaLevel::City, AreaLevel::County, AreaLevel::Township, AreaLevel::Village];

    pub fn code(self) -> &'static str {
        match self {
            AreaLevel::Province => "province",
            AreaLevel::City => "city",
            AreaLevel::County => "county",
            AreaLevel::Township => "township",
            AreaLevel::Village => "village",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            AreaLevel::Province => "省",
            AreaLevel::City => "市",
            AreaLevel::County => "区县",
            AreaLevel::Township => "乡镇（街道）",
            AreaLevel::Village => "村（社区）",
        }
    }

    pub fn parse(s: &str) -> Option<AreaLevel> {
        let s = s.trim();
        AreaLevel::ALL.iter().copied().find(|l| l.code() == s || l.label_zh() == s)
    }

    /// How many leading digits of a code name an area of this level.
    pub fn prefix_len(self) -> usize {
        match self {
            AreaLevel::Province => 2,
            AreaLevel::City => 4,
            AreaLevel::County => 6,
            AreaLevel::Township => 9,
            AreaLevel::Village => 12,
        }
    }

    pub fn parent(self) -> Option<AreaLevel> {
        match self {
            AreaLevel::Province => None,
            AreaLevel::City => Some(AreaLevel::Province),
            AreaLevel::County => Some(AreaLevel::City),
            AreaLevel::Township => Some(AreaLevel::County),
            AreaLevel::Village => Some(AreaLevel::Township),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Area {
    pub code: AreaCode,
    pub name: String,
    pub level: AreaLevel,
    pub parent: Option<AreaCode>,
}

impl Area {
    /// Validates one row of a division list (code,name,level,parent_code).
    pub fn from_fields(code: &str, name: &str, level: &str, parent: &str) -> Result<Area, Vec<FieldError>> {
        let mut errors = Vec::new();
        let code = AreaCode::parse(code).map_err(|m| errors.push(FieldError::new("code", m))).ok();
        let name = name.trim();
        if name.is_empty() {
            errors.push(FieldError::new("name", "名称不能为空"));
        }
        let level = AreaLevel::parse(level);
        if level.is_none() {
            errors.push(FieldError::new("level", "级别应为 province、city、county、township 或 village 之一"));
        }
        let parent = if parent.trim().is_empty() {
            None
        } else {
            AreaCode::parse(parent).map_err(|m| errors.push(FieldError::new("parent_code", m))).ok()
        };
        if let (Some(code), Some(level)) = (&code, level) {
            match (level.parent(), &parent) {
                (None, Some(_)) => errors.push(FieldError::new("parent_code", "省级区划不应有上级")),
                (Some(_), None) => errors.push(FieldError::new("parent_code", "缺少上级区划代码")),
                (Some(pl), Some(p)) if p.as_str()[..pl.prefix_len()] != code.as_str()[..pl.prefix_len()] => {
                    errors.push(FieldError::new("parent_code", format!("上级区划“{p}”与代码“{code}”不一致")))
                }
                _ => {}
            }
        }
        match (code, level) {
            (Some(code), Some(level)) if errors.is_empty() => Ok(Area { code, name: name.to_owned(), level, parent }),
            _ => Err(errors),
        }
    }
}

/// 数据范围: the subtree of the area tree a user (or a report) may see.
/// Every storage query over households takes one, so a query without a scope does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    root: AreaCode,
    level: AreaLevel,
    lo: String,
    hi: String,
}

impl Scope {
    pub fn of(area: &Area) -> Scope {
        let (lo, hi) = area.code.subtree_range(area.level);
        Scope { root: area.code.clone(), level: area.level, lo, hi }
    }

    /// The whole country: for the command line and the importer, which act as the operator.
    pub fn everything() -> Scope {
        Scope {
            root: AreaCode("100000000000".into()),
            level: AreaLevel::Province,
            lo: "000000000000".into(),
            hi: "999999999999".into(),
        }
    }

    pub fn root(&self) -> &AreaCode {
        &self.root
    }

    pub fn level(&self) -> AreaLevel {
        self.level
    }

    /// A district (区县) or wider: such an account may change district-wide settings and read
    /// the audit rows that carry no area (sign-ins, settings).
    pub fn is_district_wide(&self) -> bool {
        self.level <= AreaLevel::County
    }

    /// Inclusive bounds on area codes inside this scope.
    pub fn bounds(&self) -> (&str, &str) {
        (&self.lo, &self.hi)
    }

    pub fn contains(&self, code: &AreaCode) -> bool {
        code.as_str() >= self.lo.as_str() && code.as_str() <= self.hi.as_str()
    }

    /// A sub-area named in a request (`?area=…`): `None` when none is given; `NotFound` when
    /// the text is not a code inside this scope — the same answer as for an area that does not exist.
    pub fn sub_area(&self, raw: Option<&str>) -> Result<Option<AreaCode>, crate::DomainError> {
        match raw.map(str::trim).filter(|a| !a.is_empty()).map(AreaCode::parse) {
            None => Ok(None),
            Some(Ok(code)) if self.contains(&code) => Ok(Some(code)),
            Some(_) => Err(crate::DomainError::NotFound),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(code: &str, level: &str, parent: &str) -> Result<Area, Vec<FieldError>> {
        Area::from_fields(code, "某地", level, parent)
    }

    #[test]
    fn a_requested_sub_area_outside_the_scope_is_not_found_like_a_missing_one() {
        let scope = Scope::of(&area("411702104000", "township", "411702000000").unwrap());
        assert_eq!(scope.sub_area(None).unwrap(), None);
        assert_eq!(scope.sub_area(Some(" ")).unwrap(), None);
        assert_eq!(scope.sub_area(Some("411702104201")).unwrap(), Some(AreaCode::parse("411702104201").unwrap()));
        assert!(matches!(scope.sub_area(Some("411702101201")), Err(crate::DomainError::NotFound)));
        assert!(matches!(scope.sub_area(Some("沙河店")), Err(crate::DomainError::NotFound)));
    }

    #[test]
    fn a_township_scope_covers_its_villages_and_nothing_else() {
        let t = area("411702104000", "township", "411702000000").unwrap();
        let scope = Scope::of(&t);
        assert!(scope.contains(&AreaCode::parse("411702104201").unwrap()));
        assert!(scope.contains(&AreaCode::parse("411702104000").unwrap()));
        assert!(!scope.contains(&AreaCode::parse("411702105201").unwrap()));
        assert_eq!(scope.bounds(), ("411702104000", "411702104999"));
    }

    #[test]
    fn a_county_scope_covers_all_its_townships() {
        let c = area("411702000000", "county", "411700000000").unwrap();
        let scope = Scope::of(&c);
        assert!(scope.contains(&AreaCode::parse("411702104201").unwrap()));
        assert!(!scope.contains(&AreaCode::parse("411721104201").unwrap()));
    }

    #[test]
    fn codes_must_be_twelve_digits() {
        assert_eq!(AreaCode::parse("41170210400").unwrap_err(), "区划代码应为12位数字，实际为“41170210400”");
        assert!(AreaCode::parse("41170210400a").is_err());
        assert!(AreaCode::parse(" 411702104000 ").is_ok());
    }

    #[test]
    fn a_row_whose_parent_does_not_contain_it_is_rejected() {
        let errs = area("411702104201", "village", "411702105000").unwrap_err();
        assert_eq!(errs[0].field, "parent_code");
        assert!(errs[0].message.contains("不一致"));
    }

    #[test]
    fn a_row_with_an_unknown_level_names_the_level_column() {
        let errs = area("411702104201", "hamlet", "411702104000").unwrap_err();
        assert_eq!(errs[0].field, "level");
    }

    #[test]
    fn the_implied_level_follows_trailing_zeros() {
        assert_eq!(AreaCode::parse("410000000000").unwrap().implied_level(), AreaLevel::Province);
        assert_eq!(AreaCode::parse("411702104000").unwrap().implied_level(), AreaLevel::Township);
        assert_eq!(AreaCode::parse("411702104201").unwrap().implied_level(), AreaLevel::Village);
        assert_eq!(AreaCode::parse("411702104201").unwrap().township().as_str(), "411702104000");
    }
}
