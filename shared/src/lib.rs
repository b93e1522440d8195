//! Domain types and rules of Multitok that do not depend on I/O: input validation, roles and
//! their permissions. Compiles for native targets and for `wasm32-unknown-unknown`.

pub mod role;
pub mod validate;

pub use role::{Action, Role};
pub use validate::{FieldViolation, Violations};
