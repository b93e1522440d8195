//! The sandbox's in-memory world: creators and their videos, issued codes and tokens, posts in
//! flight, uploads, rate-limit windows and counters. Saved to JSON when configured.

use std::collections::{HashMap, VecDeque};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::config::{CreatorConfig, SandboxConfig};
use crate::faults::Faults;

/// A published or seeded video.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VideoRecord {
    pub id: String,
    pub create_time: i64,
    pub title: String,
    pub duration: i32,
    pub public: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Creator {
    pub config: CreatorConfig,
    /// Newest last.
    pub videos: Vec<VideoRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    pub open_id: String,
    pub scopes: Vec<String>,
    pub redirect_uri: String,
    pub code_challenge: Option<String>,
    pub expires_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Token {
    pub open_id: String,
    pub scopes: Vec<String>,
    pub expires_ms: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Refresh {
    pub open_id: String,
    pub scopes: Vec<String>,
    pub expires_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PublishKind {
    Direct,
    Inbox,
    Photo,
}

/// A post in flight or finished.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Publish {
    pub publish_id: String,
    pub open_id: String,
    pub kind: PublishKind,
    pub file_upload: bool,
    pub public: bool,
    pub title: String,
    pub created_ms: i64,
    /// When the media finished arriving (upload complete or download done).
    pub media_done_ms: Option<i64>,
    pub video_size: u64,
    pub uploaded: u64,
    pub status: String,
    pub fail_reason: Option<String>,
    pub video_id: Option<String>,
    pub publicly_available: bool,
}

/// A `FILE_UPLOAD` in progress, reachable at its upload URL.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Upload {
    pub publish_id: String,
    pub token: String,
    pub expires_ms: i64,
    pub video_size: u64,
    pub chunk_size: u64,
    pub total_chunk_count: u64,
    pub received: u64,
    /// SHA-256 of the bytes received so far, hex (complete uploads only).
    pub sha256: Option<String>,
}

/// Per-creator counters, so tests can prove that nothing was posted twice.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counters {
    pub init_calls: u64,
    pub published: u64,
    /// Successful token refreshes.
    #[serde(default)]
    pub refreshes: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct State {
    pub creators: HashMap<String, Creator>,
    pub grants: HashMap<String, Grant>,
    pub tokens: HashMap<String, Token>,
    pub refresh: HashMap<String, Refresh>,
    pub publishes: HashMap<String, Publish>,
    pub uploads: HashMap<String, Upload>,
    pub counters: HashMap<String, Counters>,
    /// Direct-post and inbox inits per creator (ms), for the daily caps.
    pub post_times: HashMap<String, Vec<i64>>,
    pub inbox_times: HashMap<String, Vec<i64>>,
    #[serde(skip)]
    pub windows: HashMap<(String, &'static str), VecDeque<i64>>,
    #[serde(skip)]
    pub faults: Faults,
    /// Added to the wall clock (admin `advance`), so expiry can be tested without waiting.
    pub offset_ms: i64,
    pub next_id: u64,
}

pub fn wall_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl State {
    pub fn new(config: &SandboxConfig) -> State {
        let mut state = State::default();
        let now = wall_ms();
        let mut creators = config.creators.clone();
        for i in 0..config.seed_creators {
            creators.push(CreatorConfig {
                open_id: format!("sbx-seed-{i:04}"),
                username: format!("creator{i:04}"),
                display_name: format!("Seeded Creator {i}"),
                seeded_videos: config.seed_videos,
                follower_count: 100 + i64::from(i) * 37,
                ..CreatorConfig::default()
            });
        }
        for c in creators {
            let videos = crate::stats::seed_videos(&c.open_id, c.seeded_videos, now, config.seed);
            state
                .creators
                .insert(c.open_id.clone(), Creator { config: c, videos });
        }
        state
    }

    pub fn now_ms(&self) -> i64 {
        wall_ms() + self.offset_ms
    }

    /// A fresh unique id with a prefix.
    pub fn id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}{}{:06}", self.now_ms(), self.next_id)
    }

    /// Records a call in a one-minute sliding window; false when `limit` calls were already made.
    pub fn admit(&mut self, token: &str, endpoint: &'static str, limit: u32) -> bool {
        let now = self.now_ms();
        let window = self
            .windows
            .entry((token.to_owned(), endpoint))
            .or_default();
        while window.front().is_some_and(|t| now - t >= 60_000) {
            window.pop_front();
        }
        if window.len() >= limit as usize {
            return false;
        }
        window.push_back(now);
        true
    }

    pub fn counters(&mut self, open_id: &str) -> &mut Counters {
        self.counters.entry(open_id.to_owned()).or_default()
    }
}

/// How many entries fall within the last 24 hours.
pub fn in_last_day(times: &[i64], now: i64) -> usize {
    times.iter().filter(|t| now - **t < 86_400_000).count()
}
