//! sea-orm entities, one per table of the `multitok-migrations` schema.

pub mod account_day;
pub mod account_snapshot;
pub mod api_token;
pub mod idempotency_key;
pub mod invitation;
pub mod lease;
pub mod media;
pub mod membership;
pub mod oauth_state;
pub mod post;
pub mod post_target;
pub mod posting_profile;
pub mod publish_event;
pub mod refresh_token;
pub mod sync_run;
pub mod tiktok_account;
pub mod upload;
pub mod user;
pub mod video;
pub mod video_day;
pub mod video_snapshot;
pub mod webhook_event;
pub mod workspace;
