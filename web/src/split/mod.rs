//! The two wasm modules of the app and what passes between them. The shell renders every
//! page except the dashboard as a [`shell::Deferred`] slot; the first slot imports the pages
//! module, which renders its own Yew app into the slot ([`pages::mount`]). The shell keeps the
//! one session: the pages module gets the access token and the profile from it, asks it to
//! refresh the token (so the refresh token is never rotated twice at once), and tells it when
//! the profile or the selected workspace changed ([`host::Host`]). Both routers follow the
//! same history entries ([`crate::router`]).

pub mod host;
pub mod pages;
pub mod shell;

/// Where the pages module's JavaScript is served (Trunk's `data-type="worker"` build keeps
/// its name unhashed).
pub const PAGES_MODULE: &str = "/multitok-web-pages.js";
