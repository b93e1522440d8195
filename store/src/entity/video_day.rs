//! `video_days`: a video's counts at its last snapshot of a UTC day; kept after raw snapshots
//! are pruned.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "video_days")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub video_row_id: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    pub taken_at: DateTimeUtc,
    pub view_count: i64,
    pub like_count: i64,
    pub comment_count: i64,
    pub share_count: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::video::Entity",
        from = "Column::VideoRowId",
        to = "super::video::Column::Id"
    )]
    Video,
}

impl ActiveModelBehavior for ActiveModel {}
