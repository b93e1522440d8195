//! The analytics cache: answers kept per kind for a configurable time, in this process or, when
//! a Redis URL is configured, in Redis so that every server replica shares them. Keys carry the
//! analytics versions of the accounts involved, so a sync or a publish (which change them)
//! makes older answers unreachable at once. A failing Redis never fails a call: the answer is
//! computed instead.

use multitok_core::metrics::Metrics;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use cached::{AsyncRedisCache, Cached, ConcurrentCachedAsync, LruTtlCache};
use prost::Message;

use multitok_core::CoreError;
use multitok_core::config::AnalyticsSettings;

/// How long a kind of answer is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Account metrics, the dashboard.
    Metrics,
    /// Time series and comparisons.
    Series,
    /// Post analytics and best times.
    Insights,
}

const LOCAL_ENTRIES: usize = 10_000;

/// One in-process cache per kind.
type LocalCaches = [Mutex<LruTtlCache<String, Vec<u8>>>; 3];

/// Where answers are kept.
#[derive(Clone)]
enum Backend {
    Local(Arc<LocalCaches>),
    Redis(Arc<[AsyncRedisCache<String, String>; 3]>),
}

/// The cache; cheap to clone.
#[derive(Clone)]
pub struct AnalyticsCache {
    backend: Backend,
    metrics: Option<Metrics>,
}

impl std::fmt::Debug for AnalyticsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.backend {
            Backend::Local(_) => "local",
            Backend::Redis(_) => "redis",
        };
        f.debug_struct("AnalyticsCache")
            .field("backend", &kind)
            .finish()
    }
}

fn ttls(settings: &AnalyticsSettings) -> [Duration; 3] {
    [
        settings.metrics_ttl_seconds,
        settings.series_ttl_seconds,
        settings.insights_ttl_seconds,
    ]
    .map(|s| Duration::from_secs(s.max(1)))
}

fn index(kind: Kind) -> usize {
    match kind {
        Kind::Metrics => 0,
        Kind::Series => 1,
        Kind::Insights => 2,
    }
}

impl AnalyticsCache {
    /// An in-process cache.
    pub fn local(settings: &AnalyticsSettings) -> AnalyticsCache {
        AnalyticsCache {
            metrics: None,
            backend: Backend::Local(Arc::new(
                ttls(settings).map(|ttl| Mutex::new(LruTtlCache::new(LOCAL_ENTRIES, ttl))),
            )),
        }
    }

    /// An in-process cache, or a Redis one when `settings.redis_url` is set.
    pub async fn new(settings: &AnalyticsSettings) -> anyhow::Result<AnalyticsCache> {
        let ttls = ttls(settings);
        let backend = match &settings.redis_url {
            None => return Ok(AnalyticsCache::local(settings)),
            Some(url) => {
                let mut caches = Vec::new();
                for (name, ttl) in ["metrics", "series", "insights"].into_iter().zip(ttls) {
                    caches.push(
                        AsyncRedisCache::builder(name)
                            .namespace(&settings.redis_namespace)
                            .ttl(ttl)
                            .connection_string(url)
                            .build()
                            .await
                            .map_err(|e| {
                                anyhow::anyhow!("cannot use Redis for the analytics cache: {e}")
                            })?,
                    );
                }
                let caches: [AsyncRedisCache<String, String>; 3] = caches
                    .try_into()
                    .map_err(|_| anyhow::anyhow!("three caches expected"))?;
                Backend::Redis(Arc::new(caches))
            }
        };
        Ok(AnalyticsCache {
            backend,
            metrics: None,
        })
    }

    /// Counts hits and misses in `metrics`.
    pub fn counted_in(mut self, metrics: Metrics) -> AnalyticsCache {
        self.metrics = Some(metrics);
        self
    }

    /// The answer under `key`, or `compute`'s, which is then kept.
    pub async fn get_or<M, F>(&self, kind: Kind, key: String, compute: F) -> Result<M, CoreError>
    where
        M: Message + Default,
        F: Future<Output = Result<M, CoreError>>,
    {
        let found = self.get(kind, &key).await;
        let decoded = found.and_then(|f| M::decode(f.as_slice()).ok());
        if let Some(metrics) = &self.metrics {
            metrics.cache_lookup(decoded.is_some());
        }
        if let Some(m) = decoded {
            return Ok(m);
        }
        let answer = compute.await?;
        self.set(kind, key, answer.encode_to_vec()).await;
        Ok(answer)
    }

    async fn get(&self, kind: Kind, key: &String) -> Option<Vec<u8>> {
        match &self.backend {
            Backend::Local(caches) => caches[index(kind)].lock().ok()?.cache_get(key).cloned(),
            Backend::Redis(caches) => match caches[index(kind)].async_cache_get(key).await {
                Ok(found) => STANDARD_NO_PAD.decode(found?).ok(),
                Err(e) => {
                    tracing::warn!(error = %e, "analytics cache read failed");
                    None
                }
            },
        }
    }

    async fn set(&self, kind: Kind, key: String, value: Vec<u8>) {
        match &self.backend {
            Backend::Local(caches) => {
                if let Ok(mut cache) = caches[index(kind)].lock() {
                    cache.cache_set(key, value);
                }
            }
            Backend::Redis(caches) => {
                let encoded = STANDARD_NO_PAD.encode(value);
                if let Err(e) = caches[index(kind)].async_cache_set(key, encoded).await {
                    tracing::warn!(error = %e, "analytics cache write failed");
                }
            }
        }
    }
}
