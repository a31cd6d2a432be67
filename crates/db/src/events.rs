//! A household's life events: 户主变更, 分户, 合户, 注销 (rules: bangfu_core::household::events).
//!
//! Each event is one write transaction: the household row is locked first (then its members,
//! the order every member write follows), its version checked against the form's, the event's
//! rules run again on the members read under the lock, and then the members, the household
//! history and the audit rows are written together. Members never move between households:
//! a member who goes to another household leaves this one (dated, with the reason) and joins
//! the other as a new membership, so each household's past stays as it was.

use bangfu_core::area::Scope;
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::household::events::{ChangeHead, Deregister, MergeHouseholds, OutgoingHead, SplitHousehold};
use bangfu_core::household::*;
use bangfu_core::store::{HouseholdEventStore, HouseholdStore};
use bangfu_core::{DomainError, DomainResult};
use chrono::{DateTime, NaiveDate, Utc};

use crate::households::{
    HOUSEHOLD_COLUMN_COUNT, HOUSEHOLD_COLUMNS, MEMBER_COLUMN_COUNT, MEMBER_COLUMNS, members_sql, placeholders,
};
use crate::row::{self, Get};
use crate::values::{bind_values, household_values, member_values};
use crate::{BeginWrite, Db, dispatch, domain_err};

/// A household as an event reads it under its lock.
struct Locked {
    version: i64,
    data: HouseholdData,
    monitored: Option<MonitoringType>,
    deregistered_on: Option<NaiveDate>,
}

impl Locked {
    /// Refuses an event on a household that is no longer on the register, or is monitored
    /// (a monitored household's risk is cleared first: its episode must not be left open).
    fn current(&self, what: &str) -> DomainResult<()> {
        if let Some(on) = self.deregistered_on {
            return Err(DomainError::invalid(
                "effective_on",
                format!("户编号 {} 已于{on}注销，不能{what}", self.data.household_no),
            ));
        }
        Ok(())
    }

    /// `field` is where the form shows it: the date, or the number of the household merging in.
    fn unmonitored(&self, field: &str, what: &str) -> DomainResult<()> {
        if let Some(t) = self.monitored {
            return Err(DomainError::invalid(
                field,
                format!("户编号 {} 正在监测中（{}）：请先办理风险消除，再{what}", self.data.household_no, t.label_zh()),
            ));
        }
        Ok(())
    }
}

fn locked_sql(lock: &str) -> String {
    format!(
        "select household_id, version, monitoring_type, deregistered_on, {HOUSEHOLD_COLUMNS} from households \
         where household_id = $1 and area_code between $2 and $3{lock}"
    )
}

const LEAVE: &str = "update members set left_on = $1, left_reason = $2, updated_at = $3, updated_by = $4, \
    version = version + 1 where member_id = $5 and left_on is null returning version";
const RELATE: &str = "update members set relation = $1, updated_at = $2, updated_by = $3, version = version + 1 \
    where member_id = $4 and left_on is null returning version";
const BUMP: &str = "update households set version = version + 1, updated_at = $1, updated_by = $2 \
    where household_id = $3 and version = $4";
const HISTORY: &str = "insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
    values ($1, $2, $3, $4, $5, $6, $7)";

/// One audit row on a household or member, naming the version it made.
fn audit(actor: &Actor, now: DateTime<Utc>, object: &str, id: i64, area: &str) -> AuditEntry {
    AuditEntry::new(actor, AuditAction::Update).at(now).object(object, id, Some(area))
}

/// A member's data as a new membership of another household: the relation there, joined on
/// the event's date with the event as the reason.
fn joining(m: &Member, relation: Relation, on: NaiveDate, why: String) -> MemberData {
    MemberData { relation, joined_on: Some(on), join_reason: Some(why), ..m.data.clone() }
}

