//! Income against the line of its year and area, and re-recording a period that has figures.

use super::*;

both!(the_household_page_marks_income_against_the_line_of_its_year_and_area, |app| {
    use bangfu_core::store::LineStore;
    let (session, csrf) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    let post =
        |period: &str, wages: &str| format!("_csrf={csrf}&period={}&household_size=1&wages={wages}", enc(period));
    // No monitoring line for 2025 yet: the page says so instead of a colour.
    let r = app.record_income(h, &session, &post("2025", "7000")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.household_page(h, &session).await;
    assert!(page.body.contains("未设定该年度监测范围"), "{}", page.body);
    // 河南's 2025 line applies to a village of 驿城区; 7 000 is below 7 200.
    let f: HashMap<&str, &str> =
        [("kind", "监测范围"), ("year", "2025"), ("area_code", "410000000000"), ("amount", "7200"), ("example", "是")]
            .into_iter()
            .collect();
    let line = bangfu_core::line::LineData::parse(&f, chrono::Local::now().date_naive()).unwrap();
    let id = app.db.create_line(&Scope::everything(), &line, "示例", &actor()).await.unwrap();
    let page = app.household_page(h, &session).await;
    assert!(page.body.contains("tag red\">低于监测范围") && page.body.contains("（示例值）"), "{}", page.body);
    // 驻马店市's own line is more specific than 河南's: 7 000 is within 10 % above 6 500.
    let city = bangfu_core::line::LineData {
        area: bangfu_core::line::LineArea::parse("411700000000").unwrap(),
        amount: bangfu_core::money::Fen(650_000),
        example: false,
        ..line.clone()
    };
    app.db.create_line(&Scope::everything(), &city, "市定标准", &actor()).await.unwrap();
    let page = app.household_page(h, &session).await;
    assert!(page.body.contains("tag yellow\">接近监测范围（高出不足10%）"), "{}", page.body);
    // The API gives the same mark.
    let token = api_token(&app, "shadong").await;
    let r = app.api_incomes(h, &token).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["items"][0]["mark"]["code"], "near");
    assert_eq!(v["items"][0]["household_size"], 1);
    // Raising the city's line makes it red; the card shows the words too.
    let higher = bangfu_core::line::LineData { amount: bangfu_core::money::Fen(800_000), ..city.clone() };
    let city_id = app.db.lines(&Scope::everything()).await.unwrap().into_iter().find(|l| l.data == city).unwrap().id;
    app.db.adjust_line(&Scope::everything(), city_id, 1, &higher, "调整", &actor()).await.unwrap();
    let card = app.household_card(h, &session).await;
    assert!(card.body.contains("低于监测范围"), "{}", card.body);
    let _ = id;
});

both!(recording_a_period_that_has_figures_shows_them_and_asks_before_replacing_keeping_what_was_typed, |app| {
    let (session, csrf) = app.sign_in("shahedian").await;
    let h = app.shahedian_household.0;
    let r = app
        .record_income(
            h,
            &session,
            &format!(
                "_csrf={csrf}&period=2025&household_size=1&wages=8000&item_dibao=3000&note_dibao={}",
                enc("全年低保")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Blank figures are not zeros: a period with nothing typed is refused.
    let r = app.record_income(h, &session, &format!("_csrf={csrf}&period=2024")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("未填的项目不按0计"));
    // The same period again: the old figures are shown, the typed ones kept, nothing saved yet.
    let typed = format!("_csrf={csrf}&period=2025&household_size=1&wages=9100.5&operating=1200");
    let r = app.record_income(h, &session, &typed).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.body.contains("2025年度已登记收入")
            && r.body.contains("8,000.00")
            && r.body.contains("低保金 3,000.00（全年低保）")
    );
    assert!(r.body.contains("value=\"9100.5\"") && r.body.contains("value=\"1200\""), "typed figures kept");
    assert!(r.body.contains("name=\"replace\" value=\"1\"") && r.body.contains("确认替换"));
    let page = app.household_page(h, &session).await;
    assert!(page.body.contains("11,000.00") && !page.body.contains("10,300.50"), "not replaced yet");
    // Confirmed: replaced, and the audit has before → after.
    let r = app.record_income(h, &session, &format!("{typed}&replace=1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.household_page(h, &session).await;
    assert!(page.body.contains("10,300.50"), "{}", page.body);
    assert!(page.body.contains("未填"), "the blank totals show as not filled");
    let (log, _) = app
        .db
        .audit_entries(&AuditFilter { username: Some("shahedian".into()), ..Default::default() }, 10, 0)
        .await
        .unwrap();
    let replaced = log.iter().find(|e| e.field.as_deref() == Some("income_2025") && e.before_value.is_some()).unwrap();
    assert!(replaced.before_value.as_deref().unwrap().contains("工资性收入 8000.00"));
    assert!(replaced.after_value.as_deref().unwrap().contains("工资性收入 9100.50"));
    // The API refuses a replacement without replace: true, with the figures already there.
    let token = api_token(&app, "shahedian").await;
    let r = app.api_record_income(h, 2025, &token, r#"{"wages":"1"}"#).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["existing"]["wages_fen"], 910_050);
    let r = app.api_record_income(h, 2025, &token, r#"{"wages":"1","replace":true}"#).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // A 12-month window through the API, with sub-items.
    let body = r#"{"household_size":1,"items":[{"kind":"migrant_work","amount":"12000","note":"外出务工"}],"out_of_pocket":"2000"}"#;
    let r = app.api_record_income(h, "2025-11", &token, body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let window = v["incomes"].as_array().unwrap().iter().find(|i| i["period"] == "2025-11").unwrap();
    assert_eq!(window["period_label"], "2024年12月至2025年11月");
    assert_eq!(window["net_per_person_fen"], 1_000_000);
});
