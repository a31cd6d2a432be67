//! Members: one person in one current household, 减员 with a reason, corrections audited field by
//! field with masked ID numbers, and an unanswered question kept as null.

use super::*;

conformance!(the_same_person_cannot_be_a_current_member_of_two_households, |db: Db| async move {
    let first = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let second = registered(&db, "4117021012010002", SHAHEDIAN_VILLAGE, 3).await;
    let son = member("王小明", "男", &id("19900101", 11, true), "之子");
    db.add_member(&everything(), first, &joins(&son), &actor()).await.unwrap();
    let err = db.add_member(&everything(), second, &joins(&son), &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Conflict { field, .. } if field == "id_number"), "{err}");
    // Once he has left the first household (split off, 分户), he may join the second.
    let son_id =
        db.members(&everything(), first).await.unwrap().into_iter().find(|m| m.data.name == "王小明").unwrap().id;
    db.member_leaves(&everything(), son_id, &leaves(date("2024-03-01"), "分户"), &actor()).await.unwrap();
    db.add_member(&everything(), second, &joins(&son), &actor()).await.unwrap();
    let kept = db.members(&everything(), first).await.unwrap();
    let left = kept.iter().find(|m| m.id == son_id).unwrap();
    assert_eq!(left.left_on, Some(date("2024-03-01")));
    assert_eq!(left.left_reason.as_deref(), Some("分户"));
    assert_eq!(db.household(&everything(), first).await.unwrap().size, 2);
});

conformance!(a_member_leaving_needs_a_reason_and_is_kept, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let wife = db.members(&everything(), h).await.unwrap()[1].id;
    let err = db.member_leaves(&everything(), wife, &leaves(date("2024-01-01"), " "), &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(e) if e[0].field == "left_reason"));
    db.member_leaves(&everything(), wife, &leaves(date("2024-01-01"), "死亡"), &actor()).await.unwrap();
    assert_eq!(db.members(&everything(), h).await.unwrap().len(), 2);
    assert_eq!(db.household(&everything(), h).await.unwrap().size, 1);
    // Leaving twice is not possible.
    assert!(matches!(
        db.member_leaves(&everything(), wife, &leaves(date("2024-01-02"), "死亡"), &actor()).await,
        Err(DomainError::NotFound)
    ));
});

conformance!(correcting_a_member_is_audited_field_by_field_with_masked_id_numbers, |db: Db| async move {
    use bangfu_core::audit::{Actor, AuditAction};
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let other = registered(&db, "4117021012010002", SHAHEDIAN_VILLAGE, 5).await;
    let wife = db.members(&everything(), h).await.unwrap()[1].clone();
    let actor = Actor {
        user_id: None,
        username: "tester".into(),
        role: Some("township_staff".into()),
        ip: Some("10.0.0.8".into()),
    };
    let mut fixed = wife.data.clone();
    fixed.name = "李秀兰".into();
    fixed.id_number = IdNumber::parse(&id("19680706", 2, false)).unwrap();
    assert_eq!(wife.version, 1);
    db.update_member(&everything(), wife.id, &correct_member(1, &fixed), &actor).await.unwrap();
    let stored = db.member(&everything(), wife.id).await.unwrap();
    assert_eq!((stored.data, stored.version), (fixed.clone(), 2));
    let (log, n) = db
        .audit_entries(
            &bangfu_db::audit::AuditFilter {
                object_type: Some("member".into()),
                object_id: Some(wife.id.0.to_string()),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
    assert_eq!(n, 2);
    let fields: Vec<_> = log
        .iter()
        .map(|e| (e.field.clone().unwrap(), e.before_value.clone().unwrap(), e.after_value.clone().unwrap()))
        .collect();
    assert!(fields.contains(&("name".into(), "李秀英".into(), "李秀兰".into())));
    let id_change = fields.iter().find(|f| f.0 == "id_number").unwrap();
    assert!(
        id_change.1.contains("**********") && id_change.2.contains("**********"),
        "ID numbers are masked in the log"
    );
    assert!(log.iter().all(|e| e.action == AuditAction::Update && e.ip.as_deref() == Some("10.0.0.8")));
    // Taking the ID of a current member of another household is a conflict and changes nothing.
    let theirs = db.members(&everything(), other).await.unwrap()[0].data.id_number.clone();
    let mut clash = fixed.clone();
    clash.id_number = theirs;
    clash.sex = Sex::Male;
    clash.relation = Relation::Son;
    let err = db.update_member(&everything(), wife.id, &correct_member(2, &clash), &actor).await.unwrap_err();
    assert!(matches!(&err, DomainError::Conflict { field, .. } if field == "id_number"), "{err}");
    assert_eq!(db.member(&everything(), wife.id).await.unwrap().data, fixed);
    let updates = bangfu_db::audit::AuditFilter { action: Some(AuditAction::Update), ..Default::default() };
    assert_eq!(db.audit_entries(&updates, 50, 0).await.unwrap().1, 2, "no audit rows for a refused change");
    // Outside the user's area the member does not exist.
    let yifeng = scope_of(&db, "411702104000").await;
    assert!(matches!(
        db.update_member(&yifeng, wife.id, &correct_member(2, &fixed), &actor).await,
        Err(DomainError::NotFound)
    ));
});

// 未填 is kept as null, 否 as false; answering a question later is audited as 未填 → 否.
conformance!(an_unanswered_yes_no_question_is_stored_as_null_not_as_no, |db: Db| async move {
    use bangfu_core::audit::AuditAction;
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let wife = db.members(&everything(), h).await.unwrap()[1].clone();
    assert_eq!(
        (wife.data.dibao, wife.data.tekun, wife.data.soldier, wife.data.serious_illness),
        (None, None, None, None)
    );
    assert_eq!((wife.data.medical_insurance, wife.data.public_job), (None, None));
    let mut answered = wife.data.clone();
    answered.dibao = Some(false);
    answered.medical_insurance = Some(MedicalInsurance::Employee);
    answered.health = Some(HealthSet::of(&[Health::Chronic, Health::Disabled]));
    answered.migrant_place = Some("广东省东莞市".into());
    db.update_member(&everything(), wife.id, &correct_member(wife.version, &answered), &actor()).await.unwrap();
    let back = db.member(&everything(), wife.id).await.unwrap().data;
    assert_eq!(back, answered);
    assert_eq!((back.dibao, back.tekun), (Some(false), None));
    let (log, _) = db
        .audit_entries(
            &bangfu_db::audit::AuditFilter { action: Some(AuditAction::Update), ..Default::default() },
            20,
            0,
        )
        .await
        .unwrap();
    let dibao = log.iter().find(|e| e.field.as_deref() == Some("dibao")).expect("dibao audited");
    assert_eq!((dibao.before_value.as_deref(), dibao.after_value.as_deref()), (None, Some("否")));
    let health = log.iter().find(|e| e.field.as_deref() == Some("health")).expect("health audited");
    assert_eq!(health.after_value.as_deref(), Some("长期慢性病、残疾"));
});
