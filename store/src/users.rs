//! Users: registration (with the personal workspace, atomically) and look-ups.

use chrono::{DateTime, Utc};
use multitok_shared::Role;
use sea_orm::sea_query::{Expr, JoinType};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, RelationTrait,
};

use crate::entity::{membership, user, workspace};
pub use crate::model::User;
use crate::workspaces::{NewWorkspace, Workspace};
use crate::{Store, StoreError, Work, new_id};

/// What registration stores.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
}

/// One row of the profile query: the user, and one of their memberships if any.
#[derive(Debug, FromQueryResult)]
struct ProfileRow {
    id: String,
    email: String,
    display_name: String,
    password_hash: String,
    created_at: DateTime<Utc>,
    disabled_at: Option<DateTime<Utc>>,
    ws_id: Option<String>,
    ws_name: Option<String>,
    ws_time_zone: Option<String>,
    role: Option<String>,
}

impl Store {
    /// The user and every workspace they belong to (with their role), oldest membership first,
    /// in one query. `None` when the user does not exist.
    pub async fn profile(
        &self,
        user_id: &str,
    ) -> Result<Option<(User, Vec<(Workspace, Role)>)>, StoreError> {
        let rows = user::Entity::find()
            .select_only()
            .columns([
                user::Column::Id,
                user::Column::Email,
                user::Column::DisplayName,
                user::Column::PasswordHash,
                user::Column::CreatedAt,
                user::Column::DisabledAt,
            ])
            .column_as(
                Expr::col((workspace::Entity, workspace::Column::Id)),
                "ws_id",
            )
            .column_as(
                Expr::col((workspace::Entity, workspace::Column::Name)),
                "ws_name",
            )
            .column_as(
                Expr::col((workspace::Entity, workspace::Column::TimeZone)),
                "ws_time_zone",
            )
            .column_as(
                Expr::col((membership::Entity, membership::Column::Role)),
                "role",
            )
            .join_rev(JoinType::LeftJoin, membership::Relation::User.def())
            .join(JoinType::LeftJoin, membership::Relation::Workspace.def())
            .filter(user::Column::Id.eq(user_id))
            .order_by_asc(membership::Column::CreatedAt)
            .into_model::<ProfileRow>()
            .all(&self.db)
            .await?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let user = User {
            id: first.id.clone(),
            email: first.email.clone(),
            display_name: first.display_name.clone(),
            password_hash: first.password_hash.clone(),
            created_at: first.created_at,
            disabled_at: first.disabled_at,
        };
        let workspaces = rows
            .into_iter()
            .filter_map(|r| {
                let role = Role::parse(r.role.as_deref()?)?;
                Some((
                    Workspace {
                        id: r.ws_id?,
                        name: r.ws_name?,
                        time_zone: r.ws_time_zone?,
                    },
                    role,
                ))
            })
            .collect();
        Ok(Some((user, workspaces)))
    }

    /// Stores a new user and their first workspace, owned by them, in one transaction.
    /// An email that is already registered is a [`StoreError::Conflict`].
    #[tracing::instrument(skip_all)]
    pub async fn register_user(
        &self,
        new: NewUser,
        first: NewWorkspace,
        now: DateTime<Utc>,
    ) -> Result<(User, Workspace), StoreError> {
        let work = self.begin_work().await?;
        let registered = self.register_user_in(&work, new, first, now).await?;
        work.commit().await?;
        Ok(registered)
    }

    /// [`Store::register_user`] within the caller's unit of work.
    pub async fn register_user_in(
        &self,
        work: &Work,
        new: NewUser,
        first: NewWorkspace,
        now: DateTime<Utc>,
    ) -> Result<(User, Workspace), StoreError> {
        let txn = work.txn();
        let user = user::ActiveModel {
            id: Set(new_id()),
            email: Set(new.email),
            password_hash: Set(new.password_hash),
            display_name: Set(new.display_name),
            created_at: Set(now),
            disabled_at: Set(None),
        };
        let user = user::Entity::insert(user).exec_with_returning(txn).await?;
        let ws = crate::workspaces::insert_owned(txn, &user.id, first, now).await?;
        Ok((user.into(), ws))
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
