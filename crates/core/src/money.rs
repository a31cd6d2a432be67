//! Money as an integer number of fen (分, 1/100 yuan): no floating point anywhere.
//! Parsing accepts what people type into forms and spreadsheets; output is plain or grouped.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

/// Why a text is not an amount of money. Messages are the Chinese text users read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("金额不能为空")]
    Empty,
    #[error("金额最多保留两位小数（分）")]
    TooManyDecimals,
    /// The input as given (trimmed).
    #[error("“{0}”不是有效的金额")]
    Invalid(String),
    #[error("金额“{0}”超出范围")]
    Overflow(String),
}

/// An amount in fen. `Fen(123_450)` is 1 234.50 yuan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, rhs: Fen) -> Option<Fen> {
        self.0.checked_add(rhs.0).map(Fen)
    }

    pub fn checked_sub(self, rhs: Fen) -> Option<Fen> {
        self.0.checked_sub(rhs.0).map(Fen)
    }

    /// Divides among `n` (people, months…), rounding half a fen away from zero.
    /// `None` when `n` is 0 or the result does not fit.
    pub fn checked_div_count(self, n: i64) -> Option<Fen> {
        if n == 0 {
            return None;
        }
        let (a, n) = (i128::from(self.0), i128::from(n));
        let mut quotient = a / n;
        let remainder = a % n;
        if 2 * remainder.abs() >= n.abs() {
            quotient += if (a < 0) == (n < 0) { 1 } else { -1 };
        }
        i64::try_from(quotient).ok().map(Fen)
    }

    /// Parses an amount in yuan exactly: "1234", "1,234.5", "-12.30", "￥1２34.50元", " 8 ".
    /// Full-width digits and punctuation are accepted; at most two decimals.
    pub fn parse_yuan(s: &str) -> Result<Fen, MoneyError> {
        let original = s.trim();
        if original.is_empty() {
            return Err(MoneyError::Empty);
        }
        let invalid = || MoneyError::Invalid(original.to_owned());
        let text: String = original.chars().map(half_width).collect();

        let mut rest = text.strip_suffix('元').map_or(text.as_str(), str::trim_end);
        let (mut negative, mut signed, mut currency) = (false, false, false);
        loop {
            if !signed && let Some(r) = rest.strip_prefix(['-', '+']) {
                negative = rest.starts_with('-');
                signed = true;
                rest = r;
            } else if !currency && let Some(r) = rest.strip_prefix(['¥', '￥']) {
                currency = true;
                rest = r.trim_start();
            } else {
                break;
            }
        }

        let (int_part, frac_part) = match rest.split_once('.') {
            Some((i, f)) => (i, f),
            None => (rest, ""),
        };
        let int_digits = integer_digits(int_part).ok_or_else(invalid)?;
        if !frac_part.bytes().all(|b| b.is_ascii_digit()) || (int_digits.is_empty() && frac_part.is_empty()) {
            return Err(invalid());
        }
        if frac_part.len() > 2 {
            return Err(MoneyError::TooManyDecimals);
        }

        let overflow = || MoneyError::Overflow(original.to_owned());
        let mut fen: i64 = 0;
        let frac_padded = format!("{frac_part:0<2}");
        for b in int_digits.bytes().chain(frac_padded.bytes()) {
            fen = fen.checked_mul(10).and_then(|f| f.checked_add(i64::from(b - b'0'))).ok_or_else(overflow)?;
        }
        Ok(Fen(if negative { -fen } else { fen }))
    }

    /// Plain form for CSV and storage exports: "1234.50", "-0.05".
    pub fn to_yuan_string(self) -> String {
        let (sign, yuan, fen) = self.parts();
        format!("{sign}{yuan}.{fen:02}")
    }

    /// Whole yuan grouped by thin spaces, for sentences that explain a figure: "9 120 元",
    /// "23 000 元" (the fen are dropped; comparisons are made in fen before).
    pub fn display_whole_yuan(self) -> String {
        let (sign, yuan, _) = self.parts();
        let digits = yuan.to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(' ');
            }
            grouped.push(c);
        }
        format!("{sign}{grouped} 元")
    }

    /// Grouped form with the unit, for printouts: "1,234.50元".
    pub fn display_yuan(self) -> String {
        format!("{self}元")
    }

    fn parts(self) -> (&'static str, u64, u64) {
        let abs = self.0.unsigned_abs();
        (if self.0 < 0 { "-" } else { "" }, abs / 100, abs % 100)
    }
}

