//! 账号与角色: users, their role and the area they work in, and password hashing.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::area::AreaCode;
use crate::error::FieldError;

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

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim();
        Role::ALL.iter().copied().find(|r| r.code() == s || r.label_zh() == s)
    }
}

/// A user as stored (never with the password itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub id: i64,
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
