//! 村级光伏电站 and its income (shared/DOMAIN.md §6): a station owned by the village collective,
//! the grid company's settlements per quarter (电量, 电费收入 at the benchmark price, 补贴), and
//! the village's yearly 收益分配方案 — decided by 四议两公开, reviewed by the township, filed with
//! the county and published — whose lines pay 公益岗位 wages, small public works and dividends.
//! A plan is checked against its rules before it is submitted ([`check_plan`]); each paid line
//! lands in the household's income of the year it is paid ([`add_payment`]).

use chrono::NaiveDate;

use crate::area::AreaCode;
use crate::error::FieldError;
use crate::household::codes::{CodeList, UnknownCode, code_list, same_token};
use crate::household::income::{Income, IncomeComponent, IncomeItem, IncomeItemKind, IncomePeriod};
use crate::household::model::{Fields, normalise_digits, parse_date};
use crate::money::Fen;
use crate::project::funds::{permille, permille_zh};
use std::fmt;

code_list! {
    /// 光伏收益的用途: what a line of the distribution plan pays for.
    pub enum PvUse: "收益用途" {
        PublicJob => "public_job", "公益岗位工资", "Public-welfare job wages", ["公益岗位", "公益岗", "公益性岗位", "乡村公益性岗位"];
        SmallWorks => "small_works", "小型公益事业务工", "Wages for small public works", ["小型公益事业", "小微工程", "以工代赈"];
        Dividend => "dividend", "收益分红", "Dividend", ["分红", "奖励补助", "奖补"];
        Village => "village", "村级公益事业支出", "Village public spending", ["村级公益事业", "公益事业", "村集体"];
    }
}

impl PvUse {
    /// The income sub-item a paid line becomes in the household's income; none for the
    /// village's own spending.
    pub fn income_item(self) -> Option<IncomeItemKind> {
        match self {
            PvUse::PublicJob => Some(IncomeItemKind::PublicJob),
            PvUse::SmallWorks => Some(IncomeItemKind::OtherWages),
            PvUse::Dividend => Some(IncomeItemKind::Photovoltaic),
            PvUse::Village => None,
        }
    }

    /// Public-welfare jobs and small works: what the rules want most of the money spent on.
    pub fn is_public_job(self) -> bool {
        matches!(self, PvUse::PublicJob | PvUse::SmallWorks)
    }
}

/// The plan's stage: 草拟 → 已提交（四议两公开） → 乡镇已审核 → 县级已备案 → 已公示 → 已发放.
pub const PLAN_STAGES: &[(&str, &str)] = &[
    ("draft", "草拟"),
    ("submitted", "待乡镇审核"),
    ("reviewed", "待县级备案"),
    ("filed", "待公示"),
    ("published", "公示中，待发放"),
    ("paid", "已发放"),
];

pub fn plan_stage_zh(stage: &str) -> &'static str {
    PLAN_STAGES.iter().find(|(c, _)| *c == stage).map_or("未知", |(_, z)| z)
}

/// The rules a plan is checked against (district settings; the defaults are the province's
/// usual wording: at least 60 % to public-welfare jobs and small works, at least half of what
/// reaches households to those with weak or no labour).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanRules {
    /// 公益岗位和小型公益事业 at least this share of the plan, in per mille.
    pub public_job_min_permille: i64,
    /// What reaches households: at least this share to 弱劳动力户, in per mille.
    pub weak_labour_min_permille: i64,
}

impl Default for PlanRules {
    fn default() -> Self {
        PlanRules { public_job_min_permille: 600, weak_labour_min_permille: 500 }
    }
}

/// The settings rows of [`PlanRules`].
pub const PUBLIC_JOB_SETTING: &str = "pv_public_job_min_percent";
pub const WEAK_LABOUR_SETTING: &str = "pv_weak_labour_min_percent";

impl PlanRules {
    /// From the two settings' values (whole per cent, "60"); a blank or bad value keeps the default.
    pub fn from_settings(public_job: Option<&str>, weak_labour: Option<&str>) -> PlanRules {
        let d = PlanRules::default();
        let pct = |v: Option<&str>| v.and_then(|v| v.trim().trim_end_matches('%').parse::<i64>().ok());
        PlanRules {
            public_job_min_permille: pct(public_job)
                .filter(|p| (0..=100).contains(p))
                .map_or(d.public_job_min_permille, |p| p * 10),
            weak_labour_min_permille: pct(weak_labour)
                .filter(|p| (0..=100).contains(p))
                .map_or(d.weak_labour_min_permille, |p| p * 10),
        }
    }

