//! A household's income for one year (收入), and net income per person.

use crate::error::FieldError;
use crate::money::Fen;

/// Earliest income year the register accepts: 建档立卡 began in 2013/2014.
const FIRST_YEAR: i32 = 2013;
const LAST_YEAR: i32 = 2100;

/// 家庭年收入: one household, one year, all amounts in fen.
///
/// 人均纯收入 = (工资性收入 + 生产经营性收入 + 财产性收入 + 转移性收入 − 生产经营性支出) ÷ 家庭人口
///
/// Net income per person = (wages + operating + property + transfers − operating costs)
/// ÷ household size.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Income {
    /// 收入年度
    pub year: i32,
    /// 工资性收入: wages, including migrant work and public-welfare jobs.
    pub wages: Fen,
    /// 生产经营性收入: farming, breeding, business (gross, before costs).
    pub operating: Fen,
    /// 财产性收入: dividends, cooperative shares, photovoltaic income, rent.
    pub property: Fen,
    /// 转移性收入: 低保, pensions, subsidies.
    pub transfer: Fen,
    /// 生产经营性支出: the costs of operating income.
    pub operating_cost: Fen,
}

impl Income {
    /// 家庭纯收入: the four kinds of income less operating costs (may be negative).
    pub fn total_net(&self) -> Fen {
        self.wages + self.operating + self.property + self.transfer - self.operating_cost
    }

    /// 人均纯收入, rounded to the nearest fen; `None` when the household has no members.
    pub fn net_per_person(&self, household_size: i64) -> Option<Fen> {
        if household_size <= 0 {
            return None;
        }
        self.total_net().checked_div_count(household_size)
    }

    /// Every problem at once, one per field, so a form can show them all.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !(FIRST_YEAR..=LAST_YEAR).contains(&self.year) {
            errors.push(FieldError::new("year", format!("收入年度应在{FIRST_YEAR}年至{LAST_YEAR}年之间")));
        }
        let components = [
            ("wages", "工资性收入", self.wages),
            ("operating", "生产经营性收入", self.operating),
            ("property", "财产性收入", self.property),
            ("transfer", "转移性收入", self.transfer),
            ("operating_cost", "生产经营性支出", self.operating_cost),
        ];
        for (field, label, amount) in components {
            if amount.is_negative() {
                errors.push(FieldError::new(field, format!("{label}不能为负数")));
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn income() -> Income {
        Income {
            year: 2019,
            wages: Fen(1_200_000),
            operating: Fen(500_000),
            property: Fen(30_000),
            transfer: Fen(250_000),
            operating_cost: Fen(180_000),
        }
    }

    #[test]
    fn net_income_is_the_four_incomes_less_operating_costs() {
        assert_eq!(income().total_net(), Fen(1_800_000));
    }

    #[test]
    fn net_income_per_person_divides_by_household_size() {
        assert_eq!(income().net_per_person(4), Some(Fen(450_000)));
        assert_eq!(income().net_per_person(1), Some(Fen(1_800_000)));
    }

    #[test]
    fn net_income_per_person_rounds_to_the_nearest_fen() {
        // 18 000.00 ÷ 7 = 2 571.428… yuan
        assert_eq!(income().net_per_person(7), Some(Fen(257_143)));
        let half = Income { wages: Fen(5), ..zero() };
        assert_eq!(half.net_per_person(2), Some(Fen(3)));
    }

    #[test]
    fn net_income_per_person_is_none_for_an_empty_household() {
        assert_eq!(income().net_per_person(0), None);
        assert_eq!(income().net_per_person(-3), None);
    }

    #[test]
    fn costs_above_income_give_a_negative_net_income() {
        let loss = Income { operating_cost: Fen(3_000_000), ..income() };
        assert_eq!(loss.total_net(), Fen(-1_020_000));
        assert_eq!(loss.net_per_person(3), Some(Fen(-340_000)));
    }

    fn zero() -> Income {
        Income {
            year: 2020,
            wages: Fen::ZERO,
            operating: Fen::ZERO,
            property: Fen::ZERO,
            transfer: Fen::ZERO,
            operating_cost: Fen::ZERO,
        }
    }

    #[test]
    fn a_sensible_income_passes_validation() {
        assert_eq!(income().validate(), Ok(()));
        assert_eq!(zero().validate(), Ok(()));
    }

    #[test]
    fn the_first_and_last_accepted_years_pass_validation() {
        assert_eq!(Income { year: 2013, ..zero() }.validate(), Ok(()));
        assert_eq!(Income { year: 2100, ..zero() }.validate(), Ok(()));
    }

    #[test]
    fn a_year_outside_2013_to_2100_is_refused() {
        for year in [2012, 2101, 0, -2020] {
            let errors = Income { year, ..zero() }.validate().expect_err("bad year");
            assert_eq!(errors, vec![FieldError::new("year", "收入年度应在2013年至2100年之间")]);
        }
    }

    #[test]
    fn negative_wages_are_refused_with_the_field_named() {
        let errors = Income { wages: Fen(-1), ..zero() }.validate().expect_err("negative");
        assert_eq!(errors, vec![FieldError::new("wages", "工资性收入不能为负数")]);
    }

    #[test]
    fn every_negative_component_is_reported_at_once() {
        let bad = Income {
            year: 2000,
            wages: Fen(-1),
            operating: Fen(-1),
            property: Fen(-1),
            transfer: Fen(-1),
            operating_cost: Fen(-1),
        };
        let errors = bad.validate().expect_err("all bad");
        let pairs: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("year", "收入年度应在2013年至2100年之间"),
                ("wages", "工资性收入不能为负数"),
                ("operating", "生产经营性收入不能为负数"),
                ("property", "财产性收入不能为负数"),
                ("transfer", "转移性收入不能为负数"),
                ("operating_cost", "生产经营性支出不能为负数"),
            ]
        );
    }
}