/// Full-width digits and the punctuation of amounts become their ASCII twins.
fn half_width(c: char) -> char {
    match c {
        '０'..='９' | '．' | '，' | '－' | '＋' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '−' => '-',
        _ => c,
    }
}

/// The digits of an integer part, with thousands separators checked and removed
/// ("1,234" → "1234"; "1,5" and "12,34" are refused). May be empty (".5").
fn integer_digits(part: &str) -> Option<String> {
    let mut groups = part.split(',');
    let first = groups.next().unwrap_or_default();
    let all_digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(first) {
        return None;
    }
    let mut digits = first.to_owned();
    for group in groups {
        if first.is_empty() || first.len() > 3 || group.len() != 3 || !all_digits(group) {
            return None;
        }
        digits.push_str(group);
    }
    Some(digits)
}

/// "1,234.50", "-1,234,567.00": grouped, two decimals, no unit.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (sign, yuan, fen) = self.parts();
        let plain = yuan.to_string();
        let mut grouped = String::with_capacity(plain.len() + plain.len() / 3);
        for (i, c) in plain.chars().enumerate() {
            if i > 0 && (plain.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        f.pad(&format!("{sign}{grouped}.{fen:02}"))
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, rhs: Fen) -> Fen {
        Fen(self.0 + rhs.0)
    }
}

impl Sub for Fen {
    type Output = Fen;
    fn sub(self, rhs: Fen) -> Fen {
        Fen(self.0 - rhs.0)
    }
}

impl Neg for Fen {
    type Output = Fen;
    fn neg(self) -> Fen {
        Fen(-self.0)
    }
}

