//! One module per page.

pub mod accounts;
pub mod login;
pub mod media;
pub mod placeholder;
pub mod register;
pub mod settings;
