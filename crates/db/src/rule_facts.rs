//! The register's figures the 监测预警规则 read (core `monitoring::rules::HouseholdFacts`), and
//! the inputs of a risk clearing (core `monitoring::clearing::ClearingInputs`). Facts are read a
//! page of households at a time, by household id, with one set-based query per table (incomes,
//! visits, members, the stored worker counts) over the page — never one query per household —
//! so a province's two million households are read in a thousand pages of a few queries each.

use std::collections::HashMap;

use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::household::{HouseholdId, Income, IncomePeriod};
use bangfu_core::line::{Line, LineKind, applicable};
use bangfu_core::money::Fen;
use bangfu_core::monitoring::ProblemFlags;
use bangfu_core::monitoring::clearing::ClearingInputs;
use bangfu_core::monitoring::rules::{HouseholdFacts, VisitReport};
use bangfu_core::{DomainError, DomainResult};
use chrono::{Datelike, NaiveDate};

use crate::row::Get;
use crate::{Db, dispatch, domain_err};

/// How many days back a visit's 走访发现 count: a visit older than that was seen by earlier runs.
pub const VISIT_DAYS: i64 = 30;

/// 劳动技能 that count as able to work (有劳动能力): 普通, 技能, and 弱劳动力或半劳动力.
const ABLE_LABOUR: &str = "('ordinary', 'skilled', 'weak')";

/// One household's facts, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleFacts {
    pub household_id: HouseholdId,
    pub area_code: AreaCode,
    pub facts: HouseholdFacts,
    /// The stored worker count row (able workers, counted on, the count before), if any.
    pub(crate) stored_count: Option<(Option<i64>, NaiveDate, Option<i64>)>,
}

/// Months counted from year 0: (2026, 11) → 2026 × 12 + 10.
fn month_index(y: i32, m: u32) -> i32 {
    y * 12 + m as i32 - 1
}

fn month_code(index: i32) -> String {
    format!("{:04}-{:02}", index.div_euclid(12), index.rem_euclid(12) + 1)
}

/// The period's last month as 'YYYY-MM' in SQL (a year's is its December).
const LAST_MONTH_SQL: &str = "(case when length(i.period) = 4 then i.period || '-12' else i.period end)";

/// The income the rules read as of `as_of`: the latest record ending in the 12 months up to
/// `as_of`'s month (a 12-month window before a calendar year ending the same month: it is the
/// monitoring measure); and the latest ending at least 12 months before that one, to see a fall.
pub fn current_and_previous(incomes: &[Income], as_of: NaiveDate) -> (Option<&Income>, Option<&Income>) {
    let now = month_index(as_of.year(), as_of.month());
    let idx = |i: &Income| {
        let (y, m) = i.period.last_month();
        month_index(y, m)
    };
    let pick = |lo: i32, hi: i32| {
        incomes.iter().filter(|i| (lo..=hi).contains(&idx(i))).max_by_key(|i| (idx(i), i.period.is_window()))
    };
    let current = pick(now - 12, now);
    let previous = current.and_then(|c| pick(i32::MIN, idx(c) - 12));
    (current, previous)
}

/// The year's 监测范围 for an area: as_of's year, else (early in a year, before the province
/// has set it) the year the income's period ends in.
fn line_for(lines: &[Line], area: &AreaCode, as_of: NaiveDate, period: Option<&IncomePeriod>) -> Option<(i32, Fen)> {
    let year = as_of.year();
    applicable(lines, area, year, LineKind::Monitoring).map(|l| (year, l.data.amount)).or_else(|| {
        let y = period?.line_year();
        applicable(lines, area, y, LineKind::Monitoring).map(|l| (y, l.data.amount))
    })
}

impl Db {
    async fn monitoring_lines(&self) -> DomainResult<Vec<Line>> {
        let sql = format!("{} where kind = 'monitoring'", crate::lines::SELECT);
        dispatch!(self, pool => {
            sqlx::query(crate::sql(&sql)).fetch_all(pool).await.map_err(domain_err)?.iter().map(crate::lines::line_row).collect()
        })
    }

    /// The rules' facts for up to `limit` households of `scope` whose id is above `after`, in
    /// household-id order, as of `as_of`. Call again with the last id until fewer come back.
    pub async fn rule_facts(
        &self,
        scope: &Scope,
        as_of: NaiveDate,
        after: Option<HouseholdId>,
        limit: u32,
    ) -> DomainResult<Vec<RuleFacts>> {
        let lines = self.monitoring_lines().await?;
        self.rule_facts_with(scope, as_of, after, limit, &lines).await
    }

