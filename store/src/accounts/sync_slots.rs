//! An account's place in the nightly sync: its `next_sync_at` is taken by a run with a
//! compare-and-set on the due time, set to the next run when the run ends, and `last_synced_at`
//! stamped when it succeeded.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::StoreError;
use crate::entity::tiktok_account;
use tiktok_account::Column as C;

/// Moves the account's due sync (`run_at`) to `hold_until`; answers whether this caller took it.
pub(crate) async fn take(
    db: &impl ConnectionTrait,
    account_id: &str,
    run_at: DateTime<Utc>,
    hold_until: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let taken = tiktok_account::Entity::update_many()
        .col_expr(C::NextSyncAt, Expr::value(Some(hold_until)))
        .filter(C::Id.eq(account_id))
        .filter(C::NextSyncAt.eq(run_at))
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Sets the account's next sync, unless someone asked for another one while the run held it; a
/// successful run (`synced_at`) also stamps the account's last sync.
pub(crate) async fn release(
    db: &impl ConnectionTrait,
    account_id: &str,
    hold_until: DateTime<Utc>,
    next_sync_at: DateTime<Utc>,
    synced_at: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    tiktok_account::Entity::update_many()
        .col_expr(C::NextSyncAt, Expr::value(Some(next_sync_at)))
        .filter(C::Id.eq(account_id))
        .filter(C::NextSyncAt.eq(hold_until))
        .exec(db)
        .await?;
    if let Some(at) = synced_at {
        tiktok_account::Entity::update_many()
            .col_expr(C::LastSyncedAt, Expr::value(Some(at)))
            .filter(C::Id.eq(account_id))
            .exec(db)
            .await?;
    }
    Ok(())
}
