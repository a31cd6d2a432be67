//! /api/v1/training and /api/v1/yulu: 培训班, 座谈会 and 雨露计划 for a district's other systems —
//! the courses of the user's area with their counts, one course with its attendees (name,
//! 户编号, village; never an ID number), and the 雨露计划 applications. Read only; the same scope
//! as the pages (another area's course is 404).

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use bangfu_core::training::yulu::{State as YState, Term};
use serde_json::{Value, json};

use super::{ApiError, ApiUser};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/training", get(list))
        .route("/api/v1/training/{id}", get(one))
        .route("/api/v1/yulu", get(yulu))
}

#[derive(serde::Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

fn course(c: &bangfu_db::training::Course) -> Value {
    let d = &c.data;
    json!({ "id": c.id, "kind": d.kind.code(), "kind_zh": d.kind.label_zh(), "training_type": d.training_type.code(),
            "training_type_zh": d.training_type.label_zh(), "topic": d.topic, "start_on": d.start_on, "end_on": d.end_on,
            "hours": d.hours, "organiser": d.organiser, "place": d.place, "area_code": d.area_code.as_str() })
}

async fn list(State(state): State<AppState>, me: ApiUser, Query(q): Query<YearQuery>) -> Result<Json<Value>, ApiError> {
    let items: Vec<Value> = state
        .db
        .courses(&me.scope, q.year)
        .await?
        .iter()
        .map(|s| {
            let mut v = course(&s.course);
            v["attendees"] = json!(s.attendees);
            v["households"] = json!(s.households);
            v
        })
        .collect();
    Ok(Json(json!({ "total": items.len(), "items": items })))
}

async fn one(State(state): State<AppState>, me: ApiUser, Path(id): Path<i64>) -> Result<Json<Value>, ApiError> {
    let c = state.db.course(&me.scope, id).await?;
    let attendees: Vec<Value> = state
        .db
        .course_attendees(&me.scope, id)
        .await?
        .iter()
        .map(|a| {
            json!({ "id": a.id, "member_id": a.member.member_id, "name": a.member.name,
                    "relation": a.member.relation.map(|r| r.code()), "household_id": a.member.household_id,
                    "household_no": a.member.household_no, "village_code": a.member.village_code,
                    "certificate": a.outcome.certificate, "certificate_name": a.outcome.certificate_name,
                    "employed": a.outcome.employed })
        })
        .collect();
    let mut v = course(&c);
    v["attendees"] = json!(attendees);
    Ok(Json(v))
}

#[derive(serde::Deserialize)]
struct YuluQuery {
    term: Option<String>,
    state: Option<String>,
}

async fn yulu(State(state): State<AppState>, me: ApiUser, Query(q): Query<YuluQuery>) -> Result<Json<Value>, ApiError> {
    let term = match q.term.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => Some(Term::parse(t).ok_or_else(|| {
            bangfu_core::DomainError::invalid(
                "term",
                format!("“{t}”不是有效的学期，应写作 2026年秋季学期 或 2026-autumn"),
            )
        })?),
        None => None,
    };
    let st = match q.state.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(s) => Some(YState::parse(s).ok_or_else(|| {
            bangfu_core::DomainError::invalid("state", "办理状态应为 applied、checked、refused、paid 或 published")
        })?),
        None => None,
    };
    let filter = bangfu_db::yulu::YuluFilter { term, state: st, household: None };
    let items: Vec<Value> = state
        .db
        .yulu_applications(&me.scope, &filter)
        .await?
        .iter()
        .map(|r| {
            json!({ "id": r.id, "member_id": r.student.member_id, "name": r.student.name,
                    "household_id": r.student.household_id, "household_no": r.student.household_no,
                    "village_code": r.student.village_code, "term": r.data.term.to_string(),
                    "term_year": r.data.term.year, "semester": r.data.term.semester.code(), "school": r.data.school,
                    "major": r.data.major, "level": r.data.level.code(), "grade": r.data.grade,
                    "amount_fen": r.data.amount.0, "state": r.state.code(), "state_zh": r.state.label_zh(),
                    "applied_on": r.data.applied_on, "checked_on": r.checked_on, "check_note": r.check_note,
                    "refused_reason": r.refused_reason, "paid_on": r.paid_on, "paid_fen": r.paid.map(|p| p.0),
                    "published_on": r.published_on })
        })
        .collect();
    Ok(Json(json!({ "total": items.len(), "items": items })))
}
