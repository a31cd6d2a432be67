//! Unique constraints mapped by name to the field a person fixes and the message they read.
//! PostgreSQL names the constraint; SQLite names the `table.column` it covers.

use bangfu_core::DomainError;

/// (PostgreSQL constraint, SQLite columns, field, message).
const UNIQUE: &[(&str, &str, &str, &str)] = &[
    ("units_name_key", "units.name", "name", "已有同名的帮扶单位，请换一个名称，或修改原有的单位"),
    ("users_username_key", "users.username", "username", "该用户名已被使用，请换一个"),
];

/// The conflict a unique violation stands for, when the constraint is one of ours.
pub(crate) fn unique_conflict(e: &dyn sqlx::error::DatabaseError) -> Option<DomainError> {
    let sqlite_columns = e.message().split_once("constraint failed: ").map(|(_, cols)| cols.trim());
    UNIQUE
        .iter()
        .find(|(pg, sqlite, ..)| e.constraint() == Some(*pg) || sqlite_columns == Some(*sqlite))
        .map(|(_, _, field, message)| DomainError::conflict(*field, *message))
}
