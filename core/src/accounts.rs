//! Connecting TikTok accounts (OAuth with one-time state and PKCE), listing them with their
//! health, live creator info (cached a minute), sync requests, disconnecting, and TikTok's
//! webhooks. Tokens are sealed before they reach the store.

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use multitok_shared::{AccountStatus, TargetState};
use multitok_store::accounts::{Account, ConnectedAccount, OAuthState};
use multitok_store::{Sealed, Work};
use multitok_tiktok::webhook::{self, EventKind};
use multitok_tiktok::{CreatorInfo, ErrorClass, TikTokError};
use oauth2::{AccessToken, PkceCodeVerifier};

use crate::access::{Access, EditContent, ManageAccounts, View};
use crate::crypto::secret_hash;
use crate::error::CoreError;
use crate::{Caller, Core};

/// How long a connection link stays valid.
const STATE_LIFETIME: TimeDelta = TimeDelta::minutes(10);
const CREATOR_INFO_TTL: Duration = Duration::from_secs(60);
const WEBHOOK_MAX_AGE_SECS: i64 = 300;
/// The least time between the end of an account's sync and the next one people ask for;
/// requests in between are coalesced (every account shares TikTok's rate limits).
pub const SYNC_SPACING: TimeDelta = TimeDelta::minutes(1);
const PROFILE_FIELDS: &[&str] = &["open_id", "display_name", "avatar_url", "username"];

/// What the OAuth callback brought back.
#[derive(Debug, Default)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    /// The connection cookie the browser presented (see `start_connect`).
    pub browser: Option<String>,
    pub error: Option<String>,
    pub error_description: Option<String>,
}

/// A connection that could not be completed: a sentence for the person and, when something
/// failed inside, its cause for the operator's log (written once, at the edge).
#[derive(Debug)]
pub struct ConnectFailure {
    pub message: String,
    pub cause: Option<anyhow::Error>,
}

fn fail(message: &str) -> ConnectFailure {
    ConnectFailure {
        message: message.to_owned(),
        cause: None,
    }
}

/// A failure inside (the store, sealing): the person reads a plain sentence, the log the cause.
fn went_wrong(cause: impl Into<anyhow::Error>) -> ConnectFailure {
    ConnectFailure {
        message: "Something went wrong; please try again.".to_owned(),
        cause: Some(cause.into()),
    }
}

fn tiktok_error(e: TikTokError) -> CoreError {
    match e.class {
        ErrorClass::Reauthorize => CoreError::FailedPrecondition(
            "TikTok no longer accepts this account's authorization; connect it again",
        ),
        ErrorClass::RateLimited { .. }
        | ErrorClass::Transient { .. }
        | ErrorClass::OutcomeUnknown => {
            CoreError::Unavailable("TikTok is not answering right now; try again shortly")
        }
        ErrorClass::Permanent => CoreError::Internal(e.into()),
    }
}

impl Core {
    pub fn tiktok(&self) -> Result<&multitok_tiktok::TikTokClient, CoreError> {
        self.tiktok.as_ref().ok_or(CoreError::FailedPrecondition(
            "no TikTok app is configured on this server",
        ))
    }

