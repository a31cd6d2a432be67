//! The interface language: Chinese by default, English on request.

use super::*;

both!(the_interface_is_chinese_by_default_and_switches_to_english, |app| {
    let (session, _) = app.sign_in("admin").await;
    let zh = app.get("/households", &session).await;
    assert!(zh.body.contains("<html lang=\"zh-CN\">") && zh.body.contains("共 2 户") && zh.body.contains("未脱贫"));
    let r = app
        .send(
            Request::get("/lang/en")
                .header(header::REFERER, "http://127.0.0.1:8080/households?q=w")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/households?q=w"));
    let lang = cookie_pair(&r.cookies, "bangfu_lang");
    let en = app.get("/households", &format!("{session}; {lang}")).await;
    assert!(en.body.contains("<html lang=\"en\">") && en.body.contains("2 households"), "{}", en.body);
    assert!(en.body.contains("Households") && en.body.contains("Sign out"));
    let page = app.household_page(app.shahedian_household.0, &format!("{session}; {lang}")).await;
    assert!(page.body.contains("Members") && page.body.contains("Relation to head"));
    let login = app.get("/login", &lang).await;
    assert!(login.body.contains("User name"));
});
