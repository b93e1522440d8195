//! One module per page.

pub mod accounts;
pub mod calendar;
pub mod compose;
pub mod login;
pub mod media;
pub mod placeholder;
pub mod post;
pub mod register;
pub mod settings;
