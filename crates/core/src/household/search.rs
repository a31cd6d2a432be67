//! Search keys for finding people by name the way village staff type it: by the
//! characters, by pinyin initials (`wxm`) or by full pinyin (`wangxiaoming`).
//!
//! Readings come from the `pinyin` crate, which gives each character its most common
//! reading. Surnames often take a different one (单 is *shan*, not *dan*), so the first
//! character of a name, or the first two for compound surnames, is looked up in a
//! surname table first. Later characters always keep the crate's default reading.
//!
//! `ü` is written `v`, as in pinyin input methods: 吕 → `lv`.
//!
//! The search key is stored beside the name; a query is normalised with
//! [`normalise_query`] and matched with `like '%q%'`.

use pinyin::ToPinyin;

/// Compound surnames with at least one character that the crate reads wrongly.
/// Compounds made only of unambiguous characters (欧阳, 司马, 诸葛 …) need no entry.
const COMPOUND_SURNAMES: &[(char, char, &str, &str)] =
    &[('尉', '迟', "yu", "chi"), ('万', '俟', "mo", "qi"), ('长', '孙', "zhang", "sun"), ('澹', '台', "tan", "tai")];

/// Readings of single-character surnames. Some merely confirm the crate's default;
/// they are listed so the table documents every surname that was checked.
const SURNAME_READINGS: &[(char, &str)] = &[
    ('单', "shan"),
    ('曾', "zeng"),
    ('解', "xie"),
    ('仇', "qiu"),
    ('朴', "piao"),
    ('查', "zha"),
    ('査', "zha"),
    ('区', "ou"),
    ('盖', "ge"),
    ('缪', "miao"),
    ('秘', "bi"),
    ('乐', "yue"),
    ('翟', "zhai"),
    ('覃', "qin"),
    ('种', "chong"),
    ('召', "shao"),
    ('繁', "po"),
    ('任', "ren"),
    ('华', "hua"),
    ('沈', "shen"),
    ('纪', "ji"),
    ('折', "she"),
    ('尉', "yu"),
    ('员', "yun"),
    ('令', "ling"),
    ('宓', "mi"),
    ('莘', "shen"),
    ('隗', "wei"),
    ('阚', "kan"),
    ('藏', "zang"),
    ('粘', "nian"),
    ('祭', "zhai"),
    ('句', "gou"),
    ('能', "nai"),
    ('相', "xiang"),
    ('都', "du"),
    ('重', "chong"),
    ('柏', "bai"),
    ('薄', "bo"),
    ('葛', "ge"),
    ('过', "guo"),
    ('佟', "tong"),
    ('长', "chang"),
    ('大', "da"),
    ('厉', "li"),
    ('卜', "bu"),
    ('黑', "he"),
    ('洗', "xian"),
];

/// One unit of a name after reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// A pinyin syllable without tone, as the crate or the surname table gives it.
    Syllable(&'static str),
    /// An ASCII letter or digit, lower-cased.
    Ascii(char),
}

/// Maps full-width ASCII variants (`Ａ`, `１`, `！` …) to ASCII and the ideographic
/// space to a plain space; other characters are returned unchanged.
fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Reads a name into syllables and ASCII characters. Anything else (spaces, `·`,
/// punctuation, characters without a reading) is dropped.
fn pieces(name: &str) -> Vec<Piece> {
    let chars: Vec<char> = name.trim().chars().map(half_width).collect();
    let mut out = Vec::with_capacity(chars.len());

    let compound = match chars.as_slice() {
        [a, b, ..] => COMPOUND_SURNAMES.iter().find(|&&(ca, cb, _, _)| ca == *a && cb == *b),
        _ => None,
    };
    let single = chars.first().and_then(|a| SURNAME_READINGS.iter().find(|&&(c, _)| c == *a));
    let rest = if let Some(&(_, _, ra, rb)) = compound {
        out.push(Piece::Syllable(ra));
        out.push(Piece::Syllable(rb));
        &chars[2..]
    } else if let Some(&(_, r)) = single {
        out.push(Piece::Syllable(r));
        &chars[1..]
    } else {
        &chars[..]
    };

    for &c in rest {
        if c.is_ascii_alphanumeric() {
            out.push(Piece::Ascii(c.to_ascii_lowercase()));
        } else if let Some(p) = c.to_pinyin() {
            out.push(Piece::Syllable(p.plain()));
        }
    }
    out
}

/// Lower-case pinyin initials of a Chinese name, e.g. "王小明" → "wxm", with surname
/// readings corrected (单 → s, 曾 → z, 尉迟恭 → ycg, 万俟 → mq …).
///
/// ASCII letters and digits are kept, lower-cased; spaces, `·` and other characters
/// without a reading are dropped.
pub fn initials(name: &str) -> String {
    pieces(name)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Syllable(s) => s.chars().next().map(|c| if c == 'ü' { 'v' } else { c }),
            Piece::Ascii(c) => Some(c),
        })
        .collect()
}

