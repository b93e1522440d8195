//! `videos`: a TikTok video of a connected account, as the sync saw it last.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "videos")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub account_id: String,
    /// TikTok's id of the video.
    pub video_id: String,
    pub title: String,
    pub posted_at: DateTimeUtc,
    /// Hour of the week it was posted in UTC: `(epoch hours + 72) % 168`, 0 = Monday 00:00.
    pub posted_slot: i16,
    pub duration_sec: i32,
    pub share_url: String,
    /// When its statistics are read again between nightly syncs; none once it is old.
    pub next_refresh_at: Option<DateTimeUtc>,
    pub updated_at: DateTimeUtc,
    /// Counts at the latest snapshot.
    pub view_count: i64,
    pub like_count: i64,
    pub comment_count: i64,
    pub share_count: i64,
    /// Against the account's earlier posts at the same age; none without enough history.
    pub viral_score: Option<f64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::tiktok_account::Entity",
        from = "Column::AccountId",
        to = "super::tiktok_account::Column::Id"
    )]
    Account,
}

impl ActiveModelBehavior for ActiveModel {}
