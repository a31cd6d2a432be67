//! 村级光伏电站 kept: stations inside the user's area, the grid company's settlements per quarter,
//! and the yearly 收益分配方案 — its lines checked against what the station earned and the
//! district's rules, its acts (提交, 乡镇审核, 退回, 县级备案, 公示, 发放) each by its role and kept as
//! events, and its payment landing every household line in that household's income of the
//! year, in the same transaction, with the line naming the income record it became.

use bangfu_core::area::Scope;
use bangfu_core::audit::{Actor, AuditAction, AuditEntry};
use bangfu_core::auth::Role;
use bangfu_core::household::income::{IncomeItem, IncomePeriod};
use bangfu_core::money::Fen;
use bangfu_core::project::pv::{
    self, CheckedLine, LineData, PlanCheck, PlanData, PlanRules, PvUse, SettlementData, StationData, plan_stage_zh,
};
use bangfu_core::store::AreaStore;
use bangfu_core::{DomainError, DomainResult};
use chrono::{Datelike, NaiveDate};

use crate::{BeginWrite, Db, dispatch, domain_err};

/// A station as lists and its page show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Station {
    pub id: i64,
    pub data: StationData,
    pub version: i64,
}

/// One quarter's settlement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub id: i64,
    pub data: SettlementData,
}

/// A line of a plan, with the household it pays (no ID numbers) and, once paid, the income
/// record it became.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanLine {
    pub id: i64,
    pub use_: PvUse,
    pub household_id: Option<i64>,
    pub household_no: Option<String>,
    pub head_name: Option<String>,
    pub village_code: Option<String>,
    pub person: Option<String>,
    pub amount: Fen,
    pub note: Option<String>,
    pub weak_labour: bool,
    pub income_id: Option<i64>,
    pub paid_on: Option<NaiveDate>,
}

/// An act on a plan, as its page lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanEvent {
    pub on: NaiveDate,
    pub by: String,
    pub action: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub id: i64,
    pub station_id: i64,
    pub station_name: String,
    pub area_code: String,
    pub data: PlanData,
    pub stage: String,
    pub notice_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub version: i64,
    pub lines: Vec<PlanLine>,
    pub events: Vec<PlanEvent>,
}

impl Plan {
    pub fn stage_zh(&self) -> &'static str {
        plan_stage_zh(&self.stage)
    }
    pub fn total(&self) -> Fen {
        Fen(self.lines.iter().map(|l| l.amount.0).sum())
    }
}

/// A plan in a list: its station, year, stage and total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSummary {
    pub id: i64,
    pub station_id: i64,
    pub station_name: String,
    pub year: i32,
    pub stage: String,
    pub total: Fen,
    pub lines: i64,
    pub paid_on: Option<NaiveDate>,
}

/// A paid (or planned) line as the household's page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HouseholdPvLine {
    pub plan_id: i64,
    pub station_name: String,
    pub year: i32,
    pub use_: PvUse,
    pub person: Option<String>,
    pub amount: Fen,
    pub stage: String,
    pub paid_on: Option<NaiveDate>,
    pub income_period: Option<String>,
}

/// The acts on a plan, each by its roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAct {
    /// 提交（四议两公开已决议）: draft → submitted.
    Submit,
    /// 乡镇审核通过: submitted → reviewed.
    Review,
    /// 退回: submitted or reviewed → draft, with a reason.
    SendBack,
    /// 县级备案: reviewed → filed.
    File,
    /// 公示: filed → published, on the notice's first day.
    Publish,
    /// 发放: published → paid, no sooner than five days after the notice began.
    Pay,
}

/// Days a plan's 公示 runs before it may be paid.
pub const NOTICE_DAYS: i64 = 5;