    /// Completes a connection from TikTok's redirect; answers the connected account's id.
    #[tracing::instrument(skip_all)]
    pub async fn complete_connect(
        &self,
        callback: Callback,
    ) -> Result<(String, String), ConnectFailure> {
        let state_hash = secret_hash(callback.state.as_deref().unwrap_or_default());
        let pending = self
            .store
            .take_oauth_state(&state_hash)
            .await
            .map_err(went_wrong)?;
        let Some(pending) = pending else {
            return Err(fail(
                "This connection link was already used or is unknown. Start the connection again.",
            ));
        };
        if pending.expires_at < self.now() {
            return Err(fail(
                "This connection link expired. Start the connection again.",
            ));
        }
        let browser = callback.browser.as_deref().map(secret_hash);
        if pending.browser_hash.is_none() || browser != pending.browser_hash {
            return Err(fail(
                "This connection was started in another browser or by someone else, so it was \
                 not completed. Sign in to Multitok in this browser and connect the account from \
                 the Accounts page.",
            ));
        }
        if let Some(error) = callback.error {
            let text = if error == "access_denied" {
                "The connection was cancelled on TikTok."
            } else {
                "TikTok refused the connection."
            };
            tracing::info!(
                error,
                description = callback.error_description.unwrap_or_default(),
                "TikTok consent not given"
            );
            return Err(fail(text));
        }
        let caller = Caller {
            user_id: pending.user_id.clone(),
        };
        self.authorize::<ManageAccounts>(&caller, &pending.workspace_id)
            .await
            .map_err(|e| match e {
                CoreError::Internal(cause) => went_wrong(cause),
                _ => fail("You can no longer connect accounts to this workspace."),
            })?;
        let client = self
            .tiktok()
            .map_err(|_| fail("No TikTok app is configured on this server."))?;
        let verifier = PkceCodeVerifier::new(
            self.sealer
                .open(&pending.verifier_enc)
                .map_err(went_wrong)?,
        );
        let tokens = client
            .exchange_code(callback.code.as_deref().unwrap_or_default(), &verifier)
            .await
            .map_err(|e| {
                tracing::warn!(code = %e.code, "TikTok code exchange failed");
                fail("TikTok did not accept the connection. Start it again.")
            })?;
        let missing: Vec<&String> = self
            .required_scopes
            .iter()
            .filter(|s| !tokens.scopes.contains(s))
            .collect();
        if !missing.is_empty() {
            let _ = client.revoke(&tokens.access_token).await;
            let list = missing
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            return Err(ConnectFailure {
                message: format!(
                    "Multitok needs every requested permission; missing: {list}. Connect again and keep them all ticked."
                ),
                cause: None,
            });
        }
        let profile = client
            .user_info(&tokens.access_token, PROFILE_FIELDS)
            .await
            .map_err(|e| ConnectFailure {
                cause: Some(e.into()),
                ..fail("TikTok did not return the account's profile. Try again.")
            })?;
        let now = self.now();
        let seal = |s: &str| self.sealer.seal(s).map(Sealed::from).map_err(went_wrong);
        let connected = ConnectedAccount {
            workspace_id: pending.workspace_id.clone(),
            open_id: tokens.open_id.clone(),
            display_name: profile.display_name.unwrap_or_default(),
            username: profile.username.unwrap_or_default(),
            avatar_url: profile.avatar_url.unwrap_or_default(),
            access_token_enc: seal(tokens.access_token.secret())?,
            refresh_token_enc: seal(tokens.refresh_token.secret())?,
            access_expires_at: now + TimeDelta::seconds(tokens.expires_in),
            refresh_expires_at: now + TimeDelta::seconds(tokens.refresh_expires_in),
            scopes: tokens.scopes,
        };
        let work = self.store.begin_work().await.map_err(went_wrong)?;
        let account = self
            .store
            .upsert_account_in(&work, connected, now)
            .await
            .map_err(went_wrong)?;
        work.commit().await.map_err(went_wrong)?;
        Ok((pending.workspace_id, account.id))
    }

    /// Handles a TikTok webhook delivery: verified, recorded, then processed once (see
    /// `process_delivery`).
    pub async fn tiktok_webhook(&self, signature: &str, body: &[u8]) -> Result<(), CoreError> {
        let secret = &self.tiktok_secret;
        webhook::verify(
            secret,
            signature,
            body,
            self.now().timestamp(),
            WEBHOOK_MAX_AGE_SECS,
        )
        .map_err(|_| CoreError::Unauthenticated)?;
        let event = webhook::parse(body).map_err(|_| {
            CoreError::Invalid(multitok_shared::Violations::one(
                "body",
                "is not a TikTok webhook",
            ))
        })?;
        let text = String::from_utf8_lossy(body);
        let id = secret_hash(&text);
        self.store
            .record_delivery(&id, event_name(&event.kind), &text, self.now())
            .await?;
        self.process_delivery(&id, &event).await
    }

