//! Counts read at each metrics scrape: targets by state, accounts by status, the earliest
//! refresh-token expiry, and each workspace's oldest sync.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::{post_target, tiktok_account};
use crate::{Store, StoreError};

/// What the metrics endpoint reports about stored state.
#[derive(Debug, Clone, Default)]
pub struct Gauges {
    pub targets_by_state: Vec<(String, i64)>,
    pub accounts_by_status: Vec<(String, i64)>,
    /// The earliest refresh-token expiry among active accounts.
    pub earliest_token_expiry: Option<DateTime<Utc>>,
    /// Per workspace, the oldest last sync among its active accounts (none: never synced).
    pub oldest_sync: Vec<(String, Option<DateTime<Utc>>)>,
}

impl Store {
    /// Reads every gauge in four grouped queries.
    pub async fn gauges(&self) -> Result<Gauges, StoreError> {
        use tiktok_account::Column as A;
        let targets_by_state = post_target::Entity::find()
            .select_only()
            .column(post_target::Column::State)
            .column_as(Expr::col(post_target::Column::Id).count(), "n")
            .group_by(post_target::Column::State)
            .into_tuple()
            .all(&self.db)
            .await?;
        let accounts_by_status = tiktok_account::Entity::find()
            .select_only()
            .column(A::Status)
            .column_as(Expr::col(A::Id).count(), "n")
            .group_by(A::Status)
            .into_tuple()
            .all(&self.db)
            .await?;
        let active = || {
            tiktok_account::Entity::find()
                .filter(A::Status.eq(multitok_shared::AccountStatus::Active.as_str()))
        };
        let earliest: Option<Option<DateTime<Utc>>> = active()
            .select_only()
            .column_as(Expr::col(A::RefreshExpiresAt).min(), "earliest")
            .into_tuple()
            .one(&self.db)
            .await?;
        let oldest_sync = active()
            .select_only()
            .column(A::WorkspaceId)
            .column_as(Expr::col(A::LastSyncedAt).min(), "oldest")
            .group_by(A::WorkspaceId)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(Gauges {
            targets_by_state,
            accounts_by_status,
            earliest_token_expiry: earliest.flatten(),
            oldest_sync,
        })
    }
}
