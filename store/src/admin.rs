//! What the operator's `multitok-server admin` commands change: every user at a glance, a new
//! password, disabling and enabling a user, and ending a user's sessions and API tokens.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::entity::{api_token, membership, refresh_token, user};
use crate::{Store, StoreError, Work};

/// One line of `admin list-users`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserOverview {
    pub email: String,
    pub display_name: String,
    pub created_at: DateTime<Utc>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub workspaces: i64,
}

impl Store {
    /// Every user, oldest first, with the number of workspaces each belongs to.
    pub async fn users_overview(&self) -> Result<Vec<UserOverview>, StoreError> {
        let users = user::Entity::find()
            .order_by_asc(user::Column::CreatedAt)
            .all(&self.db)
            .await?;
        let counts: Vec<(String, i64)> = membership::Entity::find()
            .select_only()
            .column(membership::Column::UserId)
            .column_as(Expr::col(membership::Column::UserId).count(), "n")
            .group_by(membership::Column::UserId)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(users
            .into_iter()
            .map(|u| UserOverview {
                workspaces: counts.iter().find(|(id, _)| *id == u.id).map_or(0, |c| c.1),
                email: u.email,
                display_name: u.display_name,
                created_at: u.created_at,
                disabled_at: u.disabled_at,
            })
            .collect())
    }

    /// Replaces a user's password hash.
    pub async fn set_password_in(
        &self,
        work: &Work,
        user_id: &str,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
            .filter(user::Column::Id.eq(user_id))
            .exec(work.txn())
            .await?;
        Ok(())
    }

    /// Disables a user (`Some(time)`) or enables them again (`None`).
    pub async fn set_disabled_in(
        &self,
        work: &Work,
        user_id: &str,
        disabled_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        user::Entity::update_many()
            .col_expr(user::Column::DisabledAt, Expr::value(disabled_at))
            .filter(user::Column::Id.eq(user_id))
            .exec(work.txn())
            .await?;
        Ok(())
    }

    /// Revokes every live session (refresh token) of a user; answers how many.
    pub async fn revoke_sessions_in(
        &self,
        work: &Work,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let done = refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
            .filter(refresh_token::Column::UserId.eq(user_id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .filter(refresh_token::Column::RotatedAt.is_null())
            .filter(refresh_token::Column::ExpiresAt.gt(now))
            .exec(work.txn())
            .await?;
        Ok(done.rows_affected)
    }

    /// Revokes every live API token of a user; answers how many.
    pub async fn revoke_api_tokens_in(
        &self,
        work: &Work,
        user_id: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let done = api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(now))
            .filter(api_token::Column::UserId.eq(user_id))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(work.txn())
            .await?;
        Ok(done.rows_affected)
    }
}
