//! 三员分立: the system administrator makes accounts, the security administrator grants their
//! roles (or refuses them) and changes roles, the audit administrator reads the log; none can
//! do another's part, and a token is no way around two factors.

use super::*;
use bangfu_core::store::UserStore;

async fn csrf_of(app: &App, path: &str, session: &str) -> String {
    let page = app.get(path, session).await;
    page.body.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned()
}

both!(an_account_the_system_admin_makes_signs_in_only_once_the_security_admin_grants_it, |app| {
    let (sys, csrf) = app.sign_in("sysadmin").await;
    let form = |name: &str, role: &str| {
        format!("_csrf={csrf}&username={name}&display_name={}&role={role}&area_code=411702101000", enc("王干事"))
    };
    // The system administrator cannot grant what it made.
    let r = app.add_user(&sys, &form("wanggs", "district_admin")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let password = r.body.split("letter-spacing:.08em\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let id = app.db.account_by_name(&Scope::everything(), "wanggs").await.unwrap().unwrap().user.id.0;
    let r = app.post(&format!("/grants/{id}/grant"), &sys, &format!("_csrf={csrf}")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/grants", &sys).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.try_sign_in("wanggs", &password).await.status, StatusCode::UNAUTHORIZED, "待授权");

    // The security administrator sees it waiting, with the role it was asked for, and grants
    // a smaller one: 乡镇工作人员 instead of 区级管理员.
    let (sec, _) = app.sign_in("secadmin").await;
    let scsrf = csrf_of(&app, "/grants", &sec).await;
    let page = app.get("/grants", &sec).await.body;
    assert!(page.contains("wanggs") && page.contains(r#"<option value="district_admin" selected>"#), "{page}");
    let r = app.post(&format!("/grants/{id}/grant"), &sec, &format!("_csrf={scsrf}&role=township_staff")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (user, _) = app.db.user_by_name("wanggs").await.unwrap().unwrap();
    assert_eq!(user.role, Role::TownshipStaff);
    assert_eq!(app.try_sign_in("wanggs", &password).await.location.as_deref(), Some("/password"));
    assert!(!app.get("/grants", &sec).await.body.contains("wanggs"), "no longer waiting");
    let again = app.post(&format!("/grants/{id}/grant"), &sec, &format!("_csrf={scsrf}")).await;
    assert!(again.body.contains("该账号不是待授权的账号"), "{}", again.body);

    // A refusal needs a reason, and leaves the account disabled, not deleted.
    let r = app.add_user(&sys, &form("zhaogs", "village_worker")).await;
    assert_eq!(r.status, StatusCode::OK);
    let zid = app.db.account_by_name(&Scope::everything(), "zhaogs").await.unwrap().unwrap().user.id.0;
    let r = app.post(&format!("/grants/{zid}/refuse"), &sec, &format!("_csrf={scsrf}&reason=")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请写明不予授权的原因"), "{}", r.body);
    let r =
        app.post(&format!("/grants/{zid}/refuse"), &sec, &format!("_csrf={scsrf}&reason={}", enc("非本镇干部"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let refused = app.db.account(&Scope::everything(), bangfu_core::ids::UserId(zid)).await.unwrap();
    assert!(refused.disabled && !refused.pending);

    // A role changed: the account's sign-ins end; one outside the area is "not found".
    let (clerk, _) = app.sign_in("shahedian").await;
    let r = app.post("/grants/role", &sec, &format!("_csrf={scsrf}&username=shahedian&role=village_worker")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.get("/households", &clerk).await.status, StatusCode::SEE_OTHER, "signed out");
    assert_eq!(app.db.user_by_name("shahedian").await.unwrap().unwrap().0.role, Role::VillageWorker);
    let r = app.post("/grants/role", &sec, &format!("_csrf={scsrf}&username=nobody&role=auditor")).await;
    assert!(r.body.contains("在您的管辖范围内找不到账号“nobody”"), "{}", r.body);
    let r = app.post("/grants/role", &sec, &format!("_csrf={scsrf}&username=secadmin&role=district_admin")).await;
    assert!(r.body.contains("不能更改自己的角色"), "{}", r.body);

    // Every step is in the log, under the one who did it; only the audit administrator reads it.
    let filter = AuditFilter { object_type: Some("user".into()), ..Default::default() };
    let (log, _) = app.db.audit_entries(&filter, 50, 0).await.unwrap();
    let by = |who: &str, field: &str| {
        log.iter().filter(|e| e.username.as_deref() == Some(who) && e.field.as_deref() == Some(field)).count()
    };
    assert_eq!(by("sysadmin", "username"), 2, "two accounts made");
    assert_eq!(by("secadmin", "grant"), 2, "one granted, one refused");
    assert_eq!(by("secadmin", "role"), 1);
    let granted =
        log.iter().find(|e| e.field.as_deref() == Some("grant") && e.object_id == Some(id.to_string())).unwrap();
    assert_eq!(granted.after_value.as_deref(), Some("已授权：乡镇（街道）工作人员"));
    assert_eq!(granted.before_value.as_deref(), Some("待授权（申请：区级管理员）"));
    let (aud, _) = app.sign_in("auditadmin").await;
    assert!(app.get("/audit", &aud).await.body.contains("非本镇干部"));
});

both!(a_token_of_a_role_that_must_use_two_factors_works_only_once_a_phone_is_bound, |app| {
    let (user, _) = app.db.user_by_name("admin").await.unwrap().unwrap();
    let token = bangfu_core::auth::random_token();
    app.db.create_token(&bangfu_core::auth::token_hash(&token), &user, "test", &actor()).await.unwrap();
    let r = app.api("GET", "/api/v1/households", &token, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("请先在网页上设置两步验证"), "{}", r.body);
    app.sign_in("admin").await; // binds the phone
    assert_eq!(app.api("GET", "/api/v1/households", &token, None).await.status, StatusCode::OK);
    // A village worker's token needs none (optional for that role).
    let t = api_token(&app, "shadong").await;
    assert_eq!(app.api("GET", "/api/v1/households", &t, None).await.status, StatusCode::OK);
    // The audit administrator's token reads the audit log and nothing of the register.
    let t = api_token(&app, "auditadmin").await;
    assert_eq!(app.api("GET", "/api/v1/audit", &t, None).await.status, StatusCode::OK);
    let r = app.api("GET", "/api/v1/households", &t, None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("三员分立"), "{}", r.body);
});

both!(the_security_admin_makes_the_password_policy_stricter_never_looser_and_it_applies_at_once, |app| {
    use bangfu_core::clock::Clock;
    let (sec, _) = app.sign_in("secadmin").await;
    let page = app.get("/settings/security", &sec).await;
    assert!(page.body.contains("至少8位，须含大写字母、小写字母、数字、符号中的至少三种"), "{}", page.body);
    let csrf = page.body.split("name=\"_csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let form = |len: &str, days: &str| format!("_csrf={csrf}&min_length={len}&classes=3&history=5&max_age_days={days}");
    // Looser than level 3: refused, both numbers named, what was typed kept, nothing saved.
    let r = app.post("/settings/security/passwords", &sec, &form("6", "180")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("最短长度（位）应为8到64之间的整数（等级保护三级要求至少8位）"), "{}", r.body);
    assert!(r.body.contains("最长使用天数（天）应为1到90之间的整数"), "{}", r.body);
    assert!(r.body.contains(r#"value="180""#), "typed kept");
    assert_eq!(app.db.password_policy().await.unwrap(), bangfu_core::auth::PasswordPolicy::default());
    // Stricter: 12 characters, 30 days.
    let r = app.post("/settings/security/passwords", &sec, &form("12", "30")).await;
    assert_eq!(r.location.as_deref(), Some("/settings/security"), "{}", r.body);
    let filter = AuditFilter { object_type: Some("setting".into()), ..Default::default() };
    let (log, _) = app.db.audit_entries(&filter, 10, 0).await.unwrap();
    let row = log.iter().find(|e| e.field.as_deref() == Some("password_policy")).unwrap();
    assert_eq!(row.username.as_deref(), Some("secadmin"));
    assert!(row.after_value.as_deref().unwrap().starts_with("至少12位"), "{row:?}");
    // A clerk's new password is checked against it, and the page says the rule.
    let (clerk, ccsrf) = app.sign_in("shahedian").await;
    assert!(app.get("/password", &clerk).await.body.contains("至少12位"));
    let change = |to: &str| format!("_csrf={ccsrf}&current=correct-horse&new={}&repeat={}", enc(to), enc(to));
    let r = app.post("/password", &clerk, &change("Shahe-2026")).await;
    assert!(r.body.contains("密码至少12位"), "{}", r.body);
    assert_eq!(app.post("/password", &clerk, &change("Shahe-2026-abc")).await.location.as_deref(), Some("/"));
    // Only the security administrator sets it.
    let (admin, acsrf) = app.sign_in("admin").await;
    let r = app.post("/settings/security/passwords", &admin, &format!("_csrf={acsrf}&min_length=8")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A password 31 days old must now be changed (the default allowed 90).
    let later = app.with_clock(Clock::Fixed(
        (chrono::Utc::now() + chrono::Duration::days(31))
            .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap()),
    ));
    let r = later.try_sign_in("shadong", "correct-horse").await;
    let village = cookie_pair(&r.cookies, "bangfu_session");
    assert_eq!(later.get("/households", &village).await.location.as_deref(), Some("/password"));
});
