//! A household's income for one period (收入): the period, the household size of that
//! period, the five totals with their sub-items, the monitoring form's 理赔收入 and
//! 合规自付支出, and net income per person.

use chrono::{Datelike, NaiveDate};

use super::model::Fields;
use crate::error::FieldError;
use crate::money::Fen;

/// Earliest income year the register accepts: 建档立卡 began in 2013/2014.
pub const FIRST_YEAR: i32 = 2013;
const LAST_YEAR: i32 = 2100;
/// A household larger than this is a typing error.
const MAX_SIZE: i64 = 99;

/// 收入期间: what a figure covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncomePeriod {
    /// 年度: a calendar year (the 建档立卡 measure).
    Year(i32),
    /// 监测口径: the 12 months ending with (and including) `end_month` of `end_year`.
    TwelveMonths { end_year: i32, end_month: u32 },
}

impl IncomePeriod {
    /// Reads "2026", "2026年", "2026年度" (a year), or a 12-month window: "2025-12至2026-11",
    /// "2025年12月至2026年11月", "截至2026年11月", "截至2026-11", or the stored code "2026-11".
    /// A period may not end after this month.
    pub fn parse(input: &str, today: NaiveDate) -> Result<IncomePeriod, String> {
        let s: String = input
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' | '－' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '~' | '～' | '—' => '至',
                _ => c,
            })
            .filter(|c| !c.is_whitespace())
            .collect();
        let bad = || {
            format!(
                "“{}”不是有效的收入期间：请写年度（如 2026）或截止月份（如 2025-12至2026-11、截至2026年11月）",
                input.trim()
            )
        };
        let period = if let Some(year) = s.strip_suffix("年度").or_else(|| s.strip_suffix('年')).or(Some(s.as_str()))
            && year.len() == 4
            && year.bytes().all(|b| b.is_ascii_digit())
        {
            IncomePeriod::Year(year.parse().map_err(|_| bad())?)
        } else if let Some(end) = s.strip_prefix("截至").or_else(|| s.strip_prefix("截止")) {
            let end = month(end).ok_or_else(bad)?;
            IncomePeriod::TwelveMonths { end_year: end.0, end_month: end.1 }
        } else if let Some((from, to)) = s.split_once('至') {
            let (from, to) = (month(from).ok_or_else(bad)?, month(to).ok_or_else(bad)?);
            let window = IncomePeriod::TwelveMonths { end_year: to.0, end_month: to.1 };
            if window.first_month() != from {
                return Err(format!(
                    "监测口径应为连续12个月：截至{}年{}月的12个月从{}年{}月起",
                    to.0,
                    to.1,
                    window.first_month().0,
                    window.first_month().1
                ));
            }
            window
        } else {
            let end = month(&s).ok_or_else(bad)?;
            IncomePeriod::TwelveMonths { end_year: end.0, end_month: end.1 }
        };
        let (end_year, end_month) = period.last_month();
        if !(FIRST_YEAR..=LAST_YEAR).contains(&end_year) {
            return Err(format!("收入期间应在{FIRST_YEAR}年至{LAST_YEAR}年之间"));
        }
        let this_month = (today.year(), today.month());
        match period {
            IncomePeriod::Year(y) if y > today.year() => Err(format!("收入年度不能晚于今年（{}年）", today.year())),
            IncomePeriod::TwelveMonths { .. } if (end_year, end_month) > this_month => {
                Err(format!("截止月份不能晚于本月（{}年{}月）", this_month.0, this_month.1))
            }
            _ => Ok(period),
        }
    }

    /// The stored code: "2026" for a year, "2026-11" for the 12 months ending November 2026.
    pub fn code(&self) -> String {
        match self {
            IncomePeriod::Year(y) => y.to_string(),
            IncomePeriod::TwelveMonths { end_year, end_month } => format!("{end_year}-{end_month:02}"),
        }
    }

    /// Reads a stored code back (no date bound: it was checked when recorded).
    pub fn from_code(code: &str) -> Option<IncomePeriod> {
        match code.split_once('-') {
            None => code.parse().ok().map(IncomePeriod::Year),
            Some((y, m)) => {
                let (end_year, end_month) = (y.parse().ok()?, m.parse().ok()?);
                (1..=12).contains(&end_month).then_some(IncomePeriod::TwelveMonths { end_year, end_month })
            }
        }
    }

    /// The year whose line applies: the year itself, or the year the window ends in.
    pub fn line_year(&self) -> i32 {
        self.last_month().0
    }

    /// (year, month) of the period's last month, for ordering newest first.
    pub fn last_month(&self) -> (i32, u32) {
        match *self {
            IncomePeriod::Year(y) => (y, 12),
            IncomePeriod::TwelveMonths { end_year, end_month } => (end_year, end_month),
        }
    }

    fn first_month(&self) -> (i32, u32) {
        match *self {
            IncomePeriod::Year(y) => (y, 1),
            IncomePeriod::TwelveMonths { end_year, end_month } => {
                if end_month == 12 {
                    (end_year, 1)
                } else {
                    (end_year - 1, end_month + 1)
                }
            }
        }
    }

    /// True for the monitoring measure (12 months before a month).
    pub fn is_window(&self) -> bool {
        matches!(self, IncomePeriod::TwelveMonths { .. })
    }

    /// "2026年度" or "2025年12月至2026年11月".
    pub fn label_zh(&self) -> String {
        match self {
            IncomePeriod::Year(y) => format!("{y}年度"),
            IncomePeriod::TwelveMonths { end_year, end_month } => {
                let (fy, fm) = self.first_month();
                format!("{fy}年{fm}月至{end_year}年{end_month}月")
            }
        }
    }

    /// "2026" or "12 months to 2026-11".
    pub fn label_en(&self) -> String {
        match self {
            IncomePeriod::Year(y) => y.to_string(),
            IncomePeriod::TwelveMonths { end_year, end_month } => format!("12 months to {end_year}-{end_month:02}"),
        }
    }
}

