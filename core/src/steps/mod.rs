//! The steps of the worker's pipelines, as use cases: one target through TikTok's publishing
//! steps (`publish`) and one account's sync (`sync`). A worker claims the work that is due and
//! drives it through these; [`Steps`] carries what every step needs: the core, the worker's
//! identity (written on every claim) and its limits.

mod publish;
mod sync;

use chrono::{DateTime, TimeDelta, Utc};

pub use publish::{Halt, Next, Ready, StepResult};

use crate::Core;

/// What every step needs; cheap to clone.
#[derive(Debug, Clone)]
pub struct Steps {
    pub core: Core,
    /// Unique per process; written on every lease.
    pub owner: String,
    /// How long a claim lasts without a heartbeat.
    pub lease: TimeDelta,
    /// Transient failures of one target before it fails for good.
    pub max_attempts: i32,
    /// Refresh an access token this long before it expires.
    pub refresh_margin: TimeDelta,
    /// Time between status checks of a processing post.
    pub poll_every: TimeDelta,
}

impl Steps {
    /// Steps on `core` for a new worker identity, with the default limits.
    pub fn new(core: Core) -> Steps {
        Steps {
            core,
            owner: format!("worker-{}", uuid::Uuid::new_v4().simple()),
            lease: TimeDelta::seconds(60),
            max_attempts: 8,
            refresh_margin: TimeDelta::minutes(5),
            poll_every: TimeDelta::seconds(2),
        }
    }

    /// Now, by the core's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.core.now()
    }
}
