//! In-process HTTP tests: sign-in, sessions, CSRF, lockout, and area scope on every page.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::auth::{NewUser, Role, SIGN_IN_FAILED, hash_password};
use bangfu_core::household::id_number::check_char;
use bangfu_core::household::{HouseholdData, HouseholdId, MemberData};
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
    db.create_household(&Scope::everything(), &h, &[m], None, &actor()).await.unwrap()
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
    assert!(home.body.contains("驿城区 建档立卡户概况"));
    for t in ["沙河店镇", "蚁蜂镇", "胡庙乡", "人民街街道"] {
        assert!(home.body.contains(t), "{t}");
    }
    let list = app.get("/households", &session).await;
    assert!(list.body.contains("共 2 户") && list.body.contains("王建国") && list.body.contains("赵铁柱"));
});

both!(a_township_user_cannot_see_or_reach_another_townships_household, |app| {
    let (session, _) = app.sign_in("shahedian").await;
    let home = app.get("/", &session).await;
    assert!(home.body.contains("沙河店镇 建档立卡户概况"));
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
            "_csrf={csrf}&name=%E7%8E%8B%E5%BB%BA%E5%9B%BD&sex=%E7%94%B7&relation=%E6%88%B7%E4%B8%BB&id_number={id}&phone=13800138000"
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
both!(every_route_answers_every_role_inside_and_outside_its_area_as_expected, |app| {
    let inside = app.shahedian_household.0; // 沙河店镇 沙东村
    let outside = app.yifeng_household.0; // 蚁蜂镇
    let m_in = first_member(&app, app.shahedian_household).await;
    let m_out = first_member(&app, app.yifeng_household).await;
    // (route as written in the source, method, concrete path, [admin, township, village, auditor] when inside, same when outside)
    use StatusCode as S;
    const OK: S = S::OK;
    const NF: S = S::NOT_FOUND;
    const FB: S = S::FORBIDDEN;
    let table: Vec<(&str, &str, String, String, [S; 4], [S; 4])> = vec![
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
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
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
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
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
            "/households/{hid}/helper",
            "GET",
            format!("/households/{inside}/helper"),
            format!("/households/{outside}/helper"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
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
        ("/api/v1/households/{hid}/incomes/{year}", "PUT", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/status", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/worklist", "GET", "/api/v1/worklist".into(), "/api/v1/worklist".into(), [OK; 4], [OK; 4]),
        ("/api/v1/helpers", "GET", "/api/v1/helpers".into(), "/api/v1/helpers".into(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/helper", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/audit", "GET", "/api/v1/audit".into(), "/api/v1/audit".into(), [OK, FB, FB, OK], [OK, FB, FB, OK]),
        ("/api/openapi.json", "GET", "/api/openapi.json".into(), "/api/openapi.json".into(), [OK; 4], [OK; 4]),
        ("/api/docs", "GET", "/api/docs".into(), "/api/docs".into(), [OK; 4], [OK; 4]),
    ];
    // Routes declared in the source.
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut declared = Vec::new();
    for entry in walk(&src) {
        let text = std::fs::read_to_string(&entry).unwrap();
        for part in text.split(".route(\"").skip(1) {
            declared.push(part.split('"').next().unwrap().to_owned());
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
        .api("PUT", &path, &token, Some(r#"{"name":"王建国","sex":"女","relation":"户主","migrant_months":13}"#))
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
            Some(r#"{"name":"王建国","sex":"male","relation":"head","phone":"13700137000","basic_medical":true}"#),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let v: serde_json::Value = serde_json::from_str(&ok.body).unwrap();
    assert_eq!(v["phone"], "13700137000");
    assert_eq!(v["basic_medical"], true);
    // An auditor's token reads but cannot change.
    let audit_token = api_token(&app, "auditor").await;
    assert_eq!(app.api("PUT", &path, &audit_token, Some("{}")).await.status, StatusCode::FORBIDDEN);
});

both!(a_browser_session_must_send_its_csrf_token_to_change_anything_through_the_api, |app| {
    let (session, csrf) = app.sign_in("shahedian").await;
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let body = r#"{"name":"王建国","sex":"男","relation":"户主"}"#;
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
        for part in text.split(".route(\"/api/v1").skip(1) {
            let path = format!("/api/v1{}", part.split('"').next().unwrap());
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
    // Status: needs a reason; then it is in the dated history, coloured green.
    let r = app
        .post(
            &format!("/households/{h}/status"),
            &session,
            &format!("_csrf={csrf}&status=exited&effective_on=2025-12-01&reason="),
        )
        .await;
    assert!(r.body.contains("请填写变更原因"));
    let r = app
        .post(
            &format!("/households/{h}/status"),
            &session,
            &format!("_csrf={csrf}&status=exited&effective_on=2025-12-01&reason={}", enc("2025年度脱贫")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/households/{h}"), &session).await;
    assert!(page.body.contains("tag green") && page.body.contains("脱贫状态：未脱贫 → 已脱贫（享受政策）"));
    let (_, n) = app
        .db
        .audit_entries(&AuditFilter { username: Some("shadong".into()), ..Default::default() }, 50, 0)
        .await
        .unwrap();
    assert_eq!(n, 1 + 4, "a sign-in and four changes");
});

both!(a_clerk_registers_a_household_in_their_own_township_only_and_corrects_it, |app| {
    let (session, csrf) = app.sign_in("shahedian").await;
    let form = |village: &str, head_id: &str| {
        format!(
            "_csrf={csrf}&household_no=4117021012020001&village_code={village}&standard={}&attribute={}&main_cause={}&status={}&head_name={}&head_sex={}&head_id_number={head_id}",
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
    let r = app.post("/households/new", &session, &form("411702104201", &head_id)).await;
    assert!(r.body.contains("不存在或不在您的管辖范围内"), "{}", r.body);
    let r = app.post("/households/new", &session, &form("411702101202", &head_id)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location.unwrap();
    let page = app.get(&path, &session).await;
    assert!(page.body.contains("刘德华户") && page.body.contains("杨庄村民委员会"));
    // Correct the phone number; the status cannot be changed through this form.
    let edit = app.get(&format!("{path}/edit"), &session).await;
    assert!(edit.body.contains("4117021012020001") && !edit.body.contains("name=\"status\""));
    let r =
        app.post(&format!("{path}/edit"), &session, &format!("{}&phone=13611112222", form("411702101202", ""))).await;
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
    assert!(r.body.contains("蚁蜂镇（全部）"), "townships are offered to the district");
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
    let r = app
        .api(
            "POST",
            &format!("/api/v1/households/{hid}/status"),
            &token,
            Some(r#"{"status":"exited","effective_on":"2025-12-31","reason":"2025年度脱贫"}"#),
        )
        .await;
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

/// Every state-changing route, by a user of each role, on a record outside their area: the
/// record does not exist for them (404), and an auditor may change nothing (403).
both!(every_change_route_refuses_records_outside_the_users_area, |app| {
    let out = app.yifeng_household.0;
    let m_out = first_member(&app, app.yifeng_household).await;
    let forms = [
        format!("/households/{out}/members/{m_out}/edit"),
        format!("/households/{out}/members/{m_out}/reveal"),
        format!("/households/{out}/members/new"),
        format!("/households/{out}/members/{m_out}/leave"),
        format!("/households/{out}/income"),
        format!("/households/{out}/status"),
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
    ];
    for (role, want) in
        [("shahedian", StatusCode::NOT_FOUND), ("shadong", StatusCode::NOT_FOUND), ("auditor", StatusCode::FORBIDDEN)]
    {
        let (session, csrf) = app.sign_in(role).await;
        for path in &forms {
            let r = app.post(path, &session, &format!("_csrf={csrf}")).await;
            assert_eq!(r.status, want, "{role} POST {path}");
        }
        let token = api_token(&app, role).await;
        for (method, path, body) in &apis {
            let r = app.api(method, path, &token, Some(body)).await;
            assert_eq!(r.status, want, "{role} {method} {path}: {}", r.body);
        }
    }
    // Nothing happened to the household.
    let h = app.db.household(&Scope::everything(), app.yifeng_household).await.unwrap();
    assert_eq!((h.size, h.data.status), (1, bangfu_core::household::PovertyStatus::Poor));
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
    assert!(list.body.contains("没有帮扶责任人的户（1）") && list.body.contains("王建国"), "{}", list.body);
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
    assert!(list.body.contains("没有帮扶责任人的户（0）") && list.body.contains("每一户都有帮扶责任人"));
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
