//! 个人信息加密存储: ID numbers, phone numbers and TOTP secrets are kept in the database only
//! sealed — AES-256-GCM under a data key kept outside the database, in a key file — and the
//! register still finds a person by the full ID number through a keyed hash (HMAC-SHA256
//! under a second key, the "index key"), never through the number itself.
//!
//! A sealed value is `s1:<key id>:<base64 of nonce ‖ ciphertext ‖ tag>`; the key id names the
//! data key of the ring that sealed it, so after a rotation old values still open until they
//! are sealed again. One ring per process: installed once at start ([`install`]) by whoever
//! opens the register (the command line), and by the test harnesses.
//!
//! The cipher is behind [`Cipher`], so SM4-GCM (GB/T 32907) can take AES's place without
//! touching the callers.

use std::sync::OnceLock;

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The prefix of a sealed value (format version 1).
pub const PREFIX: &str = "s1:";

/// A data-sealing algorithm: authenticated encryption with a 32-byte key.
pub trait Cipher: Send + Sync {
    fn seal(&self, plain: &[u8]) -> Vec<u8>;
    fn open(&self, sealed: &[u8]) -> Option<Vec<u8>>;
}

/// AES-256-GCM with a random 96-bit nonce per value, stored before the ciphertext.
struct AesGcm(Aes256Gcm);

impl Cipher for AesGcm {
    fn seal(&self, plain: &[u8]) -> Vec<u8> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let mut out = nonce.to_vec();
        // Encryption fails only for inputs beyond GCM's 64 GiB limit.
        out.extend(self.0.encrypt(&nonce, plain).unwrap_or_default());
        out
    }

    fn open(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < 12 + 16 {
            return None;
        }
        let (nonce, ct) = sealed.split_at(12);
        self.0.decrypt(Nonce::from_slice(nonce), ct).ok()
    }
}

/// The keys: one index key, and data keys by id (the last is the one that seals).
pub struct KeyRing {
    index: [u8; 32],
    keys: Vec<(String, Box<dyn Cipher>)>,
    text: String,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| id.as_str()).collect();
        f.debug_struct("KeyRing").field("keys", &ids).finish_non_exhaustive()
    }
}

fn random_32() -> [u8; 32] {
    let key = Aes256Gcm::generate_key(&mut OsRng);
    let mut out = [0u8; 32];
    out.copy_from_slice(&key);
    out
}

fn key_id(key: &[u8; 32]) -> String {
    use sha2::Digest;
    hex::encode(&Sha256::digest(key)[..4])
}

const HEADER: &str = "# bangfu 数据密钥：证件号码、电话和两步验证密钥用它加密。与数据库分开保管、分开备份；\n\
# 丢失后这些信息无法恢复，泄露后请立即轮换（bangfu keys rotate）。\n";

impl KeyRing {
    /// A new ring: a fresh index key and one data key.
    pub fn generate() -> KeyRing {
        let (index, data) = (random_32(), random_32());
        let text = format!("{HEADER}index = {}\nkey {} = {}\n", hex::encode(index), key_id(&data), hex::encode(data));
        KeyRing::parse(&text).unwrap_or_else(|e| unreachable!("a generated ring parses: {e}"))
    }

