//! Registration, login, session refresh with rotation and reuse detection, logout, personal API
//! tokens, and resolving a bearer token to its caller.

use std::net::IpAddr;

use chrono::{DateTime, TimeDelta, Utc};
use multitok_shared::Role;
use multitok_store::{
    ApiToken, NewApiToken, NewRefreshToken, NewUser, NewWorkspace, RotateOutcome, StoreError,
    Successor, User, Work, Workspace,
};

use super::secrets::{hash_off_runtime, new_secret, secret_hash, verify_off_runtime};
use super::{Caller, Services};
use multitok_core::CoreError;
use multitok_core::config::RegistrationPolicy;
use multitok_store::invitations::Invitation;

/// Prefix of personal API tokens, so they are recognizable (and scannable in leaked text).
pub const API_TOKEN_PREFIX: &str = "mtk_";
const REFRESH_TOKEN_PREFIX: &str = "mtr_";

/// Validated registration input.
#[derive(Debug)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub display_name: String,
    pub invitation: Option<String>,
}

/// Validated login input.
#[derive(Debug)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// Validated API-token creation input.
#[derive(Debug)]
pub struct ApiTokenRequest {
    pub name: String,
    pub lifetime_days: u32,
}

/// Tokens of a session.
#[derive(Debug)]
pub struct Session {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
}

impl Services {
    /// Creates the user with a personal workspace and logs them in; with an invitation, the
    /// user also joins the inviting workspace. Throttled per client address and in all, and
    /// refused as `auth.registration` says.
    #[tracing::instrument(skip_all)]
    pub async fn register(
        &self,
        input: Registration,
        address: Option<IpAddr>,
    ) -> Result<(User, Workspace, Session), CoreError> {
        self.signups.check(address).map_err(CoreError::Throttled)?;
        let invitation = self.admissible(&input).await?;
        let password_hash = hash_off_runtime(input.password).await?;
        let first = NewWorkspace {
            name: format!("{}'s workspace", input.display_name),
            time_zone: "UTC".into(),
        };
        let new = NewUser {
            email: input.email,
            display_name: input.display_name,
            password_hash,
        };
        let work = self.store.begin_work().await?;
        let registered = self
            .store
            .register_user_in(&work, new, first, self.now())
            .await;
        let (user, workspace) = match registered {
            Err(StoreError::Conflict) => {
                return Err(CoreError::AlreadyExists(
                    "an account with this email already exists",
                ));
            }
            other => other?,
        };
        if let Some(invitation) = invitation {
            self.join_invited(&work, &user.id, &invitation).await?;
        }
        let session = self.start_session(&work, &user.id).await?;
        work.commit().await?;
        Ok((user, workspace, session))
    }

    /// The invitation a registration uses, if any, once the policy allows the registration.
    async fn admissible(&self, input: &Registration) -> Result<Option<Invitation>, CoreError> {
        if self.registration == RegistrationPolicy::Closed {
            return Err(CoreError::PermissionDenied(
                "registration is closed on this server; ask its operator for an account",
            ));
        }
        let Some(token) = &input.invitation else {
            if self.registration == RegistrationPolicy::Invite {
                return Err(CoreError::PermissionDenied(
                    "registration on this server is by invitation: open the link you were sent",
                ));
            }
            return Ok(None);
        };
        let invitation = self
            .store
            .live_invitation(&secret_hash(token), self.now())
            .await?
            .ok_or(CoreError::PermissionDenied(
                "this invitation is not valid (used, expired or mistyped); ask for a new one",
            ))?;
        if !invitation.email.eq_ignore_ascii_case(&input.email) {
            return Err(CoreError::PermissionDenied(
                "this invitation is for another email address",
            ));
        }
        Ok(Some(invitation))
    }

    /// Adds the new user to the inviting workspace and uses the invitation up.
    async fn join_invited(
        &self,
        work: &Work,
        user_id: &str,
        invitation: &Invitation,
    ) -> Result<(), CoreError> {
        let now = self.now();
        self.store
            .add_member_in(
                work,
                &invitation.workspace_id,
                user_id,
                invitation.role,
                now,
            )
            .await?;
        if !self
            .store
            .accept_invitation_in(work, &invitation.id, now)
            .await?
        {
            return Err(CoreError::PermissionDenied(
                "this invitation was used a moment ago; ask for a new one",
            ));
        }
        self.profiles().clear();
        Ok(())
    }

    /// The registration policy, and what a valid invitation token is for.
    pub async fn sign_up_policy(
        &self,
        token: Option<&str>,
    ) -> Result<(RegistrationPolicy, Option<Invitation>), CoreError> {
        let invitation = match token {
            Some(token) => {
                self.store
                    .live_invitation(&secret_hash(token), self.now())
                    .await?
            }
            None => None,
        };
        Ok((self.registration, invitation))
    }

    /// Checks the password (throttled per email and client address, constant work whether or not
    /// the email exists) and starts a session.
    #[tracing::instrument(skip_all)]
    pub async fn login(
        &self,
        input: Credentials,
        address: Option<IpAddr>,
    ) -> Result<(User, Session), CoreError> {
        self.throttle
            .check(&input.email, address)
            .map_err(CoreError::Throttled)?;
        let user = self.store.user_by_email(&input.email).await?;
        let stored = user.as_ref().map(|u| u.password_hash.clone());
        let ok = verify_off_runtime(input.password, stored).await?;
        match user {
            Some(user) if ok && user.disabled_at.is_some() => Err(CoreError::PermissionDenied(
                "this account is disabled; ask the server's operator",
            )),
            Some(user) if ok => {
                let work = self.store.begin_work().await?;
                let session = self.start_session(&work, &user.id).await?;
                work.commit().await?;
                Ok((user, session))
            }
            _ => Err(CoreError::BadCredentials),
        }
    }

