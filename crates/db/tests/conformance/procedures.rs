//! 程序 kept on both backends: a whole identification with an upheld and a dismissed objection,
//! every event read back as it was acted, a stale act refused, another area's procedure not
//! found, and an overdue step counted in working days over a holiday.

use super::*;
use bangfu_core::DomainResult;
use bangfu_core::auth::Role;
use bangfu_core::calendar::WorkCalendar;
use bangfu_core::procedure::decision::Proposal;
use bangfu_core::procedure::{Action, State, kinds};
use bangfu_core::store::MonitoringStore;
use bangfu_db::procedures::Act;

fn done(note: &str) -> Action {
    Action::Complete { note: note.into() }
}

fn proposal(def: &bangfu_core::procedure::ProcedureDef, pairs: &[(&str, &str)]) -> Proposal {
    let f: std::collections::HashMap<String, String> =
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    Proposal::keep(def, &f)
}

/// 纳入监测 as a 突发严重困难户 for illness, found by cadres.
fn identify() -> Proposal {
    proposal(
        &kinds::IDENTIFICATION,
        &[("monitoring_type", "突发严重困难户"), ("risks", "因病"), ("found_by", "干部排查"), ("reason", "户主住院")],
    )
}

fn clear() -> Proposal {
    proposal(&kinds::RISK_CLEARING, &[("method", "帮扶消除"), ("reason", "务工收入稳定")])
}

/// An open episode carried over from before, so that a clearing has something to clear.
async fn monitored(db: &Db, h: HouseholdId) {
    let f: std::collections::HashMap<&str, &str> = [
        ("monitoring_type", "突发严重困难户"),
        ("risks", "因病"),
        ("found_by", "干部排查"),
        ("identified_on", "2026-01-05"),
        ("reason", "住院"),
    ]
    .into_iter()
    .collect();
    let e = bangfu_core::monitoring::OpenEpisode::parse(
        &f,
        bangfu_core::household::HouseholdType::Tuopin,
        date("2026-12-01"),
    )
    .unwrap();
    db.backfill_episode(&everything(), h, &e, &actor()).await.unwrap();
}

conformance!(the_seeded_calendar_is_the_national_arrangement_of_2026, |db: Db| async move {
    assert_eq!(db.work_calendar().await.unwrap(), WorkCalendar::national_2026());
});

