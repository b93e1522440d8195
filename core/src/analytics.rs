//! Analytics writes the binaries share: asking for an account's refresh (a sync now, its
//! cached answers dropped). Reads, their cache and charts belong to the server.

use chrono::{DateTime, TimeDelta, Utc};

use crate::Core;
use crate::access::{Access, EditContent};
use crate::error::CoreError;

impl Access<EditContent> {
    /// Asks for a sync of the account now and drops its cached analytics; once a minute.
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
        s.store.request_sync(account_id, now).await?;
        Ok(now)
    }
}
