//! Register, login, refresh rotation with reuse detection, logout, throttling, API tokens.

use multitok_proto::v1 as pb;
use tonic::Code;
use tonic_types::StatusExt;

use crate::helpers::{PASSWORD, TestApp, authed, unique_email};

#[tokio::test]
async fn register_then_login_then_me() {
    let app = TestApp::spawn().await;
    let email = unique_email("ana");
    let user = app.register(&email).await;
    let login = app.login(&email, PASSWORD).await.expect("login");
    let token = login.session.expect("session").access_token;
    let me = app
        .auth()
        .me(authed(&token, pb::MeRequest {}))
        .await
        .expect("me")
        .into_inner();
    assert_eq!(me.user.expect("user").id, user.id);
    assert_eq!(
        me.workspaces.len(),
        1,
        "registering creates a personal workspace"
    );
    assert_eq!(me.workspaces[0].role, pb::Role::Owner as i32);
    app.stop().await;
}

#[tokio::test]
async fn duplicate_email_is_already_exists() {
    let app = TestApp::spawn().await;
    let email = unique_email("dup");
    app.register(&email).await;
    let err = app
        .auth()
        .register(pb::RegisterRequest {
            email: email.to_uppercase(),
            password: PASSWORD.into(),
            display_name: "Twin".into(),
            invitation: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::AlreadyExists);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_answer_the_same() {
    let app = TestApp::spawn().await;
    let email = unique_email("bo");
    app.register(&email).await;
    let wrong = app.login(&email, "not the password").await.unwrap_err();
    let unknown = app
        .login(&unique_email("nobody"), "not the password")
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), Code::Unauthenticated);
    assert_eq!(unknown.code(), Code::Unauthenticated);
    assert_eq!(wrong.message(), unknown.message());
}

