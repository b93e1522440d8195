//! The nightly sync's storage: claiming an account's due sync (the run is recorded with a unique
//! (account, run time) key in the same transaction, so no run happens twice), account and video
//! snapshots, and linking published targets to the videos they became.

use chrono::{DateTime, Utc};
use multitok_shared::TargetState;
use multitok_shared::analytics::offsets::utc_slot;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};

use multitok_shared::AccountStatus;

use crate::accounts::Account;
use crate::entity::{
    account_snapshot, post, post_target, sync_run, tiktok_account, video, video_snapshot, workspace,
};
use crate::{Store, StoreError, new_id};

pub use crate::model::{AccountCounts, AccountSnapshot, SyncRun, Video, VideoSnapshot, VideoStats};

/// A published target without a video id: (id, own caption, post caption, init sent at).
type OpenTarget = (String, Option<String>, String, Option<DateTime<Utc>>);

/// A claimed sync.
#[derive(Debug, Clone)]
pub struct SyncClaim {
    pub account: Account,
    /// The workspace's time zone, for the next nightly time.
    pub time_zone: String,
    pub run_id: i64,
    pub run_at: DateTime<Utc>,
    /// The account's `next_sync_at` while the run lasts (the retry time should it die).
    pub hold_until: DateTime<Utc>,
}

impl Store {
    /// Claims one active account whose sync is due at `now`: moves its `next_sync_at` to
    /// `hold_until` (a retry time should this run die) with a compare-and-set on the due time,
    /// and records the run in the same transaction; the run's (account, run time) key is unique,
    /// so no run can happen twice.
    pub async fn claim_sync(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        hold_until: DateTime<Utc>,
    ) -> Result<Option<SyncClaim>, StoreError> {
        use tiktok_account::Column as C;
        // Whole seconds: the hold is compared for equality later, and PostgreSQL keeps only
        // microseconds.
        let hold_until = DateTime::from_timestamp(hold_until.timestamp(), 0).unwrap_or(hold_until);
        for _ in 0..8 {
            let Some(account) = tiktok_account::Entity::find()
                .filter(C::Status.eq(AccountStatus::Active.as_str()))
                .filter(C::NextSyncAt.lte(now))
                .order_by_asc(C::NextSyncAt)
                .one(&self.db)
                .await?
            else {
                return Ok(None);
            };
            let Some(run_at) = account.next_sync_at else {
                return Ok(None);
            };
            let work = self.begin_work().await?;
            let txn = work.txn();
            let taken = tiktok_account::Entity::update_many()
                .col_expr(C::NextSyncAt, Expr::value(Some(hold_until)))
                .filter(C::Id.eq(&account.id))
                .filter(C::NextSyncAt.eq(run_at))
                .exec(txn)
                .await?;
            if taken.rows_affected != 1 {
                work.rollback().await?;
                continue;
            }
            let run = sync_run::Entity::insert(sync_run::ActiveModel {
                id: NotSet,
                account_id: Set(account.id.clone()),
                run_at: Set(run_at),
                owner: Set(owner.to_owned()),
                started_at: Set(now),
                finished_at: Set(None),
                error: Set(String::new()),
            })
            .exec(txn)
            .await?;
            let time_zone = workspace::Entity::find_by_id(account.workspace_id.clone())
                .one(txn)
                .await?
                .map(|w| w.time_zone)
                .unwrap_or_else(|| "UTC".into());
            work.commit().await?;
            return Ok(Some(SyncClaim {
                account: crate::rows::value(account)?,
                time_zone,
                run_id: run.last_insert_id,
                run_at,
                hold_until,
            }));
        }
        Ok(None)
    }

    /// Ends a run: its outcome, and the account's next sync (unless someone asked for an earlier
    /// one meanwhile).
    pub async fn finish_sync(
        &self,
        claim: &SyncClaim,
        error: &str,
        next_sync_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use tiktok_account::Column as C;
        let work = self.begin_work().await?;
        let txn = work.txn();
        sync_run::Entity::update_many()
            .col_expr(sync_run::Column::FinishedAt, Expr::value(Some(now)))
            .col_expr(sync_run::Column::Error, Expr::value(error))
            .filter(sync_run::Column::Id.eq(claim.run_id))
            .exec(txn)
            .await?;
        tiktok_account::Entity::update_many()
            .col_expr(C::NextSyncAt, Expr::value(Some(next_sync_at)))
            .filter(C::Id.eq(&claim.account.id))
            .filter(C::NextSyncAt.eq(claim.hold_until))
            .exec(txn)
            .await?;
        if error.is_empty() {
            tiktok_account::Entity::update_many()
                .col_expr(C::LastSyncedAt, Expr::value(Some(now)))
                .filter(C::Id.eq(&claim.account.id))
                .exec(txn)
                .await?;
        }
        work.commit().await?;
        Ok(())
    }

    /// The earliest due sync of an active account.
    pub async fn next_sync_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<Option<DateTime<Utc>>> = tiktok_account::Entity::find()
            .select_only()
            .column_as(tiktok_account::Column::NextSyncAt.min(), "at")
            .filter(tiktok_account::Column::Status.eq(AccountStatus::Active.as_str()))
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok(at.flatten())
    }

    pub async fn save_account_snapshot(
        &self,
        account_id: &str,
        c: AccountCounts,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        account_snapshot::Entity::insert(account_snapshot::ActiveModel {
            id: NotSet,
            account_id: Set(account_id.to_owned()),
            taken_at: Set(now),
            follower_count: Set(c.followers),
            following_count: Set(c.following),
            likes_count: Set(c.likes),
            video_count: Set(c.videos),
        })
        .exec_without_returning(&self.db)
        .await?;
        Ok(())
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
                    .exec(&self.db)
                    .await?;
                taken.push(v.video_id.clone());
                linked += 1;
            }
        }
        Ok(linked)
    }

    /// The account's sync runs, newest first.
    pub async fn sync_runs_of(&self, account_id: &str) -> Result<Vec<SyncRun>, StoreError> {
        crate::rows::all(
            sync_run::Entity::find()
                .filter(sync_run::Column::AccountId.eq(account_id))
                .order_by_desc(sync_run::Column::Id)
                .all(&self.db)
                .await?,
        )
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
        video::Entity::update_many()
            .col_expr(
                video::Column::NextRefreshAt,
                Expr::value(Some(now + chrono::TimeDelta::hours(1))),
            )
            .filter(video::Column::AccountId.eq(account_id))
            .filter(video::Column::VideoId.is_in(video_ids.iter().cloned()))
            .filter(video::Column::NextRefreshAt.lte(now))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}
