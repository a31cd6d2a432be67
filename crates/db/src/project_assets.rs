//! 扶贫项目资产 kept: the assets a project left, in the village they stand in (the scope is the
//! village's), and every change of their status with its day and reason. Registered only once
//! the project has passed 县级验收 (the rule is in core); written with its audit row in one
//! transaction; nothing is removed.

use bangfu_core::area::{AreaCode, AreaLevel, Scope};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::money::Fen;
use bangfu_core::procedure::Procedure;
use bangfu_core::project::asset::{self, AssetCategory, AssetData, AssetStatus, AssetType, OwnerKind, StatusChange};
use bangfu_core::store::AreaStore;
use bangfu_core::{DomainError, DomainResult};
use chrono::NaiveDate;

use crate::{BeginWrite, Db, dispatch, domain_err};

/// An asset as the register lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    pub id: i64,
    pub project_id: i64,
    pub project_name: String,
    /// The form's data; `village` is always filled here (the village it stands in).
    pub data: AssetData,
    pub village_code: String,
    pub status: AssetStatus,
    /// The day of the last change (the handover day until one).
    pub status_on: NaiveDate,
    pub version: i64,
    /// Every status it had, oldest first.
    pub history: Vec<StatusEntry>,
}

/// One status of an asset, from which day, why, entered by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEntry {
    pub status: AssetStatus,
    pub on: NaiveDate,
    pub reason: Option<String>,
    pub by: String,
}

/// Which assets to list: of one village (or any area inside the scope), of one project.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetFilter {
    pub area: Option<AreaCode>,
    pub project: Option<i64>,
}

fn bad(what: &str) -> DomainError {
    DomainError::Internal(format!("stored asset has a bad {what}"))
}

const ASSET_SELECT: &str = "select a.asset_id, a.project_id, p.name as project_name, a.name, a.asset_type, a.category, \
    a.area_code, a.owner, a.owner_kind, a.value_fen, a.handed_over_on, a.keeper, a.keeper_person, a.note, a.status, \
    a.status_on, a.version from project_assets a join projects p on p.project_id = a.project_id";

macro_rules! asset_row {
    ($r:expr) => {{
        use crate::row::Get;
        let r = $r;
        let village = r.text("area_code")?;
        Asset {
            id: r.int("asset_id")?,
            project_id: r.int("project_id")?,
            project_name: r.text("project_name")?,
            data: AssetData {
                name: r.text("name")?,
                asset_type: AssetType::parse(&r.text("asset_type")?).ok_or_else(|| bad("type"))?,
                category: AssetCategory::parse(&r.text("category")?).ok_or_else(|| bad("category"))?,
                village: Some(AreaCode::parse(&village).map_err(|_| bad("village"))?),
                owner: r.text("owner")?,
                owner_kind: OwnerKind::parse(&r.text("owner_kind")?).ok_or_else(|| bad("owner kind"))?,
                value: Fen(r.int("value_fen")?),
                handed_over_on: r.opt_date("handed_over_on")?.ok_or_else(|| bad("handover"))?,
                keeper: r.text("keeper")?,
                keeper_person: r.text("keeper_person")?,
                note: r.opt_text("note")?,
            },
            village_code: village,
            status: AssetStatus::parse(&r.text("status")?).ok_or_else(|| bad("status"))?,
            status_on: r.opt_date("status_on")?.ok_or_else(|| bad("status day"))?,
            version: r.int("version")?,
            history: Vec::new(),
        }
    }};
}

fn asset_audit(d: &AssetData) -> String {
    format!(
        "{}（{}，{}，{}，产权：{}，管护：{} {}）",
        d.name,
        d.asset_type.label_zh(),
        d.category.label_zh(),
        d.value.display_yuan(),
        d.owner,
        d.keeper,
        d.keeper_person
    )
}

/// Where a project is, for the rule of [`asset::may_register`]: its stage and current step.
fn step_of(procedure: Option<&Procedure>) -> Option<(&'static str, &'static str)> {
    procedure.and_then(Procedure::current).map(|s| (s.code, s.name_zh))
}

