//! In-process HTTP tests: sign-in, sessions, CSRF, lockout, and area scope on every page.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::auth::{NewUser, Role, SIGN_IN_FAILED, hash_password};
use bangfu_core::household::id_number::check_char;
use bangfu_core::household::{
    DisabilityCategory, DisabilityGrade, Health, HealthSet, HouseholdData, HouseholdId, IdKind, MemberData, MemberId,
    MigrantWork, Relation,
};
use bangfu_core::store::{AreaStore, HouseholdStore};
use bangfu_db::audit::AuditFilter;
use bangfu_db::{Db, YICHENG_DIVISIONS, read_divisions};
use bangfu_web::{AppState, router};
use tower::ServiceExt;

struct App {
    router: Router,
    db: Db,
    shahedian_household: HouseholdId,
    yifeng_household: HouseholdId,
    full_id: String,
    _drop: Option<PgDrop>,
}

fn id(birth: &str, seq: u32) -> String {
    let first17 = format!("411702{birth}{seq:03}");
    format!("{first17}{}", check_char(&first17))
}

fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

async fn household(db: &Db, no: &str, village: &str, head: &str, head_id: &str) -> HouseholdId {
    let today = chrono::Local::now().date_naive();
    let h = HouseholdData::parse(
        &fields(&[
            ("household_no", no),
            ("village_code", village),
            ("standard", "国家标准"),
            ("attribute", "一般贫困户"),
            ("main_cause", "因病"),
            ("status", "未脱贫"),
        ]),
        today,
    )
    .unwrap();
    let m = MemberData::parse(
        &fields(&[("name", head), ("sex", "男"), ("id_number", head_id), ("relation", "户主")]),
        today,
    )
    .unwrap();
    let command = bangfu_core::household::RegisterHousehold { household: h, members: vec![m], income: None };
    db.create_household(&Scope::everything(), &command, &actor()).await.unwrap()
}

/// A fresh register on the given backend: in-memory SQLite, or a new PostgreSQL database at
/// BANGFU_TEST_POSTGRES_URL (None outside CI when that is not set; in CI it must be).
async fn backend(pg: bool) -> Option<(Db, Option<PgDrop>)> {
    if !pg {
        let db = Db::memory().await.unwrap();
        db.migrate().await.unwrap();
        return Some((db, None));
    }
    let Ok(base) = std::env::var("BANGFU_TEST_POSTGRES_URL") else {
        assert!(std::env::var("CI").map_or(true, |v| v != "true"), "in CI the PostgreSQL run must not be skipped");
        return None;
    };
    use sqlx::Connection;
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let name = format!("bangfu_web_{}_{}", std::process::id(), N.fetch_add(1, std::sync::atomic::Ordering::SeqCst));
    let mut admin = sqlx::PgConnection::connect(&base).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}"))).execute(&mut admin).await.unwrap();
    let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
    let db = Db::open(&url.parse().unwrap(), bangfu_db::Create::Never).await.unwrap().db;
    db.migrate().await.unwrap();
    Some((db, Some(PgDrop { base, name })))
}

/// Drops a test's PostgreSQL database when the test ends.
struct PgDrop {
    base: String,
    name: String,
}

impl Drop for PgDrop {
    fn drop(&mut self) {
        let (base, name) = (self.base.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                use sqlx::Connection;
                if let Ok(mut admin) = sqlx::PgConnection::connect(&base).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("drop database if exists {name} with (force)")))
                        .execute(&mut admin)
                        .await;
                }
            });
        })
        .join();
    }
}

/// Declares a test that runs once on SQLite and once on PostgreSQL.
macro_rules! both {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn on_sqlite() {
                if let Some($app) = app(false).await $body
            }
            #[tokio::test]
            async fn on_postgres() {
                if let Some($app) = app(true).await $body
            }
        }
    };
}

async fn app(pg: bool) -> Option<App> {
    let (db, drop_guard) = backend(pg).await?;
    db.upsert_areas(&read_divisions(YICHENG_DIVISIONS.as_bytes(), "x").unwrap()).await.unwrap();
    let full_id = id("19650312", 1);
    let shahedian_household = household(&db, "4117021012010001", "411702101201", "王建国", &full_id).await;
    let yifeng_household = household(&db, "4117021042010001", "411702104201", "赵铁柱", &id("19700101", 3)).await;
    for (username, role, area, must_change) in [
        ("admin", Role::DistrictAdmin, "411702000000", false),
        ("shahedian", Role::TownshipStaff, "411702101000", false),
        ("newadmin", Role::DistrictAdmin, "411702000000", true),
        ("shadong", Role::VillageWorker, "411702101201", false),
        ("auditor", Role::Auditor, "411702000000", false),
    ] {
        db.create_user(&NewUser {
            username: username.into(),
            display_name: format!("{username}的名字"),
            phone: None,
            role,
            area_code: AreaCode::parse(area).unwrap(),
            password_hash: hash_password("correct-horse").unwrap(),
            must_change_password: must_change,
        })
        .await
        .unwrap();
    }
    Some(App {
        router: router(AppState::new(db.clone())),
        db,
        shahedian_household,
        yifeng_household,
        full_id,
        _drop: drop_guard,
    })
}

struct Reply {
    status: StatusCode,
    location: Option<String>,
    cookies: Vec<String>,
    body: String,
}

impl App {
    async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let location = res.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned());
        let cookies =
            res.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        let body = String::from_utf8_lossy(&axum::body::to_bytes(res.into_body(), 1 << 22).await.unwrap()).into_owned();
        Reply { status, location, cookies, body }
    }

    async fn get(&self, path: &str, cookie: &str) -> Reply {
        self.send(Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap()).await
    }

    async fn post(&self, path: &str, cookie: &str, form: &str) -> Reply {
        self.send(
            Request::post(path)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form.to_owned()))
                .unwrap(),
        )
        .await
    }

    /// Signs in through the login form; returns the session cookie and the page's CSRF token.
    async fn try_sign_in(&self, username: &str, password: &str) -> Reply {
        let page = self.get("/login", "").await;
        let csrf_cookie = cookie_pair(&page.cookies, "bangfu_login_csrf");
        let csrf = csrf_cookie.split_once('=').unwrap().1.to_owned();
        self.post("/login", &csrf_cookie, &format!("username={username}&password={password}&_csrf={csrf}&next=/")).await
    }

    async fn sign_in(&self, username: &str) -> (String, String) {
        let r = self.try_sign_in(username, "correct-horse").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let session = cookie_pair(&r.cookies, "bangfu_session");
        let page = self.get("/households", &session).await;
        let csrf = page.body.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        (session, csrf)
    }
}

fn cookie_pair(cookies: &[String], name: &str) -> String {
    cookies.iter().find(|c| c.starts_with(&format!("{name}="))).unwrap().split(';').next().unwrap().to_owned()
}

