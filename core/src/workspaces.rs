//! Workspace use cases. Everything scoped to one workspace is a method of [`Access`] for the
//! permission it needs; see `docs/permissions.md`. Every change clears the profile cache, whose
//! entries list workspaces and roles.

use multitok_shared::Role;
use multitok_store::{Member, NewWorkspace, StoreError, Work, Workspace, WorkspaceChange};

use crate::access::{Access, EditSettings, ManageMembers, View};
use crate::error::CoreError;
use crate::{Caller, Core};

const LAST_OWNER: &str = "a workspace needs an owner: make someone else owner first";

fn member_error(err: StoreError) -> CoreError {
    match err {
        StoreError::NotFound => CoreError::NotFound("member"),
        StoreError::Precondition(_) => CoreError::FailedPrecondition(LAST_OWNER),
        other => other.into(),
    }
}

/// Commits the unit when its change succeeded; a failed change rolls back as the unit drops.
async fn commit_if_ok<T>(work: Work, result: Result<T, CoreError>) -> Result<T, CoreError> {
    let value = result?;
    work.commit().await?;
    Ok(value)
}

impl Core {
    /// Creates a workspace owned by the caller.
    pub async fn create_workspace(
        &self,
        caller: &Caller,
        new: NewWorkspace,
    ) -> Result<Workspace, CoreError> {
        let work = self.store.begin_work().await?;
        let created = self
            .store
            .create_workspace_in(&work, &caller.user_id, new, self.now())
            .await?;
        work.commit().await?;
        self.profiles.clear();
        Ok(created)
    }

    /// The caller's workspaces and roles.
    pub async fn list_workspaces(
        &self,
        caller: &Caller,
    ) -> Result<Vec<(Workspace, Role)>, CoreError> {
        Ok(self.store.workspaces_of(&caller.user_id).await?)
    }
}

impl Access<View> {
    pub async fn members(&self, services: &Core) -> Result<Vec<Member>, CoreError> {
        Ok(services.store.members(&self.workspace.id).await?)
    }

    /// The caller leaves; the last owner cannot.
    pub async fn leave(self, services: &Core) -> Result<(), CoreError> {
        let work = services.store.begin_work().await?;
        let left = services
            .store
            .remove_member_in(&work, &self.workspace.id, &self.user_id)
            .await
            .map_err(member_error);
        let left = commit_if_ok(work, left).await;
        services.profiles.clear();
        left
    }
}

impl Access<EditSettings> {
    pub async fn change(
        &self,
        services: &Core,
        change: WorkspaceChange,
    ) -> Result<Workspace, CoreError> {
        let work = services.store.begin_work().await?;
        let changed = services
            .store
            .update_workspace_in(&work, &self.workspace.id, change)
            .await?;
        work.commit().await?;
        services.profiles.clear();
        Ok(changed)
    }
}

impl Access<ManageMembers> {
    /// Adds a registered user by email with `role`, which the caller must be allowed to grant.
    pub async fn add_member(
        &self,
        services: &Core,
        email: &str,
        role: Role,
    ) -> Result<Member, CoreError> {
        self.ensure_can_grant(role)?;
        let user = services
            .store
            .user_by_email(email)
            .await?
            .ok_or(CoreError::NotFound("user with this email"))?;
        let work = services.store.begin_work().await?;
        match services
            .store
            .add_member_in(&work, &self.workspace.id, &user.id, role, services.now())
            .await
        {
            Err(StoreError::Conflict) => {
                return Err(CoreError::AlreadyExists(
                    "already a member of this workspace",
                ));
            }
            other => other?,
        }
        work.commit().await?;
        services.profiles.clear();
        Ok(Member { user, role })
    }

    /// Changes a member's role; both their current and their new role must be manageable.
    pub async fn change_role(
        &self,
        services: &Core,
        user_id: &str,
        role: Role,
    ) -> Result<Member, CoreError> {
        let target = self.manageable_member(services, user_id).await?;
        self.ensure_can_grant(role)?;
        let work = services.store.begin_work().await?;
        let changed = services
            .store
            .set_role_in(&work, &self.workspace.id, user_id, role)
            .await
            .map_err(member_error);
        let changed = commit_if_ok(work, changed).await;
        services.profiles.clear();
        changed?;
        Ok(Member {
            user: target.user,
            role,
        })
    }

    pub async fn remove_member(&self, services: &Core, user_id: &str) -> Result<(), CoreError> {
        self.manageable_member(services, user_id).await?;
        let work = services.store.begin_work().await?;
        let removed = services
            .store
            .remove_member_in(&work, &self.workspace.id, user_id)
            .await
            .map_err(member_error);
        let removed = commit_if_ok(work, removed).await;
        services.profiles.clear();
        removed
    }

    fn ensure_can_grant(&self, role: Role) -> Result<(), CoreError> {
        if self.role.can_manage(role) {
            Ok(())
        } else {
            Err(CoreError::PermissionDenied(
                "only owners can grant or change the owner role",
            ))
        }
    }

    async fn manageable_member(&self, services: &Core, user_id: &str) -> Result<Member, CoreError> {
        let (_, role) = services
            .store
            .membership(&self.workspace.id, user_id)
            .await?
            .ok_or(CoreError::NotFound("member"))?;
        let user = services
            .store
            .user_by_id(user_id)
            .await?
            .ok_or(CoreError::NotFound("member"))?;
        self.ensure_can_grant(role)?;
        Ok(Member { user, role })
    }
}