/// Statements shared by the events, on an open write transaction (`$tx`), for either backend.
macro_rules! lock_household {
    ($self:expr, $tx:expr, $scope:expr, $id:expr) => {{
        let (lo, hi) = $scope.bounds();
        let sql = locked_sql($self.lock_clause());
        async {
            let r = sqlx::query(crate::sql(&sql))
                .bind($id.0)
                .bind(lo)
                .bind(hi)
                .fetch_optional(&mut *$tx)
                .await
                .map_err(domain_err)?
                .ok_or(DomainError::NotFound)?;
            DomainResult::Ok(Locked {
                version: r.int("version")?,
                data: row::household_data(&r)?,
                monitored: row::opt_code_of(&r, "monitoring_type")?,
                deregistered_on: r.opt_date("deregistered_on")?,
            })
        }
        .await
    }};
}

macro_rules! locked_members {
    ($self:expr, $tx:expr, $id:expr) => {{
        let sql = members_sql($self.lock_clause());
        async {
            let rows = sqlx::query(crate::sql(&sql)).bind($id.0).fetch_all(&mut *$tx).await.map_err(domain_err)?;
            rows.iter().map(row::member).collect::<DomainResult<Vec<_>>>()
        }
        .await
    }};
}

/// The household's version goes up by one (the event changed it); `where version = $expected`.
macro_rules! bump {
    ($tx:expr, $id:expr, $expected:expr, $now:expr, $actor:expr) => {
        async {
            let done = sqlx::query(BUMP)
                .bind($now)
                .bind(&$actor.username)
                .bind($id.0)
                .bind($expected)
                .execute(&mut *$tx)
                .await
                .map_err(domain_err)?
                .rows_affected();
            if done == 1 { Ok(()) } else { Err(crate::versions::stale($expected)) }
        }
        .await
    };
}

macro_rules! history {
    ($tx:expr, $id:expr, $kind:expr, $from:expr, $to:expr, $on:expr, $reason:expr, $now:expr) => {
        sqlx::query(HISTORY)
            .bind($id.0)
            .bind($kind)
            .bind($from)
            .bind($to)
            .bind($on)
            .bind($reason)
            .bind($now)
            .execute(&mut *$tx)
            .await
            .map_err(domain_err)
    };
}

macro_rules! leave {
    ($tx:expr, $member:expr, $on:expr, $why:expr, $now:expr, $actor:expr) => {
        async {
            let v: Option<i64> = sqlx::query_scalar(LEAVE)
                .bind($on)
                .bind($why)
                .bind($now)
                .bind(&$actor.username)
                .bind($member.0)
                .fetch_optional(&mut *$tx)
                .await
                .map_err(domain_err)?;
            v.ok_or_else(|| DomainError::conflict("members", "成员刚被他人减员，请刷新后重试"))
        }
        .await
    };
}

macro_rules! join_member {
    ($tx:expr, $household:expr, $data:expr, $now:expr, $actor:expr) => {{
        let sql = format!(
            "insert into members ({MEMBER_COLUMNS}, created_at, updated_at, updated_by) values {} returning member_id",
            placeholders(0, MEMBER_COLUMN_COUNT + 3)
        );
        async {
            let id: i64 = bind_values!(sqlx::query_scalar(crate::sql(&sql)).bind($household.0), member_values($data))
                .bind($now)
                .bind($now)
                .bind(&$actor.username)
                .fetch_one(&mut *$tx)
                .await
                .map_err(domain_err)?;
            DomainResult::Ok(id)
        }
        .await
    }};
}

