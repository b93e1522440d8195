//! Server settings: defaults in code, then an optional TOML file, then `MULTITOK_*` environment
//! variables (nested with `__`), then command-line flags. Unknown keys are rejected.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

mod auth;

pub use auth::{AuthSettings, RegistrationPolicy};

/// Everything the server needs to run.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Address to listen on for gRPC, grpc-web and the web app.
    pub listen: SocketAddr,
    /// `sqlite://path?mode=rwc` or `postgres://user@host/db`.
    pub database_url: String,
    /// Serve `/metrics` on this address instead of on `listen`.
    pub metrics_listen: Option<SocketAddr>,
    /// Largest database connection pool.
    pub max_connections: u32,
    /// Folder with the built web app (`index.html` and its assets); none serves no web app.
    pub web_dir: Option<PathBuf>,
    /// Origins other than the server's own that may call grpc-web (CORS).
    pub cors_origins: Vec<String>,
    /// Folder holding uploaded media and uploads in progress.
    pub media_dir: PathBuf,
    /// Key file holding the signing secret and token keys not configured otherwise; the server
    /// creates it on first start.
    pub keys_file: PathBuf,
    pub auth: AuthSettings,
    pub tiktok: TikTokSettings,
    pub sync: SyncSettings,
    pub analytics: AnalyticsSettings,
    pub media: MediaSettings,
    pub streams: StreamSettings,
    /// `text` (the default) or `json`, one object per line.
    pub log_format: LogFormat,
    pub telemetry: TelemetrySettings,
}

/// Limits on the media library.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MediaSettings {
    /// Bytes one workspace may store: its videos plus the declared sizes of its uploads in
    /// progress.
    pub quota_bytes: u64,
}

impl Default for MediaSettings {
    fn default() -> Self {
        MediaSettings {
            quota_bytes: 20 * 1024 * 1024 * 1024,
        }
    }
}

/// Limits on server streams (`WatchPost`, `WatchDashboard`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StreamSettings {
    /// Streams one user may hold open at once.
    pub max_per_user: usize,
    /// A stream that sent nothing for this long ends; clients open a new one.
    pub idle_seconds: u64,
}

impl Default for StreamSettings {
    fn default() -> Self {
        StreamSettings {
            max_per_user: 16,
            idle_seconds: 3600,
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// OpenTelemetry traces.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelemetrySettings {
    /// An OTLP/HTTP collector (`http://collector:4318`); none sends no traces.
    pub otlp_endpoint: Option<String>,
}

/// Analytics: how long raw snapshots are kept and how long answers are cached, where.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AnalyticsSettings {
    /// Days raw snapshots are kept; their daily rollups are kept forever.
    pub raw_days: u32,
    /// Account metrics and the dashboard.
    pub metrics_ttl_seconds: u64,
    /// Time series and comparisons.
    pub series_ttl_seconds: u64,
    /// Post analytics and best times.
    pub insights_ttl_seconds: u64,
    /// `redis://host:port/db`: cache in Redis, shared by every server replica; none caches in
    /// each process.
    pub redis_url: Option<String>,
    /// Prefix of the cache's Redis keys.
    pub redis_namespace: String,
}

impl Default for AnalyticsSettings {
    fn default() -> Self {
        AnalyticsSettings {
            raw_days: 90,
            metrics_ttl_seconds: 3600,
            series_ttl_seconds: 1800,
            insights_ttl_seconds: 6 * 3600,
            redis_url: None,
            redis_namespace: "multitok".into(),
        }
    }
}

impl fmt::Debug for AnalyticsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnalyticsSettings")
            .field("raw_days", &self.raw_days)
            .field("metrics_ttl_seconds", &self.metrics_ttl_seconds)
            .field("series_ttl_seconds", &self.series_ttl_seconds)
            .field("insights_ttl_seconds", &self.insights_ttl_seconds)
            .field("redis_url", &self.redis_url.as_ref().map(|_| "[set]"))
            .field("redis_namespace", &self.redis_namespace)
            .finish()
    }
}

/// When the worker syncs each account's profile and videos.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SyncSettings {
    /// A cron expression with seconds (`sec min hour day month weekday`), read in each
    /// workspace's time zone; the default is 02:00 every night.
    pub cron: String,
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            cron: "0 0 2 * * *".into(),
        }
    }
}

