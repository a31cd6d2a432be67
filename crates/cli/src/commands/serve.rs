//! `bangfu serve --database URL --listen ADDR`.

use std::process::ExitCode;

use bangfu_db::{Create, Db};
use bangfu_web::AppState;

#[derive(clap::Args)]
pub struct Args {
    /// 数据库（SQLite 文件须已存在：serve 不会新建空库）
    #[arg(long, env = "BANGFU_DATABASE")]
    database: String,
    /// 监听地址
    #[arg(long, env = "BANGFU_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    #[command(flatten)]
    pub session: SessionArgs,
}

/// Session settings shared by `serve` and `demo`.
#[derive(clap::Args, Clone)]
pub struct SessionArgs {
    /// 无操作多少分钟后需重新登录
    #[arg(long, env = "BANGFU_IDLE_TIMEOUT_MINUTES", default_value_t = 30)]
    pub idle_timeout_minutes: i64,
    /// 区级管理员和审计账号无操作多少分钟后需重新登录（等保三级对特权账号的要求）
    #[arg(long, env = "BANGFU_PRIVILEGED_IDLE_TIMEOUT_MINUTES", default_value_t = 10)]
    pub privileged_idle_timeout_minutes: i64,
    /// 登录后最长多少小时需重新登录
    #[arg(long, env = "BANGFU_ABSOLUTE_TIMEOUT_HOURS", default_value_t = 12)]
    pub absolute_timeout_hours: i64,
    /// Cookie 只经 HTTPS 发送（部署在 HTTPS 之后时打开）
    #[arg(long, env = "BANGFU_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// 反向代理的地址（可多个，逗号分隔）：只相信这些地址发来的 X-Forwarded-For
    #[arg(long = "trusted-proxy", env = "BANGFU_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl SessionArgs {
    pub fn state(&self, db: Db) -> AppState {
        let mut state = AppState::new(db);
        state.policy.idle = chrono::Duration::minutes(self.idle_timeout_minutes.max(1));
        state.policy.privileged_idle = chrono::Duration::minutes(self.privileged_idle_timeout_minutes.max(1));
        state.policy.absolute = chrono::Duration::hours(self.absolute_timeout_hours.max(1));
        state.secure_cookies = self.secure_cookies;
        state.trusted_proxies = std::sync::Arc::new(self.trusted_proxies.clone());
        state
    }
}

pub async fn run(args: Args) -> anyhow::Result<ExitCode> {
    let db = super::open(&args.database, Create::Never).await?;
    first_run_admin(&db).await?;
    serve(args.session.state(db), &args.listen, |addr| println!("bangfu 已启动：http://{addr}/  （按 Ctrl+C 停止）"))
        .await
}

/// Binds, reports the address, and serves until Ctrl+C.
pub async fn serve(
    state: AppState,
    listen: &str,
    announce: impl FnOnce(std::net::SocketAddr),
) -> anyhow::Result<ExitCode> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("无法监听 {listen}: {e}（端口被占用？可用 --listen 127.0.0.1:8081 换一个）"))?;
    announce(listener.local_addr()?);
    // The audit log is sealed into its hash chain every minute (rows at least 10 s old: their
    // transactions have committed or never will).
    let db = state.db.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            if let Err(e) = db.seal_audit(db.clock().now() - chrono::Duration::seconds(10)).await {
                tracing::warn!(error = %e, "sealing the audit log");
            }
        }
    });
    tokio::spawn(daily_rules(state.db.clone()));
    bangfu_web::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}

/// 监测预警规则, once a day over the whole register: at start if today's run has not happened
/// (the day is kept in a settings row, so a restart does not run it again), then checked every
/// hour, so it runs soon after midnight by the register's clock.
async fn daily_rules(db: Db) {
    let actor =
        bangfu_core::audit::Actor { user_id: None, username: "每日监测预警".into(), role: None, ip: None };
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        match db.run_rules_if_due(&actor).await {
            Ok(Some(s)) => {
                tracing::info!(as_of = %s.as_of, households = s.households, added = s.added, "daily rules run")
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "the daily rules run"),
        }
    }
}

/// On a register without any account, makes a 区级管理员 of the deployment's area with a
/// generated name (`gly-` and six random letters and digits: never a guessable `admin`) and a
/// random password, both printed once; the password must be changed at the first sign-in.
pub async fn first_run_admin(db: &Db) -> anyhow::Result<()> {
    use bangfu_core::store::AreaStore;
    if db.count_users().await? > 0 {
        return Ok(());
    }
    let mut chain = db.children_of_root().await?;
    let Some(mut area) = (chain.len() == 1).then(|| chain.remove(0)) else {
        eprintln!("注意：还没有任何账号，也没有唯一的顶级区划。请先导入区划，再用 bangfu user add 新建管理员。");
        return Ok(());
    };
    loop {
        let mut children = db.children(&area.code).await?;
        if children.len() == 1 {
            area = children.remove(0);
        } else {
            break;
        }
    }
    // 三员分立: the district office's business account and the three administrators, each its
    // own person; the operator at the console is the one who may make them without a grant.
    use bangfu_core::auth::Role;
    let actor = bangfu_core::audit::Actor { user_id: None, username: "首次运行".into(), role: None, ip: None };
    for (role, prefix) in [
        (Role::DistrictAdmin, "gly"),
        (Role::SystemAdmin, "xtgly"),
        (Role::SecurityAdmin, "aqgly"),
        (Role::AuditAdmin, "sjgly"),
    ] {
        let password = bangfu_core::auth::random_token()[..16].to_owned();
        let username = first_admin_name(prefix, &bangfu_core::auth::random_token());
        let user = bangfu_core::auth::NewUser {
            username: username.clone(),
            display_name: format!("{}{}", area.name, role.label_zh()),
            phone: None,
            role,
            area_code: area.code.clone(),
            password_hash: bangfu_core::auth::hash_password(&password).map_err(anyhow::Error::msg)?,
            must_change_password: true,
        };
        db.create_user(&user, &actor).await?;
        println!("首次运行：已新建{}账号 {username}（{}），初始密码 {password}", role.label_zh(), area.name);
    }
    println!("请把每个账号交给各自的负责人（一人一个，三员分立），立即登录并修改密码；初始密码不会再次显示。");
    Ok(())
}

/// `gly-` (管理员; `xtgly-` 系统, `aqgly-` 安全, `sjgly-` 审计管理员) and six characters drawn
/// from random hex: letters and digits only, with 0/o and 1/l left out so that the name can be
/// read off a screen and typed on a phone.
fn first_admin_name(prefix: &str, random_hex: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
    let tail: String = (0..6)
        .filter_map(|i| random_hex.get(i * 2..i * 2 + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .map(|b| ALPHABET[usize::from(b) % ALPHABET.len()] as char)
        .collect();
    format!("{prefix}-{tail}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_first_admin_is_never_called_admin_and_its_name_is_easy_to_type() {
        let a = super::first_admin_name("gly", &bangfu_core::auth::random_token());
        let b = super::first_admin_name("gly", &bangfu_core::auth::random_token());
        assert!(a.starts_with("gly-") && a.len() == 10, "{a}");
        assert_ne!(a, b);
        assert!(a[4..].chars().all(|c| c.is_ascii_alphanumeric() && !"01lo".contains(c)), "{a}");
    }
}
