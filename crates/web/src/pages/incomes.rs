//! 收入: the income form (a period's figures with sub-items, the household size of the period,
//! a confirm step before replacing), and the rows every page that shows income uses, each
//! with its mark against the line of its year and area.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use bangfu_core::area::AreaCode;
use bangfu_core::household::*;
use bangfu_core::line::{self, Line, Mark};
use bangfu_core::money::Fen;
use bangfu_core::store::{HouseholdStore, IncomeStore, LineStore};
use bangfu_core::{DomainError, FieldError};

use super::form::{field_errors, require_editor};
use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;
use crate::i18n::Lang;

pub fn router() -> Router<AppState> {
    Router::new().route("/households/{hid}/income", get(income_page).post(income))
}

type Values = HashMap<String, String>;

/// One income record as the pages show it, in 元.
pub struct IncomeRow {
    pub code: String,
    pub period: String,
    pub size: i64,
    /// The five totals in form order; 未填 for a blank.
    pub totals: Vec<String>,
    pub claims: String,
    pub out_of_pocket: String,
    pub total: String,
    pub per_person: String,
    pub partial: bool,
    /// CSS class of the mark (red / yellow / green), empty without a line.
    pub colour: &'static str,
    pub mark: String,
    /// "监测范围 7,200.00元（河南省，示例值）"
    pub line: String,
    pub items: Vec<String>,
}

impl IncomeRow {
    pub fn wages(&self) -> &str {
        &self.totals[0]
    }
    pub fn operating(&self) -> &str {
        &self.totals[1]
    }
    pub fn property(&self) -> &str {
        &self.totals[2]
    }
    pub fn transfer(&self) -> &str {
        &self.totals[3]
    }
    pub fn cost(&self) -> &str {
        &self.totals[4]
    }
}

fn shown(lang: Lang, v: Option<Fen>) -> String {
    v.map_or_else(|| lang.t("income.unfilled").to_owned(), |f| f.to_string())
}

