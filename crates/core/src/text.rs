//! Free text as people type it: what every text field refuses, on every backend alike.

/// Characters that change the direction of the text around them (U+202A–U+202E, U+2066–U+2069,
/// the marks U+200E, U+200F and U+061C): in a name they make it display as another name
/// than the one stored and searched for (王五, U+202E, 明小 shows as 王五小明).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Checks one text value: no NUL or other control character (PostgreSQL refuses NUL, SQLite
/// would keep it, so both refuse it here), no direction-changing character, and at most
/// `max_chars` characters. The message names the field by its Chinese label.
pub fn check_text(label: &str, value: &str, max_chars: usize) -> Result<(), String> {
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(format!("{label}含有不可见的控制字符，请删除后重新输入"));
    }
    if value.chars().any(is_bidi_control) {
        return Err(format!("{label}含有改变文字方向的隐藏字符，请删除后重新输入"));
    }
    let n = value.chars().count();
    if n > max_chars {
        return Err(format!("{label}不能超过{max_chars}个字（现有{n}个）"));
    }
    Ok(())
}

/// A one-line value (a name, a number, an address) also refuses line breaks and tabs.
pub fn check_line(label: &str, value: &str, max_chars: usize) -> Result<(), String> {
    if value.contains(['\n', '\r', '\t']) {
        return Err(format!("{label}不能换行，请写在一行内"));
    }
    check_text(label, value, max_chars)
}

/// The free-text fields of the forms that are not in the household catalogue, with their
/// Chinese label, their bound, and whether they are one line. One table, so that every form's
/// texts are bounded and cleaned the same way.
const FREE_TEXT: &[(&str, &str, usize, bool)] = &[
    ("reason", "原因", 500, false),
    ("left_reason", "减员原因", 200, false),
    ("note", "备注", 500, false),
    ("display_name", "姓名", 50, true),
    ("name", "姓名", 50, true),
    ("post", "职务", 50, true),
    ("visitors", "走访人", 100, true),
    ("found", "走访情况", 2000, false),
    ("follow_up", "后续事项", 1000, false),
    ("proposal_reason", "理由", 1000, false),
];

/// Checks one free-text form field by its name (see [`FREE_TEXT`]); a problem is added to
/// `errors` against that field.
pub fn check_field(errors: &mut Vec<crate::error::FieldError>, field: &str, value: &str) {
    let (label, max, one_line) =
        FREE_TEXT.iter().find(|(f, ..)| *f == field).map_or(("该项", 500, false), |(_, l, m, o)| (*l, *m, *o));
    let checked = if one_line { check_line(label, value, max) } else { check_text(label, value, max) };
    if let Err(m) = checked {
        errors.push(crate::error::FieldError::new(field, m));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_a_hidden_direction_change_or_a_nul_is_refused_with_the_field_named() {
        assert_eq!(
            check_line("姓名", "王五\u{202E}明小", 50).unwrap_err(),
            "姓名含有改变文字方向的隐藏字符，请删除后重新输入"
        );
        assert_eq!(check_line("姓名", "王\u{0}五", 50).unwrap_err(), "姓名含有不可见的控制字符，请删除后重新输入");
        assert_eq!(check_line("姓名", "王\n五", 50).unwrap_err(), "姓名不能换行，请写在一行内");
        assert!(check_line("姓名", "欧阳·娜娜", 50).is_ok());
    }

    #[test]
    fn every_free_text_field_of_the_forms_is_bounded_and_cleaned_by_its_name() {
        let mut errors = Vec::new();
        check_field(&mut errors, "found", &"情".repeat(2001));
        check_field(&mut errors, "name", "李\u{202E}四");
        check_field(&mut errors, "found", "第一行\n第二行");
        let messages: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(
            messages,
            [
                ("found", "走访情况不能超过2000个字（现有2001个）"),
                ("name", "姓名含有改变文字方向的隐藏字符，请删除后重新输入")
            ]
        );
    }

    #[test]
    fn a_long_value_is_refused_with_its_length() {
        let long = "很".repeat(51);
        assert_eq!(check_line("姓名", &long, 50).unwrap_err(), "姓名不能超过50个字（现有51个）");
        assert!(check_text("备注", "第一行\n第二行", 500).is_ok(), "a note may have several lines");
    }
}
