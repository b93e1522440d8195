//! What the worker's loops need: the steps (the core, this worker's identity, the limits of
//! each step), how much it takes on at once, when it syncs, and its stop signal.

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use std::ops::{Deref, DerefMut};

use chrono::{DateTime, TimeDelta, Utc};
use multitok_core::steps::Steps;
use multitok_core::{Clock, Core};

/// A worker's context; cheap to clone.
#[derive(Clone)]
pub struct Ctx {
    /// The publishing and sync steps, with the worker's identity and limits.
    pub steps: Steps,
    /// Targets claimed per round.
    pub batch: u64,
    /// Targets driven at the same time.
    pub concurrency: usize,
    /// Scheduled targets due within this are claimed and prepared ahead, so that their inits
    /// go out on their second (zero: only at their time).
    pub lookahead: TimeDelta,
    /// When accounts are synced (read in each workspace's time zone).
    pub sync_cron: Arc<cron::Schedule>,
    /// Raw snapshots older than this are pruned (their daily rollups stay).
    pub raw_retention: TimeDelta,
    stopping: Arc<AtomicBool>,
    stopped: Arc<tokio::sync::Notify>,
}

/// The steps' fields (`core`, `owner`, `lease`, …) and methods read as the context's own.
impl Deref for Ctx {
    type Target = Steps;

    fn deref(&self) -> &Steps {
        &self.steps
    }
}

impl DerefMut for Ctx {
    fn deref_mut(&mut self) -> &mut Steps {
        &mut self.steps
    }
}

/// 02:00 every night.
fn nightly() -> cron::Schedule {
    cron::Schedule::from_str("0 0 2 * * *").unwrap_or_else(|_| unreachable!("a valid expression"))
}

impl Ctx {
    /// A context on `core`, whose clock it reads.
    pub fn new(core: Core) -> Ctx {
        Ctx {
            steps: Steps::new(core),
            batch: 32,
            concurrency: 16,
            lookahead: TimeDelta::seconds(10),
            sync_cron: Arc::new(nightly()),
            raw_retention: TimeDelta::days(90),
            stopping: Arc::default(),
            stopped: Arc::default(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.steps.now()
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
