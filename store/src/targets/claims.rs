//! The worker's side of post targets: claiming due targets with a lease (any number of workers
//! share the work; a dead worker's targets come back when its lease runs out), and moving a
//! claimed target along the state machine with a compare-and-set on (state, owner) and its
//! history line in the same transaction.

use chrono::{DateTime, Utc};
use multitok_shared::TargetState;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, DatabaseBackend, EntityTrait, QueryFilter, QuerySelect};

use crate::entity::post_target;
use crate::model::Target;
use crate::params::Params;
use crate::work::Change;
use crate::{Store, StoreError};

/// States a worker acts on.
pub const WORK_STATES: [TargetState; 5] = [
    TargetState::Scheduled,
    TargetState::Claimed,
    TargetState::Initialized,
    TargetState::Uploading,
    TargetState::Processing,
];

fn work_states_sql() -> String {
    WORK_STATES
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(",")
}

/// One move of a claimed target. Fields left `None` keep their value.
#[derive(Debug, Clone, Default)]
pub struct Step {
    pub to: Option<TargetState>,
    pub publish_id: Option<String>,
    pub video_id: Option<String>,
    pub upload_url_enc: Option<Option<String>>,
    pub init_sent_at: Option<Option<DateTime<Utc>>>,
    pub failure_reason: Option<String>,
    pub attempts: Option<i32>,
    pub next_attempt_at: Option<Option<DateTime<Utc>>>,
    /// Extend the lease to this time, or (`Some(None)`) give the target back.
    pub lease: Option<Option<DateTime<Utc>>>,
    pub detail: String,
    pub tiktok_code: String,
}