#[tokio::test]
async fn me_without_or_with_bad_token_is_unauthenticated() {
    let app = TestApp::spawn().await;
    let none = app.auth().me(pb::MeRequest {}).await.unwrap_err();
    assert_eq!(none.code(), Code::Unauthenticated);
    let forged = app
        .auth()
        .me(authed("eyJhbGciOiJIUzI1NiJ9.e30.x", pb::MeRequest {}))
        .await
        .unwrap_err();
    assert_eq!(forged.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    // No grace: any second use of a spent token counts as theft.
    let app = TestApp::spawn_with(|s| s.auth.refresh_reuse_grace_seconds = 0).await;
    let user = app.register(&unique_email("cy")).await;
    let refresh = |token: String| {
        let mut auth = app.auth();
        async move {
            auth.refresh(pb::RefreshRequest {
                refresh_token: token,
            })
            .await
            .map(|r| r.into_inner())
        }
    };
    let first = refresh(user.refresh_token.clone())
        .await
        .expect("first refresh")
        .session
        .expect("session");
    assert_ne!(first.refresh_token, user.refresh_token, "rotated");
    assert!(!first.access_token.is_empty());

    // The spent token is presented again: theft is assumed and the whole family dies.
    let reuse = refresh(user.refresh_token.clone()).await.unwrap_err();
    assert_eq!(reuse.code(), Code::Unauthenticated);
    let successor = refresh(first.refresh_token.clone()).await.unwrap_err();
    assert_eq!(
        successor.code(),
        Code::Unauthenticated,
        "the successor was revoked with its family"
    );
}

#[tokio::test]
async fn two_tabs_refreshing_together_both_keep_a_session() {
    let app = TestApp::spawn().await;
    let user = app.register(&unique_email("tabs")).await;
    let refresh = |token: String| {
        let mut auth = app.auth();
        async move {
            auth.refresh(pb::RefreshRequest {
                refresh_token: token,
            })
            .await
            .map(|r| r.into_inner().session.expect("session"))
        }
    };
    let (a, b) = tokio::join!(
        refresh(user.refresh_token.clone()),
        refresh(user.refresh_token.clone())
    );
    let (a, b) = (a.expect("first tab"), b.expect("second tab"));
    assert_ne!(
        a.refresh_token, b.refresh_token,
        "each tab has its own successor"
    );
    for next in [a.refresh_token, b.refresh_token] {
        refresh(next).await.expect("each successor still works");
    }
}

#[tokio::test]
async fn unknown_refresh_tokens_write_nothing_and_refreshes_are_throttled() {
    let app = TestApp::spawn_with(|s| s.auth.refresh_per_address_per_minute = 3).await;
    let user = app.register(&unique_email("rt")).await;
    let store = multitok_store::Store::connect(&app.database_url, 1)
        .await
        .unwrap();
    let before = store.row_counts().await.unwrap();
    let mut auth = app.auth();
    let unknown = auth
        .refresh(pb::RefreshRequest {
            refresh_token: "mtr_not-a-token".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::Unauthenticated);
    assert_eq!(store.row_counts().await.unwrap(), before);
    let mut token = user.refresh_token;
    for _ in 0..2 {
        token = auth
            .refresh(pb::RefreshRequest {
                refresh_token: token,
            })
            .await
            .expect("within the limit")
            .into_inner()
            .session
            .unwrap()
            .refresh_token;
    }
    let throttled = auth
        .refresh(pb::RefreshRequest {
            refresh_token: token,
        })
        .await
        .unwrap_err();
    assert_eq!(throttled.code(), Code::ResourceExhausted);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let user = app.register(&unique_email("di")).await;
    app.auth()
        .logout(pb::LogoutRequest {
            refresh_token: user.refresh_token.clone(),
        })
        .await
        .expect("logout");
    let err = app
        .auth()
        .refresh(pb::RefreshRequest {
            refresh_token: user.refresh_token,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
}

#[tokio::test]
async fn login_is_throttled_per_email_with_a_retry_delay() {
    let app = TestApp::spawn_with(|s| s.auth.login_per_email_per_minute = 3).await;
    let email = unique_email("eve");
    app.register(&email).await;
    for _ in 0..3 {
        assert_eq!(
            app.login(&email, "wrong password!")
                .await
                .unwrap_err()
                .code(),
            Code::Unauthenticated
        );
    }
    let throttled = app.login(&email, PASSWORD).await.unwrap_err();
    assert_eq!(throttled.code(), Code::ResourceExhausted);
    let delay = throttled
        .get_error_details()
        .retry_info()
        .and_then(|r| r.retry_delay)
        .expect("retry delay");
    assert!(
        delay.as_secs_f64() > 0.0 && delay.as_secs() <= 20,
        "{delay:?}"
    );
    assert!(
        app.login(&unique_email("other"), "wrong password!")
            .await
            .unwrap_err()
            .code()
            == Code::Unauthenticated
    );
}

#[tokio::test]
async fn login_is_throttled_per_client_address() {
    let app = TestApp::spawn_with(|s| s.auth.login_per_address_per_minute = 4).await;
    for i in 0..4 {
        let _ = app
            .login(&format!("nobody{i}@example.com"), "whatever pw")
            .await;
    }
    let err = app
        .login("nobody9@example.com", "whatever pw")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::ResourceExhausted);
}

#[tokio::test]
async fn api_token_is_shown_once_accepted_and_revocable() {
    let app = TestApp::spawn().await;
    let user = app.register(&unique_email("fay")).await;
    let created = app
        .auth()
        .create_api_token(authed(
            &user.access_token,
            pb::CreateApiTokenRequest {
                name: "ci".into(),
                expires_in_days: 30,
            },
        ))
        .await
        .expect("create")
        .into_inner();
    assert!(created.secret.starts_with("mtk_"));
    let me = app
        .auth()
        .me(authed(&created.secret, pb::MeRequest {}))
        .await
        .expect("api token accepted");
    assert_eq!(me.into_inner().user.expect("user").id, user.id);

    let listed = app
        .auth()
        .list_api_tokens(authed(&user.access_token, pb::ListApiTokensRequest {}))
        .await
        .expect("list");
    let tokens = listed.into_inner().tokens;
    assert_eq!(tokens.len(), 1);
    assert!(created.secret.starts_with(&tokens[0].prefix));
    assert!(tokens[0].last_used_at.is_some(), "use is recorded");

    let id = created.token.expect("token").id;
    app.auth()
        .revoke_api_token(authed(
            &user.access_token,
            pb::RevokeApiTokenRequest { id: id.clone() },
        ))
        .await
        .expect("revoke");
    let err = app
        .auth()
        .me(authed(&created.secret, pb::MeRequest {}))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
    let again = app
        .auth()
        .revoke_api_token(authed(&user.access_token, pb::RevokeApiTokenRequest { id }))
        .await
        .unwrap_err();
    assert_eq!(again.code(), Code::NotFound);
}

#[tokio::test]
async fn someone_elses_api_token_cannot_be_revoked() {
    let app = TestApp::spawn().await;
    let owner = app.register(&unique_email("gus")).await;
    let other = app.register(&unique_email("hal")).await;
    let created = app
        .auth()
        .create_api_token(authed(
            &owner.access_token,
            pb::CreateApiTokenRequest {
                name: "mine".into(),
                expires_in_days: 1,
            },
        ))
        .await
        .expect("create")
        .into_inner();
    let id = created.token.expect("token").id;
    let err = app
        .auth()
        .revoke_api_token(authed(
            &other.access_token,
            pb::RevokeApiTokenRequest { id },
        ))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);
    app.auth()
        .me(authed(&created.secret, pb::MeRequest {}))
        .await
        .expect("still valid");
}
