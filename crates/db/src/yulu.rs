//! 雨露计划 kept: one application per student (a member of a household inside the user's area)
//! per term, and its steps — 乡镇审核 or 不予补助, 发放, 公示 — each checked by the rules in core
//! against the state read inside the writing transaction, and audited in it.

use bangfu_core::area::Scope;
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::auth::Role;
use bangfu_core::money::Fen;
use bangfu_core::training::yulu::{self, Application, Progress, SchoolLevel, Semester, State, Step, Term};
use bangfu_core::{DomainError, DomainResult};
use chrono::NaiveDate;

use crate::training::MemberHit;
use crate::{BeginWrite, Db, dispatch, domain_err};

/// An application as kept, with its student (no ID number) and its steps so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YuluRecord {
    pub id: i64,
    pub version: i64,
    pub student: MemberHit,
    pub data: Application,
    pub state: State,
    pub checked_on: Option<NaiveDate>,
    pub check_note: Option<String>,
    pub refused_reason: Option<String>,
    pub paid_on: Option<NaiveDate>,
    pub paid: Option<Fen>,
    pub published_on: Option<NaiveDate>,
}

impl YuluRecord {
    pub fn progress(&self) -> Progress {
        Progress {
            state: self.state,
            applied_on: self.data.applied_on,
            checked_on: self.checked_on,
            paid_on: self.paid_on,
        }
    }
}

/// What the list is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YuluFilter {
    pub term: Option<Term>,
    pub state: Option<State>,
    pub household: Option<i64>,
}

fn bad(what: &str) -> DomainError {
    DomainError::Internal(format!("stored 雨露计划 application has a bad {what}"))
}

const SELECT: &str = "select y.application_id, y.version, y.member_id, m.name, m.relation, h.household_id, h.household_no, \
    h.area_code as village_code, y.term_year, y.semester, y.school, y.major, y.level, y.grade, y.amount_fen, y.state, \
    y.applied_on, y.checked_on, y.check_note, y.refused_reason, y.paid_on, y.paid_fen, y.published_on \
    from yulu_applications y join members m on m.member_id = y.member_id join households h on h.household_id = y.household_id";

macro_rules! yulu_row {
    ($r:expr) => {{
        use crate::row::Get;
        let r = $r;
        let student = MemberHit {
            member_id: r.int("member_id")?,
            name: r.text("name")?,
            relation: bangfu_core::household::Relation::parse(&r.text("relation")?),
            household_id: r.int("household_id")?,
            household_no: r.text("household_no")?,
            village_code: r.text("village_code")?,
        };
        YuluRecord {
            id: r.int("application_id")?,
            version: r.int("version")?,
            data: Application {
                member_id: student.member_id,
                term: Term {
                    year: i32::try_from(r.int("term_year")?).map_err(|_| bad("term"))?,
                    semester: Semester::parse(&r.text("semester")?).ok_or_else(|| bad("semester"))?,
                },
                school: r.text("school")?,
                major: r.opt_text("major")?,
                level: SchoolLevel::parse(&r.text("level")?).ok_or_else(|| bad("level"))?,
                grade: r.text("grade")?,
                amount: Fen(r.int("amount_fen")?),
                applied_on: r.opt_date("applied_on")?.ok_or_else(|| bad("date"))?,
            },
            student,
            state: State::parse(&r.text("state")?).ok_or_else(|| bad("state"))?,
            checked_on: r.opt_date("checked_on")?,
            check_note: r.opt_text("check_note")?,
            refused_reason: r.opt_text("refused_reason")?,
            paid_on: r.opt_date("paid_on")?,
            paid: r.opt_i64("paid_fen")?.map(Fen),
            published_on: r.opt_date("published_on")?,
        }
    }};
}

