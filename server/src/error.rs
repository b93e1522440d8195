//! The service layer's error and its one mapping to gRPC status codes.

use std::time::Duration;

use multitok_shared::Violations;
use multitok_store::StoreError;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// Every way a use case can fail, as the caller should see it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
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
    /// A chunk that does not continue an upload; carries the bytes received so far.
    #[error("the upload continues at byte {0}")]
    OutOfStep(u64),
    /// A dependency (TikTok) is not answering; worth retrying later.
    #[error("{0}")]
    Unavailable(&'static str),
    #[error("too many attempts; retry in {} s", .0.as_secs().max(1))]
    Throttled(Duration),
    /// Anything else; the cause is logged once and never shown to the caller.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn internal(err: impl Into<anyhow::Error>) -> AppError {
        AppError::Internal(err.into())
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> AppError {
        AppError::Internal(err.into())
    }
}

impl From<AppError> for Status {
    fn from(err: AppError) -> Status {
        match err {
            AppError::Invalid(violations) => {
                let fields = violations
                    .0
                    .iter()
                    .map(|v| {
                        tonic_types::FieldViolation::new(v.field.clone(), v.description.clone())
                    })
                    .collect::<Vec<_>>();
                Status::with_error_details(
                    Code::InvalidArgument,
                    violations.to_string(),
                    ErrorDetails::with_bad_request(fields),
                )
            }
            AppError::Unauthenticated | AppError::BadCredentials => {
                Status::unauthenticated(err.to_string())
            }
            AppError::PermissionDenied(_) => Status::permission_denied(err.to_string()),
            AppError::NotFound(_) => Status::not_found(err.to_string()),
            AppError::AlreadyExists(_) => Status::already_exists(err.to_string()),
            AppError::FailedPrecondition(_) => Status::failed_precondition(err.to_string()),
            AppError::Unavailable(_) => Status::unavailable(err.to_string()),
            AppError::OverQuota(ref message) => Status::with_error_details(
                Code::FailedPrecondition,
                message.clone(),
                ErrorDetails::with_precondition_failure(vec![
                    tonic_types::PreconditionViolation::new(
                        "QUOTA",
                        "posting quota",
                        "set accept_quota_warning to schedule anyway",
                    ),
                ]),
            ),
            AppError::OutOfStep(_) => Status::failed_precondition(err.to_string()),
            AppError::Throttled(delay) => Status::with_error_details(
                Code::ResourceExhausted,
                err.to_string(),
                ErrorDetails::with_retry_info(Some(delay)),
            ),
            AppError::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "internal error");
                Status::internal("internal error")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_carries_field_violations() {
        let status = Status::from(AppError::Invalid(Violations::one("email", "is required")));
        assert_eq!(status.code(), Code::InvalidArgument);
        let details = status.get_error_details();
        let bad = details.bad_request().expect("bad request details");
        assert_eq!(bad.field_violations[0].field, "email");
    }

    #[test]
    fn internal_hides_its_cause() {
        let status = Status::from(AppError::internal(anyhow::anyhow!(
            "relation \"users\" does not exist"
        )));
        assert_eq!(status.code(), Code::Internal);
        assert_eq!(status.message(), "internal error");
    }

    #[test]
    fn throttled_carries_retry_delay() {
        let status = Status::from(AppError::Throttled(Duration::from_secs(12)));
        assert_eq!(status.code(), Code::ResourceExhausted);
        assert_eq!(
            status
                .get_error_details()
                .retry_info()
                .and_then(|r| r.retry_delay),
            Some(Duration::from_secs(12))
        );
    }

    #[test]
    fn simple_codes_map_one_to_one() {
        assert_eq!(
            Status::from(AppError::Unauthenticated).code(),
            Code::Unauthenticated
        );
        assert_eq!(
            Status::from(AppError::PermissionDenied("no")).code(),
            Code::PermissionDenied
        );
        assert_eq!(
            Status::from(AppError::NotFound("workspace")).code(),
            Code::NotFound
        );
        assert_eq!(
            Status::from(AppError::AlreadyExists("x")).code(),
            Code::AlreadyExists
        );
        assert_eq!(
            Status::from(AppError::FailedPrecondition("x")).code(),
            Code::FailedPrecondition
        );
    }
}
