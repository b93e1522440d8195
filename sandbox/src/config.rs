//! The sandbox's settings: app credentials, creators, limits, timings and behaviour switches
//! for the points TikTok's documentation leaves open.

use serde::{Deserialize, Serialize};

/// A creator account the consent page offers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct CreatorConfig {
    pub open_id: String,
    pub username: String,
    pub display_name: String,
    /// Private accounts offer FOLLOWER_OF_CREATOR instead of PUBLIC_TO_EVERYONE.
    pub private: bool,
    pub comment_disabled: bool,
    pub duet_disabled: bool,
    pub stitch_disabled: bool,
    pub max_video_post_duration_sec: i64,
    pub follower_count: i64,
    /// Videos of history to generate for this creator.
    pub seeded_videos: u32,
}

impl Default for CreatorConfig {
    fn default() -> Self {
        CreatorConfig {
            open_id: String::new(),
            username: String::new(),
            display_name: String::new(),
            private: false,
            comment_disabled: false,
            duet_disabled: false,
            stitch_disabled: false,
            max_video_post_duration_sec: 600,
            follower_count: 1000,
            seeded_videos: 0,
        }
    }
}

/// Everything configurable; `SandboxConfig::default()` is the documented development set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SandboxConfig {
    pub client_key: String,
    pub client_secret: String,
    /// Redirect URIs the app registered; empty accepts any.
    pub redirect_uris: Vec<String>,
    pub creators: Vec<CreatorConfig>,
    /// Extra generated creators (`seed_creators` × `seed_videos` of history).
    pub seed_creators: u32,
    pub seed_videos: u32,
    pub seed: u64,
    pub access_token_secs: i64,
    pub refresh_token_secs: i64,
    /// Issue a new refresh token on each refresh and invalidate the old one.
    pub rotate_refresh_tokens: bool,
    /// HTTP status of OAuth errors (undocumented by TikTok; 400 by default).
    pub oauth_error_status: u16,
    /// `invalid_param` or `invalid_params` (TikTok's docs use both).
    pub invalid_param_code: String,
    /// Code for a user-info field whose scope was not granted.
    pub missing_scope_code: String,
    /// Divide TikTok's chunk bounds by this, so tests need not move 64 MB.
    pub chunk_scale_down: u64,
    pub processing_ms: i64,
    pub moderation_ms: i64,
    pub upload_url_secs: i64,
    pub per_minute_user_info: u32,
    pub per_minute_video_list: u32,
    pub per_minute_video_query: u32,
    pub per_minute_creator_info: u32,
    pub per_minute_init: u32,
    pub per_minute_status: u32,
    pub daily_posts_per_creator: u32,
    pub active_user_cap: u32,
    pub pending_inbox_cap: u32,
    /// An unaudited app may only post to private accounts.
    pub unaudited: bool,
    /// Deliver signed webhooks here.
    pub webhook_url: Option<String>,
    pub webhook_attempts: u32,
    /// Save state to this JSON file after changes, and load it at start.
    pub state_file: Option<String>,
    /// Offered on the status call as numbers (`false`: as strings).
    pub post_ids_as_numbers: bool,
    /// `DIRECT_PUBLISH` (seen in captured payloads) or `DIRECT_POST`.
    pub direct_publish_type: String,
    /// Faults in force from the start, by endpoint path (or `*`); `/admin/faults` changes them.
    pub faults: std::collections::HashMap<String, crate::faults::EndpointFaults>,
}

fn creator(open_id: &str, username: &str, name: &str, private: bool) -> CreatorConfig {
    CreatorConfig {
        open_id: open_id.into(),
        username: username.into(),
        display_name: name.into(),
        private,
        seeded_videos: 30,
        ..CreatorConfig::default()
    }
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            client_key: "sbx-client-key".into(),
            client_secret: "sbx-client-secret".into(),
            redirect_uris: Vec::new(),
            creators: vec![
                creator("sbx-open-ana", "ana.bakes", "Ana Bakes", false),
                creator("sbx-open-ben", "ben.travels", "Ben Travels", false),
                CreatorConfig {
                    comment_disabled: true,
                    duet_disabled: true,
                    stitch_disabled: true,
                    max_video_post_duration_sec: 180,
                    ..creator("sbx-open-cai", "cai.private", "Cai (private)", true)
                },
            ],
            seed_creators: 0,
            seed_videos: 0,
            seed: 7,
            access_token_secs: 7200,
            refresh_token_secs: 180 * 86400,
            rotate_refresh_tokens: true,
            oauth_error_status: 400,
            invalid_param_code: "invalid_param".into(),
            missing_scope_code: "scope_permission_missed".into(),
            chunk_scale_down: 1,
            processing_ms: 3000,
            moderation_ms: 10_000,
            upload_url_secs: 3600,
            per_minute_user_info: 600,
            per_minute_video_list: 600,
            per_minute_video_query: 600,
            per_minute_creator_info: 20,
            per_minute_init: 6,
            per_minute_status: 30,
            daily_posts_per_creator: 15,
            active_user_cap: 1000,
            pending_inbox_cap: 5,
            unaudited: false,
            webhook_url: None,
            webhook_attempts: 5,
            state_file: None,
            post_ids_as_numbers: true,
            direct_publish_type: "DIRECT_PUBLISH".into(),
            faults: std::collections::HashMap::new(),
        }
    }
}
