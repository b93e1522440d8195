//! Keeping an account's TikTok access token usable: when TikTok rejects it, refresh once (TikTok
//! rotates the refresh token), store the new pair only if no other process already did, and
//! mark the account when the refresh itself is refused.

use chrono::TimeDelta;
use multitok_shared::AccountStatus;
use multitok_store::accounts::{Account, RefreshedTokens};
use multitok_tiktok::ErrorClass;
use oauth2::{AccessToken, RefreshToken};

use crate::Core;
use crate::error::CoreError;

/// Longest wait for another process's refresh of the same account.
const REFRESH_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

const RECONNECT: CoreError = CoreError::FailedPrecondition(
    "TikTok no longer accepts this account's authorization; connect it again",
);

const UNREADABLE: CoreError = CoreError::FailedPrecondition(
    "this account's stored authorization cannot be opened with the server's keys; connect it again",
);

impl Core {
    /// Opens one of an account's sealed tokens. A token none of the keys opens marks the account
    /// `reauth_required`, naming the key id it was sealed with, instead of failing as an
    /// internal error.
    pub async fn open_token(&self, account: &Account, sealed: &str) -> Result<String, CoreError> {
        if let Ok(plain) = self.sealer.open(sealed) {
            return Ok(plain);
        }
        let key_id = sealed.split_once(':').map_or("?", |(id, _)| id);
        let reason = format!(
            "its stored authorization is sealed with key id {key_id}, which this server does not have"
        );
        tracing::warn!(account = %account.id, %key_id, "an account's token cannot be opened");
        self.store
            .mark_account(
                &account.id,
                AccountStatus::ReauthRequired,
                &reason,
                self.now(),
            )
            .await?;
        Err(UNREADABLE)
    }

    /// A fresh access token for an account whose current one (`rejected`, sealed) TikTok refused
    /// or that is about to expire. One process at a time refreshes an account (a named lease in
    /// the database); the others wait and use the token it stored.
    pub async fn refreshed_token(
        &self,
        account: &Account,
        rejected: &str,
    ) -> Result<AccessToken, CoreError> {
        let lock = format!("refresh:{}", account.id);
        let owner = uuid::Uuid::new_v4().to_string();
        let deadline = std::time::Instant::now() + REFRESH_WAIT;
        loop {
            let now = self.now();
            if self
                .store
                .take_lease(&lock, &owner, now + TimeDelta::seconds(30), now)
                .await?
            {
                break;
            }
            if std::time::Instant::now() > deadline {
                return Err(CoreError::Unavailable(
                    "another process is refreshing this account's authorization; try again shortly",
                ));
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let result = self.refresh_holding_lock(account, rejected).await;
        self.store.release_lease(&lock, &owner).await?;
        result
    }

    async fn refresh_holding_lock(
        &self,
        account: &Account,
        rejected: &str,
    ) -> Result<AccessToken, CoreError> {
        let current = self
            .store
            .account(&account.workspace_id, &account.id)
            .await?
            .ok_or(CoreError::NotFound("account"))?;
        // Another request may have refreshed it meanwhile: use that token.
        if let Some(sealed) = current
            .access_token_enc
            .as_deref()
            .filter(|s| *s != rejected)
        {
            return Ok(AccessToken::new(self.open_token(account, sealed).await?));
        }
        let sealed_refresh = current.refresh_token_enc.clone().ok_or(RECONNECT)?;
        let refresh = RefreshToken::new(self.open_token(account, &sealed_refresh).await?);
        let tokens = match self.tiktok()?.refresh(&refresh).await {
            Ok(t) => t,
            Err(e) if e.class == ErrorClass::Reauthorize => {
                self.store
                    .mark_account(
                        &account.id,
                        AccountStatus::ReauthRequired,
                        &e.message,
                        self.now(),
                    )
                    .await?;
                return Err(RECONNECT);
            }
            Err(_) => {
                return Err(CoreError::Unavailable(
                    "TikTok is not answering right now; try again shortly",
                ));
            }
        };
        let now = self.now();
        let replaced = RefreshedTokens {
            access_token_enc: self.sealer.seal(tokens.access_token.secret())?.into(),
            refresh_token_enc: self.sealer.seal(tokens.refresh_token.secret())?.into(),
            access_expires_at: now + TimeDelta::seconds(tokens.expires_in),
            refresh_expires_at: now + TimeDelta::seconds(tokens.refresh_expires_in),
        };
        if !self
            .store
            .replace_tokens(&account.id, &sealed_refresh, replaced, now)
            .await?
        {
            tracing::info!("another request refreshed this account's tokens first");
        }
        Ok(tokens.access_token)
    }
}
