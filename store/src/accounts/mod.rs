//! TikTok accounts of a workspace, one-time OAuth states, and webhook idempotency. Tokens and
//! verifiers arrive here already encrypted; the store never sees them in clear. Every write to
//! the accounts' rows lives under this module: their place in the nightly sync in [`sync_slots`],
//! their analytics version in [`versions`].

mod oauth_states;
pub(crate) mod sync_slots;
pub(crate) mod versions;
mod webhooks;

pub use oauth_states::OAuthState;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use multitok_shared::AccountStatus;

use crate::entity::tiktok_account;
use crate::rows::unknown;
use crate::{Sealed, Store, StoreError, Work, new_id};

/// A TikTok account connected to a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub workspace_id: String,
    pub open_id: String,
    pub display_name: String,
    pub username: String,
    pub avatar_url: String,
    /// Sealed by the core; gone once the account is revoked.
    pub access_token_enc: Option<Sealed>,
    pub refresh_token_enc: Option<Sealed>,
    pub access_expires_at: Option<DateTime<Utc>>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    /// The scopes TikTok granted.
    pub scopes: Vec<String>,
    pub status: AccountStatus,
    pub status_reason: String,
    pub next_sync_at: Option<DateTime<Utc>>,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Changes whenever a sync or a publish changes the account's analytics.
    pub analytics_version: i64,
}

impl TryFrom<tiktok_account::Model> for Account {
    type Error = StoreError;

    fn try_from(m: tiktok_account::Model) -> Result<Account, StoreError> {
        Ok(Account {
            status: AccountStatus::parse(&m.status)
                .ok_or_else(|| unknown("account status", &m.status))?,
            scopes: scopes_of(&m.scopes),
            id: m.id,
            workspace_id: m.workspace_id,
            open_id: m.open_id,
            display_name: m.display_name,
            username: m.username,
            avatar_url: m.avatar_url,
            access_token_enc: m.access_token_enc.map(Sealed::from),
            refresh_token_enc: m.refresh_token_enc.map(Sealed::from),
            access_expires_at: m.access_expires_at,
            refresh_expires_at: m.refresh_expires_at,
            status_reason: m.status_reason,
            next_sync_at: m.next_sync_at,
            last_synced_at: m.last_synced_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
            analytics_version: m.analytics_version,
        })
    }
}

