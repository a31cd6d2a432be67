//! 扶贫项目资产 (shared/DOMAIN.md §6): what a finished project leaves — a station, a shed, a
//! road — whose it is, what it is worth and who looks after it, and what became of it since
//! (在用, 闲置, 损毁, 处置). Registered once the project has passed 县级验收; never deleted.

use chrono::NaiveDate;

use crate::area::AreaCode;
use crate::error::FieldError;
use crate::household::codes::{CodeList, UnknownCode, code_list, same_token};
use crate::household::model::{Fields, parse_date};
use crate::money::Fen;
use std::fmt;

code_list! {
    /// 资产类型.
    pub enum AssetType: "资产类型" {
        Operating => "operating", "经营性资产", "Operating asset", ["经营性"];
        PublicWelfare => "public_welfare", "公益性资产", "Public-welfare asset", ["公益性"];
        Household => "household", "到户类资产", "Household asset", ["到户类", "到户"];
    }
}

code_list! {
    /// 资产类别.
    pub enum AssetCategory: "资产类别" {
        Building => "building", "房屋/大棚", "Buildings and sheds", ["房屋", "大棚", "房屋大棚"];
        Photovoltaic => "photovoltaic", "光伏电站", "Photovoltaic station", ["光伏"];
        Road => "road", "道路", "Road", ["道路桥梁"];
        Water => "water", "水利设施", "Water works", ["水利", "坑塘"];
        Machinery => "machinery", "机械设备", "Machinery", ["设备", "机械"];
        Other => "other", "其他", "Other", [];
    }
}

code_list! {
    /// 产权主体的类型.
    pub enum OwnerKind: "产权主体类型" {
        Collective => "collective", "村集体", "Village collective", ["村集体经济组织", "村股份经济合作社"];
        Household => "household", "农户", "Household", [];
        Other => "other", "其他", "Other", [];
    }
}

code_list! {
    /// 资产状态.
    pub enum AssetStatus: "资产状态" {
        InUse => "in_use", "在用", "In use", ["正常", "使用中"];
        Idle => "idle", "闲置", "Idle", [];
        Damaged => "damaged", "损毁", "Damaged", ["损坏"];
        Disposed => "disposed", "处置", "Disposed", ["已处置", "报废"];
    }
}

/// An asset as registered on its project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetData {
    pub name: String,
    pub asset_type: AssetType,
    pub category: AssetCategory,
    /// The village it stands in; none: the project's own place.
    pub village: Option<AreaCode>,
    /// 产权归属, as the handover paper names it ("沙东村股份经济合作社").
    pub owner: String,
    pub owner_kind: OwnerKind,
    /// 资产价值 (元, kept in fen), more than 0.
    pub value: Fen,
    /// 资产移交日期.
    pub handed_over_on: NaiveDate,
    /// 管护主体 and 管护责任人.
    pub keeper: String,
    pub keeper_person: String,
    pub note: Option<String>,
}

fn choice<T: CodeList + std::str::FromStr<Err = UnknownCode>>(
    f: &(impl Fields + ?Sized),
    key: &str,
    missing: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    match f.get(key).trim() {
        "" => {
            errors.push(FieldError::new(key, missing));
            None
        }
        raw => raw.parse::<T>().map_err(|e| errors.push(FieldError::new(key, e.to_string()))).ok(),
    }
}

fn text(f: &(impl Fields + ?Sized), key: &str, what: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let v = f.get(key).trim().to_owned();
    if v.is_empty() {
        errors.push(FieldError::new(key, format!("请填写{what}")));
    } else if v.chars().count() > max {
        errors.push(FieldError::new(key, format!("{what}不能超过{max}个字")));
    }
    v
}

