//! 帮扶: helpers assigned to households, and the "no helper" worklist.

use std::collections::HashMap;

use bangfu_core::DomainError;
use bangfu_core::area::{AreaCode, Scope};
use bangfu_core::assistance::{HelperData, UnitData, UnitLevel};
use bangfu_core::store::{AreaStore, AssistanceStore, HouseholdStore, Page, UnitStore};
use bangfu_db::Db;
use chrono::NaiveDate;

use crate::conformance;
use crate::fixtures::*;
use crate::harness::everything;

fn helper(name: &str, area: &str, id_number: &str) -> HelperData {
    let f: HashMap<&str, &str> =
        [("name", name), ("area_code", area), ("phone", "13900000001"), ("id_number", id_number)].into_iter().collect();
    HelperData::parse(&f, today()).unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

async fn worklist(db: &Db, scope: &Scope) -> Vec<i64> {
    db.households_without_helper(scope, Page { number: 1, size: 50 }).await.unwrap().0.iter().map(|h| h.id.0).collect()
}

conformance!(
    a_household_without_a_helper_is_on_the_worklist_until_one_is_assigned_and_history_is_kept,
    |db: Db| async move {
        let renmin = UnitData {
            name: "人民街道办事处".into(),
            level: UnitLevel::Township,
            area_code: AreaCode::parse("411702001000").unwrap(),
        };
        let unit = db.create_unit(&everything(), &renmin, &actor()).await.unwrap();
        assert!(matches!(
            db.create_unit(&everything(), &renmin, &actor()).await,
            Err(DomainError::Conflict { field, .. }) if field == "name"
        ));
        assert_eq!(db.units(&everything()).await.unwrap()[0].id, unit);
        let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
        let exited = db
            .create_household(
                &everything(),
                &register(
                    &household(
                        "4117021012010002",
                        SHAHEDIAN_VILLAGE,
                        &[("status", "已脱贫（不再享受政策）"), ("exit_year", "2019")],
                    ),
                    &couple(3),
                    None,
                ),
                &actor(),
            )
            .await
            .unwrap();
        let shahedian = Scope::of(&db.area(&AreaCode::parse(SHAHEDIAN).unwrap()).await.unwrap().unwrap());
        assert_eq!(
            worklist(&db, &shahedian).await,
            vec![h.0],
            "a poor household needs a helper; a closed one does not"
        );
        let _ = exited;
        let li = db
            .create_helper(&shahedian, &helper("李干事", SHAHEDIAN, &id("19800202", 31, true)), &actor())
            .await
            .unwrap();
        let zhao = db.create_helper(&shahedian, &helper("赵干事", SHAHEDIAN_VILLAGE, ""), &actor()).await.unwrap();
        db.assign_helper(&shahedian, h, li, d("2024-01-01"), &actor()).await.unwrap();
        assert!(worklist(&db, &shahedian).await.is_empty(), "the gap is closed");
        db.assign_helper(&shahedian, h, zhao, d("2025-03-01"), &actor()).await.unwrap();
        let history = db.helper_history(&shahedian, h).await.unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!((history[0].helper.data.name.as_str(), history[0].end_on), ("赵干事", None));
        assert_eq!((history[1].helper.data.name.as_str(), history[1].end_on), ("李干事", Some(d("2025-03-01"))));
        assert!(db.assign_helper(&shahedian, h, zhao, d("2025-04-01"), &actor()).await.is_err(), "already the helper");
    }
);

conformance!(a_helper_outside_the_households_area_or_registered_as_poor_is_refused, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    // A helper of another village of the same township cannot help this household.
    let other_village = db.create_helper(&everything(), &helper("钱干事", "411702101202", ""), &actor()).await.unwrap();
    let err = db.assign_helper(&everything(), h, other_village, d("2024-01-01"), &actor()).await.unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(e) if e[0].message.contains("不在该户所在区域")), "{err}");
    // A registered poor person cannot be a helper.
    let err = db
        .create_helper(&everything(), &helper("王建国", SHAHEDIAN, &id("19650312", 1, true)), &actor())
        .await
        .unwrap_err();
    assert!(matches!(&err, DomainError::Invalid(e) if e[0].field == "id_number"), "{err}");
    // A township user cannot register a helper for another township.
    let shahedian = Scope::of(&db.area(&AreaCode::parse(SHAHEDIAN).unwrap()).await.unwrap().unwrap());
    assert!(db.create_helper(&shahedian, &helper("孙干事", "411702104000", ""), &actor()).await.is_err());
    assert!(db.helper_history(&shahedian, h).await.unwrap().is_empty());
});

