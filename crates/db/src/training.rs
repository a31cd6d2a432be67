//! 培训班 and 座谈会 kept: courses inside the user's area, their attendees chosen from the members
//! of households inside it (found by name, pinyin initials or 户编号; no ID numbers ever leave
//! here), what came of each attendance, and a household's training. Every write is audited in
//! its transaction; an attendee is taken off by marking, never deleted.

use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::household::Relation;
use bangfu_core::store::AreaStore;
use bangfu_core::training::{CourseData, CourseKind, Outcome, TrainingType, already_attending};
use bangfu_core::{DomainError, DomainResult};
use chrono::NaiveDate;

use crate::{BeginWrite, Db, dispatch, domain_err};

/// A course as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    pub id: i64,
    pub data: CourseData,
    pub created_by: String,
}

/// A line of the course list: the course and how many attended, from how many households.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CourseSummary {
    pub course: Course,
    pub attendees: i64,
    pub households: i64,
}

/// A member of the register found for a course or an application (no ID number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberHit {
    pub member_id: i64,
    pub name: String,
    pub relation: Option<Relation>,
    pub household_id: i64,
    pub household_no: String,
    pub village_code: String,
}

/// One attendee of a course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub id: i64,
    pub member: MemberHit,
    pub outcome: Outcome,
}

/// One course a household's member attended, for the household page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attended {
    pub attendee_id: i64,
    pub course: Course,
    pub member_id: i64,
    pub member_name: String,
    pub outcome: Outcome,
}

fn bad(what: &str) -> DomainError {
    DomainError::Internal(format!("stored course has a bad {what}"))
}

const COURSE_COLUMNS: &str = "c.course_id, c.kind, c.training_type, c.topic, c.start_on, c.end_on, c.hours, \
    c.organiser, c.place, c.area_code, c.created_by";

macro_rules! course_row {
    ($r:expr) => {{
        use crate::row::Get;
        let r = $r;
        Course {
            id: r.int("course_id")?,
            data: CourseData {
                kind: CourseKind::parse(&r.text("kind")?).ok_or_else(|| bad("kind"))?,
                training_type: TrainingType::parse(&r.text("training_type")?).ok_or_else(|| bad("type"))?,
                topic: r.text("topic")?,
                start_on: r.opt_date("start_on")?.ok_or_else(|| bad("start"))?,
                end_on: r.opt_date("end_on")?,
                hours: u32::try_from(r.int("hours")?).map_err(|_| bad("hours"))?,
                organiser: r.text("organiser")?,
                place: r.opt_text("place")?,
                area_code: AreaCode::parse(&r.text("area_code")?).map_err(|_| bad("area"))?,
            },
            created_by: r.text("created_by")?,
        }
    }};
}

const MEMBER_HIT: &str = "m.member_id, m.name, m.relation, h.household_id, h.household_no, h.area_code as village_code";

macro_rules! member_hit {
    ($r:expr) => {{
        use crate::row::Get;
        let r = $r;
        MemberHit {
            member_id: r.int("member_id")?,
            name: r.text("name")?,
            relation: Relation::parse(&r.text("relation")?),
            household_id: r.int("household_id")?,
            household_no: r.text("household_no")?,
            village_code: r.text("village_code")?,
        }
    }};
}

macro_rules! outcome_row {
    ($r:expr) => {{
        use crate::row::Get;
        let r = $r;
        Outcome {
            certificate: r.opt_flag("certificate")?,
            certificate_name: r.opt_text("certificate_name")?,
            employed: r.opt_flag("employed")?,
        }
    }};
}

impl Db {
    /// Checks that `code` is a township or village inside `scope`.
    async fn course_area_in(&self, scope: &Scope, code: &AreaCode) -> DomainResult<()> {
        if !scope.contains(code) || self.area(code).await?.is_none() {
            return Err(DomainError::invalid("area_code", "所属乡镇或村不存在或不在您的管辖范围内"));
        }
        Ok(())
    }

