//! `video_snapshots`: a video's counts at one time.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "video_snapshots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub video_row_id: String,
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
