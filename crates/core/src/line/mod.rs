//! 监测范围 and 贫困线: the lines income is compared with, per year and area, with their
//! adjustment history; which line applies to a household; and the red / amber / green mark.

use chrono::NaiveDate;

use crate::area::{AreaCode, AreaLevel, Scope};
use crate::error::FieldError;
use crate::household::Fields;
use crate::money::Fen;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct LineId(pub i64);

/// Which line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// 监测范围 (认定标准): the province's yearly 家庭年人均纯收入 figure, since 2021.
    Monitoring,
    /// 贫困线 (扶贫标准): the historical poverty line of 2013–2020.
    Poverty,
}

impl LineKind {
    pub const ALL: [LineKind; 2] = [LineKind::Monitoring, LineKind::Poverty];

    pub fn code(self) -> &'static str {
        match self {
            LineKind::Monitoring => "monitoring",
            LineKind::Poverty => "poverty",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            LineKind::Monitoring => "监测范围",
            LineKind::Poverty => "贫困线",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            LineKind::Monitoring => "Monitoring line",
            LineKind::Poverty => "Poverty line",
        }
    }

    pub fn parse(s: &str) -> Option<LineKind> {
        let s = s.trim();
        LineKind::ALL
            .iter()
            .copied()
            .find(|k| k.code() == s || k.label_zh() == s || (s == "扶贫标准" && *k == LineKind::Poverty))
    }
}

/// The area a line is set for: the whole country, or one area (province, city, county …).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LineArea {
    National,
    Area(AreaCode),
}

/// How the national level is written where a 12-digit code is expected.
pub const NATIONAL_CODE: &str = "000000000000";

impl LineArea {
    /// "000000000000", "全国" or empty for the nation; otherwise a 12-digit area code.
    pub fn parse(s: &str) -> Result<LineArea, String> {
        let s = s.trim();
        if s.is_empty() || s == NATIONAL_CODE || s == "全国" || s == "national" {
            return Ok(LineArea::National);
        }
        AreaCode::parse(s).map(LineArea::Area)
    }

    pub fn code(&self) -> &str {
        match self {
            LineArea::National => NATIONAL_CODE,
            LineArea::Area(a) => a.as_str(),
        }
    }

    /// 0 for the nation, then one more per level down: the more specific, the larger.
    pub fn depth(&self) -> usize {
        match self {
            LineArea::National => 0,
            LineArea::Area(a) => 1 + AreaLevel::ALL.iter().position(|l| *l == a.implied_level()).unwrap_or(0),
        }
    }

    /// The area itself, then each ancestor up to the nation: village → township → county →
    /// city → province → national.
    pub fn chain(area: &AreaCode) -> Vec<LineArea> {
        let level = area.implied_level();
        let mut out: Vec<LineArea> = AreaLevel::ALL
            .iter()
            .rev()
            .filter(|l| l.prefix_len() <= level.prefix_len())
            .map(|l| {
                let keep = l.prefix_len();
                let code = format!("{}{}", &area.as_str()[..keep], "0".repeat(12 - keep));
                AreaCode::parse(&code).map(LineArea::Area)
            })
            .filter_map(Result::ok)
            .collect();
        out.dedup();
        out.push(LineArea::National);
        out
    }

    /// May a user of this scope set a line here? The nation, the scope's own ancestors
    /// (the province's line is entered by the district office), or an area inside the scope.
    pub fn settable_in(&self, scope: &Scope) -> bool {
        match self {
            LineArea::National => true,
            LineArea::Area(a) => scope.contains(a) || LineArea::chain(scope.root()).contains(self),
        }
    }
}

impl serde::Serialize for LineArea {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// What the district office enters for one line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineData {
    pub kind: LineKind,
    pub year: i32,
    pub area: LineArea,
    /// 家庭年人均纯收入 figure.
    pub amount: Fen,
    /// 文号: the document that set it.
    pub document_no: Option<String>,
    /// 执行日期
    pub effective_on: Option<NaiveDate>,
    /// 示例值: not an official figure (the demo's, or a placeholder until the document arrives).
    pub example: bool,
    pub note: Option<String>,
}