    /// The settings form: whole per cents between 0 and 100.
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<PlanRules, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut pct = |k: &str, what: &str| match normalise_digits(f.get(k).trim()).trim_end_matches('%').parse::<i64>()
        {
            Ok(p) if (0..=100).contains(&p) => Some(p * 10),
            _ => {
                errors.push(FieldError::new(k, format!("{what}应为0至100之间的整数（百分比）")));
                None
            }
        };
        let a = pct("public_job_min_percent", "公益岗位和小型公益事业最低占比");
        let b = pct("weak_labour_min_percent", "弱劳动力户最低占比");
        match (a, b) {
            (Some(a), Some(b)) => Ok(PlanRules { public_job_min_permille: a, weak_labour_min_permille: b }),
            _ => Err(errors),
        }
    }
}

/// A station as the register keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationData {
    pub name: String,
    /// The village it stands in (the collective that owns it).
    pub area_code: AreaCode,
    /// 装机容量 in watts (entered in 千瓦 with up to three decimals).
    pub capacity_w: i64,
    /// 并网日期.
    pub grid_on: NaiveDate,
    /// 产权单位, e.g. 沙东村股份经济合作社.
    pub owner: String,
    /// The project that built it, if it is in the library.
    pub project_id: Option<i64>,
}

/// "300" / "300千瓦" / "300kW" / "0.5" → watts.
pub fn parse_kw(raw: &str) -> Option<i64> {
    let s = normalise_digits(raw.trim());
    let s = s.trim_end_matches("千瓦").trim_end_matches("kW").trim_end_matches("KW").trim_end_matches("kw").trim();
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 3
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let w: i64 = whole.parse().ok()?;
    let f: i64 = format!("{frac:0<3}").parse().ok()?;
    w.checked_mul(1000)?.checked_add(f)
}

/// Watts as 千瓦: "300", "0.5".
pub fn kw_zh(w: i64) -> String {
    let (k, r) = (w / 1000, w % 1000);
    if r == 0 { k.to_string() } else { format!("{k}.{}", format!("{r:03}").trim_end_matches('0')) }
}

fn date_field(f: &(impl Fields + ?Sized), k: &str, what: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let raw = f.get(k).trim();
    if raw.is_empty() {
        return None;
    }
    let d = parse_date(raw);
    if d.is_none() {
        errors.push(FieldError::new(k, format!("{what}“{raw}”不是有效日期，请写成 2026-03-15")));
    }
    d
}

fn money_field(f: &(impl Fields + ?Sized), k: &str, what: &str, errors: &mut Vec<FieldError>) -> Option<Fen> {
    let raw = f.get(k).trim();
    if raw.is_empty() {
        return None;
    }
    match Fen::parse_yuan(raw) {
        Ok(v) if !v.is_negative() => Some(v),
        Ok(_) => {
            errors.push(FieldError::new(k, format!("{what}不能为负数")));
            None
        }
        Err(e) => {
            errors.push(FieldError::new(k, format!("{what}：{e}")));
            None
        }
    }
}