impl serde::Serialize for IncomePeriod {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

/// "2026-11", "2026年11月", "2026.11", "202611" → (2026, 11).
fn month(s: &str) -> Option<(i32, u32)> {
    let s = s.trim().trim_end_matches('份');
    let (y, m) = if let Some(rest) = s.strip_suffix('月') {
        rest.split_once('年')?
    } else if let Some(pair) = s.split_once(['-', '.', '/']) {
        pair
    } else if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.split_at(4)
    } else {
        return None;
    };
    if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some((y, m))
}

/// The five totals of the income form, in the form's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IncomeComponent {
    /// 工资性收入
    Wages,
    /// 生产经营性收入 (gross, before costs)
    Operating,
    /// 财产性收入
    Property,
    /// 转移性收入
    Transfer,
    /// 生产经营性支出
    OperatingCost,
}

impl IncomeComponent {
    pub const ALL: [IncomeComponent; 5] = [
        IncomeComponent::Wages,
        IncomeComponent::Operating,
        IncomeComponent::Property,
        IncomeComponent::Transfer,
        IncomeComponent::OperatingCost,
    ];

    /// The field name in forms, the API and households.csv.
    pub fn code(self) -> &'static str {
        match self {
            IncomeComponent::Wages => "wages",
            IncomeComponent::Operating => "operating",
            IncomeComponent::Property => "property",
            IncomeComponent::Transfer => "transfer",
            IncomeComponent::OperatingCost => "operating_cost",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            IncomeComponent::Wages => "工资性收入",
            IncomeComponent::Operating => "生产经营性收入",
            IncomeComponent::Property => "财产性收入",
            IncomeComponent::Transfer => "转移性收入",
            IncomeComponent::OperatingCost => "生产经营性支出",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            IncomeComponent::Wages => "Wages",
            IncomeComponent::Operating => "Operating income",
            IncomeComponent::Property => "Property income",
            IncomeComponent::Transfer => "Transfers",
            IncomeComponent::OperatingCost => "Operating costs",
        }
    }

    /// The sub-items that add up to this total.
    pub fn kinds(self) -> impl Iterator<Item = IncomeItemKind> {
        IncomeItemKind::ALL.iter().copied().filter(move |k| k.component() == self)
    }
}

