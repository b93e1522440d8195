//! Reads behind the analytics API; each answers with one query (or one per 500 ids).

use chrono::{DateTime, NaiveDate, Utc};
use multitok_shared::TargetState;
use multitok_shared::analytics::offsets::whole_hour_shift;
use sea_orm::{
    ColumnTrait, Condition, DatabaseBackend, EntityTrait, FromQueryResult, JoinType, QueryFilter,
    QueryOrder, QuerySelect, RelationTrait,
};

use crate::entity::{account_day, post, post_target, posting_profile, video};
use crate::params::Params;
use crate::{Store, StoreError};

pub use crate::model::Video;

/// An account's counts at the end of a UTC day.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct AccountDay {
    pub account_id: String,
    pub day: NaiveDate,
    pub follower_count: i64,
    pub following_count: i64,
    pub likes_count: i64,
    pub video_count: i64,
    pub view_count: i64,
}

/// An account's videos posted in one local weekday × hour ([`Store::posting_totals`]).
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct SlotRow {
    pub account_id: String,
    pub slot: i64,
    pub posts: i64,
    pub views: i64,
}

/// A target waiting to publish.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Upcoming {
    pub post_id: String,
    pub target_id: String,
    pub account_id: String,
    pub target_caption: Option<String>,
    pub post_caption: String,
    pub scheduled_at: DateTime<Utc>,
}

/// A target that failed or needs attention.
#[derive(Debug, Clone)]
pub struct Failure {
    pub post_id: String,
    pub target_id: String,
    pub account_id: String,
    pub state: TargetState,
    pub failure_reason: String,
    pub updated_at: DateTime<Utc>,
}

/// [`Failure`] as the query reads it.
#[derive(Debug, FromQueryResult)]
struct FailureRecord {
    post_id: String,
    target_id: String,
    account_id: String,
    state: String,
    failure_reason: String,
    updated_at: DateTime<Utc>,
}

impl TryFrom<FailureRecord> for Failure {
    type Error = StoreError;

    fn try_from(r: FailureRecord) -> Result<Failure, StoreError> {
        Ok(Failure {
            post_id: r.post_id,
            target_id: r.target_id,
            account_id: r.account_id,
            state: crate::model::state_of(&r.state)?,
            failure_reason: r.failure_reason,
            updated_at: r.updated_at,
        })
    }
}

impl Store {
    /// Day rows of the accounts in `from..=to`, by account then day; `after` continues after
    /// that (account, day).
    pub async fn account_days(
        &self,
        accounts: &[String],
        from: NaiveDate,
        to: NaiveDate,
        after: Option<(&str, NaiveDate)>,
        limit: Option<u64>,
    ) -> Result<Vec<AccountDay>, StoreError> {
        use account_day::Column as C;
        let mut q = account_day::Entity::find()
            .filter(C::AccountId.is_in(accounts.iter().cloned()))
            .filter(C::Day.gte(from))
            .filter(C::Day.lte(to));
        if let Some((account, day)) = after {
            q = q.filter(
                Condition::any().add(C::AccountId.gt(account)).add(
                    Condition::all()
                        .add(C::AccountId.eq(account))
                        .add(C::Day.gt(day)),
                ),
            );
        }
        Ok(q.order_by_asc(C::AccountId)
            .order_by_asc(C::Day)
            .limit(limit)
            .into_model::<AccountDay>()
            .all(&self.db)
            .await?)
    }

    /// Videos of the accounts posted in `[from, to)`, newest first; `after` continues after that
    /// (posted_at, id).
    pub async fn videos_posted(
        &self,
        accounts: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        after: Option<(DateTime<Utc>, &str)>,
        limit: Option<u64>,
    ) -> Result<Vec<Video>, StoreError> {
        use video::Column as C;
        let mut q = video::Entity::find()
            .filter(C::AccountId.is_in(accounts.iter().cloned()))
            .filter(C::PostedAt.gte(from))
            .filter(C::PostedAt.lt(to));
        if let Some((at, id)) = after {
            q = q.filter(
                Condition::any()
                    .add(C::PostedAt.lt(at))
                    .add(Condition::all().add(C::PostedAt.eq(at)).add(C::Id.gt(id))),
            );
        }
        crate::rows::all(
            q.order_by_desc(C::PostedAt)
                .order_by_asc(C::Id)
                .limit(limit)
                .all(&self.db)
                .await?,
        )
    }

