//! 线索: the leads the 监测预警规则 find, kept. A run reads the facts page by page (see
//! [`crate::rule_facts`]), then stores what is new in one transaction with its audit row. A lead
//! is new unless its household already has an open lead of the same rule, or any lead of the
//! same rule, version and reason (the same figures): so a rerun on the same data adds nothing,
//! and a lead dismissed as 不需纳入 comes back only when the figures change.

use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::household::HouseholdId;
use bangfu_core::money::Fen;
use bangfu_core::monitoring::leads::{LeadId, LeadState, StoredLead, check_dismiss_reason};
use bangfu_core::monitoring::rules::{Lead, RULES, RuleSettings, leads_for};
use bangfu_core::store::{LineStore, Page};
use bangfu_core::{DomainError, DomainResult};
use chrono::NaiveDate;

use crate::row::Get;
use crate::{BeginWrite, Db, dispatch, domain_err};

/// Households read per page of a run.
const PAGE: u32 = 2_000;

const FALL_KEY: &str = "rules_fall_percent";
const OUT_OF_POCKET_KEY: &str = "rules_out_of_pocket_fen";
/// The day the daily run last ran (YYYY-MM-DD), so a restart does not run it again.
pub const LAST_RUN_KEY: &str = "rules_last_run_on";

/// A lead found by a run, with where its household is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundLead {
    pub household_id: HouseholdId,
    pub area_code: AreaCode,
    pub lead: Lead,
}

/// What a run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub as_of: NaiveDate,
    /// Households read.
    pub households: u64,
    /// Every lead the rules found, in a fixed order (household number, rule, version, reason).
    pub found: Vec<FoundLead>,
    /// How many of them were new and stored.
    pub added: u64,
}

/// Which leads to list.
#[derive(Debug, Clone, Default)]
pub struct LeadFilter {
    pub state: Option<LeadState>,
    pub household: Option<HouseholdId>,
}

const LEAD_SELECT: &str = "select l.lead_id, l.household_id, h.household_no, \
    (select m.name from members m where m.household_id = h.household_id and m.relation = 'head' and m.left_on is null limit 1) as head_name, \
    l.area_code, l.rule, l.version, l.reason, l.found_on, l.state, l.dismissed_reason, l.dismissed_by, l.procedure_id \
    from rule_leads l join households h on h.household_id = l.household_id";

fn lead_row(r: &impl Get) -> DomainResult<StoredLead> {
    let state = r.text("state")?;
    Ok(StoredLead {
        id: LeadId(r.int("lead_id")?),
        household_id: HouseholdId(r.int("household_id")?),
        household_no: r.text("household_no")?,
        head_name: r.opt_text("head_name")?,
        area_code: r.text("area_code")?,
        rule: r.text("rule")?,
        version: r.int("version")?,
        reason: r.text("reason")?,
        found_on: r.opt_date("found_on")?.ok_or_else(|| DomainError::Internal("found_on".into()))?,
        state: LeadState::parse(&state).ok_or_else(|| DomainError::Internal(format!("column state: “{state}”")))?,
        dismissed_reason: r.opt_text("dismissed_reason")?,
        dismissed_by: r.opt_text("dismissed_by")?,
        procedure_id: r.opt_i64("procedure_id")?,
    })
}

/// A worker count to store: insert, move the count to "before", or correct today's.
enum CountWrite {
    Insert(i64, Option<i64>),
    NewDay(i64, Option<i64>, Option<i64>),
    SameDay(i64, Option<i64>),
}

impl Db {
    /// A settings row's value, if set (named apart from the procedures' `setting`).
    async fn rule_setting(&self, key: &str) -> DomainResult<Option<String>> {
        dispatch!(self, pool => {
            sqlx::query_scalar("select value from settings where key = $1").bind(key)
                .fetch_optional(pool).await.map_err(domain_err)
        })
    }

