//! Hooks shared by pages.

pub mod use_session;

pub use use_session::{Profile, Session, SessionHandle, use_session};
