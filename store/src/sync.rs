//! The nightly sync's storage: claiming an account's due sync (the run is recorded with a unique
//! (account, run time) key in the same transaction, so no run happens twice) and ending it. What
//! a run fetched is stored by `analytics` (`save_account_snapshot`, `save_videos`).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

use multitok_shared::AccountStatus;

use crate::accounts::Account;
use crate::entity::{sync_run, tiktok_account, workspace};
use crate::{Store, StoreError};

pub use crate::model::{AccountCounts, AccountSnapshot, SyncRun, Video, VideoSnapshot, VideoStats};

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
            let taken =
                crate::accounts::sync_slots::take(txn, &account.id, run_at, hold_until).await?;
            if !taken {
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
        let work = self.begin_work().await?;
        let txn = work.txn();
        sync_run::Entity::update_many()
            .col_expr(sync_run::Column::FinishedAt, Expr::value(Some(now)))
            .col_expr(sync_run::Column::Error, Expr::value(error))
            .filter(sync_run::Column::Id.eq(claim.run_id))
            .exec(txn)
            .await?;
        let synced_at = error.is_empty().then_some(now);
        let account_id = &claim.account.id;
        crate::accounts::sync_slots::release(
            txn,
            account_id,
            claim.hold_until,
            next_sync_at,
            synced_at,
        )
        .await?;
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
}