impl PlanAct {
    pub fn parse(s: &str) -> Option<PlanAct> {
        Some(match s {
            "submit" => PlanAct::Submit,
            "review" => PlanAct::Review,
            "send_back" => PlanAct::SendBack,
            "file" => PlanAct::File,
            "publish" => PlanAct::Publish,
            "pay" => PlanAct::Pay,
            _ => return None,
        })
    }
    pub fn code(self) -> &'static str {
        match self {
            PlanAct::Submit => "submit",
            PlanAct::Review => "review",
            PlanAct::SendBack => "send_back",
            PlanAct::File => "file",
            PlanAct::Publish => "publish",
            PlanAct::Pay => "pay",
        }
    }
    pub fn label_zh(self) -> &'static str {
        act_zh(self.code())
    }
    /// The stages it acts from, and the stage it leads to.
    fn transition(self) -> (&'static [&'static str], &'static str) {
        match self {
            PlanAct::Submit => (&["draft"], "submitted"),
            PlanAct::Review => (&["submitted"], "reviewed"),
            PlanAct::SendBack => (&["submitted", "reviewed"], "draft"),
            PlanAct::File => (&["reviewed"], "filed"),
            PlanAct::Publish => (&["filed"], "published"),
            PlanAct::Pay => (&["published"], "paid"),
        }
    }
    /// Whether the act may be taken at `stage` (whoever takes it).
    pub fn available_at(self, stage: &str) -> bool {
        self.transition().0.contains(&stage)
    }

    /// Who may: `None` is the command line (the demo, imports).
    pub fn allowed(self, role: Option<Role>) -> Result<(), &'static str> {
        let Some(role) = role else { return Ok(()) };
        let ok = match self {
            PlanAct::Submit | PlanAct::Publish => {
                matches!(role, Role::VillageWorker | Role::TownshipStaff | Role::DistrictAdmin)
            }
            PlanAct::Review | PlanAct::SendBack | PlanAct::Pay => {
                matches!(role, Role::TownshipStaff | Role::DistrictAdmin)
            }
            PlanAct::File => role == Role::DistrictAdmin,
        };
        if ok {
            Ok(())
        } else {
            Err(match self {
                PlanAct::Submit | PlanAct::Publish => "只有村、乡镇或区级工作人员可以办理",
                PlanAct::Review | PlanAct::SendBack => "乡镇审核须由乡镇（街道）或区级工作人员办理",
                PlanAct::Pay => "发放须由乡镇（街道）或区级工作人员登记",
                PlanAct::File => "县级备案须由区级工作人员办理",
            })
        }
    }
}

/// An act's code in Chinese, for events and the audit log.
pub fn act_zh(code: &str) -> &'static str {
    match code {
        "create" => "拟定方案",
        "submit" => "提交（四议两公开）",
        "review" => "乡镇审核通过",
        "send_back" => "退回修改",
        "file" => "县级备案",
        "publish" => "公示",
        "pay" => "发放",
        _ => "办理",
    }
}

fn bad(what: &str) -> DomainError {
    DomainError::Internal(format!("stored {what} unreadable"))
}

type StationRow = (i64, String, String, i64, NaiveDate, String, Option<i64>, i64);
const STATION_SELECT: &str =
    "select station_id, name, area_code, capacity_w, grid_on, owner, project_id, version from pv_stations";

fn station_of(r: StationRow) -> DomainResult<Station> {
    let (id, name, area_code, capacity_w, grid_on, owner, project_id, version) = r;
    let area_code = bangfu_core::area::AreaCode::parse(&area_code).map_err(|_| bad("station area"))?;
    Ok(Station { id, data: StationData { name, area_code, capacity_w, grid_on, owner, project_id }, version })
}

type LineRow = (
    i64,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
    i64,
    Option<i64>,
    Option<NaiveDate>,
);

/// A household is 弱劳动力户 when none of its current members is 普通 or 技能劳动力 and at least
/// one's labour is recorded (a blank is 未填, never counted either way).
const WEAK_LABOUR: &str = "cast(case when l.household_id is null then 0 \
    when exists (select 1 from members m where m.household_id = l.household_id and m.left_on is null \
        and m.labour in ('ordinary', 'skilled')) then 0 \
    when exists (select 1 from members m where m.household_id = l.household_id and m.left_on is null \
        and m.labour in ('weak', 'lost', 'none')) then 1 else 0 end as bigint)";

type EventRow = (NaiveDate, String, String, Option<String>);

fn line_select() -> String {
    format!(
        "select l.line_id, l.use, l.household_id, h.household_no, \
         (select m.name from members m where m.household_id = h.household_id and m.relation = 'head' and m.left_on is null \
          order by m.member_id limit 1) as head_name, h.area_code, l.person, l.amount_fen, l.note, \
         {WEAK_LABOUR} as weak, l.income_id, l.paid_on \
         from pv_plan_lines l left join households h on h.household_id = l.household_id"
    )
}

fn line_of(r: LineRow) -> DomainResult<PlanLine> {
    let (id, use_, household_id, household_no, head_name, village_code, person, amount, note, weak, income_id, paid_on) =
        r;
    Ok(PlanLine {
        id,
        use_: PvUse::parse(&use_).ok_or_else(|| bad("line use"))?,
        household_id,
        household_no,
        head_name,
        village_code,
        person,
        amount: Fen(amount),
        note,
        weak_labour: weak == 1,
        income_id,
        paid_on,
    })
}

impl Db {
    /// The district's rules for plans (settings over the defaults).
    pub async fn pv_rules(&self) -> DomainResult<PlanRules> {
        let a = self.setting(pv::PUBLIC_JOB_SETTING).await?;
        let b = self.setting(pv::WEAK_LABOUR_SETTING).await?;
        Ok(PlanRules::from_settings(a.as_deref(), b.as_deref()))
    }

