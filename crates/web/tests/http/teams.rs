//! 帮扶责任人 and work teams: registering a helper, pairings, settings and recalls.

use super::*;

both!(a_township_clerk_registers_a_helper_only_inside_the_township_and_never_a_registered_poor_person, |app| {
    let (clerk, csrf) = app.sign_in("shahedian").await;
    let form = |name: &str, area: &str, idn: &str| {
        format!("_csrf={csrf}&name={}&phone=13900001111&post=&unit_id=&area_code={area}&id_number={idn}", enc(name))
    };
    let r = app.add_helper(&clerk, &form("孙干事", "411702104201", "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不在您的管辖范围内"), "{}", r.body);
    let r = app.add_helper(&clerk, &form("王建国", "411702101201", &app.full_id)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不能担任帮扶责任人"), "{}", r.body);
    let r = app.add_helper(&clerk, &form("李干事", "411702101201", "")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app.get("/helpers", &clerk).await.body.contains("李干事"));
    // 调离: the helper's household goes back on the no-helper list.
    use bangfu_core::store::AssistanceStore;
    let li =
        app.db.helpers(&Scope::everything()).await.unwrap().into_iter().find(|h| h.data.name == "李干事").unwrap().id;
    let h = app.shahedian_household.0;
    let r = app.assign_helper(h, &clerk, &format!("_csrf={csrf}&helper_id={li}&start_on=2025-01-01")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app.retire_helper(li, &clerk, &format!("_csrf={csrf}&end_on=2025-06-01&reason=")).await;
    assert!(r.body.contains("请填写调离原因"), "{}", r.body);
    let r =
        app.retire_helper(li, &clerk, &format!("_csrf={csrf}&end_on=2025-06-01&reason={}", enc("调往区直单位"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app.get("/worklist?reason=no_helper", &clerk).await.body.contains("王建国"));
    let (other, _) = app.sign_in("shadong").await;
    assert_eq!(app.add_helper(&other, &form("x", "411702101201", "")).await.status, StatusCode::FORBIDDEN);
});

both!(pairings_settings_and_recalls_check_their_input_and_are_for_the_right_roles_only, |app| {
    use bangfu_core::store::{TeamStore, UnitStore, WorklistStore};
    let unit = app
        .db
        .create_unit(
            &Scope::everything(),
            &bangfu_core::assistance::UnitData {
                name: "人民街道办事处".into(),
                level: bangfu_core::assistance::UnitLevel::Township,
                area_code: AreaCode::parse("411702001000").unwrap(),
            },
            &actor(),
        )
        .await
        .unwrap();
    let (admin, csrf) = app.sign_in("admin").await;
    let form = |area: &str, start: &str| format!("_csrf={csrf}&unit_id={unit}&area_code={area}&start_on={start}&note=");
    let r = app.add_pairing(&admin, &form("411702101000", "2099-01-01")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("开始日期不能晚于今天"), "{}", r.body);
    assert_eq!(app.add_pairing(&admin, &form("411702101000", "2024-01-01")).await.status, StatusCode::SEE_OTHER);
    let r = app.add_pairing(&admin, &form("411702101000", "2024-02-01")).await;
    assert!(r.body.contains("已在结对帮扶中"), "{}", r.body);
    assert_eq!(app.db.pairings(&Scope::everything()).await.unwrap().len(), 1, "the second was not stored");
    let (clerk, ccsrf) = app.sign_in("shahedian").await;
    let r = app
        .add_pairing(&clerk, &format!("_csrf={ccsrf}&unit_id={unit}&area_code=411702101201&start_on=2024-01-01"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The visit interval: 1 to 365 days, district admins only.
    let r = app.save_settings(&admin, &format!("_csrf={csrf}&visit_interval_days=0")).await;
    assert!(r.body.contains("走访间隔应为1至365之间的天数"), "{}", r.body);
    assert_eq!(
        app.save_settings(&admin, &format!("_csrf={csrf}&visit_interval_days=45")).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.db.visit_interval_days().await.unwrap(), 45);
    assert_eq!(
        app.save_settings(&clerk, &format!("_csrf={ccsrf}&visit_interval_days=10")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.db.visit_interval_days().await.unwrap(), 45);
    // Recalling a team member needs a reason; the record stays.
    let w = work_fixture(&app.db, app.shahedian_household, "411702101201").await;
    let r = app.recall_team_member(w.member, &clerk, &format!("_csrf={ccsrf}&end_on=2025-01-01&reason=")).await;
    assert!(r.body.contains("请填写召回原因"), "{}", r.body);
    let r = app
        .recall_team_member(w.member, &clerk, &format!("_csrf={ccsrf}&end_on=2025-01-01&reason={}", enc("任期届满")))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let gone = app.db.team_member(&Scope::everything(), bangfu_core::ids::TeamMemberId(w.member)).await.unwrap();
    assert_eq!(
        (gone.end_on.map(|d| d.to_string()), gone.end_reason.as_deref()),
        (Some("2025-01-01".into()), Some("任期届满"))
    );
});

// ---------------------------------------------------------------- income and lines
