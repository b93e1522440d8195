//! Multitok's worker: claims due post targets with a lease and drives each through TikTok's
//! publishing steps exactly once (init, upload, status), on time, sharing the work with any
//! number of other worker processes through the database.

pub mod arm;
pub mod context;
mod drive;
pub mod reconcile;
pub mod run;
pub mod status;
pub mod sync;

pub use context::Ctx;
pub use multitok_core::Clock;
pub use reconcile::reconcile_once;
pub use run::{run, run_once};