    /// Sets the rules (district), each setting with its audit row.
    pub async fn set_pv_rules(&self, rules: PlanRules, actor: &Actor) -> DomainResult<()> {
        self.set_setting(pv::PUBLIC_JOB_SETTING, &(rules.public_job_min_permille / 10).to_string(), actor).await?;
        self.set_setting(pv::WEAK_LABOUR_SETTING, &(rules.weak_labour_min_permille / 10).to_string(), actor).await
    }

    /// Registers a station in a village inside `scope`.
    pub async fn create_station(&self, scope: &Scope, d: &StationData, actor: &Actor) -> DomainResult<i64> {
        if !scope.contains(&d.area_code) || self.area(&d.area_code).await?.is_none() {
            return Err(DomainError::invalid("area_code", "电站所在村不存在或不在您的管辖范围内"));
        }
        if let Some(p) = d.project_id {
            self.project(scope, p).await.map_err(|e| match e {
                DomainError::NotFound => DomainError::invalid("project_id", "所属项目不在您管辖范围内的项目库中"),
                e => e,
            })?;
        }
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Create);
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into pv_stations (name, area_code, capacity_w, grid_on, owner, project_id, \
                created_at, created_by, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $7) returning station_id")
                .bind(&d.name).bind(d.area_code.as_str()).bind(d.capacity_w).bind(d.grid_on).bind(&d.owner)
                .bind(d.project_id).bind(now).bind(&actor.username)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let entry = entry.object("pv_station", id, Some(d.area_code.as_str())).change(
                "station",
                None,
                Some(format!("{} {}千瓦 并网{} 产权{}", d.name, pv::kw_zh(d.capacity_w), d.grid_on, d.owner)),
            );
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// A station inside `scope` (another area's is "not found").
    pub async fn station(&self, scope: &Scope, id: i64) -> DomainResult<Station> {
        let (lo, hi) = scope.bounds();
        let sql = format!("{STATION_SELECT} where station_id = $1 and area_code between $2 and $3");
        let row: Option<StationRow> = dispatch!(self, pool => {
            sqlx::query_as(crate::sql(&sql)).bind(id).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
        });
        station_of(row.ok_or(DomainError::NotFound)?)
    }

    /// The stations of `scope`, by village.
    pub async fn stations(&self, scope: &Scope) -> DomainResult<Vec<Station>> {
        let (lo, hi) = scope.bounds();
        let sql = format!("{STATION_SELECT} where area_code between $1 and $2 order by area_code, station_id");
        let rows: Vec<StationRow> = dispatch!(self, pool => {
            sqlx::query_as(crate::sql(&sql)).bind(lo).bind(hi).fetch_all(pool).await.map_err(domain_err)?
        });
        rows.into_iter().map(station_of).collect()
    }

