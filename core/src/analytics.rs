//! Analytics writes the binaries share: asking for an account's refresh (a sync now, its
//! cached answers dropped). Reads, their cache and charts belong to the server.

use chrono::{DateTime, TimeDelta, Utc};

use crate::Core;
use crate::access::{Access, EditContent};
use crate::accounts::SYNC_SPACING;
use crate::error::CoreError;

impl Access<EditContent> {
    /// Asks for a sync of the account (every account when empty) and drops its cached
    /// analytics; once a minute. Answers when the latest of those syncs will run: a request
    /// while one is due, or within `SYNC_SPACING` of the last, is coalesced into it.
    pub async fn refresh_account(
        &self,
        s: &Core,
        account_id: &str,
    ) -> Result<DateTime<Utc>, CoreError> {
        let mut accounts = s.store.accounts_of(&self.workspace.id).await?;
        if !account_id.is_empty() {
            accounts.retain(|a| a.id == account_id);
            if accounts.is_empty() {
                return Err(CoreError::NotFound("account"));
            }
        }
        let now = s.now();
        let lease = format!("analytics-refresh:{account_id}");
        let owner = uuid::Uuid::new_v4().to_string();
        let wait = TimeDelta::minutes(1);
        if !s.store.take_lease(&lease, &owner, now + wait, now).await? {
            return Err(CoreError::Throttled(std::time::Duration::from_secs(60)));
        }
        let ids: Vec<String> = accounts.into_iter().map(|a| a.id).collect();
        s.store.invalidate_analytics(&ids).await?;
        let mut next = now;
        for id in &ids {
            if let Some(at) = s.store.request_sync(id, now, SYNC_SPACING).await? {
                next = next.max(at);
            }
        }
        Ok(next)
    }
}
