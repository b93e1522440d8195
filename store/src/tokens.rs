//! Refresh tokens (single use, rotated, reuse revokes the family) and personal API tokens.
//! Only SHA-256 hashes of token secrets are stored.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::{api_token, refresh_token};
use crate::{Store, StoreError, Work, new_id};

/// A refresh token to store.
#[derive(Debug, Clone)]
pub struct NewRefreshToken {
    pub user_id: String,
    /// Family of the login this token descends from; `None` starts a new family.
    pub family_id: Option<String>,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
}

/// The token that replaces a presented one, and how long after its rotation the presented
/// one may still be used once more.
#[derive(Debug, Clone)]
pub struct Successor {
    pub hash: String,
    pub expires_at: DateTime<Utc>,
    pub grace: chrono::TimeDelta,
}

/// What presenting a refresh token led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RotateOutcome {
    /// The token was valid; it is now spent and its successor stored.
    Rotated { user_id: String },
    /// The token had already been used or revoked: its whole family is now revoked.
    Reused,
    /// Unknown or expired.
    Invalid,
}

/// A personal API token's public description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// An API token to store.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub user_id: String,
    pub name: String,
    pub prefix: String,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
}

impl From<api_token::Model> for ApiToken {
    fn from(m: api_token::Model) -> ApiToken {
        ApiToken {
            id: m.id,
            name: m.name,
            prefix: m.prefix,
            created_at: m.created_at,
            expires_at: m.expires_at,
            last_used_at: m.last_used_at,
        }
    }
}

/// How stale `last_used_at` may get before a use writes it again (keeps reads read-only).
const LAST_USED_GRANULARITY: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

impl Store {
    /// Stores a refresh token, starting a new family unless one is given.
    pub async fn insert_refresh_token(
        &self,
        new: NewRefreshToken,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        self.insert_refresh_token_in(&work, new, now).await?;
        work.commit().await
    }

    /// [`Store::insert_refresh_token`] within the caller's unit of work.
    pub async fn insert_refresh_token_in(
        &self,
        work: &Work,
        new: NewRefreshToken,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        refresh_token::Entity::insert(refresh_active(new, now))
            .exec_without_returning(work.txn())
            .await?;
        Ok(())
    }

