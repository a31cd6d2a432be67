//! The code lists of the household register (DOMAIN.md §2), one enum each.
//! The database stores `code()`; screens show `label_zh()`; imports may use any accepted form.

use std::fmt;

/// A value that is not on a code list. The message lists the valid choices.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{value}”不是有效的{list}，可选：{}", choices(.options))]
pub struct UnknownCode {
    /// Chinese name of the list, e.g. "致贫原因".
    pub list: &'static str,
    /// The value as given (trimmed).
    pub value: String,
    /// The Chinese labels of the list, in order.
    pub options: &'static [&'static str],
}

/// Long lists (民族) are cut short so the message stays readable.
fn choices(options: &[&str]) -> String {
    const SHOWN: usize = 20;
    if options.len() <= SHOWN {
        options.join("、")
    } else {
        format!("{}等{}项", options[..SHOWN].join("、"), options.len())
    }
}

/// What every code list offers, for code generic over lists (form dropdowns, importers).
pub trait CodeList: Copy + Eq + 'static {
    /// Chinese name of the list, e.g. "致贫原因".
    const LIST_NAME_ZH: &'static str;
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn label_zh(self) -> &'static str;
    fn label_en(self) -> &'static str;
    fn aliases(self) -> &'static [&'static str];
    fn parse(s: &str) -> Option<Self>;
}

/// Compares user input with an accepted form: full-width ASCII (（）Ａ１) counts as its
/// half-width twin and ASCII case is ignored, so "已脱贫(享受政策)" matches "已脱贫（享受政策）".
pub(crate) fn same_token(input: &str, accepted: &str) -> bool {
    fn fold(c: char) -> char {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        c.to_ascii_lowercase()
    }
    input.chars().map(fold).eq(accepted.chars().map(fold))
}

