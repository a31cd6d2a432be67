//! The poverty line (监测线/脱贫线) pages: the district enters and adjusts, a township cannot.

use super::*;

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
    let r = app.add_line(&admin, &form("七千", "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写调整原因") && r.body.contains("value=\"七千\""), "{}", r.body);
    let r = app.add_line(&admin, &form("7200", "省里发文")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.location.unwrap();
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    let edit = app.line_edit_page(id, &admin).await;
    assert!(edit.body.contains(r#"name="version" value="1""#), "the form carries the version it read");
    let r = app.adjust_line(id, &admin, &format!("{}&version=1", form("7500", "年中调整"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A second adjustment from a form read before the first: refused, who adjusted it named,
    // what was typed kept, and the form now at the current version.
    let r = app.adjust_line(id, &admin, &format!("{}&version=1", form("7300", "另一份通知"))).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("被 admin的名字 修改：标准；请核对后再保存"), "{}", r.body);
    assert!(r.body.contains("value=\"7300\"") && r.body.contains(r#"name="version" value="2""#), "{}", r.body);
    let page = app.get(&at, &admin).await;
    assert!(page.body.contains("7,200.00 → 7,500.00") && page.body.contains("年中调整"), "{}", page.body);
    let list = app.get("/lines", &admin).await;
    assert!(list.body.contains("7,500.00") && list.body.contains("3,218.00"), "seeded national lines are listed");
    // The margin setting: refused out of range, saved in range.
    let r = app.set_margin(&admin, &format!("_csrf={csrf}&margin_percent=0")).await;
    assert!(r.body.contains("接近范围应为1至100之间的百分数"));
    let r = app.set_margin(&admin, &format!("_csrf={csrf}&margin_percent=15")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // A township user reads the lines but cannot enter or adjust one, on the page or the API.
    let (township, tcsrf) = app.sign_in("shahedian").await;
    assert_eq!(app.get("/lines", &township).await.status, StatusCode::OK);
    let r = app.adjust_line(id, &township, &format!("_csrf={tcsrf}&amount=1&reason=x")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let token = api_token(&app, "shahedian").await;
    let body = r#"{"kind":"monitoring","year":2025,"area_code":"411702101000","amount":"9000","reason":"试"}"#;
    assert_eq!(app.api_add_line(&token, body).await.status, StatusCode::FORBIDDEN);
    let body = r#"{"kind":"monitoring","year":2025,"area_code":"410000000000","amount":"1","reason":"试"}"#;
    assert_eq!(app.api_adjust_line(id, &token, body).await.status, StatusCode::FORBIDDEN);
    // The district's API adjusts it, and the history shows every step.
    let token = api_token(&app, "admin").await;
    let body = r#"{"kind":"monitoring","year":2025,"area_code":"410000000000","amount":"7600","example":true,"reason":"接口调整"}"#;
    let r = app.api_adjust_line(id, &token, body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the version read is required: {}", r.body);
    let stale = body.replace("\"reason\"", "\"version\":1,\"reason\"");
    assert_eq!(app.api_adjust_line(id, &token, &stale).await.status, StatusCode::CONFLICT);
    let body = body.replace("\"reason\"", "\"version\":2,\"reason\"");
    let r = app.api_adjust_line(id, &token, &body).await;
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
