//! The member form: 更正 of a member, the ID number check and reveal, 增员 rules, a stale save.

use super::*;

both!(a_bad_id_number_is_shown_beside_the_field_nothing_is_saved_and_the_fix_is_audited, |app| {
    let (session, csrf) = app.sign_in("shahedian").await;
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let form = |id: &str| {
        format!(
            "_csrf={csrf}&version=1&name=%E7%8E%8B%E5%BB%BA%E5%9B%BD&sex=%E7%94%B7&relation=%E6%88%B7%E4%B8%BB&id_number={id}&phone=13800138000"
        )
    };
    let mut bad = app.full_id.clone();
    bad.replace_range(17.., if bad.ends_with('0') { "1" } else { "0" });
    let r = app.correct_member(h, m, &session, &form(&bad)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("未保存") && r.body.contains("校验位错误"), "{}", r.body);
    assert!(r.body.contains("field invalid"), "the ID field is marked");
    let stored = app.db.member(&Scope::everything(), bangfu_core::household::MemberId(m)).await.unwrap();
    assert_eq!(stored.data.phone, None, "nothing was saved");
    // Fixed: the same form with the right number (typed in lower case with spaces) saves.
    let r = app.correct_member(h, m, &session, &form(&format!("+{}+", app.full_id.to_lowercase()))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.db.member(&Scope::everything(), bangfu_core::household::MemberId(m)).await.unwrap();
    assert_eq!(stored.data.phone.as_deref(), Some("13800138000"));
    // The audit administrator sees the change in the audit log, who and what, ID masked.
    let (admin, _) = app.sign_in("auditadmin").await;
    let log = app.get("/audit", &admin).await;
    assert!(log.body.contains("shahedian") && log.body.contains("联系电话：（空） → 138****8000"), "{}", log.body);
    assert!(!log.body.contains(&app.full_id));
});

both!(the_full_id_number_is_shown_only_on_request_and_the_reveal_is_audited, |app| {
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let (clerk, csrf) = app.sign_in("shahedian").await;
    let page = app.reveal_id(h, m, &clerk, &format!("_csrf={csrf}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&app.full_id));
    assert_eq!(app.reveal_id(h, m, &clerk, "_csrf=forged").await.status, StatusCode::FORBIDDEN);
    let (_, n) = app
        .db
        .audit_entries(
            &AuditFilter { action: Some(bangfu_core::audit::AuditAction::RevealId), ..Default::default() },
            10,
            0,
        )
        .await
        .unwrap();
    assert_eq!(n, 1, "one reveal, one audit row; the forged request revealed nothing");
    let (auditor, acsrf) = app.sign_in("auditor").await;
    assert_eq!(app.reveal_id(h, m, &auditor, &format!("_csrf={acsrf}")).await.status, StatusCode::FORBIDDEN);
    // Another township's member: not found, and nothing revealed.
    let theirs = first_member(&app, app.yifeng_household).await;
    let other = app.reveal_id(app.yifeng_household.0, theirs, &clerk, &format!("_csrf={csrf}")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
});

both!(the_member_form_keeps_unanswered_questions_blank_and_takes_a_certificate_and_several_health_values, |app| {
    let (session, csrf) = app.sign_in("shahedian").await;
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let edit = app.member_edit_page(h, m, &session).await;
    assert!(edit.body.contains(&format!("name=\"health.{}\"", "残疾")), "health is a row of check boxes");
    assert!(edit.body.contains("居民医保") && edit.body.contains("中共党员") && edit.body.contains("务工地点"));
    let base = format!(
        "_csrf={csrf}&name={}&sex={}&relation={}&id_kind={}&political_status={}&medical_insurance={}&dibao={}",
        enc("王建国"),
        enc("男"),
        enc("户主"),
        enc("残疾人证"),
        enc("中共党员"),
        enc("居民医保"),
        enc("否")
    );
    let health = format!("&{}=1&{}=1", enc("health.残疾"), enc("health.长期慢性病"));
    let cert = format!("{}42", app.full_id);
    let version = version_in(&edit.body);
    let r = app.correct_member(h, m, &session, &format!("{base}{health}&id_number={cert}&version={version}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.db.member(&Scope::everything(), MemberId(m)).await.unwrap().data;
    assert_eq!(stored.id_kind, IdKind::DisabilityCert);
    assert_eq!(stored.id_number.as_str(), app.full_id);
    assert_eq!(stored.health, Some(HealthSet::of(&[Health::Chronic, Health::Disabled])));
    assert_eq!(
        (stored.disability_category, stored.disability_grade),
        (Some(DisabilityCategory::Physical), Some(DisabilityGrade::Two))
    );
    assert_eq!((stored.dibao, stored.tekun, stored.soldier, stored.serious_illness), (Some(false), None, None, None));
    let page = app.household_page(h, &session).await;
    assert!(page.body.contains("长期慢性病、残疾（肢体残疾，二级）"), "{}", page.body);
    assert!(page.body.contains("享受低保：否") && page.body.contains("现役军人：未填"), "{}", page.body);
    assert!(page.body.contains("证件类型：残疾人证") && page.body.contains("基本医疗保险：居民医保"));
    assert!(!page.body.contains(&app.full_id), "no full ID number on the page");

    // Months of migrant work without the place: refused beside the field, everything typed kept;
    // the 证件号码 left blank keeps the certificate.
    let version = app.db.member(&Scope::everything(), MemberId(m)).await.unwrap().version;
    let typed =
        format!("{base}{health}&id_number=&migrant_work={}&migrant_months=6&version={version}", enc("省外务工"));
    let r = app.correct_member(h, m, &session, &typed).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("填写了务工时间，但未填写务工地点"), "{}", r.body);
    assert!(r.body.contains("<option value=\"省外务工\" selected>"), "the typed choice is kept");
    assert!(r.body.contains(&format!("name=\"health.{}\" value=\"1\" checked", "残疾")), "ticked boxes stay ticked");
    let r = app.correct_member(h, m, &session, &format!("{typed}&migrant_place={}", enc("广东省东莞市"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let stored = app.db.member(&Scope::everything(), MemberId(m)).await.unwrap().data;
    assert_eq!(stored.id_kind, IdKind::DisabilityCert, "the certificate is kept");
    assert_eq!(stored.migrant_place.as_deref(), Some("广东省东莞市"));
    assert_eq!(stored.migrant_work, Some(MigrantWork::Outside));
});

both!(a_member_joining_as_the_father_must_be_a_man, |app| {
    let (session, csrf) = app.sign_in("shadong").await;
    let h = app.shahedian_household.0;
    let form = |sex: &str| {
        format!(
            "_csrf={csrf}&name={}&sex={}&id_number={}&relation={}&joined_on=2024-01-01&join_reason={}&{}=1",
            enc("王老汉"),
            enc(sex),
            id("19400101", if sex == "男" { 31 } else { 32 }),
            enc("之父"),
            enc("投靠"),
            enc("health.患有大病"),
        )
    };
    let r = app.join_member(h, &session, &form("女")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("与户主关系“之父”与性别“女”不符"), "{}", r.body);
    let r = app.join_member(h, &session, &form("男")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = app.household_page(h, &session).await;
    assert!(page.body.contains("<td>之父</td>"), "the old wording is shown back");
    let joined = app.db.members(&Scope::everything(), app.shahedian_household).await.unwrap();
    let father = joined.iter().find(|m| m.data.name == "王老汉").unwrap();
    assert_eq!(father.data.relation, Relation::Parent);
    assert_eq!(father.data.health, Some(HealthSet::of(&[Health::Serious])));
    assert_eq!(father.data.dibao, None);
});

both!(a_stale_member_save_is_refused_with_the_other_change_named_and_nothing_lost, |app| {
    let h = app.shahedian_household.0;
    let m = first_member(&app, app.shahedian_household).await;
    let (admin, admin_csrf) = app.sign_in("admin").await;
    let (clerk, clerk_csrf) = app.sign_in("shadong").await;
    let v = version_in(&app.member_edit_page(h, m, &clerk).await.body);
    assert_eq!(v, "1");
    let form = |csrf: &str, version: &str, extra: &str| {
        format!(
            "_csrf={csrf}&version={version}&name={}&sex={}&relation={}{extra}",
            enc("王建国"),
            enc("男"),
            enc("户主")
        )
    };
    let r = app.correct_member(h, m, &admin, &form(&admin_csrf, "1", "&phone=13800138000")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = app
        .correct_member(h, m, &clerk, &form(&clerk_csrf, &v, &format!("&phone=13900139000&health={}", enc("残疾"))))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("被 admin的名字 修改：联系电话；请核对后再保存"), "{}", r.body);
    assert!(r.body.contains("value=\"13900139000\""), "the clerk's phone is still in the box");
    assert!(r.body.contains("admin的名字 已改为“138****8000”"), "masked, as the log keeps it");
    assert_eq!(version_in(&r.body), "2");
    let stored = app.db.member(&Scope::everything(), bangfu_core::household::MemberId(m)).await.unwrap();
    assert_eq!((stored.version, stored.data.phone.as_deref(), stored.data.health), (2, Some("13800138000"), None));
});
