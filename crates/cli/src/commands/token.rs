//! `bangfu token create|revoke`: API tokens for scripts and other systems.

use std::process::ExitCode;

use bangfu_core::auth::{random_token, token_hash};
use bangfu_db::Create;

#[derive(clap::Subcommand)]
pub enum Command {
    /// 为用户新建一个 API 令牌（只显示这一次）
    Create {
        #[arg(long, env = "BANGFU_DATABASE")]
        database: String,
        /// 用户名：令牌拥有该用户的角色和管辖范围
        #[arg(long)]
        user: String,
        /// 备注，如“民政局比对脚本”
        #[arg(long, default_value = "API")]
        label: String,
    },
    /// 作废该用户的全部 API 令牌
    Revoke {
        #[arg(long, env = "BANGFU_DATABASE")]
        database: String,
        #[arg(long)]
        user: String,
    },
}

pub async fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Create { database, user, label } => {
            let db = super::open(&database, Create::Never).await?;
            let (u, _) = db.user_by_name(&user).await?.ok_or_else(|| anyhow::anyhow!("用户“{user}”不存在"))?;
            let token = random_token();
            db.create_token(&token_hash(&token), &u, &label, &bangfu_core::audit::Actor::command_line()).await?;
            eprintln!("已为 {user}（{}）新建令牌“{label}”。请妥善保存，它不会再次显示：", u.role.label_zh());
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Revoke { database, user } => {
            let db = super::open(&database, Create::Never).await?;
            let (u, _) = db.user_by_name(&user).await?.ok_or_else(|| anyhow::anyhow!("用户“{user}”不存在"))?;
            let n = db.revoke_tokens(&u, &bangfu_core::audit::Actor::command_line()).await?;
            println!("已作废 {user} 的 {n} 个令牌");
            Ok(ExitCode::SUCCESS)
        }
    }
}
