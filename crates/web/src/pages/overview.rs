//! 首页: what needs the user today (the worklist counts), then counts per child area inside
//! the user's scope.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use bangfu_core::assistance::WorkReason;
use bangfu_core::store::{AreaCount, HouseholdStore, WorklistStore};

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
    /// (reason code, label, households) for the user's whole area.
    work: Vec<(&'static str, &'static str, i64)>,
}

#[derive(Default)]
struct AreaTotals {
    households: i64,
    people: i64,
    tuopin: i64,
    monitored: i64,
}

async fn overview(State(state): State<AppState>, me: CurrentUser) -> Result<axum::response::Response, PageError> {
    use axum::response::IntoResponse;
    // The three administrators (三员) read no register: they start on their own page.
    if me.user.role.is_administrator() {
        return Ok(axum::response::Redirect::to(me.user.role.home()).into_response());
    }
    let counts = state.db.counts_by_child_area(&me.scope, me.scope.root()).await?;
    let total = counts.iter().fold(AreaTotals::default(), |t, c| AreaTotals {
        households: t.households + c.households,
        people: t.people + c.people,
        tuopin: t.tuopin + c.tuopin,
        monitored: t.monitored + c.monitored,
    });
    let (totals, _) = state.db.worklist_counts(&me.scope, me.scope.root(), me.today).await?;
    let work = WorkReason::ALL
        .iter()
        .zip(totals)
        .map(|(r, n)| (r.code(), if me.lang == crate::i18n::Lang::En { r.label_en() } else { r.label_zh() }, n))
        .collect();
    Ok(Html(OverviewPage { me: &me, counts, total, work }.render()?).into_response())
}
