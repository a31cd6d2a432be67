//! Printouts of the register, never typed twice: the household card (帮扶明白卡) and the full
//! handbook (帮扶手册), A4 from the browser's print dialogue, in today's names (DOMAIN §0).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Html;
use axum::routing::get;
use bangfu_core::area::AreaLevel;
use bangfu_core::household::{HouseholdId, Member};
use bangfu_core::store::{AreaStore, AssistanceStore, HouseholdStore, PlanStore, TeamStore, VisitStore};
use chrono::Datelike;

use super::incomes::IncomeRow;
use super::work::{MeasureView, VisitView, measure_view, visit_view, zh_date};
use crate::AppState;
use crate::error::PageError;
use crate::extract::CurrentUser;

pub fn router() -> Router<AppState> {
    Router::new().route("/households/{hid}/card", get(card)).route("/households/{hid}/handbook", get(handbook))
}

/// What both printouts show at the top.
struct Basics {
    head: String,
    household_no: String,
    place: String,
    office: String,
    size: i64,
    status: &'static str,
    attribute: &'static str,
    causes: String,
    monitoring: &'static str,
    phone: String,
    helper: String,
    helper_phone: String,
    helper_unit: String,
    secretary: String,
    secretary_phone: String,
    policies: Vec<String>,
    printed: String,
}

/// 享受政策: what the members' flags say they receive.
fn policies(members: &[Member]) -> Vec<String> {
    use bangfu_core::household::{MedicalInsurance as M, MemberData, PensionInsurance as P};
    let count = |f: &dyn Fn(&MemberData) -> bool| members.iter().filter(|m| f(&m.data)).count();
    let yes = |b: Option<bool>| b == Some(true);
    [
        ("城乡居民基本医疗保险", count(&|m| m.medical_insurance == Some(M::Resident))),
        ("城镇职工基本医疗保险", count(&|m| m.medical_insurance == Some(M::Employee))),
        ("基本医疗保险", count(&|m| m.medical_insurance == Some(M::Insured))),
        ("大病保险", count(&|m| yes(m.serious_illness))),
        ("商业补充医疗保险", count(&|m| yes(m.commercial_insurance))),
        ("医疗救助", count(&|m| yes(m.medical_aid))),
        ("城乡居民养老保险", count(&|m| m.pension_insurance == Some(P::Resident))),
        ("城镇职工养老保险", count(&|m| m.pension_insurance == Some(P::Employee))),
        ("基本养老保险", count(&|m| m.pension_insurance == Some(P::Insured))),
        ("最低生活保障（低保）", count(&|m| yes(m.dibao))),
        ("特困人员供养", count(&|m| yes(m.tekun))),
        ("乡村公益性岗位", count(&|m| yes(m.public_job))),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(name, n)| format!("{name}（{n}人）"))
    .collect()
}