impl HouseholdEventStore for Db {
    async fn change_head(
        &self,
        scope: &Scope,
        id: HouseholdId,
        expected_version: i64,
        change: &ChangeHead,
        actor: &Actor,
    ) -> DomainResult<()> {
        let now = self.clock().now();
        let result: DomainResult<()> = dispatch!(self, pool => async {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let h = lock_household!(self, tx, scope, id)?;
            if h.version != expected_version {
                return Err(crate::versions::stale(h.version));
            }
            h.current("变更户主")?;
            let members = locked_members!(self, tx, id)?;
            change.check(&members).map_err(DomainError::Invalid)?;
            let area = h.data.village_code.as_str();
            let name = |m: MemberId| members.iter().find(|x| x.id == m).map(|x| x.data.name.clone()).unwrap_or_default();
            let (old_name, new_name) = (name(change.old_head), name(change.new_head));
            bump!(tx, id, expected_version, now, actor)?;
            // The old head first: while two members are 户主 at once nothing reads the household.
            if let OutgoingHead::Leaves(why) = &change.outgoing {
                let v = leave!(tx, change.old_head, change.on, format!("{why}（户主变更）"), now, actor)?;
                let e = audit(actor, now, "member", change.old_head.0, area)
                    .change("left_on", None, Some(format!("{} {why}", change.on)));
                crate::bind_entry!(&e, version = v).execute(&mut *tx).await.map_err(domain_err)?;
            }
            for (m, relation) in change.after(&members) {
                if relation == m.data.relation {
                    continue;
                }
                let v: i64 = sqlx::query_scalar(RELATE).bind(relation.code()).bind(now).bind(&actor.username).bind(m.id.0)
                    .fetch_one(&mut *tx).await.map_err(domain_err)?;
                let e = audit(actor, now, "member", m.id.0, area)
                    .change("relation", Some(m.data.relation.label_zh().to_owned()), Some(relation.label_zh().to_owned()));
                crate::bind_entry!(&e, version = v).execute(&mut *tx).await.map_err(domain_err)?;
            }
            history!(tx, id, "head", Some(old_name.clone()), Some(new_name.clone()), change.on, change.reason.trim(), now)?;
            let e = audit(actor, now, "household", id.0, area)
                .change("head", Some(old_name), Some(format!("{new_name}（{} {}）", change.on, change.reason.trim())));
            crate::bind_entry!(&e, version = expected_version + 1).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        }.await);
        self.explain_stale(result, "household", id.0, expected_version).await
    }

    async fn split_household(
        &self,
        scope: &Scope,
        id: HouseholdId,
        expected_version: i64,
        split: &SplitHousehold,
        actor: &Actor,
    ) -> DomainResult<HouseholdId> {
        let now = self.clock().now();
        // The new household's number: as given (checked against the village), or the next free one.
        let village = self.household(scope, id).await?.data.village_code;
        let number = match &split.household_no {
            Some(no) => normalise_digits(no),
            None => self.next_household_no(&village).await?,
        };
        let insert_h = format!(
            "insert into households ({HOUSEHOLD_COLUMNS}, created_at, updated_at, updated_by) values {} returning household_id",
            placeholders(0, HOUSEHOLD_COLUMN_COUNT + 3)
        );
        let result: DomainResult<HouseholdId> = dispatch!(self, pool => async {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let h = lock_household!(self, tx, scope, id)?;
            if h.version != expected_version {
                return Err(crate::versions::stale(h.version));
            }
            h.current("分户")?;
            let members = locked_members!(self, tx, id)?;
            split.check(&members).map_err(DomainError::Invalid)?;
            let area = h.data.village_code.as_str().to_owned();
            let data = HouseholdData { household_no: number.clone(), ..h.data.clone() };
            data.check_number().map_err(|e| DomainError::Invalid(vec![e]))?;
            if data.household_no == h.data.household_no {
                return Err(DomainError::invalid("household_no", "新户的户编号不能与原户相同"));
            }
            let new_id: i64 = bind_values!(sqlx::query_scalar(crate::sql(&insert_h)), household_values(&data))
                .bind(now).bind(now).bind(&actor.username).fetch_one(&mut *tx).await.map_err(domain_err)?;
            let new = HouseholdId(new_id);
            bump!(tx, id, expected_version, now, actor)?;
            let why = split.reason.trim();
            for (mid, relation) in &split.moving {
                let Some(m) = members.iter().find(|m| m.id == *mid) else { continue };
                let v = leave!(tx, m.id, split.on, format!("分户：另立新户 {number}"), now, actor)?;
                let e = audit(actor, now, "member", m.id.0, &area)
                    .change("left_on", None, Some(format!("{} 分户至 {number}", split.on)));
                crate::bind_entry!(&e, version = v).execute(&mut *tx).await.map_err(domain_err)?;
                let joined = joining(m, *relation, split.on, format!("分户：自 {} 分出", h.data.household_no));
                let member_id = join_member!(tx, new, &joined, now, actor)?;
                let e = AuditEntry::new(actor, AuditAction::Create).at(now).object("member", member_id, Some(area.as_str()))
                    .change("name", None, Some(m.data.name.clone()));
                crate::bind_entry!(&e, version = 1_i64).execute(&mut *tx).await.map_err(domain_err)?;
            }
            history!(tx, id, "split", None::<String>, Some(number.clone()), split.on, why, now)?;
            history!(tx, new, "split_from", Some(h.data.household_no.clone()), None::<String>, split.on, why, now)?;
            if let Some(status) = data.status {
                history!(tx, new, "status", None::<String>, Some(status.code().to_owned()), split.on,
                    format!("分户：沿用原户 {} 的脱贫状态", h.data.household_no), now)?;
            }
            let e = AuditEntry::new(actor, AuditAction::Create).at(now).object("household", new_id, Some(area.as_str()))
                .change("household_no", None, Some(format!("{number}（自 {} 分户）", h.data.household_no)));
            crate::bind_entry!(&e, version = 1_i64).execute(&mut *tx).await.map_err(domain_err)?;
            let e = audit(actor, now, "household", id.0, &area).change("split", None, Some(format!("{} 分出新户 {number}：{why}", split.on)));
            crate::bind_entry!(&e, version = expected_version + 1).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(new)
        }.await);
        self.explain_stale(result, "household", id.0, expected_version).await
    }

