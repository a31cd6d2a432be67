//! 扶贫项目资产 on screen: the register of the user's area by village (with totals per village
//! and type, filtered by village), the 项目资产 section of a project's page with its add form,
//! and a change of an asset's status. A refused form shows the project page again with the
//! reason and what was typed (422); another area's asset or project is not found.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use bangfu_core::DomainError;
use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::auth::Permission;
use bangfu_core::money::Fen;
use bangfu_core::project::asset::{self, AssetCategory, AssetData, AssetStatus, AssetType, OwnerKind, StatusChange};
use bangfu_core::store::AreaStore;
use bangfu_db::project_assets::{Asset, AssetFilter, totals};
use bangfu_db::projects::ProjectRecord;

use crate::AppState;
use crate::error::PageError;
use crate::extract::{CurrentUser, Require, perm};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assets", get(register))
        .route("/projects/{id}/assets", post(add))
        .route("/assets/{aid}/status", post(change_status))
}

type Values = HashMap<String, String>;

/// "沙河店镇 · 沙东村民委员会" for each code, as the area search labels them.
pub(super) async fn labels(state: &AppState, codes: &[String]) -> Result<HashMap<String, String>, PageError> {
    let parsed: Vec<AreaCode> = codes.iter().filter_map(|c| AreaCode::parse(c).ok()).collect();
    let found = state.db.labelled_areas(&Scope::everything(), &parsed).await?;
    Ok(found.iter().map(|m| (m.area.code.as_str().to_owned(), m.label())).collect())
}

/// One asset as both pages list it.
pub struct AssetRow {
    pub id: i64,
    pub version: i64,
    pub project_id: i64,
    pub project: String,
    pub village: String,
    pub name: String,
    pub asset_type: &'static str,
    pub category: &'static str,
    pub owner: String,
    pub value: String,
    pub handed_over_on: String,
    pub keeper: String,
    pub status: &'static str,
    pub status_colour: &'static str,
    pub status_on: String,
    pub disposed: bool,
    pub note: String,
    /// (status, from, reason, by), oldest first.
    pub history: Vec<(&'static str, String, String, String)>,
}

fn colour(s: AssetStatus) -> &'static str {
    match s {
        AssetStatus::InUse => "green",
        AssetStatus::Idle => "yellow",
        AssetStatus::Damaged => "red",
        AssetStatus::Disposed => "grey",
    }
}

fn row_of(a: &Asset, labels: &HashMap<String, String>) -> AssetRow {
    let d = &a.data;
    AssetRow {
        id: a.id,
        version: a.version,
        project_id: a.project_id,
        project: a.project_name.clone(),
        village: labels.get(&a.village_code).cloned().unwrap_or_else(|| a.village_code.clone()),
        name: d.name.clone(),
        asset_type: d.asset_type.label_zh(),
        category: d.category.label_zh(),
        owner: format!("{}（{}）", d.owner, d.owner_kind.label_zh()),
        value: d.value.display_yuan(),
        handed_over_on: d.handed_over_on.to_string(),
        keeper: format!("{} · {}", d.keeper, d.keeper_person),
        status: a.status.label_zh(),
        status_colour: colour(a.status),
        status_on: a.status_on.to_string(),
        disposed: a.status == AssetStatus::Disposed,
        note: d.note.clone().unwrap_or_default(),
        history: a
            .history
            .iter()
            .map(|h| (h.status.label_zh(), h.on.to_string(), h.reason.clone().unwrap_or_default(), h.by.clone()))
            .collect(),
    }
}

/// The 项目资产 section of a project's page.
pub struct AssetSection {
    pub rows: Vec<AssetRow>,
    pub total: String,
    /// Assets may be registered now (else why not, in the words of the rule).
    pub may_add: bool,
    pub refusal: String,
    pub may_edit: bool,
    pub types: Vec<&'static str>,
    pub categories: Vec<&'static str>,
    pub owner_kinds: Vec<&'static str>,
    pub statuses: Vec<&'static str>,
    /// The villages an asset may stand in: (code, label), the project's own first.
    pub villages: Vec<(String, String)>,
}

pub async fn section(state: &AppState, me: &CurrentUser, p: &ProjectRecord) -> Result<AssetSection, PageError> {
    let found = state.db.assets(&me.scope, &AssetFilter { area: None, project: Some(p.id) }).await?;
    let mut codes: Vec<String> = found.iter().map(|a| a.village_code.clone()).collect();
    let step = p.procedure.as_ref().and_then(|x| x.current()).map(|s| (s.code, s.name_zh));
    let rule = asset::may_register(&p.stage, step);
    let may_edit = me.may(Permission::EditRegister);
    let mut villages = Vec::new();
    if rule.is_ok() && may_edit {
        let place = &p.data.area_code;
        let mut candidates = vec![place.clone()];
        if place.implied_level() != bangfu_core::area::AreaLevel::Village {
            candidates = state.db.children(place).await?.into_iter().map(|a| a.code).collect();
        }
        candidates.retain(|c| me.scope.contains(c));
        villages = candidates.iter().map(|c| (c.as_str().to_owned(), String::new())).collect();
        codes.extend(candidates.iter().map(|c| c.as_str().to_owned()));
    }
    let labels = labels(state, &codes).await?;
    for v in &mut villages {
        v.1 = labels.get(&v.0).cloned().unwrap_or_else(|| v.0.clone());
    }
    let held = totals(&found);
    Ok(AssetSection {
        rows: found.iter().map(|a| row_of(a, &labels)).collect(),
        total: held.value.display_yuan(),
        may_add: rule.is_ok(),
        refusal: rule.err().map(|e| e.message).unwrap_or_default(),
        may_edit,
        types: AssetType::ALL.iter().map(|t| t.label_zh()).collect(),
        categories: AssetCategory::ALL.iter().map(|t| t.label_zh()).collect(),
        owner_kinds: OwnerKind::ALL.iter().map(|t| t.label_zh()).collect(),
        statuses: AssetStatus::ALL.iter().map(|t| t.label_zh()).collect(),
        villages,
    })
}

