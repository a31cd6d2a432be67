//! 帮扶单位: created and corrected by the district, each change audited in its transaction.

use bangfu_core::area::Scope;
use bangfu_core::assistance::{Unit, UnitData, UnitLevel, unit_visible};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::ids::*;
use bangfu_core::store::{AreaStore, UnitStore};
use bangfu_core::{DomainError, DomainResult};

use crate::row::Get;
use crate::{BeginWrite, Db, dispatch, domain_err};

const SELECT: &str = "select u.unit_id, u.name, u.level, u.area_code, u.version, coalesce(a.name, '') as area_name \
    from units u left join areas a on a.area_code = u.area_code";

fn unit_row(r: &impl Get) -> DomainResult<Unit> {
    Ok(Unit {
        id: UnitId(r.int("unit_id")?),
        name: r.text("name")?,
        level: UnitLevel::parse(&r.text("level")?).ok_or_else(|| DomainError::Internal("unit level".into()))?,
        area_code: bangfu_core::area::AreaCode::parse(&r.text("area_code")?).map_err(DomainError::Internal)?,
        area_name: r.text("area_name")?,
        version: r.int("version")?,
    })
}

impl Db {
    /// The unit's area must lie in the scope and exist.
    async fn check_unit_area(&self, scope: &Scope, data: &UnitData) -> DomainResult<()> {
        if !scope.contains(&data.area_code) || self.area(&data.area_code).await?.is_none() {
            return Err(DomainError::invalid("area_code", "所属区划不存在或不在您的管辖范围内"));
        }
        Ok(())
    }
}

impl UnitStore for Db {
    async fn units(&self, scope: &Scope) -> DomainResult<Vec<Unit>> {
        // A district holds tens of units, a province a few thousand: filtering here is cheap.
        let sql = format!("{SELECT} order by u.name");
        let all: Vec<Unit> = dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(unit_row).collect::<DomainResult<Vec<_>>>()?
        });
        Ok(all.into_iter().filter(|u| unit_visible(scope, &u.area_code)).collect())
    }

    async fn unit(&self, scope: &Scope, unit: UnitId) -> DomainResult<Unit> {
        let sql = format!("{SELECT} where u.unit_id = $1");
        let found = dispatch!(self, pool => {
            sqlx::query(crate::sql(&sql)).bind(unit.0).fetch_optional(pool).await.map_err(domain_err)?
                .map(|r| unit_row(&r)).transpose()?
        });
        found.filter(|u| unit_visible(scope, &u.area_code)).ok_or(DomainError::NotFound)
    }

    async fn create_unit(&self, scope: &Scope, data: &UnitData, actor: &Actor) -> DomainResult<UnitId> {
        self.check_unit_area(scope, data).await?;
        let now = self.clock().now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into units (name, level, area_code, created_at, updated_at) \
                values ($1, $2, $3, $4, $4) returning unit_id")
                .bind(&data.name).bind(data.level.code()).bind(data.area_code.as_str()).bind(now)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = AuditEntry::new(actor, AuditAction::Create).object("unit", id, Some(data.area_code.as_str()))
                .change("name", None, Some(format!("{}（{}）", data.name, data.level.label_zh())));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(UnitId(id))
        })
    }

    async fn update_unit(
        &self,
        scope: &Scope,
        unit: UnitId,
        expected_version: i64,
        data: &UnitData,
        actor: &Actor,
    ) -> DomainResult<()> {
        let seen = self.unit(scope, unit).await?;
        // Units above the scope (a 市直 bureau) are shown, not corrected, by a district account.
        if !scope.contains(&seen.area_code) {
            return Err(DomainError::NotFound);
        }
        self.check_unit_area(scope, data).await?;
        let now = self.clock().now();
        // The unit's row only (the area name comes from an outer join PostgreSQL cannot lock).
        let lock = if self.lock_clause().is_empty() { "" } else { " for update of u" };
        let locked = format!("{SELECT} where u.unit_id = $1{lock}");
        let result: DomainResult<()> = dispatch!(self, pool => async {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            // The "before" of every audit row is the row as locked here, not as read for the form.
            let r = sqlx::query(crate::sql(&locked)).bind(unit.0).fetch_optional(&mut *tx).await.map_err(domain_err)?
                .ok_or(DomainError::NotFound)?;
            let before = unit_row(&r)?;
            if before.version != expected_version {
                return Err(crate::versions::stale(before.version));
            }
            let changes: Vec<(&str, String, String)> = [
                ("name", before.name.clone(), data.name.clone()),
                ("level", before.level.label_zh().to_owned(), data.level.label_zh().to_owned()),
                ("area_code", before.area_code.to_string(), data.area_code.to_string()),
            ]
            .into_iter()
            .filter(|(_, b, a)| b != a)
            .collect();
            if changes.is_empty() {
                return Ok(());
            }
            let done = sqlx::query("update units set name = $1, level = $2, area_code = $3, updated_at = $4, updated_by = $5, \
                version = version + 1 where unit_id = $6 and version = $7")
                .bind(&data.name).bind(data.level.code()).bind(data.area_code.as_str()).bind(now).bind(&actor.username)
                .bind(unit.0).bind(expected_version)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if done != 1 {
                return Err(crate::versions::stale(before.version));
            }
            for (field, b, a) in &changes {
                let entry = AuditEntry::new(actor, AuditAction::Update).object("unit", unit, Some(data.area_code.as_str()))
                    .change(field, Some(b.clone()), Some(a.clone()));
                crate::bind_entry!(&entry, version = expected_version + 1).execute(&mut *tx).await.map_err(domain_err)?;
            }
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        }.await);
        self.explain_stale(result, "unit", unit.0, expected_version).await
    }
}
