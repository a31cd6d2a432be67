//! `bangfu`: the register of a district poverty-alleviation office, in one binary.

mod commands;
mod generate;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "bangfu", version, about = "bangfu 帮扶：区农业农村局的防返贫监测和帮扶信息系统")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 演示：建立（或沿用）bangfu-demo.db，含驿城区区划、模拟农户和演示账号，并启动服务
    Demo(commands::demo::Args),
    /// 启动服务（数据库须已存在）
    Serve(commands::serve::Args),
    /// 建立或升级数据库结构
    Migrate(commands::migrate::Args),
    /// 导入 households.csv 和 members.csv（全部成功或全部不导入）
    Import(commands::import::Args),
    /// 生成模拟的建档立卡数据（CSV）
    Generate(commands::generate::Args),
    /// 行政区划
    Areas {
        #[command(subcommand)]
        command: commands::areas::Command,
    },
    /// 待办统计：各乡镇（村）无帮扶责任人、无计划、措施逾期、超期未走访等的户数
    Worklist(commands::worklist::Args),
    /// 衔接资金表：当年各乡镇的项目数、资金规模、已安排、已拨付、拨付进度和产业发展占比
    Funds(commands::funds::Args),
    /// 防返贫监测
    Monitor {
        #[command(subcommand)]
        command: commands::monitor::Command,
    },
    /// API 令牌
    Token {
        #[command(subcommand)]
        command: commands::token::Command,
    },
    /// 账号
    User {
        #[command(subcommand)]
        command: commands::user::Command,
    },
    /// 审计日志
    Audit {
        #[command(subcommand)]
        command: commands::audit::Command,
    },
    /// 数据密钥（证件号码、电话的加密）
    Keys {
        #[command(subcommand)]
        command: commands::keys::Command,
    },
    /// 备份：SQLite 在线一致性复制；PostgreSQL 用 pg_dump（自定义格式）
    Backup(commands::backup::BackupArgs),
    /// 从备份恢复到新的数据库（SQLite 新文件；PostgreSQL 已建好的空库）
    Restore(commands::backup::RestoreArgs),
    /// 写入基准（benches/write.sh 调用）：多人同时更正农户和成员
    #[command(hide = true)]
    BenchWrites(commands::bench_writes::Args),
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BANGFU_LOG")
                .unwrap_or_else(|_| "warn,sqlx=error,bangfu=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("错误: 无法启动运行时: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Demo(a) => commands::demo::run(a).await,
            Command::Serve(a) => commands::serve::run(a).await,
            Command::Migrate(a) => commands::migrate::run(a).await,
            Command::Import(a) => commands::import::run(a).await,
            Command::Generate(a) => commands::generate::run(a),
            Command::Areas { command } => commands::areas::run(command).await,
            Command::User { command } => commands::user::run(command).await,
            Command::Token { command } => commands::token::run(command).await,
            Command::Worklist(a) => commands::worklist::run(a).await,
            Command::Monitor { command } => commands::monitor::run(command).await,
            Command::Funds(a) => commands::funds::run(a).await,
            Command::Audit { command } => commands::audit::run(command).await,
            Command::Keys { command } => commands::keys::run(command).await,
            Command::Backup(a) => commands::backup::backup(a).await,
            Command::Restore(a) => commands::backup::restore(a).await,
            Command::BenchWrites(a) => commands::bench_writes::run(a).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
