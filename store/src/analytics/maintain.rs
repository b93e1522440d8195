//! Keeping analytics current: the account's day row after a sync, viral scores of young videos,
//! pruning raw snapshots past their retention, and rebuilding rollups from raw snapshots.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use multitok_shared::analytics::viral_score;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, JoinType, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};

use super::{BASELINE_POSTS, SCORED_DAYS, curve, day_of, upsert_video_days};
use crate::entity::{
    account_day, account_snapshot, tiktok_account, video, video_day, video_snapshot,
};
use crate::model::AccountCounts;
use crate::{Store, StoreError};

/// Rows deleted per statement when pruning.
const PRUNE_BATCH: u64 = 10_000;

impl Store {
    /// Writes the account's row for today: its profile counts and its videos' total views.
    pub async fn roll_up_account(
        &self,
        account_id: &str,
        c: AccountCounts,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        let txn = work.txn();
        let views: Option<i64> = video::Entity::find()
            .select_only()
            // PostgreSQL sums BIGINT as NUMERIC; the cast keeps it a BIGINT on both.
            .column_as(Expr::cust("CAST(SUM(view_count) AS BIGINT)"), "views")
            .filter(video::Column::AccountId.eq(account_id))
            .into_tuple::<Option<i64>>()
            .one(txn)
            .await?
            .flatten();
        upsert_account_days(
            txn,
            [account_day::ActiveModel {
                account_id: Set(account_id.to_owned()),
                day: Set(day_of(now)),
                follower_count: Set(c.followers),
                following_count: Set(c.following),
                likes_count: Set(c.likes),
                video_count: Set(c.videos),
                view_count: Set(views.unwrap_or(0)),
            }],
        )
        .await?;
        work.analytics_changed([account_id.to_owned()]);
        work.commit().await?;
        Ok(())
    }

    /// Scores the account's videos younger than a week against the posts before each; answers
    /// how many got a score.
    pub async fn score_recent_videos(
        &self,
        account_id: &str,
        now: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        use video::Column as C;
        let young_since = now - TimeDelta::days(SCORED_DAYS);
        let young = video::Entity::find()
            .filter(C::AccountId.eq(account_id))
            .filter(C::PostedAt.gte(young_since))
            .count(&self.db)
            .await?;
        if young == 0 {
            return Ok(0);
        }
        // Newest first: the young videos, then the baseline of the oldest of them.
        let videos: Vec<(String, DateTime<Utc>)> = video::Entity::find()
            .select_only()
            .columns([C::Id, C::PostedAt])
            .filter(C::AccountId.eq(account_id))
            .filter(C::PostedAt.lte(now))
            .order_by_desc(C::PostedAt)
            .limit(young + BASELINE_POSTS)
            .into_tuple()
            .all(&self.db)
            .await?;
        let days = self.day_views(videos.iter().map(|v| v.0.clone())).await?;
        let curves: Vec<Vec<(f64, f64)>> = videos
            .iter()
            .map(|(id, posted)| curve(*posted, days.get(id).map_or(&[][..], Vec::as_slice)))
            .collect();
        let mut scored = 0;
        let work = self.begin_work().await?;
        let txn = work.txn();
        for (i, (id, posted)) in videos.iter().enumerate().take(young as usize) {
            let age = (now - *posted).num_seconds() as f64 / 3600.0;
            let last_seen = curves[i].iter().map(|p| p.0).fold(0.0, f64::max);
            let baseline = &curves[i + 1..(i + 1 + BASELINE_POSTS as usize).min(curves.len())];
            let score = viral_score(&curves[i], age.min(last_seen), baseline).map(|s| s.score);
            scored += usize::from(score.is_some());
            video::Entity::update_many()
                .col_expr(C::ViralScore, Expr::value(score))
                .filter(C::Id.eq(id))
                .exec(txn)
                .await?;
        }
        work.commit().await?;
        Ok(scored)
    }

