//! Server-rendered pages, one module per resource.

pub mod audit;
pub mod auth;
pub mod changes;
pub mod household_form;
pub mod households;
pub mod members;
pub mod overview;
