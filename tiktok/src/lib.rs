//! `multitok-tiktok`: a typed client for TikTok's OAuth v2 (Login Kit), Display API and Content
//! Posting API, spoken identically to TikTok or to `multitok-sandbox`.
//!
//! - Every base URL is configurable ([`TikTokConfig`]); upload URLs are used exactly as returned.
//! - One error type, [`TikTokError`], classified by what the caller should do
//!   ([`ErrorClass`]): re-authorize, give up (with TikTok's code and a sentence), retry later, or
//!   treat the outcome as unknown (an init whose answer was lost).
//! - Calls wait for their slot in per-(token, endpoint) rate limits instead of earning a 429;
//!   read calls retry transient failures with exponential backoff and jitter; init calls are
//!   never retried here; a per-host circuit breaker stops hammering an outage.
//!
//! ## What the `oauth2` crate does here, and what had to be adapted
//!
//! TikTok's OAuth dialect differs from RFC 6749 in ways `oauth2`'s request builders cannot
//! express: the client is named `client_key` (not `client_id`), scopes are joined with commas (not
//! spaces), the token response is flat JSON with extra fields (`open_id`, `refresh_expires_in`),
//! errors may come with a 2xx status, and the desktop PKCE challenge is the **hex** SHA-256 of the
//! verifier rather than base64url. So requests are built here with `reqwest`, while `oauth2`
//! supplies the pieces that fit unchanged: the random `state` ([`oauth2::CsrfToken`]), the PKCE
//! verifier ([`oauth2::PkceCodeVerifier`]), and the secret newtypes that keep tokens out of
//! `Debug` output ([`oauth2::AccessToken`], [`oauth2::RefreshToken`], [`oauth2::ClientSecret`]).

mod client;
mod config;
mod display;
mod envelope;
mod error;
mod limits;
mod oauth;
mod observe;
mod posting;
mod types;
mod upload;
pub mod webhook;

pub use client::TikTokClient;
pub use config::{Endpoint, RetryPolicy, TikTokConfig};
pub use error::{ErrorClass, TikTokError};
pub use oauth::{AuthorizeRequest, TokenSet};
pub use observe::Observer;
pub use types::*;
pub use upload::UploadProgress;