impl Store {
    /// Claims up to `limit` due targets for `owner` until `until`, earliest first. On PostgreSQL
    /// concurrent claimers skip each other's rows (`FOR UPDATE SKIP LOCKED`); on SQLite the
    /// single `UPDATE … RETURNING` is atomic.
    pub async fn claim_due(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<Target>, StoreError> {
        let due = format!(
            "state IN ({}) AND next_attempt_at <= {{now}}",
            work_states_sql()
        );
        self.claim(owner, &due, now, now, until, limit, None).await
    }

    /// Claims the scheduled targets due after `now` and by `horizon` of up to `accounts`
    /// accounts (at most `limit` targets), earliest first, so that their inits can be prepared
    /// ahead and sent on their second. An account's upcoming targets go to one worker: concurrent
    /// claimers take different accounts (on PostgreSQL an advisory lock per account decides), so
    /// their groups never wait for each other's quota locks. The target stays `scheduled` (a
    /// cancel or a move still wins) until it is taken.
    pub async fn claim_upcoming(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        horizon: DateTime<Utc>,
        until: DateTime<Utc>,
        accounts: u64,
        limit: u64,
    ) -> Result<Vec<Target>, StoreError> {
        let upcoming = format!(
            "state = '{}' AND next_attempt_at > {{now}} AND next_attempt_at <= {{horizon}}",
            TargetState::Scheduled.as_str()
        );
        self.claim(owner, &upcoming, now, horizon, until, limit, Some(accounts))
            .await
    }

    /// Claims the free targets matching `condition` (which may use `{now}` and `{horizon}`),
    /// with `accounts`, only whole accounts' targets of that many accounts at most.
    #[allow(clippy::too_many_arguments)]
    async fn claim(
        &self,
        owner: &str,
        condition: &str,
        now: DateTime<Utc>,
        horizon: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u64,
        accounts: Option<u64>,
    ) -> Result<Vec<Target>, StoreError> {
        let backend = self.db.get_database_backend();
        let postgres = backend == DatabaseBackend::Postgres;
        // Placeholders are bound in the order they appear in the text.
        let mut params = Params::new(backend);
        let free = |params: &mut Params| {
            let mut sql = condition.to_owned();
            if sql.contains("{now}") {
                sql = sql.replace("{now}", &params.push(now));
            }
            if sql.contains("{horizon}") {
                sql = sql.replace("{horizon}", &params.push(horizon));
            }
            let free = params.push(now);
            format!("{sql} AND (lease_expires_at IS NULL OR lease_expires_at < {free})")
        };
        let mut chosen = String::new();
        if let Some(accounts) = accounts {
            let candidates = format!(
                "SELECT account_id, MIN(next_attempt_at) AS earliest FROM post_targets WHERE {} \
                 GROUP BY account_id ORDER BY earliest, account_id",
                free(&mut params)
            );
            let n = params.push(i64::try_from(accounts).unwrap_or(i64::MAX));
            // Evaluated once (`MATERIALIZED`); `OFFSET 0` keeps the lock out of the grouping, so
            // it is tried on the candidates in order only until enough are taken. It is held
            // until this statement commits; a claimer that takes it after that commit finds the
            // targets claimed when it locks their rows.
            chosen = if postgres {
                format!(
                    "WITH chosen AS MATERIALIZED (SELECT account_id FROM ({candidates} OFFSET 0) AS c \
                     WHERE pg_try_advisory_xact_lock(hashtext('multitok-arm:' || account_id)) \
                     LIMIT {n}) "
                )
            } else {
                format!("WITH chosen AS (SELECT account_id FROM ({candidates}) AS c LIMIT {n}) ")
            };
        }
        let owner_p = params.push(owner);
        let until_p = params.push(until);
        let mut pick = format!("SELECT id FROM post_targets WHERE {}", free(&mut params));
        if !chosen.is_empty() {
            pick.push_str(" AND account_id IN (SELECT account_id FROM chosen)");
        }
        let limit = params.push(i64::try_from(limit).unwrap_or(i64::MAX));
        let skip = if postgres {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let sql = format!(
            "{chosen}UPDATE post_targets SET claim_owner = {owner_p}, lease_expires_at = {until_p} \
             WHERE id IN ({pick} ORDER BY next_attempt_at LIMIT {limit}{skip}) \
             RETURNING *"
        );
        crate::rows::all(
            post_target::Entity::find()
                .from_raw_sql(params.statement(sql))
                .all(&self.db)
                .await?,
        )
    }

    /// Gives back the claims `owner` holds on `ids` that are still waiting (`scheduled`), so
    /// that any worker takes them when due.
    pub async fn release_claims(&self, owner: &str, ids: &[String]) -> Result<u64, StoreError> {
        use post_target::Column as C;
        Ok(post_target::Entity::update_many()
            .col_expr(C::ClaimOwner, Expr::value(None::<String>))
            .col_expr(C::LeaseExpiresAt, Expr::value(None::<DateTime<Utc>>))
            .filter(C::ClaimOwner.eq(owner))
            .filter(C::State.eq(TargetState::Scheduled.as_str()))
            .filter(C::Id.is_in(ids.iter().cloned()))
            .exec(&self.db)
            .await?
            .rows_affected)
    }

    /// The earliest time a target becomes due (its attempt time, or when its lease runs out).
    pub async fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let states: Vec<&str> = WORK_STATES.iter().map(|s| s.as_str()).collect();
        let free: Option<Option<DateTime<Utc>>> = post_target::Entity::find()
            .select_only()
            .column_as(post_target::Column::NextAttemptAt.min(), "at")
            .filter(post_target::Column::State.is_in(states.clone()))
            .filter(post_target::Column::LeaseExpiresAt.is_null())
            .into_tuple()
            .one(&self.db)
            .await?;
        let leased: Option<Option<DateTime<Utc>>> = post_target::Entity::find()
            .select_only()
            .column_as(post_target::Column::LeaseExpiresAt.min(), "at")
            .filter(post_target::Column::State.is_in(states))
            .filter(post_target::Column::LeaseExpiresAt.is_not_null())
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok([free.flatten(), leased.flatten()]
            .into_iter()
            .flatten()
            .min())
    }

    /// The earliest due time of a free scheduled target: when to claim it ahead.
    pub async fn next_scheduled(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<Option<DateTime<Utc>>> = post_target::Entity::find()
            .select_only()
            .column_as(post_target::Column::NextAttemptAt.min(), "at")
            .filter(post_target::Column::State.eq(TargetState::Scheduled.as_str()))
            .filter(post_target::Column::LeaseExpiresAt.is_null())
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok(at.flatten())
    }

    /// Extends the leases `owner` holds on `ids`.
    pub async fn extend_leases(
        &self,
        owner: &str,
        ids: &[String],
        until: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        Ok(post_target::Entity::update_many()
            .col_expr(post_target::Column::LeaseExpiresAt, Expr::value(until))
            .filter(post_target::Column::ClaimOwner.eq(owner))
            .filter(post_target::Column::Id.is_in(ids.iter().cloned()))
            .exec(&self.db)
            .await?
            .rows_affected)
    }

    /// Applies `step` if the target is still in `from` and held by `owner`; appends the history
    /// line in the same transaction. False when someone else changed it first (cancelled,
    /// rescheduled, completed by a webhook, or claimed after a lost lease).
    #[tracing::instrument(name = "store.advance", skip_all)]
    pub async fn advance(
        &self,
        target_id: &str,
        owner: &str,
        from: TargetState,
        step: Step,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        use post_target::Column as C;
        let work = self.begin_work().await?;
        let txn = work.txn();
        let mut update =
            post_target::Entity::update_many().col_expr(C::UpdatedAt, Expr::value(now));
        let mut set = |c: C, v: SimpleExpr| update = update.clone().col_expr(c, v);
        if let Some(to) = step.to {
            set(C::State, Expr::value(to.as_str()));
        }
        if let Some(v) = &step.publish_id {
            set(C::PublishId, Expr::value(Some(v.clone())));
        }
        if let Some(v) = &step.video_id {
            set(C::VideoId, Expr::value(Some(v.clone())));
        }
        if let Some(v) = &step.upload_url_enc {
            set(C::UploadUrlEnc, Expr::value(v.clone()));
        }
        if let Some(v) = step.init_sent_at {
            set(C::InitSentAt, Expr::value(v));
        }
        if let Some(v) = &step.failure_reason {
            set(C::FailureReason, Expr::value(v.clone()));
        }
        if let Some(v) = step.attempts {
            set(C::Attempts, Expr::value(v));
        }
        if let Some(v) = step.next_attempt_at {
            set(C::NextAttemptAt, Expr::value(v));
        }
        match step.lease {
            Some(Some(until)) => set(C::LeaseExpiresAt, Expr::value(Some(until))),
            Some(None) => {
                set(C::LeaseExpiresAt, Expr::value(None::<DateTime<Utc>>));
                set(C::ClaimOwner, Expr::value(None::<String>));
            }
            None => {}
        }
        let done = update
            .filter(C::Id.eq(target_id))
            .filter(C::State.eq(from.as_str()))
            .filter(C::ClaimOwner.eq(owner))
            .exec(txn)
            .await?;
        if done.rows_affected != 1 {
            work.rollback().await?;
            return Ok(false);
        }
        if step.to.is_some() || !step.detail.is_empty() {
            let change = Change {
                from: Some(from),
                to: step.to.unwrap_or(from),
                detail: &step.detail,
                tiktok_code: &step.tiktok_code,
            };
            work.record_history(target_id, change, now);
        }
        work.commit().await?;
        Ok(true)
    }
}
