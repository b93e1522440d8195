//! Analytics use cases: account metrics, time series, post analytics, best times, the dashboard,
//! comparison, refresh and export. Answers are protobuf messages so that the cache can keep
//! their encoding; every answer is computed with a fixed number of queries.

pub mod cache;
pub mod charts;
mod dashboard;
mod export;
pub mod input;
mod insights;
mod metrics;
pub mod render;
pub mod series;

use chrono::{DateTime, Utc};
use multitok_proto::v1 as pb;
use multitok_store::accounts::Account;
use sha2::{Digest, Sha256};
use tracing::Instrument;

use super::Services;
use super::access::{Access, View};
use multitok_core::CoreError;

/// Every read, for callers that use them all.
pub mod reads {
    pub use super::{
        ChartReads, DashboardReads, DashboardWatch, ExportReads, InsightReads, MetricReads,
        SeriesReads,
    };
}

pub use charts::ChartReads;
pub use dashboard::{DashboardReads, VideoOrder};
pub use export::{Dataset, ExportFormat, ExportReads};
pub use insights::{InsightReads, PostSubject};
pub use metrics::MetricReads;
pub use series::SeriesReads;

/// The accounts a call is about.
struct Scope {
    accounts: Vec<Account>,
}

impl Scope {
    fn ids(&self) -> Vec<String> {
        self.accounts.iter().map(|a| a.id.clone()).collect()
    }

    fn name_of(&self, id: &str) -> String {
        self.accounts
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.display_name.clone())
            .unwrap_or_default()
    }

    /// A cache key for `what` over these accounts at their current analytics versions.
    fn key(&self, what: &str) -> String {
        let mut h = Sha256::new();
        for a in &self.accounts {
            h.update(a.id.as_bytes());
            h.update(a.analytics_version.to_le_bytes());
        }
        format!("{what}:{}", hex::encode(&h.finalize()[..12]))
    }
}

fn timestamp(at: DateTime<Utc>) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: at.timestamp_subsec_nanos() as i32,
    })
}

/// The workspace's accounts, or the one named (not found when it is not the workspace's).
async fn scope<P>(access: &Access<P>, s: &Services, account_id: &str) -> Result<Scope, CoreError> {
    let mut accounts = s.store.accounts_of(&access.workspace.id).await?;
    if !account_id.is_empty() {
        accounts.retain(|a| a.id == account_id);
        if accounts.is_empty() {
            return Err(CoreError::NotFound("account"));
        }
    }
    Ok(Scope { accounts })
}

/// The named accounts, each the workspace's.
async fn scope_of<P>(access: &Access<P>, s: &Services, ids: &[String]) -> Result<Scope, CoreError> {
    let mut accounts = s.store.accounts_of(&access.workspace.id).await?;
    accounts.retain(|a| ids.contains(&a.id));
    if accounts.len() != ids.len() {
        return Err(CoreError::NotFound("account"));
    }
    accounts.sort_by_key(|a| ids.iter().position(|i| *i == a.id));
    Ok(Scope { accounts })
}

/// How often a dashboard watcher looks for changes made by other processes (the worker).
const WATCH_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// A dashboard that follows its changes.
pub trait DashboardWatch {
    /// The dashboard now, then again whenever it changes.
    fn watch_dashboard(
        self,
        s: &Services,
        period_days: i32,
    ) -> tokio::sync::mpsc::Receiver<Result<pb::Dashboard, CoreError>>;
}

impl DashboardWatch for Access<View> {
    /// The dashboard now, then again whenever it changes: on a post changed by this process at
    /// once, on a sync or publish by the worker within two seconds. Ends when the receiver goes.
    fn watch_dashboard(
        self,
        s: &Services,
        period_days: i32,
    ) -> tokio::sync::mpsc::Receiver<Result<pb::Dashboard, CoreError>> {
        let (tx, rx) = tokio::sync::mpsc::channel(1);
        let mut changes = s.post_changes();
        let s = s.clone();
        tokio::spawn(
            async move {
                let mut last: Option<pb::Dashboard> = None;
                loop {
                    let answer = self.dashboard(&s, period_days).await;
                    let failed = answer.is_err();
                    let fresh = match (&answer, &last) {
                        (Ok(now), Some(before)) => now != before,
                        _ => true,
                    };
                    if fresh {
                        if let Ok(d) = &answer {
                            last = Some(d.clone());
                        }
                        if tx.send(answer).await.is_err() || failed {
                            return;
                        }
                    }
                    tokio::select! {
                        _ = changes.recv() => {}
                        _ = tokio::time::sleep(WATCH_EVERY) => {}
                        _ = tx.closed() => return,
                    }
                }
            }
            .instrument(tracing::Span::current()),
        );
        rx
    }
}