/// Generates a code-list enum. Each variant: `Name => "code", "中文", "English", ["alias", …];`.
/// The enum gets `ALL`, `LIST_NAME_ZH`, `code`, `label_zh`, `label_en`, `aliases`, `parse`,
/// `FromStr`, `Display` (Chinese label), `CodeList` and serde as the code string.
macro_rules! code_list {
    (
        $(#[$meta:meta])*
        pub enum $name:ident : $list_zh:literal {
            $(
                $(#[$vmeta:meta])*
                $variant:ident => $code:literal, $zh:literal, $en:literal $(, [$($alias:literal),* $(,)?])? ;
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Chinese name of the list, used in messages.
            pub const LIST_NAME_ZH: &'static str = $list_zh;
            /// Every value, in the order of the official list.
            pub const ALL: &'static [Self] = &[ $( Self::$variant, )+ ];
            const LABELS_ZH: &'static [&'static str] = &[ $( $zh, )+ ];

            /// The short code stored in the database.
            pub fn code(self) -> &'static str {
                match self { $( Self::$variant => $code, )+ }
            }

            /// The label users see on screen and in printouts.
            pub fn label_zh(self) -> &'static str {
                match self { $( Self::$variant => $zh, )+ }
            }

            pub fn label_en(self) -> &'static str {
                match self { $( Self::$variant => $en, )+ }
            }

            /// Other spellings accepted on input (never produced on output).
            pub fn aliases(self) -> &'static [&'static str] {
                match self { $( Self::$variant => &[ $($($alias,)*)? ], )+ }
            }

            /// Accepts the code, the Chinese label, the English label or an alias,
            /// ignoring surrounding spaces, ASCII case and full-width/half-width differences.
            pub fn parse(s: &str) -> Option<Self> {
                let s = s.trim();
                Self::ALL.iter().copied().find(|v| {
                    same_token(s, v.code())
                        || same_token(s, v.label_zh())
                        || same_token(s, v.label_en())
                        || v.aliases().iter().any(|a| same_token(s, a))
                })
            }
        }

        impl CodeList for $name {
            const LIST_NAME_ZH: &'static str = $list_zh;
            fn all() -> &'static [Self] { Self::ALL }
            fn code(self) -> &'static str { $name::code(self) }
            fn label_zh(self) -> &'static str { $name::label_zh(self) }
            fn label_en(self) -> &'static str { $name::label_en(self) }
            fn aliases(self) -> &'static [&'static str] { $name::aliases(self) }
            fn parse(s: &str) -> Option<Self> { $name::parse(s) }
        }

        impl ::std::str::FromStr for $name {
            type Err = UnknownCode;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s).ok_or_else(|| UnknownCode {
                    list: Self::LIST_NAME_ZH,
                    value: s.trim().to_owned(),
                    options: Self::LABELS_ZH,
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.label_zh())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = String::deserialize(deserializer)?;
                s.parse().map_err(::serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use code_list;

code_list! {
    /// 户类型 (DOMAIN §0): every rural household that needs watching, not only former poor ones.
    pub enum HouseholdType: "户类型" {
        /// A former 建档立卡 household; only these carry the poverty-era fields.
        Tuopin => "tuopin", "脱贫户", "Formerly registered poor", ["建档立卡户", "脱贫家庭"];
        /// Monitored, never registered poor.
        Monitored => "monitored", "监测户（非脱贫户）", "Monitored (not formerly poor)", ["监测户", "非脱贫户", "非脱贫监测户"];
        /// Ordinary, e.g. reported or found by a rule and under check.
        Ordinary => "ordinary", "一般农户", "Ordinary rural household", ["一般户", "农户"];
    }
}

impl HouseholdType {
    /// Only a 脱贫户 has 识别标准, 贫困户属性, 致贫原因, 脱贫状态 and 脱贫年度.
    pub fn has_poverty_fields(self) -> bool {
        self == HouseholdType::Tuopin
    }
}

code_list! {
    /// 性别
    pub enum Sex: "性别" {
        Male => "male", "男", "Male", ["男性"];
        Female => "female", "女", "Female", ["女性"];
    }
}

code_list! {
    /// 识别标准: which poverty line the household was identified under.
    pub enum IdentificationStandard: "识别标准" {
        National => "national", "国家标准", "National line", ["国标"];
        Provincial => "provincial", "省定标准", "Provincial line";
        City => "city", "市定标准", "City line";
    }
}

code_list! {
    /// 贫困户属性 (national code aac006). The national codes 01–08 and the …脱贫户 names the
    /// national system uses after exit are accepted: the attribute is the same, 脱贫状态 says the rest.
    pub enum PovertyAttribute: "贫困户属性" {
        Ordinary => "ordinary", "一般贫困户", "Ordinary", ["一般户", "01", "一般脱贫户", "05"];
        /// With the minimum-living allowance (低保).
        Dibao => "dibao", "低保贫困户", "Minimum-living allowance (dibao)", ["低保户", "04", "低保脱贫户", "02"];
        /// In extreme-hardship support (特困供养, formerly 五保).
        Tekun => "tekun", "特困供养贫困户", "Extreme-hardship support (tekun)",
            ["特困户", "五保户", "五保贫困户", "06", "特困供养脱贫户", "03"];
        /// Both 低保 and 特困供养 (national codes 07 and 08).
        DibaoTekun => "dibao_tekun", "低保特困供养户", "Dibao and tekun",
            ["08", "低保特困供养贫困户", "07", "低保特困供养脱贫户", "低保特困户"];
    }
}

code_list! {
    /// 致贫原因: one main cause and up to two others per household.
    pub enum PovertyCause: "致贫原因" {
        Illness => "illness", "因病", "Illness";
        Disability => "disability", "因残", "Disability";
        Schooling => "schooling", "因学", "Schooling costs";
        Disaster => "disaster", "因灾", "Disaster";
        LackLand => "lack_land", "缺土地", "Lack of land";
        LackWater => "lack_water", "缺水", "Lack of water";
        LackSkills => "lack_skills", "缺技术", "Lack of skills";
        LackLabour => "lack_labour", "缺劳力", "Lack of labour", ["缺劳动力"];
        LackCapital => "lack_capital", "缺资金", "Lack of capital";
        PoorTransport => "poor_transport", "交通条件落后", "Poor transport", ["交通落后"];
        LackDrive => "lack_drive", "自身发展动力不足", "Lack of own drive";
        Marriage => "marriage", "因婚", "Marriage";
        Funeral => "funeral", "因丧", "Funeral";
        Other => "other", "其他", "Other";
    }
}

code_list! {
    /// 脱贫状态
    pub enum PovertyStatus: "脱贫状态" {
        Poor => "poor", "未脱贫", "Poor";
        /// Exited, still receiving support.
        Exited => "exited", "已脱贫（享受政策）", "Exited (still supported)";
        /// Exited, support ended.
        Closed => "closed", "已脱贫（不再享受政策）", "Exited (closed)";
        Returned => "returned", "返贫", "Returned to poverty";
    }
}

impl PovertyStatus {
    /// The colour screens use for this status (a CSS class name).
    pub fn colour(self) -> &'static str {
        match self {
            PovertyStatus::Poor => "red",
            PovertyStatus::Exited => "green",
            PovertyStatus::Closed => "grey",
            PovertyStatus::Returned => "yellow",
        }
    }
}

code_list! {
    /// 监测对象类型 (since 2020).
    pub enum MonitoringType: "监测对象类型" {
        Unstable => "unstable", "脱贫不稳定户", "Unstable exited household";
        Edge => "edge", "边缘易致贫户", "Edge household at risk", ["边缘户"];
        Hardship => "hardship", "突发严重困难户", "Sudden severe hardship";
    }
}

code_list! {
    /// 与户主关系. Accepts the old system's wordings (之子, 之父, 之外孙女 …) and the standard
    /// codes (01 本人, 10 配偶, 20 子, 30 女, 40 孙子女, 50 父母, 60 祖父母, 70 兄弟姐妹, 99 其他).
    /// A wording that names a sex (之父, 之母) is checked against the member's sex on input
    /// ([`Relation::sex_in_wording`]), so one `Parent` loses nothing that the stored sex does not keep.
    pub enum Relation: "与户主关系" {
        Head => "head", "户主", "Head of household", ["本人", "01"];
        Spouse => "spouse", "配偶", "Spouse", ["妻子", "丈夫", "10"];
        Son => "son", "之子", "Son", ["儿子", "子", "20"];
        Daughter => "daughter", "之女", "Daughter", ["女儿", "女", "30"];
        DaughterInLaw => "daughter_in_law", "之儿媳", "Daughter-in-law", ["儿媳", "儿媳妇"];
        SonInLaw => "son_in_law", "之女婿", "Son-in-law", ["女婿"];
        Grandchild => "grandchild", "孙子女", "Grandchild",
            ["孙子", "孙女", "之孙子", "之孙女", "外孙子", "外孙女", "之外孙子", "之外孙女", "40"];
        Parent => "parent", "父母", "Parent", ["父亲", "母亲", "之父", "之母", "50"];
        /// The wife's parents (岳父母).
        ParentInLaw => "parent_in_law", "岳父母", "Parent-in-law (wife's)", ["岳父", "岳母", "之岳父", "之岳母"];
        /// The husband's parents (公婆).
        ParentInLawH => "parent_in_law_h", "公婆", "Parent-in-law (husband's)", ["公公", "婆婆", "之公公", "之婆婆"];
        Grandparent => "grandparent", "祖父母", "Grandparent",
            ["祖父", "祖母", "之祖父", "之祖母", "外祖父", "外祖母", "之外祖父", "之外祖母", "60"];
        Sibling => "sibling", "兄弟姐妹", "Sibling", ["之兄弟姐妹", "70"];
        Other => "other", "其他", "Other", ["99"];
    }
}

/// Relation wordings that name a man or a woman, with and without the old system's 之.
const MALE_WORDINGS: &[&str] = &[
    "之子",
    "儿子",
    "子",
    "之女婿",
    "女婿",
    "之孙子",
    "孙子",
    "之外孙子",
    "外孙子",
    "之父",
    "父亲",
    "之岳父",
    "岳父",
    "之公公",
    "公公",
    "之祖父",
    "祖父",
    "之外祖父",
    "外祖父",
    "丈夫",
];
const FEMALE_WORDINGS: &[&str] = &[
    "之女",
    "女儿",
    "女",
    "之儿媳",
    "儿媳",
    "儿媳妇",
    "之孙女",
    "孙女",
    "之外孙女",
    "外孙女",
    "之母",
    "母亲",
    "之岳母",
    "岳母",
    "之婆婆",
    "婆婆",
    "之祖母",
    "祖母",
    "之外祖母",
    "外祖母",
    "妻子",
];

impl Relation {
    /// The sex a relation always has (a son is a man), whatever word was used for it.
    pub fn implied_sex(self) -> Option<Sex> {
        match self {
            Relation::Son | Relation::SonInLaw => Some(Sex::Male),
            Relation::Daughter | Relation::DaughterInLaw => Some(Sex::Female),
            _ => None,
        }
    }

    /// The sex a typed wording names ("之父" a man, "之母" a woman), else the relation's own.
    pub fn sex_in_wording(typed: &str) -> Option<Sex> {
        let t = typed.trim();
        if MALE_WORDINGS.iter().any(|w| same_token(t, w)) {
            Some(Sex::Male)
        } else if FEMALE_WORDINGS.iter().any(|w| same_token(t, w)) {
            Some(Sex::Female)
        } else {
            Relation::parse(t).and_then(Relation::implied_sex)
        }
    }

    /// The old system's wording for this relation and sex, as the household page shows it:
    /// 之父 / 之母 rather than 父母.
    pub fn wording(self, sex: Sex) -> &'static str {
        let pick = |male: &'static str, female: &'static str| if sex == Sex::Male { male } else { female };
        match self {
            Relation::Grandchild => pick("之孙子", "之孙女"),
            Relation::Parent => pick("之父", "之母"),
            Relation::ParentInLaw => pick("之岳父", "之岳母"),
            Relation::ParentInLawH => pick("之公公", "之婆婆"),
            Relation::Grandparent => pick("之祖父", "之祖母"),
            Relation::Sibling => "之兄弟姐妹",
            other => other.label_zh(),
        }
    }
}

