//! 扶贫项目资产 and a project's notices through HTTP as the users do it: a township clerk is
//! refused an asset while the project is at 实施 (the step named), then registers one after
//! 县级验收 — a bad value refused by name with what was typed kept (422) — and sets it 闲置; the
//! register lists it by village with its value in 元; the auditor may read but not write;
//! another township finds nothing. The printed 村内公示 fits one A4 page with its QR code and no
//! ID number; a villager objects on the public page and gets a receipt; the notice is not closed
//! until the village answers; the answer is found again by the receipt.

use super::*;

/// A project at `area`, submitted on 2026-09-28 with every field and target, `steps` of its
/// procedure 办结 from 2026-10-16 on, a day apart.
pub(crate) async fn project_through(db: &Db, area: &str, steps: usize) -> i64 {
    use bangfu_core::procedure::{Action, kinds};
    let all = Scope::everything();
    let f = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    };
    let d = bangfu_core::project::ProjectData::parse(
        &f(&[
            ("name", "沙东村香菇种植基地"),
            ("category", "产业发展"),
            ("area_code", area),
            ("year", "2026"),
            ("nature", "新建"),
            ("start_on", "2026-03-01"),
            ("end_on", "2026-10-31"),
            ("responsible_unit", "沙河店镇人民政府"),
            ("implementing_unit", "沙东村股份经济合作社"),
            ("tasks", "新建香菇大棚20座"),
            ("investment", "1000000"),
            ("beneficiary_households", "60"),
            ("beneficiary_exited", "40"),
            ("beneficiary_monitored", "5"),
            ("benefit_mechanism", "务工工资、大棚租金分红"),
        ]),
        2026,
    )
    .unwrap();
    let id = db.create_project(&all, &d, &actor()).await.unwrap();
    for level in ["产出指标", "效益指标", "满意度指标"] {
        let t =
            bangfu_core::project::Target::parse(&f(&[("level", level), ("indicator", "香菇大棚"), ("value", "20")]))
                .unwrap();
        db.add_target(&all, id, &t, &actor()).await.unwrap();
    }
    db.submit_project(&all, id, 1, chrono::NaiveDate::from_ymd_opt(2026, 9, 28).unwrap(), &actor()).await.unwrap();
    let mut day = chrono::NaiveDate::from_ymd_opt(2026, 10, 16).unwrap();
    for s in kinds::PROJECT.steps.iter().take(steps) {
        let v = db.project(&all, id).await.unwrap().version;
        let approval = (s.code == "county_approval").then_some("驿政〔2026〕15号");
        let done = Action::Complete { note: format!("{}办结", s.name_zh) };
        db.act_on_project(&all, id, v, done, Some(s.actors[0]), day, approval, &actor()).await.unwrap();
        day += chrono::Duration::days(1);
    }
    id
}

fn asset_form(csrf: &str, value: &str) -> String {
    format!(
        "_csrf={csrf}&form=asset&name={}&asset_type={}&category={}&village=411702101201&owner={}&owner_kind={}\
         &value={}&handed_over_on=2026-11-05&keeper={}&keeper_person={}",
        enc("沙东村香菇大棚20座"),
        enc("经营性资产"),
        enc("房屋/大棚"),
        enc("沙东村股份经济合作社"),
        enc("村集体"),
        enc(value),
        enc("沙东村村民委员会"),
        enc("张德明"),
    )
}