macro_rules! item_kinds {
    ($($variant:ident => $code:literal, $zh:literal, $en:literal, $component:ident;)*) => {
        /// 收入分项 (DOMAIN §2): each sub-item belongs to one of the five totals.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum IncomeItemKind { $($variant,)* }

        impl IncomeItemKind {
            pub const ALL: &'static [IncomeItemKind] = &[$(IncomeItemKind::$variant,)*];
            pub fn code(self) -> &'static str { match self { $(IncomeItemKind::$variant => $code,)* } }
            pub fn label_zh(self) -> &'static str { match self { $(IncomeItemKind::$variant => $zh,)* } }
            pub fn label_en(self) -> &'static str { match self { $(IncomeItemKind::$variant => $en,)* } }
            pub fn component(self) -> IncomeComponent { match self { $(IncomeItemKind::$variant => IncomeComponent::$component,)* } }
            /// The form and API field of the amount: `item_<code>`.
            pub fn item_field(self) -> &'static str { match self { $(IncomeItemKind::$variant => concat!("item_", $code),)* } }
            /// The field of its note: `note_<code>`.
            pub fn note_field(self) -> &'static str { match self { $(IncomeItemKind::$variant => concat!("note_", $code),)* } }
            /// By code or Chinese label.
            pub fn parse(s: &str) -> Option<IncomeItemKind> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|k| k.code() == s || k.label_zh() == s)
            }
        }
    };
}

item_kinds! {
    MigrantWork => "migrant_work", "务工收入", "Migrant and local work", Wages;
    PublicJob => "public_job", "公益性岗位工资", "Public-welfare job", Wages;
    OtherWages => "other_wages", "其他工资性收入", "Other wages", Wages;
    Planting => "planting", "种植业收入", "Planting", Operating;
    Breeding => "breeding", "养殖业收入", "Breeding", Operating;
    ForestFruit => "forest_fruit", "林果业收入", "Forestry and fruit", Operating;
    OtherOperating => "other_operating", "其他经营收入", "Other operating income", Operating;
    Dividend => "dividend", "资产收益分红", "Asset-income dividend", Property;
    LandRent => "land_rent", "土地流转租金", "Land rent", Property;
    Cooperative => "cooperative", "合作社收益", "Cooperative income", Property;
    Photovoltaic => "photovoltaic", "光伏收益", "Photovoltaic income", Property;
    OtherProperty => "other_property", "其他财产性收入", "Other property income", Property;
    Dibao => "dibao", "低保金", "Minimum living allowance (低保)", Transfer;
    Tekun => "tekun", "特困供养金", "Extreme-poverty support (特困)", Transfer;
    Pension => "pension", "养老金", "Pension", Transfer;
    EcoCompensation => "eco_compensation", "生态补偿金", "Ecological compensation", Transfer;
    Subsidy => "subsidy", "各类补贴", "Subsidies", Transfer;
    Support => "support", "赡养费", "Support from children", Transfer;
    InsurancePayout => "insurance_payout", "保险金", "Insurance payouts", Transfer;
    OtherTransfer => "other_transfer", "其他转移性收入", "Other transfers", Transfer;
    PlantingCost => "planting_cost", "种植业支出", "Planting costs", OperatingCost;
    BreedingCost => "breeding_cost", "养殖业支出", "Breeding costs", OperatingCost;
    OtherCost => "other_cost", "其他生产经营支出", "Other operating costs", OperatingCost;
}

/// One sub-item: an amount with a note (where the money came from).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IncomeItem {
    pub kind: IncomeItemKind,
    pub amount: Fen,
    pub note: Option<String>,
}

