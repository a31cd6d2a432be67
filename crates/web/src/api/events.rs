//! /api/v1/households/{hid}/head, /split, /merge, /deregister: a household's life events, with
//! the same rules and wording as the pages (crates/web/src/pages/events.rs). Each body carries
//! the household's `version` as read; a stale one is 409 naming who changed what.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use bangfu_core::DomainError;
use bangfu_core::household::events::{ChangeHead, Deregister, MergeHouseholds, SplitHousehold};
use bangfu_core::household::{HouseholdId, Member};
use bangfu_core::store::{HouseholdEventStore, HouseholdStore};
use serde_json::{Value, json};

use super::households::texts;
use super::{ApiError, ApiUser};
use crate::AppState;
use crate::extract::{Require, perm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/households/{hid}/head", post(head))
        .route("/api/v1/households/{hid}/split", post(split))
        .route("/api/v1/households/{hid}/merge", post(merge))
        .route("/api/v1/households/{hid}/deregister", post(deregister))
}

type Editor = Require<perm::EditRegister, ApiUser>;

/// The body as the form's fields: `relations: {"12": "之子"}` becomes `relation.12`, and
/// `moving: {"12": "户主"}` (分户) becomes `move.12` = 1 with `relation.12`.
fn fields(mut body: HashMap<String, Value>) -> (HashMap<String, String>, Option<i64>) {
    let version =
        body.remove("version").and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.trim().parse().ok())));
    let mut extra = Vec::new();
    for (key, moves) in [("relations", false), ("moving", true)] {
        if let Some(Value::Object(map)) = body.remove(key) {
            for (id, relation) in map {
                if moves {
                    extra.push((format!("move.{id}"), "1".to_owned()));
                }
                extra.push((
                    format!("relation.{id}"),
                    relation.as_str().map_or_else(|| relation.to_string(), str::to_owned),
                ));
            }
        }
    }
    let mut f = texts(body);
    f.extend(extra);
    (f, version)
}

fn needs_version(version: Option<i64>) -> Result<i64, ApiError> {
    version.ok_or_else(|| DomainError::invalid("version", "请带上读取该户时的 version").into())
}

/// The household's current members; a body read at an older version is refused first (409,
/// naming who changed what), before its fields are read against members that changed.
async fn current(state: &AppState, me: &ApiUser, hid: i64, version: Option<i64>) -> Result<Vec<Member>, ApiError> {
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    if let Some(v) = version
        && v != h.version
    {
        return Err(state.db.stale_since("household", h.id.0, v, h.version).await?.into());
    }
    if !h.is_current() {
        return Err(DomainError::invalid("version", format!("户编号 {} 已注销", h.data.household_no)).into());
    }
    Ok(state.db.members(&me.scope, h.id).await?)
}

async fn head(
    State(state): State<AppState>,
    me: Editor,
    Path(hid): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let me = me.into_inner();
    let (f, version) = fields(body);
    let members = current(&state, &me, hid, version).await?;
    let change = ChangeHead::parse(&f, &members, me.today).map_err(DomainError::Invalid)?;
    state.db.change_head(&me.scope, HouseholdId(hid), needs_version(version)?, &change, &me.actor()).await?;
    super::households::show(State(state), me, Path(hid)).await
}

async fn split(
    State(state): State<AppState>,
    me: Editor,
    Path(hid): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let me = me.into_inner();
    let (f, version) = fields(body);
    let members = current(&state, &me, hid, version).await?;
    let split = SplitHousehold::parse(&f, &members, me.today).map_err(DomainError::Invalid)?;
    let new =
        state.db.split_household(&me.scope, HouseholdId(hid), needs_version(version)?, &split, &me.actor()).await?;
    let Json(created) = super::households::show(State(state), me, Path(new.0)).await?;
    Ok(Json(json!({ "new_household": created })))
}

async fn merge(
    State(state): State<AppState>,
    me: Editor,
    Path(hid): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let me = me.into_inner();
    let (f, version) = fields(body);
    let members = current(&state, &me, hid, version).await?;
    let no = f.get("from_household_no").map(|s| s.trim().to_owned()).unwrap_or_default();
    let from = state.db.household_by_no(&me.scope, &no).await?.ok_or_else(|| {
        DomainError::invalid("from_household_no", format!("在您的管辖范围内没有户编号为“{no}”的在册农户"))
    })?;
    let incoming = state.db.members(&me.scope, from).await?;
    let merge = MergeHouseholds::parse(&f, from, &members, &incoming, me.today).map_err(DomainError::Invalid)?;
    state.db.merge_households(&me.scope, HouseholdId(hid), needs_version(version)?, &merge, &me.actor()).await?;
    super::households::show(State(state), me, Path(hid)).await
}

async fn deregister(
    State(state): State<AppState>,
    me: Editor,
    Path(hid): Path<i64>,
    Json(body): Json<HashMap<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    let me = me.into_inner();
    let (f, version) = fields(body);
    let members = current(&state, &me, hid, version).await?;
    let d = Deregister::parse(&f, &members, me.today).map_err(DomainError::Invalid)?;
    state.db.deregister_household(&me.scope, HouseholdId(hid), needs_version(version)?, &d, &me.actor()).await?;
    super::households::show(State(state), me, Path(hid)).await
}
