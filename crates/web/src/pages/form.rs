//! The small forms pages share: fields, the page that shows them, errors placed beside
//! their fields, and who may change records at all.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use bangfu_core::auth::Permission;
use bangfu_core::{DomainError, FieldError};

use crate::error::PageError;
use crate::extract::CurrentUser;

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct FormField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    /// Empty for a text box; otherwise the choices of a drop-down.
    pub options: Vec<Opt>,
    pub required: bool,
    pub hint: String,
    pub error: Option<String>,
}

impl FormField {
    /// Whether one of a drop-down's choices is selected. A required drop-down with none shows
    /// “（请选择）” first, so the browser never picks the first choice for the user.
    pub fn chosen(&self) -> bool {
        self.options.iter().any(|o| o.selected)
    }

    /// A text field named `name`, labelled in the user's language, showing the submitted value.
    pub fn of(
        me: &CurrentUser,
        v: &std::collections::HashMap<String, String>,
        name: &'static str,
        required: bool,
    ) -> FormField {
        FormField {
            name,
            label: super::field_label(me.lang, name),
            value: v.get(name).cloned().unwrap_or_default(),
            options: Vec::new(),
            required,
            hint: String::new(),
            error: None,
        }
    }

    /// Free text a person writes a sentence or two into gets a text area.
    pub fn is_long(&self) -> bool {
        matches!(self.name, "found" | "follow_up" | "content" | "goal" | "proposal_reason" | "note" | "reason")
    }

    /// A field that takes several values at once (健康状况) is a row of check boxes.
    pub fn is_multi(&self) -> bool {
        matches!(self.name, "health" | "findings")
    }

    /// Dates get the phone's date picker; the version the form was read at travels hidden.
    pub fn input_type(&self) -> &'static str {
        if self.name == "version" {
            "hidden"
        } else if self.name.ends_with("_on") || self.name.ends_with("_due") {
            "date"
        } else {
            "text"
        }
    }
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage<'a> {
    me: &'a CurrentUser,
    title: String,
    back: String,
    submit: &'static str,
    fields: Vec<FormField>,
    errors: Vec<String>,
    /// Fields shown as an area picker instead of a text box or drop-down.
    pickers: Vec<super::areas::Picker>,
}

impl FormPage<'_> {
    fn picker(&self, name: &str) -> Option<&super::areas::Picker> {
        self.pickers.iter().find(|p| p.name == name)
    }
}

/// Shows a form; with errors, each is placed beside its field and listed at the top
/// ("label：message"), and the answer is 422 — nothing was saved.
pub fn render_form(
    me: &CurrentUser,
    title: String,
    back: String,
    submit: &'static str,
    fields: Vec<FormField>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    render_form_with_pickers(me, title, back, submit, fields, errors, Vec::new())
}

/// [`render_form`], with some fields shown as area pickers ([`super::areas::picker`]).
/// A refused action's messages as one line, for the top of a list page.
pub fn error_line(e: bangfu_core::DomainError) -> Result<String, PageError> {
    Ok(field_errors(e)?.into_iter().map(|f| f.message).collect::<Vec<_>>().join("；"))
}

pub fn render_form_with_pickers(
    me: &CurrentUser,
    title: String,
    back: String,
    submit: &'static str,
    mut fields: Vec<FormField>,
    errors: &[FieldError],
    pickers: Vec<super::areas::Picker>,
) -> Result<Response, PageError> {
    for f in &mut fields {
        f.error = errors.iter().find(|e| e.field == f.name).map(|e| e.message.clone());
    }
    let messages = errors
        .iter()
        .map(|e| match fields.iter().find(|f| f.name == e.field) {
            Some(f) => format!("{}：{}", f.label, e.message),
            None => e.message.clone(),
        })
        .collect();
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = FormPage { me, title, back, submit, fields, errors: messages, pickers };
    Ok((status, Html(page.render()?)).into_response())
}

/// The errors a form shows again; anything else (not found, internal) is a page error.
pub fn field_errors(e: DomainError) -> Result<Vec<FieldError>, PageError> {
    match e {
        DomainError::Invalid(f) => Ok(f),
        DomainError::Conflict { field, message } => Ok(vec![FieldError::new(field, message)]),
        other => Err(other.into()),
    }
}

/// The version a correction form was read at (its hidden field), if it sent one.
pub fn form_version(v: &std::collections::HashMap<String, String>) -> Option<i64> {
    v.get("version").and_then(|s| s.trim().parse().ok())
}

