//! The shared test kit: a fresh register on either backend with its users, the in-process
//! app, sign-in and CSRF, requests and forms, and fixtures the features share.

use std::fmt::Display;

use super::*;

pub(crate) struct App {
    pub(crate) router: Router,
    pub(crate) db: Db,
    pub(crate) shahedian_household: HouseholdId,
    pub(crate) yifeng_household: HouseholdId,
    pub(crate) full_id: String,
    /// The clock the router runs on (the kit's phone reads the time from it).
    pub(crate) clock: bangfu_core::clock::Clock,
    /// The secrets the kit's "phone" holds, per username, with the last step it showed.
    pub(crate) phones: std::sync::Arc<std::sync::Mutex<HashMap<String, (TotpSecret, i64)>>>,
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
    bangfu_db::sealed::install_test_keys();
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
        // 三员分立
        ("sysadmin", Role::SystemAdmin, "411702000000", false),
        ("secadmin", Role::SecurityAdmin, "411702000000", false),
        ("auditadmin", Role::AuditAdmin, "411702000000", false),
    ] {
        db.create_user(
            &NewUser {
                username: username.into(),
                display_name: format!("{username}的名字"),
                phone: None,
                role,
                area_code: AreaCode::parse(area).unwrap(),
                password_hash: hash_password("correct-horse").unwrap(),
                must_change_password: must_change,
            },
            &actor(),
        )
        .await
        .unwrap();
    }
    Some(App {
        router: router(AppState::new(db.clone())),
        db,
        shahedian_household,
        yifeng_household,
        full_id,
        clock: bangfu_core::clock::Clock::System,
        phones: Default::default(),
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
    pub(crate) async fn household_page(&self, h: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/households/{h}"), cookie).await
    }

    /// POST /households/{h}/members/new: 增员.
    pub(crate) async fn join_member(&self, h: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/members/new"), cookie, form).await
    }

    /// POST /households/{h}/income: 录入收入 for a period.
    pub(crate) async fn record_income(&self, h: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/income"), cookie, form).await
    }

    /// POST /households/{h}/status: a change of poverty status.
    pub(crate) async fn change_status(&self, h: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/status"), cookie, form).await
    }

    /// POST /households/{h}/members/{m}/reveal: the full ID number, audited.
    pub(crate) async fn reveal_id(&self, h: impl Display, m: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/members/{m}/reveal"), cookie, form).await
    }

    /// POST /households/{h}/members/{m}/edit: 更正 of a member.
    pub(crate) async fn correct_member(&self, h: impl Display, m: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/members/{m}/edit"), cookie, form).await
    }

    /// GET /households/{h}/members/{m}/edit: the 更正 form of a member.
    pub(crate) async fn member_edit_page(&self, h: impl Display, m: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/households/{h}/members/{m}/edit"), cookie).await
    }

    /// GET /households/{h}/members/{m}/leave: the 减员 form (or where it sends the head).
    pub(crate) async fn leave_page(&self, h: impl Display, m: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/households/{h}/members/{m}/leave"), cookie).await
    }

    /// POST /households/{h}/members/{m}/leave: 减员.
    pub(crate) async fn leave_member(&self, h: impl Display, m: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/members/{m}/leave"), cookie, form).await
    }

    /// POST /households/new: 登记 of a household.
    pub(crate) async fn register_household(&self, cookie: &str, form: &str) -> Reply {
        self.post("/households/new", cookie, form).await
    }

    /// GET /households/{h}/edit: the 更正 form of a household.
    pub(crate) async fn household_edit_page(&self, h: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/households/{h}/edit"), cookie).await
    }

    /// POST /households/{h}/edit: 更正 of a household.
    pub(crate) async fn correct_household(&self, h: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/edit"), cookie, form).await
    }

    /// GET /households/{h}/card: the printed 帮扶明白卡.
    pub(crate) async fn household_card(&self, h: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/households/{h}/card"), cookie).await
    }

    /// GET /households/{h}/handbook: the printed 帮扶手册.
    pub(crate) async fn household_handbook(&self, h: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/households/{h}/handbook"), cookie).await
    }

    // 户主变更, 分户, 合户, 注销.

    /// POST /households/{h}/head: 户主变更.
    pub(crate) async fn change_head(&self, h: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/head"), cookie, form).await
    }

    /// GET /households/{h}/split: the 分户 form.
    pub(crate) async fn split_page(&self, h: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/households/{h}/split"), cookie).await
    }

    /// POST /households/{h}/split: 分户.
    pub(crate) async fn split_household(&self, h: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/split"), cookie, form).await
    }

    /// POST /households/{h}/merge: 合户 into household h (a lookup step or the save).
    pub(crate) async fn merge_household(&self, h: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/merge"), cookie, form).await
    }

    /// POST /households/{h}/deregister: 注销.
    pub(crate) async fn deregister_household(&self, h: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/deregister"), cookie, form).await
    }

    // Monitoring episodes.

    /// GET /households/{h}/procedures/new?kind=…: the form that starts a procedure.
    pub(crate) async fn start_page(&self, h: impl Display, kind: &str, cookie: &str) -> Reply {
        self.get(&format!("/households/{h}/procedures/new?kind={kind}"), cookie).await
    }

    /// POST /households/{h}/procedures/new?kind=…: starts a procedure.
    pub(crate) async fn start(&self, h: impl Display, kind: &str, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/procedures/new?kind={kind}"), cookie, form).await
    }

    /// POST /procedures/{id}/act at the version the database holds now (as a page read just before).
    pub(crate) async fn act(&self, id: i64, cookie: &str, csrf: &str, form: &str) -> Reply {
        let all = bangfu_core::area::Scope::everything();
        let version = self.db.procedure(&all, id).await.map(|r| r.version).unwrap_or(0);
        self.post(&format!("/procedures/{id}/act"), cookie, &format!("_csrf={csrf}&version={version}&{form}")).await
    }

    /// Completes the current step on `on` with a note, and what an appraisal or a cross-check
    /// records (the meeting and its votes, no hits; other steps ignore them).
    pub(crate) async fn complete(&self, id: i64, cookie: &str, csrf: &str, on: chrono::NaiveDate) -> Reply {
        let record = format!(
            "meeting_place={}&attendees=12&votes_for=11&votes_against=1&votes_abstain=0&hits=0",
            enc("村委会会议室")
        );
        self.act(id, cookie, csrf, &format!("action=complete&on={on}&note=%E5%B7%B2%E5%8A%9E&{record}")).await
    }

    /// POST /procedures/{id}/attachments: a paper of `kind` (a PNG) for the procedure.
    pub(crate) async fn attach(&self, id: i64, cookie: &str, csrf: &str, kind: &str) -> Reply {
        self.upload(&format!("/procedures/{id}/attachments"), cookie, paper(csrf, kind)).await
    }

    /// POST /api/v1/procedures/{id}/attachments: the same with a bearer token.
    pub(crate) async fn api_attach(&self, id: i64, token: &str, kind: &str) -> Reply {
        let (ctype, body) = paper("", kind);
        self.send(
            Request::post(format!("/api/v1/procedures/{id}/attachments"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, ctype)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// The procedure's id from the page a start redirected to.
    pub(crate) fn procedure_id(r: &Reply) -> i64 {
        let at = r.location.as_deref().unwrap_or_else(|| panic!("no redirect: {} {}", r.status, r.body));
        at.rsplit('/').next().unwrap().parse().unwrap()
    }

    // Plans, measures and evidence.

    /// GET /households/{h}/plans/new: the 帮扶计划 form.
    pub(crate) async fn new_plan_page(&self, h: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/households/{h}/plans/new"), cookie).await
    }

    /// POST /households/{h}/plans/new: writes a 帮扶计划.
    pub(crate) async fn write_plan(&self, h: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/plans/new"), cookie, form).await
    }

    /// GET /plans/{p}/measures/new: the form of a measure.
    pub(crate) async fn new_measure_page(&self, p: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/plans/{p}/measures/new"), cookie).await
    }

    /// POST /plans/{p}/measures/new: adds a measure to a plan.
    pub(crate) async fn add_measure(&self, p: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/plans/{p}/measures/new"), cookie, form).await
    }

    /// POST /measures/{m}/progress: a measure done, dropped or under way.
    pub(crate) async fn record_progress(&self, m: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/measures/{m}/progress"), cookie, form).await
    }

    /// GET /measures/{m}/evidence: the evidence upload form.
    pub(crate) async fn evidence_page(&self, m: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/measures/{m}/evidence"), cookie).await
    }

    /// GET /evidence/{e}: an evidence file.
    pub(crate) async fn download_evidence(&self, e: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/evidence/{e}"), cookie).await
    }

    // Visits and their review.

    /// GET /households/{h}/visits/new: the 走访 form.
    pub(crate) async fn new_visit_page(&self, h: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/households/{h}/visits/new"), cookie).await
    }

    /// POST /households/{h}/visits/new: records a 走访.
    pub(crate) async fn record_visit(&self, h: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/visits/new"), cookie, form).await
    }

    /// GET /visits/{v}/review: the review form of a visit's proposal.
    pub(crate) async fn review_page(&self, v: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/visits/{v}/review"), cookie).await
    }

    /// POST /visits/{v}/review: accepts or rejects a visit's proposal.
    pub(crate) async fn review_visit(&self, v: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/visits/{v}/review"), cookie, form).await
    }

    // Helpers, pairings, teams and the district settings.

    /// POST /helpers/new: registers a 帮扶责任人.
    pub(crate) async fn add_helper(&self, cookie: &str, form: &str) -> Reply {
        self.post("/helpers/new", cookie, form).await
    }

    /// POST /households/{h}/helper: assigns a 帮扶责任人 to a household.
    pub(crate) async fn assign_helper(&self, h: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/households/{h}/helper"), cookie, form).await
    }

    /// POST /helpers/{id}/retire: 调离 of a 帮扶责任人.
    pub(crate) async fn retire_helper(&self, id: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/helpers/{id}/retire"), cookie, form).await
    }

    /// POST /pairings/new: a 结对帮扶 of a unit with an area.
    pub(crate) async fn add_pairing(&self, cookie: &str, form: &str) -> Reply {
        self.post("/pairings/new", cookie, form).await
    }

    /// GET /teams/{village}: a village's work team.
    pub(crate) async fn team_page(&self, village: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/teams/{village}"), cookie).await
    }

    /// POST /teams/{village}/members/new: adds a member to a village's work team.
    pub(crate) async fn add_team_member(&self, village: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/teams/{village}/members/new"), cookie, form).await
    }

    /// POST /team-members/{id}/recall: 召回 of a work-team member.
    pub(crate) async fn recall_team_member(&self, id: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/team-members/{id}/recall"), cookie, form).await
    }

    /// POST /settings: the district-wide settings (the visit interval).
    pub(crate) async fn save_settings(&self, cookie: &str, form: &str) -> Reply {
        self.post("/settings", cookie, form).await
    }

    // Units, accounts and lines: administration.

    /// POST /units/new: a new 帮扶单位.
    pub(crate) async fn add_unit(&self, cookie: &str, form: &str) -> Reply {
        self.post("/units/new", cookie, form).await
    }

    /// GET /units/{id}/edit: the correction form of a 帮扶单位.
    pub(crate) async fn unit_edit_page(&self, id: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/units/{id}/edit"), cookie).await
    }

    /// POST /units/{id}/edit: corrects a 帮扶单位.
    pub(crate) async fn correct_unit(&self, id: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/units/{id}/edit"), cookie, form).await
    }

    /// POST /users/new: a new account (its one-time password on the answer).
    pub(crate) async fn add_user(&self, cookie: &str, form: &str) -> Reply {
        self.post("/users/new", cookie, form).await
    }

    /// POST /users/{id}/disable: 停用 of an account.
    pub(crate) async fn disable_user(&self, id: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/users/{id}/disable"), cookie, form).await
    }

    /// POST /users/{id}/enable: 启用 of a disabled account.
    pub(crate) async fn enable_user(&self, id: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/users/{id}/enable"), cookie, form).await
    }

    /// POST /users/{id}/unlock: unlocks an account locked by wrong passwords.
    pub(crate) async fn unlock_user(&self, id: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/users/{id}/unlock"), cookie, form).await
    }

    /// POST /users/{id}/reset-password: a new one-time password for an account.
    pub(crate) async fn reset_password(&self, id: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/users/{id}/reset-password"), cookie, form).await
    }

    /// POST /lines/new: enters a 监测范围 or 脱贫线.
    pub(crate) async fn add_line(&self, cookie: &str, form: &str) -> Reply {
        self.post("/lines/new", cookie, form).await
    }

    /// GET /lines/{id}/edit: the adjustment form of a line.
    pub(crate) async fn line_edit_page(&self, id: impl Display, cookie: &str) -> Reply {
        self.get(&format!("/lines/{id}/edit"), cookie).await
    }

    /// POST /lines/{id}/edit: adjusts a line.
    pub(crate) async fn adjust_line(&self, id: impl Display, cookie: &str, form: &str) -> Reply {
        self.post(&format!("/lines/{id}/edit"), cookie, form).await
    }

    /// POST /lines/margin: the 接近监测范围 margin.
    pub(crate) async fn set_margin(&self, cookie: &str, form: &str) -> Reply {
        self.post("/lines/margin", cookie, form).await
    }

    // Sessions and static files.

    /// POST /logout: signs out.
    pub(crate) async fn sign_out(&self, cookie: &str, form: &str) -> Reply {
        self.post("/logout", cookie, form).await
    }

    /// POST /password: changes the signed-in user's password.
    pub(crate) async fn change_password(&self, cookie: &str, form: &str) -> Reply {
        self.post("/password", cookie, form).await
    }

    /// GET /static/{file}: a static file (scripts), no session needed.
    pub(crate) async fn static_file(&self, file: impl Display) -> Reply {
        self.get(&format!("/static/{file}"), "").await
    }

    /// Signs in through the login form; returns the session cookie and the page's CSRF token.
    pub(crate) async fn try_sign_in(&self, username: &str, password: &str) -> Reply {
        let page = self.get("/login", "").await;
        let csrf_cookie = cookie_pair(&page.cookies, "bangfu_login_csrf");
        let csrf = csrf_cookie.split_once('=').unwrap().1.to_owned();
        self.post("/login", &csrf_cookie, &format!("username={username}&password={password}&_csrf={csrf}&next=/")).await
    }

    /// The same app on another clock (the router's; the database handle is shared).
    pub(crate) fn with_clock(self, clock: bangfu_core::clock::Clock) -> App {
        App { router: router(AppState::new(self.db.clone().with_clock(clock))), clock, ..self }
    }

    /// What the kit's phone shows for `username` now: the earliest step after the last one
    /// it showed that stays valid for at least ten more seconds (a code is accepted once).
    pub(crate) async fn phone_code(&self, username: &str) -> String {
        loop {
            let now = self.clock.now().timestamp();
            let (step_now, into) = (now.div_euclid(30), now.rem_euclid(30));
            {
                let mut phones = self.phones.lock().unwrap();
                let (secret, last) = phones.get_mut(username).expect("no phone bound for this user");
                let earliest = if into < 20 { step_now - 1 } else { step_now };
                let step = earliest.max(*last + 1);
                if step <= step_now + 1 {
                    *last = step;
                    return secret.code_at(step * 30);
                }
            }
            assert!(matches!(self.clock, bangfu_core::clock::Clock::System), "a fixed clock has no later code");
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    }

    /// Binds a phone for the signed-in user through the 两步验证 page (reading the secret shown
    /// for manual entry, as a user without a camera would); returns the recovery codes.
    pub(crate) async fn bind_phone(&self, username: &str, session: &str) -> Vec<String> {
        let page = self.get("/two-factor", session).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let secret = page.body.split(r#"id="totp-secret""#).nth(1).unwrap().split('>').nth(1).unwrap();
        let secret = TotpSecret::from_base32(secret.split('<').next().unwrap()).unwrap();
        let csrf = page.body.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        self.phones.lock().unwrap().insert(username.to_owned(), (secret, 0));
        let code = self.phone_code(username).await;
        let r = self.post("/two-factor/bind", session, &format!("_csrf={csrf}&code={code}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.body.split("<li><code>").skip(1).map(|c| c.split('<').next().unwrap().to_owned()).collect()
    }

    /// Gives the code a session owes after the password; returns the signed-in session cookie.
    pub(crate) async fn give_code(&self, session: &str, code: &str) -> Reply {
        let page = self.get("/login/code", session).await;
        let csrf = page.body.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        self.post("/login/code", session, &format!("_csrf={csrf}&code={}&next=/", code.replace(' ', "+"))).await
    }

    /// Signs in as a user would: the password, then the phone's code if one is bound, and
    /// binding a phone first if the role must use two factors and none is bound.
    pub(crate) async fn sign_in(&self, username: &str) -> (String, String) {
        let r = self.try_sign_in(username, "correct-horse").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        let mut session = cookie_pair(&r.cookies, "bangfu_session");
        if r.location.as_deref().is_some_and(|l| l.starts_with("/login/code")) {
            let code = self.phone_code(username).await;
            let r = self.give_code(&session, &code).await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
            session = cookie_pair(&r.cookies, "bangfu_session");
        }
        // A page every role may open (the three administrators open no register page).
        let mut page = self.get("/sessions", &session).await;
        if page.location.as_deref() == Some("/two-factor") {
            self.bind_phone(username, &session).await;
            page = self.get("/sessions", &session).await;
        }
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

/// A token for `username`, made as `bangfu token create` makes it. An account whose role must
/// use two factors first signs in once and binds a phone, as its owner would have to before
/// the token works.
pub(crate) async fn api_token(app: &App, username: &str) -> String {
    let (user, _) = app.db.user_by_name(username).await.unwrap().unwrap();
    if !user.must_change_password
        && app.db.two_factor_roles().await.unwrap().requires(user.role)
        && !app.db.has_two_factor(user.id).await.unwrap()
    {
        app.sign_in(username).await;
    }
    let token = bangfu_core::auth::random_token();
    app.db.create_token(&bangfu_core::auth::token_hash(&token), &user, "test", &actor()).await.unwrap();
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

    // One helper per /api/v1 endpoint the tests call, each with a bearer token.

    /// POST /api/v1/households: 登记 of a household with its members.
    pub(crate) async fn api_register_household(&self, token: &str, body: &str) -> Reply {
        self.api("POST", "/api/v1/households", token, Some(body)).await
    }

    /// GET /api/v1/households/{h}: a household with its members.
    pub(crate) async fn api_household(&self, h: impl Display, token: &str) -> Reply {
        self.api("GET", &format!("/api/v1/households/{h}"), token, None).await
    }

    /// PUT /api/v1/households/{h}: 更正 of a household.
    pub(crate) async fn api_correct_household(&self, h: impl Display, token: &str, body: &str) -> Reply {
        self.api("PUT", &format!("/api/v1/households/{h}"), token, Some(body)).await
    }

    /// POST /api/v1/households/{h}/members: 增员.
    pub(crate) async fn api_join_member(&self, h: impl Display, token: &str, body: &str) -> Reply {
        self.api("POST", &format!("/api/v1/households/{h}/members"), token, Some(body)).await
    }

    /// PUT /api/v1/households/{h}/members/{m}: 更正 of a member.
    pub(crate) async fn api_correct_member(&self, h: impl Display, m: impl Display, token: &str, body: &str) -> Reply {
        self.api("PUT", &format!("/api/v1/households/{h}/members/{m}"), token, Some(body)).await
    }

    /// POST /api/v1/households/{h}/members/{m}/leave: 减员.
    pub(crate) async fn api_leave_member(&self, h: impl Display, m: impl Display, token: &str, body: &str) -> Reply {
        self.api("POST", &format!("/api/v1/households/{h}/members/{m}/leave"), token, Some(body)).await
    }

    /// POST /api/v1/households/{h}/status: a change of poverty status.
    pub(crate) async fn api_change_status(&self, h: impl Display, token: &str, body: &str) -> Reply {
        self.api("POST", &format!("/api/v1/households/{h}/status"), token, Some(body)).await
    }

    /// GET /api/v1/households/{h}/incomes: a household's incomes, each against its line.
    pub(crate) async fn api_incomes(&self, h: impl Display, token: &str) -> Reply {
        self.api("GET", &format!("/api/v1/households/{h}/incomes"), token, None).await
    }

    /// PUT /api/v1/households/{h}/incomes/{period}: 录入收入 for a year or a 12-month window.
    pub(crate) async fn api_record_income(
        &self,
        h: impl Display,
        period: impl Display,
        token: &str,
        body: &str,
    ) -> Reply {
        self.api("PUT", &format!("/api/v1/households/{h}/incomes/{period}"), token, Some(body)).await
    }

    /// POST /api/v1/households/{h}/merge: 合户 into household h.
    pub(crate) async fn api_merge_household(&self, h: impl Display, token: &str, body: &str) -> Reply {
        self.api("POST", &format!("/api/v1/households/{h}/merge"), token, Some(body)).await
    }

    /// GET /api/v1/households/{h}/episodes: a household's monitoring episodes.
    pub(crate) async fn api_episodes(&self, h: impl Display, token: &str) -> Reply {
        self.api("GET", &format!("/api/v1/households/{h}/episodes"), token, None).await
    }

    /// POST /api/v1/households/{h}/episodes: no longer opens anything (409 by_procedure).
    pub(crate) async fn api_open_episode(&self, h: impl Display, token: &str, body: &str) -> Reply {
        self.api("POST", &format!("/api/v1/households/{h}/episodes"), token, Some(body)).await
    }

    /// POST /api/v1/units: a new 帮扶单位.
    pub(crate) async fn api_add_unit(&self, token: &str, body: &str) -> Reply {
        self.api("POST", "/api/v1/units", token, Some(body)).await
    }

    /// PUT /api/v1/units/{id}: corrects a 帮扶单位.
    pub(crate) async fn api_correct_unit(&self, id: impl Display, token: &str, body: &str) -> Reply {
        self.api("PUT", &format!("/api/v1/units/{id}"), token, Some(body)).await
    }

    /// POST /api/v1/lines: enters a line.
    pub(crate) async fn api_add_line(&self, token: &str, body: &str) -> Reply {
        self.api("POST", "/api/v1/lines", token, Some(body)).await
    }

    /// PUT /api/v1/lines/{id}: adjusts a line.
    pub(crate) async fn api_adjust_line(&self, id: impl Display, token: &str, body: &str) -> Reply {
        self.api("PUT", &format!("/api/v1/lines/{id}"), token, Some(body)).await
    }

    /// GET /api/v1/worklist/{reason}: the households on one of the worklist's lists.
    pub(crate) async fn api_worklist_for(&self, reason: impl Display, token: &str) -> Reply {
        self.api("GET", &format!("/api/v1/worklist/{reason}"), token, None).await
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

/// A procedure's paper of `kind` as a multipart body: a PNG named 承诺授权书.png.
pub(crate) fn paper(csrf: &str, kind: &str) -> (String, Vec<u8>) {
    let (ctype, mut body) = multipart(csrf, "户主签字", Some(("承诺授权书.png", PNG)));
    let boundary = "----bangfu-test-boundary";
    let tail = format!("--{boundary}--\r\n");
    body.truncate(body.len() - tail.len());
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n{tail}").bytes(),
    );
    (ctype, body)
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

    /// POST /measures/{m}/evidence: uploads a photo or PDF for a measure (a `multipart` body).
    pub(crate) async fn upload_evidence(&self, m: impl Display, cookie: &str, body: (String, Vec<u8>)) -> Reply {
        self.upload(&format!("/measures/{m}/evidence"), cookie, body).await
    }

    /// POST /api/v1/measures/{m}/evidence: the same upload with a bearer token.
    pub(crate) async fn api_upload_evidence(&self, m: impl Display, token: &str, body: (String, Vec<u8>)) -> Reply {
        self.send(
            Request::post(format!("/api/v1/measures/{m}/evidence"))
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
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
