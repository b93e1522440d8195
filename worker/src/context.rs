//! What every step of the worker needs: the core (store, TikTok client, sealer, media, clock),
//! this worker's identity, and its limits.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, TimeDelta, Utc};
use multitok_core::{Clock, Core};

/// A worker's context; cheap to clone.
#[derive(Clone)]
pub struct Ctx {
    pub core: Core,
    /// Unique per process; written on every lease.
    pub owner: String,
    /// How long a claim lasts without a heartbeat.
    pub lease: TimeDelta,
    /// Transient failures of one target before it fails for good.
    pub max_attempts: i32,
    /// Targets claimed per round.
    pub batch: u64,
    /// Targets driven at the same time.
    pub concurrency: usize,
    /// Scheduled targets due within this are claimed and prepared ahead, so that their inits
    /// go out on their second (zero: only at their time).
    pub lookahead: TimeDelta,
    /// Refresh an access token this long before it expires.
    pub refresh_margin: TimeDelta,
    /// Time between status checks of a processing post.
    pub poll_every: TimeDelta,
    /// When accounts are synced (read in each workspace's time zone).
    pub sync_cron: Arc<cron::Schedule>,
    /// Raw snapshots older than this are pruned (their daily rollups stay).
    pub raw_retention: TimeDelta,
    stopping: Arc<AtomicBool>,
    stopped: Arc<tokio::sync::Notify>,
}

/// 02:00 every night.
fn nightly() -> cron::Schedule {
    cron::Schedule::from_str("0 0 2 * * *").unwrap_or_else(|_| unreachable!("a valid expression"))
}

impl Ctx {
    /// A context on `core`, whose clock it reads.
    pub fn new(core: Core) -> Ctx {
        Ctx {
            core,
            owner: format!("worker-{}", uuid::Uuid::new_v4().simple()),
            lease: TimeDelta::seconds(60),
            max_attempts: 8,
            batch: 32,
            concurrency: 16,
            lookahead: TimeDelta::seconds(10),
            refresh_margin: TimeDelta::minutes(5),
            poll_every: TimeDelta::seconds(2),
            sync_cron: Arc::new(nightly()),
            raw_retention: TimeDelta::days(90),
            stopping: Arc::default(),
            stopped: Arc::default(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.core.now()
    }

    /// The clock every step reads.
    pub fn clock(&self) -> &Clock {
        self.core.clock()
    }

    /// How long before their second the inits of a group of `n` targets are written (their
    /// transaction then waits for the second and commits), so that only the commit is left at
    /// the second: 50 ms plus 0.4 ms per target, at most 1 s. Zero where an open transaction
    /// would stop every other writer (SQLite).
    pub fn start_lead(&self, n: usize) -> TimeDelta {
        if !self.core.store.writers_run_concurrently() {
            return TimeDelta::zero();
        }
        let micros = 50_000 + 400 * i64::try_from(n).unwrap_or(i64::MAX / 800);
        TimeDelta::microseconds(micros.min(1_000_000))
    }

    /// Asks every step in hand to stop at its next safe point.
    pub fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        self.stopped.notify_waiters();
    }

    /// Resolves once [`Ctx::stop`] is called (check [`Ctx::stopping`] first).
    pub async fn stopped(&self) {
        self.stopped.notified().await;
    }

    pub fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }
}
