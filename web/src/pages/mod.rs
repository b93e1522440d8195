//! One module per page.

pub mod accounts;
pub mod analytics;
pub mod calendar;
pub mod compare;
pub mod compose;
pub mod dashboard;
pub mod login;
pub mod media;
pub mod post;
pub mod register;
pub mod settings;
