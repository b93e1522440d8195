//! sea-orm entities, one per table of the `multitok-migrations` schema.

pub mod api_token;
pub mod membership;
pub mod refresh_token;
pub mod user;
pub mod workspace;