impl StationData {
    /// The station form: name, village, capacity and grid date required; the owner defaults
    /// to the village collective.
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<StationData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = f.get("name").trim().to_owned();
        if name.is_empty() {
            errors.push(FieldError::new("name", "请填写电站名称，如 沙东村村级光伏电站"));
        } else if name.chars().count() > 60 {
            errors.push(FieldError::new("name", "电站名称不能超过60个字"));
        }
        let area_code = match f.get("area_code").trim() {
            "" => {
                errors.push(FieldError::new("area_code", "请选择电站所在村"));
                None
            }
            raw => match AreaCode::parse(raw) {
                Ok(c) if c.implied_level() == crate::area::AreaLevel::Village => Some(c),
                Ok(_) => {
                    errors.push(FieldError::new("area_code", "村级光伏电站的所在地应为村（社区）"));
                    None
                }
                Err(e) => {
                    errors.push(FieldError::new("area_code", e.to_string()));
                    None
                }
            },
        };
        let capacity_w = match f.get("capacity_kw").trim() {
            "" => {
                errors.push(FieldError::new("capacity_kw", "请填写装机容量（千瓦）"));
                None
            }
            raw => match parse_kw(raw) {
                Some(w) if w > 0 && w <= 100_000_000 => Some(w),
                _ => {
                    errors.push(FieldError::new("capacity_kw", format!("装机容量“{raw}”应为大于0的千瓦数，如 300")));
                    None
                }
            },
        };
        let grid_on = date_field(f, "grid_on", "并网日期", &mut errors);
        if f.get("grid_on").trim().is_empty() {
            errors.push(FieldError::new("grid_on", "请填写并网日期"));
        } else if grid_on.is_some_and(|d| d > today) {
            errors.push(FieldError::new("grid_on", "并网日期不能晚于今天"));
        }
        let owner = f.get("owner").trim().to_owned();
        if owner.chars().count() > 60 {
            errors.push(FieldError::new("owner", "产权单位不能超过60个字"));
        }
        let project_id = match f.get("project_id").trim() {
            "" => None,
            raw => match raw.parse::<i64>() {
                Ok(v) if v > 0 => Some(v),
                _ => {
                    errors.push(FieldError::new("project_id", "所属项目应从项目库中选择"));
                    None
                }
            },
        };
        match (area_code, capacity_w, grid_on) {
            (Some(area_code), Some(capacity_w), Some(grid_on)) if errors.is_empty() => Ok(StationData {
                name,
                area_code,
                capacity_w,
                grid_on,
                owner: if owner.is_empty() { "村集体".to_owned() } else { owner },
                project_id,
            }),
            _ => Err(errors),
        }
    }
}

/// The grid company's settlement of one quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementData {
    pub year: i32,
    pub quarter: u8,
    /// 上网电量, kWh.
    pub kwh: i64,
    /// 电费收入 at the benchmark price.
    pub income: Fen,
    /// 补贴: arrives later (by the next year's first quarter); blank while it has not.
    pub subsidy: Option<Fen>,
    /// 到账日期.
    pub received_on: Option<NaiveDate>,
}

impl SettlementData {
    pub fn total(&self) -> Fen {
        Fen(self.income.0 + self.subsidy.map_or(0, |s| s.0))
    }

    pub fn parse(
        f: &(impl Fields + ?Sized),
        today: NaiveDate,
        grid_on: NaiveDate,
    ) -> Result<SettlementData, Vec<FieldError>> {
        use chrono::Datelike;
        let mut errors = Vec::new();
        let year = match normalise_digits(f.get("year").trim()).trim_end_matches('年').parse::<i32>() {
            Ok(y) if (grid_on.year()..=today.year()).contains(&y) => Some(y),
            _ => {
                errors.push(FieldError::new("year", format!("结算年度应在并网当年（{}年）至今年之间", grid_on.year())));
                None
            }
        };
        let quarter = match normalise_digits(f.get("quarter").trim())
            .trim_start_matches('第')
            .trim_end_matches('季')
            .trim_end_matches("季度")
            .parse::<u8>()
        {
            Ok(q) if (1..=4).contains(&q) => Some(q),
            _ => {
                errors.push(FieldError::new("quarter", "请选择季度（1至4）"));
                None
            }
        };
        let kwh = match normalise_digits(f.get("kwh").trim())
            .replace([',', '，'], "")
            .trim_end_matches("千瓦时")
            .trim_end_matches("度")
            .parse::<i64>()
        {
            Ok(v) if v >= 0 => Some(v),
            _ => {
                errors.push(FieldError::new("kwh", "上网电量应为不小于0的整数（千瓦时）"));
                None
            }
        };
        let income = money_field(f, "income", "电费收入", &mut errors);
        if f.get("income").trim().is_empty() {
            errors.push(FieldError::new("income", "请填写电费收入（元）"));
        }
        let subsidy = money_field(f, "subsidy", "补贴收入", &mut errors);
        let received_on = date_field(f, "received_on", "到账日期", &mut errors);
        if received_on.is_some_and(|d| d > today) {
            errors.push(FieldError::new("received_on", "到账日期不能晚于今天"));
        }
        match (year, quarter, kwh, income) {
            (Some(year), Some(quarter), Some(kwh), Some(income)) if errors.is_empty() => {
                if year == today.year() && u32::from(quarter) > today.month().div_ceil(3) {
                    return Err(vec![FieldError::new("quarter", format!("{year}年第{quarter}季度尚未到来"))]);
                }
                Ok(SettlementData { year, quarter, kwh, income, subsidy, received_on })
            }
            _ => Err(errors),
        }
    }
}

