//! What a penetration test of the server found (issue 9), each as the attack it tried: guesses
//! and lockouts by source, redirects after sign-in, forged addresses, headers, page numbers,
//! and what a password change ends.

use super::*;
use axum::extract::ConnectInfo;
use bangfu_core::auth::SIGN_IN_TOO_FAST;
use bangfu_core::store::UserStore;

/// The login form, sent from `peer` (as the server sees the connection), with extra headers.
async fn sign_in_from(app: &App, router: &Router, peer: &str, headers: &[(&str, &str)], form: &str) -> Reply {
    let page = app.get("/login", "").await;
    let csrf_cookie = cookie_pair(&page.cookies, "bangfu_login_csrf");
    let csrf = csrf_cookie.split_once('=').unwrap().1.to_owned();
    let mut req = Request::post("/login")
        .header(header::COOKIE, &csrf_cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req.body(Body::from(format!("{form}&_csrf={csrf}"))).unwrap();
    req.extensions_mut().insert(ConnectInfo(std::net::SocketAddr::new(peer.parse().unwrap(), 40000)));
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let location = res.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned());
    let cookies = res.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let body = String::from_utf8_lossy(&axum::body::to_bytes(res.into_body(), 1 << 22).await.unwrap()).into_owned();
    Reply { status, location, cookies, body }
}

async fn last_sign_in_ip(app: &App) -> Option<String> {
    let filter = AuditFilter { action: Some(bangfu_core::audit::AuditAction::SignIn), ..Default::default() };
    let (entries, _) = app.db.audit_entries(&filter, 1, 0).await.unwrap();
    entries.into_iter().next().and_then(|e| e.ip)
}

both!(wrong_guesses_from_one_address_never_lock_the_account_for_anyone_else, |app| {
    let clock = bangfu_core::clock::Clock::fixed_beijing(2026, 12, 2, 9, 0);
    let app = app.with_clock(clock);
    let router = app.router.clone();
    let attacker = "198.51.100.66";
    for _ in 0..12 {
        let r = sign_in_from(&app, &router, attacker, &[], "username=admin&password=guess&next=/").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains(SIGN_IN_FAILED));
    }
    // The attacker's address waits, even with the right password …
    let r = sign_in_from(&app, &router, attacker, &[], "username=admin&password=correct-horse&next=/").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "the attacker's address must wait");
    // … while the real admin, from the office, signs in as usual.
    let r = sign_in_from(&app, &router, "10.20.0.5", &[], "username=admin&password=correct-horse&next=/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The account is listed as locked (from one address) until that address's wait ends.
    let account = app.db.user_by_name("admin").await.unwrap().unwrap().0;
    let listed = app.db.account(&Scope::everything(), account.id).await.unwrap();
    assert!(listed.locked_until.is_some(), "shown as locked until the wait ends");
});

both!(too_many_sign_ins_from_one_address_in_a_minute_are_refused_without_checking, |app| {
    // All in one minute of the register's clock, however slow the machine.
    let clock = bangfu_core::clock::Clock::fixed_beijing(2026, 12, 2, 9, 0);
    let app = app.with_clock(clock);
    let router = app.router.clone();
    let flood = "203.0.113.77";
    let mut refused = 0;
    for i in 0..35 {
        let r = sign_in_from(&app, &router, flood, &[], &format!("username=user{i}&password=x&next=/")).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
            assert!(r.body.contains(SIGN_IN_TOO_FAST), "{}", r.body);
        }
    }
    assert_eq!(refused, 5, "30 a minute from one address, then refused");
    // Another address is not held up by the flood.
    let r = sign_in_from(&app, &router, "10.20.0.6", &[], "username=admin&password=correct-horse&next=/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
});

