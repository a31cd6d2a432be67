//! 两步验证: a district admin binds a phone, signs in with its code, spends a recovery code,
//! and an admin resets a lost phone; the district decides which other roles must use it.

use super::*;
use bangfu_core::audit::AuditAction;
use bangfu_core::auth::totp::CODE_WRONG;

async fn actions(app: &App, action: AuditAction, username: &str) -> Vec<(Option<String>, Option<String>)> {
    let filter = AuditFilter { action: Some(action), username: Some(username.into()), ..Default::default() };
    let (rows, _) = app.db.audit_entries(&filter, 100, 0).await.unwrap();
    rows.into_iter().rev().map(|e| (e.field, e.after_value)).collect()
}

fn csrf_of(body: &str) -> String {
    body.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
}

both!(a_district_admin_binds_a_phone_first_then_signs_in_with_its_code_each_code_once, |app| {
    // The password alone lets a district admin do one thing: bind a phone.
    let r = app.try_sign_in("admin", "correct-horse").await;
    assert_eq!(r.location.as_deref(), Some("/"), "no phone bound yet: no code asked");
    let session = cookie_pair(&r.cookies, "bangfu_session");
    for page in ["/households", "/users", "/audit", "/settings"] {
        assert_eq!(app.get(page, &session).await.location.as_deref(), Some("/two-factor"), "{page}");
    }
    let api = app
        .send(Request::get("/api/v1/households").header(header::COOKIE, &session).body(Body::empty()).unwrap())
        .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN, "{}", api.body);
    assert!(api.body.contains("两步验证"));
    let page = app.get("/two-factor", &session).await;
    assert!(page.body.contains("必须使用两步验证") && page.body.contains("<svg"), "a QR code to scan");
    assert_eq!(
        app.get("/two-factor", &session).await.body.split("totp-secret").nth(1),
        page.body.split("totp-secret").nth(1),
        "the same secret until bound"
    );
    // A wrong code binds nothing and keeps the page.
    let r = app.post("/two-factor/bind", &session, &format!("_csrf={}&code=000000", csrf_of(&page.body))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("验证码不正确") && r.body.contains("<svg"));
    let codes = app.bind_phone("admin", &session).await;
    assert_eq!(codes.len(), 10, "ten recovery codes, shown once");
    assert_eq!(app.get("/households", &session).await.status, StatusCode::OK);
    let own = app.get("/two-factor", &session).await.body;
    assert!(own.contains("已开启") && own.contains("未用的恢复码还有 10 个") && !own.contains(&codes[0]), "{own}");
    assert_eq!(
        actions(&app, AuditAction::TwoFactor, "admin").await[0].1.as_deref(),
        Some("已绑定手机身份验证器，生成10个恢复码")
    );

    // From now on the password is not a sign-in: the session owes the code.
    let r = app.try_sign_in("admin", "correct-horse").await;
    assert!(r.location.as_deref().unwrap().starts_with("/login/code"), "{:?}", r.location);
    let owing = cookie_pair(&r.cookies, "bangfu_session");
    assert!(app.get("/households", &owing).await.location.unwrap().starts_with("/login/code"));
    let api =
        app.send(Request::get("/api/v1/households").header(header::COOKIE, &owing).body(Body::empty()).unwrap()).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    let wrong = app.give_code(&owing, "123456").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains(CODE_WRONG));
    let code = app.phone_code("admin").await;
    let ok = app.give_code(&owing, &code).await;
    assert_eq!(ok.location.as_deref(), Some("/"), "{}", ok.body);
    let signed_in = cookie_pair(&ok.cookies, "bangfu_session");
    assert_ne!(signed_in, owing, "a new session token once both steps are passed");
    assert_eq!(app.get("/households", &signed_in).await.status, StatusCode::OK);
    assert!(app.get("/households", &owing).await.location.unwrap().starts_with("/login"), "the half-way token is gone");
    // The same code again, in another sign-in: refused (a code seen over a shoulder is spent).
    let again = cookie_pair(&app.try_sign_in("admin", "correct-horse").await.cookies, "bangfu_session");
    assert_eq!(app.give_code(&again, &code).await.status, StatusCode::UNAUTHORIZED);
    // A recovery code works once, and the page then says how many are left.
    let r = app.give_code(&again, &codes[3].to_uppercase()).await;
    assert_eq!(r.location.as_deref(), Some("/two-factor"), "{}", r.body);
    let with_recovery = cookie_pair(&r.cookies, "bangfu_session");
    assert!(app.get("/two-factor", &with_recovery).await.body.contains("未用的恢复码还有 9 个"));
    let third = cookie_pair(&app.try_sign_in("admin", "correct-horse").await.cookies, "bangfu_session");
    assert_eq!(app.give_code(&third, &codes[3]).await.status, StatusCode::UNAUTHORIZED, "used up");
    // 换一个账号登录 ends the half-way session.
    let page = app.get("/login/code", &third).await;
    let r = app.post("/login/code", &third, &format!("_csrf={}&cancel=1", csrf_of(&page.body))).await;
    assert_eq!(r.location.as_deref(), Some("/login"));
    assert!(app.get("/login/code", &third).await.location.unwrap().starts_with("/login?"));
    let signs: Vec<_> = actions(&app, AuditAction::SignIn, "admin").await.into_iter().filter_map(|(_, v)| v).collect();
    assert_eq!(signs, ["密码 + 手机验证码", "密码 + 恢复码（还剩9个）"]);
    let failed = actions(&app, AuditAction::SignInFailed, "admin").await;
    assert_eq!(failed.iter().filter(|(_, v)| v.as_deref() == Some("wrong_code")).count(), 3);
});

