//! Password hashing (argon2id), opaque token secrets (stored as SHA-256) and access-token JWTs.

use std::sync::{Arc, LazyLock};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, TimeDelta, Utc};
use jsonwebtoken::{DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use multitok_core::CoreError;

/// Argon2id with OWASP's recommended minimum: 19 MiB of memory, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    #[allow(clippy::expect_used)] // constant, valid parameters
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string (algorithm, parameters and salt included).
pub fn hash_password(password: &str) -> Result<String, CoreError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| CoreError::internal(anyhow::anyhow!("{e}")))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CoreError::internal(anyhow::anyhow!("{e}")))
}

/// Checks a password against a stored hash. With no stored hash (unknown email) a dummy hash is
/// verified instead, so the answer takes as long as for a real account.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: LazyLock<String> =
        LazyLock::new(|| hash_password("dummy password for timing").unwrap_or_default());
    let (hash, real) = match stored {
        Some(hash) => (hash, true),
        None => (DUMMY.as_str(), false),
    };
    let ok = PasswordHash::new(hash)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    ok && real
}

/// Password work in flight at once: one per core, so a flood of sign-ups queues here instead
/// of taking every core from the calls being served.
static PASSWORD_WORK: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    tokio::sync::Semaphore::new(cores)
});

/// [`hash_password`] on the blocking pool, at most one per core at a time: argon2 takes tens of
/// milliseconds of CPU, which must not stall the async workers.
pub async fn hash_off_runtime(password: String) -> Result<String, CoreError> {
    let _permit = PASSWORD_WORK.acquire().await.map_err(CoreError::internal)?;
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(CoreError::internal)?
}

/// [`verify_password`] off the async runtime, like [`hash_off_runtime`].
pub async fn verify_off_runtime(
    password: String,
    stored: Option<String>,
) -> Result<bool, CoreError> {
    let _permit = PASSWORD_WORK.acquire().await.map_err(CoreError::internal)?;
    tokio::task::spawn_blocking(move || verify_password(&password, stored.as_deref()))
        .await
        .map_err(CoreError::internal)
}

pub use multitok_core::crypto::{new_secret, secret_hash};

/// Claims of an access token.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iat: i64,
    exp: i64,
    iss: String,
}

const ISSUER: &str = "multitok";

/// Signs and checks access tokens (HS256).
#[derive(Clone)]
pub struct AccessTokens {
    encoding: Arc<EncodingKey>,
    decoding: Arc<DecodingKey>,
    lifetime: TimeDelta,
    validation: Arc<Validation>,
}

impl AccessTokens {
    pub fn new(key: &[u8], lifetime: TimeDelta) -> AccessTokens {
        let mut validation = Validation::new(jsonwebtoken::Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 5;
        AccessTokens {
            encoding: Arc::new(EncodingKey::from_secret(key)),
            decoding: Arc::new(DecodingKey::from_secret(key)),
            lifetime,
            validation: Arc::new(validation),
        }
    }

    /// A signed token for `user_id` and its expiry.
    pub fn issue(
        &self,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), CoreError> {
        let expires = now + self.lifetime;
        let claims = Claims {
            sub: user_id.to_owned(),
            iat: now.timestamp(),
            exp: expires.timestamp(),
            iss: ISSUER.into(),
        };
        let token = jsonwebtoken::encode(&Header::default(), &claims, &self.encoding)
            .map_err(CoreError::internal)?;
        Ok((token, expires))
    }

    /// The user id inside a valid, unexpired token.
    pub fn verify(&self, token: &str) -> Option<String> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims.sub)
    }
}

impl std::fmt::Debug for AccessTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessTokens")
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_verifies_only_the_right_password() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse battery", Some(&hash)));
        assert!(!verify_password("wrong horse battery", Some(&hash)));
        assert!(!verify_password("dummy password for timing", None));
    }

    #[test]
    fn access_token_round_trips_and_rejects_tampering() {
        let tokens = AccessTokens::new(b"0123456789abcdef0123456789abcdef", TimeDelta::minutes(15));
        let (token, _) = tokens.issue("user-1", Utc::now()).unwrap();
        assert_eq!(tokens.verify(&token).as_deref(), Some("user-1"));
        let other = AccessTokens::new(b"another key another key another k", TimeDelta::minutes(15));
        assert_eq!(other.verify(&token), None);
    }

    #[test]
    fn expired_access_token_is_rejected() {
        let tokens = AccessTokens::new(b"0123456789abcdef0123456789abcdef", TimeDelta::minutes(15));
        let (token, _) = tokens
            .issue("user-1", Utc::now() - TimeDelta::minutes(20))
            .unwrap();
        assert_eq!(tokens.verify(&token), None);
    }

    #[test]
    fn secrets_are_unique_and_hashed_stably() {
        let a = new_secret("mtk_");
        assert!(a.starts_with("mtk_") && a.len() > 40);
        assert_ne!(a, new_secret("mtk_"));
        assert_eq!(secret_hash("x"), secret_hash("x"));
        assert_eq!(secret_hash("x").len(), 64);
    }
}
