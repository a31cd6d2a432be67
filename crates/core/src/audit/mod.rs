//! 审计日志: who did what, when, from where, to which record — before → after. Only ever appended to.

use chrono::{DateTime, Utc};

use crate::auth::User;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    SignIn,
    SignInFailed,
    SignOut,
    PasswordChanged,
    Create,
    Update,
    Export,
    RevealId,
    /// 批量导入: a whole register loaded from files.
    Import,
    /// 按证件号码查找: an exact ID-number search, with whether it found anyone.
    SearchId,
    /// 两步验证: a second factor bound, changed or reset, or recovery codes renewed.
    TwoFactor,
    /// 查看审计日志: the audit administrator's reading is itself audited (三员分立).
    ReadAudit,
}

impl AuditAction {
    pub const ALL: &'static [AuditAction] = &[
        AuditAction::SignIn,
        AuditAction::SignInFailed,
        AuditAction::SignOut,
        AuditAction::PasswordChanged,
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Export,
        AuditAction::RevealId,
        AuditAction::Import,
        AuditAction::SearchId,
        AuditAction::TwoFactor,
        AuditAction::ReadAudit,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign_in",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::SignOut => "sign_out",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Export => "export",
            AuditAction::RevealId => "reveal_id",
            AuditAction::Import => "import",
            AuditAction::SearchId => "search_id",
            AuditAction::TwoFactor => "two_factor",
            AuditAction::ReadAudit => "read_audit",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            AuditAction::SignIn => "登录",
            AuditAction::SignInFailed => "登录失败",
            AuditAction::SignOut => "退出登录",
            AuditAction::PasswordChanged => "修改密码",
            AuditAction::Create => "新增",
            AuditAction::Update => "修改",
            AuditAction::Export => "导出",
            AuditAction::RevealId => "查看完整证件号码",
            AuditAction::Import => "批量导入",
            AuditAction::SearchId => "按证件号码查找",
            AuditAction::TwoFactor => "两步验证",
            AuditAction::ReadAudit => "查看审计日志",
        }
    }

    pub fn parse(s: &str) -> Option<AuditAction> {
        AuditAction::ALL.iter().copied().find(|a| a.code() == s)
    }
}

/// What to look for in the audit log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub action: Option<AuditAction>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
}

impl AuditFilter {
    /// The reading itself, as the audit log records it: what was looked for, on which page.
    pub fn reading(&self, actor: &Actor, page: u32) -> AuditEntry {
        let mut what = Vec::new();
        if let Some(u) = &self.username {
            what.push(format!("用户名 {u}"));
        }
        if let Some(a) = self.action {
            what.push(format!("操作 {}", a.label_zh()));
        }
        if what.is_empty() {
            what.push("全部".into());
        }
        AuditEntry::new(actor, AuditAction::ReadAudit).change(
            "query",
            None,
            Some(format!("{}，第{page}页", what.join("、"))),
        )
    }
}

/// Who acts: a signed-in user, or an attempt under a name (failed sign-in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub username: String,
    pub role: Option<String>,
    pub ip: Option<String>,
}

impl Actor {
    /// Someone at the server's command line (`bangfu import`, `bangfu user add` …): no account,
    /// so the operating-system user is recorded.
    pub fn command_line() -> Actor {
        let who = std::env::var("SUDO_USER")
            .or_else(|_| std::env::var("USER"))
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into());
        Actor { user_id: None, username: format!("命令行（{who}）"), role: None, ip: None }
    }

    pub fn user(user: &User, ip: Option<String>) -> Actor {
        Actor { user_id: Some(user.id.0), username: user.username.clone(), role: Some(user.role.code().into()), ip }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub role: Option<String>,
    pub ip: Option<String>,
    pub action: AuditAction,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub area_code: Option<String>,
    pub field: Option<String>,
    /// Values as shown to people: ID numbers masked, except for the audited reveal itself,
    /// which records only that a reveal happened.
    pub before_value: Option<String>,
    pub after_value: Option<String>,
}

impl AuditEntry {
    pub fn new(actor: &Actor, action: AuditAction) -> AuditEntry {
        AuditEntry {
            at: Utc::now(),
            user_id: actor.user_id,
            username: Some(actor.username.clone()),
            role: actor.role.clone(),
            ip: actor.ip.clone(),
            action,
            object_type: None,
            object_id: None,
            area_code: None,
            field: None,
            before_value: None,
            after_value: None,
        }
    }

    pub fn object(mut self, object_type: &str, object_id: impl ToString, area_code: Option<&str>) -> AuditEntry {
        self.object_type = Some(object_type.to_owned());
        self.object_id = Some(object_id.to_string());
        self.area_code = area_code.map(str::to_owned);
        self
    }

    /// Stamps the entry with the time the change was made (the storage's clock).
    pub fn at(mut self, at: DateTime<Utc>) -> AuditEntry {
        self.at = at;
        self
    }

    pub fn change(mut self, field: &str, before: Option<String>, after: Option<String>) -> AuditEntry {
        self.field = Some(field.to_owned());
        self.before_value = before;
        self.after_value = after;
        self
    }
}

/// The audit chain's link: the hash of a sealed row is SHA-256 over the previous row's hash
/// and this row's content (its fields as a JSON array, in a fixed order). The first row's
/// previous hash is [`CHAIN_START`]. Another algorithm (SM3) would be another function of the
/// same shape; the stored hashes say which by their length and the migration that made them.
pub fn chain_hash(previous: &str, content: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(previous.as_bytes());
    h.update(b"\n");
    h.update(content.as_bytes());
    hex::encode(h.finalize())
}

/// What the first sealed row is chained to.
pub const CHAIN_START: &str = "bangfu-audit-chain-v1";

#[cfg(test)]
mod chain_tests {
    use super::*;

    #[test]
    fn a_changed_row_or_a_changed_previous_hash_gives_another_link() {
        let a = chain_hash(CHAIN_START, r#"[1,"2026-12-02T08:00:00.000000Z","admin"]"#);
        assert_eq!(a.len(), 64);
        assert_eq!(a, chain_hash(CHAIN_START, r#"[1,"2026-12-02T08:00:00.000000Z","admin"]"#));
        assert_ne!(a, chain_hash(CHAIN_START, r#"[1,"2026-12-02T08:00:00.000000Z","admln"]"#));
        assert_ne!(a, chain_hash("another", r#"[1,"2026-12-02T08:00:00.000000Z","admin"]"#));
    }
}
