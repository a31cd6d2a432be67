//! The household register: households, members and status history (income: incomes.rs).

use bangfu_core::area::{AreaCode, AreaLevel, Scope};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::household::*;
use bangfu_core::store::{AreaCount, HouseholdFilter, HouseholdStore, HouseholdSummary, Page};
use bangfu_core::{DomainError, DomainResult};
use chrono::{NaiveDate, Utc};

use crate::row::{self, Get};
use crate::values::{bind_values, household_values, member_values};
use crate::{Db, dispatch, domain_err};

pub(crate) const HOUSEHOLD_COLUMNS: &str = "household_no, area_code, group_name, address, phone, bank_name, bank_account, \
    standard, attribute, main_cause, other_cause_1, other_cause_2, status, first_identified_on, exit_year, \
    monitoring_type, risk_identified_on, risk_cleared_on, farmland_mu, irrigated_mu, forest_mu, housing_m2, \
    housing_structure, danger_grade, road_distance_km, road_type, household_power, production_power, \
    water_difficult, water_safe, fuel, sanitary_toilet, in_cooperative, relocated";
pub(crate) const HOUSEHOLD_COLUMN_COUNT: usize = 34;

pub(crate) const MEMBER_COLUMNS: &str = "household_id, name, sex, id_number, relation, ethnicity, education, \
    student_status, health, disability_grade, labour, migrant_work, migrant_months, basic_medical, \
    serious_illness, pension, dibao, tekun, soldier, phone, joined_on, join_reason, search_key";
pub(crate) const MEMBER_COLUMN_COUNT: usize = 23;

/// `($1, $2, …, $n)` starting after `offset` parameters.
pub(crate) fn placeholders(offset: usize, n: usize) -> String {
    let mut s = String::with_capacity(n * 5);
    s.push('(');
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push('$');
        s.push_str(&(offset + i + 1).to_string());
    }
    s.push(')');
    s
}

pub(crate) const SUMMARY_SELECT: &str = "select h.household_id, h.household_no, h.area_code, h.status, h.monitoring_type, \
    h.attribute, h.main_cause, \
    (select m.name from members m where m.household_id = h.household_id and m.relation = 'head' and m.left_on is null limit 1) as head_name, \
    (select count(*) from members m where m.household_id = h.household_id and m.left_on is null) as size \
    from households h";

pub(crate) fn summary(r: &impl Get) -> DomainResult<HouseholdSummary> {
    let (status, monitoring_type) = row::summary_status(r)?;
    Ok(HouseholdSummary {
        id: HouseholdId(r.int("household_id")?),
        household_no: r.text("household_no")?,
        village_code: AreaCode::parse(&r.text("area_code")?).map_err(DomainError::Internal)?,
        head_name: r.opt_text("head_name")?,
        status,
        monitoring_type,
        attribute: row::code_of(r, "attribute")?,
        main_cause: row::code_of(r, "main_cause")?,
        size: r.int("size")?,
    })
}

impl Db {
    /// Fails with NotFound unless the household exists inside the scope.
    pub(crate) async fn check_in_scope(&self, scope: &Scope, id: HouseholdId) -> DomainResult<()> {
        let (lo, hi) = scope.bounds();
        let found = dispatch!(self, pool => {
            sqlx::query("select 1 from households where household_id = $1 and area_code between $2 and $3")
                .bind(id.0).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?.is_some()
        });
        if found { Ok(()) } else { Err(DomainError::NotFound) }
    }

    /// The village must exist, be a village, and lie inside the scope.
    pub(crate) async fn check_village(&self, scope: &Scope, code: &AreaCode) -> DomainResult<()> {
        let level: Option<String> = dispatch!(self, pool => {
            sqlx::query_scalar("select level from areas where area_code = $1")
                .bind(code.as_str()).fetch_optional(pool).await.map_err(domain_err)?
        });
        match level {
            Some(l) if l == AreaLevel::Village.code() && scope.contains(code) => Ok(()),
            _ => Err(DomainError::invalid("village_code", format!("村代码“{code}”不存在或不在您的管辖范围内"))),
        }
    }
}

