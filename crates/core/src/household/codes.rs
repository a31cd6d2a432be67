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
    /// 贫困户属性
    pub enum PovertyAttribute: "贫困户属性" {
        Ordinary => "ordinary", "一般贫困户", "Ordinary", ["一般户"];
        /// With the minimum-living allowance (低保).
        Dibao => "dibao", "低保贫困户", "Minimum-living allowance (dibao)", ["低保户"];
        /// In extreme-hardship support (特困供养, formerly 五保).
        Tekun => "tekun", "特困供养贫困户", "Extreme-hardship support (tekun)", ["特困户", "五保户", "五保贫困户"];
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
    /// 与户主关系
    pub enum Relation: "与户主关系" {
        Head => "head", "户主", "Head of household", ["本人"];
        Spouse => "spouse", "配偶", "Spouse", ["妻子", "丈夫"];
        Son => "son", "之子", "Son", ["儿子"];
        Daughter => "daughter", "之女", "Daughter", ["女儿"];
        DaughterInLaw => "daughter_in_law", "之儿媳", "Daughter-in-law", ["儿媳"];
        SonInLaw => "son_in_law", "之女婿", "Son-in-law", ["女婿"];
        Grandchild => "grandchild", "孙子女", "Grandchild", ["孙子", "孙女"];
        Parent => "parent", "父母", "Parent", ["父亲", "母亲"];
        /// The wife's parents (岳父母).
        ParentInLaw => "parent_in_law", "岳父母", "Parent-in-law (wife's)", ["岳父", "岳母"];
        /// The husband's parents (公婆).
        ParentInLawH => "parent_in_law_h", "公婆", "Parent-in-law (husband's)", ["公公", "婆婆"];
        Grandparent => "grandparent", "祖父母", "Grandparent", ["祖父", "祖母"];
        Sibling => "sibling", "兄弟姐妹", "Sibling";
        Other => "other", "其他", "Other";
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
    /// 健康状况; a disabled member also has a `DisabilityGrade`.
    pub enum Health: "健康状况" {
        Healthy => "healthy", "健康", "Healthy";
        Chronic => "chronic", "长期慢性病", "Chronic illness", ["慢性病"];
        Serious => "serious", "患有大病", "Serious illness", ["大病"];
        Disabled => "disabled", "残疾", "Disabled";
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
    /// 务工状况: where a member works.
    pub enum MigrantWork: "务工状况" {
        Township => "township", "乡（镇）内", "Within the township", ["乡内", "镇内"];
        County => "county", "乡外县内", "Within the county";
        Province => "province", "县外省内", "Within the province";
        Outside => "outside", "省外", "Outside the province";
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
    /// 帮扶措施类型 (from the household card 明白卡).
    pub enum MeasureKind: "帮扶措施类型" {
        Industry => "industry", "产业帮扶", "Industry", ["产业", "产业扶贫"];
        Employment => "employment", "就业帮扶", "Employment", ["就业", "就业扶贫", "转移就业"];
        Relocation => "relocation", "易地扶贫搬迁", "Relocation", ["易地搬迁", "搬迁"];
        PublicJob => "public_job", "公益岗位", "Public-welfare job", ["公益性岗位"];
        Education => "education", "教育帮扶", "Education", ["教育", "教育扶贫", "雨露计划"];
        Health => "health", "健康帮扶", "Health", ["健康", "健康扶贫", "医疗"];
        Housing => "housing", "危房改造", "Dangerous-house renovation", ["危房改造帮扶", "住房安全"];
        Finance => "finance", "金融帮扶", "Finance (micro-credit, insurance)", ["小额信贷", "金融扶贫"];
        Living => "living", "生活条件改善", "Living conditions", ["基础设施", "人居环境"];
        Security => "security", "兜底保障", "Social security", ["兜底", "社会保障"];
        Ecological => "ecological", "生态补偿", "Ecological compensation", ["生态扶贫"];
        Other => "other", "其他", "Other";
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
}
