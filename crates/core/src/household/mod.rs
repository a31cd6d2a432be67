//! 建档立卡: the household register — households, members, yearly income, status history.

pub mod certificate;
pub mod codes;
pub mod columns;
pub mod id_number;
pub mod income;
pub mod model;
pub mod search;

pub use codes::*;
pub use id_number::IdNumber;
pub use income::Income;
pub use model::*;
