//! Analytics storage, and every write to the numbers it reads: what the sync fetched (account
//! snapshots, videos and their snapshots, [`fetched`]), daily rollups and posting profiles kept
//! up to date with them, the viral scores of young videos, pruning of raw snapshots, a rebuild
//! of the rollups from raw snapshots, the bulk import of an account's history ([`history`]), and
//! the reads behind the analytics API.

mod fetched;
pub mod history;
mod maintain;
mod read;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

use crate::StoreError;
use crate::entity::{posting_profile, video, video_day};
use crate::model::VideoStats;
use multitok_shared::analytics::posting;

pub use read::{AccountDay, Failure, SlotRow, Upcoming, Video};

/// Earlier posts each viral score compares against.
pub const BASELINE_POSTS: u64 = 20;
/// Videos younger than this get their viral score updated by each sync.
pub const SCORED_DAYS: i64 = 7;

/// Rewrites the account's posting profile from its videos
/// ([`multitok_shared::analytics::posting`]).
pub(crate) async fn write_posting_profile(
    db: &impl ConnectionTrait,
    account_id: &str,
) -> Result<(), StoreError> {
    use sea_orm::{ColumnTrait, QueryFilter, QuerySelect};
    let videos: Vec<(DateTime<Utc>, i64)> = video::Entity::find()
        .select_only()
        .columns([video::Column::PostedAt, video::Column::ViewCount])
        .filter(video::Column::AccountId.eq(account_id))
        .into_tuple()
        .all(db)
        .await?;
    let posts = posting::encode(
        videos
            .into_iter()
            .map(|(at, views)| posting::Posted {
                at: at.timestamp(),
                views,
            })
            .collect(),
    );
    posting_profile::Entity::insert(posting_profile::ActiveModel {
        account_id: Set(account_id.to_owned()),
        posts: Set(posts),
    })
    .on_conflict(
        OnConflict::column(posting_profile::Column::AccountId)
            .update_column(posting_profile::Column::Posts)
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// The UTC day of a time: the day of its rollup row.
pub fn day_of(at: DateTime<Utc>) -> NaiveDate {
    at.date_naive()
}

pub(crate) fn video_day_row(
    video_row_id: &str,
    v: &VideoStats,
    now: DateTime<Utc>,
) -> video_day::ActiveModel {
    video_day::ActiveModel {
        video_row_id: Set(video_row_id.to_owned()),
        day: Set(day_of(now)),
        taken_at: Set(now),
        view_count: Set(v.views),
        like_count: Set(v.likes),
        comment_count: Set(v.comments),
        share_count: Set(v.shares),
    }
}

/// Inserts the day rows, replacing a day's row with a later snapshot of the same day.
pub(crate) async fn upsert_video_days(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = video_day::ActiveModel>,
) -> Result<(), StoreError> {
    use video_day::Column as C;
    let rows: Vec<_> = rows.into_iter().collect();
    if rows.is_empty() {
        return Ok(());
    }
    video_day::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([C::VideoRowId, C::Day])
                .update_columns([
                    C::TakenAt,
                    C::ViewCount,
                    C::LikeCount,
                    C::CommentCount,
                    C::ShareCount,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// A video's growth curve (age in hours, views) from its day rows (taken_at, views).
pub fn curve(posted_at: DateTime<Utc>, days: &[(DateTime<Utc>, i64)]) -> Vec<(f64, f64)> {
    days.iter()
        .map(|(at, views)| {
            let age = (*at - posted_at).num_seconds() as f64 / 3600.0;
            (age, *views as f64)
        })
        .filter(|(age, _)| *age >= 0.0)
        .collect()
}
