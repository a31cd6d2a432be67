//! Lines as data: seeded national lines, entries and adjustments kept with their history,
//! the margin setting, and which lines a user's area sees.

use bangfu_core::DomainError;
use bangfu_core::line::*;
use bangfu_core::money::Fen;
use bangfu_core::store::LineStore;
use bangfu_db::Db;

use crate::conformance;
use crate::fixtures::*;
use crate::harness::everything;

fn data(kind: LineKind, year: i32, area: &str, yuan: i64) -> LineData {
    LineData {
        kind,
        year,
        area: LineArea::parse(area).unwrap(),
        amount: Fen(yuan * 100),
        document_no: None,
        effective_on: None,
        example: false,
        note: None,
    }
}

conformance!(the_national_poverty_lines_are_seeded_without_2016_to_2018, |db: Db| async move {
    let lines = db.lines(&everything()).await.unwrap();
    let national: Vec<(i32, i64)> = lines
        .iter()
        .filter(|l| l.data.kind == LineKind::Poverty && l.data.area == LineArea::National)
        .map(|l| (l.data.year, l.data.amount.0 / 100))
        .collect();
    assert_eq!(national, [(2020, 4_000), (2019, 3_218), (2015, 2_855), (2014, 2_800), (2013, 2_736)]);
    let l2020 = lines.iter().find(|l| l.data.year == 2020).unwrap();
    assert!(l2020.data.note.as_deref().unwrap().contains("近似"));
    assert_eq!(db.line_history(&everything(), l2020.id).await.unwrap().len(), 1);
});

conformance!(a_lines_history_keeps_every_adjustment_with_who_before_after_and_reason, |db: Db| async move {
    let mut d = data(LineKind::Monitoring, 2026, "410000000000", 7_000);
    d.example = true;
    let id = db.create_line(&everything(), &d, "演示用示例值", &actor()).await.unwrap();
    let again = db.create_line(&everything(), &d, "重复", &actor()).await.unwrap_err();
    assert!(matches!(&again, DomainError::Conflict { .. }), "{again:?}");
    let adjusted =
        LineData {
            amount: Fen(750_000), example: false, document_no: Some("豫农组〔2026〕1号".into()), ..d.clone()
        };
    assert!(matches!(
        db.adjust_line(&everything(), id, 1, &adjusted, " ", &actor()).await,
        Err(DomainError::Invalid(e)) if e[0].field == "reason"
    ));
    db.adjust_line(&everything(), id, 1, &adjusted, "省里发文", &actor()).await.unwrap();
    let moved = LineData { year: 2025, ..adjusted.clone() };
    assert!(matches!(
        db.adjust_line(&everything(), id, 2, &moved, "改年度", &actor()).await,
        Err(DomainError::Invalid(_))
    ));
    assert_eq!(db.line(&everything(), id).await.unwrap().data, adjusted);
    let history = db.line_history(&everything(), id).await.unwrap();
    let seen: Vec<_> =
        history.iter().map(|c| (c.before.map(|f| f.0), c.after.0, c.reason.as_str(), c.username.as_str())).collect();
    assert_eq!(seen, [(None, 700_000, "演示用示例值", "测试员"), (Some(700_000), 750_000, "省里发文", "测试员")]);
    assert_eq!(history[1].document_no.as_deref(), Some("豫农组〔2026〕1号"));
    let (log, _) = db
        .audit_entries(&bangfu_db::audit::AuditFilter { object_type: Some("line".into()), ..Default::default() }, 10, 0)
        .await
        .unwrap();
    assert_eq!(log.len(), 2, "entry and adjustment audited; refusals not");
    assert!(log[0].before_value.as_deref().unwrap().contains("7000.00元（示例值）"));
});

conformance!(a_township_sees_its_ancestors_lines_and_its_own_but_not_another_townships, |db: Db| async move {
    let mine = db
        .create_line(&everything(), &data(LineKind::Monitoring, 2025, SHAHEDIAN, 8_000), "试点", &actor())
        .await
        .unwrap();
    let other = db
        .create_line(&everything(), &data(LineKind::Monitoring, 2025, "411702104000", 8_100), "试点", &actor())
        .await
        .unwrap();
    let shahedian = crate::scope_of(&db, SHAHEDIAN).await;
    let seen: Vec<_> = db.lines(&shahedian).await.unwrap().into_iter().map(|l| l.id).collect();
    assert!(seen.contains(&mine) && !seen.contains(&other));
    assert!(matches!(db.line(&shahedian, other).await, Err(DomainError::NotFound)));
    let refused = db
        .create_line(&shahedian, &data(LineKind::Monitoring, 2025, "411702104000", 1), "越权", &actor())
        .await
        .unwrap_err();
    assert!(matches!(&refused, DomainError::Invalid(e) if e[0].field == "area_code"));
});

conformance!(the_margin_is_ten_percent_until_the_district_sets_it, |db: Db| async move {
    assert_eq!(db.line_margin_percent().await.unwrap(), 10);
    db.set_line_margin_percent(15, &actor()).await.unwrap();
    assert_eq!(db.line_margin_percent().await.unwrap(), 15);
    assert!(db.set_line_margin_percent(0, &actor()).await.is_err());
});

conformance!(
    an_adjustment_read_before_another_is_refused_naming_who_adjusted_and_nothing_is_saved,
    |db: Db| async move {
        let d = data(LineKind::Monitoring, 2026, "410000000000", 7_000);
        let id = db.create_line(&everything(), &d, "省里发文", &actor()).await.unwrap();
        assert_eq!(db.line(&everything(), id).await.unwrap().version, 1);
        // Two district clerks opened the form at version 1; 张三 saves first.
        let zhang = bangfu_core::audit::Actor { username: "张三".into(), ..actor() };
        let first = LineData { amount: Fen(750_000), ..d.clone() };
        db.adjust_line(&everything(), id, 1, &first, "年中调整", &zhang).await.unwrap();
        let second = LineData { amount: Fen(730_000), ..d.clone() };
        let err = db.adjust_line(&everything(), id, 1, &second, "另一份通知", &actor()).await.unwrap_err();
        let DomainError::Stale(stale) = &err else { panic!("{err:?}") };
        assert_eq!(stale.current_version, 2);
        assert_eq!(stale.changed_by, ["张三"]);
        assert!(stale.message().contains("张三") && stale.message().contains("标准"), "{}", stale.message());
        // Nothing of the refused adjustment was saved: amount, history and audit as after 张三's.
        let now = db.line(&everything(), id).await.unwrap();
        assert_eq!((now.data.amount, now.version), (Fen(750_000), 2));
        assert_eq!(db.line_history(&everything(), id).await.unwrap().len(), 2);
        // Read again at version 2, the second clerk's adjustment goes through.
        db.adjust_line(&everything(), id, 2, &second, "另一份通知", &actor()).await.unwrap();
        let history = db.line_history(&everything(), id).await.unwrap();
        assert_eq!(history[2].before, Some(Fen(750_000)), "the history's before is the amount 张三 saved");
    }
);