code_list! {
    /// 民族, GB 3304 with its two-digit codes.
    pub enum Ethnicity: "民族" {
        Han => "01", "汉族", "Han", ["汉"];
        Mongol => "02", "蒙古族", "Mongol", ["蒙古", "Mongolian"];
        Hui => "03", "回族", "Hui", ["回"];
        Tibetan => "04", "藏族", "Tibetan", ["藏", "Zang"];
        Uyghur => "05", "维吾尔族", "Uyghur", ["维吾尔", "Uygur"];
        Miao => "06", "苗族", "Miao", ["苗"];
        Yi => "07", "彝族", "Yi", ["彝"];
        Zhuang => "08", "壮族", "Zhuang", ["壮"];
        Buyei => "09", "布依族", "Buyei", ["布依"];
        Korean => "10", "朝鲜族", "Korean", ["朝鲜", "Chosen"];
        Manchu => "11", "满族", "Manchu", ["满", "Man"];
        Dong => "12", "侗族", "Dong", ["侗"];
        Yao => "13", "瑶族", "Yao", ["瑶"];
        Bai => "14", "白族", "Bai", ["白"];
        Tujia => "15", "土家族", "Tujia", ["土家"];
        Hani => "16", "哈尼族", "Hani", ["哈尼"];
        Kazakh => "17", "哈萨克族", "Kazakh", ["哈萨克", "Kazak"];
        Dai => "18", "傣族", "Dai", ["傣"];
        Li => "19", "黎族", "Li", ["黎"];
        Lisu => "20", "傈僳族", "Lisu", ["傈僳"];
        Va => "21", "佤族", "Va", ["佤", "Wa"];
        She => "22", "畲族", "She", ["畲"];
        Gaoshan => "23", "高山族", "Gaoshan", ["高山"];
        Lahu => "24", "拉祜族", "Lahu", ["拉祜"];
        Shui => "25", "水族", "Shui", ["水", "Sui"];
        Dongxiang => "26", "东乡族", "Dongxiang", ["东乡"];
        Naxi => "27", "纳西族", "Naxi", ["纳西"];
        Jingpo => "28", "景颇族", "Jingpo", ["景颇"];
        Kyrgyz => "29", "柯尔克孜族", "Kyrgyz", ["柯尔克孜", "Kirgiz"];
        Tu => "30", "土族", "Tu", ["土"];
        Daur => "31", "达斡尔族", "Daur", ["达斡尔"];
        Mulao => "32", "仫佬族", "Mulao", ["仫佬"];
        Qiang => "33", "羌族", "Qiang", ["羌"];
        Blang => "34", "布朗族", "Blang", ["布朗"];
        Salar => "35", "撒拉族", "Salar", ["撒拉"];
        Maonan => "36", "毛南族", "Maonan", ["毛南"];
        Gelao => "37", "仡佬族", "Gelao", ["仡佬"];
        Xibe => "38", "锡伯族", "Xibe", ["锡伯"];
        Achang => "39", "阿昌族", "Achang", ["阿昌"];
        Pumi => "40", "普米族", "Pumi", ["普米"];
        Tajik => "41", "塔吉克族", "Tajik", ["塔吉克"];
        Nu => "42", "怒族", "Nu", ["怒"];
        Uzbek => "43", "乌孜别克族", "Uzbek", ["乌孜别克"];
        Russian => "44", "俄罗斯族", "Russian", ["俄罗斯", "Russ"];
        Ewenki => "45", "鄂温克族", "Ewenki", ["鄂温克"];
        Deang => "46", "德昂族", "De'ang", ["德昂", "Deang"];
        Bonan => "47", "保安族", "Bonan", ["保安"];
        Yugur => "48", "裕固族", "Yugur", ["裕固"];
        Gin => "49", "京族", "Gin", ["京", "Jing"];
        Tatar => "50", "塔塔尔族", "Tatar", ["塔塔尔"];
        Derung => "51", "独龙族", "Derung", ["独龙"];
        Oroqen => "52", "鄂伦春族", "Oroqen", ["鄂伦春"];
        Hezhen => "53", "赫哲族", "Hezhen", ["赫哲"];
        Monba => "54", "门巴族", "Monba", ["门巴"];
        Lhoba => "55", "珞巴族", "Lhoba", ["珞巴"];
        Jino => "56", "基诺族", "Jino", ["基诺"];
        Other => "97", "其他", "Other", ["其他民族"];
        /// 外国血统中国籍人士: Chinese citizens of foreign origin.
        ForeignOrigin => "98", "外国血统中国籍人士", "Chinese citizen of foreign origin";
    }
}

code_list! {
    /// 文化程度
    pub enum Education: "文化程度" {
        Illiterate => "illiterate", "文盲或半文盲", "Illiterate or semi-literate", ["文盲", "半文盲"];
        Primary => "primary", "小学", "Primary school";
        Junior => "junior", "初中", "Junior secondary";
        Senior => "senior", "高中", "Senior secondary";
        College => "college", "大专及以上", "College or above";
        Preschool => "preschool", "学龄前儿童", "Preschool child", ["学龄前"];
    }
}

code_list! {
    /// 在校生状况
    pub enum StudentStatus: "在校生状况" {
        NotStudent => "none", "非在校生", "Not a student";
        Preschool => "preschool", "学前", "Preschool", ["学前教育"];
        Primary => "primary", "小学", "Primary school";
        Junior => "junior", "初中", "Junior secondary", ["初中年级"];
        Senior => "senior", "高中", "Senior secondary";
        SecondaryVocational => "secondary_vocational", "中职", "Secondary vocational";
        HigherVocational => "higher_vocational", "高职", "Higher vocational";
        College => "college", "大专及以上", "College or above";
    }
}

code_list! {
    /// 健康状况: one value; a member may have several at once (see [`HealthSet`]).
    pub enum Health: "健康状况" {
        Healthy => "healthy", "健康", "Healthy";
        Chronic => "chronic", "长期慢性病", "Chronic illness", ["慢性病"];
        Serious => "serious", "患有大病", "Serious illness", ["大病"];
        Disabled => "disabled", "残疾", "Disabled";
    }
}

/// 健康状况 as real exports hold it: several values at once ("残疾,长期慢性病"), 健康 alone.
/// Stored as the codes joined by commas in list order ("chronic,disabled"), so a column
/// that held one code before still reads as a set of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HealthSet(u8);

impl HealthSet {
    pub fn of(values: &[Health]) -> HealthSet {
        HealthSet(values.iter().fold(0, |bits, h| bits | Self::bit(*h)))
    }

    fn bit(h: Health) -> u8 {
        1 << Health::ALL.iter().position(|x| *x == h).unwrap_or(0)
    }

    pub fn contains(self, h: Health) -> bool {
        self.0 & Self::bit(h) != 0
    }

