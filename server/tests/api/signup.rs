//! Sign-up policy: `closed` refuses every registration, `invite` needs a single-use invitation
//! that `AddMember` creates for an email without an account, and sign-ups are throttled per
//! client address.

use multitok_core::config::RegistrationPolicy;
use multitok_proto::v1 as pb;
use multitok_store::Store;
use tonic::Code;

use crate::helpers::{PASSWORD, TestApp, authed, unique_email};

fn request(email: &str, invitation: &str) -> pb::RegisterRequest {
    pb::RegisterRequest {
        email: email.into(),
        password: PASSWORD.into(),
        display_name: "Someone".into(),
        invitation: invitation.into(),
    }
}

async fn policy(app: &TestApp, invitation: &str) -> pb::GetSignUpPolicyResponse {
    app.auth()
        .get_sign_up_policy(pb::GetSignUpPolicyRequest {
            invitation: invitation.into(),
        })
        .await
        .unwrap()
        .into_inner()
}

/// An owner created as the operator would, since nobody may register freely.
async fn operator_made_owner(app: &TestApp) -> (String, String) {
    app.auth()
        .get_sign_up_policy(pb::GetSignUpPolicyRequest::default())
        .await
        .unwrap();
    let store = Store::connect(&app.database_url, 1).await.unwrap();
    let email = unique_email("owner");
    multitok_server::admin::create_user(
        &store,
        &email,
        Some(PASSWORD.into()),
        Some("Agency".into()),
    )
    .await
    .unwrap();
    let session = app.login(&email, PASSWORD).await.unwrap().session.unwrap();
    let me = app
        .auth()
        .me(authed(&session.access_token, pb::MeRequest {}))
        .await
        .unwrap()
        .into_inner();
    (
        session.access_token,
        me.workspaces[0].workspace.as_ref().unwrap().id.clone(),
    )
}

#[tokio::test]
async fn a_closed_server_refuses_every_registration_and_invites_nobody() {
    let app = TestApp::spawn_with(|s| s.auth.registration = RegistrationPolicy::Closed).await;
    assert_eq!(
        policy(&app, "").await.registration,
        pb::Registration::Closed as i32
    );
    let err = app
        .auth()
        .register(request(&unique_email("x"), ""))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    assert!(err.message().contains("closed"), "{}", err.message());
    let (token, ws) = operator_made_owner(&app).await;
    let add = pb::AddMemberRequest {
        workspace_id: ws,
        email: unique_email("new"),
        role: pb::Role::Editor as i32,
    };
    let err = app
        .workspaces()
        .add_member(authed(&token, add))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
}

#[tokio::test]
async fn an_invitation_lets_one_person_in_once_with_the_invited_role() {
    let app = TestApp::spawn_with(|s| s.auth.registration = RegistrationPolicy::Invite).await;
    let err = app
        .auth()
        .register(request(&unique_email("x"), ""))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    assert!(err.message().contains("invitation"), "{}", err.message());

    let (token, ws) = operator_made_owner(&app).await;
    let invitee = unique_email("invitee");
    let add = pb::AddMemberRequest {
        workspace_id: ws.clone(),
        email: invitee.clone(),
        role: pb::Role::Editor as i32,
    };
    let added = app
        .workspaces()
        .add_member(authed(&token, add))
        .await
        .unwrap()
        .into_inner();
    assert!(added.member.is_none());
    let invitation = added.invitation.unwrap();
    assert!(invitation.token.starts_with("mti_") && invitation.expires_at.is_some());

    let seen = policy(&app, &invitation.token).await;
    assert_eq!(seen.registration, pb::Registration::Invite as i32);
    let summary = seen.invitation.unwrap();
    assert_eq!(
        (summary.email.as_str(), summary.workspace_name.as_str()),
        (invitee.as_str(), "Agency")
    );
    assert!(
        policy(&app, "mti_not-a-real-one")
            .await
            .invitation
            .is_none()
    );

    let err = app
        .auth()
        .register(request(&unique_email("other"), &invitation.token))
        .await
        .unwrap_err();
    assert!(err.message().contains("another email"), "{}", err.message());
    app.auth()
        .register(request(&invitee, &invitation.token))
        .await
        .unwrap();
    let again = app
        .auth()
        .register(request(
            &invitee.replace("invitee", "twice"),
            &invitation.token,
        ))
        .await;
    assert_eq!(again.unwrap_err().code(), Code::PermissionDenied);

    let members = app
        .workspaces()
        .list_members(authed(&token, pb::ListMembersRequest { workspace_id: ws }))
        .await
        .unwrap()
        .into_inner()
        .members;
    let joined = members
        .iter()
        .find(|m| m.user.as_ref().unwrap().email == invitee)
        .unwrap();
    assert_eq!(joined.role, pb::Role::Editor as i32);
}

#[tokio::test]
async fn sign_ups_from_one_address_are_throttled() {
    let app = TestApp::spawn_with(|s| s.auth.signups_per_address_per_hour = 2).await;
    for _ in 0..2 {
        app.auth()
            .register(request(&unique_email("flood"), ""))
            .await
            .unwrap();
    }
    let err = app
        .auth()
        .register(request(&unique_email("flood"), ""))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::ResourceExhausted);
    assert_eq!(
        policy(&app, "").await.registration,
        pb::Registration::Open as i32
    );
}
