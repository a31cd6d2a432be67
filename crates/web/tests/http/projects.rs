//! 项目库 and 衔接资金 through HTTP as the users do it: a township clerk writes a project and is
//! refused at 村申报 until its 绩效目标 are in; the district enters an allocation, arranges it,
//! and records a payment above the remainder (refused, amounts named, what was typed kept) and
//! one within it; the township sees the money but may not move it; another township's clerk
//! finds nothing.

use super::*;

both!(a_township_writes_a_project_submits_it_with_its_targets_and_the_district_pays_within_what_remains, |app| {
    let (town, tc) = app.sign_in("shahedian").await;
    let r = app
        .post(
            "/projects/new",
            &town,
            &format!(
                "_csrf={tc}&name={}&category={}&area_code=411702101201&year=2026&investment={}",
                enc("沙东村香菇种植基地"),
                enc("产业发展"),
                enc("30万")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("资金规模") && r.body.contains("沙东村香菇种植基地"),
        "the message and what was typed: {}",
        r.body
    );
    let full = format!(
        "_csrf={tc}&name={}&category={}&area_code=411702101201&year=2026&nature={}&start_on=2026-03-01&end_on=2026-10-31\
         &responsible_unit={}&implementing_unit={}&tasks={}&investment=1000000&beneficiary_households=60\
         &beneficiary_exited=40&beneficiary_monitored=5&benefit_mechanism={}",
        enc("沙东村香菇种植基地"),
        enc("产业发展"),
        enc("新建"),
        enc("沙河店镇人民政府"),
        enc("沙东村股份经济合作社"),
        enc("新建香菇大棚20座"),
        enc("务工工资、大棚租金分红")
    );
    let r = app.post("/projects/new", &town, &full).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let at = r.location.unwrap();
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    let r = app.post(&format!("/projects/{id}/submit"), &town, &format!("_csrf={tc}&version=1")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("不能提交：缺少绩效目标（产出指标、效益指标、满意度指标），没有绩效目标的项目不能入库"),
        "{}",
        r.body
    );
    for (level, indicator, value) in [
        ("产出指标", "新建香菇大棚", "20"),
        ("效益指标", "带动脱贫户年增收", "≥3000"),
        ("满意度指标", "受益群众满意度", "≥95%"),
    ] {
        let body =
            format!("_csrf={tc}&form=target&level={}&indicator={}&value={}", enc(level), enc(indicator), enc(value));
        let r = app.post(&format!("/projects/{id}/targets"), &town, &body).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let r = app.post(&format!("/projects/{id}/submit"), &town, &format!("_csrf={tc}&version=1")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&at, &town).await;
    assert!(
        page.body.contains("当前环节：村内公示") && page.body.contains("满意度指标 · 受益群众满意度 ≥95%"),
        "{}",
        page.body
    );
    // The village notice lasts ten working days: closing it today is refused with the day it may end.
    let close = format!("_csrf={tc}&version=2&action=complete&form=complete&note={}", enc("公示期满"));
    let r = app.post(&format!("/projects/{id}/act"), &town, &close).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("公示不少于10个工作日") && r.body.contains("起才能结束公示"), "{}", r.body);
    assert!(r.body.contains("公示期满"), "what was typed is kept");
    let r = app.post(&format!("/projects/{id}/edit"), &town, &full.replace("_csrf=", "version=2&_csrf=")).await;
    assert!(r.body.contains("项目已提交村申报，不能再修改项目信息"), "{}", r.body);
    assert!(!page.body.contains("安排资金到本项目"), "the township may not move money");
    let r = app.post(&format!("/projects/{id}/funds"), &town, &format!("_csrf={tc}&kind=payment")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The district enters the allocation, arranges 500 000 元 and pays.
    let (admin, ac) = app.sign_in("admin").await;
    let r = app
        .post(
            "/funds",
            &admin,
            &format!(
                "_csrf={ac}&source={}&year=2026&doc_no={}&issued_on=2026-02-20&amount=1,000,000",
                enc("中央衔接资金"),
                enc("驻财预〔2026〕12号")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A blank 文号 is refused by name, and what was typed stays in the form.
    let r =
        app.post("/funds", &admin, &format!("_csrf={ac}&source={}&year=2026&amount=88,000", enc("县级衔接资金"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写下达资金的文号") && r.body.contains("value=\"88,000\""), "{}", r.body);
    let allocation = app.db.allocations(&Scope::everything(), None).await.unwrap()[0].id;
    let money = |kind: &str, amount: &str, payee: &str| {
        format!(
            "_csrf={ac}&form=funds&kind={kind}&allocation_id={allocation}&amount={}&on=2026-04-01&payee={}&voucher_no=PZ-0401",
            enc(amount),
            enc(payee)
        )
    };
    let r = app.post(&format!("/projects/{id}/funds"), &admin, &money("commit", "500,000", "")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .post(&format!("/projects/{id}/funds"), &admin, &money("payment", "500,000.01", "沙东村股份经济合作社"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body
            .contains("本次拨付 500,000.01元，超过该项目尚未拨付的 500,000.00元（已安排 500,000.00元，已拨付 0.00元）"),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"500,000.01\"") && r.body.contains("PZ-0401"), "what was typed is kept");
    let r =
        app.post(&format!("/projects/{id}/funds"), &admin, &money("payment", "320,000", "沙东村股份经济合作社")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A reversal needs its reason, and frees the money once.
    let paid = app
        .db
        .project_entries(&Scope::everything(), id)
        .await
        .unwrap()
        .iter()
        .find(|e| e.kind == "payment")
        .unwrap()
        .id;
    let r = app.post(&format!("/projects/{id}/entries/{paid}/reverse"), &admin, &format!("_csrf={ac}&reason=")).await;
    assert!(r.body.contains("冲销须写明原因"), "{}", r.body);
    let why = format!("_csrf={ac}&reason={}", enc("收款账户有误"));
    assert_eq!(
        app.post(&format!("/projects/{id}/entries/{paid}/reverse"), &admin, &why).await.status,
        StatusCode::SEE_OTHER
    );
    let r =
        app.post(&format!("/projects/{id}/funds"), &admin, &money("payment", "320,000", "沙东村股份经济合作社")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "paid again: {}", r.body);
    let page = app.get(&at, &town).await;
    assert!(
        page.body.contains("已安排 <strong>500,000.00元</strong> · 已拨付 <strong>320,000.00元</strong> · 尚未拨付 <strong>180,000.00元</strong>"),
        "{}",
        page.body
    );
    let list = app.get("/projects?year=2026", &town).await;
    assert!(list.body.contains("沙东村香菇种植基地") && list.body.contains("64.0%"), "拨付进度: {}", list.body);
    let funds = app.get("/funds", &admin).await;
    assert!(funds.body.contains("安排到产业发展项目的资金占 <strong>100.0%</strong>"), "{}", funds.body);
    // The households it reaches, both ways: the project lists 王建国's household (no ID number),
    // and the household page lists the project and the money.
    let body = format!("_csrf={tc}&form=benefit&household_no=4117021012010001&kind={}&amount=6400", enc("务工工资"));
    let r = app.post(&format!("/projects/{id}/beneficiaries"), &town, &body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&at, &town).await;
    assert!(page.body.contains("4117021012010001") && page.body.contains("王建国") && page.body.contains("务工工资"));
    let household = app.household_page(app.shahedian_household.0, &town).await;
    assert!(
        household.body.contains("沙东村香菇种植基地") && household.body.contains("6,400.00元"),
        "{}",
        household.body
    );
    let wrong = format!("_csrf={tc}&form=benefit&household_no=4117021042010001&kind={}", enc("就业岗位"));
    let r = app.post(&format!("/projects/{id}/beneficiaries"), &town, &wrong).await;
    assert!(r.body.contains("不在您管辖范围内的台账中") && r.body.contains("value=\"4117021042010001\""), "{}", r.body);
    // The same through the API, in fen, without ID numbers.
    let token = api_token(&app, "shahedian").await;
    let api = app.api("GET", &format!("/api/v1/projects/{id}"), &token, None).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!((v["step"].as_str(), v["targets"].as_array().unwrap().len()), (Some("village_notice"), 3));
    assert_eq!(v["households"][0]["household_no"], "4117021012010001");
    assert!(!api.body.contains(&super::kit::id("19650312", 1)[..14]), "no ID number in the project");
    let paid: i64 = v["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "payment" && e["reversed"] == false)
        .map(|e| e["amount_fen"].as_i64().unwrap())
        .sum();
    assert_eq!(paid, 32_000_000);
    let list = app.api("GET", "/api/v1/projects?year=2026", &token, None).await;
    assert!(list.body.contains("\"paid_fen\":32000000"), "{}", list.body);
    // Another township finds nothing.
    super::admin::insert_user(&app, "yifeng", bangfu_core::auth::Role::TownshipStaff, "411702104000").await;
    let (other, _) = app.sign_in("yifeng").await;
    assert_eq!(app.get(&at, &other).await.status, StatusCode::NOT_FOUND);
    assert!(!app.get("/projects", &other).await.body.contains("沙东村香菇种植基地"));
});