impl LineData {
    /// Reads `kind`, `year`, `area_code`, `amount` (元), `document_no`, `effective_on`, `example`
    /// ("是"/"1"/"true"), `note`. Every problem at once.
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<LineData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = LineKind::parse(f.get("kind"));
        if kind.is_none() {
            errors.push(FieldError::new("kind", "请选择标准类型（监测范围或贫困线）"));
        }
        let year_text = f.get("year").trim();
        let year = match year_text.parse::<i32>() {
            Ok(y) if (crate::household::income::FIRST_YEAR..=chrono::Datelike::year(&today) + 1).contains(&y) => {
                Some(y)
            }
            _ if year_text.is_empty() => {
                errors.push(FieldError::new("year", "请填写年度"));
                None
            }
            _ => {
                errors.push(FieldError::new(
                    "year",
                    format!("年度应在2013年至{}年之间", chrono::Datelike::year(&today) + 1),
                ));
                None
            }
        };
        let area = LineArea::parse(f.get("area_code")).map_err(|e| errors.push(FieldError::new("area_code", e))).ok();
        let amount_text = f.get("amount").trim();
        let amount = if amount_text.is_empty() {
            errors.push(FieldError::new("amount", "请填写标准（元/人·年）"));
            None
        } else {
            match Fen::parse_yuan(amount_text) {
                Ok(a) if a.0 > 0 && a.0 <= 10_000_000 => Some(a),
                Ok(_) => {
                    errors.push(FieldError::new("amount", "标准应大于0元且不超过10万元"));
                    None
                }
                Err(e) => {
                    errors.push(FieldError::new("amount", e.to_string()));
                    None
                }
            }
        };
        let effective_text = f.get("effective_on").trim();
        let effective_on = if effective_text.is_empty() {
            None
        } else {
            match crate::household::parse_date(effective_text) {
                Some(d) => Some(d),
                None => {
                    errors.push(FieldError::new("effective_on", format!("“{effective_text}”不是有效日期")));
                    None
                }
            }
        };
        let text = |k: &str| Some(f.get(k).trim()).filter(|s| !s.is_empty()).map(str::to_owned);
        let example = matches!(f.get("example").trim(), "是" | "1" | "true" | "on" | "yes");
        match (kind, year, area, amount) {
            (Some(kind), Some(year), Some(area), Some(amount)) if errors.is_empty() => Ok(LineData {
                kind,
                year,
                area,
                amount,
                document_no: text("document_no"),
                effective_on,
                example,
                note: text("note"),
            }),
            _ => Err(errors),
        }
    }
}

/// A stored line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Line {
    pub id: LineId,
    pub data: LineData,
    /// Grows with every adjustment; an adjustment names the version it was read at.
    pub version: i64,
}

/// One entry of a line's adjustment history (调整记录): nothing is overwritten unrecorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LineChange {
    pub at: chrono::DateTime<chrono::Utc>,
    pub username: String,
    /// None when the line was first entered.
    pub before: Option<Fen>,
    pub after: Fen,
    pub document_no: Option<String>,
    pub effective_on: Option<NaiveDate>,
    pub reason: String,
}

/// A reason is needed for every entry and adjustment.
pub fn check_reason(reason: &str) -> Result<&str, FieldError> {
    let r = reason.trim();
    if r.is_empty() {
        Err(FieldError::new("reason", "请填写调整原因（如 省里发文调整）"))
    } else {
        Ok(r)
    }
}

/// 调整: kind, year and area name a line and stay; something else must change.
pub fn check_adjustment(old: &LineData, new: &LineData) -> Result<(), FieldError> {
    if (old.kind, old.year, &old.area) != (new.kind, new.year, &new.area) {
        return Err(FieldError::new("year", "标准类型、年度和区划不能修改；如需其他年度或区划，请新增标准"));
    }
    if old == new {
        return Err(FieldError::new("amount", "没有修改任何内容"));
    }
    Ok(())
}

/// The line that applies to a household of `area` for `year` and `kind`: the most specific
/// area on the chain village → township → county → city → province → national that has one.
pub fn applicable<'a>(lines: &'a [Line], area: &AreaCode, year: i32, kind: LineKind) -> Option<&'a Line> {
    let chain = LineArea::chain(area);
    lines
        .iter()
        .filter(|l| l.data.year == year && l.data.kind == kind && chain.contains(&l.data.area))
        .max_by_key(|l| l.data.area.depth())
}