    pub(crate) async fn rule_facts_with(
        &self,
        scope: &Scope,
        as_of: NaiveDate,
        after: Option<HouseholdId>,
        limit: u32,
        lines: &[Line],
    ) -> DomainResult<Vec<RuleFacts>> {
        let (lo, hi) = scope.bounds();
        let after = after.map_or(0, |h| h.0);
        // The open episode is at most one (a partial unique index): a left join finds it.
        let households = dispatch!(self, pool => {
            sqlx::query("select h.household_id, h.household_no, h.area_code, e.episode_id from households h \
                left join monitoring_episodes e on e.household_id = h.household_id and e.cleared_on is null \
                where h.area_code between $1 and $2 and h.household_id > $3 order by h.household_id limit $4")
                .bind(lo).bind(hi).bind(after).bind(i64::from(limit.max(1)))
                .fetch_all(pool).await.map_err(domain_err)?
                .iter().map(|r| Ok((r.int("household_id")?, r.text("household_no")?, r.text("area_code")?, r.opt_i64("episode_id")?.is_some())))
                .collect::<DomainResult<Vec<_>>>()?
        });
        let (Some(first), Some(last)) = (households.first().map(|h| h.0), households.last().map(|h| h.0)) else {
            return Ok(Vec::new());
        };
        let now = month_index(as_of.year(), as_of.month());
        let incomes_sql = format!(
            "{} i join households h on h.household_id = i.household_id where i.household_id between $1 and $2 \
             and h.area_code between $3 and $4 and {LAST_MONTH_SQL} between $5 and $6",
            crate::incomes::SELECT.replace(", household_id,", ", i.household_id,")
        );
        let since = as_of - chrono::Duration::days(VISIT_DAYS);
        let members_sql = format!(
            "select m.household_id, count(*) as members, \
             sum(case when m.labour in {ABLE_LABOUR} then 1 else 0 end) as able, \
             sum(case when m.labour is null then 1 else 0 end) as blank \
             from members m join households h on h.household_id = m.household_id \
             where m.household_id between $1 and $2 and h.area_code between $3 and $4 and m.left_on is null \
             group by m.household_id"
        );
        let (incomes, visits, workers, counts) = dispatch!(self, pool => {
            let incomes = sqlx::query(crate::sql(&incomes_sql)).bind(first).bind(last).bind(lo).bind(hi)
                .bind(month_code(now - 24)).bind(month_code(now))
                .fetch_all(pool).await.map_err(domain_err)?
                .iter().map(|r| Ok((r.int("household_id")?, crate::incomes::income_row(r)?.1)))
                .collect::<DomainResult<Vec<_>>>()?;
            let visits = sqlx::query("select v.household_id, v.visited_on, v.findings from visits v \
                join households h on h.household_id = v.household_id \
                where v.household_id between $1 and $2 and h.area_code between $3 and $4 \
                and v.findings is not null and v.findings <> 'none' and v.visited_on > $5 and v.visited_on <= $6")
                .bind(first).bind(last).bind(lo).bind(hi).bind(since).bind(as_of)
                .fetch_all(pool).await.map_err(domain_err)?
                .iter().map(|r| Ok((r.int("household_id")?, r.opt_date("visited_on")?, r.text("findings")?)))
                .collect::<DomainResult<Vec<_>>>()?;
            let workers = sqlx::query(crate::sql(&members_sql)).bind(first).bind(last).bind(lo).bind(hi)
                .fetch_all(pool).await.map_err(domain_err)?
                .iter().map(|r| Ok((r.int("household_id")?, (r.int("able")?, r.int("blank")?))))
                .collect::<DomainResult<HashMap<_, _>>>()?;
            let counts = sqlx::query("select household_id, able_workers, counted_on, previous_able_workers \
                from rule_worker_counts where household_id between $1 and $2")
                .bind(first).bind(last)
                .fetch_all(pool).await.map_err(domain_err)?
                .iter().map(|r| Ok((r.int("household_id")?, (r.opt_i64("able_workers")?,
                    r.opt_date("counted_on")?.ok_or_else(|| DomainError::Internal("counted_on".into()))?,
                    r.opt_i64("previous_able_workers")?))))
                .collect::<DomainResult<HashMap<_, _>>>()?;
            (incomes, visits, workers, counts)
        });
        let mut incomes_of: HashMap<i64, Vec<Income>> = HashMap::new();
        for (id, income) in incomes {
            incomes_of.entry(id).or_default().push(income);
        }
        let mut visits_of: HashMap<i64, Vec<(String, VisitReport)>> = HashMap::new();
        for (id, on, codes) in visits {
            let on = on.map(|d| d.to_string()).unwrap_or_default();
            for r in VisitReport::parse_list(&codes).map_err(DomainError::Internal)?.unwrap_or_default() {
                visits_of.entry(id).or_default().push((on.clone(), r));
            }
        }
        let mut out = Vec::with_capacity(households.len());
        for (id, household_no, area, monitored) in households {
            let area_code =
                AreaCode::parse(&area).map_err(|e| DomainError::Internal(format!("area_code {area}: {e}")))?;
            let incomes = incomes_of.remove(&id).unwrap_or_default();
            let (current, previous) = current_and_previous(&incomes, as_of);
            // A household without current members has no one able to work; a member whose
            // 劳动技能 is 未填 leaves the count unknown (no lead on a guess).
            let able_workers = match workers.get(&id) {
                None => Some(0),
                Some((_, blank)) if *blank > 0 => None,
                Some((able, _)) => u32::try_from(*able).ok(),
            };
            let stored_count = counts.get(&id).copied();
            let able_workers_before = match stored_count {
                Some((count, on, _)) if on < as_of => count,
                Some((_, _, before)) => before,
                None => None,
            }
            .and_then(|n| u32::try_from(n).ok());
            let line = line_for(lines, &area_code, as_of, current.map(|c| &c.period)).map(|(_, amount)| amount);
            out.push(RuleFacts {
                household_id: HouseholdId(id),
                area_code,
                facts: HouseholdFacts {
                    household_no,
                    monitored,
                    period: current.map(|c| c.period.label_zh()).unwrap_or_default(),
                    income_per_person: current.and_then(Income::net_per_person),
                    previous_income_per_person: previous.and_then(Income::net_per_person),
                    line,
                    out_of_pocket: current.and_then(|c| c.out_of_pocket),
                    visit_reports: visits_of.remove(&id).unwrap_or_default(),
                    able_workers,
                    able_workers_before,
                },
                stored_count,
            });
        }
        Ok(out)
    }

