//! Hooks shared by pages.

pub mod use_session;
pub mod use_sign_up_policy;

pub use use_session::{Profile, Session, SessionHandle, use_session};
pub use use_sign_up_policy::use_sign_up_policy;