impl Db {
    /// Registers an asset on a project inside `scope`: only after 县级验收, in a village of the
    /// project's place inside `scope` (the project's own village when none is named).
    pub async fn add_asset(&self, scope: &Scope, project: i64, d: &AssetData, actor: &Actor) -> DomainResult<i64> {
        let p = self.project(scope, project).await?;
        asset::may_register(&p.stage, step_of(p.procedure.as_ref())).map_err(|e| DomainError::Invalid(vec![e]))?;
        let village = d.village.clone().unwrap_or_else(|| p.data.area_code.clone());
        let place = self.area(&p.data.area_code).await?.ok_or(DomainError::NotFound)?;
        let found = self.area(&village).await?;
        match found {
            Some(a)
                if a.level == AreaLevel::Village
                    && scope.contains(&village)
                    && Scope::of(&place).contains(&village) => {}
            _ if d.village.is_none() => {
                return Err(DomainError::invalid("village", "项目实施地点是乡镇，请选择资产所在的村"));
            }
            _ => {
                return Err(DomainError::invalid(
                    "village",
                    format!("资产所在村应是项目实施地点（{}）内、您管辖范围内的村", place.name),
                ));
            }
        }
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Create);
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into project_assets (project_id, name, asset_type, category, area_code, owner, \
                owner_kind, value_fen, handed_over_on, keeper, keeper_person, note, status, status_on, created_at, created_by, updated_at) \
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'in_use', $9, $13, $14, $13) returning asset_id")
                .bind(project).bind(&d.name).bind(d.asset_type.code()).bind(d.category.code()).bind(village.as_str())
                .bind(&d.owner).bind(d.owner_kind.code()).bind(d.value.0).bind(d.handed_over_on).bind(&d.keeper)
                .bind(&d.keeper_person).bind(&d.note).bind(now).bind(&actor.username)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            sqlx::query("insert into project_asset_statuses (asset_id, status, on_date, reason, created_at, created_by) \
                values ($1, 'in_use', $2, '资产移交', $3, $4)")
                .bind(id).bind(d.handed_over_on).bind(now).bind(&actor.username)
                .execute(&mut *tx).await.map_err(domain_err)?;
            let entry = entry.object("project_asset", id, Some(village.as_str()))
                .change("asset", None, Some(format!("{}：{}", p.data.name, asset_audit(d))));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// The assets inside `scope` (of one area or project if asked), by village, with their history.
    pub async fn assets(&self, scope: &Scope, f: &AssetFilter) -> DomainResult<Vec<Asset>> {
        let (lo, hi) = scope.bounds();
        let (alo, ahi) = match &f.area {
            Some(a) if scope.contains(a) => {
                let level = a.implied_level();
                let (l, h) = a.subtree_range(level);
                (l, h)
            }
            Some(_) => return Err(DomainError::NotFound),
            None => (lo.to_owned(), hi.to_owned()),
        };
        let sql = format!(
            "{ASSET_SELECT} where a.area_code between $1 and $2 and a.area_code between $3 and $4 \
             and ($5 is null or a.project_id = $5) order by a.area_code, a.asset_id"
        );
        let mut out: Vec<Asset> = dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(lo).bind(hi).bind(&alo).bind(&ahi).bind(f.project)
                .fetch_all(pool).await.map_err(domain_err)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(asset_row!(r));
            }
            out
        });
        type Row = (i64, String, NaiveDate, Option<String>, String);
        let history: Vec<Row> = dispatch!(self, pool => {
            sqlx::query_as("select s.asset_id, s.status, s.on_date, s.reason, s.created_by from project_asset_statuses s \
                join project_assets a on a.asset_id = s.asset_id where a.area_code between $1 and $2 \
                and a.area_code between $3 and $4 and ($5 is null or a.project_id = $5) order by s.asset_id, s.status_id")
                .bind(lo).bind(hi).bind(&alo).bind(&ahi).bind(f.project).fetch_all(pool).await.map_err(domain_err)?
        });
        for (id, status, on, reason, by) in history {
            if let Some(a) = out.iter_mut().find(|a| a.id == id) {
                let status = AssetStatus::parse(&status).ok_or_else(|| bad("status"))?;
                a.history.push(StatusEntry { status, on, reason, by });
            }
        }
        Ok(out)
    }

    /// One asset inside `scope` (another area's is "not found").
    pub async fn asset(&self, scope: &Scope, id: i64) -> DomainResult<Asset> {
        let project: Option<i64> = dispatch!(self, pool => {
            sqlx::query_scalar("select project_id from project_assets where asset_id = $1")
                .bind(id).fetch_optional(pool).await.map_err(domain_err)?
        });
        let f = AssetFilter { area: None, project: Some(project.ok_or(DomainError::NotFound)?) };
        self.assets(scope, &f).await?.into_iter().find(|a| a.id == id).ok_or(DomainError::NotFound)
    }

    /// Changes an asset's status (闲置, 损毁, 处置 …) as of a day, kept with the earlier ones;
    /// refused if someone changed it since `version` was read.
    pub async fn change_asset_status(
        &self,
        scope: &Scope,
        id: i64,
        version: i64,
        c: &StatusChange,
        actor: &Actor,
    ) -> DomainResult<()> {
        let a = self.asset(scope, id).await?;
        c.check(a.status, a.status_on).map_err(|e| DomainError::Invalid(vec![e]))?;
        let now = self.clock().now();
        let entry =
            AuditEntry::new(actor, AuditAction::Update).object("project_asset", id, Some(&a.village_code)).change(
                "status",
                Some(a.status.label_zh().to_owned()),
                Some(format!(
                    "{} {}{}",
                    c.status.label_zh(),
                    c.on,
                    c.reason.as_ref().map(|r| format!("（{r}）")).unwrap_or_default()
                )),
            );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update project_assets set status = $1, status_on = $2, updated_at = $3, version = version + 1 \
                where asset_id = $4 and version = $5 and status <> 'disposed'")
                .bind(c.status.code()).bind(c.on).bind(now).bind(id).bind(version)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::conflict("version", "该资产刚被他人变更过，请刷新后再改"));
            }
            sqlx::query("insert into project_asset_statuses (asset_id, status, on_date, reason, created_at, created_by) \
                values ($1, $2, $3, $4, $5, $6)")
                .bind(id).bind(c.status.code()).bind(c.on).bind(&c.reason).bind(now).bind(&actor.username)
                .execute(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }
}

