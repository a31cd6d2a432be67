//! The household register: households, members and status history (income: incomes.rs).

use bangfu_core::area::{AreaCode, AreaLevel, Scope};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::clock::not_after_today;
use bangfu_core::household::*;
use bangfu_core::store::{AreaCount, HouseholdFilter, HouseholdStore, HouseholdSummary, Page};
use bangfu_core::{DomainError, DomainResult};
use chrono::NaiveDate;

use crate::row::{self, Get};
use crate::values::{bind_values, household_values, member_values};
use crate::{BeginWrite, Db, dispatch, domain_err};

/// The household's own record, in the field catalogue's order (a unit test keeps them in step).
/// `monitoring_type` is not here: it mirrors the open monitoring
/// episode and only the episode writes it (crate::monitoring).
pub(crate) const HOUSEHOLD_COLUMNS: &str = "household_no, area_code, group_name, address, phone, \
    bank_name, bank_account, household_type, standard, attribute, main_cause, other_cause_1, other_cause_2, status, \
    first_identified_on, exit_year, farmland_mu, irrigated_mu, forest_mu, housing_m2, \
    housing_structure, danger_grade, road_distance_km, road_type, household_power, production_power, \
    water_difficult, water_safe, fuel, sanitary_toilet, in_cooperative, relocated";
pub(crate) const HOUSEHOLD_COLUMN_COUNT: usize = 32;

pub(crate) const MEMBER_COLUMNS: &str = "household_id, name, sex, id_kind, id_number, person_no, relation, \
    political_status, ethnicity, education, student_status, dropout_reason, health, disability_category, \
    disability_grade, labour, migrant_work, migrant_months, migrant_place, public_job, public_job_months, \
    medical_insurance, serious_illness, commercial_insurance, medical_aid, pension_insurance, dibao, tekun, \
    soldier, phone, joined_on, join_reason, search_key, id_number_key";
pub(crate) const MEMBER_COLUMN_COUNT: usize = 34;

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

/// A household's members, current first and the head first among them; `lock` is
/// [`Db::lock_clause`] inside a write transaction.
pub(crate) fn members_sql(lock: &str) -> String {
    format!(
        "select member_id, {MEMBER_COLUMNS}, left_on, left_reason, version from members where household_id = $1 \
         order by (case when left_on is null then 0 else 1 end), (case when relation = 'head' then 0 else 1 end), member_id{lock}"
    )
}

pub(crate) const SUMMARY_SELECT: &str = "select h.household_id, h.household_no, h.area_code, h.household_type, h.status, h.monitoring_type, \
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
        household_type: row::code_of(r, "household_type")?,
        status,
        monitoring_type,
        attribute: row::opt_code_of(r, "attribute")?,
        main_cause: row::opt_code_of(r, "main_cause")?,
        size: r.int("size")?,
    })
}

impl Db {
    /// A household's own row with its version, locked for the rest of the transaction.
    fn locked_household_sql(&self) -> String {
        format!(
            "select household_id, version, {HOUSEHOLD_COLUMNS} from households \
             where household_id = $1 and area_code between $2 and $3{}",
            self.lock_clause()
        )
    }