    /// Retries deliveries whose processing failed (or was cut short by a crash) from their
    /// stored bodies; answers how many were processed now.
    pub async fn retry_webhooks(&self) -> Result<usize, CoreError> {
        let before = self.now() - TimeDelta::minutes(1);
        let mut processed = 0;
        for (id, body) in self.store.pending_deliveries(before, 100).await? {
            match body.as_deref().map(|b| webhook::parse(b.as_bytes())) {
                Some(Ok(event)) => {
                    self.process_delivery(&id, &event).await?;
                    processed += 1;
                }
                _ => {
                    let work = self.store.begin_work().await?;
                    self.store
                        .mark_delivery_processed_in(&work, &id, self.now())
                        .await?;
                    work.commit().await?;
                }
            }
        }
        Ok(processed)
    }

    /// Applies the delivery's effect and marks it processed in one unit of work: an error
    /// leaves it pending for `retry_webhooks`, a duplicate finds it processed and does nothing.
    async fn process_delivery(
        &self,
        id: &str,
        event: &webhook::WebhookEvent,
    ) -> Result<(), CoreError> {
        let now = self.now();
        let work = self.store.begin_work().await?;
        if !self
            .store
            .mark_delivery_processed_in(&work, id, now)
            .await?
        {
            return Ok(());
        }
        let changed = self.publish_event_in(&work, &event.kind, now).await?;
        if let (EventKind::AuthorizationRemoved { reason }, Some(open_id)) =
            (&event.kind, &event.user_openid)
        {
            let why = match reason {
                1 => "The creator disconnected Multitok in the TikTok app.",
                2 => "The TikTok account was deleted.",
                4 => "The TikTok account was banned.",
                5 => "The authorization was revoked.",
                _ => "TikTok removed the authorization.",
            };
            let marked = self
                .store
                .mark_accounts_in(&work, open_id, AccountStatus::Revoked, why, now)
                .await?;
            tracing::info!(marked, "TikTok authorization removed");
        }
        work.commit().await?;
        if changed {
            self.post_changed();
        }
        Ok(())
    }

    /// A publishing event's effect on its target; true when a target changed.
    async fn publish_event_in(
        &self,
        work: &Work,
        kind: &EventKind,
        now: DateTime<Utc>,
    ) -> Result<bool, CoreError> {
        let store = &self.store;
        Ok(match kind {
            EventKind::PublishComplete { publish_id, .. } => {
                store
                    .finish_by_publish_id_in(
                        work,
                        publish_id,
                        TargetState::Published,
                        None,
                        "",
                        now,
                    )
                    .await?
            }
            EventKind::PubliclyAvailable {
                publish_id,
                post_id,
            } => {
                let published = TargetState::Published;
                store
                    .finish_by_publish_id_in(work, publish_id, published, Some(post_id), "", now)
                    .await?
                    | store
                        .record_video_id_in(work, publish_id, post_id, now)
                        .await?
            }
            EventKind::PublishFailed {
                publish_id, reason, ..
            } => {
                let why = format!("TikTok could not publish the video ({reason}).");
                store
                    .finish_by_publish_id_in(work, publish_id, TargetState::Failed, None, &why, now)
                    .await?
            }
            _ => false,
        })
    }
}

fn event_name(kind: &EventKind) -> &str {
    match kind {
        EventKind::AuthorizationRemoved { .. } => "authorization.removed",
        EventKind::PublishFailed { .. } => "post.publish.failed",
        EventKind::PublishComplete { .. } => "post.publish.complete",
        EventKind::InboxDelivered { .. } => "post.publish.inbox_delivered",
        EventKind::PubliclyAvailable { .. } => "post.publish.publicly_available",
        EventKind::NoLongerPubliclyAvailable { .. } => "post.publish.no_longer_publicaly_available",
        EventKind::Other { event, .. } => event,
    }
}

