//! Base URLs, credentials, per-endpoint rate limits, retries and the circuit breaker.

use std::time::Duration;

use oauth2::ClientSecret;
use url::Url;

/// Every TikTok endpoint this client calls, for rate limiting and error handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Token,
    Revoke,
    UserInfo,
    VideoList,
    VideoQuery,
    CreatorInfo,
    VideoInit,
    InboxVideoInit,
    ContentInit,
    StatusFetch,
    Cancel,
}

impl Endpoint {
    /// The path under the API base, with TikTok's trailing slash.
    pub const fn path(self) -> &'static str {
        match self {
            Endpoint::Token => "/v2/oauth/token/",
            Endpoint::Revoke => "/v2/oauth/revoke/",
            Endpoint::UserInfo => "/v2/user/info/",
            Endpoint::VideoList => "/v2/video/list/",
            Endpoint::VideoQuery => "/v2/video/query/",
            Endpoint::CreatorInfo => "/v2/post/publish/creator_info/query/",
            Endpoint::VideoInit => "/v2/post/publish/video/init/",
            Endpoint::InboxVideoInit => "/v2/post/publish/inbox/video/init/",
            Endpoint::ContentInit => "/v2/post/publish/content/init/",
            Endpoint::StatusFetch => "/v2/post/publish/status/fetch/",
            Endpoint::Cancel => "/v2/post/publish/cancel/",
        }
    }

    /// Init calls create a post; their outcome is unknown when the answer is lost, so they are
    /// never retried automatically.
    pub const fn is_init(self) -> bool {
        matches!(
            self,
            Endpoint::VideoInit | Endpoint::InboxVideoInit | Endpoint::ContentInit
        )
    }

    /// Calls safe to repeat on a transient failure.
    pub const fn is_retryable(self) -> bool {
        matches!(
            self,
            Endpoint::UserInfo
                | Endpoint::VideoList
                | Endpoint::VideoQuery
                | Endpoint::CreatorInfo
                | Endpoint::StatusFetch
        )
    }

    /// TikTok's documented requests per minute per user token; `None` where none is documented.
    pub const fn documented_per_minute(self) -> Option<u32> {
        match self {
            Endpoint::UserInfo | Endpoint::VideoList | Endpoint::VideoQuery => Some(600),
            Endpoint::CreatorInfo => Some(20),
            Endpoint::VideoInit | Endpoint::InboxVideoInit | Endpoint::ContentInit => Some(6),
            Endpoint::StatusFetch => Some(30),
            Endpoint::Token | Endpoint::Revoke | Endpoint::Cancel => None,
        }
    }
}

/// Retries of read calls: exponential backoff from `base`, capped at `max_delay`, with full
/// jitter, `attempts` tries in all.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub base: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            base: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        }
    }
}

/// Everything the client needs; `TikTokConfig::new` fills TikTok's real hosts and limits.
#[derive(Debug, Clone)]
pub struct TikTokConfig {
    /// The consent page, `https://www.tiktok.com/v2/auth/authorize/`.
    pub authorize_url: Url,
    /// The API host, `https://open.tiktokapis.com`.
    pub api_base: Url,
    pub client_key: String,
    pub client_secret: ClientSecret,
    pub redirect_uri: String,
    /// Requests per minute per (token, endpoint); `None` disables the limiter for an endpoint.
    pub per_minute: fn(Endpoint) -> Option<u32>,
    pub retry: RetryPolicy,
    /// Consecutive failures (5xx, network) of a host that open its circuit.
    pub breaker_threshold: u32,
    /// How long an open circuit refuses calls before letting one probe through.
    pub breaker_cooldown: Duration,
    pub timeout: Duration,
}

impl TikTokConfig {
    /// TikTok's production hosts and documented limits.
    pub fn new(
        client_key: impl Into<String>,
        client_secret: impl Into<String>,
        redirect_uri: impl Into<String>,
    ) -> Self {
        TikTokConfig {
            authorize_url: parse_static("https://www.tiktok.com/v2/auth/authorize/"),
            api_base: parse_static("https://open.tiktokapis.com"),
            client_key: client_key.into(),
            client_secret: ClientSecret::new(client_secret.into()),
            redirect_uri: redirect_uri.into(),
            per_minute: Endpoint::documented_per_minute,
            retry: RetryPolicy::default(),
            breaker_threshold: 5,
            breaker_cooldown: Duration::from_secs(30),
            timeout: Duration::from_secs(30),
        }
    }

    /// Points the client at another host serving TikTok's paths (the sandbox).
    pub fn with_base(mut self, base: &Url) -> Self {
        self.api_base = base.clone();
        self.authorize_url = base
            .join("/v2/auth/authorize/")
            .unwrap_or_else(|_| base.clone());
        self
    }

    pub(crate) fn endpoint_url(&self, endpoint: Endpoint) -> Url {
        self.api_base
            .join(endpoint.path())
            .unwrap_or_else(|_| self.api_base.clone())
    }
}

#[allow(clippy::expect_used)] // constant, valid URLs
fn parse_static(url: &str) -> Url {
    Url::parse(url).expect("valid constant URL")
}
