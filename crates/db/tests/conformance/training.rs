//! 培训班, 座谈会 and 雨露计划 kept on both backends: a course in 沙河店镇 with its attendees found
//! by name, initials or 户编号 inside the area only; the same member refused twice; outcomes where
//! a blank stays 未填; removal by marking; counts per course and per household; another area's
//! course not found. 雨露计划 one application per student and term, checked, paid and published
//! in order, every step audited.

use std::collections::HashMap;

use super::*;
use bangfu_core::auth::Role;
use bangfu_core::training::yulu::{Application, State, Step, Term};
use bangfu_core::training::{CourseData, Outcome};
use bangfu_db::yulu::YuluFilter;

fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn course(area: &str) -> CourseData {
    CourseData::parse(
        &form(&[
            ("kind", "培训班"),
            ("training_type", "技能"),
            ("topic", "电工技能培训"),
            ("start_on", "2026-03-10"),
            ("end_on", "2026-03-14"),
            ("hours", "40"),
            ("organiser", "沙河店镇人民政府"),
            ("area_code", area),
        ]),
        date("2026-06-30"),
    )
    .unwrap()
}

fn outcome(pairs: &[(&str, &str)]) -> Outcome {
    Outcome::parse(&form(pairs)).unwrap()
}

async fn audit_count(db: &Db, object: &str) -> usize {
    let filter = bangfu_db::audit::AuditFilter { object_type: Some(object.into()), ..Default::default() };
    db.audit_entries(&filter, 100, 0).await.unwrap().0.len()
}

