//! bangfu-core: the domain of a district poverty-alleviation office.
//! Types here validate themselves; nothing here knows HTTP or SQL.

pub mod area;
pub mod assistance;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod clock;
pub mod error;
pub mod household;
pub mod ids;
pub mod line;
pub mod money;
pub mod monitoring;
pub mod procedure;
pub mod project;
pub mod store;
pub mod text;
pub mod training;

pub use clock::Clock;
pub use error::{ChangedField, DomainError, DomainResult, FieldError, StaleChange};
