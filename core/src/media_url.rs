//! Short-lived signed URLs for media files: a `<video>` element cannot send a bearer token, so
//! whoever may read a workspace's media is handed a URL that grants reading that one file until
//! it expires. This is the one mechanism for media URLs; client previews and photo posts reuse
//! it. The signing key is derived from the session signing secret, so every replica with the
//! same configuration signs and verifies alike.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long a media URL stays valid.
pub const LIFETIME: Duration = Duration::hours(1);

/// Where media files are served: `/media/{workspace}/{media}?expires=…&signature=…`.
pub const PREFIX: &str = "/media";

/// Signs and checks media URLs.
#[derive(Clone)]
pub struct MediaUrls {
    key: [u8; 32],
}

impl std::fmt::Debug for MediaUrls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MediaUrls(..)")
    }
}

type HmacSha256 = Hmac<Sha256>;

impl MediaUrls {
    /// A signer whose key is derived from `secret` (the session signing secret).
    pub fn new(secret: &str) -> MediaUrls {
        let mut mac = mac(secret.as_bytes());
        mac.update(b"multitok media url v1");
        MediaUrls {
            key: mac.finalize().into_bytes().into(),
        }
    }

    /// The MAC over what a URL grants, ready to finish or to verify.
    fn grant(&self, workspace_id: &str, media_id: &str, expires: i64) -> HmacSha256 {
        let mut mac = mac(&self.key);
        mac.update(format!("{workspace_id}/{media_id}/{expires}").as_bytes());
        mac
    }

    /// The path and query that serve `media_id` of `workspace_id` until [`LIFETIME`] after
    /// `now`. Expiry is rounded up to the next minute, so a list read twice in a minute answers
    /// the same URLs (and the browser's cache keeps the video).
    pub fn sign(&self, workspace_id: &str, media_id: &str, now: DateTime<Utc>) -> String {
        let expires = (now + LIFETIME).timestamp().div_euclid(60) * 60 + 60;
        let signature = URL_SAFE_NO_PAD.encode(
            self.grant(workspace_id, media_id, expires)
                .finalize()
                .into_bytes(),
        );
        format!("{PREFIX}/{workspace_id}/{media_id}?expires={expires}&signature={signature}")
    }

    /// Whether `signature` grants `media_id` of `workspace_id` at `now`.
    pub fn verify(
        &self,
        workspace_id: &str,
        media_id: &str,
        expires: i64,
        signature: &str,
        now: DateTime<Utc>,
    ) -> bool {
        if now.timestamp() >= expires {
            return false;
        }
        let Ok(given) = URL_SAFE_NO_PAD.decode(signature) else {
            return false;
        };
        self.grant(workspace_id, media_id, expires)
            .verify_slice(&given)
            .is_ok()
    }
}

#[allow(clippy::expect_used)]
fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC takes a key of any length.
    HmacSha256::new_from_slice(key).expect("HMAC accepts every key length")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> (i64, String) {
        let query = url.split_once('?').map(|(_, q)| q).unwrap_or_default();
        let get = |name: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
                .unwrap_or_default()
                .to_owned()
        };
        (get("expires").parse().unwrap_or_default(), get("signature"))
    }

    #[test]
    fn a_signed_url_grants_its_file_until_it_expires() {
        let urls = MediaUrls::new("a session signing secret of 32+ bytes");
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
        let url = urls.sign("w1", "m1", now);
        assert!(url.starts_with("/media/w1/m1?expires="), "{url}");
        let (expires, signature) = parts(&url);
        assert!(expires > (now + LIFETIME).timestamp());
        assert!(urls.verify("w1", "m1", expires, &signature, now));
        assert!(
            !urls.verify(
                "w1",
                "m1",
                expires,
                &signature,
                now + LIFETIME + Duration::minutes(2)
            ),
            "expired"
        );
        assert!(
            !urls.verify("w1", "m2", expires, &signature, now),
            "another file"
        );
        assert!(
            !urls.verify("w2", "m1", expires, &signature, now),
            "another workspace"
        );
        assert!(
            !urls.verify("w1", "m1", expires + 3600, &signature, now),
            "a longer life"
        );
        assert!(!urls.verify("w1", "m1", expires, "not base64!", now));
        let other = MediaUrls::new("another secret, another deployment");
        assert!(
            !other.verify("w1", "m1", expires, &signature, now),
            "another key"
        );
    }
}
