//! The unit of work: one write transaction, and the rows that must be written with the change
//! it carries. Every write of the store runs in one, except lease bookkeeping (claiming due
//! targets, extending or giving back a claim's lease, the `leases` table, an API token's last
//! use): single statements on the pool that record nothing and sit on the worker's and the
//! server's hot paths. A change that must leave a record (a line
//! of a target's history, raised analytics versions; later an audit event, an idempotency key or
//! an outbox message) appends a [`Record`] to its unit, which writes it in the same
//! transaction, just before the commit: the change and its record are stored together or not
//! at all.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use multitok_shared::TargetState;
use sea_orm::{DatabaseTransaction, TransactionTrait};

pub use crate::records::Record;
use crate::{Store, StoreError};

/// One write transaction and its pending records; commit it, or drop it to roll back.
pub struct Work {
    txn: DatabaseTransaction,
    records: Mutex<Vec<Record>>,
    store: Store,
    notify_due: Mutex<bool>,
}

impl std::fmt::Debug for Work {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Work")
            .field("records", &self.pending())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Begins a unit of work. Its transaction holds the write lock from the start: on SQLite a
    /// transaction that reads first and writes later fails with "database is locked" when
    /// another connection (a worker) wrote in between; `BEGIN IMMEDIATE` takes the lock up
    /// front, so it waits its turn instead (PostgreSQL ignores it).
    pub async fn begin_work(&self) -> Result<Work, StoreError> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions};
        let txn = self
            .db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await?;
        Ok(Work {
            txn,
            records: Mutex::default(),
            store: self.clone(),
            notify_due: Mutex::default(),
        })
    }
}

impl Work {
    /// The transaction the unit's statements run in.
    pub(crate) fn txn(&self) -> &DatabaseTransaction {
        &self.txn
    }

    /// Appends a record, written with this unit's change.
    pub fn append(&self, record: Record) {
        self.records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(record);
    }

    /// Records a line of a target's history; its account's analytics change with it.
    pub fn record_history(&self, target_id: &str, change: Change<'_>, at: DateTime<Utc>) {
        self.append(Record::History {
            target_id: target_id.to_owned(),
            from: change.from,
            to: change.to,
            detail: change.detail.to_owned(),
            tiktok_code: change.tiktok_code.to_owned(),
            at,
        });
        self.append(Record::TargetAnalyticsChanged {
            target_id: target_id.to_owned(),
        });
    }

    /// Records that the accounts' analytics changed.
    pub fn analytics_changed(&self, account_ids: impl IntoIterator<Item = String>) {
        self.append(Record::AnalyticsChanged {
            account_ids: account_ids.into_iter().collect(),
        });
    }

    /// Wakes the workers once committed: something became due.
    pub fn notify_due(&self) {
        *self.notify_due.lock().unwrap_or_else(|p| p.into_inner()) = true;
    }

    /// The records not yet written.
    pub fn pending(&self) -> Vec<Record> {
        self.records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Writes the records appended so far, in the transaction, ahead of the commit (for a
    /// commit that waits, such as inits written ahead of their second).
    pub async fn flush(&self) -> Result<(), StoreError> {
        let records = std::mem::take(&mut *self.records.lock().unwrap_or_else(|p| p.into_inner()));
        for record in &records {
            crate::records::write(&self.txn, record).await?;
        }
        Ok(())
    }

    /// Writes the records, commits, then wakes the workers if asked.
    pub async fn commit(self) -> Result<(), StoreError> {
        self.flush().await?;
        self.txn.commit().await?;
        if *self.notify_due.lock().unwrap_or_else(|p| p.into_inner()) {
            self.store.notify_due().await?;
        }
        Ok(())
    }

    /// Drops the change and its records.
    pub async fn rollback(self) -> Result<(), StoreError> {
        self.txn.rollback().await?;
        Ok(())
    }
}

/// A line of a target's history, to record.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub from: Option<TargetState>,
    pub to: TargetState,
    pub detail: &'a str,
    pub tiktok_code: &'a str,
}
