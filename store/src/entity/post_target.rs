//! `post_targets`: one post on one account, with its settings, state, lease and TikTok's ids.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "post_targets")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
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
    pub state: String,
    pub scheduled_at: DateTimeUtc,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTimeUtc>,
    pub claim_owner: Option<String>,
    pub lease_expires_at: Option<DateTimeUtc>,
    pub publish_id: Option<String>,
    pub video_id: Option<String>,
    pub failure_reason: String,
    pub updated_at: DateTimeUtc,
    /// When the init request was sent; set before sending, so a crash afterwards is known.
    pub init_sent_at: Option<DateTimeUtc>,
    /// TikTok's upload URL (valid an hour), sealed.
    pub upload_url_enc: Option<String>,
    /// W3C trace context of the call that scheduled the target.
    pub traceparent: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::post::Entity",
        from = "Column::PostId",
        to = "super::post::Column::Id"
    )]
    Post,
}

impl Related<super::post::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Post.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// How this target publishes, as the posting rules see it.
    pub fn settings(&self) -> multitok_shared::post_rules::TargetSettings {
        multitok_shared::post_rules::TargetSettings {
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