impl HouseholdStore for Db {
    async fn create_household(
        &self,
        scope: &Scope,
        data: &HouseholdData,
        members: &[MemberData],
        income: Option<&Income>,
        actor: &Actor,
    ) -> DomainResult<HouseholdId> {
        let problems = check_members(&members.iter().collect::<Vec<_>>());
        if !problems.is_empty() {
            return Err(DomainError::Invalid(problems));
        }
        if let Some(i) = income {
            i.validate().map_err(DomainError::Invalid)?;
        }
        self.check_village(scope, &data.village_code).await?;
        let now = Utc::now();
        let today = crate::today();
        let insert_h = format!(
            "insert into households ({HOUSEHOLD_COLUMNS}, created_at, updated_at) values {} returning household_id",
            placeholders(0, HOUSEHOLD_COLUMN_COUNT + 2)
        );
        let insert_m = format!(
            "insert into members ({MEMBER_COLUMNS}, created_at, updated_at) values {}",
            placeholders(0, MEMBER_COLUMN_COUNT + 2)
        );
        dispatch!(self, pool => {
            let mut tx = pool.begin().await.map_err(domain_err)?;
            let id: i64 = bind_values!(sqlx::query_scalar(crate::sql(&insert_h)), household_values(data))
                .bind(now).bind(now).fetch_one(&mut *tx).await.map_err(domain_err)?;
            for m in members {
                bind_values!(sqlx::query(crate::sql(&insert_m)).bind(id), member_values(m)).bind(now).bind(now)
                    .execute(&mut *tx).await.map_err(domain_err)?;
            }
            sqlx::query("insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
                values ($1, 'status', null, $2, $3, '建档立卡登记', $4)")
                .bind(id).bind(data.status.code()).bind(data.first_identified_on.unwrap_or(today)).bind(now)
                .execute(&mut *tx).await.map_err(domain_err)?;
            if let Some(i) = income {
                crate::incomes::insert_income!(&mut *tx, id, i, now);
            }
            let entry = AuditEntry::new(actor, AuditAction::Create)
                .object("household", id, Some(data.village_code.as_str()))
                .change("household_no", None, Some(data.household_no.clone()));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(HouseholdId(id))
        })
    }

    async fn update_household(
        &self,
        scope: &Scope,
        id: HouseholdId,
        data: &HouseholdData,
        actor: &Actor,
    ) -> DomainResult<()> {
        let old = self.household(scope, id).await?;
        if data.status != old.data.status || data.monitoring_type != old.data.monitoring_type {
            return Err(DomainError::invalid("status", "脱贫状态和监测类型请通过“变更脱贫状态”修改，以保留变更记录"));
        }
        self.check_village(scope, &data.village_code).await?;
        let changes = household_changes(&old.data, data);
        if changes.is_empty() {
            return Ok(());
        }
        let sets = HOUSEHOLD_COLUMNS
            .split(',')
            .map(str::trim)
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let n = HOUSEHOLD_COLUMN_COUNT;
        let update = format!("update households set {sets}, updated_at = ${} where household_id = ${}", n + 1, n + 2);
        let now = Utc::now();
        dispatch!(self, pool => {
            let mut tx = pool.begin().await.map_err(domain_err)?;
            bind_values!(sqlx::query(crate::sql(&update)), household_values(data)).bind(now).bind(id.0)
                .execute(&mut *tx).await.map_err(domain_err)?;
            for (field, before, after) in &changes {
                let entry = AuditEntry::new(actor, AuditAction::Update)
                    .object("household", id.0, Some(data.village_code.as_str()))
                    .change(field, before.clone(), after.clone());
                crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            }
            tx.commit().await.map_err(domain_err)?;
        });
        Ok(())
    }

    async fn villages(&self, scope: &Scope) -> DomainResult<Vec<bangfu_core::area::Area>> {
        let (lo, hi) = scope.bounds();
        dispatch!(self, pool => {
            let rows = sqlx::query("select area_code, name, level, parent_code from areas where level = 'village' \
                and area_code between $1 and $2 order by area_code")
                .bind(lo).bind(hi).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(row::area).collect()
        })
    }

    async fn household(&self, scope: &Scope, id: HouseholdId) -> DomainResult<Household> {
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "select household_id, {HOUSEHOLD_COLUMNS}, \
             (select m.name from members m where m.household_id = h.household_id and m.relation = 'head' and m.left_on is null limit 1) as head_name, \
             (select count(*) from members m where m.household_id = h.household_id and m.left_on is null) as size \
             from households h where household_id = $1 and area_code between $2 and $3"
        );
        dispatch!(self, pool => {
            let r = sqlx::query(crate::sql(&sql)).bind(id.0).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
                .ok_or(DomainError::NotFound)?;
            Ok(Household { id, data: row::household_data(&r)?, head_name: r.opt_text("head_name")?, size: r.int("size")? })
        })
    }

