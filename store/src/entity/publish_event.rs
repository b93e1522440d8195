//! `publish_events`: the append-only history of a post target.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "publish_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub target_id: String,
    pub at: DateTimeUtc,
    pub from_state: String,
    pub to_state: String,
    pub detail: String,
    pub tiktok_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::post_target::Entity",
        from = "Column::TargetId",
        to = "super::post_target::Column::Id"
    )]
    PostTarget,
}

impl Related<super::post_target::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PostTarget.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
