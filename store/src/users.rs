//! Users: registration (with the personal workspace, atomically) and look-ups.

use chrono::{DateTime, Utc};
use multitok_shared::Role;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait};

use crate::entity::{membership, user, workspace};
use crate::workspaces::{NewWorkspace, Workspace};
use crate::{Store, StoreError, new_id};

/// A registered person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

/// What registration stores.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
}

impl From<user::Model> for User {
    fn from(m: user::Model) -> User {
        User {
            id: m.id,
            email: m.email,
            display_name: m.display_name,
            password_hash: m.password_hash,
            created_at: m.created_at,
        }
    }
}

impl Store {
    /// Stores a new user and their first workspace, owned by them, in one transaction.
    /// An email that is already registered is a [`StoreError::Conflict`].
    #[tracing::instrument(skip_all, err)]
    pub async fn register_user(
        &self,
        new: NewUser,
        first: NewWorkspace,
        now: DateTime<Utc>,
    ) -> Result<(User, Workspace), StoreError> {
        let txn = self.db.begin().await?;
        let user = user::ActiveModel {
            id: Set(new_id()),
            email: Set(new.email),
            password_hash: Set(new.password_hash),
            display_name: Set(new.display_name),
            created_at: Set(now),
        };
        let user = user::Entity::insert(user).exec_with_returning(&txn).await?;
        let ws = workspace::ActiveModel {
            id: Set(new_id()),
            name: Set(first.name),
            time_zone: Set(first.time_zone),
            created_at: Set(now),
        };
        let ws = workspace::Entity::insert(ws)
            .exec_with_returning(&txn)
            .await?;
        membership::Entity::insert(membership::ActiveModel {
            workspace_id: Set(ws.id.clone()),
            user_id: Set(user.id.clone()),
            role: Set(Role::Owner.as_str().to_owned()),
            created_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
        txn.commit().await?;
        Ok((user.into(), ws.into()))
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let found = user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .one(&self.db)
            .await?;
        Ok(found.map(User::from))
    }

    pub async fn user_by_id(&self, id: &str) -> Result<Option<User>, StoreError> {
        Ok(user::Entity::find_by_id(id.to_owned())
            .one(&self.db)
            .await?
            .map(User::from))
    }
}
