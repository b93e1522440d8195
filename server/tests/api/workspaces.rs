//! Workspace lifecycle: create, rename, time zone, members, last-owner rules, no existence leaks.

use multitok_proto::v1 as pb;
use tonic::Code;

use crate::helpers::{TestApp, authed, unique_email, violated_fields};

#[tokio::test]
async fn create_rename_and_set_time_zone() {
    let app = TestApp::spawn().await;
    let ana = app.register(&unique_email("ana")).await;
    let mut ws = app.workspaces();
    let created = ws
        .create_workspace(authed(
            &ana.access_token,
            pb::CreateWorkspaceRequest {
                name: "Brand".into(),
                time_zone: String::new(),
            },
        ))
        .await
        .expect("create")
        .into_inner()
        .workspace
        .expect("workspace");
    assert_eq!(created.time_zone, "UTC");
    let renamed = ws
        .rename_workspace(authed(
            &ana.access_token,
            pb::RenameWorkspaceRequest {
                workspace_id: created.id.clone(),
                name: " Brand EU ".into(),
            },
        ))
        .await
        .expect("rename")
        .into_inner();
    assert_eq!(renamed.workspace.expect("ws").name, "Brand EU");
    let tz = ws
        .set_time_zone(authed(
            &ana.access_token,
            pb::SetTimeZoneRequest {
                workspace_id: created.id.clone(),
                time_zone: "Europe/Berlin".into(),
            },
        ))
        .await
        .expect("tz")
        .into_inner();
    assert_eq!(tz.workspace.expect("ws").time_zone, "Europe/Berlin");
    let bad = ws
        .set_time_zone(authed(
            &ana.access_token,
            pb::SetTimeZoneRequest {
                workspace_id: created.id.clone(),
                time_zone: "Europe/Atlantis".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&bad), ["time_zone"]);
    let list = ws
        .list_workspaces(authed(&ana.access_token, pb::ListWorkspacesRequest {}))
        .await
        .expect("list")
        .into_inner();
    assert_eq!(list.workspaces.len(), 2);
}

#[tokio::test]
async fn last_owner_cannot_leave_or_be_demoted() {
    let app = TestApp::spawn().await;
    let ana = app.register(&unique_email("ana")).await;
    let mut ws = app.workspaces();
    let id = ana.workspace_id.clone();
    let leave = ws
        .leave_workspace(authed(
            &ana.access_token,
            pb::LeaveWorkspaceRequest {
                workspace_id: id.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(leave.code(), Code::FailedPrecondition);
    let demote = ws
        .change_role(authed(
            &ana.access_token,
            pb::ChangeRoleRequest {
                workspace_id: id.clone(),
                user_id: ana.id.clone(),
                role: pb::Role::Admin.into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(demote.code(), Code::FailedPrecondition);

    // With a second owner, the first may step down.
    let bo = app.register(&unique_email("bo")).await;
    app.add(&ana, &id, &bo, pb::Role::Owner).await;
    ws.change_role(authed(
        &ana.access_token,
        pb::ChangeRoleRequest {
            workspace_id: id.clone(),
            user_id: ana.id.clone(),
            role: pb::Role::Viewer.into(),
        },
    ))
    .await
    .expect("demote self once another owner exists");
    let members = ws
        .list_members(authed(
            &bo.access_token,
            pb::ListMembersRequest { workspace_id: id },
        ))
        .await
        .expect("members");
    let roles: Vec<i32> = members
        .into_inner()
        .members
        .iter()
        .map(|m| m.role)
        .collect();
    assert_eq!(roles, [pb::Role::Owner as i32, pb::Role::Viewer as i32]);
}

#[tokio::test]
async fn admins_cannot_touch_owners() {
    let app = TestApp::spawn().await;
    let owner = app.register(&unique_email("own")).await;
    let admin = app.register(&unique_email("adm")).await;
    app.add(&owner, &owner.workspace_id, &admin, pb::Role::Admin)
        .await;
    let mut ws = app.workspaces();
    let id = owner.workspace_id.clone();
    let remove = ws
        .remove_member(authed(
            &admin.access_token,
            pb::RemoveMemberRequest {
                workspace_id: id.clone(),
                user_id: owner.id.clone(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(remove.code(), Code::PermissionDenied);
    let promote = ws
        .change_role(authed(
            &admin.access_token,
            pb::ChangeRoleRequest {
                workspace_id: id,
                user_id: admin.id.clone(),
                role: pb::Role::Owner.into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(promote.code(), Code::PermissionDenied);
}

#[tokio::test]
async fn adding_an_existing_member_is_refused_and_an_unknown_email_is_invited() {
    let app = TestApp::spawn().await;
    let ana = app.register(&unique_email("ana")).await;
    let bo = app.register(&unique_email("bo")).await;
    app.add(&ana, &ana.workspace_id, &bo, pb::Role::Editor)
        .await;
    let mut ws = app.workspaces();
    let again = ws
        .add_member(authed(
            &ana.access_token,
            pb::AddMemberRequest {
                workspace_id: ana.workspace_id.clone(),
                email: bo.email.clone(),
                role: pb::Role::Viewer.into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(again.code(), Code::AlreadyExists);
    let unknown = ws
        .add_member(authed(
            &ana.access_token,
            pb::AddMemberRequest {
                workspace_id: ana.workspace_id.clone(),
                email: unique_email("ghost"),
                role: pb::Role::Viewer.into(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(unknown.member.is_none());
    assert_eq!(unknown.invitation.unwrap().role, pb::Role::Viewer as i32);
}

#[tokio::test]
async fn ids_from_other_workspaces_answer_not_found_like_missing_ones() {
    let app = TestApp::spawn().await;
    let ana = app.register(&unique_email("ana")).await;
    let eve = app.register(&unique_email("eve")).await;
    let mut ws = app.workspaces();
    let foreign = ws
        .get_workspace(authed(
            &eve.access_token,
            pb::GetWorkspaceRequest {
                workspace_id: ana.workspace_id.clone(),
            },
        ))
        .await
        .unwrap_err();
    let missing = ws
        .get_workspace(authed(
            &eve.access_token,
            pb::GetWorkspaceRequest {
                workspace_id: uuid::Uuid::new_v4().to_string(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(foreign.code(), Code::NotFound);
    assert_eq!(
        (foreign.code(), foreign.message()),
        (missing.code(), missing.message())
    );
    let rename = ws
        .rename_workspace(authed(
            &eve.access_token,
            pb::RenameWorkspaceRequest {
                workspace_id: ana.workspace_id.clone(),
                name: "mine".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(rename.code(), Code::NotFound);
    let members = ws
        .list_members(authed(
            &eve.access_token,
            pb::ListMembersRequest {
                workspace_id: ana.workspace_id,
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(members.code(), Code::NotFound);
}

#[tokio::test]
async fn me_reflects_membership_and_name_changes_at_once() {
    let app = TestApp::spawn().await;
    let ana = app.register(&unique_email("ana")).await;
    let bo = app.register(&unique_email("bo")).await;
    let me = |token: String| {
        let mut auth = app.auth();
        async move {
            auth.me(authed(&token, pb::MeRequest {}))
                .await
                .unwrap()
                .into_inner()
        }
    };
    assert_eq!(me(bo.access_token.clone()).await.workspaces.len(), 1);
    app.add(&ana, &ana.workspace_id, &bo, pb::Role::Editor)
        .await;
    assert_eq!(
        me(bo.access_token.clone()).await.workspaces.len(),
        2,
        "a cached profile must not hide the new workspace"
    );
    app.workspaces()
        .rename_workspace(authed(
            &ana.access_token,
            pb::RenameWorkspaceRequest {
                workspace_id: ana.workspace_id.clone(),
                name: "Renamed".into(),
            },
        ))
        .await
        .unwrap();
    let names: Vec<String> = me(bo.access_token.clone())
        .await
        .workspaces
        .into_iter()
        .filter_map(|m| m.workspace.map(|w| w.name))
        .collect();
    assert!(names.contains(&"Renamed".to_owned()), "{names:?}");
    app.workspaces()
        .remove_member(authed(
            &ana.access_token,
            pb::RemoveMemberRequest {
                workspace_id: ana.workspace_id.clone(),
                user_id: bo.id.clone(),
            },
        ))
        .await
        .unwrap();
    assert_eq!(me(bo.access_token).await.workspaces.len(), 1);
}