    /// The values, in the order of the list.
    pub fn iter(self) -> impl Iterator<Item = Health> {
        Health::ALL.iter().copied().filter(move |h| self.contains(*h))
    }

    /// The stored form: codes joined by commas, "chronic,disabled".
    pub fn code(self) -> String {
        self.iter().map(Health::code).collect::<Vec<_>>().join(",")
    }

    /// As people read it: "长期慢性病、残疾".
    pub fn label_zh(self) -> String {
        self.iter().map(Health::label_zh).collect::<Vec<_>>().join("、")
    }

    /// Reads one or more values separated by , ， 、 ; ；| or spaces; none when blank.
    /// 健康 may not stand beside another value.
    pub fn parse(s: &str) -> Result<Option<HealthSet>, String> {
        let mut set = HealthSet(0);
        for part in s.split([',', '，', '、', ';', '；', '|', ' ', '\u{3000}']).map(str::trim).filter(|p| !p.is_empty())
        {
            set.0 |= Self::bit(part.parse::<Health>().map_err(|e| e.to_string())?);
        }
        if set.0 == 0 {
            return Ok(None);
        }
        if set.contains(Health::Healthy) && set != HealthSet::of(&[Health::Healthy]) {
            return Err(format!("“健康”不能与“{}”同时填写", HealthSet(set.0 & !Self::bit(Health::Healthy)).label_zh()));
        }
        Ok(Some(set))
    }
}

impl std::str::FromStr for HealthSet {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HealthSet::parse(s)?.ok_or_else(|| "健康状况为空".to_owned())
    }
}

impl fmt::Display for HealthSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.label_zh())
    }
}

/// JSON gives the codes as a list, ["chronic", "disabled"].
impl serde::Serialize for HealthSet {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Health::code))
    }
}

code_list! {
    /// 残疾等级: grade one is the most severe.
    pub enum DisabilityGrade: "残疾等级" {
        One => "one", "一级", "Grade 1", ["1"];
        Two => "two", "二级", "Grade 2", ["2"];
        Three => "three", "三级", "Grade 3", ["3"];
        Four => "four", "四级", "Grade 4", ["4"];
    }
}

code_list! {
    /// 残疾类别, in the order of the 残疾人证's 19th digit (1 视力 … 7 多重).
    pub enum DisabilityCategory: "残疾类别" {
        Visual => "visual", "视力残疾", "Visual", ["视力", "1"];
        Hearing => "hearing", "听力残疾", "Hearing", ["听力", "2"];
        Speech => "speech", "言语残疾", "Speech", ["言语", "3"];
        Physical => "physical", "肢体残疾", "Physical", ["肢体", "4"];
        Intellectual => "intellectual", "智力残疾", "Intellectual", ["智力", "5"];
        Mental => "mental", "精神残疾", "Mental", ["精神", "6"];
        Multiple => "multiple", "多重残疾", "Multiple", ["多重", "7"];
    }
}

code_list! {
    /// 证件类型: the resident ID card, or the 20-digit 残疾人证 (the ID number, then the
    /// disability category and grade digits).
    pub enum IdKind: "证件类型" {
        ResidentId => "resident_id", "居民身份证", "Resident ID card", ["身份证", "第二代居民身份证", "01"];
        DisabilityCert => "disability_cert", "残疾人证", "Disability certificate", ["残疾证", "中华人民共和国残疾人证"];
    }
}

code_list! {
    /// 政治面貌 (GB/T 4762; the eight 民主党派 are one value here).
    pub enum PoliticalStatus: "政治面貌" {
        PartyMember => "party_member", "中共党员", "CPC member", ["中国共产党党员", "党员", "01"];
        Probationary => "probationary", "中共预备党员", "CPC probationary member", ["中国共产党预备党员", "预备党员", "02"];
        LeagueMember => "league_member", "共青团员", "Youth League member",
            ["中国共产主义青年团团员", "团员", "03"];
        DemocraticParty => "democratic_party", "民主党派", "Democratic party member",
            ["民主党派成员", "民革党员", "民盟盟员", "民建会员", "民进会员", "农工党党员", "致公党党员", "九三学社社员",
             "台盟盟员", "04", "05", "06", "07", "08", "09", "10", "11"];
        Nonpartisan => "nonpartisan", "无党派人士", "Non-partisan", ["无党派民主人士", "12"];
        Masses => "masses", "群众", "Ordinary citizen", ["13"];
    }
}

code_list! {
    /// 基本医疗保险. `Insured` is a member known to be insured whose scheme was not recorded
    /// (the old yes/no field, or 是 in an import).
    pub enum MedicalInsurance: "基本医疗保险" {
        Resident => "resident", "居民医保", "Resident scheme",
            ["城乡居民基本医疗保险", "城乡居民医保", "居民基本医疗保险", "新农合", "新型农村合作医疗"];
        Employee => "employee", "职工医保", "Employee scheme", ["城镇职工基本医疗保险", "职工基本医疗保险"];
        Insured => "insured", "已参加（类别未填）", "Insured (scheme not recorded)", ["是", "已参加", "参加", "已参保"];
        NotInsured => "none", "未参加", "Not insured", ["否", "未参保", "无"];
    }
}

impl MedicalInsurance {
    pub fn is_insured(self) -> bool {
        self != MedicalInsurance::NotInsured
    }
}

code_list! {
    /// 基本养老保险; `Insured` as for medical insurance.
    pub enum PensionInsurance: "基本养老保险" {
        Resident => "resident", "居民养老", "Resident scheme",
            ["城乡居民基本养老保险", "城乡居民养老保险", "居民养老保险", "新农保"];
        Employee => "employee", "职工养老", "Employee scheme",
            ["城镇职工基本养老保险", "职工基本养老保险", "职工养老保险"];
        Insured => "insured", "已参加（类别未填）", "Insured (scheme not recorded)", ["是", "已参加", "参加", "已参保"];
        NotInsured => "none", "未参加", "Not insured", ["否", "未参保", "无"];
    }
}

code_list! {
    /// 失辍学原因: why a school-age child is out of school.
    pub enum DropoutReason: "失辍学原因" {
        Illness => "illness", "因病", "Illness";
        Disability => "disability", "因残", "Disability";
        LearningDifficulty => "learning_difficulty", "因学习困难", "Learning difficulty", ["学习困难"];
        Weariness => "weariness", "因厌学", "Weary of school", ["厌学"];
        Poverty => "poverty", "因家庭经济困难", "Family hardship", ["家庭经济困难", "因贫"];
        Other => "other", "其他", "Other";
    }
}

code_list! {
    /// 劳动技能
    pub enum Labour: "劳动技能" {
        Ordinary => "ordinary", "普通劳动力", "Ordinary labour";
        Skilled => "skilled", "技能劳动力", "Skilled labour";
        Weak => "weak", "弱劳动力或半劳动力", "Weak or half labour", ["弱劳动力", "半劳动力"];
        Lost => "lost", "丧失劳动力", "Lost labour capacity";
        NoLabour => "none", "无劳动力", "No labour";
    }
}