/// 家庭收入: one household, one period, all amounts in fen. A blank figure is `None`
/// (未填), never zero.
///
/// ```text
/// 家庭人均纯收入 = (工资性收入 + 生产经营性收入 + 财产性收入 + 转移性收入 − 生产经营性支出
///                  + 理赔收入 − 合规自付支出) ÷ 该期家庭人口
/// ```
///
/// Net income per person = (wages + operating + property + transfers − operating costs +
/// claims received − compliant out-of-pocket spending) ÷ the household size stored with
/// this record. 理赔收入 and 合规自付支出 are the monitoring form's two extra lines: records of
/// the 建档立卡 years leave them blank, and for them the formula is the classic one. A figure
/// left blank adds nothing (and the record shows as partly filled); a later birth or death
/// never changes the result, because the size is the one stored with the record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Income {
    pub period: IncomePeriod,
    /// 该期家庭人口: the household size of this period.
    pub household_size: i64,
    pub wages: Option<Fen>,
    pub operating: Option<Fen>,
    pub property: Option<Fen>,
    pub transfer: Option<Fen>,
    pub operating_cost: Option<Fen>,
    /// 理赔收入: insurance claims received (the monitoring form).
    pub claims: Option<Fen>,
    /// 合规自付支出: compliant out-of-pocket spending after insurance, e.g. medical bills.
    pub out_of_pocket: Option<Fen>,
    /// Sub-items; a total with sub-items equals their sum.
    pub items: Vec<IncomeItem>,
}

impl Income {
    /// A year's five totals without sub-items (the households.csv shape).
    pub fn of_year(year: i32, household_size: i64, totals: [Option<Fen>; 5]) -> Income {
        let [wages, operating, property, transfer, operating_cost] = totals;
        Income {
            period: IncomePeriod::Year(year),
            household_size,
            wages,
            operating,
            property,
            transfer,
            operating_cost,
            claims: None,
            out_of_pocket: None,
            items: Vec::new(),
        }
    }

    pub fn total(&self, c: IncomeComponent) -> Option<Fen> {
        match c {
            IncomeComponent::Wages => self.wages,
            IncomeComponent::Operating => self.operating,
            IncomeComponent::Property => self.property,
            IncomeComponent::Transfer => self.transfer,
            IncomeComponent::OperatingCost => self.operating_cost,
        }
    }

    fn set_total(&mut self, c: IncomeComponent, v: Option<Fen>) {
        match c {
            IncomeComponent::Wages => self.wages = v,
            IncomeComponent::Operating => self.operating = v,
            IncomeComponent::Property => self.property = v,
            IncomeComponent::Transfer => self.transfer = v,
            IncomeComponent::OperatingCost => self.operating_cost = v,
        }
    }

    /// The sum of a component's sub-items; `None` when it has none.
    pub fn items_sum(&self, c: IncomeComponent) -> Option<Fen> {
        let mut items = self.items.iter().filter(|i| i.kind.component() == c).peekable();
        items.peek()?;
        Some(Fen(items.map(|i| i.amount.0).sum()))
    }

    /// 家庭纯收入 (see the type's formula); a blank figure adds nothing. May be negative.
    pub fn total_net(&self) -> Fen {
        let v = |f: Option<Fen>| f.map_or(0, |f| f.0);
        Fen(v(self.wages) + v(self.operating) + v(self.property) + v(self.transfer) - v(self.operating_cost)
            + v(self.claims)
            - v(self.out_of_pocket))
    }

    /// 人均纯收入 by the size stored with the record, rounded to the nearest fen.
    pub fn net_per_person(&self) -> Option<Fen> {
        if self.household_size <= 0 {
            return None;
        }
        self.total_net().checked_div_count(self.household_size)
    }

    /// True when one of the five totals was left blank (未填).
    pub fn is_partial(&self) -> bool {
        IncomeComponent::ALL.iter().any(|c| self.total(*c).is_none())
    }

