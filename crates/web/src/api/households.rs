//! /api/v1/households and their members.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use bangfu_core::DomainError;
use bangfu_core::household::*;
use bangfu_core::store::{HouseholdFilter, HouseholdStore, Page};
use serde_json::{Value, json};

use super::{ApiError, ApiUser};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/households", get(list).post(create))
        .route("/api/v1/households/{id}", get(show).put(update))
        .route("/api/v1/households/{hid}/members", post(add_member))
        .route("/api/v1/households/{hid}/members/{mid}", put(update_member))
        .route("/api/v1/households/{hid}/members/{mid}/leave", post(member_leaves))
        .route("/api/v1/households/{hid}/status", post(change_status))
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    household_type: Option<String>,
    status: Option<String>,
    attribute: Option<String>,
    main_cause: Option<String>,
    monitoring_type: Option<String>,
    #[serde(default)]
    page: bangfu_core::store::PageNo,
    page_size: Option<u32>,
}

fn code<T>(v: &Option<String>, parse: fn(&str) -> Option<T>, field: &str, list: &str) -> Result<Option<T>, ApiError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => {
            parse(s).map(Some).ok_or_else(|| DomainError::invalid(field, format!("“{s}”不是有效的{list}")).into())
        }
    }
}

async fn list(State(state): State<AppState>, me: ApiUser, Query(q): Query<ListQuery>) -> Result<Json<Value>, ApiError> {
    let filter = HouseholdFilter {
        area: None,
        household_type: code(&q.household_type, HouseholdType::parse, "household_type", "户类型")?,
        status: code(&q.status, PovertyStatus::parse, "status", "脱贫状态")?,
        attribute: code(&q.attribute, PovertyAttribute::parse, "attribute", "贫困户属性")?,
        main_cause: code(&q.main_cause, PovertyCause::parse, "main_cause", "致贫原因")?,
        monitoring_type: code(&q.monitoring_type, MonitoringType::parse, "monitoring_type", "监测对象类型")?,
        query: q.q.clone().filter(|s| !s.trim().is_empty()),
    };
    let page = Page { number: q.page.0, size: q.page_size.unwrap_or(20).clamp(1, 200) };
    let gate = crate::id_search::gate(&state, &me.user, &me.actor(), filter.query.as_deref()).await?;
    if let crate::id_search::Gate::Refused(message) = gate {
        return Err(ApiError::new(axum::http::StatusCode::TOO_MANY_REQUESTS, "id_search_limited", &message));
    }
    let (items, total) = state.db.list_households(&me.scope, &filter, page).await?;
    if let crate::id_search::Gate::Allowed { id, misses } = gate {
        crate::id_search::record(&state, &me.user, &me.actor(), (&id, misses), total).await?;
    }
    Ok(Json(json!({ "total": total, "page": page.number, "page_size": page.size, "items": items })))
}

/// A member as the API shows it: the ID number masked, as everywhere (a 残疾人证's category and
/// grade digits are in `disability_category` / `disability_grade`); an unanswered yes/no is null.
pub fn member_json(m: &Member) -> Value {
    let mut v = serde_json::to_value(&m.data).unwrap_or(Value::Null);
    if let Some(obj) = v.as_object_mut() {
        obj.insert("id_number".into(), Value::String(m.data.id_number.masked()));
        obj.insert("member_id".into(), json!(m.id.0));
        obj.insert("left_on".into(), json!(m.left_on));
        obj.insert("left_reason".into(), json!(m.left_reason));
        obj.insert("version".into(), json!(m.version));
    }
    v
}

pub(crate) async fn show(
    State(state): State<AppState>,
    me: ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let id = HouseholdId(id);
    let h = state.db.household(&me.scope, id).await?;
    let members = state.db.members(&me.scope, id).await?;
    let incomes = bangfu_core::store::IncomeStore::incomes(&state.db, &me.scope, id).await?;
    let history = state.db.history(&me.scope, id).await?;
    let episodes = bangfu_core::store::MonitoringStore::episodes(&state.db, &me.scope, id).await?;
    let incomes = super::incomes::incomes_json(&state, &me.scope, &h.data.village_code, &incomes).await?;
    Ok(Json(json!({
        "household_id": h.id,
        "version": h.version,
        "household": h.data,
        "head_name": h.head_name,
        "size": h.size,
        "monitoring_type": h.monitoring_type,
        "deregistered_on": h.deregistered.map(|d| d.0),
        "deregistered_reason": h.deregistered.map(|d| d.1),
        "episodes": episodes,
        "members": members.iter().map(member_json).collect::<Vec<_>>(),
        "incomes": incomes,
        "history": history,
    })))
}

