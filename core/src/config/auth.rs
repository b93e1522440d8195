//! Sign-in settings: token lifetimes, the signing key, throttles and who may register.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Token lifetimes, signing key and login throttling.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthSettings {
    /// HMAC key for access tokens (at least 32 bytes). Empty: the key file's.
    pub jwt_secret: String,
    /// Read the key from this file instead (`*_FILE` style secret).
    pub jwt_secret_file: Option<PathBuf>,
    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    /// Login attempts per minute allowed for one email address.
    pub login_per_email_per_minute: u32,
    /// Login attempts per minute allowed from one client address.
    pub login_per_address_per_minute: u32,
    /// Login attempts per minute allowed in all, whoever makes them.
    pub logins_per_minute: u32,
    /// Registrations per hour allowed from one client address.
    pub signups_per_address_per_hour: u32,
    /// Registrations per minute allowed in all.
    pub signups_per_minute: u32,
    /// Session refreshes per minute allowed from one client address.
    pub refresh_per_address_per_minute: u32,
    /// A refresh token presented again this many seconds after its rotation gets a session of
    /// its own (two tabs refreshing together); later, reuse revokes the whole session.
    pub refresh_reuse_grace_seconds: u32,
    /// Mark the session cookie `Secure` (on when served over HTTPS).
    pub secure_cookie: bool,
    /// Who may register: anyone, only with an invitation, or nobody.
    pub registration: RegistrationPolicy,
}

/// `auth.registration`: who may register.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegistrationPolicy {
    /// Anyone may register.
    #[default]
    Open,
    /// Only with an invitation from a workspace's member manager.
    Invite,
    /// Nobody; the operator creates accounts with `multitok-server admin create-user`.
    Closed,
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            jwt_secret: String::new(),
            jwt_secret_file: None,
            access_token_minutes: 15,
            refresh_token_days: 30,
            login_per_email_per_minute: 5,
            login_per_address_per_minute: 30,
            logins_per_minute: 600,
            signups_per_address_per_hour: 10,
            signups_per_minute: 30,
            refresh_per_address_per_minute: 300,
            refresh_reuse_grace_seconds: 10,
            secure_cookie: false,
            registration: RegistrationPolicy::Open,
        }
    }
}

impl fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthSettings")
            .field(
                "jwt_secret",
                &if self.jwt_secret.is_empty() {
                    ""
                } else {
                    "***"
                },
            )
            .field("jwt_secret_file", &self.jwt_secret_file)
            .field("access_token_minutes", &self.access_token_minutes)
            .field("refresh_token_days", &self.refresh_token_days)
            .field(
                "login_per_email_per_minute",
                &self.login_per_email_per_minute,
            )
            .field(
                "login_per_address_per_minute",
                &self.login_per_address_per_minute,
            )
            .field("logins_per_minute", &self.logins_per_minute)
            .field(
                "signups_per_address_per_hour",
                &self.signups_per_address_per_hour,
            )
            .field("signups_per_minute", &self.signups_per_minute)
            .field(
                "refresh_per_address_per_minute",
                &self.refresh_per_address_per_minute,
            )
            .field(
                "refresh_reuse_grace_seconds",
                &self.refresh_reuse_grace_seconds,
            )
            .field("secure_cookie", &self.secure_cookie)
            .field("registration", &self.registration)
            .finish()
    }
}