    /// A household's village, its row locked for the rest of the transaction (member writes).
    fn locked_area_sql(&self) -> String {
        format!(
            "select area_code from households where household_id = $1 and area_code between $2 and $3{}",
            self.lock_clause()
        )
    }

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

impl Db {
    /// The next free 户编号 in a village (see [`next_household_no`]); a race with another
    /// registration ends in the unique index, reported as 户编号已存在.
    pub async fn next_household_no(&self, village: &AreaCode) -> DomainResult<String> {
        let (lo, hi) = (format!("{village}0000"), format!("{village}99999999"));
        let highest: Option<String> = dispatch!(self, pool => {
            sqlx::query_scalar("select max(household_no) from households where area_code = $1 \
                and household_no between $2 and $3 and length(household_no) = \
                (select max(length(household_no)) from households where area_code = $1 and household_no between $2 and $3)")
                .bind(village.as_str()).bind(&lo).bind(&hi).fetch_one(pool).await.map_err(domain_err)?
        });
        Ok(next_household_no(village, highest.as_deref()))
    }
}

impl HouseholdStore for Db {
    async fn create_household(
        &self,
        scope: &Scope,
        command: &RegisterHousehold,
        actor: &Actor,
    ) -> DomainResult<HouseholdId> {
        command.check().map_err(DomainError::Invalid)?;
        let RegisterHousehold { household: data, members, income } = command;
        self.check_village(scope, &data.village_code).await?;
        let now = self.clock().now();
        let today = self.clock().today();
        let insert_h = format!(
            "insert into households ({HOUSEHOLD_COLUMNS}, created_at, updated_at, updated_by) values {} returning household_id",
            placeholders(0, HOUSEHOLD_COLUMN_COUNT + 3)
        );
        let insert_m = format!(
            "insert into members ({MEMBER_COLUMNS}, created_at, updated_at, updated_by) values {}",
            placeholders(0, MEMBER_COLUMN_COUNT + 3)
        );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = bind_values!(sqlx::query_scalar(crate::sql(&insert_h)), household_values(data))
                .bind(now).bind(now).bind(&actor.username).fetch_one(&mut *tx).await.map_err(domain_err)?;
            for m in members {
                bind_values!(sqlx::query(crate::sql(&insert_m)).bind(id), member_values(m)).bind(now).bind(now)
                    .bind(&actor.username).execute(&mut *tx).await.map_err(domain_err)?;
            }
            if let Some(status) = data.status {
                sqlx::query("insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
                    values ($1, 'status', null, $2, $3, '建档立卡登记', $4)")
                    .bind(id).bind(status.code()).bind(data.first_identified_on.unwrap_or(today)).bind(now)
                    .execute(&mut *tx).await.map_err(domain_err)?;
            }
            if let Some(i) = income.as_ref() {
                crate::incomes::insert_income!(&mut *tx, id, i, now);
            }
            let entry = AuditEntry::new(actor, AuditAction::Create)
                .at(now)
                .object("household", id, Some(data.village_code.as_str()))
                .change("household_no", None, Some(data.household_no.clone()));
            crate::bind_entry!(&entry, version = 1_i64).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(HouseholdId(id))
        })
    }

