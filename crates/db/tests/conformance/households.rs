//! 登记 and reading a household back whole: the head rule, the area scope, filters and search, dated
//! history, and the audit of every change, on both backends.

use super::*;

conformance!(a_household_is_stored_with_its_members_and_read_back_whole, |db: Db| async move {
    let data = household(
        "4117021012010001",
        SHAHEDIAN_VILLAGE,
        &[("other_causes", "缺技术、缺资金"), ("farmland_mu", "4.5"), ("danger_grade", "C级"), ("water_safe", "是")],
    );
    let id = db.create_household(&everything(), &register(&data, &couple(1), None), &actor()).await.unwrap();
    let h = db.household(&everything(), id).await.unwrap();
    assert_eq!(h.data, data);
    assert_eq!(h.head_name.as_deref(), Some("王建国"));
    assert_eq!(h.size, 2);
    let members = db.members(&everything(), id).await.unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].data, couple(1)[0]);
    assert_eq!(members[1].data.relation, Relation::Spouse);
});

conformance!(a_household_without_a_head_is_refused, |db: Db| async move {
    let data = household("4117021012010002", SHAHEDIAN_VILLAGE, &[]);
    let err = db.create_household(&everything(), &register(&data, &couple(1)[1..], None), &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(e) if e[0].message == "该户没有户主"), "{err}");
    let (list, total) =
        db.list_households(&everything(), &HouseholdFilter::default(), Page { number: 1, size: 20 }).await.unwrap();
    assert_eq!((list.len(), total), (0, 0));
});

conformance!(a_household_outside_the_users_township_is_not_found_and_not_listed, |db: Db| async move {
    let mine = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let theirs = registered(&db, "4117021042010001", YIFENG_VILLAGE, 3).await;
    let shahedian = scope_of(&db, SHAHEDIAN).await;
    assert!(db.household(&shahedian, mine).await.is_ok());
    assert!(matches!(db.household(&shahedian, theirs).await, Err(DomainError::NotFound)));
    assert!(matches!(db.members(&shahedian, theirs).await, Err(DomainError::NotFound)));
    assert!(matches!(db.history(&shahedian, theirs).await, Err(DomainError::NotFound)));
    let (list, total) =
        db.list_households(&shahedian, &HouseholdFilter::default(), Page { number: 1, size: 20 }).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!(list[0].id, mine);
    // A filter naming another township cannot widen the scope.
    let filter = HouseholdFilter { area: Some(code("411702104000")), ..Default::default() };
    let (list, total) = db.list_households(&shahedian, &filter, Page { number: 1, size: 20 }).await.unwrap();
    assert_eq!((list.len(), total), (0, 0));
    // Nor can a user register a household in a village outside their township.
    let err = db
        .create_household(
            &shahedian,
            &register(&household("4117021042010009", YIFENG_VILLAGE, &[]), &couple(5), None),
            &actor(),
        )
        .await
        .unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(e) if e[0].field == "village_code"), "{err}");
});

conformance!(households_are_filtered_by_status_and_cause_and_paginated, |db: Db| async move {
    for i in 1..=25u32 {
        let status: &[(&str, &str)] =
            if i % 5 == 0 { &[("status", "已脱贫（享受政策）"), ("exit_year", "2019")] } else { &[] };
        let no = format!("41170210120100{i:02}");
        db.create_household(
            &everything(),
            &register(&household(&no, SHAHEDIAN_VILLAGE, status), &couple(i * 2 + 1), None),
            &actor(),
        )
        .await
        .unwrap();
    }
    let filter = HouseholdFilter { status: Some(PovertyStatus::Exited), ..Default::default() };
    let (list, total) = db.list_households(&everything(), &filter, Page { number: 1, size: 20 }).await.unwrap();
    assert_eq!((list.len(), total), (5, 5));
    assert!(list.iter().all(|h| h.status == Some(PovertyStatus::Exited) && h.size == 2));
    let (page2, total) =
        db.list_households(&everything(), &HouseholdFilter::default(), Page { number: 2, size: 20 }).await.unwrap();
    assert_eq!((page2.len(), total), (5, 25));
});

