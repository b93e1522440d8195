//! Webhooks: verify `TikTok-Signature` (`t=<unix>,s=<hex HMAC-SHA256 of "{t}.{raw body}">` keyed
//! with the client secret, constant-time, bounded age) and parse the envelope and its
//! string-encoded `content` into typed events.

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Why a delivery is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    #[error("missing or malformed TikTok-Signature header")]
    MalformedSignature,
    #[error("signature does not match the body")]
    BadSignature,
    #[error("timestamp is too old or in the future")]
    Stale,
    #[error("body is not a TikTok webhook envelope")]
    MalformedBody,
}

/// The value of `TikTok-Signature` for `body` at unix time `t` (used by the sandbox and tests).
pub fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    format!(
        "t={t},s={}",
        hex::encode(mac(secret, t, body).finalize().into_bytes())
    )
}

fn mac(secret: &str, t: i64, body: &[u8]) -> Hmac<Sha256> {
    #[allow(clippy::expect_used)] // HMAC takes keys of any length
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Checks the header against the raw body; `max_age_secs` bounds the timestamp both ways.
pub fn verify(
    secret: &str,
    header: &str,
    body: &[u8],
    now_unix: i64,
    max_age_secs: i64,
) -> Result<(), WebhookError> {
    let (mut t, mut s) = (None, None);
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.trim().parse::<i64>().ok(),
            Some(("s", v)) => s = hex::decode(v.trim()).ok(),
            _ => {}
        }
    }
    let (Some(t), Some(s)) = (t, s) else {
        return Err(WebhookError::MalformedSignature);
    };
    if (now_unix - t).abs() > max_age_secs {
        return Err(WebhookError::Stale);
    }
    let expected = mac(secret, t, body).finalize().into_bytes();
    if expected.as_slice().ct_eq(&s).into() {
        Ok(())
    } else {
        Err(WebhookError::BadSignature)
    }
}

#[derive(Deserialize)]
struct Envelope {
    client_key: String,
    event: String,
    create_time: i64,
    #[serde(default)]
    user_openid: Option<String>,
    #[serde(default)]
    content: String,
}

/// A verified delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEvent {
    pub client_key: String,
    pub create_time: i64,
    pub user_openid: Option<String>,
    pub kind: EventKind,
}

/// The events this project reacts to; others are kept by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    AuthorizationRemoved {
        reason: i64,
    },
    PublishFailed {
        publish_id: String,
        reason: String,
        publish_type: String,
    },
    PublishComplete {
        publish_id: String,
        publish_type: String,
    },
    InboxDelivered {
        publish_id: String,
    },
    PubliclyAvailable {
        publish_id: String,
        post_id: String,
    },
    NoLongerPubliclyAvailable {
        publish_id: String,
        post_id: String,
    },
    Other {
        event: String,
        content: serde_json::Value,
    },
}

