//! Bulk import of an account's stored history (videos, their snapshots and day rows, the
//! account's snapshots and day rows) in one transaction: for moving history in and for seeding
//! benchmarks. Rows are written as given; rollups and posting profiles are not recomputed
//! (`rebuild_rollups` does that).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait};

use crate::analytics::AccountDay;
use crate::entity::{account_day, account_snapshot, video, video_day, video_snapshot};
use crate::sync::Video;
use crate::{Store, StoreError};

/// Rows a single insert statement carries.
const ROWS_PER_INSERT: usize = 1_000;

/// A video's counts at one instant, to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotCounts {
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
}

/// A video's snapshot, to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVideoSnapshot {
    /// The `Video::id` it belongs to.
    pub video_row_id: String,
    pub taken_at: DateTime<Utc>,
    pub counts: SnapshotCounts,
}

/// A video's last snapshot of a UTC day, to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVideoDay {
    pub video_row_id: String,
    pub day: NaiveDate,
    pub taken_at: DateTime<Utc>,
    pub counts: SnapshotCounts,
}

/// An account's counts at one instant, to import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccountSnapshot {
    pub account_id: String,
    pub taken_at: DateTime<Utc>,
    pub follower_count: i64,
    pub following_count: i64,
    pub likes_count: i64,
    pub video_count: i64,
}

/// History to import, all at once.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub videos: Vec<Video>,
    pub video_snapshots: Vec<NewVideoSnapshot>,
    pub video_days: Vec<NewVideoDay>,
    pub account_snapshots: Vec<NewAccountSnapshot>,
    pub account_days: Vec<AccountDay>,
}

impl Store {
    /// Writes the history in one transaction, in batches of 1,000 rows a statement.
    pub async fn import_history(&self, h: History) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        let txn = work.txn();
        insert_all(txn, h.videos.into_iter().map(video_row).collect()).await?;
        insert_all(
            txn,
            h.video_snapshots
                .into_iter()
                .map(video_snapshot_row)
                .collect(),
        )
        .await?;
        insert_all(txn, h.video_days.into_iter().map(video_day_row).collect()).await?;
        let accounts = h
            .account_snapshots
            .into_iter()
            .map(account_snapshot_row)
            .collect();
        insert_all(txn, accounts).await?;
        insert_all(
            txn,
            h.account_days.into_iter().map(account_day_row).collect(),
        )
        .await?;
        work.commit().await?;
        Ok(())
    }
}

async fn insert_all<A>(db: &impl ConnectionTrait, mut rows: Vec<A>) -> Result<(), StoreError>
where
    A: ActiveModelTrait + Send,
{
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().saturating_sub(ROWS_PER_INSERT));
        <A::Entity as EntityTrait>::insert_many(rest)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

fn video_row(v: Video) -> video::ActiveModel {
    video::Model {
        id: v.id,
        account_id: v.account_id,
        video_id: v.video_id,
        title: v.title,
        posted_at: v.posted_at,
        posted_slot: v.posted_slot,
        duration_sec: v.duration_sec,
        share_url: v.share_url,
        next_refresh_at: v.next_refresh_at,
        updated_at: v.updated_at,
        view_count: v.view_count,
        like_count: v.like_count,
        comment_count: v.comment_count,
        share_count: v.share_count,
        viral_score: v.viral_score,
    }
    .into()
}

fn video_snapshot_row(s: NewVideoSnapshot) -> video_snapshot::ActiveModel {
    video_snapshot::ActiveModel {
        id: NotSet,
        video_row_id: Set(s.video_row_id),
        taken_at: Set(s.taken_at),
        view_count: Set(s.counts.views),
        like_count: Set(s.counts.likes),
        comment_count: Set(s.counts.comments),
        share_count: Set(s.counts.shares),
    }
}

fn video_day_row(d: NewVideoDay) -> video_day::ActiveModel {
    video_day::ActiveModel {
        video_row_id: Set(d.video_row_id),
        day: Set(d.day),
        taken_at: Set(d.taken_at),
        view_count: Set(d.counts.views),
        like_count: Set(d.counts.likes),
        comment_count: Set(d.counts.comments),
        share_count: Set(d.counts.shares),
    }
}

fn account_snapshot_row(s: NewAccountSnapshot) -> account_snapshot::ActiveModel {
    account_snapshot::ActiveModel {
        id: NotSet,
        account_id: Set(s.account_id),
        taken_at: Set(s.taken_at),
        follower_count: Set(s.follower_count),
        following_count: Set(s.following_count),
        likes_count: Set(s.likes_count),
        video_count: Set(s.video_count),
    }
}

fn account_day_row(d: AccountDay) -> account_day::ActiveModel {
    account_day::Model {
        account_id: d.account_id,
        day: d.day,
        follower_count: d.follower_count,
        following_count: d.following_count,
        likes_count: d.likes_count,
        video_count: d.video_count,
        view_count: d.view_count,
    }
    .into()
}