    /// (taken_at, views) of each video's day rows, oldest first, in one query.
    pub async fn day_views(
        &self,
        ids: impl IntoIterator<Item = String>,
    ) -> Result<HashMap<String, Vec<(DateTime<Utc>, i64)>>, StoreError> {
        use video_day::Column as C;
        let ids: Vec<String> = ids.into_iter().collect();
        let mut out: HashMap<String, Vec<(DateTime<Utc>, i64)>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let rows: Vec<(String, DateTime<Utc>, i64)> = video_day::Entity::find()
                .select_only()
                .columns([C::VideoRowId, C::TakenAt, C::ViewCount])
                .filter(C::VideoRowId.is_in(chunk.iter().cloned()))
                .order_by_asc(C::VideoRowId)
                .order_by_asc(C::Day)
                .into_tuple()
                .all(&self.db)
                .await?;
            for (id, at, views) in rows {
                out.entry(id).or_default().push((at, views));
            }
        }
        Ok(out)
    }

    /// Deletes raw snapshots taken before `before` (their days stay in the rollups); answers how
    /// many were deleted.
    pub async fn prune_snapshots(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut deleted = 0;
        loop {
            let ids: Vec<i64> = video_snapshot::Entity::find()
                .select_only()
                .column(video_snapshot::Column::Id)
                .filter(video_snapshot::Column::TakenAt.lt(before))
                .limit(PRUNE_BATCH)
                .into_tuple()
                .all(&self.db)
                .await?;
            if ids.is_empty() {
                break;
            }
            // One unit per batch, so that a long prune never holds the write lock for long.
            let work = self.begin_work().await?;
            deleted += video_snapshot::Entity::delete_many()
                .filter(video_snapshot::Column::Id.is_in(ids))
                .exec(work.txn())
                .await?
                .rows_affected;
            work.commit().await?;
        }
        let work = self.begin_work().await?;
        deleted += account_snapshot::Entity::delete_many()
            .filter(account_snapshot::Column::TakenAt.lt(before))
            .exec(work.txn())
            .await?
            .rows_affected;
        work.commit().await?;
        Ok(deleted)
    }

    /// Recomputes the day rows of every account from the raw snapshots still kept (older days
    /// stay as they are) and every posting profile; answers (video days, account days) written.
    pub async fn rebuild_rollups(&self) -> Result<(u64, u64), StoreError> {
        let accounts = self.account_ids().await?;
        let (mut video_days, mut account_days) = (0, 0);
        for account in accounts {
            let (v, a) = self.rebuild_account(&account).await?;
            video_days += v;
            account_days += a;
        }
        Ok((video_days, account_days))
    }

    /// Every account's id.
    async fn account_ids(&self) -> Result<Vec<String>, StoreError> {
        Ok(tiktok_account::Entity::find()
            .select_only()
            .column(tiktok_account::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// Rewrites every account's posting profile from its videos; answers how many.
    pub async fn rebuild_posting_profiles(&self) -> Result<u64, StoreError> {
        let accounts = self.account_ids().await?;
        for account in &accounts {
            let work = self.begin_work().await?;
            let txn = work.txn();
            super::write_posting_profile(txn, account).await?;
            work.analytics_changed([account.clone()]);
            work.commit().await?;
        }
        Ok(accounts.len() as u64)
    }

    async fn rebuild_account(&self, account_id: &str) -> Result<(u64, u64), StoreError> {
        use video_snapshot::Column as S;
        let rows: Vec<(String, DateTime<Utc>, i64, i64, i64, i64)> = video_snapshot::Entity::find()
            .select_only()
            .columns([
                S::VideoRowId,
                S::TakenAt,
                S::ViewCount,
                S::LikeCount,
                S::CommentCount,
                S::ShareCount,
            ])
            .join(JoinType::InnerJoin, video_snapshot::Relation::Video.def())
            .filter(video::Column::AccountId.eq(account_id))
            .order_by_asc(S::VideoRowId)
            .order_by_asc(S::TakenAt)
            .into_tuple()
            .all(&self.db)
            .await?;
        // Last snapshot of each (video, day); rows are in time order within a video.
        let mut last: HashMap<(String, chrono::NaiveDate), usize> = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            last.insert((row.0.clone(), day_of(row.1)), i);
        }
        let mut days: Vec<video_day::ActiveModel> = last
            .into_iter()
            .map(|((id, day), i)| {
                let r = &rows[i];
                video_day::ActiveModel {
                    video_row_id: Set(id),
                    day: Set(day),
                    taken_at: Set(r.1),
                    view_count: Set(r.2),
                    like_count: Set(r.3),
                    comment_count: Set(r.4),
                    share_count: Set(r.5),
                }
            })
            .collect();
        let video_days = days.len() as u64;
        let work = self.begin_work().await?;
        let txn = work.txn();
        while !days.is_empty() {
            let rest = days.split_off(days.len().saturating_sub(1000));
            upsert_video_days(txn, rest).await?;
        }
        let account_days = rebuild_account_days(txn, account_id).await?;
        super::write_posting_profile(txn, account_id).await?;
        work.analytics_changed([account_id.to_owned()]);
        work.commit().await?;
        Ok((video_days, account_days))
    }
}

/// Account day rows from the account's raw snapshots, with each day's total views carried
/// forward from the videos' day rows.
async fn rebuild_account_days(
    db: &impl ConnectionTrait,
    account_id: &str,
) -> Result<u64, StoreError> {
    use account_snapshot::Column as A;
    let snapshots: Vec<(DateTime<Utc>, i64, i64, i64, i64)> = account_snapshot::Entity::find()
        .select_only()
        .columns([
            A::TakenAt,
            A::FollowerCount,
            A::FollowingCount,
            A::LikesCount,
            A::VideoCount,
        ])
        .filter(A::AccountId.eq(account_id))
        .order_by_asc(A::TakenAt)
        .into_tuple()
        .all(db)
        .await?;
    if snapshots.is_empty() {
        return Ok(0);
    }
    let views: Vec<(String, chrono::NaiveDate, i64)> = video_day::Entity::find()
        .select_only()
        .columns([
            video_day::Column::VideoRowId,
            video_day::Column::Day,
            video_day::Column::ViewCount,
        ])
        .join(JoinType::InnerJoin, video_day::Relation::Video.def())
        .filter(video::Column::AccountId.eq(account_id))
        .order_by_asc(video_day::Column::Day)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_day: std::collections::BTreeMap<chrono::NaiveDate, (i64, i64, i64, i64)> =
        std::collections::BTreeMap::new();
    for (at, f, g, l, v) in snapshots {
        by_day.insert(day_of(at), (f, g, l, v));
    }
    let mut latest: HashMap<&str, i64> = HashMap::new();
    let mut next = 0;
    let mut rows = Vec::with_capacity(by_day.len());
    for (day, (f, g, l, v)) in by_day {
        while next < views.len() && views[next].1 <= day {
            latest.insert(&views[next].0, views[next].2);
            next += 1;
        }
        rows.push(account_day::ActiveModel {
            account_id: Set(account_id.to_owned()),
            day: Set(day),
            follower_count: Set(f),
            following_count: Set(g),
            likes_count: Set(l),
            video_count: Set(v),
            view_count: Set(latest.values().sum()),
        });
    }
    let written = rows.len() as u64;
    for chunk in rows.chunks(1000) {
        upsert_account_days(db, chunk.iter().cloned()).await?;
    }
    Ok(written)
}

async fn upsert_account_days(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = account_day::ActiveModel>,
) -> Result<(), StoreError> {
    use account_day::Column as C;
    account_day::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([C::AccountId, C::Day])
                .update_columns([
                    C::FollowerCount,
                    C::FollowingCount,
                    C::LikesCount,
                    C::VideoCount,
                    C::ViewCount,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

impl Store {
    /// Makes the accounts' cached analytics unreachable.
    pub async fn invalidate_analytics(&self, account_ids: &[String]) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        work.analytics_changed(account_ids.iter().cloned());
        work.commit().await
    }
}