fn text(v: &serde_json::Value, key: &str) -> String {
    match &v[key] {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// Parses a delivery's body (verify it first).
pub fn parse(body: &[u8]) -> Result<WebhookEvent, WebhookError> {
    let envelope: Envelope =
        serde_json::from_slice(body).map_err(|_| WebhookError::MalformedBody)?;
    let content: serde_json::Value = if envelope.content.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_str(&envelope.content).map_err(|_| WebhookError::MalformedBody)?
    };
    let kind = match envelope.event.as_str() {
        "authorization.removed" => EventKind::AuthorizationRemoved {
            reason: content["reason"].as_i64().unwrap_or(0),
        },
        "post.publish.failed" => EventKind::PublishFailed {
            publish_id: text(&content, "publish_id"),
            reason: text(&content, "reason"),
            publish_type: text(&content, "publish_type"),
        },
        "post.publish.complete" => EventKind::PublishComplete {
            publish_id: text(&content, "publish_id"),
            publish_type: text(&content, "publish_type"),
        },
        "post.publish.inbox_delivered" => EventKind::InboxDelivered {
            publish_id: text(&content, "publish_id"),
        },
        "post.publish.publicly_available" => EventKind::PubliclyAvailable {
            publish_id: text(&content, "publish_id"),
            post_id: text(&content, "post_id"),
        },
        "post.publish.no_longer_publicaly_available" => EventKind::NoLongerPubliclyAvailable {
            publish_id: text(&content, "publish_id"),
            post_id: text(&content, "post_id"),
        },
        other => EventKind::Other {
            event: other.to_owned(),
            content,
        },
    };
    Ok(WebhookEvent {
        client_key: envelope.client_key,
        create_time: envelope.create_time,
        user_openid: envelope.user_openid,
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any body, and JSON with hostile fields, is parsed or refused, never a panic.
        #[test]
        fn any_body_is_parsed_or_refused(
            raw in proptest::collection::vec(any::<u8>(), 0..512),
            event in "[a-z._]{0,24}",
            content in "\\PC{0,40}",
            time in any::<i64>(),
        ) {
            let _ = parse(&raw);
            let body = serde_json::json!({
                "client_key": "sbx", "event": event, "create_time": time,
                "user_openid": "_000abc", "content": content,
            });
            let _ = parse(body.to_string().as_bytes());
        }
    }

    const SECRET: &str = "sandbox-client-secret";
    const BODY: &[u8] = br#"{"client_key":"sbx","event":"authorization.removed","create_time":1700000000,"user_openid":"_000abc","content":"{\"reason\":5}"}"#;

    #[test]
    fn fixed_vector_verifies() {
        // HMAC-SHA256("sandbox-client-secret", "1700000000." + BODY), computed with Python's hmac.
        let header =
            "t=1700000000,s=caaf27030e892e03379bccaad96b53e961600c1a15738ad35104aebcbbd96048";
        assert_eq!(sign(SECRET, 1_700_000_000, BODY), header);
        assert_eq!(verify(SECRET, header, BODY, 1_700_000_010, 300), Ok(()));
    }

    #[test]
    fn tampered_body_is_rejected() {
        let header = sign(SECRET, 1_700_000_000, BODY);
        let tampered = String::from_utf8_lossy(BODY).replace("5}", "1}");
        assert_eq!(
            verify(SECRET, &header, tampered.as_bytes(), 1_700_000_010, 300),
            Err(WebhookError::BadSignature)
        );
        assert_eq!(
            verify("other secret", &header, BODY, 1_700_000_010, 300),
            Err(WebhookError::BadSignature)
        );
    }

    #[test]
    fn stale_or_malformed_headers_are_rejected() {
        let header = sign(SECRET, 1_700_000_000, BODY);
        assert_eq!(
            verify(SECRET, &header, BODY, 1_700_000_000 + 301, 300),
            Err(WebhookError::Stale)
        );
        assert_eq!(
            verify(SECRET, "t=abc", BODY, 0, 300),
            Err(WebhookError::MalformedSignature)
        );
        assert_eq!(
            verify(SECRET, "", BODY, 0, 300),
            Err(WebhookError::MalformedSignature)
        );
    }

    #[test]
    fn envelope_and_string_content_parse_into_events() {
        let event = parse(BODY).unwrap();
        assert_eq!(event.kind, EventKind::AuthorizationRemoved { reason: 5 });
        assert_eq!(event.user_openid.as_deref(), Some("_000abc"));
        let published = br#"{"client_key":"k","event":"post.publish.publicly_available","create_time":1,"user_openid":"u","content":"{\"publish_id\":\"v_pub_url~v2-1.7\",\"post_id\":7261463769757501445,\"publish_type\":\"DIRECT_PUBLISH\"}"}"#;
        assert_eq!(
            parse(published).unwrap().kind,
            EventKind::PubliclyAvailable {
                publish_id: "v_pub_url~v2-1.7".into(),
                post_id: "7261463769757501445".into()
            }
        );
        assert_eq!(parse(b"{}"), Err(WebhookError::MalformedBody));
    }
}
