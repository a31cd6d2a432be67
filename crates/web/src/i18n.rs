//! Interface text from the locale files (zh-CN first, English second), chosen per browser
//! by the `bangfu_lang` cookie. Domain messages stay in Chinese.

use std::collections::HashMap;
use std::sync::OnceLock;

pub const LANG_COOKIE: &str = "bangfu_lang";
const ZH: &str = include_str!("../locales/zh-CN.txt");
const EN: &str = include_str!("../locales/en.txt");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    ZhCn,
    En,
}

pub fn parse_locale(text: &'static str) -> HashMap<&'static str, &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
}

fn table(lang: Lang) -> &'static HashMap<&'static str, &'static str> {
    static ZH_T: OnceLock<HashMap<&str, &str>> = OnceLock::new();
    static EN_T: OnceLock<HashMap<&str, &str>> = OnceLock::new();
    match lang {
        Lang::ZhCn => ZH_T.get_or_init(|| parse_locale(ZH)),
        Lang::En => EN_T.get_or_init(|| parse_locale(EN)),
    }
}

impl Lang {
    pub fn from_code(code: &str) -> Lang {
        if code.eq_ignore_ascii_case("en") { Lang::En } else { Lang::ZhCn }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The other language, for the switch in the header.
    pub fn other(self) -> Lang {
        match self {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        }
    }

    /// The text for a key; a missing key falls back to Chinese, then to the key itself.
    pub fn t(self, key: &str) -> &'static str {
        table(self).get(key).or_else(|| table(Lang::ZhCn).get(key)).copied().unwrap_or("")
    }

    /// A text with `{name}` placeholders filled in.
    pub fn f(self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut s = self.t(key).to_owned();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), &value.to_string());
        }
        s
    }

    /// A text with one number: `{n}`.
    pub fn n(self, key: &str, n: impl std::fmt::Display) -> String {
        self.f(key, &[("n", &n)])
    }

    /// A text with `{page}` and `{pages}`.
    pub fn pages(self, key: &str, page: impl std::fmt::Display, pages: impl std::fmt::Display) -> String {
        self.f(key, &[("page", &page), ("pages", &pages)])
    }

    /// A code-list value's label in this language.
    pub fn label<T: bangfu_core::household::CodeList>(self, v: &T) -> &'static str {
        match self {
            Lang::ZhCn => v.label_zh(),
            Lang::En => v.label_en(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_locale_files_have_the_same_keys() {
        let zh = parse_locale(ZH);
        let en = parse_locale(EN);
        let mut missing: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        missing.extend(en.keys().filter(|k| !zh.contains_key(*k)));
        assert!(missing.is_empty(), "keys in one locale only: {missing:?}");
    }

    #[test]
    fn every_key_used_by_a_template_or_page_exists() {
        let zh = parse_locale(ZH);
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["templates", "src/pages"] {
            for e in std::fs::read_dir(root.join(dir)).unwrap() {
                files.push(e.unwrap().path());
            }
        }
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for marker in ["t(\"", "f(\"", "n(\"", "pages(\""] {
                for part in text.split(marker).skip(1) {
                    let key = part.split('"').next().unwrap();
                    if key.contains('.') && !key.contains(' ') {
                        assert!(zh.contains_key(key), "{} uses unknown key {key}", f.display());
                    }
                }
            }
        }
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(Lang::ZhCn.f("list.total", &[("n", &12)]), "共 12 户");
        assert_eq!(Lang::En.f("list.page", &[("page", &2), ("pages", &5)]), "Page 2 of 5");
        assert_eq!(Lang::En.t("nav.households"), "Households");
    }
}
