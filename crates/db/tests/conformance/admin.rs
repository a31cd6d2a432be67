//! Administration on both backends: units, accounts, and the audit log read within a scope.

use bangfu_core::DomainError;
use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::assistance::{UnitData, UnitLevel};
use bangfu_core::audit::{Actor, AuditFilter};
use bangfu_core::auth::{AccountData, AccountState, Role, SessionPolicy, hash_password};
use bangfu_core::store::{AreaStore, AuditStore, Page, UnitStore, UserStore};
use bangfu_db::Db;
use bangfu_db::sessions::SignInCheck;

use crate::fixtures::*;
use crate::harness::everything;
use crate::{conformance, conformance_pooled};

async fn scope(db: &Db, code: &str) -> Scope {
    Scope::of(&db.area(&AreaCode::parse(code).unwrap()).await.unwrap().unwrap())
}

fn unit(name: &str, level: UnitLevel, area: &str) -> UnitData {
    UnitData { name: name.into(), level, area_code: AreaCode::parse(area).unwrap() }
}

fn account(username: &str, role: Role, area: &str) -> AccountData {
    AccountData {
        username: username.into(),
        display_name: format!("{username}的名字"),
        phone: None,
        role,
        area_code: AreaCode::parse(area).unwrap(),
    }
}

conformance!(units_are_unique_by_name_corrected_with_audit_and_listed_to_the_areas_they_serve, |db: Db| async move {
    let district = scope(&db, "411702000000").await;
    let shahedian = scope(&db, "411702101000").await;
    let bureau =
        db.create_unit(&district, &unit("区农业农村局", UnitLevel::County, "411702000000"), &actor()).await.unwrap();
    let office = db
        .create_unit(&district, &unit("蚁蜂镇人民政府", UnitLevel::Township, "411702104000"), &actor())
        .await
        .unwrap();
    // The name is unique: the constraint's violation names the field, in Chinese.
    match db.create_unit(&district, &unit("区农业农村局", UnitLevel::City, "411702000000"), &actor()).await {
        Err(DomainError::Conflict { field, message }) => {
            assert_eq!(field, "name");
            assert!(message.contains("同名"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // A township account creates nothing outside its township.
    assert!(matches!(
        db.create_unit(&shahedian, &unit("区财政局", UnitLevel::County, "411702000000"), &actor()).await,
        Err(DomainError::Invalid(_))
    ));
    // 沙河店镇 sees every unit of the district (any may be paired with it), by name.
    let seen: Vec<_> = db.units(&shahedian).await.unwrap().iter().map(|u| u.id).collect();
    assert_eq!(seen, vec![bureau, office]);
    assert!(matches!(db.unit(&shahedian, bangfu_core::ids::UnitId(9999)).await, Err(DomainError::NotFound)));
    assert_eq!(db.unit(&district, office).await.unwrap().area_name, "蚁蜂镇");
    // A correction is audited field by field, in the same transaction.
    db.update_unit(&district, office, 1, &unit("蚁蜂镇人民政府办公室", UnitLevel::Township, "411702104000"), &actor())
        .await
        .unwrap();
    let renamed = db.unit(&district, office).await.unwrap();
    assert_eq!((renamed.name.as_str(), renamed.version), ("蚁蜂镇人民政府办公室", 2));
    // A correction read before that one is refused, naming who changed what; nothing is saved.
    let stale = db
        .update_unit(&district, office, 1, &unit("蚁蜂镇党政办", UnitLevel::Township, "411702104000"), &actor())
        .await
        .unwrap_err();
    assert!(stale.to_string().contains("修改") && stale.to_string().contains("请核对后再保存"), "{stale}");
    assert_eq!(db.unit(&district, office).await.unwrap().name, "蚁蜂镇人民政府办公室");
    let log = db
        .audit_entries(
            &AuditFilter {
                object_type: Some("unit".into()),
                object_id: Some(office.to_string()),
                ..Default::default()
            },
            50,
            0,
        )
        .await
        .unwrap()
        .0;
    assert_eq!(log.len(), 2, "created, then renamed");
    assert_eq!(log[0].before_value.as_deref(), Some("蚁蜂镇人民政府"));
    // Renaming to a taken name is the same conflict, and changes nothing.
    assert!(matches!(
        db.update_unit(&district, office, 2, &unit("区农业农村局", UnitLevel::Township, "411702104000"), &actor())
            .await,
        Err(DomainError::Conflict { .. })
    ));
    assert!(matches!(
        db.update_unit(&shahedian, office, 2, &unit("x", UnitLevel::Township, "411702104000"), &actor()).await,
        Err(DomainError::NotFound)
    ));
});

conformance!(
    accounts_are_added_disabled_reset_and_unlocked_with_audit_and_only_inside_the_scope,
    |db: Db| async move {
        let district = scope(&db, "411702000000").await;
        let shahedian = scope(&db, "411702101000").await;
        let policy = SessionPolicy::default();
        // PostgreSQL keeps microseconds: a time it gives back equals one made to the microsecond.
        let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 6);
        let admin = db
            .add_account(
                &district,
                &account("quadmin", Role::DistrictAdmin, "411702000000"),
                &hash_password("first-pass-1").unwrap(),
                &actor(),
            )
            .await
            .unwrap();
        let admin_actor =
            Actor { user_id: Some(admin.0), username: "quadmin".into(), role: Some("district_admin".into()), ip: None };
        let id = db
            .add_account(
                &district,
                &account("lisi", Role::VillageWorker, "411702101201"),
                &hash_password("first-pass-1").unwrap(),
                &admin_actor,
            )
            .await
            .unwrap();
        let a = db.account(&district, id).await.unwrap();
        assert!(a.user.must_change_password, "a first password must be changed");
        // 三员分立: it waits for the security administrator's grant, and cannot sign in till then.
        assert_eq!(a.state(now), AccountState::Pending);
        assert!(db.user_by_name("lisi").await.unwrap().is_none());
        let security =
            Actor { user_id: None, username: "anquan".into(), role: Some("security_admin".into()), ip: None };
        db.grant_account(&district, id, Role::VillageWorker, &security).await.unwrap();
        let a = db.account(&district, id).await.unwrap();
        assert_eq!(a.state(now), AccountState::Active);
        assert!(db.user_by_name("lisi").await.unwrap().is_some());
        assert!(matches!(
            db.add_account(&district, &account("lisi", Role::Auditor, "411702000000"), "x", &admin_actor).await,
            Err(DomainError::Conflict { field, .. }) if field == "username"
        ));
        assert!(matches!(
            db.add_account(&shahedian, &account("wangwu", Role::Auditor, "411702104000"), "x", &admin_actor).await,
            Err(DomainError::Invalid(_))
        ));
        // A township scope lists its own accounts only.
        let names: Vec<String> = db.accounts(&shahedian).await.unwrap().into_iter().map(|a| a.user.username).collect();
        assert_eq!(names, vec!["lisi"]);
        let (page, total) = db.account_page(&shahedian, Page { number: 1, size: 50 }).await.unwrap();
        assert_eq!((page.len(), total, page[0].user.username.as_str()), (1, 1, "lisi"));
        let (all, total) = db.account_page(&district, Page { number: 1, size: 1 }).await.unwrap();
        let (second, _) = db.account_page(&district, Page { number: 2, size: 1 }).await.unwrap();
        let listed = db.accounts(&district).await.unwrap();
        assert_eq!((all.len(), total), (1, listed.len() as i64), "one a page, all of them counted");
        if listed.len() > 1 {
            assert_eq!(second[0].user.id, listed[1].user.id, "pages follow the list's order");
        }
        assert!(matches!(db.account(&scope(&db, "411702104000").await, id).await, Err(DomainError::NotFound)));

        // Five wrong passwords from one address: that address waits, another does not; the
        // admin's unlock ends the wait.
        let (here, there) = (Some("10.0.0.1"), Some("10.0.0.2"));
        for _ in 0..5 {
            db.check_sign_in("lisi", "wrong-pass-1", here, &policy, now).await.unwrap();
        }
        assert!(matches!(
            db.check_sign_in("lisi", "first-pass-1", here, &policy, now).await.unwrap(),
            SignInCheck::Wait { until, .. } if until == now + chrono::Duration::minutes(1)
        ));
        assert_eq!(db.account(&district, id).await.unwrap().state(now), AccountState::Locked);
        assert!(matches!(
            db.check_sign_in("lisi", "first-pass-1", there, &policy, now).await.unwrap(),
            SignInCheck::Ok(_)
        ));
        db.unlock_account(&district, id, &admin_actor).await.unwrap();
        assert_eq!(db.account(&district, id).await.unwrap().state(now), AccountState::Active);
        assert!(matches!(
            db.check_sign_in("lisi", "first-pass-1", here, &policy, now).await.unwrap(),
            SignInCheck::Ok(_)
        ));

        // Disabled: no sign-in, and the live session ends.
        db.create_session("hash-lisi", id, "csrf", None, "full").await.unwrap();
        db.set_account_enabled(&district, id, false, &admin_actor).await.unwrap();
        assert!(db.session("hash-lisi", &policy, chrono::Utc::now()).await.unwrap().is_none());
        assert!(matches!(
            db.check_sign_in("lisi", "first-pass-1", None, &policy, now).await.unwrap(),
            SignInCheck::UnknownUser
        ));
        assert_eq!(db.account(&district, id).await.unwrap().state(now), AccountState::Disabled);
        assert!(matches!(
            db.set_account_enabled(&district, admin, false, &admin_actor).await,
            Err(DomainError::Invalid(_))
        ));
        db.set_account_enabled(&district, id, true, &admin_actor).await.unwrap();

        // A reset: the new one-time password works and must be changed; old sessions end.
        let own = bangfu_core::audit::AuditEntry::new(&admin_actor, bangfu_core::audit::AuditAction::PasswordChanged);
        db.set_password(id, &hash_password("own-pass-22").unwrap(), "hash-none", &own).await.unwrap();
        db.create_session("hash-lisi-2", id, "csrf", None, "full").await.unwrap();
        db.reset_password(&district, id, &hash_password("reset-pass-3").unwrap(), &admin_actor).await.unwrap();
        assert!(db.session("hash-lisi-2", &policy, chrono::Utc::now()).await.unwrap().is_none());
        match db.check_sign_in("lisi", "reset-pass-3", None, &policy, chrono::Utc::now()).await.unwrap() {
            SignInCheck::Ok(u) => assert!(u.must_change_password),
            other => panic!("{other:?}"),
        }
        let log = db
            .audit_entries(
                &AuditFilter {
                    object_type: Some("user".into()),
                    object_id: Some(id.to_string()),
                    ..Default::default()
                },
                50,
                0,
            )
            .await
            .unwrap()
            .0;
        let fields: Vec<&str> = log.iter().rev().filter_map(|e| e.field.as_deref()).collect();
        assert_eq!(fields, vec!["username", "grant", "locked", "status", "status", "password"]);
        assert!(log.iter().all(|e| e.area_code.as_deref() == Some("411702101201")));
        let who: Vec<&str> = log.iter().rev().filter_map(|e| e.username.as_deref()).collect();
        assert_eq!(who, vec!["quadmin", "anquan", "quadmin", "quadmin", "quadmin", "quadmin"]);
    }
);

conformance!(
    a_township_reads_only_its_own_audit_rows_and_the_district_also_reads_rows_without_an_area,
    |db: Db| async move {
        let district = scope(&db, "411702000000").await;
        let shahedian = scope(&db, "411702101000").await;
        db.create_unit(&district, &unit("沙河店镇人民政府", UnitLevel::Township, "411702101000"), &actor())
            .await
            .unwrap();
        db.create_unit(&district, &unit("蚁蜂镇人民政府", UnitLevel::Township, "411702104000"), &actor())
            .await
            .unwrap();
        bangfu_core::store::WorklistStore::set_visit_interval_days(&db, &district, 45, &actor()).await.unwrap();
        let page = Page { number: 1, size: 50 };
        let (rows, n) = db.audit_log(&shahedian, &AuditFilter::default(), page).await.unwrap();
        assert_eq!(n, 1);
        assert_eq!(rows[0].area_code.as_deref(), Some("411702101000"));
        let (_, n) = db.audit_log(&district, &AuditFilter::default(), page).await.unwrap();
        assert_eq!(n, 3, "both townships' rows and the setting, which has no area");
        assert_eq!(db.audit_log(&everything(), &AuditFilter::default(), page).await.unwrap().1, 3);
    }
);

conformance!(measures_stored_under_the_old_kinds_move_to_the_monitoring_forms_categories, |db: Db| async move {
    use bangfu_core::assistance::{MeasureData, MeasureKind, PlanData};
    use bangfu_core::store::PlanStore;
    use chrono::Datelike;
    let h = registered(&db, "4117021012010001", "411702101201", 1).await;
    let year = today().year();
    let plan = PlanData { year, written_on: today(), written_with: "户主".into(), goal: None };
    let p = db.create_plan(&everything(), h, &plan, &actor()).await.unwrap();
    let due = chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
    let mut ids = Vec::new();
    for content in ["申请雨露计划补助", "落实学生资助", "落实公益林生态效益补偿", "发放肉牛2头"]
    {
        let m = MeasureData {
            kind: MeasureKind::Industry,
            content: content.into(),
            responsible: "李干事".into(),
            due_on: due,
            amount: None,
        };
        ids.push(db.add_measure(&everything(), p, &m, &actor()).await.unwrap());
    }
    // As a register from before the realignment holds them.
    for (id, old) in ids.iter().zip(["education", "education", "ecological", "industry"]) {
        let sql = "update measures set kind = $1 where measure_id = $2";
        match db.pool() {
            bangfu_db::Pool::Sqlite(pool) => sqlx::query(sql).bind(old).bind(id.0).execute(pool).await.map(|_| ()),
            bangfu_db::Pool::Postgres(pool) => sqlx::query(sql).bind(old).bind(id.0).execute(pool).await.map(|_| ()),
        }
        .unwrap();
    }
    // The migration's own statements, run again on those rows.
    let migration = include_str!("../../migrations/sqlite/0011_admin_measures.sql");
    assert_eq!(migration, include_str!("../../migrations/postgres/0011_admin_measures.sql"));
    let lines: Vec<&str> = migration.lines().filter(|l| !l.starts_with("--")).collect();
    for statement in lines.join("\n").split(';').filter(|s| s.trim().starts_with("update")) {
        let statement = sqlx::AssertSqlSafe(statement.to_owned());
        match db.pool() {
            bangfu_db::Pool::Sqlite(pool) => sqlx::query(statement).execute(pool).await.map(|_| ()),
            bangfu_db::Pool::Postgres(pool) => sqlx::query(statement).execute(pool).await.map(|_| ()),
        }
        .unwrap();
    }
    let kinds: Vec<MeasureKind> =
        db.plans(&everything(), h).await.unwrap()[0].measures.iter().map(|m| m.data.kind).collect();
    let mut want = vec![MeasureKind::OtherEducation, MeasureKind::Education, MeasureKind::Other, MeasureKind::Industry];
    let mut got = kinds.clone();
    want.sort_by_key(|k| k.code());
    got.sort_by_key(|k| k.code());
    assert_eq!(got, want, "{kinds:?}");
});

conformance_pooled!(
    a_hundred_guesses_sent_at_once_are_counted_one_by_one_and_at_most_five_are_checked,
    |db: Db| async move {
        let district = scope(&db, "411702000000").await;
        let id = db
            .add_account(
                &district,
                &account("zhaoliu", Role::VillageWorker, "411702101201"),
                &hash_password("right-pass-9").unwrap(),
                &actor(),
            )
            .await
            .unwrap();
        db.grant_account(&district, id, Role::VillageWorker, &actor()).await.unwrap();
        let policy = SessionPolicy::default();
        let now = chrono::Utc::now();
        // A hundred wrong guesses at once from one address.
        let tries: Vec<_> = (0..100)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.check_sign_in("zhaoliu", "wrong-pass-9", Some("198.51.100.9"), &policy, now).await.unwrap()
                })
            })
            .collect();
        let mut checked = 0;
        let mut waited = 0;
        for t in tries {
            match t.await.unwrap() {
                SignInCheck::Ok(_) | SignInCheck::WrongPassword(_) => checked += 1,
                SignInCheck::Wait { .. } => waited += 1,
                SignInCheck::UnknownUser => panic!("the account exists"),
            }
        }
        assert_eq!((checked, waited), (5, 95), "exactly the policy's five guesses are checked");
        // The right password now waits too from that address, and gets in from another.
        assert!(matches!(
            db.check_sign_in("zhaoliu", "right-pass-9", Some("198.51.100.9"), &policy, now).await.unwrap(),
            SignInCheck::Wait { .. }
        ));
        assert!(matches!(
            db.check_sign_in("zhaoliu", "right-pass-9", Some("203.0.113.5"), &policy, now).await.unwrap(),
            SignInCheck::Ok(_)
        ));
    }
);
