//! Domain types and rules of Multitok that do not depend on I/O: input validation, roles and
//! their permissions, TikTok's upload chunk plan. Compiles for native targets and for `wasm32-unknown-unknown`.

pub mod account_status;
pub mod analytics;
pub mod calendar;
pub mod chart;
pub mod chunk_plan;
#[cfg(feature = "import")]
pub mod csv_import;
#[cfg(feature = "tz")]
pub mod dates;
pub mod grpc_web;
pub mod media_rules;
pub mod post_rules;
pub mod retry;
pub mod role;
#[cfg(feature = "tz")]
pub mod schedule;
pub mod spreadsheet;
pub mod target_state;
pub mod validate;

pub use account_status::AccountStatus;
pub use chunk_plan::{ChunkBounds, ChunkPlan, ChunkPlanError};
pub use role::{Action, Role};
pub use target_state::TargetState;
pub use validate::{FieldViolation, Violations};