/// The register's sums: per village and type, and the whole, in the order met.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// (village code, type, count, value).
    pub by_village_type: Vec<(String, AssetType, usize, Fen)>,
    /// (village code, count, value).
    pub by_village: Vec<(String, usize, Fen)>,
    /// (type, count, value).
    pub by_type: Vec<(AssetType, usize, Fen)>,
    pub count: usize,
    pub value: Fen,
}

/// Sums the assets still held (a disposed one no longer counts in the value held).
pub fn totals(assets: &[Asset]) -> Totals {
    let mut t = Totals::default();
    for a in assets.iter().filter(|a| a.status != AssetStatus::Disposed) {
        let v = a.data.value;
        match t.by_village_type.iter_mut().find(|x| x.0 == a.village_code && x.1 == a.data.asset_type) {
            Some(x) => {
                x.2 += 1;
                x.3 += v;
            }
            None => t.by_village_type.push((a.village_code.clone(), a.data.asset_type, 1, v)),
        }
        match t.by_village.iter_mut().find(|x| x.0 == a.village_code) {
            Some(x) => {
                x.1 += 1;
                x.2 += v;
            }
            None => t.by_village.push((a.village_code.clone(), 1, v)),
        }
        match t.by_type.iter_mut().find(|x| x.0 == a.data.asset_type) {
            Some(x) => {
                x.1 += 1;
                x.2 += v;
            }
            None => t.by_type.push((a.data.asset_type, 1, v)),
        }
        t.count += 1;
        t.value += v;
    }
    t.by_type.sort_by_key(|x| AssetType::ALL.iter().position(|k| *k == x.0));
    t
}
