//! 账号与角色: users, their role and the area they work in, and password hashing.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::area::AreaCode;
use crate::error::FieldError;

mod account;
mod permission;
pub mod totp;

pub use account::{AccountData, AccountState, UserAccount, generate_password};
pub use permission::Permission;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 区级管理员: the district office's business account (register, decisions, units,
    /// pairings, the district's business settings). Since 三员分立 it manages no accounts, sets
    /// no security policy and reads no audit log.
    DistrictAdmin,
    /// 乡镇/街道工作人员.
    TownshipStaff,
    /// 驻村工作队员/帮扶责任人: village work team member or helper.
    VillageWorker,
    /// 审计（只读台账）: reads the register, changes nothing (an inspector's account).
    Auditor,
    /// 系统管理员 (三员): accounts only — adds, disables, resets, unlocks; reads no register.
    SystemAdmin,
    /// 安全管理员 (三员): grants the role an account was asked for, and the security policy
    /// (two factors, passwords); reads neither the register nor the audit log.
    SecurityAdmin,
    /// 审计管理员 (三员): reads the audit log, and nothing else.
    AuditAdmin,
}

/// The pages every signed-in account may open whatever its role: its own password, sign-ins,
/// second factor and language, and signing out.
const OWN_PAGES: &[&str] = &["/password", "/sessions", "/two-factor", "/logout", "/lang"];

impl Role {
    /// The roles level 3 calls privileged: the district administrator, the auditor and the
    /// three administrators (三员).
    pub fn is_privileged(self) -> bool {
        matches!(self, Role::DistrictAdmin | Role::Auditor) || self.is_administrator()
    }

    /// One of the three administrators of 三员分立 (system, security, audit).
    pub fn is_administrator(self) -> bool {
        matches!(self, Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin)
    }

    pub const ALL: &'static [Role] = &[
        Role::DistrictAdmin,
        Role::TownshipStaff,
        Role::VillageWorker,
        Role::Auditor,
        Role::SystemAdmin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "district_admin",
            Role::TownshipStaff => "township_staff",
            Role::VillageWorker => "village_worker",
            Role::Auditor => "auditor",
            Role::SystemAdmin => "system_admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "区级管理员",
            Role::TownshipStaff => "乡镇（街道）工作人员",
            Role::VillageWorker => "驻村工作队员/帮扶责任人",
            Role::Auditor => "审计（只读台账）",
            Role::SystemAdmin => "系统管理员",
            Role::SecurityAdmin => "安全管理员",
            Role::AuditAdmin => "审计管理员",
        }
    }

    /// District and township staff arrange the work: register and move helpers, man the
    /// village teams, pair units, and review the changes visits propose.
    pub fn arranges_work(self) -> bool {
        matches!(self, Role::DistrictAdmin | Role::TownshipStaff)
    }

    /// The page an administrator (三员) starts on instead of the register's overview.
    pub fn home(self) -> &'static str {
        match self {
            Role::SystemAdmin => "/users",
            Role::SecurityAdmin => "/grants",
            Role::AuditAdmin => "/audit",
            _ => "/",
        }
    }

    /// Whether an account of this role may open `path` at all. The three administrators act
    /// only through their own pages (and their own password, sign-ins and second factor);
    /// every other page — the register above all — is closed to them, whatever its handler
    /// checks. The other roles are limited by their permissions and their area instead.
    pub fn may_open(self, path: &str) -> bool {
        let own: &[&str] = match self {
            Role::SystemAdmin => &["/users", "/areas/search"],
            Role::SecurityAdmin => &["/grants", "/settings/security"],
            Role::AuditAdmin => &["/audit", "/api/v1/audit"],
            _ => return true,
        };
        let under =
            |prefix: &&str| path.strip_prefix(*prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        path == "/" || OWN_PAGES.iter().chain(own).any(under)
    }

    /// What an administrator's own pages are, as the refusal of any other page names them.
    pub fn own_pages_zh(self) -> &'static str {
        match self {
            Role::SystemAdmin => "账号管理",
            Role::SecurityAdmin => "授权、安全设置",
            Role::AuditAdmin => "审计日志",
            _ => "",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim();
        if s == "审计" {
            return Some(Role::Auditor); // the label before 三员分立
        }
        Role::ALL.iter().copied().find(|r| r.code() == s || r.label_zh() == s)
    }
}

