//! 帮扶单位 as a district admin enters them: a name unique in the register, a level, and
//! the area the unit belongs to (a 县直 bureau belongs to the district, a 乡镇 office to its
//! township). Staff see the units of their district and of the areas above it.

use super::UnitLevel;
use crate::area::{AreaCode, Scope};
use crate::error::FieldError;
use crate::household::model::Fields;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitData {
    pub name: String,
    pub level: UnitLevel,
    pub area_code: AreaCode,
}

impl UnitData {
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<UnitData, Vec<FieldError>> {
        let mut errors = Vec::new();
        // Inner runs of spaces collapse, so "区 农业农村局" and "区农业农村局 " are one name.
        let name = f.get("name").split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            errors.push(FieldError::new("name", "请填写单位名称"));
        } else if let Err(m) = crate::text::check_line("单位名称", &name, 60) {
            errors.push(FieldError::new("name", m));
        }
        let level = UnitLevel::parse(f.get("level"));
        if level.is_none() {
            errors.push(FieldError::new("level", "请选择单位级别：省直、市直、县直、乡镇或村级"));
        }
        let area_code = AreaCode::parse(f.get("area_code"))
            .map_err(|_| errors.push(FieldError::new("area_code", "请选择单位所属区划")))
            .ok();
        match (level, area_code) {
            (Some(level), Some(area_code)) if errors.is_empty() => Ok(UnitData { name, level, area_code }),
            _ => Err(errors),
        }
    }
}

/// Whether a unit of `area` shows to a user of `scope`. Any unit of the district may be
/// paired with any township (人民街道办事处 helps 沙河店镇), so staff below the district see
/// every unit of their district, and everyone sees the units above it (市直, 省直).
pub fn unit_visible(scope: &Scope, area: &AreaCode) -> bool {
    if scope.contains(area) {
        return true;
    }
    let root = scope.root().as_str();
    let a = area.as_str();
    if a.len() != root.len() {
        return false;
    }
    let district = scope.level().prefix_len().min(crate::area::AreaLevel::County.prefix_len());
    // Inside the user's district, or an ancestor: the root's code cut after the ancestor's
    // level and padded with zeros.
    a[..district] == root[..district]
        || crate::area::AreaLevel::ALL
            .iter()
            .map(|l| l.prefix_len())
            .filter(|n| *n < district)
            .any(|n| a[..n] == root[..n] && a[n..].bytes().all(|b| b == b'0'))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::area::Area;

    fn scope(code: &str, level: &str, parent: &str) -> Scope {
        Scope::of(&Area::from_fields(code, "某地", level, parent).unwrap())
    }

    #[test]
    fn a_unit_needs_a_name_a_level_and_an_area_and_spaces_do_not_make_a_new_name() {
        let f: HashMap<&str, &str> = [("name", "  "), ("level", "中直")].into_iter().collect();
        let fields: Vec<String> = UnitData::parse(&f).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["name", "level", "area_code"]);
        let ok: HashMap<&str, &str> =
            [("name", " 区  农业农村局 "), ("level", "县直"), ("area_code", "411702000000")].into_iter().collect();
        let u = UnitData::parse(&ok).unwrap();
        assert_eq!((u.name.as_str(), u.level), ("区 农业农村局", UnitLevel::County));
    }

    #[test]
    fn township_staff_see_every_unit_of_their_district_and_those_above_but_not_another_districts() {
        let shahedian = scope("411702101000", "township", "411702000000");
        let code = |c: &str| AreaCode::parse(c).unwrap();
        assert!(unit_visible(&shahedian, &code("411702000000")), "县直单位");
        assert!(unit_visible(&shahedian, &code("411700000000")), "市直单位");
        assert!(unit_visible(&shahedian, &code("410000000000")), "省直单位");
        assert!(unit_visible(&shahedian, &code("411702101201")), "本乡镇的村");
        assert!(unit_visible(&shahedian, &code("411702001000")), "结对的街道办事处");
        assert!(!unit_visible(&shahedian, &code("411721000000")), "其他县区");
        assert!(!unit_visible(&shahedian, &code("411721101000")), "其他县区的乡镇");
        let district = scope("411702000000", "county", "411700000000");
        assert!(unit_visible(&district, &code("411700000000")), "市直单位");
        assert!(!unit_visible(&district, &code("411721000000")), "其他县区");
    }
}
