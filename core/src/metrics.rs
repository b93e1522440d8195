//! The process's Prometheus metrics, in one registry rendered in Prometheus's text format by
//! `/metrics`: calls (the server's RPCs), the worker's publishing (lateness, inits), TikTok calls
//! and rate-limit waits by endpoint, circuit state, analytics cache hits, upload bytes, and
//! gauges read from the database at each scrape (targets by state, accounts by status, earliest
//! token expiry, sync age per workspace). The `prometheus` crate writes the text format (0.0.4)
//! that Prometheus and promtool parse.

use std::time::Duration;

use chrono::{DateTime, Utc};
use multitok_store::Store;
use multitok_tiktok::{Endpoint, Observer, TikTokClient};
use prometheus::{
    CounterVec, Gauge, GaugeVec, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec,
    IntGaugeVec, Opts, Registry, TextEncoder, exponential_buckets,
};

/// Every metric; cheap to clone (the handles share their values).
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    rpc_requests: IntCounterVec,
    rpc_seconds: HistogramVec,
    pub publish_lateness: Histogram,
    inits: IntCounterVec,
    tiktok_calls: IntCounterVec,
    tiktok_seconds: HistogramVec,
    tiktok_waits: CounterVec,
    cache: IntCounterVec,
    pub upload_bytes: IntCounter,
    circuits: IntGaugeVec,
    targets: IntGaugeVec,
    accounts: IntGaugeVec,
    token_expiry: Gauge,
    sync_age: GaugeVec,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// Registers one metric; the names and options here are constants, so this cannot fail at
/// run time except through a mistake that every test would show.
fn add<M: prometheus::core::Collector + Clone + 'static>(
    r: &Registry,
    m: prometheus::Result<M>,
) -> M {
    #[allow(clippy::expect_used)] // constant names and labels, checked by every test
    let m = m.expect("valid metric options");
    #[allow(clippy::expect_used)]
    r.register(Box::new(m.clone()))
        .expect("metric names are unique");
    m
}

fn seconds_buckets(start: f64, count: usize) -> Vec<f64> {
    exponential_buckets(start, 2.0, count).unwrap_or_default()
}

impl Default for Metrics {
    fn default() -> Metrics {
        #[allow(clippy::expect_used)] // a constant prefix
        let r = Registry::new_custom(Some("multitok".into()), None).expect("valid prefix");
        let latency = |name: &str, help: &str, labels: &[&str]| {
            HistogramVec::new(
                HistogramOpts::new(name, help).buckets(seconds_buckets(0.001, 16)),
                labels,
            )
        };
        Metrics {
            rpc_requests: add(
                &r,
                IntCounterVec::new(
                    Opts::new(
                        "rpc_requests_total",
                        "Calls answered, by method and gRPC code",
                    ),
                    &["method", "code"],
                ),
            ),
            rpc_seconds: add(
                &r,
                latency(
                    "rpc_duration_seconds",
                    "Time to answer a call, by method",
                    &["method"],
                ),
            ),
            publish_lateness: add(
                &r,
                Histogram::with_opts(
                    HistogramOpts::new(
                        "publish_lateness_seconds",
                        "From a target's due time to its init call at TikTok",
                    )
                    .buckets(seconds_buckets(0.05, 14)),
                ),
            ),
            inits: add(
                &r,
                IntCounterVec::new(
                    Opts::new("inits_total", "Init calls to TikTok, by outcome"),
                    &["outcome"],
                ),
            ),
            tiktok_calls: add(
                &r,
                IntCounterVec::new(
                    Opts::new(
                        "tiktok_calls_total",
                        "TikTok API calls, by endpoint and outcome",
                    ),
                    &["endpoint", "outcome"],
                ),
            ),
            tiktok_seconds: add(
                &r,
                latency(
                    "tiktok_call_duration_seconds",
                    "TikTok API call time, by endpoint",
                    &["endpoint"],
                ),
            ),
            tiktok_waits: add(
                &r,
                CounterVec::new(
                    Opts::new(
                        "tiktok_rate_limit_wait_seconds_total",
                        "Time spent waiting for TikTok's rate limits, by endpoint",
                    ),
                    &["endpoint"],
                ),
            ),
            cache: add(
                &r,
                IntCounterVec::new(
                    Opts::new(
                        "analytics_cache_lookups_total",
                        "Analytics cache lookups, by result (hit, miss)",
                    ),
                    &["result"],
                ),
            ),
            upload_bytes: add(
                &r,
                IntCounter::new("upload_bytes_total", "Bytes of media received"),
            ),
            circuits: add(
                &r,
                IntGaugeVec::new(
                    Opts::new(
                        "tiktok_circuit_open",
                        "1 while the circuit to a TikTok host is open",
                    ),
                    &["host"],
                ),
            ),
            targets: add(
                &r,
                IntGaugeVec::new(Opts::new("targets", "Post targets by state"), &["state"]),
            ),
            accounts: add(
                &r,
                IntGaugeVec::new(
                    Opts::new("accounts", "TikTok accounts by status"),
                    &["status"],
                ),
            ),
            token_expiry: add(
                &r,
                Gauge::new(
                    "token_expiry_seconds",
                    "Seconds until the earliest refresh-token expiry of an active account",
                ),
            ),
            sync_age: add(
                &r,
                GaugeVec::new(
                    Opts::new(
                        "sync_age_seconds",
                        "Seconds since the least recently synced active account of a workspace",
                    ),
                    &["workspace"],
                ),
            ),
            registry: r,
        }
    }
}

