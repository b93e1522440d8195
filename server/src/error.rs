//! The one mapping of the core's errors to gRPC statuses. `Internal` says only "internal
//! error"; its cause is logged once, here, at the edge.

use multitok_core::CoreError;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// The status a caller sees for a failed use case.
pub fn status(err: CoreError) -> Status {
    match err {
        CoreError::Invalid(violations) => {
            let violations = violations.reported();
            let fields = violations
                .0
                .iter()
                .map(|v| tonic_types::FieldViolation::new(v.field.clone(), v.description.clone()))
                .collect::<Vec<_>>();
            Status::with_error_details(
                Code::InvalidArgument,
                violations.to_string(),
                ErrorDetails::with_bad_request(fields),
            )
        }
        CoreError::Unauthenticated | CoreError::BadCredentials => {
            Status::unauthenticated(err.to_string())
        }
        CoreError::PermissionDenied(_) => Status::permission_denied(err.to_string()),
        CoreError::NotFound(_) => Status::not_found(err.to_string()),
        CoreError::AlreadyExists(_) => Status::already_exists(err.to_string()),
        CoreError::FailedPrecondition(_) | CoreError::OutOfStep(_) => {
            Status::failed_precondition(err.to_string())
        }
        CoreError::Unavailable(_) => Status::unavailable(err.to_string()),
        CoreError::OverQuota(message) => Status::with_error_details(
            Code::FailedPrecondition,
            brief(message),
            ErrorDetails::with_precondition_failure(vec![tonic_types::PreconditionViolation::new(
                "QUOTA",
                "posting quota",
                "set accept_quota_warning to schedule anyway",
            )]),
        ),
        CoreError::QuotaExceeded(setting, message) => Status::with_error_details(
            Code::ResourceExhausted,
            message.clone(),
            ErrorDetails::with_quota_failure(vec![tonic_types::QuotaViolation::new(
                setting, message,
            )]),
        ),
        CoreError::Throttled(delay) => Status::with_error_details(
            Code::ResourceExhausted,
            err.to_string(),
            ErrorDetails::with_retry_info(Some(delay)),
        ),
        CoreError::Internal(cause) => {
            tracing::error!(error = format!("{cause:#}"), "internal error");
            Status::internal("internal error")
        }
    }
}

/// A message cut to what fits in a response's trailers (a large import can list hundreds of
/// problems; the first ones tell the caller what to fix).
fn brief(message: String) -> String {
    multitok_shared::validate::shorten(message, 2000)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use multitok_shared::Violations;

    use super::*;

    /// Every variant, the code it maps to and the message the caller reads.
    fn table() -> Vec<(CoreError, Code, &'static str)> {
        vec![
            (
                CoreError::Invalid(Violations::one("email", "is required")),
                Code::InvalidArgument,
                "invalid input: email: is required",
            ),
            (
                CoreError::Unauthenticated,
                Code::Unauthenticated,
                "authentication required",
            ),
            (
                CoreError::BadCredentials,
                Code::Unauthenticated,
                "wrong email or password",
            ),
            (
                CoreError::PermissionDenied("owners only"),
                Code::PermissionDenied,
                "owners only",
            ),
            (
                CoreError::NotFound("workspace"),
                Code::NotFound,
                "workspace not found",
            ),
            (
                CoreError::AlreadyExists("email taken"),
                Code::AlreadyExists,
                "email taken",
            ),
            (
                CoreError::FailedPrecondition("nothing waiting"),
                Code::FailedPrecondition,
                "nothing waiting",
            ),
            (
                CoreError::OverQuota("@ana: 16 posts on 2026-03-29".into()),
                Code::FailedPrecondition,
                "@ana: 16 posts on 2026-03-29",
            ),
            (
                CoreError::OutOfStep(4096),
                Code::FailedPrecondition,
                "the upload continues at byte 4096",
            ),
            (
                CoreError::Unavailable("TikTok is not answering"),
                Code::Unavailable,
                "TikTok is not answering",
            ),
            (
                CoreError::Throttled(Duration::from_secs(12)),
                Code::ResourceExhausted,
                "too many attempts; retry in 12 s",
            ),
            (
                CoreError::internal(anyhow::anyhow!("relation \"users\" does not exist")),
                Code::Internal,
                "internal error",
            ),
        ]
    }

    #[test]
    fn every_variant_maps_to_its_code_and_message() {
        let rows = table();
        assert_eq!(rows.len(), 12, "one row per CoreError variant");
        for (err, code, message) in rows {
            let what = format!("{err:?}");
            let status = status(err);
            assert_eq!(status.code(), code, "{what}");
            assert_eq!(status.message(), message, "{what}");
        }
    }

    #[test]
    fn invalid_carries_field_violations() {
        let status = status(CoreError::Invalid(Violations::one("email", "is required")));
        let details = status.get_error_details();
        let bad = details.bad_request().expect("bad request details");
        assert_eq!(bad.field_violations[0].field, "email");
    }

    #[test]
    fn over_quota_carries_a_quota_precondition() {
        let status = status(CoreError::OverQuota("@ana is full".into()));
        let details = status.get_error_details();
        let failure = details
            .precondition_failure()
            .expect("precondition details");
        assert_eq!(failure.violations[0].r#type, "QUOTA");
    }

    #[test]
    fn internal_hides_its_cause() {
        let status = status(CoreError::internal(anyhow::anyhow!(
            "relation \"users\" does not exist"
        )));
        assert_eq!(status.message(), "internal error");
    }

    #[test]
    fn throttled_carries_retry_delay() {
        let status = status(CoreError::Throttled(Duration::from_secs(12)));
        assert_eq!(
            status
                .get_error_details()
                .retry_info()
                .and_then(|r| r.retry_delay),
            Some(Duration::from_secs(12))
        );
    }
}