async fn add(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(id): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    state.db.project(&me.scope, id).await?;
    let done = match AssetData::parse(&v, me.today) {
        Ok(d) => state.db.add_asset(&me.scope, id, &d, &me.actor()).await.map(|_| ()),
        Err(e) => Err(DomainError::Invalid(e)),
    };
    super::projects::after(&state, &me, id, done, v).await
}

async fn change_status(
    State(state): State<AppState>,
    me: Require<perm::EditRegister>,
    Path(aid): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    me.check_form_csrf(&v)?;
    let a = state.db.asset(&me.scope, aid).await?;
    let version = v.get("version").and_then(|x| x.parse::<i64>().ok()).unwrap_or(a.version);
    let done = match StatusChange::parse(&v, me.today) {
        Ok(c) => state.db.change_asset_status(&me.scope, aid, version, &c, &me.actor()).await,
        Err(e) => Err(DomainError::Invalid(e)),
    };
    super::projects::after(&state, &me, a.project_id, done, v).await
}

// The register.

#[derive(serde::Deserialize, Default)]
pub struct RegisterQuery {
    #[serde(default)]
    village: Option<String>,
}

/// A village's assets with its sums.
struct VillageGroup {
    code: String,
    village: String,
    rows: Vec<AssetRow>,
    count: usize,
    value: String,
    /// (type, count, value).
    by_type: Vec<(&'static str, usize, String)>,
}

#[derive(Template)]
#[template(path = "assets.html")]
struct RegisterPage<'a> {
    me: &'a CurrentUser,
    groups: Vec<VillageGroup>,
    /// (type, count, value) over the whole list.
    by_type: Vec<(&'static str, usize, String)>,
    count: usize,
    value: String,
    /// (code, label, selected) of the villages with assets.
    villages: Vec<(String, String, bool)>,
}

async fn register(
    State(state): State<AppState>,
    me: Require<perm::ViewRegister>,
    Query(q): Query<RegisterQuery>,
) -> Result<Response, PageError> {
    let chosen = me.scope.sub_area(q.village.as_deref())?;
    let everything_here = state.db.assets(&me.scope, &AssetFilter::default()).await?;
    let found = match &chosen {
        Some(area) => state.db.assets(&me.scope, &AssetFilter { area: Some(area.clone()), project: None }).await?,
        None => everything_here.clone(),
    };
    let mut codes: Vec<String> = everything_here.iter().map(|a| a.village_code.clone()).collect();
    codes.dedup();
    let labels = labels(&state, &codes).await?;
    let t = totals(&found);
    let mut groups: Vec<VillageGroup> = Vec::new();
    for a in &found {
        let row = row_of(a, &labels);
        match groups.last_mut() {
            Some(g) if g.code == a.village_code => g.rows.push(row),
            _ => {
                let code = a.village_code.clone();
                let (count, value) = t.by_village.iter().find(|x| x.0 == code).map_or((0, Fen(0)), |x| (x.1, x.2));
                let mut by_type: Vec<(&'static str, usize, String)> = t
                    .by_village_type
                    .iter()
                    .filter(|x| x.0 == code)
                    .map(|x| (x.1.label_zh(), x.2, x.3.display_yuan()))
                    .collect();
                by_type.sort_by_key(|x| AssetType::ALL.iter().position(|k| k.label_zh() == x.0));
                groups.push(VillageGroup {
                    code,
                    village: row.village.clone(),
                    rows: vec![row],
                    count,
                    value: value.display_yuan(),
                    by_type,
                });
            }
        }
    }
    let selected = chosen.as_ref().map(|c| c.as_str().to_owned()).unwrap_or_default();
    let page = RegisterPage {
        me: &me,
        groups,
        by_type: t.by_type.iter().map(|x| (x.0.label_zh(), x.1, x.2.display_yuan())).collect(),
        count: t.count,
        value: t.value.display_yuan(),
        villages: codes
            .iter()
            .map(|c| (c.clone(), labels.get(c).cloned().unwrap_or_else(|| c.clone()), *c == selected))
            .collect(),
    };
    Ok(Html(page.render()?).into_response())
}
