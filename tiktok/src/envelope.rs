//! TikTok's response shapes: `{data, error:{code,message,log_id}}` for the API (errors can come
//! with HTTP 200), and `{error, error_description, log_id}` for OAuth (status undocumented).

use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{ErrorClass, TikTokError};

#[derive(Deserialize)]
struct ApiError {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    log_id: Option<String>,
}

#[derive(Deserialize)]
struct Api<T> {
    data: Option<T>,
    error: Option<ApiError>,
}

#[derive(Deserialize)]
struct OAuthError {
    error: String,
    #[serde(default)]
    error_description: String,
    #[serde(default)]
    log_id: Option<String>,
}

pub fn malformed(status: u16) -> TikTokError {
    let mut e = TikTokError::local(
        if status >= 500 {
            ErrorClass::Transient {
                retry_after: Duration::from_secs(5),
            }
        } else {
            ErrorClass::Permanent
        },
        "malformed_response",
        format!("TikTok answered HTTP {status} with a body this client does not understand"),
    );
    e.http_status = Some(status);
    e
}

/// Parses an API answer: `data` when `error.code` is `ok`, else the classified error.
pub fn api<T: DeserializeOwned + Default>(
    status: u16,
    body: &[u8],
    retry_after: Option<Duration>,
) -> Result<T, TikTokError> {
    let Ok(parsed) = serde_json::from_slice::<Api<serde_json::Value>>(body) else {
        return Err(status_only(status, retry_after));
    };
    match parsed.error {
        Some(e) if e.code != "ok" && !e.code.is_empty() => Err(TikTokError::from_code(
            &e.code,
            &e.message,
            e.log_id,
            Some(status),
            retry_after,
        )),
        _ if !(200..300).contains(&status) => Err(status_only(status, retry_after)),
        _ => match parsed.data {
            None | Some(serde_json::Value::Null) => Ok(T::default()),
            Some(data) => serde_json::from_value(data).map_err(|_| malformed(status)),
        },
    }
}

/// Parses an OAuth answer, which is flat JSON on success and `{error, …}` on failure, whatever
/// the status.
pub fn oauth<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, TikTokError> {
    if let Ok(e) = serde_json::from_slice::<OAuthError>(body) {
        return Err(TikTokError::from_code(
            &e.error,
            &e.error_description,
            e.log_id,
            Some(status),
            None,
        ));
    }
    if !(200..300).contains(&status) {
        return Err(status_only(status, None));
    }
    serde_json::from_slice(body).map_err(|_| malformed(status))
}

fn status_only(status: u16, retry_after: Option<Duration>) -> TikTokError {
    match status {
        429 => TikTokError::from_code("rate_limit_exceeded", "", None, Some(429), retry_after),
        401 => TikTokError::from_code("access_token_invalid", "", None, Some(401), None),
        s if s >= 500 => TikTokError::from_code("internal_error", "", None, Some(s), retry_after),
        s => malformed(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    struct Data {
        x: u32,
    }

    #[test]
    fn error_inside_http_200_is_an_error() {
        let body = br#"{"data":{},"error":{"code":"spam_risk_too_many_posts","message":"","log_id":"L1"}}"#;
        let e = api::<Data>(200, body, None).unwrap_err();
        assert_eq!(e.code, "spam_risk_too_many_posts");
        assert_eq!(e.log_id.as_deref(), Some("L1"));
    }

    #[test]
    fn ok_envelope_yields_data() {
        let body = br#"{"data":{"x":7},"error":{"code":"ok","message":"","log_id":"L"}}"#;
        assert_eq!(api::<Data>(200, body, None).unwrap(), Data { x: 7 });
    }

    #[test]
    fn oauth_error_with_2xx_status_is_an_error() {
        let body = br#"{"error":"invalid_grant","error_description":"expired","log_id":"x"}"#;
        let e = oauth::<serde_json::Value>(200, body).unwrap_err();
        assert!(e.is_reauthorize());
    }

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        assert_eq!(
            api::<Data>(200, b"<html>", None).unwrap_err().code,
            "malformed_response"
        );
        assert_eq!(
            api::<Data>(502, b"<html>", None).unwrap_err().code,
            "internal_error"
        );
    }
}
