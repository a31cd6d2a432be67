//! Every route × every role × inside and outside the area, read from the source, for reads and changes.

use super::*;

// Every route, for every role, on a record inside and outside the user's area. The list of
// routes is read from the source, so a new route without a line here fails this test.
both!(every_route_answers_every_role_inside_and_outside_its_area_as_expected, |app| {
    let inside = app.shahedian_household.0; // 沙河店镇 沙东村
    let outside = app.yifeng_household.0; // 蚁蜂镇
    let m_in = first_member(&app, app.shahedian_household).await;
    let m_out = first_member(&app, app.yifeng_household).await;
    let w_in = work_fixture(&app.db, app.shahedian_household, "411702101201").await;
    let w_out = work_fixture(&app.db, app.yifeng_household, "411702104201").await;
    let helper_at = |area: &str| {
        let f: HashMap<&str, &str> = [("name", "李干事"), ("area_code", area)].into_iter().collect();
        bangfu_core::assistance::HelperData::parse(&f, chrono::Local::now().date_naive()).unwrap()
    };
    use bangfu_core::store::AssistanceStore;
    let h_in = app.db.create_helper(&Scope::everything(), &helper_at("411702101201"), &actor()).await.unwrap();
    let h_out = app.db.create_helper(&Scope::everything(), &helper_at("411702104201"), &actor()).await.unwrap();
    let unit_at = |name: &str, area: &str| bangfu_core::assistance::UnitData {
        name: name.into(),
        level: bangfu_core::assistance::UnitLevel::Township,
        area_code: AreaCode::parse(area).unwrap(),
    };
    let (p_in, t_in) = at_notice(&app.db, app.shahedian_household).await;
    let (p_out, t_out) = at_notice(&app.db, app.yifeng_household).await;
    let (proj_in, proj_out) = (project_at(&app.db, "411702101201").await, project_at(&app.db, "411702104201").await);
    let ((pv_in, plan_in), (pv_out, plan_out)) =
        (pv_at(&app.db, "411702101201").await, pv_at(&app.db, "411702104201").await);
    // Projects at 村内公示 with their notice page (assets.rs).
    let (notice_in, notice_out) = (
        super::assets::project_through(&app.db, "411702101201", 0).await,
        super::assets::project_through(&app.db, "411702104201", 0).await,
    );
    let pt_in = app.db.project_notice_token(&Scope::everything(), notice_in, &actor()).await.unwrap();
    let pt_out = app.db.project_notice_token(&Scope::everything(), notice_out, &actor()).await.unwrap();
    let (course_in, course_out) = (course_at(&app.db, "411702101201").await, course_at(&app.db, "411702104201").await);
    use bangfu_core::store::UnitStore;
    let u_in =
        app.db.create_unit(&Scope::everything(), &unit_at("沙河店镇人民政府", "411702101000"), &actor()).await.unwrap();
    let u_out =
        app.db.create_unit(&Scope::everything(), &unit_at("蚁蜂镇人民政府", "411702104000"), &actor()).await.unwrap();
    // A line for 沙河店镇 (inside) and one for 蚁蜂镇 (outside the township users' area).
    let line_at = |area: &str| {
        let f: HashMap<&str, &str> =
            [("kind", "监测范围"), ("year", "2025"), ("area_code", area), ("amount", "7200")].into_iter().collect();
        bangfu_core::line::LineData::parse(&f, chrono::Local::now().date_naive()).unwrap()
    };
    use bangfu_core::store::LineStore;
    let l_in = app.db.create_line(&Scope::everything(), &line_at("411702101000"), "测试", &actor()).await.unwrap().0;
    let l_out = app.db.create_line(&Scope::everything(), &line_at("411702104000"), "测试", &actor()).await.unwrap().0;
    // (route as written in the source, method, concrete path, [admin, township, village, auditor] when inside, same when outside)
    use StatusCode as S;
    const OK: S = S::OK;
    const NF: S = S::NOT_FOUND;
    const FB: S = S::FORBIDDEN;
    type Row = (&'static str, &'static str, String, String, [S; 4], [S; 4]);
    let table: Vec<Row> = vec![
        ("/", "GET", "/".into(), "/".into(), [OK; 4], [OK; 4]),
        ("/households", "GET", "/households".into(), "/households".into(), [OK; 4], [OK; 4]),
        (
            "/households/{id}",
            "GET",
            format!("/households/{inside}"),
            format!("/households/{outside}"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/households/{hid}/members/{mid}/edit",
            "GET",
            format!("/households/{inside}/members/{m_in}/edit"),
            format!("/households/{outside}/members/{m_out}/edit"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        ("/households/{hid}/members/{mid}/reveal", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/households/{hid}/members/new",
            "GET",
            format!("/households/{inside}/members/new"),
            format!("/households/{outside}/members/new"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/households/{hid}/members/{mid}/leave",
            "GET",
            format!("/households/{inside}/members/{m_in}/leave"),
            format!("/households/{outside}/members/{m_out}/leave"),
            // The member is the head: 减员 goes on to 户主变更 / 注销.
            [S::SEE_OTHER, S::SEE_OTHER, S::SEE_OTHER, FB],
            [S::SEE_OTHER, NF, NF, FB],
        ),
        (
            "/households/{hid}/income",
            "GET",
            format!("/households/{inside}/income"),
            format!("/households/{outside}/income"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/households/{hid}/status",
            "GET",
            format!("/households/{inside}/status"),
            format!("/households/{outside}/status"),
            [OK, FB, FB, FB],
            [OK, NF, NF, FB],
        ),
        // The old buttons now lead to the procedure's start form (which checks the area).
        (
            "/households/{hid}/monitoring/open",
            "GET",
            format!("/households/{inside}/monitoring/open"),
            format!("/households/{outside}/monitoring/open"),
            [S::SEE_OTHER; 4],
            [S::SEE_OTHER; 4],
        ),
        (
            "/households/{hid}/monitoring/clear",
            "GET",
            format!("/households/{inside}/monitoring/clear"),
            format!("/households/{outside}/monitoring/clear"),
            [S::SEE_OTHER; 4],
            [S::SEE_OTHER; 4],
        ),
        // 程序: started by village, township and district staff; read by every role in its area.
        (
            "/households/{hid}/procedures/new",
            "GET",
            format!("/households/{inside}/procedures/new?kind=identification"),
            format!("/households/{outside}/procedures/new?kind=identification"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        ("/procedures", "GET", "/procedures".into(), "/procedures?mine=0".into(), [OK; 4], [OK; 4]),
        (
            "/procedures/{id}",
            "GET",
            format!("/procedures/{p_in}"),
            format!("/procedures/{p_out}"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/procedures/{id}/act", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/procedures/{id}/attachments", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/procedure-files/{aid}",
            "GET",
            format!("/procedure-files/{}", paper_of(&app.db, p_in).await),
            format!("/procedure-files/{}", paper_of(&app.db, p_out).await),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        // 项目库: read by every role in its area, written by those who edit the register; money
        // only by the district.
        ("/projects", "GET", "/projects".into(), "/projects?year=2026".into(), [OK; 4], [OK; 4]),
        ("/projects/new", "GET", "/projects/new".into(), "/projects/new".into(), [OK, OK, OK, FB], [OK, OK, OK, FB]),
        (
            "/projects/{id}",
            "GET",
            format!("/projects/{proj_in}"),
            format!("/projects/{proj_out}"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/projects/{id}/edit",
            "GET",
            format!("/projects/{proj_in}/edit"),
            format!("/projects/{proj_out}/edit"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        ("/projects/{id}/targets", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/projects/{id}/targets/{tid}/remove", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/projects/{id}/submit", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/projects/{id}/act", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/projects/{id}/changes", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/projects/{id}/documents", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/project-files/{did}",
            "GET",
            format!("/project-files/{}", document_at(&app.db, proj_in).await),
            format!("/project-files/{}", document_at(&app.db, proj_out).await),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/projects/{id}/changes/{cid}/publish", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/projects/{id}/beneficiaries", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/projects/{id}/beneficiaries/{bid}/remove", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/projects/{id}/funds", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/projects/{id}/entries/{eid}/reverse", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/funds", "GET", "/funds".into(), "/funds".into(), [OK; 4], [OK; 4]),
        ("/funds/targets", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        // 项目资产: the register of the user's area (another area's village is not found);
        // registered and changed by those who edit the register.
        ("/assets", "GET", "/assets".into(), "/assets?village=411702104201".into(), [OK; 4], [OK, NF, NF, OK]),
        ("/projects/{id}/assets", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/assets/{aid}/status", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/api/v1/assets",
            "GET",
            "/api/v1/assets".into(),
            "/api/v1/assets?village=411702104201".into(),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        // 项目公示: the printed notice inside the area; the public page for anyone with its code.
        (
            "/projects/{id}/notice",
            "GET",
            format!("/projects/{notice_in}/notice"),
            format!("/projects/{notice_out}/notice?kind=village"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/projects/{id}/objections/{oid}/answer", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/gs/p/{token}", "GET", format!("/gs/p/{pt_in}"), format!("/gs/p/{pt_out}"), [OK; 4], [OK; 4]),
        // 培训和雨露计划: read by every role in its area, written by those who edit the register.
        ("/training", "GET", "/training".into(), "/training?year=2026".into(), [OK; 4], [OK; 4]),
        ("/training/new", "GET", "/training/new".into(), "/training/new".into(), [OK, OK, OK, FB], [OK, OK, OK, FB]),
        (
            "/training/{id}",
            "GET",
            format!("/training/{course_in}?q=wjg"),
            format!("/training/{course_out}"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/training/{id}/edit",
            "GET",
            format!("/training/{course_in}/edit"),
            format!("/training/{course_out}/edit"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        ("/training/{id}/remove", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/training/{id}/attendees", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/training/{id}/attendees/{aid}", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/training/{id}/attendees/{aid}/remove", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/yulu", "GET", "/yulu?q=wjg".into(), "/yulu?term=2026-autumn&state=applied".into(), [OK; 4], [OK; 4]),
        ("/yulu/{id}/act", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/training", "GET", "/api/v1/training".into(), "/api/v1/training?year=2026".into(), [OK; 4], [OK; 4]),
        (
            "/api/v1/training/{id}",
            "GET",
            format!("/api/v1/training/{course_in}"),
            format!("/api/v1/training/{course_out}"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/api/v1/yulu", "GET", "/api/v1/yulu".into(), "/api/v1/yulu?term=2026-autumn".into(), [OK; 4], [OK; 4]),
        ("/api/v1/projects", "GET", "/api/v1/projects".into(), "/api/v1/projects?year=2026".into(), [OK; 4], [OK; 4]),
        (
            "/api/v1/projects/{id}",
            "GET",
            format!("/api/v1/projects/{proj_in}"),
            format!("/api/v1/projects/{proj_out}"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/api/v1/fund-allocations",
            "GET",
            "/api/v1/fund-allocations".into(),
            "/api/v1/fund-allocations?year=2026".into(),
            [OK; 4],
            [OK; 4],
        ),
        // 村级光伏电站: read by every role in its area, written by those who edit the register (the
        // acts check the role inside); the rules by the district's settings.
        ("/pv", "GET", "/pv".into(), "/pv".into(), [OK; 4], [OK; 4]),
        ("/pv/new", "GET", "/pv/new".into(), "/pv/new".into(), [OK, OK, OK, FB], [OK, OK, OK, FB]),
        ("/pv/rules", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/pv/{id}", "GET", format!("/pv/{pv_in}"), format!("/pv/{pv_out}"), [OK; 4], [OK, NF, NF, OK]),
        ("/pv/{id}/settlements", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/pv/{id}/plans", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/pv/plans/{pid}",
            "GET",
            format!("/pv/plans/{plan_in}"),
            format!("/pv/plans/{plan_out}"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/pv/plans/{pid}/decision", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/pv/plans/{pid}/lines", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/pv/plans/{pid}/lines/{lid}/remove", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/pv/plans/{pid}/act", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/pv-stations", "GET", "/api/v1/pv-stations".into(), "/api/v1/pv-stations".into(), [OK; 4], [OK; 4]),
        (
            "/api/v1/pv-stations/{id}",
            "GET",
            format!("/api/v1/pv-stations/{pv_in}"),
            format!("/api/v1/pv-stations/{pv_out}"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/settings/procedures",
            "GET",
            "/settings/procedures".into(),
            "/settings/procedures".into(),
            [OK, FB, FB, FB],
            [OK, FB, FB, FB],
        ),
        (
            "/procedures/{id}/notice",
            "GET",
            format!("/procedures/{p_in}/notice"),
            format!("/procedures/{p_out}/notice"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        // The notice online is public: anyone with the QR code's address, signed in or not.
        ("/gs/{token}", "GET", format!("/gs/{t_in}"), format!("/gs/{t_out}"), [OK; 4], [OK; 4]),
        ("/gs/receipt", "GET", "/gs/receipt".into(), "/gs/receipt?no=".into(), [OK; 4], [OK; 4]),
        // 自主申报: the public page, and the staff's list of their own area's reports.
        ("/apply", "GET", "/apply".into(), "/apply".into(), [OK; 4], [OK; 4]),
        ("/apply/receipt", "GET", "/apply/receipt".into(), "/apply/receipt?no=".into(), [OK; 4], [OK; 4]),
        ("/self-reports", "GET", "/self-reports".into(), "/self-reports".into(), [OK; 4], [OK; 4]),
        ("/self-reports/{id}/dismiss", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/api/v1/procedures",
            "GET",
            "/api/v1/procedures".into(),
            "/api/v1/procedures?mine=true".into(),
            [OK; 4],
            [OK; 4],
        ),
        (
            "/api/v1/procedures/{id}",
            "GET",
            format!("/api/v1/procedures/{p_in}"),
            format!("/api/v1/procedures/{p_out}"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/api/v1/procedures/{id}/act", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/procedures/{id}/attachments", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/api/v1/procedure-files/{aid}",
            "GET",
            format!("/api/v1/procedure-files/{}", paper_of(&app.db, p_in).await),
            format!("/api/v1/procedure-files/{}", paper_of(&app.db, p_out).await),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/api/v1/households/{hid}/procedures",
            "GET",
            format!("/api/v1/households/{inside}/procedures"),
            format!("/api/v1/households/{outside}/procedures"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/api/v1/households/{hid}/episodes",
            "GET",
            format!("/api/v1/households/{inside}/episodes"),
            format!("/api/v1/households/{outside}/episodes"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/api/v1/households/{hid}/episodes/clear", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/households/new",
            "GET",
            "/households/new".into(),
            "/households/new".into(),
            [OK, OK, OK, FB],
            [OK, OK, OK, FB],
        ),
        (
            "/households/{id}/edit",
            "GET",
            format!("/households/{inside}/edit"),
            format!("/households/{outside}/edit"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        ("/worklist", "GET", "/worklist".into(), "/worklist".into(), [OK; 4], [OK; 4]),
        (
            "/households/{hid}/plans/new",
            "GET",
            format!("/households/{inside}/plans/new"),
            format!("/households/{outside}/plans/new"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/plans/{pid}/measures/new",
            "GET",
            format!("/plans/{}/measures/new", w_in.plan),
            format!("/plans/{}/measures/new", w_out.plan),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/measures/{mid}/progress",
            "GET",
            format!("/measures/{}/progress", w_in.measure),
            format!("/measures/{}/progress", w_out.measure),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/measures/{mid}/evidence",
            "GET",
            format!("/measures/{}/evidence", w_in.measure),
            format!("/measures/{}/evidence", w_out.measure),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/evidence/{eid}",
            "GET",
            format!("/evidence/{}", w_in.evidence),
            format!("/evidence/{}", w_out.evidence),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/households/{hid}/visits/new",
            "GET",
            format!("/households/{inside}/visits/new"),
            format!("/households/{outside}/visits/new"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        ("/visits/{vid}/follow-up", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/visits/{vid}/review",
            "GET",
            format!("/visits/{}/review", w_in.visit),
            format!("/visits/{}/review", w_out.visit),
            [OK, OK, FB, FB],
            [OK, NF, FB, FB],
        ),
        ("/teams", "GET", "/teams".into(), "/teams?area=411702104000".into(), [OK; 4], [OK, NF, NF, OK]),
        (
            "/teams/{village}",
            "GET",
            "/teams/411702101201".into(),
            "/teams/411702104201".into(),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/teams/{village}/members/new",
            "GET",
            "/teams/411702101201/members/new".into(),
            "/teams/411702104201/members/new".into(),
            [OK, OK, FB, FB],
            [OK, NF, FB, FB],
        ),
        (
            "/team-members/{id}/recall",
            "GET",
            format!("/team-members/{}/recall", w_in.member),
            format!("/team-members/{}/recall", w_out.member),
            [OK, OK, FB, FB],
            [OK, NF, FB, FB],
        ),
        ("/pairings", "GET", "/pairings".into(), "/pairings".into(), [OK; 4], [OK; 4]),
        ("/helpers", "GET", "/helpers".into(), "/helpers".into(), [OK; 4], [OK; 4]),
        ("/helpers/new", "GET", "/helpers/new".into(), "/helpers/new".into(), [OK, OK, FB, FB], [OK, OK, FB, FB]),
        (
            "/helpers/{id}/retire",
            "GET",
            format!("/helpers/{h_in}/retire"),
            format!("/helpers/{h_out}/retire"),
            [OK, OK, FB, FB],
            [OK, NF, FB, FB],
        ),
        ("/pairings/new", "GET", "/pairings/new".into(), "/pairings/new".into(), [OK, FB, FB, FB], [OK, FB, FB, FB]),
        ("/pairings/{id}/end", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/settings", "GET", "/settings".into(), "/settings".into(), [OK, FB, FB, FB], [OK, FB, FB, FB]),
        (
            "/households/{hid}/card",
            "GET",
            format!("/households/{inside}/card"),
            format!("/households/{outside}/card"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/households/{hid}/handbook",
            "GET",
            format!("/households/{inside}/handbook"),
            format!("/households/{outside}/handbook"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/api/v1/worklist/{reason}",
            "GET",
            "/api/v1/worklist/no_plan".into(),
            "/api/v1/worklist/no_plan?area=411702104000".into(),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/api/v1/worklist-counts",
            "GET",
            "/api/v1/worklist-counts".into(),
            "/api/v1/worklist-counts?area=411702104000".into(),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/api/v1/households/{hid}/plans",
            "GET",
            format!("/api/v1/households/{inside}/plans"),
            format!("/api/v1/households/{outside}/plans"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/api/v1/plans/{pid}/measures", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/measures/{mid}/progress", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/measures/{mid}/evidence", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/api/v1/evidence/{eid}",
            "GET",
            format!("/api/v1/evidence/{}", w_in.evidence),
            format!("/api/v1/evidence/{}", w_out.evidence),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        (
            "/api/v1/households/{hid}/visits",
            "GET",
            format!("/api/v1/households/{inside}/visits"),
            format!("/api/v1/households/{outside}/visits"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/api/v1/visits/{vid}/follow-up", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/visits/{vid}/review", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/api/v1/teams",
            "GET",
            "/api/v1/teams".into(),
            "/api/v1/teams?area=411702104000".into(),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/api/v1/teams/{village}/members", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/pairings", "GET", "/api/v1/pairings".into(), "/api/v1/pairings".into(), [OK; 4], [OK; 4]),
        (
            "/households/{hid}/helper",
            "GET",
            format!("/households/{inside}/helper"),
            format!("/households/{outside}/helper"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        // 户主变更, 分户, 合户, 注销: anyone who edits the register, inside their area.
        (
            "/households/{hid}/head",
            "GET",
            format!("/households/{inside}/head"),
            format!("/households/{outside}/head"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/households/{hid}/split",
            "GET",
            format!("/households/{inside}/split"),
            format!("/households/{outside}/split"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/households/{hid}/merge",
            "GET",
            format!("/households/{inside}/merge"),
            format!("/households/{outside}/merge"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        (
            "/households/{hid}/deregister",
            "GET",
            format!("/households/{inside}/deregister"),
            format!("/households/{outside}/deregister"),
            [OK, OK, OK, FB],
            [OK, NF, NF, FB],
        ),
        ("/api/v1/households/{hid}/head", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/split", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/merge", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/deregister", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        // 三员分立: the audit log is the audit administrator's only (see below).
        ("/audit", "GET", "/audit".into(), "/audit".into(), [FB; 4], [FB; 4]),
        ("/password", "GET", "/password".into(), "/password".into(), [OK; 4], [OK; 4]),
        ("/login", "GET", "/login".into(), "/login".into(), [OK; 4], [OK; 4]),
        ("/logout", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/healthz", "GET", "/healthz".into(), "/healthz".into(), [OK; 4], [OK; 4]),
        ("/static/{file}", "GET", "/static/htmx.min.js".into(), "/static/htmx.LICENSE".into(), [OK; 4], [OK; 4]),
        ("/lang/{code}", "GET", "/lang/en".into(), "/lang/zh-CN".into(), [S::SEE_OTHER; 4], [S::SEE_OTHER; 4]),
        ("/api/v1/households", "GET", "/api/v1/households".into(), "/api/v1/households".into(), [OK; 4], [OK; 4]),
        (
            "/api/v1/households/{id}",
            "GET",
            format!("/api/v1/households/{inside}"),
            format!("/api/v1/households/{outside}"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/api/v1/households/{hid}/members/{mid}", "PUT", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/members", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/members/{mid}/leave", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/incomes/{period}", "PUT", String::new(), String::new(), [OK; 4], [OK; 4]),
        (
            "/api/v1/households/{hid}/incomes",
            "GET",
            format!("/api/v1/households/{inside}/incomes"),
            format!("/api/v1/households/{outside}/incomes"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        // 选择村: the search answers everyone, with areas of their own scope only.
        (
            "/areas/search",
            "GET",
            "/areas/search?q=411702101".into(),
            "/areas/search?q=411702104".into(),
            [OK; 4],
            [OK; 4],
        ),
        (
            "/api/v1/areas",
            "GET",
            "/api/v1/areas?q=411702101".into(),
            "/api/v1/areas?q=411702104".into(),
            [OK; 4],
            [OK; 4],
        ),
        ("/lines", "GET", "/lines".into(), "/lines".into(), [OK; 4], [OK; 4]),
        ("/lines/new", "GET", "/lines/new".into(), "/lines/new".into(), [OK, FB, FB, FB], [OK, FB, FB, FB]),
        ("/lines/{id}", "GET", format!("/lines/{l_in}"), format!("/lines/{l_out}"), [OK; 4], [OK, NF, NF, OK]),
        (
            "/lines/{id}/edit",
            "GET",
            format!("/lines/{l_in}/edit"),
            format!("/lines/{l_out}/edit"),
            [OK, FB, FB, FB],
            [OK, FB, FB, FB],
        ),
        ("/lines/margin", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/lines", "GET", "/api/v1/lines".into(), "/api/v1/lines".into(), [OK; 4], [OK; 4]),
        (
            "/api/v1/lines/{id}",
            "GET",
            format!("/api/v1/lines/{l_in}"),
            format!("/api/v1/lines/{l_out}"),
            [OK; 4],
            [OK, NF, NF, OK],
        ),
        ("/api/v1/households/{hid}/status", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/worklist", "GET", "/api/v1/worklist".into(), "/api/v1/worklist".into(), [OK; 4], [OK; 4]),
        ("/api/v1/helpers", "GET", "/api/v1/helpers".into(), "/api/v1/helpers".into(), [OK; 4], [OK; 4]),
        ("/api/v1/households/{hid}/helper", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/helpers/{id}/retire", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/api/v1/audit", "GET", "/api/v1/audit".into(), "/api/v1/audit".into(), [FB; 4], [FB; 4]),
        ("/api/openapi.json", "GET", "/api/openapi.json".into(), "/api/openapi.json".into(), [OK; 4], [OK; 4]),
        ("/api/docs", "GET", "/api/docs".into(), "/api/docs".into(), [OK; 4], [OK; 4]),
        // admin: units are listed to every role (any unit of the district may be paired with
        // any township); creating and correcting them, and accounts, are the district admin's.
        ("/units", "GET", "/units".into(), "/units".into(), [OK; 4], [OK; 4]),
        ("/units/new", "GET", "/units/new".into(), "/units/new".into(), [OK, FB, FB, FB], [OK, FB, FB, FB]),
        (
            "/units/{id}/edit",
            "GET",
            format!("/units/{u_in}/edit"),
            format!("/units/{u_out}/edit"),
            [OK, FB, FB, FB],
            [OK, FB, FB, FB],
        ),
        ("/api/v1/units", "GET", "/api/v1/units".into(), "/api/v1/units".into(), [OK; 4], [OK; 4]),
        (
            "/api/v1/units/{id}",
            "GET",
            format!("/api/v1/units/{u_in}"),
            format!("/api/v1/units/{u_out}"),
            [OK; 4],
            [OK; 4],
        ),
        // Accounts are the system administrator's only (see below).
        ("/users", "GET", "/users".into(), "/users".into(), [FB; 4], [FB; 4]),
        ("/users/new", "GET", "/users/new".into(), "/users/new".into(), [FB; 4], [FB; 4]),
        // Grants and the security settings are the security administrator's only.
        ("/grants", "GET", "/grants".into(), "/grants".into(), [FB; 4], [FB; 4]),
        ("/grants/{id}/grant", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/grants/{id}/refuse", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/grants/role", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/users/{id}/disable", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/users/{id}/enable", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/users/{id}/reset-password", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/users/{id}/unlock", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/users/{id}/end-sessions", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/sessions", "GET", "/sessions".into(), "/sessions".into(), [OK; 4], [OK; 4]),
        ("/sessions/end", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        // A full session owes no code: the code page sends it on to sign in.
        ("/login/code", "GET", "/login/code".into(), "/login/code".into(), [S::SEE_OTHER; 4], [S::SEE_OTHER; 4]),
        ("/two-factor", "GET", "/two-factor".into(), "/two-factor".into(), [OK; 4], [OK; 4]),
        (
            "/two-factor/new-phone",
            "GET",
            "/two-factor/new-phone".into(),
            "/two-factor/new-phone".into(),
            [OK; 4],
            [OK; 4],
        ),
        ("/two-factor/bind", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/two-factor/recovery-codes", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/two-factor/off", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/settings/security", "GET", "/settings/security".into(), "/settings/security".into(), [FB; 4], [FB; 4]),
        ("/users/{id}/reset-two-factor", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/settings/security/passwords", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        // The district office reviews routed ID conflicts.
        ("/id-conflicts", "GET", "/id-conflicts".into(), "/id-conflicts".into(), [OK, FB, FB, FB], [OK, FB, FB, FB]),
        ("/id-conflicts/{id}/review", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
        ("/leads", "GET", "/leads".into(), "/leads".into(), [OK; 4], [OK; 4]),
        ("/leads/{id}/dismiss", "POST", String::new(), String::new(), [OK; 4], [OK; 4]),
    ];
    // Routes declared in the source.
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut declared = Vec::new();
    for entry in walk(&src) {
        let text = std::fs::read_to_string(&entry).unwrap();
        for part in text.split(".route(").skip(1) {
            if let Some(path) = part.trim_start().strip_prefix('"') {
                declared.push(path.split('"').next().unwrap().to_owned());
            }
        }
    }
    declared.sort();
    declared.dedup();
    let mut covered: Vec<String> = table.iter().map(|r| r.0.to_owned()).collect();
    covered.sort();
    covered.dedup();
    assert_eq!(declared, covered, "every route must have a line in this test");

    let roles = ["admin", "shahedian", "shadong", "auditor"];
    for (i, role) in roles.iter().enumerate() {
        let (session, _) = app.sign_in(role).await;
        for (route, method, path_in, path_out, want_in, want_out) in &table {
            if *method != "GET" {
                continue; // state-changing routes are covered by their own tests (CSRF, sign-out)
            }
            let got_in = app.get(path_in, &session).await.status;
            assert_eq!(got_in, want_in[i], "{role} GET {route} inside");
            let got_out = app.get(path_out, &session).await.status;
            assert_eq!(got_out, want_out[i], "{role} GET {route} outside");
        }
        // A visitor without a session is sent to sign in from every private page.
        if i > 0 {
            continue;
        }
        for (route, method, path_in, ..) in &table {
            if *method == "GET"
                && !matches!(
                    *route,
                    "/login"
                        | "/healthz"
                        | "/api/openapi.json"
                        | "/api/docs"
                        | "/static/{file}"
                        | "/gs/{token}"
                        | "/gs/p/{token}"
                        | "/gs/receipt"
                        | "/apply"
                        | "/apply/receipt"
                )
            {
                let r = app.get(path_in, "").await;
                let want = if route.starts_with("/api/") { S::UNAUTHORIZED } else { S::SEE_OTHER };
                assert_eq!(r.status, want, "visitor GET {route}");
            }
        }
    }
    // 三员分立: each of the three administrators opens its own pages (and, as everyone, its
    // own password, sign-ins and second factor, and the public pages); every other page —
    // the register above all — is refused (403), inside or outside its area, and the start
    // page sends it to its own.
    let public = [
        "/login",
        "/login/code",
        "/healthz",
        "/api/openapi.json",
        "/api/docs",
        "/static/{file}",
        "/lang/{code}",
        "/gs/{token}",
        "/gs/p/{token}",
        "/gs/receipt",
        "/apply",
        "/apply/receipt",
    ];
    for (name, role, own) in [
        ("sysadmin", Role::SystemAdmin, &["/users", "/users/new"][..]),
        ("secadmin", Role::SecurityAdmin, &["/grants", "/settings/security"][..]),
        ("auditadmin", Role::AuditAdmin, &["/audit", "/api/v1/audit"][..]),
    ] {
        let (session, _) = app.sign_in(name).await;
        let mut opened = 0;
        for (route, method, path_in, path_out, want_in, _) in &table {
            if *method != "GET" {
                continue;
            }
            let want = if *route == "/" {
                S::SEE_OTHER
            } else if own.contains(route) {
                OK
            } else if public.contains(route) || role.may_open(path_in.split('?').next().unwrap()) {
                want_in[0] // the same for every role (the admin's column)
            } else {
                FB
            };
            let got = app.get(path_in, &session).await;
            assert_eq!(got.status, want, "{name} GET {route} inside: {} {:?}", got.body, got.location);
            if want == OK {
                opened += 1;
            }
            if !public.contains(route) && !own.contains(route) && want == FB {
                assert!(got.body.contains("三员分立") || got.body.contains("您的角色不能"), "{name} {route}");
            }
            let got_out = app.get(path_out, &session).await.status;
            assert_eq!(got_out, want, "{name} GET {route} outside");
        }
        assert!(opened >= own.len() + 3, "{name} opened only {opened} pages");
        let home = app.get("/", &session).await;
        assert_eq!(home.location.as_deref(), Some(role.home()), "{name}'s start page");
    }
});

// Every state-changing route, by a user of each role, on a record outside their area: the
// record does not exist for them (404), and an auditor may change nothing (403).
both!(every_change_route_refuses_records_outside_the_users_area, |app| {
    let out = app.yifeng_household.0;
    let m_out = first_member(&app, app.yifeng_household).await;
    let w = work_fixture(&app.db, app.yifeng_household, "411702104201").await;
    let their_helper = {
        use bangfu_core::store::AssistanceStore;
        let f: HashMap<&str, &str> = [("name", "孙干事"), ("area_code", "411702104201")].into_iter().collect();
        let data = bangfu_core::assistance::HelperData::parse(&f, chrono::Local::now().date_naive()).unwrap();
        app.db.create_helper(&Scope::everything(), &data, &actor()).await.unwrap()
    };
    let their_project = project_at(&app.db, "411702104201").await;
    let their_course = course_at(&app.db, "411702104201").await;
    let their_application = yulu_at(&app.db, m_out).await;
    let forms = [
        format!("/helpers/{their_helper}/retire"),
        format!("/households/{out}/plans/new"),
        format!("/plans/{}/measures/new", w.plan),
        format!("/measures/{}/progress", w.measure),
        format!("/households/{out}/visits/new"),
        format!("/visits/{}/follow-up", w.visit),
        format!("/visits/{}/review", w.visit),
        "/teams/411702104201/members/new".to_owned(),
        format!("/team-members/{}/recall", w.member),
        format!("/households/{out}/members/{m_out}/edit"),
        format!("/households/{out}/members/{m_out}/reveal"),
        format!("/households/{out}/members/new"),
        format!("/households/{out}/members/{m_out}/leave"),
        format!("/households/{out}/income"),
        format!("/households/{out}/status"),
        format!("/households/{out}/procedures/new?kind=identification"),
        format!("/procedures/{}/act", at_notice(&app.db, app.yifeng_household).await.0),
        format!("/projects/{their_project}/edit"),
        format!("/projects/{their_project}/targets"),
        format!("/projects/{their_project}/targets/1/remove"),
        format!("/projects/{their_project}/submit"),
        format!("/projects/{their_project}/act"),
        format!("/projects/{their_project}/beneficiaries"),
        format!("/projects/{their_project}/beneficiaries/1/remove"),
        format!("/projects/{their_project}/funds"),
        format!("/projects/{their_project}/entries/1/reverse"),
        format!("/training/{their_course}/edit"),
        format!("/training/{their_course}/remove"),
        format!("/training/{their_course}/attendees"),
        format!("/training/{their_course}/attendees/1"),
        format!("/training/{their_course}/attendees/1/remove"),
        format!("/yulu/{their_application}/act"),
        format!("/households/{out}/edit"),
        format!("/households/{out}/helper"),
    ];
    let apis = [
        ("PUT", format!("/api/v1/households/{out}/members/{m_out}"), "{}"),
        ("POST", format!("/api/v1/households/{out}/members"), "{}"),
        ("POST", format!("/api/v1/households/{out}/members/{m_out}/leave"), r#"{"left_on":"2024-01-01","reason":"x"}"#),
        ("PUT", format!("/api/v1/households/{out}/incomes/2025"), r#"{"wages":"1"}"#),
        (
            "POST",
            format!("/api/v1/households/{out}/status"),
            r#"{"status":"exited","effective_on":"2024-01-01","reason":"x"}"#,
        ),
        ("POST", format!("/api/v1/households/{out}/helper"), r#"{"helper_id":1,"start_on":"2024-01-01"}"#),
        ("POST", format!("/api/v1/households/{out}/episodes"), r#"{"monitoring_type":"hardship"}"#),
        ("POST", format!("/api/v1/households/{out}/episodes/clear"), r#"{"cleared_on":"2025-01-01"}"#),
        ("POST", format!("/api/v1/households/{out}/procedures"), r#"{"kind":"identification"}"#),
        ("POST", format!("/api/v1/households/{out}/plans"), "{}"),
        ("POST", format!("/api/v1/plans/{}/measures", w.plan), "{}"),
        ("POST", format!("/api/v1/measures/{}/progress", w.measure), r#"{"status":"done"}"#),
        ("POST", format!("/api/v1/households/{out}/visits"), "{}"),
        ("POST", format!("/api/v1/visits/{}/follow-up", w.visit), "{}"),
        ("POST", format!("/api/v1/visits/{}/review", w.visit), r#"{"accept":true}"#),
        ("POST", "/api/v1/teams/411702104201/members".to_owned(), r#"{"name":"x","start_on":"2024-01-01"}"#),
        ("POST", format!("/api/v1/helpers/{their_helper}/retire"), r#"{"end_on":"2025-01-01","reason":"x"}"#),
    ];
    // Arranging work and reviewing proposals are not a village worker's at all: refused (403)
    // before any record is looked up, so the answer says nothing about the record either.
    let arranging = |path: &str| {
        path.ends_with("/retire") || path.ends_with("/review") || path.contains("/teams/") || path.contains("/recall")
    };
    for (role, want) in
        [("shahedian", StatusCode::NOT_FOUND), ("shadong", StatusCode::NOT_FOUND), ("auditor", StatusCode::FORBIDDEN)]
    {
        // Money is the district's: refused (403) to everyone else before any record is looked up.
        let money = |path: &str| path.ends_with("/funds") || path.ends_with("/reverse");
        let want_for = |path: &str| {
            if (role == "shadong" && arranging(path)) || money(path) { StatusCode::FORBIDDEN } else { want }
        };
        let (session, csrf) = app.sign_in(role).await;
        for path in &forms {
            let r = app.post(path, &session, &format!("_csrf={csrf}")).await;
            assert_eq!(r.status, want_for(path), "{role} POST {path}");
        }
        let token = api_token(&app, role).await;
        for (method, path, body) in &apis {
            let r = app.api(method, path, &token, Some(body)).await;
            assert_eq!(r.status, want_for(path), "{role} {method} {path}: {}", r.body);
        }
        // A paper for another area's procedure, on the page and through the API (multipart).
        let theirs = at_notice(&app.db, app.yifeng_household).await.0;
        let r = app.upload(&format!("/procedures/{theirs}/attachments"), &session, paper(&csrf, "consent")).await;
        assert_eq!(r.status, want, "{role} uploads to another area's procedure");
        assert_eq!(app.api_attach(theirs, &token, "consent").await.status, want, "{role} API upload");
    }
    let papers = app.db.procedure(&Scope::everything(), at_notice(&app.db, app.yifeng_household).await.0).await;
    assert_eq!(papers.unwrap().attachments.len(), 1, "only the fixture's own 承诺授权书");
    let theirs = app.db.project(&Scope::everything(), their_project).await.unwrap();
    assert_eq!(
        (theirs.stage.as_str(), theirs.targets.len(), theirs.version),
        ("draft", 0, 1),
        "their project untouched"
    );
    assert!(
        app.db.course_attendees(&Scope::everything(), their_course).await.unwrap().is_empty(),
        "their course untouched"
    );
    let theirs = app.db.yulu_application(&Scope::everything(), their_application).await.unwrap();
    assert_eq!(theirs.state, bangfu_core::training::yulu::State::Applied, "their application untouched");
    // Nothing happened to the household or its work.
    let h = app.db.household(&Scope::everything(), app.yifeng_household).await.unwrap();
    assert_eq!((h.size, h.data.status), (1, Some(bangfu_core::household::PovertyStatus::Poor)));
    assert_eq!(h.monitoring_type, None, "the proposal was not accepted");
    let all = Scope::everything();
    let episodes = bangfu_core::store::MonitoringStore::episodes(&app.db, &all, app.yifeng_household);
    assert!(episodes.await.unwrap().is_empty());
    use bangfu_core::store::{PlanStore, VisitStore};
    let plans = app.db.plans(&Scope::everything(), app.yifeng_household).await.unwrap();
    assert_eq!((plans.len(), plans[0].measures.len()), (1, 1));
    assert_eq!(plans[0].measures[0].status, bangfu_core::assistance::MeasureStatus::Planned);
    let visits = app.db.visits(&Scope::everything(), app.yifeng_household).await.unwrap();
    assert_eq!((visits.len(), visits[0].follow_up_done_on), (1, None));
    use bangfu_core::store::AssistanceStore;
    assert!(app.db.helpers(&Scope::everything()).await.unwrap().iter().any(|h| h.id == their_helper), "still active");
});

/// A draft project in `village`.
async fn project_at(db: &bangfu_db::Db, village: &str) -> i64 {
    let f: HashMap<String, String> =
        [("name", "香菇种植基地"), ("category", "产业发展"), ("area_code", village), ("year", "2026")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
    let d = bangfu_core::project::ProjectData::parse(&f, 2026).unwrap();
    db.create_project(&Scope::everything(), &d, &actor()).await.unwrap()
}

/// A project's paper (its minutes).
async fn document_at(db: &bangfu_db::Db, project: i64) -> i64 {
    let up = bangfu_core::assistance::evidence::check_upload("会议记录.png", PNG).unwrap();
    db.add_project_document(&Scope::everything(), project, "minutes", None, None, (&up, PNG), &actor()).await.unwrap()
}

/// A station in `village` with a draft plan for 2025: (station id, plan id).
async fn pv_at(db: &bangfu_db::Db, village: &str) -> (i64, i64) {
    let f: HashMap<String, String> =
        [("name", "村级光伏电站"), ("area_code", village), ("capacity_kw", "300"), ("grid_on", "2017-06-30")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
    let d = bangfu_core::project::pv::StationData::parse(&f, chrono::Local::now().date_naive()).unwrap();
    let st = db.create_station(&Scope::everything(), &d, &actor()).await.unwrap();
    let head = bangfu_core::project::pv::PlanData { year: 2025, decided_on: None, decision: None };
    (st, db.create_pv_plan(&Scope::everything(), st, &head, &actor()).await.unwrap())
}

/// A 培训班 in `area`.
async fn course_at(db: &bangfu_db::Db, area: &str) -> i64 {
    let f: HashMap<String, String> = [
        ("kind", "培训班"),
        ("training_type", "技能培训"),
        ("topic", "电工技能培训"),
        ("start_on", "2026-03-10"),
        ("hours", "40"),
        ("organiser", "区人社局"),
        ("area_code", area),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let d = bangfu_core::training::CourseData::parse(&f, chrono::Local::now().date_naive()).unwrap();
    db.create_course(&Scope::everything(), &d, &actor()).await.unwrap()
}

/// A 雨露计划 application (已申请) for `member`.
async fn yulu_at(db: &bangfu_db::Db, member: i64) -> i64 {
    let f: HashMap<String, String> = [
        ("member_id", member.to_string().as_str()),
        ("term", "2026年春季学期"),
        ("school", "驻马店技师学院"),
        ("level", "技工院校"),
        ("grade", "一年级"),
        ("applied_on", "2026-03-01"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let a = bangfu_core::training::yulu::Application::parse(&f, chrono::Local::now().date_naive()).unwrap();
    db.apply_yulu(&Scope::everything(), &a, &actor()).await.unwrap()
}

/// The first paper of a procedure (its 承诺授权书).
async fn paper_of(db: &bangfu_db::Db, id: i64) -> i64 {
    db.procedure(&Scope::everything(), id).await.unwrap().attachments[0].id
}

/// An identification on `h` that has reached its notice: (procedure id, the notice's token).
async fn at_notice(db: &bangfu_db::Db, h: HouseholdId) -> (i64, String) {
    use bangfu_core::auth::Role;
    use bangfu_core::procedure::{Action, kinds};
    let all = Scope::everything();
    let f: HashMap<String, String> =
        [("monitoring_type", "突发严重困难户"), ("risks", "因病"), ("found_by", "干部排查"), ("reason", "住院")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
    let p = bangfu_core::procedure::decision::Proposal::keep(&kinds::IDENTIFICATION, &f);
    let today = chrono::Local::now().date_naive();
    let id = match db.start_procedure(&all, h, &kinds::IDENTIFICATION, &p, today, &actor()).await {
        Ok(id) => id,
        Err(_) => {
            // Already started by an earlier call: the open one.
            let open = db.household_procedures(&all, h).await.unwrap();
            let r = db.procedure(&all, open[0].id).await.unwrap();
            return (r.id, r.notice_token.unwrap());
        }
    };
    let up = bangfu_core::assistance::evidence::check_upload("承诺授权书.png", PNG).unwrap();
    db.add_procedure_attachment(&all, id, "consent", None, (&up, PNG), &actor()).await.unwrap();
    let meeting: HashMap<String, String> = [
        ("meeting_place", "村委会"),
        ("attendees", "9"),
        ("votes_for", "9"),
        ("votes_against", "0"),
        ("votes_abstain", "0"),
        ("hits", "0"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for role in [Role::VillageWorker, Role::DistrictAdmin, Role::VillageWorker] {
        let version = db.procedure(&all, id).await.unwrap().version;
        let act = bangfu_db::procedures::Act {
            id,
            version,
            action: Action::Complete { note: "已办".into() },
            role: Some(role),
            on: today,
        };
        db.act_with_findings(&all, act, &meeting, &actor()).await.unwrap();
    }
    (id, db.procedure(&all, id).await.unwrap().notice_token.unwrap())
}
