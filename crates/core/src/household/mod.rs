//! 建档立卡: the household register — households, members, income per period, status history.

pub mod certificate;
pub mod codes;
pub mod columns;
pub mod commands;
pub mod events;
pub mod id_number;
pub mod income;
pub mod model;
pub mod search;

pub use codes::*;
pub use commands::{CorrectHousehold, CorrectMember, MemberJoins, MemberLeaves, RecordIncome, RegisterHousehold};
pub use id_number::IdNumber;
pub use income::{
    Income, IncomeComponent, IncomeItem, IncomeItemKind, IncomePeriod, parse_income_fields, parse_income_form,
};
pub use model::*;
