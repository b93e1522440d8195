//! The store's domain values: what its functions take and return. Rows of the tables stay
//! private to the store; each becomes one of these here, once, with stored names (states,
//! statuses) turned into enums.

use chrono::{DateTime, Utc};
use multitok_shared::TargetState;
use multitok_shared::post_rules::TargetSettings;

use crate::StoreError;
use crate::entity::{
    account_snapshot, media, post, post_target, publish_event, sync_run, upload, user, video,
    video_snapshot,
};
use crate::rows::unknown;

/// A post: what to publish (caption and video) and when, in the time zone it was chosen in.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: String,
    pub workspace_id: String,
    pub author_id: String,
    pub caption: String,
    pub media_id: String,
    pub scheduled_at: DateTime<Utc>,
    pub time_zone: String,
    pub created_at: DateTime<Utc>,
}

impl From<post::Model> for Post {
    fn from(m: post::Model) -> Post {
        Post {
            id: m.id,
            workspace_id: m.workspace_id,
            author_id: m.author_id,
            caption: m.caption,
            media_id: m.media_id,
            scheduled_at: m.scheduled_at,
            time_zone: m.time_zone,
            created_at: m.created_at,
        }
    }
}

/// A video of a workspace's library.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub duration_ms: i64,
    pub width: i32,
    pub height: i32,
    pub frame_rate: f64,
    pub codec: String,
    pub created_at: DateTime<Utc>,
}

impl From<media::Model> for Media {
    fn from(m: media::Model) -> Media {
        Media {
            id: m.id,
            workspace_id: m.workspace_id,
            name: m.name,
            content_type: m.content_type,
            size_bytes: m.size_bytes,
            sha256: m.sha256,
            storage_key: m.storage_key,
            duration_ms: m.duration_ms,
            width: m.width,
            height: m.height,
            frame_rate: m.frame_rate,
            codec: m.codec,
            created_at: m.created_at,
        }
    }
}

/// An upload in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    pub id: String,
    pub workspace_id: String,
    pub user_id: String,
    pub name: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub received_bytes: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl From<upload::Model> for Upload {
    fn from(m: upload::Model) -> Upload {
        Upload {
            id: m.id,
            workspace_id: m.workspace_id,
            user_id: m.user_id,
            name: m.name,
            size_bytes: m.size_bytes,
            sha256: m.sha256,
            received_bytes: m.received_bytes,
            created_at: m.created_at,
            expires_at: m.expires_at,
        }
    }
}

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

/// One post on one account: its settings, where it is in publishing, its lease and TikTok's ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: String,
    pub post_id: String,
    pub workspace_id: String,
    pub account_id: String,
    /// Replaces the post's caption for this account.
    pub caption: Option<String>,
    pub privacy_level: String,
    pub allow_comment: bool,
    pub allow_duet: bool,
    pub allow_stitch: bool,
    pub brand_organic: bool,
    pub branded_content: bool,
    pub ai_generated: bool,
    pub cover_frame_ms: i32,
    pub inbox_draft: bool,
    /// A [`multitok_shared::TargetState`] name.
    pub state: TargetState,
    pub scheduled_at: DateTime<Utc>,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub claim_owner: Option<String>,
    pub lease_expires_at: Option<DateTime<Utc>>,
    pub publish_id: Option<String>,
    pub video_id: Option<String>,
    pub failure_reason: String,
    pub updated_at: DateTime<Utc>,
    /// When the init request was sent; set before sending, so a crash afterwards is known.
    pub init_sent_at: Option<DateTime<Utc>>,
    /// TikTok's upload URL (valid an hour), sealed.
    pub upload_url_enc: Option<String>,
}

impl TryFrom<post_target::Model> for Target {
    type Error = StoreError;

    fn try_from(m: post_target::Model) -> Result<Target, StoreError> {
        Ok(Target {
            state: state_of(&m.state)?,
            id: m.id,
            post_id: m.post_id,
            workspace_id: m.workspace_id,
            account_id: m.account_id,
            caption: m.caption,
            privacy_level: m.privacy_level,
            allow_comment: m.allow_comment,
            allow_duet: m.allow_duet,
            allow_stitch: m.allow_stitch,
            brand_organic: m.brand_organic,
            branded_content: m.branded_content,
            ai_generated: m.ai_generated,
            cover_frame_ms: m.cover_frame_ms,
            inbox_draft: m.inbox_draft,
            scheduled_at: m.scheduled_at,
            attempts: m.attempts,
            next_attempt_at: m.next_attempt_at,
            claim_owner: m.claim_owner,
            lease_expires_at: m.lease_expires_at,
            publish_id: m.publish_id,
            video_id: m.video_id,
            failure_reason: m.failure_reason,
            updated_at: m.updated_at,
            init_sent_at: m.init_sent_at,
            upload_url_enc: m.upload_url_enc,
        })
    }
}

