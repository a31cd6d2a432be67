//! The shared test kit: a fresh register on either backend with its users, the in-process
//! app, sign-in and CSRF, requests and forms, and fixtures the features share.

use super::*;

pub(crate) struct App {
    pub(crate) router: Router,
    pub(crate) db: Db,
    pub(crate) shahedian_household: HouseholdId,
    pub(crate) yifeng_household: HouseholdId,
    pub(crate) full_id: String,
    pub(crate) _drop: Option<PgDrop>,
}

pub(crate) fn id(birth: &str, seq: u32) -> String {
    let first17 = format!("411702{birth}{seq:03}");
    format!("{first17}{}", check_char(&first17))
}

pub(crate) fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

pub(crate) async fn household(db: &Db, no: &str, village: &str, head: &str, head_id: &str) -> HouseholdId {
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
pub(crate) async fn backend(pg: bool) -> Option<(Db, Option<PgDrop>)> {
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
pub(crate) struct PgDrop {
    pub(crate) base: String,
    pub(crate) name: String,
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

pub(crate) async fn app(pg: bool) -> Option<App> {
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

pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    pub(crate) cookies: Vec<String>,
    pub(crate) body: String,
}

impl App {
    pub(crate) async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let location = res.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned());
        let cookies =
            res.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        let body = String::from_utf8_lossy(&axum::body::to_bytes(res.into_body(), 1 << 22).await.unwrap()).into_owned();
        Reply { status, location, cookies, body }
    }

    pub(crate) async fn get(&self, path: &str, cookie: &str) -> Reply {
        self.send(Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap()).await
    }

    pub(crate) async fn post(&self, path: &str, cookie: &str, form: &str) -> Reply {
        self.send(
            Request::post(path)
                .header(header::COOKIE, cookie)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(form.to_owned()))
                .unwrap(),
        )
        .await
    }

    // One helper per endpoint the tests call often, so that a test reads as a user's steps.

    /// GET /households/{h}: the household page.
    pub(crate) async fn household_page(&self, h: impl std::fmt::Display, cookie: &str) -> Reply {
        self.get(&format!("/households/{h}"), cookie).await
    }

    /// POST /households/{h}/members/new: 增员.
    pub(crate) async fn join_member(&self, h: impl std::fmt::Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/members/new"), cookie, form).await
    }

    /// POST /households/{h}/income: 录入收入 for a period.
    pub(crate) async fn record_income(&self, h: impl std::fmt::Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/income"), cookie, form).await
    }

    /// POST /households/{h}/status: a change of poverty status.
    pub(crate) async fn change_status(&self, h: impl std::fmt::Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/status"), cookie, form).await
    }

    /// POST /households/{h}/members/{m}/reveal: the full ID number, audited.
    pub(crate) async fn reveal_id(
        &self,
        h: impl std::fmt::Display,
        m: impl std::fmt::Display,
        cookie: &str,
        form: &str,
    ) -> Reply {
        self.post(&format!("/households/{h}/members/{m}/reveal"), cookie, form).await
    }

    /// POST /households/{h}/members/{m}/edit: 更正 of a member.
    pub(crate) async fn correct_member(
        &self,
        h: impl std::fmt::Display,
        m: impl std::fmt::Display,
        cookie: &str,
        form: &str,
    ) -> Reply {
        self.post(&format!("/households/{h}/members/{m}/edit"), cookie, form).await
    }

    /// Signs in through the login form; returns the session cookie and the page's CSRF token.
    pub(crate) async fn try_sign_in(&self, username: &str, password: &str) -> Reply {
        let page = self.get("/login", "").await;
        let csrf_cookie = cookie_pair(&page.cookies, "bangfu_login_csrf");
        let csrf = csrf_cookie.split_once('=').unwrap().1.to_owned();
        self.post("/login", &csrf_cookie, &format!("username={username}&password={password}&_csrf={csrf}&next=/")).await
    }

    pub(crate) async fn sign_in(&self, username: &str) -> (String, String) {
        let r = self.try_sign_in(username, "correct-horse").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let session = cookie_pair(&r.cookies, "bangfu_session");
        let page = self.get("/households", &session).await;
        let csrf = page.body.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        (session, csrf)
    }
}

pub(crate) fn cookie_pair(cookies: &[String], name: &str) -> String {
    cookies.iter().find(|c| c.starts_with(&format!("{name}="))).unwrap().split(';').next().unwrap().to_owned()
}

pub(crate) async fn first_member(app: &App, h: HouseholdId) -> i64 {
    app.db.members(&Scope::everything(), h).await.unwrap()[0].id.0
}

/// A plan with a measure and a photo, a visit proposing a change, and a work-team member,
/// for one household: what the work routes need to exist.
pub(crate) struct Work {
    pub(crate) plan: i64,
    pub(crate) measure: i64,
    pub(crate) evidence: i64,
    pub(crate) visit: i64,
    pub(crate) member: i64,
}

/// The smallest valid PNG header: enough for the upload check to recognise it.
pub(crate) const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

pub(crate) async fn work_fixture(db: &Db, household: HouseholdId, village: &str) -> Work {
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

pub(crate) fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
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

pub(crate) async fn api_token(app: &App, username: &str) -> String {
    let (user, _) = app.db.user_by_name(username).await.unwrap().unwrap();
    let token = bangfu_core::auth::random_token();
    app.db.create_token(&bangfu_core::auth::token_hash(&token), user.id, "test").await.unwrap();
    token
}

impl App {
    pub(crate) async fn api(&self, method: &str, path: &str, auth: &str, body: Option<&str>) -> Reply {
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

pub(crate) fn actor() -> bangfu_core::audit::Actor {
    bangfu_core::audit::Actor { user_id: None, username: "fixture".into(), role: None, ip: None }
}

pub(crate) fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'-' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// A multipart body with a CSRF token, a note and (optionally) a file.
pub(crate) fn multipart(csrf: &str, note: &str, file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
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
    pub(crate) async fn upload(&self, path: &str, cookie: &str, body: (String, Vec<u8>)) -> Reply {
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

/// The version a correction form was read at (its hidden field).
pub(crate) fn version_in(body: &str) -> String {
    body.split("name=\"version\" value=\"").nth(1).expect("a version field").split('"').next().unwrap().to_owned()
}

/// 增员 as storage receives it (the form's parsing is core's).
pub(crate) fn joins(member: &MemberData) -> bangfu_core::household::MemberJoins {
    bangfu_core::household::MemberJoins { member: member.clone() }
}
