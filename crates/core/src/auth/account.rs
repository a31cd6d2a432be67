//! 账号管理: the accounts a district admin keeps — who they are, whether they may sign in,
//! and the one-time first password that must be changed at the first sign-in.

use chrono::{DateTime, Utc};

use super::{Role, User, check_username};
use crate::area::AreaCode;
use crate::error::FieldError;
use crate::household::model::{Fields, parse_phone};

/// Whether an account may sign in now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    /// 正常
    Active,
    /// 已锁定: too many wrong passwords; unlocks by itself, or an admin unlocks it.
    Locked,
    /// 已停用: an admin disabled it; its sessions and tokens no longer work.
    Disabled,
    /// 待授权: made by the system administrator, waiting for the security administrator to
    /// grant the role it was asked for (三员分立); it cannot sign in yet.
    Pending,
}

impl AccountState {
    pub fn label_zh(self) -> &'static str {
        match self {
            AccountState::Active => "正常",
            AccountState::Locked => "已锁定",
            AccountState::Disabled => "已停用",
            AccountState::Pending => "待授权",
        }
    }

    pub fn colour(self) -> &'static str {
        match self {
            AccountState::Active => "green",
            AccountState::Locked => "yellow",
            AccountState::Disabled => "grey",
            AccountState::Pending => "blue",
        }
    }
}

/// An account as the admin page lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserAccount {
    pub user: User,
    pub disabled: bool,
    /// Waiting for the security administrator's grant (待授权).
    pub pending: bool,
    pub locked_until: Option<DateTime<Utc>>,
    /// Since when a second factor (两步验证) is bound, if one is.
    pub two_factor_since: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl UserAccount {
    pub fn state(&self, now: DateTime<Utc>) -> AccountState {
        if self.disabled {
            AccountState::Disabled
        } else if self.pending {
            AccountState::Pending
        } else if self.locked_until.is_some_and(|t| t > now) {
            AccountState::Locked
        } else {
            AccountState::Active
        }
    }
}

/// A new account as an admin enters it (the password is generated, never typed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountData {
    pub username: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub role: Role,
    pub area_code: AreaCode,
}

impl AccountData {
    pub fn parse(f: &(impl Fields + ?Sized)) -> Result<AccountData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let username = check_username(f.get("username")).map_err(|e| errors.push(e)).ok();
        let display_name = f.get("display_name").trim().to_owned();
        if display_name.is_empty() {
            errors.push(FieldError::new("display_name", "请填写姓名"));
        }
        crate::text::check_field(&mut errors, "display_name", &display_name);
        let phone = parse_phone("phone", f.get("phone")).unwrap_or_else(|e| {
            errors.push(e);
            None
        });
        let role = Role::parse(f.get("role"));
        if role.is_none() {
            errors.push(FieldError::new("role", "请选择角色"));
        }
        let area_code = AreaCode::parse(f.get("area_code"))
            .map_err(|_| errors.push(FieldError::new("area_code", "请选择所属区划")))
            .ok();
        match (username, role, area_code) {
            (Some(username), Some(role), Some(area_code)) if errors.is_empty() => {
                Ok(AccountData { username, display_name, phone, role, area_code })
            }
            _ => Err(errors),
        }
    }
}

/// A first (or reset) password: 12 characters a person can read aloud and type on a phone
/// (no 0/O, 1/l/I), always with letters and digits, so it passes [`super::check_password`].
pub fn generate_password() -> String {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    const LETTERS: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"23456789";
    let mut bytes = [0u8; 12];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .enumerate()
        .map(|(i, b)| {
            // Groups of four: three letters and a digit, e.g. "kPq7-…" without the dash; the
            // first two are a small and a capital letter, so that three classes are always in.
            let set = match i {
                0 => &LETTERS[..23],
                1 => &LETTERS[23..],
                _ if i % 4 == 3 => DIGITS,
                _ => LETTERS,
            };
            set[*b as usize % set.len()] as char
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn a_generated_password_is_long_mixed_unambiguous_and_different_each_time() {
        let a = generate_password();
        assert_eq!(a.chars().count(), 12);
        assert!(super::super::check_password(&a).is_ok());
        assert!(a.chars().any(|c| c.is_ascii_digit()) && a.chars().any(|c| c.is_ascii_alphabetic()));
        assert!(!a.chars().any(|c| "0O1lI".contains(c)), "{a}");
        assert_ne!(a, generate_password());
    }

    #[test]
    fn a_new_account_needs_a_username_a_name_a_role_and_an_area() {
        let f: HashMap<&str, &str> =
            [("username", "a b"), ("display_name", " "), ("role", "boss")].into_iter().collect();
        let fields: Vec<String> = AccountData::parse(&f).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["username", "display_name", "role", "area_code"]);
        let ok: HashMap<&str, &str> = [
            ("username", "lisi"),
            ("display_name", "李四"),
            ("role", "乡镇（街道）工作人员"),
            ("area_code", "411702101000"),
        ]
        .into_iter()
        .collect();
        let a = AccountData::parse(&ok).unwrap();
        assert_eq!((a.role, a.phone), (Role::TownshipStaff, None));
    }

    #[test]
    fn a_disabled_account_reads_disabled_even_while_locked_and_a_lock_ends_by_itself() {
        let now = Utc::now();
        let user = User {
            id: crate::ids::UserId(1),
            username: "lisi".into(),
            display_name: "李四".into(),
            phone: None,
            role: Role::VillageWorker,
            area_code: AreaCode::parse("411702101201").unwrap(),
            must_change_password: false,
        };
        let mut a = UserAccount {
            user,
            disabled: false,
            pending: false,
            locked_until: Some(now + chrono::Duration::minutes(5)),
            two_factor_since: None,
            created_at: now,
        };
        assert_eq!(a.state(now), AccountState::Locked);
        assert_eq!(a.state(now + chrono::Duration::minutes(6)), AccountState::Active);
        a.pending = true;
        assert_eq!(a.state(now + chrono::Duration::minutes(6)).label_zh(), "待授权");
        a.disabled = true;
        assert_eq!(a.state(now).label_zh(), "已停用");
    }
}
