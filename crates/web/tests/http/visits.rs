//! 走访 recorded on the phone form, and the proposal it makes waiting for review.

use super::*;

both!(a_visit_recorded_on_the_phone_form_clears_not_visited_and_its_proposal_waits_for_review, |app| {
    let (worker, csrf) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    let list = app.get("/worklist?reason=not_visited", &worker).await;
    assert!(list.body.contains("超期未走访（1）") && list.body.contains("超过 30 天未走访即列入"), "{}", list.body);
    assert!(list.body.contains("从未走访"), "the row says why");
    // The quick form is filled with today and the worker's own name.
    let form = app.new_visit_page(h, &worker).await;
    let today = chrono::Local::now().date_naive().to_string();
    assert!(form.body.contains(&today) && form.body.contains("shadong的名字"));
    let bad = app.record_visit(h, &worker, &format!("_csrf={csrf}&visited_on=2099-01-01&visitors=x&found=")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("走访日期不能晚于今天") && bad.body.contains("请填写走访情况"));
    let r = app
        .record_visit(
            h,
            &worker,
            &format!(
                "_csrf={csrf}&visited_on={today}&visitors={}&found={}&proposal=status%3Aexited&proposal_reason={}",
                enc("李干事"),
                enc("牛已出栏，收入稳定"),
                enc("人均纯收入已超过标准")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app.get("/worklist?reason=not_visited", &worker).await.body.contains("超期未走访（0）"));
    let page = app.household_page(h, &worker).await;
    assert!(page.body.contains("牛已出栏，收入稳定") && page.body.contains("待审核"));
    // The village worker proposes; the township reviews.
    use bangfu_core::store::VisitStore;
    let v = app.db.visits(&Scope::everything(), app.shahedian_household).await.unwrap()[0].id;
    assert_eq!(
        app.review_visit(v, &worker, &format!("_csrf={csrf}&decision=accept")).await.status,
        StatusCode::FORBIDDEN
    );
    let (town, tcsrf) = app.sign_in("shahedian").await;
    assert!(app.get("/worklist?reason=proposal_pending", &town).await.body.contains("变更建议待审核（1）"));
    let r = app.review_visit(v, &town, &format!("_csrf={tcsrf}&decision=reject&note=")).await;
    assert!(r.body.contains("不采纳时请写明理由"), "{}", r.body);
    let r = app.review_visit(v, &town, &format!("_csrf={tcsrf}&decision=accept&note={}", enc("已核实"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let hh = app.db.household(&Scope::everything(), app.shahedian_household).await.unwrap();
    assert_eq!(hh.data.status, Some(bangfu_core::household::PovertyStatus::Exited));
    assert!(app.get("/worklist?reason=proposal_pending", &town).await.body.contains("变更建议待审核（0）"));
});

both!(the_forms_read_the_day_from_the_registers_clock_not_the_machines, |app| {
    // 7:30 on 1 June 2026 in Beijing is still 31 May in UTC, and the machine's own date is
    // another day again: the form's default and its "not after today" check follow the clock.
    let clock = bangfu_core::clock::Clock::fixed_beijing(2026, 6, 1, 7, 30);
    let app = app.with_clock(clock);
    let (worker, csrf) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    let form = app.new_visit_page(h, &worker).await;
    assert!(form.body.contains(r#"value="2026-06-01""#), "{}", form.body);
    let visit = |on: &str| {
        format!("_csrf={csrf}&visited_on={on}&visitors={}&found={}", enc("李干事"), enc("春耕已完成，家中无异常"))
    };
    let r = app.record_visit(h, &worker, &visit("2026-06-02")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("走访日期不能晚于今天") && r.body.contains("春耕已完成"), "{}", r.body);
    let r = app.record_visit(h, &worker, &visit("2026-06-01")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
});