/// A stale save on its form: the message naming who changed what on top, and beside each field
/// the other person changed, its value now. Nothing was saved; the user's input is shown again.
pub fn stale_errors(s: &bangfu_core::StaleChange) -> Vec<FieldError> {
    let mut errors = vec![FieldError::new("", s.message())];
    errors.extend(s.field_errors());
    errors
}

/// A form sent without the version it was read at (a page opened before an upgrade): nothing is
/// saved; it is shown again at the current version for the user to check and save.
pub fn missing_version() -> Vec<FieldError> {
    vec![FieldError::new("", "页面已过期（缺少版本号）；请核对后再保存")]
}

/// The answer to a stale save: 409, the form shown again.
pub fn conflict(mut response: Response) -> Response {
    *response.status_mut() = StatusCode::CONFLICT;
    response
}

/// Auditors read; everyone else may correct records inside their area. New handlers take
/// `Require<perm::EditRegister>` instead; this stays for pages that check the record first.
pub fn require_editor(me: &CurrentUser) -> Result<(), PageError> {
    if me.may(Permission::EditRegister) { Ok(()) } else { Err(PageError::Denied(Permission::EditRegister)) }
}

/// Decisions that need a procedure (纳入监测, 风险消除, 更正脱贫状态) are the district's until a
/// procedure engine carries them; village and township staff propose through visits.
pub fn require_district(me: &CurrentUser) -> Result<(), PageError> {
    if me.may(Permission::DecideMonitoring) { Ok(()) } else { Err(PageError::Denied(Permission::DecideMonitoring)) }
}

/// A form's `area_code` as an area picker: the user's own area or any below it, searched by
/// name (a province has 2 586 townships and 52 378 villages), or a grouped drop-down where few.
pub async fn area_code_picker(
    state: &crate::AppState,
    me: &CurrentUser,
    v: &std::collections::HashMap<String, String>,
) -> Result<super::areas::Picker, PageError> {
    let get = |k: &str| v.get(k).map(String::as_str).unwrap_or("");
    super::areas::picker(state, me, super::areas::Field::area_code(true), (get("area_code"), get("area_code_q"))).await
}

/// A form's `area_code` typed but not picked: the one area it names (see [`area_code_picker`]).
pub async fn fill_area_code(
    state: &crate::AppState,
    me: &CurrentUser,
    v: &mut std::collections::HashMap<String, String>,
) -> Result<(), PageError> {
    super::areas::fill_typed(state, me, v, super::areas::Field::area_code(true)).await
}

/// Stores what parsed; a parse failure comes back as the same kind of error as a refused store,
/// so a form shows both the same way.
pub async fn parse_then<T, R>(
    parsed: Result<T, Vec<FieldError>>,
    store: impl AsyncFnOnce(T) -> Result<R, DomainError>,
) -> Result<R, DomainError> {
    match parsed {
        Ok(value) => store(value).await,
        Err(errors) => Err(DomainError::Invalid(errors)),
    }
}

/// The choices a field of the catalogue offers on a form, from its kind: a code list's labels
/// (the typed value matched as a label, a code or an alias), 否/是 for a yes/no field (blank
/// stays 未填), check boxes for 健康状况; none for text, dates and numbers, which are typed.
pub fn catalogue_options(column: &bangfu_core::household::columns::Column, value: &str) -> Vec<Opt> {
    use bangfu_core::household::columns::Kind;
    match column.kind {
        Kind::Code(list) => {
            let chosen = (list.label_of)(value);
            (list.labels)()
                .into_iter()
                .map(|l| Opt { value: l.into(), label: l.into(), selected: Some(l) == chosen })
                .collect()
        }
        Kind::Codes(_) if column.field == "health" => health_opts(value),
        Kind::Flag => {
            ["否", "是"].iter().map(|v| Opt { value: (*v).into(), label: (*v).into(), selected: *v == value }).collect()
        }
        _ => Vec::new(),
    }
}

/// 健康状况 as check boxes: each value, ticked when the current (or typed) set holds it.
pub fn health_opts(current: &str) -> Vec<Opt> {
    use bangfu_core::household::{Health, HealthSet};
    let set = HealthSet::parse(current).ok().flatten();
    Health::ALL
        .iter()
        .map(|h| Opt {
            value: h.label_zh().into(),
            label: h.label_zh().into(),
            selected: set.is_some_and(|s| s.contains(*h)),
        })
        .collect()
}