conformance!(
    a_helper_who_leaves_releases_their_households_to_the_worklist_and_history_keeps_why,
    |db: Db| async move {
        let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
        let shahedian = Scope::of(&db.area(&AreaCode::parse(SHAHEDIAN).unwrap()).await.unwrap().unwrap());
        let li = db.create_helper(&shahedian, &helper("李干事", SHAHEDIAN, ""), &actor()).await.unwrap();
        db.assign_helper(&shahedian, h, li, d("2024-01-01"), &actor()).await.unwrap();
        assert!(worklist(&db, &shahedian).await.is_empty());
        let yifeng = Scope::of(&db.area(&AreaCode::parse("411702104000").unwrap()).await.unwrap().unwrap());
        assert!(matches!(
            db.retire_helper(&yifeng, li, d("2025-01-01"), "调往区直单位", &actor()).await,
            Err(DomainError::NotFound)
        ));
        let err = db.retire_helper(&shahedian, li, d("2023-12-01"), "调往区直单位", &actor()).await.unwrap_err();
        assert!(
            matches!(&err, DomainError::Invalid(e) if e[0].message == "调离日期不能早于其现有帮扶的开始日期"),
            "{err}"
        );
        assert!(matches!(
            db.retire_helper(&shahedian, li, d("2025-01-01"), " ", &actor()).await,
            Err(DomainError::Invalid(_))
        ));
        assert_eq!(worklist(&db, &shahedian).await, Vec::<i64>::new(), "refused attempts changed nothing");
        assert_eq!(db.retire_helper(&shahedian, li, d("2025-01-01"), "调往区直单位", &actor()).await.unwrap(), 1);
        assert_eq!(worklist(&db, &shahedian).await, vec![h.0], "the household needs a new helper");
        let history = db.helper_history(&shahedian, h).await.unwrap();
        assert_eq!(history[0].end_on, Some(d("2025-01-01")));
        assert_eq!(history[0].end_reason.as_deref(), Some("帮扶责任人调离：调往区直单位"));
        assert!(db.helpers(&shahedian).await.unwrap().is_empty(), "no longer offered");
        assert!(matches!(
            db.retire_helper(&shahedian, li, d("2025-01-02"), "x", &actor()).await,
            Err(DomainError::NotFound)
        ));
    }
);

conformance!(helpers_are_listed_a_page_at_a_time_by_name_inside_the_scope, |db: Db| async move {
    for name in ["丙干事", "甲干事", "乙干事"] {
        db.create_helper(&everything(), &helper(name, SHAHEDIAN_VILLAGE, ""), &actor()).await.unwrap();
    }
    db.create_helper(&everything(), &helper("丁干事", YIFENG_VILLAGE, ""), &actor()).await.unwrap();
    let shahedian = Scope::of(&db.area(&AreaCode::parse(SHAHEDIAN).unwrap()).await.unwrap().unwrap());
    let names = |page: &[bangfu_core::assistance::Helper]| page.iter().map(|h| h.data.name.clone()).collect::<Vec<_>>();
    let (first, total) = db.helper_page(&shahedian, Page { number: 1, size: 2 }).await.unwrap();
    let (second, _) = db.helper_page(&shahedian, Page { number: 2, size: 2 }).await.unwrap();
    assert_eq!(total, 3, "丁干事 of 蚁蜂镇 is not counted");
    let mut all = names(&first);
    all.extend(names(&second));
    let listed: Vec<_> = db.helpers(&shahedian).await.unwrap().iter().map(|h| h.data.name.clone()).collect();
    assert_eq!(all, listed, "the pages, in order, are the whole list");
    assert_eq!(first.len(), 2);
});
