//! Hooks shared by pages: the session, loading data with loading/error/ready states, and the
//! workspace's data that several pages show.

pub mod use_data;
pub mod use_load;
pub mod use_post;
pub mod use_session;
pub mod use_sign_up_policy;

pub use use_data::{CalendarRange, use_accounts, use_calendar, use_media, use_workspace_id};
pub use use_load::{Load, use_load};
pub use use_post::{PostView, use_post};
pub use use_session::{Profile, Session, SessionHandle, use_session};
pub use use_sign_up_policy::use_sign_up_policy;
