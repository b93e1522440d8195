//! The HTTP core: every API call passes the circuit breaker and the rate limiter, is sent once,
//! and its answer is parsed and classified; read calls are retried on transient failures.

use std::sync::Arc;
use std::time::Duration;

use oauth2::AccessToken;
use rand::Rng;
use reqwest::{Method, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::config::{Endpoint, TikTokConfig};
use crate::envelope;
use crate::error::{ErrorClass, TikTokError};
use crate::limits::{Breaker, Limits};
use crate::observe::{Observer, Silent};
use tracing::Instrument;

/// A TikTok client; cheap to clone, share one per process so limits are shared.
#[derive(Clone)]
pub struct TikTokClient {
    pub(crate) http: reqwest::Client,
    pub(crate) config: Arc<TikTokConfig>,
    limits: Arc<Limits>,
    breaker: Arc<Breaker>,
    pub(crate) observer: Arc<dyn Observer>,
}

impl std::fmt::Debug for TikTokClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TikTokClient")
            .field("api_base", &self.config.api_base.as_str())
            .finish_non_exhaustive()
    }
}

/// A request body.
pub(crate) enum Body<'a> {
    None,
    Json(&'a serde_json::Value),
}

impl TikTokClient {
    pub fn new(config: TikTokConfig) -> Result<TikTokClient, TikTokError> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .user_agent(concat!("multitok/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                TikTokError::local(ErrorClass::Permanent, "client_setup", e.to_string())
            })?;
        Ok(TikTokClient {
            http,
            limits: Arc::new(Limits::new(config.per_minute)),
            breaker: Arc::new(Breaker::new(
                config.breaker_threshold,
                config.breaker_cooldown,
            )),
            config: Arc::new(config),
            observer: Arc::new(Silent),
        })
    }

    /// Reports every API call and rate-limit wait to `observer`.
    pub fn observed_by(mut self, observer: Arc<dyn Observer>) -> TikTokClient {
        self.observer = observer;
        self
    }

    /// Each host the client has called, and whether its circuit is open now.
    pub fn circuits(&self) -> Vec<(String, bool)> {
        self.breaker.states()
    }

    pub fn config(&self) -> &TikTokConfig {
        &self.config
    }

    /// Calls an API endpoint with the user's token and returns its `data`.
    pub(crate) async fn api<T: DeserializeOwned + Default>(
        &self,
        endpoint: Endpoint,
        token: &AccessToken,
        query: &[(&str, String)],
        body: Body<'_>,
    ) -> Result<T, TikTokError> {
        let policy = self.config.retry;
        let attempts = if endpoint.is_retryable() {
            policy.attempts.max(1)
        } else {
            1
        };
        let mut attempt = 0;
        loop {
            let started = std::time::Instant::now();
            let span = tracing::info_span!(
                "tiktok",
                otel.name = %format!("TikTok {}", endpoint.path()),
                otel.kind = "client",
                attempt,
            );
            let result = self
                .api_once(endpoint, token, query, &body)
                .instrument(span)
                .await;
            let outcome = result.as_ref().map_or_else(|e| e.code.as_str(), |_| "ok");
            self.observer.call(endpoint, outcome, started.elapsed());
            attempt += 1;
            match result {
                Err(e) if attempt < attempts && is_retryable(&e) => {
                    let delay = backoff(policy.base, policy.max_delay, attempt);
                    tracing::debug!(code = %e.code, attempt, ?delay, "retrying TikTok read call");
                    tokio::time::sleep(delay).await;
                }
                other => return other,
            }
        }
    }

    async fn api_once<T: DeserializeOwned + Default>(
        &self,
        endpoint: Endpoint,
        token: &AccessToken,
        query: &[(&str, String)],
        body: &Body<'_>,
    ) -> Result<T, TikTokError> {
        let url = self.config.endpoint_url(endpoint);
        let host = url.host_str().unwrap_or_default().to_owned();
        self.breaker.admit(&host)?;
        let waited = self.limits.wait(endpoint, &token_key(token)).await;
        if !waited.is_zero() {
            self.observer.waited(endpoint, waited);
        }
        let method = if endpoint == Endpoint::UserInfo {
            Method::GET
        } else {
            Method::POST
        };
        let mut request = self
            .http
            .request(method, url)
            .bearer_auth(token.secret())
            .query(query);
        if let Body::Json(json) = body {
            request = request
                .header("content-type", "application/json; charset=UTF-8")
                .json(json);
        } else if endpoint != Endpoint::UserInfo {
            request = request.header("content-type", "application/json; charset=UTF-8");
        }
        let (status, retry_after, bytes) = self.send(request, &host, endpoint.is_init()).await?;
        envelope::api(status, &bytes, retry_after)
    }

    /// Sends and reads the whole answer, recording the outcome with the breaker. A failure after
    /// the request may have reached TikTok is `OutcomeUnknown` when `outcome_matters`.
    pub(crate) async fn send(
        &self,
        request: RequestBuilder,
        host: &str,
        outcome_matters: bool,
    ) -> Result<(u16, Option<Duration>, bytes::Bytes), TikTokError> {
        let response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                self.breaker.record(host, true);
                return Err(network_error(&e, outcome_matters && !e.is_connect()));
            }
        };
        let (status, retry_after) = (response.status().as_u16(), retry_after(&response));
        match response.bytes().await {
            Ok(bytes) => {
                self.breaker.record(host, status >= 500);
                Ok((status, retry_after, bytes))
            }
            Err(e) => {
                self.breaker.record(host, true);
                Err(network_error(&e, outcome_matters))
            }
        }
    }
}

/// Rate-limit key: a hash of the token, so no secret is kept as a map key.
fn token_key(token: &AccessToken) -> String {
    hex::encode(&Sha256::digest(token.secret().as_bytes())[..12])
}

fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.headers().get("retry-after")?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

fn network_error(e: &reqwest::Error, unknown: bool) -> TikTokError {
    let class = if unknown {
        ErrorClass::OutcomeUnknown
    } else {
        ErrorClass::Transient {
            retry_after: Duration::from_secs(2),
        }
    };
    let what = if e.is_timeout() {
        "timed out"
    } else {
        "lost the connection"
    };
    TikTokError::local(class, "network", format!("the call to TikTok {what}"))
}

/// Server errors and lost connections of read calls are retried here; a 429 is not (the
/// limiter should prevent it, and the caller sees `RateLimited` with TikTok's delay), nor is an
/// open circuit.
fn is_retryable(e: &TikTokError) -> bool {
    matches!(e.class, ErrorClass::Transient { .. }) && e.code != "circuit_open"
}

/// Exponential backoff with full jitter.
pub(crate) fn backoff(base: Duration, max: Duration, attempt: u32) -> Duration {
    let ceiling = base.saturating_mul(1 << attempt.min(16)).min(max);
    Duration::from_millis(rand::rng().random_range(0..=ceiling.as_millis().max(1) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(2);
        for attempt in 0..20 {
            let d = backoff(base, max, attempt);
            assert!(d <= max);
            assert!(d <= base * (1 << attempt.min(16)));
        }
    }
}
