//! 账号与角色: users, their role and the area they work in, and password hashing.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::area::AreaCode;
use crate::error::FieldError;

mod account;
mod permission;

pub use account::{AccountData, AccountState, UserAccount, generate_password};
pub use permission::Permission;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 区级管理员: the district office.
    DistrictAdmin,
    /// 乡镇/街道工作人员.
    TownshipStaff,
    /// 驻村工作队员/帮扶责任人: village work team member or helper.
    VillageWorker,
    /// 审计: read-only.
    Auditor,
}

impl Role {
    pub const ALL: &'static [Role] = &[Role::DistrictAdmin, Role::TownshipStaff, Role::VillageWorker, Role::Auditor];

    pub fn code(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "district_admin",
            Role::TownshipStaff => "township_staff",
            Role::VillageWorker => "village_worker",
            Role::Auditor => "auditor",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Role::DistrictAdmin => "区级管理员",
            Role::TownshipStaff => "乡镇（街道）工作人员",
            Role::VillageWorker => "驻村工作队员/帮扶责任人",
            Role::Auditor => "审计",
        }
    }

    /// District and township staff arrange the work: register and move helpers, man the
    /// village teams, pair units, and review the changes visits propose.
    pub fn arranges_work(self) -> bool {
        matches!(self, Role::DistrictAdmin | Role::TownshipStaff)
    }

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim();
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

/// Passwords: at least 8 characters, not all digits.
pub fn check_password(password: &str) -> Result<(), FieldError> {
    if password.chars().count() < 8 {
        return Err(FieldError::new("password", "密码至少8位"));
    }
    if password.chars().all(|c| c.is_ascii_digit()) {
        return Err(FieldError::new("password", "密码不能全是数字"));
    }
    Ok(())
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
    fn short_or_all_digit_passwords_are_refused() {
        assert_eq!(check_password("abc").unwrap_err().message, "密码至少8位");
        assert_eq!(check_password("12345678").unwrap_err().message, "密码不能全是数字");
        assert!(check_password("yicheng-2024").is_ok());
    }

    #[test]
    fn roles_parse_from_code_or_chinese() {
        assert_eq!(Role::parse("区级管理员"), Some(Role::DistrictAdmin));
        assert_eq!(Role::parse("auditor"), Some(Role::Auditor));
        assert_eq!(Role::parse("boss"), None);
    }
}

/// Sign-in and session rules, with the defaults a district office expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Signed out after this long without a request (default 30 minutes).
    pub idle: chrono::Duration,
    /// Signed out this long after signing in, whatever happens (default 12 hours).
    pub absolute: chrono::Duration,
    /// Failed sign-ins in a row before the account is locked (default 5).
    pub max_failures: i32,
    /// How long a locked account stays locked (default 15 minutes).
    pub lockout: chrono::Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: chrono::Duration::minutes(30),
            absolute: chrono::Duration::hours(12),
            max_failures: 5,
            lockout: chrono::Duration::minutes(15),
        }
    }
}

type Time = chrono::DateTime<chrono::Utc>;

impl SessionPolicy {
    pub fn session_alive(&self, created: Time, last_seen: Time, now: Time) -> bool {
        now - last_seen < self.idle && now - created < self.absolute
    }

    /// After one more failure: the new count, and until when the account is locked, if it is.
    pub fn after_failure(&self, failures_before: i32, now: Time) -> (i32, Option<Time>) {
        let failures = failures_before + 1;
        if failures >= self.max_failures { (0, Some(now + self.lockout)) } else { (failures, None) }
    }
}

/// The one message for an unknown user, a wrong password and a locked account, so that
/// nobody can learn which accounts exist or are locked.
pub const SIGN_IN_FAILED: &str = "用户名或密码错误，或账号已被暂时锁定（连续5次错误将锁定15分钟）";

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
        assert!(p.session_alive(t(0), t(0), t(29)));
        assert!(!p.session_alive(t(0), t(0), t(30)));
    }

    #[test]
    fn a_session_ends_after_twelve_hours_even_when_busy() {
        let p = SessionPolicy::default();
        assert!(p.session_alive(t(0), t(700), t(719)));
        assert!(!p.session_alive(t(0), t(719), t(720)));
    }

    #[test]
    fn the_fifth_failure_in_a_row_locks_the_account_for_fifteen_minutes() {
        let p = SessionPolicy::default();
        assert_eq!(p.after_failure(3, t(0)), (4, None));
        assert_eq!(p.after_failure(4, t(0)), (0, Some(t(15))));
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
