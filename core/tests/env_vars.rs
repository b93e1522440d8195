//! Every `MULTITOK_*` variable README documents is set here and read back through `Settings`;
//! a variable README names that this table lacks (or the other way round) fails the test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::result_large_err
)]

use std::collections::BTreeSet;

use figment::Jail;
use multitok_core::Settings;

type Read = fn(&Settings) -> String;

/// Each documented variable, a value to set, and how to read it back as text.
const VARIABLES: &[(&str, &str, Read)] = &[
    ("LISTEN", "127.0.0.1:9191", |s| s.listen.to_string()),
    ("DATABASE_URL", "postgres://db/mt", |s| {
        s.database_url.clone()
    }),
    ("MAX_CONNECTIONS", "7", |s| s.max_connections.to_string()),
    ("METRICS_LISTEN", "127.0.0.1:9464", |s| {
        s.metrics_listen.map(|a| a.to_string()).unwrap_or_default()
    }),
    ("WEB_DIR", "/srv/web", |s| path(s.web_dir.as_deref())),
    ("CORS_ORIGINS", "[https://a.example]", |s| {
        format!("[{}]", s.cors_origins.join(","))
    }),
    ("MEDIA_DIR", "/srv/media", |s| path(Some(&s.media_dir))),
    ("KEYS_FILE", "/srv/keys.toml", |s| path(Some(&s.keys_file))),
    (
        "AUTH__JWT_SECRET",
        "a signing secret of 32 bytes ok!",
        |s| s.auth.jwt_secret.clone(),
    ),
    ("AUTH__JWT_SECRET_FILE", "/run/secrets/jwt", |s| {
        path(s.auth.jwt_secret_file.as_deref())
    }),
    ("AUTH__ACCESS_TOKEN_MINUTES", "9", |s| {
        s.auth.access_token_minutes.to_string()
    }),
    ("AUTH__REFRESH_TOKEN_DAYS", "11", |s| {
        s.auth.refresh_token_days.to_string()
    }),
    ("AUTH__LOGIN_PER_EMAIL_PER_MINUTE", "3", |s| {
        s.auth.login_per_email_per_minute.to_string()
    }),
    ("AUTH__LOGIN_PER_ADDRESS_PER_MINUTE", "13", |s| {
        s.auth.login_per_address_per_minute.to_string()
    }),
    ("STREAMS__MAX_PER_USER", "3", |s| {
        s.streams.max_per_user.to_string()
    }),
    ("STREAMS__IDLE_SECONDS", "60", |s| {
        s.streams.idle_seconds.to_string()
    }),
    ("MEDIA__QUOTA_BYTES", "123456", |s| {
        s.media.quota_bytes.to_string()
    }),
    ("AUTH__REFRESH_PER_ADDRESS_PER_MINUTE", "17", |s| {
        s.auth.refresh_per_address_per_minute.to_string()
    }),
    ("AUTH__REFRESH_REUSE_GRACE_SECONDS", "4", |s| {
        s.auth.refresh_reuse_grace_seconds.to_string()
    }),
    ("AUTH__SECURE_COOKIE", "true", |s| {
        s.auth.secure_cookie.to_string()
    }),
    ("AUTH__LOGINS_PER_MINUTE", "99", |s| {
        s.auth.logins_per_minute.to_string()
    }),
    ("AUTH__SIGNUPS_PER_ADDRESS_PER_HOUR", "2", |s| {
        s.auth.signups_per_address_per_hour.to_string()
    }),
    ("AUTH__SIGNUPS_PER_MINUTE", "7", |s| {
        s.auth.signups_per_minute.to_string()
    }),
    ("AUTH__REGISTRATION", "invite", |s| {
        format!("{:?}", s.auth.registration).to_lowercase()
    }),
    ("TIKTOK__CLIENT_KEY", "ck", |s| s.tiktok.client_key.clone()),
    ("TIKTOK__CLIENT_SECRET", "cs", |s| {
        s.tiktok.client_secret.clone()
    }),
    ("TIKTOK__REDIRECT_URI", "https://mt.example/cb", |s| {
        s.tiktok.redirect_uri.clone()
    }),
    ("TIKTOK__API_BASE", "http://sandbox:1", |s| {
        s.tiktok.api_base.clone()
    }),
    ("TIKTOK__AUTHORIZE_URL", "http://sandbox:1/auth", |s| {
        s.tiktok.authorize_url.clone()
    }),
    ("TIKTOK__TOKEN_KEYS_FILE", "/run/secrets/tok", |s| {
        path(s.tiktok.token_keys_file.as_deref())
    }),
    ("TIKTOK__DAILY_POST_CAP", "4", |s| {
        s.tiktok.daily_post_cap.to_string()
    }),
    ("SYNC__CRON", "0 30 3 * * *", |s| s.sync.cron.clone()),
    ("LOG_FORMAT", "json", |s| {
        format!("{:?}", s.log_format).to_lowercase()
    }),
    ("TELEMETRY__OTLP_ENDPOINT", "http://collector:4318", |s| {
        s.telemetry.otlp_endpoint.clone().unwrap_or_default()
    }),
    ("ANALYTICS__RAW_DAYS", "30", |s| {
        s.analytics.raw_days.to_string()
    }),
    ("ANALYTICS__METRICS_TTL_SECONDS", "61", |s| {
        s.analytics.metrics_ttl_seconds.to_string()
    }),
    ("ANALYTICS__SERIES_TTL_SECONDS", "62", |s| {
        s.analytics.series_ttl_seconds.to_string()
    }),
    ("ANALYTICS__INSIGHTS_TTL_SECONDS", "63", |s| {
        s.analytics.insights_ttl_seconds.to_string()
    }),
    ("ANALYTICS__REDIS_URL", "redis://cache:6379/2", |s| {
        s.analytics.redis_url.clone().unwrap_or_default()
    }),
    ("ANALYTICS__REDIS_NAMESPACE", "mt-test", |s| {
        s.analytics.redis_namespace.clone()
    }),
];

fn path(p: Option<&std::path::Path>) -> String {
    p.map(|p| p.display().to_string()).unwrap_or_default()
}

/// The `MULTITOK_*` names README mentions, without the prefix (`CONFIG` names the file).
fn documented() -> BTreeSet<String> {
    let readme = include_str!("../../README.md");
    readme
        .match_indices("MULTITOK_")
        .map(|(at, p)| {
            readme[at + p.len()..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .collect::<String>()
        })
        .filter(|name| !name.is_empty() && name != "CONFIG")
        .collect()
}

#[test]
fn every_documented_variable_is_read_back_through_settings() {
    let table: BTreeSet<String> = VARIABLES.iter().map(|(n, _, _)| (*n).to_owned()).collect();
    let missing: Vec<_> = documented().difference(&table).cloned().collect();
    assert!(
        missing.is_empty(),
        "README documents variables this test does not set: {missing:?}"
    );
    for (name, value, read) in VARIABLES {
        Jail::expect_with(|jail| {
            jail.clear_env();
            jail.set_env(format!("MULTITOK_{name}"), value);
            let settings = Settings::load(None).map_err(|e| e.to_string())?;
            assert_eq!(read(&settings), *value, "MULTITOK_{name}");
            assert_ne!(
                read(&Settings::default()),
                *value,
                "MULTITOK_{name} equals its default"
            );
            Ok(())
        });
    }
}
