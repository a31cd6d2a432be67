//! 防止返贫致贫监测: monitoring episodes. Each open or close writes the episode, the household's
//! mirror of the open type (`households.monitoring_type`), a dated history entry and the audit
//! row in one transaction; the partial unique index keeps one open episode per household.

use bangfu_core::area::Scope;
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::household::HouseholdId;
use bangfu_core::monitoring::*;
use bangfu_core::store::{HouseholdStore, MonitoringStore};
use bangfu_core::{DomainError, DomainResult};

use crate::households::{Review, accept_review};
use crate::row::{self, Get};

use crate::{BeginWrite, Db, dispatch, domain_err};

const EPISODE_SELECT: &str = "select episode_id, household_id, monitoring_type, risks, house_unsafe, out_of_school, \
    no_medical_insurance, water_unsafe, no_labour, found_by, identified_on, identified_reason, identified_by, \
    cleared_on, clear_method, cleared_reason, cleared_by from monitoring_episodes";

fn episode_row(r: &impl Get) -> DomainResult<Episode> {
    let risks = match r.opt_text("risks")? {
        Some(codes) => codes
            .split(',')
            .map(|c| MonitoringRisk::parse(c).ok_or_else(|| DomainError::Internal(format!("risk {c}"))))
            .collect::<DomainResult<Vec<_>>>()?,
        None => Vec::new(),
    };
    let closed = match r.opt_date("cleared_on")? {
        Some(cleared_on) => Some(CloseEpisode {
            cleared_on,
            method: row::opt_code_of(r, "clear_method")?,
            reason: r.opt_text("cleared_reason")?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Episode {
        id: EpisodeId(r.int("episode_id")?),
        household_id: HouseholdId(r.int("household_id")?),
        opened: OpenEpisode {
            monitoring_type: row::code_of(r, "monitoring_type")?,
            risks,
            flags: ProblemFlags {
                house_unsafe: r.opt_flag("house_unsafe")?,
                out_of_school: r.opt_flag("out_of_school")?,
                no_medical_insurance: r.opt_flag("no_medical_insurance")?,
                water_unsafe: r.opt_flag("water_unsafe")?,
                no_labour: r.opt_flag("no_labour")?,
            },
            found_by: row::opt_code_of(r, "found_by")?,
            identified_on: r.opt_date("identified_on")?.ok_or_else(|| DomainError::Internal("identified_on".into()))?,
            reason: r.text("identified_reason")?,
        },
        opened_by: r.opt_text("identified_by")?,
        closed,
        closed_by: r.opt_text("cleared_by")?,
    })
}

/// Where the open episode's audit row describes it: `边缘易致贫户（因病、因学）`.
fn describe(e: &OpenEpisode) -> String {
    if e.risks.is_empty() {
        e.monitoring_type.label_zh().to_owned()
    } else {
        format!("{}（{}）", e.monitoring_type.label_zh(), risks_label(&e.risks))
    }
}

impl Db {
    /// Opens an episode; with a review, the visit's proposal is marked accepted in the same transaction.
    pub(crate) async fn open_episode_with(
        &self,
        scope: &Scope,
        household: HouseholdId,
        episode: &OpenEpisode,
        actor: &Actor,
        review: Option<Review<'_>>,
    ) -> DomainResult<EpisodeId> {
        let h = self.household(scope, household).await?;
        check_type(episode.monitoring_type, h.data.household_type).map_err(|e| DomainError::Invalid(vec![e]))?;
        let earlier = self.episodes(scope, household).await?;
        episode.check_against(&earlier).map_err(|e| DomainError::Invalid(vec![e]))?;
        if episode.reason.trim().is_empty() {
            return Err(DomainError::invalid("reason", "请填写纳入监测的理由"));
        }
        let now = self.clock().now();
        let today = self.clock().today();
        let area = h.data.village_code;
        let f = &episode.flags;
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into monitoring_episodes (household_id, monitoring_type, risks, house_unsafe, \
                out_of_school, no_medical_insurance, water_unsafe, no_labour, found_by, identified_on, identified_reason, \
                identified_by, created_at, updated_at, procedure_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) \
                returning episode_id")
                .bind(household.0).bind(episode.monitoring_type.code()).bind(risks_code(&episode.risks))
                .bind(f.house_unsafe).bind(f.out_of_school).bind(f.no_medical_insurance).bind(f.water_unsafe).bind(f.no_labour)
                .bind(episode.found_by.map(|x| x.code())).bind(episode.identified_on).bind(episode.reason.trim())
                .bind(&actor.username).bind(now).bind(review.as_ref().and_then(|r| r.procedure_id()))
                .fetch_one(&mut *tx).await.map_err(|e| match domain_err(e) {
                    DomainError::Conflict { .. } => DomainError::conflict("monitoring_type", "该户已在监测中，请先消除风险"),
                    other => other,
                })?;
            sqlx::query("update households set monitoring_type = $1, updated_at = $2 where household_id = $3")
                .bind(episode.monitoring_type.code()).bind(now).bind(household.0)
                .execute(&mut *tx).await.map_err(domain_err)?;
            sqlx::query("insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
                values ($1, 'monitoring', null, $2, $3, $4, $5)")
                .bind(household.0).bind(episode.monitoring_type.code()).bind(episode.identified_on)
                .bind(format!("纳入监测：{}", episode.reason.trim())).bind(now)
                .execute(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create)
                .object("monitoring_episode", id, Some(area.as_str()))
                .change("monitoring_type", None, Some(format!("{} {} 纳入监测", describe(episode), episode.identified_on)));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            if let Some(review) = &review {
                accept_review!(&mut *tx, review, actor, area, today, now)?;
            }
            tx.commit().await.map_err(domain_err)?;
            Ok(EpisodeId(id))
        })
    }

    /// Closes the open episode (found again inside the transaction: `where cleared_on is null`).
    pub(crate) async fn close_episode_with(
        &self,
        scope: &Scope,
        household: HouseholdId,
        close: &CloseEpisode,
        actor: &Actor,
        review: Option<Review<'_>>,
    ) -> DomainResult<()> {
        let h = self.household(scope, household).await?;
        let open = self
            .episodes(scope, household)
            .await?
            .into_iter()
            .find(Episode::is_open)
            .ok_or_else(|| DomainError::invalid("cleared_on", "该户当前没有监测记录，无需消除风险"))?;
        if open.opened.flags.no_labour == Some(true) {
            return Err(DomainError::invalid("method", "整户无劳动能力的监测户不能消除风险，应纳入综合保障并继续监测"));
        }
        if close.cleared_on < open.opened.identified_on {
            return Err(DomainError::invalid(
                "cleared_on",
                format!("风险消除时间早于识别时间（{}）", open.opened.identified_on),
            ));
        }
        let now = self.clock().now();
        let today = self.clock().today();
        let area = h.data.village_code;
        let what = format!(
            "{} {} 风险消除（{}）",
            open.opened.monitoring_type.label_zh(),
            close.cleared_on,
            close.method.map_or("消除方式未填", |m| m.label_zh())
        );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let done = sqlx::query("update monitoring_episodes set cleared_on = $1, clear_method = $2, cleared_reason = $3, \
                cleared_by = $4, updated_at = $5, cleared_procedure_id = $7 where episode_id = $6 and cleared_on is null")
                .bind(close.cleared_on).bind(close.method.map(|m| m.code())).bind(close.reason.trim())
                .bind(&actor.username).bind(now).bind(open.id.0).bind(review.as_ref().and_then(|r| r.procedure_id()))
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if done != 1 {
                return Err(DomainError::conflict("cleared_on", "该监测记录刚被他人消除风险，请刷新后查看"));
            }
            sqlx::query("update households set monitoring_type = null, updated_at = $1 where household_id = $2")
                .bind(now).bind(household.0)
                .execute(&mut *tx).await.map_err(domain_err)?;
            sqlx::query("insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
                values ($1, 'monitoring', $2, null, $3, $4, $5)")
                .bind(household.0).bind(open.opened.monitoring_type.code()).bind(close.cleared_on)
                .bind(format!("风险消除（{}）：{}", close.method.map_or("消除方式未填", |m| m.label_zh()), close.reason.trim()))
                .bind(now)
                .execute(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Update)
                .object("monitoring_episode", open.id.0, Some(area.as_str()))
                .change("cleared_on", None, Some(what.clone()));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            if let Some(review) = &review {
                accept_review!(&mut *tx, review, actor, area, today, now)?;
            }
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }
}

impl MonitoringStore for Db {
    async fn episodes(&self, scope: &Scope, household: HouseholdId) -> DomainResult<Vec<Episode>> {
        self.check_in_scope(scope, household).await?;
        let sql = format!(
            "{EPISODE_SELECT} where household_id = $1 \
             order by (case when cleared_on is null then 0 else 1 end), identified_on desc, episode_id desc"
        );
        dispatch!(self, pool => {
            sqlx::query(crate::sql(&sql)).bind(household.0).fetch_all(pool).await.map_err(domain_err)?
                .iter().map(episode_row).collect()
        })
    }
}

impl Db {
    /// Carries over an episode of a register kept before bangfu (the demo's history, a
    /// migration from the national system): not a decision, and no page or API route calls
    /// it — decisions go through a procedure ([`Db::act_on_procedure`]).
    pub async fn backfill_episode(
        &self,
        scope: &Scope,
        household: HouseholdId,
        episode: &OpenEpisode,
        actor: &Actor,
    ) -> DomainResult<EpisodeId> {
        self.open_episode_with(scope, household, episode, actor, None).await
    }

    /// Carries over the clearing of an episode of a register kept before bangfu (see
    /// [`Db::backfill_episode`]).
    pub async fn backfill_clearing(
        &self,
        scope: &Scope,
        household: HouseholdId,
        close: &CloseEpisode,
        actor: &Actor,
    ) -> DomainResult<()> {
        self.close_episode_with(scope, household, close, actor, None).await
    }
}