conformance!(an_identification_with_an_upheld_and_a_dismissed_objection_is_kept_event_by_event, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let all = everything();
    let id =
        db.start_procedure(&all, h, &kinds::IDENTIFICATION, &identify(), date("2026-11-02"), &actor()).await.unwrap();
    let again = db
        .start_procedure(&all, h, &kinds::IDENTIFICATION, &identify(), date("2026-11-03"), &actor())
        .await
        .unwrap_err();
    assert!(again.to_string().contains("该户已有办理中的“纳入监测”程序"), "{again}");
    let mut version = db.procedure(&all, id).await.unwrap().version;
    let mut recorded = meeting();
    let mut act =
        async |action: Action, role: Option<Role>, on: &str, found: &std::collections::HashMap<String, String>| {
            let r = db.act_with_findings(&all, Act { id, version, action, role, on: date(on) }, found, &actor()).await;
            if let Ok(r) = &r {
                version = r.version;
            }
            r
        };
    let (village, town, county) = (Some(Role::VillageWorker), Some(Role::TownshipStaff), Some(Role::DistrictAdmin));
    // No home check is 办结 without the household's signed 承诺授权书.
    let unsigned = act(done("入户核实：户主患慢性病"), village, "2026-11-03", &recorded).await.unwrap_err();
    assert!(unsigned.to_string().contains("《承诺授权书》照片"), "{unsigned}");
    consent(&db, id).await;
    act(done("入户核实：户主患慢性病"), village, "2026-11-03", &recorded).await.unwrap();
    // The cross-check found a car; 办结 only once it says how that was resolved.
    recorded.insert("hits".into(), "1".into());
    let open_hit = act(done("比对"), county, "2026-11-05", &recorded).await.unwrap_err();
    assert!(open_hit.to_string().contains("比对有 1 条疑点"), "{open_hit}");
    recorded.insert("hits_resolution".into(), "车辆为2009年报废农用车，已注销".into());
    act(done("比对"), county, "2026-11-05", &recorded).await.unwrap();
    // An appraisal without a majority is not done, and nothing is written.
    let mut split = recorded.clone();
    split.insert("votes_for".into(), "5".into());
    split.insert("votes_against".into(), "6".into());
    let failed = act(done("评议"), village, "2026-11-09", &split).await.unwrap_err();
    assert!(failed.to_string().contains("赞成 5 票，未超过参会人数 11 人的一半"), "{failed}");
    act(done("评议：实到11人"), village, "2026-11-09", &recorded).await.unwrap();
    let recorded = meeting();
    let mut act = async |action: Action, role: Option<Role>, on: &str| act(action, role, on, &recorded).await;
    act(Action::Object { receipt: "YY-0001".into(), text: "他家有小轿车".into() }, None, "2026-11-10").await.unwrap();
    // The engine's refusal comes back as a field error in Chinese, and nothing is written.
    let err = act(done("公示结束"), village, "2026-11-16").await.unwrap_err();
    assert!(err.to_string().contains("异议（回执 YY-0001）尚未答复"), "{err}");
    let upheld =
        Action::Answer { receipt: "YY-0001".into(), upheld: true, answer: "核实属实，重新评议".into() };
    act(upheld, village, "2026-11-11").await.unwrap();
    act(done("重新评议：同意10票，反对1票"), village, "2026-11-12").await.unwrap();
    act(Action::Object { receipt: "YY-0002".into(), text: "评议不公".into() }, None, "2026-11-13").await.unwrap();
    let dismissed = Action::Answer { receipt: "YY-0002".into(), upheld: false, answer: "评议程序合规".into() };
    act(dismissed, village, "2026-11-14").await.unwrap();
    act(done("公示5天"), village, "2026-11-17").await.unwrap();
    act(done("审核同意"), town, "2026-11-18").await.unwrap();
    act(done("批准"), county, "2026-11-19").await.unwrap();
    let last = act(done("已公告"), county, "2026-11-20").await.unwrap();
    assert_eq!(last.procedure.state(), State::Approved { on: date("2026-11-20") });
    // Read back whole: the same events, in order, as the engine replays them.
    let read = db.procedure(&all, id).await.unwrap();
    assert_eq!(read.procedure, last.procedure);
    assert_eq!(read.procedure.events.len(), 12);
    assert_eq!(read.procedure.events[3].role, None, "the villager's objection has no role");
    // What the steps recorded, read back with their events; the paper with its step.
    assert_eq!(read.records[0].summary_zh(), "", "入户核实 records no meeting");
    assert_eq!(read.records[1].summary_zh(), "比对疑点 1 条，核实情况：车辆为2009年报废农用车，已注销");
    assert_eq!(read.records[2].summary_zh(), "评议地点：村委会会议室；参会 11 人，赞成 10 票、反对 1 票、弃权 0 票");
    assert_eq!(read.records.len(), read.procedure.events.len());
    assert_eq!(read.attachments.len(), 1);
    assert_eq!((read.attachments[0].kind.as_str(), read.attachments[0].step.as_str()), ("consent", "visit"));
    let (meta, bytes) = db.procedure_attachment_file(&all, read.attachments[0].id).await.unwrap();
    assert_eq!((meta.file_name.as_str(), bytes.as_slice()), ("承诺授权书.png", PNG));
    let yifeng = scope_of(&db, "411702104000").await;
    assert!(matches!(db.procedure_attachment_file(&yifeng, meta.id).await, Err(DomainError::NotFound)));
    let up = bangfu_core::assistance::evidence::check_upload("late.png", PNG).unwrap();
    let late = db.add_procedure_attachment(&all, id, "photo", None, (&up, PNG), &actor()).await.unwrap_err();
    assert!(late.to_string().contains("该程序已结束"), "{late}");
    assert_eq!(
        read.procedure.events[4].action,
        Action::Answer { receipt: "YY-0001".into(), upheld: true, answer: "核实属实，重新评议".into() }
    );
    let filter = bangfu_db::audit::AuditFilter { object_type: Some("procedure".into()), ..Default::default() };
    let (log, _) = db.audit_entries(&filter, 50, 0).await.unwrap();
    assert_eq!(log.len(), 14, "the start, the consent and every act");
    assert!(log.iter().any(|e| e.after_value.as_deref() == Some("办结：公告 → 已批准")), "{log:?}");
    // The approval opened the episode, dated by the county's approval; nothing else did.
    let episodes = db.episodes(&all, h).await.unwrap();
    assert_eq!(episodes.len(), 1);
    assert!(episodes[0].is_open());
    assert_eq!(episodes[0].opened.identified_on, date("2026-11-19"));
    assert_eq!(episodes[0].opened.risks, vec![bangfu_core::monitoring::MonitoringRisk::Illness]);
});

