//! 户主变更, 分户, 合户 and 注销 over HTTP and the API: the head's 减员 asks for a new head, each
//! event is one form naming every member, a stale form is refused with what was typed kept, and
//! another area's household answers 404.

use super::*;

/// 王建国's household gets his wife 李秀英 and their son 王小明.
async fn family(app: &App) -> (i64, MemberId, MemberId, MemberId) {
    let all = Scope::everything();
    let h = app.shahedian_household;
    let today = chrono::Local::now().date_naive();
    for (name, sex, idn, relation) in
        [("李秀英", "女", id("19680705", 2), "配偶"), ("王小明", "男", id("19900101", 5), "之子")]
    {
        let m = MemberData::parse(
            &fields(&[("name", name), ("sex", sex), ("id_number", &idn), ("relation", relation)]),
            today,
        )
        .unwrap();
        app.db.add_member(&all, h, &joins(&m), &actor()).await.unwrap();
    }
    let members = app.db.members(&all, h).await.unwrap();
    let by = |n: &str| members.iter().find(|m| m.data.name == n).unwrap().id;
    (h.0, by("王建国"), by("李秀英"), by("王小明"))
}

both!(the_heads_leaving_asks_for_a_new_head_and_the_change_is_saved_whole, |app| {
    let (admin, csrf) = app.sign_in("shahedian").await;
    let (h, head, wife, son) = family(&app).await;
    // 减员 on the head goes to 户主变更, with the head leaving.
    let r = app.leave_page(h, head.0, &admin).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location.as_deref(), Some(format!("/households/{h}/head?leaving=1").as_str()));
    let page = app.get(&format!("/households/{h}/head?leaving=1"), &admin).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("王建国减员（死亡、婚出、迁出等）"), "{}", page.body);
    // The wife is suggested as the new head, the son's relation to her suggested as 之子.
    assert!(page.body.contains(&format!("<option value=\"{}\" selected>李秀英</option>", wife.0)), "{}", page.body);
    assert!(page.body.contains(&format!("name=\"relation.{}\"", son.0)));
    let version = app.db.household(&Scope::everything(), HouseholdId(h)).await.unwrap().version;
    let form = |reason: &str, version: i64| {
        format!(
            "_csrf={csrf}&version={version}&new_head={}&outgoing=leaves&left_reason={}&relation.{}={}&effective_on=2026-11-01&reason={}",
            wife.0,
            enc("死亡"),
            son.0,
            enc("之子"),
            enc(reason)
        )
    };
    // Without a reason nothing is saved, and what was typed stays.
    let r = app.change_head(h, &admin, &form("", version)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请填写户主变更原因"), "{}", r.body);
    assert!(r.body.contains("value=\"死亡\""), "the typed reason for leaving is kept");
    let r = app.change_head(h, &admin, &form("原户主去世", version)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.household_page(h, &admin).await;
    assert!(page.body.contains("李秀英户"), "{}", page.body);
    assert!(page.body.contains("户主变更：王建国 → 李秀英"));
    assert!(page.body.contains("死亡（户主变更）"), "the old head is listed as left");
    // The same form again was read before that change: 409, nothing saved, the input kept.
    let r = app.change_head(h, &admin, &form("原户主去世", version)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("原户主去世"));
});

