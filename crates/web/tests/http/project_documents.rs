//! 项目档案 through HTTP: the township uploads the 四议两公开 minutes and, for a payment, its
//! voucher (refused without naming the payment, what was typed kept); the files are listed
//! with their step and payment and served inside the area only.

use super::*;

fn paper(csrf: &str, kind: &str, entry: &str, note: &str) -> (String, Vec<u8>) {
    let boundary = "----bangfu-test-boundary";
    let mut body = Vec::new();
    for (name, value) in [("_csrf", csrf), ("kind", kind), ("entry_id", entry), ("note", note)] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"凭证.png\"\r\nContent-Type: image/png\r\n\r\n")
            .bytes(),
    );
    body.extend_from_slice(PNG);
    body.extend(format!("\r\n--{boundary}--\r\n").bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

both!(a_project_keeps_its_minutes_and_the_voucher_of_each_payment, |app| {
    use bangfu_core::project::funds::{AllocationData, Movement};
    let all = Scope::everything();
    let id = super::assets::project_through(&app.db, "411702101201", 0).await;
    let f = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    };
    let a = AllocationData::parse(
        &f(&[
            ("source", "中央衔接资金"),
            ("year", "2026"),
            ("doc_no", "驻财预〔2026〕12号"),
            ("issued_on", "2026-02-20"),
            ("amount", "500000"),
        ]),
        chrono::Local::now().date_naive(),
    )
    .unwrap();
    let aid = app.db.create_allocation(&all, &a, &actor()).await.unwrap();
    let money = |yuan: i64, payee: Option<&str>| Movement {
        on: chrono::NaiveDate::from_ymd_opt(2026, 4, 10).unwrap(),
        amount: bangfu_core::money::Fen(yuan * 100),
        payee: payee.map(str::to_owned),
        voucher_no: None,
        note: None,
    };
    app.db.move_funds(&all, "commit", aid, id, &money(300_000, None), &actor()).await.unwrap();
    let paid = app
        .db
        .move_funds(&all, "payment", aid, id, &money(100_000, Some("沙东村股份经济合作社")), &actor())
        .await
        .unwrap();
    let (town, tc) = app.sign_in("shahedian").await;
    let at = format!("/projects/{id}");
    let r = app.upload(&format!("{at}/documents"), &town, paper(&tc, "minutes", "", "村民代表会议")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app.upload(&format!("{at}/documents"), &town, paper(&tc, "voucher", "", "4月拨付凭证")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("拨付凭证须选择对应的拨付记录") && r.body.contains("4月拨付凭证"), "{}", r.body);
    let r =
        app.upload(&format!("{at}/documents"), &town, paper(&tc, "voucher", &paid.to_string(), "4月拨付凭证")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&at, &town).await;
    assert!(page.body.contains("会议记录（四议两公开）") && page.body.contains("村内公示"), "{}", page.body);
    assert!(page.body.contains("2026-04-10 拨付 100,000.00元 沙东村股份经济合作社"), "{}", page.body);
    let docs = app.db.project_documents(&all, id).await.unwrap();
    assert_eq!(docs.len(), 2);
    let file = app.get(&format!("/project-files/{}", docs[1].id), &town).await;
    assert_eq!(file.status, StatusCode::OK);
    let token = api_token(&app, "shahedian").await;
    let api = app.api("GET", &format!("/api/v1/projects/{id}"), &token, None).await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(v["documents"][1]["entry_id"], paid);
    assert_eq!(v["documents"][0]["kind"], "minutes");
    // The auditor reads but may not upload; another township finds neither page nor file.
    let (auditor, ac) = app.sign_in("auditor").await;
    assert_eq!(
        app.upload(&format!("{at}/documents"), &auditor, paper(&ac, "photo", "", "")).await.status,
        StatusCode::FORBIDDEN
    );
    super::admin::insert_user(&app, "yifeng", bangfu_core::auth::Role::TownshipStaff, "411702104000").await;
    let (other, _) = app.sign_in("yifeng").await;
    assert_eq!(app.get(&format!("/project-files/{}", docs[1].id), &other).await.status, StatusCode::NOT_FOUND);
});
