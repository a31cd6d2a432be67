//! /api/v1/households/{hid}/incomes: a household's income per period, each with its mark
//! against the line of its year and area; recording a period that has figures needs `replace`.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use bangfu_core::DomainError;
use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::household::*;
use bangfu_core::line::{self, Mark};
use bangfu_core::store::{HouseholdStore, IncomeStore, LineStore};
use serde_json::{Value, json};

use super::households::{editor, texts};
use super::{ApiError, ApiUser};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/households/{hid}/incomes", get(list))
        .route("/api/v1/households/{hid}/incomes/{period}", put(record))
}

/// Incomes in fen, each with its period, stored size, net per person and mark.
pub async fn incomes_json(
    state: &AppState,
    scope: &Scope,
    village: &AreaCode,
    incomes: &[Income],
) -> Result<Vec<Value>, ApiError> {
    let lines = state.db.lines(scope).await?;
    let margin = state.db.line_margin_percent().await?;
    Ok(incomes
        .iter()
        .map(|i| {
            let l = line::for_income(&lines, village, i.period.line_year());
            let per_person = i.net_per_person();
            let mark = per_person.map_or(Mark::NoLine, |p| Mark::of(p, l.map(|l| l.data.amount), margin));
            let kind = l.map_or(line::LineKind::Monitoring, |l| l.data.kind);
            json!({
                "period": i.period.code(), "period_label": i.period.label_zh(), "year": i.period.line_year(),
                "household_size": i.household_size,
                "wages_fen": i.wages, "operating_fen": i.operating, "property_fen": i.property,
                "transfer_fen": i.transfer, "operating_cost_fen": i.operating_cost,
                "claims_fen": i.claims, "out_of_pocket_fen": i.out_of_pocket,
                "items": i.items.iter().map(|it| json!({ "kind": it.kind.code(), "label": it.kind.label_zh(),
                    "amount_fen": it.amount, "note": it.note })).collect::<Vec<_>>(),
                "net_fen": i.total_net(), "net_per_person_fen": per_person, "partial": i.is_partial(),
                "line": l.map(|l| json!({ "id": l.id, "kind": l.data.kind.code(), "area_code": l.data.area.code(),
                    "amount_fen": l.data.amount, "example": l.data.example, "document_no": l.data.document_no })),
                "mark": { "code": mark.code(), "colour": mark.colour(), "label": mark.label_zh(kind, margin), "margin_percent": margin },
            })
        })
        .collect())
}

async fn list(State(state): State<AppState>, me: ApiUser, Path(hid): Path<i64>) -> Result<Json<Value>, ApiError> {
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    let incomes = state.db.incomes(&me.scope, h.id).await?;
    Ok(Json(json!({ "items": incomes_json(&state, &me.scope, &h.data.village_code, &incomes).await? })))
}

/// Records a period's income: amounts in 元 as text or numbers, as in households.csv;
/// `household_size` (default: the current size); `items`: `[{"kind", "amount", "note"}]`;
/// `replace: true` to replace figures already recorded for the period (else 409 with them).
async fn record(
    State(state): State<AppState>,
    me: ApiUser,
    Path((hid, period)): Path<(i64, String)>,
    Json(mut body): Json<HashMap<String, Value>>,
) -> Result<Response, ApiError> {
    editor(&me)?;
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    let replace = matches!(body.remove("replace"), Some(Value::Bool(true)));
    let items = body.remove("items");
    let mut fields = texts(body);
    fields.insert("period".into(), period);
    if let Some(Value::Array(items)) = items {
        for it in items {
            let kind = it.get("kind").and_then(Value::as_str).unwrap_or("");
            let Some(k) = IncomeItemKind::parse(kind) else {
                return Err(DomainError::invalid("items", format!("“{kind}”不是有效的收入分项")).into());
            };
            let amount = match it.get("amount") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            fields.insert(k.item_field().to_owned(), amount);
            if let Some(n) = it.get("note").and_then(Value::as_str) {
                fields.insert(k.note_field().to_owned(), n.to_owned());
            }
        }
    }
    let mut command = RecordIncome::parse(&fields, me.today, h.size).map_err(DomainError::Invalid)?;
    command.replace = replace;
    let income = &command.income;
    match state.db.record_income(&me.scope, h.id, &command, &me.actor()).await {
        Ok(()) => Ok(super::households::show(State(state), me, Path(hid)).await?.into_response()),
        Err(DomainError::Conflict { field, message }) if field == "period" => {
            let current = state.db.incomes(&me.scope, h.id).await?;
            let existing: Vec<Income> = current.into_iter().filter(|i| i.period == income.period).collect();
            let existing = incomes_json(&state, &me.scope, &h.data.village_code, &existing).await?;
            let body = json!({ "error": { "code": "conflict", "message": message,
                "fields": [{ "field": field, "message": message }] }, "existing": existing.first() });
            Ok((StatusCode::CONFLICT, Json(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