/// Full pinyin without tones, no separators, lower case: "王小明" → "wangxiaoming",
/// with the same surname corrections as [`initials`]. `ü` is written `v` (吕 → lv).
pub fn full_pinyin(name: &str) -> String {
    let mut out = String::new();
    for p in pieces(name) {
        match p {
            Piece::Syllable(s) => out.extend(s.chars().map(|c| if c == 'ü' { 'v' } else { c })),
            Piece::Ascii(c) => out.push(c),
        }
    }
    out
}

/// What a search box query matches against: the name, its initials and its full
/// pinyin separated by single spaces, e.g. "王小明 wxm wangxiaoming". Stored beside the
/// name so that `like '%q%'` (with `q` from [`normalise_query`]) finds a person by
/// name, initials or pinyin.
///
/// The name part is itself passed through [`normalise_query`] so that it is in the same
/// form as queries (no spaces, half-width, ASCII lower case). Empty parts are left out
/// and a part equal to the one before it is not repeated; an empty name gives "".
pub fn search_key(name: &str) -> String {
    let parts = [normalise_query(name), initials(name), full_pinyin(name)];
    let mut key = String::new();
    let mut last: Option<&str> = None;
    for part in &parts {
        if part.is_empty() || last == Some(part.as_str()) {
            continue;
        }
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(part);
        last = Some(part);
    }
    key
}