    /// Per account and local weekday × hour of posting, the videos posted in `[from, to)` and
    /// their views, added up by the database. `spans` are the zone's offsets from UTC over the
    /// range (each `(start, seconds)` holds until the next start); `slot` is
    /// `((epoch seconds + offset) / 3600 + 72) % 168`, hours since a local Monday midnight. An
    /// account and slot may come in several rows (one per span), to be added up.
    pub async fn posting_totals(
        &self,
        accounts: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        spans: &[(DateTime<Utc>, i32)],
    ) -> Result<Vec<SlotRow>, StoreError> {
        if accounts.is_empty() || from >= to {
            return Ok(Vec::new());
        }
        let backend = self.db.get_database_backend();
        let mut params = Params::new(backend);
        let shifts: Option<Vec<i64>> = spans.iter().map(|s| whole_hour_shift(s.1)).collect();
        let sql = match shifts {
            Some(shifts) => {
                match totals_by_stored_slot(&mut params, accounts, from, to, spans, &shifts) {
                    Some(sql) => sql,
                    None => return Ok(Vec::new()),
                }
            }
            None => totals_by_instant(&mut params, accounts, from, to, spans),
        };
        Ok(SlotRow::find_by_statement(params.statement(sql))
            .all(&self.db)
            .await?)
    }

    /// The packed posting profiles of those of the accounts that have one, by account id.
    pub async fn posting_profiles(
        &self,
        accounts: &[String],
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let mut out = Vec::with_capacity(accounts.len());
        for chunk in accounts.chunks(500) {
            out.extend(
                posting_profile::Entity::find()
                    .select_only()
                    .columns([
                        posting_profile::Column::AccountId,
                        posting_profile::Column::Posts,
                    ])
                    .filter(posting_profile::Column::AccountId.is_in(chunk.iter().cloned()))
                    .into_tuple::<(String, Vec<u8>)>()
                    .all(&self.db)
                    .await?,
            );
        }
        Ok(out)
    }

    /// The accounts' videos posted since `since` with the most views, or (`by_score`) the
    /// highest viral scores.
    pub async fn leading_videos(
        &self,
        accounts: &[String],
        since: DateTime<Utc>,
        by_score: bool,
        limit: u64,
    ) -> Result<Vec<Video>, StoreError> {
        use video::Column as C;
        let q = video::Entity::find()
            .filter(C::AccountId.is_in(accounts.iter().cloned()))
            .filter(C::PostedAt.gte(since));
        let q = if by_score {
            q.filter(C::ViralScore.is_not_null())
                .order_by_desc(C::ViralScore)
        } else {
            q.order_by_desc(C::ViewCount)
        };
        crate::rows::all(q.order_by_asc(C::Id).limit(limit).all(&self.db).await?)
    }

    /// The video with TikTok's id `video_id` among the accounts'.
    pub async fn video_by_tiktok_id(
        &self,
        accounts: &[String],
        video_id: &str,
    ) -> Result<Vec<Video>, StoreError> {
        crate::rows::all(
            video::Entity::find()
                .filter(video::Column::AccountId.is_in(accounts.iter().cloned()))
                .filter(video::Column::VideoId.eq(video_id))
                .all(&self.db)
                .await?,
        )
    }

    /// The videos of the post's published targets in the workspace.
    pub async fn videos_of_post(
        &self,
        workspace_id: &str,
        post_id: &str,
    ) -> Result<Vec<Video>, StoreError> {
        let targets: Vec<(String, Option<String>)> = post_target::Entity::find()
            .select_only()
            .columns([post_target::Column::AccountId, post_target::Column::VideoId])
            .filter(post_target::Column::WorkspaceId.eq(workspace_id))
            .filter(post_target::Column::PostId.eq(post_id))
            .filter(post_target::Column::VideoId.is_not_null())
            .into_tuple()
            .all(&self.db)
            .await?;
        if targets.is_empty() {
            return Ok(Vec::new());
        }
        let mut any = Condition::any();
        for (account, video_id) in targets {
            any = any.add(
                Condition::all()
                    .add(video::Column::AccountId.eq(account))
                    .add(video::Column::VideoId.eq(video_id)),
            );
        }
        crate::rows::all(video::Entity::find().filter(any).all(&self.db).await?)
    }