/// A distribution plan's head: which year's income of which station, decided when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanData {
    /// The year whose income is distributed.
    pub year: i32,
    /// 四议两公开: the day the villagers' meeting decided it, and what the record says.
    pub decided_on: Option<NaiveDate>,
    pub decision: Option<String>,
}

impl PlanData {
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<PlanData, Vec<FieldError>> {
        use chrono::Datelike;
        let mut errors = Vec::new();
        let year = match normalise_digits(f.get("year").trim()).trim_end_matches('年').parse::<i32>() {
            Ok(y) if (2015..=today.year()).contains(&y) => Some(y),
            _ => {
                errors.push(FieldError::new("year", format!("分配年度应在2015年至{}年之间", today.year())));
                None
            }
        };
        let decided_on = date_field(f, "decided_on", "四议两公开决议日期", &mut errors);
        if decided_on.is_some_and(|d| d > today) {
            errors.push(FieldError::new("decided_on", "决议日期不能晚于今天"));
        }
        let decision = f.get("decision").trim();
        if decision.chars().count() > 500 {
            errors.push(FieldError::new("decision", "决议记录不能超过500个字"));
        }
        match year {
            Some(year) if errors.is_empty() => {
                Ok(PlanData { year, decided_on, decision: (!decision.is_empty()).then(|| decision.to_owned()) })
            }
            _ => Err(errors),
        }
    }
}

/// One line of a plan: to a household (and the member who holds the job), or the village's
/// own public spending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineData {
    pub use_: PvUse,
    /// 户编号; none for 村级公益事业支出.
    pub household_no: Option<String>,
    /// The member who holds the public-welfare job (by name, within the household).
    pub person: Option<String>,
    pub amount: Fen,
    /// 岗位或事项, e.g. 保洁员 10个月.
    pub note: Option<String>,
}

impl LineData {
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<LineData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let use_ = match f.get("use").trim() {
            "" => {
                errors.push(FieldError::new("use", "请选择收益用途"));
                None
            }
            raw => raw.parse::<PvUse>().map_err(|e| errors.push(FieldError::new("use", e.to_string()))).ok(),
        };
        let household_no = normalise_digits(f.get("household_no").trim());
        let person = f.get("person").trim().to_owned();
        match use_ {
            Some(PvUse::Village) if !household_no.is_empty() => {
                errors.push(FieldError::new("household_no", "村级公益事业支出不发到户，户编号不填"));
            }
            Some(u) if u != PvUse::Village && household_no.is_empty() => {
                errors.push(FieldError::new("household_no", format!("{}须填写受益农户的户编号", u.label_zh())));
            }
            _ => {}
        }
        if use_ == Some(PvUse::PublicJob) && person.is_empty() {
            errors.push(FieldError::new("person", "公益岗位须填写上岗人员姓名（该户成员）"));
        }
        if person.chars().count() > 30 {
            errors.push(FieldError::new("person", "姓名不能超过30个字"));
        }
        let amount = money_field(f, "amount", "金额", &mut errors);
        match amount {
            None if f.get("amount").trim().is_empty() => errors.push(FieldError::new("amount", "请填写金额（元）")),
            Some(a) if a.0 == 0 => errors.push(FieldError::new("amount", "金额应大于0")),
            _ => {}
        }
        let note = f.get("note").trim();
        if note.chars().count() > 100 {
            errors.push(FieldError::new("note", "岗位或事项不能超过100个字"));
        }
        match (use_, amount) {
            (Some(use_), Some(amount)) if errors.is_empty() => Ok(LineData {
                use_,
                household_no: (!household_no.is_empty()).then_some(household_no),
                person: (!person.is_empty()).then_some(person),
                amount,
                note: (!note.is_empty()).then(|| note.to_owned()),
            }),
            _ => Err(errors),
        }
    }
}

