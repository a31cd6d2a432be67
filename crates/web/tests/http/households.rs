//! The household list and page, 登记 and 更正 of a household, within the user's area.

use super::*;

both!(the_district_admin_sees_every_township_and_both_households, |app| {
    let (session, _) = app.sign_in("admin").await;
    let home = app.get("/", &session).await;
    assert!(home.body.contains("驿城区 农户概况"));
    for t in ["沙河店镇", "蚁蜂镇", "胡庙乡", "人民街街道"] {
        assert!(home.body.contains(t), "{t}");
    }
    let list = app.get("/households", &session).await;
    assert!(list.body.contains("共 2 户") && list.body.contains("王建国") && list.body.contains("赵铁柱"));
});

both!(a_township_user_cannot_see_or_reach_another_townships_household, |app| {
    let (session, _) = app.sign_in("shahedian").await;
    let home = app.get("/", &session).await;
    assert!(home.body.contains("沙河店镇 农户概况"));
    assert!(!home.body.contains("蚁蜂镇"));
    let list = app.get("/households", &session).await;
    assert!(list.body.contains("共 1 户") && list.body.contains("王建国") && !list.body.contains("赵铁柱"));
    let search = app.get("/households?q=ztz", &session).await;
    assert!(search.body.contains("共 0 户"));
    let theirs = app.household_page(app.yifeng_household.0, &session).await;
    let missing = app.household_page(999999, &session).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(
        (theirs.status, theirs.body),
        (missing.status, missing.body),
        "outside the area looks exactly like missing"
    );
    assert_eq!(app.household_page(app.shahedian_household.0, &session).await.status, StatusCode::OK);
});

both!(the_household_page_masks_id_numbers, |app| {
    let (session, _) = app.sign_in("admin").await;
    let page = app.household_page(app.shahedian_household.0, &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("王建国户"));
    assert!(!page.body.contains(&app.full_id), "no full ID number on the page");
    assert!(page.body.contains(&format!("{}**********{}", &app.full_id[..4], &app.full_id[14..])));
    assert!(page.body.contains("tag red"), "a poor household is shown red");
});

both!(households_are_found_by_pinyin_initials, |app| {
    let (session, _) = app.sign_in("admin").await;
    let r = app.get("/households?q=wjg", &session).await;
    assert!(r.body.contains("共 1 户") && r.body.contains("王建国"), "{}", r.body);
});

