//! 户主变更, 分户, 合户 and 注销 on both backends: members, history, versions and audit together.

use std::collections::HashMap;

use bangfu_core::DomainError;
use bangfu_core::household::events::*;
use bangfu_core::household::*;
use bangfu_core::store::{HouseholdEventStore, HouseholdStore};
use bangfu_db::Db;
use chrono::NaiveDate;

use crate::conformance;
use crate::fixtures::*;
use crate::harness::everything;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn form(pairs: &[(String, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| (k.clone(), (*v).to_owned())).collect()
}

fn k(s: &str) -> String {
    s.to_owned()
}

/// 王建国, 李秀英, their son 王小明 and his wife 张丽.
async fn family(db: &Db, no: &str, seq: u32) -> (HouseholdId, Vec<Member>) {
    let hid = registered(db, no, SHAHEDIAN_VILLAGE, seq).await;
    db.add_member(&everything(), hid, &joins(&member("王小明", "男", &id("19900101", seq, true), "之子")), &actor())
        .await
        .unwrap();
    db.add_member(&everything(), hid, &joins(&member("张丽", "女", &id("19920202", seq, false), "之儿媳")), &actor())
        .await
        .unwrap();
    (hid, db.members(&everything(), hid).await.unwrap())
}

fn named<'a>(members: &'a [Member], name: &str) -> &'a Member {
    members.iter().find(|m| m.data.name == name && m.left_on.is_none()).unwrap_or_else(|| panic!("{name}"))
}

fn current(members: &[Member]) -> Vec<(String, Relation)> {
    members.iter().filter(|m| m.left_on.is_none()).map(|m| (m.data.name.clone(), m.data.relation)).collect()
}

conformance!(when_the_head_dies_the_spouse_becomes_head_in_one_change, |db: Db| async move {
    let (id, members) = family(&db, "4117021012010001", 11).await;
    let head = named(&members, "王建国");
    // The head alone cannot leave: a new head is asked for.
    let refused =
        db.member_leaves(&everything(), head.id, &leaves(date("2026-11-01"), "死亡"), &actor()).await.unwrap_err();
    let DomainError::Invalid(errs) = refused else { panic!("{refused:?}") };
    assert_eq!(errs[0].message, "王建国是户主：请先指定新户主（户主变更），或办理整户注销");

    let (wife, son, dil) = (named(&members, "李秀英"), named(&members, "王小明"), named(&members, "张丽"));
    let f = form(&[
        (k("new_head"), &wife.id.0.to_string()),
        (k("outgoing"), "leaves"),
        (k("left_reason"), "死亡"),
        (relation_field(son.id), "之子"),
        (relation_field(dil.id), "之儿媳"),
        (k("effective_on"), "2026-11-01"),
        (k("reason"), "原户主去世"),
    ]);
    let change = ChangeHead::parse(&f, &members, today()).unwrap();
    let before = db.household(&everything(), id).await.unwrap();
    db.change_head(&everything(), id, before.version, &change, &actor()).await.unwrap();

    let after = db.household(&everything(), id).await.unwrap();
    assert_eq!(after.head_name.as_deref(), Some("李秀英"));
    assert_eq!(after.size, 3);
    assert_eq!(after.version, before.version + 1);
    let members = db.members(&everything(), id).await.unwrap();
    assert_eq!(
        current(&members),
        vec![(k("李秀英"), Relation::Head), (k("王小明"), Relation::Son), (k("张丽"), Relation::DaughterInLaw)]
    );
    let gone = members.iter().find(|m| m.data.name == "王建国").unwrap();
    assert_eq!(gone.left_on, Some(date("2026-11-01")));
    assert_eq!(gone.left_reason.as_deref(), Some("死亡（户主变更）"));
    let history = db.history(&everything(), id).await.unwrap();
    let head = history.iter().find(|e| e.kind == "head").unwrap();
    assert_eq!((head.from_value.as_deref(), head.to_value.as_deref()), (Some("王建国"), Some("李秀英")));
    assert_eq!(head.reason, "原户主去世");

    // The same form sent again is stale: the household changed since it was read.
    let again = db.change_head(&everything(), id, before.version, &change, &actor()).await.unwrap_err();
    assert!(matches!(again, DomainError::Stale(_)), "{again:?}");
});

