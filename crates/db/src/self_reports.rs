//! 自主申报: a household's own report of a difficulty, from the public page, with a receipt
//! number to follow it. The ID number and phone are sealed; the report is found by the keyed
//! hash of the ID number against current members, shown to the staff of its village's area,
//! and ends in an identification procedure (发起纳入监测) or a dated, reasoned 不需纳入 —
//! never deleted, every step audited.

use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::household::HouseholdId;
use bangfu_core::household::id_number::IdNumber;
use bangfu_core::monitoring::MonitoringRisk;
use bangfu_core::store::AreaStore;
use bangfu_core::{DomainError, DomainResult, FieldError};
use chrono::{DateTime, Utc};

use crate::{BeginWrite, Db, dispatch, domain_err};

/// What a villager fills in on the public page.
#[derive(Debug, Clone, Default)]
pub struct SelfReport {
    pub head_name: String,
    pub phone: String,
    pub id_number: String,
    pub village_code: String,
    pub difficulty: String,
    pub risk: String,
}

/// A report as the staff of its area see it (ID number masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub id: i64,
    pub receipt: String,
    pub head_name: String,
    pub id_masked: String,
    pub phone_masked: String,
    pub village_code: String,
    pub difficulty: String,
    pub risk: String,
    pub submitted_at: DateTime<Utc>,
    pub state: String,
    /// The household on the register whose current member has this ID number, if any.
    pub household_id: Option<HouseholdId>,
    pub procedure_id: Option<i64>,
    pub handled_note: Option<String>,
}

/// What the reporter sees by receipt number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportStatus {
    pub receipt: String,
    pub submitted_on: chrono::NaiveDate,
    pub state_zh: &'static str,
    pub note: Option<String>,
}

fn state_zh(state: &str) -> &'static str {
    match state {
        "open" => "已受理，等待村、乡镇入户核实",
        "started" => "已发起纳入监测程序，正在办理",
        _ => "经核实，暂不需纳入监测",
    }
}

impl SelfReport {
    /// Every field checked, each problem named in Chinese; the risk read from its list.
    pub fn check(&self, today: chrono::NaiveDate) -> Result<(IdNumber, MonitoringRisk), Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = self.head_name.trim();
        if name.is_empty() || name.chars().count() > 30 {
            errors.push(FieldError::new("head_name", "请填写户主姓名（不超过30字）"));
        }
        if self.phone.chars().filter(char::is_ascii_digit).count() < 7 || self.phone.chars().count() > 20 {
            errors.push(FieldError::new("phone", "请填写能联系到您的电话"));
        }
        let id = IdNumber::parse_as_of(self.id_number.trim(), today)
            .map_err(|e| errors.push(FieldError::new("id_number", format!("身份证号码有误：{e}"))))
            .ok();
        if AreaCode::parse(self.village_code.trim()).is_err() {
            errors.push(FieldError::new("village_code", "请选择所在的村（社区）"));
        }
        let difficulty = self.difficulty.trim();
        if difficulty.is_empty() || difficulty.chars().count() > 1000 {
            errors.push(FieldError::new("difficulty", "请写明家里遇到的困难（不超过1000字）"));
        }
        let risk = match self.risk.trim() {
            "" => {
                errors.push(FieldError::new("risk", "请选择困难的类型"));
                None
            }
            raw => raw.parse::<MonitoringRisk>().map_err(|e| errors.push(FieldError::new("risk", e.to_string()))).ok(),
        };
        match (id, risk) {
            (Some(id), Some(risk)) if errors.is_empty() => Ok((id, risk)),
            _ => Err(errors),
        }
    }
}

type Row = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    DateTime<Utc>,
    String,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

impl Db {
    /// Takes a report from the public page; returns its receipt number. `source` is a keyed
    /// hash of where it came from (never the address).
    pub async fn submit_self_report(&self, r: &SelfReport, source: &str) -> DomainResult<String> {
        let today = self.clock().today();
        let (id, risk) = r.check(today).map_err(DomainError::Invalid)?;
        let village = AreaCode::parse(r.village_code.trim()).map_err(|e| DomainError::invalid("village_code", e))?;
        match self.area(&village).await? {
            Some(a) if a.level == bangfu_core::area::AreaLevel::Village => {}
            _ => return Err(DomainError::invalid("village_code", "请选择所在的村（社区）")),
        }
        let receipt = crate::procedures::new_receipt(today);
        let now = self.clock().now();
        let actor = Actor { user_id: None, username: "自主申报页面".to_owned(), role: None, ip: None };
        let entry = AuditEntry::new(&actor, AuditAction::Create)
            .object("self_report", &receipt, Some(village.as_str()))
            .change(
                "self_report",
                None,
                Some(format!(
                    "{}（{}），{}：{}",
                    r.head_name.trim(),
                    id.masked(),
                    risk.label_zh(),
                    r.difficulty.trim()
                )),
            );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query("insert into self_reports (receipt, head_name, phone, id_number, id_number_key, village_code, difficulty, \
                risk, submitted_at, source) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(&receipt).bind(r.head_name.trim()).bind(crate::sealed::seal(r.phone.trim()))
                .bind(crate::sealed::seal(id.as_str())).bind(crate::sealed::id_index(id.as_str()))
                .bind(village.as_str()).bind(r.difficulty.trim()).bind(risk.code()).bind(now).bind(source)
                .execute(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
        });
        Ok(receipt)
    }