both!(the_health_check_answers_ok_without_signing_in, |app| {
    let r = app.get("/healthz", "").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, format!(r#"{{"backend":"{}","status":"ok"}}"#, app.db.backend()));
});

both!(a_visitor_is_sent_to_sign_in_and_comes_back_afterwards, |app| {
    let r = app.get("/households?status=poor", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/login?next=/households%3Fstatus%3Dpoor"));
    let login = app.get("/login?next=/households", "").await;
    assert!(login.body.contains("用户名") && login.body.contains("密码"));
});

both!(the_session_cookie_is_http_only_and_same_site, |app| {
    let r = app.try_sign_in("admin", "correct-horse").await;
    let c = r.cookies.iter().find(|c| c.starts_with("bangfu_session=")).unwrap();
    assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax"), "{c}");
});

both!(unknown_user_wrong_password_and_locked_account_get_the_same_message_and_are_audited, |app| {
    let unknown = app.try_sign_in("nobody", "correct-horse").await;
    let wrong = app.try_sign_in("admin", "wrong-horse").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(unknown.body.contains(SIGN_IN_FAILED) && wrong.body.contains(SIGN_IN_FAILED));
    for _ in 0..4 {
        app.try_sign_in("admin", "wrong-horse").await;
    }
    // Five failures in a row: locked, even with the right password, with the same message.
    let locked = app.try_sign_in("admin", "correct-horse").await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
    assert!(locked.body.contains(SIGN_IN_FAILED));
    let (failed, n) = app
        .db
        .audit_entries(
            &AuditFilter { action: Some(bangfu_core::audit::AuditAction::SignInFailed), ..Default::default() },
            50,
            0,
        )
        .await
        .unwrap();
    assert_eq!(n, 7);
    assert!(failed.iter().any(|e| e.username.as_deref() == Some("nobody")));
    // Another account is not affected.
    assert_eq!(app.try_sign_in("shahedian", "correct-horse").await.status, StatusCode::SEE_OTHER);
});

both!(a_login_form_without_its_csrf_token_is_refused, |app| {
    let r = app.post("/login", "", "username=admin&password=correct-horse&_csrf=x").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("页面已过期"));
});

both!(signing_out_really_ends_the_session_and_needs_the_csrf_token, |app| {
    let (session, csrf) = app.sign_in("admin").await;
    assert_eq!(app.post("/logout", &session, "_csrf=forged").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/", &session).await.status, StatusCode::OK, "a forged sign-out does nothing");
    let r = app.post("/logout", &session, &format!("_csrf={csrf}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/", &session).await.status, StatusCode::SEE_OTHER, "the old cookie no longer works");
});

both!(the_district_admin_sees_every_township_and_both_households, |app| {
    let (session, _) = app.sign_in("admin").await;
    let home = app.get("/", &session).await;
    assert!(home.body.contains("驿城区 农户概况"));
    for t in ["沙河店镇", "蚁蜂镇", "胡庙乡", "人民街街道"] {
        assert!(home.body.contains(t), "{t}");
    }
    let list = app.get("/households", &session).await;
    assert!(list.body.contains("共 2 户") && list.body.contains("王建国") && list.body.contains("赵铁柱"));
});

both!(a_township_user_cannot_see_or_reach_another_townships_household, |app| {
    let (session, _) = app.sign_in("shahedian").await;
    let home = app.get("/", &session).await;
    assert!(home.body.contains("沙河店镇 农户概况"));
    assert!(!home.body.contains("蚁蜂镇"));
    let list = app.get("/households", &session).await;
    assert!(list.body.contains("共 1 户") && list.body.contains("王建国") && !list.body.contains("赵铁柱"));
    let search = app.get("/households?q=ztz", &session).await;
    assert!(search.body.contains("共 0 户"));
    let theirs = app.get(&format!("/households/{}", app.yifeng_household.0), &session).await;
    let missing = app.get("/households/999999", &session).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(
        (theirs.status, theirs.body),
        (missing.status, missing.body),
        "outside the area looks exactly like missing"
    );
    assert_eq!(app.get(&format!("/households/{}", app.shahedian_household.0), &session).await.status, StatusCode::OK);
});

both!(the_household_page_masks_id_numbers, |app| {
    let (session, _) = app.sign_in("admin").await;
    let page = app.get(&format!("/households/{}", app.shahedian_household.0), &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("王建国户"));
    assert!(!page.body.contains(&app.full_id), "no full ID number on the page");
    assert!(page.body.contains(&format!("{}**********{}", &app.full_id[..4], &app.full_id[14..])));
    assert!(page.body.contains("tag red"), "a poor household is shown red");
});

both!(households_are_found_by_pinyin_initials, |app| {
    let (session, _) = app.sign_in("admin").await;
    let r = app.get("/households?q=wjg", &session).await;
    assert!(r.body.contains("共 1 户") && r.body.contains("王建国"), "{}", r.body);
});

both!(a_first_run_account_must_change_its_password_before_anything_else, |app| {
    let r = app.try_sign_in("newadmin", "correct-horse").await;
    assert_eq!(r.location.as_deref(), Some("/password"));
    let session = cookie_pair(&r.cookies, "bangfu_session");
    assert_eq!(app.get("/households", &session).await.location.as_deref(), Some("/password"));
    let page = app.get("/password", &session).await;
    let csrf = page.body.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let weak = app
        .post("/password", &session, &format!("_csrf={csrf}&current=correct-horse&new=12345678&repeat=12345678"))
        .await;
    assert!(weak.body.contains("密码不能全是数字"));
    let ok = app
        .post(
            "/password",
            &session,
            &format!("_csrf={csrf}&current=correct-horse&new=zhumadian-2026&repeat=zhumadian-2026"),
        )
        .await;
    assert_eq!(ok.location.as_deref(), Some("/"));
    assert_eq!(app.get("/households", &session).await.status, StatusCode::OK);
});

async fn first_member(app: &App, h: HouseholdId) -> i64 {
    app.db.members(&Scope::everything(), h).await.unwrap()[0].id.0
}

both!(a_bad_id_number_is_shown_beside_the_field_nothing_is_saved_and_the_fix_is_audited, |app| {
    let (session, csrf) = app.sign_in("shahedian").await;
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let form = |id: &str| {
        format!(
            "_csrf={csrf}&version=1&name=%E7%8E%8B%E5%BB%BA%E5%9B%BD&sex=%E7%94%B7&relation=%E6%88%B7%E4%B8%BB&id_number={id}&phone=13800138000"
        )
    };
    let mut bad = app.full_id.clone();
    bad.replace_range(17.., if bad.ends_with('0') { "1" } else { "0" });
    let r = app.post(&format!("/households/{h}/members/{m}/edit"), &session, &form(&bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("未保存") && r.body.contains("校验位错误"), "{}", r.body);
    assert!(r.body.contains("field invalid"), "the ID field is marked");
    let stored = app.db.member(&Scope::everything(), bangfu_core::household::MemberId(m)).await.unwrap();
    assert_eq!(stored.data.phone, None, "nothing was saved");
    // Fixed: the same form with the right number (typed in lower case with spaces) saves.
    let r = app
        .post(
            &format!("/households/{h}/members/{m}/edit"),
            &session,
            &form(&format!("+{}+", app.full_id.to_lowercase())),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.db.member(&Scope::everything(), bangfu_core::household::MemberId(m)).await.unwrap();
    assert_eq!(stored.data.phone.as_deref(), Some("13800138000"));
    // The district admin sees the change in the audit log, who and what, ID masked.
    let (admin, _) = app.sign_in("admin").await;
    let log = app.get("/audit", &admin).await;
    assert!(log.body.contains("shahedian") && log.body.contains("联系电话：（空） → 13800138000"), "{}", log.body);
    assert!(!log.body.contains(&app.full_id));
});

both!(an_auditor_reads_but_cannot_edit_and_only_admins_and_auditors_read_the_audit_log, |app| {
    let (auditor, _) = app.sign_in("auditor").await;
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    assert_eq!(app.get(&format!("/households/{h}"), &auditor).await.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/households/{h}/members/{m}/edit"), &auditor).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/audit", &auditor).await.status, StatusCode::OK);
    let (clerk, _) = app.sign_in("shahedian").await;
    assert_eq!(app.get("/audit", &clerk).await.status, StatusCode::FORBIDDEN);
});

/// Every route, for every role, on a record inside and outside the user's area. The list of
/// routes is read from the source, so a new route without a line here fails this test.
/// A plan with a measure and a photo, a visit proposing a change, and a work-team member,
/// for one household: what the work routes need to exist.
struct Work {
    plan: i64,
    measure: i64,
    evidence: i64,
    visit: i64,
    member: i64,
}

/// The smallest valid PNG header: enough for the upload check to recognise it.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

async fn work_fixture(db: &Db, household: HouseholdId, village: &str) -> Work {
    use bangfu_core::assistance::*;
    use bangfu_core::store::{PlanStore, TeamStore, VisitStore};
    use chrono::Datelike;
    let all = Scope::everything();
    let today = chrono::Local::now().date_naive();
    let plan = db
        .create_plan(
            &all,
            household,
            &PlanData { year: today.year(), written_on: today, written_with: "户主".into(), goal: None },
            &actor(),
        )
        .await
        .unwrap();
    let due = chrono::NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap();
    let measure = db
        .add_measure(
            &all,
            plan,
            &MeasureData {
                kind: MeasureKind::Industry,
                content: "发放肉牛2头".into(),
                responsible: "李干事".into(),
                due_on: due,
                amount: None,
            },
            &actor(),
        )
        .await
        .unwrap();
    let upload = evidence::check_upload("牛棚.png", PNG).unwrap();
    let evidence = db.add_evidence(&all, measure, None, Some((&upload, PNG)), &actor()).await.unwrap();
    let f: HashMap<&str, &str> = [
        ("visited_on", "2025-06-01"),
        ("visitors", "李干事"),
        ("found", "户主在家"),
        ("follow_up", "联系卫生院"),
        ("follow_up_due", "2025-06-10"),
        ("proposal", "monitoring:edge"),
        ("proposal_reason", "户主住院，开支大"),
    ]
    .into_iter()
    .collect();
    let visit = db.record_visit(&all, household, &VisitData::parse(&f, today).unwrap(), &actor()).await.unwrap();
    let member = db
        .add_team_member(
            &all,
            &AreaCode::parse(village).unwrap(),
            &TeamMemberData {
                name: "张书记".into(),
                phone: None,
                unit_id: None,
                role: TeamRole::FirstSecretary,
                start_on: chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
            },
            &actor(),
        )
        .await
        .unwrap();
    Work { plan: plan.0, measure: measure.0, evidence: evidence.0, visit: visit.0, member: member.0 }
}

both!(every_route_answers_every_role_inside_and_outside_its_area_as_expected, |app| {
    let inside = app.shahedian_household.0; // 沙河店镇 沙东村
    let outside = app.yifeng_household.0; // 蚁蜂镇
    let m_in = first_member(&app, app.shahedian_household).await;
    let m_out = first_member(&app, app.yifeng_household).await;
    let w_in = work_fixture(&app.db, app.shahedian_household, "411702101201").await;
    let w_out = work_fixture(&app.db, app.yifeng_household, "411702104201").await;
    let helper_at = |area: &str| {
        let f: HashMap<&str, &str> = [("name", "李干事"), ("area_code", area)].into_iter().collect();
        bangfu_core::assistance::HelperData::parse(&f, chrono::Local::now().date_naive()).unwrap()
    };
    use bangfu_core::store::AssistanceStore;
    let h_in = app.db.create_helper(&Scope::everything(), &helper_at("411702101201"), &actor()).await.unwrap();
    let h_out = app.db.create_helper(&Scope::everything(), &helper_at("411702104201"), &actor()).await.unwrap();
    let unit_at = |name: &str, area: &str| bangfu_core::assistance::UnitData {
        name: name.into(),
        level: bangfu_core::assistance::UnitLevel::Township,
        area_code: AreaCode::parse(area).unwrap(),
    };
    use bangfu_core::store::UnitStore;
    let u_in =
        app.db.create_unit(&Scope::everything(), &unit_at("沙河店镇人民政府", "411702101000"), &actor()).await.unwrap();
    let u_out =
        app.db.create_unit(&Scope::everything(), &unit_at("蚁蜂镇人民政府", "411702104000"), &actor()).await.unwrap();
    // A line for 沙河店镇 (inside) and one for 蚁蜂镇 (outside the township users' area).
    let line_at = |area: &str| {
        let f: HashMap<&str, &str> =
            [("kind", "监测范围"), ("year", "2025"), ("area_code", area), ("amount", "7200")].into_iter().collect();
        bangfu_core::line::LineData::parse(&f, chrono::Local::now().date_naive()).unwrap()
    };
    use bangfu_core::store::LineStore;
    let l_in = app.db.create_line(&Scope::everything(), &line_at("411702101000"), "测试", &actor()).await.unwrap().0;
    let l_out = app.db.create_line(&Scope::everything(), &line_at("411702104000"), "测试", &actor()).await.unwrap().0;
    // (route as written in the source, method, concrete path, [admin, township, village, auditor] when inside, same when outside)
    use StatusCode as S;
    const OK: S = S::OK;
    const NF: S = S::NOT_FOUND;
    const FB: S = S::FORBIDDEN;
    type Row = (&'static str, &'static str, String, String, [S; 4], [S; 4]);
    let table: Vec<Row> = vec![
        ("/", "GET", "/".into(), "/".into(), [OK; 4], [OK; 4]),
        ("/households", "GET", "/households".into(), "/households".into(), [OK; 4], [OK; 4]),
        (
            "/households/{id}",
            "GET",
            format!("/households/{inside}"),
            format!("/households/{outside}"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/households/{hid}/members/{mid}/edit",
            "GET",
            format!("/households/{inside}/members/{m_in}/edit"),
            format!("/households/{outside}/members/{m_out}/edit"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        ("/households/{hid}/members/{mid}/reveal", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/households/{hid}/members/new",
            "GET",
            format!("/households/{inside}/members/new"),
            format!("/households/{outside}/members/new"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/households/{hid}/members/{mid}/leave",
            "GET",
            format!("/households/{inside}/members/{m_in}/leave"),
            format!("/households/{outside}/members/{m_out}/leave"),
            // The member is the head: 减员 goes on to 户主变更 / 注销.
            [S::SEE_OTHER, S::SEE_OTHER, S::SEE_OTHER, FB],
            [S::SEE_OTHER, NF, NF, FB],
        ),
        (
            "/households/{hid}/income",
            "GET",
            format!("/households/{inside}/income"),
            format!("/households/{outside}/income"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/households/{hid}/status",
            "GET",
            format!("/households/{inside}/status"),
            format!("/households/{outside}/status"),
            [OK, FB, FB, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/households/{hid}/monitoring/open",
            "GET",
            format!("/households/{inside}/monitoring/open"),
            format!("/households/{outside}/monitoring/open"),
            [OK, FB, FB, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/households/{hid}/monitoring/clear",
            "GET",
            format!("/households/{inside}/monitoring/clear"),
            format!("/households/{outside}/monitoring/clear"),
            [OK, FB, FB, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/api/v1/households/{hid}/episodes",
            "GET",
            format!("/api/v1/households/{inside}/episodes"),
            format!("/api/v1/households/{outside}/episodes"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/api/v1/households/{hid}/episodes/clear", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/households/new",
            "GET",
            "/households/new".into(),
            "/households/new".into(),
            [OK, OK, OK, FB],
            [OK, OK, OK, FB],
        ),
        (
            "/households/{id}/edit",
            "GET",
            format!("/households/{inside}/edit"),
            format!("/households/{outside}/edit"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        ("/worklist", "GET", "/worklist".into(), "/worklist".into(), [OK; 4], [OK; 4]),
        (
            "/households/{hid}/plans/new",
            "GET",
            format!("/households/{inside}/plans/new"),
            format!("/households/{outside}/plans/new"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/plans/{pid}/measures/new",
            "GET",
            format!("/plans/{}/measures/new", w_in.plan),
            format!("/plans/{}/measures/new", w_out.plan),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/measures/{mid}/progress",
            "GET",
            format!("/measures/{}/progress", w_in.measure),
            format!("/measures/{}/progress", w_out.measure),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/measures/{mid}/evidence",
            "GET",
            format!("/measures/{}/evidence", w_in.measure),
            format!("/measures/{}/evidence", w_out.measure),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/evidence/{eid}",
            "GET",
            format!("/evidence/{}", w_in.evidence),
            format!("/evidence/{}", w_out.evidence),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/households/{hid}/visits/new",
            "GET",
            format!("/households/{inside}/visits/new"),
            format!("/households/{outside}/visits/new"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        ("/visits/{vid}/follow-up", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/visits/{vid}/review",
            "GET",
            format!("/visits/{}/review", w_in.visit),
            format!("/visits/{}/review", w_out.visit),
            [OK, OK, FB, FB],
            [OK, NF, FB, FB],
        ),
        ("/teams", "GET", "/teams".into(), "/teams?area=411702104000".into(), [OK; 4], [OK, NF, NF, OK]),
        (
            "/teams/{village}",
            "GET",
            "/teams/411702101201".into(),
            "/teams/411702104201".into(),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/teams/{village}/members/new",
            "GET",
            "/teams/411702101201/members/new".into(),
            "/teams/411702104201/members/new".into(),
            [OK, OK, FB, FB],
            [OK, NF, FB, FB],
        ),
        (
            "/team-members/{id}/recall",
            "GET",
            format!("/team-members/{}/recall", w_in.member),
            format!("/team-members/{}/recall", w_out.member),
            [OK, OK, FB, FB],
            [OK, NF, FB, FB],
        ),
        ("/pairings", "GET", "/pairings".into(), "/pairings".into(), [OK; 4], [OK; 4]),
        ("/helpers", "GET", "/helpers".into(), "/helpers".into(), [OK; 4], [OK; 4]),
        ("/helpers/new", "GET", "/helpers/new".into(), "/helpers/new".into(), [OK, OK, FB, FB], [OK, OK, FB, FB]),
        (
            "/helpers/{id}/retire",
            "GET",
            format!("/helpers/{h_in}/retire"),
            format!("/helpers/{h_out}/retire"),
            [OK, OK, FB, FB],
            [OK, NF, FB, FB],
        ),
        ("/pairings/new", "GET", "/pairings/new".into(), "/pairings/new".into(), [OK, FB, FB, FB], [OK, FB, FB, FB]),
        ("/pairings/{id}/end", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/settings", "GET", "/settings".into(), "/settings".into(), [OK, FB, FB, FB], [OK, FB, FB, FB]),
        (
            "/households/{hid}/card",
            "GET",
            format!("/households/{inside}/card"),
            format!("/households/{outside}/card"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/households/{hid}/handbook",
            "GET",
            format!("/households/{inside}/handbook"),
            format!("/households/{outside}/handbook"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/api/v1/worklist/{reason}",
            "GET",
            "/api/v1/worklist/no_plan".into(),
            "/api/v1/worklist/no_plan?area=411702104000".into(),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/api/v1/worklist-counts",
            "GET",
            "/api/v1/worklist-counts".into(),
            "/api/v1/worklist-counts?area=411702104000".into(),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/api/v1/households/{hid}/plans",
            "GET",
            format!("/api/v1/households/{inside}/plans"),
            format!("/api/v1/households/{outside}/plans"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/api/v1/plans/{pid}/measures", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/measures/{mid}/progress", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/measures/{mid}/evidence", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/api/v1/evidence/{eid}",
            "GET",
            format!("/api/v1/evidence/{}", w_in.evidence),
            format!("/api/v1/evidence/{}", w_out.evidence),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/api/v1/households/{hid}/visits",
            "GET",
            format!("/api/v1/households/{inside}/visits"),
            format!("/api/v1/households/{outside}/visits"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/api/v1/visits/{vid}/follow-up", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/visits/{vid}/review", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/api/v1/teams",
            "GET",
            "/api/v1/teams".into(),
            "/api/v1/teams?area=411702104000".into(),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/api/v1/teams/{village}/members", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/pairings", "GET", "/api/v1/pairings".into(), "/api/v1/pairings".into(), [OK; 4], [OK; 4]),
        (
            "/households/{hid}/helper",
            "GET",
            format!("/households/{inside}/helper"),
            format!("/households/{outside}/helper"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        // 户主变更, 分户, 合户, 注销: anyone who edits the register, inside their area.
        (
            "/households/{hid}/head",
            "GET",
            format!("/households/{inside}/head"),
            format!("/households/{outside}/head"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/households/{hid}/split",
            "GET",
            format!("/households/{inside}/split"),
            format!("/households/{outside}/split"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/households/{hid}/merge",
            "GET",
            format!("/households/{inside}/merge"),
            format!("/households/{outside}/merge"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/households/{hid}/deregister",
            "GET",
            format!("/households/{inside}/deregister"),
            format!("/households/{outside}/deregister"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        ("/api/v1/households/{hid}/head", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/split", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/merge", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/deregister", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/audit", "GET", "/audit".into(), "/audit".into(), [OK, FB, FB, OK], [OK, FB, FB, OK]),
        ("/password", "GET", "/password".into(), "/password".into(), [OK; 4], [OK; 4]),
        ("/login", "GET", "/login".into(), "/login".into(), [OK; 4], [OK; 4]),
        ("/logout", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/healthz", "GET", "/healthz".into(), "/healthz".into(), [OK; 4], [OK; 4]),
        ("/static/{file}", "GET", "/static/htmx.min.js".into(), "/static/htmx.LICENSE".into(), [OK; 4], [OK; 4]),
        ("/lang/{code}", "GET", "/lang/en".into(), "/lang/zh-CN".into(), [S::SEE_OTHER; 4], [S::SEE_OTHER; 4]),
        ("/api/v1/households", "GET", "/api/v1/households".into(), "/api/v1/households".into(), [OK; 4], [OK; 4]),
        (
            "/api/v1/households/{id}",
            "GET",
            format!("/api/v1/households/{inside}"),
            format!("/api/v1/households/{outside}"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/api/v1/households/{hid}/members/{mid}", "PUT", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/members", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/members/{mid}/leave", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/incomes/{period}", "PUT", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/api/v1/households/{hid}/incomes",
            "GET",
            format!("/api/v1/households/{inside}/incomes"),
            format!("/api/v1/households/{outside}/incomes"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        // 选择村: the search answers everyone, with areas of their own scope only.
        (
            "/areas/search",
            "GET",
            "/areas/search?q=411702101".into(),
            "/areas/search?q=411702104".into(),
            [OK; 4],
            [OK; 4],
        ),
        (
            "/api/v1/areas",
            "GET",
            "/api/v1/areas?q=411702101".into(),
            "/api/v1/areas?q=411702104".into(),
            [OK; 4],
            [OK; 4],
        ),
        ("/lines", "GET", "/lines".into(), "/lines".into(), [OK; 4], [OK; 4]),
        ("/lines/new", "GET", "/lines/new".into(), "/lines/new".into(), [OK, FB, FB, FB], [OK, FB, FB, FB]),
        ("/lines/{id}", "GET", format!("/lines/{l_in}"), format!("/lines/{l_out}"), [OK; 4], [OK, NF, NF, OK]),
        (
            "/lines/{id}/edit",
            "GET",
            format!("/lines/{l_in}/edit"),
            format!("/lines/{l_out}/edit"),
            [OK, FB, FB, FB],
            [OK, FB, FB, FB],
        ),
        ("/lines/margin", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/lines", "GET", "/api/v1/lines".into(), "/api/v1/lines".into(), [OK; 4], [OK; 4]),
        (
            "/api/v1/lines/{id}",
            "GET",
            format!("/api/v1/lines/{l_in}"),
            format!("/api/v1/lines/{l_out}"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/api/v1/households/{hid}/status", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/worklist", "GET", "/api/v1/worklist".into(), "/api/v1/worklist".into(), [OK; 4], [OK; 4]),
        ("/api/v1/helpers", "GET", "/api/v1/helpers".into(), "/api/v1/helpers".into(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/helper", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/helpers/{id}/retire", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/audit", "GET", "/api/v1/audit".into(), "/api/v1/audit".into(), [OK, FB, FB, OK], [OK, FB, FB, OK]),
        ("/api/openapi.json", "GET", "/api/openapi.json".into(), "/api/openapi.json".into(), [OK; 4], [OK; 4]),
        ("/api/docs", "GET", "/api/docs".into(), "/api/docs".into(), [OK; 4], [OK; 4]),
        // admin: units are listed to every role (any unit of the district may be paired with
        // any township); creating and correcting them, and accounts, are the district admin's.
        ("/units", "GET", "/units".into(), "/units".into(), [OK; 4], [OK; 4]),
        ("/units/new", "GET", "/units/new".into(), "/units/new".into(), [OK, FB, FB, FB], [OK, FB, FB, FB]),
        (
            "/units/{id}/edit",
            "GET",
            format!("/units/{u_in}/edit"),
            format!("/units/{u_out}/edit"),
            [OK, FB, FB, FB],
            [OK, FB, FB, FB],
        ),
        ("/api/v1/units", "GET", "/api/v1/units".into(), "/api/v1/units".into(), [OK; 4], [OK; 4]),
        (
            "/api/v1/units/{id}",
            "GET",
            format!("/api/v1/units/{u_in}"),
            format!("/api/v1/units/{u_out}"),
            [OK; 4],
            [OK; 4],
        ),
        ("/users", "GET", "/users".into(), "/users".into(), [OK, FB, FB, FB], [OK, FB, FB, FB]),
        ("/users/new", "GET", "/users/new".into(), "/users/new".into(), [OK, FB, FB, FB], [OK, FB, FB, FB]),
        ("/users/{id}/disable", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/users/{id}/enable", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/users/{id}/reset-password", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/users/{id}/unlock", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
    ];
    // Routes declared in the source.
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut declared = Vec::new();
    for entry in walk(&src) {
        let text = std::fs::read_to_string(&entry).unwrap();
        for part in text.split(".route(").skip(1) {
            if let Some(path) = part.trim_start().strip_prefix('"') {
                declared.push(path.split('"').next().unwrap().to_owned());
            }
        }
    }
    declared.sort();
    declared.dedup();
    let mut covered: Vec<String> = table.iter().map(|r| r.0.to_owned()).collect();
    covered.sort();
    covered.dedup();
    assert_eq!(declared, covered, "every route must have a line in this test");

    let roles = ["admin", "shahedian", "shadong", "auditor"];
    for (i, role) in roles.iter().enumerate() {
        let (session, _) = app.sign_in(role).await;
        for (route, method, path_in, path_out, want_in, want_out) in &table {
            if *method != "GET" {
                continue; // state-changing routes are covered by their own tests (CSRF, sign-out)
            }
            let got_in = app.get(path_in, &session).await.status;
            assert_eq!(got_in, want_in[i], "{role} GET {route} inside");
            let got_out = app.get(path_out, &session).await.status;
            assert_eq!(got_out, want_out[i], "{role} GET {route} outside");
        }
        // A visitor without a session is sent to sign in from every private page.
        for (route, method, path_in, ..) in &table {
            if *method == "GET"
                && !matches!(*route, "/login" | "/healthz" | "/api/openapi.json" | "/api/docs" | "/static/{file}")
            {
                let r = app.get(path_in, "").await;
                let want = if route.starts_with("/api/") { S::UNAUTHORIZED } else { S::SEE_OTHER };
                assert_eq!(r.status, want, "visitor GET {route}");
            }
        }
    }
});

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

both!(the_full_id_number_is_shown_only_on_request_and_the_reveal_is_audited, |app| {
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let (clerk, csrf) = app.sign_in("shahedian").await;
    let page = app.post(&format!("/households/{h}/members/{m}/reveal"), &clerk, &format!("_csrf={csrf}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&app.full_id));
    assert_eq!(
        app.post(&format!("/households/{h}/members/{m}/reveal"), &clerk, "_csrf=forged").await.status,
        StatusCode::FORBIDDEN
    );
    let (_, n) = app
        .db
        .audit_entries(
            &AuditFilter { action: Some(bangfu_core::audit::AuditAction::RevealId), ..Default::default() },
            10,
            0,
        )
        .await
        .unwrap();
    assert_eq!(n, 1, "one reveal, one audit row; the forged request revealed nothing");
    let (auditor, acsrf) = app.sign_in("auditor").await;
    assert_eq!(
        app.post(&format!("/households/{h}/members/{m}/reveal"), &auditor, &format!("_csrf={acsrf}")).await.status,
        StatusCode::FORBIDDEN
    );
    // Another township's member: not found, and nothing revealed.
    let theirs = first_member(&app, app.yifeng_household).await;
    let other = app
        .post(
            &format!("/households/{}/members/{theirs}/reveal", app.yifeng_household.0),
            &clerk,
            &format!("_csrf={csrf}"),
        )
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
});

async fn api_token(app: &App, username: &str) -> String {
    let (user, _) = app.db.user_by_name(username).await.unwrap().unwrap();
    let token = bangfu_core::auth::random_token();
    app.db.create_token(&bangfu_core::auth::token_hash(&token), user.id, "test").await.unwrap();
    token
}

impl App {
    async fn api(&self, method: &str, path: &str, auth: &str, body: Option<&str>) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if !auth.is_empty() {
            req = req.header(header::AUTHORIZATION, format!("Bearer {auth}"));
        }
        let body = match body {
            Some(b) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(b.to_owned())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }
}

both!(the_api_with_a_token_is_scoped_like_the_pages_and_masks_id_numbers, |app| {
    let token = api_token(&app, "shahedian").await;
    let r = app.api("GET", "/api/v1/households", &token, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["head_name"], "王建国");
    let mine = app.api("GET", &format!("/api/v1/households/{}", app.shahedian_household.0), &token, None).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(!mine.body.contains(&app.full_id), "the API masks ID numbers too");
    assert!(mine.body.contains("**********"));
    let theirs = app.api("GET", &format!("/api/v1/households/{}", app.yifeng_household.0), &token, None).await;
    let missing = app.api("GET", "/api/v1/households/999999", &token, None).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(theirs.body, missing.body);
    assert_eq!(app.api("GET", "/api/v1/households", "not-a-token", None).await.status, StatusCode::UNAUTHORIZED);
    // A revoked token stops working.
    let (u, _) = app.db.user_by_name("shahedian").await.unwrap().unwrap();
    app.db.revoke_tokens(u.id).await.unwrap();
    assert_eq!(app.api("GET", "/api/v1/households", &token, None).await.status, StatusCode::UNAUTHORIZED);
});

both!(the_api_validates_a_member_like_the_form_and_lists_every_bad_field, |app| {
    let token = api_token(&app, "shahedian").await;
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let path = format!("/api/v1/households/{h}/members/{m}");
    let r = app
        .api(
            "PUT",
            &path,
            &token,
            Some(r#"{"version":1,"name":"王建国","sex":"女","relation":"户主","migrant_months":13}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"]["code"], "invalid");
    let fields: Vec<&str> =
        v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"id_number") && fields.contains(&"migrant_months"), "{fields:?}");
    let ok = app
        .api(
            "PUT",
            &path,
            &token,
            Some(r#"{"version":1,"name":"王建国","sex":"male","relation":"head","phone":"13700137000","basic_medical":true}"#),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let v: serde_json::Value = serde_json::from_str(&ok.body).unwrap();
    assert_eq!(v["phone"], "13700137000");
    // The old yes/no field still reads: insured, the scheme not recorded.
    assert_eq!(v["medical_insurance"], "insured");
    assert_eq!(v["dibao"], serde_json::Value::Null, "not asked, not answered");
    // An auditor's token reads but cannot change.
    let audit_token = api_token(&app, "auditor").await;
    assert_eq!(app.api("PUT", &path, &audit_token, Some("{}")).await.status, StatusCode::FORBIDDEN);
});

both!(a_browser_session_must_send_its_csrf_token_to_change_anything_through_the_api, |app| {
    let (session, csrf) = app.sign_in("shahedian").await;
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let body = r#"{"version":1,"name":"王建国","sex":"男","relation":"户主"}"#;
    let put = |with_csrf: bool| {
        let mut req = Request::put(format!("/api/v1/households/{h}/members/{m}"))
            .header(header::COOKIE, &session)
            .header(header::CONTENT_TYPE, "application/json");
        if with_csrf {
            req = req.header("x-csrf-token", &csrf);
        }
        req.body(Body::from(body)).unwrap()
    };
    assert_eq!(app.send(put(false)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.send(put(true)).await.status, StatusCode::OK);
});

both!(the_openapi_document_describes_every_api_route_in_the_source, |app| {
    let r = app.get("/api/openapi.json", "").await;
    let doc: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/api");
    for entry in walk(&src) {
        let text = std::fs::read_to_string(&entry).unwrap();
        for part in text.split(".route(").skip(1) {
            let Some(rest) = part.trim_start().strip_prefix("\"/api/v1") else { continue };
            let path = format!("/api/v1{}", rest.split('"').next().unwrap());
            assert!(doc["paths"].get(&path).is_some(), "{path} missing from openapi.json");
        }
    }
    // Code lists come from the domain: every relation code is offered.
    let relation = &doc["paths"]["/api/v1/households/{hid}/members/{mid}"]["put"]["requestBody"]["content"]["application/json"]
        ["schema"]["properties"]["relation"]["enum"];
    assert_eq!(relation.as_array().unwrap().len(), bangfu_core::household::Relation::ALL.len());
});

fn actor() -> bangfu_core::audit::Actor {
    bangfu_core::audit::Actor { user_id: None, username: "fixture".into(), role: None, ip: None }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

both!(daily_changes_join_leave_income_and_status_check_their_input_and_land_in_history_and_audit, |app| {
    let (session, csrf) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    // 增员 with a wrong check digit: refused with the reason beside the field.
    let mut bad = id("20200101", 21);
    bad.replace_range(17.., if bad.ends_with('0') { "1" } else { "0" });
    let form = |idn: &str| {
        format!(
            "_csrf={csrf}&name={}&sex={}&id_number={idn}&relation={}&joined_on=2020-01-01&join_reason={}",
            enc("王小宝"),
            enc("男"),
            enc("之子"),
            enc("出生")
        )
    };
    let r = app.post(&format!("/households/{h}/members/new"), &session, &form(&bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("校验位错误"));
    let r = app.post(&format!("/households/{h}/members/new"), &session, &form(&id("20200101", 21))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/households/{h}"), &session).await;
    assert!(page.body.contains("王小宝") && page.body.contains("家庭人口</dt><dd>2 人"));
    // 减员 in the future is refused; today with a reason is kept as history.
    let m = app
        .db
        .members(&Scope::everything(), app.shahedian_household)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.data.name == "王小宝")
        .unwrap()
        .id
        .0;
    let r = app
        .post(
            &format!("/households/{h}/members/{m}/leave"),
            &session,
            &format!("_csrf={csrf}&left_on=2999-01-01&left_reason={}", enc("迁出")),
        )
        .await;
    assert!(r.body.contains("日期不能晚于今天"));
    let r = app
        .post(
            &format!("/households/{h}/members/{m}/leave"),
            &session,
            &format!("_csrf={csrf}&left_on=2024-05-01&left_reason={}", enc("迁出")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/households/{h}"), &session).await;
    assert!(page.body.contains("已减员") && page.body.contains("2024年5月1日 迁出"));
    // Income: a negative amount is refused; a good one shows net income per person.
    let r = app
        .post(&format!("/households/{h}/income"), &session, &format!("_csrf={csrf}&income_year=2025&wages=-5"))
        .await;
    assert!(r.body.contains("工资性收入不能为负数"), "{}", r.body);
    let r = app
        .post(
            &format!("/households/{h}/income"),
            &session,
            &format!("_csrf={csrf}&income_year=2025&wages=12000&transfer=2400.5"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/households/{h}"), &session).await;
    assert!(page.body.contains("14,400.50"), "one person: net per person = total");
    // Status: a village worker no longer changes it directly (a visit proposes it for review) …
    let status_form =
        |reason: &str, csrf: &str| format!("_csrf={csrf}&status=exited&effective_on=2025-12-01&reason={}", enc(reason));
    let r = app.post(&format!("/households/{h}/status"), &session, &status_form("2025年度脱贫", &csrf)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!app.get(&format!("/households/{h}"), &session).await.body.contains(&format!("/households/{h}/status")));
    // … the district corrects it: it needs a reason, then it is in the dated history, coloured green.
    let (admin, acsrf) = app.sign_in("admin").await;
    let r = app.post(&format!("/households/{h}/status"), &admin, &status_form("", &acsrf)).await;
    assert!(r.body.contains("请填写变更原因"));
    let r = app.post(&format!("/households/{h}/status"), &admin, &status_form("2025年度脱贫", &acsrf)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/households/{h}"), &session).await;
    assert!(page.body.contains("tag green") && page.body.contains("脱贫状态：未脱贫 → 已脱贫（享受政策）"));
    let (_, n) = app
        .db
        .audit_entries(&AuditFilter { username: Some("shadong".into()), ..Default::default() }, 50, 0)
        .await
        .unwrap();
    assert_eq!(n, 1 + 3, "a sign-in and three changes (the refused status change left nothing)");
});

both!(a_clerk_registers_a_household_in_their_own_township_only_and_corrects_it, |app| {
    let (session, csrf) = app.sign_in("shahedian").await;
    let form = |village: &str, head_id: &str| {
        format!(
            "_csrf={csrf}&household_no=4117021012020001&village_code={village}&household_type={}&standard={}&attribute={}&main_cause={}&status={}&head_name={}&head_sex={}&head_id_number={head_id}",
            enc("脱贫户"),
            enc("国家标准"),
            enc("一般贫困户"),
            enc("因残"),
            enc("未脱贫"),
            enc("刘德华"),
            enc("男")
        )
    };
    let head_id = id("19610927", 13);
    let mut bad = head_id.clone();
    bad.replace_range(17.., if bad.ends_with('0') { "1" } else { "0" });
    let r = app.post("/households/new", &session, &form("411702101202", &bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("户主证件号码：校验位错误"), "{}", r.body);
    // 蚁蜂镇's village is not offered and not accepted.
    let page = app.get("/households/new", &session).await;
    assert!(page.body.contains("杨庄村民委员会") && !page.body.contains("老庄村民委员会"));
    let outside = form("411702104201", &head_id).replace("household_no=4117021012020001", "household_no=");
    let r = app.post("/households/new", &session, &outside).await;
    assert!(r.body.contains("不存在或不在您的管辖范围内"), "{}", r.body);
    // 户编号 must be this village's code and a sequence.
    let r = app.post("/households/new", &session, &form("411702101203", &head_id)).await;
    assert!(r.body.contains("户编号应为村代码“411702101203”加4至8位序号"), "{}", r.body);
    // 户类型 and the head's 性别 are the user's answers: the form preselects neither, and a form
    // sent without 户类型 is refused with nothing saved (a blank in an old file means 脱贫户).
    let page = app.get("/households/new", &session).await;
    assert!(
        page.body.contains(r#"<select name="household_type"><option value="" selected>（请选择）</option>"#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"<select name="head_sex"><option value="" selected>（请选择）</option>"#));
    let untyped = form("411702101202", &head_id).replace(&format!("household_type={}&", enc("脱贫户")), "");
    let r = app.post("/households/new", &session, &untyped).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择户类型") && r.body.contains("刘德华"), "the typed head is kept: {}", r.body);
    let r = app.post("/households/new", &session, &form("411702101202", &head_id)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location.unwrap();
    let page = app.get(&path, &session).await;
    assert!(page.body.contains("刘德华户") && page.body.contains("杨庄村民委员会"));
    // Correct the phone number; the status cannot be changed through this form.
    let edit = app.get(&format!("{path}/edit"), &session).await;
    assert!(edit.body.contains("4117021012020001") && !edit.body.contains("name=\"status\""));
    let r = app
        .post(&format!("{path}/edit"), &session, &format!("{}&version=1&phone=13611112222", form("411702101202", "")))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (log, _) = app
        .db
        .audit_entries(&AuditFilter { username: Some("shahedian".into()), ..Default::default() }, 10, 0)
        .await
        .unwrap();
    assert!(log.iter().any(|e| e.field.as_deref() == Some("phone") && e.after_value.as_deref() == Some("13611112222")));
    assert!(
        log.iter()
            .any(|e| e.action == bangfu_core::audit::AuditAction::Create
                && e.object_type.as_deref() == Some("household"))
    );
});

both!(the_household_list_filters_by_area_but_never_beyond_the_users_own, |app| {
    let (admin, _) = app.sign_in("admin").await;
    let r = app.get("/households?area=411702104000", &admin).await;
    assert!(r.body.contains("共 1 户") && r.body.contains("赵铁柱"));
    assert!(r.body.contains(r#"value="驿城区 · 蚁蜂镇""#), "the chosen township is shown by name");
    let (clerk, _) = app.sign_in("shahedian").await;
    let r = app.get("/households?area=411702104000", &clerk).await;
    assert!(r.body.contains("共 0 户"), "another township as a filter finds nothing");
    assert!(!r.body.contains("老庄村民委员会"), "and its villages are not offered");
});

both!(the_interface_is_chinese_by_default_and_switches_to_english, |app| {
    let (session, _) = app.sign_in("admin").await;
    let zh = app.get("/households", &session).await;
    assert!(zh.body.contains("<html lang=\"zh-CN\">") && zh.body.contains("共 2 户") && zh.body.contains("未脱贫"));
    let r = app
        .send(
            Request::get("/lang/en")
                .header(header::REFERER, "http://127.0.0.1:8080/households?q=w")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/households?q=w"));
    let lang = cookie_pair(&r.cookies, "bangfu_lang");
    let en = app.get("/households", &format!("{session}; {lang}")).await;
    assert!(en.body.contains("<html lang=\"en\">") && en.body.contains("2 households"), "{}", en.body);
    assert!(en.body.contains("Households") && en.body.contains("Sign out"));
    let page = app.get(&format!("/households/{}", app.shahedian_household.0), &format!("{session}; {lang}")).await;
    assert!(page.body.contains("Members") && page.body.contains("Relation to head"));
    let login = app.get("/login", &lang).await;
    assert!(login.body.contains("User name"));
});

both!(the_api_registers_and_changes_households_with_the_same_rules_and_scope, |app| {
    let token = api_token(&app, "shahedian").await;
    let head = id("19700505", 15);
    let body = |village: &str| {
        format!(
            r#"{{"household_no":"4117021012030001","village_code":"{village}","standard":"国家标准","attribute":"低保贫困户","main_cause":"因病","status":"未脱贫",
            "members":[{{"name":"周大勇","sex":"男","id_number":"{head}","relation":"户主"}},{{"name":"吴小花","sex":"男","id_number":"123","relation":"配偶"}}]}}"#
        )
    };
    let r = app.api("POST", "/api/v1/households", &token, Some(&body("411702101203"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("members[1].id_number"), "{}", r.body);
    let good = body("411702101203").replace(
        r#"{"name":"吴小花","sex":"男","id_number":"123","relation":"配偶"}"#,
        &format!(r#"{{"name":"吴小花","sex":"女","id_number":"{}","relation":"配偶"}}"#, id("19720808", 16)),
    );
    let outside = good.replace("411702101203", "411702104201");
    let r = app.api("POST", "/api/v1/households", &token, Some(&outside)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "another township's village is refused");
    let r = app.api("POST", "/api/v1/households", &token, Some(&good)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let hid = v["household_id"].as_i64().unwrap();
    assert_eq!(v["size"], 2);
    // A child is born; the wife's record stays when she leaves; a year's income; the status changes.
    let r = app.api("POST", &format!("/api/v1/households/{hid}/members"), &token,
        Some(&format!(r#"{{"name":"周小勇","sex":"男","id_number":"{}","relation":"之子","joined_on":"2020-01-01","join_reason":"出生"}}"#, id("20200101", 17)))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let wife = v["members"][1]["member_id"].as_i64().unwrap();
    let r = app
        .api(
            "POST",
            &format!("/api/v1/households/{hid}/members/{wife}/leave"),
            &token,
            Some(r#"{"left_on":"2024-02-02","reason":"婚出"}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app
        .api(
            "PUT",
            &format!("/api/v1/households/{hid}/incomes/2025"),
            &token,
            Some(r#"{"wages":"20000","transfer":"1000.50"}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["incomes"][0]["net_per_person_fen"], 1_050_025, "(20 000 + 1 000.50) ÷ 2 people");
    // The status is the district's to correct: the township's token is refused, the district's is not.
    let change = r#"{"status":"exited","effective_on":"2025-12-31","reason":"2025年度脱贫"}"#;
    let r = app.api("POST", &format!("/api/v1/households/{hid}/status"), &token, Some(change)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let district = api_token(&app, "admin").await;
    let r = app.api("POST", &format!("/api/v1/households/{hid}/status"), &district, Some(change)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Another township's household cannot be changed, and looks missing.
    let r = app
        .api(
            "POST",
            &format!("/api/v1/households/{}/status", app.yifeng_household.0),
            &token,
            Some(r#"{"status":"exited","effective_on":"2025-12-31","reason":"x"}"#),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

/// Collects log output in memory for one test.
#[derive(Clone, Default)]
struct LogBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

both!(log_lines_name_routes_and_never_carry_a_full_id_number, |app| {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let (session, csrf) = app.sign_in("admin").await;
    app.get(&format!("/households?q={}", app.full_id), &session).await;
    let token = api_token(&app, "admin").await;
    app.api("GET", &format!("/api/v1/households?q={}", app.full_id), &token, None).await;
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let mut bad = app.full_id.clone();
    bad.replace_range(17.., if bad.ends_with('0') { "1" } else { "0" });
    app.post(
        &format!("/households/{h}/members/{m}/edit"),
        &session,
        &format!("_csrf={csrf}&name=x&sex=%E7%94%B7&relation=%E6%88%B7%E4%B8%BB&id_number={bad}"),
    )
    .await;
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(text.contains("route=/households"), "requests are logged by route: {text}");
    assert!(!text.contains(&app.full_id) && !text.contains(&bad), "a full ID number reached the log: {text}");
});

both!(a_failure_of_the_system_is_logged_once_and_its_page_gives_the_request_number, |app| {
    let logs = LogBuffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let (session, _) = app.sign_in("admin").await;
    // Storage breaks under the page: its history table is gone.
    let sql = "alter table household_history rename to household_history_gone";
    match app.db.pool() {
        bangfu_db::Pool::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        bangfu_db::Pool::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    }
    .unwrap();
    let r = app.get(&format!("/households/{}", app.shahedian_household.0), &session).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.body.contains("出错了") && r.body.contains("系统暂时无法完成这项操作"), "{}", r.body);
    let number: String = r
        .body
        .split("请求编号 ")
        .nth(1)
        .expect("the page names the request")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(!number.is_empty());
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(" ERROR ")).collect();
    assert_eq!(errors.len(), 1, "one failure, one error line: {text}");
    assert!(errors[0].contains(&format!("request_id={number}")) && errors[0].contains("page failed"), "{}", errors[0]);
    // The API says the same, with the number in its message.
    let token = api_token(&app, "admin").await;
    let r = app.api("GET", &format!("/api/v1/households/{}", app.shahedian_household.0), &token, None).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.body.contains("系统暂时无法完成这项操作（请求编号 "), "{}", r.body);
});

// Every state-changing route, by a user of each role, on a record outside their area: the
// record does not exist for them (404), and an auditor may change nothing (403).
both!(every_change_route_refuses_records_outside_the_users_area, |app| {
    let out = app.yifeng_household.0;
    let m_out = first_member(&app, app.yifeng_household).await;
    let w = work_fixture(&app.db, app.yifeng_household, "411702104201").await;
    let their_helper = {
        use bangfu_core::store::AssistanceStore;
        let f: HashMap<&str, &str> = [("name", "孙干事"), ("area_code", "411702104201")].into_iter().collect();
        let data = bangfu_core::assistance::HelperData::parse(&f, chrono::Local::now().date_naive()).unwrap();
        app.db.create_helper(&Scope::everything(), &data, &actor()).await.unwrap()
    };
    let forms = [
        format!("/helpers/{their_helper}/retire"),
        format!("/households/{out}/plans/new"),
        format!("/plans/{}/measures/new", w.plan),
        format!("/measures/{}/progress", w.measure),
        format!("/households/{out}/visits/new"),
        format!("/visits/{}/follow-up", w.visit),
        format!("/visits/{}/review", w.visit),
        "/teams/411702104201/members/new".to_owned(),
        format!("/team-members/{}/recall", w.member),
        format!("/households/{out}/members/{m_out}/edit"),
        format!("/households/{out}/members/{m_out}/reveal"),
        format!("/households/{out}/members/new"),
        format!("/households/{out}/members/{m_out}/leave"),
        format!("/households/{out}/income"),
        format!("/households/{out}/status"),
        format!("/households/{out}/monitoring/open"),
        format!("/households/{out}/monitoring/clear"),
        format!("/households/{out}/edit"),
        format!("/households/{out}/helper"),
    ];
    let apis = [
        ("PUT", format!("/api/v1/households/{out}/members/{m_out}"), "{}"),
        ("POST", format!("/api/v1/households/{out}/members"), "{}"),
        ("POST", format!("/api/v1/households/{out}/members/{m_out}/leave"), r#"{"left_on":"2024-01-01","reason":"x"}"#),
        ("PUT", format!("/api/v1/households/{out}/incomes/2025"), r#"{"wages":"1"}"#),
        (
            "POST",
            format!("/api/v1/households/{out}/status"),
            r#"{"status":"exited","effective_on":"2024-01-01","reason":"x"}"#,
        ),
        ("POST", format!("/api/v1/households/{out}/helper"), r#"{"helper_id":1,"start_on":"2024-01-01"}"#),
        ("POST", format!("/api/v1/households/{out}/episodes"), r#"{"monitoring_type":"hardship"}"#),
        ("POST", format!("/api/v1/households/{out}/episodes/clear"), r#"{"cleared_on":"2025-01-01"}"#),
        ("POST", format!("/api/v1/households/{out}/plans"), "{}"),
        ("POST", format!("/api/v1/plans/{}/measures", w.plan), "{}"),
        ("POST", format!("/api/v1/measures/{}/progress", w.measure), r#"{"status":"done"}"#),
        ("POST", format!("/api/v1/households/{out}/visits"), "{}"),
        ("POST", format!("/api/v1/visits/{}/follow-up", w.visit), "{}"),
        ("POST", format!("/api/v1/visits/{}/review", w.visit), r#"{"accept":true}"#),
        ("POST", "/api/v1/teams/411702104201/members".to_owned(), r#"{"name":"x","start_on":"2024-01-01"}"#),
        ("POST", format!("/api/v1/helpers/{their_helper}/retire"), r#"{"end_on":"2025-01-01","reason":"x"}"#),
    ];
    // Arranging work and reviewing proposals are not a village worker's at all: refused (403)
    // before any record is looked up, so the answer says nothing about the record either.
    let arranging = |path: &str| {
        path.ends_with("/retire") || path.ends_with("/review") || path.contains("/teams/") || path.contains("/recall")
    };
    for (role, want) in
        [("shahedian", StatusCode::NOT_FOUND), ("shadong", StatusCode::NOT_FOUND), ("auditor", StatusCode::FORBIDDEN)]
    {
        let want_for = |path: &str| if role == "shadong" && arranging(path) { StatusCode::FORBIDDEN } else { want };
        let (session, csrf) = app.sign_in(role).await;
        for path in &forms {
            let r = app.post(path, &session, &format!("_csrf={csrf}")).await;
            assert_eq!(r.status, want_for(path), "{role} POST {path}");
        }
        let token = api_token(&app, role).await;
        for (method, path, body) in &apis {
            let r = app.api(method, path, &token, Some(body)).await;
            assert_eq!(r.status, want_for(path), "{role} {method} {path}: {}", r.body);
        }
    }
    // Nothing happened to the household or its work.
    let h = app.db.household(&Scope::everything(), app.yifeng_household).await.unwrap();
    assert_eq!((h.size, h.data.status), (1, Some(bangfu_core::household::PovertyStatus::Poor)));
    assert_eq!(h.monitoring_type, None, "the proposal was not accepted");
    let all = Scope::everything();
    let episodes = bangfu_core::store::MonitoringStore::episodes(&app.db, &all, app.yifeng_household);
    assert!(episodes.await.unwrap().is_empty());
    use bangfu_core::store::{PlanStore, VisitStore};
    let plans = app.db.plans(&Scope::everything(), app.yifeng_household).await.unwrap();
    assert_eq!((plans.len(), plans[0].measures.len()), (1, 1));
    assert_eq!(plans[0].measures[0].status, bangfu_core::assistance::MeasureStatus::Planned);
    let visits = app.db.visits(&Scope::everything(), app.yifeng_household).await.unwrap();
    assert_eq!((visits.len(), visits[0].follow_up_done_on), (1, None));
    use bangfu_core::store::AssistanceStore;
    assert!(app.db.helpers(&Scope::everything()).await.unwrap().iter().any(|h| h.id == their_helper), "still active");
});

both!(the_worklist_shows_a_household_without_a_helper_until_one_is_assigned, |app| {
    use bangfu_core::store::AssistanceStore;
    let shahedian = Scope::of(&app.db.area(&AreaCode::parse("411702101000").unwrap()).await.unwrap().unwrap());
    let f: HashMap<&str, &str> =
        [("name", "李干事"), ("area_code", "411702101201"), ("post", "驻村第一书记")].into_iter().collect();
    let data = bangfu_core::assistance::HelperData::parse(&f, chrono::Local::now().date_naive()).unwrap();
    let li = app.db.create_helper(&shahedian, &data, &actor()).await.unwrap();
    let (session, csrf) = app.sign_in("shadong").await;
    let list = app.get("/worklist", &session).await;
    assert!(list.body.contains("无帮扶责任人（1）") && list.body.contains("王建国"), "{}", list.body);
    let home = app.get("/", &session).await;
    assert!(
        home.body.contains("data-reason=\"no_helper\">无帮扶责任人<span class=\"count\">1</span>"),
        "{}",
        home.body
    );
    let h = app.shahedian_household.0;
    assert!(app.get(&format!("/households/{h}"), &session).await.body.contains("尚无帮扶责任人"));
    let r = app
        .post(&format!("/households/{h}/helper"), &session, &format!("_csrf={csrf}&helper_id={li}&start_on=2099-01-01"))
        .await;
    assert!(r.body.contains("开始日期不能晚于今天"), "{}", r.body);
    let r = app
        .post(&format!("/households/{h}/helper"), &session, &format!("_csrf={csrf}&helper_id={li}&start_on=2025-01-01"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = app.get("/worklist", &session).await;
    assert!(list.body.contains("无帮扶责任人（0）") && list.body.contains("这个清单上没有农户"));
    assert!(app.get(&format!("/households/{h}"), &session).await.body.contains("李干事"));
    // The same through the API, scoped: the village worker's token sees an empty worklist.
    let token = api_token(&app, "shadong").await;
    let r = app.api("GET", "/api/v1/worklist", &token, None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["no_helper"]["total"], 0);
    let admin = api_token(&app, "admin").await;
    let r = app.api("GET", "/api/v1/worklist", &admin, None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["no_helper"]["total"], 1, "蚁蜂镇's household still has none");
});

/// A multipart body with a CSRF token, a note and (optionally) a file.
fn multipart(csrf: &str, note: &str, file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----bangfu-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [("_csrf", csrf), ("note", note)] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend(b"\r\n");
    }
    body.extend(format!("--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl App {
    async fn upload(&self, path: &str, cookie: &str, body: (String, Vec<u8>)) -> Reply {
        self.send(
            Request::post(path)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, body.0)
                .body(Body::from(body.1))
                .unwrap(),
        )
        .await
    }
}

both!(a_plan_with_measures_is_written_from_the_household_page_and_closes_the_no_plan_gap, |app| {
    use chrono::Datelike;
    let year = chrono::Local::now().date_naive().year();
    let (session, csrf) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    let list = app.get("/worklist?reason=no_plan", &session).await;
    assert!(list.body.contains("本年度无帮扶计划（1）") && list.body.contains("王建国"), "{}", list.body);
    let page = app.get(&format!("/households/{h}"), &session).await;
    assert!(page.body.contains("本年度尚无帮扶计划") && page.body.contains(&format!("制定{year}年帮扶计划")));
    // The form comes filled with this year, today and the head of household.
    let form = app.get(&format!("/households/{h}/plans/new"), &session).await;
    assert!(form.body.contains("户主王建国") && form.body.contains(&format!("value=\"{year}\"")));
    let r = app
        .post(
            &format!("/households/{h}/plans/new"),
            &session,
            &format!("_csrf={csrf}&year={year}&written_on={year}-01-05&written_with=&goal="),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写参与制定的家庭成员"), "{}", r.body);
    let r = app
        .post(
            &format!("/households/{h}/plans/new"),
            &session,
            &format!("_csrf={csrf}&year={year}&written_on={year}-01-05&written_with={}&goal=", enc("户主王建国")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app.get("/worklist?reason=no_plan", &session).await.body.contains("本年度无帮扶计划（0）"));
    use bangfu_core::store::PlanStore;
    let plan = app.db.plans(&Scope::everything(), app.shahedian_household).await.unwrap()[0].id;
    // A due date before the plan year: the reason beside the field, nothing stored.
    let measure = |due: &str| {
        format!(
            "_csrf={csrf}&kind=industry&content={}&responsible={}&due_on={due}&amount=8000",
            enc("发放肉牛2头"),
            enc("李干事")
        )
    };
    let r = app.post(&format!("/plans/{plan}/measures/new"), &session, &measure(&format!("{}-12-31", year - 1))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(&format!("完成期限不能早于计划年度（{year}年1月1日）")), "{}", r.body);
    assert!(app.db.plans(&Scope::everything(), app.shahedian_household).await.unwrap()[0].measures.is_empty());
    let r = app.post(&format!("/plans/{plan}/measures/new"), &session, &measure(&format!("{year}-12-31"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/households/{h}"), &session).await;
    assert!(page.body.contains("发放肉牛2头") && page.body.contains("8,000.00元") && page.body.contains("计划中"));
    // The card and the handbook print it without typing anything again.
    let card = app.get(&format!("/households/{h}/card"), &session).await;
    assert!(card.body.contains("帮扶明白卡") && card.body.contains("发放肉牛2头"), "{}", card.body);
    let book = app.get(&format!("/households/{h}/handbook"), &session).await;
    assert!(book.body.contains("帮扶手册") && book.body.contains("发放肉牛2头") && !book.body.contains(&app.full_id));
    // Progress: done moves the measure; a dropped one needs its reason.
    let m = app.db.plans(&Scope::everything(), app.shahedian_household).await.unwrap()[0].measures[0].id;
    let r = app
        .post(
            &format!("/measures/{m}/progress"),
            &session,
            &format!("_csrf={csrf}&status=dropped&on={year}-01-06&reason="),
        )
        .await;
    assert!(r.body.contains("取消措施须填写原因"), "{}", r.body);
    let today = chrono::Local::now().date_naive();
    let r = app
        .post(&format!("/measures/{m}/progress"), &session, &format!("_csrf={csrf}&status=done&on={today}&reason="))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app.get(&format!("/households/{h}"), &session).await.body.contains("已完成"));
});

both!(a_visit_recorded_on_the_phone_form_clears_not_visited_and_its_proposal_waits_for_review, |app| {
    let (worker, csrf) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    let list = app.get("/worklist?reason=not_visited", &worker).await;
    assert!(list.body.contains("超期未走访（1）") && list.body.contains("超过 30 天未走访即列入"), "{}", list.body);
    assert!(list.body.contains("从未走访"), "the row says why");
    // The quick form is filled with today and the worker's own name.
    let form = app.get(&format!("/households/{h}/visits/new"), &worker).await;
    let today = chrono::Local::now().date_naive().to_string();
    assert!(form.body.contains(&today) && form.body.contains("shadong的名字"));
    let bad = app
        .post(
            &format!("/households/{h}/visits/new"),
            &worker,
            &format!("_csrf={csrf}&visited_on=2099-01-01&visitors=x&found="),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("走访日期不能晚于今天") && bad.body.contains("请填写走访情况"));
    let r = app
        .post(
            &format!("/households/{h}/visits/new"),
            &worker,
            &format!(
                "_csrf={csrf}&visited_on={today}&visitors={}&found={}&proposal=status%3Aexited&proposal_reason={}",
                enc("李干事"),
                enc("牛已出栏，收入稳定"),
                enc("人均纯收入已超过标准")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app.get("/worklist?reason=not_visited", &worker).await.body.contains("超期未走访（0）"));
    let page = app.get(&format!("/households/{h}"), &worker).await;
    assert!(page.body.contains("牛已出栏，收入稳定") && page.body.contains("待审核"));
    // The village worker proposes; the township reviews.
    use bangfu_core::store::VisitStore;
    let v = app.db.visits(&Scope::everything(), app.shahedian_household).await.unwrap()[0].id;
    assert_eq!(
        app.post(&format!("/visits/{v}/review"), &worker, &format!("_csrf={csrf}&decision=accept")).await.status,
        StatusCode::FORBIDDEN
    );
    let (town, tcsrf) = app.sign_in("shahedian").await;
    assert!(app.get("/worklist?reason=proposal_pending", &town).await.body.contains("变更建议待审核（1）"));
    let r = app.post(&format!("/visits/{v}/review"), &town, &format!("_csrf={tcsrf}&decision=reject&note=")).await;
    assert!(r.body.contains("不采纳时请写明理由"), "{}", r.body);
    let r = app
        .post(&format!("/visits/{v}/review"), &town, &format!("_csrf={tcsrf}&decision=accept&note={}", enc("已核实")))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let hh = app.db.household(&Scope::everything(), app.shahedian_household).await.unwrap();
    assert_eq!(hh.data.status, Some(bangfu_core::household::PovertyStatus::Exited));
    assert!(app.get("/worklist?reason=proposal_pending", &town).await.body.contains("变更建议待审核（0）"));
});

both!(evidence_uploads_are_checked_stored_and_served_only_inside_the_area, |app| {
    let w = work_fixture(&app.db, app.shahedian_household, "411702101201").await;
    let (session, csrf) = app.sign_in("shadong").await;
    let path = format!("/measures/{}/evidence", w.measure);
    let form = app.get(&path, &session).await;
    assert!(form.body.contains("<html lang=\"zh-CN\">") && form.body.contains("enctype=\"multipart/form-data\""));
    assert_eq!(
        form.body.matches(r#"<script src="/static/evidence.js" defer></script>"#).count(),
        1,
        "the photo-shrinking script, once, a static file (no inline script)"
    );
    assert!(!form.body.contains("<script>"));
    let r =
        app.upload(&path, &session, multipart(&csrf, "", Some(("photo.jpg", b"just some text, not a photo")))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("只能上传照片（JPG、PNG、WebP）或 PDF 文件"), "{}", r.body);
    let mut big = vec![0u8; 6 * 1024 * 1024];
    big[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
    let r = app.upload(&path, &session, multipart(&csrf, "", Some(("big.jpg", &big)))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("文件太大"), "{}", r.body);
    let huge = vec![0xFFu8; 11 * 1024 * 1024];
    let r = app.upload(&path, &session, multipart(&csrf, "", Some(("huge.jpg", &huge)))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "over the body limit: still a Chinese message");
    assert!(r.body.contains("文件太大"), "{}", r.body);
    use bangfu_core::store::PlanStore;
    let count = || async {
        app.db.plans(&Scope::everything(), app.shahedian_household).await.unwrap()[0].measures[0].evidence.len()
    };
    assert_eq!(count().await, 1, "only the fixture's photo: nothing bad was stored");
    let r = app.upload(&path, &session, multipart(&csrf, "牛棚已建成", Some(("C:\\\\照片\\\\牛棚.png", PNG)))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(count().await, 2);
    let id = app.db.plans(&Scope::everything(), app.shahedian_household).await.unwrap()[0].measures[0].evidence[1].id;
    let page = app.get(&format!("/households/{}", app.shahedian_household.0), &session).await;
    assert!(page.body.contains("牛棚.png") && page.body.contains("牛棚已建成"));
    let res = app
        .router
        .clone()
        .oneshot(Request::get(format!("/evidence/{id}")).header(header::COOKIE, &session).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(&axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap()[..], PNG);
    // A forged request stores nothing; another township's user gets the same 404 as a missing file.
    let r = app.upload(&path, &session, multipart("forged", "x", None)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (other, _) = app.sign_in("admin").await;
    assert_eq!(app.get(&format!("/evidence/{id}"), &other).await.status, StatusCode::OK);
    let yifeng_user = {
        app.db
            .create_user(&NewUser {
                username: "yifeng".into(),
                display_name: "蚁蜂镇".into(),
                phone: None,
                role: Role::TownshipStaff,
                area_code: AreaCode::parse("411702104000").unwrap(),
                password_hash: hash_password("correct-horse").unwrap(),
                must_change_password: false,
            })
            .await
            .unwrap();
        app.sign_in("yifeng").await.0
    };
    assert_eq!(
        app.get(&format!("/evidence/{id}"), &yifeng_user).await.body,
        app.get("/evidence/99999999", &yifeng_user).await.body
    );
    assert_eq!(app.get(&format!("/evidence/{id}"), &yifeng_user).await.status, StatusCode::NOT_FOUND);
    // The API takes the same upload and refuses the same bad file.
    let token = api_token(&app, "shadong").await;
    let (ctype, body) = multipart("", "", Some(("a.jpg", b"not an image")));
    let r = app
        .send(
            Request::post(format!("/api/v1/measures/{}/evidence", w.measure))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, ctype)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("\"field\":\"file\""), "{}", r.body);
    assert_eq!(count().await, 2);
});

both!(district_and_township_staff_see_worklist_counts_per_area_and_teams_with_warnings, |app| {
    let (admin, _) = app.sign_in("admin").await;
    let page = app.get("/worklist?reason=no_helper", &admin).await;
    assert!(
        page.body.contains("各地情况") && page.body.contains("沙河店镇") && page.body.contains("蚁蜂镇"),
        "{}",
        page.body
    );
    assert!(page.body.contains("无帮扶责任人（2）"));
    // Drilling into a township shows its villages; a village worker cannot drill outside.
    let town = app.get("/worklist?reason=no_helper&area=411702101000", &admin).await;
    assert!(town.body.contains("无帮扶责任人（1）") && town.body.contains("沙东村"), "{}", town.body);
    let (worker, _) = app.sign_in("shadong").await;
    assert_eq!(app.get("/worklist?area=411702104000", &worker).await.status, StatusCode::NOT_FOUND);
    // Teams: a village with one member is warned about; adding members clears it.
    let w = work_fixture(&app.db, app.shahedian_household, "411702101201").await;
    let _ = w;
    let (clerk, csrf) = app.sign_in("shahedian").await;
    let teams = app.get("/teams", &clerk).await;
    assert!(teams.body.contains("工作队仅1人，不足3人") && teams.body.contains("未派驻工作队"), "{}", teams.body);
    for name in ["刘队员", "陈队员"] {
        let r = app
            .post(
                "/teams/411702101201/members/new",
                &clerk,
                &format!("_csrf={csrf}&name={}&role=member&phone=13900000001&start_on=2025-03-01&unit_id=", enc(name)),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let team = app.get("/teams/411702101201", &clerk).await;
    assert!(team.body.contains("张书记") && team.body.contains("陈队员") && !team.body.contains("不足3人"));
    let token = api_token(&app, "admin").await;
    let r = app.api("GET", "/api/v1/worklist-counts", &token, None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["totals"]["no_helper"], 2);
    let r = app.api("GET", "/api/v1/worklist/not_visited", &token, None).await;
    let wl: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let note = &wl["notes"][app.shahedian_household.0.to_string()];
    assert_eq!((note["kind"].as_str(), note["on"].as_str()), (Some("last_visit"), Some("2025-06-01")), "{}", r.body);
    assert_eq!(
        v["areas"].as_array().unwrap().iter().find(|a| a["name"] == "沙河店镇").unwrap()["counts"]["no_helper"],
        1
    );
});

both!(a_township_clerk_registers_a_helper_only_inside_the_township_and_never_a_registered_poor_person, |app| {
    let (clerk, csrf) = app.sign_in("shahedian").await;
    let form = |name: &str, area: &str, idn: &str| {
        format!("_csrf={csrf}&name={}&phone=13900001111&post=&unit_id=&area_code={area}&id_number={idn}", enc(name))
    };
    let r = app.post("/helpers/new", &clerk, &form("孙干事", "411702104201", "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不在您的管辖范围内"), "{}", r.body);
    let r = app.post("/helpers/new", &clerk, &form("王建国", "411702101201", &app.full_id)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不能担任帮扶责任人"), "{}", r.body);
    let r = app.post("/helpers/new", &clerk, &form("李干事", "411702101201", "")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app.get("/helpers", &clerk).await.body.contains("李干事"));
    // 调离: the helper's household goes back on the no-helper list.
    use bangfu_core::store::AssistanceStore;
    let li =
        app.db.helpers(&Scope::everything()).await.unwrap().into_iter().find(|h| h.data.name == "李干事").unwrap().id;
    let h = app.shahedian_household.0;
    let r = app
        .post(&format!("/households/{h}/helper"), &clerk, &format!("_csrf={csrf}&helper_id={li}&start_on=2025-01-01"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r =
        app.post(&format!("/helpers/{li}/retire"), &clerk, &format!("_csrf={csrf}&end_on=2025-06-01&reason=")).await;
    assert!(r.body.contains("请填写调离原因"), "{}", r.body);
    let r = app
        .post(
            &format!("/helpers/{li}/retire"),
            &clerk,
            &format!("_csrf={csrf}&end_on=2025-06-01&reason={}", enc("调往区直单位")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app.get("/worklist?reason=no_helper", &clerk).await.body.contains("王建国"));
    let (other, _) = app.sign_in("shadong").await;
    assert_eq!(app.post("/helpers/new", &other, &form("x", "411702101201", "")).await.status, StatusCode::FORBIDDEN);
});

both!(pairings_settings_and_recalls_check_their_input_and_are_for_the_right_roles_only, |app| {
    use bangfu_core::store::{TeamStore, UnitStore, WorklistStore};
    let unit = app
        .db
        .create_unit(
            &Scope::everything(),
            &bangfu_core::assistance::UnitData {
                name: "人民街道办事处".into(),
                level: bangfu_core::assistance::UnitLevel::Township,
                area_code: AreaCode::parse("411702001000").unwrap(),
            },
            &actor(),
        )
        .await
        .unwrap();
    let (admin, csrf) = app.sign_in("admin").await;
    let form = |area: &str, start: &str| format!("_csrf={csrf}&unit_id={unit}&area_code={area}&start_on={start}&note=");
    let r = app.post("/pairings/new", &admin, &form("411702101000", "2099-01-01")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("开始日期不能晚于今天"), "{}", r.body);
    assert_eq!(
        app.post("/pairings/new", &admin, &form("411702101000", "2024-01-01")).await.status,
        StatusCode::SEE_OTHER
    );
    let r = app.post("/pairings/new", &admin, &form("411702101000", "2024-02-01")).await;
    assert!(r.body.contains("已在结对帮扶中"), "{}", r.body);
    assert_eq!(app.db.pairings(&Scope::everything()).await.unwrap().len(), 1, "the second was not stored");
    let (clerk, ccsrf) = app.sign_in("shahedian").await;
    let r = app
        .post(
            "/pairings/new",
            &clerk,
            &format!("_csrf={ccsrf}&unit_id={unit}&area_code=411702101201&start_on=2024-01-01"),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The visit interval: 1 to 365 days, district admins only.
    let r = app.post("/settings", &admin, &format!("_csrf={csrf}&visit_interval_days=0")).await;
    assert!(r.body.contains("走访间隔应为1至365之间的天数"), "{}", r.body);
    assert_eq!(
        app.post("/settings", &admin, &format!("_csrf={csrf}&visit_interval_days=45")).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.db.visit_interval_days().await.unwrap(), 45);
    assert_eq!(
        app.post("/settings", &clerk, &format!("_csrf={ccsrf}&visit_interval_days=10")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.db.visit_interval_days().await.unwrap(), 45);
    // Recalling a team member needs a reason; the record stays.
    let w = work_fixture(&app.db, app.shahedian_household, "411702101201").await;
    let r = app
        .post(
            &format!("/team-members/{}/recall", w.member),
            &clerk,
            &format!("_csrf={ccsrf}&end_on=2025-01-01&reason="),
        )
        .await;
    assert!(r.body.contains("请填写召回原因"), "{}", r.body);
    let r = app
        .post(
            &format!("/team-members/{}/recall", w.member),
            &clerk,
            &format!("_csrf={ccsrf}&end_on=2025-01-01&reason={}", enc("任期届满")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let gone = app.db.team_member(&Scope::everything(), bangfu_core::ids::TeamMemberId(w.member)).await.unwrap();
    assert_eq!(
        (gone.end_on.map(|d| d.to_string()), gone.end_reason.as_deref()),
        (Some("2025-01-01".into()), Some("任期届满"))
    );
});

// ---------------------------------------------------------------- income and lines

both!(the_district_enters_and_adjusts_a_line_on_the_page_and_a_township_user_cannot, |app| {
    let (admin, csrf) = app.sign_in("admin").await;
    let form = |amount: &str, reason: &str| {
        format!(
            "_csrf={csrf}&kind=monitoring&year=2025&area_code=410000000000&amount={amount}&document_no={}&example={}&note=&reason={}",
            enc("豫农组〔2025〕3号"),
            enc("否"),
            enc(reason)
        )
    };
    // A bad amount and no reason: both named beside their fields, what was typed kept.
    let r = app.post("/lines/new", &admin, &form("七千", "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写调整原因") && r.body.contains("value=\"七千\""), "{}", r.body);
    let r = app.post("/lines/new", &admin, &form("7200", "省里发文")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.location.unwrap();
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    let edit = app.get(&format!("/lines/{id}/edit"), &admin).await;
    assert!(edit.body.contains(r#"name="version" value="1""#), "the form carries the version it read");
    let r = app.post(&format!("/lines/{id}/edit"), &admin, &format!("{}&version=1", form("7500", "年中调整"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A second adjustment from a form read before the first: refused, who adjusted it named,
    // what was typed kept, and the form now at the current version.
    let r = app.post(&format!("/lines/{id}/edit"), &admin, &format!("{}&version=1", form("7300", "另一份通知"))).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("被 admin的名字 修改：标准；请核对后再保存"), "{}", r.body);
    assert!(r.body.contains("value=\"7300\"") && r.body.contains(r#"name="version" value="2""#), "{}", r.body);
    let page = app.get(&at, &admin).await;
    assert!(page.body.contains("7,200.00 → 7,500.00") && page.body.contains("年中调整"), "{}", page.body);
    let list = app.get("/lines", &admin).await;
    assert!(list.body.contains("7,500.00") && list.body.contains("3,218.00"), "seeded national lines are listed");
    // The margin setting: refused out of range, saved in range.
    let r = app.post("/lines/margin", &admin, &format!("_csrf={csrf}&margin_percent=0")).await;
    assert!(r.body.contains("接近范围应为1至100之间的百分数"));
    let r = app.post("/lines/margin", &admin, &format!("_csrf={csrf}&margin_percent=15")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A township user reads the lines but cannot enter or adjust one, on the page or the API.
    let (township, tcsrf) = app.sign_in("shahedian").await;
    assert_eq!(app.get("/lines", &township).await.status, StatusCode::OK);
    let r = app.post(&format!("/lines/{id}/edit"), &township, &format!("_csrf={tcsrf}&amount=1&reason=x")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let token = api_token(&app, "shahedian").await;
    let body = r#"{"kind":"monitoring","year":2025,"area_code":"411702101000","amount":"9000","reason":"试"}"#;
    assert_eq!(app.api("POST", "/api/v1/lines", &token, Some(body)).await.status, StatusCode::FORBIDDEN);
    let body = r#"{"kind":"monitoring","year":2025,"area_code":"410000000000","amount":"1","reason":"试"}"#;
    assert_eq!(app.api("PUT", &format!("/api/v1/lines/{id}"), &token, Some(body)).await.status, StatusCode::FORBIDDEN);
    // The district's API adjusts it, and the history shows every step.
    let token = api_token(&app, "admin").await;
    let body = r#"{"kind":"monitoring","year":2025,"area_code":"410000000000","amount":"7600","example":true,"reason":"接口调整"}"#;
    let r = app.api("PUT", &format!("/api/v1/lines/{id}"), &token, Some(body)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the version read is required: {}", r.body);
    let stale = body.replace("\"reason\"", "\"version\":1,\"reason\"");
    assert_eq!(app.api("PUT", &format!("/api/v1/lines/{id}"), &token, Some(&stale)).await.status, StatusCode::CONFLICT);
    let body = body.replace("\"reason\"", "\"version\":2,\"reason\"");
    let r = app.api("PUT", &format!("/api/v1/lines/{id}"), &token, Some(&body)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["version"], 3);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["history"].as_array().unwrap().len(), 3);
    assert_eq!((v["history"][2]["before"].as_i64(), v["history"][2]["after"].as_i64()), (Some(750_000), Some(760_000)));
    assert_eq!(v["data"]["example"], true);
    let (log, _) = app
        .db
        .audit_entries(&AuditFilter { object_type: Some("line".into()), ..Default::default() }, 10, 0)
        .await
        .unwrap();
    assert_eq!(log.len(), 3, "entered, adjusted on the page, adjusted through the API");
});

both!(the_household_page_marks_income_against_the_line_of_its_year_and_area, |app| {
    use bangfu_core::store::LineStore;
    let (session, csrf) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    let post =
        |period: &str, wages: &str| format!("_csrf={csrf}&period={}&household_size=1&wages={wages}", enc(period));
    // No monitoring line for 2025 yet: the page says so instead of a colour.
    let r = app.post(&format!("/households/{h}/income"), &session, &post("2025", "7000")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/households/{h}"), &session).await;
    assert!(page.body.contains("未设定该年度监测范围"), "{}", page.body);
    // 河南's 2025 line applies to a village of 驿城区; 7 000 is below 7 200.
    let f: HashMap<&str, &str> =
        [("kind", "监测范围"), ("year", "2025"), ("area_code", "410000000000"), ("amount", "7200"), ("example", "是")]
            .into_iter()
            .collect();
    let line = bangfu_core::line::LineData::parse(&f, chrono::Local::now().date_naive()).unwrap();
    let id = app.db.create_line(&Scope::everything(), &line, "示例", &actor()).await.unwrap();
    let page = app.get(&format!("/households/{h}"), &session).await;
    assert!(page.body.contains("tag red\">低于监测范围") && page.body.contains("（示例值）"), "{}", page.body);
    // 驻马店市's own line is more specific than 河南's: 7 000 is within 10 % above 6 500.
    let city = bangfu_core::line::LineData {
        area: bangfu_core::line::LineArea::parse("411700000000").unwrap(),
        amount: bangfu_core::money::Fen(650_000),
        example: false,
        ..line.clone()
    };
    app.db.create_line(&Scope::everything(), &city, "市定标准", &actor()).await.unwrap();
    let page = app.get(&format!("/households/{h}"), &session).await;
    assert!(page.body.contains("tag yellow\">接近监测范围（高出不足10%）"), "{}", page.body);
    // The API gives the same mark.
    let token = api_token(&app, "shadong").await;
    let r = app.api("GET", &format!("/api/v1/households/{h}/incomes"), &token, None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["items"][0]["mark"]["code"], "near");
    assert_eq!(v["items"][0]["household_size"], 1);
    // Raising the city's line makes it red; the card shows the words too.
    let higher = bangfu_core::line::LineData { amount: bangfu_core::money::Fen(800_000), ..city.clone() };
    let city_id = app.db.lines(&Scope::everything()).await.unwrap().into_iter().find(|l| l.data == city).unwrap().id;
    app.db.adjust_line(&Scope::everything(), city_id, 1, &higher, "调整", &actor()).await.unwrap();
    let card = app.get(&format!("/households/{h}/card"), &session).await;
    assert!(card.body.contains("低于监测范围"), "{}", card.body);
    let _ = id;
});

both!(recording_a_period_that_has_figures_shows_them_and_asks_before_replacing_keeping_what_was_typed, |app| {
    let (session, csrf) = app.sign_in("shahedian").await;
    let h = app.shahedian_household.0;
    let r = app
        .post(
            &format!("/households/{h}/income"),
            &session,
            &format!(
                "_csrf={csrf}&period=2025&household_size=1&wages=8000&item_dibao=3000&note_dibao={}",
                enc("全年低保")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Blank figures are not zeros: a period with nothing typed is refused.
    let r = app.post(&format!("/households/{h}/income"), &session, &format!("_csrf={csrf}&period=2024")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("未填的项目不按0计"));
    // The same period again: the old figures are shown, the typed ones kept, nothing saved yet.
    let typed = format!("_csrf={csrf}&period=2025&household_size=1&wages=9100.5&operating=1200");
    let r = app.post(&format!("/households/{h}/income"), &session, &typed).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.body.contains("2025年度已登记收入")
            && r.body.contains("8,000.00")
            && r.body.contains("低保金 3,000.00（全年低保）")
    );
    assert!(r.body.contains("value=\"9100.5\"") && r.body.contains("value=\"1200\""), "typed figures kept");
    assert!(r.body.contains("name=\"replace\" value=\"1\"") && r.body.contains("确认替换"));
    let page = app.get(&format!("/households/{h}"), &session).await;
    assert!(page.body.contains("11,000.00") && !page.body.contains("10,300.50"), "not replaced yet");
    // Confirmed: replaced, and the audit has before → after.
    let r = app.post(&format!("/households/{h}/income"), &session, &format!("{typed}&replace=1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/households/{h}"), &session).await;
    assert!(page.body.contains("10,300.50"), "{}", page.body);
    assert!(page.body.contains("未填"), "the blank totals show as not filled");
    let (log, _) = app
        .db
        .audit_entries(&AuditFilter { username: Some("shahedian".into()), ..Default::default() }, 10, 0)
        .await
        .unwrap();
    let replaced = log.iter().find(|e| e.field.as_deref() == Some("income_2025") && e.before_value.is_some()).unwrap();
    assert!(replaced.before_value.as_deref().unwrap().contains("工资性收入 8000.00"));
    assert!(replaced.after_value.as_deref().unwrap().contains("工资性收入 9100.50"));
    // The API refuses a replacement without replace: true, with the figures already there.
    let token = api_token(&app, "shahedian").await;
    let r = app.api("PUT", &format!("/api/v1/households/{h}/incomes/2025"), &token, Some(r#"{"wages":"1"}"#)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["existing"]["wages_fen"], 910_050);
    let r = app
        .api("PUT", &format!("/api/v1/households/{h}/incomes/2025"), &token, Some(r#"{"wages":"1","replace":true}"#))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A 12-month window through the API, with sub-items.
    let body = r#"{"household_size":1,"items":[{"kind":"migrant_work","amount":"12000","note":"外出务工"}],"out_of_pocket":"2000"}"#;
    let r = app.api("PUT", &format!("/api/v1/households/{h}/incomes/2025-11"), &token, Some(body)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let window = v["incomes"].as_array().unwrap().iter().find(|i| i["period"] == "2025-11").unwrap();
    assert_eq!(window["period_label"], "2024年12月至2025年11月");
    assert_eq!(window["net_per_person_fen"], 1_000_000);
});
both!(every_save_is_confirmed_once_on_the_next_page_and_a_refused_one_is_not, |app| {
    let (admin, csrf) = app.sign_in("admin").await;
    // Refused input: the form comes back, nothing says "saved".
    let bad = app.post("/settings", &admin, &format!("_csrf={csrf}&visit_interval_days=0")).await;
    assert!(!bad.cookies.iter().any(|c| c.starts_with("bangfu_flash=saved")), "{:?}", bad.cookies);
    assert!(!bad.body.contains("已保存"));
    let ok = app.post("/settings", &admin, &format!("_csrf={csrf}&visit_interval_days=45")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let flash = cookie_pair(&ok.cookies, "bangfu_flash");
    let next = ok.location.unwrap();
    let page = app.get(&next, &format!("{admin}; {flash}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"<p class="flash" role="status" data-saved>已保存</p>"#), "{}", page.body);
    assert!(page.cookies.iter().any(|c| c.starts_with("bangfu_flash=;") && c.contains("Max-Age=0")), "shown once");
    // Signing in is not a save.
    let r = app.try_sign_in("shahedian", "correct-horse").await;
    assert!(!r.cookies.iter().any(|c| c.starts_with("bangfu_flash=saved")));
});

both!(a_form_posted_after_the_session_ran_out_goes_to_sign_in_back_to_its_page_and_says_why, |app| {
    use bangfu_core::store::WorklistStore;
    let (admin, csrf) = app.sign_in("admin").await;
    assert_eq!(app.post("/logout", &admin, &format!("_csrf={csrf}")).await.status, StatusCode::SEE_OTHER);
    // The old cookie is still sent, as a browser does after the session ended on the server.
    let r = app
        .send(
            Request::post("/settings")
                .header(header::COOKIE, &admin)
                .header(header::HOST, "bangfu.example")
                .header(header::REFERER, "http://bangfu.example/settings")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("_csrf={csrf}&visit_interval_days=50")))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some("/login?next=/settings&expired=1"));
    let login = app.get("/login?next=/settings&expired=1", "").await;
    assert!(login.body.contains("登录已超时"), "{}", login.body);
    assert!(login.body.contains(r#"<script src="/static/forms.js" defer></script>"#));
    assert_eq!(app.db.visit_interval_days().await.unwrap(), 30, "nothing saved");
    // A first visit to the sign-in page does not talk about an expired session.
    assert!(!app.get("/login", "").await.body.contains("登录已超时"));
    let js = app.get("/static/forms.js", "").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.body.contains("sessionStorage"));
});

// ---- members: the national member fields (issue 8) ----

both!(the_member_form_keeps_unanswered_questions_blank_and_takes_a_certificate_and_several_health_values, |app| {
    let (session, csrf) = app.sign_in("shahedian").await;
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let path = format!("/households/{h}/members/{m}/edit");
    let edit = app.get(&path, &session).await;
    assert!(edit.body.contains(&format!("name=\"health.{}\"", "残疾")), "health is a row of check boxes");
    assert!(edit.body.contains("居民医保") && edit.body.contains("中共党员") && edit.body.contains("务工地点"));
    let base = format!(
        "_csrf={csrf}&name={}&sex={}&relation={}&id_kind={}&political_status={}&medical_insurance={}&dibao={}",
        enc("王建国"),
        enc("男"),
        enc("户主"),
        enc("残疾人证"),
        enc("中共党员"),
        enc("居民医保"),
        enc("否")
    );
    let health = format!("&{}=1&{}=1", enc("health.残疾"), enc("health.长期慢性病"));
    let cert = format!("{}42", app.full_id);
    let version = version_in(&edit.body);
    let r = app.post(&path, &session, &format!("{base}{health}&id_number={cert}&version={version}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.db.member(&Scope::everything(), MemberId(m)).await.unwrap().data;
    assert_eq!(stored.id_kind, IdKind::DisabilityCert);
    assert_eq!(stored.id_number.as_str(), app.full_id);
    assert_eq!(stored.health, Some(HealthSet::of(&[Health::Chronic, Health::Disabled])));
    assert_eq!(
        (stored.disability_category, stored.disability_grade),
        (Some(DisabilityCategory::Physical), Some(DisabilityGrade::Two))
    );
    assert_eq!((stored.dibao, stored.tekun, stored.soldier, stored.serious_illness), (Some(false), None, None, None));
    let page = app.get(&format!("/households/{h}"), &session).await;
    assert!(page.body.contains("长期慢性病、残疾（肢体残疾，二级）"), "{}", page.body);
    assert!(page.body.contains("享受低保：否") && page.body.contains("现役军人：未填"), "{}", page.body);
    assert!(page.body.contains("证件类型：残疾人证") && page.body.contains("基本医疗保险：居民医保"));
    assert!(!page.body.contains(&app.full_id), "no full ID number on the page");

    // Months of migrant work without the place: refused beside the field, everything typed kept;
    // the 证件号码 left blank keeps the certificate.
    let version = app.db.member(&Scope::everything(), MemberId(m)).await.unwrap().version;
    let typed =
        format!("{base}{health}&id_number=&migrant_work={}&migrant_months=6&version={version}", enc("省外务工"));
    let r = app.post(&path, &session, &typed).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("填写了务工时间，但未填写务工地点"), "{}", r.body);
    assert!(r.body.contains("<option value=\"省外务工\" selected>"), "the typed choice is kept");
    assert!(r.body.contains(&format!("name=\"health.{}\" value=\"1\" checked", "残疾")), "ticked boxes stay ticked");
    let r = app.post(&path, &session, &format!("{typed}&migrant_place={}", enc("广东省东莞市"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.db.member(&Scope::everything(), MemberId(m)).await.unwrap().data;
    assert_eq!(stored.id_kind, IdKind::DisabilityCert, "the certificate is kept");
    assert_eq!(stored.migrant_place.as_deref(), Some("广东省东莞市"));
    assert_eq!(stored.migrant_work, Some(MigrantWork::Outside));
});

both!(a_member_joining_as_the_father_must_be_a_man, |app| {
    let (session, csrf) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    let form = |sex: &str| {
        format!(
            "_csrf={csrf}&name={}&sex={}&id_number={}&relation={}&joined_on=2024-01-01&join_reason={}&{}=1",
            enc("王老汉"),
            enc(sex),
            id("19400101", if sex == "男" { 31 } else { 32 }),
            enc("之父"),
            enc("投靠"),
            enc("health.患有大病"),
        )
    };
    let r = app.post(&format!("/households/{h}/members/new"), &session, &form("女")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("与户主关系“之父”与性别“女”不符"), "{}", r.body);
    let r = app.post(&format!("/households/{h}/members/new"), &session, &form("男")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/households/{h}"), &session).await;
    assert!(page.body.contains("<td>之父</td>"), "the old wording is shown back");
    let joined = app.db.members(&Scope::everything(), app.shahedian_household).await.unwrap();
    let father = joined.iter().find(|m| m.data.name == "王老汉").unwrap();
    assert_eq!(father.data.relation, Relation::Parent);
    assert_eq!(father.data.health, Some(HealthSet::of(&[Health::Serious])));
    assert_eq!(father.data.dibao, None);
});

both!(the_api_takes_the_national_wordings_and_gives_health_as_a_list_and_unanswered_as_null, |app| {
    let token = api_token(&app, "shahedian").await;
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let body = format!(
        r#"{{"name":"王建国","sex":"男","relation":"01","id_number":"{}42","health":["chronic","残疾"],
            "political_status":"01","pension_insurance":"城乡居民基本养老保险","public_job_months":10,"soldier":false,
            "version":{}}}"#,
        app.full_id,
        app.db.member(&Scope::everything(), MemberId(m)).await.unwrap().version
    );
    let r = app.api("PUT", &format!("/api/v1/households/{h}/members/{m}"), &token, Some(&body)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["id_kind"], "disability_cert");
    assert_eq!(v["health"], serde_json::json!(["chronic", "disabled"]));
    assert_eq!((v["disability_category"].as_str(), v["disability_grade"].as_str()), (Some("physical"), Some("two")));
    assert_eq!(v["political_status"], "party_member");
    assert_eq!(v["pension_insurance"], "resident");
    assert_eq!((v["public_job"].as_bool(), v["public_job_months"].as_i64()), (Some(true), Some(10)));
    assert_eq!((v["soldier"].as_bool(), v["dibao"].is_null()), (Some(false), true));
    assert!(!r.body.contains(&app.full_id), "the ID number is masked");
    let version = app.db.member(&Scope::everything(), MemberId(m)).await.unwrap().version;
    let bad = format!(r#"{{"name":"王建国","sex":"男","relation":"户主","health":"健康,残疾","version":{version}}}"#);
    let r = app.api("PUT", &format!("/api/v1/households/{h}/members/{m}"), &token, Some(&bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("“健康”不能与“残疾”同时填写"), "{}", r.body);
    let doc = app.get("/api/openapi.json", "").await;
    let doc: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
    let text = doc.to_string();
    for field in ["political_status", "medical_insurance", "dropout_reason", "migrant_place", "id_kind"] {
        assert!(text.contains(&format!("\"{field}\"")), "{field} missing from the member schema");
    }
});

// ---- concurrency: a stale save is refused, says who changed what, and loses nothing ----

/// The version a correction form was read at (its hidden field).
fn version_in(body: &str) -> String {
    body.split("name=\"version\" value=\"").nth(1).expect("a version field").split('"').next().unwrap().to_owned()
}

both!(a_stale_household_save_is_refused_naming_who_changed_what_and_the_typed_input_stays, |app| {
    let hid = app.shahedian_household;
    let path = format!("/households/{}/edit", hid.0);
    let (admin, admin_csrf) = app.sign_in("admin").await;
    let (clerk, clerk_csrf) = app.sign_in("shahedian").await;
    // Both open the form on version 1.
    let v_admin = version_in(&app.get(&path, &admin).await.body);
    let v_clerk = version_in(&app.get(&path, &clerk).await.body);
    assert_eq!((v_admin.as_str(), v_clerk.as_str()), ("1", "1"));
    let base = format!(
        "household_no=4117021012010001&village_code=411702101201&standard={}&attribute={}&main_cause={}",
        enc("国家标准"),
        enc("一般贫困户"),
        enc("因病")
    );
    let r = app
        .post(
            &path,
            &admin,
            &format!("_csrf={admin_csrf}&version={v_admin}&{base}&phone=13611112222&bank_name={}", enc("邮储银行")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The clerk saves what they typed on the page they opened before.
    let clerk_form = |version: &str| {
        format!(
            "_csrf={clerk_csrf}&version={version}&{base}&address={}&bank_name={}",
            enc("沙东村3组"),
            enc("驿城农商银行")
        )
    };
    let r = app.post(&path, &clerk, &clerk_form(&v_clerk)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("被 admin的名字 修改：联系电话、开户银行；请核对后再保存"), "{}", r.body);
    assert!(
        r.body.contains("value=\"驿城农商银行\"") && r.body.contains("value=\"沙东村3组\""),
        "what was typed stays"
    );
    assert!(r.body.contains("admin的名字 已改为“13611112222”"), "the other person's change is marked beside its field");
    assert!(r.body.contains("field invalid"));
    assert_eq!(version_in(&r.body), "2", "the form now carries the current version");
    let stored = app.db.household(&Scope::everything(), hid).await.unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(stored.data.address, None, "nothing of the stale save was stored");
    assert_eq!(stored.data.bank_name.as_deref(), Some("邮储银行"));
    let (_, before) = app
        .db
        .audit_entries(&AuditFilter { username: Some("shahedian".into()), ..Default::default() }, 50, 0)
        .await
        .unwrap();
    // Checked, and saved again from the re-shown form: it lands on version 2.
    let r = app.post(&path, &clerk, &format!("{}&phone=13611112222", clerk_form("2"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.db.household(&Scope::everything(), hid).await.unwrap();
    assert_eq!(stored.version, 3);
    assert_eq!(stored.data.address.as_deref(), Some("沙东村3组"));
    assert_eq!(stored.data.phone.as_deref(), Some("13611112222"));
    let (_, after) = app
        .db
        .audit_entries(&AuditFilter { username: Some("shahedian".into()), ..Default::default() }, 50, 0)
        .await
        .unwrap();
    assert_eq!(after - before, 2, "the second save's two changes are audited, the refused one left nothing");
    // A form without its version saves nothing either.
    let r = app.post(&path, &clerk, &format!("_csrf={clerk_csrf}&{base}&phone=13700000000")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("缺少版本号") && r.body.contains("value=\"13700000000\""));
    assert_eq!(app.db.household(&Scope::everything(), hid).await.unwrap().version, 3);
});

both!(a_stale_member_save_is_refused_with_the_other_change_named_and_nothing_lost, |app| {
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let path = format!("/households/{h}/members/{m}/edit");
    let (admin, admin_csrf) = app.sign_in("admin").await;
    let (clerk, clerk_csrf) = app.sign_in("shadong").await;
    let v = version_in(&app.get(&path, &clerk).await.body);
    assert_eq!(v, "1");
    let form = |csrf: &str, version: &str, extra: &str| {
        format!(
            "_csrf={csrf}&version={version}&name={}&sex={}&relation={}{extra}",
            enc("王建国"),
            enc("男"),
            enc("户主")
        )
    };
    let r = app.post(&path, &admin, &form(&admin_csrf, "1", "&phone=13800138000")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r =
        app.post(&path, &clerk, &form(&clerk_csrf, &v, &format!("&phone=13900139000&health={}", enc("残疾")))).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("被 admin的名字 修改：联系电话；请核对后再保存"), "{}", r.body);
    assert!(r.body.contains("value=\"13900139000\""), "the clerk's phone is still in the box");
    assert!(r.body.contains("admin的名字 已改为“13800138000”"));
    assert_eq!(version_in(&r.body), "2");
    let stored = app.db.member(&Scope::everything(), bangfu_core::household::MemberId(m)).await.unwrap();
    assert_eq!((stored.version, stored.data.phone.as_deref(), stored.data.health), (2, Some("13800138000"), None));
});

both!(the_api_refuses_a_stale_correction_with_409_naming_who_changed_which_field, |app| {
    let h = app.shahedian_household.0;
    let admin = api_token(&app, "admin").await;
    let clerk = api_token(&app, "shahedian").await;
    let path = format!("/api/v1/households/{h}");
    let read: serde_json::Value = serde_json::from_str(&app.api("GET", &path, &clerk, None).await.body).unwrap();
    assert_eq!(read["version"], 1);
    assert_eq!(read["members"][0]["version"], 1);
    let r = app.api("PUT", &path, &admin, Some(r#"{"version":1,"phone":"13611112222"}"#)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!((v["version"].clone(), v["household"]["phone"].clone()), (serde_json::json!(2), "13611112222".into()));
    assert_eq!(v["household"]["main_cause"], "illness", "fields left out keep their values");
    let r = app.api("PUT", &path, &clerk, Some(r#"{"version":1,"bank_name":"驿城农商银行"}"#)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let e: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(e["error"]["code"], "stale");
    assert_eq!(e["error"]["version"], 2);
    assert_eq!(e["error"]["changed_by"][0], "admin的名字");
    assert_eq!(e["error"]["changed"][0]["field"], "phone");
    assert_eq!(e["error"]["changed"][0]["now"], "13611112222");
    assert!(e["error"]["message"].as_str().unwrap().ends_with("被 admin的名字 修改：联系电话；请核对后再保存"), "{e}");
    let stored = app.db.household(&Scope::everything(), app.shahedian_household).await.unwrap();
    assert_eq!((stored.version, stored.data.bank_name), (2, None), "nothing of the stale correction was saved");
    // Without a version nothing is saved; with the current one it is.
    let r = app.api("PUT", &path, &clerk, Some(r#"{"bank_name":"驿城农商银行"}"#)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("\"field\":\"version\""), "{}", r.body);
    let r = app.api("PUT", &path, &clerk, Some(r#"{"version":2,"bank_name":"驿城农商银行"}"#)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!((v["version"].clone(), v["household"]["phone"].clone()), (serde_json::json!(3), "13611112222".into()));
    // A member: the same.
    let m = first_member(&app, app.shahedian_household).await;
    let mpath = format!("/api/v1/households/{h}/members/{m}");
    let body = |version: i64, phone: &str| {
        format!(r#"{{"version":{version},"name":"王建国","sex":"男","relation":"户主","phone":"{phone}"}}"#)
    };
    let r = app.api("PUT", &mpath, &admin, Some(&body(1, "13800138000"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("\"version\":2"));
    let r = app.api("PUT", &mpath, &clerk, Some(&body(1, "13900139000"))).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("\"code\":\"stale\"") && r.body.contains("联系电话"));
    // Another township's household answers 404, version or not.
    let theirs = format!("/api/v1/households/{}", app.yifeng_household.0);
    assert_eq!(app.api("PUT", &theirs, &clerk, Some(r#"{"version":1}"#)).await.status, StatusCode::NOT_FOUND);
    // An auditor reads but cannot correct.
    let auditor = api_token(&app, "auditor").await;
    assert_eq!(app.api("PUT", &path, &auditor, Some(r#"{"version":3}"#)).await.status, StatusCode::FORBIDDEN);
});
// admin: units, accounts, permissions as types, the audit log and settings within a scope.
/// 增员 as storage receives it (the form's parsing is core's).
fn joins(member: &MemberData) -> bangfu_core::household::MemberJoins {
    bangfu_core::household::MemberJoins { member: member.clone() }
}

#[path = "http/admin.rs"]
mod admin;
#[path = "http/areas.rs"]
mod areas;
#[path = "http/events.rs"]
mod events;
#[path = "http/monitoring.rs"]
mod monitoring;