/// A user as stored (never with the password itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub id: crate::ids::UserId,
    pub username: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub role: Role,
    pub area_code: AreaCode,
    pub must_change_password: bool,
}

#[derive(Clone, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub role: Role,
    pub area_code: AreaCode,
    pub password_hash: String,
    pub must_change_password: bool,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser").field("username", &self.username).field("role", &self.role).finish_non_exhaustive()
    }
}

/// Checks a username: 3–32 letters, digits, `_`, `-` or `.`.
pub fn check_username(name: &str) -> Result<String, FieldError> {
    let n = name.trim();
    if (3..=32).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b)) {
        Ok(n.to_owned())
    } else {
        Err(FieldError::new("username", "用户名应为3到32位字母、数字或 _ - ."))
    }
}

/// The level-3 password rule with the default policy: see [`PasswordPolicy::check`].
pub fn check_password(password: &str) -> Result<(), FieldError> {
    PasswordPolicy::default().check(password)
}

/// 密码策略, a district setting the security administrator keeps. It defaults to the level-3
/// profile (GB/T 22239 §8.1.4.1) and can only be made stricter: at least 8 characters from at
/// least 3 of the 4 classes, none of the last 5 again, changed every 90 days at the latest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: u32,
    /// Of capital letters, small letters, digits and other signs (3 or 4).
    pub classes: u32,
    /// A new password may not be any of this many latest ones, the current one included.
    pub history: u32,
    /// A password this many days old must be changed before anything else.
    pub max_age_days: u32,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy { min_length: 8, classes: 3, history: 5, max_age_days: 90 }
    }
}

impl PasswordPolicy {
    /// The key of the setting.
    pub const SETTING: &'static str = "password_policy";

    /// (field, label, the level-3 bound, the strictest value) of each number.
    const BOUNDS: [(&'static str, &'static str, u32, u32); 4] = [
        ("min_length", "最短长度（位）", 8, 64),
        ("classes", "至少包含的字符种类（种）", 3, 4),
        ("history", "不得与最近几次相同（次）", 5, 24),
        ("max_age_days", "最长使用天数（天）", 90, 1),
    ];

    pub fn max_age(&self) -> chrono::Duration {
        chrono::Duration::days(i64::from(self.max_age_days))
    }

    fn values(&self) -> [u32; 4] {
        [self.min_length, self.classes, self.history, self.max_age_days]
    }

    fn from_values(v: [u32; 4]) -> PasswordPolicy {
        PasswordPolicy { min_length: v[0], classes: v[1], history: v[2], max_age_days: v[3] }
    }

    /// The stored setting (`min_length=10;classes=3;…`); a missing or unreadable value, or one
    /// looser than the level-3 profile, is the profile's.
    pub fn from_setting(value: Option<&str>) -> PasswordPolicy {
        let mut v = PasswordPolicy::default().values();
        for part in value.unwrap_or("").split(';') {
            let Some((k, n)) = part.split_once('=') else { continue };
            let Some(i) = Self::BOUNDS.iter().position(|b| b.0 == k.trim()) else { continue };
            if let Ok(n) = n.trim().parse::<u32>() {
                let (_, _, level3, strictest) = Self::BOUNDS[i];
                if (level3..=strictest).contains(&n) || (strictest..=level3).contains(&n) {
                    v[i] = n;
                }
            }
        }
        Self::from_values(v)
    }

    pub fn to_setting(&self) -> String {
        Self::BOUNDS.iter().zip(self.values()).map(|(b, n)| format!("{}={n}", b.0)).collect::<Vec<_>>().join(";")
    }