conformance!(a_stale_act_is_refused_and_another_areas_procedure_is_not_found, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let all = everything();
    monitored(&db, h).await;
    let id = db.start_procedure(&all, h, &kinds::RISK_CLEARING, &clear(), date("2026-11-02"), &actor()).await.unwrap();
    let v = db.procedure(&all, id).await.unwrap().version;
    let village = Some(Role::VillageWorker);
    let act = |version, note: &str| Act { id, version, action: done(note), role: village, on: date("2026-11-03") };
    db.act_on_procedure(&all, act(v, "核实"), &actor()).await.unwrap();
    let stale = db.act_on_procedure(&all, act(v, "核实"), &actor()).await.unwrap_err();
    assert!(stale.to_string().contains("该程序刚被他人办理过"), "{stale}");
    assert_eq!(db.procedure(&all, id).await.unwrap().procedure.events.len(), 1);
    let yifeng = scope_of(&db, "411702104000").await;
    assert!(matches!(db.procedure(&yifeng, id).await, Err(DomainError::NotFound)));
    assert!(matches!(db.act_on_procedure(&yifeng, act(v + 1, "x"), &actor()).await, Err(DomainError::NotFound)));
    let far = registered(&db, "4117021042010001", YIFENG_VILLAGE, 3).await;
    let shahedian = scope_of(&db, SHAHEDIAN).await;
    assert!(matches!(
        db.start_procedure(&shahedian, far, &kinds::RISK_CLEARING, &clear(), date("2026-11-02"), &actor()).await,
        Err(DomainError::NotFound)
    ));
});

conformance!(a_step_past_its_deadline_is_overdue_by_working_days_across_a_holiday, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let all = everything();
    // Logged Friday 2026-09-18: 入户核实 due in 5 working days, 9-24 (the make-up Sunday counts).
    let id =
        db.start_procedure(&all, h, &kinds::IDENTIFICATION, &identify(), date("2026-09-18"), &actor()).await.unwrap();
    assert!(db.overdue_procedures(&all, date("2026-09-24")).await.unwrap().is_empty());
    let late = db.overdue_procedures(&all, date("2026-10-09")).await.unwrap();
    assert_eq!(late.len(), 1);
    let (pid, def, step, due, days) = late[0];
    assert_eq!((pid, def.code, step, due), (id, "identification", "visit", date("2026-09-24")));
    assert_eq!(days, 5, "9-28, 9-29, 9-30, 10-08, 10-09: 中秋 and 国庆 do not count");
    let shahedian = scope_of(&db, "411702104000").await;
    assert!(db.overdue_procedures(&shahedian, date("2026-10-09")).await.unwrap().is_empty(), "another township's list");
});