impl Metrics {
    /// Counts one answered call.
    pub fn rpc(&self, method: &str, code: &str, took: Duration) {
        self.rpc_seconds
            .with_label_values(&[method])
            .observe(took.as_secs_f64());
        self.rpc_requests.with_label_values(&[method, code]).inc();
    }

    /// Calls counted so far for a method label and code.
    pub fn rpc_count(&self, method: &str, code: &str) -> u64 {
        self.rpc_requests.with_label_values(&[method, code]).get()
    }

    /// Counts a cache lookup.
    pub fn cache_lookup(&self, hit: bool) {
        let result = if hit { "hit" } else { "miss" };
        self.cache.with_label_values(&[result]).inc();
    }

    /// Reads the database gauges and the circuits, then renders everything as text.
    pub async fn render(
        &self,
        store: &Store,
        tiktok: Option<&TikTokClient>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<String> {
        let g = store.gauges().await?;
        set_all(&self.targets, &g.targets_by_state);
        set_all(&self.accounts, &g.accounts_by_status);
        let expiry = g.earliest_token_expiry.map_or(0.0, |at| seconds(at - now));
        self.token_expiry.set(expiry);
        self.sync_age.reset();
        for (workspace, oldest) in &g.oldest_sync {
            let age = oldest.map_or(f64::INFINITY, |at| seconds(now - at));
            self.sync_age
                .with_label_values(&[workspace.as_str()])
                .set(age);
        }
        for (host, open) in tiktok.map(TikTokClient::circuits).unwrap_or_default() {
            self.circuits
                .with_label_values(&[host.as_str()])
                .set(i64::from(open));
        }
        Ok(TextEncoder::new().encode_to_string(&self.registry.gather())?)
    }
}

fn seconds(d: chrono::TimeDelta) -> f64 {
    d.num_milliseconds() as f64 / 1000.0
}

fn set_all(family: &IntGaugeVec, counts: &[(String, i64)]) {
    family.reset();
    for (value, n) in counts {
        family.with_label_values(&[value.as_str()]).set(*n);
    }
}

/// Endpoint names for labels: the path without TikTok's slashes.
fn endpoint_label(endpoint: Endpoint) -> String {
    endpoint.path().trim_matches('/').replace('/', "_")
}

impl Observer for Metrics {
    fn call(&self, endpoint: Endpoint, outcome: &str, took: Duration) {
        let name = endpoint_label(endpoint);
        self.tiktok_calls
            .with_label_values(&[name.as_str(), outcome])
            .inc();
        if endpoint.is_init() {
            self.inits.with_label_values(&[outcome]).inc();
        }
        self.tiktok_seconds
            .with_label_values(&[name.as_str()])
            .observe(took.as_secs_f64());
    }

    fn waited(&self, endpoint: Endpoint, took: Duration) {
        self.tiktok_waits
            .with_label_values(&[endpoint_label(endpoint).as_str()])
            .inc_by(took.as_secs_f64());
    }
}
