//! Server-rendered pages, one module per resource.

pub mod auth;
pub mod households;
pub mod overview;
