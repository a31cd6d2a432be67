//! The resident ID number 公民身份号码 (GB 11643): parsed once, then trusted.
//! Logs and debug output only ever see the masked form.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};

use super::codes::Sex;

/// ISO 7064 MOD 11-2 weights for the first 17 digits.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder mod 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
const LENGTH: usize = 18;
const EARLIEST_BIRTH_YEAR: i32 = 1900;

/// Why a text is not a valid resident ID number. Messages are the Chinese text users read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("证件号码不能为空")]
    Empty,
    #[error("证件号码中间不能有空格")]
    InnerSpace,
    #[error("证件号码应为18位，实际为{0}位")]
    WrongLength(usize),
    /// Anything but a digit, or an X before the last place.
    #[error("证件号码含有非法字符“{0}”")]
    IllegalChar(char),
    #[error("证件号码前6位地区码无效")]
    BadAreaCode,
    /// Digits 7–14 are not a calendar date (e.g. 19990230).
    #[error("出生日期 {0} 不存在")]
    ImpossibleBirthDate(String),
    /// A real date, but in the future or before 1900.
    #[error("出生日期 {0} 不合理")]
    UnreasonableBirthDate(String),
    #[error("校验位错误：最后一位应为{expected}，实际为{actual}")]
    WrongCheckChar { expected: char, actual: char },
    /// The 17th digit's sex contradicts the member's recorded sex.
    #[error("证件号码第17位表示{implied}性，与性别“{given}”不符")]
    SexMismatch { implied: Sex, given: Sex },
}

/// A valid 18-character resident ID number, always in normalised form
/// (half-width digits, upper-case X).
///
/// `Debug` and `Display` show the masked form; `as_str` and serde give the full number,
/// for storage and for callers that have decided the reader may see it.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IdNumber(String);

impl IdNumber {
    /// Normalises (trims spaces, full-width digits and Ｘ/ｘ/x → X) and checks the number,
    /// judging the birth date against today's local date.
    pub fn parse(input: &str) -> Result<IdNumber, IdNumberError> {
        Self::parse_as_of(input, chrono::Local::now().date_naive())
    }

    /// As [`IdNumber::parse`], with "today" given: a birth date after `today` is refused.
    pub fn parse_as_of(input: &str, today: NaiveDate) -> Result<IdNumber, IdNumberError> {
        let number = normalise(input)?;
        let chars: Vec<char> = number.chars().collect();
        if chars.len() != LENGTH {
            return Err(IdNumberError::WrongLength(chars.len()));
        }
        if let Some(&bad) = chars
            .iter()
            .enumerate()
            .find(|&(i, &c)| !(c.is_ascii_digit() || (c == 'X' && i == LENGTH - 1)))
            .map(|(_, c)| c)
        {
            return Err(IdNumberError::IllegalChar(bad));
        }
        // From here on the number is 18 ASCII characters, so byte slicing is safe.
        if number.starts_with('0') {
            return Err(IdNumberError::BadAreaCode);
        }
        let birth_text = &number[6..14];
        let birth =
            date_from_digits(birth_text).ok_or_else(|| IdNumberError::ImpossibleBirthDate(birth_text.to_owned()))?;
        if birth.year() < EARLIEST_BIRTH_YEAR || birth > today {
            return Err(IdNumberError::UnreasonableBirthDate(birth_text.to_owned()));
        }
        let expected = check_char(&number[..17]);
        let actual = chars[17];
        if expected != actual {
            return Err(IdNumberError::WrongCheckChar { expected, actual });
        }
        Ok(IdNumber(number))
    }