/// Corrects a member. The body holds the same fields as the form and the import (labels or
/// codes as text); `id_number` may be left out to keep the current one.
async fn update_member(
    State(state): State<AppState>,
    me: ApiUser,
    Path((hid, mid)): Path<(i64, i64)>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    editor(&me)?;
    let current = state.db.member(&me.scope, MemberId(mid)).await?;
    if current.household_id.0 != hid || current.left_on.is_some() {
        return Err(DomainError::NotFound.into());
    }
    let mut fields = texts(body);
    let version = body_version(&mut fields)?;
    if fields.get("id_number").is_none_or(|s| s.trim().is_empty()) {
        let kind = fields.get("id_kind").cloned().unwrap_or_default();
        fields.insert("id_number".into(), current.data.kept_document_number(&kind));
    }
    let member = MemberData::parse(&fields, me.today).map_err(DomainError::Invalid)?;
    let command = CorrectMember { expected_version: version, member };
    let saved = state.db.update_member(&me.scope, MemberId(mid), &command, &me.actor()).await;
    state.db.route_id_conflict(&me.scope, &[&command.member.id_number], &me.actor(), saved).await?;
    let updated = state.db.member(&me.scope, MemberId(mid)).await?;
    Ok(Json(member_json(&updated)))
}

/// The `version` a correction was read at: required, so a client cannot overwrite a change it never saw.
fn body_version(fields: &mut HashMap<String, String>) -> Result<i64, ApiError> {
    let raw = fields.remove("version").unwrap_or_default();
    raw.trim().parse::<i64>().map_err(|_| {
        DomainError::invalid("version", "请提供 version：读取该记录时得到的版本号（GET 的 version）").into()
    })
}

/// Corrects a household's own record. The body holds fields as in households.csv plus the
/// `version` read; fields left out keep their values (send "" or null to clear one). Status and
/// monitoring change only through their own dated routes.
async fn update(
    State(state): State<AppState>,
    me: ApiUser,
    Path(id): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    editor(&me)?;
    let h = state.db.household(&me.scope, HouseholdId(id)).await?;
    let mut sent = texts(body);
    let version = body_version(&mut sent)?;
    let mut fields = crate::pages::household_form::current_values(&h.data);
    fields.extend(sent);
    let d = &h.data;
    for (field, value) in
        [("status", d.status.map(|s| s.code().to_owned())), ("exit_year", d.exit_year.map(|y| y.to_string()))]
    {
        fields.entry(field.into()).or_insert(value.unwrap_or_default());
    }
    let household = HouseholdData::parse(&fields, me.today).map_err(DomainError::Invalid)?;
    let command = CorrectHousehold { expected_version: version, household };
    state.db.update_household(&me.scope, h.id, &command, &me.actor()).await?;
    show(State(state), me, Path(id)).await
}

/// JSON values as the text fields the shared parsers read (booleans as 是/否).
pub(crate) fn texts(body: HashMap<String, Value>) -> HashMap<String, String> {
    body.into_iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                Value::Bool(b) => if b { "是" } else { "否" }.to_owned(),
                Value::Null => String::new(),
                // Several values of one field (健康状况: ["chronic", "disabled"]).
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            };
            (k, text)
        })
        .collect()
}

pub(crate) fn editor(me: &ApiUser) -> Result<(), ApiError> {
    let p = bangfu_core::auth::Permission::EditRegister;
    if me.user.role.may(p) { Ok(()) } else { Err(ApiError::denied(p)) }
}