code_list! {
    /// 务工状况: where a member works, in the national form's wording (the short forms are
    /// accepted too).
    pub enum MigrantWork: "务工状况" {
        Township => "township", "乡（镇）内务工", "Within the township",
            ["乡（镇）内", "乡内", "镇内", "乡镇内", "乡镇内务工"];
        County => "county", "乡（镇）外县内务工", "Within the county",
            ["乡（镇）外县内", "乡外县内", "乡镇外县内", "乡外县内务工", "县内"];
        Province => "province", "县外省内务工", "Within the province", ["县外省内", "省内"];
        Outside => "outside", "省外务工", "Outside the province", ["省外"];
        Other => "other", "其他", "Other";
    }
}

code_list! {
    /// 住房结构
    pub enum HousingStructure: "住房结构" {
        Concrete => "concrete", "钢混", "Reinforced concrete", ["钢筋混凝土"];
        BrickConcrete => "brick_concrete", "砖混", "Brick and concrete";
        BrickWood => "brick_wood", "砖木", "Brick and wood";
        EarthWood => "earth_wood", "土木", "Earth and wood";
        Other => "other", "其他", "Other";
    }
}

code_list! {
    /// 危房等级: A is sound, D is dangerous throughout.
    pub enum DangerGrade: "危房等级" {
        A => "a", "A级", "Grade A";
        B => "b", "B级", "Grade B";
        C => "c", "C级", "Grade C";
        D => "d", "D级", "Grade D";
    }
}

impl DangerGrade {
    /// C and D houses are unsafe: a household living in one fails 住房安全有保障.
    pub fn is_unsafe(self) -> bool {
        matches!(self, DangerGrade::C | DangerGrade::D)
    }
}

code_list! {
    /// 入户路类型
    pub enum RoadType: "入户路类型" {
        Dirt => "dirt", "泥土路", "Dirt road", ["土路"];
        Gravel => "gravel", "砂石路", "Gravel road";
        Cement => "cement", "水泥路", "Cement road";
        Asphalt => "asphalt", "沥青路", "Asphalt road", ["柏油路"];
        NoRoad => "none", "无", "None", ["无入户路"];
    }
}

code_list! {
    /// 主要燃料类型
    pub enum Fuel: "主要燃料类型" {
        Firewood => "firewood", "柴草", "Firewood and straw";
        Coal => "coal", "煤炭", "Coal", ["煤"];
        Electricity => "electricity", "电", "Electricity", ["电力"];
        Gas => "gas", "燃气", "Gas", ["天然气", "液化气"];
        Other => "other", "其他", "Other";
    }
}

// ---- 帮扶 (DOMAIN.md §5): the code lists of assistance work, kept here with the others ----

code_list! {
    /// 帮扶措施类型: the monitoring form's categories (DOMAIN §5), each 开发式 or 保障性
    /// (`MeasureKind::approach`); the older card's wordings are accepted as aliases.
    pub enum MeasureKind: "帮扶措施类型" {
        Industry => "industry", "产业", "Industry", ["产业帮扶", "产业扶贫"];
        Employment => "employment", "就业", "Employment", ["就业帮扶", "就业扶贫", "转移就业", "就业帮扶车间", "扶贫车间"];
        Finance => "finance", "金融", "Finance (micro-credit, insurance)",
            ["金融帮扶", "金融扶贫", "小额信贷", "脱贫人口小额信贷", "扶贫小额信贷"];
        PublicJob => "public_job", "公益岗位", "Public-welfare job", ["公益性岗位", "乡村公益性岗位", "扶贫公益岗"];
        Housing => "housing", "住房安全保障", "Housing safety", ["住房安全", "危房改造", "危房改造帮扶"];
        Water => "water", "饮水安全保障", "Drinking-water safety", ["饮水安全", "安全饮水"];
        Health => "health", "健康", "Health", ["健康帮扶", "健康扶贫", "医疗"];
        Education => "education", "义务教育保障", "Compulsory education", ["教育", "教育帮扶", "教育扶贫", "义务教育"];
        OtherEducation => "other_education", "其他教育（雨露计划）", "Other education (Yulu plan)",
            ["其他教育", "雨露计划"];
        Security => "security", "综合保障（兜底）", "Social security (safety net)",
            ["综合保障", "兜底保障", "兜底", "社会保障"];
        Social => "social", "社会帮扶", "Social assistance", ["社会扶贫", "消费帮扶"];
        Relocation => "relocation", "搬迁", "Relocation", ["易地扶贫搬迁", "易地搬迁"];
        Living => "living", "生产生活条件改善", "Production and living conditions",
            ["生活条件改善", "人居环境"];
        Infrastructure => "infrastructure", "基础设施建设", "Infrastructure", ["基础设施"];
        Other => "other", "其他", "Other", ["生态补偿", "生态扶贫"];
    }
}

code_list! {
    /// 措施状态: a measure is planned, under way, done, or dropped (with a reason).
    pub enum MeasureStatus: "措施状态" {
        Planned => "planned", "计划中", "Planned", ["未开始"];
        InProgress => "in_progress", "实施中", "In progress", ["进行中"];
        Done => "done", "已完成", "Done", ["完成"];
        Dropped => "dropped", "已取消", "Dropped", ["取消", "放弃"];
    }
}

