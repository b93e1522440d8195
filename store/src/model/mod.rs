//! The store's domain values: what its functions take and return. Rows of the tables stay
//! private to the store; each becomes one of these here, once, with stored names (states,
//! statuses) turned into enums. Rows written back (inserts) are made from them here too.

mod media;
mod posts;
mod users;
mod videos;

pub use media::{Media, Upload};
pub(crate) use posts::state_of;
pub use posts::{Event, Post, Target};
pub use users::User;
pub use videos::{AccountCounts, AccountSnapshot, SyncRun, Video, VideoSnapshot, VideoStats};
