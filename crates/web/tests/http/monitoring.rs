//! 户类型 and monitoring episodes over HTTP: the district opens and clears, others may not;
//! bad input comes back in Chinese beside its field with what was typed.

use super::*;

both!(the_district_opens_and_clears_an_episode_and_the_household_page_shows_every_one, |app| {
    let (admin, csrf) = app.sign_in("admin").await;
    let h = app.shahedian_household.0;
    let page = app.open_episode_page(h, &admin).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("脱贫不稳定户") && !page.body.contains("边缘易致贫户"), "only types fitting a 脱贫户");
    // Bad input: every problem beside its field, in Chinese, and the typed reason kept.
    let r = app
        .open_episode(
            h,
            &admin,
            &format!(
                "_csrf={csrf}&monitoring_type={}&risks={}&found_by=&identified_on=2099-01-01&reason={}",
                enc("边缘易致贫户"),
                enc("因懒"),
                enc("户主突发疾病住院")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in
        ["“边缘易致贫户”只适用于非脱贫户", "“因懒”不是有效的风险类型", "请选择发现方式", "识别时间不能晚于今天"]
    {
        assert!(r.body.contains(message), "{message}: {}", r.body);
    }
    assert!(r.body.contains("户主突发疾病住院"), "what was typed is still there");
    let open = |on: &str| {
        format!(
            "_csrf={csrf}&monitoring_type={}&risks={}&house_unsafe=&no_medical_insurance={}&found_by={}&identified_on={on}&reason={}",
            enc("突发严重困难户"),
            enc("因病、因意外事故"),
            enc("是"),
            enc("干部排查"),
            enc("户主突发疾病住院")
        )
    };
    let r = app.open_episode(h, &admin, &open("2025-03-01")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.household_page(h, &admin).await;
    assert!(
        page.body.contains("因病、因意外事故")
            && page.body.contains("监测中")
            && page.body.contains("未参加基本医疗保险")
    );
    assert!(page.body.contains(&format!("/households/{h}/monitoring/clear")));
    // A second open episode is refused.
    let r = app.open_episode(h, &admin, &open("2025-04-01")).await;
    assert!(r.body.contains("该户已在监测中"), "{}", r.body);
    // Clearing: not before identification, with a 消除方式.
    let clear = |on: &str, method: &str| {
        format!("_csrf={csrf}&cleared_on={on}&method={}&reason={}", enc(method), enc("医疗费用已报销，务工收入稳定"))
    };
    let r = app.clear_episode(h, &admin, &clear("2025-02-01", "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("风险消除时间早于识别时间") && r.body.contains("请选择消除方式"), "{}", r.body);
    let r = app.clear_episode(h, &admin, &clear("2025-10-01", "帮扶消除")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Identified again: a new episode; the first keeps everything.
    let r = app.open_episode(h, &admin, &open("2026-01-05")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.household_page(h, &admin).await;
    assert!(page.body.contains("2025年10月1日 帮扶消除：医疗费用已报销，务工收入稳定"), "{}", page.body);
    assert!(page.body.contains("监测类型：不监测 → 突发严重困难户"), "dated history entries");
    let all = Scope::everything();
    let episodes = bangfu_core::store::MonitoringStore::episodes(&app.db, &all, app.shahedian_household);
    let episodes = episodes.await.unwrap();
    assert_eq!(episodes.len(), 2);
    assert!(episodes[0].is_open() && !episodes[1].is_open());
    let (log, _) = app
        .db
        .audit_entries(&AuditFilter { username: Some("admin".into()), ..Default::default() }, 20, 0)
        .await
        .unwrap();
    let kinds = log.iter().filter(|e| e.object_type.as_deref() == Some("monitoring_episode")).count();
    assert_eq!(kinds, 3, "two openings and one clearing, each audited");
});

both!(village_and_township_staff_cannot_open_or_clear_an_episode_and_nothing_is_stored, |app| {
    let h = app.shahedian_household.0;
    for role in ["shadong", "shahedian", "auditor"] {
        let (session, csrf) = app.sign_in(role).await;
        for path in [format!("/households/{h}/monitoring/open"), format!("/households/{h}/monitoring/clear")] {
            assert_eq!(app.get(&path, &session).await.status, StatusCode::FORBIDDEN, "{role} GET {path}");
            let r = app.post(&path, &session, &format!("_csrf={csrf}&monitoring_type=hardship")).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} POST {path}");
        }
        let page = app.household_page(h, &session).await;
        assert!(!page.body.contains("/monitoring/open"), "{role} is not offered the action");
        let token = api_token(&app, role).await;
        let body = r#"{"monitoring_type":"hardship","risks":["因病"],"found_by":"干部排查","identified_on":"2025-03-01","reason":"x"}"#;
        let r = app.api_open_episode(h, &token, body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}: {}", r.body);
        let r = app.api_episodes(h, &token).await;
        assert_eq!(r.status, StatusCode::OK, "{role} may read the episodes");
    }
    let all = Scope::everything();
    let episodes = bangfu_core::store::MonitoringStore::episodes(&app.db, &all, app.shahedian_household);
    assert!(episodes.await.unwrap().is_empty());
});

both!(the_api_opens_and_clears_episodes_with_the_same_rules, |app| {
    let token = api_token(&app, "admin").await;
    let h = app.shahedian_household.0;
    let wrong = r#"{"monitoring_type":"edge","risks":["因病"],"found_by":"自主申报","identified_on":"2025-03-01","reason":"收入骤降"}"#;
    let r = app.api_open_episode(h, &token, wrong).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"]["fields"][0]["field"], "monitoring_type");
    let good = wrong.replace("\"edge\"", "\"unstable\"");
    let r = app.api_open_episode(h, &token, &good).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["items"][0]["opened"]["risks"][0], "illness");
    assert_eq!(v["items"][0]["closed"], serde_json::Value::Null);
    let shown = app.api_household(h, &token).await;
    let v: serde_json::Value = serde_json::from_str(&shown.body).unwrap();
    assert_eq!(
        (v["monitoring_type"].as_str(), v["household"]["household_type"].as_str()),
        (Some("unstable"), Some("tuopin"))
    );
    let clear = r#"{"cleared_on":"2025-11-01","method":"自然消除","reason":"外出务工收入稳定"}"#;
    let r = app.api_clear_episode(h, &token, clear).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["items"][0]["closed"]["method"], "natural");
    let r = app.api_clear_episode(h, &token, clear).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "nothing left to clear");
    let list = app.api("GET", "/api/v1/households?household_type=monitored", &token, None).await;
    assert!(list.body.contains("\"total\":0"), "{}", list.body);
});

both!(a_monitored_household_is_registered_without_poverty_fields_and_its_unanswered_flags_show_as_unfilled, |app| {
    let (session, csrf) = app.sign_in("shahedian").await;
    let form = |extra: &str| {
        format!(
            "_csrf={csrf}&household_no=&village_code=411702101202&household_type={}&head_name={}&head_sex={}&head_id_number={}&water_safe={}{extra}",
            enc("监测户（非脱贫户）"),
            enc("孙立新"),
            enc("男"),
            id("19800101", 41),
            enc("否")
        )
    };
    let r = app.register_household(&session, &form(&format!("&status={}", enc("未脱贫")))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("脱贫状态只适用于脱贫户，监测户（非脱贫户）不填写此项"), "{}", r.body);
    let r = app.register_household(&session, &form("")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location.unwrap();
    let page = app.get(&path, &session).await;
    assert!(page.body.contains("监测户（非脱贫户）") && page.body.contains("未填"), "{}", page.body);
    assert!(!page.body.contains("贫困户属性"), "no poverty-era fields on a monitored household");
    let id = HouseholdId(path.rsplit('/').next().unwrap().parse().unwrap());
    let h = app.db.household(&Scope::everything(), id).await.unwrap();
    assert_eq!((h.data.living.water_safe, h.data.living.sanitary_toilet), (Some(false), None));
    assert_eq!(h.data.household_no, "4117021012020001", "a blank 户编号 is the village's next number");
    // The edit form offers no field it would then refuse, and saving it keeps the type.
    let edit = app.household_edit_page(id.0, &session).await;
    assert!(!edit.body.contains("name=\"standard\"") && !edit.body.contains("name=\"exit_year\""));
    let r = app
        .correct_household(
            id.0,
            &session,
            &format!(
                "_csrf={csrf}&household_no=4117021012020001&village_code=411702101202&phone=13611112222&version={}",
                h.version
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let h = app.db.household(&Scope::everything(), id).await.unwrap();
    assert_eq!(h.data.household_type, bangfu_core::household::HouseholdType::Monitored);
    assert_eq!(h.data.living.water_safe, None, "a field left blank on the edit form is unanswered");
    let list = app.get("/households?household_type=monitored", &session).await;
    assert!(list.body.contains("共 1 户") && list.body.contains("孙立新"), "{}", list.body);
});

both!(accepting_a_visits_clearing_proposal_asks_how_the_risk_ended, |app| {
    use bangfu_core::store::{MonitoringStore, VisitStore};
    let all = Scope::everything();
    let h = app.shahedian_household;
    let f: HashMap<&str, &str> = [
        ("monitoring_type", "突发严重困难户"),
        ("risks", "因病"),
        ("found_by", "干部排查"),
        ("identified_on", "2025-03-01"),
        ("reason", "住院"),
    ]
    .into_iter()
    .collect();
    let today = chrono::Local::now().date_naive();
    let e = bangfu_core::monitoring::OpenEpisode::parse(&f, bangfu_core::household::HouseholdType::Tuopin, today);
    let actor = bangfu_core::audit::Actor { user_id: None, username: "t".into(), role: None, ip: None };
    app.db.open_episode(&all, h, &e.unwrap(), &actor).await.unwrap();
    let f: HashMap<&str, &str> = [
        ("visited_on", "2025-12-01"),
        ("visitors", "张队员"),
        ("found", "已出院，务工收入稳定"),
        ("proposal", "clear_risk"),
        ("proposal_reason", "收入稳定超过监测范围半年以上"),
    ]
    .into_iter()
    .collect();
    let v = bangfu_core::assistance::VisitData::parse(&f, today).unwrap();
    let vid = app.db.record_visit(&all, h, &v, &actor).await.unwrap();
    let (town, csrf) = app.sign_in("shahedian").await;
    let form = app.review_page(vid, &town).await;
    assert!(form.body.contains("name=\"method\"") && form.body.contains("自然消除"), "{}", form.body);
    let r = app.review_visit(vid, &town, &format!("_csrf={csrf}&decision=accept")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("采纳风险消除建议须选择消除方式"), "{}", r.body);
    assert!(app.db.episodes(&all, h).await.unwrap()[0].is_open(), "nothing changed");
    let r = app.review_visit(vid, &town, &format!("_csrf={csrf}&decision=accept&method={}", enc("自然消除"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let episodes = app.db.episodes(&all, h).await.unwrap();
    let closed = episodes[0].closed.as_ref().unwrap();
    assert_eq!(closed.method, Some(bangfu_core::monitoring::ClearMethod::Natural));
    assert!(closed.reason.contains("收入稳定超过监测范围半年以上"));
});
