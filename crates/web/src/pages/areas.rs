//! 选择村: the area picker. Where the user's area has few choices it is a drop-down grouped
//! by township; otherwise a search box that loads a few choices as the user types
//! (`GET /areas/search`, an htmx fragment), so no page carries the whole area tree.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Html;
use axum::routing::get;
use bangfu_core::area::{AreaCode, AreaLevel, AreaMatch, AreaSearch};
use bangfu_core::store::AreaStore;

use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new().route("/areas/search", get(search))
}

/// Up to this many choices, a grouped drop-down is shorter to use than a search box.
pub const FEW: usize = 30;
/// How many matches one keystroke shows.
const SHOWN: u32 = 20;

/// One picker on a page: the chosen code travels in a hidden input named `name`; what is
/// typed in the box is `{name}_q`.
pub struct Picker {
    pub name: &'static str,
    /// `village`, or empty for any level below the user's own area (the list's filter).
    pub level: &'static str,
    pub value: String,
    /// "胡庙乡 · 张庄村" for the chosen code; what was typed when nothing was chosen.
    pub text: String,
    /// Matches shown with the form when it comes back with typed text and nothing chosen.
    pub choices: Vec<Group>,
    /// Not empty: the user's area has few choices, shown as this grouped drop-down instead.
    pub groups: Vec<Group>,
    pub required: bool,
    /// The user's area has nothing below it to choose (a village account's filter).
    pub nothing_to_choose: bool,
}

pub struct Group {
    pub label: String,
    pub options: Vec<Choice>,
}

pub struct Choice {
    pub value: String,
    /// The name within its group: "张庄村", or "胡庙乡（全部）" for a whole township.
    pub label: String,
    /// What the box shows once it is picked: "胡庙乡 · 张庄村".
    pub full: String,
    pub selected: bool,
}

impl Picker {
    /// The id of the search box (its label's `for`).
    pub fn input_id(&self) -> String {
        format!("picker-{}", self.name)
    }

    pub fn is_select(&self) -> bool {
        !self.groups.is_empty()
    }
}

fn level_of(level: &str) -> Option<AreaLevel> {
    AreaLevel::parse(level).filter(|l| *l != AreaLevel::Province)
}

/// Matches grouped under their parents' names, in the order found (code order: township by township).
/// Below the village level a group's option is named by the village alone.
fn grouped(found: &[AreaMatch], selected: &str, all_suffix: &str) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for m in found {
        let parent = m.parent_name.clone().unwrap_or_default();
        let label = if m.area.level == AreaLevel::Village {
            m.area.name.clone()
        } else {
            format!("{}{all_suffix}", m.area.name)
        };
        let opt = Choice {
            value: m.area.code.to_string(),
            label,
            full: m.label(),
            selected: m.area.code.as_str() == selected,
        };
        match groups.last_mut() {
            Some(g) if g.label == parent => g.options.push(opt),
            _ => groups.push(Group { label: parent, options: vec![opt] }),
        }
    }
    groups
}

/// The picker for field `name` at `level` (None: any level below the user's area), showing
/// `value` (a code) or else `typed`. A filter (not `required`) may be left at 全部, and offers a
/// township as "胡庙乡（全部）".
pub async fn picker(
    state: &AppState,
    me: &CurrentUser,
    name: &'static str,
    level: Option<AreaLevel>,
    required: bool,
    (value, typed): (&str, &str),
) -> Result<Picker, PageError> {
    let all_suffix = if required { "" } else { me.lang.t("picker.all_of") };
    let few = state.db.search_areas(&me.scope, &AreaSearch::parse(&me.scope, "", level, FEW as u32 + 1)).await?;
    let chosen = match AreaCode::parse(value) {
        Ok(code) => state.db.labelled_areas(&me.scope, &[code]).await?.into_iter().next(),
        Err(_) => None,
    };
    let mut p = Picker {
        name,
        level: level.map_or("", AreaLevel::code),
        value: chosen.as_ref().map(|c| c.area.code.to_string()).unwrap_or_default(),
        text: chosen.as_ref().map(AreaMatch::label).unwrap_or_else(|| typed.trim().to_owned()),
        choices: Vec::new(),
        groups: Vec::new(),
        required,
        nothing_to_choose: few.is_empty(),
    };
    if few.len() <= FEW {
        p.groups = grouped(&few, &p.value, all_suffix);
    } else if chosen.is_none() && !p.text.is_empty() {
        let found = state.db.search_areas(&me.scope, &AreaSearch::parse(&me.scope, &p.text, level, SHOWN)).await?;
        p.choices = grouped(&found, "", all_suffix);
    }
    Ok(p)
}

