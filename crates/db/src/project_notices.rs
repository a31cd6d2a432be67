//! A project's public notices kept: the token behind the QR code on the printed 公示/公告, what
//! the notice says (nothing but the project: no household, no ID number), and the villagers'
//! objections with their receipts, the objector's phone sealed. Lodging or answering an
//! objection touches the project's version, so that staff acting on the step at the same moment
//! are served one after the other; the step is not 办结 while an objection is unanswered.

use bangfu_core::area::Scope;
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::auth::Role;
use bangfu_core::money::Fen;
use bangfu_core::procedure::{State, kinds};
use bangfu_core::project::notice::{self, NoticeKind, ObjectionForm, ObjectionState};
use bangfu_core::store::AreaStore;
use bangfu_core::{DomainError, DomainResult};
use chrono::NaiveDate;

use crate::procedures::{ObjectionStatus, new_receipt};
use crate::projects::ProjectRecord;
use crate::{BeginWrite, Db, dispatch, domain_err};

/// A project's notice as printed and as the public page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectNotice {
    pub project_id: i64,
    pub token: Option<String>,
    pub kind: NoticeKind,
    pub name: String,
    pub township: String,
    pub village: String,
    pub category: &'static str,
    pub nature: Option<&'static str>,
    pub year: i32,
    pub investment: Option<Fen>,
    pub tasks: Option<String>,
    pub benefit_mechanism: Option<String>,
    pub households: Option<u32>,
    pub exited: Option<u32>,
    pub monitored: Option<u32>,
    pub responsible_unit: Option<String>,
    pub implementing_unit: Option<String>,
    pub approval_no: Option<String>,
    pub start_on: Option<NaiveDate>,
    pub end_on: Option<NaiveDate>,
    /// The day the notice began, and its last day for a 公示 of working days.
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub notice_days: Option<u32>,
    /// Objections may be lodged now (the notice is the project's current step).
    pub open: bool,
    /// The other notices the project has reached (for the print page's choice).
    pub reached: Vec<NoticeKind>,
}

/// An objection as the project page lists it: the objector's name and masked phone only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectObjection {
    pub id: i64,
    pub step: String,
    pub receipt: String,
    pub lodged_on: NaiveDate,
    pub name: String,
    pub phone_masked: String,
    pub text: String,
    /// (answered on, by, upheld, the answer).
    pub answer: Option<(NaiveDate, String, bool, String)>,
}

impl ProjectObjection {
    pub fn state(&self) -> ObjectionState {
        ObjectionState {
            receipt: self.receipt.clone(),
            step: self.step.clone(),
            lodged_on: self.lodged_on,
            answered: self.answer.as_ref().map(|(on, _, upheld, _)| (*on, *upheld)),
        }
    }

    pub fn step_zh(&self) -> &'static str {
        NoticeKind::of_step(&self.step).map_or("公示", NoticeKind::step_zh)
    }
}

type ObjectionRow = (
    i64,
    String,
    String,
    NaiveDate,
    String,
    String,
    String,
    Option<NaiveDate>,
    Option<String>,
    Option<bool>,
    Option<String>,
);

fn objection_of(r: ObjectionRow) -> DomainResult<ProjectObjection> {
    let (id, step, receipt, lodged_on, name, phone, text, on, by, upheld, answer) = r;
    let phone = crate::sealed::open_stored(&phone)?;
    Ok(ProjectObjection {
        id,
        step,
        receipt,
        lodged_on,
        name,
        phone_masked: bangfu_core::household::model::masked_phone(&phone),
        text,
        answer: match (on, by, upheld, answer) {
            (Some(on), Some(by), Some(upheld), Some(answer)) => Some((on, by, upheld, answer)),
            _ => None,
        },
    })
}

const OBJECTION_SELECT: &str = "select objection_id, step, receipt, lodged_on, name, phone, text, answered_on, answered_by, \
    upheld, answer from project_objections";

impl Db {
    /// The objections of a project (inside `scope`), oldest first.
    pub async fn project_objections(&self, scope: &Scope, project: i64) -> DomainResult<Vec<ProjectObjection>> {
        self.project(scope, project).await?;
        self.objections_of(project).await
    }

    async fn objections_of(&self, project: i64) -> DomainResult<Vec<ProjectObjection>> {
        let sql = format!("{OBJECTION_SELECT} where project_id = $1 order by objection_id");
        let rows: Vec<ObjectionRow> = dispatch!(self, pool => {
            sqlx::query_as(crate::sql(&sql)).bind(project).fetch_all(pool).await.map_err(domain_err)?
        });
        rows.into_iter().map(objection_of).collect()
    }