impl Db {
    /// Records an application for a student of a household inside `scope`, one per term.
    pub async fn apply_yulu(&self, scope: &Scope, a: &Application, actor: &Actor) -> DomainResult<i64> {
        let m = self.member_in_scope(scope, a.member_id).await?;
        let now = self.clock().now();
        let twice = || DomainError::conflict("term", yulu::already_applied(&m.name, a.term));
        let entry = AuditEntry::new(actor, AuditAction::Create);
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let (n,): (i64,) = sqlx::query_as("select count(*) from yulu_applications where member_id = $1 and term_year = $2 \
                and semester = $3 and state <> 'refused'")
                .bind(a.member_id).bind(i64::from(a.term.year)).bind(a.term.semester.code())
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            if n > 0 {
                return Err(twice());
            }
            let id: i64 = sqlx::query_scalar("insert into yulu_applications (member_id, household_id, term_year, semester, school, \
                major, level, grade, amount_fen, applied_on, created_at, created_by, updated_at) \
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11) returning application_id")
                .bind(a.member_id).bind(m.household_id).bind(i64::from(a.term.year)).bind(a.term.semester.code())
                .bind(&a.school).bind(&a.major).bind(a.level.code()).bind(&a.grade).bind(a.amount.0).bind(a.applied_on)
                .bind(now).bind(&actor.username)
                .fetch_one(&mut *tx).await
                .map_err(|e| if e.as_database_error().is_some_and(|d| d.is_unique_violation()) { twice() } else { domain_err(e) })?;
            let entry = entry.object("yulu_application", id, Some(&m.village_code)).change(
                "application",
                None,
                Some(format!("{}（{}） {} {} {} {}", m.name, m.household_no, a.term, a.school, a.level.label_zh(), a.amount.display_yuan())),
            );
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// An application whose student's household is inside `scope` (else "not found").
    pub async fn yulu_application(&self, scope: &Scope, id: i64) -> DomainResult<YuluRecord> {
        let (lo, hi) = scope.bounds();
        let sql = format!("{SELECT} where y.application_id = $1 and h.area_code between $2 and $3");
        dispatch!(self, pool => {
            let row = sqlx::query(crate::sql(&sql)).bind(id).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?;
            Ok(yulu_row!(&row.ok_or(DomainError::NotFound)?))
        })
    }

    /// The applications of the user's area, newest term first, then by village and household.
    pub async fn yulu_applications(&self, scope: &Scope, f: &YuluFilter) -> DomainResult<Vec<YuluRecord>> {
        let (lo, hi) = scope.bounds();
        let mut conds = vec!["h.area_code between $1 and $2".to_owned()];
        let mut texts: Vec<String> = Vec::new();
        let mut ints: Vec<i64> = Vec::new();
        // Texts are bound first ($3, $4 …), then integers.
        if let Some(t) = f.term {
            texts.push(t.semester.code().to_owned());
            conds.push(format!("y.semester = ${}", texts.len() + 2));
        }
        if let Some(s) = f.state {
            texts.push(s.code().to_owned());
            conds.push(format!("y.state = ${}", texts.len() + 2));
        }
        if let Some(t) = f.term {
            ints.push(i64::from(t.year));
            conds.push(format!("y.term_year = ${}", texts.len() + ints.len() + 2));
        }
        if let Some(h) = f.household {
            ints.push(h);
            conds.push(format!("y.household_id = ${}", texts.len() + ints.len() + 2));
        }
        let sql = format!(
            "{SELECT} where {} order by y.term_year desc, y.semester, h.area_code, h.household_no, y.application_id",
            conds.join(" and ")
        );
        dispatch!(self, pool => {
            let mut q = sqlx::query(crate::sql(&sql)).bind(lo).bind(hi);
            for t in &texts {
                q = q.bind(t.as_str());
            }
            for i in &ints {
                q = q.bind(*i);
            }
            let rows = q.fetch_all(pool).await.map_err(domain_err)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(yulu_row!(r));
            }
            Ok(out)
        })
    }

    /// Takes a step on an application (checked by core against the state read in the
    /// transaction), refused if someone acted on it since `version` was read.
    pub async fn yulu_step(
        &self,
        scope: &Scope,
        id: i64,
        version: i64,
        step: &Step,
        role: Option<Role>,
        actor: &Actor,
    ) -> DomainResult<()> {
        let before = self.yulu_application(scope, id).await?;
        let now = self.clock().now();
        let area = before.student.village_code.clone();
        let sql = format!("{SELECT} where y.application_id = $1");
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let row = sqlx::query(crate::sql(&sql)).bind(id).fetch_one(&mut *tx).await.map_err(domain_err)?;
            let current = yulu_row!(&row);
            if current.version != version {
                return Err(DomainError::conflict("version", "该申请刚被他人办理过，请刷新后再办"));
            }
            let state = yulu::next(&current.progress(), step, role).map_err(|e| DomainError::Invalid(vec![e]))?;
            let q = match step {
                Step::Check { on, note } => sqlx::query("update yulu_applications set state = $1, checked_on = $2, check_note = $3, \
                    updated_at = $4, version = version + 1 where application_id = $5 and version = $6")
                    .bind(state.code()).bind(*on).bind(note.clone()),
                Step::Refuse { on, reason } => sqlx::query("update yulu_applications set state = $1, checked_on = $2, refused_reason = $3, \
                    updated_at = $4, version = version + 1 where application_id = $5 and version = $6")
                    .bind(state.code()).bind(*on).bind(Some(reason.clone())),
                Step::Pay { on, amount } => sqlx::query("update yulu_applications set state = $1, paid_on = $2, paid_fen = $3, \
                    updated_at = $4, version = version + 1 where application_id = $5 and version = $6")
                    .bind(state.code()).bind(*on).bind(amount.0),
                Step::Publish { on } => sqlx::query("update yulu_applications set state = $1, published_on = $2, \
                    updated_at = $3, version = version + 1 where application_id = $4 and version = $5")
                    .bind(state.code()).bind(*on),
            };
            let n = q.bind(now).bind(id).bind(version).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::conflict("version", "该申请刚被他人办理过，请刷新后再办"));
            }
            let entry = AuditEntry::new(actor, AuditAction::Update).object("yulu_application", id, Some(&area)).change(
                "state",
                Some(current.state.label_zh().to_owned()),
                Some(format!("{}（{} {}）", state.label_zh(), step.on(), step.label_zh())),
            );
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }
}
