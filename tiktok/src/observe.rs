//! What the client reports about its calls, for metrics: each API call's endpoint, outcome and
//! duration, and time spent waiting for the rate limiter. The process supplies the observer.

use std::time::Duration;

use crate::config::Endpoint;

/// Receives one report per API call and per rate-limit wait.
pub trait Observer: Send + Sync {
    /// A call ended: `outcome` is `ok` or TikTok's (or the client's) error code.
    fn call(&self, endpoint: Endpoint, outcome: &str, took: Duration);
    /// A call waited for the rate limiter.
    fn waited(&self, endpoint: Endpoint, took: Duration);
}

/// Reports nothing.
pub(crate) struct Silent;

impl Observer for Silent {
    fn call(&self, _: Endpoint, _: &str, _: Duration) {}
    fn waited(&self, _: Endpoint, _: Duration) {}
}
