//! 监测预警线索: the rules' facts read from the register, leads stored once, dismissed with a
//! reason (audited), and kept inside the user's area.

use std::collections::HashMap;

use bangfu_core::DomainError;
use bangfu_core::household::*;
use bangfu_core::money::Fen;
use bangfu_core::monitoring::OpenEpisode;
use bangfu_core::monitoring::leads::LeadState;
use bangfu_core::monitoring::rules::{RuleSettings, VisitReport};
use bangfu_core::store::{IncomeStore, LineStore, Page, VisitStore};
use bangfu_db::Db;
use bangfu_db::audit::AuditFilter;
use bangfu_db::rule_leads::LeadFilter;
use chrono::{Datelike, NaiveDate};

use crate::conformance;
use crate::fixtures::*;
use crate::harness::everything;

/// The 12 months ending last month, as the monitoring form records them.
fn last_twelve_months() -> IncomePeriod {
    let t = today();
    let (y, m) = if t.month() == 1 { (t.year() - 1, 12) } else { (t.year(), t.month() - 1) };
    IncomePeriod::TwelveMonths { end_year: y, end_month: m }
}

async fn earns(db: &Db, h: HouseholdId, size: i64, wages_yuan: i64) {
    let mut income = Income::of_year(2025, size, [Some(Fen(wages_yuan * 100)), None, None, None, None]);
    income.period = last_twelve_months();
    db.record_income(&everything(), h, &recording(&income, false), &actor()).await.unwrap();
}

/// 监测范围 8 700 元 for the whole district this year.
async fn district_line(db: &Db) {
    let year = today().year().to_string();
    let f: HashMap<&str, &str> =
        [("kind", "监测范围"), ("year", year.as_str()), ("area_code", "411702000000"), ("amount", "8700")]
            .into_iter()
            .collect();
    let data = bangfu_core::line::LineData::parse(&f, today()).unwrap();
    db.create_line(&everything(), &data, "省定监测范围", &actor()).await.unwrap();
}

fn monitored() -> OpenEpisode {
    let f: HashMap<&str, &str> = [
        ("monitoring_type", "脱贫不稳定户"),
        ("risks", "因病"),
        ("found_by", "干部排查"),
        ("identified_on", "2024-03-01"),
        ("reason", "住院自付费用较大"),
    ]
    .into_iter()
    .collect();
    OpenEpisode::parse(&f, HouseholdType::Tuopin, today()).unwrap()
}

async fn run(db: &Db) -> bangfu_db::rule_leads::RunSummary {
    db.run_rules(&everything(), today(), &RuleSettings::default(), &actor()).await.unwrap()
}

fn open() -> LeadFilter {
    LeadFilter { state: Some(LeadState::Open), household: None }
}

const PAGE: Page = Page { number: 1, size: 50 };

conformance!(
    a_household_below_the_line_gets_a_lead_with_its_figures_and_a_monitored_one_gets_none,
    |db: Db| async move {
        district_line(&db).await;
        let below = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
        let followed = registered(&db, "4117021012010002", SHAHEDIAN_VILLAGE, 11).await;
        let well = registered(&db, "4117021012010003", SHAHEDIAN_VILLAGE, 21).await;
        earns(&db, below, 2, 12_000).await; // 6 000 元 a person
        earns(&db, followed, 2, 12_000).await;
        earns(&db, well, 2, 40_000).await;
        db.backfill_episode(&everything(), followed, &monitored(), &actor()).await.unwrap();

        let facts = db.rule_facts(&everything(), today(), None, 100).await.unwrap();
        assert_eq!(facts.len(), 3);
        let f = &facts.iter().find(|f| f.household_id == below).unwrap().facts;
        assert_eq!((f.income_per_person, f.line, f.monitored), (Some(Fen(600_000)), Some(Fen(870_000)), false));
        assert_eq!(f.period, last_twelve_months().label_zh());
        assert!(facts.iter().find(|f| f.household_id == followed).unwrap().facts.monitored);
        // Paged by household id: two pages of one and two.
        let first = db.rule_facts(&everything(), today(), None, 1).await.unwrap();
        let rest = db.rule_facts(&everything(), today(), Some(first[0].household_id), 10).await.unwrap();
        assert_eq!((first.len(), rest.len()), (1, 2));

        let summary = run(&db).await;
        let found: Vec<(&str, &str, u32, &str)> = summary
            .found
            .iter()
            .map(|l| (l.lead.household_no.as_str(), l.lead.rule, l.lead.version, l.lead.reason.as_str()))
            .collect();
        let reason = format!("{}人均纯收入 6 000 元，低于监测范围 8 700 元 2 700 元", last_twelve_months().label_zh());
        assert_eq!(found, vec![("4117021012010001", "income_below_line", 1, reason.as_str())]);
        assert_eq!((summary.households, summary.added), (3, 1));
        let (stored, total) = db.rule_leads(&everything(), &open(), PAGE).await.unwrap();
        assert_eq!(total, 1);
        assert_eq!((stored[0].household_id, stored[0].reason.as_str()), (below, reason.as_str()));
        assert_eq!((stored[0].found_on, stored[0].state), (today(), LeadState::Open));
        assert_eq!(stored[0].head_name.as_deref(), Some("王建国"));
        assert_eq!(stored[0].rule_name_zh(), "人均纯收入低于监测范围");

        // The same version on the same data, again: the same leads, nothing new stored.
        let again = run(&db).await;
        assert_eq!((again.found, again.added), (summary.found, 0));
        assert_eq!(db.rule_leads(&everything(), &open(), PAGE).await.unwrap().1, 1);
        let runs = db
            .audit_entries(&AuditFilter { object_type: Some("rule_run".into()), ..Default::default() }, 10, 0)
            .await
            .unwrap()
            .0;
        assert_eq!(runs.len(), 2, "each run is audited");
        assert!(runs[0].after_value.as_deref().unwrap().contains("新增 0 条"), "{:?}", runs[0].after_value);
    }
);

