//! The two wasm modules of the app and what passes between them. Each renders its own Yew app
//! into its own element of the page, side by side and never nested: the shell ([`SHELL_HOST`])
//! draws sign-in and the dashboard, the pages module ([`PAGES_HOST`]) every other page (which
//! page belongs to which module is [`crate::app::Route::module`]). For a page of the pages
//! module the shell renders a [`shell::Deferred`], which imports that module the first time
//! and mounts its app once; the app then follows the history itself ([`crate::router`]) and
//! draws nothing on the shell's pages. The shell keeps the one session and hands it over as
//! one encoded [`Handover`]; the pages module asks the shell for what only the shell may do
//! (refresh the token, so the refresh token is never rotated twice at once; sign out; learn of
//! a changed profile or workspace) with one encoded [`HostCall`] ([`host::Host`]).

pub mod host;
pub mod pages;
pub mod shell;

use multitok_proto::v1 as pb;

/// The id of the element the shell's app renders into (in `index.html`).
pub const SHELL_HOST: &str = "shell";

/// The id of the element the pages module's app renders into (in `index.html`).
pub const PAGES_HOST: &str = "pages";

/// The shell's session as the pages module gets it.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Handover {
    /// The access token, when the shell has one.
    #[prost(string, optional, tag = "1")]
    pub token: Option<String>,
    /// Who is signed in; none while nobody is.
    #[prost(message, optional, tag = "2")]
    pub me: Option<pb::MeResponse>,
    /// The selected workspace.
    #[prost(string, optional, tag = "3")]
    pub workspace: Option<String>,
}

/// What the pages module asks of the shell.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HostCall {
    #[prost(oneof = "Call", tags = "1, 2, 3, 4")]
    pub call: Option<Call>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Call {
    /// Refresh the session; answers the new access token.
    #[prost(bool, tag = "1")]
    Refresh(bool),
    /// The profile changed (or someone signed in from the pages module).
    #[prost(message, tag = "2")]
    Profile(pb::MeResponse),
    /// Another workspace was selected.
    #[prost(string, tag = "3")]
    Workspace(String),
    /// Sign out.
    #[prost(bool, tag = "4")]
    Logout(bool),
}