conformance!(a_son_splits_off_with_his_wife_into_a_new_numbered_household, |db: Db| async move {
    let (id, members) = family(&db, "4117021012010002", 21).await;
    let (son, dil) = (named(&members, "王小明"), named(&members, "张丽"));
    let f = form(&[
        (move_field(son.id), "1"),
        (move_field(dil.id), "1"),
        (relation_field(son.id), "户主"),
        (relation_field(dil.id), "配偶"),
        (k("effective_on"), "2026-10-08"),
        (k("reason"), "子女成家另立户"),
    ]);
    let split = SplitHousehold::parse(&f, &members, today()).unwrap();
    let version = db.household(&everything(), id).await.unwrap().version;
    let new = db.split_household(&everything(), id, version, &split, &actor()).await.unwrap();

    let old = db.household(&everything(), id).await.unwrap();
    let created = db.household(&everything(), new).await.unwrap();
    assert_eq!((old.size, created.size), (2, 2));
    // Numbered next in the village, the rest of the record carried over.
    assert_eq!(created.data.household_no, "4117021012010003");
    assert_eq!(created.data.village_code, old.data.village_code);
    assert_eq!(created.data.status, old.data.status);
    assert_eq!(created.head_name.as_deref(), Some("王小明"));
    let moved = db.members(&everything(), new).await.unwrap();
    assert_eq!(current(&moved), vec![(k("王小明"), Relation::Head), (k("张丽"), Relation::Spouse)]);
    assert_eq!(moved[0].data.joined_on, Some(date("2026-10-08")));
    assert_eq!(moved[0].data.id_number, son.data.id_number);
    // The old household keeps its past: the two left on that day, nothing was erased.
    let left = db.members(&everything(), id).await.unwrap();
    assert_eq!(left.len(), 4);
    assert_eq!(
        left.iter().find(|m| m.id == son.id).unwrap().left_reason.as_deref(),
        Some("分户：另立新户 4117021012010003")
    );
    let kinds: Vec<String> = db.history(&everything(), new).await.unwrap().into_iter().map(|e| e.kind).collect();
    assert_eq!(kinds, vec!["split_from", "status"]);
    assert!(db.history(&everything(), id).await.unwrap().iter().any(|e| e.kind == "split"));
    assert_eq!(db.household_by_no(&everything(), "4117021012010003").await.unwrap(), Some(new));
});

conformance!(parents_merge_into_their_sons_household_which_deregisters_theirs, |db: Db| async move {
    let parents = registered(&db, "4117021012010004", SHAHEDIAN_VILLAGE, 31).await;
    let son = db
        .create_household(
            &everything(),
            &register(
                &household("4117021012010005", SHAHEDIAN_VILLAGE, &[]),
                &[member("王小明", "男", &id("19900101", 31, true), "户主")],
                None,
            ),
            &actor(),
        )
        .await
        .unwrap();
    let incoming = db.members(&everything(), parents).await.unwrap();
    let into = db.members(&everything(), son).await.unwrap();
    let f = form(&[
        (relation_field(named(&incoming, "王建国").id), "父母"),
        (relation_field(named(&incoming, "李秀英").id), "父母"),
        (k("effective_on"), "2026-09-01"),
        (k("reason"), "老人随子女合户"),
    ]);
    let merge = MergeHouseholds::parse(&f, parents, &into, &incoming, today()).unwrap();
    let version = db.household(&everything(), son).await.unwrap().version;
    db.merge_households(&everything(), son, version, &merge, &actor()).await.unwrap();

    let merged = db.household(&everything(), son).await.unwrap();
    assert_eq!(merged.size, 3);
    let gone = db.household(&everything(), parents).await.unwrap();
    assert_eq!(gone.size, 0);
    assert_eq!(gone.deregistered, Some((date("2026-09-01"), DeregisterReason::Merged)));
    assert_eq!(gone.head_name, None);
    assert_eq!(db.household_by_no(&everything(), "4117021012010004").await.unwrap(), None);
    let h = db.history(&everything(), parents).await.unwrap();
    let last = h.iter().find(|e| e.kind == "merged_into").unwrap();
    assert_eq!(last.to_value.as_deref(), Some("4117021012010005"));
    // Nothing more happens to a household that is no longer on the register.
    let d = Deregister { kind: DeregisterReason::Died, on: date("2026-10-01"), note: String::new() };
    let refused = db.deregister_household(&everything(), parents, gone.version, &d, &actor()).await.unwrap_err();
    assert_eq!(refused.to_string(), "输入有误: effective_on: 户编号 4117021012010004 已于2026-09-01注销，不能注销");
});

