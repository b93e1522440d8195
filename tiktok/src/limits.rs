//! Client-side protection: per-(token, endpoint) rate limits that make a call wait for its slot
//! (governor on tokio's clock, so tests can pause time), and a per-host circuit breaker.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};
use tokio::time::Instant;

use crate::config::Endpoint;
use crate::error::{ErrorClass, TikTokError};

/// governor's clock driven by tokio's (pausable) time.
#[derive(Debug, Clone)]
pub struct TokioClock {
    start: Instant,
}

impl Clock for TokioClock {
    type Instant = Duration;
    fn now(&self) -> Duration {
        Instant::now().duration_since(self.start)
    }
}

type Keyed = RateLimiter<String, HashMapStateStore<String>, TokioClock, NoOpMiddleware<Duration>>;

/// One keyed limiter per endpoint; keys are a hash of the access token.
pub struct Limits {
    clock: TokioClock,
    per_endpoint: HashMap<Endpoint, Keyed>,
}

impl Limits {
    pub fn new(per_minute: fn(Endpoint) -> Option<u32>) -> Limits {
        let clock = TokioClock {
            start: Instant::now(),
        };
        let endpoints = [
            Endpoint::UserInfo,
            Endpoint::VideoList,
            Endpoint::VideoQuery,
            Endpoint::CreatorInfo,
            Endpoint::VideoInit,
            Endpoint::InboxVideoInit,
            Endpoint::ContentInit,
            Endpoint::StatusFetch,
            Endpoint::Cancel,
        ];
        let per_endpoint = endpoints
            .into_iter()
            .filter_map(|e| {
                let n = NonZeroU32::new(per_minute(e)?)?;
                Some((
                    e,
                    RateLimiter::hashmap_with_clock(Quota::per_minute(n), clock.clone()),
                ))
            })
            .collect();
        Limits {
            clock,
            per_endpoint,
        }
    }

    /// Waits until `key` may call `endpoint`; answers how long it waited.
    pub async fn wait(&self, endpoint: Endpoint, key: &str) -> Duration {
        let Some(limiter) = self.per_endpoint.get(&endpoint) else {
            return Duration::ZERO;
        };
        let key = key.to_owned();
        let mut waited = Duration::ZERO;
        while let Err(not_until) = limiter.check_key(&key) {
            let pause = not_until.wait_time_from(self.clock.now());
            tokio::time::sleep(pause).await;
            waited += pause;
        }
        waited
    }
}

#[derive(Debug, Clone, Copy)]
enum State {
    Closed {
        failures: u32,
    },
    Open {
        until: Instant,
    },
    /// One probe is in flight; everything else is refused until it reports.
    HalfOpen,
}

/// Per-host circuit breaker: opens after `threshold` consecutive failures, refuses calls for
/// `cooldown`, then lets one probe through; a successful probe closes it.
pub struct Breaker {
    threshold: u32,
    cooldown: Duration,
    hosts: Mutex<HashMap<String, State>>,
}

impl Breaker {
    pub fn new(threshold: u32, cooldown: Duration) -> Breaker {
        Breaker {
            threshold: threshold.max(1),
            cooldown,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// `Err` while the circuit for `host` is open (or a probe is already out).
    pub fn admit(&self, host: &str) -> Result<(), TikTokError> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        let state = hosts
            .entry(host.to_owned())
            .or_insert(State::Closed { failures: 0 });
        match *state {
            State::Closed { .. } => Ok(()),
            State::Open { until } if Instant::now() >= until => {
                *state = State::HalfOpen;
                Ok(())
            }
            State::Open { until } => {
                Err(open_error(until.saturating_duration_since(Instant::now())))
            }
            State::HalfOpen => Err(open_error(self.cooldown)),
        }
    }

    /// Each host seen, and whether its circuit is open (or half open) now.
    pub fn states(&self) -> Vec<(String, bool)> {
        let hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .iter()
            .map(|(host, state)| (host.clone(), !matches!(state, State::Closed { .. })))
            .collect()
    }

    /// Records the outcome of an admitted call. Only server-side failures count.
    pub fn record(&self, host: &str, failed: bool) {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        let state = hosts
            .entry(host.to_owned())
            .or_insert(State::Closed { failures: 0 });
        *state = match (*state, failed) {
            (_, false) => State::Closed { failures: 0 },
            (State::Closed { failures }, true) if failures + 1 < self.threshold => State::Closed {
                failures: failures + 1,
            },
            (_, true) => {
                tracing::warn!(host, "TikTok circuit opened after repeated failures");
                State::Open {
                    until: Instant::now() + self.cooldown,
                }
            }
        };
    }
}

fn open_error(retry_after: Duration) -> TikTokError {
    TikTokError::local(
        ErrorClass::Transient { retry_after },
        "circuit_open",
        "TikTok is failing repeatedly; calls are paused for a moment",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn breaker_opens_then_probes_then_closes() {
        let b = Breaker::new(3, Duration::from_secs(30));
        for _ in 0..3 {
            b.admit("h").unwrap();
            b.record("h", true);
        }
        assert_eq!(b.admit("h").unwrap_err().code, "circuit_open");
        tokio::time::advance(Duration::from_secs(31)).await;
        b.admit("h").unwrap();
        assert!(b.admit("h").is_err(), "only one probe at a time");
        b.record("h", false);
        b.admit("h").unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn seventh_init_in_a_minute_waits_for_its_slot() {
        let limits = Limits::new(Endpoint::documented_per_minute);
        let start = Instant::now();
        for _ in 0..7 {
            limits.wait(Endpoint::VideoInit, "token-a").await;
        }
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_secs(9) && waited <= Duration::from_secs(11),
            "{waited:?}"
        );
        let other = Instant::now();
        limits.wait(Endpoint::VideoInit, "token-b").await;
        assert_eq!(
            other.elapsed(),
            Duration::ZERO,
            "other tokens have their own budget"
        );
    }
}