conformance!(
    attendees_are_found_inside_the_area_added_once_and_counted_per_course_and_household,
    |db: Db| async move {
        let shahedian = scope_of(&db, SHAHEDIAN).await;
        let yifeng = scope_of(&db, "411702104000").await;
        let ours = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
        let theirs = registered(&db, "4117021042010001", YIFENG_VILLAGE, 5).await;
        let id = db.create_course(&shahedian, &course(SHAHEDIAN_VILLAGE), &actor()).await.unwrap();
        // Found by name, initials and 户编号, only inside the area; no ID number in what is found.
        let by_initials = db.find_members(&shahedian, "WJG", 20).await.unwrap();
        assert_eq!(by_initials.len(), 1, "王建国 of 沙河店镇 only, not the 王建国 of 蚁蜂镇");
        assert_eq!(
            (by_initials[0].name.as_str(), by_initials[0].household_no.as_str()),
            ("王建国", "4117021012010001")
        );
        assert_eq!(db.find_members(&shahedian, "李秀", 20).await.unwrap().len(), 1);
        assert_eq!(db.find_members(&shahedian, "41170210120100", 20).await.unwrap().len(), 2, "both of the household");
        assert!(db.find_members(&shahedian, "4117021042010001", 20).await.unwrap().is_empty());
        assert!(db.find_members(&shahedian, "  ", 20).await.unwrap().is_empty());
        let members = db.members(&everything(), ours).await.unwrap();
        let (head, spouse) = (members[0].id.0, members[1].id.0);
        let electrician = outcome(&[("certificate", "是"), ("certificate_name", "低压电工证")]);
        let first = db.add_attendee(&shahedian, id, head, &electrician, &actor()).await.unwrap();
        db.add_attendee(&shahedian, id, spouse, &outcome(&[]), &actor()).await.unwrap();
        let twice = db.add_attendee(&shahedian, id, head, &outcome(&[]), &actor()).await.unwrap_err();
        assert_eq!(twice.to_string(), "member_id: 王建国已在本次培训的参训人员名单中，同一人不能重复添加");
        let their_member = db.members(&everything(), theirs).await.unwrap()[0].id.0;
        let outside = db.add_attendee(&shahedian, id, their_member, &outcome(&[]), &actor()).await.unwrap_err();
        assert!(outside.to_string().contains("不是您管辖范围内农户的现有成员"), "{outside}");
        // A blank stays 未填; employment known later is recorded.
        let list = db.course_attendees(&shahedian, id).await.unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(
            (list[1].member.name.as_str(), list[1].outcome.certificate, list[1].outcome.employed),
            ("李秀英", None, None)
        );
        db.update_attendee(
            &shahedian,
            id,
            list[1].id,
            &outcome(&[("certificate", "否"), ("employed", "是")]),
            &actor(),
        )
        .await
        .unwrap();
        let list = db.course_attendees(&shahedian, id).await.unwrap();
        assert_eq!((list[1].outcome.certificate, list[1].outcome.employed), (Some(false), Some(true)));
        // Counts per course: attendees and households.
        let talk = CourseData { topic: "扶志教育座谈会".into(), hours: 4, ..course(SHAHEDIAN) };
        let talk_id = db.create_course(&shahedian, &talk, &actor()).await.unwrap();
        db.add_attendee(&shahedian, talk_id, head, &outcome(&[]), &actor()).await.unwrap();
        let listed = db.courses(&shahedian, Some(2026)).await.unwrap();
        let counts: Vec<(&str, i64, i64)> =
            listed.iter().map(|c| (c.course.data.topic.as_str(), c.attendees, c.households)).collect();
        assert_eq!(counts, [("扶志教育座谈会", 1, 1), ("电工技能培训", 2, 1)], "newest first (same day: the later)");
        assert!(db.courses(&shahedian, Some(2025)).await.unwrap().is_empty());
        // Per household: each course of each member, totalling 3 attendances and 84 学时.
        let attended = db.household_training(&shahedian, ours.0).await.unwrap();
        let mut totals = bangfu_core::training::TrainingTotals::default();
        for a in &attended {
            totals.add(a.course.data.hours, &a.outcome);
        }
        assert_eq!(totals.label_zh(), "参训 3 人次，共 84 学时，取得证书 1 个，培训后就业 1 人次");
        // Removal marks, keeps, and is not counted; it cannot be removed twice.
        db.remove_attendee(&shahedian, id, first, &actor()).await.unwrap();
        assert!(matches!(db.remove_attendee(&shahedian, id, first, &actor()).await, Err(DomainError::NotFound)));
        assert_eq!(db.courses(&shahedian, None).await.unwrap()[1].attendees, 1);
        assert_eq!(db.household_training(&shahedian, ours.0).await.unwrap().len(), 2);
        db.add_attendee(&shahedian, id, head, &outcome(&[]), &actor()).await.expect("added again after removal");
        // Another township finds nothing, and cannot put a course in 沙河店镇.
        assert!(matches!(db.course(&yifeng, id).await, Err(DomainError::NotFound)));
        assert!(matches!(db.course_attendees(&yifeng, id).await, Err(DomainError::NotFound)));
        assert!(db.courses(&yifeng, None).await.unwrap().is_empty());
        assert!(db.household_training(&yifeng, ours.0).await.unwrap().is_empty());
        let denied = db.add_attendee(&yifeng, id, their_member, &outcome(&[]), &actor()).await;
        assert!(matches!(denied, Err(DomainError::NotFound)));
        let err = db.create_course(&yifeng, &course(SHAHEDIAN_VILLAGE), &actor()).await.unwrap_err();
        assert!(err.to_string().contains("不在您的管辖范围内"), "{err}");
        // A course corrected stays inside the area; one entered by mistake is taken off (撤销)
        // with its reason: no longer listed or counted on the household, and not found.
        let moved = CourseData { area_code: code(YIFENG_VILLAGE), ..course(SHAHEDIAN_VILLAGE) };
        let err = db.update_course(&shahedian, id, &moved, &actor()).await.unwrap_err();
        assert!(err.to_string().contains("不在您的管辖范围内"), "{err}");
        let fixed = CourseData { hours: 48, ..course(SHAHEDIAN_VILLAGE) };
        db.update_course(&shahedian, id, &fixed, &actor()).await.unwrap();
        assert_eq!(db.course(&shahedian, id).await.unwrap().data.hours, 48);
        let blank = db.remove_course(&shahedian, talk_id, " ", &actor()).await.unwrap_err();
        assert_eq!(blank.to_string(), "输入有误: reason: 撤销须写明原因，如 重复登记");
        db.remove_course(&shahedian, talk_id, "重复登记", &actor()).await.unwrap();
        assert!(matches!(db.course(&shahedian, talk_id).await, Err(DomainError::NotFound)));
        assert_eq!(db.courses(&shahedian, None).await.unwrap().len(), 1);
        let left: Vec<String> = db
            .household_training(&shahedian, ours.0)
            .await
            .unwrap()
            .iter()
            .map(|a| a.course.data.topic.clone())
            .collect();
        assert_eq!(left, ["电工技能培训", "电工技能培训"], "the withdrawn talk no longer counts");
        // Two courses, four attendees added, one outcome, one removal, one correction, one 撤销.
        assert_eq!(audit_count(&db, "training_course").await, 10);
    }
);

fn application(member: i64, term: &str, amount: &str) -> Application {
    Application::parse(
        &form(&[
            ("member_id", &member.to_string()),
            ("term", term),
            ("school", "驻马店技师学院"),
            ("level", "中职"),
            ("grade", "一年级"),
            ("amount", amount),
            ("applied_on", "2026-09-10"),
        ]),
        date("2026-12-01"),
    )
    .unwrap()
}