    /// The rules' settings: the 接近 margin is the lines' (one margin for the household page's
    /// mark and the rule), the fall and the 合规自付 threshold are settings rows of their own.
    pub async fn rule_settings(&self) -> DomainResult<RuleSettings> {
        let d = RuleSettings::default();
        Ok(RuleSettings {
            margin_percent: self.line_margin_percent().await?,
            fall_percent: self.rule_setting(FALL_KEY).await?.and_then(|v| v.parse().ok()).unwrap_or(d.fall_percent),
            out_of_pocket: self
                .rule_setting(OUT_OF_POCKET_KEY)
                .await?
                .and_then(|v| v.parse().ok())
                .map_or(d.out_of_pocket, Fen),
        })
    }

    /// Changes the rules' settings (audited, each changed value a row).
    pub async fn set_rule_settings(&self, s: &RuleSettings, actor: &Actor) -> DomainResult<()> {
        if !(1..=100).contains(&s.fall_percent) {
            return Err(DomainError::invalid("fall_percent", "下降幅度应为1至100之间的百分数"));
        }
        if s.out_of_pocket.0 <= 0 {
            return Err(DomainError::invalid("out_of_pocket", "合规自付医疗支出的预警金额应大于0"));
        }
        let before = self.rule_settings().await?;
        if before.margin_percent != s.margin_percent {
            self.set_line_margin_percent(s.margin_percent, actor).await?;
        }
        let now = self.clock().now();
        let changes = [
            (FALL_KEY, before.fall_percent.to_string(), s.fall_percent.to_string()),
            (OUT_OF_POCKET_KEY, before.out_of_pocket.0.to_string(), s.out_of_pocket.0.to_string()),
        ];
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            for (key, old, new) in &changes {
                if old == new {
                    continue;
                }
                sqlx::query("insert into settings (key, value, updated_at) values ($1, $2, $3) \
                    on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at")
                    .bind(*key).bind(new).bind(now).execute(&mut *tx).await.map_err(domain_err)?;
                let entry = AuditEntry::new(actor, AuditAction::Update).at(now).object("setting", key, None)
                    .change(key, Some(old.clone()), Some(new.clone()));
                crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            }
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// Runs the rules over every household of `scope` as of `as_of` and stores the new leads,
    /// the worker counts the next run compares with, and one audit row, in one transaction.
    /// The same rule version on the same data adds nothing.
    #[tracing::instrument(skip_all, fields(as_of = %as_of))]
    pub async fn run_rules(
        &self,
        scope: &Scope,
        as_of: NaiveDate,
        settings: &RuleSettings,
        actor: &Actor,
    ) -> DomainResult<RunSummary> {
        let lines = {
            let sql = format!("{} where kind = 'monitoring'", crate::lines::SELECT);
            dispatch!(self, pool => {
                sqlx::query(crate::sql(&sql)).fetch_all(pool).await.map_err(domain_err)?
                    .iter().map(crate::lines::line_row).collect::<DomainResult<Vec<_>>>()?
            })
        };
        let mut found = Vec::new();
        let mut counts = Vec::new();
        let mut households = 0u64;
        let mut after = None;
        loop {
            let page = self.rule_facts_with(scope, as_of, after, PAGE, &lines).await?;
            households += page.len() as u64;
            after = page.last().map(|f| f.household_id);
            for f in &page {
                found.extend(leads_for(&f.facts, settings).into_iter().map(|lead| FoundLead {
                    household_id: f.household_id,
                    area_code: f.area_code.clone(),
                    lead,
                }));
                let now = f.facts.able_workers.map(i64::from);
                let id = f.household_id.0;
                match f.stored_count {
                    None => counts.push(CountWrite::Insert(id, now)),
                    Some((old, on, _)) if on < as_of && old != now => counts.push(CountWrite::NewDay(id, now, old)),
                    Some((old, on, _)) if on == as_of && old != now => counts.push(CountWrite::SameDay(id, now)),
                    // Unchanged, or counted after as_of (a run for a past day rewrites no later count).
                    Some(_) => {}
                }
            }
            if page.len() < PAGE as usize {
                break;
            }
        }
        found.sort_by(|a, b| a.lead.cmp(&b.lead));
        let now = self.clock().now();
        let versions = RULES.iter().map(|r| format!("{} v{}", r.id, r.version)).collect::<Vec<_>>().join("、");
        let area = (!scope.is_district_wide()).then(|| scope.root().as_str().to_owned());
        let added = dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let mut added = 0u64;
            for f in &found {
                let l = &f.lead;
                added += sqlx::query("insert into rule_leads (household_id, area_code, rule, version, reason, found_on, state, \
                    created_at, updated_at) select $1, $2, $3, $4, $5, $6, 'open', $7, $7 \
                    where not exists (select 1 from rule_leads x where x.household_id = $1 and x.rule = $3 \
                    and (x.state = 'open' or (x.version = $4 and x.reason = $5))) on conflict do nothing")
                    .bind(f.household_id.0).bind(f.area_code.as_str()).bind(l.rule).bind(i64::from(l.version))
                    .bind(&l.reason).bind(as_of).bind(now)
                    .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            }
            for c in &counts {
                match c {
                    CountWrite::Insert(id, n) => sqlx::query("insert into rule_worker_counts (household_id, able_workers, counted_on, \
                        previous_able_workers, updated_at) values ($1, $2, $3, null, $4) on conflict (household_id) do nothing")
                        .bind(id).bind(n).bind(as_of).bind(now).execute(&mut *tx).await.map_err(domain_err)?,
                    CountWrite::NewDay(id, n, old) => sqlx::query("update rule_worker_counts set able_workers = $1, counted_on = $2, \
                        previous_able_workers = $3, updated_at = $4 where household_id = $5")
                        .bind(n).bind(as_of).bind(old).bind(now).bind(id).execute(&mut *tx).await.map_err(domain_err)?,
                    CountWrite::SameDay(id, n) => sqlx::query("update rule_worker_counts set able_workers = $1, updated_at = $2 \
                        where household_id = $3")
                        .bind(n).bind(now).bind(id).execute(&mut *tx).await.map_err(domain_err)?,
                };
            }
            let entry = AuditEntry::new(actor, AuditAction::Create).at(now).object("rule_run", as_of, area.as_deref())
                .change("rule_leads", None, Some(format!(
                    "监测预警规则（{versions}）{as_of}：{households} 户，发现线索 {} 条，新增 {added} 条", found.len())));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            added
        });
        tracing::info!(households, found = found.len(), added, "rules run");
        Ok(RunSummary { as_of, households, found, added })
    }

    /// The daily run over the whole register, if it has not run today (by the storage's clock):
    /// remembered in a settings row, so a restart does not run it again.
    pub async fn run_rules_if_due(&self, actor: &Actor) -> DomainResult<Option<RunSummary>> {
        let today = self.clock().today();
        let last = self.rule_setting(LAST_RUN_KEY).await?.and_then(|v| v.parse::<NaiveDate>().ok());
        if last.is_some_and(|d| d >= today) {
            return Ok(None);
        }
        let settings = self.rule_settings().await?;
        let summary = self.run_rules(&Scope::everything(), today, &settings, actor).await?;
        let now = self.clock().now();
        dispatch!(self, pool => {
            sqlx::query("insert into settings (key, value, updated_at) values ($1, $2, $3) \
                on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at")
                .bind(LAST_RUN_KEY).bind(today.to_string()).bind(now).execute(pool).await.map_err(domain_err)?;
        });
        Ok(Some(summary))
    }

    /// Leads of `scope` (by the household's area now), newest first, a page at a time, with
    /// how many there are in all.
    pub async fn rule_leads(
        &self,
        scope: &Scope,
        filter: &LeadFilter,
        page: Page,
    ) -> DomainResult<(Vec<StoredLead>, i64)> {
        let (lo, hi) = scope.bounds();
        let mut cond = String::from(" where h.area_code between $1 and $2");
        let mut n = 2;
        if filter.state.is_some() {
            n += 1;
            cond.push_str(&format!(" and l.state = ${n}"));
        }
        if filter.household.is_some() {
            n += 1;
            cond.push_str(&format!(" and l.household_id = ${n}"));
        }
        let (limit, offset) = crate::limit_offset(page);
        let list_sql = format!(
            "{LEAD_SELECT}{cond} order by l.found_on desc, h.household_no, l.rule, l.lead_id limit ${} offset ${}",
            n + 1,
            n + 2
        );
        let count_sql =
            format!("select count(*) from rule_leads l join households h on h.household_id = l.household_id{cond}");
        let state = filter.state.map(LeadState::code);
        let household = filter.household.map(|h| h.0);
        dispatch!(self, pool => {
            let mut list = sqlx::query(crate::sql(&list_sql)).bind(lo).bind(hi);
            let mut count = sqlx::query_scalar::<_, i64>(crate::sql(&count_sql)).bind(lo).bind(hi);
            if let Some(s) = state {
                list = list.bind(s);
                count = count.bind(s);
            }
            if let Some(h) = household {
                list = list.bind(h);
                count = count.bind(h);
            }
            let rows = list.bind(limit).bind(offset).fetch_all(pool).await.map_err(domain_err)?;
            let total = count.fetch_one(pool).await.map_err(domain_err)?;
            Ok((rows.iter().map(lead_row).collect::<DomainResult<Vec<_>>>()?, total))
        })
    }

    /// One lead, if its household is inside `scope` (another area's lead is `NotFound`, as a
    /// missing one).
    pub async fn rule_lead(&self, scope: &Scope, id: LeadId) -> DomainResult<StoredLead> {
        let (lo, hi) = scope.bounds();
        let sql = format!("{LEAD_SELECT} where l.lead_id = $1 and h.area_code between $2 and $3");
        let found = dispatch!(self, pool => {
            sqlx::query(crate::sql(&sql)).bind(id.0).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
                .as_ref().map(lead_row).transpose()?
        });
        found.ok_or(DomainError::NotFound)
    }

    /// 不需纳入: closes an open lead with a reason (required), audited. The lead stays.
    pub async fn dismiss_lead(&self, scope: &Scope, id: LeadId, reason: &str, actor: &Actor) -> DomainResult<()> {
        let reason = check_dismiss_reason(reason).map_err(|e| DomainError::Invalid(vec![e]))?;
        let lead = self.rule_lead(scope, id).await?;
        if lead.state != LeadState::Open {
            return Err(DomainError::invalid("reason", format!("该线索已处理（{}）", lead.state.label_zh())));
        }
        let now = self.clock().now();
        let today = self.clock().today();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let done = sqlx::query("update rule_leads set state = 'dismissed', dismissed_reason = $1, dismissed_by = $2, \
                dismissed_on = $3, updated_at = $4 where lead_id = $5 and state = 'open'")
                .bind(reason).bind(&actor.username).bind(today).bind(now).bind(id.0)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if done != 1 {
                return Err(DomainError::invalid("reason", "该线索已处理"));
            }
            let entry = AuditEntry::new(actor, AuditAction::Update).at(now).object("rule_lead", id.0, Some(lead.area_code.as_str()))
                .change("state", Some(format!("待处理：{}", lead.reason)), Some(format!("不需纳入：{reason}")));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// 已发起纳入监测: the identification procedure `procedure_id` was started from this open
    /// lead (it must be the same household's procedure), audited. For the procedure to call.
    pub async fn mark_lead_started(
        &self,
        scope: &Scope,
        id: LeadId,
        procedure_id: i64,
        actor: &Actor,
    ) -> DomainResult<()> {
        let lead = self.rule_lead(scope, id).await?;
        if lead.state != LeadState::Open {
            return Err(DomainError::invalid("lead", format!("该线索已处理（{}）", lead.state.label_zh())));
        }
        let now = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let done = sqlx::query("update rule_leads set state = 'started', procedure_id = $1, updated_at = $2 \
                where lead_id = $3 and state = 'open' \
                and household_id = (select p.household_id from procedures p where p.procedure_id = $1)")
                .bind(procedure_id).bind(now).bind(id.0)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if done != 1 {
                return Err(DomainError::invalid("lead", "线索与该程序不是同一户，或线索已处理"));
            }
            let entry = AuditEntry::new(actor, AuditAction::Update).at(now).object("rule_lead", id.0, Some(lead.area_code.as_str()))
                .change("state", Some("待处理".into()), Some(format!("已发起纳入监测（程序 {procedure_id}）")));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }
}
