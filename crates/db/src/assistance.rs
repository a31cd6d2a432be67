//! 帮扶: helpers and assignments.

use bangfu_core::area::{AreaCode, AreaLevel, Scope};
use bangfu_core::assistance::{Assignment, Helper, HelperData};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::clock::not_after_today;
use bangfu_core::household::HouseholdId;
use bangfu_core::ids::*;
use bangfu_core::store::{AreaStore, AssistanceStore, HouseholdStore, HouseholdSummary, Page};
use bangfu_core::{DomainError, DomainResult};
use chrono::NaiveDate;

use crate::households::{SUMMARY_SELECT, summary};
use crate::row::Get;
use crate::{BeginWrite, Db, dispatch, domain_err};

/// The households that must have a helper: poor, returned, or monitored and not cleared.
/// A household on the register (not 注销) that is poor or monitored needs a helper.
pub(crate) const NEEDS_HELPER: &str =
    "(h.deregistered_on is null and (h.status in ('poor', 'returned') or h.monitoring_type is not null))";

fn helper_row(r: &impl Get) -> DomainResult<Helper> {
    Ok(Helper {
        id: HelperId(r.int("helper_id")?),
        data: HelperData {
            name: r.text("name")?,
            phone: r.opt_sealed("phone")?,
            unit_id: r.opt_i64("unit_id")?.map(UnitId),
            post: r.opt_text("post")?,
            id_number: None,
            area_code: AreaCode::parse(&r.text("area_code")?).map_err(DomainError::Internal)?,
        },
    })
}