    async fn update_household(
        &self,
        scope: &Scope,
        id: HouseholdId,
        command: &CorrectHousehold,
        actor: &Actor,
    ) -> DomainResult<()> {
        let CorrectHousehold { expected_version, household: data } = command;
        let expected_version = *expected_version;
        self.check_village(scope, &data.village_code).await?;
        let sets = HOUSEHOLD_COLUMNS
            .split(',')
            .map(str::trim)
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let n = HOUSEHOLD_COLUMN_COUNT;
        let update = format!(
            "update households set {sets}, updated_at = ${}, updated_by = ${}, version = version + 1 \
             where household_id = ${} and version = ${}",
            n + 1,
            n + 2,
            n + 3,
            n + 4
        );
        let select = self.locked_household_sql();
        let (lo, hi) = scope.bounds();
        let now = self.clock().now();
        // The transaction runs in a block of its own: a refusal inside it ends the transaction
        // (rolled back when dropped) before the refusal is explained.
        let result: DomainResult<()> = dispatch!(self, pool => async {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            // The "before" of every audit row is read here, under the lock, from the row this change replaces.
            let r = sqlx::query(crate::sql(&select)).bind(id.0).bind(lo).bind(hi)
                .fetch_optional(&mut *tx).await.map_err(domain_err)?.ok_or(DomainError::NotFound)?;
            let (old, version) = (row::household_data(&r)?, r.int("version")?);
            if version != expected_version {
                return Err(crate::versions::stale(version));
            }
            if data.household_type != old.household_type {
                return Err(DomainError::invalid("household_type", "户类型不能在修改农户信息时更改"));
            }
            if data.status != old.status {
                return Err(DomainError::invalid("status", "脱贫状态请通过“更正脱贫状态”修改，以保留变更记录"));
            }
            let changes = household_changes(&old, data);
            if changes.is_empty() {
                return Ok(());
            }
            let done = bind_values!(sqlx::query(crate::sql(&update)), household_values(data))
                .bind(now).bind(&actor.username).bind(id.0).bind(expected_version)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if done != 1 {
                return Err(crate::versions::stale(version));
            }
            for (field, before, after) in &changes {
                let entry = AuditEntry::new(actor, AuditAction::Update)
                    .at(now)
                    .object("household", id.0, Some(data.village_code.as_str()))
                    .change(field, before.clone(), after.clone());
                crate::bind_entry!(&entry, version = expected_version + 1).execute(&mut *tx).await.map_err(domain_err)?;
            }
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        }.await);
        self.explain_stale(result, "household", id.0, expected_version).await
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
            "select household_id, {HOUSEHOLD_COLUMNS}, monitoring_type, \
             (select m.name from members m where m.household_id = h.household_id and m.relation = 'head' and m.left_on is null limit 1) as head_name, \
             (select count(*) from members m where m.household_id = h.household_id and m.left_on is null) as size, \
             h.version, h.deregistered_on, h.deregistered_reason from households h where household_id = $1 and area_code between $2 and $3"
        );
        dispatch!(self, pool => {
            let r = sqlx::query(crate::sql(&sql)).bind(id.0).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
                .ok_or(DomainError::NotFound)?;
            Ok(Household {
                id,
                data: row::household_data(&r)?,
                head_name: r.opt_text("head_name")?,
                size: r.int("size")?,
                version: r.int("version")?,
                monitoring_type: row::opt_code_of(&r, "monitoring_type")?,
                deregistered: r.opt_date("deregistered_on")?.zip(row::opt_code_of(&r, "deregistered_reason")?),
            })
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
            ("household_type", filter.household_type.map(|c| c.code())),
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
                // Found by the keyed hash: the database never holds the number itself.
                owned.push(crate::sealed::id_index(id.as_str()));
                conds.push(format!(
                    "exists (select 1 from members m where m.household_id = h.household_id and m.id_number_key = ${n})"
                ));
            } else if q.len() >= 6 && q.bytes().all(|b| b.is_ascii_digit()) {
                owned.push(q.to_owned());
                conds.push(format!("h.household_no = ${n}"));
            } else {
                conds.push("h.deregistered_on is null".to_owned());
                let q = bangfu_core::household::search::normalise_query(q).replace(['%', '_', '\\'], "");
                owned.push(format!("%{q}%"));
                conds.push(format!(
                    "exists (select 1 from members m where m.household_id = h.household_id and m.left_on is null and m.search_key like ${n})"
                ));
            }
        }
        if filter.query.as_deref().is_none_or(|q| q.trim().is_empty()) {
            // The list is of households on the register; one that was 注销 is found by its number.
            conds.push("h.deregistered_on is null".to_owned());
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
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&members_sql(""))).bind(id.0).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(row::member).collect()
        })
    }

    async fn add_member(
        &self,
        scope: &Scope,
        id: HouseholdId,
        command: &MemberJoins,
        actor: &Actor,
    ) -> DomainResult<MemberId> {
        let member = &command.member;
        let now = self.clock().now();
        let sql = format!(
            "insert into members ({MEMBER_COLUMNS}, created_at, updated_at, updated_by) values {} returning member_id",
            placeholders(0, MEMBER_COLUMN_COUNT + 3)
        );
        let lock = self.locked_area_sql();
        let current = members_sql(self.lock_clause());
        let (lo, hi) = scope.bounds();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            // The household's row is locked while its members are checked together, so two clerks
            // adding a 户主 at the same time cannot both succeed.
            let area: String = sqlx::query_scalar(crate::sql(&lock)).bind(id.0).bind(lo).bind(hi)
                .fetch_optional(&mut *tx).await.map_err(domain_err)?.ok_or(DomainError::NotFound)?;
            let deregistered: Option<NaiveDate> = sqlx::query_scalar("select deregistered_on from households where household_id = $1")
                .bind(id.0).fetch_one(&mut *tx).await.map_err(domain_err)?;
            if let Some(on) = deregistered {
                return Err(DomainError::invalid("name", format!("该户已于{on}注销，不能增员")));
            }
            let rows = sqlx::query(crate::sql(&current)).bind(id.0).fetch_all(&mut *tx).await.map_err(domain_err)?;
            let current = rows.iter().map(row::member).collect::<DomainResult<Vec<_>>>()?;
            command.check(&current).map_err(DomainError::Invalid)?;
            let mid: i64 = bind_values!(sqlx::query_scalar(crate::sql(&sql)).bind(id.0), member_values(member))
                .bind(now).bind(now).bind(&actor.username)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create)
                .at(now)
                .object("member", mid, Some(area.as_str()))
                .change("joined", None, Some(format!("{}（{}，{}）", member.name, member.relation.label_zh(), member.id_number.masked())));
            crate::bind_entry!(&entry, version = 1_i64).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(MemberId(mid))
        })
    }

    async fn member(&self, scope: &Scope, member: MemberId) -> DomainResult<Member> {
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "select member_id, {MEMBER_COLUMNS}, left_on, left_reason, version from members where member_id = $1 and household_id in \
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
        command: &CorrectMember,
        actor: &bangfu_core::audit::Actor,
    ) -> DomainResult<HouseholdId> {
        let CorrectMember { expected_version, member: data } = command;
        let expected_version = *expected_version;
        let household = self.member(scope, member).await?.household_id;
        let now = self.clock().now();
        let sets = MEMBER_COLUMNS
            .split(',')
            .map(str::trim)
            .skip(1)
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let n = MEMBER_COLUMN_COUNT - 1;
        let update = format!(
            "update members set {sets}, updated_at = ${}, updated_by = ${}, version = version + 1 \
             where member_id = ${} and version = ${}",
            n + 1,
            n + 2,
            n + 3,
            n + 4
        );
        let lock = self.locked_area_sql();
        let current = members_sql(self.lock_clause());
        let (lo, hi) = scope.bounds();
        let result: DomainResult<HouseholdId> = dispatch!(self, pool => async {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            // The household first, then its members: every member write locks in this order.
            let area: String = sqlx::query_scalar(crate::sql(&lock)).bind(household.0).bind(lo).bind(hi)
                .fetch_optional(&mut *tx).await.map_err(domain_err)?.ok_or(DomainError::NotFound)?;
            let rows = sqlx::query(crate::sql(&current)).bind(household.0).fetch_all(&mut *tx).await.map_err(domain_err)?;
            let current = rows.iter().map(row::member).collect::<DomainResult<Vec<_>>>()?;
            let old = current.iter().find(|m| m.id == member).ok_or(DomainError::NotFound)?;
            if old.version != expected_version {
                return Err(crate::versions::stale(old.version));
            }
            if old.left_on.is_some() {
                return Err(DomainError::invalid("name", "该成员已减员，不能修改"));
            }
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
            let done = bind_values!(sqlx::query(crate::sql(&update)), member_values(data))
                .bind(now).bind(&actor.username).bind(member.0).bind(expected_version)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if done != 1 {
                return Err(crate::versions::stale(old.version));
            }
            for (field, before, after) in &changes {
                let entry = AuditEntry::new(actor, AuditAction::Update)
                    .at(now)
                    .object("member", member.0, Some(area.as_str()))
                    .change(field, before.clone(), after.clone());
                crate::bind_entry!(&entry, version = expected_version + 1).execute(&mut *tx).await.map_err(domain_err)?;
            }
            tx.commit().await.map_err(domain_err)?;
            Ok(household)
        }.await);
        self.explain_stale(result, "member", member.0, expected_version).await
    }

    async fn member_leaves(
        &self,
        scope: &Scope,
        member: MemberId,
        command: &MemberLeaves,
        actor: &Actor,
    ) -> DomainResult<()> {
        let (on, reason) = (command.on, command.reason.trim());
        let household = self.member(scope, member).await?.household_id;
        let lock = self.locked_area_sql();
        let current = members_sql(self.lock_clause());
        let (lo, hi) = scope.bounds();
        let now = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let area: String = sqlx::query_scalar(crate::sql(&lock)).bind(household.0).bind(lo).bind(hi)
                .fetch_optional(&mut *tx).await.map_err(domain_err)?.ok_or(DomainError::NotFound)?;
            // The rules (not before joining, the head never simply leaves) on the members as locked.
            let rows = sqlx::query(crate::sql(&current)).bind(household.0).fetch_all(&mut *tx).await.map_err(domain_err)?;
            let members = rows.iter().map(row::member).collect::<DomainResult<Vec<_>>>()?;
            if members.iter().any(|m| m.id == member && m.left_on.is_some()) {
                return Err(DomainError::NotFound);
            }
            command.check(&members, member).map_err(DomainError::Invalid)?;
            // Only a current member leaves: a second, concurrent leave finds no row and changes nothing.
            let version: Option<i64> = sqlx::query_scalar("update members set left_on = $1, left_reason = $2, updated_at = $3, \
                updated_by = $4, version = version + 1 where member_id = $5 and left_on is null returning version")
                .bind(on).bind(reason).bind(now).bind(&actor.username).bind(member.0)
                .fetch_optional(&mut *tx).await.map_err(domain_err)?;
            let Some(version) = version else {
                return Err(DomainError::NotFound);
            };
            let entry = AuditEntry::new(actor, AuditAction::Update)
                .at(now)
                .object("member", member.0, Some(area.as_str()))
                .change("left_on", None, Some(format!("{on} {reason}")));
            crate::bind_entry!(&entry, version = version).execute(&mut *tx).await.map_err(domain_err)?;
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
             cast(sum(case when h.household_type = 'tuopin' then 1 else 0 end) as bigint) as tuopin, \
             cast(sum(case when h.monitoring_type is not null then 1 else 0 end) as bigint) as monitored, \
             cast(sum((select count(*) from members m where m.household_id = h.household_id and m.left_on is null)) as bigint) as people \
             from households h where h.area_code between $1 and $2 and h.deregistered_on is null group by substr(h.area_code, 1, {keep})"
        );
        let counts: std::collections::HashMap<String, (i64, i64, i64, i64)> = dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(&lo).bind(&hi).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(|r| Ok((format!("{}{pad}", r.text("prefix")?), (r.int("households")?, r.int("tuopin")?, r.int("monitored")?, r.int("people")?))))
                .collect::<DomainResult<_>>()?
        });
        Ok(children
            .into_iter()
            .map(|area| {
                let (households, tuopin, monitored, people) =
                    counts.get(area.code.as_str()).copied().unwrap_or_default();
                AreaCount { area, households, tuopin, monitored, people }
            })
            .collect())
    }
}