/// Normalises a query typed in a search box: converts full-width letters, digits and
/// punctuation to half-width, removes all whitespace (leading, trailing and inner,
/// including the ideographic space) and lower-cases ASCII.
///
/// Traditional characters are not converted to Simplified: that needs a conversion
/// table this crate does not have.
pub fn normalise_query(q: &str) -> String {
    q.chars().map(half_width).filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_name_gives_initials_and_full_pinyin() {
        assert_eq!(initials("王小明"), "wxm");
        assert_eq!(full_pinyin("王小明"), "wangxiaoming");
    }

    #[test]
    fn surname_dan_is_read_shan() {
        assert_eq!(initials("单田芳"), "stf");
        assert_eq!(full_pinyin("单田芳"), "shantianfang");
    }

    #[test]
    fn surname_ceng_is_read_zeng() {
        assert_eq!(initials("曾国藩"), "zgf");
        assert_eq!(full_pinyin("曾国藩"), "zengguofan");
    }

    #[test]
    fn surname_jie_is_read_xie() {
        assert_eq!(initials("解缙"), "xj");
        assert_eq!(full_pinyin("解缙"), "xiejin");
    }

    #[test]
    fn surname_chou_is_read_qiu() {
        assert_eq!(initials("仇英"), "qy");
        assert_eq!(full_pinyin("仇英"), "qiuying");
    }

    #[test]
    fn surname_pu_is_read_piao() {
        assert_eq!(initials("朴正熙"), "pzx");
        assert_eq!(full_pinyin("朴正熙"), "piaozhengxi");
    }

    #[test]
    fn surname_qu_is_read_ou() {
        assert_eq!(initials("区小红"), "oxh");
        assert_eq!(full_pinyin("区小红"), "ouxiaohong");
    }

    #[test]
    fn other_polyphonic_surnames_take_their_surname_reading() {
        assert_eq!(full_pinyin("查良镛"), "zhaliangyong");
        assert_eq!(full_pinyin("盖聂"), "genie");
        assert_eq!(full_pinyin("缪一"), "miaoyi");
        assert_eq!(full_pinyin("乐毅"), "yueyi");
        assert_eq!(full_pinyin("翟一"), "zhaiyi");
        assert_eq!(full_pinyin("长一"), "changyi");
        assert_eq!(full_pinyin("能一"), "naiyi");
        assert_eq!(full_pinyin("卜一"), "buyi");
    }

    #[test]
    fn compound_surname_yuchi_is_read_yuchi() {
        assert_eq!(initials("尉迟恭"), "ycg");
        assert_eq!(full_pinyin("尉迟恭"), "yuchigong");
    }

    #[test]
    fn compound_surname_moqi_is_read_moqi() {
        assert_eq!(initials("万俟卨"), "mqx");
        assert!(full_pinyin("万俟卨").starts_with("moqi"));
    }

    #[test]
    fn compound_surname_zhangsun_differs_from_single_chang() {
        assert_eq!(full_pinyin("长孙无忌"), "zhangsunwuji");
        assert_eq!(full_pinyin("长江"), "changjiang");
    }

    #[test]
    fn compound_surnames_without_polyphones_use_default_readings() {
        assert_eq!(full_pinyin("欧阳修"), "ouyangxiu");
        assert_eq!(full_pinyin("诸葛亮"), "zhugeliang");
        assert_eq!(full_pinyin("司马光"), "simaguang");
    }

    #[test]
    fn a_polyphone_later_in_the_name_keeps_the_default_reading() {
        let default = '曾'.to_pinyin().map(|p| p.plain());
        assert_eq!(default, Some("ceng"));
        assert_eq!(initials("王曾"), "wc");
        assert_eq!(full_pinyin("王曾"), "wangceng");
        assert_ne!(initials("王曾"), "wz");
        assert_eq!(full_pinyin("王单"), "wangdan");
    }

    #[test]
    fn the_middle_dot_of_a_minority_name_is_skipped() {
        assert_eq!(initials("阿卜杜·热合曼"), "abdrhm");
        // 卜 outside the surname position keeps the crate's default reading "bo".
        assert_eq!(full_pinyin("阿卜杜·热合曼"), "abodureheman");
        assert_eq!(initials("买买提•吐尔逊"), "mmttex");
    }

    #[test]
    fn u_umlaut_is_written_v() {
        assert_eq!(full_pinyin("吕小女"), "lvxiaonv");
        assert_eq!(initials("吕小女"), "lxn");
    }

    #[test]
    fn ascii_letters_and_digits_are_kept_lower_cased_and_spaces_dropped() {
        assert_eq!(initials("王A 2"), "wa2");
        assert_eq!(full_pinyin("王A 2"), "wanga2");
        assert_eq!(initials("王Ａ"), "wa");
    }

    #[test]
    fn leading_spaces_do_not_hide_the_surname() {
        assert_eq!(initials("  单田芳 "), "stf");
    }

    #[test]
    fn an_empty_name_gives_empty_keys() {
        assert_eq!(initials(""), "");
        assert_eq!(full_pinyin(""), "");
        assert_eq!(search_key(""), "");
        assert_eq!(search_key("   "), "");
    }

    #[test]
    fn search_key_holds_name_initials_and_full_pinyin() {
        let key = search_key("王小明");
        assert_eq!(key, "王小明 wxm wangxiaoming");
        assert!(key.contains("王小明"));
        assert!(key.contains("wxm"));
        assert!(key.contains("wangxiaoming"));
    }

    #[test]
    fn search_key_uses_surname_readings() {
        assert_eq!(search_key("单田芳"), "单田芳 stf shantianfang");
    }

    #[test]
    fn search_key_does_not_repeat_identical_parts() {
        assert_eq!(search_key("ab"), "ab");
    }

    #[test]
    fn a_normalised_query_is_found_in_the_search_key() {
        let key = search_key("王小明");
        for q in ["王小明", " 王 小明 ", "WXM", "ｗａｎｇｘｉａｏ", "xiaoming"] {
            assert!(key.contains(&normalise_query(q)), "{q:?} not in {key:?}");
        }
    }

    #[test]
    fn normalise_query_trims_lower_cases_and_converts_full_width() {
        assert_eq!(normalise_query("  ＷＸＭ "), "wxm");
        assert_eq!(normalise_query("Wang Xiao\u{3000}Ming"), "wangxiaoming");
        assert_eq!(normalise_query("１２３"), "123");
        assert_eq!(normalise_query(""), "");
    }
}