    /// The full number. For storage and exports that are entitled to it; never for logs.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 出生日期, digits 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        // parse() checked these digits form a real date; the fallback is unreachable.
        self.0.get(6..14).and_then(date_from_digits).unwrap_or_default()
    }

    /// The 17th digit (sequence number): odd for men, even for women.
    pub fn sex(&self) -> Sex {
        let digit = self.0.as_bytes().get(16).map_or(0, |b| b.wrapping_sub(b'0'));
        if digit % 2 == 1 { Sex::Male } else { Sex::Female }
    }

    /// Age in full years on `date` (0 if `date` is before the birth date).
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        date.years_since(self.birth_date()).unwrap_or(0)
    }

    /// First 4 and last 4 characters, the 10 between as asterisks: "4117**********123X".
    pub fn masked(&self) -> String {
        let head = self.0.get(..4).unwrap_or_default();
        let tail = self.0.get(14..).unwrap_or_default();
        format!("{head}**********{tail}")
    }

    /// Checks that the member's recorded sex agrees with the 17th digit.
    pub fn check_sex(&self, sex: Sex) -> Result<(), IdNumberError> {
        let implied = self.sex();
        if implied == sex { Ok(()) } else { Err(IdNumberError::SexMismatch { implied, given: sex }) }
    }
}

/// The ISO 7064 MOD 11-2 check character for the first 17 digits of a number.
///
/// Meant for 17 ASCII digits (a data generator uses it to make valid numbers);
/// any other character counts as 0 and extra characters are ignored.
pub fn check_char(first17: &str) -> char {
    let sum: u32 = first17.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// Trims, converts full-width digits and every form of x to half-width, refuses inner spaces.
fn normalise(input: &str) -> Result<String, IdNumberError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(IdNumberError::Empty);
    }
    trimmed
        .chars()
        .map(|c| match c {
            '０'..='９' => Ok(char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c)),
            'x' | 'Ｘ' | 'ｘ' => Ok('X'),
            c if c.is_whitespace() => Err(IdNumberError::InnerSpace),
            c => Ok(c),
        })
        .collect()
}

/// YYYYMMDD → date, if the digits make a real calendar date.
fn date_from_digits(digits: &str) -> Option<NaiveDate> {
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = digits[..4].parse().ok()?;
    let month = digits[4..6].parse().ok()?;
    let day = digits[6..].parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

impl FromStr for IdNumber {
    type Err = IdNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdNumber::parse(s)
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdNumber").field(&self.masked()).finish()
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.masked())
    }
}