conformance!(
    dismissing_a_lead_needs_a_reason_is_audited_and_another_townships_lead_is_not_found,
    |db: Db| async move {
        district_line(&db).await;
        let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
        earns(&db, h, 2, 12_000).await;
        run(&db).await;
        let lead = db.rule_leads(&everything(), &open(), PAGE).await.unwrap().0.remove(0);
        let yifeng = scope_of(&db, "411702104000").await;
        let shahedian = scope_of(&db, SHAHEDIAN).await;
        // Another township: as if it did not exist.
        assert!(matches!(db.rule_lead(&yifeng, lead.id).await, Err(DomainError::NotFound)));
        assert_eq!(db.rule_leads(&yifeng, &open(), PAGE).await.unwrap().1, 0);
        assert!(matches!(db.dismiss_lead(&yifeng, lead.id, "不需要", &actor()).await, Err(DomainError::NotFound)));
        // A reason is required.
        match db.dismiss_lead(&shahedian, lead.id, "  ", &actor()).await.unwrap_err() {
            DomainError::Invalid(e) => assert_eq!(e[0].field, "reason"),
            other => panic!("expected Invalid, got {other:?}"),
        }
        db.dismiss_lead(&shahedian, lead.id, "已核实：务工收入漏登，补登后高于监测范围", &actor()).await.unwrap();
        let after = db.rule_lead(&shahedian, lead.id).await.unwrap();
        assert_eq!(after.state, LeadState::Dismissed);
        assert_eq!(after.dismissed_reason.as_deref(), Some("已核实：务工收入漏登，补登后高于监测范围"));
        assert_eq!(after.dismissed_by.as_deref(), Some("测试员"));
        let log = db
            .audit_entries(&AuditFilter { object_type: Some("rule_lead".into()), ..Default::default() }, 10, 0)
            .await
            .unwrap()
            .0;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0].after_value.as_deref(), Some("不需纳入：已核实：务工收入漏登，补登后高于监测范围"));
        assert_eq!(log[0].area_code.as_deref(), Some(SHAHEDIAN_VILLAGE));
        // Once dismissed, the same figures raise no new lead; a second dismissal is refused.
        assert_eq!(run(&db).await.added, 0);
        assert!(matches!(db.dismiss_lead(&shahedian, lead.id, "再次", &actor()).await, Err(DomainError::Invalid(_))));
        let all = db.rule_leads(&everything(), &LeadFilter::default(), PAGE).await.unwrap();
        assert_eq!(all.1, 1, "nothing is deleted and nothing added");
    }
);