impl Access<ManageAccounts> {
    /// TikTok's consent URL with a fresh one-time state (stored hashed) and PKCE verifier
    /// (stored sealed).
    /// The connection completes only in the browser holding `browser_secret` (a cookie the
    /// caller sets), so that a consent link forwarded to someone else completes nothing.
    pub async fn start_connect(
        &self,
        core: &Core,
        browser_secret: &str,
    ) -> Result<(String, DateTime<Utc>), CoreError> {
        let client = core.tiktok()?;
        let scopes: Vec<&str> = core.required_scopes.iter().map(String::as_str).collect();
        let request = client.authorize_url(&scopes);
        let expires_at = core.now() + STATE_LIFETIME;
        let pending = OAuthState {
            workspace_id: self.workspace.id.clone(),
            user_id: self.user_id.clone(),
            verifier_enc: core.sealer.seal(request.pkce_verifier.secret())?,
            expires_at,
            browser_hash: Some(secret_hash(browser_secret)),
        };
        core.store
            .insert_oauth_state(&secret_hash(request.state.secret()), pending)
            .await?;
        Ok((request.url.to_string(), expires_at))
    }

    /// Revokes at TikTok (best effort) and removes the tokens; with `purge`, the account too.
    pub async fn disconnect(
        &self,
        core: &Core,
        account_id: &str,
        purge: bool,
    ) -> Result<Disconnected, CoreError> {
        let account = account_in(core, &self.workspace.id, account_id).await?;
        let shared = core
            .store
            .other_connections(&account.open_id, &self.workspace.id)
            .await?
            > 0;
        let revoked_at_tiktok = !shared && revoke_at_tiktok(core, &account).await;
        let work = core.store.begin_work().await?;
        if purge {
            core.store.delete_account_in(&work, &account.id).await?;
        } else {
            core.store
                .mark_account_in(
                    &work,
                    &account.id,
                    AccountStatus::Revoked,
                    "Disconnected from Multitok.",
                    core.now(),
                )
                .await?;
        }
        work.commit().await?;
        core.creator_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&account.id);
        Ok(Disconnected {
            revoked_at_tiktok,
            still_connected_elsewhere: shared,
        })
    }
}

/// What a disconnect did at TikTok.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Disconnected {
    /// TikTok was asked to revoke the authorization and agreed.
    pub revoked_at_tiktok: bool,
    /// Another workspace still holds this creator's account, so the authorization was kept.
    pub still_connected_elsewhere: bool,
}

/// Asks TikTok to revoke the account's authorization; false when it could not.
async fn revoke_at_tiktok(core: &Core, account: &Account) -> bool {
    let readable = account
        .access_token_enc
        .as_deref()
        .and_then(|sealed| core.sealer.open(sealed).ok());
    let (Some(token), Ok(client)) = (readable, core.tiktok()) else {
        return false;
    };
    match client.revoke(&AccessToken::new(token)).await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(code = %e.code, "revoking at TikTok failed; the tokens are deleted anyway");
            false
        }
    }
}

async fn account_in(
    core: &Core,
    workspace_id: &str,
    account_id: &str,
) -> Result<Account, CoreError> {
    core.store
        .account(workspace_id, account_id)
        .await?
        .ok_or(CoreError::NotFound("account"))
}

impl<P> Access<P> {
    /// The account with the number of posts TikTok initialized for it in the last 24 hours.
    async fn with_usage(
        &self,
        core: &Core,
        accounts: Vec<Account>,
    ) -> Result<Vec<(Account, u32)>, CoreError> {
        let used = core
            .store
            .initialized_since(&self.workspace.id, core.now() - TimeDelta::hours(24))
            .await?;
        Ok(accounts
            .into_iter()
            .map(|a| {
                let n = used.get(&a.id).copied().unwrap_or(0);
                (a, n)
            })
            .collect())
    }