/// Scopes are stored comma-joined.
fn scopes_of(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// What a completed connection stores (insert, or update of the same `open_id`).
#[derive(Debug, Clone)]
pub struct ConnectedAccount {
    pub workspace_id: String,
    pub open_id: String,
    pub display_name: String,
    pub username: String,
    pub avatar_url: String,
    pub access_token_enc: Sealed,
    pub refresh_token_enc: Sealed,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_expires_at: DateTime<Utc>,
    pub scopes: Vec<String>,
}

impl Store {
    /// Inserts the account, or updates the workspace's account with the same `open_id`
    /// (reconnecting never creates a second one). Returns the stored row.
    pub async fn upsert_account(
        &self,
        a: ConnectedAccount,
        now: DateTime<Utc>,
    ) -> Result<Account, StoreError> {
        let work = self.begin_work().await?;
        let account = self.upsert_account_in(&work, a, now).await?;
        work.commit().await?;
        Ok(account)
    }

    /// [`Store::upsert_account`] within the caller's unit of work.
    pub async fn upsert_account_in(
        &self,
        work: &Work,
        a: ConnectedAccount,
        now: DateTime<Utc>,
    ) -> Result<Account, StoreError> {
        use tiktok_account::Column as C;
        let row = tiktok_account::ActiveModel {
            id: Set(new_id()),
            workspace_id: Set(a.workspace_id.clone()),
            open_id: Set(a.open_id.clone()),
            display_name: Set(a.display_name),
            username: Set(a.username),
            avatar_url: Set(a.avatar_url),
            access_token_enc: Set(Some(a.access_token_enc.into_string())),
            refresh_token_enc: Set(Some(a.refresh_token_enc.into_string())),
            access_expires_at: Set(Some(a.access_expires_at)),
            refresh_expires_at: Set(Some(a.refresh_expires_at)),
            scopes: Set(a.scopes.join(",")),
            status: Set(AccountStatus::Active.as_str().into()),
            status_reason: Set(String::new()),
            next_sync_at: Set(Some(now)),
            last_synced_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            analytics_version: Set(0),
        };
        let update = [
            C::DisplayName,
            C::Username,
            C::AvatarUrl,
            C::AccessTokenEnc,
            C::RefreshTokenEnc,
            C::AccessExpiresAt,
            C::RefreshExpiresAt,
            C::Scopes,
            C::Status,
            C::StatusReason,
            C::NextSyncAt,
            C::UpdatedAt,
        ];
        tiktok_account::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([C::WorkspaceId, C::OpenId])
                    .update_columns(update)
                    .to_owned(),
            )
            .exec_without_returning(work.txn())
            .await?;
        let account: Account = tiktok_account::Entity::find()
            .filter(C::WorkspaceId.eq(a.workspace_id))
            .filter(C::OpenId.eq(a.open_id))
            .one(work.txn())
            .await?
            .ok_or(StoreError::NotFound)?
            .try_into()?;
        crate::targets::note_waiting(work, std::slice::from_ref(&account.id), "", now).await?;
        Ok(account)
    }

    pub async fn accounts_of(&self, workspace_id: &str) -> Result<Vec<Account>, StoreError> {
        let rows = tiktok_account::Entity::find()
            .filter(tiktok_account::Column::WorkspaceId.eq(workspace_id))
            .order_by_asc(tiktok_account::Column::CreatedAt)
            .all(&self.db)
            .await?;
        crate::rows::all(rows)
    }

    /// The account if it belongs to the workspace.
    pub async fn account(
        &self,
        workspace_id: &str,
        id: &str,
    ) -> Result<Option<Account>, StoreError> {
        let row = tiktok_account::Entity::find_by_id(id.to_owned())
            .filter(tiktok_account::Column::WorkspaceId.eq(workspace_id))
            .one(&self.db)
            .await?;
        crate::rows::one(row)
    }

    /// Asks for a sync of the account as soon as `spacing` after the last one allows (now, or
    /// a little later). A request while a sync is already planned by then is coalesced into it
    /// and changes nothing. Answers when the account's next sync will run; `None` for an
    /// unknown account.
    pub async fn request_sync(
        &self,
        id: &str,
        now: DateTime<Utc>,
        spacing: chrono::TimeDelta,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        use tiktok_account::Column as C;
        let Some(account) = tiktok_account::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let earliest = account
            .last_synced_at
            .map_or(now, |at| (at + spacing).max(now));
        if let Some(planned) = account.next_sync_at.filter(|at| *at <= earliest) {
            return Ok(Some(planned));
        }
        let work = self.begin_work().await?;
        tiktok_account::Entity::update_many()
            .col_expr(C::NextSyncAt, Expr::value(earliest))
            .filter(C::Id.eq(id))
            .exec(work.txn())
            .await?;
        work.notify_due();
        work.commit().await?;
        Ok(Some(earliest))
    }

    /// Marks every connection of `open_id` (in any workspace) with a status, forgetting tokens
    /// when revoked; within the caller's unit of work.
    pub async fn mark_accounts_in(
        &self,
        work: &Work,
        open_id: &str,
        status: AccountStatus,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let which = tiktok_account::Column::OpenId.eq(open_id);
        mark_where(work, which, status, reason, now).await
    }

    /// Marks one workspace's connection with a status (a refresh refused or a disconnect
    /// there never changes another workspace's connection of the same creator).
    pub async fn mark_account(
        &self,
        id: &str,
        status: AccountStatus,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let work = self.begin_work().await?;
        let marked = self.mark_account_in(&work, id, status, reason, now).await?;
        work.commit().await?;
        Ok(marked)
    }

    /// [`Store::mark_account`] within the caller's unit of work.
    pub async fn mark_account_in(
        &self,
        work: &Work,
        id: &str,
        status: AccountStatus,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let which = tiktok_account::Column::Id.eq(id);
        mark_where(work, which, status, reason, now).await
    }

    /// How many workspaces other than `workspace_id` hold a connection of `open_id` that still
    /// has its tokens.
    pub async fn other_connections(
        &self,
        open_id: &str,
        workspace_id: &str,
    ) -> Result<u64, StoreError> {
        Ok(tiktok_account::Entity::find()
            .filter(tiktok_account::Column::OpenId.eq(open_id))
            .filter(tiktok_account::Column::WorkspaceId.ne(workspace_id))
            .filter(tiktok_account::Column::AccessTokenEnc.is_not_null())
            .count(&self.db)
            .await?)
    }

    /// Deletes the account (its tokens with it).
    pub async fn delete_account(&self, id: &str) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        self.delete_account_in(&work, id).await?;
        work.commit().await
    }

    /// [`Store::delete_account`] within the caller's unit of work.
    pub async fn delete_account_in(&self, work: &Work, id: &str) -> Result<(), StoreError> {
        tiktok_account::Entity::delete_by_id(id.to_owned())
            .exec(work.txn())
            .await?;
        Ok(())
    }
}