/// 走访发现's check boxes (`findings.illness=1`) become one value, `findings=illness,accident`;
/// nothing ticked leaves it blank (未填), as the visit form always did.
pub fn join_findings(v: &mut std::collections::HashMap<String, String>) {
    let mut ticked: Vec<String> = v.keys().filter_map(|k| k.strip_prefix("findings.")).map(str::to_owned).collect();
    ticked.sort();
    if !ticked.is_empty() {
        v.insert("findings".into(), ticked.join(","));
    }
    v.retain(|k, _| !k.starts_with("findings."));
}

/// The choices of 走访发现: the four reports and 无, ticked as `current` says.
pub fn findings_options(current: &str) -> Vec<Opt> {
    use bangfu_core::monitoring::rules::{NONE_CODE, VisitReport};
    let chosen = VisitReport::parse_list(current).ok().flatten();
    let mut out: Vec<Opt> = VisitReport::ALL
        .iter()
        .map(|r| Opt {
            value: r.code().into(),
            label: r.label_zh().into(),
            selected: chosen.as_ref().is_some_and(|c| c.contains(r)),
        })
        .collect();
    out.push(Opt {
        value: NONE_CODE.into(), label: "无".into(), selected: chosen.as_ref().is_some_and(Vec::is_empty)
    });
    out
}

/// Ticked check boxes of a multi-value field come as `health.残疾=1`; they become one value,
/// `health=长期慢性病,残疾`, for the shared parser. Nothing ticked leaves the field blank (未填).
pub fn join_checked(v: &mut std::collections::HashMap<String, String>) {
    use bangfu_core::household::Health;
    let ticked: Vec<&str> =
        Health::ALL.iter().map(|h| h.label_zh()).filter(|label| v.contains_key(&format!("health.{label}"))).collect();
    if !ticked.is_empty() || v.keys().any(|k| k.starts_with("health.")) {
        v.insert("health".into(), ticked.join(","));
    }
    v.retain(|k, _| !k.starts_with("health."));
}

/// A code list's options by their Chinese wording, the current one (by wording or code) selected.
pub fn code_options<T: bangfu_core::household::codes::CodeList>(current: &str) -> Vec<Opt> {
    T::all()
        .iter()
        .map(|x| Opt {
            value: x.label_zh().into(),
            label: x.label_zh().into(),
            selected: x.label_zh() == current || x.code() == current,
        })
        .collect()
}

/// A field of a form with what was typed into it (or nothing).
pub fn typed_field(
    name: &'static str,
    label: &'static str,
    v: &std::collections::HashMap<String, String>,
    required: bool,
    hint: &str,
) -> FormField {
    FormField {
        name,
        label,
        value: v.get(name).cloned().unwrap_or_default(),
        options: Vec::new(),
        required,
        hint: hint.to_owned(),
        error: None,
    }
}

#[cfg(test)]
mod tests {
    use bangfu_core::household::columns::{HOUSEHOLD_COLUMNS, Kind, MEMBER_COLUMNS};

    use super::*;

    #[test]
    fn every_field_of_the_catalogue_gets_the_widget_of_its_kind_and_a_blank_chooses_nothing() {
        for c in HOUSEHOLD_COLUMNS.iter().chain(MEMBER_COLUMNS) {
            let opts = catalogue_options(c, "");
            let labels: Vec<&str> = opts.iter().map(|o| o.label.as_str()).collect();
            match c.kind {
                Kind::Code(list) => assert_eq!(labels, (list.labels)(), "{}", c.field),
                Kind::Flag => assert_eq!(labels, ["否", "是"], "{}", c.field),
                Kind::Codes(_) if c.field == "health" => assert!(labels.contains(&"残疾"), "{labels:?}"),
                _ => assert!(labels.is_empty(), "{} is typed, not chosen", c.field),
            }
            assert!(opts.iter().all(|o| !o.selected), "{}: a blank stays 未填", c.field);
        }
    }

    #[test]
    fn a_code_or_an_alias_already_stored_selects_its_label() {
        let col = |f: &str| HOUSEHOLD_COLUMNS.iter().chain(MEMBER_COLUMNS).find(|c| c.field == f).unwrap();
        let chosen = |f: &str, v: &str| {
            catalogue_options(col(f), v).into_iter().filter(|o| o.selected).map(|o| o.label).collect::<Vec<_>>()
        };
        assert_eq!(chosen("attribute", "05"), ["一般贫困户"], "属性 05 (一般脱贫户) is the national code");
        assert_eq!(chosen("relation", "之父"), ["父母"], "the old wording");
        assert_eq!(chosen("household_power", "是"), ["是"]);
    }
}
