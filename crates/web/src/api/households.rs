//! /api/v1/households and their members.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use bangfu_core::DomainError;
use bangfu_core::auth::Role;
use bangfu_core::household::*;
use bangfu_core::store::{HouseholdFilter, HouseholdStore, Page};
use serde_json::{Value, json};

use super::{ApiError, ApiUser};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/households", get(list))
        .route("/api/v1/households/{id}", get(show))
        .route("/api/v1/households/{hid}/members/{mid}", put(update_member))
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    attribute: Option<String>,
    main_cause: Option<String>,
    monitoring_type: Option<String>,
    page: Option<u32>,
    page_size: Option<u32>,
}

fn code<T>(v: &Option<String>, parse: fn(&str) -> Option<T>, field: &str, list: &str) -> Result<Option<T>, ApiError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => parse(s).map(Some).ok_or_else(|| DomainError::invalid(field, format!("“{s}”不是有效的{list}")).into()),
    }
}

async fn list(State(state): State<AppState>, me: ApiUser, Query(q): Query<ListQuery>) -> Result<Json<Value>, ApiError> {
    let filter = HouseholdFilter {
        area: None,
        status: code(&q.status, PovertyStatus::parse, "status", "脱贫状态")?,
        attribute: code(&q.attribute, PovertyAttribute::parse, "attribute", "贫困户属性")?,
        main_cause: code(&q.main_cause, PovertyCause::parse, "main_cause", "致贫原因")?,
        monitoring_type: code(&q.monitoring_type, MonitoringType::parse, "monitoring_type", "监测对象类型")?,
        query: q.q.clone().filter(|s| !s.trim().is_empty()),
    };
    let page = Page { number: q.page.unwrap_or(1).max(1), size: q.page_size.unwrap_or(20).clamp(1, 200) };
    let (items, total) = state.db.list_households(&me.scope, &filter, page).await?;
    Ok(Json(json!({ "total": total, "page": page.number, "page_size": page.size, "items": items })))
}

/// A member as the API shows it: the ID number masked, as everywhere.
pub fn member_json(m: &Member) -> Value {
    let mut v = serde_json::to_value(&m.data).unwrap_or(Value::Null);
    if let Some(obj) = v.as_object_mut() {
        obj.insert("id_number".into(), Value::String(m.data.id_number.masked()));
        obj.insert("member_id".into(), json!(m.id.0));
        obj.insert("left_on".into(), json!(m.left_on));
        obj.insert("left_reason".into(), json!(m.left_reason));
    }
    v
}

async fn show(State(state): State<AppState>, me: ApiUser, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    let id = HouseholdId(id);
    let h = state.db.household(&me.scope, id).await?;
    let members = state.db.members(&me.scope, id).await?;
    let incomes = state.db.incomes(&me.scope, id).await?;
    let history = state.db.history(&me.scope, id).await?;
    let incomes: Vec<Value> = incomes
        .iter()
        .map(|i| {
            json!({
                "year": i.year, "wages_fen": i.wages, "operating_fen": i.operating, "property_fen": i.property,
                "transfer_fen": i.transfer, "operating_cost_fen": i.operating_cost,
                "net_per_person_fen": i.net_per_person(h.size),
            })
        })
        .collect();
    Ok(Json(json!({
        "household_id": h.id,
        "household": h.data,
        "head_name": h.head_name,
        "size": h.size,
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
    if me.user.role == Role::Auditor {
        return Err(ApiError::forbidden());
    }
    let current = state.db.member(&me.scope, MemberId(mid)).await?;
    if current.household_id.0 != hid || current.left_on.is_some() {
        return Err(DomainError::NotFound.into());
    }
    let mut fields: HashMap<String, String> = body
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                Value::Bool(b) => if b { "是" } else { "否" }.to_owned(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, text)
        })
        .collect();
    if fields.get("id_number").is_none_or(|s| s.trim().is_empty()) {
        fields.insert("id_number".into(), current.data.id_number.as_str().to_owned());
    }
    let data = MemberData::parse(&fields, chrono::Local::now().date_naive()).map_err(DomainError::Invalid)?;
    state.db.update_member(&me.scope, MemberId(mid), &data, &me.actor()).await?;
    let updated = state.db.member(&me.scope, MemberId(mid)).await?;
    Ok(Json(member_json(&updated)))
}