/// The TikTok app's credentials and endpoints (TikTok itself, or the sandbox).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TikTokSettings {
    pub client_key: String,
    pub client_secret: String,
    /// This server's `/oauth/tiktok/callback`, exactly as registered with TikTok.
    pub redirect_uri: String,
    /// TikTok's API host, or the sandbox's URL.
    pub api_base: String,
    /// TikTok's consent page; empty means `<api_base>/v2/auth/authorize/` (the sandbox's).
    pub authorize_url: String,
    /// Keys for tokens at rest, `<id>:<base64url 32 bytes>`, the current one first. Empty: the
    /// key file's.
    pub token_keys: Vec<String>,
    /// Read the keys from this file instead, one per line.
    pub token_keys_file: Option<PathBuf>,
    /// Posts per creator per day before scheduling warns (TikTok's is about 15).
    pub daily_post_cap: u32,
    /// Scopes an account must grant to be connected.
    pub required_scopes: Vec<String>,
}

impl Default for TikTokSettings {
    fn default() -> Self {
        TikTokSettings {
            client_key: String::new(),
            client_secret: String::new(),
            redirect_uri: "http://127.0.0.1:8080/oauth/tiktok/callback".into(),
            api_base: "https://open.tiktokapis.com".into(),
            authorize_url: "https://www.tiktok.com/v2/auth/authorize/".into(),
            token_keys: Vec::new(),
            token_keys_file: None,
            daily_post_cap: 15,
            required_scopes: [
                "user.info.basic",
                "user.info.profile",
                "user.info.stats",
                "video.list",
                "video.publish",
                "video.upload",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl TikTokSettings {
    /// Whether an app is configured at all.
    pub fn configured(&self) -> bool {
        !self.client_key.is_empty() && !self.client_secret.is_empty()
    }

    /// The token keys from the file or the setting.
    pub fn keys(&self) -> std::io::Result<Vec<String>> {
        match &self.token_keys_file {
            Some(file) => Ok(std::fs::read_to_string(file)?
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()),
            None => Ok(self.token_keys.clone()),
        }
    }
}

impl fmt::Debug for TikTokSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TikTokSettings")
            .field("client_key", &self.client_key)
            .field(
                "client_secret",
                &if self.client_secret.is_empty() {
                    ""
                } else {
                    "***"
                },
            )
            .field("redirect_uri", &self.redirect_uri)
            .field("api_base", &self.api_base)
            .field("authorize_url", &self.authorize_url)
            .field("token_keys", &format!("{} key(s)", self.token_keys.len()))
            .field("token_keys_file", &self.token_keys_file)
            .field("daily_post_cap", &self.daily_post_cap)
            .finish_non_exhaustive()
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://data/multitok.db?mode=rwc".into(),
            max_connections: 16,
            metrics_listen: None,
            web_dir: None,
            cors_origins: Vec::new(),
            media_dir: PathBuf::from("data/media"),
            keys_file: PathBuf::from("data/keys.toml"),
            auth: AuthSettings::default(),
            tiktok: TikTokSettings::default(),
            sync: SyncSettings::default(),
            analytics: AnalyticsSettings::default(),
            media: MediaSettings::default(),
            streams: StreamSettings::default(),
            log_format: LogFormat::Text,
            telemetry: TelemetrySettings::default(),
        }
    }
}

impl Settings {
    /// Layers defaults, the TOML file (if any) and the environment. `MULTITOK_CONFIG` names the
    /// file (the binaries read it as `--config`), so it is not a setting of its own.
    pub fn load(config_file: Option<&Path>) -> Result<Settings, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = config_file {
            figment = figment.merge(Toml::file_exact(file));
        }
        figment
            .merge(Env::prefixed("MULTITOK_").ignore(&["config"]).split("__"))
            .extract()
            .map_err(Box::new)
    }

    /// The signing key, once [`crate::keys::resolve`] has filled it in.
    pub fn jwt_key(&self) -> anyhow::Result<Vec<u8>> {
        if self.auth.jwt_secret.len() < 32 {
            anyhow::bail!("auth.jwt_secret must be 32 bytes or more");
        }
        Ok(self.auth.jwt_secret.as_bytes().to_vec())
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
            .field("metrics_listen", &self.metrics_listen)
            .field("web_dir", &self.web_dir)
            .field("cors_origins", &self.cors_origins)
            .field("media_dir", &self.media_dir)
            .field("keys_file", &self.keys_file)
            .field("auth", &self.auth)
            .field("tiktok", &self.tiktok)
            .field("sync", &self.sync)
            .field("analytics", &self.analytics)
            .field("media", &self.media)
            .field("streams", &self.streams)
            .field("log_format", &self.log_format)
            .field("telemetry", &self.telemetry)
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
        s.tiktok.client_secret = "tiktok-app-secret".into();
        s.tiktok.token_keys = vec!["k1:c2VjcmV0LWtleS1tYXRlcmlhbA".into()];
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"));
        assert!(!shown.contains("super-secret"));
        assert!(!shown.contains("tiktok-app-secret") && !shown.contains("c2VjcmV0"));
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
