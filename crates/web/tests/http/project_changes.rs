//! 项目调整 through HTTP: a project still at 村内公示 offers no 调整; once the county has put it
//! into the library the township records one (a blank reason refused by name, what was typed
//! kept), the project's investment follows, the page says by when the notice is due, and the
//! day it went up is recorded once. Another township finds nothing.

use super::*;

both!(a_township_records_a_change_and_its_notice_within_ten_working_days, |app| {
    let (town, tc) = app.sign_in("shahedian").await;
    let early = super::assets::project_through(&app.db, "411702101201", 0).await;
    let page = app.get(&format!("/projects/{early}"), &town).await;
    assert!(!page.body.contains("登记项目调整"), "no 调整 before the library");
    let id = super::assets::project_through(&app.db, "411702101201", 3).await;
    let at = format!("/projects/{id}");
    let page = app.get(&at, &town).await;
    assert!(page.body.contains("登记项目调整"), "{}", page.body);
    let change = |reason: &str| {
        format!(
            "_csrf={tc}&form=change&decided_on=2026-11-02&content={}&reason={}&doc_no={}&investment={}",
            enc("香菇大棚由20座调整为16座，其余资金建冷库1座"),
            enc(reason),
            enc("驿乡振〔2026〕8号"),
            enc("1,100,000")
        )
    };
    let r = app.post(&format!("{at}/changes"), &town, &change("")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写调整原因") && r.body.contains("驿乡振〔2026〕8号"), "{}", r.body);
    let r = app.post(&format!("{at}/changes"), &town, &change("原址土地流转未谈妥")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&at, &town).await;
    assert!(page.body.contains("1,000,000.00元 → 1,100,000.00元"), "{}", page.body);
    assert!(
        page.body.contains("2026-11-16 前应公示，已逾期") || page.body.contains("待公示，2026-11-16 前"),
        "{}",
        page.body
    );
    let cid = app.db.project_changes(&Scope::everything(), id).await.unwrap()[0].id;
    let r = app
        .post(&format!("{at}/changes/{cid}/publish"), &town, &format!("_csrf={tc}&form=publish{cid}&on=2026-11-10"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&at, &town).await;
    assert!(page.body.contains("2026-11-10 已公示") && !page.body.contains("登记已公示"), "{}", page.body);
    assert_eq!(
        app.db.project(&Scope::everything(), id).await.unwrap().data.investment,
        Some(bangfu_core::money::Fen(110_000_000))
    );
    super::admin::insert_user(&app, "yifeng", bangfu_core::auth::Role::TownshipStaff, "411702104000").await;
    let (other, oc) = app.sign_in("yifeng").await;
    let r = app.post(&format!("{at}/changes"), &other, &change("x").replace(&tc, &oc)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});
