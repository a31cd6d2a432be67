//! What every form does on save: one confirmation on the next page, none when refused.

use super::*;

both!(every_save_is_confirmed_once_on_the_next_page_and_a_refused_one_is_not, |app| {
    let (admin, csrf) = app.sign_in("admin").await;
    // Refused input: the form comes back, nothing says "saved".
    let bad = app.save_settings(&admin, &format!("_csrf={csrf}&visit_interval_days=0")).await;
    assert!(!bad.cookies.iter().any(|c| c.starts_with("bangfu_flash=saved")), "{:?}", bad.cookies);
    assert!(!bad.body.contains("已保存"));
    let ok = app.save_settings(&admin, &format!("_csrf={csrf}&visit_interval_days=45")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let flash = cookie_pair(&ok.cookies, "bangfu_flash");
    let next = ok.location.unwrap();
    let page = app.get(&next, &format!("{admin}; {flash}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"<p class="flash" role="status" data-saved>已保存</p>"#), "{}", page.body);
    assert!(page.cookies.iter().any(|c| c.starts_with("bangfu_flash=;") && c.contains("Max-Age=0")), "shown once");
    // Signing in is not a save.
    let r = app.try_sign_in("shahedian", "correct-horse").await;
    assert!(!r.cookies.iter().any(|c| c.starts_with("bangfu_flash=saved")));
});