/// Acts in turn, keeping the version as read.
async fn walk(db: &Db, id: i64, steps: &[(Action, Option<Role>, &str)]) -> DomainResult<()> {
    for (action, role, on) in steps {
        let version = db.procedure(&everything(), id).await?.version;
        db.act_with_findings(
            &everything(),
            Act { id, version, action: action.clone(), role: *role, on: date(on) },
            &meeting(),
            &actor(),
        )
        .await?;
    }
    Ok(())
}

/// 监测范围 8 700 元 for the district this year, and seven 12-month records in a row (ending
/// each of the last seven months) of `yuan` a year in wages for a household of two.
async fn earning_steadily(db: &Db, h: HouseholdId, yuan: i64) {
    use bangfu_core::household::{Income, IncomePeriod};
    use bangfu_core::store::{IncomeStore, LineStore};
    use chrono::Datelike;
    let today = chrono::Local::now().date_naive();
    let year = today.year().to_string();
    let f: std::collections::HashMap<&str, &str> =
        [("kind", "监测范围"), ("year", year.as_str()), ("area_code", "411702000000"), ("amount", "8700")]
            .into_iter()
            .collect();
    let line = bangfu_core::line::LineData::parse(&f, today).unwrap();
    let _ = db.create_line(&everything(), &line, "省定监测范围", &actor()).await;
    for back in 1..=7u32 {
        let months = today.year() * 12 + today.month() as i32 - 1 - back as i32;
        let mut income = Income::of_year(2025, 2, [Some(bangfu_core::money::Fen(yuan * 100)), None, None, None, None]);
        income.period =
            IncomePeriod::TwelveMonths { end_year: months.div_euclid(12), end_month: months.rem_euclid(12) as u32 + 1 };
        db.record_income(&everything(), h, &recording(&income, false), &actor()).await.unwrap();
    }
}

