//! 首页: counts per child area inside the user's scope.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use bangfu_core::store::{AreaCount, HouseholdStore};

use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(overview))
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage<'a> {
    me: &'a CurrentUser,
    counts: Vec<AreaCount>,
    total: AreaTotals,
}

#[derive(Default)]
struct AreaTotals {
    households: i64,
    people: i64,
    poor: i64,
    monitored: i64,
}

async fn overview(State(state): State<AppState>, me: CurrentUser) -> Result<Html<String>, PageError> {
    let counts = state.db.counts_by_child_area(&me.scope, me.scope.root()).await?;
    let total = counts.iter().fold(AreaTotals::default(), |t, c| AreaTotals {
        households: t.households + c.households,
        people: t.people + c.people,
        poor: t.poor + c.poor,
        monitored: t.monitored + c.monitored,
    });
    Ok(Html(OverviewPage { me: &me, counts, total }.render()?))
}
