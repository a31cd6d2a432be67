//! 村级光伏电站 through HTTP as the users do it: the village worker registers 沙东村's station and
//! its settlements (a wrong quarter refused by name, what was typed kept), writes the 2025 plan
//! (refused above what the station earned, with the amounts), the township reviews, the
//! district files, the village publishes, and the township pays after five days of notice —
//! and 王建国's household page and income show the job's wages. Another township finds nothing.

use super::*;
use bangfu_core::money::Fen;
use bangfu_core::store::IncomeStore;

both!(a_village_plan_goes_from_the_meeting_to_the_households_income, |app| {
    let (village, vc) = app.sign_in("shadong").await;
    let r = app
        .post(
            "/pv/new",
            &village,
            &format!(
                "_csrf={vc}&name={}&area_code=411702101201&capacity_kw=300&grid_on=2017-06-30&owner={}",
                enc("沙东村村级光伏电站"),
                enc("沙东村股份经济合作社")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.location.unwrap();
    let settle = |q: &str, income: &str| {
        format!("_csrf={vc}&form=settlement&year=2025&quarter={q}&kwh=90000&income={}&subsidy=", enc(income))
    };
    let r = app.post(&format!("{at}/settlements"), &village, &settle("5", "12,345")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择季度（1至4）") && r.body.contains("value=\"12,345\""), "{}", r.body);
    for q in ["1", "2"] {
        let r = app.post(&format!("{at}/settlements"), &village, &settle(q, "4,000")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let page = app.get(&at, &village).await;
    assert!(page.body.contains("2025年：收益 8,000.00元"), "{}", page.body);
    let r = app
        .post(
            &format!("{at}/plans"),
            &village,
            &format!("_csrf={vc}&form=plan&year=2025&decided_on=2026-01-10&decision={}", enc("村民代表会议通过")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let plan = r.location.unwrap();
    let line = |use_: &str, person: &str, amount: &str| {
        format!(
            "_csrf={vc}&form=line&use={}&household_no=4117021012010001&person={}&amount={}",
            enc(use_),
            enc(person),
            enc(amount)
        )
    };
    let r = app.post(&format!("{plan}/lines"), &village, &line("公益岗位工资", "", "6,000")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("公益岗位须填写上岗人员姓名（该户成员）") && r.body.contains("value=\"6,000\""),
        "{}",
        r.body
    );
    let r = app.post(&format!("{plan}/lines"), &village, &line("公益岗位工资", "王建国", "6,000")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app.post(&format!("{plan}/lines"), &village, &line("收益分红", "", "3,000")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&plan, &village).await;
    assert!(page.body.contains("分配总额9,000.00元超过可分配收益8,000.00元（相差1,000.00元）"), "{}", page.body);
    let act_url = format!("{plan}/act");
    let act = |csrf: &str, body: &str, act: &str, on: &str, note: &str| {
        let v = body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
        format!("_csrf={csrf}&version={v}&act={act}&on={on}&note={}", enc(note))
    };
    let r = app.post(&act_url, &village, &act(&vc, &page.body, "submit", "2026-01-12", "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("方案不能提交：分配总额9,000.00元超过可分配收益8,000.00元"), "{}", r.body);
    // The third quarter's settlement arrives; now it may go.
    let r = app.post(&format!("{at}/settlements"), &village, &settle("3", "4,000")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = app.get(&plan, &village).await;
    assert!(page.body.contains("占 66.6%"), "the share to jobs: {}", page.body);
    assert_eq!(
        app.post(&act_url, &village, &act(&vc, &page.body, "submit", "2026-01-12", "")).await.status,
        StatusCode::SEE_OTHER
    );
    let page = app.get(&plan, &village).await;
    assert!(!page.body.contains("value=\"review\""), "the village does not review its own plan");
    let (town, tc) = app.sign_in("shahedian").await;
    let page = app.get(&plan, &town).await;
    assert_eq!(
        app.post(&act_url, &town, &act(&tc, &page.body, "review", "2026-01-20", "")).await.status,
        StatusCode::SEE_OTHER
    );
    let page = app.get(&plan, &town).await;
    let r = app.post(&act_url, &town, &act(&tc, &page.body, "file", "2026-02-01", "")).await;
    assert!(r.body.contains("县级备案须由区级工作人员办理"), "{}", r.body);
    let (admin, ac) = app.sign_in("admin").await;
    let page = app.get(&plan, &admin).await;
    assert_eq!(
        app.post(&act_url, &admin, &act(&ac, &page.body, "file", "2026-02-01", "")).await.status,
        StatusCode::SEE_OTHER
    );
    let page = app.get(&plan, &village).await;
    assert_eq!(
        app.post(&act_url, &village, &act(&vc, &page.body, "publish", "2026-02-02", "")).await.status,
        StatusCode::SEE_OTHER
    );
    let page = app.get(&plan, &town).await;
    let r = app.post(&act_url, &town, &act(&tc, &page.body, "pay", "2026-02-04", "")).await;
    assert!(r.body.contains("2026-02-07起方可发放"), "{}", r.body);
    let page = app.get(&plan, &town).await;
    assert_eq!(
        app.post(&act_url, &town, &act(&tc, &page.body, "pay", "2026-02-09", "")).await.status,
        StatusCode::SEE_OTHER
    );
    let page = app.get(&plan, &town).await;
    assert!(page.body.contains("已发放") && page.body.contains("已记入当年收入"), "{}", page.body);
    // The household page lists the line, and its 2026 income has the job's wages and the dividend.
    let household = app.household_page(app.shahedian_household.0, &town).await;
    assert!(
        household.body.contains("光伏收益分配")
            && household.body.contains("6,000.00元")
            && household.body.contains("2026年收入"),
        "{}",
        household.body
    );
    let handbook = app.household_handbook(app.shahedian_household.0, &town).await;
    assert!(
        handbook.body.contains("沙东村村级光伏电站（2025年度收益）") && handbook.body.contains("公益岗位工资"),
        "{}",
        handbook.body
    );
    let incomes = app.db.incomes(&Scope::everything(), app.shahedian_household).await.unwrap();
    let y = incomes.iter().find(|i| i.period == bangfu_core::household::IncomePeriod::Year(2026)).unwrap();
    assert_eq!((y.wages, y.property), (Some(Fen(600_000)), Some(Fen(300_000))));
    // The API gives the same, in fen, with no ID numbers.
    let token = api_token(&app, "shahedian").await;
    let station_id = at.rsplit('/').next().unwrap();
    let api = app.api("GET", &format!("/api/v1/pv-stations/{station_id}"), &token, None).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(v["capacity_kw"], "300");
    assert_eq!(v["plans"][0]["lines"].as_array().unwrap().len(), 2);
    assert_eq!(v["plans"][0]["stage"], "paid");
    assert!(!api.body.contains(&super::kit::id("19650312", 1)[..14]), "no ID number");
    // Another township finds neither the station nor the plan.
    super::admin::insert_user(&app, "yifeng", bangfu_core::auth::Role::TownshipStaff, "411702104000").await;
    let (other, _) = app.sign_in("yifeng").await;
    assert_eq!(app.get(&at, &other).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&plan, &other).await.status, StatusCode::NOT_FOUND);
    assert!(!app.get("/pv", &other).await.body.contains("沙东村村级光伏电站"));
    let other_token = api_token(&app, "yifeng").await;
    assert_eq!(
        app.api("GET", &format!("/api/v1/pv-stations/{station_id}"), &other_token, None).await.status,
        StatusCode::NOT_FOUND
    );
});
