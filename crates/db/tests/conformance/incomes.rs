//! Income per period: the household size stored with each record, sub-items, and the
//! confirmation a replacement needs.

use bangfu_core::DomainError;
use bangfu_core::audit::AuditAction;
use bangfu_core::household::*;
use bangfu_core::money::Fen;
use bangfu_core::store::{HouseholdStore, IncomeStore};
use bangfu_db::Db;
use bangfu_db::audit::AuditFilter;
use chrono::NaiveDate;

use crate::conformance;
use crate::fixtures::*;
use crate::harness::everything;

fn year(y: i32, size: i64, wages_yuan: i64) -> Income {
    Income::of_year(y, size, [Some(Fen(wages_yuan * 100)), None, None, None, None])
}

conformance!(a_past_years_per_person_income_is_unchanged_after_a_member_leaves, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let size = db.household(&everything(), h).await.unwrap().size;
    assert_eq!(size, 2);
    db.record_income(&everything(), h, &recording(&year(2024, size, 20_000), false), &actor()).await.unwrap();
    let wife = db.members(&everything(), h).await.unwrap()[1].id;
    db.member_leaves(&everything(), wife, &leaves(NaiveDate::from_ymd_opt(2025, 3, 1).unwrap(), "死亡"), &actor())
        .await
        .unwrap();
    assert_eq!(db.household(&everything(), h).await.unwrap().size, 1);
    db.record_income(&everything(), h, &recording(&year(2025, 1, 12_000), false), &actor()).await.unwrap();
    let incomes = db.incomes(&everything(), h).await.unwrap();
    assert_eq!(
        incomes.iter().map(|i| (i.period.code(), i.household_size)).collect::<Vec<_>>(),
        [("2025".to_owned(), 1), ("2024".to_owned(), 2)]
    );
    assert_eq!(incomes[1].net_per_person(), Some(Fen(1_000_000)), "2024: 20 000 ÷ 2, as it was");
    assert_eq!(incomes[0].net_per_person(), Some(Fen(1_200_000)));
});

conformance!(a_twelve_month_window_with_sub_items_and_blank_totals_is_kept_as_typed, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let f: std::collections::HashMap<&str, &str> = [
        ("period", "2025-12至2026-11"),
        ("household_size", "2"),
        ("item_migrant_work", "18000"),
        ("note_migrant_work", "在郑州务工9个月"),
        ("item_dibao", "3600"),
        ("claims", "1500"),
        ("out_of_pocket", "4000"),
    ]
    .into_iter()
    .collect();
    let income = parse_income_form(&f, NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(), 2).unwrap().unwrap();
    db.record_income(&everything(), h, &recording(&income, false), &actor()).await.unwrap();
    let back = db.incomes(&everything(), h).await.unwrap().remove(0);
    assert_eq!(back, income);
    assert_eq!(back.period, IncomePeriod::TwelveMonths { end_year: 2026, end_month: 11 });
    assert_eq!((back.wages, back.operating, back.transfer), (Some(Fen(1_800_000)), None, Some(Fen(360_000))));
    assert_eq!(back.items[0].note.as_deref(), Some("在郑州务工9个月"));
    // (18 000 + 3 600 + 1 500 − 4 000) ÷ 2 = 9 550 元
    assert_eq!(back.net_per_person(), Some(Fen(955_000)));
});

conformance!(replacing_a_periods_figures_needs_confirmation_and_is_audited_before_to_after, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let mut first = year(2025, 2, 10_000);
    first.items =
        vec![IncomeItem {
            kind: IncomeItemKind::MigrantWork, amount: Fen(1_000_000), note: Some("外出务工".into())
        }];
    db.record_income(&everything(), h, &recording(&first, false), &actor()).await.unwrap();
    let second = year(2025, 2, 16_000);
    let err = db.record_income(&everything(), h, &recording(&second, false), &actor()).await.unwrap_err();
    match err {
        DomainError::Conflict { field, message } => {
            assert_eq!(field, "period");
            assert_eq!(message, "2025年度已登记收入；如需替换，请核对后确认替换");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(db.incomes(&everything(), h).await.unwrap(), vec![first.clone()], "the refusal changed nothing");
    db.record_income(&everything(), h, &recording(&second, true), &actor()).await.unwrap();
    assert_eq!(db.incomes(&everything(), h).await.unwrap(), vec![second.clone()], "old sub-items no longer count");
    let (log, _) = db
        .audit_entries(&AuditFilter { object_type: Some("household".into()), ..Default::default() }, 10, 0)
        .await
        .unwrap();
    let changes: Vec<_> = log.iter().filter(|e| e.field.as_deref() == Some("income_2025")).collect();
    assert_eq!(changes.len(), 2, "the refused attempt left no audit row");
    assert_eq!(changes[0].action, AuditAction::Update);
    assert_eq!(changes[0].before_value.as_deref(), Some(first.describe().as_str()));
    assert_eq!(changes[0].after_value.as_deref(), Some(second.describe().as_str()));
    assert!(first.describe().contains("务工收入 10000.00（外出务工）") && first.describe().contains("财产性收入 未填"));
});

conformance!(an_income_outside_the_users_area_is_not_found, |db: Db| async move {
    let h = registered(&db, "4117021042010001", YIFENG_VILLAGE, 1).await;
    let shahedian = crate::scope_of(&db, SHAHEDIAN).await;
    assert!(matches!(
        db.record_income(&shahedian, h, &recording(&year(2025, 2, 1), false), &actor()).await,
        Err(DomainError::NotFound)
    ));
    assert!(matches!(db.incomes(&shahedian, h).await, Err(DomainError::NotFound)));
});

conformance!(income_is_kept_per_year_in_fen_and_net_per_person_is_computed, |db: Db| async move {
    let first = Income::of_year(
        2024,
        2,
        [Some(Fen(1_200_000)), Some(Fen(300_000)), Some(Fen(50_000)), Some(Fen(250_000)), Some(Fen(100_000))],
    );
    let h = db
        .create_household(
            &everything(),
            &register(&household("4117021012010001", SHAHEDIAN_VILLAGE, &[]), &couple(1), Some(&first)),
            &actor(),
        )
        .await
        .unwrap();
    let second = Income { period: IncomePeriod::Year(2025), wages: Some(Fen(1_500_000)), ..first.clone() };
    db.record_income(&everything(), h, &recording(&second, false), &actor()).await.unwrap();
    // Recording 2025 again replaces it only when asked to, and never duplicates.
    let corrected = Income { wages: Some(Fen(1_400_001)), ..second.clone() };
    let refused = db.record_income(&everything(), h, &recording(&corrected, false), &actor()).await.unwrap_err();
    assert!(matches!(&refused, DomainError::Conflict { field, .. } if field == "period"), "{refused:?}");
    assert_eq!(db.incomes(&everything(), h).await.unwrap(), vec![second.clone(), first.clone()], "nothing replaced");
    db.record_income(&everything(), h, &recording(&corrected, true), &actor()).await.unwrap();
    let incomes = db.incomes(&everything(), h).await.unwrap();
    assert_eq!(incomes, vec![corrected.clone(), first.clone()]);
    // (14 000.01 + 3 000 + 500 + 2 500 − 1 000) ÷ 2 = 9 500.005 → 9 500.01 元
    assert_eq!(incomes[0].net_per_person(), Some(Fen(950_001)));
    let bad = Income { transfer: Some(Fen(-1)), ..first };
    assert!(matches!(
        db.record_income(&everything(), h, &recording(&bad, true), &actor()).await,
        Err(DomainError::Invalid(_))
    ));
});