async fn basics(state: &AppState, me: &CurrentUser, id: HouseholdId) -> Result<(Basics, Vec<Member>), PageError> {
    let h = state.db.household(&me.scope, id).await?;
    let members: Vec<Member> =
        state.db.members(&me.scope, id).await?.into_iter().filter(|m| m.left_on.is_none()).collect();
    let mut place = Vec::new();
    let mut office = String::new();
    let mut code = Some(h.data.village_code.clone());
    while let Some(c) = code {
        let Some(a) = state.db.area(&c).await? else { break };
        if a.level == AreaLevel::County {
            // The office that issues printouts is now the district's 农业农村局 (乡村振兴 section).
            office = format!("{}农业农村局", a.name);
        }
        if matches!(a.level, AreaLevel::County | AreaLevel::Township | AreaLevel::Village) {
            place.push(a.name.clone());
        }
        code = a.parent;
    }
    place.reverse();
    let helper = state.db.helper_history(&me.scope, id).await?.into_iter().find(|a| a.end_on.is_none());
    let unit_name = match helper.as_ref().and_then(|a| a.helper.data.unit_id) {
        Some(uid) => bangfu_core::store::UnitStore::units(&state.db, &me.scope)
            .await?
            .into_iter()
            .find(|u| u.id == uid)
            .map(|u| u.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let team = state.db.team(&me.scope, &h.data.village_code).await.ok();
    let secretary =
        team.and_then(|t| t.members.into_iter().find(|m| m.data.role != bangfu_core::assistance::TeamRole::Member));
    let mut causes: Vec<&str> = h.data.main_cause.iter().map(|c| c.label_zh()).collect();
    causes.extend(h.data.other_causes.iter().map(|c| c.label_zh()));
    let b = Basics {
        head: h.head_name.clone().unwrap_or_default(),
        household_no: h.data.household_no.clone(),
        place: place.join(" "),
        office,
        size: h.size,
        // A household that is not a 脱贫户 has no 脱贫状态: the card shows its 户类型 there.
        status: h.data.status.map_or(h.data.household_type.label_zh(), |s| s.label_zh()),
        attribute: h.data.attribute.map_or("", |a| a.label_zh()),
        causes: causes.join("、"),
        monitoring: h.monitoring_type.map(|m| m.label_zh()).unwrap_or(""),
        phone: h.data.phone.clone().unwrap_or_default(),
        helper: helper.as_ref().map(|a| a.helper.data.name.clone()).unwrap_or_default(),
        helper_phone: helper.as_ref().and_then(|a| a.helper.data.phone.clone()).unwrap_or_default(),
        helper_unit: unit_name,
        secretary: secretary.as_ref().map(|m| m.data.name.clone()).unwrap_or_default(),
        secretary_phone: secretary.and_then(|m| m.data.phone).unwrap_or_default(),
        policies: policies(&members),
        printed: zh_date(me.today),
    };
    Ok((b, members))
}

/// The household's incomes, newest first, each with its mark against the line (printouts are Chinese).
async fn incomes(state: &AppState, me: &CurrentUser, id: HouseholdId) -> Result<Vec<IncomeRow>, PageError> {
    let h = state.db.household(&me.scope, id).await?;
    super::incomes::household_income_rows(state, me, crate::i18n::Lang::ZhCn, &h).await
}

#[derive(Template)]
#[template(path = "card.html")]
struct CardPage<'a> {
    me: &'a CurrentUser,
    id: i64,
    b: Basics,
    year: i32,
    measures: Vec<MeasureView>,
    income: Option<IncomeRow>,
}

async fn card(State(state): State<AppState>, me: CurrentUser, Path(hid): Path<i64>) -> Result<Html<String>, PageError> {
    let id = HouseholdId(hid);
    let (b, _) = basics(&state, &me, id).await?;
    let year = me.today.year();
    let plans = state.db.plans(&me.scope, id).await?;
    let measures = plans
        .iter()
        .filter(|p| p.data.year == year)
        .flat_map(|p| p.measures.iter())
        .map(|m| measure_view(crate::i18n::Lang::ZhCn, m, me.today))
        .collect();
    let income = incomes(&state, &me, id).await?.into_iter().next();
    Ok(Html(CardPage { me: &me, id: hid, b, year, measures, income }.render()?))
}

struct MemberLine {
    name: String,
    relation: &'static str,
    sex: &'static str,
    id_masked: String,
    age: String,
    education: &'static str,
    health: String,
    labour: &'static str,
}

struct PlanSection {
    title: String,
    written: String,
    goal: String,
    measures: Vec<MeasureView>,
}

struct HelperLine {
    name: String,
    period: String,
}

struct HistoryLine {
    on: String,
    what: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "handbook.html")]
struct HandbookPage<'a> {
    me: &'a CurrentUser,
    id: i64,
    b: Basics,
    members: Vec<MemberLine>,
    helpers: Vec<HelperLine>,
    plans: Vec<PlanSection>,
    /// 项目带动: projects that reached the household and 光伏收益 lines: (what, year, how, amount, note).
    reached: Vec<(String, i32, &'static str, String, String)>,
    incomes: Vec<IncomeRow>,
    visits: Vec<VisitView>,
    history: Vec<HistoryLine>,
    /// 培训和雨露计划: the members' courses with totals, and 雨露计划.
    training: super::training::HouseholdTraining,
}