    /// Every problem at once, one per field, so a form can show them all.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let (year, _) = self.period.last_month();
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            errors.push(FieldError::new("period", format!("收入年度应在{FIRST_YEAR}年至{LAST_YEAR}年之间")));
        }
        if !(1..=MAX_SIZE).contains(&self.household_size) {
            errors.push(FieldError::new("household_size", format!("该期家庭人口应为1至{MAX_SIZE}人")));
        }
        for c in IncomeComponent::ALL {
            if self.total(c).is_some_and(Fen::is_negative) {
                errors.push(FieldError::new(c.code(), format!("{}不能为负数", c.label_zh())));
            } else if let (Some(total), Some(sum)) = (self.total(c), self.items_sum(c))
                && total != sum
            {
                errors.push(FieldError::new(
                    c.code(),
                    format!(
                        "{}合计{}元，与各分项之和{}元不符",
                        c.label_zh(),
                        total.to_yuan_string(),
                        sum.to_yuan_string()
                    ),
                ));
            }
        }
        for (field, label, v) in
            [("claims", "理赔收入", self.claims), ("out_of_pocket", "合规自付支出", self.out_of_pocket)]
        {
            if v.is_some_and(Fen::is_negative) {
                errors.push(FieldError::new(field, format!("{label}不能为负数")));
            }
        }
        for i in &self.items {
            if i.amount.is_negative() {
                errors.push(FieldError::new(i.kind.item_field(), format!("{}不能为负数", i.kind.label_zh())));
            }
        }
        let any = IncomeComponent::ALL.iter().any(|c| self.total(*c).is_some())
            || self.claims.is_some()
            || self.out_of_pocket.is_some();
        if !any {
            errors.push(FieldError::new("wages", "请至少填写一项收入或支出（未填的项目不按0计）"));
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }

    /// One line for the audit log: every figure, 未填 for a blank, and the size.
    pub fn describe(&self) -> String {
        let f = |v: Option<Fen>| v.map_or_else(|| "未填".to_owned(), Fen::to_yuan_string);
        let mut s = format!("{} 人口{}", self.period.label_zh(), self.household_size);
        for c in IncomeComponent::ALL {
            s.push_str(&format!(" {} {}", c.label_zh(), f(self.total(c))));
        }
        if self.claims.is_some() || self.out_of_pocket.is_some() {
            s.push_str(&format!(" 理赔收入 {} 合规自付支出 {}", f(self.claims), f(self.out_of_pocket)));
        }
        for i in &self.items {
            s.push_str(&format!("；{} {}", i.kind.label_zh(), i.amount.to_yuan_string()));
            if let Some(n) = &i.note {
                s.push_str(&format!("（{n}）"));
            }
        }
        s
    }
}

/// Reads the income columns of a household row (households.csv, the API's new household):
/// none when the year and all amounts are empty. `household_size` is the size the new
/// household is registered with.
pub fn parse_income_fields(
    f: &(impl Fields + ?Sized),
    today: NaiveDate,
    household_size: i64,
) -> Result<Option<Income>, Vec<FieldError>> {
    parse_with(f, today, household_size, "income_year")
}

/// Reads the income form (page or API): `period` (or `income_year`), `household_size`
/// (blank: `current_size`), the five totals, `claims`, `out_of_pocket`, and per sub-item
/// `item_<kind>` with `note_<kind>`. A total left blank while its sub-items are filled is
/// their sum; a total typed beside sub-items must equal their sum.
pub fn parse_income_form(
    f: &(impl Fields + ?Sized),
    today: NaiveDate,
    current_size: i64,
) -> Result<Option<Income>, Vec<FieldError>> {
    parse_with(f, today, current_size, "period")
}

