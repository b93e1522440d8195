//! Webhook delivery: TikTok's envelope with `content` as a JSON string, signed with the client
//! secret (`TikTok-Signature: t=…,s=…`), retried with backoff until answered 200.

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::App;
use crate::state::wall_ms;

/// The signature header for `body` at unix time `t`.
pub fn signature(secret: &str, t: i64, body: &[u8]) -> String {
    #[allow(clippy::expect_used)] // HMAC accepts any key length
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{t}.").as_bytes());
    mac.update(body);
    format!("t={t},s={}", hex::encode(mac.finalize().into_bytes()))
}

/// Sends `event` to the configured URL in the background (at least once).
pub fn emit(app: &App, event: &str, open_id: Option<&str>, content: Value) {
    let Some(url) = app.config.webhook_url.clone() else {
        return;
    };
    let create_time = wall_ms() / 1000;
    let mut envelope = json!({ "client_key": app.config.client_key, "event": event, "create_time": create_time, "content": content.to_string() });
    if let Some(open_id) = open_id {
        envelope["user_openid"] = json!(open_id);
    }
    let body = envelope.to_string();
    let (http, secret, attempts) = (
        app.http.clone(),
        app.config.client_secret.clone(),
        app.config.webhook_attempts.max(1),
    );
    tokio::spawn(async move {
        for attempt in 0..attempts {
            let t = wall_ms() / 1000;
            let sent = http
                .post(&url)
                .header("content-type", "application/json")
                .header("TikTok-Signature", signature(&secret, t, body.as_bytes()))
                .body(body.clone())
                .send()
                .await;
            if sent.is_ok_and(|r| r.status().as_u16() == 200) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(250 << attempt.min(10))).await;
        }
        tracing::warn!(url, "webhook delivery gave up");
    });
}
