//! The records a unit of work writes with its change, and how each kind is written: one
//! function per kind, each in the unit's transaction.

use chrono::{DateTime, Utc};
use multitok_shared::TargetState;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ConnectionTrait, DatabaseBackend, EntityTrait, Statement};

use crate::StoreError;
use crate::entity::publish_event;

/// A row written in the same transaction as the change it records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A line of a post target's history (`publish_events`).
    History {
        target_id: String,
        from: Option<TargetState>,
        to: TargetState,
        detail: String,
        tiktok_code: String,
        at: DateTime<Utc>,
    },
    /// Lines of several targets' history, all into `to` at `at`: (target, from, detail). One
    /// statement on PostgreSQL, whatever their number.
    Moves {
        to: TargetState,
        at: DateTime<Utc>,
        lines: Vec<(String, TargetState, String)>,
    },
    /// The accounts' analytics changed: their versions are raised, so that no cached answer
    /// computed before the change is served again.
    AnalyticsChanged { account_ids: Vec<String> },
    /// The analytics of a target's account changed (as [`Record::AnalyticsChanged`]).
    TargetAnalyticsChanged { target_id: String },
}

/// Writes one record.
pub(crate) async fn write(db: &impl ConnectionTrait, record: &Record) -> Result<(), StoreError> {
    match record {
        Record::History {
            target_id,
            from,
            to,
            detail,
            tiktok_code,
            at,
        } => {
            publish_event::Entity::insert(publish_event::ActiveModel {
                id: NotSet,
                target_id: Set(target_id.clone()),
                at: Set(*at),
                from_state: Set(from.map(|s| s.as_str()).unwrap_or("").to_owned()),
                to_state: Set(to.as_str().to_owned()),
                detail: Set(detail.clone()),
                tiktok_code: Set(tiktok_code.clone()),
            })
            .exec_without_returning(db)
            .await?;
            Ok(())
        }
        Record::Moves { to, at, lines } => write_moves(db, *to, *at, lines).await,
        Record::AnalyticsChanged { account_ids } => {
            crate::accounts::versions::raise(db, account_ids.iter().cloned()).await
        }
        Record::TargetAnalyticsChanged { target_id } => {
            crate::accounts::versions::raise_for_target(db, target_id).await
        }
    }
}

/// History lines of several targets into `to`, all at `at`: on PostgreSQL one statement over
/// arrays, so that it is planned once whatever their number.
async fn write_moves(
    db: &impl ConnectionTrait,
    to: TargetState,
    at: DateTime<Utc>,
    lines: &[(String, TargetState, String)],
) -> Result<(), StoreError> {
    if lines.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    if backend == DatabaseBackend::Postgres {
        let sql = "INSERT INTO publish_events \
                   (target_id, at, from_state, to_state, detail, tiktok_code) \
                   SELECT t, $1, f, $2, d, '' \
                   FROM unnest($3::text[], $4::text[], $5::text[]) AS e(t, f, d)";
        let column = |pick: fn(&(String, TargetState, String)) -> String| -> sea_orm::Value {
            lines.iter().map(pick).collect::<Vec<String>>().into()
        };
        let values = [
            at.into(),
            to.as_str().into(),
            column(|e| e.0.clone()),
            column(|e| e.1.as_str().to_owned()),
            column(|e| e.2.clone()),
        ];
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
        return Ok(());
    }
    let rows = lines
        .iter()
        .map(|(id, from, detail)| publish_event::ActiveModel {
            id: NotSet,
            target_id: Set(id.clone()),
            at: Set(at),
            from_state: Set(from.as_str().to_owned()),
            to_state: Set(to.as_str().to_owned()),
            detail: Set(detail.clone()),
            tiktok_code: Set(String::new()),
        });
    publish_event::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await?;
    Ok(())
}
