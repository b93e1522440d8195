//! Starting inits within TikTok's quotas, for one target or a batch due at the same second: in
//! one transaction the accounts are locked (advisory locks on PostgreSQL; SQLite's writer lock), the
//! inits TikTok counted and those in flight are read, and the targets that fit are marked as
//! sending (`init_sent_at`) with their history lines. An init is therefore counted by every
//! worker before it goes out, and never sent twice.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, TimeDelta, Utc};
use multitok_shared::TargetState;
use multitok_shared::schedule::{Quota, grant_inits};
use sea_orm::sea_query::{Expr, UnionType};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, FromQueryResult, JoinType,
    QueryFilter, QuerySelect, QueryTrait, RelationTrait, Statement,
};

use crate::entity::{post_target, publish_event};
use crate::{Record, Store, StoreError};

/// A target that wants to send its init now.
#[derive(Debug, Clone)]
pub struct InitRequest {
    pub target_id: String,
    pub account_id: String,
}

/// What became of an [`InitRequest`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InitStart {
    /// Marked as sending: the init must go out now.
    Send,
    /// The account's quota is full until then; nothing changed.
    WaitUntil(DateTime<Utc>),
    /// The target is no longer this owner's in that state (cancelled, moved, taken); nothing changed.
    Lost,
}

const TOOK: &str = "A worker took the post.";
const SENDING: &str = "Sending the publish request to TikTok.";

impl Store {
    /// Marks as many of `requests` as the quotas allow as sending, in request order per account.
    /// `from` is `Scheduled` (the target is taken in the same step, and only once due) or
    /// `Claimed`.
    #[tracing::instrument(name = "store.start_inits", skip_all)]
    pub async fn start_inits(
        &self,
        owner: &str,
        from: TargetState,
        requests: &[InitRequest],
        now: DateTime<Utc>,
        quota: Quota,
    ) -> Result<Vec<InitStart>, StoreError> {
        let ready = std::future::ready(true);
        Ok(self
            .start_inits_when(owner, from, requests, now, quota, ready)
            .await?
            .unwrap_or_default())
    }