fn parse_with(
    f: &(impl Fields + ?Sized),
    today: NaiveDate,
    default_size: i64,
    period_field: &str,
) -> Result<Option<Income>, Vec<FieldError>> {
    let period_text =
        [period_field, "period", "income_year"].iter().map(|k| f.get(k).trim()).find(|s| !s.is_empty()).unwrap_or("");
    let mut errors = Vec::new();
    let mut money = |field: &str| -> Option<Fen> {
        let v = f.get(field).trim();
        if v.is_empty() {
            return None;
        }
        Fen::parse_yuan(v).map_err(|e| errors.push(FieldError::new(field, e.to_string()))).ok()
    };
    let totals = IncomeComponent::ALL.map(|c| money(c.code()));
    let claims = money("claims");
    let out_of_pocket = money("out_of_pocket");
    let mut items = Vec::new();
    for kind in IncomeItemKind::ALL {
        if let Some(amount) = money(kind.item_field()) {
            let note = f.get(kind.note_field()).trim();
            items.push(IncomeItem { kind: *kind, amount, note: (!note.is_empty()).then(|| note.to_owned()) });
        }
    }
    let nothing = totals.iter().all(Option::is_none) && claims.is_none() && out_of_pocket.is_none() && items.is_empty();
    if period_text.is_empty() {
        if nothing {
            return Ok(None);
        }
        errors.push(FieldError::new(period_field, "填写了收入，但未填写收入年度"));
    }
    let period = if period_text.is_empty() {
        None
    } else {
        IncomePeriod::parse(period_text, today).map_err(|e| errors.push(FieldError::new(period_field, e))).ok()
    };
    // A household row holds one year's figures; the 12-month measure is recorded on the income form.
    let period = match period {
        Some(p) if p.is_window() && period_field == "income_year" => {
            errors.push(FieldError::new(period_field, "收入年度应为年份，如 2025"));
            None
        }
        p => p,
    };
    let size_text = f.get("household_size").trim();
    let household_size = if size_text.is_empty() {
        default_size
    } else {
        match super::model::normalise_digits(size_text).parse::<i64>() {
            Ok(n) => n,
            Err(_) => {
                errors.push(FieldError::new("household_size", format!("“{size_text}”不是人数")));
                default_size
            }
        }
    };
    let [wages, operating, property, transfer, operating_cost] = totals;
    let mut income = Income {
        period: period.unwrap_or(IncomePeriod::Year(today.year())),
        household_size,
        wages,
        operating,
        property,
        transfer,
        operating_cost,
        claims,
        out_of_pocket,
        items,
    };
    for c in IncomeComponent::ALL {
        if income.total(c).is_none() {
            let sum = income.items_sum(c);
            income.set_total(c, sum);
        }
    }
    if let Err(e) = income.validate() {
        let period_error = errors.iter().any(|x| x.field == period_field);
        errors.extend(e.into_iter().filter(|x| !(period_error && x.field == "period")).map(|mut x| {
            if x.field == "period" {
                x.field = period_field.to_owned();
            }
            x
        }));
    }
    if errors.is_empty() { Ok(Some(income)) } else { Err(errors) }
}

const fn col(field: &'static str, zh: &'static str, en: &'static str, required: bool) -> super::columns::Column {
    let kind = match field.as_bytes() {
        b"household_no" | b"period" => super::columns::Kind::Text { max: 20 },
        b"household_size" => super::columns::Kind::Integer { min: 1, max: 99 },
        _ => super::columns::Kind::Money,
    };
    // Stored in the incomes table (crates/db/src/incomes.rs), not in the household's own row.
    super::columns::Column { field, zh, en, required, kind, stored: &[] }
}

/// incomes.csv (optional beside households.csv): one row per household and period, for the
/// years before the one in households.csv and for the 12-month monitoring measure.
pub const INCOME_COLUMNS: &[super::columns::Column] = &[
    col("household_no", "户编号", "Household no.", true),
    col("period", "收入期间", "Period", true),
    col("household_size", "该期家庭人口", "Household size of the period", false),
    col("wages", "工资性收入（元）", "Wages (yuan)", false),
    col("operating", "生产经营性收入（元）", "Operating income (yuan)", false),
    col("property", "财产性收入（元）", "Property income (yuan)", false),
    col("transfer", "转移性收入（元）", "Transfers (yuan)", false),
    col("operating_cost", "生产经营性支出（元）", "Operating costs (yuan)", false),
    col("claims", "理赔收入（元）", "Claims received (yuan)", false),
    col("out_of_pocket", "合规自付支出（元）", "Compliant out-of-pocket spending (yuan)", false),
];

#[cfg(test)]
mod tests;