    /// Reads a key file: `index = <hex>` and one or more `key <id> = <hex>` lines (the last
    /// seals). A wrong line is named in Chinese.
    pub fn parse(text: &str) -> Result<KeyRing, String> {
        let mut index = None;
        let mut keys: Vec<(String, Box<dyn Cipher>)> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let bad = || format!("密钥文件第{}行格式不对", n + 1);
            let (name, value) = line.split_once('=').ok_or_else(bad)?;
            let bytes: [u8; 32] = hex::decode(value.trim()).ok().and_then(|b| b.try_into().ok()).ok_or_else(bad)?;
            let name = name.trim();
            if name == "index" {
                index = Some(bytes);
            } else if let Some(id) = name.strip_prefix("key ") {
                if id.trim() != key_id(&bytes) {
                    return Err(format!("密钥文件第{}行的密钥编号与密钥不符", n + 1));
                }
                let cipher = AesGcm(Aes256Gcm::new_from_slice(&bytes).map_err(|_| bad())?);
                keys.push((id.trim().to_owned(), Box::new(cipher)));
            } else {
                return Err(bad());
            }
        }
        let index = index.ok_or("密钥文件缺少 index 一行")?;
        if keys.is_empty() {
            return Err("密钥文件缺少 key 一行".into());
        }
        Ok(KeyRing { index, keys, text: text.to_owned() })
    }

    /// The key file's text (what [`KeyRing::parse`] reads back).
    pub fn to_text(&self) -> &str {
        &self.text
    }

    /// The same ring with a new data key that seals from now on (the old ones still open).
    pub fn rotated(&self) -> KeyRing {
        let data = random_32();
        let text = format!(
            "{}key {} = {}\n",
            self.text.trim_end_matches('\n').to_owned() + "\n",
            key_id(&data),
            hex::encode(data)
        );
        KeyRing::parse(&text).unwrap_or_else(|e| unreachable!("a rotated ring parses: {e}"))
    }

    /// The id of the data key that seals.
    pub fn current_id(&self) -> &str {
        &self.keys[self.keys.len() - 1].0
    }

    pub fn seal(&self, plain: &str) -> String {
        let (id, cipher) = &self.keys[self.keys.len() - 1];
        let b64 = base64::engine::general_purpose::STANDARD_NO_PAD.encode(cipher.seal(plain.as_bytes()));
        format!("{PREFIX}{id}:{b64}")
    }

    /// Opens a sealed value; `None` if it is not one, or no key of the ring opens it.
    pub fn open(&self, sealed: &str) -> Option<String> {
        let rest = sealed.strip_prefix(PREFIX)?;
        let (id, b64) = rest.split_once(':')?;
        let (_, cipher) = self.keys.iter().find(|(k, _)| k == id)?;
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD.decode(b64).ok()?;
        String::from_utf8(cipher.open(&bytes)?).ok()
    }

    /// The keyed hash an ID number is found by: 128 bits of HMAC-SHA256, hex.
    pub fn index_of(&self, kind: &str, plain: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.index).unwrap_or_else(|_| unreachable!());
        mac.update(kind.as_bytes());
        mac.update(b":");
        mac.update(plain.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// What the database keeps to know its ring: a keyed hash of a fixed text, so that a
    /// wrong key file is refused before anything is sealed with it.
    pub fn check_value(&self) -> String {
        self.index_of("check", "bangfu")
    }
}

static RING: OnceLock<KeyRing> = OnceLock::new();

/// Installs the process's ring. A second install of the same ring is fine; of another, an error.
pub fn install(ring: KeyRing) -> Result<(), String> {
    let check = ring.check_value();
    let installed = RING.get_or_init(|| ring);
    if installed.check_value() == check { Ok(()) } else { Err("本进程已加载另一把数据密钥".into()) }
}

/// A fixed ring for the test harnesses (never for a register: its keys are in the source).
pub fn install_test_keys() {
    const TEST: &str = "index = 0101010101010101010101010101010101010101010101010101010101010101\n\
        key 75877bb4 = 0202020202020202020202020202020202020202020202020202020202020202\n";
    let ring = KeyRing::parse(TEST).unwrap_or_else(|e| panic!("test ring: {e}"));
    install(ring).unwrap_or_else(|e| panic!("{e}"));
}

pub fn ring() -> &'static KeyRing {
    RING.get().unwrap_or_else(|| panic!("数据密钥未加载（bangfu_db::sealed::install）"))
}

/// Seals a value with the process's ring.
pub fn seal(plain: &str) -> String {
    ring().seal(plain)
}

pub fn seal_opt(plain: Option<&str>) -> Option<String> {
    plain.map(seal)
}

/// Opens a stored value: a sealed one with the ring; one stored before sealing began (not
/// yet sealed by the upgrade) as it is.
pub fn open_stored(stored: &str) -> Result<String, bangfu_core::DomainError> {
    if !stored.starts_with(PREFIX) {
        return Ok(stored.to_owned());
    }
    ring().open(stored).ok_or_else(|| bangfu_core::DomainError::Internal("无法解密：数据密钥与数据库不符".into()))
}

/// The keyed hash of an ID number.
pub fn id_index(id: &str) -> String {
    ring().index_of("id", id)
}

