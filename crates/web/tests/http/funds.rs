//! 支出进度目标 through HTTP: the district's funds page measures each year's spending against
//! the month's target; the district sets its own targets (a month below the one before is
//! refused by name, what was typed kept); a township reads them and may not change them.

use super::*;

both!(spending_is_measured_against_the_months_target_the_district_sets, |app| {
    use bangfu_core::project::ProjectData;
    use bangfu_core::project::funds::{AllocationData, Movement};
    let all = Scope::everything();
    let f = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    };
    // A 2025 project with 100,000元 arranged and 70,700元 paid: last year's money is due in full.
    let p = ProjectData::parse(
        &f(&[("name", "沙东村道路硬化"), ("category", "乡村建设"), ("area_code", "411702101201"), ("year", "2025")]),
        2026,
    )
    .unwrap();
    let id = app.db.create_project(&all, &p, &actor()).await.unwrap();
    let a = AllocationData::parse(
        &f(&[
            ("source", "县级衔接资金"),
            ("year", "2025"),
            ("doc_no", "驿财〔2025〕3号"),
            ("issued_on", "2025-03-01"),
            ("amount", "200000"),
        ]),
        chrono::Local::now().date_naive(),
    )
    .unwrap();
    let aid = app.db.create_allocation(&all, &a, &actor()).await.unwrap();
    let money = |yuan: i64| Movement {
        on: chrono::NaiveDate::from_ymd_opt(2025, 5, 1).unwrap(),
        amount: bangfu_core::money::Fen(yuan * 100),
        payee: Some("沙东村股份经济合作社".into()),
        voucher_no: None,
        note: None,
    };
    app.db.move_funds(&all, "commit", aid, id, &money(100_000), &actor()).await.unwrap();
    app.db.move_funds(&all, "payment", aid, id, &money(70_700), &actor()).await.unwrap();
    let (admin, ac) = app.sign_in("admin").await;
    let page = app.get("/funds", &admin).await;
    assert!(page.body.contains("2025年项目资金拨付进度 70.7%，12月底目标 100.0%，落后 29.3 个百分点"), "{}", page.body);
    let targets = |pcts: &[&str]| {
        let mut s = format!("_csrf={ac}");
        for (i, p) in pcts.iter().enumerate() {
            s.push_str(&format!("&m{}={p}", i + 1));
        }
        s
    };
    let r = app
        .post(
            "/funds/targets",
            &admin,
            &targets(&["0", "0", "20", "30", "40", "60", "55", "70", "80", "90", "100", "100"]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("7月底目标55.0%低于6月底的60.0%：进度目标是累计的，不能下降")
            && r.body.contains("value=\"55\""),
        "{}",
        r.body
    );
    let r = app
        .post(
            "/funds/targets",
            &admin,
            &targets(&["0", "5", "20", "30", "50", "65", "70", "75", "85", "95", "100", "100"]),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app.get("/funds", &admin).await.body.contains("name=\"m6\" value=\"65\""));
    // A township reads the targets and may not change them.
    let (town, tc) = app.sign_in("shahedian").await;
    let page = app.get("/funds", &town).await;
    assert!(page.body.contains("6月底 65%") && !page.body.contains("保存进度目标"), "{}", page.body);
    let r = app.post("/funds/targets", &town, &format!("_csrf={tc}&m1=0")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let filter = AuditFilter { object_type: Some("setting".into()), ..Default::default() };
    let (log, _) = app.db.audit_entries(&filter, 10, 0).await.unwrap();
    assert!(log.iter().any(|e| e.field.as_deref() == Some("fund_monthly_targets")), "the change is audited");
});