impl AssetData {
    /// The asset form; `today` bounds the handover date.
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<AssetData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = text(f, "name", "资产名称，如 沙东村香菇大棚20座", 100, &mut errors);
        let asset_type = choice::<AssetType>(f, "asset_type", "请选择资产类型（经营性、公益性或到户类）", &mut errors);
        let category = choice::<AssetCategory>(f, "category", "请选择资产类别", &mut errors);
        let village = match f.get("village").trim() {
            "" => None,
            raw => AreaCode::parse(raw).map_err(|e| errors.push(FieldError::new("village", e.to_string()))).ok(),
        };
        let owner = text(f, "owner", "产权归属，如 沙东村股份经济合作社", 60, &mut errors);
        let owner_kind = choice::<OwnerKind>(f, "owner_kind", "请选择产权主体（村集体、农户或其他）", &mut errors);
        let value = match f.get("value").trim() {
            "" => {
                errors.push(FieldError::new("value", "请填写资产价值（元）"));
                None
            }
            raw => match Fen::parse_yuan(raw) {
                Ok(v) if v.0 > 0 => Some(v),
                Ok(_) => {
                    errors.push(FieldError::new("value", "资产价值应大于0"));
                    None
                }
                Err(e) => {
                    errors.push(FieldError::new("value", format!("资产价值：{e}")));
                    None
                }
            },
        };
        let handed_over_on = match f.get("handed_over_on").trim() {
            "" => {
                errors.push(FieldError::new("handed_over_on", "请填写资产移交日期"));
                None
            }
            raw => match parse_date(raw) {
                Some(d) if d > today => {
                    errors.push(FieldError::new("handed_over_on", "资产移交日期不能晚于今天"));
                    None
                }
                Some(d) => Some(d),
                None => {
                    errors.push(FieldError::new("handed_over_on", "资产移交日期格式应为 2026-10-15"));
                    None
                }
            },
        };
        let keeper = text(f, "keeper", "管护主体，如 沙东村村民委员会", 60, &mut errors);
        let keeper_person = text(f, "keeper_person", "管护责任人", 30, &mut errors);
        let note = f.get("note").trim();
        if note.chars().count() > 200 {
            errors.push(FieldError::new("note", "备注不能超过200个字"));
        }
        let note = (!note.is_empty()).then(|| note.to_owned());
        match (asset_type, category, owner_kind, value, handed_over_on) {
            (Some(asset_type), Some(category), Some(owner_kind), Some(value), Some(handed_over_on))
                if errors.is_empty() =>
            {
                Ok(AssetData {
                    name,
                    asset_type,
                    category,
                    village,
                    owner,
                    owner_kind,
                    value,
                    handed_over_on,
                    keeper,
                    keeper_person,
                    note,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The steps at which a project's assets may be registered: after 县级验收 (实施地公告, 资产移交,
/// 绩效评价) and once its procedure is done.
pub const ASSET_STEPS: &[&str] = &["site_notice", "handover", "evaluation"];

/// Whether assets may be registered on a project at `stage` (draft, open, approved, refused,
/// withdrawn) and, while open, at the step `step` (its code and name); the refusal names the
/// step it is at.
pub fn may_register(stage: &str, step: Option<(&str, &str)>) -> Result<(), FieldError> {
    let refuse =
        |at: &str| Err(FieldError::new("project", format!("项目通过“县级验收”后才能登记资产，该项目目前在“{at}”")));
    match (stage, step) {
        ("approved", _) => Ok(()),
        ("open", Some((code, _))) if ASSET_STEPS.contains(&code) => Ok(()),
        ("open", Some((_, name))) => refuse(name),
        ("draft", _) => refuse("需求摸底"),
        ("refused", _) => Err(FieldError::new("project", "项目已出库，不能登记资产")),
        _ => Err(FieldError::new("project", "项目已撤回，不能登记资产")),
    }
}

/// A change of an asset's status: to what, on which day, why (处置 needs its reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub status: AssetStatus,
    pub on: NaiveDate,
    pub reason: Option<String>,
}

impl StatusChange {
    /// The status form: the new status, the date (today when blank, never later), the reason.
    pub fn parse(f: &(impl Fields + ?Sized), today: NaiveDate) -> Result<StatusChange, Vec<FieldError>> {
        let mut errors = Vec::new();
        let status = choice::<AssetStatus>(f, "status", "请选择资产状态（在用、闲置、损毁或处置）", &mut errors);
        let on = match f.get("on").trim() {
            "" if status == Some(AssetStatus::Disposed) => {
                errors.push(FieldError::new("on", "资产处置须填写处置日期"));
                None
            }
            "" => Some(today),
            raw => match parse_date(raw) {
                Some(d) if d > today => {
                    errors.push(FieldError::new("on", "变更日期不能晚于今天"));
                    None
                }
                Some(d) => Some(d),
                None => {
                    errors.push(FieldError::new("on", "变更日期格式应为 2026-10-15"));
                    None
                }
            },
        };
        let reason = f.get("reason").trim();
        if reason.chars().count() > 200 {
            errors.push(FieldError::new("reason", "原因不能超过200个字"));
        }
        if reason.is_empty() && status == Some(AssetStatus::Disposed) {
            errors.push(FieldError::new("reason", "资产处置须写明原因（如 报废、拍卖、移交）"));
        }
        let reason = (!reason.is_empty()).then(|| reason.to_owned());
        match (status, on) {
            (Some(status), Some(on)) if errors.is_empty() => Ok(StatusChange { status, on, reason }),
            _ => Err(errors),
        }
    }

    /// Checks the change against the asset as it is: a disposed asset is final, the status must
    /// change, and not before the last change nor before the handover.
    pub fn check(&self, current: AssetStatus, since: NaiveDate) -> Result<(), FieldError> {
        if current == AssetStatus::Disposed {
            return Err(FieldError::new("status", "资产已处置，不能再变更状态"));
        }
        if current == self.status {
            return Err(FieldError::new("status", format!("资产当前已是“{}”", current.label_zh())));
        }
        if self.on < since {
            return Err(FieldError::new("on", format!("变更日期不能早于上一次变更或移交日期（{since}）")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_asset_names_its_type_owner_value_and_keeper() {
        let a = AssetData::parse(
            &form(&[
                ("name", "村级光伏电站300千瓦"),
                ("asset_type", "经营性"),
                ("category", "光伏"),
                ("owner", "板桥村村集体"),
                ("owner_kind", "村集体"),
                ("value", "1,260,000"),
                ("handed_over_on", "2026年10月15日"),
                ("keeper", "板桥村村民委员会"),
                ("keeper_person", "李光明"),
            ]),
            day("2026-12-08"),
        )
        .unwrap();
        assert_eq!(
            (a.asset_type, a.category, a.owner_kind, a.value, a.handed_over_on, a.village),
            (
                AssetType::Operating,
                AssetCategory::Photovoltaic,
                OwnerKind::Collective,
                Fen(126_000_000),
                day("2026-10-15"),
                None
            )
        );
    }

    #[test]
    fn a_bad_asset_form_names_every_field_in_chinese() {
        let e = AssetData::parse(
            &form(&[("value", "0"), ("handed_over_on", "2027-01-01"), ("asset_type", "集体类")]),
            day("2026-12-08"),
        )
        .unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "asset_type",
                "category",
                "owner",
                "owner_kind",
                "value",
                "handed_over_on",
                "keeper",
                "keeper_person"
            ]
        );
        assert_eq!(e[5].message, "资产价值应大于0");
        assert_eq!(e[6].message, "资产移交日期不能晚于今天");
        assert!(e[1].message.contains("资产类型"), "{}", e[1].message);
    }

    #[test]
    fn assets_are_registered_only_after_the_county_acceptance() {
        assert!(may_register("approved", None).is_ok());
        assert!(may_register("open", Some(("handover", "资产移交"))).is_ok());
        assert!(may_register("open", Some(("site_notice", "实施地公告"))).is_ok());
        let e = may_register("open", Some(("implementation", "实施"))).unwrap_err();
        assert_eq!(e.message, "项目通过“县级验收”后才能登记资产，该项目目前在“实施”");
        assert!(may_register("draft", None).unwrap_err().message.contains("需求摸底"));
        assert_eq!(may_register("refused", None).unwrap_err().message, "项目已出库，不能登记资产");
    }

    #[test]
    fn a_disposal_needs_its_reason_and_date_and_is_final() {
        let today = day("2026-12-08");
        let e = StatusChange::parse(&form(&[("status", "处置")]), today).unwrap_err();
        let msgs: Vec<_> = e.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(msgs, ["资产处置须填写处置日期", "资产处置须写明原因（如 报废、拍卖、移交）"]);
        let idle = StatusChange::parse(&form(&[("status", "闲置"), ("reason", "冬季停用")]), today).unwrap();
        assert_eq!((idle.status, idle.on), (AssetStatus::Idle, today));
        assert!(idle.check(AssetStatus::InUse, day("2026-10-15")).is_ok());
        assert_eq!(idle.check(AssetStatus::Idle, day("2026-10-15")).unwrap_err().message, "资产当前已是“闲置”");
        assert!(idle.check(AssetStatus::InUse, day("2026-12-09")).unwrap_err().message.contains("不能早于"));
        let sold = StatusChange::parse(
            &form(&[("status", "处置"), ("on", "2026-12-01"), ("reason", "大棚损毁后报废")]),
            today,
        )
        .unwrap();
        assert!(sold.check(AssetStatus::Damaged, day("2026-11-01")).is_ok());
        assert_eq!(
            sold.check(AssetStatus::Disposed, day("2026-11-01")).unwrap_err().message,
            "资产已处置，不能再变更状态"
        );
    }
}