/// A line as the check reads it: its use, amount, and whether its household has weak or no
/// labour (no member who is 普通 or 技能劳动力, and at least one whose labour is recorded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedLine {
    pub use_: PvUse,
    pub amount: Fen,
    pub weak_labour: bool,
}

/// What the check found: the figures every reviewer sees, what blocks submission, and what
/// is only pointed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanCheck {
    pub total: Fen,
    pub available: Fen,
    pub public_job: Fen,
    pub to_households: Fen,
    pub to_weak_labour: Fen,
    pub blocking: Vec<String>,
    pub warnings: Vec<String>,
}

impl PlanCheck {
    pub fn public_job_share(&self) -> String {
        permille(self.public_job, self.total).map_or_else(|| "—".into(), permille_zh)
    }
    pub fn weak_labour_share(&self) -> String {
        permille(self.to_weak_labour, self.to_households).map_or_else(|| "—".into(), permille_zh)
    }
}

/// Checks a plan against what the station earned that year (less what other plans of the
/// year already take) and the rules.
pub fn check_plan(lines: &[CheckedLine], available: Fen, rules: PlanRules) -> PlanCheck {
    let sum = |f: &dyn Fn(&CheckedLine) -> bool| Fen(lines.iter().filter(|l| f(l)).map(|l| l.amount.0).sum());
    let total = sum(&|_| true);
    let public_job = sum(&|l| l.use_.is_public_job());
    let to_households = sum(&|l| l.use_ != PvUse::Village);
    let to_weak_labour = sum(&|l| l.use_ != PvUse::Village && l.weak_labour);
    let mut blocking = Vec::new();
    let mut warnings = Vec::new();
    if lines.is_empty() {
        blocking.push("方案还没有分配明细".to_owned());
    }
    if total.0 > available.0 {
        blocking.push(format!(
            "分配总额{}超过可分配收益{}（相差{}）",
            total.display_yuan(),
            available.display_yuan(),
            Fen(total.0 - available.0).display_yuan()
        ));
    }
    if let Some(p) = permille(public_job, total)
        && p < rules.public_job_min_permille
    {
        blocking.push(format!(
            "公益岗位和小型公益事业占{}（{}），低于规定的{}",
            permille_zh(p),
            public_job.display_yuan(),
            permille_zh(rules.public_job_min_permille)
        ));
    }
    if let Some(p) = permille(to_weak_labour, to_households)
        && p < rules.weak_labour_min_permille
    {
        warnings.push(format!(
            "到户资金中弱劳动力或无劳动力户占{}，低于{}：请向弱劳动力户倾斜，或在决议记录中说明理由",
            permille_zh(p),
            permille_zh(rules.weak_labour_min_permille)
        ));
    }
    PlanCheck { total, available, public_job, to_households, to_weak_labour, blocking, warnings }
}

/// What a paid line does to the household's income of `period`: adds the sub-item and its
/// total. A total entered without sub-items is kept as an "其他…" sub-item first, so the
/// total still equals its sub-items; a blank total becomes the payment. Nothing else changes.
pub fn add_payment(existing: Option<Income>, period: IncomePeriod, household_size: i64, item: IncomeItem) -> Income {
    let c = item.kind.component();
    let mut income = existing.unwrap_or(Income {
        period,
        household_size,
        wages: None,
        operating: None,
        property: None,
        transfer: None,
        operating_cost: None,
        claims: None,
        out_of_pocket: None,
        items: Vec::new(),
    });
    if let (Some(total), None) = (income.total(c), income.items_sum(c)) {
        income.items.push(IncomeItem { kind: other_of(c), amount: total, note: Some("原登记合计".into()) });
    }
    income.items.push(item);
    let sum = income.items_sum(c);
    match c {
        IncomeComponent::Wages => income.wages = sum,
        IncomeComponent::Operating => income.operating = sum,
        IncomeComponent::Property => income.property = sum,
        IncomeComponent::Transfer => income.transfer = sum,
        IncomeComponent::OperatingCost => income.operating_cost = sum,
    }
    income
}