conformance!(deregistering_ends_every_membership_on_the_day_and_keeps_the_record, |db: Db| async move {
    let hid = registered(&db, "4117021012010006", SHAHEDIAN_VILLAGE, 41).await;
    let members = db.members(&everything(), hid).await.unwrap();
    let f: HashMap<String, String> =
        [(k("deregister_reason"), k("迁出")), (k("effective_on"), k("2026-08-15")), (k("note"), k("整户迁往郑州"))]
            .into();
    let d = Deregister::parse(&f, &members, today()).unwrap();
    let h = db.household(&everything(), hid).await.unwrap();
    db.deregister_household(&everything(), hid, h.version, &d, &actor()).await.unwrap();
    let h = db.household(&everything(), hid).await.unwrap();
    assert_eq!(h.size, 0);
    assert!(!h.is_current());
    let members = db.members(&everything(), hid).await.unwrap();
    assert_eq!(members.len(), 2);
    assert!(members.iter().all(|m| m.left_reason.as_deref() == Some("整户注销：迁出（整户迁往郑州）")));
    let e = db.history(&everything(), hid).await.unwrap().into_iter().find(|e| e.kind == "deregister").unwrap();
    assert_eq!((e.to_value.as_deref(), e.effective_on), (Some("moved_out"), date("2026-08-15")));
    // No member can be added to it any more.
    let refused = db
        .add_member(&everything(), hid, &joins(&member("王小明", "男", &id("19900101", 41, true), "之子")), &actor())
        .await
        .unwrap_err();
    assert_eq!(refused.to_string(), "输入有误: name: 该户已于2026-08-15注销，不能增员");
});

conformance!(a_member_cannot_leave_before_the_day_they_joined, |db: Db| async move {
    let hid = registered(&db, "4117021012010007", SHAHEDIAN_VILLAGE, 51).await;
    let mut child = member("王小明", "男", &id("20100101", 51, true), "之子");
    child.joined_on = Some(date("2020-03-01"));
    child.join_reason = Some("投靠".into());
    let mid = db.add_member(&everything(), hid, &joins(&child), &actor()).await.unwrap();
    let refused =
        db.member_leaves(&everything(), mid, &leaves(date("2019-12-31"), "婚出"), &actor()).await.unwrap_err();
    assert_eq!(refused.to_string(), "输入有误: left_on: 减员日期不能早于加入日期（2020-03-01）");
    db.member_leaves(&everything(), mid, &leaves(date("2020-03-01"), "婚出"), &actor()).await.unwrap();
});

conformance!(a_visit_is_not_before_the_household_was_identified_nor_after_it_was_deregistered, |db: Db| async move {
    use bangfu_core::assistance::VisitData;
    use bangfu_core::store::VisitStore;
    let hid = registered(&db, "4117021012010008", SHAHEDIAN_VILLAGE, 61).await;
    let visit = |on: &str| {
        let f: HashMap<String, String> =
            [(k("visited_on"), k(on)), (k("visitors"), k("李干事")), (k("found"), k("户主腰伤好转"))].into();
        VisitData::parse(&f, today()).unwrap()
    };
    let refused = db.record_visit(&everything(), hid, &visit("2014-09-30"), &actor()).await.unwrap_err();
    assert_eq!(refused.to_string(), "输入有误: visited_on: 走访日期早于该户的首次识别时间（2014-10-01）");
    db.record_visit(&everything(), hid, &visit("2026-01-10"), &actor()).await.unwrap();
    let members = db.members(&everything(), hid).await.unwrap();
    let f: HashMap<String, String> =
        [(k("deregister_reason"), k("自然消亡")), (k("effective_on"), k("2026-02-01"))].into();
    let d = Deregister::parse(&f, &members, today()).unwrap();
    let version = db.household(&everything(), hid).await.unwrap().version;
    db.deregister_household(&everything(), hid, version, &d, &actor()).await.unwrap();
    let refused = db.record_visit(&everything(), hid, &visit("2026-02-02"), &actor()).await.unwrap_err();
    assert_eq!(refused.to_string(), "输入有误: visited_on: 该户已于2026-02-01注销，走访日期不能晚于注销日期");
});