    /// [`Store::start_inits`] as of `now`, written ahead and committed only once `ready`
    /// answers true; on false nothing changes (`None`). Until the commit the accounts stay
    /// locked and the targets' rows too, so a cancel or a move waits for it and then finds the
    /// init sending. On SQLite the open transaction stops every other writer: there, call it at
    /// `now`.
    pub async fn start_inits_when(
        &self,
        owner: &str,
        from: TargetState,
        requests: &[InitRequest],
        now: DateTime<Utc>,
        quota: Quota,
        ready: impl Future<Output = bool>,
    ) -> Result<Option<Vec<InitStart>>, StoreError> {
        use post_target::Column as C;
        if requests.is_empty() {
            return Ok(Some(Vec::new()));
        }
        let accounts: BTreeSet<String> = requests.iter().map(|r| r.account_id.clone()).collect();
        let ids: Vec<String> = requests.iter().map(|r| r.target_id.clone()).collect();
        let backend = self.db.get_database_backend();
        let pg = backend == DatabaseBackend::Postgres;
        let account_ids = || accounts.iter().cloned();
        let work = self.begin_work().await?;
        let txn = work.txn();
        if pg {
            // One advisory lock per account (PostgreSQL's `hashtext` of its id), taken in
            // ascending order so that batches never deadlock; unlike row locks they do not wait
            // for other writes to the accounts' rows.
            let sql = "SELECT pg_advisory_xact_lock(k) FROM \
                       (SELECT DISTINCT hashtext('multitok-init:' || id) AS k \
                        FROM unnest($1::text[]) AS a(id) ORDER BY k) AS keys";
            let ids: Vec<String> = accounts.iter().cloned().collect();
            txn.execute_raw(Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                sql,
                [ids.into()],
            ))
            .await?;
        }
        // One statement, so one snapshot: a target whose answer is stored meanwhile is counted
        // once, either in flight or initialized.
        let mut counted = publish_event::Entity::find()
            .select_only()
            .column(C::AccountId)
            .column(publish_event::Column::At)
            .join(
                JoinType::InnerJoin,
                publish_event::Relation::PostTarget.def(),
            )
            .filter(one_of(pg, C::AccountId, account_ids()))
            .filter(publish_event::Column::ToState.eq(TargetState::Initialized.as_str()))
            .filter(publish_event::Column::At.gte(now - TimeDelta::hours(24)))
            .into_query();
        let flying = post_target::Entity::find()
            .select_only()
            .column(C::AccountId)
            .expr_as(Expr::cust("NULL"), "at")
            .filter(one_of(pg, C::AccountId, account_ids()))
            .filter(C::State.eq(TargetState::Claimed.as_str()))
            .filter(C::InitSentAt.is_not_null())
            .filter(if pg {
                C::Id.ne_all(ids.iter().cloned())
            } else {
                C::Id.is_not_in(ids.iter().cloned())
            })
            .into_query();
        counted.union(UnionType::All, flying);
        let rows = Counted::find_by_statement(backend.build(&counted))
            .all(txn)
            .await?;
        let past: Vec<(&str, DateTime<Utc>)> = rows
            .iter()
            .filter_map(|r| r.at.map(|at| (r.account_id.as_str(), at)))
            .collect();
        let in_flight: Vec<&str> = rows
            .iter()
            .filter(|r| r.at.is_none())
            .map(|r| r.account_id.as_str())
            .collect();
        let mut answers = vec![InitStart::Lost; requests.len()];
        let mut granted = Vec::new();
        for account in &accounts {
            let mine: Vec<usize> = (0..requests.len())
                .filter(|i| requests[*i].account_id == *account)
                .collect();
            let times: Vec<DateTime<Utc>> = past
                .iter()
                .filter(|(a, _)| *a == account)
                .map(|(_, at)| *at)
                .collect();
            let flying = in_flight.iter().filter(|a| **a == account).count();
            let (n, next) = grant_inits(&times, flying, mine.len(), now, quota);
            for (k, i) in mine.into_iter().enumerate() {
                if k < n {
                    granted.push(i);
                } else if let Some(at) = next {
                    answers[i] = InitStart::WaitUntil(at);
                }
            }
        }
        let mut update = post_target::Entity::update_many()
            .col_expr(C::State, Expr::value(TargetState::Claimed.as_str()))
            .col_expr(C::InitSentAt, Expr::value(Some(now)))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .filter(one_of(
                pg,
                C::Id,
                granted.iter().map(|i| requests[*i].target_id.clone()),
            ))
            .filter(C::State.eq(from.as_str()))
            .filter(C::ClaimOwner.eq(owner))
            .filter(C::InitSentAt.is_null());
        if from == TargetState::Scheduled {
            update = update.filter(C::NextAttemptAt.lte(now));
        }
        let sent: HashMap<String, String> = if granted.is_empty() {
            HashMap::new()
        } else {
            update
                .exec_with_returning(txn)
                .await?
                .into_iter()
                .map(|t| (t.id, t.account_id))
                .collect()
        };
        let mut events = Vec::new();
        for i in granted {
            let id = &requests[i].target_id;
            if !sent.contains_key(id) {
                continue;
            }
            answers[i] = InitStart::Send;
            if from == TargetState::Scheduled {
                events.push((id.clone(), TargetState::Scheduled, TOOK));
            }
            events.push((id.clone(), TargetState::Claimed, SENDING));
        }
        // The accounts' analytics version is raised by the answer's step, moments later. The
        // lines are written now, ahead of the commit that may wait for the second.
        work.append(Record::Moves {
            to: TargetState::Claimed,
            at: now,
            lines: events
                .into_iter()
                .map(|(id, from, detail)| (id, from, detail.to_owned()))
                .collect(),
        });
        work.flush().await?;
        if !ready.await {
            work.rollback().await?;
            return Ok(None);
        }
        work.commit().await?;
        Ok(Some(answers))
    }

    /// Other writers go on while a transaction is open (PostgreSQL); SQLite has one writer.
    pub fn writers_run_concurrently(&self) -> bool {
        self.db.get_database_backend() == DatabaseBackend::Postgres
    }
}

/// An init TikTok counted (`at`), or one in flight (no `at`), of an account.
#[derive(Debug, FromQueryResult)]
struct Counted {
    account_id: String,
    at: Option<DateTime<Utc>>,
}

/// `column IN (…)`; on PostgreSQL `column = ANY($n)`, one array parameter, so that the statement
/// is the same for any number of values and is not planned again for each length.
fn one_of<C: ColumnTrait>(pg: bool, column: C, values: impl IntoIterator<Item = String>) -> Expr {
    if pg {
        column.eq_any(values)
    } else {
        column.is_in(values)
    }
}