    async fn list_households(
        &self,
        scope: &Scope,
        filter: &HouseholdFilter,
        page: Page,
    ) -> DomainResult<(Vec<HouseholdSummary>, i64)> {
        // The filter's area narrows the scope; it can never widen it.
        let (mut lo, mut hi) = (scope.bounds().0.to_owned(), scope.bounds().1.to_owned());
        if let Some(area) = &filter.area {
            let (alo, ahi) = area.subtree_range(area.implied_level());
            lo = lo.max(alo);
            hi = hi.min(ahi);
        }
        let mut conds = vec!["h.area_code between $1 and $2".to_owned()];
        let mut binds: Vec<&'static str> = Vec::new();
        for (col, v) in [
            ("status", filter.status.map(|c| c.code())),
            ("attribute", filter.attribute.map(|c| c.code())),
            ("main_cause", filter.main_cause.map(|c| c.code())),
            ("monitoring_type", filter.monitoring_type.map(|c| c.code())),
        ] {
            if let Some(v) = v {
                binds.push(v);
                conds.push(format!("h.{col} = ${}", binds.len() + 2));
            }
        }
        let mut owned: Vec<String> = Vec::new();
        if let Some(q) = filter.query.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let n = binds.len() + 3;
            if let Ok(id) = IdNumber::parse(q) {
                owned.push(id.as_str().to_owned());
                conds.push(format!(
                    "exists (select 1 from members m where m.household_id = h.household_id and m.id_number = ${n})"
                ));
            } else if q.len() >= 6 && q.bytes().all(|b| b.is_ascii_digit()) {
                owned.push(q.to_owned());
                conds.push(format!("h.household_no = ${n}"));
            } else {
                let q = bangfu_core::household::search::normalise_query(q).replace(['%', '_', '\\'], "");
                owned.push(format!("%{q}%"));
                conds.push(format!(
                    "exists (select 1 from members m where m.household_id = h.household_id and m.left_on is null and m.search_key like ${n})"
                ));
            }
        }
        let where_ = conds.join(" and ");
        let size = page.size.clamp(1, 200) as i64;
        let offset = (page.number.max(1) as i64 - 1) * size;
        let list_sql = format!(
            "{SUMMARY_SELECT} where {where_} order by h.area_code, h.household_id limit {size} offset {offset}"
        );
        let count_sql = format!("select count(*) from households h where {where_}");
        dispatch!(self, pool => {
            let mut q = sqlx::query(crate::sql(&list_sql)).bind(&lo).bind(&hi);
            let mut c = sqlx::query_scalar::<_, i64>(crate::sql(&count_sql)).bind(&lo).bind(&hi);
            for b in &binds {
                q = q.bind(*b);
                c = c.bind(*b);
            }
            for b in &owned {
                q = q.bind(b.as_str());
                c = c.bind(b.as_str());
            }
            let rows = q.fetch_all(pool).await.map_err(domain_err)?;
            let total = c.fetch_one(pool).await.map_err(domain_err)?;
            Ok((rows.iter().map(summary).collect::<DomainResult<Vec<_>>>()?, total))
        })
    }

    async fn members(&self, scope: &Scope, id: HouseholdId) -> DomainResult<Vec<Member>> {
        self.check_in_scope(scope, id).await?;
        let sql = format!(
            "select member_id, {MEMBER_COLUMNS}, left_on, left_reason from members where household_id = $1 \
            order by (case when left_on is null then 0 else 1 end), (case when relation = 'head' then 0 else 1 end), member_id"
        );
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(id.0).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(row::member).collect()
        })
    }

    async fn add_member(
        &self,
        scope: &Scope,
        id: HouseholdId,
        member: &MemberData,
        actor: &Actor,
    ) -> DomainResult<MemberId> {
        let area = self.household(scope, id).await?.data.village_code;
        let current = self.members(scope, id).await?;
        let mut all: Vec<&MemberData> = current.iter().filter(|m| m.left_on.is_none()).map(|m| &m.data).collect();
        all.push(member);
        let problems = check_members(&all);
        if !problems.is_empty() {
            return Err(DomainError::Invalid(problems));
        }
        let now = Utc::now();
        let sql = format!(
            "insert into members ({MEMBER_COLUMNS}, created_at, updated_at) values {} returning member_id",
            placeholders(0, MEMBER_COLUMN_COUNT + 2)
        );
        dispatch!(self, pool => {
            let mut tx = pool.begin().await.map_err(domain_err)?;
            let mid: i64 = bind_values!(sqlx::query_scalar(crate::sql(&sql)).bind(id.0), member_values(member)).bind(now).bind(now)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create)
                .object("member", mid, Some(area.as_str()))
                .change("joined", None, Some(format!("{}（{}，{}）", member.name, member.relation.label_zh(), member.id_number.masked())));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(MemberId(mid))
        })
    }

    async fn member(&self, scope: &Scope, member: MemberId) -> DomainResult<Member> {
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "select member_id, {MEMBER_COLUMNS}, left_on, left_reason from members where member_id = $1 and household_id in \
             (select household_id from households where area_code between $2 and $3)"
        );
        dispatch!(self, pool => {
            let r = sqlx::query(crate::sql(&sql)).bind(member.0).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?;
            r.as_ref().map(row::member).transpose()?.ok_or(DomainError::NotFound)
        })
    }

    async fn update_member(
        &self,
        scope: &Scope,
        member: MemberId,
        data: &MemberData,
        actor: &bangfu_core::audit::Actor,
    ) -> DomainResult<HouseholdId> {
        let old = self.member(scope, member).await?;
        if old.left_on.is_some() {
            return Err(DomainError::invalid("name", "该成员已减员，不能修改"));
        }
        let household = old.household_id;
        let current = self.members(scope, household).await?;
        let mut all: Vec<&MemberData> =
            current.iter().filter(|m| m.left_on.is_none() && m.id != member).map(|m| &m.data).collect();
        all.push(data);
        let problems = check_members(&all);
        if !problems.is_empty() {
            return Err(DomainError::Invalid(problems));
        }
        let changes = member_changes(&old.data, data);
        if changes.is_empty() {
            return Ok(household);
        }
        let area = self.household(scope, household).await?.data.village_code;
        let now = Utc::now();
        let sets = MEMBER_COLUMNS
            .split(',')
            .map(str::trim)
            .skip(1)
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let n = MEMBER_COLUMN_COUNT - 1;
        let update = format!("update members set {sets}, updated_at = ${} where member_id = ${}", n + 1, n + 2);
        dispatch!(self, pool => {
            let mut tx = pool.begin().await.map_err(domain_err)?;
            bind_values!(sqlx::query(crate::sql(&update)), member_values(data)).bind(now).bind(member.0)
                .execute(&mut *tx).await.map_err(domain_err)?;
            for (field, before, after) in &changes {
                let entry = bangfu_core::audit::AuditEntry::new(actor, bangfu_core::audit::AuditAction::Update)
                    .object("member", member.0, Some(area.as_str()))
                    .change(field, before.clone(), after.clone());
                crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            }
            tx.commit().await.map_err(domain_err)?;
        });
        Ok(household)
    }

    async fn member_leaves(
        &self,
        scope: &Scope,
        member: MemberId,
        on: NaiveDate,
        reason: &str,
        actor: &Actor,
    ) -> DomainResult<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DomainError::invalid("left_reason", "请填写减员原因（如死亡、婚出、分户）"));
        }
        if on > crate::today() {
            return Err(DomainError::invalid("left_on", "减员日期不能晚于今天"));
        }
        let current = self.member(scope, member).await?;
        if current.left_on.is_some() {
            return Err(DomainError::NotFound);
        }
        let area = self.household(scope, current.household_id).await?.data.village_code;
        let now = Utc::now();
        dispatch!(self, pool => {
            let mut tx = pool.begin().await.map_err(domain_err)?;
            let affected = sqlx::query("update members set left_on = $1, left_reason = $2, updated_at = $3 \
                where member_id = $4 and left_on is null")
                .bind(on).bind(reason).bind(now).bind(member.0)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if affected != 1 {
                return Err(DomainError::NotFound);
            }
            let entry = AuditEntry::new(actor, AuditAction::Update)
                .object("member", member.0, Some(area.as_str()))
                .change("left_on", None, Some(format!("{on} {reason}")));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    async fn change_status(
        &self,
        scope: &Scope,
        id: HouseholdId,
        status: PovertyStatus,
        on: NaiveDate,
        reason: &str,
        actor: &Actor,
    ) -> DomainResult<()> {
        self.apply_status(scope, id, status, on, reason, actor, None).await
    }

    async fn change_monitoring(
        &self,
        scope: &Scope,
        id: HouseholdId,
        monitoring: Option<MonitoringType>,
        on: NaiveDate,
        reason: &str,
        actor: &Actor,
    ) -> DomainResult<()> {
        self.apply_monitoring(scope, id, monitoring, on, reason, actor, None).await
    }

    async fn history(&self, scope: &Scope, id: HouseholdId) -> DomainResult<Vec<HistoryEntry>> {
        self.check_in_scope(scope, id).await?;
        dispatch!(self, pool => {
            let rows = sqlx::query("select kind, from_value, to_value, effective_on, reason from household_history \
                where household_id = $1 order by effective_on, history_id")
                .bind(id.0).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(|r| Ok(HistoryEntry {
                kind: r.text("kind")?,
                from_value: r.opt_text("from_value")?,
                to_value: r.opt_text("to_value")?,
                effective_on: r.opt_date("effective_on")?.ok_or_else(|| DomainError::Internal("effective_on".into()))?,
                reason: r.text("reason")?,
            })).collect()
        })
    }

    async fn counts_by_child_area(&self, scope: &Scope, parent: &AreaCode) -> DomainResult<Vec<AreaCount>> {
        use bangfu_core::store::AreaStore;
        let children: Vec<_> = self.children(parent).await?.into_iter().filter(|a| scope.contains(&a.code)).collect();
        let Some(level) = children.first().map(|a| a.level) else { return Ok(Vec::new()) };
        let keep = level.prefix_len();
        let pad = "0".repeat(12 - keep);
        let (plo, phi) = parent.subtree_range(parent.implied_level());
        let (slo, shi) = scope.bounds();
        let (lo, hi) = (plo.as_str().max(slo).to_owned(), phi.as_str().min(shi).to_owned());
        let sql = format!(
            "select substr(h.area_code, 1, {keep}) as prefix, count(*) as households, \
             cast(sum(case when h.status in ('poor', 'returned') then 1 else 0 end) as bigint) as poor, \
             cast(sum(case when h.monitoring_type is not null and h.risk_cleared_on is null then 1 else 0 end) as bigint) as monitored, \
             cast(sum((select count(*) from members m where m.household_id = h.household_id and m.left_on is null)) as bigint) as people \
             from households h where h.area_code between $1 and $2 group by substr(h.area_code, 1, {keep})"
        );
        let counts: std::collections::HashMap<String, (i64, i64, i64, i64)> = dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(&lo).bind(&hi).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(|r| Ok((format!("{}{pad}", r.text("prefix")?), (r.int("households")?, r.int("poor")?, r.int("monitored")?, r.int("people")?))))
                .collect::<DomainResult<_>>()?
        });
        Ok(children
            .into_iter()
            .map(|area| {
                let (households, poor, monitored, people) = counts.get(area.code.as_str()).copied().unwrap_or_default();
                AreaCount { area, households, poor, monitored, people }
            })
            .collect())
    }
}