    /// The security administrator's form: each number whole and no looser than level 3.
    pub fn parse(f: &(impl crate::household::Fields + ?Sized)) -> Result<PasswordPolicy, Vec<FieldError>> {
        let mut v = [0u32; 4];
        let mut errors = Vec::new();
        for (i, (field, label, level3, strictest)) in Self::BOUNDS.iter().enumerate() {
            let (lo, hi) = if level3 <= strictest { (*level3, *strictest) } else { (*strictest, *level3) };
            match f.get(field).trim().parse::<u32>() {
                Ok(n) if (lo..=hi).contains(&n) => v[i] = n,
                _ => errors.push(FieldError::new(
                    *field,
                    format!("{label}应为{lo}到{hi}之间的整数（等级保护三级要求{}）", Self::level3_wording(field)),
                )),
            }
        }
        if errors.is_empty() { Ok(Self::from_values(v)) } else { Err(errors) }
    }

    fn level3_wording(field: &str) -> &'static str {
        match field {
            "min_length" => "至少8位",
            "classes" => "至少三种",
            "history" => "不少于最近5次",
            _ => "不超过90天",
        }
    }

    /// The rule in a sentence, for the password pages.
    pub fn describe_zh(&self) -> String {
        let kinds =
            if self.classes >= 4 { "全部四种".to_owned() } else { format!("至少{}种", cn(self.classes)) };
        format!(
            "至少{}位，须含大写字母、小写字母、数字、符号中的{kinds}，不能是常见密码，不能与最近{}次用过的相同；同一密码最多使用{}天。",
            self.min_length, self.history, self.max_age_days
        )
    }

    /// Checks a new password: long enough, from enough classes, not a common one.
    pub fn check(&self, password: &str) -> Result<(), FieldError> {
        if password.chars().count() < self.min_length as usize {
            return Err(FieldError::new("password", format!("密码至少{}位", self.min_length)));
        }
        if password.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new("password", "密码不能全是数字"));
        }
        let classes = [
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ];
        if (classes.iter().filter(|c| **c).count() as u32) < self.classes {
            let message = if self.classes >= 4 {
                "密码须包含大写字母、小写字母、数字、符号全部四种（如 Yicheng-2026）".to_owned()
            } else {
                format!("密码须包含大写字母、小写字母、数字、符号中的至少{}种（如 Yicheng-2026）", cn(self.classes))
            };
            return Err(FieldError::new("password", message));
        }
        if is_common_password(password) {
            return Err(FieldError::new("password", "这个密码太常见，很容易被猜到，请换一个"));
        }
        Ok(())
    }
}

fn cn(n: u32) -> &'static str {
    match n {
        2 => "两",
        3 => "三",
        4 => "四",
        _ => "几",
    }
}

/// Whether the password is on the shipped list of common ones (case does not matter).
pub fn is_common_password(password: &str) -> bool {
    const LIST: &str = include_str!("common_passwords.txt");
    LIST.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .any(|l| l.trim().eq_ignore_ascii_case(password))
}

pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let h = hash_password("zhumadian2024").unwrap();
        assert!(h.starts_with("$argon2"));
        assert!(verify_password("zhumadian2024", &h));
        assert!(!verify_password("zhumadian2025", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn short_all_digit_two_class_and_common_passwords_are_refused() {
        assert_eq!(check_password("abc").unwrap_err().message, "密码至少8位");
        assert_eq!(check_password("12345678").unwrap_err().message, "密码不能全是数字");
        assert!(check_password("yicheng-2024").is_ok(), "small letters, a sign and digits: three classes");
        assert_eq!(
            check_password("yichengadmin").unwrap_err().message,
            "密码须包含大写字母、小写字母、数字、符号中的至少三种（如 Yicheng-2026）"
        );
        assert_eq!(check_password("P@ssw0rd").unwrap_err().message, "这个密码太常见，很容易被猜到，请换一个");
        assert!(check_password("admin@123").is_err(), "the list ignores case");
    }

    #[test]
    fn the_password_policy_is_the_level_3_profile_and_can_only_be_made_stricter() {
        let d = PasswordPolicy::default();
        assert_eq!((d.min_length, d.classes, d.history, d.max_age_days), (8, 3, 5, 90));
        assert_eq!(PasswordPolicy::from_setting(None), d);
        let strict = PasswordPolicy::from_setting(Some("min_length=12;classes=4;history=10;max_age_days=60"));
        assert_eq!((strict.min_length, strict.classes, strict.history, strict.max_age_days), (12, 4, 10, 60));
        assert_eq!(PasswordPolicy::from_setting(Some(&strict.to_setting())), strict);
        // A looser value in the database (typed by hand) is the profile's.
        let loose = PasswordPolicy::from_setting(Some("min_length=6;classes=2;history=0;max_age_days=365"));
        assert_eq!(loose, d);
        assert_eq!(strict.check("Yicheng-26").unwrap_err().message, "密码至少12位");
        assert_eq!(
            strict.check("yicheng-2026-x").unwrap_err().message,
            "密码须包含大写字母、小写字母、数字、符号全部四种（如 Yicheng-2026）"
        );
        assert!(strict.check("Yicheng-2026-x").is_ok());
        let form: std::collections::HashMap<&str, &str> =
            [("min_length", "6"), ("classes", "3"), ("history", "5"), ("max_age_days", "120")].into_iter().collect();
        let errors = PasswordPolicy::parse(&form).unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "最短长度（位）应为8到64之间的整数（等级保护三级要求至少8位）",
                "最长使用天数（天）应为1到90之间的整数（等级保护三级要求不超过90天）"
            ]
        );
        assert!(d.describe_zh().starts_with("至少8位，须含大写字母、小写字母、数字、符号中的至少三种"));
    }

    #[test]
    fn roles_parse_from_code_or_chinese() {
        assert_eq!(Role::parse("区级管理员"), Some(Role::DistrictAdmin));
        assert_eq!(Role::parse("auditor"), Some(Role::Auditor));
        assert_eq!(Role::parse("boss"), None);
        assert_eq!(Role::parse("审计"), Some(Role::Auditor));
        assert_eq!(Role::parse("系统管理员"), Some(Role::SystemAdmin));
        assert_eq!(Role::parse("audit_admin"), Some(Role::AuditAdmin));
    }

    #[test]
    fn the_three_administrators_open_only_their_own_pages() {
        assert!(Role::SystemAdmin.may_open("/users") && Role::SystemAdmin.may_open("/users/12/unlock"));
        assert!(!Role::SystemAdmin.may_open("/households"), "系统管理员不能查看台账");
        assert!(!Role::SystemAdmin.may_open("/audit"));
        assert!(!Role::SystemAdmin.may_open("/usersx"), "a prefix counts only up to a /");
        assert!(Role::SecurityAdmin.may_open("/grants/3/grant") && Role::SecurityAdmin.may_open("/settings/security"));
        assert!(!Role::SecurityAdmin.may_open("/audit"), "安全管理员不能查看审计日志");
        assert!(!Role::SecurityAdmin.may_open("/settings"), "the district's business settings are not security");
        assert!(!Role::SecurityAdmin.may_open("/users"));
        assert!(Role::AuditAdmin.may_open("/audit") && Role::AuditAdmin.may_open("/api/v1/audit"));
        assert!(!Role::AuditAdmin.may_open("/households/1") && !Role::AuditAdmin.may_open("/api/v1/households"));
        for r in [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin] {
            for own in ["/", "/password", "/sessions", "/sessions/end", "/two-factor/bind", "/logout"] {
                assert!(r.may_open(own), "{} {own}", r.label_zh());
            }
            assert!(r.is_privileged() && r.is_administrator());
            assert_ne!(r.home(), "/");
            assert!(r.may_open(r.home()));
        }
        for r in [Role::DistrictAdmin, Role::TownshipStaff, Role::VillageWorker, Role::Auditor] {
            assert!(r.may_open("/households") && !r.is_administrator() && r.home() == "/");
        }
    }
}

