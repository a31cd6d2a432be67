//! Small, readable test data: households and members as a village clerk would type them.

use std::collections::HashMap;

use bangfu_core::household::id_number::check_char;
use bangfu_core::household::*;
use chrono::NaiveDate;

pub fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// A valid ID number for a person born on `birth` (YYYYMMDD) with a sequence number.
pub fn id(birth: &str, seq: u32, male: bool) -> String {
    let seq = if (seq % 2 == 1) == male { seq } else { seq + 1 };
    let first17 = format!("411702{birth}{seq:03}");
    format!("{first17}{}", check_char(&first17))
}

pub fn household(no: &str, village: &str, extra: &[(&str, &str)]) -> HouseholdData {
    let mut f: HashMap<String, String> = [
        ("household_no", no),
        ("village_code", village),
        ("standard", "国家标准"),
        ("attribute", "一般贫困户"),
        ("main_cause", "因病"),
        ("status", "未脱贫"),
        ("first_identified_on", "2014-10-01"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (k, v) in extra {
        f.insert((*k).to_owned(), (*v).to_owned());
    }
    HouseholdData::parse(&f, today()).expect("fixture household is valid")
}

pub fn member(name: &str, sex: &str, id_number: &str, relation: &str) -> MemberData {
    let f: HashMap<String, String> = [("name", name), ("sex", sex), ("id_number", id_number), ("relation", relation)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    MemberData::parse(&f, today()).expect("fixture member is valid")
}

/// 王建国 (head) and 李秀英 (spouse).
pub fn couple(seq: u32) -> Vec<MemberData> {
    vec![
        member("王建国", "男", &id("19650312", seq, true), "户主"),
        member("李秀英", "女", &id("19680705", seq, false), "配偶"),
    ]
}

/// 沙河店镇's first village and 蚁蜂镇's first village, from the embedded division list.
pub const SHAHEDIAN_VILLAGE: &str = "411702101201";
pub const YIFENG_VILLAGE: &str = "411702104201";
pub const SHAHEDIAN: &str = "411702101000";

/// Writes households.csv and members.csv into a fresh temporary folder.
pub fn register_dir(households_csv: &str, members_csv: &str) -> TempDir {
    let dir = TempDir::new();
    std::fs::write(dir.path().join("households.csv"), households_csv).expect("write households.csv");
    std::fs::write(dir.path().join("members.csv"), members_csv).expect("write members.csv");
    dir
}

pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new() -> TempDir {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let p = std::env::temp_dir().join(format!("bangfu-test-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The clerk every storage test acts as.
/// A household of the couple `couple(seq)` registered in `village` with nothing else: the
/// starting point of most storage tests.
pub async fn registered(db: &bangfu_db::Db, no: &str, village: &str, seq: u32) -> HouseholdId {
    use bangfu_core::store::HouseholdStore;
    db.create_household(
        &crate::harness::everything(),
        &register(&household(no, village, &[]), &couple(seq), None),
        &actor(),
    )
    .await
    .unwrap()
}

pub fn actor() -> bangfu_core::audit::Actor {
    bangfu_core::audit::Actor {
        user_id: None,
        username: "测试员".into(),
        role: Some("district_admin".into()),
        ip: None,
    }
}

// ---- the register's commands, built as storage receives them (the parsing is core's, tested there) ----

pub fn register(household: &HouseholdData, members: &[MemberData], income: Option<&Income>) -> RegisterHousehold {
    RegisterHousehold { household: household.clone(), members: members.to_vec(), income: income.cloned() }
}

pub fn correct(expected_version: i64, household: &HouseholdData) -> CorrectHousehold {
    CorrectHousehold { expected_version, household: household.clone() }
}

pub fn correct_member(expected_version: i64, member: &MemberData) -> CorrectMember {
    CorrectMember { expected_version, member: member.clone() }
}

pub fn joins(member: &MemberData) -> MemberJoins {
    MemberJoins { member: member.clone() }
}

pub fn leaves(on: NaiveDate, reason: &str) -> MemberLeaves {
    MemberLeaves { on, reason: reason.to_owned() }
}

pub fn recording(income: &Income, replace: bool) -> RecordIncome {
    RecordIncome { income: income.clone(), replace }
}

pub fn code(s: &str) -> bangfu_core::area::AreaCode {
    bangfu_core::area::AreaCode::parse(s).unwrap()
}

pub async fn scope_of(db: &bangfu_db::Db, area: &str) -> bangfu_core::area::Scope {
    let area = bangfu_core::store::AreaStore::area(db, &code(area)).await.unwrap().unwrap();
    bangfu_core::area::Scope::of(&area)
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// 纳入监测 of a 脱贫户, as the district's form does it.
pub async fn open_episode(db: &bangfu_db::Db, h: HouseholdId, kind: &str, on: &str, reason: &str) {
    let f: std::collections::HashMap<&str, &str> = [
        ("monitoring_type", kind),
        ("risks", "因病"),
        ("found_by", "干部排查"),
        ("identified_on", on),
        ("reason", reason),
    ]
    .into_iter()
    .collect();
    let e = bangfu_core::monitoring::OpenEpisode::parse(&f, HouseholdType::Tuopin, today()).unwrap();
    db.backfill_episode(&crate::harness::everything(), h, &e, &actor()).await.unwrap();
}
