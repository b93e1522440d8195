//! Multitok's core: the use cases the server and the worker share (settings, sealing of TikTok
//! tokens, account access and single-flight token refresh, media, posts and scheduling,
//! analytics writes), with a transport-free error ([`CoreError`]) and an injected [`Clock`].
//! Each use case takes validated input and the caller, checks permissions, and talks to the
//! store. No gRPC, HTTP server or drawing code here.

pub mod access;
pub mod accounts;
pub mod analytics;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod error;
pub mod keys;
pub mod media;
pub mod media_url;
pub mod metrics;
pub mod posts;
pub mod probe;
pub mod profiles;
pub mod readiness;
pub mod scheduling;
mod signal;
pub mod steps;
pub mod telemetry;
pub mod tokens;
pub mod workspaces;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Utc};
use multitok_store::Store;
use multitok_tiktok::{CreatorInfo, TikTokClient, TikTokConfig};

pub use clock::Clock;
pub use config::Settings;
pub use error::CoreError;
pub use signal::shutdown_signal;

use crypto::Sealer;

/// The authenticated user making a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user_id: String,
}

/// Shared state of every use case; cheap to clone.
#[derive(Debug, Clone)]
pub struct Core {
    pub store: Store,
    /// `None` when no TikTok app is configured.
    pub tiktok: Option<TikTokClient>,
    tiktok_secret: String,
    pub sealer: Sealer,
    required_scopes: Vec<String>,
    pub daily_post_cap: u32,
    /// Who may register (`auth.registration`).
    pub registration: config::RegistrationPolicy,
    creator_cache: Arc<Mutex<HashMap<String, (Instant, CreatorInfo)>>>,
    profiles: Arc<profiles::ProfileCache>,
    pub media: media::MediaStore,
    /// Bytes one workspace may store (`media.quota_bytes`).
    pub media_quota: u64,
    /// Signs the URLs that serve media files to browsers.
    pub media_urls: media_url::MediaUrls,
    pub metrics: metrics::Metrics,
    post_changes: tokio::sync::broadcast::Sender<()>,
    /// One permit per core for CPU-heavy work (see `off_runtime`).
    heavy: Arc<tokio::sync::Semaphore>,
    clock: Clock,
}

impl Core {
    pub fn new(store: Store, settings: &Settings, clock: Clock) -> anyhow::Result<Core> {
        let t = &settings.tiktok;
        let metrics = metrics::Metrics::default();
        let observer: Arc<dyn multitok_tiktok::Observer> = Arc::new(metrics.clone());
        Ok(Core {
            store,
            tiktok: tiktok_client(settings)?.map(|c| c.observed_by(observer)),
            metrics,
            tiktok_secret: t.client_secret.clone(),
            sealer: Sealer::new(&t.keys()?)?,
            required_scopes: t.required_scopes.clone(),
            daily_post_cap: t.daily_post_cap,
            registration: settings.auth.registration,
            creator_cache: Arc::default(),
            profiles: Arc::default(),
            media: media::MediaStore::local(&settings.media_dir)?,
            media_quota: settings.media.quota_bytes,
            media_urls: media_url::MediaUrls::new(&settings.auth.jwt_secret),
            post_changes: tokio::sync::broadcast::channel(64).0,
            heavy: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, usize::from),
            )),
            clock,
        })
    }

    /// Runs CPU-heavy work (probing a video, parsing an import, drawing a chart) off the async
    /// runtime, at most one piece per core at a time; further callers wait their turn instead
    /// of piling up threads and memory.
    pub async fn off_runtime<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, CoreError> {
        let _permit = self.heavy.acquire().await.map_err(CoreError::internal)?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(CoreError::internal)
    }

    /// Now, by the injected clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The clock every use case reads.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The in-process cache of `Me` answers.
    pub fn profiles(&self) -> &profiles::ProfileCache {
        &self.profiles
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