/// A status change: what it changes to; where it changes from is read under the lock in the
/// writing transaction, so the history's "from" is always the value it replaced. (Monitoring
/// changes are episodes: crates/db/src/monitoring.rs.)
struct Change<'a> {
    to: PovertyStatus,
    on: NaiveDate,
    reason: &'a str,
    review: Option<Review<'a>>,
}

/// What else the writing transaction of a change does: a visit's proposal being accepted
/// (marked in the same transaction as the change it makes), or a procedure's approving act
/// (its event written with the decision it applies).
pub(crate) enum Review<'a> {
    Proposal { visit_id: i64, note: &'a str },
    Act(&'a crate::procedures::ActWrite),
}

impl Review<'_> {
    /// The procedure that made the change, if one did.
    pub(crate) fn procedure_id(&self) -> Option<i64> {
        match self {
            Review::Act(w) => Some(w.id),
            Review::Proposal { .. } => None,
        }
    }
}

/// Does what [`Review`] says on an open transaction.
macro_rules! accept_review {
    ($tx:expr, $review:expr, $actor:expr, $area:expr, $today:expr, $now:expr) => {{
        let review: &$crate::households::Review<'_> = $review;
        async {
            match review {
                $crate::households::Review::Act(w) => $crate::procedures::write_act!($tx, w),
                $crate::households::Review::Proposal { visit_id, note } => {
                    let done = sqlx::query(
                        "update visits set proposal_state = 'accepted', reviewed_by = $1, reviewed_on = $2, review_note = $3 \
                         where visit_id = $4 and proposal_state = 'pending'",
                    )
                    .bind(&$actor.username)
                    .bind($today)
                    .bind(*note)
                    .bind(*visit_id)
                    .execute(&mut *$tx)
                    .await
                    .map_err($crate::domain_err)?
                    .rows_affected();
                    if done != 1 {
                        return Err(DomainError::invalid("proposal", "该建议已审核"));
                    }
                    let entry = AuditEntry::new($actor, AuditAction::Update)
                        .at($now)
                        .object("visit", *visit_id, Some($area.as_str()))
                        .change("proposal_state", Some("待审核".into()), Some("已采纳".into()));
                    $crate::bind_entry!(&entry).execute(&mut *$tx).await.map_err($crate::domain_err)?;
                    Ok::<(), DomainError>(())
                }
            }
        }
        .await
    }};
}
pub(crate) use accept_review;

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
        self.record_change(scope, id, Change { to: status, on, reason, review }, actor).await
    }

    async fn record_change(
        &self,
        scope: &Scope,
        id: HouseholdId,
        change: Change<'_>,
        actor: &Actor,
    ) -> DomainResult<()> {
        let Change { to, on, reason, review } = change;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DomainError::invalid("reason", "请填写变更原因"));
        }
        let today = self.clock().today();
        not_after_today("effective_on", "生效日期", on, today).map_err(|e| DomainError::Invalid(vec![e]))?;
        let now = self.clock().now();
        let update = "update households set status = $1, updated_at = $2, updated_by = $3, version = version + 1 \
             where household_id = $4 and version = $5";
        let select = self.locked_household_sql();
        let (lo, hi) = scope.bounds();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let r = sqlx::query(crate::sql(&select)).bind(id.0).bind(lo).bind(hi)
                .fetch_optional(&mut *tx).await.map_err(domain_err)?.ok_or(DomainError::NotFound)?;
            let (current, version) = (row::household_data(&r)?, r.int("version")?);
            let area = current.village_code;
            let Some(old) = current.status else {
                return Err(DomainError::invalid(
                    "status",
                    format!("该户是{}，没有脱贫状态（仅脱贫户有）", current.household_type),
                ));
            };
            if old == to {
                return Err(DomainError::invalid("status", format!("该户已是“{to}”")));
            }
            let done = sqlx::query(update).bind(to.code()).bind(now).bind(&actor.username).bind(id.0).bind(version)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if done != 1 {
                return Err(crate::versions::stale(version));
            }
            sqlx::query("insert into household_history (household_id, kind, from_value, to_value, effective_on, reason, created_at) \
                values ($1, 'status', $2, $3, $4, $5, $6)")
                .bind(id.0).bind(old.code()).bind(to.code()).bind(on).bind(reason).bind(now)
                .execute(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Update)
                .at(now)
                .object("household", id.0, Some(area.as_str()))
                .change("status", Some(old.label_zh().to_owned()), Some(to.label_zh().to_owned()));
            crate::bind_entry!(&entry, version = version + 1).execute(&mut *tx).await.map_err(domain_err)?;
            if let Some(review) = &review {
                accept_review!(&mut *tx, review, actor, area, today, now)?;
            }
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }
}

