//! `bangfu generate`: a synthetic register (households.csv, members.csv, incomes.csv) for demos,
//! load tests and importer tests. Deterministic: the same seed gives the same bytes.
//!
//! Rows are written as a clerk would type them (Chinese labels, 是/否, YYYY-MM-DD, 元 with
//! two decimals) and every one passes the importer's own parsing and cross-field rules.
//!
//! The register is a district's as of `today` in the monitoring era (DOMAIN §0, §4): no
//! household is 未脱贫 or 返贫; 脱贫户, 监测户（非脱贫户） and a few 一般农户; monitoring episodes for
//! about 12 % of households (every 监测户 and one 脱贫户 in fifteen), most cleared, some identified
//! again, their risks true of the members; three income years related to each year's line.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::{BufWriter, Read};
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow, bail};
use bangfu_core::area::{Area, AreaCode, AreaLevel};
use bangfu_core::household::columns::{Column, HOUSEHOLD_COLUMNS, MEMBER_COLUMNS};
use bangfu_core::household::id_number::check_char;
use bangfu_core::household::{
    DangerGrade, DisabilityCategory, DisabilityGrade, Education, Ethnicity, Fuel, Health, HouseholdType,
    HousingStructure, IdentificationStandard, Labour, MedicalInsurance, MigrantWork, MonitoringType, PensionInsurance,
    PoliticalStatus, PovertyAttribute, PovertyCause, PovertyStatus, Relation, RoadType, Sex, StudentStatus,
};
use bangfu_core::monitoring::{ClearMethod, FoundBy, MonitoringRisk};
use chrono::{Datelike, Days, NaiveDate};

pub struct GenerateOptions {
    pub households: u64,
    pub seed: u64,
    pub out_dir: PathBuf,
    pub villages: Vec<Village>,
    /// Nobody is born, identified or cleared after this date.
    pub today: NaiveDate,
    /// Where the monitoring episodes go. `false`: the latest episode of each household in the
    /// three monitoring columns of households.csv (what `bangfu import` reads). `true`: every
    /// episode, with its risks, how it was found and how it ended, in episodes.csv
    /// ([`EPISODE_COLUMNS`]), and the three columns left blank — the demo opens and clears each
    /// one through the register, as a clerk would.
    pub episodes_csv: bool,
}

