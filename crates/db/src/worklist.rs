//! 一个都不能少: each worklist is one condition over the register, so a household leaves it
//! as soon as the gap is closed. Counts per area come from one pass over the households.

use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::assistance::worklist::DEFAULT_VISIT_INTERVAL_DAYS;
use bangfu_core::assistance::worklist::WorkNote;
use bangfu_core::assistance::{WorkCounts, WorkReason};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::household::HouseholdId;
use bangfu_core::store::{AreaStore, HouseholdSummary, Page, WorklistStore};
use bangfu_core::{DomainError, DomainResult};
use chrono::{Datelike, Duration, NaiveDate};

use crate::assistance::NEEDS_HELPER;
use crate::households::{SUMMARY_SELECT, summary};
use crate::row::Get;
use crate::{BeginWrite, Db, dispatch, domain_err};

/// The condition for one reason. Parameters: $1, $2 scope bounds; $3 this year;
/// $4 today; $5 the last day that counts as "not visited recently". `plan_by` (a date the
/// program computes, written in as a literal) is the last identification day whose 15 days are
/// still running.
fn condition(reason: WorkReason, plan_by: NaiveDate) -> String {
    match reason {
        WorkReason::NoHelper => format!(
            "{NEEDS_HELPER} and not exists (select 1 from helper_assignments a where a.household_id = h.household_id and a.end_on is null)"
        ),
        WorkReason::NoPlan => format!(
            "{NEEDS_HELPER} and not exists (select 1 from plans p where p.household_id = h.household_id and p.year = $3)"
        ),
        WorkReason::OverdueMeasure => "exists (select 1 from measures m where m.household_id = h.household_id \
            and m.status in ('planned', 'in_progress') and m.due_on < $4)"
            .to_owned(),
        WorkReason::NotVisited => format!(
            "{NEEDS_HELPER} and not exists (select 1 from visits v where v.household_id = h.household_id and v.visited_on > $5)"
        ),
        WorkReason::FollowUpDue => "exists (select 1 from visits v where v.household_id = h.household_id \
            and v.follow_up_due <= $4 and v.follow_up_done_on is null)"
            .to_owned(),
        WorkReason::ProposalPending => "exists (select 1 from visits v where v.household_id = h.household_id \
            and v.proposal_state = 'pending')"
            .to_owned(),
        WorkReason::PlanOverdue => format!(
            "exists (select 1 from monitoring_episodes e where e.household_id = h.household_id and e.cleared_on is null \
             and e.identified_on < '{plan_by}') and not exists (select 1 from plans p where p.household_id = h.household_id and p.year = $3)"
        ),
    }
}

/// The day before which an identification's 15 days for its plan have run out.
fn plan_by(today: NaiveDate) -> NaiveDate {
    today - Duration::days(bangfu_core::assistance::worklist::PLAN_DAYS_AFTER_IDENTIFICATION)
}

/// Every condition mentions $3, $4 and $5 so one set of bindings serves them all; a household
/// no longer on the register (注销) is on no worklist.
fn with_all_params(cond: &str) -> String {
    format!("({cond}) and h.deregistered_on is null and $3 = $3 and $4 = $4 and $5 = $5")
}

impl Db {
    async fn work_params(&self, today: NaiveDate) -> DomainResult<(i32, NaiveDate, NaiveDate)> {
        let days = self.visit_interval_days().await?;
        Ok((today.year(), today, today - Duration::days(i64::from(days))))
    }
}