/// 入户核实 of a clearing, with what it found now.
fn checked(found: &[(&str, &str)]) -> std::collections::HashMap<String, String> {
    let mut m = meeting();
    m.extend(found.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    m
}

/// What an appraisal and a cross-check record when they are 办结: the meeting, its votes, no hits.
fn meeting() -> std::collections::HashMap<String, String> {
    [
        ("meeting_place", "村委会会议室"),
        ("attendees", "11"),
        ("votes_for", "10"),
        ("votes_against", "1"),
        ("votes_abstain", "0"),
        ("hits", "0"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";

/// The household's signed 承诺授权书, photographed at the home check.
async fn consent(db: &Db, id: i64) {
    let up = bangfu_core::assistance::evidence::check_upload("承诺授权书.png", PNG).unwrap();
    db.add_procedure_attachment(&everything(), id, "consent", Some("户主签字"), (&up, PNG), &actor()).await.unwrap();
}

async fn at_county(db: &Db, id: i64, found: &[(&str, &str)], day: chrono::NaiveDate) {
    let v = db.procedure(&everything(), id).await.unwrap().version;
    let visit = Act { id, version: v, action: done("入户核实"), role: Some(Role::VillageWorker), on: day };
    db.act_with_findings(&everything(), visit, &checked(found), &actor()).await.unwrap();
    walk(
        db,
        id,
        &[
            (done("评议同意"), Some(Role::VillageWorker), "2026-11-03"),
            (done("公示无异议"), Some(Role::VillageWorker), "2026-11-09"),
        ],
    )
    .await
    .unwrap();
}

const ALL_SECURE: &[(&str, &str)] = &[
    ("rigid_expense_resolved", "是"),
    ("house_unsafe", "否"),
    ("out_of_school", "否"),
    ("no_medical_insurance", "否"),
    ("water_unsafe", "否"),
    ("no_labour", "否"),
];

conformance!(
    a_clearing_is_refused_with_the_condition_not_met_and_its_figure_and_one_that_passes_closes_the_episode,
    |db: Db| async move {
        let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
        let all = everything();
        let none = db.start_procedure(&all, h, &kinds::RISK_CLEARING, &clear(), date("2026-11-02"), &actor()).await;
        assert!(none.unwrap_err().to_string().contains("该户当前没有监测记录"), "nothing to clear");
        monitored(&db, h).await;
        earning_steadily(&db, h, 16_000).await; // 8 000 元 a person: below the line
        let county = Some(Role::DistrictAdmin);
        let id =
            db.start_procedure(&all, h, &kinds::RISK_CLEARING, &clear(), date("2026-11-02"), &actor()).await.unwrap();
        at_county(&db, id, ALL_SECURE, date("2026-11-02")).await;
        let r = db.procedure(&all, id).await.unwrap();
        assert_eq!(r.proposal.get("rigid_expense_resolved"), Some("是"), "入户核实's findings kept on the procedure");
        let err = walk(&db, id, &[(done("批准"), county, "2026-11-10")]).await.unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("不能风险消除：人均纯收入高于监测范围") && msg.contains("8 000") && msg.contains("8 700"),
            "{msg}"
        );
        assert_eq!(
            db.procedure(&all, id).await.unwrap().procedure.current().unwrap().code,
            "county_approval",
            "nothing written"
        );
        walk(&db, id, &[(Action::Refuse { reason: "收入低于监测范围".into() }, county, "2026-11-10")]).await.unwrap();
        assert!(db.episodes(&all, h).await.unwrap()[0].is_open(), "refused: still monitored");
        // A 刚性支出 left 未填 is not met either.
        let h2 = registered(&db, "4117021012010002", SHAHEDIAN_VILLAGE, 3).await;
        monitored(&db, h2).await;
        earning_steadily(&db, h2, 24_000).await;
        let id =
            db.start_procedure(&all, h2, &kinds::RISK_CLEARING, &clear(), date("2026-11-02"), &actor()).await.unwrap();
        at_county(&db, id, &ALL_SECURE[1..], date("2026-11-02")).await;
        let err = walk(&db, id, &[(done("批准"), county, "2026-11-10")]).await.unwrap_err();
        assert!(err.to_string().contains("刚性支出问题已解决（未填）"), "{err}");
        // Everything met: the approval closes the episode, dated by the county, and keeps it.
        let h3 = registered(&db, "4117021012010003", SHAHEDIAN_VILLAGE, 5).await;
        monitored(&db, h3).await;
        earning_steadily(&db, h3, 24_000).await; // 12 000 元 a person
        let id =
            db.start_procedure(&all, h3, &kinds::RISK_CLEARING, &clear(), date("2026-11-02"), &actor()).await.unwrap();
        at_county(&db, id, ALL_SECURE, date("2026-11-02")).await;
        let r = db.procedure(&all, id).await.unwrap();
        let conditions = db.clearing_conditions_of(&all, &r, date("2026-11-19")).await.unwrap();
        assert!(conditions.iter().any(|c| c.figure.contains("12 000")), "{conditions:?}");
        walk(&db, id, &[(done("批准"), county, "2026-11-19"), (done("已公告"), county, "2026-11-20")]).await.unwrap();
        let e = db.episodes(&all, h3).await.unwrap();
        let closed = e[0].closed.as_ref().expect("closed by the approval");
        assert_eq!(closed.cleared_on, date("2026-11-19"));
        assert_eq!(closed.method, Some(bangfu_core::monitoring::ClearMethod::Assisted));
        assert_eq!(e[0].opened.identified_on, date("2026-01-05"), "the episode is kept, never erased");
    }
);

conformance!(a_yearly_class_is_set_by_its_procedure_and_kept_per_year, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let all = everything();
    let class = |year: &str| {
        proposal(&kinds::CLASSIFICATION, &[("year", year), ("stability", "需继续帮扶户"), ("labour", "有劳动能力")])
    };
    let id = db
        .start_procedure(&all, h, &kinds::CLASSIFICATION, &class("2026"), date("2026-11-02"), &actor())
        .await
        .unwrap();
    let (village, town, county) = (Some(Role::VillageWorker), Some(Role::TownshipStaff), Some(Role::DistrictAdmin));
    walk(&db, id, &[(done("评议"), village, "2026-11-03"), (done("审核"), town, "2026-11-04")]).await.unwrap();
    assert!(db.household_classes(&all, h).await.unwrap().is_empty(), "not before the county");
    walk(&db, id, &[(done("审定"), county, "2026-11-05")]).await.unwrap();
    let classes = db.household_classes(&all, h).await.unwrap();
    assert_eq!(classes.len(), 1);
    assert_eq!(classes[0].0.label_zh(), "2026年 需继续帮扶户（有劳动能力）");
    assert_eq!((classes[0].1, classes[0].2), (date("2026-11-05"), id));
    let twice = db.start_procedure(&all, h, &kinds::CLASSIFICATION, &class("2026"), date("2026-11-06"), &actor()).await;
    assert!(twice.unwrap_err().to_string().contains("该户2026年已分类"), "one class a year");
});

/// A small deterministic generator (xorshift), so that a failing sequence is found again.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

conformance!(
    no_sequence_of_acts_by_any_roles_changes_an_episode_or_a_class_except_an_approved_procedure,
    |db: Db| async move {
        let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
        let all = everything();
        let roles = [
            None,
            Some(Role::VillageWorker),
            Some(Role::TownshipStaff),
            Some(Role::DistrictAdmin),
            Some(Role::Auditor),
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut day = date("2026-01-05");
        let mut receipt = 0;
        for _ in 0..300 {
            day += chrono::Duration::days(rng.below(2) as i64);
            if day > date("2026-12-01") {
                break;
            }
            let open: Vec<_> =
                db.household_procedures(&all, h).await.unwrap().into_iter().filter(|p| p.state == "open").collect();
            if open.is_empty() || rng.below(4) == 0 {
                let kind = [&kinds::IDENTIFICATION, &kinds::RISK_CLEARING, &kinds::CLASSIFICATION][rng.below(3)];
                let p = match kind.code {
                    "identification" => identify(),
                    "risk_clearing" => clear(),
                    _ => proposal(kind, &[("year", "2026"), ("stability", "稳定脱贫户"), ("labour", "有劳动能力")]),
                };
                if let Ok(id) = db.start_procedure(&all, h, kind, &p, day, &actor()).await
                    && kind.code == "identification"
                    && rng.below(4) > 0
                {
                    consent(&db, id).await;
                }
                continue;
            }
            let p = &open[rng.below(open.len())];
            let action = match rng.below(14) {
                0 => Action::SendBack { to: None, reason: "材料不全".into() },
                1 => Action::Refuse { reason: "不符合条件".into() },
                2 => Action::Withdraw { reason: if rng.below(2) == 0 { "".into() } else { "误报".into() } },
                3 => {
                    receipt += 1;
                    Action::Object { receipt: format!("R{receipt}"), text: "有异议".into() }
                }
                4 => Action::Answer {
                    receipt: format!("R{receipt}"),
                    upheld: rng.below(2) == 0,
                    answer: "已核实".into(),
                },
                5 => Action::Complete { note: "".into() },
                _ => done("办结"),
            };
            let version = db.procedure(&all, p.id).await.unwrap().version;
            // Mostly someone whose step it is (else few ever get far), sometimes anyone.
            let actors = p.step.map(|s| s.actors).unwrap_or(&[]);
            let role = if rng.below(3) > 0 && !actors.is_empty() {
                Some(actors[rng.below(actors.len())])
            } else {
                roles[rng.below(roles.len())]
            };
            let found = if rng.below(5) > 0 { meeting() } else { Default::default() };
            let _ =
                db.act_with_findings(&all, Act { id: p.id, version, action, role, on: day }, &found, &actor()).await;
            // The invariant, after every act: each opening, clearing and class is an approved procedure's.
            let procs = db.household_procedures(&all, h).await.unwrap();
            let approved = |code: &str| procs.iter().filter(|p| p.def.code == code && p.state == "approved").count();
            let episodes = db.episodes(&all, h).await.unwrap();
            assert_eq!(episodes.len(), approved("identification"), "episodes opened = identifications approved");
            assert_eq!(
                episodes.iter().filter(|e| !e.is_open()).count(),
                approved("risk_clearing"),
                "episodes closed = clearings approved"
            );
            assert_eq!(db.household_classes(&all, h).await.unwrap().len(), approved("classification"));
        }
        let procs = db.household_procedures(&all, h).await.unwrap();
        assert!(procs.iter().any(|p| p.state == "approved"), "the sequence reached at least one approval: {procs:?}");
    }
);

conformance!(every_review_step_of_every_kind_sends_back_with_its_reason_kept, |db: Db| async move {
    let all = everything();
    let mut seq = 11;
    for def in kinds::ALL {
        for (at, review) in def.steps.iter().enumerate().filter(|(_, s)| s.review) {
            seq += 2;
            let h = registered(&db, &format!("41170210120100{seq:02}"), SHAHEDIAN_VILLAGE, seq).await;
            let p = match def.code {
                "identification" => identify(),
                "risk_clearing" => {
                    monitored(&db, h).await;
                    clear()
                }
                "classification" => {
                    proposal(def, &[("year", "2026"), ("stability", "稳定脱贫户"), ("labour", "有劳动能力")])
                }
                _ => proposal(def, &[("exit_year", "2018"), ("reason", "补录")]),
            };
            let id = db.start_procedure(&all, h, def, &p, date("2026-10-08"), &actor()).await.unwrap();
            if def.code == "identification" {
                consent(&db, id).await;
            }
            let mut day = date("2026-10-08");
            for s in &def.steps[..at] {
                day += chrono::Duration::days(i64::from(s.notice_days.unwrap_or(1)));
                walk(&db, id, &[(done("已办"), Some(s.actors[0]), &day.to_string())]).await.unwrap();
            }
            let reason = format!("{}：材料不全", review.name_zh);
            walk(
                &db,
                id,
                &[(Action::SendBack { to: None, reason: reason.clone() }, Some(review.actors[0]), &day.to_string())],
            )
            .await
            .unwrap();
            let r = db.procedure(&all, id).await.unwrap();
            assert_eq!(r.procedure.current().unwrap().code, def.steps[at - 1].code, "{} {}", def.code, review.code);
            assert!(
                matches!(&r.procedure.events.last().unwrap().action, Action::SendBack { reason: got, .. } if *got == reason),
                "{} {}",
                def.code,
                review.code
            );
        }
    }
});

conformance!(objections_lodged_at_the_same_moment_all_land_with_their_receipts, |db: Db| async move {
    let h = registered(&db, "4117021012010001", SHAHEDIAN_VILLAGE, 1).await;
    let all = everything();
    let id =
        db.start_procedure(&all, h, &kinds::IDENTIFICATION, &identify(), date("2026-11-02"), &actor()).await.unwrap();
    consent(&db, id).await;
    let (village, county) = (Some(Role::VillageWorker), Some(Role::DistrictAdmin));
    walk(
        &db,
        id,
        &[
            (done("核实"), village, "2026-11-03"),
            (done("比对"), county, "2026-11-04"),
            (done("评议"), village, "2026-11-05"),
        ],
    )
    .await
    .unwrap();
    let token = db.procedure(&all, id).await.unwrap().notice_token.unwrap();
    let (a, b, c) = tokio::join!(
        db.lodge_objection(&token, "王一", "13900000001", "甲", "s1"),
        db.lodge_objection(&token, "王二", "13900000002", "乙", "s2"),
        db.lodge_objection(&token, "王三", "13900000003", "丙", "s3"),
    );
    let receipts = [a.unwrap(), b.unwrap(), c.unwrap()];
    let r = db.procedure(&all, id).await.unwrap();
    assert_eq!(r.objections.len(), 3, "none lost to another's: {:?}", r.objections);
    for receipt in &receipts {
        assert!(r.objections.iter().any(|o| &o.receipt == receipt));
    }
});
