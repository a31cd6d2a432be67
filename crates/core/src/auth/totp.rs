//! 两步验证: the second factor of privileged accounts (GB/T 22239 §8.1.4 a, level 3), a
//! time-based one-time code (TOTP, RFC 6238: HMAC-SHA1, 6 digits, 30 seconds, one step of
//! clock drift either way) from an authenticator app on the user's phone, and recovery codes
//! for a lost phone, kept only as hashes.
//!
//! A code is accepted once: the step it belongs to must be later than the last one accepted
//! for the account (RFC 6238 §5.2), so a code seen over a shoulder cannot be replayed.

use super::Role;

/// Seconds per code.
pub const STEP_SECONDS: i64 = 30;

/// How many recovery codes an account gets at a time.
pub const RECOVERY_CODES: usize = 10;

/// The name authenticator apps show above the code.
pub const ISSUER: &str = "bangfu";

/// What the sign-in page says of a wrong, reused or expired code (one message for all).
pub const CODE_WRONG: &str = "验证码不正确或已用过。请输入手机身份验证器上现在显示的6位数字，或一个未用过的恢复码";

/// A TOTP secret: 20 random bytes (160 bits, as RFC 4226 recommends), written in base32
/// for the apps. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

impl TotpSecret {
    /// A fresh secret from the operating system's random source.
    pub fn generate() -> TotpSecret {
        use argon2::password_hash::rand_core::{OsRng, RngCore};
        let mut bytes = vec![0u8; 20];
        OsRng.fill_bytes(&mut bytes);
        TotpSecret(bytes)
    }

    /// Reads a stored (or typed) base32 secret; spaces and case do not matter.
    pub fn from_base32(s: &str) -> Option<TotpSecret> {
        let clean: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase();
        let bytes = totp_rs::Secret::try_from_base32(clean.trim_end_matches('=')).ok()?.to_vec();
        (bytes.len() >= 16).then_some(TotpSecret(bytes))
    }

    /// The base32 form (no padding), as stored and as the apps take it.
    pub fn to_base32(&self) -> String {
        totp_rs::Secret::from(self.0.clone()).to_base32().trim_end_matches('=').to_owned()
    }

    /// The base32 form in groups of four, for typing into an app by hand.
    pub fn grouped(&self) -> String {
        let b = self.to_base32();
        b.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
    }

    fn totp(&self) -> totp_rs::Totp {
        totp_rs::Builder::new().with_secret(self.0.clone()).build_noncompliant()
    }

    /// The code for the step that holds `unix_seconds`.
    pub fn code_at(&self, unix_seconds: i64) -> String {
        self.totp().generate(u64::try_from(unix_seconds).unwrap_or(0)).to_string()
    }

    /// The `otpauth://` address the QR code carries (Key Uri Format).
    pub fn otpauth_uri(&self, account: &str) -> String {
        let enc = |s: &str| -> String {
            s.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect()
        };
        format!(
            "otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period={STEP_SECONDS}",
            issuer = enc(ISSUER),
            account = enc(account),
            secret = self.to_base32(),
        )
    }

    /// Checks a typed code at `unix_seconds`: the step it matched, if it matched one within a
    /// step of now that is later than `last_step` (the last accepted), else `None`.
    pub fn check(&self, typed: &str, unix_seconds: i64, last_step: i64) -> Option<i64> {
        let code: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let now = unix_seconds.div_euclid(STEP_SECONDS);
        (now - 1..=now + 1)
            .filter(|step| *step > last_step)
            .find(|step| super::same_secret(&self.code_at(step * STEP_SECONDS), &code))
    }
}

/// A fresh set of recovery codes, each `xxxx-xxxx` from an alphabet without look-alikes
/// (about 41 bits each). Shown once; stored only as [`recovery_code_hash`].
pub fn generate_recovery_codes() -> Vec<String> {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    (0..RECOVERY_CODES)
        .map(|_| {
            let mut bytes = [0u8; 8];
            OsRng.fill_bytes(&mut bytes);
            let c: String = bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect();
            format!("{}-{}", &c[..4], &c[4..])
        })
        .collect()
}

/// Whether what was typed looks like a recovery code rather than a six-digit code.
pub fn looks_like_recovery_code(typed: &str) -> bool {
    normalise_recovery_code(typed).len() == 8 && !typed.trim().bytes().all(|b| b.is_ascii_digit() || b == b' ')
}

fn normalise_recovery_code(typed: &str) -> String {
    typed.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase()
}

/// A recovery code as stored: the SHA-256 of its letters, whatever the case or dashes typed.
pub fn recovery_code_hash(typed: &str) -> String {
    super::token_hash(&normalise_recovery_code(typed))
}

/// Which roles must use two factors: a district setting, by default 区级管理员 and 审计
/// (the privileged roles level 3 names); others may choose to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoFactorRoles(Vec<Role>);

impl Default for TwoFactorRoles {
    fn default() -> Self {
        TwoFactorRoles(Role::ALL.iter().copied().filter(|r| r.is_privileged()).collect())
    }
}