code_list! {
    /// 驻村工作队职务.
    pub enum TeamRole: "工作队职务" {
        FirstSecretary => "first_secretary", "第一书记", "First secretary", ["第一书记兼队长"];
        Leader => "leader", "队长", "Team leader", ["工作队长"];
        Member => "member", "队员", "Member", ["工作队员"];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as ValueError, StrDeserializer};
    use std::collections::HashMap;
    use std::fmt::Debug;

    /// Runs a generic check once for every list.
    macro_rules! for_every_list {
        ($check:ident) => {
            $check::<Sex>();
            $check::<IdentificationStandard>();
            $check::<PovertyAttribute>();
            $check::<PovertyCause>();
            $check::<PovertyStatus>();
            $check::<MonitoringType>();
            $check::<Relation>();
            $check::<Ethnicity>();
            $check::<Education>();
            $check::<StudentStatus>();
            $check::<Health>();
            $check::<DisabilityGrade>();
            $check::<DisabilityCategory>();
            $check::<IdKind>();
            $check::<PoliticalStatus>();
            $check::<MedicalInsurance>();
            $check::<PensionInsurance>();
            $check::<DropoutReason>();
            $check::<Labour>();
            $check::<MigrantWork>();
            $check::<HousingStructure>();
            $check::<DangerGrade>();
            $check::<RoadType>();
            $check::<Fuel>();
        };
    }

    /// Serialises through serde's `Serializer` for `fmt::Formatter`, which writes strings as-is.
    fn serialized<T: serde::Serialize>(value: &T) -> String {
        struct Via<'a, T>(&'a T);
        impl<T: serde::Serialize> fmt::Display for Via<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.serialize(f)
            }
        }
        Via(value).to_string()
    }

    fn deserialized<'de, T: Deserialize<'de>>(s: &'de str) -> Result<T, ValueError> {
        let d: StrDeserializer<'de, ValueError> = s.into_deserializer();
        T::deserialize(d)
    }

    #[test]
    fn every_code_parses_back_to_its_own_value() {
        fn check<T: CodeList + Debug>() {
            for &v in T::all() {
                assert_eq!(T::parse(v.code()), Some(v), "{} {:?}", T::LIST_NAME_ZH, v);
            }
        }
        for_every_list!(check);
    }

    #[test]
    fn every_chinese_label_parses_back_to_its_own_value() {
        fn check<T: CodeList + Debug>() {
            for &v in T::all() {
                assert_eq!(T::parse(v.label_zh()), Some(v), "{} {:?}", T::LIST_NAME_ZH, v);
            }
        }
        for_every_list!(check);
    }

    #[test]
    fn every_english_label_parses_back_whatever_its_case() {
        fn check<T: CodeList + Debug>() {
            for &v in T::all() {
                let en = v.label_en();
                assert_eq!(T::parse(en), Some(v), "{en}");
                assert_eq!(T::parse(&en.to_uppercase()), Some(v), "{en}");
                assert_eq!(T::parse(&en.to_lowercase()), Some(v), "{en}");
            }
        }
        for_every_list!(check);
    }

    #[test]
    fn every_alias_parses_back_to_its_own_value() {
        fn check<T: CodeList + Debug>() {
            for &v in T::all() {
                for alias in v.aliases() {
                    assert_eq!(T::parse(alias), Some(v), "{alias}");
                }
            }
        }
        for_every_list!(check);
    }

    #[test]
    fn codes_are_unique_within_each_list() {
        fn check<T: CodeList + Debug>() {
            let mut seen = HashMap::new();
            for &v in T::all() {
                if let Some(other) = seen.insert(v.code(), v) {
                    panic!("{}: {:?} and {:?} share code {}", T::LIST_NAME_ZH, other, v, v.code());
                }
            }
        }
        for_every_list!(check);
    }

    #[test]
    fn no_accepted_spelling_stands_for_two_values_of_one_list() {
        fn check<T: CodeList + Debug>() {
            let mut seen: HashMap<String, T> = HashMap::new();
            for &v in T::all() {
                let mut spellings = vec![v.code(), v.label_zh(), v.label_en()];
                spellings.extend(v.aliases());
                for s in spellings {
                    if let Some(other) = seen.insert(s.to_lowercase(), v)
                        && other != v
                    {
                        panic!("{}: “{s}” means both {:?} and {:?}", T::LIST_NAME_ZH, other, v);
                    }
                }
            }
        }
        for_every_list!(check);
    }

    #[test]
    fn codes_are_short_lowercase_ascii() {
        fn check<T: CodeList + Debug>() {
            for &v in T::all() {
                let code = v.code();
                assert!(!code.is_empty() && code.len() <= 24, "{code}");
                assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'), "{code}");
            }
        }
        for_every_list!(check);
    }

    #[test]
    fn an_empty_or_blank_value_is_on_no_list() {
        fn check<T: CodeList + Debug>() {
            assert_eq!(T::parse(""), None, "{}", T::LIST_NAME_ZH);
            assert_eq!(T::parse("  "), None, "{}", T::LIST_NAME_ZH);
        }
        for_every_list!(check);
    }

    #[test]
    fn display_shows_the_chinese_label() {
        assert_eq!(PovertyCause::Illness.to_string(), "因病");
        assert_eq!(PovertyStatus::Exited.to_string(), "已脱贫（享受政策）");
        assert_eq!(Ethnicity::Han.to_string(), "汉族");
        assert_eq!(format!("[{:<4}]", Sex::Male), "[男   ]");
    }

    #[test]
    fn serde_writes_the_code_and_reads_it_back() {
        fn check<T: CodeList + Debug + serde::Serialize + for<'de> Deserialize<'de>>() {
            for &v in T::all() {
                let code = serialized(&v);
                assert_eq!(code, v.code());
                assert_eq!(deserialized::<T>(&code).ok(), Some(v));
            }
        }
        for_every_list!(check);
    }

    #[test]
    fn serde_reads_a_chinese_label_too() {
        assert_eq!(deserialized::<PovertyCause>("因病").ok(), Some(PovertyCause::Illness));
    }

    #[test]
    fn deserializing_an_unknown_value_fails_with_the_chinese_message() {
        let err = deserialized::<Sex>("未知").expect_err("not a sex");
        assert_eq!(err.to_string(), "“未知”不是有效的性别，可选：男、女");
    }

    #[test]
    fn an_unknown_cause_names_the_list_and_every_choice() {
        let err = "因穷".parse::<PovertyCause>().expect_err("not a cause");
        assert_eq!(err.list, "致贫原因");
        assert_eq!(err.value, "因穷");
        assert_eq!(
            err.to_string(),
            "“因穷”不是有效的致贫原因，可选：因病、因残、因学、因灾、缺土地、缺水、缺技术、\
             缺劳力、缺资金、交通条件落后、自身发展动力不足、因婚、因丧、其他"
        );
    }

    #[test]
    fn the_error_quotes_the_value_without_its_surrounding_spaces() {
        let err = "  火星  ".parse::<Fuel>().expect_err("not a fuel");
        assert_eq!(err.to_string(), "“火星”不是有效的主要燃料类型，可选：柴草、煤炭、电、燃气、其他");
    }

    #[test]
    fn an_unknown_ethnicity_lists_the_first_twenty_choices_and_the_count() {
        let err = "火星族".parse::<Ethnicity>().expect_err("not an ethnicity");
        let text = err.to_string();
        assert!(text.starts_with("“火星族”不是有效的民族，可选：汉族、蒙古族、回族、藏族、"), "{text}");
        assert!(text.ends_with("傈僳族等58项"), "{text}");
    }

    #[test]
    fn the_error_choices_follow_the_list_order() {
        fn check<T: CodeList + Debug + std::str::FromStr<Err = UnknownCode>>() {
            let err = T::from_str("不存在的值").expect_err("unknown");
            let labels: Vec<_> = T::all().iter().map(|v| v.label_zh()).collect();
            assert_eq!(err.options, labels.as_slice());
            assert_eq!(err.list, T::LIST_NAME_ZH);
        }
        for_every_list!(check);
    }

    #[test]
    fn surrounding_spaces_are_ignored_including_the_full_width_space() {
        assert_eq!(Sex::parse("  男 "), Some(Sex::Male));
        assert_eq!(Sex::parse("\u{3000}女\u{3000}"), Some(Sex::Female));
        assert_eq!(PovertyCause::parse("\tillness\n"), Some(PovertyCause::Illness));
    }

    #[test]
    fn sex_accepts_the_longer_chinese_words() {
        assert_eq!(Sex::parse("男性"), Some(Sex::Male));
        assert_eq!(Sex::parse("女性"), Some(Sex::Female));
        assert_eq!(Sex::parse("FEMALE"), Some(Sex::Female));
    }

    #[test]
    fn poverty_status_accepts_ascii_parentheses() {
        assert_eq!(PovertyStatus::parse("已脱贫(享受政策)"), Some(PovertyStatus::Exited));
        assert_eq!(PovertyStatus::parse("已脱贫(不再享受政策)"), Some(PovertyStatus::Closed));
        assert_eq!(PovertyStatus::parse("已脱贫（享受政策）"), Some(PovertyStatus::Exited));
    }

    #[test]
    fn a_bare_exited_is_ambiguous_and_rejected() {
        assert_eq!(PovertyStatus::parse("已脱贫"), None);
    }

    #[test]
    fn each_poverty_status_has_its_screen_colour() {
        assert_eq!(PovertyStatus::Poor.colour(), "red");
        assert_eq!(PovertyStatus::Exited.colour(), "green");
        assert_eq!(PovertyStatus::Closed.colour(), "grey");
        assert_eq!(PovertyStatus::Returned.colour(), "yellow");
    }

    #[test]
    fn migrant_work_within_the_township_has_several_spellings() {
        for s in ["乡（镇）内", "乡(镇)内", "乡内", "镇内", "township"] {
            assert_eq!(MigrantWork::parse(s), Some(MigrantWork::Township), "{s}");
        }
    }

    #[test]
    fn student_status_accepts_the_junior_grade_wording_of_the_national_form() {
        assert_eq!(StudentStatus::parse("初中年级"), Some(StudentStatus::Junior));
        assert_eq!(StudentStatus::parse("初中"), Some(StudentStatus::Junior));
        assert_eq!(StudentStatus::NotStudent.code(), "none");
    }

    #[test]
    fn the_ethnicity_list_has_56_groups_plus_other_and_foreign_origin() {
        assert_eq!(Ethnicity::ALL.len(), 58);
        for (i, e) in Ethnicity::ALL[..56].iter().enumerate() {
            assert_eq!(e.code(), format!("{:02}", i + 1));
            assert!(e.label_zh().ends_with('族'), "{}", e.label_zh());
        }
        assert_eq!(Ethnicity::Other.code(), "97");
        assert_eq!(Ethnicity::ForeignOrigin.code(), "98");
        assert_eq!(Ethnicity::ForeignOrigin.label_zh(), "外国血统中国籍人士");
    }

    #[test]
    fn ethnicity_accepts_the_name_with_or_without_zu_and_the_code() {
        assert_eq!(Ethnicity::parse("汉"), Some(Ethnicity::Han));
        assert_eq!(Ethnicity::parse("汉族"), Some(Ethnicity::Han));
        assert_eq!(Ethnicity::parse("01"), Some(Ethnicity::Han));
        assert_eq!(Ethnicity::parse("han"), Some(Ethnicity::Han));
        assert_eq!(Ethnicity::parse("土"), Some(Ethnicity::Tu));
        assert_eq!(Ethnicity::parse("土家"), Some(Ethnicity::Tujia));
        assert_eq!(Ethnicity::parse("56"), Some(Ethnicity::Jino));
        assert_eq!(Ethnicity::Hui.label_en(), "Hui");
    }

    #[test]
    fn every_ethnicity_is_accepted_without_its_trailing_zu() {
        for e in &Ethnicity::ALL[..56] {
            let short = e.label_zh().trim_end_matches('族');
            assert_eq!(Ethnicity::parse(short), Some(*e), "{short}");
        }
    }

    #[test]
    fn disability_grade_accepts_digits_including_full_width() {
        assert_eq!(DisabilityGrade::parse("1"), Some(DisabilityGrade::One));
        assert_eq!(DisabilityGrade::parse("４"), Some(DisabilityGrade::Four));
        assert_eq!(DisabilityGrade::parse("三级"), Some(DisabilityGrade::Three));
        assert_eq!(DisabilityGrade::parse("5"), None);
    }

    #[test]
    fn danger_grade_accepts_the_bare_letter_in_either_case() {
        assert_eq!(DangerGrade::parse("C"), Some(DangerGrade::C));
        assert_eq!(DangerGrade::parse("d"), Some(DangerGrade::D));
        assert_eq!(DangerGrade::parse("Ｂ级"), Some(DangerGrade::B));
        assert_eq!(DangerGrade::parse("E"), None);
    }

    #[test]
    fn only_c_and_d_houses_are_unsafe() {
        let unsafe_grades: Vec<_> = DangerGrade::ALL.iter().filter(|g| g.is_unsafe()).collect();
        assert_eq!(unsafe_grades, [&DangerGrade::C, &DangerGrade::D]);
    }

    #[test]
    fn relation_accepts_everyday_words_for_family_members() {
        assert_eq!(Relation::parse("本人"), Some(Relation::Head));
        assert_eq!(Relation::parse("妻子"), Some(Relation::Spouse));
        assert_eq!(Relation::parse("岳母"), Some(Relation::ParentInLaw));
        assert_eq!(Relation::parse("婆婆"), Some(Relation::ParentInLawH));
        assert_eq!(Relation::parse("parent_in_law_h"), Some(Relation::ParentInLawH));
    }

    #[test]
    fn the_same_chinese_word_belongs_to_each_list_separately() {
        assert_eq!(Education::parse("小学"), Some(Education::Primary));
        assert_eq!(StudentStatus::parse("小学"), Some(StudentStatus::Primary));
        assert_eq!(Education::parse("学前"), None);
    }

    #[test]
    fn list_names_are_the_chinese_field_names() {
        assert_eq!(PovertyCause::LIST_NAME_ZH, "致贫原因");
        assert_eq!(Ethnicity::LIST_NAME_ZH, "民族");
        assert_eq!(<MigrantWork as CodeList>::LIST_NAME_ZH, "务工状况");
    }

    // ---- the national wordings, accepted as aliases ----

    #[test]
    fn the_national_attribute_codes_01_to_08_and_their_names_are_accepted() {
        let cases = [
            ("01", PovertyAttribute::Ordinary),
            ("02", PovertyAttribute::Dibao),
            ("03", PovertyAttribute::Tekun),
            ("04", PovertyAttribute::Dibao),
            ("05", PovertyAttribute::Ordinary),
            ("06", PovertyAttribute::Tekun),
            ("07", PovertyAttribute::DibaoTekun),
            ("08", PovertyAttribute::DibaoTekun),
            ("一般贫困户", PovertyAttribute::Ordinary),
            ("低保脱贫户", PovertyAttribute::Dibao),
            ("特困供养脱贫户", PovertyAttribute::Tekun),
            ("低保贫困户", PovertyAttribute::Dibao),
            ("一般脱贫户", PovertyAttribute::Ordinary),
            ("特困供养贫困户", PovertyAttribute::Tekun),
            ("低保特困供养贫困户", PovertyAttribute::DibaoTekun),
            ("低保特困供养户", PovertyAttribute::DibaoTekun),
        ];
        for (typed, want) in cases {
            assert_eq!(PovertyAttribute::parse(typed), Some(want), "{typed}");
        }
        assert_eq!(PovertyAttribute::DibaoTekun.code(), "dibao_tekun");
    }

    #[test]
    fn the_21_old_relation_wordings_are_all_accepted() {
        use Relation::*;
        let cases = [
            ("户主", Head),
            ("配偶", Spouse),
            ("之子", Son),
            ("之女", Daughter),
            ("之儿媳", DaughterInLaw),
            ("之女婿", SonInLaw),
            ("之孙子", Grandchild),
            ("之孙女", Grandchild),
            ("之外孙子", Grandchild),
            ("之外孙女", Grandchild),
            ("之父", Parent),
            ("之母", Parent),
            ("之岳父", ParentInLaw),
            ("之岳母", ParentInLaw),
            ("之公公", ParentInLawH),
            ("之婆婆", ParentInLawH),
            ("之祖父", Grandparent),
            ("之祖母", Grandparent),
            ("之外祖父", Grandparent),
            ("之外祖母", Grandparent),
            ("之兄弟姐妹", Sibling),
            ("其他", Other),
        ];
        for (typed, want) in cases {
            assert_eq!(Relation::parse(typed), Some(want), "{typed}");
        }
    }

    #[test]
    fn the_standard_relation_codes_are_accepted() {
        use Relation::*;
        let cases = [
            ("01", Head),
            ("本人", Head),
            ("10", Spouse),
            ("20", Son),
            ("子", Son),
            ("30", Daughter),
            ("女", Daughter),
            ("40", Grandchild),
            ("孙子女", Grandchild),
            ("50", Parent),
            ("父母", Parent),
            ("60", Grandparent),
            ("70", Sibling),
            ("兄弟姐妹", Sibling),
            ("99", Other),
        ];
        for (typed, want) in cases {
            assert_eq!(Relation::parse(typed), Some(want), "{typed}");
        }
    }

    #[test]
    fn a_relation_wording_may_name_a_sex_and_the_page_shows_it_back() {
        assert_eq!(Relation::sex_in_wording("之父"), Some(Sex::Male));
        assert_eq!(Relation::sex_in_wording(" 之外祖母 "), Some(Sex::Female));
        assert_eq!(Relation::sex_in_wording("20"), Some(Sex::Male));
        assert_eq!(Relation::sex_in_wording("50"), None);
        assert_eq!(Relation::sex_in_wording("配偶"), None);
        assert_eq!(Relation::Parent.wording(Sex::Male), "之父");
        assert_eq!(Relation::Parent.wording(Sex::Female), "之母");
        assert_eq!(Relation::Son.wording(Sex::Male), "之子");
    }

    #[test]
    fn migrant_work_takes_the_official_wordings_and_the_short_forms() {
        let cases = [
            ("乡（镇）内务工", MigrantWork::Township),
            ("乡(镇)内务工", MigrantWork::Township),
            ("乡（镇）外县内务工", MigrantWork::County),
            ("乡外县内", MigrantWork::County),
            ("县外省内务工", MigrantWork::Province),
            ("县外省内", MigrantWork::Province),
            ("省外务工", MigrantWork::Outside),
            ("省外", MigrantWork::Outside),
            ("其他", MigrantWork::Other),
        ];
        for (typed, want) in cases {
            assert_eq!(MigrantWork::parse(typed), Some(want), "{typed}");
        }
        assert_eq!(MigrantWork::Outside.label_zh(), "省外务工");
    }

    #[test]
    fn comma_joined_health_values_parse_to_one_set() {
        let want = HealthSet::of(&[Health::Disabled, Health::Chronic]);
        for typed in ["残疾,长期慢性病", "残疾、长期慢性病", "残疾，慢性病", "disabled,chronic", "长期慢性病 残疾"]
        {
            assert_eq!(HealthSet::parse(typed), Ok(Some(want)), "{typed}");
        }
        assert_eq!(want.code(), "chronic,disabled");
        assert_eq!(HealthSet::parse(" "), Ok(None));
        assert_eq!(HealthSet::parse("健康").unwrap().map(HealthSet::code).as_deref(), Some("healthy"));
        assert_eq!(HealthSet::parse("健康,残疾"), Err("“健康”不能与“残疾”同时填写".to_owned()));
        assert!(HealthSet::parse("残疾,很好").unwrap_err().starts_with("“很好”不是有效的健康状况"));
    }

    #[test]
    fn political_status_takes_the_gb_codes_and_the_eight_parties() {
        assert_eq!(PoliticalStatus::parse("01"), Some(PoliticalStatus::PartyMember));
        assert_eq!(PoliticalStatus::parse("13"), Some(PoliticalStatus::Masses));
        assert_eq!(PoliticalStatus::parse("九三学社社员"), Some(PoliticalStatus::DemocraticParty));
        assert_eq!(PoliticalStatus::parse("共青团员"), Some(PoliticalStatus::LeagueMember));
    }

    #[test]
    fn insurance_kinds_take_the_full_scheme_names_and_yes_or_no() {
        assert_eq!(MedicalInsurance::parse("城乡居民基本医疗保险"), Some(MedicalInsurance::Resident));
        assert_eq!(MedicalInsurance::parse("职工医保"), Some(MedicalInsurance::Employee));
        assert_eq!(MedicalInsurance::parse("是"), Some(MedicalInsurance::Insured));
        assert_eq!(MedicalInsurance::parse("未参加"), Some(MedicalInsurance::NotInsured));
        assert!(!MedicalInsurance::NotInsured.is_insured());
        assert_eq!(PensionInsurance::parse("城乡居民基本养老保险"), Some(PensionInsurance::Resident));
        assert_eq!(DropoutReason::parse("因家庭经济困难"), Some(DropoutReason::Poverty));
        assert_eq!(IdKind::parse("残疾人证"), Some(IdKind::DisabilityCert));
    }
}

code_list! {
    /// 注销原因: why a household left the register as a whole (户籍注销). It stays on record,
    /// marked 已注销 with the date; nothing is erased.
    pub enum DeregisterReason: "注销原因" {
        /// 自然消亡: every member has died.
        Died => "died", "自然消亡", "All members deceased", ["死亡", "全户死亡", "户消亡"];
        /// 迁出: the whole household moved its 户籍 out of the area.
        MovedOut => "moved_out", "迁出", "Moved out", ["户籍迁出", "整户迁出"];
        /// 合户: merged into another household (set by 合户, not chosen on the 注销 form).
        Merged => "merged", "合户", "Merged into another household", ["并户"];
        Other => "other", "其他", "Other";
    }
}

impl Relation {
    /// The sex a relation names, where it names one (之子 a man, 之儿媳 a woman).
    pub fn sex(self) -> Option<Sex> {
        match self {
            Relation::Son | Relation::SonInLaw => Some(Sex::Male),
            Relation::Daughter | Relation::DaughterInLaw => Some(Sex::Female),
            _ => None,
        }
    }
}
