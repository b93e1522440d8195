//! Use cases, independent of the transport: each takes validated input and the caller, checks
//! permissions, and talks to the store. No tonic types here.

pub mod access;
pub mod accounts;
pub mod analytics;
pub mod auth;
pub mod crypto;
pub mod media;
pub mod posts;
pub mod probe;
pub mod profiles;
pub mod scheduling;
pub mod secrets;
pub mod throttle;
pub mod tokens;
pub mod workspaces;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use multitok_store::Store;

use crate::config::Settings;
use crypto::Sealer;
use multitok_tiktok::{CreatorInfo, TikTokClient, TikTokConfig};
use secrets::AccessTokens;
use throttle::LoginThrottle;

/// The authenticated user making a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
}

/// Shared state of every use case; cheap to clone.
#[derive(Debug, Clone)]
pub struct Services {
    pub store: Store,
    pub tokens: AccessTokens,
    throttle: Arc<LoginThrottle>,
    refresh_lifetime: TimeDelta,
    /// `None` when no TikTok app is configured.
    pub tiktok: Option<TikTokClient>,
    tiktok_secret: String,
    pub sealer: Sealer,
    required_scopes: Vec<String>,
    pub daily_post_cap: u32,
    creator_cache: Arc<Mutex<HashMap<String, (Instant, CreatorInfo)>>>,
    profiles: Arc<profiles::ProfileCache>,
    pub media: media::MediaStore,
    post_changes: tokio::sync::broadcast::Sender<()>,
    pub analytics_cache: analytics::cache::AnalyticsCache,
}

impl Services {
    pub fn new(store: Store, settings: &Settings, jwt_key: &[u8]) -> anyhow::Result<Services> {
        let auth = &settings.auth;
        let t = &settings.tiktok;
        Ok(Services {
            store,
            tokens: AccessTokens::new(jwt_key, TimeDelta::minutes(auth.access_token_minutes)),
            throttle: Arc::new(LoginThrottle::new(
                auth.login_per_email_per_minute,
                auth.login_per_address_per_minute,
            )),
            refresh_lifetime: TimeDelta::days(auth.refresh_token_days),
            tiktok: tiktok_client(settings)?,
            tiktok_secret: t.client_secret.clone(),
            sealer: Sealer::new(&t.keys()?)?,
            required_scopes: t.required_scopes.clone(),
            daily_post_cap: t.daily_post_cap,
            creator_cache: Arc::default(),
            profiles: Arc::default(),
            media: media::MediaStore::local(&settings.media_dir)?,
            post_changes: tokio::sync::broadcast::channel(64).0,
            analytics_cache: analytics::cache::AnalyticsCache::local(&settings.analytics),
        })
    }

    /// Forgets throttling state of keys that recovered; call once in a while.
    pub fn shrink_throttle(&self) {
        self.throttle.shrink();
    }

    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The TikTok client for the configured app, if any.
fn tiktok_client(settings: &Settings) -> anyhow::Result<Option<TikTokClient>> {
    let t = &settings.tiktok;
    if !t.configured() {
        return Ok(None);
    }
    let base = url::Url::parse(&t.api_base)?;
    let mut config = TikTokConfig::new(
        t.client_key.clone(),
        t.client_secret.clone(),
        t.redirect_uri.clone(),
    )
    .with_base(&base);
    if !t.authorize_url.is_empty() {
        config.authorize_url = url::Url::parse(&t.authorize_url)?;
    }
    Ok(Some(TikTokClient::new(config)?))
}