both!(after_sign_in_the_browser_only_goes_to_a_page_of_this_site, |app| {
    let router = app.router.clone();
    // A tab, a backslash or a second slash would take the browser to another host.
    for next in ["/%09/evil.example", "//evil.example", "/\\evil.example", "/%5Cevil.example", "https://evil.example"] {
        let page = app.get(&format!("/login?next={next}"), "").await;
        assert!(page.body.contains(r#"name="next" value="/""#), "{next}: {}", page.body);
        let r =
            sign_in_from(&app, &router, "10.0.0.1", &[], &format!("username=admin&password=correct-horse&next={next}"))
                .await;
        assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/")), "{next}");
    }
    // A line break in `next` is no error after the session cookie was made.
    let r = sign_in_from(
        &app,
        &router,
        "10.0.0.1",
        &[],
        "username=admin&password=correct-horse&next=/%0d%0aSet-Cookie:x=1",
    )
    .await;
    assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/")));
    // A page of this site is kept.
    let r = sign_in_from(
        &app,
        &router,
        "10.0.0.1",
        &[],
        "username=admin&password=correct-horse&next=/households%3Fstatus%3Dpoor",
    )
    .await;
    assert_eq!(r.location.as_deref(), Some("/households?status=poor"));
});

both!(a_forwarded_for_header_is_believed_only_from_the_configured_proxy, |app| {
    let forged = [("x-forwarded-for", "1.2.3.4")];
    let direct = app.router.clone();
    sign_in_from(&app, &direct, "203.0.113.9", &forged, "username=admin&password=correct-horse&next=/").await;
    assert_eq!(last_sign_in_ip(&app).await.as_deref(), Some("203.0.113.9"), "the header is ignored");
    let mut state = AppState::new(app.db.clone());
    state.trusted_proxies = std::sync::Arc::new(vec!["10.0.0.2".parse().unwrap()]);
    let behind_proxy = router(state);
    sign_in_from(
        &app,
        &behind_proxy,
        "10.0.0.2",
        &[("x-forwarded-for", "9.9.9.9, 203.0.113.10")],
        "username=admin&password=correct-horse&next=/",
    )
    .await;
    assert_eq!(last_sign_in_ip(&app).await.as_deref(), Some("203.0.113.10"), "the address the proxy saw");
});

both!(every_page_forbids_inline_script_and_framing_and_pages_with_people_are_not_cached, |app| {
    let (admin, _) = app.sign_in("admin").await;
    let h = app.shahedian_household.0;
    for path in [format!("/households/{h}"), "/login".to_owned(), "/api/v1/households".to_owned()] {
        let res = app
            .router
            .clone()
            .oneshot(Request::get(&path).header(header::COOKIE, &admin).body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let hv = |name: header::HeaderName| res.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
        let csp = hv(header::CONTENT_SECURITY_POLICY).unwrap();
        assert!(csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(hv(header::X_FRAME_OPTIONS).as_deref(), Some("DENY"));
        assert_eq!(hv(header::X_CONTENT_TYPE_OPTIONS).as_deref(), Some("nosniff"));
        assert_eq!(hv(header::REFERRER_POLICY).as_deref(), Some("same-origin"));
        assert_eq!(hv(header::CACHE_CONTROL).as_deref(), Some("no-store"), "{path}");
    }
    // The vendored scripts may be cached; no template carries an inline script.
    let js =
        app.router.clone().oneshot(Request::get("/static/htmx.min.js").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(js.headers()[header::CACHE_CONTROL], "public, max-age=86400");
    for file in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")).unwrap() {
        let path = file.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for tag in
            text.match_indices("<script").map(|(i, _)| &text[i..text[i..].find('>').map_or(text.len(), |j| i + j)])
        {
            assert!(tag.contains(" src="), "{}: an inline script: {tag}", path.display());
        }
        assert!(
            !text.contains(" onclick=") && !text.contains(" onchange=") && !text.contains("javascript:"),
            "{}",
            path.display()
        );
    }
});

both!(any_page_number_is_answered_without_overflow, |app| {
    let (admin, _) = app.sign_in("admin").await;
    let (auditor, _) = app.sign_in("auditadmin").await;
    let (sysadmin, _) = app.sign_in("sysadmin").await;
    for (path, cookie) in [
        ("/audit?page=9223372036854775807", &auditor),
        ("/audit?page=-1", &auditor),
        ("/households?page=99999999999999", &admin),
        ("/households?page=abc", &admin),
        ("/users?page=4294967295", &sysadmin),
    ] {
        let r = app.get(path, cookie).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
    }
    let token = api_token(&app, "admin").await;
    let r = app.api("GET", "/api/v1/households?page=9223372036854775807", &token, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(r#""items":[]"#), "past the last page: {}", r.body);
});

both!(a_new_password_ends_every_other_session_and_token_and_guesses_at_the_current_one_are_counted, |app| {
    let (here, csrf) = app.sign_in("shahedian").await;
    let (elsewhere, _) = app.sign_in("shahedian").await;
    let token = api_token(&app, "shahedian").await;
    assert_eq!(app.api("GET", "/api/v1/households", &token, None).await.status, StatusCode::OK);
    // Guessing the current password is counted like a sign-in.
    for _ in 0..5 {
        let r = app
            .post("/password", &here, &format!("_csrf={csrf}&current=guess&new=Zhumadian-2027&repeat=Zhumadian-2027"))
            .await;
        assert!(r.body.contains("当前密码不正确"), "{}", r.body);
    }
    let r = app
        .post(
            "/password",
            &here,
            &format!("_csrf={csrf}&current=correct-horse&new=Zhumadian-2027&repeat=Zhumadian-2027"),
        )
        .await;
    assert!(r.body.contains("当前密码错误次数过多"), "{}", r.body);
    app.db.clear_failures("shahedian", None).await.unwrap();
    let r = app
        .post(
            "/password",
            &here,
            &format!("_csrf={csrf}&current=correct-horse&new=Zhumadian-2027&repeat=Zhumadian-2027"),
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/"), "{}", r.body);
    assert_eq!(app.get("/households", &here).await.status, StatusCode::OK, "this session goes on");
    assert_eq!(app.get("/households", &elsewhere).await.status, StatusCode::SEE_OTHER, "the other session ended");
    assert_eq!(
        app.api("GET", "/api/v1/households", &token, None).await.status,
        StatusCode::UNAUTHORIZED,
        "the token ended"
    );
});

both!(an_account_that_must_change_its_password_cannot_use_an_api_token, |app| {
    let token = api_token(&app, "newadmin").await;
    let r = app.api("GET", "/api/v1/households", &token, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("请先在网页上修改初始密码"), "{}", r.body);
});

both!(a_name_with_a_hidden_direction_change_a_nul_or_a_hundred_thousand_characters_is_refused_alike, |app| {
    let (session, csrf) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    let form = |name: &str, address_of_work: &str| {
        format!(
            "_csrf={csrf}&name={}&sex={}&id_number={}&relation={}&joined_on=2024-01-01&join_reason={}&migrant_place={}",
            enc(name),
            enc("男"),
            id("19900101", 41),
            enc("之子"),
            enc("出生"),
            enc(address_of_work),
        )
    };
    let long = "王".repeat(100_000);
    for (name, place, message) in [
        ("王五\u{202E}明小", "", "姓名含有改变文字方向的隐藏字符，请删除后重新输入"),
        ("王\u{0}五", "", "姓名含有不可见的控制字符，请删除后重新输入"),
        (long.as_str(), "", "姓名不能超过50个字（现有100000个）"),
        ("王五", "广东\u{2066}东莞", "务工地点含有改变文字方向的隐藏字符"),
    ] {
        let r = app.join_member(h, &session, &form(name, place)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}: {}", &r.body[..r.body.len().min(300)]);
        assert!(r.body.contains(message), "{message}");
    }
    let members = app.db.members(&Scope::everything(), app.shahedian_household).await.unwrap();
    assert_eq!(members.len(), 1, "nothing was saved");
});

both!(exact_id_searches_are_audited_limited_per_hour_and_stop_after_ten_misses, |app| {
    let (session, _) = app.sign_in("shahedian").await;
    // The right number is found, and the search is in the audit log with the number masked.
    let r = app.get(&format!("/households?q={}", app.full_id), &session).await;
    assert!(r.body.contains("王建国"), "found");
    let filter = AuditFilter { action: Some(bangfu_core::audit::AuditAction::SearchId), ..Default::default() };
    let (rows, n) = app.db.audit_entries(&filter, 50, 0).await.unwrap();
    assert_eq!(n, 1);
    assert_eq!(rows[0].after_value.as_deref(), Some("找到1户"));
    assert!(!format!("{rows:?}").contains(&app.full_id), "the full number never reaches the log");
    // Trying the candidates a masked number leaves: ten misses, then the search stops.
    for seq in 100..110 {
        let r = app.get(&format!("/households?q={}", id("19650312", seq)), &session).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(!r.body.contains("role=\"alert\""), "still allowed at {seq}");
    }
    let r = app.get(&format!("/households?q={}", app.full_id), &session).await;
    assert!(r.body.contains("按证件号码查找一小时内已有10次未找到，已暂停一小时"), "{}", r.body);
    assert!(!r.body.contains("王建国"), "not run, even for the right number");
    let token = api_token(&app, "shahedian").await;
    let r = app.api("GET", &format!("/api/v1/households?q={}", app.full_id), &token, None).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let (rows, _) = app.db.audit_entries(&filter, 50, 0).await.unwrap();
    assert_eq!(rows.iter().filter(|e| e.field.as_deref() == Some("paused")).count(), 1, "the stop is audited once");
    assert_eq!(rows.iter().filter(|e| e.field.as_deref() == Some("refused")).count(), 2);
    // Another user is not affected, and names are searched as before.
    let (admin, _) = app.sign_in("admin").await;
    assert!(app.get(&format!("/households?q={}", app.full_id), &admin).await.body.contains("王建国"));
    assert!(app.get(&format!("/households?q={}", enc("王建国")), &session).await.body.contains("王建国"));
});

both!(an_account_that_cannot_reveal_a_number_sees_no_age_beside_the_masked_one, |app| {
    let h = app.shahedian_household.0;
    let (clerk, _) = app.sign_in("shahedian").await;
    let (auditor, _) = app.sign_in("auditor").await;
    let age = bangfu_core::household::IdNumber::parse(&app.full_id).unwrap().age_on(app.db.clock().today()).to_string();
    let cell = format!(r#"<td class="n">{age}</td>"#);
    assert!(app.household_page(h, &clerk).await.body.contains(&cell), "a clerk may reveal, and sees the age");
    let page = app.household_page(h, &auditor).await;
    assert!(!page.body.contains(&cell) && page.body.contains(r#"<td class="n">—</td>"#), "the auditor does not");
});

both!(a_district_admin_is_signed_out_after_ten_idle_minutes_a_clerk_after_thirty, |app| {
    use bangfu_core::clock::Clock;
    let at = |minute| Clock::fixed_beijing(2026, 12, 2, 9, minute);
    let app = app.with_clock(at(0));
    let (admin, _) = app.sign_in("admin").await;
    let (clerk, _) = app.sign_in("shahedian").await;
    let later = app.with_clock(at(11));
    assert_eq!(later.get("/households", &clerk).await.status, StatusCode::OK, "a clerk's 11 idle minutes are fine");
    let r = later.get("/households", &admin).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the admin must sign in again");
    assert!(r.location.unwrap().starts_with("/login"));
});

both!(a_new_password_must_have_three_kinds_of_characters_and_not_be_one_of_the_last_five, |app| {
    let (session, csrf) = app.sign_in("shahedian").await;
    let change = |from: &'static str, to: &'static str| {
        format!("_csrf={csrf}&current={}&new={}&repeat={}", enc(from), enc(to), enc(to))
    };
    let r = app.post("/password", &session, &change("correct-horse", "yichengadmin")).await;
    assert!(r.body.contains("密码须包含大写字母、小写字母、数字、符号中的至少三种"), "{}", r.body);
    let r = app.post("/password", &session, &change("correct-horse", "Admin@123")).await;
    assert!(r.body.contains("这个密码太常见"), "{}", r.body);
    assert_eq!(
        app.post("/password", &session, &change("correct-horse", "Shahe-2026a")).await.location.as_deref(),
        Some("/")
    );
    assert_eq!(
        app.post("/password", &session, &change("Shahe-2026a", "Shahe-2026b")).await.location.as_deref(),
        Some("/")
    );
    // Back to an earlier one: refused.
    let r = app.post("/password", &session, &change("Shahe-2026b", "correct-horse1")).await;
    assert_eq!(r.location.as_deref(), Some("/"), "a new one is fine: {}", r.body);
    let r = app.post("/password", &session, &change("correct-horse1", "Shahe-2026a")).await;
    assert!(r.body.contains("新密码不能与最近5次用过的密码相同"), "{}", r.body);
});

both!(a_password_ninety_days_old_must_be_changed_before_anything_else, |app| {
    use bangfu_core::clock::Clock;
    let after = |days| {
        let at = chrono::Utc::now() + chrono::Duration::days(days);
        Clock::Fixed(at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()))
    };
    let month = app.with_clock(after(30));
    let r = month.try_sign_in("shahedian", "correct-horse").await;
    let session = cookie_pair(&r.cookies, "bangfu_session");
    assert_eq!(month.get("/households", &session).await.status, StatusCode::OK, "30 days: fine");
    let quarter = month.with_clock(after(91));
    let r = quarter.try_sign_in("shahedian", "correct-horse").await;
    let session = cookie_pair(&r.cookies, "bangfu_session");
    let r = quarter.get("/households", &session).await;
    assert_eq!(r.location.as_deref(), Some("/password"), "91 days: the password must be changed first");
    assert!(quarter.get("/password", &session).await.body.contains("密码已使用满密码策略规定的天数（默认90天）"));
    let token = api_token(&quarter, "shahedian").await;
    assert_eq!(quarter.api("GET", "/api/v1/households", &token, None).await.status, StatusCode::FORBIDDEN);
});

both!(another_townships_id_number_is_not_confirmed_to_a_clerk_and_the_attempt_goes_to_the_district, |app| {
    let (session, csrf) = app.sign_in("shahedian").await;
    let h = app.shahedian_household.0;
    let join = |id_number: String| {
        format!(
            "_csrf={csrf}&name={}&sex={}&id_number={id_number}&relation={}&joined_on=2024-01-01&join_reason={}",
            enc("赵某"),
            enc("男"),
            enc("之子"),
            enc("投靠"),
        )
    };
    // 赵铁柱 lives in 蚁蜂镇: the clerk of 沙河店镇 is not told where, nor which household.
    let elsewhere = app.join_member(h, &session, &join(id("19700101", 3))).await;
    assert_eq!(elsewhere.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", elsewhere.body);
    assert!(elsewhere.body.contains("该证件号码不能在此登记：已转区级管理员核查"), "{}", elsewhere.body);
    for hint in ["蚁蜂", "4117021042010001", "另一户"] {
        assert!(!elsewhere.body.contains(hint), "the answer gives away {hint}");
    }
    // The district sees the attempt in the audit log; the township does not.
    let filter = AuditFilter { object_type: Some("id_conflict".into()), ..Default::default() };
    let (rows, n) = app.db.audit_entries(&filter, 10, 0).await.unwrap();
    assert_eq!(n, 1);
    assert!(rows[0].before_value.as_deref().unwrap().contains("411702104201"), "{rows:?}");
    // The district office's reviewer sees where the number is registered and records a
    // conclusion; a township clerk cannot open the list.
    let (reviewer, rcsrf) = app.sign_in("admin").await;
    let list = app.get("/id-conflicts", &reviewer).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("已在 411702104201（户编号 4117021042010001）登记"), "{}", list.body);
    assert!(list.body.contains("/households?q=4117021042010001"), "{}", list.body);
    assert!(!list.body.contains(&id("19700101", 3)), "the number stays masked");
    let conflict_id = list.body.split("/id-conflicts/").nth(1).unwrap().split('/').next().unwrap().to_owned();
    let r = app.post(&format!("/id-conflicts/{conflict_id}/review"), &reviewer, &format!("_csrf={rcsrf}&note=")).await;
    assert!(r.body.contains("请写明核查结论"), "{}", r.body);
    let note = enc("已核实为同一人，蚁蜂镇原户已通知");
    let r = app
        .post(&format!("/id-conflicts/{conflict_id}/review"), &reviewer, &format!("_csrf={rcsrf}&note={note}"))
        .await;
    assert_eq!(r.location.as_deref(), Some("/id-conflicts"), "{}", r.body);
    assert!(app.get("/id-conflicts", &reviewer).await.body.contains("已核实为同一人，蚁蜂镇原户已通知"));
    let r = app.post("/id-conflicts/999999/review", &reviewer, &format!("_csrf={rcsrf}&note={note}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/id-conflicts", &session).await.status, StatusCode::FORBIDDEN);
    let (district, _) = app.sign_in("auditadmin").await;
    assert!(
        app.get("/audit", &district).await.body.contains("id_conflict")
            || app.get("/audit", &district).await.body.contains("试图另行登记")
    );
    // In the clerk's own township the household is named: they may open it anyway.
    let own = app.join_member(h, &session, &join(app.full_id.clone())).await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(own.body.contains("此人已是本辖区户编号 4117021012010001 的现有成员"), "{}", own.body);
});

both!(a_user_sees_where_they_are_signed_in_and_ends_another_sign_in_and_an_admin_ends_all_of_an_account, |app| {
    let (phone, csrf) = app.sign_in("shadong").await;
    let (office, _) = app.sign_in("shadong").await;
    let page = app.get("/sessions", &phone).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("当前这一个"), "{}", page.body);
    let keys: Vec<String> =
        page.body.split(r#"name="session" value=""#).skip(1).map(|s| s.split('"').next().unwrap().to_owned()).collect();
    assert_eq!(keys.len(), 1, "the other sign-in can be ended, this one is ended by 退出");
    let r = app.post("/sessions/end", &phone, &format!("_csrf={csrf}&session={}", keys[0])).await;
    assert_eq!(r.location.as_deref(), Some("/sessions"));
    assert_eq!(app.get("/households", &office).await.status, StatusCode::SEE_OTHER, "the office sign-in ended");
    assert_eq!(app.get("/households", &phone).await.status, StatusCode::OK);
    // Another user's session cannot be ended by guessing its key: 404.
    let (other, _) = app.sign_in("shahedian").await;
    let other_key = app.get("/sessions", &other).await;
    assert!(other_key.body.contains("当前这一个"));
    let r = app.post("/sessions/end", &phone, &format!("_csrf={csrf}&session=0123456789abcdef")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The system administrator ends every sign-in of an account, and its tokens.
    let token = api_token(&app, "shadong").await;
    let (admin, acsrf) = app.sign_in("sysadmin").await;
    let (user, _) = app.db.user_by_name("shadong").await.unwrap().unwrap();
    let r = app.post(&format!("/users/{}/end-sessions", user.id.0), &admin, &format!("_csrf={acsrf}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.get("/households", &phone).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.api("GET", "/api/v1/households", &token, None).await.status, StatusCode::UNAUTHORIZED);
});

both!(a_request_with_oversized_or_too_many_headers_is_refused_before_anything_reads_them, |app| {
    let (session, _) = app.sign_in("shahedian").await;
    let big = format!("{session}; junk={}", "x".repeat(20 * 1024));
    let r = app.get("/households", &big).await;
    assert_eq!(r.status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    assert!(r.body.contains("请求头过大"), "{}", r.body);
    let mut req = Request::get("/households").header(header::COOKIE, &session);
    for i in 0..70 {
        req = req.header(format!("x-filler-{i}"), "1");
    }
    assert_eq!(app.send(req.body(Body::empty()).unwrap()).await.status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    // An ordinary request, with a few kilobytes of headers, is served.
    let ok = format!("{session}; other={}", "x".repeat(4 * 1024));
    assert_eq!(app.get("/households", &ok).await.status, StatusCode::OK);
});
