//! Invitations to join a workspace by email, for people without an account yet: created by a
//! member manager, accepted once (in the same unit of work as the registration), valid until
//! they expire.

use chrono::{DateTime, Utc};
use multitok_shared::Role;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::entity::{invitation, workspace};
use crate::{Store, StoreError, Work, new_id};

/// A live invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    pub id: String,
    pub workspace_id: String,
    pub workspace_name: String,
    pub email: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
}

/// What creating an invitation stores (the token arrives hashed).
#[derive(Debug, Clone)]
pub struct NewInvitation {
    pub workspace_id: String,
    pub email: String,
    pub role: Role,
    pub token_hash: String,
    pub invited_by: String,
    pub expires_at: DateTime<Utc>,
}

impl Store {
    pub async fn insert_invitation_in(
        &self,
        work: &Work,
        new: NewInvitation,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let row = invitation::ActiveModel {
            id: Set(new_id()),
            workspace_id: Set(new.workspace_id),
            email: Set(new.email),
            role: Set(new.role.as_str().to_owned()),
            token_hash: Set(new.token_hash),
            invited_by: Set(new.invited_by),
            created_at: Set(now),
            expires_at: Set(new.expires_at),
            accepted_at: Set(None),
        };
        invitation::Entity::insert(row)
            .exec_without_returning(work.txn())
            .await?;
        Ok(())
    }

    /// The unaccepted, unexpired invitation with this token hash.
    pub async fn live_invitation(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Invitation>, StoreError> {
        let found = invitation::Entity::find()
            .filter(invitation::Column::TokenHash.eq(token_hash))
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::ExpiresAt.gt(now))
            .one(&self.db)
            .await?;
        let Some(row) = found else {
            return Ok(None);
        };
        let Some(ws) = workspace::Entity::find_by_id(row.workspace_id.clone())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let role = Role::parse(&row.role).ok_or_else(|| crate::rows::unknown("role", &row.role))?;
        Ok(Some(Invitation {
            id: row.id,
            workspace_id: row.workspace_id,
            workspace_name: ws.name,
            email: row.email,
            role,
            expires_at: row.expires_at,
        }))
    }

    /// Marks the invitation used; false when it was used (or expired) meanwhile.
    pub async fn accept_invitation_in(
        &self,
        work: &Work,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = invitation::Entity::update_many()
            .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
            .filter(invitation::Column::Id.eq(id))
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::ExpiresAt.gt(now))
            .exec(work.txn())
            .await?;
        Ok(done.rows_affected == 1)
    }
}
