//! Linking published targets to the videos they became: a published target without a video id
//! takes the id of the account's video with its caption posted since its init.

use chrono::{DateTime, Utc};
use multitok_shared::TargetState;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationTrait};

use crate::entity::{post, post_target};
use crate::sync::VideoStats;
use crate::{Store, StoreError};

/// A published target without a video id: (id, own caption, post caption, init sent at).
type OpenTarget = (String, Option<String>, String, Option<DateTime<Utc>>);

impl Store {
    /// Gives published targets of the account without a video id the id of the video with
    /// their caption posted since their init; answers how many were linked.
    pub async fn link_published_videos(
        &self,
        account_id: &str,
        videos: &[VideoStats],
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let open: Vec<OpenTarget> = post_target::Entity::find()
            .select_only()
            .column(post_target::Column::Id)
            .column(post_target::Column::Caption)
            .column(post::Column::Caption)
            .column(post_target::Column::InitSentAt)
            .join(JoinType::InnerJoin, post_target::Relation::Post.def())
            .filter(post_target::Column::AccountId.eq(account_id))
            .filter(post_target::Column::State.eq(TargetState::Published.as_str()))
            .filter(post_target::Column::VideoId.is_null())
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut taken = self.bound_video_ids(account_id).await?;
        let mut linked = 0;
        let work = self.begin_work().await?;
        for (id, own, caption, sent) in open {
            let caption = own.unwrap_or(caption);
            let earliest = sent.map(|s| s - chrono::TimeDelta::minutes(1));
            let found = videos.iter().find(|v| {
                v.title == caption
                    && !taken.contains(&v.video_id)
                    && earliest.is_none_or(|e| v.posted_at >= e)
            });
            if let Some(v) = found {
                post_target::Entity::update_many()
                    .col_expr(
                        post_target::Column::VideoId,
                        Expr::value(Some(v.video_id.clone())),
                    )
                    .col_expr(post_target::Column::UpdatedAt, Expr::value(now))
                    .filter(post_target::Column::Id.eq(&id))
                    .filter(post_target::Column::VideoId.is_null())
                    .exec(work.txn())
                    .await?;
                taken.push(v.video_id.clone());
                linked += 1;
            }
        }
        work.commit().await?;
        Ok(linked)
    }

    /// The TikTok video ids already bound to the account's targets.
    pub async fn bound_video_ids(&self, account_id: &str) -> Result<Vec<String>, StoreError> {
        let ids: Vec<Option<String>> = post_target::Entity::find()
            .select_only()
            .column(post_target::Column::VideoId)
            .filter(post_target::Column::AccountId.eq(account_id))
            .filter(post_target::Column::VideoId.is_not_null())
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(ids.into_iter().flatten().collect())
    }
}
