//! The server's side of the use cases: the shared [`Core`] plus what only a server needs
//! (sessions and access tokens, login throttling, the analytics reads with their cache and
//! charts). No tonic types here.

pub mod analytics;
pub mod auth;
pub mod secrets;
pub mod streams;
pub mod throttle;

use std::ops::Deref;
use std::sync::Arc;

use chrono::TimeDelta;
use multitok_core::{Clock, Core, Settings};
use multitok_store::Store;

pub use multitok_core::{Caller, access, accounts, crypto, media, posts, scheduling, workspaces};
use secrets::AccessTokens;
use throttle::{LoginThrottle, RefreshThrottle, SignupThrottle};

/// Shared state of every handler: the core's use cases and the server's own; cheap to clone.
#[derive(Debug, Clone)]
pub struct Services {
    pub core: Core,
    pub tokens: AccessTokens,
    throttle: Arc<LoginThrottle>,
    signups: Arc<SignupThrottle>,
    refreshes: Arc<RefreshThrottle>,
    refresh_lifetime: TimeDelta,
    refresh_grace: TimeDelta,
    streams: Arc<streams::StreamSlots>,
    stream_limits: multitok_core::config::StreamSettings,
    pub analytics_cache: analytics::cache::AnalyticsCache,
}

/// Handlers call the core's use cases as if they were the server's own.
impl Deref for Services {
    type Target = Core;

    fn deref(&self) -> &Core {
        &self.core
    }
}

impl Services {
    pub fn new(store: Store, settings: &Settings, jwt_key: &[u8]) -> anyhow::Result<Services> {
        let auth = &settings.auth;
        let core = Core::new(store, settings, Clock::system())?;
        Ok(Services {
            core: core.clone(),
            tokens: AccessTokens::new(jwt_key, TimeDelta::minutes(auth.access_token_minutes)),
            throttle: Arc::new(LoginThrottle::new(
                auth.login_per_email_per_minute,
                auth.login_per_address_per_minute,
                auth.logins_per_minute,
            )),
            signups: Arc::new(SignupThrottle::new(
                auth.signups_per_address_per_hour,
                auth.signups_per_minute,
            )),
            refreshes: Arc::new(RefreshThrottle::new(auth.refresh_per_address_per_minute)),
            refresh_lifetime: TimeDelta::days(auth.refresh_token_days),
            refresh_grace: TimeDelta::seconds(auth.refresh_reuse_grace_seconds.into()),
            streams: Arc::default(),
            stream_limits: settings.streams.clone(),
            analytics_cache: analytics::cache::AnalyticsCache::local(&settings.analytics)
                .counted_in(core.metrics.clone()),
        })
    }

    /// Forgets throttling state of keys that recovered; call once in a while.
    pub fn shrink_throttle(&self) {
        self.throttle.shrink();
        self.signups.shrink();
        self.refreshes.shrink();
    }
}