/// Each table's sealed columns: (table, key column, columns sealed, keyed-hash column of the
/// first sealed column if it is an ID number).
const SEALED: &[(&str, &str, &[&str], Option<&str>)] = &[
    ("members", "member_id", &["id_number", "phone"], Some("id_number_key")),
    ("households", "household_id", &["phone"], None),
    ("helpers", "helper_id", &["id_number", "phone"], None),
    ("team_members", "team_member_id", &["phone"], None),
    ("users", "user_id", &["phone"], None),
    ("user_totp", "totp_id", &["secret"], None),
    ("self_reports", "report_id", &["id_number", "phone"], Some("id_number_key")),
    ("procedure_events", "event_id", &["contact_phone"], None),
    ("project_objections", "objection_id", &["phone"], None),
];

/// The setting that records which ring the register was sealed with.
const CHECK_SETTING: &str = "data_key_check";

/// The setting that records the data key every value was last found sealed with: while it is
/// the ring's current key, opening the register scans nothing (a province's millions of rows
/// would otherwise be read at every start of every command).
const SEALED_WITH_SETTING: &str = "data_sealed_with";

/// Rows a pass seals in one transaction.
const BATCH: i64 = 1000;

impl crate::Db {
    /// Checks the process's ring against the one the register was sealed with (recording it
    /// on a register that has none yet). A wrong key file is refused before anything is
    /// written with it.
    pub async fn check_keys(&self) -> bangfu_core::DomainResult<()> {
        use crate::{dispatch, domain_err};
        let want = ring().check_value();
        let now = self.clock().now();
        let stored: Option<String> = dispatch!(self, pool => {
            sqlx::query_scalar("select value from settings where key = $1").bind(CHECK_SETTING)
                .fetch_optional(pool).await.map_err(domain_err)?
        });
        match stored {
            Some(v) if v == want => Ok(()),
            Some(_) => Err(bangfu_core::DomainError::Internal(
                "密钥文件与这本台账不符：请使用加密这本台账时的密钥文件（BANGFU_KEY_FILE）".into(),
            )),
            None => {
                dispatch!(self, pool => {
                    sqlx::query("insert into settings (key, value, updated_at) values ($1, $2, $3)")
                        .bind(CHECK_SETTING).bind(&want).bind(now).execute(pool).await.map_err(domain_err)?;
                });
                Ok(())
            }
        }
    }

    /// After values in the clear were sealed: SQLite rewrites the file so that no freed page
    /// keeps the old text (`vacuum`); PostgreSQL's old row versions go with `vacuum full`,
    /// which the operator runs (docs/operations.md).
    pub async fn compact_after_sealing(&self) -> bangfu_core::DomainResult<()> {
        if let crate::Pool::Sqlite(pool) = &self.pool {
            sqlx::query("vacuum").execute(pool).await.map_err(crate::domain_err)?;
        }
        Ok(())
    }

    /// Whether the register records a ring (its personal data may be sealed).
    pub async fn has_sealed_data(&self) -> bangfu_core::DomainResult<bool> {
        use crate::{dispatch, domain_err};
        let stored: Option<String> = dispatch!(self, pool => {
            sqlx::query_scalar("select value from settings where key = $1").bind(CHECK_SETTING)
                .fetch_optional(pool).await.map_err(domain_err)?
        });
        Ok(stored.is_some())
    }

