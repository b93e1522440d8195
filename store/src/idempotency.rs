//! Idempotency keys of write calls. A call is reserved before it runs: the first caller with a
//! key inserts the row (`pending`), anyone else finds it. A success stores its answer (`done`),
//! or only that it happened when the answer holds a secret shown once (`secret`); a failure
//! releases the key. Rows older than a day are ignored and swept.

use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::entity::idempotency_key;
use crate::{Store, StoreError};

/// How long a key holds.
pub const IDEMPOTENCY_WINDOW: TimeDelta = TimeDelta::hours(24);

/// What reserving a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reservation {
    /// The key is new: run the call.
    Reserved,
    /// The key was used for another request.
    Mismatch,
    /// The first call with this key has not finished (or never did).
    Pending,
    /// The first call succeeded with this stored answer.
    Done(String),
    /// The first call succeeded and its answer was a secret shown once.
    Secret,
}

impl Store {
    /// Reserves `key` of `user_id` for the request hashed as `request_hash`.
    pub async fn reserve_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Reservation, StoreError> {
        use idempotency_key::Column as C;
        let work = self.begin_work().await?;
        idempotency_key::Entity::delete_many()
            .filter(C::UserId.eq(user_id))
            .filter(C::Key.eq(key))
            .filter(C::CreatedAt.lt(now - IDEMPOTENCY_WINDOW))
            .exec(work.txn())
            .await?;
        let inserted = idempotency_key::Entity::insert(idempotency_key::ActiveModel {
            user_id: Set(user_id.to_owned()),
            key: Set(key.to_owned()),
            request_hash: Set(request_hash.to_owned()),
            state: Set("pending".into()),
            response: Set(None),
            created_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([C::UserId, C::Key])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(work.txn())
        .await?;
        let found = idempotency_key::Entity::find_by_id((user_id.to_owned(), key.to_owned()))
            .one(work.txn())
            .await?;
        work.commit().await?;
        let Some(row) = found else {
            return Ok(Reservation::Pending);
        };
        Ok(match row.state.as_str() {
            _ if inserted == 1 => Reservation::Reserved,
            _ if row.request_hash != request_hash => Reservation::Mismatch,
            "done" => Reservation::Done(row.response.unwrap_or_default()),
            "secret" => Reservation::Secret,
            _ => Reservation::Pending,
        })
    }

    /// Records the answer of a reserved call (`None`: a secret that is not kept).
    pub async fn complete_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        response: Option<String>,
    ) -> Result<(), StoreError> {
        use idempotency_key::Column as C;
        let state = if response.is_some() { "done" } else { "secret" };
        let work = self.begin_work().await?;
        idempotency_key::Entity::update_many()
            .col_expr(C::State, sea_orm::sea_query::Expr::value(state))
            .col_expr(C::Response, sea_orm::sea_query::Expr::value(response))
            .filter(C::UserId.eq(user_id))
            .filter(C::Key.eq(key))
            .exec(work.txn())
            .await?;
        work.commit().await
    }

    /// Frees the key of a call that failed, so that it may be retried.
    pub async fn release_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
    ) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        idempotency_key::Entity::delete_by_id((user_id.to_owned(), key.to_owned()))
            .exec(work.txn())
            .await?;
        work.commit().await
    }

    /// Deletes keys older than the window; answers how many.
    pub async fn sweep_idempotency_keys(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let work = self.begin_work().await?;
        let done = idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::CreatedAt.lt(now - IDEMPOTENCY_WINDOW))
            .exec(work.txn())
            .await?;
        work.commit().await?;
        Ok(done.rows_affected)
    }
}