    /// What a risk clearing is judged on, from the register, for a household with an open
    /// monitoring episode (`Invalid` otherwise). 刚性支出 is not kept in the register: it stays
    /// 未填 until the home check answers it.
    pub async fn clearing_inputs(
        &self,
        scope: &Scope,
        household: HouseholdId,
        as_of: NaiveDate,
    ) -> DomainResult<ClearingInputs> {
        let (lo, hi) = scope.bounds();
        let found = dispatch!(self, pool => {
            sqlx::query("select h.area_code, e.identified_on, e.house_unsafe, e.out_of_school, e.no_medical_insurance, \
                e.water_unsafe, e.no_labour, e.episode_id from households h \
                left join monitoring_episodes e on e.household_id = h.household_id and e.cleared_on is null \
                where h.household_id = $1 and h.area_code between $2 and $3")
                .bind(household.0).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
                .map(|r| -> DomainResult<_> {
                    Ok((r.text("area_code")?, r.opt_i64("episode_id")?, r.opt_date("identified_on")?, ProblemFlags {
                        house_unsafe: r.opt_flag("house_unsafe")?,
                        out_of_school: r.opt_flag("out_of_school")?,
                        no_medical_insurance: r.opt_flag("no_medical_insurance")?,
                        water_unsafe: r.opt_flag("water_unsafe")?,
                        no_labour: r.opt_flag("no_labour")?,
                    }))
                }).transpose()?
        });
        let (area, episode, identified_on, flags) = found.ok_or(DomainError::NotFound)?;
        let (Some(_), Some(identified_on)) = (episode, identified_on) else {
            return Err(DomainError::invalid("household", "该户没有正在进行的监测，无需风险消除"));
        };
        let area = AreaCode::parse(&area).map_err(|e| DomainError::Internal(format!("area_code {area}: {e}")))?;
        let sql = format!("{} where household_id = $1", crate::incomes::SELECT);
        let incomes: Vec<Income> = dispatch!(self, pool => {
            sqlx::query(crate::sql(&sql)).bind(household.0).fetch_all(pool).await.map_err(domain_err)?
                .iter().map(|r| crate::incomes::income_row(r).map(|(_, i)| i)).collect::<DomainResult<_>>()?
        });
        let lines = self.monitoring_lines().await?;
        let (current, _) = current_and_previous(&incomes, as_of);
        let line = line_for(&lines, &area, as_of, current.map(|c| &c.period));
        Ok(ClearingInputs {
            today: as_of,
            identified_on,
            line,
            income_per_person: current.and_then(Income::net_per_person),
            months_above_line: months_above_line(&incomes, &lines, &area, as_of),
            rigid_expense_resolved: None,
            flags,
            continuing_measures: self.continuing_measures(household, as_of).await?,
        })
    }

