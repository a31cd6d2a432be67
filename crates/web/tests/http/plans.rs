//! 帮扶计划 with measures from the household page, and the evidence uploaded for a measure.

use super::*;

both!(a_plan_with_measures_is_written_from_the_household_page_and_closes_the_no_plan_gap, |app| {
    use chrono::Datelike;
    let year = chrono::Local::now().date_naive().year();
    let (session, csrf) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    let list = app.get("/worklist?reason=no_plan", &session).await;
    assert!(list.body.contains("本年度无帮扶计划（1）") && list.body.contains("王建国"), "{}", list.body);
    let page = app.household_page(h, &session).await;
    assert!(page.body.contains("本年度尚无帮扶计划") && page.body.contains(&format!("制定{year}年帮扶计划")));
    // The form comes filled with this year, today and the head of household.
    let form = app.new_plan_page(h, &session).await;
    assert!(form.body.contains("户主王建国") && form.body.contains(&format!("value=\"{year}\"")));
    let r = app
        .write_plan(h, &session, &format!("_csrf={csrf}&year={year}&written_on={year}-01-05&written_with=&goal="))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写参与制定的家庭成员"), "{}", r.body);
    let r = app
        .write_plan(
            h,
            &session,
            &format!("_csrf={csrf}&year={year}&written_on={year}-01-05&written_with={}&goal=", enc("户主王建国")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app.get("/worklist?reason=no_plan", &session).await.body.contains("本年度无帮扶计划（0）"));
    use bangfu_core::store::PlanStore;
    let plan = app.db.plans(&Scope::everything(), app.shahedian_household).await.unwrap()[0].id;
    // A due date before the plan year: the reason beside the field, nothing stored.
    let measure = |due: &str| {
        format!(
            "_csrf={csrf}&kind=industry&content={}&responsible={}&due_on={due}&amount=8000",
            enc("发放肉牛2头"),
            enc("李干事")
        )
    };
    let r = app.add_measure(plan, &session, &measure(&format!("{}-12-31", year - 1))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(&format!("完成期限不能早于计划年度（{year}年1月1日）")), "{}", r.body);
    assert!(app.db.plans(&Scope::everything(), app.shahedian_household).await.unwrap()[0].measures.is_empty());
    let r = app.add_measure(plan, &session, &measure(&format!("{year}-12-31"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.household_page(h, &session).await;
    assert!(page.body.contains("发放肉牛2头") && page.body.contains("8,000.00元") && page.body.contains("计划中"));
    // The card and the handbook print it without typing anything again.
    let card = app.household_card(h, &session).await;
    assert!(card.body.contains("帮扶明白卡") && card.body.contains("发放肉牛2头"), "{}", card.body);
    let book = app.household_handbook(h, &session).await;
    assert!(book.body.contains("帮扶手册") && book.body.contains("发放肉牛2头") && !book.body.contains(&app.full_id));
    // Progress: done moves the measure; a dropped one needs its reason.
    let m = app.db.plans(&Scope::everything(), app.shahedian_household).await.unwrap()[0].measures[0].id;
    let r = app.record_progress(m, &session, &format!("_csrf={csrf}&status=dropped&on={year}-01-06&reason=")).await;
    assert!(r.body.contains("取消措施须填写原因"), "{}", r.body);
    let today = chrono::Local::now().date_naive();
    let r = app.record_progress(m, &session, &format!("_csrf={csrf}&status=done&on={today}&reason=")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app.household_page(h, &session).await.body.contains("已完成"));
});

both!(evidence_uploads_are_checked_stored_and_served_only_inside_the_area, |app| {
    let w = work_fixture(&app.db, app.shahedian_household, "411702101201").await;
    let (session, csrf) = app.sign_in("shadong").await;
    let form = app.evidence_page(w.measure, &session).await;
    assert!(form.body.contains("<html lang=\"zh-CN\">") && form.body.contains("enctype=\"multipart/form-data\""));
    assert_eq!(
        form.body.matches(r#"<script src="/static/evidence.js" defer></script>"#).count(),
        1,
        "the photo-shrinking script, once, a static file (no inline script)"
    );
    assert!(!form.body.contains("<script>"));
    let r = app
        .upload_evidence(w.measure, &session, multipart(&csrf, "", Some(("photo.jpg", b"just some text, not a photo"))))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("只能上传照片（JPG、PNG、WebP）或 PDF 文件"), "{}", r.body);
    let mut big = vec![0u8; 6 * 1024 * 1024];
    big[..3].copy_from_slice(&[0xFF, 0xD8, 0xFF]);
    let r = app.upload_evidence(w.measure, &session, multipart(&csrf, "", Some(("big.jpg", &big)))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("文件太大"), "{}", r.body);
    let huge = vec![0xFFu8; 11 * 1024 * 1024];
    let r = app.upload_evidence(w.measure, &session, multipart(&csrf, "", Some(("huge.jpg", &huge)))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "over the body limit: still a Chinese message");
    assert!(r.body.contains("文件太大"), "{}", r.body);
    use bangfu_core::store::PlanStore;
    let count = || async {
        app.db.plans(&Scope::everything(), app.shahedian_household).await.unwrap()[0].measures[0].evidence.len()
    };
    assert_eq!(count().await, 1, "only the fixture's photo: nothing bad was stored");
    let r = app
        .upload_evidence(w.measure, &session, multipart(&csrf, "牛棚已建成", Some(("C:\\\\照片\\\\牛棚.png", PNG))))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(count().await, 2);
    let id = app.db.plans(&Scope::everything(), app.shahedian_household).await.unwrap()[0].measures[0].evidence[1].id;
    let page = app.household_page(app.shahedian_household.0, &session).await;
    assert!(page.body.contains("牛棚.png") && page.body.contains("牛棚已建成"));
    let res = app
        .router
        .clone()
        .oneshot(Request::get(format!("/evidence/{id}")).header(header::COOKIE, &session).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "image/png");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(&axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap()[..], PNG);
    // A forged request stores nothing; another township's user gets the same 404 as a missing file.
    let r = app.upload_evidence(w.measure, &session, multipart("forged", "x", None)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (other, _) = app.sign_in("admin").await;
    assert_eq!(app.download_evidence(id, &other).await.status, StatusCode::OK);
    let yifeng_user = {
        app.db
            .create_user(
                &NewUser {
                    username: "yifeng".into(),
                    display_name: "蚁蜂镇".into(),
                    phone: None,
                    role: Role::TownshipStaff,
                    area_code: AreaCode::parse("411702104000").unwrap(),
                    password_hash: hash_password("correct-horse").unwrap(),
                    must_change_password: false,
                },
                &actor(),
            )
            .await
            .unwrap();
        app.sign_in("yifeng").await.0
    };
    assert_eq!(
        app.download_evidence(id, &yifeng_user).await.body,
        app.download_evidence(99999999, &yifeng_user).await.body
    );
    assert_eq!(app.download_evidence(id, &yifeng_user).await.status, StatusCode::NOT_FOUND);
    // The API takes the same upload and refuses the same bad file.
    let token = api_token(&app, "shadong").await;
    let r = app.api_upload_evidence(w.measure, &token, multipart("", "", Some(("a.jpg", b"not an image")))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("\"field\":\"file\""), "{}", r.body);
    assert_eq!(count().await, 2);
});
