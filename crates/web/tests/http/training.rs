//! 培训和雨露计划 through HTTP as the users do it: a township clerk records a course (refused with
//! the field named and what was typed kept), finds 王建国 by his initials (no ID number shown,
//! nobody of another township), adds him once, records his certificate and his job; the household
//! page counts his training. A village worker applies for 雨露计划, may not check it; the township
//! checks, pays and the village publishes, in order. Another township's clerk finds nothing.

use super::*;

both!(a_township_records_a_course_adds_attendees_once_and_the_household_page_counts_them, |app| {
    let (town, tc) = app.sign_in("shahedian").await;
    let course = |hours: &str| {
        format!(
            "_csrf={tc}&kind={}&training_type={}&topic={}&start_on=2026-03-10&end_on=2026-03-14&hours={hours}\
             &organiser={}&area_code=411702101201",
            enc("培训班"),
            enc("技能"),
            enc("电工技能培训"),
            enc("沙河店镇人民政府")
        )
    };
    let r = app.post("/training/new", &town, &course("0")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("学时应为1至500之间的整数") && r.body.contains("电工技能培训"), "{}", r.body);
    let r = app.post("/training/new", &town, &course("40")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.location.unwrap();
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    // 王建国 found by his initials: name, 户编号, village; no ID number; not 蚁蜂镇's 赵铁柱.
    let found = app.get(&format!("{at}?q=WJG"), &town).await;
    assert!(found.body.contains("王建国") && found.body.contains("4117021012010001"), "{}", found.body);
    assert!(!found.body.contains(&app.full_id[..14]), "no ID number in the search");
    assert!(app.get(&format!("{at}?q=zhaotiezhu"), &town).await.body.contains("没有找到"));
    let head = first_member(&app, app.shahedian_household).await;
    let add = |member: i64, extra: &str| format!("_csrf={tc}&form=add-{member}&member_id={member}&q=wjg{extra}");
    let certificate = format!("&certificate={}&certificate_name={}", enc("是"), enc("低压电工证"));
    let r = app.post(&format!("/training/{id}/attendees"), &town, &add(head, &certificate)).await;
    assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some(format!("{at}?q=wjg").as_str())));
    let r = app.post(&format!("/training/{id}/attendees"), &town, &add(head, "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("王建国已在本次培训的参训人员名单中，同一人不能重复添加"), "{}", r.body);
    let theirs = first_member(&app, app.yifeng_household).await;
    let r = app.post(&format!("/training/{id}/attendees"), &town, &add(theirs, &certificate)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("不是您管辖范围内农户的现有成员"), "{}", r.body);
    let page = app.get(&at, &town).await;
    assert!(page.body.contains("参训 1 人，来自 1 户") && page.body.contains("低压电工证"), "{}", page.body);
    // Employment known later; a certificate left blank stays 未填, never 否.
    let aid = app.db.course_attendees(&Scope::everything(), id).await.unwrap()[0].id;
    let outcome = format!("_csrf={tc}&form=outcome-{aid}&certificate=&certificate_name=&employed={}", enc("是"));
    let r = app.post(&format!("/training/{id}/attendees/{aid}"), &town, &outcome).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let a = &app.db.course_attendees(&Scope::everything(), id).await.unwrap()[0];
    assert_eq!((a.outcome.certificate, a.outcome.employed), (None, Some(true)));
    let list = app.get("/training?year=2026", &town).await;
    assert!(list.body.contains("电工技能培训") && list.body.contains("参训 1 人次"), "{}", list.body);
    let household = app.household_page(app.shahedian_household.0, &town).await;
    assert!(
        household.body.contains("培训和雨露计划")
            && household.body.contains("电工技能培训")
            && household.body.contains("参训 1 人次，共 40 学时，取得证书 0 个，培训后就业 1 人次"),
        "{}",
        household.body
    );
    let handbook = app.get(&format!("/households/{}/handbook", app.shahedian_household.0), &town).await;
    assert!(
        handbook.body.contains("九、培训和雨露计划") && handbook.body.contains("电工技能培训（技能培训）"),
        "{}",
        handbook.body
    );
    // The API: the course with its attendee (no ID number).
    let token = api_token(&app, "shahedian").await;
    let api = app.api("GET", &format!("/api/v1/training/{id}"), &token, None).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!((v["hours"].as_i64(), v["attendees"][0]["household_no"].as_str()), (Some(40), Some("4117021012010001")));
    assert_eq!(
        (v["attendees"][0]["certificate"].is_null(), v["attendees"][0]["employed"].as_bool()),
        (true, Some(true))
    );
    assert!(!api.body.contains(&app.full_id[..14]), "no ID number through the API");
    let list = app.api("GET", "/api/v1/training?year=2026", &token, None).await;
    assert!(list.body.contains("\"attendees\":1") && list.body.contains("\"households\":1"), "{}", list.body);
    // Removal marks: the list is empty again.
    let r = app.post(&format!("/training/{id}/attendees/{aid}/remove"), &town, &format!("_csrf={tc}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(app.get(&at, &town).await.body.contains("尚未添加参训人员"));
    // Another township finds nothing, and cannot withdraw it.
    super::admin::insert_user(&app, "yifeng", bangfu_core::auth::Role::TownshipStaff, "411702104000").await;
    let (other, oc) = app.sign_in("yifeng").await;
    assert_eq!(app.get(&at, &other).await.status, StatusCode::NOT_FOUND);
    let r = app.post(&format!("/training/{id}/remove"), &other, &format!("_csrf={oc}&reason=x")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!app.get("/training", &other).await.body.contains("电工技能培训"));
    let token = api_token(&app, "yifeng").await;
    assert_eq!(app.api("GET", &format!("/api/v1/training/{id}"), &token, None).await.status, StatusCode::NOT_FOUND);
    // 撤销 needs its reason (what was typed stays); then the course is gone from the list.
    let r = app.post(&format!("/training/{id}/remove"), &town, &format!("_csrf={tc}&form=remove&reason=")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("撤销须写明原因"), "{}", r.body);
    let why = format!("_csrf={tc}&form=remove&reason={}", enc("重复登记"));
    let r = app.post(&format!("/training/{id}/remove"), &town, &why).await;
    assert_eq!((r.status, r.location.as_deref()), (StatusCode::SEE_OTHER, Some("/training")));
    assert_eq!(app.get(&at, &town).await.status, StatusCode::NOT_FOUND);
    assert!(!app.get("/training", &town).await.body.contains("电工技能培训"));
});

both!(a_yulu_application_is_checked_by_the_township_paid_and_published_in_order, |app| {
    let (village, vc) = app.sign_in("shadong").await;
    let student = first_member(&app, app.shahedian_household).await;
    let apply = |amount: &str| {
        format!(
            "_csrf={vc}&form=apply-{student}&member_id={student}&q=wjg&term={}&school={}&level={}&grade={}&amount={amount}",
            enc("2026年秋季学期"),
            enc("驻马店技师学院"),
            enc("中职"),
            enc("一年级")
        )
    };
    let r = app.post("/yulu", &village, &apply("6000")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("补助金额应大于0元，且每学期不超过5,000元") && r.body.contains("驻马店技师学院"),
        "the message and what was typed: {}",
        r.body
    );
    assert_eq!(app.post("/yulu", &village, &apply("")).await.status, StatusCode::SEE_OTHER);
    let r = app.post("/yulu", &village, &apply("1200")).await;
    assert!(r.body.contains("王建国在2026年秋季学期已有雨露计划申请，同一学生每学期只能申请一次"), "{}", r.body);
    let id = app.db.yulu_applications(&Scope::everything(), &Default::default()).await.unwrap()[0].id;
    let act = |csrf: &str, action: &str| format!("_csrf={csrf}&form=act-{id}&action={action}");
    let r = app.post(&format!("/yulu/{id}/act"), &village, &act(&vc, "check")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("乡镇审核须由乡镇或区级工作人员办理"), "{}", r.body);
    let (town, tc) = app.sign_in("shahedian").await;
    let r = app.post(&format!("/yulu/{id}/act"), &town, &act(&tc, "pay")).await;
    assert!(r.body.contains("尚未经乡镇审核，不能发放"), "{}", r.body);
    let r =
        app.post(&format!("/yulu/{id}/act"), &town, &format!("{}&note={}", act(&tc, "check"), enc("学籍已核实"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.post(&format!("/yulu/{id}/act"), &town, &act(&tc, "pay")).await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.post(&format!("/yulu/{id}/act"), &village, &act(&vc, "publish")).await.status,
        StatusCode::SEE_OTHER
    );
    let page = app.get("/yulu?term=2026-autumn", &town).await;
    assert!(
        page.body.contains("已公示") && page.body.contains("已发放合计 <strong>1,500.00元</strong>"),
        "{}",
        page.body
    );
    let household = app.household_page(app.shahedian_household.0, &village).await;
    assert!(household.body.contains("雨露计划") && household.body.contains("驻马店技师学院"), "{}", household.body);
    let token = api_token(&app, "shahedian").await;
    let api = app.api("GET", "/api/v1/yulu?state=published", &token, None).await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!((v["total"].as_i64(), v["items"][0]["paid_fen"].as_i64()), (Some(1), Some(150_000)), "{}", api.body);
    let bad = app.api("GET", "/api/v1/yulu?term=autumn", &token, None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    // Another township sees none of it and cannot act on it.
    super::admin::insert_user(&app, "yifeng", bangfu_core::auth::Role::TownshipStaff, "411702104000").await;
    let (other, oc) = app.sign_in("yifeng").await;
    assert!(!app.get("/yulu", &other).await.body.contains("驻马店技师学院"));
    assert_eq!(app.post(&format!("/yulu/{id}/act"), &other, &act(&oc, "publish")).await.status, StatusCode::NOT_FOUND);
});