fn other_of(c: IncomeComponent) -> IncomeItemKind {
    match c {
        IncomeComponent::Wages => IncomeItemKind::OtherWages,
        IncomeComponent::Operating => IncomeItemKind::OtherOperating,
        IncomeComponent::Property => IncomeItemKind::OtherProperty,
        IncomeComponent::Transfer => IncomeItemKind::OtherTransfer,
        IncomeComponent::OperatingCost => IncomeItemKind::OtherCost,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }
    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn line(use_: PvUse, yuan: i64, weak: bool) -> CheckedLine {
        CheckedLine { use_, amount: Fen(yuan * 100), weak_labour: weak }
    }

    #[test]
    fn capacity_is_read_in_kilowatts_and_shown_without_trailing_zeros() {
        assert_eq!(parse_kw("300"), Some(300_000));
        assert_eq!(parse_kw("３００千瓦"), Some(300_000));
        assert_eq!(parse_kw("62.5kW"), Some(62_500));
        assert_eq!(parse_kw("abc"), None);
        assert_eq!(parse_kw("1.2345"), None);
        assert_eq!(kw_zh(300_000), "300");
        assert_eq!(kw_zh(62_500), "62.5");
    }

    #[test]
    fn a_station_needs_a_village_its_capacity_and_grid_date() {
        let today = d("2026-12-08");
        let errs =
            StationData::parse(&form(&[("name", "沙东村光伏电站"), ("area_code", "411702101000")]), today).unwrap_err();
        let msgs: Vec<_> = errs.iter().map(|e| e.message.clone()).collect();
        assert!(msgs.contains(&"村级光伏电站的所在地应为村（社区）".to_owned()), "{msgs:?}");
        assert!(msgs.contains(&"请填写装机容量（千瓦）".to_owned()), "{msgs:?}");
        assert!(msgs.contains(&"请填写并网日期".to_owned()), "{msgs:?}");
        let s = StationData::parse(
            &form(&[
                ("name", "沙东村光伏电站"),
                ("area_code", "411702101201"),
                ("capacity_kw", "300"),
                ("grid_on", "2017-06-30"),
            ]),
            today,
        )
        .unwrap();
        assert_eq!((s.capacity_w, s.owner.as_str()), (300_000, "村集体"));
    }

    #[test]
    fn a_settlement_is_of_a_quarter_that_has_come_and_its_subsidy_may_wait() {
        let (today, grid) = (d("2026-12-08"), d("2017-06-30"));
        let s = SettlementData::parse(
            &form(&[("year", "2026"), ("quarter", "3"), ("kwh", "98,000"), ("income", "37,240"), ("subsidy", "")]),
            today,
            grid,
        )
        .unwrap();
        assert_eq!((s.kwh, s.income, s.subsidy, s.total()), (98_000, Fen(3_724_000), None, Fen(3_724_000)));
        let early = SettlementData::parse(
            &form(&[("year", "2016"), ("quarter", "1"), ("kwh", "1"), ("income", "1")]),
            today,
            grid,
        )
        .unwrap_err();
        assert_eq!(early[0].message, "结算年度应在并网当年（2017年）至今年之间");
        let future = SettlementData::parse(
            &form(&[("year", "2026"), ("quarter", "4"), ("kwh", "1"), ("income", "1")]),
            d("2026-08-01"),
            grid,
        )
        .unwrap_err();
        assert_eq!(future[0].message, "2026年第4季度尚未到来");
    }

    #[test]
    fn a_job_line_names_its_household_and_holder_and_the_village_line_none() {
        let e = LineData::parse(&form(&[("use", "公益岗位"), ("amount", "3600")])).unwrap_err();
        let msgs: Vec<_> = e.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(msgs, ["公益岗位工资须填写受益农户的户编号", "公益岗位须填写上岗人员姓名（该户成员）"]);
        let e =
            LineData::parse(&form(&[("use", "村级公益事业"), ("household_no", "4117021012010001"), ("amount", "1")]))
                .unwrap_err();
        assert_eq!(e[0].message, "村级公益事业支出不发到户，户编号不填");
        let e = LineData::parse(&form(&[("use", "分红"), ("household_no", "4117021012010001"), ("amount", "0")]))
            .unwrap_err();
        assert_eq!(e[0].message, "金额应大于0");
        let ok = LineData::parse(&form(&[
            ("use", "公益岗"),
            ("household_no", "4117021012010001"),
            ("person", "李桂兰"),
            ("amount", "3,600"),
            ("note", "村道保洁员 12个月"),
        ]))
        .unwrap();
        assert_eq!((ok.use_, ok.amount), (PvUse::PublicJob, Fen(360_000)));
    }

    #[test]
    fn a_plan_above_the_income_or_below_the_public_job_share_cannot_be_submitted() {
        let rules = PlanRules::default();
        let ok = check_plan(
            &[
                line(PvUse::PublicJob, 60_000, true),
                line(PvUse::Dividend, 20_000, true),
                line(PvUse::Village, 20_000, false),
            ],
            Fen(10_000_000),
            rules,
        );
        assert!(ok.blocking.is_empty() && ok.warnings.is_empty(), "{ok:?}");
        assert_eq!(ok.public_job_share(), "60.0%");
        let over = check_plan(&[line(PvUse::PublicJob, 120_000, true)], Fen(10_000_000), rules);
        assert_eq!(over.blocking, ["分配总额120,000.00元超过可分配收益100,000.00元（相差20,000.00元）"]);
        let few_jobs = check_plan(
            &[line(PvUse::PublicJob, 50_000, true), line(PvUse::Dividend, 50_000, true)],
            Fen(10_000_000),
            rules,
        );
        assert_eq!(few_jobs.blocking, ["公益岗位和小型公益事业占50.0%（50,000.00元），低于规定的60.0%"]);
        let empty = check_plan(&[], Fen(1), rules);
        assert_eq!(empty.blocking, ["方案还没有分配明细"]);
    }

    #[test]
    fn a_plan_that_passes_the_strong_over_the_weak_is_pointed_out() {
        let c = check_plan(
            &[line(PvUse::PublicJob, 70_000, false), line(PvUse::SmallWorks, 30_000, true)],
            Fen(10_000_000),
            PlanRules::default(),
        );
        assert!(c.blocking.is_empty());
        assert_eq!(
            c.warnings,
            ["到户资金中弱劳动力或无劳动力户占30.0%，低于50.0%：请向弱劳动力户倾斜，或在决议记录中说明理由"]
        );
        let stricter = PlanRules::from_settings(Some("80"), Some("20"));
        assert_eq!(stricter, PlanRules { public_job_min_permille: 800, weak_labour_min_permille: 200 });
        assert_eq!(PlanRules::from_settings(Some("abc"), None), PlanRules::default());
    }

    #[test]
    fn a_payment_lands_as_a_sub_item_and_keeps_a_bare_total() {
        let item =
            |kind, yuan: i64| IncomeItem { kind, amount: Fen(yuan * 100), note: Some("光伏收益分配".into()) };
        // No income yet: the payment is the only figure; nothing else is filled in.
        let fresh = add_payment(None, IncomePeriod::Year(2026), 3, item(IncomeItemKind::PublicJob, 3600));
        assert_eq!((fresh.wages, fresh.property, fresh.transfer), (Some(Fen(360_000)), None, None));
        assert!(fresh.validate().is_ok());
        // A bare total entered by hand is kept as 其他工资性收入.
        let mut bare = Income::of_year(2026, 3, [Some(Fen(1_000_000)), None, Some(Fen(50_000)), None, None]);
        bare = add_payment(Some(bare), IncomePeriod::Year(2026), 3, item(IncomeItemKind::PublicJob, 3600));
        assert_eq!(bare.wages, Some(Fen(1_360_000)));
        assert_eq!(bare.items[0].kind, IncomeItemKind::OtherWages);
        assert_eq!(bare.items[0].amount, Fen(1_000_000));
        assert!(bare.validate().is_ok(), "{:?}", bare.validate());
        // Property income with sub-items gets one more.
        let div = add_payment(Some(bare), IncomePeriod::Year(2026), 3, item(IncomeItemKind::Photovoltaic, 500));
        assert_eq!(div.property, Some(Fen(100_000)));
        assert_eq!(div.wages, Some(Fen(1_360_000)));
        assert!(div.validate().is_ok());
    }
}
