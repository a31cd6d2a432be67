//! Migrations that change existing rows: what an old register looks like after them.

use bangfu_core::household::*;
use bangfu_core::store::HouseholdStore;
use bangfu_db::Db;

use crate::fixtures::id;
use crate::harness::{TestDb, everything};

/// Applies the migrations up to `version` only, from the same files the binary embeds.
async fn migrate_to(db: &Db, version: i64) {
    let dir = |d: &str| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(d);
    match db.pool() {
        bangfu_db::Pool::Sqlite(p) => {
            sqlx::migrate::Migrator::new(dir("sqlite")).await.unwrap().run_to(version, p).await.unwrap()
        }
        bangfu_db::Pool::Postgres(p) => {
            sqlx::migrate::Migrator::new(dir("postgres")).await.unwrap().run_to(version, p).await.unwrap()
        }
    }
}

/// Two members as the 0006 register stored them: one with every yes/no flag 1, one with 0.
async fn old_members(db: &Db) {
    let sql = [
        "insert into areas (area_code, name, level, parent_code, created_at, updated_at) values \
         ('411702101201', '某村', 'village', null, '2024-01-01', '2024-01-01')",
        "insert into households (household_id, household_no, area_code, standard, attribute, main_cause, status, \
         created_at, updated_at) values (1, '4117021012010001', '411702101201', 'national', 'ordinary', 'illness', \
         'poor', '2024-01-01', '2024-01-01')",
    ];
    let member = |name: &str, idn: &str, relation: &str, sex: &str, flag: &str| {
        format!(
            "insert into members (household_id, name, sex, id_number, relation, health, basic_medical, serious_illness, \
             pension, dibao, tekun, soldier, search_key, created_at, updated_at) values (1, '{name}', '{sex}', '{idn}', \
             '{relation}', 'disabled', {flag}, {flag}, {flag}, {flag}, {flag}, {flag}, '', '2024-01-01', '2024-01-01')"
        )
    };
    let (yes, no) = match db.pool() {
        bangfu_db::Pool::Sqlite(_) => ("1", "0"),
        bangfu_db::Pool::Postgres(_) => ("true", "false"),
    };
    let rows = [
        member("王建国", &id("19650312", 1, true), "head", "male", yes),
        member("李秀英", &id("19680705", 2, false), "spouse", "female", no),
    ];
    for q in sql.iter().map(|s| s.to_string()).chain(rows) {
        match db.pool() {
            bangfu_db::Pool::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(q)).execute(p).await.map(|_| ()),
            bangfu_db::Pool::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(q)).execute(p).await.map(|_| ()),
        }
        .unwrap();
    }
}

async fn old_flags_after_0010(db: Db) {
    migrate_to(&db, 6).await;
    old_members(&db).await;
    db.migrate().await.unwrap();
    let members = db.members(&everything(), HouseholdId(1)).await.unwrap();
    let (head, wife) = (&members[0].data, &members[1].data);
    // A stored 1 (true) says "insured", not under which scheme: no scheme is guessed.
    assert_eq!(head.medical_insurance, Some(MedicalInsurance::Insured));
    assert_eq!(head.pension_insurance, Some(PensionInsurance::Insured));
    assert_eq!(
        (head.serious_illness, head.dibao, head.tekun, head.soldier),
        (Some(true), Some(true), Some(true), Some(true))
    );
    // A stored 0 cannot be told from a blank: it stays 否 / 未参加, as documented in the migration.
    assert_eq!(wife.medical_insurance, Some(MedicalInsurance::NotInsured));
    assert_eq!((wife.serious_illness, wife.dibao), (Some(false), Some(false)));
    // New fields on old rows are 未填; the kind of document is a resident ID; one health code is a set of one.
    assert_eq!(head.id_kind, IdKind::ResidentId);
    assert_eq!(
        (head.person_no.as_ref(), head.political_status, head.commercial_insurance, head.public_job),
        (None, None, None, None)
    );
    assert_eq!(head.health, Some(HealthSet::of(&[Health::Disabled])));
    // And the flag columns now take null: a correction that leaves a question unanswered stores null.
    let mut fixed = wife.clone();
    fixed.dibao = None;
    db.update_member(
        &everything(),
        members[1].id,
        &crate::fixtures::correct_member(members[1].version, &fixed),
        &crate::fixtures::actor(),
    )
    .await
    .unwrap();
    assert_eq!(db.member(&everything(), members[1].id).await.unwrap().data.dibao, None);
}

mod old_yes_no_flags_become_insurance_kinds_and_nullable_answers {
    use super::*;

    #[tokio::test]
    async fn on_sqlite() {
        let db = Db::memory().await.unwrap();
        old_flags_after_0010(db).await;
    }

    #[tokio::test]
    async fn on_postgres() {
        if let Some(t) = TestDb::postgres_unmigrated().await {
            old_flags_after_0010(t.db.clone()).await;
        }
    }
}
