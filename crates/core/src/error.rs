//! One domain error for every layer: pages, the API and the importer render it.

use std::fmt;

/// A problem with one field of a form, an API body or an import row.
/// `field` is the code name (`id_number`); `message` is the Chinese text users read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// Missing, or outside the caller's area: the two are indistinguishable on purpose.
    #[error("记录不存在")]
    NotFound,
    /// A uniqueness rule was broken (the same person in two households, a duplicate number).
    #[error("{field}: {message}")]
    Conflict { field: String, message: String },
    #[error("输入有误: {}", join(.0))]
    Invalid(Vec<FieldError>),
    #[error("无权限")]
    Forbidden,
    #[error("内部错误: {0}")]
    Internal(String),
}

fn join(errors: &[FieldError]) -> String {
    errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("；")
}

impl DomainError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError::Invalid(vec![FieldError::new(field, message)])
    }
    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError::Conflict { field: field.into(), message: message.into() }
    }
}

pub type DomainResult<T> = Result<T, DomainError>;