/// A status or monitoring change, with the labels the audit log shows.
struct Change<'a> {
    kind: &'static str,
    from: Option<&'a str>,
    to: Option<&'a str>,
    on: NaiveDate,
    reason: &'a str,
    labels: (Option<String>, Option<String>),
    review: Option<Review<'a>>,
}

/// A visit's proposal being accepted: marked in the same transaction as the change it makes.
pub(crate) struct Review<'a> {
    pub visit_id: i64,
    pub note: &'a str,
}

impl Db {
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn apply_status(
        &self,
        scope: &Scope,
        id: HouseholdId,
        status: PovertyStatus,
        on: NaiveDate,
        reason: &str,
        actor: &Actor,
        review: Option<Review<'_>>,
    ) -> DomainResult<()> {
        let current = self.household(scope, id).await?;
        if current.data.status == status {
            return Err(DomainError::invalid("status", format!("该户已是“{status}”")));
        }
        let labels = (Some(current.data.status.label_zh().to_owned()), Some(status.label_zh().to_owned()));
        let change = Change {
            kind: "status",
            from: Some(current.data.status.code()),
            to: Some(status.code()),
            on,
            reason,
            labels,
            review,
        };
        self.record_change(id, &current.data.village_code, change, actor).await
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn apply_monitoring(
        &self,
        scope: &Scope,
        id: HouseholdId,
        monitoring: Option<MonitoringType>,
        on: NaiveDate,
        reason: &str,
        actor: &Actor,
        review: Option<Review<'_>>,
    ) -> DomainResult<()> {
        let current = self.household(scope, id).await?;
        if current.data.monitoring_type == monitoring {
            return Err(DomainError::invalid("monitoring_type", "监测对象类型没有变化"));
        }
        let labels = (
            Some(current.data.monitoring_type.map_or("不监测", |m| m.label_zh()).to_owned()),
            Some(monitoring.map_or("不监测", |m| m.label_zh()).to_owned()),
        );
        let change = Change {
            kind: "monitoring",
            from: current.data.monitoring_type.map(|m| m.code()),
            to: monitoring.map(|m| m.code()),
            on,
            reason,
            labels,
            review,
        };
        self.record_change(id, &current.data.village_code, change, actor).await
    }

    async fn record_change(
        &self,
        id: HouseholdId,
        area: &AreaCode,
        change: Change<'_>,
        actor: &Actor,
    ) -> DomainResult<()> {
        let Change { kind, from, to, on, reason, labels, review } = change;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DomainError::invalid("reason", "请填写变更原因"));
        }
        if on > crate::today() {
            return Err(DomainError::invalid("effective_on", "生效日期不能晚于今天"));
        }
        let now = Utc::now();
        let col = if kind == "status" { "status" } else { "monitoring_type" };
        let extra = if kind == "monitoring" && to.is_some() {
            ", risk_identified_on = $4, risk_cleared_on = null"
        } else if kind == "monitoring" {
            ", risk_cleared_on = $4"
        } else {
            ""
        };
        let update = format!("update households set {col} = $1, updated_at = $2 {extra} where household_id = $3");
        dispatch!(self, pool => {
            let mut tx = pool.begin().await.map_err(domain_err)?;
            let mut q = sqlx::query(crate::sql(&update)).bind(to).bind(now).bind(id.0);
            if !extra.is_empty() {
                q = q.bind(on);
            }
            q.execute(&mut *tx).await.map_err(domain_err)?;
            sqlx::query("insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
                values ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id.0).bind(kind).bind(from).bind(to).bind(on).bind(reason).bind(now)
                .execute(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Update)
                .object("household", id.0, Some(area.as_str()))
                .change(if kind == "status" { "status" } else { "monitoring_type" }, labels.0.clone(), labels.1.clone());
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            if let Some(review) = &review {
                let done = sqlx::query("update visits set proposal_state = 'accepted', reviewed_by = $1, reviewed_on = $2, review_note = $3 \
                    where visit_id = $4 and proposal_state = 'pending'")
                    .bind(&actor.username).bind(crate::today()).bind(review.note).bind(review.visit_id)
                    .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
                if done != 1 {
                    return Err(DomainError::invalid("proposal", "该建议已审核"));
                }
                let entry = AuditEntry::new(actor, AuditAction::Update).object("visit", review.visit_id, Some(area.as_str()))
                    .change("proposal_state", Some("待审核".into()), Some("已采纳".into()));
                crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            }
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }
}
