//! 帮扶: the worklist of households without a helper, and assigning a helper to a household.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use bangfu_core::household::HouseholdId;
use bangfu_core::store::{AssistanceStore, HouseholdStore, Page};
use bangfu_core::{DomainError, FieldError};

use super::form::{FormField, Opt, render_form, require_editor, today};
use super::households::Row;
use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new().route("/worklist", get(worklist)).route("/households/{hid}/helper", get(assign_page).post(assign))
}

#[derive(Template)]
#[template(path = "worklist.html")]
struct WorklistPage<'a> {
    me: &'a CurrentUser,
    rows: Vec<Row>,
    total: i64,
}

#[derive(serde::Deserialize, Default)]
pub struct PageQuery {
    page: Option<u32>,
}

async fn worklist(
    State(state): State<AppState>,
    me: CurrentUser,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, PageError> {
    let (found, total) =
        state.db.households_without_helper(&me.scope, Page { number: q.page.unwrap_or(1), size: 50 }).await?;
    let rows = super::households::rows(&state, &me, &found).await?;
    Ok(Html(WorklistPage { me: &me, rows, total }.render()?))
}

async fn render(
    state: &AppState,
    me: &CurrentUser,
    hid: i64,
    v: &HashMap<String, String>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    let current = v.get("helper_id").cloned().unwrap_or_default();
    let options = state
        .db
        .helpers(&me.scope)
        .await?
        .into_iter()
        .map(|x| Opt {
            value: x.id.to_string(),
            label: format!("{}{}", x.data.name, x.data.post.map(|p| format!("（{p}）")).unwrap_or_default()),
            selected: x.id.to_string() == current,
        })
        .collect();
    let fields = vec![
        FormField {
            name: "helper_id",
            label: super::field_label(me.lang, "helper_id"),
            value: current,
            options,
            required: true,
            hint: String::new(),
            error: errors.iter().find(|e| e.field == "helper_id").map(|e| e.message.clone()),
        },
        FormField {
            name: "start_on",
            label: super::field_label(me.lang, "start_on"),
            value: v.get("start_on").cloned().unwrap_or_default(),
            options: Vec::new(),
            required: true,
            hint: String::new(),
            error: errors.iter().find(|e| e.field == "start_on").map(|e| e.message.clone()),
        },
    ];
    let title = format!("{} · {}", h.head_name.unwrap_or_default(), me.lang.t("title.helper"));
    render_form(me, title, format!("/households/{hid}"), me.lang.t("form.save"), fields, errors)
}

async fn assign_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    let v = HashMap::from([("start_on".to_owned(), today().to_string())]);
    render(&state, &me, hid, &v, &[]).await
}

async fn assign(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
    Form(v): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    me.check_csrf(v.get("_csrf").map(String::as_str).unwrap_or(""))?;
    state.db.household(&me.scope, HouseholdId(hid)).await?;
    let helper = v.get("helper_id").and_then(|s| s.parse::<i64>().ok());
    let on = v.get("start_on").and_then(|s| bangfu_core::household::parse_date(s));
    let result = match (helper, on) {
        (Some(helper), Some(on)) => state.db.assign_helper(&me.scope, HouseholdId(hid), helper, on, &me.actor()).await,
        (None, _) => Err(DomainError::invalid("helper_id", "请选择帮扶责任人")),
        (_, None) => Err(DomainError::invalid("start_on", "请填写开始日期")),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/households/{hid}")).into_response()),
        Err(DomainError::Invalid(errors)) => render(&state, &me, hid, &v, &errors).await,
        Err(e) => Err(e.into()),
    }
}
