//! 监测范围 and 贫困线: the table of lines per year and area, each line's adjustment history,
//! and the district's forms to enter or adjust a line and to set the 接近 margin.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::DomainError;
use bangfu_core::FieldError;
use bangfu_core::auth::Permission;
use bangfu_core::line::{self, Line, LineData, LineId, LineKind};
use bangfu_core::store::{AreaStore, LineStore};

use super::form::{FormField, Opt, field_errors, render_form};
use crate::AppState;
use crate::error::PageError;
// Lines are district reference data: only an account that may change district-wide settings
// (`Require<perm::ManageSettings>`) enters or adjusts them.
use crate::extract::{CurrentUser, Require, perm};
use crate::i18n::Lang;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/lines", get(list))
        .route("/lines/new", get(new_page).post(create))
        .route("/lines/{id}", get(show))
        .route("/lines/{id}/edit", get(edit_page).post(adjust))
        .route("/lines/margin", post(set_margin))
}

type Values = HashMap<String, String>;

pub struct LineRow {
    pub id: i64,
    pub kind: &'static str,
    pub year: i32,
    pub area: String,
    pub amount: String,
    pub document_no: String,
    pub effective_on: String,
    pub example: bool,
    pub note: String,
}

async fn area_name(state: &AppState, lang: Lang, area: &line::LineArea) -> Result<String, PageError> {
    Ok(match area {
        line::LineArea::National => lang.t("line.national").to_owned(),
        line::LineArea::Area(code) => match state.db.area(code).await? {
            Some(a) => format!("{}（{code}）", a.name),
            None if code.as_str() == line::HENAN => format!("河南省（{code}）"),
            None => code.to_string(),
        },
    })
}

async fn row(state: &AppState, lang: Lang, l: &Line) -> Result<LineRow, PageError> {
    Ok(LineRow {
        id: l.id.0,
        kind: if lang == Lang::En { l.data.kind.label_en() } else { l.data.kind.label_zh() },
        year: l.data.year,
        area: area_name(state, lang, &l.data.area).await?,
        amount: l.data.amount.to_string(),
        document_no: l.data.document_no.clone().unwrap_or_default(),
        effective_on: l.data.effective_on.map(|d| d.to_string()).unwrap_or_default(),
        example: l.data.example,
        note: l.data.note.clone().unwrap_or_default(),
    })
}

#[derive(Template)]
#[template(path = "lines.html")]
struct ListPage<'a> {
    me: &'a CurrentUser,
    lines: Vec<LineRow>,
    margin: u32,
    margin_error: Option<String>,
    can_edit: bool,
}

async fn list_page(state: &AppState, me: &CurrentUser, margin_error: Option<String>) -> Result<Response, PageError> {
    let mut lines = Vec::new();
    for l in state.db.lines(&me.scope).await? {
        lines.push(row(state, me.lang, &l).await?);
    }
    let page = ListPage {
        me,
        lines,
        margin: state.db.line_margin_percent().await?,
        can_edit: me.may(Permission::ManageSettings),
        margin_error,
    };
    let status = if page.margin_error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Html(page.render()?)).into_response())
}

async fn list(State(state): State<AppState>, me: CurrentUser) -> Result<Response, PageError> {
    list_page(&state, &me, None).await
}

#[derive(Template)]
#[template(path = "line.html")]
struct ShowPage<'a> {
    me: &'a CurrentUser,
    line: LineRow,
    history: Vec<ChangeRow>,
    can_edit: bool,
}

pub struct ChangeRow {
    pub at: String,
    pub who: String,
    pub change: String,
    pub document_no: String,
    pub reason: String,
}