async fn handbook(
    State(state): State<AppState>,
    me: CurrentUser,
    Path(hid): Path<i64>,
) -> Result<Html<String>, PageError> {
    let id = HouseholdId(hid);
    let today = me.today;
    let (b, members) = basics(&state, &me, id).await?;
    let members = members
        .iter()
        .map(|m| MemberLine {
            name: m.data.name.clone(),
            relation: m.data.relation.wording(m.data.sex),
            sex: m.data.sex.label_zh(),
            id_masked: m.data.id_number.masked(),
            age: if me.may(bangfu_core::auth::Permission::RevealId) {
                m.data.id_number.age_on(today).to_string()
            } else {
                "—".to_owned()
            },
            education: m.data.education.map(|e| e.label_zh()).unwrap_or(""),
            health: m.data.health.map(|e| e.label_zh()).unwrap_or_default(),
            labour: m.data.labour.map(|e| e.label_zh()).unwrap_or(""),
        })
        .collect();
    let helpers = state
        .db
        .helper_history(&me.scope, id)
        .await?
        .into_iter()
        .map(|a| HelperLine {
            name: format!(
                "{}{}",
                a.helper.data.name,
                a.helper.data.phone.map(|p| format!("（{p}）")).unwrap_or_default()
            ),
            period: match a.end_on {
                Some(end) => format!("{} — {}", zh_date(a.start_on), zh_date(end)),
                None => format!("{} 起", zh_date(a.start_on)),
            },
        })
        .collect();
    let plans = state
        .db
        .plans(&me.scope, id)
        .await?
        .iter()
        .map(|p| {
            let v = super::work::plan_view(crate::i18n::Lang::ZhCn, p, today);
            PlanSection { title: v.title, written: v.written, goal: v.goal, measures: v.measures }
        })
        .collect();
    let visits =
        state.db.visits(&me.scope, id).await?.iter().map(|v| visit_view(crate::i18n::Lang::ZhCn, v, today)).collect();
    let history = state
        .db
        .history(&me.scope, id)
        .await?
        .into_iter()
        .map(|e| HistoryLine {
            on: zh_date(e.effective_on),
            what: format!(
                "{}：{} → {}",
                if e.kind == "status" { "脱贫状态" } else { "监测类型" },
                label(&e.kind, e.from_value.as_deref()),
                label(&e.kind, e.to_value.as_deref())
            ),
            reason: e.reason,
        })
        .collect();
    let mut reached: Vec<(String, i32, &'static str, String, String)> = state
        .db
        .household_benefits(&me.scope, hid)
        .await?
        .into_iter()
        .map(|b| {
            (
                b.project_name,
                b.year,
                b.kind.label_zh(),
                b.amount.map(|a| a.display_yuan()).unwrap_or_default(),
                b.note.unwrap_or_default(),
            )
        })
        .collect();
    reached.extend(state.db.household_pv_lines(&me.scope, hid).await?.into_iter().map(|l| {
        let note = match l.paid_on {
            Some(on) => format!("{}发放{}", zh_date(on), l.person.map(|p| format!("，{p}")).unwrap_or_default()),
            None => bangfu_core::project::pv::plan_stage_zh(&l.stage).to_owned(),
        };
        (format!("{}（{}年度收益）", l.station_name, l.year), l.year, l.use_.label_zh(), l.amount.display_yuan(), note)
    }));
    let incomes = incomes(&state, &me, id).await?;
    let training = super::training::household_training(&state, &me.scope, hid).await?;
    Ok(Html(
        HandbookPage { me: &me, id: hid, b, members, helpers, plans, reached, incomes, visits, history, training }
            .render()?,
    ))
}

fn label(kind: &str, code: Option<&str>) -> &'static str {
    use bangfu_core::household::{MonitoringType, PovertyStatus};
    match (kind, code) {
        ("status", Some(c)) => PovertyStatus::parse(c).map(|s| s.label_zh()).unwrap_or("—"),
        (_, Some(c)) => MonitoringType::parse(c).map(|s| s.label_zh()).unwrap_or("—"),
        (_, None) => "不监测",
    }
}
