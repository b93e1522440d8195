//! Bad input of every kind answers `InvalidArgument` with the offending fields named.

use multitok_proto::v1 as pb;

use crate::helpers::{TestApp, authed, unique_email, violated_fields};

#[tokio::test]
async fn registration_rejects_each_bad_field() {
    let app = TestApp::spawn().await;
    let cases: &[(&str, &str, &str, &[&str])] = &[
        ("", "", "", &["email", "password", "display_name"]),
        ("not-an-email", "long enough password", "Ana", &["email"]),
        ("ana@example.com", "short", "Ana", &["password"]),
        ("ana@example.com", &"x".repeat(129), "Ana", &["password"]),
        (
            "ana@example.com",
            "long enough password",
            &"n".repeat(81),
            &["display_name"],
        ),
        (
            "ana@example.com",
            "long enough password",
            "bidi\u{202e}trick",
            &["display_name"],
        ),
        (
            "ana@example.com",
            "long enough password",
            "nul\0byte",
            &["display_name"],
        ),
        (
            "ünïcode@exämple.com",
            "long enough password",
            "Ana",
            &["email"],
        ),
        (
            &format!("{}@example.com", "a".repeat(300)),
            "long enough password",
            "Ana",
            &["email"],
        ),
    ];
    for (email, password, name, fields) in cases {
        let err = app
            .auth()
            .register(pb::RegisterRequest {
                email: (*email).into(),
                password: (*password).into(),
                display_name: (*name).into(),
                invitation: String::new(),
            })
            .await
            .unwrap_err();
        assert_eq!(violated_fields(&err), *fields, "for {email:?} / {name:?}");
    }
}

#[tokio::test]
async fn workspace_calls_reject_malformed_ids_and_unknown_roles() {
    let app = TestApp::spawn().await;
    let ana = app.register(&unique_email("ana")).await;
    let mut ws = app.workspaces();
    let t = &ana.access_token;
    let err = ws
        .get_workspace(authed(
            t,
            pb::GetWorkspaceRequest {
                workspace_id: "../etc/passwd".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["workspace_id"]);
    let err = ws
        .add_member(authed(
            t,
            pb::AddMemberRequest {
                workspace_id: ana.workspace_id.clone(),
                email: "x".into(),
                role: 99,
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["email"]);
    let err = ws
        .change_role(authed(
            t,
            pb::ChangeRoleRequest {
                workspace_id: ana.workspace_id.clone(),
                user_id: ana.id.clone(),
                role: 99,
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["role"]);
    let err = ws
        .change_role(authed(
            t,
            pb::ChangeRoleRequest {
                workspace_id: String::new(),
                user_id: "nope".into(),
                role: 0,
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["workspace_id", "user_id", "role"]);
    let err = ws
        .create_workspace(authed(
            t,
            pb::CreateWorkspaceRequest {
                name: "\u{200b}".into(),
                time_zone: "Nowhere/Land".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["name", "time_zone"]);
    let err = ws
        .rename_workspace(authed(
            t,
            pb::RenameWorkspaceRequest {
                workspace_id: ana.workspace_id.clone(),
                name: "x".repeat(10_000),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["name"]);
}

#[tokio::test]
async fn api_token_requests_are_validated() {
    let app = TestApp::spawn().await;
    let ana = app.register(&unique_email("ana")).await;
    let err = app
        .auth()
        .create_api_token(authed(
            &ana.access_token,
            pb::CreateApiTokenRequest {
                name: String::new(),
                expires_in_days: 0,
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["name", "expires_in_days"]);
    let err = app
        .auth()
        .revoke_api_token(authed(
            &ana.access_token,
            pb::RevokeApiTokenRequest {
                id: "1 OR 1=1".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["id"]);
}

#[tokio::test]
async fn dates_at_the_edge_of_the_calendar_are_refused_by_field() {
    use multitok_proto::v1::analytics_service_client::AnalyticsServiceClient;
    use multitok_proto::v1::scheduling_service_client::SchedulingServiceClient;
    let app = TestApp::spawn().await;
    let ana = app.register(&unique_email("ana")).await;
    let t = &ana.access_token;
    let err = AnalyticsServiceClient::new(app.channel.clone())
        .get_best_times(authed(
            t,
            pb::GetBestTimesRequest {
                workspace_id: ana.workspace_id.clone(),
                account_id: String::new(),
                range: Some(pb::DateRange {
                    from: "+262142-12-30".into(),
                    to: "+262142-12-31".into(),
                }),
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["range.from", "range.to"]);
    let err = SchedulingServiceClient::new(app.channel.clone())
        .suggest_slots(authed(
            t,
            pb::SuggestSlotsRequest {
                workspace_id: ana.workspace_id.clone(),
                account_ids: vec![uuid::Uuid::new_v4().to_string(); 3],
                from: Some(prost_types::Timestamp {
                    seconds: 8_210_298_412_799,
                    nanos: 0,
                }),
                count: 1,
                step_minutes: 0,
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["from"]);
}
