//! The two wasm modules of the app and what passes between them. Each renders its own Yew app
//! into its own element of the page, side by side and never nested: the shell ([`SHELL_HOST`])
//! draws sign-in and the dashboard, the pages module ([`PAGES_HOST`]) every other page, each
//! with the sidebar. For a page of the pages module the shell renders a [`shell::Deferred`],
//! which imports that module the first time and mounts its app once; the app then follows the
//! history itself ([`crate::router`]) and draws nothing on the shell's pages. The shell keeps
//! the one session: the pages module gets the access token and the profile from it, asks it
//! to refresh the token (so the refresh token is never rotated twice at once) and to sign out,
//! and tells it when the profile or the selected workspace changed ([`host::Host`]).

pub mod host;
pub mod pages;
pub mod shell;

/// Where the pages module's JavaScript is served (Trunk's `data-type="worker"` build keeps
/// its name unhashed).
pub const PAGES_MODULE: &str = "/multitok-web-pages.js";

/// The id of the element the shell's app renders into (in `index.html`).
pub const SHELL_HOST: &str = "shell";

/// The id of the element the pages module's app renders into (in `index.html`).
pub const PAGES_HOST: &str = "pages";