    /// Seals every personal value not sealed with the ring's current key: values written
    /// before sealing began (an upgraded register) and, after a rotation, values of an older
    /// key. Returns how many rows it sealed again. Safe to stop and run again.
    pub async fn seal_stored_values(&self) -> bangfu_core::DomainResult<u64> {
        use crate::row::Get;
        use crate::{BeginWrite, dispatch, domain_err};
        let current_id = ring().current_id();
        let done: Option<String> = dispatch!(self, pool => {
            sqlx::query_scalar("select value from settings where key = $1").bind(SEALED_WITH_SETTING)
                .fetch_optional(pool).await.map_err(domain_err)?
        });
        if done.as_deref() == Some(current_id) {
            return Ok(0);
        }
        let current = format!("{PREFIX}{current_id}:%");
        let mut sealed = 0u64;
        for (table, id_col, cols, key_col) in SEALED {
            let stale = cols
                .iter()
                .map(|c| format!("({c} is not null and {c} <> '' and {c} not like $1)"))
                .collect::<Vec<_>>()
                .join(" or ");
            let select = format!(
                "select {id_col}, {} from {table} where {stale} order by {id_col} limit {BATCH}",
                cols.join(", ")
            );
            let mut sets: Vec<String> = cols.iter().enumerate().map(|(i, c)| format!("{c} = ${}", i + 1)).collect();
            if let Some(k) = key_col {
                sets.push(format!("{k} = ${}", cols.len() + 1));
            }
            let update = format!("update {table} set {} where {id_col} = ${}", sets.join(", "), sets.len() + 1);
            loop {
                let n = dispatch!(self, pool => {
                    let mut tx = pool.begin_write(self.gate()).await.map_err(domain_err)?;
                    let rows = sqlx::query(crate::sql(&select)).bind(&current).fetch_all(&mut *tx).await.map_err(domain_err)?;
                    for r in &rows {
                        let mut q = sqlx::query(crate::sql(&update));
                        let mut first_plain = None;
                        for c in *cols {
                            let v = r.opt_text(c)?;
                            let fresh = match v.as_deref() {
                                Some("") | None => v.clone(),
                                Some(s) => {
                                    let plain = open_stored(s)?;
                                    let out = seal(&plain);
                                    first_plain.get_or_insert(plain);
                                    Some(out)
                                }
                            };
                            q = q.bind(fresh);
                        }
                        if key_col.is_some() {
                            q = q.bind(first_plain.as_deref().map(id_index));
                        }
                        q.bind(r.int(id_col)?).execute(&mut *tx).await.map_err(domain_err)?;
                    }
                    tx.commit().await.map_err(domain_err)?;
                    rows.len()
                });
                sealed += n as u64;
                if (n as i64) < BATCH {
                    break;
                }
            }
        }
        // Every value is sealed with the current key now: the next opening need not look.
        let now = self.clock().now();
        dispatch!(self, pool => {
            sqlx::query("insert into settings (key, value, updated_at) values ($1, $2, $3) \
                on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at")
                .bind(SEALED_WITH_SETTING).bind(current_id).bind(now).execute(pool).await.map_err(domain_err)?;
        });
        Ok(sealed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_with_its_ring_only_and_never_shows_the_number() {
        let ring = KeyRing::generate();
        let id = "411702198001010013";
        let a = ring.seal(id);
        let b = ring.seal(id);
        assert!(a.starts_with(PREFIX) && !a.contains("4117021980"), "{a}");
        assert_ne!(a, b, "a fresh nonce each time: equal numbers do not look equal");
        assert_eq!(ring.open(&a).as_deref(), Some(id));
        assert_eq!(KeyRing::generate().open(&a), None, "another ring cannot open it");
        let mut tampered = a.clone();
        tampered.pop();
        tampered.push(if a.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(ring.open(&tampered), None, "a changed value is refused, not misread");
    }

    #[test]
    fn the_keyed_hash_finds_the_same_number_and_says_nothing_without_the_key() {
        let ring = KeyRing::generate();
        let h = ring.index_of("id", "411702198001010013");
        assert_eq!(h, ring.index_of("id", "411702198001010013"));
        assert_eq!(h.len(), 32);
        assert_ne!(h, ring.index_of("id", "411702198001010021"));
        assert_ne!(h, KeyRing::generate().index_of("id", "411702198001010013"));
    }

    #[test]
    fn a_key_file_reads_back_and_a_rotation_keeps_the_old_key_for_opening() {
        let ring = KeyRing::generate();
        let again = KeyRing::parse(ring.to_text()).unwrap();
        let old = ring.seal("13900000000");
        assert_eq!(again.open(&old).as_deref(), Some("13900000000"));
        let rotated = ring.rotated();
        assert_ne!(rotated.current_id(), ring.current_id());
        assert_eq!(rotated.open(&old).as_deref(), Some("13900000000"), "old values still open");
        assert!(rotated.seal("x").contains(rotated.current_id()));
        assert_eq!(rotated.check_value(), ring.check_value(), "the index key stays");
        assert_eq!(KeyRing::parse("index = 12\n").unwrap_err(), "密钥文件第1行格式不对");
        let wrong_id = ring.to_text().replace(ring.current_id(), "00000000");
        assert!(KeyRing::parse(&wrong_id).unwrap_err().contains("密钥编号与密钥不符"));
    }
}
