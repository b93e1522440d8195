//! Posts, their targets (one post on one account) and the targets' history.

use chrono::{DateTime, Utc};
use multitok_shared::TargetState;
use multitok_shared::post_rules::TargetSettings;

use crate::StoreError;
use crate::entity::{post, post_target, publish_event};
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
    /// W3C trace context of the call that scheduled the target.
    pub traceparent: Option<String>,
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
            traceparent: m.traceparent,
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
            traceparent: d.traceparent,
        }
        .into()
    }
}
