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

/// What a picker chooses.
#[derive(Clone, Copy)]
pub struct Field {
    /// The hidden input carrying the code; the box is `{name}_q`.
    pub name: &'static str,
    /// Only this level (村); any level below the user's area when `None`.
    pub level: Option<AreaLevel>,
    /// A form's field; otherwise a filter, which may be left at 全部 and offers a township as
    /// "胡庙乡（全部）".
    pub required: bool,
    /// The user's own area may be chosen too (a helper or an account of the district itself).
    pub with_root: bool,
}

impl Field {
    /// A household's 所在村: a village account's own village is its one choice.
    pub const VILLAGE: Field =
        Field { name: "village_code", level: Some(AreaLevel::Village), required: true, with_root: true };

    /// A filter over the areas below the user's: `?area=`.
    pub const FILTER: Field = Field { name: "area", level: None, required: false, with_root: false };

    /// A form's `area_code`: any area below the user's, or (`with_root`) the user's own.
    pub fn area_code(with_root: bool) -> Field {
        Field { name: "area_code", level: None, required: true, with_root }
    }

    fn search(&self, me: &CurrentUser, typed: &str, limit: u32) -> AreaSearch {
        let s = AreaSearch::parse(&me.scope, typed, self.level, limit);
        if self.with_root { s.with_root() } else { s }
    }
}

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
    /// The search may answer the user's own area too (`&root=1`).
    pub with_root: bool,
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

/// The picker for `field`, showing `value` (a code) or else `typed`.
pub async fn picker(
    state: &AppState,
    me: &CurrentUser,
    field: Field,
    (value, typed): (&str, &str),
) -> Result<Picker, PageError> {
    let all_suffix = if field.required { "" } else { me.lang.t("picker.all_of") };
    let few = state.db.search_areas(&me.scope, &field.search(me, "", FEW as u32 + 1)).await?;
    let chosen = match AreaCode::parse(value) {
        Ok(code) => state.db.labelled_areas(&me.scope, &[code]).await?.into_iter().next(),
        Err(_) => None,
    };
    let mut p = Picker {
        name: field.name,
        level: field.level.map_or("", AreaLevel::code),
        value: chosen.as_ref().map(|c| c.area.code.to_string()).unwrap_or_default(),
        text: chosen.as_ref().map(AreaMatch::label).unwrap_or_else(|| typed.trim().to_owned()),
        choices: Vec::new(),
        groups: Vec::new(),
        required: field.required,
        with_root: field.with_root,
        nothing_to_choose: few.is_empty(),
    };
    if few.len() <= FEW {
        // A form's only choice is chosen already.
        if let [only] = few.as_slice()
            && field.required
            && p.value.is_empty()
        {
            p.value = only.area.code.to_string();
            p.text = only.label();
        }
        p.groups = grouped(&few, &p.value, all_suffix);
    } else if chosen.is_none() && !p.text.is_empty() {
        let found = state.db.search_areas(&me.scope, &field.search(me, &p.text, SHOWN)).await?;
        p.choices = grouped(&found, "", all_suffix);
    }
    Ok(p)
}

/// The code for what was typed into a picker when nothing was picked (no script, or the
/// user typed a name and saved): the one area it matches, if exactly one.
pub async fn resolve_typed(
    state: &AppState,
    me: &CurrentUser,
    field: Field,
    typed: &str,
) -> Result<Option<AreaCode>, PageError> {
    if typed.trim().is_empty() {
        return Ok(None);
    }
    let found = state.db.search_areas(&me.scope, &field.search(me, typed, SHOWN)).await?;
    // "蚁蜂镇 老庄村民委员会" is 蚁蜂镇 · 老庄村民委员会, even though 南老庄村民委员会 matches too.
    let bare = |s: &str| s.chars().filter(|c| !c.is_whitespace() && *c != '·').collect::<String>();
    let typed = bare(typed);
    let exact = found.iter().find(|m| bare(&m.label()) == typed || bare(&m.area.name) == typed);
    Ok(match (exact, found.as_slice()) {
        (Some(m), _) | (None, [m]) => Some(m.area.code.clone()),
        _ => None,
    })
}

/// A form sent with a name typed into a picker but nothing picked: the code of the one area it
/// matches is filled in (the form still shows what was typed when it matches none or several).
pub async fn fill_typed(
    state: &AppState,
    me: &CurrentUser,
    v: &mut std::collections::HashMap<String, String>,
    field: Field,
) -> Result<(), PageError> {
    if v.get(field.name).is_some_and(|c| !c.trim().is_empty()) {
        return Ok(());
    }
    let typed = v.get(&format!("{}_q", field.name)).cloned().unwrap_or_default();
    if let Some(code) = resolve_typed(state, me, field, &typed).await? {
        v.insert(field.name.to_owned(), code.to_string());
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
    /// `1`: the user's own area may be found too.
    #[serde(default)]
    root: String,
    /// `1`: a form's field (a township is not offered as "（全部）").
    #[serde(default)]
    required: String,
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
    let field = Field { name: "", level: level_of(&q.level), required: q.required == "1", with_root: q.root == "1" };
    let search = field.search(&me, &typed, SHOWN + 1);
    let mut found = state.db.search_areas(&me.scope, &search).await?;
    let more = found.len() > SHOWN as usize;
    found.truncate(SHOWN as usize);
    let groups = grouped(&found, "", if field.required { "" } else { me.lang.t("picker.all_of") });
    Ok(Html(ChoicesFragment { me: &me, groups, more }.render()?))
}
