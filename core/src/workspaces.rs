//! Workspace use cases. Everything scoped to one workspace is a method of [`Access`] for the
//! permission it needs; see `docs/permissions.md`. Every change clears the profile cache, whose
//! entries list workspaces and roles.

use multitok_shared::Role;
use multitok_store::{Member, NewWorkspace, StoreError, Work, Workspace, WorkspaceChange};

use multitok_store::invitations::NewInvitation;

use crate::access::{Access, EditSettings, ManageMembers, View};
use crate::config::RegistrationPolicy;
use crate::crypto::{new_secret, secret_hash};
use crate::error::CoreError;
use crate::{Caller, Core};

/// How long an invitation link works.
pub const INVITATION_LIFETIME: chrono::TimeDelta = chrono::TimeDelta::days(7);

/// What adding a member did.
#[derive(Debug)]
pub enum Added {
    /// The email belongs to a user, now a member.
    Member(Member),
    /// The email has no account: an invitation was created.
    Invited(Invited),
}

/// A fresh invitation; `token` is shown once and only its hash is stored.
#[derive(Debug)]
pub struct Invited {
    pub email: String,
    pub role: Role,
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

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
    pub async fn members(&self, core: &Core) -> Result<Vec<Member>, CoreError> {
        Ok(core.store.members(&self.workspace.id).await?)
    }

    /// The caller leaves; the last owner cannot.
    pub async fn leave(self, core: &Core) -> Result<(), CoreError> {
        let work = core.store.begin_work().await?;
        let left = core
            .store
            .remove_member_in(&work, &self.workspace.id, &self.user_id)
            .await
            .map_err(member_error);
        let left = commit_if_ok(work, left).await;
        core.profiles.clear();
        left
    }
}

impl Access<EditSettings> {
    pub async fn change(
        &self,
        core: &Core,
        change: WorkspaceChange,
    ) -> Result<Workspace, CoreError> {
        let work = core.store.begin_work().await?;
        let changed = core
            .store
            .update_workspace_in(&work, &self.workspace.id, change)
            .await?;
        work.commit().await?;
        core.profiles.clear();
        Ok(changed)
    }
}

impl Access<ManageMembers> {
    /// Adds a registered user by email with `role`, which the caller must be allowed to grant.
    /// An email without an account gets a single-use invitation instead, unless registration
    /// is closed.
    pub async fn add_member(
        &self,
        core: &Core,
        email: &str,
        role: Role,
    ) -> Result<Added, CoreError> {
        self.ensure_can_grant(role)?;
        let Some(user) = core.store.user_by_email(email).await? else {
            return self.invite(core, email, role).await;
        };
        let work = core.store.begin_work().await?;
        match core
            .store
            .add_member_in(&work, &self.workspace.id, &user.id, role, core.now())
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
        core.profiles.clear();
        Ok(Added::Member(Member { user, role }))
    }

    async fn invite(&self, core: &Core, email: &str, role: Role) -> Result<Added, CoreError> {
        if core.registration == RegistrationPolicy::Closed {
            return Err(CoreError::NotFound("user with this email"));
        }
        let token = new_secret("mti_");
        let expires_at = core.now() + INVITATION_LIFETIME;
        let new = NewInvitation {
            workspace_id: self.workspace.id.clone(),
            email: email.to_owned(),
            role,
            token_hash: secret_hash(&token),
            invited_by: self.user_id.clone(),
            expires_at,
        };
        let work = core.store.begin_work().await?;
        core.store
            .insert_invitation_in(&work, new, core.now())
            .await?;
        work.commit().await?;
        Ok(Added::Invited(Invited {
            email: email.to_owned(),
            role,
            token,
            expires_at,
        }))
    }

    /// Changes a member's role; both their current and their new role must be manageable.
    pub async fn change_role(
        &self,
        core: &Core,
        user_id: &str,
        role: Role,
    ) -> Result<Member, CoreError> {
        let target = self.manageable_member(core, user_id).await?;
        self.ensure_can_grant(role)?;
        let work = core.store.begin_work().await?;
        let changed = core
            .store
            .set_role_in(&work, &self.workspace.id, user_id, role)
            .await
            .map_err(member_error);
        let changed = commit_if_ok(work, changed).await;
        core.profiles.clear();
        changed?;
        Ok(Member {
            user: target.user,
            role,
        })
    }

    pub async fn remove_member(&self, core: &Core, user_id: &str) -> Result<(), CoreError> {
        self.manageable_member(core, user_id).await?;
        let work = core.store.begin_work().await?;
        let removed = core
            .store
            .remove_member_in(&work, &self.workspace.id, user_id)
            .await
            .map_err(member_error);
        let removed = commit_if_ok(work, removed).await;
        core.profiles.clear();
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

    async fn manageable_member(&self, core: &Core, user_id: &str) -> Result<Member, CoreError> {
        let (_, role) = core
            .store
            .membership(&self.workspace.id, user_id)
            .await?
            .ok_or(CoreError::NotFound("member"))?;
        let user = core
            .store
            .user_by_id(user_id)
            .await?
            .ok_or(CoreError::NotFound("member"))?;
        self.ensure_can_grant(role)?;
        Ok(Member { user, role })
    }
}