impl Target {
    /// How this target publishes, as the posting rules see it.
    pub fn settings(&self) -> TargetSettings {
        TargetSettings {
            privacy_level: self.privacy_level.clone(),
            allow_comment: self.allow_comment,
            allow_duet: self.allow_duet,
            allow_stitch: self.allow_stitch,
            brand_organic: self.brand_organic,
            branded_content: self.branded_content,
            ai_generated: self.ai_generated,
            inbox_draft: self.inbox_draft,
            cover_frame_ms: u32::try_from(self.cover_frame_ms).unwrap_or(0),
        }
    }
}

/// A stored target state.
pub(crate) fn state_of(stored: &str) -> Result<TargetState, StoreError> {
    TargetState::parse(stored).ok_or_else(|| unknown("target state", stored))
}

/// A line of a target's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: i64,
    pub target_id: String,
    pub at: DateTime<Utc>,
    /// None for the line that created the target.
    pub from_state: Option<TargetState>,
    pub to_state: TargetState,
    pub detail: String,
    pub tiktok_code: String,
}

impl TryFrom<publish_event::Model> for Event {
    type Error = StoreError;

    fn try_from(m: publish_event::Model) -> Result<Event, StoreError> {
        Ok(Event {
            from_state: match m.from_state.as_str() {
                "" => None,
                stored => Some(state_of(stored)?),
            },
            to_state: state_of(&m.to_state)?,
            id: m.id,
            target_id: m.target_id,
            at: m.at,
            detail: m.detail,
            tiktok_code: m.tiktok_code,
        })
    }
}

// Domain values written back as rows (inserts).

impl From<Post> for post::ActiveModel {
    fn from(d: Post) -> post::ActiveModel {
        post::Model {
            id: d.id,
            workspace_id: d.workspace_id,
            author_id: d.author_id,
            caption: d.caption,
            media_id: d.media_id,
            scheduled_at: d.scheduled_at,
            time_zone: d.time_zone,
            created_at: d.created_at,
        }
        .into()
    }
}

impl From<Media> for media::ActiveModel {
    fn from(d: Media) -> media::ActiveModel {
        media::Model {
            id: d.id,
            workspace_id: d.workspace_id,
            name: d.name,
            content_type: d.content_type,
            size_bytes: d.size_bytes,
            sha256: d.sha256,
            storage_key: d.storage_key,
            duration_ms: d.duration_ms,
            width: d.width,
            height: d.height,
            frame_rate: d.frame_rate,
            codec: d.codec,
            created_at: d.created_at,
        }
        .into()
    }
}

impl From<Target> for post_target::ActiveModel {
    fn from(d: Target) -> post_target::ActiveModel {
        post_target::Model {
            id: d.id,
            post_id: d.post_id,
            workspace_id: d.workspace_id,
            account_id: d.account_id,
            caption: d.caption,
            privacy_level: d.privacy_level,
            allow_comment: d.allow_comment,
            allow_duet: d.allow_duet,
            allow_stitch: d.allow_stitch,
            brand_organic: d.brand_organic,
            branded_content: d.branded_content,
            ai_generated: d.ai_generated,
            cover_frame_ms: d.cover_frame_ms,
            inbox_draft: d.inbox_draft,
            state: d.state.as_str().to_owned(),
            scheduled_at: d.scheduled_at,
            attempts: d.attempts,
            next_attempt_at: d.next_attempt_at,
            claim_owner: d.claim_owner,
            lease_expires_at: d.lease_expires_at,
            publish_id: d.publish_id,
            video_id: d.video_id,
            failure_reason: d.failure_reason,
            updated_at: d.updated_at,
            init_sent_at: d.init_sent_at,
            upload_url_enc: d.upload_url_enc,
        }
        .into()
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

/// A registered person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

impl From<user::Model> for User {
    fn from(m: user::Model) -> User {
        User {
            id: m.id,
            email: m.email,
            display_name: m.display_name,
            password_hash: m.password_hash,
            created_at: m.created_at,
        }
    }
}