/// The line an income of `year` is compared with: that year's 监测范围, or for the years
/// before monitoring began, the year's 贫困线.
pub fn for_income<'a>(lines: &'a [Line], area: &AreaCode, year: i32) -> Option<&'a Line> {
    applicable(lines, area, year, LineKind::Monitoring).or_else(|| applicable(lines, area, year, LineKind::Poverty))
}

/// 接近 margin in percent: a district setting, default 10.
pub const DEFAULT_MARGIN_PERCENT: u32 = 10;

pub fn check_margin(text: &str) -> Result<u32, FieldError> {
    match crate::household::normalise_digits(text.trim()).trim_end_matches(['%', '％']).parse::<u32>() {
        Ok(n) if (1..=100).contains(&n) => Ok(n),
        _ => Err(FieldError::new("margin_percent", "接近范围应为1至100之间的百分数")),
    }
}

/// Net income per person against the line of its year and area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// red: below the line.
    Below,
    /// amber: at or above the line by less than the margin.
    Near,
    /// green
    Above,
    /// no line is set for that year and area.
    NoLine,
}

impl Mark {
    /// Below when under the line; near when at most `margin_percent` % above it (exclusive);
    /// above otherwise. Computed in integer fen: no rounding at the edge.
    pub fn of(per_person: Fen, line: Option<Fen>, margin_percent: u32) -> Mark {
        let Some(line) = line else { return Mark::NoLine };
        if per_person < line {
            Mark::Below
        } else if i128::from(per_person.0) * 100 < i128::from(line.0) * (100 + i128::from(margin_percent)) {
            Mark::Near
        } else {
            Mark::Above
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Mark::Below => "below",
            Mark::Near => "near",
            Mark::Above => "above",
            Mark::NoLine => "no_line",
        }
    }

    /// The colour class screens use; none without a line.
    pub fn colour(self) -> &'static str {
        match self {
            Mark::Below => "red",
            Mark::Near => "amber",
            Mark::Above => "green",
            Mark::NoLine => "",
        }
    }

    /// The words beside the colour, naming the kind of line compared with.
    pub fn label_zh(self, kind: LineKind, margin_percent: u32) -> String {
        let line = kind.label_zh();
        match self {
            Mark::Below => format!("低于{line}"),
            Mark::Near => format!("接近{line}（高出不足{margin_percent}%）"),
            Mark::Above => format!("高于{line}"),
            Mark::NoLine => "未设定该年度监测范围".to_owned(),
        }
    }

    pub fn label_en(self, kind: LineKind, margin_percent: u32) -> String {
        let line = kind.label_en().to_lowercase();
        match self {
            Mark::Below => format!("Below the {line}"),
            Mark::Near => format!("Near the {line} (less than {margin_percent}% above)"),
            Mark::Above => format!("Above the {line}"),
            Mark::NoLine => "No monitoring line set for that year".to_owned(),
        }
    }
}

/// The national poverty line at current prices (2 300 yuan at 2010 prices), as DOMAIN §3
/// gives it; the migration seeds these. 2016–2018 are not given there and are left out.
pub const NATIONAL_POVERTY_LINES: &[(i32, i64, &str)] = &[
    (2013, 273_600, "国家扶贫标准（2010年不变价2300元）现价"),
    (2014, 280_000, "国家扶贫标准（2010年不变价2300元）现价"),
    (2015, 285_500, "国家扶贫标准（2010年不变价2300元）现价"),
    (2019, 321_800, "国家扶贫标准（2010年不变价2300元）现价"),
    (2020, 400_000, "约4000元（近似值）：国家扶贫标准现价"),
];

/// 河南 (410000000000) example monitoring lines for the demo, 2021–2026: **example values**,
/// not Henan's published figures — about 1.5 × the 2020 national line (the practice DOMAIN §4
/// describes), raised about 5 % a year. The office enters the real ones from the province's
/// documents.
pub const EXAMPLE_HENAN_MONITORING: &[(i32, i64)] =
    &[(2021, 600_000), (2022, 630_000), (2023, 660_000), (2024, 690_000), (2025, 720_000), (2026, 750_000)];

pub const EXAMPLE_NOTE: &str = "示例值：约为2020年国家扶贫标准（约4000元）的1.5倍，逐年上调约5%，仅供演示，并非河南省公布的标准；请按省里文件录入正式标准";

pub const HENAN: &str = "410000000000";

#[cfg(test)]
mod tests;
