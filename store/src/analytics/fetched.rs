//! What the sync fetched: the accounts' counts and their videos' numbers (each video upserted,
//! a snapshot of it taken, its day row and the account's posting profile kept up to date), and
//! when each video is fetched again.

use chrono::{DateTime, Utc};
use multitok_shared::AccountStatus;
use multitok_shared::analytics::offsets::utc_slot;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};

use crate::entity::{account_snapshot, tiktok_account, video, video_snapshot};
use crate::sync::{AccountCounts, VideoStats};
use crate::{Store, StoreError, new_id};

impl Store {
    /// Stores the account's counts as they are `now`.
    pub async fn save_account_snapshot(
        &self,
        account_id: &str,
        c: AccountCounts,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        account_snapshot::Entity::insert(account_snapshot::ActiveModel {
            id: NotSet,
            account_id: Set(account_id.to_owned()),
            taken_at: Set(now),
            follower_count: Set(c.followers),
            following_count: Set(c.following),
            likes_count: Set(c.likes),
            video_count: Set(c.videos),
        })
        .exec_without_returning(work.txn())
        .await?;
        work.commit().await
    }

    /// Stores the videos (new ones added, known ones updated), a snapshot of each and the
    /// account's posting profile, in one transaction.
    pub async fn save_videos(
        &self,
        account_id: &str,
        videos: &[VideoStats],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use video::Column as C;
        if videos.is_empty() {
            return Ok(());
        }
        let work = self.begin_work().await?;
        let txn = work.txn();
        for chunk in videos.chunks(200) {
            let rows = chunk.iter().map(|v| video::ActiveModel {
                id: Set(new_id()),
                account_id: Set(account_id.to_owned()),
                video_id: Set(v.video_id.clone()),
                title: Set(v.title.clone()),
                posted_at: Set(v.posted_at),
                posted_slot: Set(utc_slot(v.posted_at)),
                duration_sec: Set(v.duration_sec),
                share_url: Set(v.share_url.clone()),
                next_refresh_at: Set(v.next_refresh_at),
                updated_at: Set(now),
                view_count: Set(v.views),
                like_count: Set(v.likes),
                comment_count: Set(v.comments),
                share_count: Set(v.shares),
                viral_score: NotSet,
            });
            video::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([C::AccountId, C::VideoId])
                        .update_columns([
                            C::Title,
                            C::ShareUrl,
                            C::NextRefreshAt,
                            C::UpdatedAt,
                            C::ViewCount,
                            C::LikeCount,
                            C::CommentCount,
                            C::ShareCount,
                        ])
                        .to_owned(),
                )
                .exec_without_returning(txn)
                .await?;
            let ids: Vec<(String, String)> = video::Entity::find()
                .select_only()
                .column(C::VideoId)
                .column(C::Id)
                .filter(C::AccountId.eq(account_id))
                .filter(C::VideoId.is_in(chunk.iter().map(|v| v.video_id.clone())))
                .into_tuple()
                .all(txn)
                .await?;
            let snapshots = chunk.iter().filter_map(|v| {
                let row = ids.iter().find(|(vid, _)| *vid == v.video_id)?;
                Some(video_snapshot::ActiveModel {
                    id: NotSet,
                    video_row_id: Set(row.1.clone()),
                    taken_at: Set(now),
                    view_count: Set(v.views),
                    like_count: Set(v.likes),
                    comment_count: Set(v.comments),
                    share_count: Set(v.shares),
                })
            });
            video_snapshot::Entity::insert_many(snapshots)
                .exec_without_returning(txn)
                .await?;
            let days = chunk.iter().filter_map(|v| {
                let row = ids.iter().find(|(vid, _)| *vid == v.video_id)?;
                Some(crate::analytics::video_day_row(&row.1, v, now))
            });
            crate::analytics::upsert_video_days(txn, days).await?;
        }
        crate::analytics::write_posting_profile(txn, account_id).await?;
        work.analytics_changed([account_id.to_owned()]);
        work.commit().await?;
        Ok(())
    }

    /// The account's latest snapshots and how many video snapshots it has.
    pub async fn snapshot_counts(&self, account_id: &str) -> Result<(u64, u64, u64), StoreError> {
        use sea_orm::PaginatorTrait;
        let accounts = account_snapshot::Entity::find()
            .filter(account_snapshot::Column::AccountId.eq(account_id))
            .count(&self.db)
            .await?;
        let videos = video::Entity::find()
            .filter(video::Column::AccountId.eq(account_id))
            .count(&self.db)
            .await?;
        let snapshots = video_snapshot::Entity::find()
            .join(JoinType::InnerJoin, video_snapshot::Relation::Video.def())
            .filter(video::Column::AccountId.eq(account_id))
            .count(&self.db)
            .await?;
        Ok((accounts, videos, snapshots))
    }

    /// Videos whose statistics are due for a refresh: (workspace, account, TikTok video id).
    pub async fn due_videos(
        &self,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<(String, String, String)>, StoreError> {
        Ok(video::Entity::find()
            .select_only()
            .column(tiktok_account::Column::WorkspaceId)
            .column(video::Column::AccountId)
            .column(video::Column::VideoId)
            .join(JoinType::InnerJoin, video::Relation::Account.def())
            .filter(video::Column::NextRefreshAt.lte(now))
            .filter(tiktok_account::Column::Status.eq(AccountStatus::Active.as_str()))
            .order_by_asc(video::Column::NextRefreshAt)
            .limit(limit)
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// Moves the given videos' refresh past `now` if a refresh did not already (one hour).
    pub async fn postpone_videos(
        &self,
        account_id: &str,
        video_ids: &[String],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        video::Entity::update_many()
            .col_expr(
                video::Column::NextRefreshAt,
                Expr::value(Some(now + chrono::TimeDelta::hours(1))),
            )
            .filter(video::Column::AccountId.eq(account_id))
            .filter(video::Column::VideoId.is_in(video_ids.iter().cloned()))
            .filter(video::Column::NextRefreshAt.lte(now))
            .exec(work.txn())
            .await?;
        work.commit().await
    }
}
