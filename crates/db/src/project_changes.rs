//! 项目调整 kept: a change to a project already in the library, with its document and the day
//! its public notice is due; a new investment written to the project in the same transaction;
//! the notice's day recorded once. Audited; nothing removed.

use bangfu_core::area::Scope;
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::money::Fen;
use bangfu_core::project::change::{ChangeData, notice_due};
use bangfu_core::{DomainError, DomainResult};
use chrono::NaiveDate;

use crate::{BeginWrite, Db, dispatch, domain_err};

/// A change as the project page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub id: i64,
    pub data: ChangeData,
    pub investment_before: Option<Fen>,
    pub notice_due_on: NaiveDate,
    pub published_on: Option<NaiveDate>,
    pub created_by: String,
}

type Row =
    (i64, NaiveDate, String, String, Option<String>, Option<i64>, Option<i64>, NaiveDate, Option<NaiveDate>, String);

/// The steps before the county puts a project into the library: no 调整 yet (the draft and the
/// reviews change it instead).
const BEFORE_LIBRARY: &[&str] = &["village_notice", "township_review", "county_approval"];

/// Whether a project is in the library (县级审定入库 done, not 出库 or withdrawn): only then is a
/// change recorded by 调整.
pub fn in_library(p: &crate::projects::ProjectRecord) -> bool {
    let at = p.procedure.as_ref().and_then(|pr| pr.current()).map(|s| s.code);
    match p.stage.as_str() {
        "approved" => true,
        "open" => at.is_some_and(|s| !BEFORE_LIBRARY.contains(&s)),
        _ => false,
    }
}

impl Db {
    /// Records a change of a project in the library (inside `scope`), refused before 县级审定入库
    /// and after 出库 or withdrawal.
    pub async fn record_project_change(
        &self,
        scope: &Scope,
        project: i64,
        c: &ChangeData,
        actor: &Actor,
    ) -> DomainResult<i64> {
        let p = self.project(scope, project).await?;
        if !in_library(&p) {
            return Err(DomainError::invalid(
                "decided_on",
                format!(
                    "项目{}，还未县级审定入库或已出库，不能登记调整；入库前请修改项目信息或由审核退回",
                    p.stage_zh()
                ),
            ));
        }
        let calendar = self.work_calendar().await?;
        let due = notice_due(&calendar, c.decided_on);
        let now = self.clock().now();
        let before = p.data.investment;
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("project", project, Some(p.data.area_code.as_str()))
            .change(
                "change",
                c.investment
                    .map(|_| format!("资金规模 {}", before.map_or_else(|| "未填".to_owned(), Fen::display_yuan))),
                Some(format!(
                    "{} 调整：{}（{}）{}{}",
                    c.decided_on,
                    c.content,
                    c.reason,
                    c.doc_no.as_deref().map(|d| format!(" {d}")).unwrap_or_default(),
                    c.investment.map(|i| format!(" 资金规模 {}", i.display_yuan())).unwrap_or_default()
                )),
            );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into project_changes (project_id, decided_on, content, reason, doc_no, \
                investment_before_fen, investment_after_fen, notice_due_on, created_at, created_by) \
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning change_id")
                .bind(project).bind(c.decided_on).bind(&c.content).bind(&c.reason).bind(&c.doc_no)
                .bind(c.investment.and(before).map(|f| f.0)).bind(c.investment.map(|f| f.0)).bind(due)
                .bind(now).bind(&actor.username)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            if let Some(i) = c.investment {
                sqlx::query("update projects set investment_fen = $1, updated_at = $2, version = version + 1 where project_id = $3")
                    .bind(i.0).bind(now).bind(project).execute(&mut *tx).await.map_err(domain_err)?;
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// Records the day a change's notice was published (once; not before the decision).
    pub async fn publish_project_change(
        &self,
        scope: &Scope,
        project: i64,
        change: i64,
        on: NaiveDate,
        actor: &Actor,
    ) -> DomainResult<()> {
        let p = self.project(scope, project).await?;
        let c = self
            .project_changes(scope, project)
            .await?
            .into_iter()
            .find(|c| c.id == change)
            .ok_or(DomainError::NotFound)?;
        if c.published_on.is_some() {
            return Err(DomainError::invalid("on", "该调整已公示"));
        }
        if on < c.data.decided_on || on > self.clock().today() {
            return Err(DomainError::invalid("on", format!("公示日期应在调整批复日期{}至今天之间", c.data.decided_on)));
        }
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("project", project, Some(p.data.area_code.as_str()))
            .change("change_notice", None, Some(format!("{} 调整公示：{}", on, c.data.content)));
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update project_changes set published_on = $1, published_by = $2 \
                where change_id = $3 and project_id = $4 and published_on is null")
                .bind(on).bind(&actor.username).bind(change).bind(project).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::conflict("on", "该调整刚被他人登记公示"));
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// A project's changes (inside `scope`), oldest first.
    pub async fn project_changes(&self, scope: &Scope, project: i64) -> DomainResult<Vec<Change>> {
        self.project(scope, project).await?;
        let rows: Vec<Row> = dispatch!(self, pool => {
            sqlx::query_as("select change_id, decided_on, content, reason, doc_no, investment_before_fen, investment_after_fen, \
                notice_due_on, published_on, created_by from project_changes where project_id = $1 order by change_id")
                .bind(project).fetch_all(pool).await.map_err(domain_err)?
        });
        Ok(rows
            .into_iter()
            .map(|(id, decided_on, content, reason, doc_no, before, after, notice_due_on, published_on, created_by)| {
                Change {
                    id,
                    data: ChangeData { decided_on, content, reason, doc_no, investment: after.map(Fen) },
                    investment_before: before.map(Fen),
                    notice_due_on,
                    published_on,
                    created_by,
                }
            })
            .collect())
    }
}