    /// The account's `limit` videos posted before `before`, newest first: a baseline.
    pub async fn videos_before(
        &self,
        account_id: &str,
        before: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<Video>, StoreError> {
        crate::rows::all(
            video::Entity::find()
                .filter(video::Column::AccountId.eq(account_id))
                .filter(video::Column::PostedAt.lt(before))
                .order_by_desc(video::Column::PostedAt)
                .limit(limit)
                .all(&self.db)
                .await?,
        )
    }

    /// The workspace's next targets waiting to publish.
    pub async fn upcoming_targets(
        &self,
        workspace_id: &str,
        now: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<Upcoming>, StoreError> {
        use post_target::Column as C;
        Ok(post_target::Entity::find()
            .select_only()
            .column(C::PostId)
            .column_as(C::Id, "target_id")
            .column(C::AccountId)
            .column_as(C::Caption, "target_caption")
            .column_as(post::Column::Caption, "post_caption")
            .column(C::ScheduledAt)
            .join(JoinType::InnerJoin, post_target::Relation::Post.def())
            .filter(C::WorkspaceId.eq(workspace_id))
            .filter(C::State.eq(TargetState::Scheduled.as_str()))
            .filter(C::ScheduledAt.gte(now))
            .order_by_asc(C::ScheduledAt)
            .limit(limit)
            .into_model::<Upcoming>()
            .all(&self.db)
            .await?)
    }

    /// The workspace's targets that failed or need attention, changed since `since`, newest
    /// first.
    pub async fn recent_failures(
        &self,
        workspace_id: &str,
        since: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<Failure>, StoreError> {
        use post_target::Column as C;
        crate::rows::all(
            post_target::Entity::find()
                .select_only()
                .column(C::PostId)
                .column_as(C::Id, "target_id")
                .columns([C::AccountId, C::State, C::FailureReason, C::UpdatedAt])
                .filter(C::WorkspaceId.eq(workspace_id))
                .filter(C::State.is_in([
                    TargetState::Failed.as_str(),
                    TargetState::NeedsAttention.as_str(),
                ]))
                .filter(C::UpdatedAt.gte(since))
                .order_by_desc(C::UpdatedAt)
                .limit(limit)
                .into_model::<FailureRecord>()
                .all(&self.db)
                .await?,
        )
    }
}

const VIEWS: &str = "CAST(SUM(CASE WHEN view_count > 0 THEN view_count ELSE 0 END) AS BIGINT)";

/// Whole-hour offsets: per span, the stored UTC slots shifted by the span's hours (`shifts`, one
/// per span), read from the index (account, posted at, slot, views) alone. `None` when no span
/// overlaps the range.
fn totals_by_stored_slot(
    params: &mut Params,
    accounts: &[String],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    spans: &[(DateTime<Utc>, i32)],
    shifts: &[i64],
) -> Option<String> {
    let mut parts = Vec::new();
    for (i, (&(start, _), shift)) in spans.iter().zip(shifts).enumerate() {
        let end = spans.get(i + 1).map_or(to, |next| next.0).min(to);
        let start = start.max(from);
        if start >= end {
            continue;
        }
        let ids: Vec<String> = accounts.iter().map(|a| params.push(a.clone())).collect();
        let (start, end) = (params.push(start), params.push(end));
        parts.push(format!(
            "SELECT account_id, CAST((posted_slot + {shift}) % 168 AS BIGINT) AS slot, \
             COUNT(*) AS posts, {VIEWS} AS views FROM videos \
             WHERE account_id IN ({}) AND posted_at >= {start} AND posted_at < {end} \
             GROUP BY account_id, posted_slot",
            ids.join(", ")
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" UNION ALL "))
}

/// Offsets with minutes: each instant turned into its local slot, one offset per span.
fn totals_by_instant(
    params: &mut Params,
    accounts: &[String],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    spans: &[(DateTime<Utc>, i32)],
) -> String {
    let epoch = if params.backend() == DatabaseBackend::Postgres {
        // `date_part` is floating point; `EXTRACT` answers `numeric`, slower per row.
        "CAST(FLOOR(date_part('epoch', posted_at)) AS BIGINT)"
    } else {
        "CAST(strftime('%s', posted_at) AS INTEGER)"
    };
    let last = spans.last().map_or(0, |s| s.1).to_string();
    let offset = if spans.len() < 2 {
        last
    } else {
        let mut case = String::from("CASE");
        for pair in spans.windows(2) {
            let until = params.push(pair[1].0);
            case += &format!(" WHEN posted_at < {until} THEN {}", pair[0].1);
        }
        case + " ELSE " + &last + " END"
    };
    let ids: Vec<String> = accounts.iter().map(|a| params.push(a.clone())).collect();
    let (from, to) = (params.push(from), params.push(to));
    format!(
        "SELECT account_id, (({epoch} + {offset}) / 3600 + 72) % 168 AS slot, \
         COUNT(*) AS posts, {VIEWS} AS views \
         FROM videos WHERE account_id IN ({}) AND posted_at >= {from} AND posted_at < {to} \
         GROUP BY account_id, slot",
        ids.join(", ")
    )
}
