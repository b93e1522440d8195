//! The store's error: the cases callers react to, and an opaque one for operators.

use sea_orm::{DbErr, SqlErr};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflicts with an existing row")]
    Conflict,
    /// A rule that the store enforces atomically was broken (for example: the last owner).
    #[error("precondition failed: {0}")]
    Precondition(&'static str),
    #[error("configuration: {0}")]
    Config(String),
    #[error("database error")]
    Unexpected(#[source] DbErr),
}

impl StoreError {
    pub(crate) fn unexpected(err: DbErr) -> StoreError {
        StoreError::Unexpected(err)
    }
}

impl From<DbErr> for StoreError {
    fn from(err: DbErr) -> StoreError {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => StoreError::Conflict,
            _ => match err {
                DbErr::RecordNotFound(_) => StoreError::NotFound,
                other => StoreError::Unexpected(other),
            },
        }
    }
}

/// Conversions that cannot fail, at the storage edge.
impl From<std::convert::Infallible> for StoreError {
    fn from(never: std::convert::Infallible) -> StoreError {
        match never {}
    }
}