    /// Spends the token whose hash is `presented` and stores `successor` in the same family, in
    /// one transaction. A token that was already spent or revoked revokes its whole family,
    /// except that one spent less than `grace` ago (two tabs refreshing at once) gets a
    /// successor of its own. An unknown or expired token is refused without a write.
    #[tracing::instrument(skip_all)]
    pub async fn rotate_refresh_token(
        &self,
        presented: &str,
        successor: Successor,
        now: DateTime<Utc>,
    ) -> Result<RotateOutcome, StoreError> {
        let found = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(presented))
            .one(&self.db)
            .await?;
        let Some(token) = found.filter(|t| t.expires_at > now) else {
            return Ok(RotateOutcome::Invalid);
        };
        let work = self.begin_work().await?;
        let txn = work.txn();
        let spent = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RotatedAt, Expr::value(now))
            .filter(refresh_token::Column::Id.eq(&token.id))
            .filter(refresh_token::Column::RotatedAt.is_null())
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(txn)
            .await?;
        if spent.rows_affected == 0 && !within_grace(txn, &token.id, now - successor.grace).await? {
            revoke_family(txn, &token.family_id, now).await?;
            work.commit().await?;
            return Ok(RotateOutcome::Reused);
        }
        let next = NewRefreshToken {
            user_id: token.user_id.clone(),
            family_id: Some(token.family_id),
            token_hash: successor.hash,
            expires_at: successor.expires_at,
        };
        refresh_token::Entity::insert(refresh_active(next, now))
            .exec_without_returning(txn)
            .await?;
        work.commit().await?;
        Ok(RotateOutcome::Rotated {
            user_id: token.user_id,
        })
    }

    /// Revokes the family of the token whose hash is given (logout). Unknown tokens are ignored.
    pub async fn revoke_refresh_family(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        self.revoke_refresh_family_in(&work, token_hash, now)
            .await?;
        work.commit().await
    }

    /// [`Store::revoke_refresh_family`] within the caller's unit of work.
    pub async fn revoke_refresh_family_in(
        &self,
        work: &Work,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let token = refresh_token::Entity::find()
            .filter(refresh_token::Column::TokenHash.eq(token_hash))
            .one(work.txn())
            .await?;
        if let Some(token) = token {
            revoke_family(work.txn(), &token.family_id, now).await?;
        }
        Ok(())
    }

    pub async fn insert_api_token(
        &self,
        new: NewApiToken,
        now: DateTime<Utc>,
    ) -> Result<ApiToken, StoreError> {
        let work = self.begin_work().await?;
        let token = self.insert_api_token_in(&work, new, now).await?;
        work.commit().await?;
        Ok(token)
    }

    /// [`Store::insert_api_token`] within the caller's unit of work.
    pub async fn insert_api_token_in(
        &self,
        work: &Work,
        new: NewApiToken,
        now: DateTime<Utc>,
    ) -> Result<ApiToken, StoreError> {
        let row = api_token::ActiveModel {
            id: Set(new_id()),
            user_id: Set(new.user_id),
            name: Set(new.name),
            prefix: Set(new.prefix),
            token_hash: Set(new.token_hash),
            created_at: Set(now),
            expires_at: Set(new.expires_at),
            last_used_at: Set(None),
            revoked_at: Set(None),
        };
        let token = api_token::Entity::insert(row)
            .exec_with_returning(work.txn())
            .await?;
        Ok(token.into())
    }

    /// The user's tokens that are neither revoked nor expired, newest first.
    pub async fn api_tokens_of(
        &self,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<ApiToken>, StoreError> {
        let rows = api_token::Entity::find()
            .filter(api_token::Column::UserId.eq(user_id))
            .filter(api_token::Column::RevokedAt.is_null())
            .filter(api_token::Column::ExpiresAt.gt(now))
            .order_by_desc(api_token::Column::CreatedAt)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(ApiToken::from).collect())
    }

    /// Revokes one of the user's tokens; someone else's token is [`StoreError::NotFound`].
    pub async fn revoke_api_token(
        &self,
        user_id: &str,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        self.revoke_api_token_in(&work, user_id, id, now).await?;
        work.commit().await
    }

    /// [`Store::revoke_api_token`] within the caller's unit of work.
    pub async fn revoke_api_token_in(
        &self,
        work: &Work,
        user_id: &str,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let done = api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(id))
            .filter(api_token::Column::UserId.eq(user_id))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(work.txn())
            .await?;
        if done.rows_affected == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }

    /// The owner of a live API token with this hash, recording the use (at most once a minute).
    pub async fn authenticate_api_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let Some(token) = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(token_hash))
            .filter(api_token::Column::RevokedAt.is_null())
            .filter(api_token::Column::ExpiresAt.gt(now))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        if token
            .last_used_at
            .is_none_or(|at| now - at > LAST_USED_GRANULARITY)
        {
            api_token::Entity::update_many()
                .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
                .filter(api_token::Column::Id.eq(&token.id))
                .exec(&self.db)
                .await?;
        }
        Ok(Some(token.user_id))
    }
}

fn refresh_active(new: NewRefreshToken, now: DateTime<Utc>) -> refresh_token::ActiveModel {
    refresh_token::ActiveModel {
        id: Set(new_id()),
        user_id: Set(new.user_id),
        family_id: Set(new.family_id.unwrap_or_else(new_id)),
        token_hash: Set(new.token_hash),
        created_at: Set(now),
        expires_at: Set(new.expires_at),
        rotated_at: Set(None),
        revoked_at: Set(None),
    }
}

/// Whether token `id` is unrevoked and was rotated at or after `since`.
async fn within_grace(
    txn: &sea_orm::DatabaseTransaction,
    id: &str,
    since: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let token = refresh_token::Entity::find_by_id(id).one(txn).await?;
    Ok(token.is_some_and(|t| t.revoked_at.is_none() && t.rotated_at.is_some_and(|at| at >= since)))
}

async fn revoke_family(
    db: &impl sea_orm::ConnectionTrait,
    family_id: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
