//! The JSON API under /api/v1: tokens, scope, validation, CSRF for browser sessions, OpenAPI, stale writes.

use super::*;

both!(the_api_with_a_token_is_scoped_like_the_pages_and_masks_id_numbers, |app| {
    let token = api_token(&app, "shahedian").await;
    let r = app.api("GET", "/api/v1/households", &token, None).await;
    assert_eq!(r.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["total"], 1);
    assert_eq!(v["items"][0]["head_name"], "王建国");
    let mine = app.api_household(app.shahedian_household.0, &token).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(!mine.body.contains(&app.full_id), "the API masks ID numbers too");
    assert!(mine.body.contains("**********"));
    let theirs = app.api_household(app.yifeng_household.0, &token).await;
    let missing = app.api_household(999999, &token).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(theirs.body, missing.body);
    assert_eq!(app.api("GET", "/api/v1/households", "not-a-token", None).await.status, StatusCode::UNAUTHORIZED);
    // A revoked token stops working.
    let (u, _) = app.db.user_by_name("shahedian").await.unwrap().unwrap();
    app.db.revoke_tokens(&u, &actor()).await.unwrap();
    assert_eq!(app.api("GET", "/api/v1/households", &token, None).await.status, StatusCode::UNAUTHORIZED);
});

both!(the_api_validates_a_member_like_the_form_and_lists_every_bad_field, |app| {
    let token = api_token(&app, "shahedian").await;
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let r = app
        .api_correct_member(
            h,
            m,
            &token,
            r#"{"version":1,"name":"王建国","sex":"女","relation":"户主","migrant_months":13}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"]["code"], "invalid");
    let fields: Vec<&str> =
        v["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"id_number") && fields.contains(&"migrant_months"), "{fields:?}");
    let ok = app
        .api_correct_member(
            h,
            m,
            &token,
            r#"{"version":1,"name":"王建国","sex":"male","relation":"head","phone":"13700137000","basic_medical":true}"#,
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
    assert_eq!(app.api_correct_member(h, m, &audit_token, "{}").await.status, StatusCode::FORBIDDEN);
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

both!(the_api_registers_and_changes_households_with_the_same_rules_and_scope, |app| {
    let token = api_token(&app, "shahedian").await;
    let head = id("19700505", 15);
    let body = |village: &str| {
        format!(
            r#"{{"household_no":"4117021012030001","village_code":"{village}","standard":"国家标准","attribute":"低保贫困户","main_cause":"因病","status":"未脱贫",
            "members":[{{"name":"周大勇","sex":"男","id_number":"{head}","relation":"户主"}},{{"name":"吴小花","sex":"男","id_number":"123","relation":"配偶"}}]}}"#
        )
    };
    let r = app.api_register_household(&token, &body("411702101203")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("members[1].id_number"), "{}", r.body);
    let good = body("411702101203").replace(
        r#"{"name":"吴小花","sex":"男","id_number":"123","relation":"配偶"}"#,
        &format!(r#"{{"name":"吴小花","sex":"女","id_number":"{}","relation":"配偶"}}"#, id("19720808", 16)),
    );
    let outside = good.replace("411702101203", "411702104201");
    let r = app.api_register_household(&token, &outside).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "another township's village is refused");
    let r = app.api_register_household(&token, &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let hid = v["household_id"].as_i64().unwrap();
    assert_eq!(v["size"], 2);
    // A child is born; the wife's record stays when she leaves; a year's income; the status changes.
    let r = app.api_join_member(hid, &token,
        &format!(r#"{{"name":"周小勇","sex":"男","id_number":"{}","relation":"之子","joined_on":"2020-01-01","join_reason":"出生"}}"#, id("20200101", 17))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let wife = v["members"][1]["member_id"].as_i64().unwrap();
    let r = app.api_leave_member(hid, wife, &token, r#"{"left_on":"2024-02-02","reason":"婚出"}"#).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.api_record_income(hid, 2025, &token, r#"{"wages":"20000","transfer":"1000.50"}"#).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["incomes"][0]["net_per_person_fen"], 1_050_025, "(20 000 + 1 000.50) ÷ 2 people");
    // The status is the district's to correct: the township's token is refused, the district's is not.
    let change = r#"{"status":"exited","effective_on":"2025-12-31","reason":"2025年度脱贫"}"#;
    let r = app.api_change_status(hid, &token, change).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let district = api_token(&app, "admin").await;
    let r = app.api_change_status(hid, &district, change).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Another township's household cannot be changed, and looks missing.
    let r = app
        .api_change_status(
            app.yifeng_household.0,
            &token,
            r#"{"status":"exited","effective_on":"2025-12-31","reason":"x"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
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
    let r = app.api_correct_member(h, m, &token, &body).await;
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
    let r = app.api_correct_member(h, m, &token, &bad).await;
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

both!(the_api_refuses_a_stale_correction_with_409_naming_who_changed_which_field, |app| {
    let h = app.shahedian_household.0;
    let admin = api_token(&app, "admin").await;
    let clerk = api_token(&app, "shahedian").await;
    let read: serde_json::Value = serde_json::from_str(&app.api_household(h, &clerk).await.body).unwrap();
    assert_eq!(read["version"], 1);
    assert_eq!(read["members"][0]["version"], 1);
    let r = app.api_correct_household(h, &admin, r#"{"version":1,"phone":"13611112222"}"#).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!((v["version"].clone(), v["household"]["phone"].clone()), (serde_json::json!(2), "13611112222".into()));
    assert_eq!(v["household"]["main_cause"], "illness", "fields left out keep their values");
    let r = app.api_correct_household(h, &clerk, r#"{"version":1,"bank_name":"驿城农商银行"}"#).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let e: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(e["error"]["code"], "stale");
    assert_eq!(e["error"]["version"], 2);
    assert_eq!(e["error"]["changed_by"][0], "admin的名字");
    assert_eq!(e["error"]["changed"][0]["field"], "phone");
    assert_eq!(e["error"]["changed"][0]["now"], "136****2222", "masked, as the log keeps it");
    assert!(e["error"]["message"].as_str().unwrap().ends_with("被 admin的名字 修改：联系电话；请核对后再保存"), "{e}");
    let stored = app.db.household(&Scope::everything(), app.shahedian_household).await.unwrap();
    assert_eq!((stored.version, stored.data.bank_name), (2, None), "nothing of the stale correction was saved");
    // Without a version nothing is saved; with the current one it is.
    let r = app.api_correct_household(h, &clerk, r#"{"bank_name":"驿城农商银行"}"#).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("\"field\":\"version\""), "{}", r.body);
    let r = app.api_correct_household(h, &clerk, r#"{"version":2,"bank_name":"驿城农商银行"}"#).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!((v["version"].clone(), v["household"]["phone"].clone()), (serde_json::json!(3), "13611112222".into()));
    // A member: the same.
    let m = first_member(&app, app.shahedian_household).await;
    let body = |version: i64, phone: &str| {
        format!(r#"{{"version":{version},"name":"王建国","sex":"男","relation":"户主","phone":"{phone}"}}"#)
    };
    let r = app.api_correct_member(h, m, &admin, &body(1, "13800138000")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("\"version\":2"));
    let r = app.api_correct_member(h, m, &clerk, &body(1, "13900139000")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("\"code\":\"stale\"") && r.body.contains("联系电话"));
    // Another township's household answers 404, version or not.
    let theirs = app.yifeng_household.0;
    assert_eq!(app.api_correct_household(theirs, &clerk, r#"{"version":1}"#).await.status, StatusCode::NOT_FOUND);
    // An auditor reads but cannot correct.
    let auditor = api_token(&app, "auditor").await;
    assert_eq!(app.api_correct_household(h, &auditor, r#"{"version":3}"#).await.status, StatusCode::FORBIDDEN);
});
