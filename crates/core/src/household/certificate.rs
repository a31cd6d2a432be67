//! 证件号码 as a member's record holds it: an 18-digit resident ID, or a 20-digit
//! 残疾人证 number (the same ID followed by a category digit 1–7 and a grade digit 1–4).
//! The person is always known by the 18-digit number (one current membership per person);
//! the two extra digits become the member's disability category and grade.

use chrono::NaiveDate;

use super::codes::{DisabilityCategory, DisabilityGrade, IdKind};
use super::id_number::IdNumber;

/// A checked 证件号码 with what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub kind: IdKind,
    /// The 18-digit person number, also for a 残疾人证.
    pub id: IdNumber,
    /// From digits 19 and 20 of a 残疾人证.
    pub disability: Option<(DisabilityCategory, DisabilityGrade)>,
}

/// The digit a category or grade takes in a 残疾人证 number (1-based position in its list).
pub fn category_digit(c: DisabilityCategory) -> char {
    digit(DisabilityCategory::ALL.iter().position(|x| *x == c))
}

pub fn grade_digit(g: DisabilityGrade) -> char {
    digit(DisabilityGrade::ALL.iter().position(|x| *x == g))
}

fn digit(position: Option<usize>) -> char {
    char::from_digit(position.map_or(0, |p| p as u32 + 1), 10).unwrap_or('0')
}

/// The full number as the household shows it: 18 digits, or 20 for a 残疾人证.
pub fn document_number(
    kind: IdKind,
    id: &IdNumber,
    disability: Option<(DisabilityCategory, DisabilityGrade)>,
) -> String {
    match (kind, disability) {
        (IdKind::DisabilityCert, Some((c, g))) => format!("{}{}{}", id.as_str(), category_digit(c), grade_digit(g)),
        _ => id.as_str().to_owned(),
    }
}

/// Checks a typed number against its 证件类型 (none given: told by the length).
/// A 残疾人证 typed as its 18-digit ID takes the category and grade given beside it.
pub fn parse_document(
    input: &str,
    kind: Option<IdKind>,
    given: (Option<DisabilityCategory>, Option<DisabilityGrade>),
    today: NaiveDate,
) -> Result<Document, String> {
    let number: String = input
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            'x' | 'Ｘ' | 'ｘ' => 'X',
            c => c,
        })
        .collect();
    let long = number.chars().count() == 20;
    let kind = kind.unwrap_or(if long { IdKind::DisabilityCert } else { IdKind::ResidentId });
    match kind {
        IdKind::ResidentId if long => {
            Err("证件类型为居民身份证，证件号码应为18位；20位的是残疾人证号，请把证件类型选为“残疾人证”".to_owned())
        }
        IdKind::ResidentId => {
            let id = IdNumber::parse_as_of(&number, today).map_err(|e| e.to_string())?;
            Ok(Document { kind, id, disability: None })
        }
        IdKind::DisabilityCert if long => {
            let (id_part, tail) = number.split_at(18);
            let id = IdNumber::parse_as_of(id_part, today).map_err(|e| format!("残疾人证号前18位：{e}"))?;
            let mut tail = tail.chars();
            let (c, g) = (tail.next().unwrap_or('0'), tail.next().unwrap_or('0'));
            let category = c
                .to_digit(10)
                .and_then(|d| DisabilityCategory::ALL.get((d as usize).wrapping_sub(1)).copied())
                .ok_or_else(|| format!("残疾人证号第19位是残疾类别，应为1到7，实际为“{c}”"))?;
            let grade = g
                .to_digit(10)
                .and_then(|d| DisabilityGrade::ALL.get((d as usize).wrapping_sub(1)).copied())
                .ok_or_else(|| format!("残疾人证号第20位是残疾等级，应为1到4，实际为“{g}”"))?;
            Ok(Document { kind, id, disability: Some((category, grade)) })
        }
        IdKind::DisabilityCert => {
            let id = IdNumber::parse_as_of(&number, today).map_err(|e| e.to_string())?;
            match given {
                (Some(c), Some(g)) => Ok(Document { kind, id, disability: Some((c, g)) }),
                _ => {
                    Err("残疾人证号应为20位（18位身份证号加残疾类别、残疾等级各1位），或另填残疾类别和残疾等级"
                        .to_owned())
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::household::id_number::check_char;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    fn id18() -> String {
        let first17 = "41170219800101001";
        format!("{first17}{}", check_char(first17))
    }

    #[test]
    fn a_20_digit_disability_certificate_gives_the_person_number_category_and_grade() {
        let d = parse_document(&format!("{}42", id18()), None, (None, None), today()).unwrap();
        assert_eq!(d.kind, IdKind::DisabilityCert);
        assert_eq!(d.id.as_str(), id18());
        assert_eq!(d.disability, Some((DisabilityCategory::Physical, DisabilityGrade::Two)));
        assert_eq!(document_number(d.kind, &d.id, d.disability), format!("{}42", id18()));
    }

    #[test]
    fn full_width_digits_in_a_certificate_are_read_as_digits() {
        let typed: String = format!("{}７１", id18());
        let d = parse_document(&typed, Some(IdKind::DisabilityCert), (None, None), today()).unwrap();
        assert_eq!(d.disability, Some((DisabilityCategory::Multiple, DisabilityGrade::One)));
    }

    #[test]
    fn the_category_and_grade_digits_are_checked() {
        let e = parse_document(&format!("{}82", id18()), None, (None, None), today()).unwrap_err();
        assert_eq!(e, "残疾人证号第19位是残疾类别，应为1到7，实际为“8”");
        let e = parse_document(&format!("{}45", id18()), None, (None, None), today()).unwrap_err();
        assert_eq!(e, "残疾人证号第20位是残疾等级，应为1到4，实际为“5”");
    }

    #[test]
    fn the_id_part_of_a_certificate_is_checked_like_any_id_number() {
        let mut bad = id18();
        bad.replace_range(17..18, if bad.ends_with('0') { "1" } else { "0" });
        let e = parse_document(&format!("{bad}42"), None, (None, None), today()).unwrap_err();
        assert!(e.starts_with("残疾人证号前18位：校验位错误"), "{e}");
    }

    #[test]
    fn a_resident_id_card_cannot_have_20_digits() {
        let e = parse_document(&format!("{}42", id18()), Some(IdKind::ResidentId), (None, None), today()).unwrap_err();
        assert!(e.starts_with("证件类型为居民身份证，证件号码应为18位"), "{e}");
    }

    #[test]
    fn a_certificate_typed_as_18_digits_needs_the_category_and_grade_beside_it() {
        let e = parse_document(&id18(), Some(IdKind::DisabilityCert), (None, None), today()).unwrap_err();
        assert!(e.starts_with("残疾人证号应为20位"), "{e}");
        let given = (Some(DisabilityCategory::Visual), Some(DisabilityGrade::Three));
        let d = parse_document(&id18(), Some(IdKind::DisabilityCert), given, today()).unwrap();
        assert_eq!(document_number(d.kind, &d.id, d.disability), format!("{}13", id18()));
    }

    #[test]
    fn eighteen_digits_without_a_kind_are_a_resident_id() {
        let d = parse_document(&id18(), None, (None, None), today()).unwrap();
        assert_eq!((d.kind, d.disability), (IdKind::ResidentId, None));
    }
}
