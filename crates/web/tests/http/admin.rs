//! Administration through the browser and the API, on both backends: units, accounts,
//! permissions as types (403 in Chinese), the audit log and district settings within a scope.

use super::*;
use bangfu_core::store::{UnitStore, UserStore, WorklistStore};

/// Another account, with the shared test password.
pub(crate) async fn insert_user(app: &App, username: &str, role: Role, area: &str) -> i64 {
    app.db
        .create_user(
            &NewUser {
                username: username.into(),
                display_name: format!("{username}的名字"),
                phone: None,
                role,
                area_code: AreaCode::parse(area).unwrap(),
                password_hash: hash_password("correct-horse").unwrap(),
                must_change_password: false,
            },
            &actor(),
        )
        .await
        .unwrap()
}

/// The one-time password a page shows once.
fn shown_password(body: &str) -> String {
    body.split("letter-spacing:.08em\">").nth(1).unwrap().split('<').next().unwrap().to_owned()
}

fn audit_rows(entries: &[bangfu_core::audit::AuditEntry], object_type: &str) -> Vec<String> {
    entries
        .iter()
        .filter(|e| e.object_type.as_deref() == Some(object_type))
        .map(|e| format!("{}:{}", e.field.clone().unwrap_or_default(), e.after_value.clone().unwrap_or_default()))
        .collect()
}