/// Sign-in and session rules, with the defaults a district office expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Signed out after this long without a request (default 30 minutes).
    pub idle: chrono::Duration,
    /// The same for the privileged roles, 区级管理员 and 审计 (default 10 minutes, as level 3
    /// asks of privileged accounts); never longer than `idle`.
    pub privileged_idle: chrono::Duration,
    /// Signed out this long after signing in, whatever happens (default 12 hours).
    pub absolute: chrono::Duration,
    /// Failed sign-ins in a row, from one source to one account, before that source must
    /// wait (default 5).
    pub max_failures: i32,
    /// The longest wait: the first is one minute, each further failure doubles it up to
    /// this (default 15 minutes). Never a permanent lock, and only for that source.
    pub lockout: chrono::Duration,
    /// Sign-in attempts one source may make in a minute, to any accounts (default 30).
    pub attempts_per_minute: u32,
    /// Exact ID-number searches one user may make in an hour (default 30): each is audited,
    /// and a masked number cannot be completed by trying the few dozen candidates it leaves.
    pub id_searches_per_hour: i64,
    /// Exact ID-number searches that found nobody, in an hour, before the user's ID search
    /// stops for the rest of that hour (default 10).
    pub id_search_misses_per_hour: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: chrono::Duration::minutes(30),
            privileged_idle: chrono::Duration::minutes(10),
            absolute: chrono::Duration::hours(12),
            max_failures: 5,
            lockout: chrono::Duration::minutes(15),
            attempts_per_minute: 30,
            id_searches_per_hour: 30,
            id_search_misses_per_hour: 10,
        }
    }
}

type Time = chrono::DateTime<chrono::Utc>;

/// A run of failures older than this starts again from nothing.
pub const FAILURES_FORGOTTEN_AFTER: chrono::Duration = chrono::Duration::hours(24);

/// One source's failures on one account, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Failures {
    pub count: i32,
    pub blocked_until: Option<Time>,
    pub last_at: Option<Time>,
}

/// What the policy says of one more attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The password may be checked; `record` is stored first, counting this attempt as a
    /// failure until it turns out right (so that parallel guesses are counted too).
    Check { record: Failures },
    /// Refused unchecked until then.
    Wait { until: Time },
}

impl SessionPolicy {
    pub fn session_alive(&self, role: Role, created: Time, last_seen: Time, now: Time) -> bool {
        let idle = if role.is_privileged() { self.privileged_idle.min(self.idle) } else { self.idle };
        now - last_seen < idle && now - created < self.absolute
    }

    /// The wait after the `failures`-th failure in a row: none before `max_failures`, then one
    /// minute, doubling with each further failure up to `lockout`.
    pub fn wait_after(&self, failures: i32) -> Option<chrono::Duration> {
        let over = failures - self.max_failures;
        (over >= 0).then(|| chrono::Duration::minutes(1i64 << over.min(20)).min(self.lockout))
    }

    /// Whether a user who made `searches` exact ID-number searches in the last hour, `misses`
    /// of them finding nobody, may make another; the refusal says why, in Chinese.
    pub fn id_search(&self, searches: i64, misses: i64) -> Result<(), String> {
        if misses >= self.id_search_misses_per_hour {
            Err(format!(
                "按证件号码查找一小时内已有{misses}次未找到，已暂停一小时（已记入审计日志）。请核对号码，或按姓名查找"
            ))
        } else if searches >= self.id_searches_per_hour {
            Err(format!(
                "按证件号码查找每小时最多{}次，请一小时后再试（每次查找都记入审计日志）",
                self.id_searches_per_hour
            ))
        } else {
            Ok(())
        }
    }

    /// Decides an attempt from what is stored for its account and source.
    pub fn attempt(&self, stored: Failures, now: Time) -> Attempt {
        if let Some(until) = stored.blocked_until.filter(|t| *t > now) {
            return Attempt::Wait { until };
        }
        let before = if stored.last_at.is_some_and(|t| now - t > FAILURES_FORGOTTEN_AFTER) { 0 } else { stored.count };
        let count = before + 1;
        Attempt::Check {
            record: Failures { count, blocked_until: self.wait_after(count).map(|w| now + w), last_at: Some(now) },
        }
    }
}

/// The one message for an unknown user, a wrong password and a source that must wait, so that
/// nobody can learn which accounts exist.
pub const SIGN_IN_FAILED: &str = "用户名或密码错误。连续5次错误后，需等待1分钟再试，再错等待时间加倍（最长15分钟）";

