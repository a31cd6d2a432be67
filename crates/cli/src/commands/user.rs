//! `bangfu user add`: create an account; `bangfu user unlock`: unlock a locked one;
//! `bangfu user reset-two-factor`: a lost phone. The password is read from standard input when it
//! is not a terminal (for scripts), otherwise asked for twice without echo.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use bangfu_core::area::AreaCode;
use bangfu_core::auth::{NewUser, Role, check_username, hash_password};
use bangfu_core::store::AreaStore;
use bangfu_db::Create;

#[derive(clap::Subcommand)]
pub enum Command {
    /// 新建账号
    Add {
        #[arg(long, env = "BANGFU_DATABASE")]
        database: String,
        /// 用户名（登录用）
        #[arg(long)]
        username: String,
        /// 姓名
        #[arg(long)]
        name: String,
        /// 角色：district_admin（区级管理员）、township_staff（乡镇/街道）、village_worker（驻村工作队员/帮扶责任人）、auditor（审计）
        #[arg(long)]
        role: String,
        /// 所属区划代码（12位），决定能看到的数据范围
        #[arg(long)]
        area: String,
        #[arg(long)]
        phone: Option<String>,
        /// 首次登录须修改密码
        #[arg(long)]
        must_change_password: bool,
    },
    /// 解锁因连续输错密码而被锁定的账号（记入审计日志）
    Unlock {
        #[arg(long, env = "BANGFU_DATABASE")]
        database: String,
        /// 用户名
        #[arg(long)]
        username: String,
    },
    /// 重置两步验证（手机丢失且恢复码已用完时；原手机和恢复码作废，该账号下次登录须重新绑定手机；记入审计日志）
    ResetTwoFactor {
        #[arg(long, env = "BANGFU_DATABASE")]
        database: String,
        /// 用户名
        #[arg(long)]
        username: String,
    },
}

pub async fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    let (database, username, name, role, area, phone, must_change_password) = match cmd {
        Command::Add { database, username, name, role, area, phone, must_change_password } => {
            (database, username, name, role, area, phone, must_change_password)
        }
        Command::Unlock { database, username } => return unlock(&database, &username).await,
        Command::ResetTwoFactor { database, username } => return reset_two_factor(&database, &username).await,
    };
    let username = check_username(&username).map_err(|e| anyhow::anyhow!(e.message))?;
    let role = Role::parse(&role).ok_or_else(|| {
        anyhow::anyhow!("未知角色“{role}”：可选 district_admin、township_staff、village_worker、auditor、system_admin、security_admin、audit_admin")
    })?;
    let area_code = AreaCode::parse(&area).map_err(|e| anyhow::anyhow!(e))?;
    let password = read_password()?;
    let db = super::open(&database, Create::IfMissing).await?;
    // The district's password policy (the level-3 profile unless the security administrator
    // made it stricter).
    db.password_policy().await?.check(&password).map_err(|e| anyhow::anyhow!(e.message))?;
    if db.area(&area_code).await?.is_none() {
        anyhow::bail!("区划代码 {area_code} 不存在，请先导入区划");
    }
    let password_hash = hash_password(&password).map_err(|e| anyhow::anyhow!(e))?;
    let user = NewUser { username, display_name: name, phone, role, area_code, password_hash, must_change_password };
    let id = db.create_user(&user, &bangfu_core::audit::Actor::command_line()).await?;
    println!("已新建账号 {}（{}，编号 {id}）", user.username, role.label_zh());
    Ok(ExitCode::SUCCESS)
}

/// Ends an account's second factor from the command line: the way back in for the only
/// district admin whose phone is lost.
async fn reset_two_factor(database: &str, username: &str) -> anyhow::Result<ExitCode> {
    let db = super::open(database, Create::Never).await?;
    let Some((user, _)) = db.user_by_name(username.trim()).await? else {
        anyhow::bail!("账号“{}”不存在或已停用", username.trim());
    };
    let actor = bangfu_core::audit::Actor::command_line();
    if db.end_two_factor(&user, "命令行重置了两步验证（原手机和恢复码作废）", &actor).await? {
        println!("已重置账号 {} 的两步验证：下次登录时须重新绑定手机", user.username);
    } else {
        println!("账号 {} 没有绑定两步验证，无需重置", user.username);
    }
    Ok(ExitCode::SUCCESS)
}

/// Unlocks an account from the command line, as the operator (audited like the page's unlock).
async fn unlock(database: &str, username: &str) -> anyhow::Result<ExitCode> {
    use bangfu_core::store::UserStore;
    let db = super::open(database, Create::Never).await?;
    let Some((user, _)) = db.user_by_name(username.trim()).await? else {
        anyhow::bail!("账号“{}”不存在或已停用", username.trim());
    };
    let actor = bangfu_core::audit::Actor::command_line();
    db.unlock_account(&bangfu_core::area::Scope::everything(), user.id, &actor).await?;
    println!("已解锁账号 {}，可以重新登录", user.username);
    Ok(ExitCode::SUCCESS)
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("密码: ")?;
        let second = rpassword::prompt_password("再输入一次: ")?;
        if first != second {
            anyhow::bail!("两次输入的密码不一致");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}