/// New tokens after a refresh.
#[derive(Debug, Clone)]
pub struct RefreshedTokens {
    pub access_token_enc: Sealed,
    pub refresh_token_enc: Sealed,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_expires_at: DateTime<Utc>,
}

impl Store {
    /// Stores refreshed tokens only if the account still holds `previous_refresh_enc`, so a
    /// slower concurrent refresh never overwrites a newer token. False when it lost that race.
    pub async fn replace_tokens(
        &self,
        id: &str,
        previous_refresh_enc: &str,
        t: RefreshedTokens,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        use tiktok_account::Column as C;
        let work = self.begin_work().await?;
        let done = tiktok_account::Entity::update_many()
            .col_expr(
                C::AccessTokenEnc,
                Expr::value(Some(t.access_token_enc.into_string())),
            )
            .col_expr(
                C::RefreshTokenEnc,
                Expr::value(Some(t.refresh_token_enc.into_string())),
            )
            .col_expr(C::AccessExpiresAt, Expr::value(Some(t.access_expires_at)))
            .col_expr(C::RefreshExpiresAt, Expr::value(Some(t.refresh_expires_at)))
            .col_expr(C::Status, Expr::value(AccountStatus::Active.as_str()))
            .col_expr(C::StatusReason, Expr::value(""))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .filter(C::Id.eq(id))
            .filter(C::RefreshTokenEnc.eq(previous_refresh_enc))
            .exec(work.txn())
            .await?;
        work.commit().await?;
        Ok(done.rows_affected == 1)
    }
}

/// Sets the status of the connections `which` selects, forgetting their tokens when revoked, and
/// notes on their waiting targets why they cannot publish.
async fn mark_where(
    work: &Work,
    which: sea_orm::sea_query::SimpleExpr,
    status: AccountStatus,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut update = tiktok_account::Entity::update_many()
        .col_expr(tiktok_account::Column::Status, Expr::value(status.as_str()))
        .col_expr(tiktok_account::Column::StatusReason, Expr::value(reason))
        .col_expr(tiktok_account::Column::UpdatedAt, Expr::value(now));
    if status == AccountStatus::Revoked {
        update = update
            .col_expr(
                tiktok_account::Column::AccessTokenEnc,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                tiktok_account::Column::RefreshTokenEnc,
                Expr::value(Option::<String>::None),
            );
    }
    let txn = work.txn();
    let marked = update.filter(which.clone()).exec(txn).await?.rows_affected;
    let ids: Vec<String> = tiktok_account::Entity::find()
        .select_only()
        .column(tiktok_account::Column::Id)
        .filter(which)
        .into_tuple()
        .all(txn)
        .await?;
    let note = if status == AccountStatus::Active {
        String::new()
    } else {
        format!("Cannot publish until the account is connected again: {reason}")
    };
    crate::targets::note_waiting(work, &ids, &note, now).await?;
    Ok(marked)
}