conformance!(a_visits_findings_are_kept_blank_stays_blank_and_a_recent_one_raises_a_lead, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let on = today().to_string();
    let visit = |findings: &str| {
        let f: HashMap<&str, &str> =
            [("visited_on", on.as_str()), ("visitors", "李干事"), ("found", "户主住院"), ("findings", findings)]
                .into_iter()
                .collect();
        bangfu_core::assistance::VisitData::parse(&f, today()).unwrap()
    };
    db.record_visit(&everything(), h, &visit(""), &actor()).await.unwrap();
    db.record_visit(&everything(), h, &visit("无"), &actor()).await.unwrap();
    db.record_visit(&everything(), h, &visit("因病,accident"), &actor()).await.unwrap();
    let mut kept: Vec<Option<Vec<VisitReport>>> =
        db.visits(&everything(), h).await.unwrap().into_iter().map(|v| v.data.findings).collect();
    kept.sort();
    assert_eq!(kept, vec![None, Some(vec![]), Some(vec![VisitReport::Illness, VisitReport::Accident])]);
    let summary = run(&db).await;
    let reasons: Vec<(&str, String)> = summary.found.iter().map(|l| (l.lead.rule, l.lead.reason.clone())).collect();
    assert_eq!(
        reasons,
        vec![("visit_report", format!("{on} 走访记录：因意外事故")), ("visit_report", format!("{on} 走访记录：因病"))]
    );
    // One open lead per household and rule: the first is stored, the other waits for it.
    assert_eq!(summary.added, 1);
});

conformance!(the_clearing_inputs_come_from_the_open_episode_the_income_and_the_line, |db: Db| async move {
    district_line(&db).await;
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    earns(&db, h, 2, 20_000).await; // 10 000 元 a person
    assert!(matches!(db.clearing_inputs(&everything(), h, today()).await, Err(DomainError::Invalid(_))));
    db.backfill_episode(&everything(), h, &monitored(), &actor()).await.unwrap();
    let i = db.clearing_inputs(&everything(), h, today()).await.unwrap();
    assert_eq!(i.identified_on, NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
    assert_eq!(i.line, Some((today().year(), Fen(870_000))));
    assert_eq!(i.income_per_person, Some(Fen(1_000_000)));
    assert_eq!(i.months_above_line, Some(1), "one monthly record, above the line");
    assert_eq!(i.rigid_expense_resolved, None, "未填 until the home check answers");
    let yifeng = scope_of(&db, "411702104000").await;
    assert!(matches!(db.clearing_inputs(&yifeng, h, today()).await, Err(DomainError::NotFound)));
});

conformance!(the_last_able_worker_gone_is_a_lead_once_against_the_count_of_the_run_before, |db: Db| async move {
    use bangfu_core::store::HouseholdStore;
    let worker = |name: &str, id_number: &str, relation: &str, labour: &str| {
        let f: HashMap<&str, &str> =
            [("name", name), ("sex", "男"), ("id_number", id_number), ("relation", relation), ("labour", labour)]
                .into_iter()
                .collect();
        MemberData::parse(&f, today()).unwrap()
    };
    let members = vec![worker("王建国", &id("19650312", 1, true), "户主", "普通劳动力")];
    let h = db
        .create_household(
            &everything(),
            &register(&household("4117021012010001", SHAHEDIAN_VILLAGE, &[]), &members, None),
            &actor(),
        )
        .await
        .unwrap();
    let on = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    let s = RuleSettings::default();
    let run_on = |d: NaiveDate| {
        let db = db.clone();
        async move { db.run_rules(&everything(), d, &s, &actor()).await.unwrap() }
    };
    let rules = |r: &bangfu_db::rule_leads::RunSummary| r.found.iter().map(|l| l.lead.rule).collect::<Vec<_>>();
    assert!(rules(&run_on(on("2026-11-01")).await).is_empty(), "the first run only counts");
    let head = db.members(&everything(), h).await.unwrap().remove(0);
    let lost = worker("王建国", &id("19650312", 1, true), "户主", "丧失劳动力");
    db.update_member(&everything(), head.id, &correct_member(head.version, &lost), &actor()).await.unwrap();
    let next = run_on(on("2026-11-02")).await;
    assert_eq!((rules(&next), next.added), (vec!["lost_last_worker"], 1));
    // Again the same day: the same "before", the same lead, nothing new.
    let again = run_on(on("2026-11-02")).await;
    assert_eq!((rules(&again), again.added), (vec!["lost_last_worker"], 0));
    // The day after, the count of the 2nd is the one compared with: nothing has changed since.
    assert!(rules(&run_on(on("2026-11-03")).await).is_empty());
});