both!(a_split_needs_a_head_for_the_new_household_and_opens_it, |app| {
    let (clerk, csrf) = app.sign_in("shahedian").await;
    let (h, _, _, son) = family(&app).await;
    let page = app.household_page(h, &clerk).await;
    assert!(page.body.contains(&format!("/households/{h}/split")), "the household page offers 分户");
    let version = app.db.household(&Scope::everything(), HouseholdId(h)).await.unwrap().version;
    let r = app
        .split_household(
            h,
            &clerk,
            &format!(
                "_csrf={csrf}&version={version}&move.{0}=1&relation.{0}={1}&effective_on=2026-10-01&reason={2}",
                son.0,
                enc("之子"),
                enc("成家另立户")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("该户没有户主"), "{}", r.body);
    let r = app
        .split_household(
            h,
            &clerk,
            &format!(
                "_csrf={csrf}&version={version}&move.{0}=1&relation.{0}={1}&effective_on=2026-10-01&reason={2}",
                son.0,
                enc("户主"),
                enc("成家另立户")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let new = r.location.unwrap();
    let page = app.get(&new, &clerk).await;
    assert!(page.body.contains("王小明户") && page.body.contains("4117021012010002"), "{}", page.body);
    assert!(page.body.contains("分户：自 4117021012010001 分出，新立户"));
});

both!(a_deregistered_household_leaves_the_list_keeps_its_page_and_takes_no_more_changes, |app| {
    let (clerk, csrf) = app.sign_in("shahedian").await;
    let h = app.shahedian_household.0;
    // The only member cannot leave: 减员 goes to 注销.
    let head = app.db.members(&Scope::everything(), HouseholdId(h)).await.unwrap()[0].id;
    let r = app.leave_page(h, head.0, &clerk).await;
    assert_eq!(r.location.as_deref(), Some(format!("/households/{h}/deregister").as_str()));
    let version = app.db.household(&Scope::everything(), HouseholdId(h)).await.unwrap().version;
    let r = app
        .deregister_household(
            h,
            &clerk,
            &format!("_csrf={csrf}&version={version}&deregister_reason=&effective_on=2026-11-15"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择注销原因"));
    let r = app
        .deregister_household(
            h,
            &clerk,
            &format!("_csrf={csrf}&version={version}&deregister_reason={}&effective_on=2026-11-15", enc("自然消亡")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.household_page(h, &clerk).await;
    assert!(page.body.contains("该户已于2026年11月15日注销（自然消亡）"), "{}", page.body);
    assert!(!page.body.contains(&format!("/households/{h}/edit")), "no more edits");
    let list = app.get("/households", &clerk).await;
    assert!(!list.body.contains("4117021012010001"), "not on the list");
    let found = app.get("/households?q=4117021012010001", &clerk).await;
    assert!(found.body.contains(&format!("/households/{h}")), "found by its number");
    assert_eq!(app.split_page(h, &clerk).await.status, StatusCode::NOT_FOUND);
});

both!(the_api_merges_households_inside_the_callers_area_only, |app| {
    let token = api_token(&app, "shahedian").await;
    let all = Scope::everything();
    let today = chrono::Local::now().date_naive();
    // 王建国 and 李秀英's son has a household of his own in the same village.
    let son = household(&app.db, "4117021012010002", "411702101201", "王小明", &id("19900101", 5)).await;
    let wife = MemberData::parse(
        &fields(&[("name", "李秀英"), ("sex", "女"), ("id_number", &id("19680705", 2)), ("relation", "配偶")]),
        today,
    )
    .unwrap();
    app.db.add_member(&all, app.shahedian_household, &joins(&wife), &actor()).await.unwrap();
    let parents = app.db.members(&all, app.shahedian_household).await.unwrap();
    let version = app.db.household(&all, son).await.unwrap().version;
    let body = |no: &str| {
        serde_json::json!({
            "version": version,
            "from_household_no": no,
            "relations": { parents[0].id.0.to_string(): "父母", parents[1].id.0.to_string(): "父母" },
            "effective_on": "2026-09-01",
            "reason": "老人随子女合户",
        })
        .to_string()
    };
    // Another township's household is not there to merge, exactly like a missing one.
    let r = app.api_merge_household(son.0, &token, &body("4117021042010001")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("在您的管辖范围内没有户编号为“4117021042010001”的在册农户"), "{}", r.body);
    let r = app.api_merge_household(son.0, &token, &body("4117021012010001")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["size"], 3);
    let gone = app.api_household(app.shahedian_household.0, &token).await;
    let g: serde_json::Value = serde_json::from_str(&gone.body).unwrap();
    assert_eq!(
        (g["deregistered_on"].as_str(), g["deregistered_reason"].as_str()),
        (Some("2026-09-01"), Some("merged"))
    );
    // Another township's household answers 404 on every event route.
    for route in ["head", "split", "merge", "deregister"] {
        let r = app
            .api("POST", &format!("/api/v1/households/{}/{route}", app.yifeng_household.0), &token, Some("{}"))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{route}");
    }
});

both!(the_merge_page_looks_the_other_household_up_in_the_users_area_then_merges_it, |app| {
    let (clerk, csrf) = app.sign_in("shahedian").await;
    let all = Scope::everything();
    let son = household(&app.db, "4117021012010002", "411702101201", "王小明", &id("19900101", 5)).await;
    let version = app.db.household(&all, son).await.unwrap().version;
    // Another township's household is not found, exactly like a number that does not exist.
    let r = app
        .merge_household(
            son.0,
            &clerk,
            &format!("_csrf={csrf}&version={version}&step=refresh&from_household_no=4117021042010001"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("在您的管辖范围内没有户编号为“4117021042010001”的在册农户"), "{}", r.body);
    // Looked up: its members are listed to choose their relation to this head.
    let r = app
        .merge_household(
            son.0,
            &clerk,
            &format!("_csrf={csrf}&version={version}&step=refresh&from_household_no=4117021012010001"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let father = app.db.members(&all, app.shahedian_household).await.unwrap()[0].id;
    assert!(r.body.contains(&format!("name=\"relation.{}\"", father.0)) && r.body.contains("王建国"), "{}", r.body);
    // Without the relation nothing is saved, and the number typed stays.
    let r = app
        .merge_household(
            son.0,
            &clerk,
            &format!(
                "_csrf={csrf}&version={version}&from_household_no=4117021012010001&effective_on=2026-09-01&reason={}",
                enc("老人随子女合户")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择王建国与户主王小明的关系") && r.body.contains("4117021012010001"), "{}", r.body);
    let r = app
        .merge_household(
            son.0,
            &clerk,
            &format!(
                "_csrf={csrf}&version={version}&from_household_no=4117021012010001&relation.{}={}&effective_on=2026-09-01&reason={}",
                father.0,
                enc("父母"),
                enc("老人随子女合户")
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.db.household(&all, son).await.unwrap().size, 2);
    let page = app.household_page(app.shahedian_household.0, &clerk).await;
    assert!(page.body.contains("合户：并入 4117021012010002，本户注销"), "{}", page.body);
});
