//! Workspaces and memberships. Changes that could remove the last owner are checked and written
//! while holding the workspace row's lock, so two concurrent demotions cannot both succeed.

use chrono::{DateTime, Utc};
use multitok_shared::Role;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder,
};

use crate::entity::{membership, user, workspace};
use crate::model::User;
use crate::{Store, StoreError, Work, new_id};

/// A workspace's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub id: String,
    pub name: String,
    pub time_zone: String,
}

/// What creating a workspace stores.
#[derive(Debug, Clone)]
pub struct NewWorkspace {
    pub name: String,
    pub time_zone: String,
}

/// A settings change; `None` leaves the field as it is.
#[derive(Debug, Clone, Default)]
pub struct WorkspaceChange {
    pub name: Option<String>,
    pub time_zone: Option<String>,
}

/// A user together with their role in a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user: User,
    pub role: Role,
}

impl From<workspace::Model> for Workspace {
    fn from(m: workspace::Model) -> Workspace {
        Workspace {
            id: m.id,
            name: m.name,
            time_zone: m.time_zone,
        }
    }
}

fn role_of(stored: &str) -> Result<Role, StoreError> {
    Role::parse(stored).ok_or(StoreError::Precondition("unknown role stored"))
}

impl Store {
    /// Creates a workspace owned by `owner_id`.
    #[tracing::instrument(skip_all)]
    pub async fn create_workspace(
        &self,
        owner_id: &str,
        new: NewWorkspace,
        now: DateTime<Utc>,
    ) -> Result<Workspace, StoreError> {
        let work = self.begin_work().await?;
        let ws = self.create_workspace_in(&work, owner_id, new, now).await?;
        work.commit().await?;
        Ok(ws)
    }

    /// [`Store::create_workspace`] within the caller's unit of work.
    pub async fn create_workspace_in(
        &self,
        work: &Work,
        owner_id: &str,
        new: NewWorkspace,
        now: DateTime<Utc>,
    ) -> Result<Workspace, StoreError> {
        insert_owned(work.txn(), owner_id, new, now).await
    }

    /// Every workspace `user_id` belongs to, with their role, oldest first.
    pub async fn workspaces_of(&self, user_id: &str) -> Result<Vec<(Workspace, Role)>, StoreError> {
        let rows = membership::Entity::find()
            .filter(membership::Column::UserId.eq(user_id))
            .order_by_asc(membership::Column::CreatedAt)
            .find_also_related(workspace::Entity)
            .all(&self.db)
            .await?;
        rows.into_iter()
            .filter_map(|(m, ws)| ws.map(|ws| role_of(&m.role).map(|role| (ws.into(), role))))
            .collect()
    }

    /// The workspace and `user_id`'s role in it, or `None` when they are not a member.
    pub async fn membership(
        &self,
        workspace_id: &str,
        user_id: &str,
    ) -> Result<Option<(Workspace, Role)>, StoreError> {
        let row = membership::Entity::find_by_id((workspace_id.to_owned(), user_id.to_owned()))
            .find_also_related(workspace::Entity)
            .one(&self.db)
            .await?;
        match row {
            Some((m, Some(ws))) => Ok(Some((ws.into(), role_of(&m.role)?))),
            _ => Ok(None),
        }
    }

    pub async fn update_workspace(
        &self,
        workspace_id: &str,
        change: WorkspaceChange,
    ) -> Result<Workspace, StoreError> {
        let work = self.begin_work().await?;
        let updated = self
            .update_workspace_in(&work, workspace_id, change)
            .await?;
        work.commit().await?;
        Ok(updated)
    }

    /// [`Store::update_workspace`] within the caller's unit of work.
    pub async fn update_workspace_in(
        &self,
        work: &Work,
        workspace_id: &str,
        change: WorkspaceChange,
    ) -> Result<Workspace, StoreError> {
        let mut update =
            workspace::Entity::update_many().filter(workspace::Column::Id.eq(workspace_id));
        if let Some(name) = change.name {
            update = update.col_expr(workspace::Column::Name, Expr::value(name));
        }
        if let Some(tz) = change.time_zone {
            update = update.col_expr(workspace::Column::TimeZone, Expr::value(tz));
        }
        update.exec(work.txn()).await?;
        workspace::Entity::find_by_id(workspace_id.to_owned())
            .one(work.txn())
            .await?
            .map(Workspace::from)
            .ok_or(StoreError::NotFound)
    }