impl Db {
    /// Answers a save refused because one of `ids` is already an active member somewhere,
    /// without telling the user where, if it is outside their area: another township's
    /// register is not theirs to probe. Inside their area the household is named (they may open
    /// it anyway); outside, the attempt is written to the audit log for the district to check
    /// (area-less rows are read by district-level accounts) and the answer names no place.
    pub async fn route_id_conflict<T>(
        &self,
        scope: &Scope,
        ids: &[&bangfu_core::household::IdNumber],
        actor: &Actor,
        result: DomainResult<T>,
    ) -> DomainResult<T> {
        let Err(DomainError::Conflict { field, .. }) = &result else { return result };
        if !field.ends_with("id_number") {
            return result;
        }
        for id in ids {
            let found: Option<(String, String)> = dispatch!(self, pool => {
                sqlx::query_as("select h.area_code, h.household_no from members m join households h \
                    on h.household_id = m.household_id where m.id_number_key = $1 and m.left_on is null")
                    .bind(crate::sealed::id_index(id.as_str())).fetch_optional(pool).await.map_err(domain_err)?
            });
            let Some((area, household_no)) = found else { continue };
            let field = field.clone();
            if AreaCode::parse(&area).is_ok_and(|a| scope.contains(&a)) {
                return Err(DomainError::conflict(
                    &field,
                    format!("此人已是本辖区户编号 {household_no} 的现有成员（同一证件号码不能同时在两户）"),
                ));
            }
            let entry = AuditEntry::new(actor, AuditAction::Create).object("id_conflict", id.masked(), None).change(
                "id_number",
                Some(format!("已在 {area}（户编号 {household_no}）登记")),
                Some(format!("{}试图另行登记", actor.username)),
            );
            self.audit(&entry).await?;
            return Err(DomainError::conflict(
                &field,
                "该证件号码不能在此登记：已转区级管理员核查（“证件号码冲突核查”），请与区农业农村局联系",
            ));
        }
        result
    }
}
