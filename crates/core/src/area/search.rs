//! 选择村: finding areas by name or code as the user types, inside a scope, a few at a time —
//! so no page has to carry the whole area tree (河南 has 52 378 villages).

use super::{Area, AreaCode, AreaLevel, Scope};

/// At most this many words are matched; more only slow the query down.
const MAX_TERMS: usize = 3;
/// A word longer than any area name cannot match anything.
const MAX_TERM_CHARS: usize = 20;
/// The most a search returns, whatever is asked.
pub const MAX_LIMIT: u32 = 50;

/// A search over the areas of a scope, parsed from what the user typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaSearch {
    /// Words each of which must appear in the area's name or its parent's ("胡庙 老庄"),
    /// already escaped for a SQL `like … escape '\'` and wrapped in `%`.
    pub name_patterns: Vec<String>,
    /// The first and last code searched (inclusive): the scope, narrowed by a typed code prefix.
    pub lo: String,
    pub hi: String,
    /// The scope's own area, left out of the matches: a filter's "all" already. `None` after
    /// [`AreaSearch::with_root`].
    pub root: Option<AreaCode>,
    /// Only this level (村 for the household form); every level below the root when `None`.
    pub level: Option<AreaLevel>,
    pub limit: u32,
}

impl AreaSearch {
    /// Words are split at spaces, "·", "/" and commas; a word of digits is a code prefix
    /// ("411702104" finds 蚁蜂镇 and its villages). An empty query lists the first areas in
    /// code order, township by township.
    pub fn parse(scope: &Scope, query: &str, level: Option<AreaLevel>, limit: u32) -> AreaSearch {
        let (mut lo, mut hi) = (scope.bounds().0.to_owned(), scope.bounds().1.to_owned());
        let mut name_patterns = Vec::new();
        let words = query.split(|c: char| c.is_whitespace() || "·・/,，、".contains(c)).filter(|w| !w.is_empty());
        for word in words.take(MAX_TERMS) {
            if word.bytes().all(|b| b.is_ascii_digit()) {
                let prefix: String = word.chars().take(12).collect();
                let pad = 12 - prefix.len();
                lo = lo.max(format!("{prefix}{}", "0".repeat(pad)));
                hi = hi.min(format!("{prefix}{}", "9".repeat(pad)));
            } else {
                let word: String = word.chars().take(MAX_TERM_CHARS).collect();
                let mut pattern = String::from("%");
                for c in word.chars() {
                    if matches!(c, '%' | '_' | '\\') {
                        pattern.push('\\');
                    }
                    pattern.push(c);
                }
                pattern.push('%');
                name_patterns.push(pattern);
            }
        }
        AreaSearch { name_patterns, lo, hi, root: Some(scope.root().clone()), level, limit: limit.clamp(1, MAX_LIMIT) }
    }

    /// The scope's own area may match too (a helper or an account may belong to it).
    pub fn with_root(mut self) -> AreaSearch {
        self.root = None;
        self
    }

    /// A typed code prefix outside the scope leaves nothing to search.
    pub fn is_empty_range(&self) -> bool {
        self.lo > self.hi
    }
}

/// One area found, with its parent's name: 村 are told apart by their 乡镇 ("胡庙乡 · 张庄村").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AreaMatch {
    pub area: Area,
    pub parent_name: Option<String>,
}

impl AreaMatch {
    /// "胡庙乡 · 张庄村": the parent's name, then the area's.
    pub fn label(&self) -> String {
        match &self.parent_name {
            Some(p) => format!("{p} · {}", self.area.name),
            None => self.area.name.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn county() -> Scope {
        Scope::of(&Area::from_fields("411702000000", "驿城区", "county", "411700000000").unwrap())
    }

    #[test]
    fn words_become_escaped_name_patterns_and_digits_narrow_the_code_range() {
        let s = AreaSearch::parse(&county(), " 胡庙 · 老庄 ", Some(AreaLevel::Village), 20);
        assert_eq!(s.name_patterns, vec!["%胡庙%", "%老庄%"]);
        assert_eq!((s.lo.as_str(), s.hi.as_str()), ("411702000000", "411702999999"));
        let s = AreaSearch::parse(&county(), "411702104 50%_", None, 20);
        assert_eq!((s.lo.as_str(), s.hi.as_str()), ("411702104000", "411702104999"));
        assert_eq!(s.name_patterns, vec!["%50\\%\\_%"]);
    }

    #[test]
    fn a_code_prefix_outside_the_scope_finds_nothing_and_the_limit_is_capped() {
        let s = AreaSearch::parse(&county(), "4101", None, 10_000);
        assert!(s.is_empty_range());
        assert_eq!(s.limit, MAX_LIMIT);
        assert_eq!(AreaSearch::parse(&county(), "", None, 0).limit, 1);
    }

    #[test]
    fn a_village_is_labelled_with_its_township() {
        let m = AreaMatch {
            area: Area::from_fields("411702104201", "老庄村民委员会", "village", "411702104000").unwrap(),
            parent_name: Some("蚁蜂镇".into()),
        };
        assert_eq!(m.label(), "蚁蜂镇 · 老庄村民委员会");
    }
}