both!(a_district_admin_creates_and_corrects_a_unit_and_a_township_clerk_is_refused_in_chinese, |app| {
    let (admin, csrf) = app.sign_in("admin").await;
    assert_eq!(app.get("/units/new", &admin).await.status, StatusCode::OK);
    // A blank name: shown beside the field, the chosen level kept, nothing stored.
    let r = app.add_unit(&admin, &format!("_csrf={csrf}&name=&level=city&area_code=411702000000")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写单位名称"), "{}", r.body);
    assert!(r.body.contains(r#"<option value="city" selected>"#), "{}", r.body);
    let form =
        |name: &str, level: &str, area: &str| format!("_csrf={csrf}&name={}&level={level}&area_code={area}", enc(name));
    let r = app.add_unit(&admin, &form("区农业农村局", "county", "411702000000")).await;
    assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/units?saved=1")), "{}", r.body);
    let list = app.get("/units?saved=1", &admin).await;
    assert!(
        list.body.contains("区农业农村局") && list.body.contains("县直") && list.body.contains("已保存"),
        "{}",
        list.body
    );
    // The same name again: the unique constraint answers, by field, in Chinese; the input stays.
    let r = app.add_unit(&admin, &form("区农业农村局", "township", "411702101000")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("已有同名的帮扶单位") && r.body.contains("value=\"区农业农村局\""), "{}", r.body);
    let units = app.db.units(&Scope::everything()).await.unwrap();
    assert_eq!(units.len(), 1);
    let id = units[0].id;
    // A correction, audited field by field.
    assert!(app.unit_edit_page(id, &admin).await.body.contains("区农业农村局"));
    let edit = app.unit_edit_page(id, &admin).await;
    assert!(edit.body.contains(r#"name="version" value="1""#), "the form carries the version it read");
    let r = app.correct_unit(id, &admin, &(form("驿城区农业农村局", "county", "411702000000") + "&version=1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.db.unit(&Scope::everything(), id).await.unwrap().name, "驿城区农业农村局");
    // The same form sent again was read before that change: 409, who changed what, input kept.
    let r =
        app.correct_unit(id, &admin, &(form("区农业农村局（旧名）", "county", "411702000000") + "&version=1")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("请核对后再保存") && r.body.contains("区农业农村局（旧名）"), "{}", r.body);
    assert_eq!(app.db.unit(&Scope::everything(), id).await.unwrap().name, "驿城区农业农村局");
    let (log, _) = app
        .db
        .audit_entries(&AuditFilter { object_type: Some("unit".into()), ..Default::default() }, 50, 0)
        .await
        .unwrap();
    assert_eq!(audit_rows(&log, "unit"), vec!["name:驿城区农业农村局", "name:区农业农村局（县直）"]);
    assert!(log.iter().all(|e| e.username.as_deref() == Some("admin")));

    // A township clerk reads the list but may not create or correct: 403, said in Chinese.
    let (clerk, ccsrf) = app.sign_in("shahedian").await;
    assert!(app.get("/units", &clerk).await.body.contains("驿城区农业农村局"));
    for r in [
        app.get("/units/new", &clerk).await,
        app.add_unit(&clerk, &format!("_csrf={ccsrf}&name=x&level=county&area_code=411702101000")).await,
        app.unit_edit_page(id, &clerk).await,
        app.correct_unit(id, &clerk, &format!("_csrf={ccsrf}&name=x&level=county&area_code=411702101000")).await,
    ] {
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("无权操作") && r.body.contains("帮扶单位管理"), "{}", r.body);
    }
    assert_eq!(app.db.units(&Scope::everything()).await.unwrap().len(), 1, "nothing stored");
    assert!(!app.get("/units", &clerk).await.body.contains("/units/new"), "no button for a clerk");
});

both!(the_units_api_creates_and_corrects_for_the_district_admin_and_answers_json_403_otherwise, |app| {
    let admin = api_token(&app, "admin").await;
    let r = app.api_add_unit(&admin, r#"{"name":"新华街道办事处","level":"乡镇","area_code":"411702004000"}"#).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let unit: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let id = unit["id"].as_i64().unwrap();
    assert_eq!((unit["level"].as_str(), unit["area_name"].as_str()), (Some("township"), Some("新华街街道")));
    let dup =
        app.api_add_unit(&admin, r#"{"name":"新华街道办事处","level":"county","area_code":"411702000000"}"#).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert!(dup.body.contains(r#""field":"name""#) && dup.body.contains("同名"), "{}", dup.body);
    let bad = app.api_correct_unit(id, &admin, r#"{"name":"","level":"中直"}"#).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains(r#""field":"level""#) && bad.body.contains(r#""field":"area_code""#), "{}", bad.body);
    let r = app
        .api_correct_unit(
            id,
            &admin,
            r#"{"name":"新华街道办事处（党工委）","level":"township","area_code":"411702004000","version":1}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let stale = app
        .api_correct_unit(
            id,
            &admin,
            r#"{"name":"新华街道","level":"township","area_code":"411702004000","version":1}"#,
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert!(stale.body.contains(r#""code":"stale""#), "{}", stale.body);
    let clerk = api_token(&app, "shahedian").await;
    let listed = app.api("GET", "/api/v1/units", &clerk, None).await;
    assert!(listed.body.contains("新华街道办事处（党工委）"), "{}", listed.body);
    for (method, path) in [("POST", "/api/v1/units".to_owned()), ("PUT", format!("/api/v1/units/{id}"))] {
        let r =
            app.api(method, &path, &clerk, Some(r#"{"name":"x","level":"county","area_code":"411702101000"}"#)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert!(r.body.contains(r#""code":"forbidden""#) && r.body.contains("帮扶单位管理"), "{}", r.body);
    }
    assert_eq!(
        app.db.unit(&Scope::everything(), bangfu_core::ids::UnitId(id)).await.unwrap().name,
        "新华街道办事处（党工委）"
    );
});

both!(a_system_admin_adds_disables_resets_and_unlocks_accounts_each_audited, |app| {
    let (admin, csrf) = app.sign_in("sysadmin").await;
    assert!(app.get("/users", &admin).await.body.contains("shahedian"));
    // A new account: the generated password is shown once and must be changed at first sign-in.
    let form = |username: &str| {
        format!(
            "_csrf={csrf}&username={username}&display_name={}&phone=&role=village_worker&area_code=411702101201",
            enc("李四")
        )
    };
    let bad = app
        .add_user(&admin, &format!("_csrf={csrf}&username=a&display_name=&role=village_worker&area_code=411702101201"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("用户名应为3到32位") && bad.body.contains("请填写姓名"), "{}", bad.body);
    let r = app.add_user(&admin, &form("lisi")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("只显示这一次"), "{}", r.body);
    let first = shown_password(&r.body);
    assert_eq!(first.len(), 12);
    let dup = app.add_user(&admin, &form("lisi")).await;
    assert!(dup.body.contains("该用户名已被使用"), "{}", dup.body);
    // 三员分立: the new account waits for the security administrator's grant.
    assert!(r.body.contains("须由安全管理员在“授权”页面授予角色后才能登录"), "{}", r.body);
    assert!(app.db.user_by_name("lisi").await.unwrap().is_none(), "a pending account cannot sign in");
    assert_eq!(app.try_sign_in("lisi", &first).await.status, StatusCode::UNAUTHORIZED);
    let id = app.db.account_by_name(&Scope::everything(), "lisi").await.unwrap().unwrap().user.id;
    assert!(app.get("/users", &admin).await.body.contains("待授权"));
    let (sec, scsrf) = app.sign_in("secadmin").await;
    let r = app.post(&format!("/grants/{}/grant", id.0), &sec, &format!("_csrf={scsrf}&role=village_worker")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let signed = app.try_sign_in("lisi", &first).await;
    assert_eq!(signed.location.as_deref(), Some("/password"), "the first password must be changed");
    let lisi_session = cookie_pair(&signed.cookies, "bangfu_session");

    let lisi_token = api_token(&app, "lisi").await;
    // Disabled: the session and the API token end at once and signing in fails with the one message.
    let r = app.disable_user(id, &admin, &format!("_csrf={csrf}")).await;
    assert_eq!(r.location.as_deref(), Some("/users"));
    assert_eq!(app.get("/password", &lisi_session).await.status, StatusCode::SEE_OTHER, "signed out");
    assert_eq!(app.api("GET", "/api/v1/households", &lisi_token, None).await.status, StatusCode::UNAUTHORIZED);
    let refused = app.try_sign_in("lisi", &first).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.body.contains(SIGN_IN_FAILED));
    assert!(app.get("/users", &admin).await.body.contains("已停用"));
    app.enable_user(id, &admin, &format!("_csrf={csrf}")).await;
    assert_eq!(app.try_sign_in("lisi", &first).await.status, StatusCode::SEE_OTHER);

    // Five wrong passwords lock it; the admin unlocks it.
    for _ in 0..5 {
        app.try_sign_in("lisi", "wrong-horse-1").await;
    }
    assert_eq!(app.try_sign_in("lisi", &first).await.status, StatusCode::UNAUTHORIZED);
    assert!(app.get("/users", &admin).await.body.contains("已锁定"));
    app.unlock_user(id, &admin, &format!("_csrf={csrf}")).await;
    let again = app.try_sign_in("lisi", &first).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let again_session = cookie_pair(&again.cookies, "bangfu_session");

    // A reset: a new one-time password, the old one and the user's sessions end.
    let r = app.reset_password(id, &admin, &format!("_csrf={csrf}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let second = shown_password(&r.body);
    assert_ne!(first, second);
    assert_eq!(app.get("/password", &again_session).await.status, StatusCode::SEE_OTHER, "sessions ended");
    assert_eq!(app.try_sign_in("lisi", &first).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.try_sign_in("lisi", &second).await.location.as_deref(), Some("/password"));

    // The admin cannot disable their own account; the list says why, in Chinese.
    let (me, _) = app.db.user_by_name("sysadmin").await.unwrap().unwrap();
    let r = app.disable_user(me.id, &admin, &format!("_csrf={csrf}")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不能停用自己的账号"), "{}", r.body);
    // A forged form changes nothing.
    assert_eq!(app.disable_user(id, &admin, "_csrf=forged").await.status, StatusCode::FORBIDDEN);
    assert!(!app.db.account(&Scope::everything(), id).await.unwrap().disabled);

    let (log, _) = app
        .db
        .audit_entries(&AuditFilter { object_type: Some("user".into()), ..Default::default() }, 50, 0)
        .await
        .unwrap();
    // The admin's acts on the page (the test's own accounts and token were made by the setup).
    let by_admin: Vec<&str> = log
        .iter()
        .rev()
        .filter(|e| e.username.as_deref() == Some("sysadmin"))
        .filter_map(|e| e.field.as_deref())
        .collect();
    // (The first is the admin's own phone, bound at the first sign-in.)
    assert_eq!(by_admin, vec!["two_factor", "username", "status", "status", "locked", "password"]);
    assert!(
        !log.iter().any(|e| [&first, &second].iter().any(|p| e
            .after_value
            .as_deref()
            .unwrap_or("")
            .contains(p.as_str()))),
        "passwords never reach the log"
    );

    // The grant is the security administrator's, in the log as such.
    assert!(log.iter().any(|e| e.username.as_deref() == Some("secadmin") && e.field.as_deref() == Some("grant")));
    // Only the system administrator manages accounts: not a clerk, not the district office.
    for other in ["shahedian", "admin"] {
        let (clerk, ccsrf) = app.sign_in(other).await;
        assert_eq!(app.get("/users", &clerk).await.status, StatusCode::FORBIDDEN, "{other}");
        let r = app.reset_password(id, &clerk, &format!("_csrf={ccsrf}")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("账号管理"), "{}", r.body);
    }
});

both!(a_township_level_admin_manages_only_its_own_accounts_and_not_the_district_settings, |app| {
    insert_user(&app, "twadmin", Role::SystemAdmin, "411702101000").await;
    insert_user(&app, "twoffice", Role::DistrictAdmin, "411702101000").await;
    let other = insert_user(&app, "yifeng", Role::TownshipStaff, "411702104000").await;
    let (tw, csrf) = app.sign_in("twadmin").await;
    let list = app.get("/users", &tw).await.body;
    assert!(list.contains("shahedian") && !list.contains("yifeng"), "{list}");
    assert_eq!(app.disable_user(other, &tw, &format!("_csrf={csrf}")).await.status, StatusCode::NOT_FOUND);
    let r = app.post(&format!("/users/{other}/end-sessions"), &tw, &format!("_csrf={csrf}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "another township's account's sign-ins are not its to end");
    let r = app
        .add_user(&tw, &format!("_csrf={csrf}&username=far&display_name=x&role=auditor&area_code=411702104000"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不在您的管辖范围内"), "{}", r.body);
    // District-wide settings need a district-level account of the district office.
    let (tw, csrf) = app.sign_in("twoffice").await;
    let before = app.db.visit_interval_days().await.unwrap();
    let page = app.get("/settings", &tw).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("全区设置"), "{}", page.body);
    assert_eq!(
        app.save_settings(&tw, &format!("_csrf={csrf}&visit_interval_days=10")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.db.visit_interval_days().await.unwrap(), before);
    assert!(!app.get("/", &tw).await.body.contains("href=\"/settings\""), "no settings link");
});

both!(a_township_account_reads_only_its_own_areas_audit_rows, |app| {
    insert_user(&app, "shaudit", Role::AuditAdmin, "411702101000").await;
    let (admin, csrf) = app.sign_in("admin").await;
    for (name, area) in [("沙河店镇人民政府", "411702101000"), ("蚁蜂镇人民政府", "411702104000")] {
        let r = app.add_unit(&admin, &format!("_csrf={csrf}&name={}&level=township&area_code={area}", enc(name))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
    }
    app.save_settings(&admin, &format!("_csrf={csrf}&visit_interval_days=40")).await;
    let (auditor, _) = app.sign_in("shaudit").await;
    let page = app.get("/audit", &auditor).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("沙河店镇人民政府"), "{}", page.body);
    assert!(!page.body.contains("蚁蜂镇人民政府"), "another township's row: {}", page.body);
    assert!(!page.body.contains("走访间隔（天）：30 → 40"), "a district setting has no area: {}", page.body);
    let token = api_token(&app, "shaudit").await;
    let r = app.api("GET", "/api/v1/audit", &token, None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|e| e["area_code"].as_str().is_some_and(|a| a.starts_with("411702101"))), "{}", r.body);
    // The district's audit administrator reads every row, sign-ins and settings too.
    let (district, _) = app.sign_in("auditadmin").await;
    let all = app.get("/audit", &district).await.body;
    assert!(all.contains("蚁蜂镇人民政府") && all.contains("设置 #visit_interval_days"), "{all}");
    assert!(all.contains("走访间隔（天）：30 → 40") && all.contains("帮扶单位 #"), "{all}");
});

both!(measure_kinds_are_the_monitoring_forms_each_marked_developmental_or_protective, |app| {
    let w = work_fixture(&app.db, app.shahedian_household, "411702101201").await;
    let (clerk, _) = app.sign_in("shahedian").await;
    let form = app.new_measure_page(w.plan, &clerk).await;
    for label in [
        "产业（开发式）",
        "公益岗位（开发式）",
        "综合保障（兜底）（保障性）",
        "其他教育（雨露计划）（保障性）",
        "基础设施建设（保障性）",
    ] {
        assert!(form.body.contains(label), "{label}: {}", form.body);
    }
    let page = app.household_page(app.shahedian_household.0, &clerk).await;
    assert!(page.body.contains("产业") && page.body.contains("开发式"), "{}", page.body);
    let card = app.household_card(app.shahedian_household.0, &clerk).await;
    assert!(card.body.contains("产业（开发式）") && card.body.contains("12317"), "{}", card.body);
    let book = app.household_handbook(app.shahedian_household.0, &clerk).await;
    assert!(book.body.contains("帮扶手册") && book.body.contains("驿城区农业农村局"), "{}", book.body);
});
