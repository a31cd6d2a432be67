//! 走访: visits to households, their follow-ups, and the changes they propose for review.

use bangfu_core::area::Scope;
use bangfu_core::assistance::{Proposal, ProposalState, Visit, VisitData};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::clock::not_after_today;
use bangfu_core::household::HouseholdId;
use bangfu_core::ids::*;
use bangfu_core::monitoring::rules::VisitReport;
use bangfu_core::monitoring::{ClearMethod, FoundBy};
use bangfu_core::store::{HouseholdStore, VisitStore};
use bangfu_core::{DomainError, DomainResult};
use chrono::NaiveDate;

use crate::households::Review;
use crate::row::Get;
use crate::{BeginWrite, Db, dispatch, domain_err};

const VISIT_SELECT: &str = "select v.visit_id, v.household_id, v.visited_on, v.visitors, v.found, v.follow_up, v.follow_up_due, \
    v.follow_up_done_on, v.proposal, v.proposal_reason, v.proposal_state, v.review_note, v.recorded_by, v.findings from visits v";

fn visit_row(r: &impl Get) -> DomainResult<Visit> {
    Ok(Visit {
        id: VisitId(r.int("visit_id")?),
        household_id: HouseholdId(r.int("household_id")?),
        data: VisitData {
            visited_on: r.opt_date("visited_on")?.ok_or_else(|| DomainError::Internal("visited_on".into()))?,
            visitors: r.text("visitors")?,
            found: r.text("found")?,
            follow_up: r.opt_text("follow_up")?,
            follow_up_due: r.opt_date("follow_up_due")?,
            proposal: r.opt_text("proposal")?.and_then(|p| Proposal::parse(&p)),
            proposal_reason: r.opt_text("proposal_reason")?,
            findings: match r.opt_text("findings")? {
                Some(codes) => VisitReport::parse_list(&codes).map_err(DomainError::Internal)?,
                None => None,
            },
        },
        follow_up_done_on: r.opt_date("follow_up_done_on")?,
        proposal_state: r.opt_text("proposal_state")?.and_then(|s| ProposalState::parse(&s)),
        review_note: r.opt_text("review_note")?,
        recorded_by: r.text("recorded_by")?,
    })
}

impl VisitStore for Db {
    async fn record_visit(
        &self,
        scope: &Scope,
        household: HouseholdId,
        data: &VisitData,
        actor: &Actor,
    ) -> DomainResult<VisitId> {
        let h = self.household(scope, household).await?;
        not_after_today("visited_on", "走访日期", data.visited_on, self.clock().today())
            .map_err(|e| DomainError::Invalid(vec![e]))?;
        h.check_date("visited_on", "走访日期", data.visited_on).map_err(|e| DomainError::Invalid(vec![e]))?;
        if data.proposal.is_some() && data.proposal_reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            return Err(DomainError::invalid("proposal_reason", "提出变更建议须写明理由"));
        }
        let now = self.clock().now();
        let proposal = data.proposal.map(|p| p.code());
        let state = data.proposal.map(|_| ProposalState::Pending.code());
        let findings = VisitReport::store_list(data.findings.as_deref());
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into visits (household_id, visited_on, visitors, found, follow_up, follow_up_due, \
                proposal, proposal_reason, proposal_state, recorded_by, created_at, findings) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning visit_id")
                .bind(household.0).bind(data.visited_on).bind(&data.visitors).bind(&data.found).bind(data.follow_up.as_deref())
                .bind(data.follow_up_due).bind(proposal.as_deref()).bind(data.proposal_reason.as_deref()).bind(state)
                .bind(&actor.username).bind(now).bind(findings.as_deref())
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create).object("visit", id, Some(h.data.village_code.as_str()))
                .change("visit", None, Some(format!("{} {}：{}{}", data.visited_on, data.visitors, data.found,
                    match data.findings.as_deref() {
                        Some([]) => "（走访发现：无）".to_owned(),
                        Some(list) => format!("（走访发现：{}）", list.iter().map(|r| r.label_zh()).collect::<Vec<_>>().join("、")),
                        None => String::new(),
                    })));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(VisitId(id))
        })
    }

    async fn visits(&self, scope: &Scope, household: HouseholdId) -> DomainResult<Vec<Visit>> {
        self.check_in_scope(scope, household).await?;
        let sql = format!("{VISIT_SELECT} where v.household_id = $1 order by v.visited_on desc, v.visit_id desc");
        dispatch!(self, pool => {
            sqlx::query(crate::sql(&sql)).bind(household.0).fetch_all(pool).await.map_err(domain_err)?.iter().map(visit_row).collect()
        })
    }

    async fn visit(&self, scope: &Scope, visit: VisitId) -> DomainResult<Visit> {
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "{VISIT_SELECT} join households h on h.household_id = v.household_id \
            where v.visit_id = $1 and h.area_code between $2 and $3"
        );
        let found = dispatch!(self, pool => {
            sqlx::query(crate::sql(&sql)).bind(visit.0).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
                .map(|r| visit_row(&r)).transpose()?
        });
        found.ok_or(DomainError::NotFound)
    }

    async fn follow_up_done(&self, scope: &Scope, visit: VisitId, on: NaiveDate, actor: &Actor) -> DomainResult<()> {
        let v = self.visit(scope, VisitId(visit.0)).await?;
        v.check_follow_up_done(on, self.clock().today()).map_err(|e| DomainError::Invalid(vec![e]))?;
        let area = self.household(scope, v.household_id).await?.data.village_code;
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let done = sqlx::query("update visits set follow_up_done_on = $1 where visit_id = $2 and follow_up_done_on is null")
                .bind(on).bind(visit.0).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if done != 1 {
                return Err(DomainError::invalid("follow_up", "后续事项已办结"));
            }
            let entry = AuditEntry::new(actor, AuditAction::Update).object("visit", visit, Some(area.as_str()))
                .change("follow_up_done_on", None, Some(on.to_string()));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    async fn review_proposal(
        &self,
        scope: &Scope,
        visit: VisitId,
        accept: bool,
        note: &str,
        actor: &Actor,
    ) -> DomainResult<()> {
        self.review_with_method(scope, visit, accept, note, None, actor).await
    }
}

