//! Accounts' videos, syncs and snapshots, and what a sync reads.

use chrono::{DateTime, Utc};

use crate::entity::{account_snapshot, sync_run, video, video_snapshot};

/// A video of an account, as last synced from TikTok.
#[derive(Debug, Clone, PartialEq)]
pub struct Video {
    pub id: String,
    pub account_id: String,
    /// TikTok's id of the video.
    pub video_id: String,
    pub title: String,
    pub posted_at: DateTime<Utc>,
    /// Hour of the week it was posted in UTC: `(epoch hours + 72) % 168`, 0 = Monday 00:00.
    pub posted_slot: i16,
    pub duration_sec: i32,
    pub share_url: String,
    /// When its statistics are read again between nightly syncs; none once it is old.
    pub next_refresh_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Counts at the latest snapshot.
    pub view_count: i64,
    pub like_count: i64,
    pub comment_count: i64,
    pub share_count: i64,
    /// Against the account's earlier posts at the same age; none without enough history.
    pub viral_score: Option<f64>,
}

impl From<video::Model> for Video {
    fn from(m: video::Model) -> Video {
        Video {
            id: m.id,
            account_id: m.account_id,
            video_id: m.video_id,
            title: m.title,
            posted_at: m.posted_at,
            posted_slot: m.posted_slot,
            duration_sec: m.duration_sec,
            share_url: m.share_url,
            next_refresh_at: m.next_refresh_at,
            updated_at: m.updated_at,
            view_count: m.view_count,
            like_count: m.like_count,
            comment_count: m.comment_count,
            share_count: m.share_count,
            viral_score: m.viral_score,
        }
    }
}

/// One sync of one account.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncRun {
    pub id: i64,
    pub account_id: String,
    pub run_at: DateTime<Utc>,
    pub owner: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub error: String,
}

impl From<sync_run::Model> for SyncRun {
    fn from(m: sync_run::Model) -> SyncRun {
        SyncRun {
            id: m.id,
            account_id: m.account_id,
            run_at: m.run_at,
            owner: m.owner,
            started_at: m.started_at,
            finished_at: m.finished_at,
            error: m.error,
        }
    }
}

/// An account's counts at one sync.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountSnapshot {
    pub id: i64,
    pub account_id: String,
    pub taken_at: DateTime<Utc>,
    pub follower_count: i64,
    pub following_count: i64,
    pub likes_count: i64,
    pub video_count: i64,
}

impl From<account_snapshot::Model> for AccountSnapshot {
    fn from(m: account_snapshot::Model) -> AccountSnapshot {
        AccountSnapshot {
            id: m.id,
            account_id: m.account_id,
            taken_at: m.taken_at,
            follower_count: m.follower_count,
            following_count: m.following_count,
            likes_count: m.likes_count,
            video_count: m.video_count,
        }
    }
}

/// A video's counts at one sync.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoSnapshot {
    pub id: i64,
    pub video_row_id: String,
    pub taken_at: DateTime<Utc>,
    pub view_count: i64,
    pub like_count: i64,
    pub comment_count: i64,
    pub share_count: i64,
}

impl From<video_snapshot::Model> for VideoSnapshot {
    fn from(m: video_snapshot::Model) -> VideoSnapshot {
        VideoSnapshot {
            id: m.id,
            video_row_id: m.video_row_id,
            taken_at: m.taken_at,
            view_count: m.view_count,
            like_count: m.like_count,
            comment_count: m.comment_count,
            share_count: m.share_count,
        }
    }
}

/// Profile counts read by a sync.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccountCounts {
    pub followers: i64,
    pub following: i64,
    pub likes: i64,
    pub videos: i64,
}

/// A video and its counts, as read by a sync.
#[derive(Debug, Clone, Default)]
pub struct VideoStats {
    pub video_id: String,
    pub title: String,
    pub posted_at: DateTime<Utc>,
    pub duration_sec: i32,
    pub share_url: String,
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
    pub next_refresh_at: Option<DateTime<Utc>>,
}
