//! Use cases, independent of the transport: each takes validated input and the caller, checks
//! permissions, and talks to the store. No tonic types here.

pub mod access;
pub mod auth;
pub mod secrets;
pub mod throttle;
pub mod workspaces;

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use multitok_store::Store;

use crate::config::Settings;
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
}

impl Services {
    pub fn new(store: Store, settings: &Settings, jwt_key: &[u8]) -> Services {
        let auth = &settings.auth;
        Services {
            store,
            tokens: AccessTokens::new(jwt_key, TimeDelta::minutes(auth.access_token_minutes)),
            throttle: Arc::new(LoginThrottle::new(
                auth.login_per_email_per_minute,
                auth.login_per_address_per_minute,
            )),
            refresh_lifetime: TimeDelta::days(auth.refresh_token_days),
        }
    }

    /// Forgets throttling state of keys that recovered; call once in a while.
    pub fn shrink_throttle(&self) {
        self.throttle.shrink();
    }

    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