/// Registers a household: its fields as in households.csv, `members` as in members.csv (one 户主).
async fn create(
    State(state): State<AppState>,
    me: ApiUser,
    Json(mut body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    editor(&me)?;
    let members = match body.remove("members") {
        Some(Value::Array(list)) => list,
        _ => return Err(DomainError::invalid("members", "请提供 members：至少包括户主").into()),
    };
    let mut fields = texts(body);
    if fields.get("household_no").is_none_or(|n| n.trim().is_empty())
        && let Some(village) = fields.get("village_code").and_then(|c| bangfu_core::area::AreaCode::parse(c).ok())
    {
        fields.insert("household_no".into(), state.db.next_household_no(&village).await?);
    }
    let members: Vec<HashMap<String, String>> = members
        .into_iter()
        .map(|m| texts(serde_json::from_value::<HashMap<String, Value>>(m).unwrap_or_default()))
        .collect();
    // A member's error is named `members[i].field`; the first income's size is the members registered.
    let command = RegisterHousehold::parse(&fields, &members, me.today).map_err(DomainError::Invalid)?;
    let saved = state.db.create_household(&me.scope, &command, &me.actor()).await;
    let ids: Vec<_> = command.members.iter().map(|m| &m.id_number).collect();
    let id = state.db.route_id_conflict(&me.scope, &ids, &me.actor(), saved).await?;
    show(State(state), me, Path(id.0)).await
}

async fn add_member(
    State(state): State<AppState>,
    me: ApiUser,
    Path(hid): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    editor(&me)?;
    // Outside the caller's area the household does not exist, whatever the body says.
    state.db.household(&me.scope, HouseholdId(hid)).await?;
    let fields = texts(body);
    let command = MemberJoins::parse(&fields, me.today).map_err(DomainError::Invalid)?;
    let saved = state.db.add_member(&me.scope, HouseholdId(hid), &command, &me.actor()).await;
    let mid = state.db.route_id_conflict(&me.scope, &[&command.member.id_number], &me.actor(), saved).await?;
    Ok(Json(member_json(&state.db.member(&me.scope, mid).await?)))
}

#[derive(serde::Deserialize)]
pub struct Leave {
    left_on: String,
    reason: String,
}

async fn member_leaves(
    State(state): State<AppState>,
    me: ApiUser,
    Path((hid, mid)): Path<(i64, i64)>,
    Json(body): Json<Leave>,
) -> Result<Json<Value>, ApiError> {
    editor(&me)?;
    let current = state.db.member(&me.scope, MemberId(mid)).await?;
    if current.household_id.0 != hid {
        return Err(DomainError::NotFound.into());
    }
    let fields = HashMap::from([("left_on", body.left_on.as_str()), ("left_reason", body.reason.as_str())]);
    let command = MemberLeaves::parse(&fields, me.today).map_err(DomainError::Invalid)?;
    state.db.member_leaves(&me.scope, MemberId(mid), &command, &me.actor()).await?;
    Ok(Json(member_json(&state.db.member(&me.scope, MemberId(mid)).await?)))
}

#[derive(serde::Deserialize)]
pub struct StatusChange {
    status: String,
    effective_on: String,
    reason: String,
}

async fn change_status(
    State(state): State<AppState>,
    me: ApiUser,
    Path(hid): Path<i64>,
    Json(body): Json<StatusChange>,
) -> Result<Json<Value>, ApiError> {
    state.db.household(&me.scope, HouseholdId(hid)).await?;
    // A direct change is a district 更正; village and township staff propose through visits.
    if !me.user.role.may(bangfu_core::auth::Permission::DecideMonitoring) {
        return Err(ApiError::forbidden());
    }
    let status = PovertyStatus::parse(&body.status)
        .ok_or_else(|| DomainError::invalid("status", format!("“{}”不是有效的脱贫状态", body.status)))?;
    let on = parse_date(&body.effective_on)
        .ok_or_else(|| DomainError::invalid("effective_on", format!("“{}”不是有效日期", body.effective_on)))?;
    state.db.change_status(&me.scope, HouseholdId(hid), status, on, &body.reason, &me.actor()).await?;
    show(State(state), me, Path(hid)).await
}