/// The code for what was typed into a picker when nothing was picked (no script, or the
/// user typed a name and saved): the one area it matches, if exactly one.
pub async fn resolve_typed(
    state: &AppState,
    me: &CurrentUser,
    level: Option<AreaLevel>,
    typed: &str,
) -> Result<Option<AreaCode>, PageError> {
    if typed.trim().is_empty() {
        return Ok(None);
    }
    let found = state.db.search_areas(&me.scope, &AreaSearch::parse(&me.scope, typed, level, SHOWN)).await?;
    // "蚁蜂镇 老庄村民委员会" is 蚁蜂镇 · 老庄村民委员会, even though 南老庄村民委员会 matches too.
    let bare = |s: &str| s.chars().filter(|c| !c.is_whitespace() && *c != '·').collect::<String>();
    let typed = bare(typed);
    let exact = found.iter().find(|m| bare(&m.label()) == typed || bare(&m.area.name) == typed);
    Ok(match (exact, found.as_slice()) {
        (Some(m), _) | (None, [m]) => Some(m.area.code.clone()),
        _ => None,
    })
}

/// A form sent with a name typed into picker `name` but nothing picked: the code of the one
/// area it matches is filled in (the form still shows what was typed when it matches none or several).
pub async fn fill_typed(
    state: &AppState,
    me: &CurrentUser,
    v: &mut std::collections::HashMap<String, String>,
    name: &str,
    level: Option<AreaLevel>,
) -> Result<(), PageError> {
    if v.get(name).is_some_and(|c| !c.trim().is_empty()) {
        return Ok(());
    }
    let typed = v.get(&format!("{name}_q")).cloned().unwrap_or_default();
    if let Some(code) = resolve_typed(state, me, level, &typed).await? {
        v.insert(name.to_owned(), code.to_string());
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "area_choices.html")]
struct ChoicesFragment<'a> {
    me: &'a CurrentUser,
    groups: Vec<Group>,
    more: bool,
}

#[derive(serde::Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    name: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    q: String,
    #[serde(flatten)]
    rest: std::collections::HashMap<String, String>,
}

/// The choices for what is typed so far: at most [`SHOWN`], grouped by township; the box
/// sends its text as `{name}_q` (or `q`).
async fn search(
    State(state): State<AppState>,
    me: CurrentUser,
    Query(q): Query<SearchQuery>,
) -> Result<Html<String>, PageError> {
    let typed = if q.q.is_empty() { q.rest.get(&format!("{}_q", q.name)).cloned().unwrap_or_default() } else { q.q };
    // A cleared box closes its list.
    if typed.trim().is_empty() {
        return Ok(Html(String::new()));
    }
    let search = AreaSearch::parse(&me.scope, &typed, level_of(&q.level), SHOWN + 1);
    let mut found = state.db.search_areas(&me.scope, &search).await?;
    let more = found.len() > SHOWN as usize;
    found.truncate(SHOWN as usize);
    let groups = grouped(&found, "", me.lang.t("picker.all_of"));
    Ok(Html(ChoicesFragment { me: &me, groups, more }.render()?))
}