impl TwoFactorRoles {
    /// The key it is stored under in the settings table.
    pub const SETTING: &'static str = "two_factor_roles";

    /// The given roles and the privileged ones, each once, in the order of [`Role::ALL`].
    pub fn new(roles: impl IntoIterator<Item = Role>) -> TwoFactorRoles {
        let chosen: Vec<Role> = roles.into_iter().collect();
        TwoFactorRoles(Role::ALL.iter().copied().filter(|r| r.is_privileged() || chosen.contains(r)).collect())
    }

    /// Reads the stored setting (role codes separated by commas); `None` (never set) is the
    /// default. The privileged roles are always in: the setting can add roles, never drop them.
    pub fn from_setting(value: Option<&str>) -> TwoFactorRoles {
        let Some(v) = value else { return TwoFactorRoles::default() };
        TwoFactorRoles::new(v.split(',').filter_map(Role::parse))
    }

    pub fn to_setting(&self) -> String {
        self.0.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
    }

    pub fn requires(&self, role: Role) -> bool {
        role.is_privileged() || self.0.contains(&role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B, SHA-1, with its 20-byte secret "12345678901234567890" (the last six
    /// digits of the eight the RFC prints).
    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        let s = TotpSecret(b"12345678901234567890".to_vec());
        for (t, code) in [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")] {
            assert_eq!(s.code_at(t), code, "at {t}");
        }
    }

    #[test]
    fn a_code_is_accepted_within_one_step_either_way_and_only_once() {
        let s = TotpSecret::generate();
        let now = 1_800_000_015;
        let step = now / STEP_SECONDS;
        let code = s.code_at(now);
        assert_eq!(s.check(&code, now, 0), Some(step));
        assert_eq!(s.check(&format!("{} {}", &code[..3], &code[3..]), now, 0), Some(step), "spaces are ignored");
        // The same code again (its step already accepted) is refused: no replay.
        assert_eq!(s.check(&code, now, step), None);
        // The phone's clock a step behind or ahead is fine; two steps is not.
        assert_eq!(s.check(&s.code_at(now - 30), now, 0), Some(step - 1));
        assert_eq!(s.check(&s.code_at(now + 30), now, 0), Some(step + 1));
        assert_eq!(s.check(&s.code_at(now - 60), now, 0), None);
        assert_eq!(s.check("12345", now, 0), None);
        assert_eq!(s.check("abcdef", now, 0), None);
    }

    #[test]
    fn a_secret_round_trips_through_base32_and_its_uri_names_the_account() {
        let s = TotpSecret::generate();
        let b = s.to_base32();
        assert_eq!(b.len(), 32);
        assert_eq!(TotpSecret::from_base32(&b), Some(s.clone()));
        assert_eq!(TotpSecret::from_base32(&s.grouped().to_lowercase()), Some(s.clone()));
        assert_eq!(TotpSecret::from_base32("AAAA"), None, "too short to be a secret");
        let uri = s.otpauth_uri("gly-4x7k2m");
        assert!(uri.starts_with("otpauth://totp/bangfu:gly-4x7k2m?secret="), "{uri}");
        assert!(uri.contains("&period=30"));
        assert_eq!(format!("{s:?}"), "TotpSecret(…)", "never in a log");
    }

    #[test]
    fn recovery_codes_are_distinct_readable_and_hashed_whatever_the_case() {
        let codes = generate_recovery_codes();
        assert_eq!(codes.len(), 10);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10);
        for c in &codes {
            assert_eq!(c.len(), 9);
            assert!(!c.contains(['0', 'o', '1', 'l', 'i']), "no look-alikes: {c}");
            assert!(looks_like_recovery_code(c));
            assert_eq!(recovery_code_hash(c), recovery_code_hash(&c.to_uppercase().replace('-', " ")));
            assert_ne!(recovery_code_hash(c), *c);
        }
        assert!(!looks_like_recovery_code("123456"));
        assert!(!looks_like_recovery_code("1234 5678"));
    }

    #[test]
    fn district_admins_and_auditors_always_need_two_factors_and_others_when_the_district_says() {
        let d = TwoFactorRoles::default();
        assert!(d.requires(Role::DistrictAdmin) && d.requires(Role::Auditor));
        assert!(!d.requires(Role::TownshipStaff) && !d.requires(Role::VillageWorker));
        let with_townships = TwoFactorRoles::from_setting(Some("township_staff"));
        assert!(with_townships.requires(Role::TownshipStaff) && with_townships.requires(Role::DistrictAdmin));
        assert_eq!(
            with_townships.to_setting(),
            "district_admin,township_staff,auditor,system_admin,security_admin,audit_admin"
        );
        for r in [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin] {
            assert!(d.requires(r), "三员 always: {}", r.label_zh());
        }
        // Clearing the setting cannot drop the privileged roles.
        assert!(TwoFactorRoles::from_setting(Some("")).requires(Role::Auditor));
        assert_eq!(TwoFactorRoles::from_setting(None), d);
    }
}
