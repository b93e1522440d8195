//! Server settings: defaults in code, then an optional TOML file, then `MULTITOK_*` environment
//! variables (nested with `__`), then command-line flags. Unknown keys are rejected.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Everything the server needs to run.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Address to listen on for gRPC, grpc-web and the web app.
    pub listen: SocketAddr,
    /// `sqlite://path?mode=rwc` or `postgres://user@host/db`.
    pub database_url: String,
    /// Largest database connection pool.
    pub max_connections: u32,
    /// Folder with the built web app (`index.html` and its assets); none serves no web app.
    pub web_dir: Option<PathBuf>,
    /// Origins other than the server's own that may call grpc-web (CORS).
    pub cors_origins: Vec<String>,
    pub auth: AuthSettings,
}

/// Token lifetimes, signing key and login throttling.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    /// HMAC key for access tokens (at least 32 bytes). Empty: a random key per process, which
    /// logs everyone out of their access tokens (not their sessions) at restart.
    pub jwt_secret: String,
    /// Read the key from this file instead (`*_FILE` style secret).
    pub jwt_secret_file: Option<PathBuf>,
    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    /// Login attempts per minute allowed for one email address.
    pub login_per_email_per_minute: u32,
    /// Login attempts per minute allowed from one client address.
    pub login_per_address_per_minute: u32,
    /// Mark the session cookie `Secure` (on when served over HTTPS).
    pub secure_cookie: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://data/multitok.db?mode=rwc".into(),
            max_connections: 16,
            web_dir: None,
            cors_origins: Vec::new(),
            auth: AuthSettings::default(),
        }
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            jwt_secret: String::new(),
            jwt_secret_file: None,
            access_token_minutes: 15,
            refresh_token_days: 30,
            login_per_email_per_minute: 5,
            login_per_address_per_minute: 30,
            secure_cookie: false,
        }
    }
}

impl Settings {
    /// Layers defaults, the TOML file (if any) and the environment.
    pub fn load(config_file: Option<&Path>) -> Result<Settings, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = config_file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
            .merge(Env::prefixed("MULTITOK_").split("__"))
            .extract()
            .map_err(Box::new)
    }

    /// The signing key: from the file, the setting, or fresh random bytes.
    pub fn jwt_key(&self) -> std::io::Result<Vec<u8>> {
        if let Some(file) = &self.auth.jwt_secret_file {
            return Ok(std::fs::read_to_string(file)?.trim().as_bytes().to_vec());
        }
        if !self.auth.jwt_secret.is_empty() {
            return Ok(self.auth.jwt_secret.as_bytes().to_vec());
        }
        Ok(rand::random::<[u8; 32]>().to_vec())
    }
}

/// Hides the password inside a database URL.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}://{user}:***@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("max_connections", &self.max_connections)
            .field("web_dir", &self.web_dir)
            .field("cors_origins", &self.cors_origins)
            .field("auth", &self.auth)
            .finish()
    }
}

impl fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthSettings")
            .field(
                "jwt_secret",
                &if self.jwt_secret.is_empty() {
                    ""
                } else {
                    "***"
                },
            )
            .field("jwt_secret_file", &self.jwt_secret_file)
            .field("access_token_minutes", &self.access_token_minutes)
            .field("refresh_token_days", &self.refresh_token_days)
            .field(
                "login_per_email_per_minute",
                &self.login_per_email_per_minute,
            )
            .field(
                "login_per_address_per_minute",
                &self.login_per_address_per_minute,
            )
            .field("secure_cookie", &self.secure_cookie)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_secrets() {
        let mut s = Settings {
            database_url: "postgres://app:hunter2@db/multitok".into(),
            ..Default::default()
        };
        s.auth.jwt_secret = "super-secret-signing-key".into();
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"));
        assert!(!shown.contains("super-secret"));
        assert!(shown.contains("postgres://app:***@db/multitok"));
    }

    #[test]
    fn toml_file_with_unknown_key_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("multitok.toml");
        std::fs::write(&file, "listen = \"127.0.0.1:9000\"\nlisten_port = 1\n").unwrap();
        assert!(Settings::load(Some(&file)).is_err());
        std::fs::write(
            &file,
            "listen = \"127.0.0.1:9000\"\n[auth]\naccess_token_minutes = 5\n",
        )
        .unwrap();
        let s = Settings::load(Some(&file)).unwrap();
        assert_eq!(s.listen.port(), 9000);
        assert_eq!(s.auth.access_token_minutes, 5);
    }
}
