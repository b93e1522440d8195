//! The use cases' error: what a caller should see, free of any transport. The server maps it to
//! gRPC statuses in one place; the worker turns it into failure reasons.

use std::time::Duration;

use multitok_shared::Violations;
use multitok_store::StoreError;

/// Every way a use case can fail, as the caller should see it.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Invalid(#[from] Violations),
    #[error("authentication required")]
    Unauthenticated,
    /// Login failed; the same answer whether the email exists or not.
    #[error("wrong email or password")]
    BadCredentials,
    #[error("{0}")]
    PermissionDenied(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    AlreadyExists(&'static str),
    #[error("{0}")]
    FailedPrecondition(&'static str),
    /// A posting quota would be exceeded; names the account and the day.
    #[error("{0}")]
    OverQuota(String),
    /// A quota is spent: the setting that sets it, and what is used of how much.
    #[error("{1}")]
    QuotaExceeded(&'static str, String),
    /// A chunk that does not continue an upload; carries the bytes received so far.
    #[error("the upload continues at byte {0}")]
    OutOfStep(u64),
    /// A dependency (TikTok) is not answering; worth retrying later.
    #[error("{0}")]
    Unavailable(&'static str),
    #[error("too many attempts; retry in {} s", .0.as_secs().max(1))]
    Throttled(Duration),
    /// Anything else; the cause is logged once, at the edge, and never shown to the caller.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl CoreError {
    pub fn internal(err: impl Into<anyhow::Error>) -> CoreError {
        CoreError::Internal(err.into())
    }
}

impl From<StoreError> for CoreError {
    fn from(err: StoreError) -> CoreError {
        CoreError::Internal(err.into())
    }
}
