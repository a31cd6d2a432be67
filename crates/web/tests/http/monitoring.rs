//! 户类型, monitoring episodes and the procedures that open and close them, over HTTP: a lead
//! started by the village, each step by its own role, the notice online with objections from
//! the public page answered by the township, and the episode opened only by the approval. Bad
//! input comes back in Chinese beside its field with what was typed.

use super::*;

fn days(n: i64) -> chrono::NaiveDate {
    chrono::Local::now().date_naive() - chrono::Duration::days(n)
}

both!(a_full_identification_with_a_dismissed_and_an_upheld_objection_opens_the_episode_on_approval, |app| {
    let (village, vc) = app.sign_in("shadong").await;
    let (town, tc) = app.sign_in("shahedian").await;
    let (admin, ac) = app.sign_in("admin").await;
    let h = app.shahedian_household.0;
    let all = Scope::everything();
    let page = app.start_page(h, "identification", &village).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("脱贫不稳定户") && !page.body.contains("边缘易致贫户"), "only types fitting a 脱贫户");
    let r = app
        .start(
            h,
            "identification",
            &village,
            &format!(
                "_csrf={vc}&monitoring_type={}&risks={}&found_by=&reason={}&started_on={}",
                enc("边缘易致贫户"),
                enc("因懒"),
                enc("户主突发疾病住院"),
                days(10)
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["“边缘易致贫户”只适用于非脱贫户", "“因懒”不是有效的风险类型", "请选择发现方式"]
    {
        assert!(r.body.contains(message), "{message}: {}", r.body);
    }
    assert!(r.body.contains("户主突发疾病住院"), "what was typed is still there");
    let r = app
        .start(
            h,
            "identification",
            &village,
            &format!(
                "_csrf={vc}&monitoring_type={}&risks={}&no_medical_insurance={}&found_by={}&reason={}&started_on={}",
                enc("突发严重困难户"),
                enc("因病、因意外事故"),
                enc("是"),
                enc("干部排查"),
                enc("户主突发疾病住院"),
                days(10)
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = App::procedure_id(&r);
    let episodes = |app: &App| {
        let db = app.db.clone();
        let hid = app.shahedian_household;
        async move { bangfu_core::store::MonitoringStore::episodes(&db, &Scope::everything(), hid).await.unwrap() }
    };
    assert!(episodes(&app).await.is_empty(), "starting decides nothing");
    // No home check is 办结 without the signed 承诺授权书; the page says so and links the upload.
    let page = app.get(&format!("/procedures/{id}"), &village).await;
    assert!(page.body.contains("本环节须有：承诺授权书") && page.body.contains("未上传"), "{}", page.body);
    let r = app.complete(id, &village, &vc, days(9)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("须先上传户主（或家庭成员）签字的《承诺授权书》照片"), "{}", r.body);
    let r = app.attach(id, &village, &vc, "nonsense").await;
    assert!(r.body.contains("请选择材料类别"), "{}", r.body);
    let r = app.attach(id, &village, &vc, "consent").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.get(&format!("/procedures/{id}"), &village).await;
    assert!(page.body.contains("承诺授权书.png") && page.body.contains("已上传"), "{}", page.body);
    let file = page.body.split("href=\"/procedure-files/").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let photo = app.get(&format!("/procedure-files/{file}"), &town).await;
    assert_eq!(photo.status, StatusCode::OK, "the township sees the paper");
    assert!(photo.body.ends_with(&String::from_utf8_lossy(&PNG[1..]).into_owned()), "the PNG as uploaded");
    super::admin::insert_user(&app, "yifeng", bangfu_core::auth::Role::TownshipStaff, "411702104000").await;
    let (other, _) = app.sign_in("yifeng").await;
    assert_eq!(app.get(&format!("/procedure-files/{file}"), &other).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.complete(id, &village, &vc, days(9)).await.status, StatusCode::SEE_OTHER, "入户核实");
    let r = app.complete(id, &village, &vc, days(8)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("“信息比对”由区级管理员办理"), "{}", r.body);
    assert_eq!(app.complete(id, &admin, &ac, days(8)).await.status, StatusCode::SEE_OTHER, "信息比对");
    // The appraisal records its meeting: a blank vote is refused, what was typed kept.
    let r = app
        .act(
            id,
            &village,
            &vc,
            &format!("action=complete&note={}&meeting_place={}&attendees=12", enc("评议"), enc("村委会")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写赞成票数") && r.body.contains("value=\"村委会\""), "{}", r.body);
    assert_eq!(app.complete(id, &village, &vc, days(7)).await.status, StatusCode::SEE_OTHER, "村级民主评议");
    let page = app.get(&format!("/procedures/{id}"), &town).await;
    assert!(page.body.contains("参会 12 人，赞成 11 票、反对 1 票、弃权 0 票"), "on the timeline: {}", page.body);
    assert!(page.body.contains("比对无疑点"), "{}", page.body);
    // The notice online: no account needed, nothing beyond the notice itself.
    let token = app.db.procedure(&all, id).await.unwrap().notice_token.unwrap();
    let public = app.get(&format!("/gs/{token}"), "").await;
    assert_eq!(public.status, StatusCode::OK, "{}", public.body);
    assert!(public.body.contains("拟纳入防止返贫致贫监测对象（突发严重困难户）"), "{}", public.body);
    let head = app.db.household(&all, app.shahedian_household).await.unwrap().head_name.unwrap();
    assert!(public.body.contains(&head));
    assert!(
        !public.body.contains("因病") && !public.body.contains("4117"),
        "no health details, no ID or household numbers"
    );
    let print = app.get(&format!("/procedures/{id}/notice"), &town).await;
    assert!(
        print.body.contains("<svg") && print.body.contains(&format!("/gs/{token}")) && print.body.contains("12317")
    );
    let object = |text: &str| format!("name={}&phone=13912345678&text={}", enc("王大娘"), enc(text));
    let r = app.post(&format!("/gs/{token}"), "", &format!("name=&phone=1&text={}", enc("他家有车"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("请填写您的姓名") && r.body.contains("请填写能联系到您的电话") && r.body.contains("他家有车")
    );
    let r = app.post(&format!("/gs/{token}"), "", &object("他家儿子在城里有房")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let first = r.body.split("class=\"receipt\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    // The notice cannot close with an objection unanswered, nor before five days.
    let r = app.complete(id, &village, &vc, days(0)).await;
    assert!(r.body.contains(&format!("异议（回执 {first}）尚未答复")), "{}", r.body);
    let pending = app.get("/procedures?mine=1", &town).await;
    assert!(pending.body.contains(&format!("/procedures/{id}")), "on the township's pending list");
    let answer = |receipt: &str, upheld: u8, text: &str| {
        format!("action=answer&receipt={receipt}&upheld={upheld}&answer={}", enc(text))
    };
    let r = app.act(id, &town, &tc, &answer(&first, 0, "经核实，该房为其子女婚后自购，与本户无关")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let status = app.get(&format!("/gs/receipt?no={first}"), "").await;
    assert!(status.body.contains("经核实，异议不成立") && status.body.contains("与本户无关"), "{}", status.body);
    let unknown = app.get("/gs/receipt?no=20261203-XXXXXXXX", "").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.body.contains("没有找到这个回执编号"));
    assert_eq!(app.get("/gs/NOSUCHNOTICE", "").await.status, StatusCode::NOT_FOUND, "a made-up notice");
    let r = app.post(&format!("/gs/{token}"), "", &object("评议会没有通知我们组")).await;
    let second = r.body.split("class=\"receipt\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let r = app.act(id, &town, &tc, &answer(&second, 1, "属实，重新召开评议会")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = app.db.procedure(&all, id).await.unwrap();
    assert_eq!(p.procedure.current().unwrap().name_zh, "村级民主评议", "an upheld objection sends it back");
    let status = app.get(&format!("/gs/receipt?no={second}"), "").await;
    assert!(status.body.contains("异议成立"), "{}", status.body);
    assert_eq!(app.complete(id, &village, &vc, days(0)).await.status, StatusCode::SEE_OTHER, "评议 again");
    // Six days later (the notice began again today).
    let later = days(-6);
    let now = chrono::Datelike::year(&later);
    let app = app.with_clock(bangfu_core::clock::Clock::fixed_beijing(
        now,
        chrono::Datelike::month(&later),
        chrono::Datelike::day(&later),
        10,
        0,
    ));
    let (village, vc) = app.sign_in("shadong").await;
    let (town, tc) = app.sign_in("shahedian").await;
    let (admin, ac) = app.sign_in("admin").await;
    let r = app.complete(id, &village, &vc, days(-2)).await;
    assert!(r.body.contains("公示不少于5天"), "{}", r.body);
    assert_eq!(app.complete(id, &village, &vc, later).await.status, StatusCode::SEE_OTHER, "公示 ends");
    let closed = app.post(&format!("/gs/{token}"), "", &object("晚了")).await;
    assert!(closed.body.contains("公示期已结束"), "{}", closed.body);
    // Review: a send-back needs a reason; then approve, approve, announce.
    let r = app.act(id, &town, &tc, "action=send_back&to=appraisal&reason=").await;
    assert!(r.body.contains("退回须写明原因"), "{}", r.body);
    assert_eq!(app.complete(id, &town, &tc, later).await.status, StatusCode::SEE_OTHER, "乡镇审核");
    assert!(episodes(&app).await.is_empty(), "not before the county approves");
    assert_eq!(app.complete(id, &admin, &ac, later).await.status, StatusCode::SEE_OTHER, "县级审批");
    assert_eq!(app.complete(id, &town, &tc, later).await.status, StatusCode::SEE_OTHER, "公告");
    let e = episodes(&app).await;
    assert_eq!(e.len(), 1);
    assert!(e[0].is_open());
    assert_eq!(e[0].opened.identified_on, later, "identified on the county's approval");
    assert_eq!(e[0].opened.monitoring_type, bangfu_core::household::MonitoringType::Hardship);
    let page = app.get(&format!("/procedures/{id}"), &admin).await;
    assert!(
        page.body.contains("已批准") && page.body.contains(&first) && page.body.contains("异议成立"),
        "{}",
        page.body
    );
    let household = app.household_page(h, &village).await;
    assert!(
        household.body.contains("监测中") && household.body.contains(&format!("/procedures/{id}")),
        "{}",
        household.body
    );
    // A second identification is refused while the household is monitored.
    let again = app
        .start(
            h,
            "identification",
            &village,
            &format!(
                "_csrf={vc}&monitoring_type={}&risks={}&found_by={}&reason=x",
                enc("突发严重困难户"),
                enc("因病"),
                enc("干部排查")
            ),
        )
        .await;
    assert!(again.body.contains("该户已在监测中"), "{}", again.body);
});

both!(only_a_procedure_opens_an_episode_the_old_buttons_and_api_start_one_or_say_where, |app| {
    let h = app.shahedian_household.0;
    let (admin, _) = app.sign_in("admin").await;
    let r = app.get(&format!("/households/{h}/monitoring/open"), &admin).await;
    assert_eq!(r.location.as_deref(), Some(format!("/households/{h}/procedures/new?kind=identification").as_str()));
    for role in ["admin", "shadong", "auditor"] {
        let token = api_token(&app, role).await;
        let body = r#"{"monitoring_type":"hardship","risks":["因病"],"found_by":"干部排查","identified_on":"2025-03-01","reason":"x"}"#;
        let r = app.api_open_episode(h, &token, body).await;
        if role == "auditor" {
            assert_eq!(r.status, StatusCode::FORBIDDEN, "a reader starts nothing: {}", r.body);
        } else {
            assert_eq!(r.status, StatusCode::CONFLICT, "{role}: {}", r.body);
            assert!(r.body.contains("by_procedure") && r.body.contains("/procedures"), "{}", r.body);
        }
        assert_eq!(app.api_episodes(h, &token).await.status, StatusCode::OK, "{role} may read the episodes");
    }
    let (auditor, csrf) = app.sign_in("auditor").await;
    assert_eq!(app.start_page(h, "identification", &auditor).await.status, StatusCode::FORBIDDEN);
    let r = app.start(h, "identification", &auditor, &format!("_csrf={csrf}&monitoring_type=hardship")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let all = Scope::everything();
    let episodes = bangfu_core::store::MonitoringStore::episodes(&app.db, &all, app.shahedian_household);
    assert!(episodes.await.unwrap().is_empty());
});

both!(the_api_starts_and_acts_on_procedures_with_the_same_rules, |app| {
    let village = api_token(&app, "shadong").await;
    let admin = api_token(&app, "admin").await;
    let h = app.shahedian_household.0;
    let wrong = format!(
        r#"{{"kind":"identification","monitoring_type":"edge","risks":["因病"],"found_by":"自主申报","reason":"收入骤降","started_on":"{}"}}"#,
        days(10)
    );
    let r = app.api("POST", &format!("/api/v1/households/{h}/procedures"), &village, Some(&wrong)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"]["fields"][0]["field"], "monitoring_type");
    let good = wrong.replace("\"edge\"", "\"unstable\"");
    let r = app.api("POST", &format!("/api/v1/households/{h}/procedures"), &village, Some(&good)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(
        (v["step"].as_str(), v["decision"].as_str()),
        (Some("visit"), Some("拟纳入防止返贫致贫监测对象（脱贫不稳定户）"))
    );
    let id = v["id"].as_i64().unwrap();
    let act = |version: i64, on: chrono::NaiveDate| {
        format!(r#"{{"version":{version},"action":"complete","note":"已核实","on":"{on}","hits":0}}"#)
    };
    let r = app.api("POST", &format!("/api/v1/procedures/{id}/act"), &village, Some(&act(1, days(9)))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "no 承诺授权书 yet: {}", r.body);
    assert!(r.body.contains("承诺授权书"), "{}", r.body);
    let r = app.api_attach(id, &village, "consent").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let r = app.api("POST", &format!("/api/v1/procedures/{id}/act"), &village, Some(&act(1, days(9)))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = app.api("POST", &format!("/api/v1/procedures/{id}/act"), &admin, Some(&act(1, days(8)))).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "a stale version is refused: {}", r.body);
    let r = app.api("POST", &format!("/api/v1/procedures/{id}/act"), &village, Some(&act(2, days(8)))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "not the village's step: {}", r.body);
    let r = app.api("POST", &format!("/api/v1/procedures/{id}/act"), &admin, Some(&act(2, days(8)))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = app.api("GET", "/api/v1/procedures?mine=true", &village, None).await;
    let v: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    assert_eq!(v["items"][0]["id"].as_i64(), Some(id), "民主评议 is the village's: {}", list.body);
    let one = app.api("GET", &format!("/api/v1/procedures/{id}"), &village, None).await;
    let v: serde_json::Value = serde_json::from_str(&one.body).unwrap();
    assert_eq!(v["events"].as_array().unwrap().len(), 2);
    assert_eq!(v["step"], "appraisal");
    assert_eq!(v["events"][1]["record"]["hits"], "0", "the cross-check's record: {}", one.body);
    assert_eq!(v["attachments"][0]["kind"], "consent");
    let url = v["attachments"][0]["url"].as_str().unwrap().replace("/procedure-files/", "/api/v1/procedure-files/");
    let file = app.api("GET", &url, &village, None).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.body.contains("IHDR"), "the PNG back");
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

both!(accepting_a_visits_clearing_proposal_starts_a_risk_clearing_that_closes_the_episode_on_approval, |app| {
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
    app.db.backfill_episode(&all, h, &e.unwrap(), &actor).await.unwrap();
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
    let r = app.review_visit(vid, &town, &format!("_csrf={csrf}&decision=accept&method={}", enc("自然消除"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(app.db.episodes(&all, h).await.unwrap()[0].is_open(), "accepting starts the procedure, decides nothing");
    let (rows, _) = app
        .db
        .procedures(&all, &bangfu_db::procedures::ProcedureFilter { limit: 10, ..Default::default() })
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].def.code, "risk_clearing");
    let r = app.db.procedure(&all, rows[0].id).await.unwrap();
    assert_eq!(r.proposal.get("method"), Some("natural"));
    assert!(r.proposal.get("reason").unwrap().contains("收入稳定超过监测范围半年以上"));
    // Every reviewer sees the conditions with their figures; 入户核实 answers the ones it checks.
    let page = app.get(&format!("/procedures/{}", r.id), &town).await;
    assert!(page.body.contains("风险消除的条件") && page.body.contains("刚性支出问题已解决"), "{}", page.body);
    assert!(page.body.contains("name=\"rigid_expense_resolved\""), "the home check's own fields on its form");
    let (village, vc) = app.sign_in("shadong").await;
    let done =
        app.act(r.id, &village, &vc, &format!("action=complete&note=x&rigid_expense_resolved={}", enc("是"))).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let r = app.db.procedure(&all, r.id).await.unwrap();
    assert_eq!(r.proposal.get("rigid_expense_resolved"), Some("是"));
    assert_eq!(r.proposal.get("water_unsafe"), None, "a blank stays 未填");
});

both!(an_overdue_step_is_on_the_worklist_of_the_role_that_must_act_with_its_working_days, |app| {
    let (village, vc) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    // Logged 30 days ago and never visited: 入户核实 (5 working days) is long overdue.
    let r = app
        .start(
            h,
            "identification",
            &village,
            &format!(
                "_csrf={vc}&monitoring_type={}&risks={}&found_by={}&reason={}&started_on={}",
                enc("突发严重困难户"),
                enc("因病"),
                enc("自主申报"),
                enc("申请人称收入骤降"),
                days(30)
            ),
        )
        .await;
    let id = App::procedure_id(&r);
    let all = Scope::everything();
    let calendar = app.db.work_calendar().await.unwrap();
    let late = app.db.procedure(&all, id).await.unwrap().procedure.days_overdue(&calendar, days(0));
    assert!(late > 10, "{late}");
    let list = app.get("/worklist", &village).await;
    assert!(list.body.contains(&format!("/procedures/{id}")), "{}", list.body);
    assert!(list.body.contains(&format!("已超期 {late} 个工作日")), "{}", list.body);
    let (admin, _) = app.sign_in("admin").await;
    let theirs = app.get("/worklist", &admin).await;
    assert!(!theirs.body.contains(&format!("/procedures/{id}")), "入户核实 is not the district's step");
});

both!(a_self_report_from_the_public_page_reaches_its_village_staff_and_its_answer_the_reporter, |app| {
    let report = |name: &str, idn: &str, village: &str, risk: &str| {
        format!(
            "head_name={}&phone=13912345678&id_number={idn}&village_code={village}&risk={}&difficulty={}",
            enc(name),
            enc(risk),
            enc("老伴住院，花了三万多")
        )
    };
    let form = app.get("/apply", "").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("411702101201") && form.body.contains("沙河店镇"), "villages to choose from");
    let bad = app.post("/apply", "", &report("", "41170219650312001X", "", "因懒")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for m in ["户主姓名：请填写户主姓名", "身份证号码：身份证号码有误", "所在村：请选择所在的村", "困难类型："]
    {
        assert!(bad.body.contains(m), "{m}: {}", bad.body);
    }
    assert!(bad.body.contains("老伴住院，花了三万多"), "what was typed is kept");
    let receipt_of =
        |body: &str| body.split("class=\"receipt\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    let ok = app.post("/apply", "", &report("王建国", &id("19650312", 1), "411702101201", "因病")).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let mine = receipt_of(&ok.body);
    let theirs = app.post("/apply", "", &report("赵铁柱", &id("19700101", 3), "411702104201", "因病")).await;
    let theirs = receipt_of(&theirs.body);
    // The township sees its own village's report, masked, with the household it names.
    let (town, tc) = app.sign_in("shahedian").await;
    let list = app.get("/self-reports", &town).await;
    assert!(list.body.contains(&mine) && !list.body.contains(&theirs), "{}", list.body);
    assert!(!list.body.contains(&id("19650312", 1)) && !list.body.contains("13912345678"), "masked");
    let h = app.shahedian_household.0;
    let all = Scope::everything();
    let reports = app.db.self_reports(&all).await.unwrap();
    let (r_mine, r_theirs) = (
        reports.iter().find(|r| r.receipt == mine).unwrap().id,
        reports.iter().find(|r| r.receipt == theirs).unwrap().id,
    );
    assert!(
        list.body.contains(&format!("report={r_mine}"))
            && list.body.contains(&format!("/households/{h}/procedures/new"))
    );
    let r = app.post(&format!("/self-reports/{r_theirs}/dismiss"), &town, &format!("_csrf={tc}&reason=x")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "another township's report");
    // Started from the report: the form carries what the household said; the report follows.
    let start = app.get(&format!("/households/{h}/procedures/new?kind=identification&report={r_mine}"), &town).await;
    assert!(start.body.contains(&format!("自主申报（回执 {mine}）")), "{}", start.body);
    let r = app
        .post(
            &format!("/households/{h}/procedures/new?kind=identification&report={r_mine}"),
            &town,
            &format!(
                "_csrf={tc}&monitoring_type={}&risks={}&found_by={}&reason={}",
                enc("突发严重困难户"),
                enc("因病"),
                enc("自主申报"),
                enc("自主申报：老伴住院")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let status = app.get(&format!("/apply/receipt?no={mine}"), "").await;
    assert!(status.body.contains("已发起纳入监测程序"), "{}", status.body);
    let (admin, ac) = app.sign_in("admin").await;
    let r = app.post(&format!("/self-reports/{r_theirs}/dismiss"), &admin, &format!("_csrf={ac}&reason=")).await;
    assert!(r.body.contains("请写明不需纳入的理由"), "{}", r.body);
    let why = "经入户核实，已由医保报销，家庭收入稳定";
    let r = app
        .post(&format!("/self-reports/{r_theirs}/dismiss"), &admin, &format!("_csrf={ac}&reason={}", enc(why)))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let status = app.get(&format!("/apply/receipt?no={theirs}"), "").await;
    assert!(status.body.contains("暂不需纳入监测") && status.body.contains(why), "{}", status.body);
    // Three submissions a minute from one source, then 429 with a Chinese message.
    let app = app.with_clock(bangfu_core::clock::Clock::fixed_beijing(2026, 12, 3, 10, 0));
    for _ in 0..3 {
        assert_eq!(app.post("/apply", "", "head_name=").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = app.post("/apply", "", "head_name=").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("操作太频繁"));
});

both!(the_district_sets_the_notice_days_and_the_public_address_and_a_township_may_not, |app| {
    let (town, tc) = app.sign_in("shahedian").await;
    assert_eq!(app.get("/settings/procedures", &town).await.status, StatusCode::FORBIDDEN);
    let r = app.post("/settings/procedures", &town, &format!("_csrf={tc}&notice_days=7")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (admin, ac) = app.sign_in("admin").await;
    let bad =
        app.post("/settings/procedures", &admin, &format!("_csrf={ac}&notice_days=3&public_url=bangfu.gov")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("公示天数应为5到30之间的整数（公示不少于5天）") && bad.body.contains("网址应以 https://")
    );
    assert!(bad.body.contains("bangfu.gov"), "what was typed is kept");
    let url = enc("https://bangfu.example.gov.cn");
    let ok = app
        .post(
            "/settings/procedures",
            &admin,
            &format!("_csrf={ac}&notice_days=7&public_url={url}&notice_contact={}", enc("沙东村委会 0396-1234567")),
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(app.db.deadlines().await.unwrap().notice_days, Some(7));
    // The printed notice now points to the public address and names the contact.
    let (village, vc) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    let r = app
        .start(
            h,
            "identification",
            &village,
            &format!(
                "_csrf={vc}&monitoring_type={}&risks={}&found_by={}&reason=x",
                enc("突发严重困难户"),
                enc("因病"),
                enc("干部排查")
            ),
        )
        .await;
    let id = App::procedure_id(&r);
    app.attach(id, &village, &vc, "consent").await;
    app.complete(id, &village, &vc, days(0)).await;
    app.complete(id, &admin, &ac, days(0)).await;
    app.complete(id, &village, &vc, days(0)).await;
    let print = app.get(&format!("/procedures/{id}/notice"), &village).await;
    assert!(
        print.body.contains("https://bangfu.example.gov.cn/gs/") && print.body.contains("沙东村委会 0396-1234567"),
        "{}",
        print.body
    );
    let page = app.get(&format!("/procedures/{id}"), &village).await;
    assert!(page.body.contains("公示不少于7天"), "the longer notice shown");
});

both!(a_household_monitored_for_over_15_days_without_a_plan_says_so_on_its_page, |app| {
    let h = app.shahedian_household;
    let on = days(30).to_string();
    let f: HashMap<&str, &str> = [
        ("monitoring_type", "突发严重困难户"),
        ("risks", "因病"),
        ("found_by", "干部排查"),
        ("identified_on", on.as_str()),
        ("reason", "住院"),
    ]
    .into_iter()
    .collect();
    let e = bangfu_core::monitoring::OpenEpisode::parse(&f, bangfu_core::household::HouseholdType::Tuopin, days(0))
        .unwrap();
    let actor = bangfu_core::audit::Actor { user_id: None, username: "t".into(), role: None, ip: None };
    app.db.backfill_episode(&Scope::everything(), h, &e, &actor).await.unwrap();
    let (village, _) = app.sign_in("shadong").await;
    let page = app.household_page(h.0, &village).await;
    let due = days(15);
    assert!(
        page.body.contains(&format!("纳入监测（{on}）已超过15天，尚无本年度帮扶计划（应于{due}前制定）")),
        "{}",
        page.body
    );
    // And on the worklist of whoever must write it, with the days overdue.
    let list = app.get("/worklist?reason=plan_overdue", &village).await;
    assert!(list.body.contains("纳入监测超15天无计划"), "{}", list.body);
    assert!(list.body.contains(&format!("/households/{}", h.0)) && list.body.contains("已超期15天"), "{}", list.body);
});
