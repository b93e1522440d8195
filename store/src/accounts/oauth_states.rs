//! One-time OAuth states of account connections: stored (the verifier already encrypted) when a
//! connection starts, taken exactly once when TikTok sends the person back.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, EntityTrait};

use crate::entity::oauth_state;
use crate::{Store, StoreError};

/// A pending OAuth state.
#[derive(Debug, Clone)]
pub struct OAuthState {
    pub workspace_id: String,
    pub user_id: String,
    pub verifier_enc: String,
    pub expires_at: DateTime<Utc>,
    /// Hash of the secret cookie of the browser that started the connection.
    pub browser_hash: Option<String>,
}

impl Store {
    pub async fn insert_oauth_state(
        &self,
        state_hash: &str,
        s: OAuthState,
    ) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        oauth_state::Entity::insert(oauth_state::ActiveModel {
            state_hash: Set(state_hash.to_owned()),
            workspace_id: Set(s.workspace_id),
            user_id: Set(s.user_id),
            verifier_enc: Set(s.verifier_enc),
            expires_at: Set(s.expires_at),
            browser_hash: Set(s.browser_hash),
        })
        .exec_without_returning(work.txn())
        .await?;
        work.commit().await
    }

    /// Removes and returns the state (single use); `None` when unknown or already used. An
    /// unknown state is refused without taking the write lock.
    pub async fn take_oauth_state(
        &self,
        state_hash: &str,
    ) -> Result<Option<OAuthState>, StoreError> {
        let Some(found) = oauth_state::Entity::find_by_id(state_hash.to_owned())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let work = self.begin_work().await?;
        let deleted = oauth_state::Entity::delete_by_id(state_hash.to_owned())
            .exec(work.txn())
            .await?;
        work.commit().await?;
        Ok((deleted.rows_affected == 1).then_some(OAuthState {
            workspace_id: found.workspace_id,
            user_id: found.user_id,
            verifier_enc: found.verifier_enc,
            expires_at: found.expires_at,
            browser_hash: found.browser_hash,
        }))
    }
}
