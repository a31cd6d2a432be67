//! The worklist: the gaps each area has (no helper, no plan, not visited) and their counts.

use super::*;

both!(the_worklist_shows_a_household_without_a_helper_until_one_is_assigned, |app| {
    use bangfu_core::store::AssistanceStore;
    let shahedian = Scope::of(&app.db.area(&AreaCode::parse("411702101000").unwrap()).await.unwrap().unwrap());
    let f: HashMap<&str, &str> =
        [("name", "李干事"), ("area_code", "411702101201"), ("post", "驻村第一书记")].into_iter().collect();
    let data = bangfu_core::assistance::HelperData::parse(&f, chrono::Local::now().date_naive()).unwrap();
    let li = app.db.create_helper(&shahedian, &data, &actor()).await.unwrap();
    let (session, csrf) = app.sign_in("shadong").await;
    let list = app.get("/worklist", &session).await;
    assert!(list.body.contains("无帮扶责任人（1）") && list.body.contains("王建国"), "{}", list.body);
    let home = app.get("/", &session).await;
    assert!(
        home.body.contains("data-reason=\"no_helper\">无帮扶责任人<span class=\"count\">1</span>"),
        "{}",
        home.body
    );
    let h = app.shahedian_household.0;
    assert!(app.household_page(h, &session).await.body.contains("尚无帮扶责任人"));
    let r = app.assign_helper(h, &session, &format!("_csrf={csrf}&helper_id={li}&start_on=2099-01-01")).await;
    assert!(r.body.contains("开始日期不能晚于今天"), "{}", r.body);
    let r = app.assign_helper(h, &session, &format!("_csrf={csrf}&helper_id={li}&start_on=2025-01-01")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = app.get("/worklist", &session).await;
    assert!(list.body.contains("无帮扶责任人（0）") && list.body.contains("这个清单上没有农户"));
    assert!(app.household_page(h, &session).await.body.contains("李干事"));
    // The same through the API, scoped: the village worker's token sees an empty worklist.
    let token = api_token(&app, "shadong").await;
    let r = app.api("GET", "/api/v1/worklist", &token, None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["no_helper"]["total"], 0);
    let admin = api_token(&app, "admin").await;
    let r = app.api("GET", "/api/v1/worklist", &admin, None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["no_helper"]["total"], 1, "蚁蜂镇's household still has none");
});

both!(district_and_township_staff_see_worklist_counts_per_area_and_teams_with_warnings, |app| {
    let (admin, _) = app.sign_in("admin").await;
    let page = app.get("/worklist?reason=no_helper", &admin).await;
    assert!(
        page.body.contains("各地情况") && page.body.contains("沙河店镇") && page.body.contains("蚁蜂镇"),
        "{}",
        page.body
    );
    assert!(page.body.contains("无帮扶责任人（2）"));
    // Drilling into a township shows its villages; a village worker cannot drill outside.
    let town = app.get("/worklist?reason=no_helper&area=411702101000", &admin).await;
    assert!(town.body.contains("无帮扶责任人（1）") && town.body.contains("沙东村"), "{}", town.body);
    let (worker, _) = app.sign_in("shadong").await;
    assert_eq!(app.get("/worklist?area=411702104000", &worker).await.status, StatusCode::NOT_FOUND);
    // Teams: a village with one member is warned about; adding members clears it.
    let w = work_fixture(&app.db, app.shahedian_household, "411702101201").await;
    let _ = w;
    let (clerk, csrf) = app.sign_in("shahedian").await;
    let teams = app.get("/teams", &clerk).await;
    assert!(teams.body.contains("工作队仅1人，不足3人") && teams.body.contains("未派驻工作队"), "{}", teams.body);
    for name in ["刘队员", "陈队员"] {
        let r = app
            .add_team_member(
                "411702101201",
                &clerk,
                &format!("_csrf={csrf}&name={}&role=member&phone=13900000001&start_on=2025-03-01&unit_id=", enc(name)),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let team = app.team_page("411702101201", &clerk).await;
    assert!(team.body.contains("张书记") && team.body.contains("陈队员") && !team.body.contains("不足3人"));
    let token = api_token(&app, "admin").await;
    let r = app.api("GET", "/api/v1/worklist-counts", &token, None).await;
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["totals"]["no_helper"], 2);
    let r = app.api_worklist_for("not_visited", &token).await;
    let wl: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let note = &wl["notes"][app.shahedian_household.0.to_string()];
    assert_eq!((note["kind"].as_str(), note["on"].as_str()), (Some("last_visit"), Some("2025-06-01")), "{}", r.body);
    assert_eq!(
        v["areas"].as_array().unwrap().iter().find(|a| a["name"] == "沙河店镇").unwrap()["counts"]["no_helper"],
        1
    );
});