    /// Members of a workspace, owners first, then by name.
    pub async fn members(&self, workspace_id: &str) -> Result<Vec<Member>, StoreError> {
        let rows = membership::Entity::find()
            .filter(membership::Column::WorkspaceId.eq(workspace_id))
            .find_also_related(user::Entity)
            .all(&self.db)
            .await?;
        let mut members = rows
            .into_iter()
            .filter_map(|(m, u)| {
                u.map(|u| {
                    role_of(&m.role).map(|role| Member {
                        user: u.into(),
                        role,
                    })
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        members.sort_by(|a, b| (a.role, &a.user.display_name).cmp(&(b.role, &b.user.display_name)));
        Ok(members)
    }

    /// Adds an existing user; a user who is already a member is a [`StoreError::Conflict`].
    pub async fn add_member(
        &self,
        workspace_id: &str,
        user_id: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        self.add_member_in(&work, workspace_id, user_id, role, now)
            .await?;
        work.commit().await
    }

    /// [`Store::add_member`] within the caller's unit of work.
    pub async fn add_member_in(
        &self,
        work: &Work,
        workspace_id: &str,
        user_id: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        insert_membership(work.txn(), workspace_id, user_id, role, now).await
    }

    /// Changes a member's role; demoting the last owner is a [`StoreError::Precondition`].
    pub async fn set_role(
        &self,
        workspace_id: &str,
        user_id: &str,
        role: Role,
    ) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        self.set_role_in(&work, workspace_id, user_id, role).await?;
        work.commit().await
    }

    /// [`Store::set_role`] within the caller's unit of work.
    pub async fn set_role_in(
        &self,
        work: &Work,
        workspace_id: &str,
        user_id: &str,
        role: Role,
    ) -> Result<(), StoreError> {
        let txn = lock_workspace(work, workspace_id).await?;
        let current = current_role(txn, workspace_id, user_id).await?;
        if current == Role::Owner && role != Role::Owner {
            ensure_another_owner(txn, workspace_id).await?;
        }
        membership::Entity::update_many()
            .col_expr(membership::Column::Role, Expr::value(role.as_str()))
            .filter(membership::Column::WorkspaceId.eq(workspace_id))
            .filter(membership::Column::UserId.eq(user_id))
            .exec(txn)
            .await?;
        Ok(())
    }

    /// Removes a member (or lets one leave); removing the last owner is a
    /// [`StoreError::Precondition`].
    pub async fn remove_member(&self, workspace_id: &str, user_id: &str) -> Result<(), StoreError> {
        let work = self.begin_work().await?;
        self.remove_member_in(&work, workspace_id, user_id).await?;
        work.commit().await
    }

    /// [`Store::remove_member`] within the caller's unit of work.
    pub async fn remove_member_in(
        &self,
        work: &Work,
        workspace_id: &str,
        user_id: &str,
    ) -> Result<(), StoreError> {
        let txn = lock_workspace(work, workspace_id).await?;
        if current_role(txn, workspace_id, user_id).await? == Role::Owner {
            ensure_another_owner(txn, workspace_id).await?;
        }
        membership::Entity::delete_by_id((workspace_id.to_owned(), user_id.to_owned()))
            .exec(txn)
            .await?;
        Ok(())
    }
}

async fn insert_membership(
    db: &impl ConnectionTrait,
    workspace_id: &str,
    user_id: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    membership::Entity::insert(membership::ActiveModel {
        workspace_id: Set(workspace_id.to_owned()),
        user_id: Set(user_id.to_owned()),
        role: Set(role.as_str().to_owned()),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Takes the workspace row's write lock in the unit's transaction (a no-op update takes the row
/// lock on PostgreSQL; the unit holds the database's write lock on SQLite) and answers the
/// transaction.
async fn lock_workspace<'w>(
    work: &'w Work,
    workspace_id: &str,
) -> Result<&'w sea_orm::DatabaseTransaction, StoreError> {
    let touched = workspace::Entity::update_many()
        .col_expr(workspace::Column::Name, Expr::col(workspace::Column::Name))
        .filter(workspace::Column::Id.eq(workspace_id))
        .exec(work.txn())
        .await?;
    if touched.rows_affected == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(work.txn())
}

async fn current_role(
    txn: &DatabaseTransaction,
    workspace_id: &str,
    user_id: &str,
) -> Result<Role, StoreError> {
    let m = membership::Entity::find_by_id((workspace_id.to_owned(), user_id.to_owned()))
        .one(txn)
        .await?
        .ok_or(StoreError::NotFound)?;
    role_of(&m.role)
}

async fn ensure_another_owner(
    txn: &DatabaseTransaction,
    workspace_id: &str,
) -> Result<(), StoreError> {
    let owners = membership::Entity::find()
        .filter(membership::Column::WorkspaceId.eq(workspace_id))
        .filter(membership::Column::Role.eq(Role::Owner.as_str()))
        .count(txn)
        .await?;
    if owners > 1 {
        Ok(())
    } else {
        Err(StoreError::Precondition("last owner"))
    }
}

/// Writes a workspace owned by `owner_id`: its row and the owner's membership, in `txn`.
pub(crate) async fn insert_owned(
    txn: &DatabaseTransaction,
    owner_id: &str,
    new: NewWorkspace,
    now: DateTime<Utc>,
) -> Result<Workspace, StoreError> {
    let ws = workspace::ActiveModel {
        id: Set(new_id()),
        name: Set(new.name),
        time_zone: Set(new.time_zone),
        created_at: Set(now),
    };
    let ws = workspace::Entity::insert(ws)
        .exec_with_returning(txn)
        .await?;
    insert_membership(txn, &ws.id, owner_id, Role::Owner, now).await?;
    Ok(ws.into())
}
