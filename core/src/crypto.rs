//! Secrets at rest: AES-256-GCM with a key id, so keys can be rotated. Stored form:
//! `<key id>:<base64url(nonce ‖ ciphertext)>`. The first configured key encrypts; every
//! configured key decrypts.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::CoreError;

/// The keys in force, current first.
#[derive(Clone)]
pub struct Sealer {
    keys: Vec<(String, Aes256Gcm)>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field(
                "key_ids",
                &self.keys.iter().map(|(id, _)| id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Sealer {
    /// Parses `id:base64url-32-bytes` entries; at least one.
    pub fn new(entries: &[String]) -> anyhow::Result<Sealer> {
        let mut keys = Vec::new();
        for entry in entries {
            let (id, b64) = entry.split_once(':').ok_or_else(|| {
                anyhow::anyhow!("token key must look like <id>:<base64url 32 bytes>")
            })?;
            let bytes = URL_SAFE_NO_PAD
                .decode(b64.trim().trim_end_matches('='))
                .map_err(|_| anyhow::anyhow!("token key {id} is not base64url"))?;
            let cipher = Aes256Gcm::new_from_slice(&bytes)
                .map_err(|_| anyhow::anyhow!("token key {id} must be 32 bytes"))?;
            keys.push((id.to_owned(), cipher));
        }
        if keys.is_empty() {
            anyhow::bail!(
                "no tiktok.token_keys: configure them or let the server create its key file"
            );
        }
        Ok(Sealer { keys })
    }

    /// The ids of the keys in force, current first.
    pub fn key_ids(&self) -> Vec<&str> {
        self.keys.iter().map(|(id, _)| id.as_str()).collect()
    }

    pub fn seal(&self, plain: &str) -> Result<String, CoreError> {
        let (id, cipher) = &self.keys[0];
        let nonce: [u8; 12] = rand::random();
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), plain.as_bytes())
            .map_err(|_| CoreError::internal(anyhow::anyhow!("encryption failed")))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(format!("{id}:{}", URL_SAFE_NO_PAD.encode(out)))
    }

    pub fn open(&self, stored: &str) -> Result<String, CoreError> {
        let fail = || {
            CoreError::internal(anyhow::anyhow!(
                "a stored secret cannot be decrypted with the configured keys"
            ))
        };
        let (id, b64) = stored.split_once(':').ok_or_else(fail)?;
        let (_, cipher) = self.keys.iter().find(|(k, _)| k == id).ok_or_else(fail)?;
        let bytes = URL_SAFE_NO_PAD.decode(b64).map_err(|_| fail())?;
        if bytes.len() < 12 {
            return Err(fail());
        }
        let (nonce, sealed) = bytes.split_at(12);
        let plain = cipher
            .decrypt(Nonce::from_slice(nonce), sealed)
            .map_err(|_| fail())?;
        String::from_utf8(plain).map_err(|_| fail())
    }
}

/// A fresh 256-bit secret, URL-safe, with a recognizable prefix.
pub fn new_secret(prefix: &str) -> String {
    format!(
        "{prefix}{}",
        URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
    )
}

/// What is stored for a secret: its SHA-256, hex-encoded. Secrets are random 256-bit values, so
/// a fast hash is enough (no dictionary to attack).
pub fn secret_hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str, byte: u8) -> String {
        format!("{id}:{}", URL_SAFE_NO_PAD.encode([byte; 32]))
    }

    #[test]
    fn round_trips_and_hides_the_plaintext() {
        let s = Sealer::new(&[key("k1", 1)]).unwrap();
        let sealed = s.seal("act.secret-token").unwrap();
        assert!(sealed.starts_with("k1:") && !sealed.contains("secret"));
        assert_ne!(
            sealed,
            s.seal("act.secret-token").unwrap(),
            "fresh nonce each time"
        );
        assert_eq!(s.open(&sealed).unwrap(), "act.secret-token");
    }

    #[test]
    fn rotation_keeps_old_secrets_readable() {
        let old = Sealer::new(&[key("k1", 1)]).unwrap();
        let sealed = old.seal("rft.x").unwrap();
        let rotated = Sealer::new(&[key("k2", 2), key("k1", 1)]).unwrap();
        assert_eq!(rotated.open(&sealed).unwrap(), "rft.x");
        assert!(rotated.seal("y").unwrap().starts_with("k2:"));
        let without_old = Sealer::new(&[key("k2", 2)]).unwrap();
        assert!(without_old.open(&sealed).is_err());
    }

    #[test]
    fn tampering_and_bad_keys_are_errors_not_panics() {
        let s = Sealer::new(&[key("k1", 1)]).unwrap();
        let mut sealed = s.seal("x").unwrap();
        sealed.push('A');
        assert!(s.open(&sealed).is_err());
        assert!(s.open("garbage").is_err());
        assert!(Sealer::new(&["k1:short".into()]).is_err());
        assert!(Sealer::new(&["nocolon".into()]).is_err());
    }
}
