//! One error type with a classification the caller can act on.

use std::fmt;
use std::time::Duration;

/// What the caller should do about a failed call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorClass {
    /// The token is invalid, expired, revoked or lacks a scope: refresh it, or ask the user to
    /// connect the account again.
    Reauthorize,
    /// Retrying will not help; `TikTokError::message` says why in a sentence.
    Permanent,
    /// Try again after the delay (server error, network, open circuit).
    Transient { retry_after: Duration },
    /// TikTok's rate limit answered 429.
    RateLimited { retry_after: Duration },
    /// The request may have been processed but its answer was lost (init calls): do not repeat
    /// it blindly; reconcile first.
    OutcomeUnknown,
}

/// A failed TikTok call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TikTokError {
    pub class: ErrorClass,
    /// TikTok's error code (`rate_limit_exceeded`, `invalid_grant`, …) or a local one
    /// (`network`, `circuit_open`, `malformed_response`).
    pub code: String,
    /// A sentence a person can act on.
    pub message: String,
    pub log_id: Option<String>,
    pub http_status: Option<u16>,
}

impl fmt::Display for TikTokError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TikTok {}: {}", self.code, self.message)?;
        if let Some(log_id) = &self.log_id {
            write!(f, " (log_id {log_id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for TikTokError {}

impl TikTokError {
    pub(crate) fn local(class: ErrorClass, code: &str, message: impl Into<String>) -> TikTokError {
        TikTokError {
            class,
            code: code.to_owned(),
            message: message.into(),
            log_id: None,
            http_status: None,
        }
    }

    /// Classifies TikTok's code (either spelling of the invalid-parameter code included) and
    /// HTTP status.
    pub fn from_code(
        code: &str,
        tiktok_message: &str,
        log_id: Option<String>,
        http_status: Option<u16>,
        retry_after: Option<Duration>,
    ) -> TikTokError {
        let class = classify(code, http_status, retry_after);
        let message = sentence(code).map_or_else(
            || {
                if tiktok_message.is_empty() {
                    format!("TikTok answered {code}")
                } else {
                    tiktok_message.to_owned()
                }
            },
            str::to_owned,
        );
        TikTokError {
            class,
            code: code.to_owned(),
            message,
            log_id,
            http_status,
        }
    }

    pub fn is_reauthorize(&self) -> bool {
        self.class == ErrorClass::Reauthorize
    }
}

fn classify(code: &str, status: Option<u16>, retry_after: Option<Duration>) -> ErrorClass {
    match code {
        "access_token_invalid"
        | "scope_not_authorized"
        | "scope_permission_missed"
        | "invalid_grant"
        | "auth_removed" => ErrorClass::Reauthorize,
        "rate_limit_exceeded" => ErrorClass::RateLimited {
            retry_after: retry_after.unwrap_or(Duration::from_secs(60)),
        },
        "internal_error" | "internal" | "server_error" | "temporarily_unavailable" => {
            ErrorClass::Transient {
                retry_after: retry_after.unwrap_or(Duration::from_secs(5)),
            }
        }
        _ => match status {
            Some(429) => ErrorClass::RateLimited {
                retry_after: retry_after.unwrap_or(Duration::from_secs(60)),
            },
            Some(401) => ErrorClass::Reauthorize,
            Some(s) if s >= 500 => ErrorClass::Transient {
                retry_after: retry_after.unwrap_or(Duration::from_secs(5)),
            },
            _ => ErrorClass::Permanent,
        },
    }
}

/// Human sentences for TikTok's codes.
fn sentence(code: &str) -> Option<&'static str> {
    Some(match code {
        "access_token_invalid" => {
            "The TikTok access token is invalid or expired; it must be refreshed."
        }
        "scope_not_authorized" | "scope_permission_missed" => {
            "The account did not grant a permission this needs; connect it again and allow every requested permission."
        }
        "invalid_grant" => {
            "TikTok no longer accepts this authorization; connect the account again."
        }
        "rate_limit_exceeded" => "TikTok's rate limit was reached; the call will be retried later.",
        "spam_risk_too_many_posts" => {
            "This account reached TikTok's daily posting limit; try again tomorrow."
        }
        "spam_risk_user_banned_from_posting" => "TikTok has banned this account from posting.",
        "spam_risk_too_many_pending_share" => {
            "This account has five drafts waiting in its TikTok inbox; post or delete some first."
        }
        "reached_active_user_cap" => "This app reached TikTok's limit of accounts posting per day.",
        "unaudited_client_can_only_post_to_private_accounts" => {
            "This TikTok app is not audited yet, so it can only post to private accounts."
        }
        "url_ownership_unverified" => {
            "The media URL is not on a domain verified for this TikTok app."
        }
        "privacy_level_option_mismatch" => {
            "The chosen privacy level is not one this account offers."
        }
        "invalid_param" | "invalid_params" => "TikTok rejected a parameter of the request.",
        "app_version_check_failed" => {
            "The creator's TikTok app is too old for drafts; it needs version 31.8 or later."
        }
        "invalid_publish_id" => "TikTok does not know this publish id.",
        "token_not_authorized_for_specified_publish_id" => {
            "This publish id belongs to another account."
        }
        "publish_not_cancellable" => "This post can no longer be cancelled.",
        "access_denied" => "The user refused the authorization.",
        "invalid_client" => "TikTok rejected the app's client key or secret.",
        "invalid_request" => {
            "TikTok rejected the OAuth request (for example a redirect URI mismatch)."
        }
        "invalid_scope" => "TikTok rejected a requested scope.",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings_of_invalid_parameter_are_permanent() {
        for code in ["invalid_param", "invalid_params"] {
            let e = TikTokError::from_code(code, "", None, Some(400), None);
            assert_eq!(e.class, ErrorClass::Permanent);
            assert!(e.message.contains("parameter"));
        }
    }

    #[test]
    fn classes_follow_codes_then_status() {
        let class = |code, status| TikTokError::from_code(code, "", None, status, None).class;
        assert_eq!(
            class("access_token_invalid", Some(401)),
            ErrorClass::Reauthorize
        );
        assert_eq!(
            class("spam_risk_too_many_posts", Some(200)),
            ErrorClass::Permanent
        );
        assert!(matches!(
            class("rate_limit_exceeded", Some(429)),
            ErrorClass::RateLimited { .. }
        ));
        assert!(matches!(
            class("something_new", Some(503)),
            ErrorClass::Transient { .. }
        ));
        assert_eq!(class("something_new", Some(400)), ErrorClass::Permanent);
    }
}
