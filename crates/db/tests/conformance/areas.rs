//! 选择村: the area search the pickers use, bounded and inside the scope, on both backends.

use super::*;
use bangfu_core::area::{AreaLevel, AreaSearch};

fn labels(found: &[bangfu_core::area::AreaMatch]) -> Vec<String> {
    found.iter().map(|m| m.label()).collect()
}

conformance!(villages_are_found_by_part_of_their_name_labelled_by_township_in_code_order, |db: Db| async move {
    let county = scope_of(&db, "411702000000").await;
    let found =
        db.search_areas(&county, &AreaSearch::parse(&county, "老庄", Some(AreaLevel::Village), 20)).await.unwrap();
    assert_eq!(
        labels(&found),
        vec!["诸市镇 · 马老庄村民委员会", "蚁蜂镇 · 老庄村民委员会", "蚁蜂镇 · 南老庄村民委员会"]
    );
    // A township's name and a village's together narrow it down; a code prefix does too.
    let both = AreaSearch::parse(&county, "沙河店 李庄", Some(AreaLevel::Village), 20);
    assert_eq!(labels(&db.search_areas(&county, &both).await.unwrap()), vec!["沙河店镇 · 大李庄村民委员会"]);
    let by_code = AreaSearch::parse(&county, "4117021042", Some(AreaLevel::Village), 20);
    let by_code = db.search_areas(&county, &by_code).await.unwrap();
    assert_eq!(by_code.len(), 13, "蚁蜂镇's villages 411702104200–212");
    assert!(by_code.iter().all(|m| m.area.code.as_str().starts_with("4117021042")));
    // Without a level, townships come too, each before its villages.
    let any = db.search_areas(&county, &AreaSearch::parse(&county, "蚁蜂", None, 3)).await.unwrap();
    assert_eq!(labels(&any), vec!["驿城区 · 蚁蜂镇", "蚁蜂镇 · 蚁蜂村民委员会", "蚁蜂镇 · 老庄村民委员会"]);
    assert_eq!(any[0].area.level, AreaLevel::Township);
});

conformance!(an_area_search_never_leaves_the_scope_and_stops_at_its_limit, |db: Db| async move {
    let township = scope_of(&db, SHAHEDIAN).await;
    let county = scope_of(&db, "411702000000").await;
    // 老庄 is in 蚁蜂镇: a 沙河店镇 clerk finds nothing, not even by its code.
    let s = AreaSearch::parse(&township, "老庄", Some(AreaLevel::Village), 20);
    assert!(db.search_areas(&township, &s).await.unwrap().is_empty());
    let s = AreaSearch::parse(&township, "411702104201", None, 20);
    assert!(db.search_areas(&township, &s).await.unwrap().is_empty());
    // A search made for a wider scope is cut to the caller's.
    let wide = AreaSearch::parse(&county, "", Some(AreaLevel::Village), 50);
    let cut = db.search_areas(&township, &wide).await.unwrap();
    assert_eq!(cut.len(), 16, "沙河店镇's 16 villages");
    assert!(cut.iter().all(|m| township.contains(&m.area.code)));
    // The scope's own area is never offered; the limit holds; % and _ are only letters.
    let all = db.search_areas(&county, &AreaSearch::parse(&county, "", None, 20)).await.unwrap();
    assert_eq!(all.len(), 20);
    assert!(all.iter().all(|m| m.area.code.as_str() != "411702000000"));
    // …unless it may be chosen too (an account or a helper of the district itself).
    let own = AreaSearch::parse(&county, "411702000000", None, 20);
    assert!(db.search_areas(&county, &own).await.unwrap().is_empty());
    assert_eq!(labels(&db.search_areas(&county, &own.with_root()).await.unwrap()), vec!["驻马店市 · 驿城区"]);
    assert!(db.search_areas(&county, &AreaSearch::parse(&county, "%", None, 20)).await.unwrap().is_empty());
    assert!(db.search_areas(&county, &AreaSearch::parse(&county, "_", None, 20)).await.unwrap().is_empty());
});

conformance!(areas_are_labelled_in_one_query_and_only_inside_the_scope, |db: Db| async move {
    let township = scope_of(&db, SHAHEDIAN).await;
    let codes = [code(SHAHEDIAN_VILLAGE), code(YIFENG_VILLAGE), code(SHAHEDIAN_VILLAGE), code("411702101999")];
    let found = db.labelled_areas(&township, &codes).await.unwrap();
    assert_eq!(labels(&found), vec!["沙河店镇 · 沙东村民委员会"]);
    assert_eq!(db.labelled_areas(&everything(), &codes).await.unwrap().len(), 2);
});

conformance!(the_yicheng_division_list_loads_with_its_21_townships_and_206_villages, |db: Db| async move {
    assert_eq!(db.count_areas().await.unwrap(), 3 + 21 + 206);
    let townships = db.children(&code("411702000000")).await.unwrap();
    assert_eq!(townships.len(), 21);
    assert!(townships.iter().any(|t| t.name == "沙河店镇"));
    // Loading the same list again changes nothing.
    let areas = bangfu_db::read_divisions(bangfu_db::YICHENG_DIVISIONS.as_bytes(), "x").unwrap();
    assert_eq!(db.upsert_areas(&areas).await.unwrap(), 0);
});

conformance!(counts_per_township_cover_only_the_users_scope, |db: Db| async move {
    registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    db.create_household(
        &everything(),
        &register(
            &household(
                "4117021012010002",
                SHAHEDIAN_VILLAGE,
                &[("status", "已脱贫（享受政策）"), ("exit_year", "2019")],
            ),
            &couple(3),
            None,
        ),
        &actor(),
    )
    .await
    .unwrap();
    // An ordinary household under check: counted as a household, not as a 脱贫户.
    let ordinary: std::collections::HashMap<&str, &str> =
        [("household_no", "4117021012010003"), ("village_code", SHAHEDIAN_VILLAGE), ("household_type", "一般农户")]
            .into();
    let ordinary = HouseholdData::parse(&ordinary, today()).unwrap();
    db.create_household(&everything(), &register(&ordinary, &couple(7), None), &actor()).await.unwrap();
    registered(&db, "4117021042010001", YIFENG_VILLAGE, 5).await;
    let district = code("411702000000");
    let counts = db.counts_by_child_area(&everything(), &district).await.unwrap();
    assert_eq!(counts.len(), 21);
    let sh = counts.iter().find(|c| c.area.name == "沙河店镇").unwrap();
    assert_eq!((sh.households, sh.tuopin, sh.people), (3, 2, 6));
    let shahedian = scope_of(&db, SHAHEDIAN).await;
    let mine = db.counts_by_child_area(&shahedian, &district).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].area.name, "沙河店镇");
});