    /// Measures still running that go on after clearing (小额信贷, 公益岗, 雨露计划).
    async fn continuing_measures(&self, household: HouseholdId, as_of: NaiveDate) -> DomainResult<Vec<String>> {
        let rows = dispatch!(self, pool => {
            sqlx::query("select kind, content, due_on from measures where household_id = $1 \
                and status in ('planned', 'in_progress') and due_on >= $2 order by due_on, measure_id")
                .bind(household.0).bind(as_of).fetch_all(pool).await.map_err(domain_err)?
                .iter().map(|r| Ok((r.text("kind")?, r.text("content")?, r.opt_date("due_on")?)))
                .collect::<DomainResult<Vec<_>>>()?
        });
        Ok(rows
            .into_iter()
            .filter(|(kind, content, _)| {
                ["public_job", "other_education"].contains(&kind.as_str())
                    || (kind == "finance" && content.contains("小额信贷"))
            })
            .map(|(_, content, due)| match due {
                Some(d) => format!("{content}（至{}年{}月）", d.year(), d.month()),
                None => content,
            })
            .collect())
    }
}

/// Months in a row, back from `as_of`'s month (or the month before, not yet recorded), whose
/// 12-month income was above that year's line; `None` with no 12-month record at all.
fn months_above_line(incomes: &[Income], lines: &[Line], area: &AreaCode, as_of: NaiveDate) -> Option<u32> {
    let by_month: HashMap<i32, &Income> = incomes
        .iter()
        .filter(|i| i.period.is_window())
        .map(|i| {
            let (y, m) = i.period.last_month();
            (month_index(y, m), i)
        })
        .collect();
    if by_month.is_empty() {
        return None;
    }
    let now = month_index(as_of.year(), as_of.month());
    let start = if by_month.contains_key(&now) { now } else { now - 1 };
    let mut n = 0;
    let mut month = start;
    while let Some(i) = by_month.get(&month) {
        let line = applicable(lines, area, i.period.line_year(), LineKind::Monitoring).map(|l| l.data.amount);
        match (i.net_per_person(), line) {
            (Some(inc), Some(line)) if inc > line => n += 1,
            _ => break,
        }
        month -= 1;
    }
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn income(code: &str, wages: i64) -> Income {
        let mut i = Income::of_year(2026, 1, [Some(Fen(wages)), None, None, None, None]);
        i.period = IncomePeriod::from_code(code).unwrap_or(IncomePeriod::Year(2000));
        i
    }

    #[test]
    fn the_rules_read_the_latest_twelve_months_and_the_period_a_year_before_it() {
        let incomes = vec![income("2024", 1), income("2025", 2), income("2025-11", 3), income("2026-11", 4)];
        let (cur, prev) = current_and_previous(&incomes, d("2026-12-03"));
        assert_eq!(cur.map(|i| i.period.code()), Some("2026-11".into()));
        assert_eq!(prev.map(|i| i.period.code()), Some("2025-11".into()), "a window before a year ending later");
        let (cur, prev) = current_and_previous(&incomes, d("2026-06-01"));
        assert_eq!(cur.map(|i| i.period.code()), Some("2025".into()), "the latest: it ends in December");
        assert_eq!(prev.map(|i| i.period.code()), Some("2024".into()));
        let (cur, _) = current_and_previous(&incomes, d("2028-01-01"));
        assert_eq!(cur, None, "nothing in the last 12 months: no figure, no lead");
        // A year and a window ending the same month: the window, the monitoring measure.
        let same = vec![income("2025", 1), income("2025-12", 2)];
        assert_eq!(current_and_previous(&same, d("2026-01-10")).0.map(|i| i.period.code()), Some("2025-12".into()));
        assert_eq!(month_code(month_index(2026, 1) - 1), "2025-12");
    }
}
