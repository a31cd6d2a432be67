//! `bangfu bench-writes` (hidden; run by benches/write.sh): concurrent clerks correcting a
//! register for a while, as the office does on a busy morning. Each writer reads a household
//! (one time in ten the same "hot" household everyone works on), changes its phone or its head's
//! phone and saves with the version it read; a stale refusal is read again and retried (that is
//! the intended answer, counted apart). Prints saves per second, latency percentiles and errors.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bangfu_core::DomainError;
use bangfu_core::area::Scope;
use bangfu_core::audit::Actor;
use bangfu_core::household::{CorrectHousehold, CorrectMember, HouseholdId};
use bangfu_core::store::{HouseholdFilter, HouseholdStore, Page};
use bangfu_db::{Create, Db};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, env = "BANGFU_DATABASE")]
    database: String,
    /// 并发写入者数
    #[arg(long, default_value_t = 20)]
    writers: usize,
    /// 持续秒数
    #[arg(long, default_value_t = 60)]
    seconds: u64,
}

#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    stale: u64,
    errors: Vec<String>,
}

pub async fn run(a: Args) -> anyhow::Result<ExitCode> {
    let db = super::open(&a.database, Create::Never).await?;
    let ids = Arc::new(household_ids(&db).await?);
    if ids.is_empty() {
        anyhow::bail!("数据库中没有农户：先运行 bangfu import");
    }
    let until = Instant::now() + Duration::from_secs(a.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..a.writers {
        let (db, ids) = (db.clone(), ids.clone());
        tasks.push(tokio::spawn(async move { writer(db, &ids, w, until).await }));
    }
    let mut all = Tally::default();
    for t in tasks {
        let t = t.await?;
        all.latencies.extend(t.latencies);
        all.stale += t.stale;
        all.errors.extend(t.errors);
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.latencies.sort();
    let pct = |p: f64| {
        let i = ((all.latencies.len() as f64 * p).ceil() as usize).saturating_sub(1);
        all.latencies.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "backend={} households={} writers={} seconds={:.1} saves={} per_second={:.1} p50_ms={:.1} p95_ms={:.1} p99_ms={:.1} stale_retried={} errors={}",
        db.backend(),
        ids.len(),
        a.writers,
        elapsed,
        all.latencies.len(),
        all.latencies.len() as f64 / elapsed,
        pct(0.50),
        pct(0.95),
        pct(0.99),
        all.stale,
        all.errors.len()
    );
    for e in all.errors.iter().take(5) {
        eprintln!("错误: {e}");
    }
    Ok(if all.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The register's household ids. A fresh import numbers households from 1, so the ids are
/// 1..=count (listing them page by page would time the household list, not the writes);
/// an id that does not exist is skipped by the writers.
async fn household_ids(db: &Db) -> anyhow::Result<Vec<HouseholdId>> {
    let (_, total) =
        db.list_households(&Scope::everything(), &HouseholdFilter::default(), Page { number: 1, size: 1 }).await?;
    Ok((1..=total).map(HouseholdId).collect())
}

/// xorshift64*: enough randomness to spread the writers, without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

async fn writer(db: Db, ids: &[HouseholdId], w: usize, until: Instant) -> Tally {
    let all = Scope::everything();
    let actor = Actor { user_id: None, username: format!("bench-writer-{w:02}"), role: None, ip: None };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (w as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    let mut tally = Tally::default();
    let mut n = 0u64;
    while Instant::now() < until {
        n += 1;
        let hot = rng.next().is_multiple_of(10);
        let id = if hot { ids[0] } else { ids[(rng.next() % ids.len() as u64) as usize] };
        let phone = format!("139{:08}", rng.next() % 100_000_000);
        let start = Instant::now();
        let result = loop {
            let attempt = if n.is_multiple_of(2) {
                correct_household(&db, &all, id, &phone, &actor).await
            } else {
                correct_head(&db, &all, id, &phone, &actor).await
            };
            match attempt {
                Err(DomainError::Stale(_)) => tally.stale += 1,
                other => break other,
            }
        };
        match result {
            Ok(()) => tally.latencies.push(start.elapsed()),
            Err(DomainError::NotFound) => {}
            Err(e) => tally.errors.push(e.to_string()),
        }
    }
    tally
}

async fn correct_household(
    db: &Db,
    scope: &Scope,
    id: HouseholdId,
    phone: &str,
    actor: &Actor,
) -> Result<(), DomainError> {
    let h = db.household(scope, id).await?;
    let mut data = h.data;
    data.phone = Some(phone.to_owned());
    db.update_household(scope, id, &CorrectHousehold { expected_version: h.version, household: data }, actor).await
}

async fn correct_head(db: &Db, scope: &Scope, id: HouseholdId, phone: &str, actor: &Actor) -> Result<(), DomainError> {
    let members = db.members(scope, id).await?;
    let Some(m) = members.into_iter().find(|m| m.left_on.is_none()) else { return Ok(()) };
    let mut data = m.data;
    data.phone = Some(phone.to_owned());
    db.update_member(scope, m.id, &CorrectMember { expected_version: m.version, member: data }, actor).await.map(|_| ())
}