both!(a_clerk_registers_a_household_in_their_own_township_only_and_corrects_it, |app| {
    let (session, csrf) = app.sign_in("shahedian").await;
    let form = |village: &str, head_id: &str| {
        format!(
            "_csrf={csrf}&household_no=4117021012020001&village_code={village}&household_type={}&standard={}&attribute={}&main_cause={}&status={}&head_name={}&head_sex={}&head_id_number={head_id}",
            enc("脱贫户"),
            enc("国家标准"),
            enc("一般贫困户"),
            enc("因残"),
            enc("未脱贫"),
            enc("刘德华"),
            enc("男")
        )
    };
    let head_id = id("19610927", 13);
    let mut bad = head_id.clone();
    bad.replace_range(17.., if bad.ends_with('0') { "1" } else { "0" });
    let r = app.register_household(&session, &form("411702101202", &bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("户主证件号码：校验位错误"), "{}", r.body);
    // 蚁蜂镇's village is not offered and not accepted.
    let page = app.get("/households/new", &session).await;
    assert!(page.body.contains("杨庄村民委员会") && !page.body.contains("老庄村民委员会"));
    let outside = form("411702104201", &head_id).replace("household_no=4117021012020001", "household_no=");
    let r = app.register_household(&session, &outside).await;
    assert!(r.body.contains("不存在或不在您的管辖范围内"), "{}", r.body);
    // 户编号 must be this village's code and a sequence.
    let r = app.register_household(&session, &form("411702101203", &head_id)).await;
    assert!(r.body.contains("户编号应为村代码“411702101203”加4至8位序号"), "{}", r.body);
    // 户类型 and the head's 性别 are the user's answers: the form preselects neither, and a form
    // sent without 户类型 is refused with nothing saved (a blank in an old file means 脱贫户).
    let page = app.get("/households/new", &session).await;
    assert!(
        page.body.contains(r#"<select name="household_type"><option value="" selected>（请选择）</option>"#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"<select name="head_sex"><option value="" selected>（请选择）</option>"#));
    let untyped = form("411702101202", &head_id).replace(&format!("household_type={}&", enc("脱贫户")), "");
    let r = app.register_household(&session, &untyped).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("请选择户类型") && r.body.contains("刘德华"), "the typed head is kept: {}", r.body);
    let r = app.register_household(&session, &form("411702101202", &head_id)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location.unwrap();
    let page = app.get(&path, &session).await;
    assert!(page.body.contains("刘德华户") && page.body.contains("杨庄村民委员会"));
    let new = path.strip_prefix("/households/").unwrap();
    // Correct the phone number; the status cannot be changed through this form.
    let edit = app.household_edit_page(new, &session).await;
    assert!(edit.body.contains("4117021012020001") && !edit.body.contains("name=\"status\""));
    let r = app
        .correct_household(new, &session, &format!("{}&version=1&phone=13611112222", form("411702101202", "")))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (log, _) = app
        .db
        .audit_entries(&AuditFilter { username: Some("shahedian".into()), ..Default::default() }, 10, 0)
        .await
        .unwrap();
    assert!(log.iter().any(|e| e.field.as_deref() == Some("phone") && e.after_value.as_deref() == Some("136****2222")));
    assert!(
        log.iter()
            .any(|e| e.action == bangfu_core::audit::AuditAction::Create
                && e.object_type.as_deref() == Some("household"))
    );
});

both!(the_household_list_filters_by_area_but_never_beyond_the_users_own, |app| {
    let (admin, _) = app.sign_in("admin").await;
    let r = app.get("/households?area=411702104000", &admin).await;
    assert!(r.body.contains("共 1 户") && r.body.contains("赵铁柱"));
    assert!(r.body.contains(r#"value="驿城区 · 蚁蜂镇""#), "the chosen township is shown by name");
    let (clerk, _) = app.sign_in("shahedian").await;
    let r = app.get("/households?area=411702104000", &clerk).await;
    assert!(r.body.contains("共 0 户"), "another township as a filter finds nothing");
    assert!(!r.body.contains("老庄村民委员会"), "and its villages are not offered");
});

both!(a_stale_household_save_is_refused_naming_who_changed_what_and_the_typed_input_stays, |app| {
    let hid = app.shahedian_household;
    let (admin, admin_csrf) = app.sign_in("admin").await;
    let (clerk, clerk_csrf) = app.sign_in("shahedian").await;
    // Both open the form on version 1.
    let v_admin = version_in(&app.household_edit_page(hid.0, &admin).await.body);
    let v_clerk = version_in(&app.household_edit_page(hid.0, &clerk).await.body);
    assert_eq!((v_admin.as_str(), v_clerk.as_str()), ("1", "1"));
    let base = format!(
        "household_no=4117021012010001&village_code=411702101201&standard={}&attribute={}&main_cause={}",
        enc("国家标准"),
        enc("一般贫困户"),
        enc("因病")
    );
    let r = app
        .correct_household(
            hid.0,
            &admin,
            &format!("_csrf={admin_csrf}&version={v_admin}&{base}&phone=13611112222&bank_name={}", enc("邮储银行")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The clerk saves what they typed on the page they opened before.
    let clerk_form = |version: &str| {
        format!(
            "_csrf={clerk_csrf}&version={version}&{base}&address={}&bank_name={}",
            enc("沙东村3组"),
            enc("驿城农商银行")
        )
    };
    let r = app.correct_household(hid.0, &clerk, &clerk_form(&v_clerk)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("被 admin的名字 修改：联系电话、开户银行；请核对后再保存"), "{}", r.body);
    assert!(
        r.body.contains("value=\"驿城农商银行\"") && r.body.contains("value=\"沙东村3组\""),
        "what was typed stays"
    );
    assert!(
        r.body.contains("admin的名字 已改为“136****2222”"),
        "the other person's change is marked beside its field (masked)"
    );
    assert!(r.body.contains("field invalid"));
    assert_eq!(version_in(&r.body), "2", "the form now carries the current version");
    let stored = app.db.household(&Scope::everything(), hid).await.unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(stored.data.address, None, "nothing of the stale save was stored");
    assert_eq!(stored.data.bank_name.as_deref(), Some("邮储银行"));
    let (_, before) = app
        .db
        .audit_entries(&AuditFilter { username: Some("shahedian".into()), ..Default::default() }, 50, 0)
        .await
        .unwrap();
    // Checked, and saved again from the re-shown form: it lands on version 2.
    let r = app.correct_household(hid.0, &clerk, &format!("{}&phone=13611112222", clerk_form("2"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.db.household(&Scope::everything(), hid).await.unwrap();
    assert_eq!(stored.version, 3);
    assert_eq!(stored.data.address.as_deref(), Some("沙东村3组"));
    assert_eq!(stored.data.phone.as_deref(), Some("13611112222"));
    let (_, after) = app
        .db
        .audit_entries(&AuditFilter { username: Some("shahedian".into()), ..Default::default() }, 50, 0)
        .await
        .unwrap();
    assert_eq!(after - before, 2, "the second save's two changes are audited, the refused one left nothing");
    // A form without its version saves nothing either.
    let r = app.correct_household(hid.0, &clerk, &format!("_csrf={clerk_csrf}&{base}&phone=13700000000")).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("缺少版本号") && r.body.contains("value=\"13700000000\""));
    assert_eq!(app.db.household(&Scope::everything(), hid).await.unwrap().version, 3);
});