impl Db {
    /// Reviews a proposal; accepting a 风险消除 proposal records `method` as its 消除方式.
    pub async fn review_with_method(
        &self,
        scope: &Scope,
        visit: VisitId,
        accept: bool,
        note: &str,
        method: Option<ClearMethod>,
        actor: &Actor,
    ) -> DomainResult<()> {
        let v = self.visit(scope, visit).await?;
        let (Some(proposal), Some(ProposalState::Pending)) = (v.data.proposal, v.proposal_state) else {
            return Err(DomainError::invalid("proposal", "该走访没有待审核的变更建议"));
        };
        let note = note.trim();
        let household = v.household_id;
        let today = self.clock().today();
        if accept {
            let reason = format!(
                "采纳{}走访建议：{}{}",
                v.data.visited_on,
                v.data.proposal_reason.as_deref().unwrap_or(""),
                if note.is_empty() { String::new() } else { format!("（审核意见：{note}）") }
            );
            let review = Some(Review::Proposal { visit_id: visit.0, note });
            // Accepting a status change makes it; accepting 纳入监测 or 风险消除 starts its
            // procedure (the decision is the procedure's approval, never the review's).
            let start = |pairs: &[(&str, String)]| {
                let fields: std::collections::HashMap<String, String> =
                    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect();
                fields
            };
            return match proposal {
                Proposal::Status(s) => self.apply_status(scope, household, s, today, &reason, actor, review).await,
                Proposal::Monitoring(m) => {
                    let def = &bangfu_core::procedure::kinds::IDENTIFICATION;
                    let fields = start(&[
                        ("monitoring_type", m.code().to_owned()),
                        ("found_by", FoundBy::CadreCheck.code().to_owned()),
                        ("reporter", v.data.visitors.clone()),
                        ("reason", reason),
                    ]);
                    let proposal = bangfu_core::procedure::decision::Proposal::keep(def, &fields);
                    self.start_procedure_with(scope, household, def, &proposal, today, actor, review).await.map(|_| ())
                }
                Proposal::ClearRisk => {
                    let def = &bangfu_core::procedure::kinds::RISK_CLEARING;
                    let fields = start(&[
                        ("method", method.map(|m| m.code().to_owned()).unwrap_or_default()),
                        ("reason", reason),
                    ]);
                    let proposal = bangfu_core::procedure::decision::Proposal::keep(def, &fields);
                    self.start_procedure_with(scope, household, def, &proposal, today, actor, review).await.map(|_| ())
                }
            };
        }
        if note.is_empty() {
            return Err(DomainError::invalid("note", "不采纳时请写明理由"));
        }
        let area = self.household(scope, household).await?.data.village_code;
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let done = sqlx::query("update visits set proposal_state = 'rejected', reviewed_by = $1, reviewed_on = $2, review_note = $3 \
                where visit_id = $4 and proposal_state = 'pending'")
                .bind(&actor.username).bind(today).bind(note).bind(visit.0).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if done != 1 {
                return Err(DomainError::invalid("proposal", "该建议已审核"));
            }
            let entry = AuditEntry::new(actor, AuditAction::Update).object("visit", visit, Some(area.as_str()))
                .change("proposal_state", Some("待审核".into()), Some(format!("未采纳：{note}")));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }
}
