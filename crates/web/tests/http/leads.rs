//! 线索: the leads page of each area, the 不需纳入 form, and 走访发现 on the visit form.

use super::*;

/// A 监测范围 of 8 700 元 for the district, each test household earning 6 000 元, and a run.
async fn leads_found(app: &App) -> (i64, i64) {
    use bangfu_core::household::{Income, IncomePeriod, RecordIncome};
    use bangfu_core::money::Fen;
    use bangfu_core::store::{IncomeStore, LineStore};
    use chrono::Datelike;
    let today = chrono::Local::now().date_naive();
    let year = today.year().to_string();
    let line = bangfu_core::line::LineData::parse(
        &fields(&[("kind", "监测范围"), ("year", &year), ("area_code", "411702000000"), ("amount", "8700")]),
        today,
    )
    .unwrap();
    app.db.create_line(&Scope::everything(), &line, "测试", &actor()).await.unwrap();
    let (y, m) = if today.month() == 1 { (today.year() - 1, 12) } else { (today.year(), today.month() - 1) };
    for h in [app.shahedian_household, app.yifeng_household] {
        let mut income = Income::of_year(y, 1, [Some(Fen(600_000)), None, None, None, None]);
        income.period = IncomePeriod::TwelveMonths { end_year: y, end_month: m };
        let command = RecordIncome { income, replace: false };
        app.db.record_income(&Scope::everything(), h, &command, &actor()).await.unwrap();
    }
    let settings = app.db.rule_settings().await.unwrap();
    let run = app.db.run_rules(&Scope::everything(), today, &settings, &actor()).await.unwrap();
    assert_eq!(run.added, 2);
    let id_of = |h: HouseholdId| run.found.iter().find(|l| l.household_id == h).unwrap().household_id;
    let leads = app
        .db
        .rule_leads(&Scope::everything(), &Default::default(), bangfu_core::store::Page { number: 1, size: 10 })
        .await
        .unwrap()
        .0;
    let lead = |h: HouseholdId| leads.iter().find(|l| l.household_id == id_of(h)).unwrap().id.0;
    (lead(app.shahedian_household), lead(app.yifeng_household))
}

both!(each_area_sees_its_own_leads_and_another_areas_lead_is_not_found, |app| {
    let (ours, theirs) = leads_found(&app).await;
    let (town, csrf) = app.sign_in("shahedian").await;
    let page = app.get("/leads", &town).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("4117021012010001") && !page.body.contains("4117021042010001"), "{}", page.body);
    assert!(page.body.contains("人均纯收入低于监测范围") && page.body.contains("低于监测范围 8 700 元 2 700 元"));
    assert!(page.body.contains(&format!(
        "/households/{}/procedures/new?kind=identification&amp;lead={ours}",
        app.shahedian_household.0
    )));
    let (admin, _) = app.sign_in("admin").await;
    let all = app.get("/leads", &admin).await.body;
    assert!(all.contains("4117021012010001") && all.contains("4117021042010001"));
    // Another township's lead answers as a missing one.
    let r = app.post(&format!("/leads/{theirs}/dismiss"), &town, &format!("_csrf={csrf}&reason=x")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.post("/leads/999999/dismiss", &town, &format!("_csrf={csrf}&reason=x")).await.status,
        StatusCode::NOT_FOUND
    );
    // A dismissal needs a reason; with one, the lead leaves the list.
    let r = app.post(&format!("/leads/{ours}/dismiss"), &town, &format!("_csrf={csrf}&reason=")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请写明不需纳入监测的理由"), "{}", r.body);
    let r = app
        .post(&format!("/leads/{ours}/dismiss"), &town, &format!("_csrf={csrf}&reason={}", enc("已核实：收入漏登")))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(!app.get("/leads", &town).await.body.contains("4117021012010001"));
    // The auditor reads, and may not dismiss.
    let (auditor, acsrf) = app.sign_in("auditor").await;
    let read = app.get("/leads", &auditor).await;
    assert!(read.body.contains("4117021042010001") && !read.body.contains("/dismiss"));
    let r = app.post(&format!("/leads/{theirs}/dismiss"), &auditor, &format!("_csrf={acsrf}&reason=x")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

both!(the_visit_form_records_what_the_visit_found_and_a_blank_stays_blank, |app| {
    use bangfu_core::monitoring::rules::VisitReport;
    use bangfu_core::store::VisitStore;
    let (worker, csrf) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    let form = app.new_visit_page(h, &worker).await;
    assert!(form.body.contains("走访发现（如有）") && form.body.contains(r#"name="findings.illness""#));
    assert!(form.body.contains("因自然灾害") && form.body.contains("缺劳动力"));
    let today = chrono::Local::now().date_naive().to_string();
    let base = format!("_csrf={csrf}&visited_on={today}&visitors={}&found={}", enc("李干事"), enc("户主在家"));
    assert_eq!(app.record_visit(h, &worker, &base).await.status, StatusCode::SEE_OTHER);
    let r = app.record_visit(h, &worker, &format!("{base}&findings.illness=1&findings.labour_lost=1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app.record_visit(h, &worker, &format!("{base}&findings.none=1&findings.illness=1")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("选了“无”"), "{}", r.body);
    let mut kept: Vec<_> = app
        .db
        .visits(&Scope::everything(), app.shahedian_household)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.data.findings)
        .collect();
    kept.sort();
    assert_eq!(kept, vec![None, Some(vec![VisitReport::Illness, VisitReport::LabourLost])]);
    let page = app.household_page(h, &worker).await;
    assert!(page.body.contains("户主在家（走访发现（如有）：因病、缺劳动力）"), "{}", page.body);
});

both!(the_visit_api_takes_findings_as_an_array_of_codes_and_an_empty_one_is_none, |app| {
    use bangfu_core::monitoring::rules::VisitReport;
    use bangfu_core::store::VisitStore;
    let token = api_token(&app, "shadong").await;
    let h = app.shahedian_household.0;
    let today = chrono::Local::now().date_naive().to_string();
    let body =
        |findings: &str| format!(r#"{{"visited_on":"{today}","visitors":"李干事","found":"户主在家"{findings}}}"#);
    let path = format!("/api/v1/households/{h}/visits");
    let r = app.api("POST", &path, &token, Some(&body(r#","findings":["disaster","illness"]"#))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(r.body.contains(r#""findings":["illness","disaster"]"#), "{}", r.body);
    let r = app.api("POST", &path, &token, Some(&body(r#","findings":[]"#))).await;
    assert!(r.body.contains(r#""findings":[]"#), "{}", r.body);
    let r = app.api("POST", &path, &token, Some(&body(""))).await;
    assert!(r.body.contains(r#""findings":null"#), "{}", r.body);
    let r = app.api("POST", &path, &token, Some(&body(r#","findings":["flood"]"#))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let mut kept: Vec<_> = app
        .db
        .visits(&Scope::everything(), app.shahedian_household)
        .await
        .unwrap()
        .into_iter()
        .map(|v| v.data.findings)
        .collect();
    kept.sort();
    assert_eq!(kept, vec![None, Some(vec![]), Some(vec![VisitReport::Illness, VisitReport::Disaster])]);
});
