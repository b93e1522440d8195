//! The calendar: a workspace's targets in a range of time, with what each shows of its post;
//! one indexed query.

use chrono::{DateTime, Utc};
use multitok_shared::TargetState;
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};

use crate::entity::{post, post_target};
use crate::{Store, StoreError};

/// One target on the calendar, with what it shows of its post.
#[derive(Debug, Clone)]
pub struct CalendarEntry {
    pub target_id: String,
    pub post_id: String,
    pub account_id: String,
    pub target_caption: Option<String>,
    pub post_caption: String,
    pub scheduled_at: DateTime<Utc>,
    pub time_zone: String,
    pub state: TargetState,
    pub media_id: String,
}

/// [`CalendarEntry`] as the query reads it.
#[derive(Debug, FromQueryResult)]
struct CalendarRecord {
    target_id: String,
    post_id: String,
    account_id: String,
    target_caption: Option<String>,
    post_caption: String,
    scheduled_at: DateTime<Utc>,
    time_zone: String,
    state: String,
    media_id: String,
}

impl TryFrom<CalendarRecord> for CalendarEntry {
    type Error = StoreError;

    fn try_from(r: CalendarRecord) -> Result<CalendarEntry, StoreError> {
        Ok(CalendarEntry {
            target_id: r.target_id,
            post_id: r.post_id,
            account_id: r.account_id,
            target_caption: r.target_caption,
            post_caption: r.post_caption,
            scheduled_at: r.scheduled_at,
            time_zone: r.time_zone,
            state: crate::model::state_of(&r.state)?,
            media_id: r.media_id,
        })
    }
}

impl Store {
    /// The workspace's targets scheduled in `[from, to)`, optionally only of some accounts, in
    /// time order; one query.
    pub async fn calendar(
        &self,
        workspace_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        account_ids: &[String],
    ) -> Result<Vec<CalendarEntry>, StoreError> {
        let mut query = post_target::Entity::find()
            .select_only()
            .column_as(post_target::Column::Id, "target_id")
            .column(post_target::Column::PostId)
            .column(post_target::Column::AccountId)
            .column_as(post_target::Column::Caption, "target_caption")
            .column_as(post::Column::Caption, "post_caption")
            .column(post_target::Column::ScheduledAt)
            .column(post::Column::TimeZone)
            .column(post_target::Column::State)
            .column(post::Column::MediaId)
            .join(JoinType::InnerJoin, post_target::Relation::Post.def())
            .filter(post_target::Column::WorkspaceId.eq(workspace_id))
            .filter(post_target::Column::ScheduledAt.gte(from))
            .filter(post_target::Column::ScheduledAt.lt(to));
        if !account_ids.is_empty() {
            query = query.filter(post_target::Column::AccountId.is_in(account_ids.iter().cloned()));
        }
        crate::rows::all(
            query
                .order_by_asc(post_target::Column::ScheduledAt)
                .order_by_asc(post_target::Column::Id)
                .into_model::<CalendarRecord>()
                .all(&self.db)
                .await?,
        )
    }
}