conformance!(a_yulu_application_is_one_per_term_and_goes_checked_paid_published_in_order, |db: Db| async move {
    let shahedian = scope_of(&db, SHAHEDIAN).await;
    let village = scope_of(&db, SHAHEDIAN_VILLAGE).await;
    let yifeng = scope_of(&db, "411702104000").await;
    let ours = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let student = db.members(&everything(), ours).await.unwrap()[1].id.0;
    let id = db.apply_yulu(&village, &application(student, "2026年秋季学期", ""), &actor()).await.unwrap();
    let twice = db.apply_yulu(&village, &application(student, "2026秋", "1200"), &actor()).await.unwrap_err();
    assert_eq!(twice.to_string(), "term: 李秀英在2026年秋季学期已有雨露计划申请，同一学生每学期只能申请一次");
    let spring = db.apply_yulu(&village, &application(student, "2026春季", "1500"), &actor()).await.unwrap();
    let step = |action: &str, pairs: &[(&str, &str)]| {
        Step::parse(action, &form(pairs), date("2026-12-01"), bangfu_core::money::Fen(150_000)).unwrap()
    };
    // Paid before the check: refused; the village may not check; the township checks.
    let pay = step("pay", &[("on", "2026-10-10")]);
    let early = db.yulu_step(&shahedian, id, 1, &pay, Some(Role::TownshipStaff), &actor()).await.unwrap_err();
    assert_eq!(early.to_string(), "输入有误: action: 尚未经乡镇审核，不能发放");
    let check = step("check", &[("on", "2026-09-20"), ("note", "学籍已核实")]);
    let by_village = db.yulu_step(&village, id, 1, &check, Some(Role::VillageWorker), &actor()).await.unwrap_err();
    assert!(by_village.to_string().contains("乡镇审核须由乡镇或区级工作人员办理"), "{by_village}");
    db.yulu_step(&shahedian, id, 1, &check, Some(Role::TownshipStaff), &actor()).await.unwrap();
    let stale = db.yulu_step(&shahedian, id, 1, &pay, Some(Role::TownshipStaff), &actor()).await.unwrap_err();
    assert!(matches!(stale, DomainError::Conflict { .. }), "{stale}");
    db.yulu_step(&shahedian, id, 2, &pay, Some(Role::TownshipStaff), &actor()).await.unwrap();
    db.yulu_step(&village, id, 3, &step("publish", &[("on", "2026-10-20")]), Some(Role::VillageWorker), &actor())
        .await
        .unwrap();
    let r = db.yulu_application(&shahedian, id).await.unwrap();
    assert_eq!(
        (r.state, r.checked_on, r.paid, r.published_on, r.check_note.as_deref()),
        (
            State::Published,
            Some(date("2026-09-20")),
            Some(bangfu_core::money::Fen(150_000)),
            Some(date("2026-10-20")),
            Some("学籍已核实")
        )
    );
    assert_eq!(r.data.amount, bangfu_core::money::Fen(150_000), "1 500 元 a term unless written");
    // Refused with its reason: then the same term may be applied for again.
    let refuse = step("refuse", &[("on", "2026-09-20"), ("reason", "学籍信息未核实")]);
    db.yulu_step(&shahedian, spring, 1, &refuse, Some(Role::TownshipStaff), &actor()).await.unwrap();
    let again = db.apply_yulu(&village, &application(student, "2026春季", "1500"), &actor()).await;
    assert!(again.is_ok(), "{again:?}");
    // Lists by term and state; the household's own; another township sees nothing.
    let autumn = Term::parse("2026秋").unwrap();
    let by_term = db.yulu_applications(&shahedian, &YuluFilter { term: Some(autumn), ..Default::default() }).await;
    assert_eq!(by_term.unwrap().iter().map(|r| r.id).collect::<Vec<_>>(), [id]);
    let refused = YuluFilter { state: Some(State::Refused), ..Default::default() };
    assert_eq!(db.yulu_applications(&shahedian, &refused).await.unwrap().len(), 1);
    let household = YuluFilter { household: Some(ours.0), ..Default::default() };
    assert_eq!(db.yulu_applications(&shahedian, &household).await.unwrap().len(), 3);
    assert!(db.yulu_applications(&yifeng, &YuluFilter::default()).await.unwrap().is_empty());
    assert!(matches!(db.yulu_application(&yifeng, id).await, Err(DomainError::NotFound)));
    let theirs = db.yulu_step(&yifeng, spring, 2, &check, Some(Role::TownshipStaff), &actor()).await;
    assert!(matches!(theirs, Err(DomainError::NotFound)));
    let outside = db.apply_yulu(&yifeng, &application(student, "2025秋季", ""), &actor()).await.unwrap_err();
    assert!(outside.to_string().contains("不是您管辖范围内农户的现有成员"), "{outside}");
    // Three applications and four steps, each with its audit row.
    assert_eq!(audit_count(&db, "yulu_application").await, 7);
});
