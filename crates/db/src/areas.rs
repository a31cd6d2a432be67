//! The area tree: 行政区划.

use bangfu_core::DomainResult;
use bangfu_core::area::{Area, AreaCode, AreaMatch, AreaSearch, Scope};
use bangfu_core::store::AreaStore;

use crate::{BeginWrite, Db, dispatch, domain_err, row};

const AREA_COLUMNS: &str = "area_code, name, level, parent_code";
/// An area with its parent's name, for labels like "胡庙乡 · 张庄村".
const MATCH_SELECT: &str = "select a.area_code, a.name, a.level, a.parent_code, p.name as parent_name \
    from areas a left join areas p on p.area_code = a.parent_code";

fn area_match(r: &impl row::Get) -> DomainResult<AreaMatch> {
    Ok(AreaMatch { area: row::area(r)?, parent_name: r.opt_text("parent_name")? })
}

/// The search's SQL: the scope's code range on the primary key, walked in key order and cut at
/// the limit, so even a province's 52 378 villages are never all read for one keystroke.
fn search_sql(search: &AreaSearch) -> String {
    let mut sql = format!("{MATCH_SELECT} where a.area_code between $1 and $2");
    let mut n = 2;
    if search.root.is_some() {
        n += 1;
        sql.push_str(&format!(" and a.area_code <> ${n}"));
    }
    if search.level.is_some() {
        n += 1;
        sql.push_str(&format!(" and a.level = ${n}"));
    }
    for _ in &search.name_patterns {
        n += 1;
        sql.push_str(&format!(" and (a.name like ${n} escape '\\' or p.name like ${n} escape '\\')"));
    }
    sql.push_str(&format!(" order by a.area_code limit ${}", n + 1));
    sql
}

impl AreaStore for Db {
    /// Parents must come before children (a division list is in that order).
    async fn upsert_areas(&self, areas: &[Area]) -> DomainResult<u64> {
        let now = self.clock().now();
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

    async fn search_areas(&self, scope: &Scope, search: &AreaSearch) -> DomainResult<Vec<AreaMatch>> {
        // The search's range was cut from a scope already (AreaSearch::parse); cut it again from
        // this one, so nothing outside the caller's scope is ever read.
        let lo = search.lo.as_str().max(scope.bounds().0);
        let hi = search.hi.as_str().min(scope.bounds().1);
        if lo > hi {
            return Ok(Vec::new());
        }
        let sql = search_sql(search);
        dispatch!(self, pool => {
            let mut q = sqlx::query(crate::sql(&sql)).bind(lo).bind(hi);
            if let Some(root) = &search.root {
                q = q.bind(root.as_str());
            }
            if let Some(level) = search.level {
                q = q.bind(level.code());
            }
            for p in &search.name_patterns {
                q = q.bind(p);
            }
            let rows = q.bind(i64::from(search.limit)).fetch_all(pool).await.map_err(domain_err)?;
            rows.iter().map(area_match).collect()
        })
    }

    async fn labelled_areas(&self, scope: &Scope, codes: &[AreaCode]) -> DomainResult<Vec<AreaMatch>> {
        let mut codes: Vec<&str> = codes.iter().filter(|c| scope.contains(c)).map(AreaCode::as_str).collect();
        codes.sort_unstable();
        codes.dedup();
        let mut found = Vec::with_capacity(codes.len());
        // A list page asks for 20 or so; chunks keep any caller under the backends' bind limits.
        for chunk in codes.chunks(200) {
            let marks = (1..=chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(",");
            let sql = format!("{MATCH_SELECT} where a.area_code in ({marks}) order by a.area_code");
            dispatch!(self, pool => {
                let mut q = sqlx::query(crate::sql(&sql));
                for c in chunk {
                    q = q.bind(*c);
                }
                for r in q.fetch_all(pool).await.map_err(domain_err)? {
                    found.push(area_match(&r)?);
                }
            });
        }
        Ok(found)
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