    /// Records a quarter's settlement, or corrects it (the subsidy arrives later): the audit
    /// row keeps what it said before.
    pub async fn record_settlement(
        &self,
        scope: &Scope,
        station: i64,
        s: &SettlementData,
        actor: &Actor,
    ) -> DomainResult<i64> {
        let st = self.station(scope, station).await?;
        if s.year < st.data.grid_on.year() {
            return Err(DomainError::invalid("year", format!("电站{}年才并网", st.data.grid_on.year())));
        }
        let now = self.clock().now();
        let describe = |s: &SettlementData| {
            format!(
                "{}年第{}季度 电量{}千瓦时 电费{} 补贴{}{}",
                s.year,
                s.quarter,
                s.kwh,
                s.income.display_yuan(),
                s.subsidy.map_or_else(|| "未到账".to_owned(), Fen::display_yuan),
                s.received_on.map(|d| format!(" 到账{d}")).unwrap_or_default()
            )
        };
        let before = self
            .settlements(scope, station)
            .await?
            .into_iter()
            .find(|x| x.data.year == s.year && x.data.quarter == s.quarter);
        let entry = AuditEntry::new(actor, if before.is_some() { AuditAction::Update } else { AuditAction::Create })
            .object("pv_station", station, Some(st.data.area_code.as_str()))
            .change(
                &format!("settlement_{}q{}", s.year, s.quarter),
                before.as_ref().map(|b| describe(&b.data)),
                Some(describe(s)),
            );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into pv_settlements (station_id, year, quarter, kwh, income_fen, subsidy_fen, \
                received_on, created_at, created_by, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8) \
                on conflict (station_id, year, quarter) do update set kwh = excluded.kwh, income_fen = excluded.income_fen, \
                subsidy_fen = excluded.subsidy_fen, received_on = excluded.received_on, updated_at = excluded.updated_at \
                returning settlement_id")
                .bind(station).bind(i64::from(s.year)).bind(i64::from(s.quarter)).bind(s.kwh).bind(s.income.0)
                .bind(s.subsidy.map(|f| f.0)).bind(s.received_on).bind(now).bind(&actor.username)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// A station's settlements, newest first.
    pub async fn settlements(&self, scope: &Scope, station: i64) -> DomainResult<Vec<Settlement>> {
        self.station(scope, station).await?;
        type Row = (i64, i64, i64, i64, i64, Option<i64>, Option<NaiveDate>);
        let rows: Vec<Row> = dispatch!(self, pool => {
            sqlx::query_as("select settlement_id, year, quarter, kwh, income_fen, subsidy_fen, received_on from pv_settlements \
                where station_id = $1 order by year desc, quarter desc")
                .bind(station).fetch_all(pool).await.map_err(domain_err)?
        });
        rows.into_iter()
            .map(|(id, year, quarter, kwh, income, subsidy, received_on)| {
                Ok(Settlement {
                    id,
                    data: SettlementData {
                        year: i32::try_from(year).map_err(|_| bad("year"))?,
                        quarter: u8::try_from(quarter).map_err(|_| bad("quarter"))?,
                        kwh,
                        income: Fen(income),
                        subsidy: subsidy.map(Fen),
                        received_on,
                    },
                })
            })
            .collect()
    }

    /// What a station earned in `year` (电费 and 补贴 settled so far), less what its other plans
    /// of that year take (`except` is the plan being checked).
    pub async fn pv_available(&self, station: i64, year: i32, except: Option<i64>) -> DomainResult<(Fen, Fen)> {
        let (earned, planned): (Option<i64>, Option<i64>) = dispatch!(self, pool => {
            let earned: Option<i64> = sqlx::query_scalar("select cast(sum(income_fen + coalesce(subsidy_fen, 0)) as bigint) \
                from pv_settlements where station_id = $1 and year = $2")
                .bind(station).bind(i64::from(year)).fetch_one(pool).await.map_err(domain_err)?;
            let planned: Option<i64> = sqlx::query_scalar("select cast(sum(l.amount_fen) as bigint) from pv_plan_lines l \
                join pv_plans p on p.plan_id = l.plan_id where p.station_id = $1 and p.year = $2 and l.removed_at is null \
                and p.plan_id <> $3")
                .bind(station).bind(i64::from(year)).bind(except.unwrap_or(0)).fetch_one(pool).await.map_err(domain_err)?;
            (earned, planned)
        });
        let earned = Fen(earned.unwrap_or(0));
        Ok((earned, Fen(earned.0 - planned.unwrap_or(0))))
    }

    /// Starts a station's distribution plan of a year (草拟).
    pub async fn create_pv_plan(&self, scope: &Scope, station: i64, d: &PlanData, actor: &Actor) -> DomainResult<i64> {
        let st = self.station(scope, station).await?;
        if d.year < st.data.grid_on.year() {
            return Err(DomainError::invalid(
                "year",
                format!("电站{}年才并网，没有{}年的收益", st.data.grid_on.year(), d.year),
            ));
        }
        let now = self.clock().now();
        let today = self.clock().today();
        let entry = AuditEntry::new(actor, AuditAction::Create);
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into pv_plans (station_id, year, decided_on, decision, created_at, created_by, \
                updated_at) values ($1, $2, $3, $4, $5, $6, $5) returning plan_id")
                .bind(station).bind(i64::from(d.year)).bind(d.decided_on).bind(&d.decision).bind(now).bind(&actor.username)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            sqlx::query("insert into pv_plan_events (plan_id, on_date, at, by_name, role, action, note) values ($1, $2, $3, $4, $5, 'create', null)")
                .bind(id).bind(today).bind(now).bind(&actor.username).bind(&actor.role)
                .execute(&mut *tx).await.map_err(domain_err)?;
            let entry = entry.object("pv_plan", id, Some(st.data.area_code.as_str()))
                .change("plan", None, Some(format!("{} {}年度收益分配方案", st.data.name, d.year)));
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// A plan inside `scope` with its lines and acts.
    pub async fn pv_plan(&self, scope: &Scope, id: i64) -> DomainResult<Plan> {
        let (lo, hi) = scope.bounds();
        type Row = (
            i64,
            i64,
            String,
            String,
            i64,
            Option<NaiveDate>,
            Option<String>,
            String,
            Option<NaiveDate>,
            Option<NaiveDate>,
            i64,
        );
        let row: Option<Row> = dispatch!(self, pool => {
            sqlx::query_as("select p.plan_id, p.station_id, s.name, s.area_code, p.year, p.decided_on, p.decision, p.stage, \
                p.notice_on, p.paid_on, p.version from pv_plans p join pv_stations s on s.station_id = p.station_id \
                where p.plan_id = $1 and s.area_code between $2 and $3")
                .bind(id).bind(lo).bind(hi).fetch_optional(pool).await.map_err(domain_err)?
        });
        let (id, station_id, station_name, area_code, year, decided_on, decision, stage, notice_on, paid_on, version) =
            row.ok_or(DomainError::NotFound)?;
        let sql = format!(
            "{} where l.plan_id = $1 and l.removed_at is null order by case l.use when 'public_job' then 1 when 'small_works' then 2 when 'dividend' then 3 else 4 end, h.household_no, l.line_id",
            line_select()
        );
        let (lines, events): (Vec<LineRow>, Vec<EventRow>) = dispatch!(self, pool => {
            let lines = sqlx::query_as(crate::sql(&sql)).bind(id).fetch_all(pool).await.map_err(domain_err)?;
            let events = sqlx::query_as("select on_date, by_name, action, note from pv_plan_events where plan_id = $1 order by event_id")
                .bind(id).fetch_all(pool).await.map_err(domain_err)?;
            (lines, events)
        });
        Ok(Plan {
            id,
            station_id,
            station_name,
            area_code,
            data: PlanData { year: i32::try_from(year).map_err(|_| bad("year"))?, decided_on, decision },
            stage,
            notice_on,
            paid_on,
            version,
            lines: lines.into_iter().map(line_of).collect::<DomainResult<_>>()?,
            events: events.into_iter().map(|(on, by, action, note)| PlanEvent { on, by, action, note }).collect(),
        })
    }

    /// A station's plans (inside `scope`), newest year first.
    pub async fn pv_plans(&self, scope: &Scope, station: i64) -> DomainResult<Vec<PlanSummary>> {
        let st = self.station(scope, station).await?;
        type Row = (i64, i64, String, Option<i64>, i64, Option<NaiveDate>);
        let rows: Vec<Row> = dispatch!(self, pool => {
            sqlx::query_as("select p.plan_id, p.year, p.stage, \
                (select cast(sum(l.amount_fen) as bigint) from pv_plan_lines l where l.plan_id = p.plan_id and l.removed_at is null), \
                (select count(*) from pv_plan_lines l where l.plan_id = p.plan_id and l.removed_at is null), p.paid_on \
                from pv_plans p where p.station_id = $1 order by p.year desc, p.plan_id desc")
                .bind(station).fetch_all(pool).await.map_err(domain_err)?
        });
        rows.into_iter()
            .map(|(id, year, stage, total, lines, paid_on)| {
                Ok(PlanSummary {
                    id,
                    station_id: station,
                    station_name: st.data.name.clone(),
                    year: i32::try_from(year).map_err(|_| bad("year"))?,
                    stage,
                    total: Fen(total.unwrap_or(0)),
                    lines,
                    paid_on,
                })
            })
            .collect()
    }

    /// Changes a draft's 四议两公开 record (date and what was decided).
    pub async fn update_pv_plan(
        &self,
        scope: &Scope,
        id: i64,
        version: i64,
        d: &PlanData,
        actor: &Actor,
    ) -> DomainResult<()> {
        let p = self.pv_plan(scope, id).await?;
        if p.stage != "draft" {
            return Err(DomainError::invalid(
                "stage",
                format!("方案{}，不能再修改；需要修改请由乡镇退回", p.stage_zh()),
            ));
        }
        if d.year != p.data.year {
            return Err(DomainError::invalid("year", "分配年度不能修改；请另拟方案"));
        }
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update).object("pv_plan", id, Some(&p.area_code)).change(
            "decision",
            Some(format!(
                "{} {}",
                p.data.decided_on.map(|d| d.to_string()).unwrap_or_else(|| "未填".into()),
                p.data.decision.clone().unwrap_or_default()
            )),
            Some(format!(
                "{} {}",
                d.decided_on.map(|d| d.to_string()).unwrap_or_else(|| "未填".into()),
                d.decision.clone().unwrap_or_default()
            )),
        );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update pv_plans set decided_on = $1, decision = $2, updated_at = $3, version = version + 1 \
                where plan_id = $4 and version = $5 and stage = 'draft'")
                .bind(d.decided_on).bind(&d.decision).bind(now).bind(id).bind(version)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::conflict("version", "该方案刚被他人修改过，请刷新后再改"));
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// Adds a line to a draft: a household of the station's village (and, for a job, one of
    /// its current members by name), or the village's own spending.
    pub async fn add_pv_line(&self, scope: &Scope, plan: i64, l: &LineData, actor: &Actor) -> DomainResult<i64> {
        let p = self.pv_plan(scope, plan).await?;
        if p.stage != "draft" {
            return Err(DomainError::invalid(
                "stage",
                format!("方案{}，不能再增减明细；需要修改请由乡镇退回", p.stage_zh()),
            ));
        }
        let household = match &l.household_no {
            None => None,
            Some(no) => {
                let found: Option<(i64, String)> = dispatch!(self, pool => {
                    sqlx::query_as("select household_id, area_code from households where household_no = $1 and deregistered_on is null")
                        .bind(no).fetch_optional(pool).await.map_err(domain_err)?
                });
                match found {
                    Some((hid, area)) if area == p.area_code => Some(hid),
                    Some((_, area)) if bangfu_core::area::AreaCode::parse(&area).is_ok_and(|a| scope.contains(&a)) => {
                        return Err(DomainError::invalid(
                            "household_no",
                            format!("户编号 {no} 不是本村的农户：村级光伏收益只分配给电站所在村的农户"),
                        ));
                    }
                    _ => {
                        return Err(DomainError::invalid(
                            "household_no",
                            format!("户编号 {no} 不在您管辖范围内的台账中，请核对（16位户编号）"),
                        ));
                    }
                }
            }
        };
        if let (Some(hid), Some(person)) = (household, &l.person) {
            let n: i64 = dispatch!(self, pool => {
                sqlx::query_scalar("select count(*) from members where household_id = $1 and name = $2 and left_on is null")
                    .bind(hid).bind(person).fetch_one(pool).await.map_err(domain_err)?
            });
            if n == 0 {
                return Err(DomainError::invalid("person", format!("{person} 不是该户的现有成员，请核对姓名")));
            }
        }
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Create).object("pv_plan", plan, Some(&p.area_code)).change(
            "line",
            None,
            Some(format!(
                "{}{}{} {}",
                l.use_.label_zh(),
                l.household_no.as_deref().map(|n| format!(" {n}")).unwrap_or_default(),
                l.person.as_deref().map(|n| format!(" {n}")).unwrap_or_default(),
                l.amount.display_yuan()
            )),
        );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let id: i64 = sqlx::query_scalar("insert into pv_plan_lines (plan_id, use, household_id, person, amount_fen, note, \
                created_at, created_by) values ($1, $2, $3, $4, $5, $6, $7, $8) returning line_id")
                .bind(plan).bind(l.use_.code()).bind(household).bind(&l.person).bind(l.amount.0).bind(&l.note)
                .bind(now).bind(&actor.username)
                .fetch_one(&mut *tx).await.map_err(domain_err)?;
            let n = sqlx::query("update pv_plans set updated_at = $1, version = version + 1 where plan_id = $2 and stage = 'draft'")
                .bind(now).bind(plan).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::conflict("stage", "该方案刚被他人提交，不能再增减明细"));
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(id)
        })
    }

    /// Takes a line off a draft (kept, marked, audited).
    pub async fn remove_pv_line(&self, scope: &Scope, plan: i64, line: i64, actor: &Actor) -> DomainResult<()> {
        let p = self.pv_plan(scope, plan).await?;
        if p.stage != "draft" {
            return Err(DomainError::invalid("stage", format!("方案{}，不能再增减明细", p.stage_zh())));
        }
        let old = p.lines.iter().find(|l| l.id == line).ok_or(DomainError::NotFound)?;
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update).object("pv_plan", plan, Some(&p.area_code)).change(
            "line",
            Some(format!("{} {}", old.use_.label_zh(), old.amount.display_yuan())),
            None,
        );
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            sqlx::query("update pv_plan_lines set removed_at = $1, removed_by = $2 where line_id = $3 and plan_id = $4 and removed_at is null")
                .bind(now).bind(&actor.username).bind(line).bind(plan).execute(&mut *tx).await.map_err(domain_err)?;
            let n = sqlx::query("update pv_plans set updated_at = $1, version = version + 1 where plan_id = $2 and stage = 'draft'")
                .bind(now).bind(plan).execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::conflict("stage", "该方案刚被他人提交，不能再增减明细"));
            }
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            tx.commit().await.map_err(domain_err)?;
            Ok(())
        })
    }

    /// The plan's check: its figures against what the station earned that year and the rules.
    pub async fn pv_plan_check(&self, p: &Plan) -> DomainResult<PlanCheck> {
        let (_, available) = self.pv_available(p.station_id, p.data.year, Some(p.id)).await?;
        let rules = self.pv_rules().await?;
        let lines: Vec<CheckedLine> = p
            .lines
            .iter()
            .map(|l| CheckedLine { use_: l.use_, amount: l.amount, weak_labour: l.weak_labour })
            .collect();
        Ok(pv::check_plan(&lines, available, rules))
    }

    /// Acts on a plan: each act from its stages, by its roles, dated no later than today;
    /// 提交 needs the 四议两公开 date and passes the check; 退回 needs a reason; 公示 starts the
    /// notice; 发放 comes five days after it and lands every household line in the household's
    /// income of the year paid, all in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn act_on_pv_plan(
        &self,
        scope: &Scope,
        id: i64,
        version: i64,
        act: PlanAct,
        role: Option<Role>,
        on: NaiveDate,
        note: Option<&str>,
        actor: &Actor,
    ) -> DomainResult<Plan> {
        let p = self.pv_plan(scope, id).await?;
        if p.version != version {
            return Err(DomainError::conflict("version", "该方案刚被他人办理过，请刷新后再看"));
        }
        act.allowed(role).map_err(|m| DomainError::invalid("act", m))?;
        let (from, to) = act.transition();
        if !from.contains(&p.stage.as_str()) {
            return Err(DomainError::invalid("act", format!("方案{}，不能{}", p.stage_zh(), act.label_zh())));
        }
        if on > self.clock().today() {
            return Err(DomainError::invalid("on", "办理日期不能晚于今天"));
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        match act {
            PlanAct::Submit => {
                let Some(decided) = p.data.decided_on else {
                    return Err(DomainError::invalid("decided_on", "提交前请填写四议两公开的决议日期和决议记录"));
                };
                if on < decided {
                    return Err(DomainError::invalid("on", format!("提交日期不能早于决议日期{decided}")));
                }
                let check = self.pv_plan_check(&p).await?;
                if !check.blocking.is_empty() {
                    return Err(DomainError::invalid("lines", format!("方案不能提交：{}", check.blocking.join("；"))));
                }
            }
            PlanAct::SendBack if note.is_none() => {
                return Err(DomainError::invalid("note", "退回须写明理由"));
            }
            PlanAct::Pay => {
                let notice = p.notice_on.ok_or_else(|| DomainError::Internal("published without a date".into()))?;
                let earliest = notice + chrono::Duration::days(NOTICE_DAYS);
                if on < earliest {
                    return Err(DomainError::invalid(
                        "on",
                        format!("公示自{notice}起不少于{NOTICE_DAYS}天，{earliest}起方可发放"),
                    ));
                }
            }
            _ => {}
        }
        if act == PlanAct::Publish && p.events.iter().any(|e| e.action == "file" && e.on > on) {
            return Err(DomainError::invalid("on", "公示日期不能早于县级备案日期"));
        }
        let now = self.clock().now();
        let entry = AuditEntry::new(actor, AuditAction::Update).object("pv_plan", id, Some(&p.area_code)).change(
            "stage",
            Some(p.stage_zh().to_owned()),
            Some(format!(
                "{}：{}{}",
                act.label_zh(),
                plan_stage_zh(to),
                note.map(|n| format!("（{n}）")).unwrap_or_default()
            )),
        );
        // What each household line becomes, read and written inside the transaction below.
        let period = IncomePeriod::Year(on.year());
        let source = format!("{} {}年度光伏收益分配（方案{}）", p.station_name, p.data.year, p.id);
        dispatch!(self, pool => {
            let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
            let n = sqlx::query("update pv_plans set stage = $1, updated_at = $2, version = version + 1, \
                notice_on = case when $3 = 'publish' then $4 else notice_on end, \
                paid_on = case when $3 = 'pay' then $4 else paid_on end \
                where plan_id = $5 and version = $6")
                .bind(to).bind(now).bind(act.code()).bind(on).bind(id).bind(version)
                .execute(&mut *tx).await.map_err(domain_err)?.rows_affected();
            if n != 1 {
                return Err(DomainError::conflict("version", "该方案刚被他人办理过，请刷新后再看"));
            }
            sqlx::query("insert into pv_plan_events (plan_id, on_date, at, by_name, role, action, note) values ($1, $2, $3, $4, $5, $6, $7)")
                .bind(id).bind(on).bind(now).bind(&actor.username).bind(role.map(|r| r.code())).bind(act.code()).bind(note)
                .execute(&mut *tx).await.map_err(domain_err)?;
            crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
            if act == PlanAct::Pay {
                for l in &p.lines {
                    let (Some(hid), Some(kind)) = (l.household_id, l.use_.income_item()) else {
                        sqlx::query("update pv_plan_lines set paid_on = $1 where line_id = $2")
                            .bind(on).bind(l.id).execute(&mut *tx).await.map_err(domain_err)?;
                        continue;
                    };
                    let row = sqlx::query(crate::sql(&format!("{} where household_id = $1 and period = $2", crate::incomes::SELECT)))
                        .bind(hid).bind(period.code()).fetch_optional(&mut *tx).await.map_err(domain_err)?;
                    let existing = match row.as_ref().map(crate::incomes::income_row).transpose()? {
                        Some((income_id, mut old)) => {
                            let items = sqlx::query("select income_id, kind, amount_fen, note from income_items \
                                where income_id = $1 and replaced_at is null order by income_item_id")
                                .bind(income_id).fetch_all(&mut *tx).await.map_err(domain_err)?;
                            old.items = items.iter().map(crate::incomes::item_row).map(|r| r.map(|(_, i)| i)).collect::<DomainResult<_>>()?;
                            Some((income_id, old))
                        }
                        None => None,
                    };
                    let size: i64 = sqlx::query_scalar("select count(*) from members where household_id = $1 and left_on is null")
                        .bind(hid).fetch_one(&mut *tx).await.map_err(domain_err)?;
                    let item = IncomeItem {
                        kind,
                        amount: l.amount,
                        note: Some(format!("{source}{}", l.person.as_deref().map(|p| format!(" {p}")).unwrap_or_default())),
                    };
                    let before = existing.as_ref().map(|(_, i)| i.describe());
                    let after = pv::add_payment(existing.as_ref().map(|(_, i)| i.clone()), period, size.max(1), item);
                    let income_id = match existing {
                        Some((income_id, _)) => {
                            let f = |v: Option<Fen>| v.map(|f| f.0);
                            sqlx::query("update incomes set wages_fen = $1, property_fen = $2, updated_at = $3 where income_id = $4")
                                .bind(f(after.wages)).bind(f(after.property)).bind(now).bind(income_id)
                                .execute(&mut *tx).await.map_err(domain_err)?;
                            sqlx::query("update income_items set replaced_at = $1 where income_id = $2 and replaced_at is null")
                                .bind(now).bind(income_id).execute(&mut *tx).await.map_err(domain_err)?;
                            crate::incomes::insert_items!(&mut *tx, income_id, after, now);
                            income_id
                        }
                        None => crate::incomes::insert_income!(&mut *tx, hid, &after, now),
                    };
                    sqlx::query("update pv_plan_lines set paid_on = $1, income_id = $2 where line_id = $3")
                        .bind(on).bind(income_id).bind(l.id).execute(&mut *tx).await.map_err(domain_err)?;
                    let area = l.village_code.clone().unwrap_or_else(|| p.area_code.clone());
                    let entry = AuditEntry::new(actor, if before.is_some() { AuditAction::Update } else { AuditAction::Create })
                        .object("household", hid, Some(&area))
                        .change(&format!("income_{}", period.code()), before, Some(after.describe()));
                    crate::bind_entry!(&entry).execute(&mut *tx).await.map_err(domain_err)?;
                }
            }
            tx.commit().await.map_err(domain_err)?;
            Ok::<(), DomainError>(())
        })?;
        self.pv_plan(scope, id).await
    }

    /// The lines that reached a household (inside `scope`), newest year first.
    pub async fn household_pv_lines(&self, scope: &Scope, household: i64) -> DomainResult<Vec<HouseholdPvLine>> {
        let (lo, hi) = scope.bounds();
        type Row = (i64, String, i64, String, Option<String>, i64, String, Option<NaiveDate>, Option<String>);
        let rows: Vec<Row> = dispatch!(self, pool => {
            sqlx::query_as("select p.plan_id, s.name, p.year, l.use, l.person, l.amount_fen, p.stage, l.paid_on, i.period \
                from pv_plan_lines l join pv_plans p on p.plan_id = l.plan_id join pv_stations s on s.station_id = p.station_id \
                join households h on h.household_id = l.household_id left join incomes i on i.income_id = l.income_id \
                where l.household_id = $1 and l.removed_at is null and h.area_code between $2 and $3 \
                order by p.year desc, l.line_id")
                .bind(household).bind(lo).bind(hi).fetch_all(pool).await.map_err(domain_err)?
        });
        rows.into_iter()
            .map(|(plan_id, station_name, year, use_, person, amount, stage, paid_on, income_period)| {
                Ok(HouseholdPvLine {
                    plan_id,
                    station_name,
                    year: i32::try_from(year).map_err(|_| bad("year"))?,
                    use_: PvUse::parse(&use_).ok_or_else(|| bad("line use"))?,
                    person,
                    amount: Fen(amount),
                    stage,
                    paid_on,
                    income_period,
                })
            })
            .collect()
    }
}