    async fn one_with_usage(
        &self,
        core: &Core,
        account_id: &str,
    ) -> Result<(Account, u32), CoreError> {
        let account = account_in(core, &self.workspace.id, account_id).await?;
        let mut list = self.with_usage(core, vec![account]).await?;
        list.pop().ok_or(CoreError::NotFound("account"))
    }
}

impl Access<View> {
    /// The workspace's accounts, each with its posts in the last 24 hours.
    pub async fn accounts(&self, core: &Core) -> Result<Vec<(Account, u32)>, CoreError> {
        let accounts = core.store.accounts_of(&self.workspace.id).await?;
        self.with_usage(core, accounts).await
    }

    pub async fn account(
        &self,
        core: &Core,
        account_id: &str,
    ) -> Result<(Account, u32), CoreError> {
        self.one_with_usage(core, account_id).await
    }

    /// Live creator info, cached a minute per account.
    pub async fn creator_info(
        &self,
        core: &Core,
        account_id: &str,
    ) -> Result<CreatorInfo, CoreError> {
        let account = account_in(core, &self.workspace.id, account_id).await?;
        core.live_creator_info(&account).await
    }
}

impl Core {
    /// What TikTok allows the account now, cached a minute. A rejected token is refreshed once;
    /// if TikTok still refuses, the account is marked for reconnection.
    pub async fn live_creator_info(&self, account: &Account) -> Result<CreatorInfo, CoreError> {
        let core = self;
        if let Some((at, info)) = core
            .creator_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&account.id)
            && at.elapsed() < CREATOR_INFO_TTL
        {
            return Ok(info.clone());
        }
        let sealed = account
            .access_token_enc
            .as_deref()
            .ok_or(CoreError::FailedPrecondition(
                "this account is disconnected; connect it again",
            ))?;
        let token = AccessToken::new(core.open_token(account, sealed).await?);
        let client = core.tiktok()?;
        let answer = match client.creator_info(&token).await {
            Err(e) if e.code == "access_token_invalid" => {
                let fresh = core.refreshed_token(account, sealed).await?;
                client.creator_info(&fresh).await
            }
            other => other,
        };
        match answer {
            Ok(info) => {
                core.creator_cache
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(account.id.clone(), (Instant::now(), info.clone()));
                Ok(info)
            }
            Err(e) if e.class == ErrorClass::Reauthorize => {
                core.store
                    .mark_account(
                        &account.id,
                        AccountStatus::ReauthRequired,
                        &e.message,
                        core.now(),
                    )
                    .await?;
                Err(tiktok_error(e))
            }
            Err(e) if e.class == ErrorClass::Permanent => {
                Err(CoreError::FailedPrecondition(permanent_reason(&e.code)))
            }
            Err(e) => Err(tiktok_error(e)),
        }
    }
}

fn permanent_reason(code: &str) -> &'static str {
    match code {
        "spam_risk_too_many_posts" => "this account reached TikTok's daily posting limit",
        "spam_risk_user_banned_from_posting" => "TikTok has banned this account from posting",
        "reached_active_user_cap" => {
            "this TikTok app reached its limit of accounts posting per day"
        }
        _ => "TikTok refused to describe this account",
    }
}

impl Access<EditContent> {
    /// Asks the worker to sync the account as soon as possible.
    pub async fn sync(
        &self,
        core: &Core,
        account_id: &str,
    ) -> Result<(Account, u32, DateTime<Utc>), CoreError> {
        let account = account_in(core, &self.workspace.id, account_id).await?;
        let at = core
            .store
            .request_sync(&account.id, core.now(), SYNC_SPACING)
            .await?
            .ok_or(CoreError::NotFound("account"))?;
        let (account, used) = self.one_with_usage(core, account_id).await?;
        Ok((account, used, at))
    }
}