impl WorklistStore for Db {
    async fn visit_interval_days(&self) -> DomainResult<u32> {
        let v: Option<String> = dispatch!(self, pool => {
            sqlx::query_scalar("select value from settings where key = 'visit_interval_days'")
                .fetch_optional(pool).await.map_err(domain_err)?
        });
        Ok(v.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_VISIT_INTERVAL_DAYS))
    }

    async fn set_visit_interval_days(&self, scope: &Scope, days: u32, actor: &Actor) -> DomainResult<()> {
        if !scope.is_district_wide() {
            return Err(DomainError::Forbidden);
        }
        if !(1..=365).contains(&days) {
            return Err(DomainError::invalid("visit_interval_days", "走访间隔应为1至365之间的天数"));
        }
        let before = self.visit_interval_days().await?;
        let now = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query("insert into settings (key, value, updated_at) values ('visit_interval_days', $1, $2) \
                on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at")
                .bind(days.to_string()).bind(now).execute(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Update).object("setting", "visit_interval_days", None)
                .change("visit_interval_days", Some(before.to_string()), Some(days.to_string()));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    async fn worklist(
        &self,
        scope: &Scope,
        reason: WorkReason,
        today: NaiveDate,
        page: Page,
    ) -> DomainResult<(Vec<HouseholdSummary>, i64)> {
        let (lo, hi) = scope.bounds();
        let (year, today, cutoff) = self.work_params(today).await?;
        let cond = with_all_params(&condition(reason, plan_by(today)));
        let size = page.size.clamp(1, 200) as i64;
        let offset = (page.number.max(1) as i64 - 1) * size;
        let list_sql = format!(
            "{SUMMARY_SELECT} where h.area_code between $1 and $2 and {cond} order by h.area_code, h.household_id limit {size} offset {offset}"
        );
        let count_sql = format!("select count(*) from households h where h.area_code between $1 and $2 and {cond}");
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&list_sql)).bind(lo).bind(hi).bind(year).bind(today).bind(cutoff)
                .fetch_all(pool).await.map_err(domain_err)?;
            let total: i64 = sqlx::query_scalar(crate::sql(&count_sql)).bind(lo).bind(hi).bind(year).bind(today).bind(cutoff)
                .fetch_one(pool).await.map_err(domain_err)?;
            Ok((rows.iter().map(summary).collect::<DomainResult<Vec<_>>>()?, total))
        })
    }

    async fn worklist_notes(
        &self,
        scope: &Scope,
        reason: WorkReason,
        households: &[HouseholdId],
        today: NaiveDate,
    ) -> DomainResult<Vec<(HouseholdId, WorkNote)>> {
        let ids: Vec<i64> = households.iter().map(|h| h.0).take(200).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let (lo, hi) = scope.bounds();
        // The ids are integers from the caller's page, written into the query as numbers.
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        let inside = format!("h.household_id in ({list}) and h.area_code between $1 and $2");
        let sql = match reason {
            WorkReason::NoHelper | WorkReason::NoPlan => return Ok(Vec::new()),
            WorkReason::PlanOverdue => format!(
                "select e.household_id, e.identified_on as on_date, null as text from monitoring_episodes e \
                 join households h on h.household_id = e.household_id where {inside} and e.cleared_on is null and $3 = $3"
            ),
            WorkReason::NotVisited => format!(
                "select h.household_id, max(v.visited_on) as on_date, null as text from households h \
                 left join visits v on v.household_id = h.household_id where {inside} and $3 = $3 group by h.household_id"
            ),
            WorkReason::OverdueMeasure => format!(
                "select m.household_id, m.due_on as on_date, m.content as text from measures m join households h on h.household_id = m.household_id \
                 where {inside} and m.status in ('planned', 'in_progress') and m.due_on < $3 order by m.due_on desc, m.measure_id desc"
            ),
            WorkReason::FollowUpDue => format!(
                "select v.household_id, v.follow_up_due as on_date, v.follow_up as text from visits v join households h on h.household_id = v.household_id \
                 where {inside} and v.follow_up_due <= $3 and v.follow_up_done_on is null order by v.follow_up_due desc, v.visit_id desc"
            ),
            WorkReason::ProposalPending => format!(
                "select v.household_id, v.visited_on as on_date, v.proposal as text from visits v join households h on h.household_id = v.household_id \
                 where {inside} and v.proposal_state = 'pending' and $3 = $3 order by v.visit_id desc"
            ),
        };
        let rows: Vec<(i64, Option<NaiveDate>, Option<String>)> = dispatch!(self, pool => {
            sqlx::query(crate::sql(&sql)).bind(lo).bind(hi).bind(today).fetch_all(pool).await.map_err(domain_err)?
                .iter().map(|r| Ok((r.int("household_id")?, r.opt_date("on_date")?, r.opt_text("text")?)))
                .collect::<DomainResult<Vec<_>>>()?
        });
        // Rows come latest first: the last one kept per household is the earliest.
        let mut notes: std::collections::HashMap<i64, WorkNote> = std::collections::HashMap::new();
        for (id, on, text) in rows {
            let note = match (reason, on) {
                (WorkReason::NotVisited, on) => WorkNote::LastVisit { on },
                (WorkReason::OverdueMeasure, Some(due_on)) => {
                    WorkNote::Overdue { content: text.unwrap_or_default(), due_on }
                }
                (WorkReason::FollowUpDue, Some(due_on)) => {
                    WorkNote::FollowUp { text: text.unwrap_or_default(), due_on }
                }
                (WorkReason::ProposalPending, _) => WorkNote::Proposal { proposal: text.unwrap_or_default() },
                (WorkReason::PlanOverdue, Some(identified_on)) => WorkNote::Identified { on: identified_on },
                _ => continue,
            };
            notes.insert(id, note);
        }
        Ok(ids.into_iter().filter_map(|id| notes.remove(&id).map(|n| (HouseholdId(id), n))).collect())
    }

    async fn worklist_counts(
        &self,
        scope: &Scope,
        parent: &AreaCode,
        today: NaiveDate,
    ) -> DomainResult<(Vec<i64>, Vec<WorkCounts>)> {
        let children: Vec<_> = self.children(parent).await?.into_iter().filter(|a| scope.contains(&a.code)).collect();
        let keep = children.first().map(|a| a.level.prefix_len()).unwrap_or(12);
        let pad = "0".repeat(12 - keep);
        let (plo, phi) = parent.subtree_range(parent.implied_level());
        let (slo, shi) = scope.bounds();
        let (lo, hi) = (plo.as_str().max(slo).to_owned(), phi.as_str().min(shi).to_owned());
        let (year, today, cutoff) = self.work_params(today).await?;
        let sums: Vec<String> = WorkReason::ALL
            .iter()
            .map(|r| {
                format!(
                    "cast(sum(case when {} then 1 else 0 end) as bigint) as {}",
                    condition(*r, plan_by(today)),
                    r.code()
                )
            })
            .collect();
        let sql = format!(
            "select substr(h.area_code, 1, {keep}) as prefix, {} from households h \
             where h.area_code between $1 and $2 and h.deregistered_on is null and $3 = $3 and $4 = $4 and $5 = $5 \
             group by substr(h.area_code, 1, {keep})",
            sums.join(", ")
        );
        let by_prefix: std::collections::HashMap<String, Vec<i64>> = dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(&lo).bind(&hi).bind(year).bind(today).bind(cutoff)
                .fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(|r| {
                let counts = WorkReason::ALL.iter().map(|w| r.int(w.code())).collect::<DomainResult<Vec<_>>>()?;
                Ok((format!("{}{pad}", r.text("prefix")?), counts))
            }).collect::<DomainResult<_>>()?
        });
        let mut totals = vec![0i64; WorkReason::ALL.len()];
        for counts in by_prefix.values() {
            for (t, c) in totals.iter_mut().zip(counts) {
                *t += c;
            }
        }
        let per_area = children
            .into_iter()
            .map(|area| {
                let counts =
                    by_prefix.get(area.code.as_str()).cloned().unwrap_or_else(|| vec![0; WorkReason::ALL.len()]);
                WorkCounts { area, counts }
            })
            .collect();
        Ok((totals, per_area))
    }
}