/// What the audit row of an exact ID-number search that found nobody says.
pub const ID_SEARCH_MISS: &str = "未找到";

/// Too many attempts from one address in a minute.
pub const SIGN_IN_TOO_FAST: &str = "登录尝试过于频繁，请1分钟后再试";

/// A random token (256 bits, hex) for sessions, CSRF and API tokens.
pub fn random_token() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Tokens are stored only as their SHA-256, so a copy of the database cannot be used to sign in.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares secrets in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod session_tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn t(min: i64) -> Time {
        Utc.with_ymd_and_hms(2026, 11, 28, 8, 0, 0).unwrap() + Duration::minutes(min)
    }

    #[test]
    fn a_session_ends_after_thirty_idle_minutes() {
        let p = SessionPolicy::default();
        assert!(p.session_alive(Role::TownshipStaff, t(0), t(0), t(29)));
        assert!(!p.session_alive(Role::TownshipStaff, t(0), t(0), t(30)));
    }

    #[test]
    fn a_district_admin_or_auditor_is_signed_out_after_ten_idle_minutes() {
        let p = SessionPolicy::default();
        for role in [Role::DistrictAdmin, Role::Auditor] {
            assert!(p.session_alive(role, t(0), t(0), t(9)));
            assert!(!p.session_alive(role, t(0), t(0), t(10)), "{role:?}");
        }
        assert!(p.session_alive(Role::TownshipStaff, t(0), t(0), t(10)));
    }

    #[test]
    fn a_session_ends_after_twelve_hours_even_when_busy() {
        let p = SessionPolicy::default();
        assert!(p.session_alive(Role::VillageWorker, t(0), t(700), t(719)));
        assert!(!p.session_alive(Role::VillageWorker, t(0), t(719), t(720)));
    }

    #[test]
    fn after_the_fifth_failure_a_source_waits_one_minute_then_twice_as_long_up_to_fifteen() {
        let p = SessionPolicy::default();
        let waits: Vec<_> = (1..=10).map(|n| p.wait_after(n).map(|d| d.num_minutes())).collect();
        assert_eq!(waits, [None, None, None, None, Some(1), Some(2), Some(4), Some(8), Some(15), Some(15)]);
    }

    #[test]
    fn an_attempt_counts_as_a_failure_before_the_password_is_checked() {
        let p = SessionPolicy::default();
        let four = Failures { count: 4, blocked_until: None, last_at: Some(t(0)) };
        let Attempt::Check { record } = p.attempt(four, t(1)) else { panic!("the fifth may be checked") };
        assert_eq!(record, Failures { count: 5, blocked_until: Some(t(2)), last_at: Some(t(1)) });
        // While waiting, nothing is checked, and the wait does not grow.
        assert_eq!(p.attempt(record, t(1)), Attempt::Wait { until: t(2) });
        let Attempt::Check { record } = p.attempt(record, t(2)) else { panic!("after the wait") };
        assert_eq!((record.count, record.blocked_until), (6, Some(t(4))));
    }

    #[test]
    fn exact_id_searches_are_limited_per_hour_and_stop_after_ten_misses() {
        let p = SessionPolicy::default();
        assert_eq!(p.id_search(29, 9), Ok(()));
        assert_eq!(
            p.id_search(30, 0).unwrap_err(),
            "按证件号码查找每小时最多30次，请一小时后再试（每次查找都记入审计日志）"
        );
        assert!(p.id_search(12, 10).unwrap_err().starts_with("按证件号码查找一小时内已有10次未找到，已暂停一小时"));
    }

    #[test]
    fn failures_a_day_old_are_forgotten() {
        let p = SessionPolicy::default();
        let old = Failures { count: 9, blocked_until: Some(t(10)), last_at: Some(t(0)) };
        let Attempt::Check { record } = p.attempt(old, t(24 * 60 + 1)) else { panic!() };
        assert_eq!((record.count, record.blocked_until), (1, None));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
        assert!(same_secret(&a, &a.clone()));
        assert!(!same_secret(&a, &random_token()));
    }
}