impl serde::Serialize for IdNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for IdNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        IdNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as ValueError, StrDeserializer};

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 6, 1).expect("date")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    /// A valid number built from 17 digits and their computed check character.
    fn valid(first17: &str) -> String {
        format!("{first17}{}", check_char(first17))
    }

    fn parse(s: &str) -> Result<IdNumber, IdNumberError> {
        IdNumber::parse_as_of(s, today())
    }

    fn message(s: &str) -> String {
        parse(s).expect_err("should be refused").to_string()
    }

    // 411702 驿城区, born 1985-06-12, sequence 123 (odd: male).
    const MAN: &str = "41170219850612123";
    // Same place, born 1990-02-28, sequence 246 (even: female).
    const WOMAN: &str = "41170219900228246";

    #[test]
    fn the_example_numbers_of_the_standard_have_the_right_check_characters() {
        assert_eq!(check_char("11010519491231002"), 'X');
        assert_eq!(check_char("44052418800101001"), '4');
    }

    #[test]
    fn a_valid_number_is_accepted_as_is() {
        let text = valid(MAN);
        let id = parse(&text).expect("valid");
        assert_eq!(id.as_str(), text);
        assert_eq!(id.birth_date(), date(1985, 6, 12));
        assert_eq!(id.sex(), Sex::Male);
    }

    #[test]
    fn a_number_ending_in_x_is_accepted() {
        let id = parse("11010519491231002X").expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.sex(), Sex::Female);
    }

    #[test]
    fn full_width_digits_are_converted_to_ascii() {
        let text = valid(MAN);
        let wide: String =
            text.chars().map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c)).collect();
        assert_eq!(parse(&wide).expect("valid").as_str(), text);
    }

    #[test]
    fn a_lower_case_or_full_width_x_becomes_an_upper_case_x() {
        for s in ["11010519491231002x", "11010519491231002Ｘ", "11010519491231002ｘ"] {
            assert_eq!(parse(s).expect(s).as_str(), "11010519491231002X");
        }
    }

    #[test]
    fn surrounding_spaces_are_trimmed_including_the_full_width_space() {
        let text = valid(WOMAN);
        assert_eq!(parse(&format!("  {text}\t")).expect("valid").as_str(), text);
        assert_eq!(parse(&format!("\u{3000}{text}\u{3000}")).expect("valid").as_str(), text);
    }

    #[test]
    fn an_empty_or_blank_number_is_refused() {
        assert_eq!(parse(""), Err(IdNumberError::Empty));
        assert_eq!(message(" \u{3000} "), "证件号码不能为空");
    }

    #[test]
    fn a_space_inside_the_number_is_refused() {
        assert_eq!(message("411702 19850612123X"), "证件号码中间不能有空格");
        assert_eq!(parse("411702\u{3000}19850612123X"), Err(IdNumberError::InnerSpace));
    }

    #[test]
    fn a_number_of_the_wrong_length_says_how_long_it_was() {
        assert_eq!(message("411702850612123"), "证件号码应为18位，实际为15位");
        assert_eq!(message(&format!("{}1", valid(MAN))), "证件号码应为18位，实际为19位");
    }

    #[test]
    fn the_length_counts_characters_not_bytes() {
        assert_eq!(message("一二三"), "证件号码应为18位，实际为3位");
        assert_eq!(message("４１１７０２"), "证件号码应为18位，实际为6位");
    }

    #[test]
    fn a_letter_in_the_number_is_named() {
        assert_eq!(message("4117021985061212A3"), "证件号码含有非法字符“A”");
        assert_eq!(message("41170219850612一23"), "证件号码应为18位，实际为17位");
        assert_eq!(message("41170219850612一234"), "证件号码含有非法字符“一”");
    }

    #[test]
    fn an_x_before_the_last_place_is_an_illegal_character() {
        assert_eq!(message("4117021985061212X3"), "证件号码含有非法字符“X”");
    }

    #[test]
    fn an_area_code_starting_with_zero_is_refused() {
        assert_eq!(message(&valid("01170219850612123")), "证件号码前6位地区码无效");
    }

    #[test]
    fn an_impossible_birth_date_is_named() {
        assert_eq!(message(&valid("41170219990230123")), "出生日期 19990230 不存在");
        assert_eq!(message(&valid("41170219991301123")), "出生日期 19991301 不存在");
        assert_eq!(message(&valid("41170220230229123")), "出生日期 20230229 不存在");
    }

    #[test]
    fn the_twenty_ninth_of_february_exists_in_a_leap_year() {
        assert!(parse(&valid("41170220000229123")).is_ok());
    }

    #[test]
    fn a_birth_date_in_the_future_is_unreasonable() {
        assert_eq!(message(&valid("41170220240602123")), "出生日期 20240602 不合理");
        assert!(parse(&valid("41170220240601123")).is_ok(), "born today is fine");
    }

    #[test]
    fn a_birth_date_before_1900_is_unreasonable() {
        // The standard's own example, born 1880, has a correct check character.
        assert_eq!(message("440524188001010014"), "出生日期 18800101 不合理");
        assert!(parse(&valid("41170219000101123")).is_ok());
    }

    #[test]
    fn a_wrong_check_character_says_what_it_should_be() {
        assert_eq!(message("110105194912310021"), "校验位错误：最后一位应为X，实际为1");
        let text = valid(MAN);
        let expected = check_char(MAN);
        let wrong = if expected == '0' { '1' } else { '0' };
        assert_eq!(parse(&format!("{MAN}{wrong}")), Err(IdNumberError::WrongCheckChar { expected, actual: wrong }));
        assert!(parse(&text).is_ok());
    }

    #[test]
    fn the_seventeenth_digit_gives_the_sex() {
        assert_eq!(parse(&valid(MAN)).expect("valid").sex(), Sex::Male);
        assert_eq!(parse(&valid(WOMAN)).expect("valid").sex(), Sex::Female);
    }

    #[test]
    fn a_man_recorded_as_a_woman_is_a_mismatch() {
        let id = parse(&valid(MAN)).expect("valid");
        let err = id.check_sex(Sex::Female).expect_err("mismatch");
        assert_eq!(err, IdNumberError::SexMismatch { implied: Sex::Male, given: Sex::Female });
        assert_eq!(err.to_string(), "证件号码第17位表示男性，与性别“女”不符");
        assert_eq!(id.check_sex(Sex::Male), Ok(()));
    }

    #[test]
    fn a_woman_recorded_as_a_man_is_a_mismatch() {
        let id = parse(&valid(WOMAN)).expect("valid");
        assert_eq!(
            id.check_sex(Sex::Male).expect_err("mismatch").to_string(),
            "证件号码第17位表示女性，与性别“男”不符"
        );
        assert_eq!(id.check_sex(Sex::Female), Ok(()));
    }

    #[test]
    fn the_masked_form_keeps_four_characters_at_each_end() {
        let id = parse(&valid(MAN)).expect("valid");
        let masked = id.masked();
        assert_eq!(masked.len(), 18);
        assert!(masked.starts_with("4117**********123"), "{masked}");
        assert_eq!(parse("11010519491231002X").expect("valid").masked(), "1101**********002X");
    }

    #[test]
    fn debug_and_display_never_show_the_full_number() {
        let id = parse("11010519491231002X").expect("valid");
        let debug = format!("{id:?}");
        let display = id.to_string();
        assert_eq!(debug, "IdNumber(\"1101**********002X\")");
        assert_eq!(display, "1101**********002X");
        assert!(!debug.contains("19491231"));
        let in_struct = format!("{:?}", Some(id));
        assert!(!in_struct.contains("11010519491231002X"), "{in_struct}");
    }

    #[test]
    fn age_counts_full_years_and_turns_on_the_birthday() {
        let id = parse(&valid(MAN)).expect("valid"); // born 1985-06-12
        assert_eq!(id.age_on(date(2024, 6, 11)), 38);
        assert_eq!(id.age_on(date(2024, 6, 12)), 39);
        assert_eq!(id.age_on(date(1985, 6, 12)), 0);
    }

    #[test]
    fn age_before_birth_is_zero() {
        let id = parse(&valid(MAN)).expect("valid");
        assert_eq!(id.age_on(date(1980, 1, 1)), 0);
    }

    #[test]
    fn someone_born_on_the_twenty_ninth_of_february_turns_a_year_older_on_the_first_of_march() {
        let id = parse(&valid("41170220000229124")).expect("valid");
        assert_eq!(id.age_on(date(2001, 2, 28)), 0);
        assert_eq!(id.age_on(date(2001, 3, 1)), 1);
        assert_eq!(id.age_on(date(2004, 2, 29)), 4);
    }

    #[test]
    fn from_str_parses_like_parse() {
        let id: IdNumber = "11010519491231002x".parse().expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!("".parse::<IdNumber>(), Err(IdNumberError::Empty));
    }

    #[test]
    fn serde_writes_the_full_number() {
        struct Via<'a>(&'a IdNumber);
        impl fmt::Display for Via<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                serde::Serialize::serialize(self.0, f)
            }
        }
        let id = parse("11010519491231002X").expect("valid");
        assert_eq!(Via(&id).to_string(), "11010519491231002X");
    }

    #[test]
    fn serde_reads_through_parse_and_normalises() {
        let d: StrDeserializer<ValueError> = " 11010519491231002x ".into_deserializer();
        let id: IdNumber = serde::Deserialize::deserialize(d).expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn serde_refuses_an_invalid_number_with_the_chinese_message() {
        let d: StrDeserializer<ValueError> = "110105194912310021".into_deserializer();
        let err = <IdNumber as serde::Deserialize>::deserialize(d).expect_err("invalid");
        assert_eq!(err.to_string(), "校验位错误：最后一位应为X，实际为1");
    }

    #[test]
    fn every_check_character_the_generator_makes_is_accepted() {
        for seq in 0..200 {
            let first17 = format!("41170219850612{seq:03}");
            let id = parse(&valid(&first17)).expect("valid");
            assert_eq!(id.sex() == Sex::Male, seq % 2 == 1);
        }
    }
}