both!(assets_are_registered_after_the_county_acceptance_and_listed_by_village_within_the_area, |app| {
    let (town, tc) = app.sign_in("shahedian").await;
    let early = project_through(&app.db, "411702101201", 5).await;
    let r = app.post(&format!("/projects/{early}/assets"), &town, &asset_form(&tc, "600,000")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("项目通过“县级验收”后才能登记资产，该项目目前在“实施”"), "{}", r.body);
    let page = app.get(&format!("/projects/{early}"), &town).await;
    assert!(
        page.body.contains("项目资产") && !page.body.contains("登记资产</button>"),
        "no form before the acceptance"
    );
    let id = project_through(&app.db, "411702101201", 10).await; // at 绩效评价
    // Its 实施地公告: the approval number, the investment, the content, the benefit, the units, 12317.
    let site = app.get(&format!("/projects/{id}/notice?kind=site"), &town).await;
    for want in [
        "项目实施地公告",
        "驿政〔2026〕15号",
        "1,000,000.00元",
        "新建香菇大棚20座",
        "务工工资",
        "沙河店镇人民政府",
        "12317",
    ] {
        assert!(site.body.contains(want), "{want}: {}", site.body);
    }
    let r = app.post(&format!("/projects/{id}/assets"), &town, &asset_form(&tc, "0")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("资产价值应大于0"), "{}", r.body);
    assert!(
        r.body.contains("value=\"沙东村香菇大棚20座\"") && r.body.contains("value=\"张德明\""),
        "what was typed is kept"
    );
    let r = app.post(&format!("/projects/{id}/assets"), &town, &asset_form(&tc, "600,000")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/projects/{id}"), &town).await;
    assert!(page.body.contains("沙东村香菇大棚20座") && page.body.contains("600,000.00元"), "{}", page.body);
    // 闲置 with its reason; the history keeps both.
    let aid = app.db.assets(&Scope::everything(), &Default::default()).await.unwrap()[0].id;
    let idle = format!("_csrf={tc}&form=status{aid}&version=1&status={}&reason={}", enc("闲置"), enc("冬季停产"));
    let r = app.post(&format!("/assets/{aid}/status"), &town, &idle).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let dispose = format!("_csrf={tc}&form=status{aid}&version=2&status={}&on=2026-12-01", enc("处置"));
    let r = app.post(&format!("/assets/{aid}/status"), &town, &dispose).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("资产处置须写明原因"), "{}", r.body);
    assert!(r.body.contains("value=\"2026-12-01\"") && r.body.contains("<details open>"), "what was typed is kept");
    // The register: by village, the value in 元 with thousands separators, the keeper, the status.
    let list = app.get("/assets", &town).await;
    assert_eq!(list.status, StatusCode::OK);
    for want in ["沙东村", "沙东村香菇大棚20座", "经营性资产", "600,000.00元", "张德明", "闲置", "沙东村香菇种植基地"]
    {
        assert!(list.body.contains(want), "{want}: {}", list.body);
    }
    assert!(app.get("/assets?village=411702101201", &town).await.body.contains("沙东村香菇大棚20座"));
    assert_eq!(app.get("/assets?village=411702104201", &town).await.status, StatusCode::NOT_FOUND);
    // The auditor reads the register but may not write; the village worker of 沙东村 may.
    let (audit, ac) = app.sign_in("auditor").await;
    assert!(app.get("/assets", &audit).await.body.contains("沙东村香菇大棚20座"));
    let r = app.post(&format!("/projects/{id}/assets"), &audit, &asset_form(&ac, "1")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Another township finds nothing, and cannot register on the project.
    super::admin::insert_user(&app, "yifeng", bangfu_core::auth::Role::TownshipStaff, "411702104000").await;
    let (other, oc) = app.sign_in("yifeng").await;
    assert!(!app.get("/assets", &other).await.body.contains("沙东村香菇大棚20座"));
    assert_eq!(
        app.post(&format!("/projects/{id}/assets"), &other, &asset_form(&oc, "1")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post(&format!("/assets/{aid}/status"), &other, &idle.replace(&tc, &oc)).await.status,
        StatusCode::NOT_FOUND
    );
    // The API: in fen, scoped.
    let token = api_token(&app, "shahedian").await;
    let api = app.api("GET", "/api/v1/assets", &token, None).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(
        (v["items"][0]["value_fen"].as_i64(), v["items"][0]["status"].as_str()),
        (Some(60_000_000), Some("idle"))
    );
    assert_eq!(v["items"][0]["history"].as_array().unwrap().len(), 2);
    let far = app.api("GET", "/api/v1/assets?village=411702104201", &token, None).await;
    assert_eq!(far.status, StatusCode::NOT_FOUND);
});

both!(a_projects_village_notice_prints_on_one_page_takes_objections_and_waits_for_their_answer, |app| {
    let (town, tc) = app.sign_in("shahedian").await;
    let id = project_through(&app.db, "411702101201", 0).await;
    // A household it reaches: the notice still shows none of it.
    let body = format!("_csrf={tc}&form=benefit&household_no=4117021012010001&kind={}", enc("务工工资"));
    assert_eq!(app.post(&format!("/projects/{id}/beneficiaries"), &town, &body).await.status, StatusCode::SEE_OTHER);
    let print = app.get(&format!("/projects/{id}/notice"), &town).await;
    assert_eq!(print.status, StatusCode::OK, "{}", print.body);
    let token = app.db.project_notice_token(&Scope::everything(), id, &actor()).await.unwrap();
    for want in [
        "项目村内公示",
        "沙东村香菇种植基地",
        "1,000,000.00元",
        "新建香菇大棚20座",
        "务工工资、大棚租金分红",
        "受益60户，其中脱贫户40户、监测户5户",
        "沙河店镇人民政府",
        "沙东村股份经济合作社",
        "公示时间：2026年9月28日至2026年10月15日（10个工作日）",
        "12317",
        "<svg",
    ] {
        assert!(print.body.contains(want), "{want}: {}", print.body);
    }
    assert!(print.body.contains(&format!("/gs/p/{token}")), "the QR code's address");
    assert!(!print.body.contains(&super::kit::id("19650312", 1)[..14]), "no ID number");
    assert!(!print.body.contains("4117021012010001") && !print.body.contains("王建国"), "no household");
    assert!(print.body.contains("@page{size:A4") && print.body.contains("max-height:267mm"), "the print CSS");
    assert_eq!(print.body.matches("class=\"sheet").count(), 1, "one sheet");
    assert!(!print.body.contains("page-break\"") && !print.body.contains("class=\"page-break"), "no second page");
    // The public page, without signing in.
    let public = app.get(&format!("/gs/p/{token}"), "").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("沙东村香菇种植基地") && public.body.contains("提交异议"));
    assert!(!public.body.contains(&super::kit::id("19650312", 1)[..14]) && !public.body.contains("王建国"));
    let r = app.post(&format!("/gs/p/{token}"), "", &format!("name=&phone=1&text={}", enc("大棚占了耕地"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("姓名：请填写您的姓名") && r.body.contains("大棚占了耕地"), "{}", r.body);
    let r = app
        .post(
            &format!("/gs/p/{token}"),
            "",
            &format!("name={}&phone=13912345678&text={}", enc("王大娘"), enc("大棚占了耕地")),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let receipt = r.body.split("class=\"receipt\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    // The project page lists it (phone masked); the notice cannot be closed until it is answered.
    let page = app.get(&format!("/projects/{id}"), &town).await;
    assert!(page.body.contains(&receipt) && page.body.contains("139****5678") && page.body.contains("尚未答复"));
    let v = app.db.project(&Scope::everything(), id).await.unwrap().version;
    let close = format!("_csrf={tc}&version={v}&action=complete&form=complete&note={}", enc("公示期满无异议"));
    let r = app.post(&format!("/projects/{id}/act"), &town, &close).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(&format!("异议（回执 {receipt}）尚未答复，答复后才能办结“村内公示”")), "{}", r.body);
    // The auditor may not answer; the township may, in Chinese, once.
    let oid = app.db.project_objections(&Scope::everything(), id).await.unwrap()[0].id;
    let (audit, ac) = app.sign_in("auditor").await;
    let answer =
        |c: &str| format!("_csrf={c}&form=answer{oid}&upheld=no&answer={}", enc("经核实，选址为荒坡地，不占耕地"));
    let r = app.post(&format!("/projects/{id}/objections/{oid}/answer"), &audit, &answer(&ac)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("“村内公示”的异议由"), "{}", r.body);
    let r = app
        .post(
            &format!("/projects/{id}/objections/{oid}/answer"),
            &town,
            &format!("_csrf={tc}&form=answer{oid}&upheld="),
        )
        .await;
    assert!(r.body.contains("请选择异议是否成立") && r.body.contains("请写明对异议的答复"), "{}", r.body);
    let r = app.post(&format!("/projects/{id}/objections/{oid}/answer"), &town, &answer(&tc)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let status = app.get(&format!("/gs/receipt?no={receipt}"), "").await;
    assert!(status.body.contains("经核实，异议不成立") && status.body.contains("不占耕地"), "{}", status.body);
    let v = app.db.project(&Scope::everything(), id).await.unwrap().version;
    let close = format!("_csrf={tc}&version={v}&action=complete&form=complete&note={}", enc("公示期满，异议已答复"));
    assert_eq!(app.post(&format!("/projects/{id}/act"), &town, &close).await.status, StatusCode::SEE_OTHER);
    // Past the notice the page is closed to objections.
    let public = app.get(&format!("/gs/p/{token}"), "").await;
    assert!(public.body.contains("公示期已结束") && !public.body.contains("提交异议"));
    // Another township finds neither the print nor the objection.
    super::admin::insert_user(&app, "yifeng", bangfu_core::auth::Role::TownshipStaff, "411702104000").await;
    let (other, _) = app.sign_in("yifeng").await;
    assert_eq!(app.get(&format!("/projects/{id}/notice"), &other).await.status, StatusCode::NOT_FOUND);
});