    /// The reports of villages inside `scope`, open ones first, newest first.
    pub async fn self_reports(&self, scope: &Scope) -> DomainResult<Vec<ReportRow>> {
        let (lo, hi) = scope.bounds();
        let rows: Vec<Row> = dispatch!(self, pool => {
            sqlx::query_as("select r.report_id, r.receipt, r.head_name, r.id_number, r.phone, r.village_code, r.difficulty, r.risk, \
                r.submitted_at, r.state, r.procedure_id, r.handled_note, m.household_id from self_reports r \
                left join members m on m.id_number_key = r.id_number_key and m.left_on is null \
                where r.village_code between $1 and $2 order by (case when r.state = 'open' then 0 else 1 end), r.report_id desc limit 500")
                .bind(lo).bind(hi).fetch_all(pool).await.map_err(domain_err)?
        });
        let mut out = Vec::with_capacity(rows.len());
        for (
            id,
            receipt,
            head_name,
            id_number,
            phone,
            village_code,
            difficulty,
            risk,
            at,
            state,
            procedure_id,
            note,
            household,
        ) in rows
        {
            let id_plain = crate::sealed::open_stored(&id_number)?;
            let phone_plain = crate::sealed::open_stored(&phone)?;
            out.push(ReportRow {
                id,
                receipt,
                head_name,
                id_masked: IdNumber::parse(&id_plain).map(|i| i.masked()).unwrap_or_else(|_| "****".into()),
                phone_masked: bangfu_core::household::model::masked_phone(&phone_plain),
                village_code,
                difficulty,
                risk: MonitoringRisk::parse(&risk).map_or(risk.clone(), |r| r.label_zh().to_owned()),
                submitted_at: at,
                state,
                household_id: household.map(HouseholdId),
                procedure_id,
                handled_note: note,
            });
        }
        Ok(out)
    }

    async fn report_in_scope(&self, scope: &Scope, id: i64) -> DomainResult<(String, String)> {
        let (lo, hi) = scope.bounds();
        let row: Option<(String, String)> = dispatch!(self, pool => {
            sqlx::query_as("select state, village_code from self_reports where report_id = $1 and village_code between $2 and $3")
                .bind(id).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
        });
        row.ok_or(DomainError::NotFound)
    }

    /// 不需纳入: the report is closed with a reason (audited), shown to the reporter.
    pub async fn dismiss_self_report(&self, scope: &Scope, id: i64, reason: &str, actor: &Actor) -> DomainResult<()> {
        let (state, village) = self.report_in_scope(scope, id).await?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DomainError::invalid("reason", "请写明不需纳入的理由（会告知申报人）"));
        }
        if state != "open" {
            return Err(DomainError::invalid("reason", "该申报已处理"));
        }
        self.handle_report(id, "dismissed", None, reason, &village, actor).await
    }

    /// The report led to an identification procedure on the household it names.
    pub async fn mark_report_started(
        &self,
        scope: &Scope,
        id: i64,
        procedure_id: i64,
        actor: &Actor,
    ) -> DomainResult<()> {
        let (state, village) = self.report_in_scope(scope, id).await?;
        if state != "open" {
            return Err(DomainError::invalid("report", "该申报已处理"));
        }
        self.handle_report(id, "started", Some(procedure_id), "已发起纳入监测程序", &village, actor).await
    }

    async fn handle_report(
        &self,
        id: i64,
        state: &str,
        procedure_id: Option<i64>,
        note: &str,
        village: &str,
        actor: &Actor,
    ) -> DomainResult<()> {
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update).object("self_report", id, Some(village)).change(
            "state",
            Some("open".into()),
            Some(format!("{state}：{note}")),
        );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let done = sqlx::query("update self_reports set state = $1, procedure_id = $2, handled_by = $3, handled_note = $4, \
                handled_at = $5 where report_id = $6 and state = 'open'")
                .bind(state).bind(procedure_id).bind(&actor.username).bind(note).bind(now).bind(id)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if done != 1 {
                return Err(DomainError::conflict("report", "该申报刚被他人处理过，请刷新后再看"));
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// What the reporter sees by receipt number.
    pub async fn self_report_status(&self, receipt: &str) -> DomainResult<ReportStatus> {
        let receipt = receipt.trim().to_uppercase();
        let row: Option<(DateTime<Utc>, String, Option<String>)> = dispatch!(self, pool => {
            sqlx::query_as("select submitted_at, state, handled_note from self_reports where receipt = $1")
                .bind(&receipt).fetch_optional(pool).await.map_err(domain_err)?
        });
        let (at, state, note) = row.ok_or(DomainError::NotFound)?;
        Ok(ReportStatus {
            receipt,
            submitted_on: self.clock().local(at).date(),
            state_zh: state_zh(&state),
            note: if state == "dismissed" { note } else { None },
        })
    }
}

impl Db {
    /// The villages a reporter may choose from, each with its township: (code, township, village).
    pub async fn villages_for_reports(&self) -> DomainResult<Vec<(String, String, String)>> {
        dispatch!(self, pool => {
            sqlx::query_as("select v.area_code, coalesce(t.name, ''), v.name from areas v left join areas t on t.area_code = v.parent_code \
                where v.level = 'village' order by v.area_code limit 20000")
                .fetch_all(pool).await.map_err(domain_err)
        })
    }

    /// One report inside `scope` (another area's is "not found").
    pub async fn self_report(&self, scope: &Scope, id: i64) -> DomainResult<ReportRow> {
        self.report_in_scope(scope, id).await?;
        self.self_reports(scope).await?.into_iter().find(|r| r.id == id).ok_or(DomainError::NotFound)
    }
}