/// The rows of a household's incomes with their marks; `lines` are those visible to the user
/// (the household's ancestors are among them), `margin` the district's 接近 setting.
pub fn income_rows(lang: Lang, village: &AreaCode, incomes: &[Income], lines: &[Line], margin: u32) -> Vec<IncomeRow> {
    incomes
        .iter()
        .map(|i| {
            let line = line::for_income(lines, village, i.period.line_year());
            let per_person = i.net_per_person();
            let mark = match per_person {
                Some(p) => Mark::of(p, line.map(|l| l.data.amount), margin),
                None => Mark::NoLine,
            };
            let kind = line.map_or(line::LineKind::Monitoring, |l| l.data.kind);
            IncomeRow {
                code: i.period.code(),
                period: if lang == Lang::En { i.period.label_en() } else { i.period.label_zh() },
                size: i.household_size,
                totals: IncomeComponent::ALL.iter().map(|c| shown(lang, i.total(*c))).collect(),
                claims: i.claims.map(|f| f.to_string()).unwrap_or_default(),
                out_of_pocket: i.out_of_pocket.map(|f| f.to_string()).unwrap_or_default(),
                total: i.total_net().to_string(),
                per_person: per_person.map(|f| f.to_string()).unwrap_or_else(|| "—".into()),
                partial: i.is_partial(),
                colour: match mark {
                    Mark::Below => "red",
                    Mark::Near => "yellow",
                    Mark::Above => "green",
                    Mark::NoLine => "",
                },
                mark: if lang == Lang::En { mark.label_en(kind, margin) } else { mark.label_zh(kind, margin) },
                line: line
                    .map(|l| {
                        format!(
                            "{} {}{}",
                            if lang == Lang::En { l.data.kind.label_en() } else { l.data.kind.label_zh() },
                            l.data.amount.display_yuan(),
                            if l.data.example { lang.t("line.example_tag") } else { "" }
                        )
                    })
                    .unwrap_or_default(),
                items: i
                    .items
                    .iter()
                    .map(|it| {
                        let label = if lang == Lang::En { it.kind.label_en() } else { it.kind.label_zh() };
                        match &it.note {
                            Some(n) => format!("{label} {}（{n}）", it.amount),
                            None => format!("{label} {}", it.amount),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Everything a page needs to show a household's incomes with marks.
pub async fn household_income_rows(
    state: &AppState,
    me: &CurrentUser,
    lang: Lang,
    h: &Household,
) -> Result<Vec<IncomeRow>, PageError> {
    let incomes = state.db.incomes(&me.scope, h.id).await?;
    let lines = state.db.lines(&me.scope).await?;
    let margin = state.db.line_margin_percent().await?;
    Ok(income_rows(lang, &h.data.village_code, &incomes, &lines, margin))
}

/// A text box of the income form.
pub struct Input {
    pub name: String,
    pub label: String,
    pub value: String,
    pub hint: String,
    pub error: Option<String>,
}

pub struct ItemInput {
    pub amount: Input,
    pub note: Input,
}

pub struct Group {
    pub total: Input,
    pub items: Vec<ItemInput>,
    /// Open when a sub-item is filled or wrong.
    pub open: bool,
}

#[derive(Template)]
#[template(path = "income_form.html")]
struct IncomeForm<'a> {
    me: &'a CurrentUser,
    hid: i64,
    title: String,
    errors: Vec<String>,
    /// Period and household size.
    top: Vec<Input>,
    groups: Vec<Group>,
    /// 理赔收入 and 合规自付支出.
    bottom: Vec<Input>,
    /// The figures already recorded for the period, shown before replacing them.
    existing: Option<IncomeRow>,
    replace: bool,
}

fn input(v: &Values, errors: &[FieldError], name: &str, label: String, hint: &str) -> Input {
    Input {
        name: name.to_owned(),
        label,
        value: v.get(name).cloned().unwrap_or_default(),
        hint: hint.to_owned(),
        error: errors.iter().find(|e| e.field == name).map(|e| e.message.clone()),
    }
}

fn render(
    me: &CurrentUser,
    h: &Household,
    v: &Values,
    errors: &[FieldError],
    existing: Option<IncomeRow>,
    replace: bool,
    status: StatusCode,
) -> Result<Response, PageError> {
    let lang = me.lang;
    let label = |c: IncomeComponent| if lang == Lang::En { c.label_en() } else { c.label_zh() };
    let groups = IncomeComponent::ALL
        .iter()
        .map(|c| {
            let items: Vec<ItemInput> = c
                .kinds()
                .map(|k| {
                    let kl = if lang == Lang::En { k.label_en() } else { k.label_zh() };
                    ItemInput {
                        amount: input(v, errors, k.item_field(), kl.to_owned(), ""),
                        note: input(v, errors, k.note_field(), lang.t("field.note").to_owned(), ""),
                    }
                })
                .collect();
            let open = items.iter().any(|it| {
                !it.amount.value.trim().is_empty() || !it.note.value.trim().is_empty() || it.amount.error.is_some()
            });
            Group { total: input(v, errors, c.code(), label(*c).to_owned(), lang.t("income.total_hint")), items, open }
        })
        .collect();
    let messages = errors
        .iter()
        .map(|e| {
            let label = match e.field.as_str() {
                "period" => lang.t("field.period").to_owned(),
                "household_size" => lang.t("field.household_size").to_owned(),
                "claims" => lang.t("field.claims").to_owned(),
                "out_of_pocket" => lang.t("field.out_of_pocket").to_owned(),
                f => IncomeComponent::ALL
                    .iter()
                    .find(|c| c.code() == f)
                    .map(|c| label(*c).to_owned())
                    .or_else(|| {
                        IncomeItemKind::ALL.iter().find(|k| k.item_field() == f).map(|k| k.label_zh().to_owned())
                    })
                    .unwrap_or_default(),
            };
            if label.is_empty() { e.message.clone() } else { format!("{label}：{}", e.message) }
        })
        .collect();
    let page = IncomeForm {
        me,
        hid: h.id.0,
        title: format!("{} · {}", h.head_name.clone().unwrap_or_default(), lang.t("title.income")),
        errors: messages,
        top: vec![
            input(v, errors, "period", lang.t("field.period").to_owned(), lang.t("income.period_hint")),
            input(
                v,
                errors,
                "household_size",
                lang.t("field.household_size").to_owned(),
                &lang.n("income.size_hint", h.size),
            ),
        ],
        groups,
        bottom: vec![
            input(v, errors, "claims", lang.t("field.claims").to_owned(), lang.t("income.claims_hint")),
            input(
                v,
                errors,
                "out_of_pocket",
                lang.t("field.out_of_pocket").to_owned(),
                lang.t("income.out_of_pocket_hint"),
            ),
        ],
        existing,
        replace,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// An income's figures as the form's fields, in 元.
fn values_of(i: &Income) -> Values {
    let y = |f: Fen| f.to_yuan_string();
    let mut v = Values::from([
        ("period".to_owned(), i.period.code()),
        ("household_size".to_owned(), i.household_size.to_string()),
    ]);
    for c in IncomeComponent::ALL {
        if let Some(f) = i.total(c) {
            v.insert(c.code().into(), y(f));
        }
    }
    for (k, f) in [("claims", i.claims), ("out_of_pocket", i.out_of_pocket)] {
        if let Some(f) = f {
            v.insert(k.into(), y(f));
        }
    }
    for it in &i.items {
        v.insert(it.kind.item_field().to_owned(), y(it.amount));
        if let Some(n) = &it.note {
            v.insert(it.kind.note_field().to_owned(), n.clone());
        }
    }
    v
}

#[derive(serde::Deserialize)]
struct PeriodQuery {
    period: Option<String>,
}

/// A blank form for last year; `?period=2025` opens that period's figures for correction
/// (shown, and saved only as a confirmed replacement).
async fn income_page(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    let default_year = chrono::Datelike::year(&me.today) - 1;
    let wanted = q.period.as_deref().and_then(IncomePeriod::from_code);
    if let Some(period) = wanted {
        let incomes = state.db.incomes(&me.scope, h.id).await?;
        if let Some(i) = incomes.iter().find(|i| i.period == period) {
            let existing = existing_row(&state, &me, &h, i).await?;
            return render(&me, &h, &values_of(i), &[], Some(existing), true, StatusCode::OK);
        }
    }
    let v = Values::from([
        ("period".to_owned(), wanted.map_or(default_year.to_string(), |p| p.code())),
        ("household_size".to_owned(), h.size.to_string()),
    ]);
    render(&me, &h, &v, &[], None, false, StatusCode::OK)
}

async fn existing_row(state: &AppState, me: &CurrentUser, h: &Household, i: &Income) -> Result<IncomeRow, PageError> {
    let lines = state.db.lines(&me.scope).await?;
    let margin = state.db.line_margin_percent().await?;
    Ok(income_rows(me.lang, &h.data.village_code, std::slice::from_ref(i), &lines, margin).remove(0))
}

async fn income(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
    Form(v): Form<Values>,
) -> Result<Response, PageError> {
    require_editor(&me)?;
    me.check_form_csrf(&v)?;
    let h = state.db.household(&me.scope, HouseholdId(hid)).await?;
    let replace = v.get("replace").is_some_and(|r| r == "1");
    let command = match RecordIncome::parse(&v, me.today, h.size) {
        Ok(c) => c,
        Err(e) => {
            let e = field_errors(DomainError::Invalid(e))?;
            return render(&me, &h, &v, &e, None, replace, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let income = &command.income;
    match state.db.record_income(&me.scope, h.id, &command, &me.actor()).await {
        Ok(()) => Ok(Redirect::to(&format!("/households/{hid}")).into_response()),
        Err(DomainError::Conflict { field, message }) if field == "period" => {
            // Already recorded: show what is there beside what was typed, and ask.
            let current = state.db.incomes(&me.scope, h.id).await?;
            let existing = match current.iter().find(|i| i.period == income.period) {
                Some(i) => Some(existing_row(&state, &me, &h, i).await?),
                None => None,
            };
            let errors = [FieldError::new("period", message)];
            render(&me, &h, &v, &errors, existing, true, StatusCode::CONFLICT)
        }
        Err(e) => render(&me, &h, &v, &field_errors(e)?, None, replace, StatusCode::UNPROCESSABLE_ENTITY),
    }
}