    /// Checked by [`Db::act_on_project`] before a step is 办结: no objection unanswered, and an
    /// upheld one at the 村内公示 runs it again in full.
    pub(crate) async fn check_project_objections(&self, p: &ProjectRecord, on: NaiveDate) -> DomainResult<()> {
        let Some(State::At { step, since }) = p.procedure.as_ref().map(|x| x.state()) else { return Ok(()) };
        let calendar = self.work_calendar().await?;
        let objections: Vec<ObjectionState> = self.objections_of(p.id).await?.iter().map(|o| o.state()).collect();
        notice::check_complete(&calendar, &kinds::PROJECT.steps[step], since, on, &objections)
            .map_err(|e| DomainError::Invalid(vec![e]))
    }

    /// The token of a submitted project's notice page inside `scope`, made the first time it is
    /// asked for (audited).
    pub async fn project_notice_token(&self, scope: &Scope, project: i64, actor: &Actor) -> DomainResult<String> {
        let p = self.project(scope, project).await?;
        if p.procedure.is_none() {
            return Err(DomainError::invalid("stage", "项目还未提交村申报，没有公示"));
        }
        let token: Option<String> = dispatch!(self, pool => {
            sqlx::query_scalar("select notice_token from projects where project_id = $1")
                .bind(project).fetch_one(pool).await.map_err(domain_err)?
        });
        if let Some(t) = token {
            return Ok(t);
        }
        let made = crate::procedures::random_text(20);
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("project", project, Some(p.data.area_code.as_str()))
            .change("notice_token", None, Some("生成公示二维码".into()));
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update projects set notice_token = $1 where project_id = $2 and notice_token is null")
                .bind(&made).bind(project).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n == 1 {
                crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            }
            tx.commit().await.map_err(domain_err)?;
        });
        let token: Option<String> = dispatch!(self, pool => {
            sqlx::query_scalar("select notice_token from projects where project_id = $1")
                .bind(project).fetch_one(pool).await.map_err(domain_err)?
        });
        token.ok_or_else(|| DomainError::Internal("notice token not kept".into()))
    }

    async fn project_by_token(&self, token: &str) -> DomainResult<ProjectRecord> {
        let id: Option<i64> = dispatch!(self, pool => {
            sqlx::query_scalar("select project_id from projects where notice_token = $1")
                .bind(token).fetch_optional(pool).await.map_err(domain_err)?
        });
        self.project(&Scope::everything(), id.ok_or(DomainError::NotFound)?).await
    }

    /// What a project's notice says: `kind` if the project has reached it, else the one it is
    /// at or the last it reached. A draft has none.
    pub async fn notice_of_project(&self, p: &ProjectRecord, kind: Option<NoticeKind>) -> DomainResult<ProjectNotice> {
        let procedure = p.procedure.as_ref().ok_or(DomainError::NotFound)?;
        let reached = notice::notices_reached(procedure);
        let open = notice::open_notice(procedure);
        let (kind, from) = match kind.or(open) {
            Some(k) => reached.iter().find(|(r, _)| *r == k).copied().ok_or(DomainError::NotFound)?,
            None => reached.last().copied().ok_or(DomainError::NotFound)?,
        };
        let calendar = self.work_calendar().await?;
        let notice_days = kinds::PROJECT.steps.iter().find(|s| s.code == kind.step()).and_then(|s| s.notice_days);
        let to = notice_days.map(|d| notice::notice_last_day(&calendar, from, d));
        let d = &p.data;
        let place = self.area(&d.area_code).await?;
        let township = self.area(&d.area_code.township()).await?.map(|a| a.name).unwrap_or_default();
        let village = match place {
            Some(a) if a.code != d.area_code.township() => a.name,
            _ => String::new(),
        };
        let token: Option<String> = dispatch!(self, pool => {
            sqlx::query_scalar("select notice_token from projects where project_id = $1")
                .bind(p.id).fetch_one(pool).await.map_err(domain_err)?
        });
        Ok(ProjectNotice {
            project_id: p.id,
            token,
            kind,
            name: d.name.clone(),
            township,
            village,
            category: d.category.label_zh(),
            nature: d.nature.map(|n| n.label_zh()),
            year: d.year,
            investment: d.investment,
            tasks: d.tasks.clone(),
            benefit_mechanism: d.benefit_mechanism.clone(),
            households: d.beneficiary_households,
            exited: d.beneficiary_exited,
            monitored: d.beneficiary_monitored,
            responsible_unit: d.responsible_unit.clone(),
            implementing_unit: d.implementing_unit.clone(),
            approval_no: d.approval_no.clone(),
            start_on: d.start_on,
            end_on: d.end_on,
            from,
            to,
            notice_days,
            open: open == Some(kind),
            reached: reached.iter().map(|(k, _)| *k).collect(),
        })
    }

    /// The notice behind a QR code (no account needed).
    pub async fn public_project_notice(&self, token: &str) -> DomainResult<ProjectNotice> {
        let p = self.project_by_token(token).await?;
        self.notice_of_project(&p, None).await
    }

    /// A villager's objection from the public page while a notice is up: kept with its receipt
    /// (returned), the phone sealed, audited on the project. `source` is a keyed hash of where it
    /// came from, never the address.
    pub async fn lodge_project_objection(
        &self,
        token: &str,
        name: &str,
        phone: &str,
        text: &str,
        source: &str,
    ) -> DomainResult<String> {
        let form = ObjectionForm::parse(name, phone, text).map_err(DomainError::Invalid)?;
        let p = self.project_by_token(token).await?;
        let Some(kind) = p.procedure.as_ref().and_then(notice::open_notice) else {
            return Err(DomainError::invalid("text", "公示已结束，不能再提出异议；如有问题请拨打12317"));
        };
        let today = self.clock().today();
        let now = self.clock().now();
        let receipt = new_receipt(today);
        let actor = Actor { user_id: None, username: "公示页面".to_owned(), role: None, ip: None };
        let entry = AuditEntry::new(&actor, AuditAction::Create)
            .object("project", p.id, Some(p.data.area_code.as_str()))
            .change(
                "objection",
                None,
                Some(format!(
                    "{}异议（回执 {receipt}，{}，{}）",
                    kind.step_zh(),
                    form.name,
                    bangfu_core::household::model::masked_phone(&form.phone)
                )),
            );
        let sealed = crate::sealed::seal(&form.phone);
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            // Still at the notice: staff closing it at this moment are served first or after.
            let n = sqlx::query("update projects set version = version + 1 where project_id = $1 and stage = 'open' and step = $2")
                .bind(p.id).bind(kind.step()).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::invalid("text", "公示已结束，不能再提出异议；如有问题请拨打12317"));
            }
            sqlx::query("insert into project_objections (project_id, step, receipt, lodged_on, name, phone, source, text, created_at) \
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(p.id).bind(kind.step()).bind(&receipt).bind(today).bind(&form.name).bind(&sealed).bind(source)
                .bind(&form.text).bind(now)
                .execute(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok::<(), DomainError>(())
        })?;
        Ok(receipt)
    }

    /// Answers an objection to a project inside `scope` (by those who act at the notice it was
    /// lodged at), once; `on` not before it was lodged nor after today.
    #[allow(clippy::too_many_arguments)]
    pub async fn answer_project_objection(
        &self,
        scope: &Scope,
        project: i64,
        objection: i64,
        role: Role,
        upheld: bool,
        answer: &str,
        on: NaiveDate,
        actor: &Actor,
    ) -> DomainResult<()> {
        let p = self.project(scope, project).await?;
        let all = self.objections_of(project).await?;
        let o = all.iter().find(|o| o.id == objection).ok_or(DomainError::NotFound)?;
        if o.answer.is_some() {
            return Err(DomainError::invalid("objection", format!("异议（回执 {}）已答复过", o.receipt)));
        }
        notice::may_answer(&o.step, role).map_err(|e| DomainError::Invalid(vec![e]))?;
        if on > self.clock().today() {
            return Err(DomainError::invalid("on", "答复日期不能晚于今天"));
        }
        if on < o.lodged_on {
            return Err(DomainError::invalid("on", format!("答复日期不能早于异议提出日期（{}）", o.lodged_on)));
        }
        let answer = answer.trim();
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("project", project, Some(p.data.area_code.as_str()))
            .change(
                "objection",
                None,
                Some(format!(
                    "答复异议（回执 {}）：{}；{answer}",
                    o.receipt,
                    if upheld { "异议成立" } else { "异议不成立" }
                )),
            );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update project_objections set answered_on = $1, answered_by = $2, upheld = $3, answer = $4, \
                answered_at = $5 where objection_id = $6 and project_id = $7 and answered_on is null")
                .bind(on).bind(&actor.username).bind(upheld).bind(answer).bind(now).bind(objection).bind(project)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::conflict("objection", "该异议刚被他人答复过，请刷新后再看"));
            }
            sqlx::query("update projects set version = version + 1 where project_id = $1")
                .bind(project).execute(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// What the objector sees by receipt number: the project, what they wrote, the answer.
    pub async fn project_objection_status(&self, receipt: &str) -> DomainResult<ObjectionStatus> {
        let receipt = receipt.trim().to_uppercase();
        let sql = format!("{OBJECTION_SELECT} where receipt = $1");
        let row: Option<ObjectionRow> = dispatch!(self, pool => {
            sqlx::query_as(crate::sql(&sql)).bind(&receipt).fetch_optional(pool).await.map_err(domain_err)?
        });
        let o = objection_of(row.ok_or(DomainError::NotFound)?)?;
        let project: i64 = dispatch!(self, pool => {
            sqlx::query_scalar("select project_id from project_objections where objection_id = $1")
                .bind(o.id).fetch_one(pool).await.map_err(domain_err)?
        });
        let p = self.project(&Scope::everything(), project).await?;
        Ok(ObjectionStatus {
            receipt,
            notice: format!("{}：{}", o.step_zh(), p.data.name),
            lodged_on: o.lodged_on,
            text: o.text,
            answer: o.answer.map(|(on, _, upheld, a)| (on, upheld, a)),
        })
    }
}
