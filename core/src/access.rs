//! Workspace permissions as types. A membership check yields an [`Access<P>`] for one permission
//! `P`; operations that need `P` exist only as methods of `Access<P>`, so a handler cannot reach
//! them without passing the check. Non-members learn nothing: the workspace is "not found".

use std::marker::PhantomData;

use multitok_shared::{Action, Role};
use multitok_store::Workspace;

use crate::error::CoreError;
use crate::{Caller, Core};

/// A permission that [`Access`] can carry.
pub trait Permission {
    const ACTION: Action;
}

macro_rules! permission {
    ($name:ident, $action:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy)]
        pub struct $name;
        impl Permission for $name {
            const ACTION: Action = Action::$action;
        }
    };
}

permission!(View, ViewWorkspace, "See the workspace and its members.");
permission!(
    EditSettings,
    EditSettings,
    "Rename the workspace, change its time zone."
);
permission!(
    ManageMembers,
    ManageMembers,
    "Add, re-role and remove members."
);
permission!(
    ManageAccounts,
    ManageAccounts,
    "Connect and disconnect TikTok accounts."
);
permission!(
    EditContent,
    EditContent,
    "Upload media, compose and schedule posts, sync accounts."
);

/// Proof that `user_id` is a member of `workspace` whose role allows `P`.
#[derive(Debug)]
pub struct Access<P> {
    pub workspace: Workspace,
    pub role: Role,
    pub user_id: String,
    _permission: PhantomData<P>,
}

impl Core {
    /// Checks the caller's membership and role for permission `P`.
    pub async fn authorize<P: Permission>(
        &self,
        caller: &Caller,
        workspace_id: &str,
    ) -> Result<Access<P>, CoreError> {
        // The call's span (when the edge opened one) names the workspace from here on.
        tracing::Span::current().record("workspace", workspace_id);
        let (workspace, role) = self
            .store
            .membership(workspace_id, &caller.user_id)
            .await?
            .ok_or(CoreError::NotFound("workspace"))?;
        if !role.allows(P::ACTION) {
            return Err(CoreError::PermissionDenied(
                "your role in this workspace does not allow this",
            ));
        }
        Ok(Access {
            workspace,
            role,
            user_id: caller.user_id.clone(),
            _permission: PhantomData,
        })
    }
}