conformance!(households_are_found_by_name_pinyin_initials_id_number_or_household_number, |db: Db| async move {
    let wang = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let zhang = vec![member("张桂兰", "女", &id("19500101", 3, false), "户主")];
    let other = db
        .create_household(
            &everything(),
            &register(&household("4117021012010002", SHAHEDIAN_VILLAGE, &[]), &zhang, None),
            &actor(),
        )
        .await
        .unwrap();
    let find = |q: &str| {
        let db = db.clone();
        let q = q.to_owned();
        async move {
            let filter = HouseholdFilter { query: Some(q), ..Default::default() };
            db.list_households(&everything(), &filter, Page { number: 1, size: 20 })
                .await
                .unwrap()
                .0
                .into_iter()
                .map(|h| h.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(find("wjg").await, vec![wang], "王建国 by initials");
    assert_eq!(find("ＷＪＧ").await, vec![wang], "full-width letters too");
    assert_eq!(find("李秀英").await, vec![wang], "any member's name finds the household");
    assert_eq!(find("zhangguilan").await, vec![other]);
    assert_eq!(find(&id("19500101", 3, false)).await, vec![other]);
    assert_eq!(find("4117021012010002").await, vec![other]);
    assert!(find("wxm").await.is_empty());
    // A member who has left is no longer found under this household.
    let wife = db.members(&everything(), wang).await.unwrap()[1].id;
    db.member_leaves(&everything(), wife, &leaves(date("2024-01-01"), "死亡"), &actor()).await.unwrap();
    assert!(find("lxy").await.is_empty());
});

conformance!(status_and_monitoring_changes_are_kept_as_dated_history, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    db.change_status(&everything(), h, PovertyStatus::Exited, date("2019-12-20"), "2019年度脱贫退出", &actor())
        .await
        .unwrap();
    open_episode(&db, h, "脱贫不稳定户", "2022-05-01", "因病支出大").await;
    db.change_status(&everything(), h, PovertyStatus::Returned, date("2023-02-01"), "因病返贫", &actor())
        .await
        .unwrap();
    let hist = db.history(&everything(), h).await.unwrap();
    let kinds: Vec<(&str, Option<&str>, Option<&str>)> =
        hist.iter().map(|e| (e.kind.as_str(), e.from_value.as_deref(), e.to_value.as_deref())).collect();
    assert_eq!(
        kinds,
        vec![
            ("status", None, Some("poor")),
            ("status", Some("poor"), Some("exited")),
            ("monitoring", None, Some("unstable")),
            ("status", Some("exited"), Some("returned")),
        ]
    );
    assert_eq!(hist[1].effective_on, date("2019-12-20"));
    let now = db.household(&everything(), h).await.unwrap().data;
    assert_eq!(now.status, Some(PovertyStatus::Returned));
    assert_eq!(db.household(&everything(), h).await.unwrap().monitoring_type, Some(MonitoringType::Unstable));
    let episodes = bangfu_core::store::MonitoringStore::episodes(&db, &everything(), h).await.unwrap();
    assert_eq!(episodes[0].opened.identified_on, date("2022-05-01"));
    // The same status again is refused; so is a change without a reason.
    assert!(
        db.change_status(&everything(), h, PovertyStatus::Returned, date("2023-02-02"), "x", &actor()).await.is_err()
    );
    assert!(db.change_status(&everything(), h, PovertyStatus::Poor, date("2023-02-02"), "", &actor()).await.is_err());
});

conformance!(every_change_to_a_household_is_in_the_audit_log, |db: Db| async move {
    use bangfu_core::audit::AuditAction;
    use bangfu_db::audit::AuditFilter;
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let son = db
        .add_member(&everything(), h, &joins(&member("王小明", "男", &id("19900101", 11, true), "之子")), &actor())
        .await
        .unwrap();
    db.member_leaves(&everything(), son, &leaves(date("2024-03-01"), "分户"), &actor()).await.unwrap();
    db.change_status(&everything(), h, PovertyStatus::Exited, date("2019-12-20"), "脱贫", &actor()).await.unwrap();
    // (Was 边缘易致贫户 before 户类型: that type is not for a 脱贫户 any more.)
    open_episode(&db, h, "脱贫不稳定户", "2022-01-05", "收入骤降").await;
    let income = Income::of_year(2025, 1, [Some(Fen(100)), Some(Fen(0)), Some(Fen(0)), Some(Fen(0)), Some(Fen(0))]);
    db.record_income(&everything(), h, &recording(&income, false), &actor()).await.unwrap();
    let (log, total) = db.audit_entries(&AuditFilter::default(), 50, 0).await.unwrap();
    let seen: Vec<(AuditAction, String)> =
        log.iter().rev().map(|e| (e.action, e.field.clone().unwrap_or_default())).collect();
    assert_eq!(
        seen,
        vec![
            (AuditAction::Create, "household_no".into()),
            (AuditAction::Create, "joined".into()),
            (AuditAction::Update, "left_on".into()),
            (AuditAction::Update, "status".into()),
            // An episode is a record of its own: its opening is a Create.
            (AuditAction::Create, "monitoring_type".into()),
            (AuditAction::Create, "income_2025".into()),
        ]
    );
    assert_eq!(total, 6);
    let status = log.iter().find(|e| e.field.as_deref() == Some("status")).unwrap();
    assert_eq!(
        (status.before_value.as_deref(), status.after_value.as_deref()),
        (Some("未脱贫"), Some("已脱贫（享受政策）"))
    );
    assert!(
        log.iter()
            .all(|e| e.username.as_deref() == Some("测试员") && e.area_code.as_deref() == Some(SHAHEDIAN_VILLAGE))
    );
    // A refused change leaves no audit row.
    assert!(
        db.change_status(&everything(), h, PovertyStatus::Exited, date("2020-01-01"), "again", &actor()).await.is_err()
    );
    assert_eq!(db.audit_entries(&AuditFilter::default(), 50, 0).await.unwrap().1, 6);
});
