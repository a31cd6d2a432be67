//! The area tree: 行政区划.

use bangfu_core::DomainResult;
use bangfu_core::area::{Area, AreaCode};
use bangfu_core::store::AreaStore;
use chrono::Utc;

use crate::{BeginWrite, Db, dispatch, domain_err, row};

const AREA_COLUMNS: &str = "area_code, name, level, parent_code";

impl AreaStore for Db {
    /// Parents must come before children (a division list is in that order).
    async fn upsert_areas(&self, areas: &[Area]) -> DomainResult<u64> {
        let now = Utc::now();
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let mut written = 0;
            for chunk in areas.chunks(500) {
                let mut sql = format!("insert into areas ({AREA_COLUMNS}, created_at, updated_at) values ");
                for (i, _) in chunk.iter().enumerate() {
                    let b = i * 6;
                    if i > 0 { sql.push(','); }
                    sql.push_str(&format!("(${},${},${},${},${},${})", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6));
                }
                sql.push_str(" on conflict (area_code) do update set name = excluded.name, level = excluded.level, \
                    parent_code = excluded.parent_code, updated_at = excluded.updated_at \
                    where areas.name <> excluded.name or areas.level <> excluded.level");
                let mut q = sqlx::query(crate::sql(&sql));
                for a in chunk {
                    q = q.bind(a.code.as_str()).bind(a.name.as_str()).bind(a.level.code())
                        .bind(a.parent.as_ref().map(|p| p.as_str())).bind(now).bind(now);
                }
                written += q.execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            }
            tx.commit().await.map_err(domain_err)?;
            Ok(written)
        })
    }

    async fn area(&self, code: &AreaCode) -> DomainResult<Option<Area>> {
        let sql = format!("select {AREA_COLUMNS} from areas where area_code = $1");
        dispatch!(self, pool => {
            let r = sqlx::query(crate::sql(&sql)).bind(code.as_str()).fetch_optional(pool).await.map_err(domain_err)?;
            r.as_ref().map(row::area).transpose()
        })
    }

    async fn children(&self, code: &AreaCode) -> DomainResult<Vec<Area>> {
        let sql = format!("select {AREA_COLUMNS} from areas where parent_code = $1 order by area_code");
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(code.as_str()).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(row::area).collect()
        })
    }

    async fn count_areas(&self) -> DomainResult<i64> {
        dispatch!(self, pool => {
            let (n,): (i64,) = sqlx::query_as("select count(*) from areas").fetch_one(pool).await.map_err(domain_err)?;
            Ok(n)
        })
    }
}

impl Db {
    /// Areas without a parent (normally the one province of a deployment).
    pub async fn children_of_root(&self) -> DomainResult<Vec<Area>> {
        let sql = format!("select {AREA_COLUMNS} from areas where parent_code is null order by area_code");
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(row::area).collect()
        })
    }
}