both!(wrong_codes_are_counted_like_wrong_passwords, |app| {
    let (_, _) = app.sign_in("admin").await; // binds the phone
    let owing = cookie_pair(&app.try_sign_in("admin", "correct-horse").await.cookies, "bangfu_session");
    for _ in 0..5 {
        assert_eq!(app.give_code(&owing, "000000").await.status, StatusCode::UNAUTHORIZED);
    }
    let code = app.phone_code("admin").await;
    let r = app.give_code(&owing, &code).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("验证码错误次数过多，请"), "the right code waits too: {}", r.body);
});

both!(a_half_signed_in_session_owes_its_code_for_five_minutes_only, |app| {
    use bangfu_core::clock::Clock;
    let app = app.with_clock(Clock::fixed_beijing(2026, 12, 2, 9, 0));
    app.sign_in("admin").await;
    let owing = cookie_pair(&app.try_sign_in("admin", "correct-horse").await.cookies, "bangfu_session");
    let later = app.with_clock(Clock::fixed_beijing(2026, 12, 2, 9, 6));
    let r = later.get("/login/code", &owing).await;
    assert!(r.location.unwrap().starts_with("/login?"), "sign in again after five minutes");
});

both!(an_admin_resets_a_lost_phone_inside_its_area_only, |app| {
    let (auditor, _) = app.sign_in("auditor").await;
    let (admin, csrf) = app.sign_in("sysadmin").await;
    let auditor_id = app.db.user_by_name("auditor").await.unwrap().unwrap().0.id.0;
    let list = app.get("/users", &admin).await.body;
    assert!(list.contains(&format!("/users/{auditor_id}/reset-two-factor")), "a bound account can be reset");
    let r = app.post(&format!("/users/{auditor_id}/reset-two-factor"), &admin, &format!("_csrf={csrf}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app.get("/households", &auditor).await.location.unwrap().starts_with("/login"), "its sign-ins end");
    // The next sign-in asks no code of the old phone, and a phone must be bound again.
    let r = app.try_sign_in("auditor", "correct-horse").await;
    assert_eq!(r.location.as_deref(), Some("/"));
    let s = cookie_pair(&r.cookies, "bangfu_session");
    assert_eq!(app.get("/households", &s).await.location.as_deref(), Some("/two-factor"));
    let reset = actions(&app, AuditAction::TwoFactor, "sysadmin").await;
    assert!(reset.iter().any(|(_, v)| v.as_deref() == Some("管理员重置了两步验证（原手机和恢复码作废）")), "{reset:?}");
    // A township-level admin cannot reset another township's account.
    super::admin::insert_user(&app, "twadmin", Role::SystemAdmin, "411702101000").await;
    let far = super::admin::insert_user(&app, "yifeng", Role::TownshipStaff, "411702104000").await;
    let (tw, tw_csrf) = app.sign_in("twadmin").await;
    let r = app.post(&format!("/users/{far}/reset-two-factor"), &tw, &format!("_csrf={tw_csrf}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

both!(the_district_decides_which_other_roles_must_use_two_factors, |app| {
    let (clerk, _) = app.sign_in("shahedian").await;
    assert_eq!(app.get("/households", &clerk).await.status, StatusCode::OK, "optional for a township clerk");
    let (admin, csrf) = app.sign_in("secadmin").await;
    let page = app.get("/settings/security", &admin).await.body;
    assert!(page.contains(r#"value="district_admin" checked disabled"#), "{page}");
    // Ticking township staff (and trying to untick the admins, which cannot be done).
    let r = app.post("/settings/security", &admin, &format!("_csrf={csrf}&two_factor=township_staff")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let roles = app.db.two_factor_roles().await.unwrap();
    assert!(
        roles.requires(Role::TownshipStaff)
            && roles.requires(Role::DistrictAdmin)
            && !roles.requires(Role::VillageWorker)
    );
    assert_eq!(
        app.get("/households", &clerk).await.location.as_deref(),
        Some("/two-factor"),
        "the clerk binds a phone now"
    );
    let (_, after) = actions(&app, AuditAction::Update, "secadmin")
        .await
        .into_iter()
        .find(|(f, _)| f.as_deref() == Some("two_factor_roles"))
        .unwrap();
    assert_eq!(
        after.as_deref(),
        Some("区级管理员、乡镇（街道）工作人员、审计（只读台账）、系统管理员、安全管理员、审计管理员")
    );
    // Only the security administrator may change it: not a clerk, not the district office,
    // not the system administrator (三员分立).
    for other in ["shahedian", "admin", "sysadmin"] {
        let (tw, tw_csrf) = app.sign_in(other).await;
        let r = app.post("/settings/security", &tw, &format!("_csrf={tw_csrf}")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{other}");
    }
});

both!(a_village_worker_may_turn_two_factors_on_and_off_with_a_code, |app| {
    let (s, csrf) = app.sign_in("shadong").await;
    let page = app.get("/two-factor", &s).await.body;
    assert!(page.contains("开启两步验证后"), "offered, not required");
    app.bind_phone("shadong", &s).await;
    let (s, csrf2) = app.sign_in("shadong").await; // now with the code
    let _ = csrf;
    let r = app.post("/two-factor/off", &s, &format!("_csrf={csrf2}&code=000000")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a code from the phone is needed");
    let code = app.phone_code("shadong").await;
    let r = app.post("/two-factor/off", &s, &format!("_csrf={csrf2}&code={code}")).await;
    assert_eq!(r.location.as_deref(), Some("/two-factor"), "{}", r.body);
    assert_eq!(app.try_sign_in("shadong", "correct-horse").await.location.as_deref(), Some("/"), "password only again");
    // An admin cannot turn it off: the role requires it.
    let (admin, csrf) = app.sign_in("admin").await;
    let code = app.phone_code("admin").await;
    let r = app.post("/two-factor/off", &admin, &format!("_csrf={csrf}&code={code}")).await;
    assert!(r.body.contains("不能关闭"), "{}", r.body);
});
