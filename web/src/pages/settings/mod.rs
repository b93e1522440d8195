//! Settings: the selected workspace (name, time zone), its members and roles, new workspaces,
//! the user's personal API tokens, and this browser's colour theme.

mod appearance;
mod members;
mod tokens;
mod workspace;

use multitok_proto::v1 as pb;
use yew::prelude::*;

use crate::hooks::use_session;

#[function_component(Settings)]
pub fn settings() -> Html {
    let session = use_session();
    let Some(membership) = session.workspace() else {
        return html! { <p>{ "No workspace." }</p> };
    };
    let workspace = membership.workspace.clone().unwrap_or_default();
    let role = pb::Role::try_from(membership.role).unwrap_or(pb::Role::Viewer);
    html! {
        <>
            <h1>{ "Settings" }</h1>
            <workspace::WorkspaceSettings workspace={workspace.clone()} {role} />
            <members::Members workspace_id={workspace.id.clone()} {role} />
            <workspace::NewWorkspace />
            <tokens::ApiTokens />
            <appearance::Appearance />
        </>
    }
}

/// Whether a role may edit settings and manage members (see docs/permissions.md).
fn manages(role: pb::Role) -> bool {
    matches!(role, pb::Role::Owner | pb::Role::Admin)
}

/// A human label for a role.
fn role_label(role: i32) -> &'static str {
    match pb::Role::try_from(role) {
        Ok(pb::Role::Owner) => "Owner",
        Ok(pb::Role::Admin) => "Admin",
        Ok(pb::Role::Editor) => "Editor",
        Ok(pb::Role::Viewer) => "Viewer",
        _ => "Unknown",
    }
}