impl AddAssign for Fen {
    fn add_assign(&mut self, rhs: Fen) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Fen {
    fn sub_assign(&mut self, rhs: Fen) {
        self.0 -= rhs.0;
    }
}

impl Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        iter.fold(Fen::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Fen> for Fen {
    fn sum<I: Iterator<Item = &'a Fen>>(iter: I) -> Fen {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(s: &str) -> Fen {
        Fen::parse_yuan(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn refusal(s: &str) -> String {
        Fen::parse_yuan(s).expect_err(s).to_string()
    }

    #[test]
    fn whole_yuan_and_one_or_two_decimals_are_read_exactly() {
        assert_eq!(yuan("1234"), Fen(123_400));
        assert_eq!(yuan("1234.5"), Fen(123_450));
        assert_eq!(yuan("1234.56"), Fen(123_456));
        assert_eq!(yuan("0.01"), Fen(1));
        assert_eq!(yuan("0"), Fen(0));
    }

    #[test]
    fn amounts_that_floats_get_wrong_are_exact() {
        assert_eq!(yuan("0.29"), Fen(29));
        assert_eq!(yuan("1.15"), Fen(115));
        assert_eq!(yuan("4.35"), Fen(435));
    }

    #[test]
    fn negative_and_explicitly_positive_amounts_are_read() {
        assert_eq!(yuan("-12.30"), Fen(-1230));
        assert_eq!(yuan("-0.05"), Fen(-5));
        assert_eq!(yuan("+7"), Fen(700));
        assert_eq!(yuan("-0"), Fen(0));
    }

    #[test]
    fn thousands_separators_are_accepted_where_they_belong() {
        assert_eq!(yuan("1,234.50"), Fen(123_450));
        assert_eq!(yuan("12,345,678"), Fen(1_234_567_800));
        assert_eq!(yuan("999,999.99"), Fen(99_999_999));
    }

    #[test]
    fn misplaced_separators_are_refused_rather_than_guessed() {
        assert_eq!(refusal("1,5"), "“1,5”不是有效的金额");
        assert_eq!(refusal("12,34"), "“12,34”不是有效的金额");
        assert_eq!(refusal("1234,567"), "“1234,567”不是有效的金额");
        assert_eq!(refusal(",123"), "“,123”不是有效的金额");
        assert_eq!(refusal("1,,234"), "“1,,234”不是有效的金额");
    }

    #[test]
    fn full_width_digits_and_punctuation_are_accepted() {
        assert_eq!(yuan("１２３４．５６"), Fen(123_456));
        assert_eq!(yuan("１，２３４．５０"), Fen(123_450));
        assert_eq!(yuan("－１２"), Fen(-1200));
    }

    #[test]
    fn the_yuan_sign_and_the_unit_are_accepted() {
        assert_eq!(yuan("¥12.30"), Fen(1230));
        assert_eq!(yuan("￥1,234.50元"), Fen(123_450));
        assert_eq!(yuan("500元"), Fen(50_000));
        assert_eq!(yuan("500 元"), Fen(50_000));
        assert_eq!(yuan("¥ 8"), Fen(800));
        assert_eq!(yuan("-¥3"), Fen(-300));
        assert_eq!(yuan("¥-3"), Fen(-300));
    }

    #[test]
    fn surrounding_spaces_are_ignored_including_the_full_width_space() {
        assert_eq!(yuan("  42.10\t"), Fen(4210));
        assert_eq!(yuan("\u{3000}42\u{3000}"), Fen(4200));
    }

    #[test]
    fn a_lone_decimal_point_side_is_enough_when_the_other_has_digits() {
        assert_eq!(yuan(".5"), Fen(50));
        assert_eq!(yuan("3."), Fen(300));
    }

    #[test]
    fn an_empty_amount_is_refused() {
        assert_eq!(Fen::parse_yuan(""), Err(MoneyError::Empty));
        assert_eq!(refusal(" \u{3000} "), "金额不能为空");
    }

    #[test]
    fn more_than_two_decimals_are_refused() {
        assert_eq!(refusal("1.234"), "金额最多保留两位小数（分）");
        assert_eq!(refusal("1.500"), "金额最多保留两位小数（分）");
    }

    #[test]
    fn garbage_is_named_in_the_message() {
        assert_eq!(refusal("abc"), "“abc”不是有效的金额");
        assert_eq!(refusal("12元5角"), "“12元5角”不是有效的金额");
        assert_eq!(refusal("1.2.3"), "“1.2.3”不是有效的金额");
        assert_eq!(refusal("--5"), "“--5”不是有效的金额");
        assert_eq!(refusal("¥"), "“¥”不是有效的金额");
        assert_eq!(refusal("元"), "“元”不是有效的金额");
        assert_eq!(refusal("."), "“.”不是有效的金额");
        assert_eq!(refusal("1 000"), "“1 000”不是有效的金额");
        assert_eq!(refusal("1e3"), "“1e3”不是有效的金额");
    }

    #[test]
    fn an_amount_too_large_for_the_register_is_refused() {
        assert_eq!(refusal("99999999999999999999"), "金额“99999999999999999999”超出范围");
        assert_eq!(yuan("92233720368547758.07"), Fen(i64::MAX));
        assert!(matches!(Fen::parse_yuan("92233720368547758.08"), Err(MoneyError::Overflow(_))));
    }

    #[test]
    fn the_plain_form_has_two_decimals_and_no_separators() {
        assert_eq!(Fen(123_450).to_yuan_string(), "1234.50");
        assert_eq!(Fen(0).to_yuan_string(), "0.00");
        assert_eq!(Fen(7).to_yuan_string(), "0.07");
        assert_eq!(Fen(-1230).to_yuan_string(), "-12.30");
        assert_eq!(Fen(-5).to_yuan_string(), "-0.05");
    }

    #[test]
    fn the_plain_form_parses_back_to_the_same_amount() {
        for fen in [0, 1, -1, 99, 100, 123_456, -987_654_321, i64::MAX] {
            assert_eq!(yuan(&Fen(fen).to_yuan_string()), Fen(fen));
        }
    }

    #[test]
    fn display_groups_thousands_with_two_decimals() {
        assert_eq!(Fen(123_450).to_string(), "1,234.50");
        assert_eq!(Fen(12_345).to_string(), "123.45");
        assert_eq!(Fen(100_000).to_string(), "1,000.00");
        assert_eq!(Fen(123_456_789_012).to_string(), "1,234,567,890.12");
        assert_eq!(Fen(0).to_string(), "0.00");
        assert_eq!(Fen(-123_450).to_string(), "-1,234.50");
        assert_eq!(Fen(-5).to_string(), "-0.05");
        assert_eq!(Fen(i64::MIN).to_string(), "-92,233,720,368,547,758.08");
    }

    #[test]
    fn display_honours_width_for_tables() {
        assert_eq!(format!("[{:>10}]", Fen(123_450)), "[  1,234.50]");
    }

    #[test]
    fn display_yuan_adds_the_unit_and_parses_back() {
        assert_eq!(Fen(123_450).display_yuan(), "1,234.50元");
        assert_eq!(Fen(-99).display_yuan(), "-0.99元");
        assert_eq!(yuan(&Fen(123_450).display_yuan()), Fen(123_450));
    }

    #[test]
    fn amounts_add_subtract_negate_and_sum() {
        let mut a = Fen(1000) + Fen(250) - Fen(50);
        assert_eq!(a, Fen(1200));
        assert_eq!(-a, Fen(-1200));
        a += Fen(1);
        a -= Fen(2);
        assert_eq!(a, Fen(1199));
        let amounts = [Fen(1), Fen(2), Fen(3)];
        assert_eq!(amounts.iter().sum::<Fen>(), Fen(6));
        assert_eq!(amounts.into_iter().sum::<Fen>(), Fen(6));
        assert_eq!(Vec::<Fen>::new().into_iter().sum::<Fen>(), Fen::ZERO);
    }

    #[test]
    fn checked_arithmetic_reports_overflow() {
        assert_eq!(Fen(i64::MAX).checked_add(Fen(1)), None);
        assert_eq!(Fen(i64::MIN).checked_sub(Fen(1)), None);
        assert_eq!(Fen(5).checked_add(Fen(6)), Some(Fen(11)));
    }

    #[test]
    fn dividing_by_a_count_rounds_half_a_fen_away_from_zero() {
        assert_eq!(Fen(10).checked_div_count(4), Some(Fen(3))); // 2.5 → 3
        assert_eq!(Fen(-10).checked_div_count(4), Some(Fen(-3))); // −2.5 → −3
        assert_eq!(Fen(10).checked_div_count(3), Some(Fen(3))); // 3.33 → 3
        assert_eq!(Fen(11).checked_div_count(3), Some(Fen(4))); // 3.67 → 4
        assert_eq!(Fen(-11).checked_div_count(3), Some(Fen(-4)));
        assert_eq!(Fen(10).checked_div_count(-4), Some(Fen(-3)));
        assert_eq!(Fen(-10).checked_div_count(-4), Some(Fen(3)));
        assert_eq!(Fen(1).checked_div_count(3), Some(Fen(0)));
        assert_eq!(Fen(300_000).checked_div_count(4), Some(Fen(75_000)));
    }

    #[test]
    fn dividing_by_zero_or_out_of_range_gives_none() {
        assert_eq!(Fen(10).checked_div_count(0), None);
        assert_eq!(Fen(i64::MIN).checked_div_count(-1), None);
        assert_eq!(Fen(i64::MAX).checked_div_count(1), Some(Fen(i64::MAX)));
    }

    #[test]
    fn money_errors_are_comparable_and_keep_the_input() {
        assert_eq!(Fen::parse_yuan(" x1 "), Err(MoneyError::Invalid("x1".to_owned())));
    }
}