    /// Records a course held inside the user's area.
    pub async fn create_course(&self, scope: &Scope, d: &CourseData, actor: &Actor) -> DomainResult<i64> {
        self.course_area_in(scope, &d.area_code).await?;
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Create);
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into training_courses (kind, training_type, topic, start_on, end_on, hours, \
                organiser, place, area_code, created_at, created_by, updated_at) \
                values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10) returning course_id")
                .bind(d.kind.code()).bind(d.training_type.code()).bind(&d.topic).bind(d.start_on).bind(d.end_on)
                .bind(i64::from(d.hours)).bind(&d.organiser).bind(&d.place).bind(d.area_code.as_str()).bind(now)
                .bind(&actor.username)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = entry.object("training_course", id, Some(d.area_code.as_str())).change("course", None, Some(d.label_zh()));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// Corrects a course's fields (inside `scope`, staying inside it).
    pub async fn update_course(&self, scope: &Scope, id: i64, d: &CourseData, actor: &Actor) -> DomainResult<()> {
        let before = self.course(scope, id).await?;
        self.course_area_in(scope, &d.area_code).await?;
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("training_course", id, Some(d.area_code.as_str()))
            .change("course", Some(before.data.label_zh()), Some(d.label_zh()));
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query("update training_courses set kind = $1, training_type = $2, topic = $3, start_on = $4, end_on = $5, \
                hours = $6, organiser = $7, place = $8, area_code = $9, updated_at = $10 where course_id = $11")
                .bind(d.kind.code()).bind(d.training_type.code()).bind(&d.topic).bind(d.start_on).bind(d.end_on)
                .bind(i64::from(d.hours)).bind(&d.organiser).bind(&d.place).bind(d.area_code.as_str()).bind(now).bind(id)
                .execute(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// 撤销: takes a course entered by mistake off the lists (kept, with the reason, audited).
    pub async fn remove_course(&self, scope: &Scope, id: i64, reason: &str, actor: &Actor) -> DomainResult<()> {
        let c = self.course(scope, id).await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DomainError::invalid("reason", "撤销须写明原因，如 重复登记"));
        }
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("training_course", id, Some(c.data.area_code.as_str()))
            .change("course", Some(c.data.label_zh()), Some(format!("撤销：{reason}")));
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update training_courses set removed_at = $1, removed_by = $2, removed_reason = $3, updated_at = $1 \
                where course_id = $4 and removed_at is null")
                .bind(now).bind(&actor.username).bind(reason).bind(id)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::NotFound);
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// A course inside `scope` (another area's is "not found", as a missing one).
    pub async fn course(&self, scope: &Scope, id: i64) -> DomainResult<Course> {
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "select {COURSE_COLUMNS} from training_courses c where c.course_id = $1 and c.area_code between $2 and $3 and c.removed_at is null"
        );
        dispatch!(self, pool => {
            let row = sqlx::query(crate::sql(&sql)).bind(id).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?;
            Ok(course_row!(&row.ok_or(DomainError::NotFound)?))
        })
    }

    /// The courses of the user's area, newest first, with their attendee and household counts;
    /// `year` narrows to the courses that started in it.
    pub async fn courses(&self, scope: &Scope, year: Option<i32>) -> DomainResult<Vec<CourseSummary>> {
        let (lo, hi) = scope.bounds();
        let (from, to) = match year {
            Some(y) => (NaiveDate::from_ymd_opt(y, 1, 1), NaiveDate::from_ymd_opt(y, 12, 31)),
            None => (NaiveDate::from_ymd_opt(1900, 1, 1), NaiveDate::from_ymd_opt(9999, 12, 31)),
        };
        let sql = format!(
            "select {COURSE_COLUMNS}, \
             (select count(*) from training_attendees a where a.course_id = c.course_id and a.removed_at is null) as attendees, \
             (select count(distinct a.household_id) from training_attendees a where a.course_id = c.course_id and a.removed_at is null) as households \
             from training_courses c where c.area_code between $1 and $2 and c.start_on between $3 and $4 and c.removed_at is null \
             order by c.start_on desc, c.course_id desc"
        );
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(lo).bind(hi).bind(from).bind(to).fetch_all(pool).await.map_err(domain_err)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                use crate::row::Get;
                out.push(CourseSummary { course: course_row!(r), attendees: r.int("attendees")?, households: r.int("households")? });
            }
            Ok(out)
        })
    }

    /// Current members of households on the register inside `scope` whose name, pinyin or
    /// initials contain `query`, or whose 户编号 starts with it (six digits or more); at most `limit`.
    pub async fn find_members(&self, scope: &Scope, query: &str, limit: u32) -> DomainResult<Vec<MemberHit>> {
        let q = query.trim();
        let digits = bangfu_core::household::model::normalise_digits(q);
        let (cond, bind) = if digits.len() >= 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            ("h.household_no like $3", format!("{digits}%"))
        } else {
            let q = bangfu_core::household::search::normalise_query(q).replace(['%', '_', '\\'], "");
            if q.is_empty() {
                return Ok(Vec::new());
            }
            ("m.search_key like $3", format!("%{q}%"))
        };
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "select {MEMBER_HIT} from members m join households h on h.household_id = m.household_id \
             where h.area_code between $1 and $2 and h.deregistered_on is null and m.left_on is null and {cond} \
             order by h.household_no, m.member_id limit {}",
            limit.clamp(1, 100)
        );
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(lo).bind(hi).bind(&bind).fetch_all(pool).await.map_err(domain_err)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(member_hit!(r));
            }
            Ok(out)
        })
    }

    /// A current member of a household inside `scope`, or a refusal naming the field.
    pub async fn member_in_scope(&self, scope: &Scope, member: i64) -> DomainResult<MemberHit> {
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "select {MEMBER_HIT} from members m join households h on h.household_id = m.household_id \
             where m.member_id = $1 and h.area_code between $2 and $3 and h.deregistered_on is null and m.left_on is null"
        );
        let found = dispatch!(self, pool => {
            let row = sqlx::query(crate::sql(&sql)).bind(member).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?;
            match row {
                Some(r) => Some(member_hit!(&r)),
                None => None,
            }
        });
        found.ok_or_else(|| DomainError::invalid("member_id", "所选人员不是您管辖范围内农户的现有成员，请重新查找"))
    }

    /// Adds a member (of a household inside `scope`) to a course inside `scope`, once.
    pub async fn add_attendee(
        &self,
        scope: &Scope,
        course: i64,
        member: i64,
        o: &Outcome,
        actor: &Actor,
    ) -> DomainResult<i64> {
        let c = self.course(scope, course).await?;
        let m = self.member_in_scope(scope, member).await?;
        let now = self.clock().now();
        let twice = || DomainError::conflict("member_id", already_attending(&m.name));
        let entry = AuditEntry::new(actor, AuditAction::Create)
            .object("training_course", course, Some(c.data.area_code.as_str()))
            .change("attendee", None, Some(format!("{}（{}） {}", m.name, m.household_no, o.label_zh())));
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let (n,): (i64,) = sqlx::query_as("select count(*) from training_attendees where course_id = $1 and member_id = $2 \
                and removed_at is null")
                .bind(course).bind(member).fetch_one(&mut *tx).await.map_err(domain_err)?;
            if n > 0 {
                return Err(twice());
            }
            let id: i64 = sqlx::query_scalar("insert into training_attendees (course_id, member_id, household_id, certificate, \
                certificate_name, employed, created_at, created_by, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $7) \
                returning attendee_id")
                .bind(course).bind(member).bind(m.household_id).bind(o.certificate).bind(&o.certificate_name).bind(o.employed)
                .bind(now).bind(&actor.username)
                .fetch_one(&mut *tx).await
                .map_err(|e| if e.as_database_error().is_some_and(|d| d.is_unique_violation()) { twice() } else { domain_err(e) })?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// Records what came of one attendance (证书, 培训后就业), audited with what it was before.
    pub async fn update_attendee(
        &self,
        scope: &Scope,
        course: i64,
        attendee: i64,
        o: &Outcome,
        actor: &Actor,
    ) -> DomainResult<()> {
        let c = self.course(scope, course).await?;
        let list = self.course_attendees(scope, course).await?;
        let Some(before) = list.iter().find(|a| a.id == attendee) else { return Err(DomainError::NotFound) };
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("training_course", course, Some(c.data.area_code.as_str()))
            .change(
                "attendee",
                Some(format!("{} {}", before.member.name, before.outcome.label_zh())),
                Some(format!("{} {}", before.member.name, o.label_zh())),
            );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update training_attendees set certificate = $1, certificate_name = $2, employed = $3, updated_at = $4 \
                where attendee_id = $5 and course_id = $6 and removed_at is null")
                .bind(o.certificate).bind(&o.certificate_name).bind(o.employed).bind(now).bind(attendee).bind(course)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::NotFound);
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// Takes an attendee off a course (kept, marked removed, audited).
    pub async fn remove_attendee(&self, scope: &Scope, course: i64, attendee: i64, actor: &Actor) -> DomainResult<()> {
        let c = self.course(scope, course).await?;
        let list = self.course_attendees(scope, course).await?;
        let Some(gone) = list.iter().find(|a| a.id == attendee) else { return Err(DomainError::NotFound) };
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update)
            .object("training_course", course, Some(c.data.area_code.as_str()))
            .change("attendee", Some(format!("{}（{}）", gone.member.name, gone.member.household_no)), None);
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update training_attendees set removed_at = $1, removed_by = $2, updated_at = $1 \
                where attendee_id = $3 and course_id = $4 and removed_at is null")
                .bind(now).bind(&actor.username).bind(attendee).bind(course)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::NotFound);
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// A course's attendees from households inside `scope`, by household and member.
    pub async fn course_attendees(&self, scope: &Scope, course: i64) -> DomainResult<Vec<Attendee>> {
        self.course(scope, course).await?;
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "select a.attendee_id, a.certificate, a.certificate_name, a.employed, {MEMBER_HIT} \
             from training_attendees a join members m on m.member_id = a.member_id \
             join households h on h.household_id = a.household_id \
             where a.course_id = $1 and a.removed_at is null and h.area_code between $2 and $3 \
             order by h.household_no, m.member_id"
        );
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(course).bind(lo).bind(hi).fetch_all(pool).await.map_err(domain_err)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                use crate::row::Get;
                out.push(Attendee { id: r.int("attendee_id")?, member: member_hit!(r), outcome: outcome_row!(r) });
            }
            Ok(out)
        })
    }

    /// The courses a household's members attended (the household inside `scope`), newest first.
    pub async fn household_training(&self, scope: &Scope, household: i64) -> DomainResult<Vec<Attended>> {
        let (lo, hi) = scope.bounds();
        let sql = format!(
            "select a.attendee_id, a.certificate, a.certificate_name, a.employed, m.member_id, m.name as member_name, {COURSE_COLUMNS} \
             from training_attendees a join training_courses c on c.course_id = a.course_id \
             join members m on m.member_id = a.member_id join households h on h.household_id = a.household_id \
             where a.household_id = $1 and a.removed_at is null and c.removed_at is null and h.area_code between $2 and $3 \
             order by c.start_on desc, c.course_id desc, m.member_id"
        );
        dispatch!(self, pool => {
            let rows = sqlx::query(crate::sql(&sql)).bind(household).bind(lo).bind(hi).fetch_all(pool).await.map_err(domain_err)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                use crate::row::Get;
                out.push(Attended {
                    attendee_id: r.int("attendee_id")?,
                    course: course_row!(r),
                    member_id: r.int("member_id")?,
                    member_name: r.text("member_name")?,
                    outcome: outcome_row!(r),
                });
            }
            Ok(out)
        })
    }
}