    async fn merge_households(
        &self,
        scope: &Scope,
        into: HouseholdId,
        expected_version: i64,
        merge: &MergeHouseholds,
        actor: &Actor,
    ) -> DomainResult<()> {
        if merge.from == into {
            return Err(DomainError::invalid("from_household_no", "不能与本户合户"));
        }
        let now = self.clock().now();
        let result: DomainResult<()> = dispatch!(self, pool => async {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            // Two households: always locked in the order of their ids, so two merges never deadlock.
            let (first, second) = if into.0 < merge.from.0 { (into, merge.from) } else { (merge.from, into) };
            let a = lock_household!(self, tx, scope, first)?;
            let b = lock_household!(self, tx, scope, second)?;
            let (h, from) = if first == into { (a, b) } else { (b, a) };
            if h.version != expected_version {
                return Err(crate::versions::stale(h.version));
            }
            h.current("合户")?;
            from.current("合户").map_err(|_| DomainError::invalid("from_household_no", format!("户编号 {} 已注销", from.data.household_no)))?;
            from.unmonitored("from_household_no", "合户")?;
            let members = locked_members!(self, tx, into)?;
            let incoming = locked_members!(self, tx, merge.from)?;
            merge.check(&members, &incoming).map_err(DomainError::Invalid)?;
            let area = h.data.village_code.as_str().to_owned();
            let from_area = from.data.village_code.as_str().to_owned();
            let why = merge.reason.trim();
            let (no, from_no) = (h.data.household_no.clone(), from.data.household_no.clone());
            bump!(tx, into, expected_version, now, actor)?;
            bump!(tx, merge.from, from.version, now, actor)?;
            for (mid, relation) in &merge.relations {
                let Some(m) = incoming.iter().find(|m| m.id == *mid && m.left_on.is_none()) else { continue };
                let v = leave!(tx, m.id, merge.on, format!("合户：并入 {no}"), now, actor)?;
                let e = audit(actor, now, "member", m.id.0, &from_area)
                    .change("left_on", None, Some(format!("{} 合户并入 {no}", merge.on)));
                crate::bind_entry!(&e, version = v).execute(&mut *tx).await.map_err(domain_err)?;
                let joined = joining(m, *relation, merge.on, format!("合户：自 {from_no} 并入"));
                let member_id = join_member!(tx, into, &joined, now, actor)?;
                let e = AuditEntry::new(actor, AuditAction::Create).at(now).object("member", member_id, Some(area.as_str()))
                    .change("name", None, Some(m.data.name.clone()));
                crate::bind_entry!(&e, version = 1_i64).execute(&mut *tx).await.map_err(domain_err)?;
            }
            sqlx::query("update households set deregistered_on = $1, deregistered_reason = 'merged' where household_id = $2")
                .bind(merge.on).bind(merge.from.0).execute(&mut *tx).await.map_err(domain_err)?;
            history!(tx, into, "merge", Some(from_no.clone()), None::<String>, merge.on, why, now)?;
            history!(tx, merge.from, "merged_into", None::<String>, Some(no.clone()), merge.on, why, now)?;
            let e = audit(actor, now, "household", into.0, &area).change("merge", None, Some(format!("{} 并入 {from_no}：{why}", merge.on)));
            crate::bind_entry!(&e, version = expected_version + 1).execute(&mut *tx).await.map_err(domain_err)?;
            let e = audit(actor, now, "household", merge.from.0, &from_area)
                .change("deregistered_on", None, Some(format!("{} 合户并入 {no}", merge.on)));
            crate::bind_entry!(&e, version = from.version + 1).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        }.await);
        self.explain_stale(result, "household", into.0, expected_version).await
    }