impl AssistanceStore for Db {
    async fn create_helper(&self, scope: &Scope, data: &HelperData, actor: &Actor) -> DomainResult<HelperId> {
        if !scope.contains(&data.area_code) || self.area(&data.area_code).await?.is_none() {
            return Err(DomainError::invalid("area_code", "所在区划不存在或不在您的管辖范围内"));
        }
        if let Some(id) = &data.id_number {
            let poor: Option<i64> = dispatch!(self, pool => {
                sqlx::query_scalar("select member_id from members where id_number_key = $1 and left_on is null")
                    .bind(crate::sealed::id_index(id.as_str())).fetch_optional(pool).await.map_err(domain_err)?
            });
            if poor.is_some() {
                return Err(DomainError::invalid("id_number", "此人是建档立卡登记的家庭成员，不能担任帮扶责任人"));
            }
        }
        let now = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into helpers (name, phone, unit_id, post, id_number, area_code, created_at, updated_at) \
                values ($1, $2, $3, $4, $5, $6, $7, $7) returning helper_id")
                .bind(&data.name).bind(crate::sealed::seal_opt(data.phone.as_deref())).bind(data.unit_id.map(|x| x.0))
                .bind(data.post.as_deref()).bind(data.id_number.as_ref().map(|i| crate::sealed::seal(i.as_str())))
                .bind(data.area_code.as_str()).bind(now)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create).object("helper", id, Some(data.area_code.as_str()))
                .change("name", None, Some(data.name.clone()));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(HelperId(id))
        })
    }

    async fn helpers(&self, scope: &Scope) -> DomainResult<Vec<Helper>> {
        let (lo, hi) = scope.bounds();
        dispatch!(self, pool => {
            let rows = sqlx::query("select helper_id, name, phone, unit_id, post, area_code from helpers \
                where status = 'active' and area_code between $1 and $2 order by name")
                .bind(lo).bind(hi).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(helper_row).collect()
        })
    }

    async fn helper_page(&self, scope: &Scope, page: Page) -> DomainResult<(Vec<Helper>, i64)> {
        let (lo, hi) = scope.bounds();
        let (size, offset) = crate::limit_offset(page);
        dispatch!(self, pool => {
            let rows = sqlx::query("select helper_id, name, phone, unit_id, post, area_code from helpers \
                where status = 'active' and area_code between $1 and $2 order by name, helper_id limit $3 offset $4")
                .bind(lo).bind(hi).bind(size).bind(offset).fetch_all(pool).await.map_err(domain_err)?;
            let (total,): (i64,) = sqlx::query_as("select count(*) from helpers where status = 'active' and area_code between $1 and $2")
                .bind(lo).bind(hi).fetch_one(pool).await.map_err(domain_err)?;
            Ok((rows.iter().map(helper_row).collect::<DomainResult<Vec<_>>>()?, total))
        })
    }

    async fn helper(&self, scope: &Scope, helper: HelperId) -> DomainResult<Helper> {
        let (lo, hi) = scope.bounds();
        let found = dispatch!(self, pool => {
            sqlx::query("select helper_id, name, phone, unit_id, post, area_code from helpers \
                where helper_id = $1 and status = 'active' and area_code between $2 and $3")
                .bind(helper.0).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
                .map(|r| helper_row(&r)).transpose()?
        });
        found.ok_or(DomainError::NotFound)
    }

    async fn assign_helper(
        &self,
        scope: &Scope,
        household: HouseholdId,
        helper: HelperId,
        on: NaiveDate,
        actor: &Actor,
    ) -> DomainResult<()> {
        not_after_today("start_on", "开始日期", on, self.clock().today()).map_err(|e| DomainError::Invalid(vec![e]))?;
        let h = self.household(scope, household).await?;
        let chosen = match self.helper(scope, helper).await {
            Err(DomainError::NotFound) => {
                return Err(DomainError::invalid("helper_id", "帮扶责任人不存在或不在您的管辖范围内"));
            }
            other => other?,
        };
        // The helper's own area must contain the household (a village helper helps that village).
        let level = self.area(&chosen.data.area_code).await?.map(|a| a.level).unwrap_or(AreaLevel::Village);
        let (lo, hi) = chosen.data.area_code.subtree_range(level);
        if !(lo.as_str() <= h.data.village_code.as_str() && h.data.village_code.as_str() <= hi.as_str()) {
            return Err(DomainError::invalid(
                "helper_id",
                format!("帮扶责任人“{}”不在该户所在区域，不能帮扶该户", chosen.data.name),
            ));
        }
        let current = self.helper_history(scope, household).await?.into_iter().find(|a| a.end_on.is_none());
        if current.as_ref().is_some_and(|a| a.helper.id == helper) {
            return Err(DomainError::invalid("helper_id", "该户的帮扶责任人已是此人"));
        }
        let now = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query("update helper_assignments set end_on = $1, end_reason = '更换帮扶责任人' where household_id = $2 and end_on is null")
                .bind(on).bind(household.0).execute(&mut *tx).await.map_err(domain_err)?;
            sqlx::query("insert into helper_assignments (household_id, helper_id, start_on, created_at) values ($1, $2, $3, $4)")
                .bind(household.0).bind(helper.0).bind(on).bind(now).execute(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Update).object("household", household.0, Some(h.data.village_code.as_str()))
                .change("helper", current.map(|a| a.helper.data.name), Some(chosen.data.name.clone()));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    async fn retire_helper(
        &self,
        scope: &Scope,
        helper: HelperId,
        on: NaiveDate,
        reason: &str,
        actor: &Actor,
    ) -> DomainResult<u64> {
        let h = self.helper(scope, helper).await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DomainError::invalid("reason", "请填写调离原因"));
        }
        not_after_today("end_on", "调离日期", on, self.clock().today()).map_err(|e| DomainError::Invalid(vec![e]))?;
        let latest: Option<NaiveDate> = dispatch!(self, pool => {
            sqlx::query_scalar("select max(start_on) from helper_assignments where helper_id = $1 and end_on is null")
                .bind(helper.0).fetch_one(pool).await.map_err(domain_err)?
        });
        if latest.is_some_and(|d| on < d) {
            return Err(DomainError::invalid("end_on", "调离日期不能早于其现有帮扶的开始日期"));
        }
        let now = self.clock().now();
        let end_reason = format!("帮扶责任人调离：{reason}");
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            // Only an active helper leaves: a second, concurrent 调离 finds none and changes nothing.
            let retired = sqlx::query("update helpers set status = 'retired', updated_at = $1 where helper_id = $2 and status = 'active'")
                .bind(now).bind(helper.0).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if retired != 1 {
                return Err(DomainError::NotFound);
            }
            let released = sqlx::query("update helper_assignments set end_on = $1, end_reason = $2 where helper_id = $3 and end_on is null")
                .bind(on).bind(&end_reason).bind(helper.0).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            let entry = AuditEntry::new(actor, AuditAction::Update).object("helper", helper, Some(h.data.area_code.as_str()))
                .change("status", Some("在岗".into()), Some(format!("{on} 调离（{reason}），{released} 户待重新指派")));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(released)
        })
    }

    async fn helper_history(&self, scope: &Scope, household: HouseholdId) -> DomainResult<Vec<Assignment>> {
        self.household(scope, household).await?;
        dispatch!(self, pool => {
            let rows = sqlx::query("select a.start_on, a.end_on, a.end_reason, p.helper_id, p.name, p.phone, p.unit_id, p.post, p.area_code \
                from helper_assignments a join helpers p on p.helper_id = a.helper_id where a.household_id = $1 \
                order by (case when a.end_on is null then 0 else 1 end), a.start_on desc, a.assignment_id desc")
                .bind(household.0).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(|r| Ok(Assignment {
                helper: helper_row(r)?,
                start_on: r.opt_date("start_on")?.ok_or_else(|| DomainError::Internal("start_on".into()))?,
                end_on: r.opt_date("end_on")?,
                end_reason: r.opt_text("end_reason")?,
            })).collect()
        })
    }

    async fn households_without_helper(&self, scope: &Scope, page: Page) -> DomainResult<(Vec<HouseholdSummary>, i64)> {
        let (lo, hi) = scope.bounds();
        let cond = format!(
            "h.area_code between $1 and $2 and {NEEDS_HELPER} and not exists \
             (select 1 from helper_assignments a where a.household_id = h.household_id and a.end_on is null)"
        );
        let size = page.size.clamp(1, 200) as i64;
        let offset = (page.number.max(1) as i64 - 1) * size;
        let list_sql =
            format!("{SUMMARY_SELECT} where {cond} order by h.area_code, h.household_id limit {size} offset {offset}");
        let count_sql = format!("select count(*) from households h where {cond}");
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&list_sql)).bind(lo).bind(hi).fetch_all(pool).await.map_err(domain_err)?;
            let total = sqlx::query_scalar(crate::sql(&count_sql)).bind(lo).bind(hi).fetch_one(pool).await.map_err(domain_err)?;
            Ok((rows.iter().map(summary).collect::<DomainResult<Vec<_>>>()?, total))
        })
    }
}