async fn show(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Html<String>, PageError> {
    let l = state.db.line(&me.scope, LineId(id)).await?;
    let history = state
        .db
        .line_history(&me.scope, l.id)
        .await?
        .into_iter()
        .map(|c| ChangeRow {
            at: c.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string(),
            who: c.username,
            change: match c.before {
                Some(b) => format!("{b} → {}", c.after),
                None => format!("→ {}", c.after),
            },
            document_no: c.document_no.unwrap_or_default(),
            reason: c.reason,
        })
        .collect();
    let page = ShowPage {
        me: &me,
        line: row(&state, me.lang, &l).await?,
        history,
        can_edit: me.may(Permission::ManageSettings),
    };
    Ok(Html(page.render()?))
}

fn fields(me: &CurrentUser, v: &Values, editing: bool) -> Vec<FormField> {
    let kind_now = v.get("kind").cloned().unwrap_or_default();
    let mut kind = FormField::of(me, v, "kind", true);
    kind.label = me.lang.t("field.line_kind");
    kind.options = LineKind::ALL
        .iter()
        .map(|k| Opt { value: k.code().into(), label: k.label_zh().into(), selected: k.code() == kind_now })
        .collect();
    let mut year = FormField::of(me, v, "year", true);
    year.label = me.lang.t("field.line_year");
    let mut area = FormField::of(me, v, "area_code", true);
    area.label = me.lang.t("field.line_area");
    area.hint = me.lang.t("line.area_hint").to_owned();
    let mut amount = FormField::of(me, v, "amount", true);
    amount.label = me.lang.t("field.line_amount");
    let mut document_no = FormField::of(me, v, "document_no", false);
    document_no.label = me.lang.t("field.document_no");
    let mut effective_on = FormField::of(me, v, "effective_on", false);
    effective_on.label = me.lang.t("field.line_effective_on");
    let example_now = v.get("example").cloned().unwrap_or_default();
    let mut example = FormField::of(me, v, "example", true);
    example.label = me.lang.t("field.line_example");
    example.options = ["否", "是"]
        .iter()
        .map(|o| Opt { value: (*o).into(), label: (*o).into(), selected: *o == example_now })
        .collect();
    example.hint = me.lang.t("line.example_hint").to_owned();
    let mut note = FormField::of(me, v, "note", false);
    note.label = me.lang.t("field.note");
    let mut reason = FormField::of(me, v, "reason", true);
    reason.label = me.lang.t("field.line_reason");
    if editing {
        // Kind, year and area name the line; they are shown, not changed.
        for f in [&mut kind, &mut year, &mut area] {
            f.hint = me.lang.t("line.fixed_hint").to_owned();
        }
    }
    let mut all = vec![kind, year, area, amount, document_no, effective_on, example, note, reason];
    // An adjustment carries the version it was read at (hidden); a new line has none.
    if editing {
        all.push(FormField::of(me, v, "version", false));
    }
    all
}

async fn new_page(me: Require<perm::ManageSettings>) -> Result<Response, PageError> {
    let v = Values::from([
        ("kind".to_owned(), LineKind::Monitoring.code().to_owned()),
        ("year".to_owned(), chrono::Datelike::year(&me.today).to_string()),
        ("example".to_owned(), "否".to_owned()),
    ]);
    render_form(
        &me,
        me.lang.t("title.new_line").to_owned(),
        "/lines".into(),
        me.lang.t("form.save"),
        fields(&me, &v, false),
        &[],
    )
}

async fn create(
    State(state): State<AppState>,
    me: Require<perm::ManageSettings>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let reason = v.get("reason").map(String::as_str).unwrap_or("");
    let result = match (LineData::parse(&v, me.today), line::check_reason(reason)) {
        (Ok(d), Ok(_)) => state.db.create_line(&me.scope, &d, reason, &me.actor()).await,
        (d, r) => {
            let mut errors = d.err().unwrap_or_default();
            errors.extend(r.err());
            Err(DomainError::Invalid(errors))
        }
    };
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/lines/{}", id.0)).into_response()),
        Err(e) => render_form(
            &me,
            me.lang.t("title.new_line").to_owned(),
            "/lines".into(),
            me.lang.t("form.save"),
            fields(&me, &v, false),
            &field_errors(e)?,
        ),
    }
}

fn values_of(l: &Line) -> Values {
    let d = &l.data;
    Values::from([
        ("kind".to_owned(), d.kind.code().to_owned()),
        ("year".to_owned(), d.year.to_string()),
        ("area_code".to_owned(), d.area.code().to_owned()),
        ("amount".to_owned(), d.amount.to_yuan_string()),
        ("document_no".to_owned(), d.document_no.clone().unwrap_or_default()),
        ("effective_on".to_owned(), d.effective_on.map(|d| d.to_string()).unwrap_or_default()),
        ("example".to_owned(), if d.example { "是" } else { "否" }.to_owned()),
        ("note".to_owned(), d.note.clone().unwrap_or_default()),
        ("version".to_owned(), l.version.to_string()),
    ])
}

async fn edit_page(
    State(state): State<AppState>,
    me: Require<perm::ManageSettings>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let l = state.db.line(&me.scope, LineId(id)).await?;
    render_form(
        &me,
        me.lang.t("title.adjust_line").to_owned(),
        format!("/lines/{id}"),
        me.lang.t("form.save"),
        fields(&me, &values_of(&l), true),
        &[],
    )
}

async fn adjust(
    State(state): State<AppState>,
    me: Require<perm::ManageSettings>,
    Path(id): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let l = state.db.line(&me.scope, LineId(id)).await?;
    let form = |v: &Values, errors: &[FieldError]| {
        render_form(
            &me,
            me.lang.t("title.adjust_line").to_owned(),
            format!("/lines/{id}"),
            me.lang.t("form.save"),
            fields(&me, v, true),
            errors,
        )
    };
    let Some(version) = super::form::form_version(&v) else {
        let mut v = v.clone();
        v.insert("version".into(), l.version.to_string());
        return Ok(super::form::conflict(form(&v, &super::form::missing_version())?));
    };
    let reason = v.get("reason").map(String::as_str).unwrap_or("");
    let result = match (LineData::parse(&v, me.today), line::check_reason(reason)) {
        (Ok(d), Ok(_)) => state.db.adjust_line(&me.scope, l.id, version, &d, reason, &me.actor()).await,
        (d, r) => {
            let mut errors: Vec<FieldError> = d.err().unwrap_or_default();
            errors.extend(r.err());
            Err(DomainError::Invalid(errors))
        }
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/lines/{id}")).into_response()),
        // What was typed stays, at the current version, with who adjusted the line since on top.
        Err(DomainError::Stale(stale)) => {
            let mut v = v.clone();
            v.insert("version".into(), stale.current_version.to_string());
            Ok(super::form::conflict(form(&v, &super::form::stale_errors(&stale))?))
        }
        Err(e) => form(&v, &field_errors(e)?),
    }
}

async fn set_margin(
    State(state): State<AppState>,
    me: Require<perm::ManageSettings>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let result = match line::check_margin(v.get("margin_percent").map(String::as_str).unwrap_or("")) {
        Ok(n) => state.db.set_line_margin_percent(n, &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(vec![e])),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/lines").into_response()),
        Err(e) => {
            let message = super::form::error_line(e)?;
            list_page(&state, &me, Some(message)).await
        }
    }
}
