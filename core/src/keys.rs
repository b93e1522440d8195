//! The keys both binaries need: the access-token signing secret and the keys that seal TikTok
//! tokens at rest. Configured keys always win; what is not configured comes from the key file
//! (`keys_file`, by default `data/keys.toml`), which the server creates on its first start
//! (mode 0600) and the worker only reads. A process that finds sealed tokens none of its keys
//! opens refuses to start (see [`check_sealed`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use figment::Figment;
use figment::providers::{Format, Toml};
use serde::Deserialize;

use crate::config::Settings;
use crate::crypto::Sealer;
use multitok_store::Store;

/// Whether a missing key file may be created (the server) or not (the worker and admin
/// commands, which only open tokens and so need no signing secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Create,
    Refuse,
}

/// The key file's contents.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    jwt_secret: String,
    token_keys: Vec<String>,
}

/// Fills `settings.auth.jwt_secret` and `settings.tiktok.token_keys` from their `*_file`
/// settings or, where nothing is configured, from the key file, creating it if allowed.
/// Answers the key file when keys came from it.
pub fn resolve(settings: &mut Settings, missing: Missing) -> anyhow::Result<Option<PathBuf>> {
    if let Some(file) = settings.auth.jwt_secret_file.take() {
        settings.auth.jwt_secret = read_secret(&file)?;
    }
    settings.tiktok.token_keys = settings.tiktok.keys().with_context(|| {
        format!(
            "reading tiktok.token_keys_file {:?}",
            settings.tiktok.token_keys_file
        )
    })?;
    settings.tiktok.token_keys_file = None;
    let need_jwt = settings.auth.jwt_secret.is_empty() && missing == Missing::Create;
    let need_tokens = settings.tiktok.token_keys.is_empty();
    if !need_jwt && !need_tokens {
        return Ok(None);
    }
    let file = load_or_create(&settings.keys_file, missing)?;
    if need_jwt {
        settings.auth.jwt_secret = file.jwt_secret;
    }
    if need_tokens {
        settings.tiktok.token_keys = file.token_keys;
    }
    Ok(Some(settings.keys_file.clone()))
}

/// Whether the key file can still be read and holds keys.
pub fn readable(path: &Path) -> anyhow::Result<()> {
    load_or_create(path, Missing::Refuse).map(|_| ())
}

fn read_secret(file: &Path) -> anyhow::Result<String> {
    Ok(std::fs::read_to_string(file)
        .with_context(|| format!("reading {file:?}"))?
        .trim()
        .to_owned())
}

/// Reads the key file, or writes a fresh one when it does not exist and `missing` allows.
fn load_or_create(path: &Path, missing: Missing) -> anyhow::Result<KeyFile> {
    if !path.exists() {
        if missing == Missing::Refuse {
            bail!(
                "no keys configured (auth.jwt_secret, tiktok.token_keys) and no key file at {path:?}; \
                 start the server once to create it, or configure the same keys as the server"
            );
        }
        create(path)?;
    }
    let file: KeyFile = Figment::from(Toml::file_exact(path))
        .extract()
        .with_context(|| format!("reading the key file {path:?}"))?;
    if file.jwt_secret.len() < 32 || file.token_keys.is_empty() {
        bail!("the key file {path:?} needs a jwt_secret of 32 characters or more and a token key");
    }
    Ok(file)
}

/// Writes a new key file readable by its owner only; never replaces an existing one.
fn create(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {dir:?}"))?;
    }
    let id = format!("k{}", &hex::encode(rand::random::<[u8; 4]>()));
    let text = format!(
        "# Multitok's keys, created on first start. Keep this file with the database's backups:\n\
         # without it, connected accounts must be connected again and everyone signs in again.\n\
         jwt_secret = \"{}\"\n\
         token_keys = [\"{id}:{}\"]\n",
        random_b64(),
        random_b64()
    );
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut f) => f.write_all(text.as_bytes()).and_then(|()| f.sync_all()),
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(()),
        Err(e) => Err(e),
    }
    .with_context(|| format!("writing the key file {path:?}"))?;
    tracing::info!(file = ?path, key_id = %id, "created the key file");
    Ok(())
}

fn random_b64() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// Refuses to go on when a sealed TikTok token in the database cannot be opened with `sealer`:
/// the error names the key ids this process has and the ids in use.
pub async fn check_sealed(store: &Store, sealer: &Sealer) -> anyhow::Result<()> {
    let samples = store.sealed_token_samples().await?;
    let unreadable: Vec<&str> = samples
        .iter()
        .filter(|(_, sealed)| sealer.open(sealed).is_err())
        .map(|(id, _)| id.as_str())
        .collect();
    if unreadable.is_empty() {
        return Ok(());
    }
    let in_use: Vec<&str> = samples.iter().map(|(id, _)| id.as_str()).collect();
    bail!(
        "stored TikTok tokens are sealed with key id(s) {in_use:?}, and the keys this process has \
         ({:?}) cannot open those of {unreadable:?}; configure the same tiktok.token_keys (or key \
         file) as the process that sealed them",
        sealer.key_ids()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_in(dir: &Path) -> Settings {
        Settings {
            keys_file: dir.join("keys.toml"),
            ..Default::default()
        }
    }

    #[test]
    fn first_start_creates_an_owner_only_key_file_that_later_starts_reuse() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = settings_in(dir.path());
        resolve(&mut first, Missing::Create).unwrap();
        assert!(first.auth.jwt_secret.len() >= 32);
        assert_eq!(first.tiktok.token_keys.len(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&first.keys_file)
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let mut again = settings_in(dir.path());
        resolve(&mut again, Missing::Create).unwrap();
        assert_eq!(again.auth.jwt_secret, first.auth.jwt_secret);
        let mut worker = settings_in(dir.path());
        resolve(&mut worker, Missing::Refuse).unwrap();
        assert_eq!(worker.tiktok.token_keys, first.tiktok.token_keys);
        Sealer::new(&worker.tiktok.token_keys).unwrap();
    }

    #[test]
    fn configured_keys_win_and_a_missing_file_is_not_created_without_leave() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = settings_in(dir.path());
        assert!(resolve(&mut s, Missing::Refuse).is_err());
        assert!(!s.keys_file.exists());
        s.auth.jwt_secret = "configured signing key, 32 bytes or more".into();
        s.tiktok.token_keys = vec![format!("mine:{}", random_b64())];
        let configured = s.tiktok.token_keys.clone();
        resolve(&mut s, Missing::Create).unwrap();
        assert!(
            !s.keys_file.exists(),
            "nothing to create when all is configured"
        );
        assert_eq!(s.tiktok.token_keys, configured);
        s.tiktok.token_keys.clear();
        resolve(&mut s, Missing::Create).unwrap();
        assert_eq!(
            s.auth.jwt_secret,
            "configured signing key, 32 bytes or more"
        );
        assert_ne!(s.tiktok.token_keys, configured);
    }
}