    async fn deregister_household(
        &self,
        scope: &Scope,
        id: HouseholdId,
        expected_version: i64,
        deregister: &Deregister,
        actor: &Actor,
    ) -> DomainResult<()> {
        let now = self.clock().now();
        let wording = deregister.wording();
        let result: DomainResult<()> = dispatch!(self, pool => async {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let h = lock_household!(self, tx, scope, id)?;
            if h.version != expected_version {
                return Err(crate::versions::stale(h.version));
            }
            h.current("注销")?;
            h.unmonitored("effective_on", "注销")?;
            let members = locked_members!(self, tx, id)?;
            let area = h.data.village_code.as_str().to_owned();
            bump!(tx, id, expected_version, now, actor)?;
            for m in members.iter().filter(|m| m.left_on.is_none()) {
                if let Some(joined) = m.data.joined_on && deregister.on < joined {
                    return Err(DomainError::invalid("effective_on", format!("{}的加入日期为{joined}，日期不能早于加入日期", m.data.name)));
                }
                let v = leave!(tx, m.id, deregister.on, wording.clone(), now, actor)?;
                let e = audit(actor, now, "member", m.id.0, &area).change("left_on", None, Some(format!("{} {wording}", deregister.on)));
                crate::bind_entry!(&e, version = v).execute(&mut *tx).await.map_err(domain_err)?;
            }
            sqlx::query("update households set deregistered_on = $1, deregistered_reason = $2 where household_id = $3")
                .bind(deregister.on).bind(deregister.kind.code()).bind(id.0).execute(&mut *tx).await.map_err(domain_err)?;
            history!(tx, id, "deregister", None::<String>, Some(deregister.kind.code().to_owned()), deregister.on, wording.clone(), now)?;
            let e = audit(actor, now, "household", id.0, &area).change("deregistered_on", None, Some(format!("{} {wording}", deregister.on)));
            crate::bind_entry!(&e, version = expected_version + 1).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        }.await);
        self.explain_stale(result, "household", id.0, expected_version).await
    }

    async fn household_by_no(&self, scope: &Scope, household_no: &str) -> DomainResult<Option<HouseholdId>> {
        let (lo, hi) = scope.bounds();
        let no = normalise_digits(household_no.trim());
        dispatch!(self, pool => {
            let id: Option<i64> = sqlx::query_scalar("select household_id from households where household_no = $1 \
                and area_code between $2 and $3 and deregistered_on is null")
                .bind(&no).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?;
            Ok(id.map(HouseholdId))
        })
    }
}