/// episodes.csv: one row per monitoring episode, oldest first within a household.
/// (field, Chinese header); the fields are those of the identification and clearing forms.
pub const EPISODE_COLUMNS: &[(&str, &str)] = &[
    ("household_no", "户编号"),
    ("monitoring_type", "监测对象类型"),
    ("risks", "风险类型"),
    ("found_by", "发现方式"),
    ("identified_on", "识别时间"),
    ("house_unsafe", "住房不安全"),
    ("out_of_school", "有失学辍学适龄儿童"),
    ("no_medical_insurance", "有成员未参加基本医疗保险"),
    ("water_unsafe", "饮水不安全"),
    ("no_labour", "整户无劳动能力"),
    ("cleared_on", "风险消除时间"),
    ("method", "消除方式"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Village {
    /// 12-digit division code.
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateSummary {
    pub households: u64,
    pub members: u64,
    /// Monitoring episodes, and households with at least one.
    pub episodes: u64,
    pub monitored_households: u64,
}

/// Reads a division list CSV (code,name,level,parent_code) and returns its villages
/// (村/社区, level "village"). Every row is checked as the division importer would.
pub fn villages_from_divisions(reader: impl Read) -> Result<Vec<Village>> {
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(reader);
    let headers = rdr.headers().context("reading the division list header")?.clone();
    let index = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').eq_ignore_ascii_case(name))
            .ok_or_else(|| anyhow!("the division list has no “{name}” column"))
    };
    let (code, name, level, parent) = (index("code")?, index("name")?, index("level")?, index("parent_code")?);
    let mut villages = Vec::new();
    for (i, record) in rdr.records().enumerate() {
        let line = i + 2;
        let record = record.with_context(|| format!("division list line {line}"))?;
        let field = |k: usize| record.get(k).unwrap_or("");
        let area = Area::from_fields(field(code), field(name), field(level), field(parent)).map_err(|errors| {
            let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
            anyhow!("division list line {line}: {}", text.join("; "))
        })?;
        if area.level == AreaLevel::Village {
            villages.push(Village { code: area.code.as_str().to_owned(), name: area.name });
        }
    }
    Ok(villages)
}

/// Writes `households.csv` and `members.csv` into `opts.out_dir`, streaming: memory does
/// not grow with the number of households.
pub fn generate(opts: &GenerateOptions) -> Result<GenerateSummary> {
    if opts.villages.is_empty() {
        bail!("no villages to put households in");
    }
    if opts.today.year() < 2021 {
        bail!("the generator writes incomes and monitoring from 2021; today ({}) must be 2021 or later", opts.today);
    }
    let household_cols = field_map(HOUSEHOLD_COLUMNS, HouseholdField::from_name)?;
    let member_cols = field_map(MEMBER_COLUMNS, MemberField::from_name)?;

    let mut rng = Rng::new(opts.seed);
    let mut ledger = IdLedger::new(opts.today)?;
    let villages = prepare_villages(&opts.villages, &mut ledger, &mut rng)?;
    let width = sequence_width(opts.households, villages.len());
    let counts = apportion(opts.households, &villages, 10u64.pow(width) - 1);

    fs::create_dir_all(&opts.out_dir).with_context(|| format!("creating {}", opts.out_dir.display()))?;
    let mut hh_out = Out::create(&opts.out_dir.join("households.csv"), HOUSEHOLD_COLUMNS)?;
    let mut m_out = Out::create(&opts.out_dir.join("members.csv"), MEMBER_COLUMNS)?;
    let mut i_out = Out::create(&opts.out_dir.join("incomes.csv"), bangfu_core::household::income::INCOME_COLUMNS)?;
    let mut e_out = if opts.episodes_csv {
        let path = opts.out_dir.join("episodes.csv");
        Some(Out::with_headers(&path, EPISODE_COLUMNS.iter().map(|c| c.1))?)
    } else {
        let _ = fs::remove_file(opts.out_dir.join("episodes.csv"));
        None
    };

    let mut g = Generator { rng, ledger, today: opts.today, members: Vec::with_capacity(8) };
    let mut summary = GenerateSummary { households: 0, members: 0, episodes: 0, monitored_households: 0 };
    for (v, village) in villages.iter().enumerate() {
        for seq in 1..=counts[v] {
            let household_no = format!("{}{:0w$}", village.code, seq, w = width as usize);
            let mut hh = g.household(village, household_no)?;
            if let Some(e_out) = &mut e_out {
                for e in &hh.episodes {
                    e_out.episode(&hh, e)?;
                }
                hh.episodes_elsewhere = true;
            }
            hh_out.household(&household_cols, &hh, village)?;
            for m in &g.members {
                m_out.member(&member_cols, m, &hh)?;
            }
            for y in &hh.earlier_incomes {
                i_out.income(&hh.household_no, y)?;
            }
            summary.households += 1;
            summary.members += g.members.len() as u64;
            summary.episodes += hh.episodes.len() as u64;
            summary.monitored_households += u64::from(!hh.episodes.is_empty());
        }
    }
    hh_out.finish()?;
    m_out.finish()?;
    i_out.finish()?;
    if let Some(e_out) = e_out {
        e_out.finish()?;
    }
    Ok(summary)
}

/// Maps each column of a table to the generator's field; an optional column the generator
/// does not know is written empty, a required one is an error.
fn field_map<F: Copy>(columns: &[Column], known: fn(&str) -> Option<F>) -> Result<Vec<Option<F>>> {
    columns
        .iter()
        .map(|c| match known(c.field) {
            Some(f) => Ok(Some(f)),
            None if c.required => Err(anyhow!("the generator cannot fill the required column {}", c.field)),
            None => Ok(None),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Randomness: xoshiro256++ seeded through SplitMix64, so output depends only on the seed.

struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut splitmix = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Rng { s: [splitmix(), splitmix(), splitmix(), splitmix()] }
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in 0..n (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in lo..=hi.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo { lo } else { lo + self.below((hi - lo + 1) as u64) as i64 }
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u64 = items.iter().map(|&(_, w)| u64::from(w)).sum();
        let mut r = self.below(total.max(1));
        for &(item, w) in items {
            if r < u64::from(w) {
                return item;
            }
            r -= u64::from(w);
        }
        items[items.len() - 1].0
    }
}

// ---------------------------------------------------------------------------------------
// ID numbers: unique by construction.

const EPOCH_YEAR: i32 = 1920;
/// Sequences per birth date and sex: odd 001–997 for men, even 002–998 for women.
const SLOTS: u16 = 499;

/// Hands out (birth date, sequence) pairs per area code so that no ID number repeats:
/// a date whose slots for one sex are used up passes the person to the next free day.
struct IdLedger {
    epoch: NaiveDate,
    last: usize,
    areas: Vec<(String, Vec<[u16; 2]>)>,
}

impl IdLedger {
    fn new(today: NaiveDate) -> Result<IdLedger> {
        let epoch = NaiveDate::from_ymd_opt(EPOCH_YEAR, 1, 1).ok_or_else(|| anyhow!("bad epoch"))?;
        let last = usize::try_from((today - epoch).num_days()).context("today is before 1920")?;
        Ok(IdLedger { epoch, last, areas: Vec::new() })
    }

    fn area_index(&mut self, area: &str) -> usize {
        if let Some(i) = self.areas.iter().position(|(a, _)| a == area) {
            return i;
        }
        self.areas.push((area.to_owned(), vec![[0; 2]; self.last + 1]));
        self.areas.len() - 1
    }

    fn day_index(&self, date: NaiveDate) -> usize {
        ((date - self.epoch).num_days().max(0) as usize).min(self.last)
    }

    fn date(&self, day: usize) -> NaiveDate {
        self.epoch.checked_add_days(Days::new(day as u64)).unwrap_or(self.epoch)
    }

    /// Issues an ID number near `wanted` (the same day unless that day is full).
    fn issue(&mut self, area: usize, wanted: usize, sex: Sex) -> Result<(String, NaiveDate)> {
        let slot = usize::from(sex == Sex::Female);
        let last = self.last;
        let (code, days) = &mut self.areas[area];
        let start = wanted.min(last);
        let day = (start..=last)
            .chain((0..start).rev())
            .find(|&d| days[d][slot] < SLOTS)
            .ok_or_else(|| anyhow!("area {code} has no ID numbers left"))?;
        let k = days[day][slot];
        days[day][slot] += 1;
        let sequence = if sex == Sex::Male { 2 * k + 1 } else { 2 * k + 2 };
        let birth = self.date(day);
        let mut id = String::with_capacity(18);
        let _ = write!(
            id,
            "{}{:04}{:02}{:02}{:03}",
            self.areas[area].0,
            birth.year(),
            birth.month(),
            birth.day(),
            sequence
        );
        id.push(check_char(&id));
        Ok((id, birth))
    }
}

// ---------------------------------------------------------------------------------------
// Villages: uneven sizes, a few dominant surnames each.

struct VillageInfo {
    code: String,
    /// "石庄村", "中山街社区": the name as people write it in an address.
    short_name: String,
    urban: bool,
    groups: i64,
    area: usize,
    clans: [usize; 3],
    weight: f64,
}

fn prepare_villages(villages: &[Village], ledger: &mut IdLedger, rng: &mut Rng) -> Result<Vec<VillageInfo>> {
    villages
        .iter()
        .map(|v| {
            let code = AreaCode::parse(&v.code).map_err(|m| anyhow!("village {}: {m}", v.code))?;
            if code.implied_level() != AreaLevel::Village {
                bail!("{} ({}) is not a village-level code", v.code, v.name);
            }
            let urban = v.name.contains("居民委员会") || v.name.ends_with("社区");
            let own_surname = v.name.chars().next().and_then(|c| SURNAMES.iter().position(|&s| s == c));
            let clans = [own_surname.unwrap_or_else(|| surname_index(rng)), surname_index(rng), surname_index(rng)];
            // Rural villages hold most registered households; a few are much bigger.
            let u = rng.unit() + rng.unit() + rng.unit();
            let weight = if urban { 0.15 + 0.35 * rng.unit() } else { 0.3 + u * u / 3.0 };
            Ok(VillageInfo {
                code: v.code.clone(),
                short_name: short_name(&v.name),
                urban,
                groups: if urban { rng.range(3, 8) } else { rng.range(4, 14) },
                area: ledger.area_index(&v.code[..6]),
                clans,
                weight,
            })
        })
        .collect()
}

fn short_name(name: &str) -> String {
    let name = name.trim();
    for (suffix, replacement) in
        [("村民委员会", "村"), ("村委会", "村"), ("社区居民委员会", "社区"), ("居民委员会", "社区")]
    {
        if let Some(stem) = name.strip_suffix(suffix) {
            return format!("{stem}{replacement}");
        }
    }
    name.to_owned()
}

/// Digits of the in-village sequence: 4, unless even full villages could not hold them all.
fn sequence_width(households: u64, villages: usize) -> u32 {
    let mut width = 4;
    while households > villages as u64 * (10u64.pow(width) - 1) {
        width += 1;
    }
    width
}

/// Splits `total` households over the villages by weight (largest remainder), none above `cap`.
fn apportion(total: u64, villages: &[VillageInfo], cap: u64) -> Vec<u64> {
    let n = villages.len();
    let mut counts = vec![0u64; n];
    let mut capped = vec![false; n];
    loop {
        let free: Vec<usize> = (0..n).filter(|&i| !capped[i]).collect();
        let left = total.saturating_sub(capped.iter().filter(|&&c| c).count() as u64 * cap);
        if free.is_empty() {
            break;
        }
        let weight: f64 = free.iter().map(|&i| villages[i].weight).sum();
        let mut fractions = Vec::with_capacity(free.len());
        let mut given = 0;
        for &i in &free {
            let exact = left as f64 * villages[i].weight / weight;
            counts[i] = exact.floor() as u64;
            given += counts[i];
            fractions.push((exact - exact.floor(), i));
        }
        fractions.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, i) in fractions.iter().cycle().take(left.saturating_sub(given) as usize) {
            counts[i] += 1;
        }
        let mut changed = false;
        for &i in &free {
            if counts[i] > cap {
                counts[i] = cap;
                capped[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    counts
}

// ---------------------------------------------------------------------------------------
// Names.

const SURNAMES: [char; 104] = [
    '王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林',
    '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾', '萧', '田', '董', '袁', '潘', '于',
    '蒋', '蔡', '余', '杜', '叶', '程', '苏', '魏', '吕', '丁', '任', '沈', '姚', '卢', '姜', '崔', '钟', '谭', '陆',
    '汪', '范', '金', '石', '廖', '贾', '夏', '韦', '付', '方', '白', '邹', '孟', '熊', '秦', '邱', '江', '尹', '薛',
    '闫', '段', '雷', '侯', '龙', '史', '陶', '黎', '贺', '顾', '毛', '郝', '龚', '邵', '万', '钱', '严', '覃', '武',
    '戴', '莫', '孔', '向', '汤', '单', '常', '牛', '岳',
];
const MALE_OLD: &[char] = &[
    '建', '国', '军', '德', '明', '志', '强', '保', '振', '华', '长', '春', '福', '林', '海', '成', '文', '学', '庆',
    '永', '全', '山', '贵', '发', '平', '忠', '新', '富', '清', '广', '江', '水', '中', '东',
];
const FEMALE_OLD: &[char] = &[
    '秀', '英', '兰', '桂', '芳', '玉', '梅', '珍', '凤', '花', '荣', '琴', '香', '云', '翠', '爱', '淑', '霞', '金',
    '莲', '素', '巧', '菊', '红',
];
const MALE_YOUNG: &[char] = &[
    '浩', '宇', '轩', '博', '子', '俊', '杰', '鹏', '磊', '涛', '超', '辉', '亮', '飞', '凯', '鑫', '晨', '阳', '铭',
    '泽', '睿', '航', '豪', '一', '嘉', '文', '明', '伟', '帅', '康',
];
const FEMALE_YOUNG: &[char] = &[
    '欣', '怡', '佳', '雨', '涵', '思', '梦', '晨', '悦', '婷', '静', '丽', '雪', '琳', '萱', '诗', '可', '妍', '颖',
    '雅', '璐', '婉', '馨', '若', '娜', '敏', '倩', '晓',
];

/// Common surnames come up more often (a triangular bias towards the front of the list).
fn surname_index(rng: &mut Rng) -> usize {
    let n = SURNAMES.len() as u64;
    rng.below(n).min(rng.below(n)) as usize
}

fn given_name(rng: &mut Rng, out: &mut String, sex: Sex, birth_year: i32) {
    let young = birth_year >= 1995 || (birth_year >= 1975 && rng.chance(0.5));
    let pool = match (sex, young) {
        (Sex::Male, false) => MALE_OLD,
        (Sex::Male, true) => MALE_YOUNG,
        (Sex::Female, false) => FEMALE_OLD,
        (Sex::Female, true) => FEMALE_YOUNG,
    };
    out.push(rng.pick(pool));
    if rng.chance(0.75) {
        out.push(rng.pick(pool));
    }
}

// ---------------------------------------------------------------------------------------
// One household.

#[derive(Clone)]
struct Person {
    name: String,
    sex: Sex,
    relation: Relation,
    id: String,
    birth: NaiveDate,
    age: u32,
    ethnicity: Ethnicity,
    education: Education,
    student: StudentStatus,
    health: Health,
    disability: Option<DisabilityGrade>,
    labour: Labour,
    migrant: Option<(MigrantWork, i64)>,
    /// The national member fields, settled with the work and cover (see `national_fields`).
    national: National,
    basic_medical: bool,
    serious_illness: bool,
    pension: bool,
    dibao: bool,
    tekun: bool,
    soldier: bool,
    phone: Option<String>,
}

/// What the national form adds to a member: 证件类型, 政治面貌, insurance schemes, 公益性岗位,
/// 务工地点, and a second health value beside a disability ("残疾,长期慢性病").
#[derive(Clone, Default)]
struct National {
    /// A disabled member's 残疾人证: its category (the grade is `Person::disability`).
    certificate: Option<DisabilityCategory>,
    /// Disability category without a certificate.
    category: Option<DisabilityCategory>,
    also_chronic: bool,
    political: Option<PoliticalStatus>,
    medical: Option<MedicalInsurance>,
    pension: Option<PensionInsurance>,
    commercial: bool,
    medical_aid: bool,
    public_job: Option<i64>,
    migrant_place: &'static str,
}

impl Person {
    fn is_student(&self) -> bool {
        !matches!(self.student, StudentStatus::NotStudent | StudentStatus::Preschool)
    }

    /// 有劳动能力: ordinary, skilled, or weak/half labour (enough for a 公益岗位).
    fn able_to_work(&self) -> bool {
        matches!(self.labour, Labour::Ordinary | Labour::Skilled | Labour::Weak)
    }

    fn ill(&self) -> bool {
        matches!(self.health, Health::Chronic | Health::Serious) || self.national.also_chronic
    }
}

struct HouseholdRow {
    household_no: String,
    group: i64,
    phone: Option<String>,
    bank: Option<(&'static str, String)>,
    /// 户类型: the poverty-era fields below are written for a 脱贫户 only.
    household_type: HouseholdType,
    standard: IdentificationStandard,
    attribute: PovertyAttribute,
    main_cause: PovertyCause,
    other_causes: Vec<PovertyCause>,
    status: PovertyStatus,
    first_identified_on: NaiveDate,
    exit_year: Option<i32>,
    /// Monitoring episodes, oldest first: at most one open, the last.
    episodes: Vec<EpisodeRow>,
    /// The episodes are written to episodes.csv, not to households.csv's monitoring columns.
    episodes_elsewhere: bool,
    /// Areas in tenths of a mu / m², distance in hundredths of a km: exact decimals.
    farmland: i64,
    irrigated: i64,
    forest: i64,
    housing: i64,
    structure: HousingStructure,
    danger: DangerGrade,
    road_distance: i64,
    road_type: RoadType,
    household_power: bool,
    production_power: bool,
    water_difficult: bool,
    water_safe: bool,
    fuel: Fuel,
    sanitary_toilet: bool,
    in_cooperative: bool,
    relocated: bool,
    income_year: i32,
    /// Fen.
    wages: i64,
    operating: i64,
    property: i64,
    transfer: i64,
    operating_cost: i64,
    /// The years before `income_year`, oldest first (incomes.csv).
    earlier_incomes: Vec<YearIncome>,
}

/// One monitoring episode as the district recorded it.
#[derive(Clone)]
struct EpisodeRow {
    kind: MonitoringType,
    /// One or two, each true of the members (因病 with a sick member, 因学 with a student …).
    risks: Vec<MonitoringRisk>,
    found_by: FoundBy,
    identified: NaiveDate,
    flags: EpisodeFlags,
    cleared: Option<(NaiveDate, ClearMethod)>,
}

/// 三保障和饮水 and 整户无劳动能力, as the household is.
#[derive(Clone, Copy)]
struct EpisodeFlags {
    house_unsafe: bool,
    out_of_school: bool,
    no_medical_insurance: bool,
    water_unsafe: bool,
    no_labour: bool,
}

impl EpisodeRow {
    /// Whether the risk lasted through some of `year`.
    fn open_in(&self, year: i32) -> bool {
        self.identified.year() <= year && self.cleared.is_none_or(|c| c.0.year() > year)
    }
}

/// One year's income with the household size of that year.
struct YearIncome {
    year: i32,
    size: i64,
    /// [wages, operating, property, transfer, operating cost] in fen.
    amounts: [i64; 5],
}

/// A planned member before an ID number fixes the exact birth date.
#[derive(Clone, Copy)]
struct Plan {
    relation: Relation,
    sex: Sex,
    age: i64,
}

struct Generator {
    rng: Rng,
    ledger: IdLedger,
    today: NaiveDate,
    /// The current household's members, reused from one household to the next.
    members: Vec<Person>,
}

impl Generator {
    fn household(&mut self, village: &VillageInfo, household_no: String) -> Result<HouseholdRow> {
        let rng = &mut self.rng;
        let attribute = rng.weighted(&[
            (PovertyAttribute::Ordinary, 75),
            (PovertyAttribute::Dibao, 20),
            (PovertyAttribute::Tekun, 5),
        ]);
        // December 2026: every 建档立卡 household has exited; 返贫 is watched as monitoring of a
        // 脱贫不稳定户, not as a status. Most still receive the policies.
        let status = rng.weighted(&[(PovertyStatus::Exited, 72), (PovertyStatus::Closed, 28)]);
        let plan = plan_family(rng, attribute);
        self.people(village, &plan, attribute)?;

        let rng = &mut self.rng;
        let today = self.today;
        let members = &mut self.members;
        let main_cause = main_cause(rng, members, attribute);
        let other_causes = other_causes(rng, members, main_cause);
        // Mostly former 建档立卡 households; some monitored though never poor (each with an
        // episode: that is why they are registered), and a few ordinary households under check.
        let household_type =
            rng.weighted(&[(HouseholdType::Tuopin, 91), (HouseholdType::Monitored, 6), (HouseholdType::Ordinary, 3)]);
        let monitored = match household_type {
            HouseholdType::Monitored => true,
            HouseholdType::Tuopin => rng.chance(0.065),
            HouseholdType::Ordinary => false,
        };
        // Illness is the commonest risk: a monitored household more often has someone ill.
        if monitored
            && !members.iter().any(|m| matches!(m.health, Health::Chronic | Health::Serious))
            && rng.chance(0.4)
        {
            let i = sufferer(rng, members);
            members[i].health = if rng.chance(0.5) { Health::Serious } else { Health::Chronic };
            members[i].disability = None;
        }
        for m in members.iter_mut() {
            work_and_cover(rng, m, attribute);
        }

        let ident_year = rng.weighted(&[(2014, 70), (2015, 15), (2016, 15)]);
        let first_identified_on = day_in_year(rng, ident_year).min(today);
        let year = rng.weighted(&[(2016, 15), (2017, 25), (2018, 25), (2019, 25), (2020, 10)]);
        let exit_year = Some(year.max(ident_year));

        let farmland = if village.urban {
            if rng.chance(0.6) { 0 } else { rng.range(3, 20) }
        } else if rng.chance(0.04) {
            0
        } else if rng.chance(0.03) {
            rng.range(80, 100)
        } else {
            rng.range(5, 80)
        };
        let irrigated = if farmland > 0 && rng.chance(0.7) { farmland * rng.range(30, 100) / 100 } else { 0 };
        let forest = if rng.chance(0.08) { rng.range(5, 50) } else { 0 };
        let housing = rng.range(40, 200) * 10 + if rng.chance(0.3) { rng.range(1, 9) } else { 0 };
        let structure = rng.weighted(&[
            (HousingStructure::BrickConcrete, 60),
            (HousingStructure::BrickWood, 20),
            (HousingStructure::Concrete, 12),
            (HousingStructure::EarthWood, 6),
            (HousingStructure::Other, 2),
        ]);
        let danger =
            rng.weighted(&[(DangerGrade::A, 700), (DangerGrade::B, 293), (DangerGrade::C, 5), (DangerGrade::D, 2)]);
        let u = rng.unit();
        let road_distance = (u * u * 300.0) as i64;
        let road_type = rng.weighted(&[
            (RoadType::Cement, 80),
            (RoadType::Asphalt, 5),
            (RoadType::Gravel, 10),
            (RoadType::Dirt, 5),
        ]);
        let water_difficult = rng.chance(0.03);
        let water_safe = !water_difficult && rng.chance(0.98);
        let fuel = rng.weighted(&[
            (Fuel::Electricity, 35),
            (Fuel::Gas, 25),
            (Fuel::Firewood, 30),
            (Fuel::Coal, 8),
            (Fuel::Other, 2),
        ]);

        let phone = if rng.chance(0.93) {
            Some(mobile(rng))
        } else if rng.chance(0.3) {
            Some(format!("0396-{}", rng.range(2_000_000, 3_999_999)))
        } else {
            None
        };
        if let (Some(phone), Some(head)) = (&phone, members.iter_mut().find(|m| m.relation == Relation::Head))
            && !phone.starts_with('0')
        {
            head.phone = Some(phone.clone());
        }
        let bank = rng.chance(0.95).then(|| bank_account(rng));

        let flags = EpisodeFlags {
            house_unsafe: matches!(danger, DangerGrade::C | DangerGrade::D),
            out_of_school: false,
            no_medical_insurance: members.iter().any(|m| !m.basic_medical),
            water_unsafe: !water_safe,
            no_labour: !members.iter().any(Person::able_to_work),
        };
        let episodes = if monitored { episodes(rng, household_type, members, farmland, flags, today) } else { vec![] };

        // Three income years, each with the household size of that year (members born by its
        // end) and related to that year's example line: the latest in households.csv, the
        // earlier ones in incomes.csv.
        let income_year = latest_income_year(today);
        let base = base_ratio(rng, household_type);
        let mut years: Vec<YearIncome> = (income_year - 2..=income_year)
            .map(|year| {
                let ratio = year_ratio(rng, base, &episodes, year);
                year_income(rng, members, farmland, year, today, ratio)
            })
            .collect();
        let latest = years.pop().expect("three years");
        let income = latest.amounts;
        let earlier_incomes = years;
        Ok(HouseholdRow {
            household_no,
            group: rng.range(1, village.groups),
            phone,
            bank,
            household_type,
            standard: rng.weighted(&[
                (IdentificationStandard::National, 92),
                (IdentificationStandard::Provincial, 6),
                (IdentificationStandard::City, 2),
            ]),
            attribute,
            main_cause,
            other_causes,
            status,
            first_identified_on,
            exit_year,
            episodes,
            episodes_elsewhere: false,
            farmland,
            irrigated,
            forest,
            housing,
            structure,
            danger,
            road_distance,
            road_type,
            household_power: rng.chance(0.999),
            production_power: rng.chance(0.9),
            water_difficult,
            water_safe,
            fuel,
            sanitary_toilet: rng.chance(0.85),
            in_cooperative: rng.chance(0.4),
            relocated: rng.chance(0.02),
            income_year,
            wages: income[0],
            operating: income[1],
            property: income[2],
            transfer: income[3],
            operating_cost: income[4],
            earlier_incomes,
        })
    }

    /// Turns the plan into people: ID numbers, names, schooling and health by age.
    fn people(&mut self, village: &VillageInfo, plan: &[Plan], attribute: PovertyAttribute) -> Result<()> {
        let rng = &mut self.rng;
        self.members.clear();
        let head_surname =
            if rng.chance(0.45) { SURNAMES[rng.pick(&village.clans)] } else { SURNAMES[surname_index(rng)] };
        let ethnicity = if rng.chance(0.985) { Ethnicity::Han } else { Ethnicity::Hui };
        for p in plan {
            let days_ago = (p.age * 365 + p.age / 4 + rng.range(0, 364)) as u64;
            let wanted =
                self.ledger.day_index(self.today.checked_sub_days(Days::new(days_ago)).unwrap_or(NaiveDate::MIN));
            let (id, birth) = self.ledger.issue(village.area, wanted, p.sex)?;
            let age = self.today.years_since(birth).unwrap_or(0);
            // Spouses, in-laws and the head's mother keep their own surnames.
            let own_surname = matches!(
                p.relation,
                Relation::Spouse
                    | Relation::DaughterInLaw
                    | Relation::SonInLaw
                    | Relation::ParentInLaw
                    | Relation::ParentInLawH
            ) || (p.relation == Relation::Parent && p.sex == Sex::Female);
            let mut name = String::with_capacity(9);
            name.push(if own_surname { SURNAMES[surname_index(rng)] } else { head_surname });
            given_name(rng, &mut name, p.sex, birth.year());
            let (education, student) = schooling(rng, age, birth.year());
            let health = rng_health(rng, age);
            self.members.push(Person {
                name,
                sex: p.sex,
                relation: p.relation,
                id,
                birth,
                age,
                ethnicity: if p.relation == Relation::Spouse && rng.chance(0.05) { Ethnicity::Han } else { ethnicity },
                education,
                student,
                health,
                disability: (health == Health::Disabled).then(|| disability_grade(rng)),
                labour: Labour::NoLabour,
                migrant: None,
                national: National::default(),
                basic_medical: true,
                serious_illness: true,
                pension: false,
                dibao: false,
                tekun: attribute == PovertyAttribute::Tekun,
                soldier: false,
                phone: None,
            });
        }
        Ok(())
    }
}

fn day_in_year(rng: &mut Rng, year: i32) -> NaiveDate {
    let ordinal = rng.range(1, 365) as u32;
    NaiveDate::from_yo_opt(year, ordinal).unwrap_or(NaiveDate::MIN)
}

/// Who lives in the household, with ages that fit their relations: children 20–34 years
/// younger than the younger parent, spouses within a few years of each other.
fn plan_family(rng: &mut Rng, attribute: PovertyAttribute) -> Vec<Plan> {
    let size = if attribute == PovertyAttribute::Tekun {
        if rng.chance(0.85) { 1 } else { 2 }
    } else {
        rng.weighted(&[(1, 15), (2, 21), (3, 19), (4, 21), (5, 15), (6, 6), (7, 3)])
    };
    let head_sex = if rng.chance(0.84) { Sex::Male } else { Sex::Female };
    let other = |s: Sex| {
        if s == Sex::Male { Sex::Female } else { Sex::Male }
    };
    let child = |rng: &mut Rng, parent_age: i64, son: Relation, daughter: Relation| {
        let gap = rng.range(20, 34.min(parent_age));
        let male = rng.chance(0.52);
        let sex = if male { Sex::Male } else { Sex::Female };
        Plan { relation: if male { son } else { daughter }, sex, age: (parent_age - gap).max(0) }
    };
    let spouse_of = |rng: &mut Rng, p: Plan, relation: Relation| {
        // Husbands are usually a little older than their wives.
        let diff = rng.range(-2, 5);
        let age = if p.sex == Sex::Male { p.age - diff } else { p.age + diff };
        Plan { relation, sex: other(p.sex), age: age.max(20) }
    };

    let mut plan = Vec::with_capacity(size);
    if size == 1 {
        let age =
            if attribute == PovertyAttribute::Tekun || rng.chance(0.7) { rng.range(58, 92) } else { rng.range(30, 60) };
        plan.push(Plan { relation: Relation::Head, sex: head_sex, age });
        return plan;
    }
    let elderly = attribute == PovertyAttribute::Tekun || (size == 2 && rng.chance(0.55));
    let three_generations = !elderly && size >= 3 && rng.chance(if size >= 5 { 0.55 } else { 0.3 });
    let head_age = if elderly {
        rng.range(58, 90)
    } else if three_generations {
        rng.range(52, 78)
    } else {
        rng.range(28, 62)
    };
    let head = Plan { relation: Relation::Head, sex: head_sex, age: head_age };
    plan.push(head);
    let mut slots = size - 1;
    let with_spouse = if elderly {
        // 特困 households have nobody to support them; other old people may live with a grown child.
        attribute == PovertyAttribute::Tekun || rng.chance(0.8)
    } else {
        rng.chance(if size == 2 { 0.4 } else { 0.82 })
    };
    if with_spouse {
        plan.push(spouse_of(rng, head, Relation::Spouse));
        slots -= 1;
    }
    let parents_age = plan.iter().map(|p| p.age).min().unwrap_or(head_age);
    if three_generations {
        // The married child is 22 or older.
        let mut married = child(rng, parents_age, Relation::Son, Relation::Daughter);
        married.age = parents_age - rng.range(20, 34.min(parents_age - 22));
        plan.push(married);
        slots -= 1;
        let mut young_parents_age = married.age;
        if slots >= 1 && rng.chance(0.85) {
            let in_law = if married.sex == Sex::Male { Relation::DaughterInLaw } else { Relation::SonInLaw };
            let partner = spouse_of(rng, married, in_law);
            young_parents_age = young_parents_age.min(partner.age);
            plan.push(partner);
            slots -= 1;
        }
        if slots >= 2 && rng.chance(0.2) {
            plan.push(child(rng, parents_age, Relation::Son, Relation::Daughter));
            slots -= 1;
        }
        for _ in 0..slots {
            plan.push(child(rng, young_parents_age, Relation::Grandchild, Relation::Grandchild));
        }
    } else {
        if !elderly && head_age <= 58 && slots >= 2 && rng.chance(0.3) {
            let both = slots >= 3 && rng.chance(0.4);
            let first = if both || rng.chance(0.4) { Sex::Male } else { Sex::Female };
            let parents: &[Sex] = if both { &[Sex::Male, Sex::Female] } else { std::slice::from_ref(&first) };
            for &sex in parents {
                plan.push(Plan { relation: Relation::Parent, sex, age: (head_age + rng.range(22, 34)).min(94) });
                slots -= 1;
            }
        }
        for _ in 0..slots {
            plan.push(child(rng, parents_age, Relation::Son, Relation::Daughter));
        }
    }
    plan
}

fn schooling(rng: &mut Rng, age: u32, birth_year: i32) -> (Education, StudentStatus) {
    use Education as E;
    use StudentStatus as S;
    match age {
        0..=2 => (E::Preschool, S::NotStudent),
        3..=5 => (E::Preschool, S::Preschool),
        6..=11 => (E::Primary, S::Primary),
        12..=14 => (E::Junior, S::Junior),
        15..=17 => rng.weighted(&[
            ((E::Senior, S::Senior), 60),
            ((E::Junior, S::SecondaryVocational), 25),
            ((E::Junior, S::NotStudent), 15),
        ]),
        18..=22 => rng.weighted(&[
            ((E::College, S::College), 20),
            ((E::College, S::HigherVocational), 15),
            ((E::Senior, S::NotStudent), 30),
            ((E::Junior, S::NotStudent), 35),
        ]),
        _ => {
            let education = match birth_year {
                ..1950 => rng.weighted(&[(E::Illiterate, 45), (E::Primary, 40), (E::Junior, 15)]),
                1950..1965 => rng.weighted(&[(E::Illiterate, 15), (E::Primary, 45), (E::Junior, 35), (E::Senior, 5)]),
                1965..1980 => rng.weighted(&[
                    (E::Illiterate, 3),
                    (E::Primary, 25),
                    (E::Junior, 60),
                    (E::Senior, 10),
                    (E::College, 2),
                ]),
                1980..1995 => rng.weighted(&[(E::Primary, 8), (E::Junior, 62), (E::Senior, 20), (E::College, 10)]),
                _ => rng.weighted(&[(E::Junior, 45), (E::Senior, 30), (E::College, 25)]),
            };
            (education, S::NotStudent)
        }
    }
}

fn rng_health(rng: &mut Rng, age: u32) -> Health {
    use Health as H;
    let weights: [u32; 4] = match age {
        0..=17 => [970, 10, 5, 15],
        18..=44 => [930, 30, 10, 30],
        45..=59 => [800, 110, 40, 50],
        _ => [580, 270, 70, 80],
    };
    rng.weighted(&[
        (H::Healthy, weights[0]),
        (H::Chronic, weights[1]),
        (H::Serious, weights[2]),
        (H::Disabled, weights[3]),
    ])
}

fn disability_grade(rng: &mut Rng) -> DisabilityGrade {
    use DisabilityGrade as G;
    rng.weighted(&[(G::One, 10), (G::Two, 20), (G::Three, 30), (G::Four, 40)])
}

/// The main cause, made true of the members where that is cheap: 因病 means someone is
/// ill, 因残 someone disabled, 因学 someone at school.
fn main_cause(rng: &mut Rng, members: &mut [Person], attribute: PovertyAttribute) -> PovertyCause {
    use PovertyCause as C;
    let student = members.iter().any(Person::is_student);
    let cause = if attribute == PovertyAttribute::Tekun {
        rng.weighted(&[(C::LackLabour, 40), (C::Illness, 30), (C::Disability, 20), (C::Other, 10)])
    } else {
        rng.weighted(&[
            (C::Illness, 400),
            (C::Disability, 150),
            (C::LackSkills, 100),
            (C::LackLabour, 80),
            (C::LackCapital, 80),
            // Only a household with someone at school; about 7% of all households.
            (C::Schooling, if student { 150 } else { 0 }),
            (C::Disaster, 30),
            (C::LackDrive, 30),
            (C::LackLand, 20),
            (C::PoorTransport, 15),
            (C::LackWater, 10),
            (C::Other, 15),
        ])
    };
    match cause {
        C::Illness if !members.iter().any(|m| matches!(m.health, Health::Chronic | Health::Serious)) => {
            let i = sufferer(rng, members);
            members[i].health = if rng.chance(0.35) { Health::Serious } else { Health::Chronic };
            members[i].disability = None;
        }
        C::Disability if !members.iter().any(|m| m.health == Health::Disabled) => {
            let i = sufferer(rng, members);
            members[i].health = Health::Disabled;
            members[i].disability = Some(disability_grade(rng));
        }
        _ => {}
    }
    cause
}

/// The member who falls ill or is disabled: more often an adult of 40 or more.
fn sufferer(rng: &mut Rng, members: &[Person]) -> usize {
    let older = members.iter().filter(|m| m.age >= 40).count();
    if older > 0 && rng.chance(0.8) {
        let k = rng.below(older as u64) as usize;
        members.iter().enumerate().filter(|(_, m)| m.age >= 40).nth(k).map_or(0, |(i, _)| i)
    } else {
        rng.below(members.len() as u64) as usize
    }
}

fn other_causes(rng: &mut Rng, members: &[Person], main: PovertyCause) -> Vec<PovertyCause> {
    use PovertyCause as C;
    let ill = members.iter().any(|m| matches!(m.health, Health::Chronic | Health::Serious));
    let disabled = members.iter().any(|m| m.health == Health::Disabled);
    let student = members.iter().any(Person::is_student);
    let mut candidates = vec![
        (C::LackSkills, 20),
        (C::LackCapital, 20),
        (C::LackLabour, 15),
        (C::Illness, if ill { 10 } else { 0 }),
        (C::Disability, if disabled { 8 } else { 0 }),
        (C::Schooling, if student { 8 } else { 0 }),
        (C::PoorTransport, 5),
        (C::LackDrive, 6),
        (C::Disaster, 4),
        (C::LackLand, 3),
        (C::LackWater, 2),
    ];
    candidates.retain(|&(c, w)| w > 0 && c != main);
    let count = rng.weighted(&[(0, 35), (1, 40), (2, 25)]);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let c = rng.weighted(&candidates);
        out.push(c);
        candidates.retain(|&(x, _)| x != c);
    }
    out
}

/// Labour, migrant work, insurance and allowance flags, once health is settled.
fn work_and_cover(rng: &mut Rng, m: &mut Person, attribute: PovertyAttribute) {
    use Labour as L;
    let grade = m.disability;
    m.labour = if m.age < 16 || m.is_student() {
        L::NoLabour
    } else {
        match (m.health, m.age) {
            (Health::Serious, _) => rng.weighted(&[(L::Lost, 70), (L::Weak, 30)]),
            (Health::Disabled, _) if matches!(grade, Some(DisabilityGrade::One | DisabilityGrade::Two)) => L::Lost,
            (Health::Disabled, 16..=59) if grade == Some(DisabilityGrade::Four) => {
                rng.weighted(&[(L::Weak, 70), (L::Ordinary, 30)])
            }
            (Health::Disabled, _) => rng.weighted(&[(L::Weak, 60), (L::Lost, 40)]),
            (Health::Chronic, 70..) => rng.weighted(&[(L::NoLabour, 70), (L::Lost, 30)]),
            (Health::Chronic, _) => rng.weighted(&[(L::Weak, 75), (L::Ordinary, 15), (L::Lost, 10)]),
            (_, 70..) => rng.weighted(&[(L::NoLabour, 65), (L::Weak, 25), (L::Lost, 10)]),
            (_, 60..=69) => rng.weighted(&[(L::Weak, 60), (L::Ordinary, 25), (L::NoLabour, 10), (L::Lost, 5)]),
            _ => rng.weighted(&[(L::Ordinary, 78), (L::Skilled, 20), (L::Weak, 2)]),
        }
    };
    let can_work = matches!(m.labour, L::Ordinary | L::Skilled) || (m.labour == L::Weak && rng.chance(0.1));
    if can_work && (18..=57).contains(&m.age) && rng.chance(0.6) {
        let place = rng.weighted(&[
            (MigrantWork::Township, 15),
            (MigrantWork::County, 20),
            (MigrantWork::Province, 25),
            (MigrantWork::Outside, 40),
        ]);
        let months = if rng.chance(0.8) { rng.range(6, 12) } else { rng.range(1, 5) };
        m.migrant = Some((place, months));
    }
    m.basic_medical = rng.chance(0.995);
    m.serious_illness = m.basic_medical && rng.chance(0.98);
    m.pension = m.age >= 16 && !m.is_student() && rng.chance(if m.age >= 60 { 0.97 } else { 0.9 });
    m.dibao = attribute == PovertyAttribute::Dibao && (m.relation == Relation::Head || rng.chance(0.7));
    m.soldier = m.sex == Sex::Male && (18..=24).contains(&m.age) && !m.is_student() && rng.chance(0.015);
    if m.relation != Relation::Head && (18..=65).contains(&m.age) && rng.chance(0.45) {
        m.phone = Some(mobile(rng));
    }
    national_fields(rng, m);
}

const PROVINCE_CITIES: &[&str] = &["郑州市", "驻马店市", "许昌市", "信阳市", "漯河市"];
const OUTSIDE_CITIES: &[&str] = &["广东省深圳市", "广东省东莞市", "浙江省杭州市", "江苏省苏州市", "上海市", "北京市"];

/// The national form's member fields, drawn after the older ones so those stay as they were.
fn national_fields(rng: &mut Rng, m: &mut Person) {
    use DisabilityCategory as D;
    let n = &mut m.national;
    if m.health == Health::Disabled {
        let category = rng.weighted(&[
            (D::Physical, 45),
            (D::Visual, 15),
            (D::Hearing, 12),
            (D::Intellectual, 10),
            (D::Mental, 10),
            (D::Speech, 3),
            (D::Multiple, 5),
        ]);
        if rng.chance(0.7) {
            n.certificate = Some(category);
        } else {
            n.category = Some(category);
        }
        n.also_chronic = m.age >= 45 && rng.chance(0.3);
    }
    n.political = Some(match m.age {
        18.. if rng.chance(0.05) => PoliticalStatus::PartyMember,
        14..=28 if rng.chance(0.3) => PoliticalStatus::LeagueMember,
        _ => PoliticalStatus::Masses,
    });
    n.medical = Some(if !m.basic_medical {
        MedicalInsurance::NotInsured
    } else if (18..=60).contains(&m.age) && rng.chance(0.02) {
        MedicalInsurance::Employee
    } else {
        MedicalInsurance::Resident
    });
    n.pension = match (m.age, m.pension) {
        (0..=15, _) => None,
        (_, true) if m.age < 60 && rng.chance(0.02) => Some(PensionInsurance::Employee),
        (_, true) => Some(PensionInsurance::Resident),
        (_, false) => Some(PensionInsurance::NotInsured),
    };
    n.commercial = m.basic_medical && rng.chance(0.15);
    n.medical_aid = m.dibao || m.tekun || (m.health == Health::Serious && rng.chance(0.5));
    if m.migrant.is_none() && m.labour == Labour::Weak && (30..=65).contains(&m.age) && rng.chance(0.2) {
        n.public_job = Some(rng.range(6, 12));
    }
    n.migrant_place = match m.migrant {
        Some((MigrantWork::Township, _)) => "本乡镇",
        Some((MigrantWork::County, _)) => "驻马店市驿城区",
        Some((MigrantWork::Province, _)) => PROVINCE_CITIES[rng.pick(&[0, 1, 2, 3, 4])],
        Some((MigrantWork::Outside, _)) => OUTSIDE_CITIES[rng.pick(&[0, 1, 2, 3, 4, 5])],
        _ => "",
    };
}

/// The monitoring episodes of a household that is monitored (about 12 % of all: every
/// 监测户（非脱贫户）and one 脱贫户 in fifteen): identified from 2021 on, most cleared after six
/// months or more (never a household without labour), and about one in five of those
/// identified again later. Types fit the 户类型, risks fit the members.
fn episodes(
    rng: &mut Rng,
    household_type: HouseholdType,
    members: &[Person],
    farmland: i64,
    flags: EpisodeFlags,
    today: NaiveDate,
) -> Vec<EpisodeRow> {
    let mut out: Vec<EpisodeRow> = Vec::with_capacity(2);
    let Some(first) = NaiveDate::from_ymd_opt(2021, 3, 1) else { return out };
    let mut from = first;
    // The first identification more often in the first years (the 2021–2022 sweeps) than
    // lately; a later one any time from half a year after the last risk ended.
    for k in 0..3 {
        let span = (today - from).num_days();
        if span < 30 || (k > 0 && !rng.chance(if k == 1 { 0.22 } else { 0.1 })) {
            break;
        }
        let offset = if k == 0 { (rng.unit().powf(1.4) * span as f64) as i64 } else { rng.range(0, span) };
        let Some(identified) = from.checked_add_days(Days::new(offset as u64)) else { break };
        let hardship = rng.chance(if household_type == HouseholdType::Tuopin { 0.3 } else { 0.25 });
        let kind = match (household_type, hardship) {
            (_, true) => MonitoringType::Hardship,
            (HouseholdType::Tuopin, false) => MonitoringType::Unstable,
            _ => MonitoringType::Edge,
        };
        let risks = risks(rng, kind, members, farmland);
        let found_by =
            rng.weighted(&[(FoundBy::CadreCheck, 50), (FoundBy::DepartmentWarning, 30), (FoundBy::SelfReport, 20)]);
        // Cleared after at least six months with income stable above the line; a household
        // without labour stays monitored under 综合保障.
        let cleared = (!flags.no_labour && rng.chance(0.88))
            .then(|| identified.checked_add_days(Days::new(rng.range(190, 560) as u64)))
            .flatten()
            .filter(|&d| d <= today)
            .map(|d| (d, rng.weighted(&[(ClearMethod::Assisted, 85), (ClearMethod::Natural, 15)])));
        out.push(EpisodeRow { kind, risks, found_by, identified, flags, cleared });
        let Some((cleared_on, _)) = cleared else { break };
        // Identified again no sooner than half a year after the risk ended.
        let Some(next) = cleared_on.checked_add_days(Days::new(180)) else { break };
        from = next;
    }
    out
}

/// One or two monitoring risks, each true of the members: 因病 only with someone ill, 因残
/// with someone disabled, 因学 with a student, 因务工就业不稳 with someone who can work,
/// 缺劳动力 with nobody who can work fully. A 突发严重困难户 is hit by illness, an accident or
/// a flood.
fn risks(rng: &mut Rng, kind: MonitoringType, members: &[Person], farmland: i64) -> Vec<MonitoringRisk> {
    use MonitoringRisk as R;
    let ill = members.iter().any(Person::ill);
    let disabled = members.iter().any(|m| m.health == Health::Disabled);
    let student = members.iter().any(Person::is_student);
    let worker = members.iter().any(|m| matches!(m.labour, Labour::Ordinary | Labour::Skilled) || m.migrant.is_some());
    let full_labour = members.iter().any(|m| matches!(m.labour, Labour::Ordinary | Labour::Skilled));
    let w = |fits: bool, weight: u32| if fits { weight } else { 0 };
    let mut candidates = if kind == MonitoringType::Hardship {
        vec![(R::Illness, w(ill, 60)), (R::Accident, 20), (R::Flood, w(farmland > 0, 12)), (R::OtherDisaster, 3)]
    } else {
        vec![
            (R::Illness, w(ill, 45)),
            (R::Disability, w(disabled, 18)),
            (R::Schooling, w(student, 14)),
            (R::UnstableWork, w(worker, 16)),
            (R::LackLabour, w(!full_labour, 10)),
            (R::Flood, w(farmland > 0, 5)),
            (R::IndustryFailure, w(farmland > 0 && worker, 4)),
            (R::Accident, 4),
        ]
    };
    candidates.retain(|&(_, weight)| weight > 0);
    let main = rng.weighted(&candidates);
    let mut out = vec![main];
    candidates.retain(|&(r, _)| r != main);
    if !candidates.is_empty() && rng.chance(0.35) {
        out.push(rng.weighted(&candidates));
    }
    out
}

/// The latest year with an income on record: this year from November (the yearly income
/// survey), else last year; never past the demo's last line.
fn latest_income_year(today: NaiveDate) -> i32 {
    let year = if today.month() >= 11 { today.year() } else { today.year() - 1 };
    let last_line = bangfu_core::line::EXAMPLE_HENAN_MONITORING.iter().map(|(y, _)| *y).max().unwrap_or(year);
    year.min(last_line)
}

/// The example 监测范围 of a year in fen (河南's demo figures; 1.5 × the 2020 national line before).
fn line_of(year: i32) -> i64 {
    bangfu_core::line::EXAMPLE_HENAN_MONITORING.iter().find(|(y, _)| *y == year).map_or(600_000, |(_, f)| *f)
}

/// Where a household's income sits against the line, in percent, before monitoring is considered.
fn base_ratio(rng: &mut Rng, household_type: HouseholdType) -> i64 {
    match household_type {
        // Under check: reported or found near the line.
        HouseholdType::Ordinary => rng.range(95, 120),
        _ if rng.chance(0.03) => rng.range(280, 400),
        _ if rng.chance(0.04) => rng.range(105, 115),
        _ => 115 + ((rng.unit() + rng.unit()) * 80.0) as i64,
    }
}

/// A monitored household is near or below the line in a year its risk lasted and above it
/// after the risk is cleared; before it was first identified it was a little above.
fn year_ratio(rng: &mut Rng, base: i64, episodes: &[EpisodeRow], year: i32) -> i64 {
    let jitter = rng.range(-4, 4);
    if episodes.iter().any(|e| e.open_in(year)) {
        rng.range(80, 108)
    } else if episodes.iter().any(|e| e.cleared.is_some_and(|c| c.0.year() <= year)) {
        rng.range(112, 145)
    } else if !episodes.is_empty() {
        rng.range(100, 125)
    } else {
        (base + jitter).max(1)
    }
}

/// A year's income: the members born by the end of `year`, their ages then, and a target net
/// income per person of `ratio` % of that year's line.
fn year_income(
    rng: &mut Rng,
    members: &[Person],
    farmland_tenths: i64,
    year: i32,
    today: NaiveDate,
    ratio: i64,
) -> YearIncome {
    let back = (today.year() - year).max(0) as u32;
    let then: Vec<Person> = members
        .iter()
        .filter(|m| m.birth.year() <= year)
        .map(|m| Person { age: m.age.saturating_sub(back), ..m.clone() })
        .collect();
    let then = if then.is_empty() { members.to_vec() } else { then };
    let per_person_yuan = line_of(year) * ratio / 100 / 100;
    // A household meant to sit near or below the line does not earn above it from land,
    // shares and pensions alone either.
    let capped = ratio <= 110;
    YearIncome { year, size: then.len() as i64, amounts: income(rng, &then, capped, farmland_tenths, per_person_yuan) }
}

/// [wages, operating, property, transfer, operating cost] in fen: natural amounts from
/// land, pensions and allowances, with wages making up the household's target net income.
fn income(rng: &mut Rng, members: &[Person], capped: bool, farmland_tenths: i64, per_person_yuan: i64) -> [i64; 5] {
    let size = members.len() as i64;
    let target = per_person_yuan * size * 100;

    let mut operating = farmland_tenths * rng.range(80, 150) * 100;
    if rng.chance(0.3) {
        operating += rng.range(2_000, 15_000) * 100;
    }
    let mut operating_cost = operating * rng.range(35, 55) / 100 / 100 * 100;
    let mut property = if rng.chance(0.6) { rng.range(300, 1_500) * 100 } else { 0 };
    let mut transfer = 0;
    for m in members {
        if m.age >= 60 {
            transfer += 147_600; // 城乡居民基础养老金, 123 元 a month
        }
        if m.dibao {
            transfer += 12 * rng.range(250, 380) * 100;
        }
        if m.tekun {
            transfer += 12 * rng.range(500, 650) * 100;
        }
    }
    transfer += farmland_tenths * 1_050 + rng.range(0, 600) * 100; // 耕地地力保护补贴 and other subsidies
    let mut without_wages = operating - operating_cost + property + transfer;
    if capped && without_wages > target {
        let mut excess = without_wages - target;
        let cut = excess.min(property);
        property -= cut;
        excess -= cut;
        let net_operating = operating - operating_cost;
        if excess > 0 && net_operating > 0 {
            let keep = (net_operating - excess).max(0);
            operating = operating * keep / net_operating / 100 * 100;
            operating_cost = operating_cost * keep / net_operating / 100 * 100;
        }
        // Still above (a large 低保/特困 household): it is near the line, not far above it.
        let left = operating - operating_cost + property + transfer - target;
        if left > 0 {
            transfer = (transfer - left).max(0) / 100 * 100;
        }
        without_wages = operating - operating_cost + property + transfer;
    }
    let wages = ((target - without_wages).max(0) / 1_000) * 1_000;
    [wages, operating, property, transfer, operating_cost]
}

const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157", "158",
    "159", "166", "173", "176", "177", "178", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191",
    "198", "199",
];

fn mobile(rng: &mut Rng) -> String {
    format!("{}{:08}", rng.pick(MOBILE_PREFIXES), rng.below(100_000_000))
}

/// A 19-digit card number with a valid Luhn digit, as rural banks issue them.
fn bank_account(rng: &mut Rng) -> (&'static str, String) {
    let (bank, prefix) = rng.weighted(&[
        (("河南省农村信用社", "623059"), 50),
        (("中国邮政储蓄银行", "621799"), 30),
        (("中国农业银行", "622848"), 20),
    ]);
    let mut account = String::with_capacity(19);
    let _ = write!(account, "{prefix}{:012}", rng.below(1_000_000_000_000));
    let sum: u32 = account
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d }
        })
        .sum();
    account.push(char::from(b'0' + ((10 - sum % 10) % 10) as u8));
    (bank, account)
}

// ---------------------------------------------------------------------------------------
// Output.

#[derive(Clone, Copy)]
enum HouseholdField {
    HouseholdNo,
    VillageCode,
    GroupName,
    Address,
    Phone,
    BankName,
    BankAccount,
    HouseholdType,
    Standard,
    Attribute,
    MainCause,
    OtherCauses,
    Status,
    FirstIdentifiedOn,
    ExitYear,
    MonitoringType,
    RiskIdentifiedOn,
    RiskClearedOn,
    FarmlandMu,
    IrrigatedMu,
    ForestMu,
    HousingM2,
    HousingStructure,
    DangerGrade,
    RoadDistanceKm,
    RoadType,
    HouseholdPower,
    ProductionPower,
    WaterDifficult,
    WaterSafe,
    Fuel,
    SanitaryToilet,
    InCooperative,
    Relocated,
    IncomeYear,
    Wages,
    Operating,
    Property,
    Transfer,
    OperatingCost,
}

impl HouseholdField {
    fn from_name(name: &str) -> Option<HouseholdField> {
        use HouseholdField as F;
        Some(match name {
            "household_no" => F::HouseholdNo,
            "village_code" => F::VillageCode,
            "group_name" => F::GroupName,
            "address" => F::Address,
            "phone" => F::Phone,
            "bank_name" => F::BankName,
            "bank_account" => F::BankAccount,
            "household_type" => F::HouseholdType,
            "standard" => F::Standard,
            "attribute" => F::Attribute,
            "main_cause" => F::MainCause,
            "other_causes" => F::OtherCauses,
            "status" => F::Status,
            "first_identified_on" => F::FirstIdentifiedOn,
            "exit_year" => F::ExitYear,
            "monitoring_type" => F::MonitoringType,
            "risk_identified_on" => F::RiskIdentifiedOn,
            "risk_cleared_on" => F::RiskClearedOn,
            "farmland_mu" => F::FarmlandMu,
            "irrigated_mu" => F::IrrigatedMu,
            "forest_mu" => F::ForestMu,
            "housing_m2" => F::HousingM2,
            "housing_structure" => F::HousingStructure,
            "danger_grade" => F::DangerGrade,
            "road_distance_km" => F::RoadDistanceKm,
            "road_type" => F::RoadType,
            "household_power" => F::HouseholdPower,
            "production_power" => F::ProductionPower,
            "water_difficult" => F::WaterDifficult,
            "water_safe" => F::WaterSafe,
            "fuel" => F::Fuel,
            "sanitary_toilet" => F::SanitaryToilet,
            "in_cooperative" => F::InCooperative,
            "relocated" => F::Relocated,
            "income_year" => F::IncomeYear,
            "wages" => F::Wages,
            "operating" => F::Operating,
            "property" => F::Property,
            "transfer" => F::Transfer,
            "operating_cost" => F::OperatingCost,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy)]
enum MemberField {
    HouseholdNo,
    Name,
    Sex,
    IdKind,
    IdNumber,
    PersonNo,
    Relation,
    PoliticalStatus,
    Ethnicity,
    Education,
    StudentStatus,
    DropoutReason,
    Health,
    DisabilityCategory,
    DisabilityGrade,
    Labour,
    MigrantWork,
    MigrantMonths,
    MigrantPlace,
    PublicJob,
    PublicJobMonths,
    MedicalInsurance,
    SeriousIllness,
    CommercialInsurance,
    MedicalAid,
    PensionInsurance,
    Dibao,
    Tekun,
    Soldier,
    Phone,
    JoinedOn,
    JoinReason,
}

impl MemberField {
    fn from_name(name: &str) -> Option<MemberField> {
        use MemberField as F;
        Some(match name {
            "household_no" => F::HouseholdNo,
            "name" => F::Name,
            "sex" => F::Sex,
            "id_kind" => F::IdKind,
            "id_number" => F::IdNumber,
            "person_no" => F::PersonNo,
            "relation" => F::Relation,
            "political_status" => F::PoliticalStatus,
            "ethnicity" => F::Ethnicity,
            "education" => F::Education,
            "student_status" => F::StudentStatus,
            "dropout_reason" => F::DropoutReason,
            "health" => F::Health,
            "disability_category" => F::DisabilityCategory,
            "disability_grade" => F::DisabilityGrade,
            "labour" => F::Labour,
            "migrant_work" => F::MigrantWork,
            "migrant_months" => F::MigrantMonths,
            "migrant_place" => F::MigrantPlace,
            "public_job" => F::PublicJob,
            "public_job_months" => F::PublicJobMonths,
            "medical_insurance" => F::MedicalInsurance,
            "serious_illness" => F::SeriousIllness,
            "commercial_insurance" => F::CommercialInsurance,
            "medical_aid" => F::MedicalAid,
            "pension_insurance" => F::PensionInsurance,
            "dibao" => F::Dibao,
            "tekun" => F::Tekun,
            "soldier" => F::Soldier,
            "phone" => F::Phone,
            "joined_on" => F::JoinedOn,
            "join_reason" => F::JoinReason,
            _ => return None,
        })
    }
}

/// A CSV file being written field by field, with one scratch buffer for numbers and dates.
struct Out {
    w: csv::Writer<BufWriter<File>>,
    buf: String,
    path: PathBuf,
}

impl Out {
    fn create(path: &std::path::Path, columns: &[Column]) -> Result<Out> {
        Out::with_headers(path, columns.iter().map(|c| c.zh))
    }

    fn with_headers<'a>(path: &std::path::Path, headers: impl IntoIterator<Item = &'a str>) -> Result<Out> {
        let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        let mut w = csv::Writer::from_writer(BufWriter::with_capacity(1 << 16, file));
        w.write_record(headers).with_context(|| format!("writing {}", path.display()))?;
        Ok(Out { w, buf: String::with_capacity(64), path: path.to_owned() })
    }

    /// One row of episodes.csv, in [`EPISODE_COLUMNS`] order.
    fn episode(&mut self, h: &HouseholdRow, e: &EpisodeRow) -> Result<()> {
        self.text(&h.household_no)?;
        self.text(e.kind.label_zh())?;
        self.buf.clear();
        for (i, r) in e.risks.iter().enumerate() {
            if i > 0 {
                self.buf.push('、');
            }
            self.buf.push_str(r.label_zh());
        }
        self.w.write_field(&self.buf)?;
        self.text(e.found_by.label_zh())?;
        self.date(Some(e.identified))?;
        let f = &e.flags;
        for flag in [f.house_unsafe, f.out_of_school, f.no_medical_insurance, f.water_unsafe, f.no_labour] {
            self.flag(flag)?;
        }
        self.date(e.cleared.map(|c| c.0))?;
        self.text(e.cleared.map_or("", |c| c.1.label_zh()))?;
        self.end()
    }

    fn text(&mut self, s: &str) -> csv::Result<()> {
        self.w.write_field(s)
    }

    fn fmt(&mut self, args: std::fmt::Arguments<'_>) -> csv::Result<()> {
        self.buf.clear();
        let _ = self.buf.write_fmt(args);
        self.w.write_field(&self.buf)
    }

    fn flag(&mut self, b: bool) -> csv::Result<()> {
        self.text(if b { "是" } else { "否" })
    }

    fn date(&mut self, d: Option<NaiveDate>) -> csv::Result<()> {
        match d {
            Some(d) => self.fmt(format_args!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())),
            None => self.text(""),
        }
    }

    /// Fen as 元 with two decimals: "12345.60".
    fn money(&mut self, fen: i64) -> csv::Result<()> {
        self.fmt(format_args!("{}.{:02}", fen / 100, fen % 100))
    }

    fn scaled(&mut self, value: i64, decimals: u32) -> csv::Result<()> {
        let unit = 10i64.pow(decimals);
        self.fmt(format_args!("{}.{:0w$}", value / unit, value % unit, w = decimals as usize))
    }

    fn end(&mut self) -> Result<()> {
        self.w.write_record(None::<&[u8]>).with_context(|| format!("writing {}", self.path.display()))
    }

    /// One row of incomes.csv, in INCOME_COLUMNS order: number, period, size, the five totals,
    /// and the monitoring form's two lines left blank (未填).
    fn income(&mut self, household_no: &str, y: &YearIncome) -> Result<()> {
        self.text(household_no)?;
        self.fmt(format_args!("{}", y.year))?;
        self.fmt(format_args!("{}", y.size))?;
        for fen in y.amounts {
            self.money(fen)?;
        }
        self.text("")?;
        self.text("")?;
        self.end()
    }

    fn household(&mut self, cols: &[Option<HouseholdField>], h: &HouseholdRow, v: &VillageInfo) -> Result<()> {
        use HouseholdField as F;
        for col in cols {
            let Some(col) = col else {
                self.text("")?;
                continue;
            };
            match col {
                F::HouseholdNo => self.text(&h.household_no),
                F::VillageCode => self.text(&v.code),
                F::GroupName => {
                    self.fmt(format_args!("第{}{}", h.group, if v.urban { "居民小组" } else { "村民小组" }))
                }
                F::Address => self.fmt(format_args!("{}第{}组", v.short_name, h.group)),
                F::Phone => self.text(h.phone.as_deref().unwrap_or("")),
                F::BankName => self.text(h.bank.as_ref().map_or("", |b| b.0)),
                F::BankAccount => self.text(h.bank.as_ref().map_or("", |b| b.1.as_str())),
                F::HouseholdType => self.text(h.household_type.label_zh()),
                // The poverty-era fields belong to 脱贫户 only.
                F::Standard | F::Attribute | F::MainCause | F::OtherCauses | F::Status | F::ExitYear
                    if !h.household_type.has_poverty_fields() =>
                {
                    self.text("")
                }
                F::FirstIdentifiedOn if !h.household_type.has_poverty_fields() => self.text(""),
                F::Standard => self.text(h.standard.label_zh()),
                F::Attribute => self.text(h.attribute.label_zh()),
                F::MainCause => self.text(h.main_cause.label_zh()),
                F::OtherCauses => {
                    self.buf.clear();
                    for (i, c) in h.other_causes.iter().enumerate() {
                        if i > 0 {
                            self.buf.push('、');
                        }
                        self.buf.push_str(c.label_zh());
                    }
                    self.w.write_field(&self.buf)
                }
                F::Status => self.text(h.status.label_zh()),
                F::FirstIdentifiedOn => self.date(Some(h.first_identified_on)),
                F::ExitYear => match h.exit_year {
                    Some(y) => self.fmt(format_args!("{y}")),
                    None => self.text(""),
                },
                // The latest episode, unless every episode went to episodes.csv.
                F::MonitoringType | F::RiskIdentifiedOn | F::RiskClearedOn if h.episodes_elsewhere => self.text(""),
                F::MonitoringType => self.text(h.episodes.last().map_or("", |e| e.kind.label_zh())),
                F::RiskIdentifiedOn => self.date(h.episodes.last().map(|e| e.identified)),
                F::RiskClearedOn => self.date(h.episodes.last().and_then(|e| e.cleared.map(|c| c.0))),
                F::FarmlandMu => self.scaled(h.farmland, 1),
                F::IrrigatedMu => self.scaled(h.irrigated, 1),
                F::ForestMu => self.scaled(h.forest, 1),
                F::HousingM2 => self.scaled(h.housing, 1),
                F::HousingStructure => self.text(h.structure.label_zh()),
                F::DangerGrade => self.text(h.danger.label_zh()),
                F::RoadDistanceKm => self.scaled(h.road_distance, 2),
                F::RoadType => self.text(h.road_type.label_zh()),
                F::HouseholdPower => self.flag(h.household_power),
                F::ProductionPower => self.flag(h.production_power),
                F::WaterDifficult => self.flag(h.water_difficult),
                F::WaterSafe => self.flag(h.water_safe),
                F::Fuel => self.text(h.fuel.label_zh()),
                F::SanitaryToilet => self.flag(h.sanitary_toilet),
                F::InCooperative => self.flag(h.in_cooperative),
                F::Relocated => self.flag(h.relocated),
                F::IncomeYear => self.fmt(format_args!("{}", h.income_year)),
                F::Wages => self.money(h.wages),
                F::Operating => self.money(h.operating),
                F::Property => self.money(h.property),
                F::Transfer => self.money(h.transfer),
                F::OperatingCost => self.money(h.operating_cost),
            }?;
        }
        self.end()
    }

    fn member(&mut self, cols: &[Option<MemberField>], m: &Person, h: &HouseholdRow) -> Result<()> {
        use MemberField as F;
        // Someone born after the household was identified joined it at birth.
        let newborn = m.birth > h.first_identified_on;
        let n = &m.national;
        for col in cols {
            let Some(col) = col else {
                self.text("")?;
                continue;
            };
            match col {
                F::HouseholdNo => self.text(&h.household_no),
                F::Name => self.text(&m.name),
                F::Sex => self.text(m.sex.label_zh()),
                F::IdKind => self.text(if n.certificate.is_some() { "残疾人证" } else { "居民身份证" }),
                // A 残疾人证 number: the ID, then the category and grade digits.
                F::IdNumber => match (n.certificate, m.disability) {
                    (Some(c), Some(g)) => self.fmt(format_args!(
                        "{}{}{}",
                        m.id,
                        bangfu_core::household::certificate::category_digit(c),
                        bangfu_core::household::certificate::grade_digit(g)
                    )),
                    _ => self.text(&m.id),
                },
                F::PersonNo => self.text(""),
                // The old system's wordings (之父, 之母 …), as a real export has them.
                F::Relation => self.text(m.relation.wording(m.sex)),
                F::PoliticalStatus => self.text(n.political.map_or("", PoliticalStatus::label_zh)),
                F::Ethnicity => self.text(m.ethnicity.label_zh()),
                F::Education => self.text(m.education.label_zh()),
                F::StudentStatus => self.text(m.student.label_zh()),
                F::DropoutReason => self.text(""),
                F::Health if n.also_chronic => self.text("残疾,长期慢性病"),
                F::Health => self.text(m.health.label_zh()),
                F::DisabilityCategory => self.text(n.category.map_or("", DisabilityCategory::label_zh)),
                F::DisabilityGrade if n.certificate.is_some() => self.text(""),
                F::DisabilityGrade => self.text(m.disability.map_or("", DisabilityGrade::label_zh)),
                F::Labour => self.text(m.labour.label_zh()),
                F::MigrantWork => self.text(m.migrant.map_or("", |w| w.0.label_zh())),
                F::MigrantMonths => match m.migrant {
                    Some((_, months)) => self.fmt(format_args!("{months}")),
                    None => self.text(""),
                },
                F::MigrantPlace => self.text(n.migrant_place),
                F::PublicJob => self.flag(n.public_job.is_some()),
                F::PublicJobMonths => match n.public_job {
                    Some(months) => self.fmt(format_args!("{months}")),
                    None => self.text(""),
                },
                F::MedicalInsurance => self.text(n.medical.map_or("", MedicalInsurance::label_zh)),
                F::SeriousIllness => self.flag(m.serious_illness),
                F::CommercialInsurance => self.flag(n.commercial),
                F::MedicalAid => self.flag(n.medical_aid),
                F::PensionInsurance => self.text(n.pension.map_or("", PensionInsurance::label_zh)),
                F::Dibao => self.flag(m.dibao),
                F::Tekun => self.flag(m.tekun),
                F::Soldier => self.flag(m.soldier),
                F::Phone => self.text(m.phone.as_deref().unwrap_or("")),
                F::JoinedOn => self.date(newborn.then_some(m.birth)),
                F::JoinReason => self.text(if newborn { "出生" } else { "" }),
            }?;
        }
        self.end()
    }

    fn finish(mut self) -> Result<()> {
        self.w.flush().with_context(|| format!("writing {}", self.path.display()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};
    use std::path::Path;

    use bangfu_core::household::columns::find_column;
    use bangfu_core::household::{HouseholdData, MemberData, check_members, parse_income_fields};

    use super::*;

    const DIVISIONS: &str = include_str!("../../../data/divisions-yicheng.csv");

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 12, 31).expect("a date")
    }

    /// A fresh directory under the system temp dir, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let path = std::env::temp_dir().join(format!("bangfu-generate-{name}-{}", std::process::id()));
            let _ = fs::remove_dir_all(&path);
            TempDir(path)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn run(households: u64, seed: u64, dir: &Path) -> GenerateSummary {
        run_with(households, seed, dir, false)
    }

    fn run_with(households: u64, seed: u64, dir: &Path, episodes_csv: bool) -> GenerateSummary {
        let villages = villages_from_divisions(DIVISIONS.as_bytes()).expect("divisions");
        generate(&GenerateOptions { households, seed, out_dir: dir.to_owned(), villages, today: today(), episodes_csv })
            .expect("generate")
    }

    /// Every row of a generated file as field name → value.
    fn rows(path: &Path, columns: &'static [Column]) -> Vec<HashMap<String, String>> {
        let mut rdr = csv::Reader::from_path(path).expect("open");
        let fields: Vec<&str> = rdr
            .headers()
            .expect("headers")
            .iter()
            .map(|h| find_column(columns, h).unwrap_or_else(|| panic!("unknown header {h}")).field)
            .collect();
        rdr.records()
            .map(|r| {
                let r = r.expect("record");
                fields.iter().zip(r.iter()).map(|(f, v)| ((*f).to_owned(), v.to_owned())).collect()
            })
            .collect()
    }

    #[test]
    fn every_generated_row_passes_the_importers_checks() {
        let dir = TempDir::new("valid");
        let summary = run(2_000, 7, &dir.0);
        assert_eq!(summary.households, 2_000);

        let households = rows(&dir.0.join("households.csv"), HOUSEHOLD_COLUMNS);
        assert_eq!(households.len(), 2_000);
        let mut numbers = HashSet::new();
        for row in &households {
            let data = HouseholdData::parse(row, today()).unwrap_or_else(|e| panic!("{e:?} in {row:?}"));
            let income = parse_income_fields(row, today(), 1).unwrap_or_else(|e| panic!("{e:?} in {row:?}"));
            assert!(income.is_some());
            assert!(numbers.insert(data.household_no.clone()), "{} twice", data.household_no);
        }

        let members = rows(&dir.0.join("members.csv"), MEMBER_COLUMNS);
        assert_eq!(members.len() as u64, summary.members);
        let mut ids = HashSet::new();
        let mut by_household: HashMap<String, Vec<MemberData>> = HashMap::new();
        for row in &members {
            let m = MemberData::parse(row, today()).unwrap_or_else(|e| panic!("{e:?} in {row:?}"));
            assert!(ids.insert(m.id_number.as_str().to_owned()), "ID number repeated");
            let no = &row["household_no"];
            assert!(numbers.contains(no), "member of unknown household {no}");
            by_household.entry(no.clone()).or_default().push(m);
        }
        assert_eq!(by_household.len(), households.len(), "a household without members");
        for (no, list) in &by_household {
            let refs: Vec<&MemberData> = list.iter().collect();
            assert_eq!(check_members(&refs), vec![], "household {no}");
        }
    }

    #[test]
    fn households_have_three_to_four_members_on_average() {
        let dir = TempDir::new("ratio");
        let summary = run(2_000, 11, &dir.0);
        let ratio = summary.members as f64 / summary.households as f64;
        assert!((2.5..=4.5).contains(&ratio), "{ratio}");
    }

    #[test]
    fn the_same_seed_gives_identical_files_and_another_seed_different_ones() {
        let (a, b, c) = (TempDir::new("seed-a"), TempDir::new("seed-b"), TempDir::new("seed-c"));
        run(2_000, 42, &a.0);
        run(2_000, 42, &b.0);
        run(2_000, 43, &c.0);
        for file in ["households.csv", "members.csv"] {
            let read = |d: &TempDir| fs::read(d.0.join(file)).expect("read");
            assert!(read(&a) == read(&b), "{file} differs for the same seed");
            assert!(read(&a) != read(&c), "{file} is the same for another seed");
        }
    }

    #[test]
    fn the_yicheng_division_list_has_206_villages() {
        let villages = villages_from_divisions(DIVISIONS.as_bytes()).expect("divisions");
        assert_eq!(villages.len(), 206);
        assert!(villages.iter().all(|v| v.code.len() == 12 && v.code.starts_with("411702")));
    }

    #[test]
    fn household_numbers_are_the_village_code_and_a_four_digit_sequence() {
        let dir = TempDir::new("numbers");
        run(300, 1, &dir.0);
        for row in rows(&dir.0.join("households.csv"), HOUSEHOLD_COLUMNS) {
            let no = &row["household_no"];
            assert_eq!(no.len(), 16, "{no}");
            assert!(no.starts_with(&row["village_code"]), "{no}");
        }
    }

    #[test]
    fn id_numbers_stay_unique_when_one_birth_date_is_crowded() {
        let mut ledger = IdLedger::new(today()).expect("ledger");
        let area = ledger.area_index("411702");
        let wanted = ledger.day_index(NaiveDate::from_ymd_opt(1980, 5, 1).expect("date"));
        let mut seen = HashSet::new();
        for _ in 0..1_200 {
            let (id, birth) = ledger.issue(area, wanted, Sex::Female).expect("issue");
            assert!(seen.insert(id.clone()), "{id} twice");
            assert!(birth >= NaiveDate::from_ymd_opt(1980, 5, 1).expect("date"));
        }
        // 499 women a day: the 1 200th woman is born two days later.
        let (_, birth) = ledger.issue(area, wanted, Sex::Female).expect("issue");
        assert_eq!(birth, NaiveDate::from_ymd_opt(1980, 5, 3).expect("date"));
    }

    #[test]
    fn a_village_that_would_overflow_four_digits_gives_its_households_to_the_others() {
        let villages: Vec<VillageInfo> = (0..3)
            .map(|i| VillageInfo {
                code: format!("41170210020{i}"),
                short_name: String::new(),
                urban: false,
                groups: 1,
                area: 0,
                clans: [0; 3],
                weight: if i == 0 { 10.0 } else { 1.0 },
            })
            .collect();
        let counts = apportion(25_000, &villages, 9_999);
        assert_eq!(counts.iter().sum::<u64>(), 25_000);
        assert!(counts.iter().all(|&c| c <= 9_999), "{counts:?}");
        assert_eq!(sequence_width(2_000_000, 206), 4);
        assert_eq!(sequence_width(3_000_000, 206), 5);
    }

    #[test]
    fn three_income_years_with_the_size_of_each_year_and_monitored_households_near_or_below_the_line() {
        use bangfu_core::household::{IncomePeriod, parse_income_form};
        let dir = TempDir::new("incomes");
        run(600, 11, &dir.0);
        let households = rows(&dir.0.join("households.csv"), HOUSEHOLD_COLUMNS);
        let earlier = rows(&dir.0.join("incomes.csv"), bangfu_core::household::income::INCOME_COLUMNS);
        assert_eq!(earlier.len(), households.len() * 2, "two earlier years per household");
        let members = rows(&dir.0.join("members.csv"), MEMBER_COLUMNS);
        let mut size: HashMap<&str, i64> = HashMap::new();
        for m in &members {
            *size.entry(m["household_no"].as_str()).or_default() += 1;
        }
        let mut years: HashMap<&str, Vec<(i32, i64)>> = HashMap::new();
        for row in &earlier {
            let i = parse_income_form(row, today(), 1).expect("valid").expect("some");
            let IncomePeriod::Year(y) = i.period else { panic!("a year") };
            assert!(i.household_size >= 1 && i.household_size <= size[row["household_no"].as_str()]);
            years.entry(row["household_no"].as_str()).or_default().push((y, i.household_size));
        }
        let line_2025 = bangfu_core::money::Fen(line_of(2025));
        let (mut monitored, mut near_or_below) = (0, 0);
        for h in &households {
            let mut y: Vec<i32> = years[h["household_no"].as_str()].iter().map(|(y, _)| *y).collect();
            y.push(h["income_year"].parse().expect("year"));
            assert_eq!(y, [2023, 2024, 2025]);
            let current =
                parse_income_fields(h, today(), size[h["household_no"].as_str()]).expect("valid").expect("some");
            // Monitored through the income year (identified by then, not cleared): a household
            // identified this year was still a little above the line the year before.
            let identified_by_then =
                h["risk_identified_on"].get(..4).and_then(|y| y.parse::<i32>().ok()).is_some_and(|y| y <= 2025);
            if !h["monitoring_type"].is_empty() && h["risk_cleared_on"].is_empty() && identified_by_then {
                monitored += 1;
                let per_person = current.net_per_person().expect("per person");
                if per_person.0 * 100 < line_2025.0 * 110 {
                    near_or_below += 1;
                }
            }
        }
        assert!(monitored > 0);
        assert!(
            near_or_below * 10 >= monitored * 9,
            "{near_or_below} of {monitored} monitored households near or below"
        );
    }

    #[test]
    fn a_2026_register_no_one_poor_a_tenth_monitored_with_risks_that_fit_the_members() {
        use bangfu_core::household::Health;
        use bangfu_core::monitoring::{MonitoringRisk, OpenEpisode};
        let dir = TempDir::new("episodes");
        let summary = run_with(3_000, 5, &dir.0, true);
        let households = rows(&dir.0.join("households.csv"), HOUSEHOLD_COLUMNS);
        let mut kinds: HashMap<String, HouseholdType> = HashMap::new();
        for h in &households {
            let data = HouseholdData::parse(h, today()).unwrap_or_else(|e| panic!("{e:?} in {h:?}"));
            assert!(!matches!(data.status, Some(PovertyStatus::Poor | PovertyStatus::Returned)), "{h:?}");
            assert_eq!(data.status.is_some(), data.household_type == HouseholdType::Tuopin, "{h:?}");
            assert!(h["monitoring_type"].is_empty(), "the episodes are in episodes.csv");
            kinds.insert(h["household_no"].clone(), data.household_type);
        }
        let mut members: HashMap<String, Vec<MemberData>> = HashMap::new();
        for row in rows(&dir.0.join("members.csv"), MEMBER_COLUMNS) {
            let m = MemberData::parse(&row, today()).expect("member");
            members.entry(row["household_no"].clone()).or_default().push(m);
        }

        let mut rdr = csv::Reader::from_path(dir.0.join("episodes.csv")).expect("episodes.csv");
        let headers: Vec<String> = rdr.headers().expect("headers").iter().map(str::to_owned).collect();
        assert_eq!(headers, EPISODE_COLUMNS.iter().map(|c| c.1).collect::<Vec<_>>());
        let mut per_household: HashMap<String, Vec<(NaiveDate, Option<NaiveDate>)>> = HashMap::new();
        for record in rdr.records() {
            let record = record.expect("record");
            let mut f: HashMap<String, String> =
                EPISODE_COLUMNS.iter().zip(record.iter()).map(|(c, v)| (c.0.to_owned(), v.to_owned())).collect();
            f.insert("reason".into(), "纳入监测".into());
            let no = f["household_no"].clone();
            let e = OpenEpisode::parse(&f, kinds[&no], today()).unwrap_or_else(|e| panic!("{e:?} in {f:?}"));
            let list = &members[&no];
            let ill = list.iter().any(|m| m.has_health(Health::Chronic) || m.has_health(Health::Serious));
            let student = list.iter().any(|m| {
                m.student_status.is_some_and(|s| !matches!(s, StudentStatus::NotStudent | StudentStatus::Preschool))
            });
            assert!(!e.risks.contains(&MonitoringRisk::Illness) || ill, "因病 but nobody ill: {f:?}");
            assert!(!e.risks.contains(&MonitoringRisk::Schooling) || student, "因学 but no student: {f:?}");
            let cleared = parse_date_cell(&f["cleared_on"]);
            if let Some(c) = cleared {
                assert!((c - e.identified_on).num_days() >= 180 && f["method"].len() > 1, "{f:?}");
                assert_eq!(f["no_labour"], "否", "a household without labour stays monitored");
            }
            per_household.entry(no).or_default().push((e.identified_on, cleared));
        }
        assert_eq!(per_household.len() as u64, summary.monitored_households);
        let share = per_household.len() as f64 / households.len() as f64;
        assert!((0.08..=0.15).contains(&share), "{share}");
        assert!(
            kinds.iter().filter(|(_, t)| **t == HouseholdType::Monitored).all(|(no, _)| per_household.contains_key(no))
        );
        let (mut open, mut again) = (0, 0);
        for list in per_household.values() {
            // Oldest first; only the last may be open; a new one after the last ended.
            for pair in list.windows(2) {
                let cleared = pair[0].1.expect("an earlier episode ended");
                assert!(pair[1].0 >= cleared);
            }
            open += usize::from(list.last().is_some_and(|e| e.1.is_none()));
            again += usize::from(list.len() > 1);
        }
        assert!(open * 2 < per_household.len(), "most cleared: {open} open of {}", per_household.len());
        assert!(again > 0, "some identified again");
    }

    fn parse_date_cell(s: &str) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
    }
}