    /// Spends a refresh token and hands out a new session in the same family. A token that was
    /// already spent revokes the family (whoever holds its successor is logged out too), unless
    /// it was spent within `auth.refresh_reuse_grace_seconds` (two tabs refreshing at once).
    /// Throttled per client address.
    #[tracing::instrument(skip_all)]
    pub async fn refresh(
        &self,
        refresh_token: &str,
        address: Option<IpAddr>,
    ) -> Result<Session, CoreError> {
        self.refreshes
            .check(address)
            .map_err(CoreError::Throttled)?;
        let now = self.now();
        let successor = new_secret(REFRESH_TOKEN_PREFIX);
        let expires = now + self.refresh_lifetime;
        let next = Successor {
            hash: secret_hash(&successor),
            expires_at: expires,
            grace: self.refresh_grace,
        };
        let outcome = self
            .store
            .rotate_refresh_token(&secret_hash(refresh_token), next, now)
            .await?;
        match outcome {
            RotateOutcome::Rotated { user_id } => {
                let (access_token, access_expires_at) = self.tokens.issue(&user_id, now)?;
                Ok(Session {
                    access_token,
                    access_expires_at,
                    refresh_token: successor,
                    refresh_expires_at: expires,
                })
            }
            RotateOutcome::Reused => {
                tracing::warn!("refresh token reused; its session family is revoked");
                Err(CoreError::Unauthenticated)
            }
            RotateOutcome::Invalid => Err(CoreError::Unauthenticated),
        }
    }

    /// Ends the session the refresh token belongs to.
    pub async fn logout(&self, refresh_token: &str) -> Result<(), CoreError> {
        let work = self.store.begin_work().await?;
        self.store
            .revoke_refresh_family_in(&work, &secret_hash(refresh_token), self.now())
            .await?;
        Ok(work.commit().await?)
    }

    /// The caller's profile and workspaces (from the profile cache when fresh).
    pub async fn me(&self, caller: &Caller) -> Result<(User, Vec<(Workspace, Role)>), CoreError> {
        if let Some(profile) = self.profiles().get(&caller.user_id) {
            return Ok(profile);
        }
        let profile = self
            .store
            .profile(&caller.user_id)
            .await?
            .ok_or(CoreError::Unauthenticated)?;
        self.profiles().put(&caller.user_id, profile.clone());
        Ok(profile)
    }

    /// Resolves an `authorization: Bearer …` value: a personal API token or an access JWT.
    pub async fn authenticate(&self, bearer: &str) -> Result<Caller, CoreError> {
        let user_id = if bearer.starts_with(API_TOKEN_PREFIX) {
            self.store
                .authenticate_api_token(&secret_hash(bearer), self.now())
                .await?
        } else {
            self.tokens.verify(bearer)
        };
        user_id
            .map(|user_id| Caller { user_id })
            .ok_or(CoreError::Unauthenticated)
    }

    /// Creates a personal API token; the secret is returned once and only its hash is stored.
    pub async fn create_api_token(
        &self,
        caller: &Caller,
        input: ApiTokenRequest,
    ) -> Result<(ApiToken, String), CoreError> {
        let now = self.now();
        let secret = new_secret(API_TOKEN_PREFIX);
        let new = NewApiToken {
            user_id: caller.user_id.clone(),
            name: input.name,
            prefix: secret.chars().take(10).collect(),
            token_hash: secret_hash(&secret),
            expires_at: now + TimeDelta::days(i64::from(input.lifetime_days)),
        };
        let work = self.store.begin_work().await?;
        let token = self.store.insert_api_token_in(&work, new, now).await?;
        work.commit().await?;
        Ok((token, secret))
    }

    pub async fn list_api_tokens(&self, caller: &Caller) -> Result<Vec<ApiToken>, CoreError> {
        Ok(self
            .store
            .api_tokens_of(&caller.user_id, self.now())
            .await?)
    }

    pub async fn revoke_api_token(&self, caller: &Caller, id: &str) -> Result<(), CoreError> {
        let work = self.store.begin_work().await?;
        match self
            .store
            .revoke_api_token_in(&work, &caller.user_id, id, self.now())
            .await
        {
            Err(StoreError::NotFound) => Err(CoreError::NotFound("API token")),
            other => {
                other?;
                Ok(work.commit().await?)
            }
        }
    }

    /// Issues an access token and stores a new refresh token family in the caller's unit.
    async fn start_session(&self, work: &Work, user_id: &str) -> Result<Session, CoreError> {
        let now = self.now();
        let (access_token, access_expires_at) = self.tokens.issue(user_id, now)?;
        let refresh_token = new_secret(REFRESH_TOKEN_PREFIX);
        let refresh_expires_at = now + self.refresh_lifetime;
        let new = NewRefreshToken {
            user_id: user_id.to_owned(),
            family_id: None,
            token_hash: secret_hash(&refresh_token),
            expires_at: refresh_expires_at,
        };
        self.store.insert_refresh_token_in(work, new, now).await?;
        Ok(Session {
            access_token,
            access_expires_at,
            refresh_token,
            refresh_expires_at,
        })
    }
}
