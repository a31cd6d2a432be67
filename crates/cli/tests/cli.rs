//! The `bangfu` binary as a user types it: generate, import, serve, user add, demo.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bangfu() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_bangfu"));
    c.env("BANGFU_LOG", "error").env_remove("BANGFU_DATABASE").env_remove("BANGFU_KEY_FILE");
    c
}

fn run(args: &[&str]) -> Output {
    bangfu().args(args).output().expect("run bangfu")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

struct Temp(PathBuf);
impl Temp {
    fn new(tag: &str) -> Temp {
        let p = std::env::temp_dir().join(format!("bangfu-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Temp(p)
    }
    fn join(&self, s: &str) -> String {
        self.0.join(s).display().to_string()
    }
}
impl Drop for Temp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn divisions() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/divisions-yicheng.csv").display().to_string()
}

#[test]
fn a_generated_register_imports_once_and_a_second_import_changes_nothing() {
    let t = Temp::new("import");
    let db = t.join("reg.db");
    let out = run(&["generate", "--households", "300", "--out", &t.join("reg"), "--seed", "7"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("已生成 300 户"));
    let out = run(&["areas", "import", &divisions(), "--database", &db]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("已新建 SQLite 数据库文件"), "creating the file is announced");
    let out = run(&["import", "--database", &db, &t.join("reg")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("已导入 300 户"), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("900 条收入记录"), "three years each (incomes.csv): {}", text(&out.stdout));
    let out = run(&["import", "--database", &db, &t.join("reg")]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("已于") && text(&out.stdout).contains("导入过"), "{}", text(&out.stdout));
    // The 待办 report: one line per township and a total that adds up.
    let out = run(&["worklist", "--database", &db, "--csv"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    let lines: Vec<Vec<&str>> = report.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(lines[0][..4], ["区划代码", "区划", "无帮扶责任人", "本年度无帮扶计划"]);
    assert_eq!(lines.len(), 1 + 21 + 1, "header, 21 townships of 驿城区, total");
    let total = lines.last().unwrap();
    assert_eq!(total[1], "驿城区（合计）");
    let sum: i64 = lines[1..lines.len() - 1].iter().map(|l| l[2].parse::<i64>().unwrap()).sum();
    assert_eq!(sum, total[2].parse::<i64>().unwrap());
    assert!(sum > 0, "a generated register has poor households and no helpers yet");
}

#[test]
fn an_import_with_bad_rows_exits_non_zero_lists_each_row_and_imports_nothing() {
    let t = Temp::new("bad");
    let db = t.join("reg.db");
    assert!(run(&["generate", "--households", "50", "--out", &t.join("reg")]).status.success());
    assert!(run(&["areas", "import", &divisions(), "--database", &db]).status.success());
    // Break two rows: an unknown cause in households.csv, a shortened ID in members.csv.
    let hpath = t.0.join("reg/households.csv");
    let households = std::fs::read_to_string(&hpath).unwrap();
    let mut lines: Vec<String> = households.lines().map(str::to_owned).collect();
    lines[3] = lines[3]
        .replacen(",因病,", ",因穷,", 1)
        .replacen(",因残,", ",因穷,", 1)
        .replacen(",缺技术,", ",因穷,", 1)
        .replacen(",缺劳力,", ",因穷,", 1)
        .replacen(",缺资金,", ",因穷,", 1)
        .replacen(",因学,", ",因穷,", 1);
    std::fs::write(&hpath, lines.join("\n") + "\n").unwrap();
    let mpath = t.0.join("reg/members.csv");
    let members = std::fs::read_to_string(&mpath).unwrap();
    let mut mlines: Vec<String> = members.lines().map(str::to_owned).collect();
    let id_column = mlines[0].split(',').position(|h| h == "证件号码").unwrap();
    let cols: Vec<&str> = mlines[5].split(',').collect();
    let id = cols[id_column].to_owned();
    mlines[5] = mlines[5].replacen(&id, &id[..17], 1);
    std::fs::write(&mpath, mlines.join("\n") + "\n").unwrap();

    let out = run(&["import", "--database", &db, &t.join("reg")]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("households.csv:4: 主要致贫原因: “因穷”不是有效的致贫原因"), "{err}");
    assert!(err.contains("members.csv:6: 证件号码: 证件号码应为18位，实际为17位"), "{err}");
    assert!(err.contains("未导入任何数据"), "{err}");
    assert!(!err.contains(&id), "an error never shows a full ID number");
    // Nothing was written: the fixed register imports whole.
    assert!(run(&["generate", "--households", "50", "--out", &t.join("reg")]).status.success());
    let out = run(&["import", "--database", &db, &t.join("reg")]);
    assert!(text(&out.stdout).contains("已导入 50 户"), "{}", text(&out.stdout));
}

#[test]
fn an_import_into_a_register_without_its_areas_says_so_once_not_once_per_row() {
    let t = Temp::new("noareas");
    let db = t.join("reg.db");
    assert!(run(&["generate", "--households", "40", "--out", &t.join("reg")]).status.success());
    // No `bangfu areas import` first: every household's village code is unknown.
    let out = run(&["import", "--database", &db, &t.join("reg")]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("村代码")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].starts_with("households.csv: 40 行: 村代码: "), "{err}");
    assert!(lines[0].contains("第2–41行"), "{err}");
    assert!(lines[0].contains("先运行 bangfu areas import"), "{err}");
}

#[test]
fn serve_refuses_a_database_file_that_does_not_exist() {
    let t = Temp::new("serve");
    let out = run(&["serve", "--database", &t.join("typo.db"), "--listen", "127.0.0.1:0"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("不存在"), "{}", text(&out.stderr));
    assert!(!t.0.join("typo.db").exists(), "no empty register is created");
}

#[test]
fn user_add_reads_the_password_from_standard_input_and_refuses_a_weak_one() {
    let t = Temp::new("user");
    let db = t.join("u.db");
    assert!(run(&["areas", "import", &divisions(), "--database", &db]).status.success());
    let add = |password: &str, username: &str| {
        let mut child = bangfu()
            .args([
                "user",
                "add",
                "--database",
                &db,
                "--username",
                username,
                "--name",
                "李干部",
                "--role",
                "township_staff",
                "--area",
                "411702101000",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = add("12345678", "lisi");
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("密码不能全是数字"));
    let out = add("shahe-2024", "lisi");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("已新建账号 lisi"));
    let out = add("shahe-2024", "lisi");
    assert!(text(&out.stderr).contains("用户名“lisi”已存在"), "{}", text(&out.stderr));
    // An API token for the account: printed once on stdout, 64 hex characters; revocable.
    let out = run(&["token", "create", "--database", &db, "--user", "lisi", "--label", "比对脚本"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let token = text(&out.stdout).trim().to_owned();
    assert_eq!(token.len(), 64);
    let out = run(&["token", "revoke", "--database", &db, "--user", "lisi"]);
    assert!(text(&out.stdout).contains("已作废 lisi 的 1 个令牌"), "{}", text(&out.stdout));
    // A locked account is unlocked from the command line too (audited).
    let out = run(&["user", "unlock", "--database", &db, "--username", "lisi"]);
    assert!(out.status.success() && text(&out.stdout).contains("已解锁账号 lisi"), "{}", text(&out.stderr));
    let out = run(&["user", "unlock", "--database", &db, "--username", "nobody"]);
    assert!(!out.status.success() && text(&out.stderr).contains("不存在或已停用"), "{}", text(&out.stderr));
    // Each administrative act left its audit row, with the command line as the actor.
    let rows = audit_of(&db);
    for wanted in [
        "create user account → lisi（乡镇（街道）工作人员，411702101000）",
        "create user api_token → 新建令牌“比对脚本”",
        "update user api_token → 作废全部令牌（1 个）",
    ] {
        assert!(rows.iter().any(|r| r.ends_with(wanted)), "{wanted} in {rows:#?}");
    }
    assert!(rows.iter().all(|r| r.starts_with("命令行（")), "{rows:#?}");
}

/// The audit log of a SQLite register as "actor action object field → after" lines.
fn audit_of(db: &str) -> Vec<String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let url = db.parse().unwrap();
        let db = bangfu_db::Db::open(&url, bangfu_db::Create::Never).await.unwrap().db;
        let (entries, _) = db.audit_entries(&Default::default(), 100, 0).await.unwrap();
        entries
            .iter()
            .map(|e| {
                format!(
                    "{} {} {} {} → {}",
                    e.username.as_deref().unwrap_or(""),
                    e.action.code(),
                    e.object_type.as_deref().unwrap_or(""),
                    e.field.as_deref().unwrap_or(""),
                    e.after_value.as_deref().unwrap_or("")
                )
            })
            .collect()
    })
}

#[test]
fn the_demo_starts_prints_where_to_go_and_how_to_sign_in_and_serves_the_sign_in_page() {
    let t = Temp::new("demo");
    let mut child = bangfu()
        .current_dir(&t.0)
        .args(["demo", "--households", "200", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    let mut address = None;
    for _ in 0..40 {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        printed.push_str(&line);
        if let Some(rest) = line.split("http://").nth(1) {
            address = Some(rest.trim().trim_end_matches('/').to_owned());
        }
        if line.contains("Ctrl+C") {
            break;
        }
    }
    let address = address.unwrap_or_else(|| panic!("no address printed:\n{printed}"));
    assert!(printed.contains("admin") && printed.contains("yicheng-admin"), "{printed}");
    assert!(t.0.join("bangfu-demo.db").exists());
    let home = http_get(&address, "/");
    let login = http_get(&address, "/login");
    let health = http_get(&address, "/healthz");
    let _ = child.kill();
    let _ = child.wait();
    assert!(home.starts_with("HTTP/1.1 303") && home.contains("location: /login"), "{home}");
    assert!(login.starts_with("HTTP/1.1 200") && login.contains("登录"), "{login}");
    assert!(health.contains(r#"{"backend":"sqlite","status":"ok"}"#), "{health}");
}

fn http_get(address: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(address).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn the_import_guide_documents_every_column() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/import.md")).unwrap();
    use bangfu_core::household::columns::{HOUSEHOLD_COLUMNS, MEMBER_COLUMNS};
    for c in HOUSEHOLD_COLUMNS.iter().chain(MEMBER_COLUMNS) {
        assert!(doc.contains(&format!("| {} | `{}` |", c.zh, c.field)), "docs/import.md lacks {}", c.zh);
    }
}

#[test]
fn the_first_serve_of_a_register_without_accounts_makes_the_district_admin_and_the_three_administrators() {
    let t = Temp::new("firstrun");
    let db = t.join("r.db");
    assert!(run(&["areas", "import", &divisions(), "--database", &db]).status.success());
    let mut child =
        bangfu().args(["serve", "--database", &db, "--listen", "127.0.0.1:0"]).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut printed = String::new();
    for _ in 0..10 {
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        printed.push_str(&line);
        if line.contains("http://") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    // 三员分立: four accounts, one per person, none called admin, each with its own password.
    let mut passwords = Vec::new();
    for (role, prefix) in
        [("区级管理员", "gly-"), ("系统管理员", "xtgly-"), ("安全管理员", "aqgly-"), ("审计管理员", "sjgly-")]
    {
        let line = printed
            .lines()
            .find(|l| l.contains(&format!("已新建{role}账号 ")))
            .unwrap_or_else(|| panic!("{role}: {printed}"));
        let name = line.split("账号 ").nth(1).unwrap().split('（').next().unwrap();
        assert!(name.starts_with(prefix) && name != "admin", "{printed}");
        assert!(line.contains(&format!("{name}（驿城区）")), "{printed}");
        let password = line.split("初始密码 ").nth(1).unwrap().split_whitespace().next().unwrap();
        assert_eq!(password.len(), 16);
        passwords.push(password.to_owned());
    }
    passwords.dedup();
    assert_eq!(passwords.len(), 4, "{printed}");
    // The second start does not make another.
    let mut child =
        bangfu().args(["serve", "--database", &db, "--listen", "127.0.0.1:0"]).stdout(Stdio::piped()).spawn().unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.contains("bangfu 已启动"), "{first}");
}

/// Every table's digest of a register, by opening it the way the binary does.
fn digest_of(url: &str) -> Vec<bangfu_db::backup::TableDigest> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let db = bangfu_db::Db::open(&url.parse().unwrap(), bangfu_db::Create::Never).await.unwrap().db;
        let d = db.content_digest().await.unwrap();
        db.close().await;
        d
    })
}

/// Restored = backed up, table by table; the restore adds one audit row (the restore itself).
fn assert_restored(source: &[bangfu_db::backup::TableDigest], restored: &[bangfu_db::backup::TableDigest]) {
    assert_eq!(source.len(), restored.len(), "the same tables");
    for (a, b) in source.iter().zip(restored) {
        assert_eq!(a.table, b.table);
        if a.table == "audit_log" {
            assert_eq!(b.rows, a.rows + 1, "the restore's own audit row");
        } else {
            assert_eq!(a, b, "table {} differs after the restore", a.table);
        }
    }
    let households = source.iter().find(|t| t.table == "households").unwrap();
    assert_eq!(households.rows, 40, "a populated register");
}

/// A register with 40 generated households, an account and an API token at `url`.
/// A PostgreSQL register names its data key file (a SQLite one keeps it beside the file).
fn populated(url: &str, t: &Temp) {
    let key = if url.starts_with("postgres") { t.join("register.key") } else { String::new() };
    let run = |args: &[&str]| bangfu().args(args).env("BANGFU_KEY_FILE", &key).output().expect("run bangfu");
    let reg = t.join("reg");
    assert!(run(&["generate", "--households", "40", "--out", &reg, "--seed", "5"]).status.success());
    let out = run(&["areas", "import", &divisions(), "--database", url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(&["import", "--database", url, &reg]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let mut child = bangfu()
        .env("BANGFU_KEY_FILE", &key)
        .args(["user", "add", "--database", url, "--username", "lisi", "--name", "李干部", "--role", "township_staff"])
        .args(["--area", "411702101000"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"shahe-2024\n").unwrap();
    assert!(child.wait().unwrap().success());
    assert!(run(&["token", "create", "--database", url, "--user", "lisi"]).status.success());
    // PostgreSQL without a key file: refused, saying how to name one.
    if url.starts_with("postgres") {
        let out = bangfu().args(["worklist", "--database", url]).output().unwrap();
        assert!(!out.status.success());
        assert!(text(&out.stderr).contains("须用环境变量 BANGFU_KEY_FILE 指定数据密钥文件"), "{}", text(&out.stderr));
    }
}

#[test]
fn a_sqlite_register_backed_up_restores_into_a_new_file_with_every_table_the_same() {
    let t = Temp::new("backup-sqlite");
    let db = t.join("register.db");
    populated(&db, &t);
    let file = t.join("register.backup");
    let out = run(&["backup", "--database", &db, "--out", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("已备份"), "{}", text(&out.stdout));
    let source = digest_of(&db);
    // Never over an existing file, on either side.
    let again = run(&["backup", "--database", &db, "--out", &file]);
    assert!(!again.status.success() && text(&again.stderr).contains("已存在"), "{}", text(&again.stderr));
    let refused = run(&["restore", "--from", &file, "--database", &db]);
    assert!(!refused.status.success() && text(&refused.stderr).contains("不会覆盖"), "{}", text(&refused.stderr));
    let restored = t.join("restored.db");
    let out = run(&["restore", "--from", &file, "--database", &restored]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_restored(&source, &digest_of(&restored));
}

#[test]
fn a_postgresql_register_restores_from_pg_dump_into_an_empty_database_with_every_table_the_same() {
    let Ok(base) = std::env::var("BANGFU_TEST_POSTGRES_URL") else {
        assert!(std::env::var("CI").map_or(true, |v| v != "true"), "in CI the PostgreSQL run must not be skipped");
        return;
    };
    let (src, dst) =
        (format!("bangfu_cli_bk_src_{}", std::process::id()), format!("bangfu_cli_bk_dst_{}", std::process::id()));
    let admin = |sql: String| {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&base).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut c).await.unwrap();
        });
    };
    for name in [&src, &dst] {
        admin(format!("drop database if exists {name} with (force)"));
        admin(format!("create database {name}"));
    }
    let root = base.rsplit_once('/').unwrap().0.to_owned();
    let (src_url, dst_url) = (format!("{root}/{src}"), format!("{root}/{dst}"));
    let t = Temp::new("backup-pg");
    populated(&src_url, &t);
    let file = t.join("register.dump");
    let out = run(&["backup", "--database", &src_url, "--out", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let source = digest_of(&src_url);
    // Not into a register that holds anything.
    let refused = run(&["restore", "--from", &file, "--database", &src_url]);
    assert!(!refused.status.success() && text(&refused.stderr).contains("不是空的"), "{}", text(&refused.stderr));
    let out = run(&["restore", "--from", &file, "--database", &dst_url]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_restored(&source, &digest_of(&dst_url));
    for name in [&src, &dst] {
        admin(format!("drop database if exists {name} with (force)"));
    }
}

#[test]
fn audit_verify_reports_a_row_changed_directly_in_the_database() {
    let t = Temp::new("audit-verify");
    let db = t.join("register.db");
    populated(&db, &t);
    let out = run(&["audit", "verify", "--database", &db]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("审计日志完整"), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("最后一条的哈希："), "{}", text(&out.stdout));
    // The token's audit row says something else now.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{db}")).await.unwrap();
        sqlx::query("update audit_log set after_value = '新建令牌“无”' where field = 'api_token'")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let out = run(&["audit", "verify", "--database", &db]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("审计日志被改动：第"), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("的内容或哈希被改动"), "{}", text(&out.stderr));
}

#[test]
fn the_audit_log_exports_whole_to_a_csv_for_the_assessor_with_formulas_neutralised() {
    let t = Temp::new("audit-export");
    let db = t.join("register.db");
    populated(&db, &t);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let before: i64 = rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{db}")).await.unwrap();
        sqlx::query("insert into audit_log (at, username, action, field, after_value) values ('2026-12-02 08:00:00+00:00', '张三', 'update', 'note', '=HYPERLINK(\"http://x\")')")
            .execute(&pool)
            .await
            .unwrap();
        let n = sqlx::query_scalar("select count(*) from audit_log").fetch_one(&pool).await.unwrap();
        pool.close().await;
        n
    });
    let file = t.join("audit.csv");
    let out = run(&["audit", "export", "--database", &db, "--out", &file]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("已导出 {} 条审计记录", before + 1)), "{}", text(&out.stdout));
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.starts_with("\u{feff}编号,时间,用户编号,用户名"), "{}", &csv[..80]);
    assert_eq!(csv.lines().count() as i64, before + 2, "a header and every row, the export's own included");
    assert!(csv.contains("'=HYPERLINK"), "a formula is neutralised");
    assert!(!csv.contains(",=HYPERLINK") && !csv.contains("\"=HYPERLINK"));
    // Every row is sealed in the chain: the last column is a hash.
    assert!(csv.lines().skip(1).all(|l| l.rsplit(',').next().is_some_and(|h| h.len() == 64)), "{csv}");
    assert!(!run(&["audit", "export", "--database", &db, "--out", &file]).status.success(), "never over a file");
}

/// The raw members.id_number of a SQLite register, as the file holds them.
fn stored_ids(db: &str) -> Vec<String> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let db = bangfu_db::Db::open(&db.parse().unwrap(), bangfu_db::Create::Never).await.unwrap().db;
        let bangfu_db::Pool::Sqlite(pool) = db.pool() else { unreachable!() };
        let ids: Vec<String> = sqlx::query_scalar("select id_number from members").fetch_all(pool).await.unwrap();
        db.close().await;
        ids
    })
}

#[test]
fn a_register_is_sealed_with_a_key_file_kept_beside_it_rotated_on_demand_and_refused_with_another() {
    let t = Temp::new("keys");
    let db = t.join("r.db");
    assert!(run(&["generate", "--households", "20", "--out", &t.join("reg"), "--seed", "3"]).status.success());
    assert!(run(&["areas", "import", &divisions(), "--database", &db]).status.success());
    // The first command makes the key file, says so once, and only its owner may read it.
    let key_file = format!("{db}.key");
    let made = std::fs::read_to_string(&key_file).expect("a key file beside the database");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let out = run(&["import", "--database", &db, &t.join("reg")]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("已新建数据密钥文件"), "made once: {}", text(&out.stderr));
    // No ID number of the files is anywhere in the database file, in the clear.
    let members = std::fs::read_to_string(t.join("reg/members.csv")).unwrap();
    let some_id = members.lines().nth(1).unwrap().split(',').find(|f| f.len() == 18).unwrap().to_owned();
    let mut raw = std::fs::read(&db).unwrap();
    raw.extend(std::fs::read(format!("{db}-wal")).unwrap_or_default());
    assert!(!raw.windows(18).any(|w| w == some_id.as_bytes()), "{some_id} is in the file in the clear");
    let old_id = made.lines().find_map(|l| l.strip_prefix("key ")).unwrap().split(' ').next().unwrap().to_owned();
    assert!(stored_ids(&db).iter().all(|v| v.starts_with(&format!("s1:{old_id}:"))));

    // A rotation: a second key line, every value sealed again with it, audited.
    let out = run(&["keys", "rotate", "--database", &db]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rotated = std::fs::read_to_string(&key_file).unwrap();
    let ids: Vec<&str> =
        rotated.lines().filter_map(|l| l.strip_prefix("key ")).map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(ids.len(), 2, "the old key stays for older backups");
    assert_eq!(ids[0], old_id);
    assert!(text(&out.stdout).contains(&format!("{old_id} → {}", ids[1])), "{}", text(&out.stdout));
    assert!(stored_ids(&db).iter().all(|v| v.starts_with(&format!("s1:{}:", ids[1]))));
    assert!(audit_of(&db).iter().any(|r| r.contains("data_key")), "{:?}", audit_of(&db));
    // The same files imported again are recognised (the numbers are read back with the new key).
    let out = run(&["import", "--database", &db, &t.join("reg")]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Without its key file, or with another register's, it does not start.
    std::fs::rename(&key_file, t.join("kept.key")).unwrap();
    let out = run(&["worklist", "--database", &db]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("找不到数据密钥文件"), "{}", text(&out.stderr));
    assert!(!std::path::Path::new(&key_file).exists(), "no new key made over a sealed register");
    let other = t.join("other.db");
    assert!(run(&["migrate", "--database", &other]).status.success());
    let out =
        bangfu().args(["worklist", "--database", &db]).env("BANGFU_KEY_FILE", format!("{other}.key")).output().unwrap();
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("密钥文件与这本台账不符"), "{}", text(&out.stderr));
    let out =
        bangfu().args(["worklist", "--database", &db]).env("BANGFU_KEY_FILE", t.join("kept.key")).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn monitor_run_prints_each_lead_sorted_the_same_twice_and_stores_new_ones_once() {
    let t = Temp::new("monitor");
    let db = t.join("reg.db");
    assert!(run(&["generate", "--households", "300", "--out", &t.join("reg"), "--seed", "7"]).status.success());
    assert!(run(&["areas", "import", &divisions(), "--database", &db]).status.success());
    assert!(run(&["import", "--database", &db, &t.join("reg")]).status.success());
    let first = run(&["monitor", "run", "--database", &db, "--csv"]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let csv = text(&first.stdout);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["户编号", "规则", "版本", "依据"]);
    let rows: Vec<Vec<String>> = reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    assert!(rows.iter().all(|r| r.len() == 4 && !r[3].is_empty()), "{csv}");
    let mut sorted = rows.clone();
    sorted.sort();
    assert_eq!(rows, sorted, "sorted by household number, then rule");
    let stored = text(&first.stderr);
    assert!(stored.contains(&format!("发现线索 {} 条", rows.len())), "{stored}");
    // Again on the same data: the same lines, and nothing new stored.
    let again = run(&["monitor", "run", "--database", &db, "--csv"]);
    assert_eq!(text(&again.stdout), csv);
    assert!(text(&again.stderr).contains("其中新线索 0 条"), "{}", text(&again.stderr));
    // Without --csv: one tab-separated line a lead, no header.
    let plain = run(&["monitor", "run", "--database", &db]);
    assert_eq!(text(&plain.stdout).lines().count(), rows.len());
    let bad = run(&["monitor", "run", "--database", &db, "--as-of", "2026-13-01"]);
    assert!(!bad.status.success() && text(&bad.stderr).contains("不是有效的日期"));
}
