use super::*;
use crate::household::id_number::check_char;
use crate::household::model::{Household, HouseholdData};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
}

fn day(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

/// A member as stored: `id`, name, sex, relation, the first 17 ID digits, and when they joined.
fn person(id: i64, name: &str, sex: &str, relation: &str, first17: &str, joined: Option<&str>) -> Member {
    let mut f: HashMap<String, String> = HashMap::new();
    f.insert("name".into(), name.into());
    f.insert("sex".into(), sex.into());
    f.insert("relation".into(), relation.into());
    f.insert("id_number".into(), format!("{first17}{}", check_char(first17)));
    if let Some(j) = joined {
        f.insert("joined_on".into(), j.into());
        f.insert("join_reason".into(), "婚入".into());
    }
    let data = MemberData::parse(&f, today()).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    Member { id: MemberId(id), household_id: HouseholdId(1), data, left_on: None, left_reason: None, version: 1 }
}

/// 王建国's household: his wife, their son and daughter-in-law, and a grandchild.
fn family() -> Vec<Member> {
    vec![
        person(1, "王建国", "男", "户主", "41170219550101001", None),
        person(2, "李秀英", "女", "配偶", "41170219570101002", None),
        person(3, "王小明", "男", "之子", "41170219850101001", None),
        person(4, "张丽", "女", "之儿媳", "41170219870101002", Some("2010-05-01")),
        person(5, "王乐乐", "男", "孙子", "41170220120101001", None),
    ]
}

fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn messages(errors: &[FieldError]) -> Vec<String> {
    errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect()
}

#[test]
fn when_the_head_dies_his_wife_takes_over_and_the_children_stay_children() {
    let members = family();
    let f = form(&[
        ("new_head", "2"),
        ("outgoing", "leaves"),
        ("left_reason", "死亡"),
        ("relation.3", "之子"),
        ("relation.4", "之儿媳"),
        ("relation.5", "孙子女"),
        ("effective_on", "2026-11-20"),
        ("reason", "原户主去世"),
    ]);
    let change = ChangeHead::parse(&f, &members, today()).unwrap();
    assert_eq!(change.old_head, MemberId(1));
    assert_eq!(change.new_head, MemberId(2));
    assert_eq!(change.outgoing, OutgoingHead::Leaves("死亡".into()));
    let after: Vec<(&str, Relation)> = change.after(&members).iter().map(|(m, r)| (m.data.name.as_str(), *r)).collect();
    assert_eq!(
        after,
        vec![
            ("李秀英", Relation::Head),
            ("王小明", Relation::Son),
            ("张丽", Relation::DaughterInLaw),
            ("王乐乐", Relation::Grandchild)
        ]
    );
}

#[test]
fn a_head_change_asks_for_every_relation_and_refuses_a_second_spouse_of_the_same_sex() {
    let members = family();
    // The son takes over; the father stays but nobody said how, and the grandchild is left out.
    let f = form(&[("new_head", "3"), ("relation.2", "父母"), ("relation.4", "配偶"), ("effective_on", "2026-11-20")]);
    let errs = ChangeHead::parse(&f, &members, today()).unwrap_err();
    assert_eq!(
        messages(&errs),
        vec![
            "reason: 请填写户主变更原因（如 原户主去世、原户主年老）",
            "outgoing: 请选择王建国与新户主的关系，或选择“减员”",
            "relation.5: 请选择王乐乐与新户主的关系",
        ]
    );
    // Naming the mother as the son's spouse clashes with the daughter-in-law… and with her sex.
    let f = form(&[
        ("new_head", "3"),
        ("outgoing", "父母"),
        ("relation.2", "配偶"),
        ("relation.4", "配偶"),
        ("relation.5", "之子"),
        ("effective_on", "2026-11-20"),
        ("reason", "原户主年老"),
    ]);
    let errs = ChangeHead::parse(&f, &members, today()).unwrap_err();
    assert_eq!(messages(&errs), vec!["new_head: 该户有2名配偶，应至多一名"]);
    let f = form(&[
        ("new_head", "3"),
        ("outgoing", "父母"),
        ("relation.2", "父母"),
        ("relation.4", "配偶"),
        ("relation.5", "之子"),
        ("effective_on", "2026-11-20"),
        ("reason", "原户主年老"),
    ]);
    let change = ChangeHead::parse(&f, &members, today()).unwrap();
    assert_eq!(change.outgoing, OutgoingHead::Stays(Relation::Parent));
}

#[test]
fn a_head_change_refuses_a_relation_that_names_the_other_sex() {
    let members = family();
    let f = form(&[
        ("new_head", "2"),
        ("outgoing", "配偶"),
        ("relation.3", "之女"),
        ("relation.4", "之儿媳"),
        ("relation.5", "孙子女"),
        ("effective_on", "2026-11-20"),
        ("reason", "原户主年老"),
    ]);
    let errs = ChangeHead::parse(&f, &members, today()).unwrap_err();
    assert_eq!(messages(&errs), vec!["relation.3: 王小明：与户主关系“之女”与性别“男”不符"]);
}

#[test]
fn the_form_suggests_relations_to_the_new_head() {
    use Relation::*;
    // The wife takes over from her husband.
    assert_eq!(suggested_relation(Head, Spouse, Sex::Male, Sex::Male), Spouse);
    assert_eq!(suggested_relation(Son, Spouse, Sex::Male, Sex::Male), Son);
    assert_eq!(suggested_relation(Parent, Spouse, Sex::Female, Sex::Male), ParentInLawH);
    // The son takes over: his mother is a parent, his wife his spouse, his child his son.
    assert_eq!(suggested_relation(Spouse, Son, Sex::Female, Sex::Male), Parent);
    assert_eq!(suggested_relation(DaughterInLaw, Son, Sex::Female, Sex::Male), Spouse);
    assert_eq!(suggested_relation(Grandchild, Son, Sex::Male, Sex::Male), Son);
    assert_eq!(suggested_relation(Daughter, Son, Sex::Female, Sex::Male), Sibling);
}

#[test]
fn a_split_moves_a_couple_out_with_one_of_them_as_head() {
    let members = family();
    let f = form(&[
        ("move.3", "1"),
        ("move.4", "1"),
        ("move.5", "1"),
        ("relation.3", "户主"),
        ("relation.4", "配偶"),
        ("relation.5", "之子"),
        ("effective_on", "2026-11-20"),
        ("reason", "子女成家另立户"),
    ]);
    let split = SplitHousehold::parse(&f, &members, today()).unwrap();
    assert_eq!(
        split.moving,
        vec![(MemberId(3), Relation::Head), (MemberId(4), Relation::Spouse), (MemberId(5), Relation::Son)]
    );
    assert_eq!(split.household_no, None);
}

#[test]
fn a_split_needs_one_head_keeps_the_old_head_and_never_empties_the_household() {
    let members = family();
    let f = form(&[
        ("move.3", "1"),
        ("move.4", "1"),
        ("relation.3", "之子"),
        ("relation.4", "配偶"),
        ("effective_on", "2026-11-20"),
        ("reason", "分户"),
    ]);
    let errs = SplitHousehold::parse(&f, &members, today()).unwrap_err();
    assert_eq!(messages(&errs), vec!["relation: 该户没有户主"]);
    let f = form(&[("move.1", "1"), ("relation.1", "户主"), ("effective_on", "2026-11-20"), ("reason", "分户")]);
    let errs = SplitHousehold::parse(&f, &members, today()).unwrap_err();
    assert_eq!(messages(&errs)[0], "move.1: 王建国是本户户主，不能分出：请先办理户主变更");
    let f = form(&[("effective_on", "2026-11-20"), ("reason", "分户")]);
    let errs = SplitHousehold::parse(&f, &members, today()).unwrap_err();
    assert_eq!(messages(&errs), vec!["members: 请勾选分出的成员"]);
    // Not before the daughter-in-law joined.
    let f = form(&[("move.4", "1"), ("relation.4", "户主"), ("effective_on", "2009-01-01"), ("reason", "分户")]);
    let errs = SplitHousehold::parse(&f, &members, today()).unwrap_err();
    assert_eq!(messages(&errs), vec!["effective_on: 张丽的加入日期为2010-05-01，日期不能早于加入日期"]);
}

#[test]
fn a_merge_keeps_this_households_head_and_asks_how_each_newcomer_relates() {
    let into = vec![person(10, "王小明", "男", "户主", "41170219850101001", None)];
    let from = vec![
        person(1, "王建国", "男", "户主", "41170219550101001", None),
        person(2, "李秀英", "女", "配偶", "41170219570101002", None),
    ];
    let f = form(&[
        ("relation.1", "户主"),
        ("relation.2", "父母"),
        ("effective_on", "2026-11-20"),
        ("reason", "老人随子女合户"),
    ]);
    let errs = MergeHouseholds::parse(&f, HouseholdId(2), &into, &from, today()).unwrap_err();
    assert_eq!(messages(&errs), vec!["relation: 该户有2名户主，应只有一名"]);
    let f = form(&[("relation.1", "父母"), ("effective_on", "2026-11-20"), ("reason", "老人随子女合户")]);
    let errs = MergeHouseholds::parse(&f, HouseholdId(2), &into, &from, today()).unwrap_err();
    assert_eq!(messages(&errs), vec!["relation.2: 请选择李秀英与户主王小明的关系"]);
    let f = form(&[
        ("relation.1", "父母"),
        ("relation.2", "父母"),
        ("effective_on", "2026-11-20"),
        ("reason", "老人随子女合户"),
    ]);
    let merge = MergeHouseholds::parse(&f, HouseholdId(2), &into, &from, today()).unwrap();
    assert_eq!(merge.relations, vec![(MemberId(1), Relation::Parent), (MemberId(2), Relation::Parent)]);
}

#[test]
fn deregistering_needs_a_reason_and_merging_is_its_own_event() {
    let members = family();
    let d = Deregister::parse(
        &form(&[("deregister_reason", "自然消亡"), ("effective_on", "2026-11-20")]),
        &members,
        today(),
    )
    .unwrap();
    assert_eq!(d.wording(), "整户注销：自然消亡");
    let errs =
        Deregister::parse(&form(&[("deregister_reason", "合户"), ("effective_on", "2026-11-20")]), &members, today())
            .unwrap_err();
    assert_eq!(messages(&errs), vec!["deregister_reason: 合户请在“合户”中办理，以便成员并入另一户"]);
    let errs = Deregister::parse(&form(&[("deregister_reason", "其他"), ("effective_on", "")]), &members, today())
        .unwrap_err();
    assert_eq!(messages(&errs), vec!["effective_on: 请填写日期", "note: 注销原因为“其他”时请写明情况"]);
    let d = Deregister::parse(
        &form(&[("deregister_reason", "迁出"), ("effective_on", "2026-11-20"), ("note", "整户迁往郑州")]),
        &members,
        today(),
    )
    .unwrap();
    assert_eq!(d.wording(), "整户注销：迁出（整户迁往郑州）");
}

#[test]
fn a_date_about_a_household_is_not_before_it_was_identified_nor_after_it_was_deregistered() {
    let data = HouseholdData::parse(
        &form(&[
            ("household_no", "4117021012010001"),
            ("village_code", "411702101201"),
            ("standard", "国家标准"),
            ("attribute", "一般贫困户"),
            ("main_cause", "因病"),
            ("status", "已脱贫（享受政策）"),
            ("exit_year", "2018"),
            ("first_identified_on", "2014-10-01"),
        ]),
        today(),
    )
    .unwrap();
    let mut h = Household {
        id: HouseholdId(1),
        data,
        head_name: None,
        size: 1,
        version: 1,
        monitoring_type: None,
        deregistered: None,
    };
    assert_eq!(
        h.check_date("visited_on", "走访日期", day("2014-09-30")).unwrap_err().message,
        "走访日期早于该户的首次识别时间（2014-10-01）"
    );
    assert!(h.check_date("visited_on", "走访日期", day("2014-10-01")).is_ok());
    h.deregistered = Some((day("2026-06-30"), DeregisterReason::Died));
    assert_eq!(
        h.check_date("visited_on", "走访日期", day("2026-07-01")).unwrap_err().message,
        "该户已于2026-06-30注销，走访日期不能晚于注销日期"
    );
}
