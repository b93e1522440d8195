//! `multitok-server admin …` through the real binary against a running server's database:
//! create the first user, list, end sessions, reset a password, disable and enable.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use multitok_proto::v1 as pb;
use tonic::Code;

use crate::helpers::{PASSWORD, TestApp, authed, unique_email};

/// Runs `multitok-server admin ARGS` on the app's database, with `stdin` as standard input.
async fn admin(app: &TestApp, args: &[&str], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_multitok-server"));
    cmd.arg("admin").args(args);
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("MULTITOK_")) {
        cmd.env_remove(name);
    }
    let mut child = cmd
        .env("MULTITOK_DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap()
}

/// Standard output of a command that must succeed.
async fn ok(app: &TestApp, args: &[&str], stdin: &str) -> String {
    let out = admin(app, args, stdin).await;
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    said
}

/// Standard error of a command that must fail.
async fn refused(app: &TestApp, args: &[&str]) -> String {
    let out = admin(app, args, "").await;
    assert!(!out.status.success(), "{args:?} succeeded");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn an_operator_manages_users_with_the_admin_commands() {
    let app = TestApp::spawn().await;
    // Answers once the server has migrated the database.
    app.register(&unique_email("first")).await;
    let boss = unique_email("boss");
    let said = ok(
        &app,
        &[
            "create-user",
            "--email",
            &boss,
            "--password-stdin",
            "--workspace",
            "Agency",
        ],
        &format!("{PASSWORD}\n"),
    )
    .await;
    assert!(said.contains("Agency"), "{said}");
    let session = app.login(&boss, PASSWORD).await.unwrap().session.unwrap();
    let me = app
        .auth()
        .me(authed(&session.access_token, pb::MeRequest {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(me.workspaces[0].workspace.as_ref().unwrap().name, "Agency");

    let helper = unique_email("helper");
    let said = ok(&app, &["create-user", "--email", &helper], "").await;
    let generated = said
        .split("password (shown once): ")
        .nth(1)
        .unwrap()
        .trim()
        .to_owned();
    assert!(
        app.login(&helper, &generated).await.is_ok(),
        "the generated password signs in"
    );
    assert!(
        refused(&app, &["create-user", "--email", &helper])
            .await
            .contains("already has an account")
    );
    assert!(
        refused(&app, &["create-user", "--email", "not-an-email"])
            .await
            .contains("--email")
    );

    let listed = ok(&app, &["list-users"], "").await;
    assert!(
        listed.contains(&boss) && listed.contains(&helper),
        "{listed}"
    );

    let said = ok(&app, &["revoke-sessions", "--email", &boss], "").await;
    assert!(said.starts_with("1 session"), "{said}");
    let refresh = pb::RefreshRequest {
        refresh_token: session.refresh_token.clone(),
    };
    assert_eq!(
        app.auth().refresh(refresh).await.unwrap_err().code(),
        Code::Unauthenticated
    );

    ok(
        &app,
        &["reset-password", "--email", &boss, "--password-stdin"],
        "a brand new passphrase\n",
    )
    .await;
    assert!(app.login(&boss, PASSWORD).await.is_err());
    let session = app
        .login(&boss, "a brand new passphrase")
        .await
        .unwrap()
        .session
        .unwrap();
    let token = app
        .auth()
        .create_api_token(authed(
            &session.access_token,
            pb::CreateApiTokenRequest {
                name: "script".into(),
                expires_in_days: 1,
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .secret;

    ok(&app, &["disable-user", "--email", &boss], "").await;
    let err = app
        .login(&boss, "a brand new passphrase")
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::PermissionDenied);
    let with_token = app
        .auth()
        .me(authed(&token, pb::MeRequest {}))
        .await
        .unwrap_err();
    assert_eq!(
        with_token.code(),
        Code::Unauthenticated,
        "the API token was revoked"
    );
    assert!(
        ok(&app, &["list-users"], "")
            .await
            .lines()
            .any(|l| l.contains(&boss) && l.contains("disabled"))
    );
    ok(&app, &["enable-user", "--email", &boss], "").await;
    assert!(app.login(&boss, "a brand new passphrase").await.is_ok());
    assert!(
        refused(&app, &["disable-user", "--email", "nobody@example.com"])
            .await
            .contains("no user")
    );
}
