//! Signing in and out, sessions, CSRF, lockout and the first-run password change.

use super::*;

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
    assert_eq!(app.sign_out(&session, "_csrf=forged").await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/", &session).await.status, StatusCode::OK, "a forged sign-out does nothing");
    let r = app.sign_out(&session, &format!("_csrf={csrf}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/", &session).await.status, StatusCode::SEE_OTHER, "the old cookie no longer works");
});

both!(a_first_run_account_must_change_its_password_before_anything_else, |app| {
    let r = app.try_sign_in("newadmin", "correct-horse").await;
    assert_eq!(r.location.as_deref(), Some("/password"));
    let session = cookie_pair(&r.cookies, "bangfu_session");
    assert_eq!(app.get("/households", &session).await.location.as_deref(), Some("/password"));
    let page = app.get("/password", &session).await;
    let csrf = page.body.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let weak = app
        .change_password(&session, &format!("_csrf={csrf}&current=correct-horse&new=12345678&repeat=12345678"))
        .await;
    assert!(weak.body.contains("密码不能全是数字"));
    let ok = app
        .change_password(
            &session,
            &format!("_csrf={csrf}&current=correct-horse&new=zhumadian-2026&repeat=zhumadian-2026"),
        )
        .await;
    assert_eq!(ok.location.as_deref(), Some("/"));
    // A district admin must then bind a phone (两步验证) before anything else.
    assert_eq!(app.get("/households", &session).await.location.as_deref(), Some("/two-factor"));
    app.bind_phone("newadmin", &session).await;
    assert_eq!(app.get("/households", &session).await.status, StatusCode::OK);
});

both!(a_form_posted_after_the_session_ran_out_goes_to_sign_in_back_to_its_page_and_says_why, |app| {
    use bangfu_core::store::WorklistStore;
    let (admin, csrf) = app.sign_in("admin").await;
    assert_eq!(app.sign_out(&admin, &format!("_csrf={csrf}")).await.status, StatusCode::SEE_OTHER);
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
    let js = app.static_file("forms.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.body.contains("sessionStorage"));
});

// ---- members: the national member fields (issue 8) ----
