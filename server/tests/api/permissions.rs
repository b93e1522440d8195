//! The permission matrix: every workspace-scoped WorkspaceService call, for every role and for a
//! non-member, against a fresh workspace each time.

use multitok_proto::v1 as pb;
use tonic::{Code, Status};

use crate::helpers::{TestApp, TestUser, authed, unique_email};

#[derive(Debug, Clone, Copy)]
enum Call {
    Get,
    ListMembers,
    Rename,
    SetTimeZone,
    AddMember,
    ChangeRole,
    RemoveMember,
    Leave,
}

const OK: Code = Code::Ok;
const DENIED: Code = Code::PermissionDenied;

/// Expected code per call for: owner, admin, editor, viewer, non-member.
const MATRIX: &[(Call, [Code; 5])] = &[
    (Call::Get, [OK, OK, OK, OK, Code::NotFound]),
    (Call::ListMembers, [OK, OK, OK, OK, Code::NotFound]),
    (Call::Rename, [OK, OK, DENIED, DENIED, Code::NotFound]),
    (Call::SetTimeZone, [OK, OK, DENIED, DENIED, Code::NotFound]),
    (Call::AddMember, [OK, OK, DENIED, DENIED, Code::NotFound]),
    (Call::ChangeRole, [OK, OK, DENIED, DENIED, Code::NotFound]),
    (Call::RemoveMember, [OK, OK, DENIED, DENIED, Code::NotFound]),
    (Call::Leave, [OK, OK, OK, OK, Code::NotFound]),
];

const ROLES: [Option<pb::Role>; 5] = [
    Some(pb::Role::Owner),
    Some(pb::Role::Admin),
    Some(pb::Role::Editor),
    Some(pb::Role::Viewer),
    None,
];

async fn call(
    app: &TestApp,
    who: &TestUser,
    ws: &str,
    call: Call,
    target: &TestUser,
    newcomer: &TestUser,
) -> Result<(), Status> {
    let mut client = app.workspaces();
    let t = who.access_token.as_str();
    let id = ws.to_owned();
    match call {
        Call::Get => client
            .get_workspace(authed(t, pb::GetWorkspaceRequest { workspace_id: id }))
            .await
            .map(drop),
        Call::ListMembers => client
            .list_members(authed(t, pb::ListMembersRequest { workspace_id: id }))
            .await
            .map(drop),
        Call::Rename => client
            .rename_workspace(authed(
                t,
                pb::RenameWorkspaceRequest {
                    workspace_id: id,
                    name: "New".into(),
                },
            ))
            .await
            .map(drop),
        Call::SetTimeZone => client
            .set_time_zone(authed(
                t,
                pb::SetTimeZoneRequest {
                    workspace_id: id,
                    time_zone: "Asia/Tokyo".into(),
                },
            ))
            .await
            .map(drop),
        Call::AddMember => client
            .add_member(authed(
                t,
                pb::AddMemberRequest {
                    workspace_id: id,
                    email: newcomer.email.clone(),
                    role: pb::Role::Viewer.into(),
                },
            ))
            .await
            .map(drop),
        Call::ChangeRole => client
            .change_role(authed(
                t,
                pb::ChangeRoleRequest {
                    workspace_id: id,
                    user_id: target.id.clone(),
                    role: pb::Role::Viewer.into(),
                },
            ))
            .await
            .map(drop),
        Call::RemoveMember => client
            .remove_member(authed(
                t,
                pb::RemoveMemberRequest {
                    workspace_id: id,
                    user_id: target.id.clone(),
                },
            ))
            .await
            .map(drop),
        Call::Leave => client
            .leave_workspace(authed(t, pb::LeaveWorkspaceRequest { workspace_id: id }))
            .await
            .map(drop),
    }
}

#[tokio::test]
async fn permission_matrix_over_every_workspace_call_and_role() {
    let app = TestApp::spawn().await;
    let founder = app.register(&unique_email("founder")).await;
    let target = app.register(&unique_email("target")).await;
    let mut failures = Vec::new();
    for (row, expected) in MATRIX {
        for (role, want) in ROLES.iter().zip(expected) {
            // A fresh workspace per cell: founder owns it, the target is an editor.
            let ws = app
                .workspaces()
                .create_workspace(authed(
                    &founder.access_token,
                    pb::CreateWorkspaceRequest {
                        name: "Matrix".into(),
                        time_zone: String::new(),
                    },
                ))
                .await
                .expect("create")
                .into_inner()
                .workspace
                .expect("ws")
                .id;
            app.add(&founder, &ws, &target, pb::Role::Editor).await;
            let actor = app.register(&unique_email("actor")).await;
            if let Some(role) = role {
                app.add(&founder, &ws, &actor, *role).await;
            }
            let newcomer = app.register(&unique_email("new")).await;
            let got = call(&app, &actor, &ws, *row, &target, &newcomer)
                .await
                .map_or_else(|s| s.code(), |()| Code::Ok);
            if got != *want {
                failures.push(format!(
                    "{row:?} as {role:?}: expected {want:?}, got {got:?}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "permission matrix mismatches:\n{}",
        failures.join("\n")
    );
}
