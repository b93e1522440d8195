//! The real `grpcurl` against the server, with no .proto files: list, describe, and a call
//! authenticated by a personal API token.

use std::process::Command;

use multitok_proto::v1 as pb;

use crate::helpers::{TestApp, authed, unique_email};

fn grpcurl_blocking(args: &[&str]) -> String {
    let binary = std::env::var("GRPCURL").unwrap_or_else(|_| "grpcurl".into());
    let output = Command::new(&binary)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {binary} ({e}); `cargo xtask test` installs it"));
    assert!(
        output.status.success(),
        "grpcurl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs grpcurl off the async runtime, which is serving the app under test.
async fn grpcurl(args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        grpcurl_blocking(&args)
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn grpcurl_lists_describes_and_calls_with_an_api_token() {
    let app = TestApp::spawn().await;
    let user = app.register(&unique_email("script")).await;
    let secret = app
        .auth()
        .create_api_token(authed(
            &user.access_token,
            pb::CreateApiTokenRequest {
                name: "grpcurl".into(),
                expires_in_days: 1,
            },
        ))
        .await
        .expect("token")
        .into_inner()
        .secret;
    let addr = app.addr.to_string();
    let listing = grpcurl(&["-plaintext", &addr, "list"]).await;
    assert!(
        listing.contains("multitok.v1.AuthService")
            && listing.contains("multitok.v1.WorkspaceService"),
        "{listing}"
    );

    let described = grpcurl(&[
        "-plaintext",
        &addr,
        "describe",
        "multitok.v1.WorkspaceService",
    ])
    .await;
    assert!(described.contains("rpc SetTimeZone"), "{described}");

    let header = format!("authorization: Bearer {secret}");
    let me = grpcurl(&[
        "-plaintext",
        "-H",
        &header,
        &addr,
        "multitok.v1.AuthService/Me",
    ])
    .await;
    let json: serde_json::Value = serde_json::from_str(&me).expect("json");
    assert_eq!(json["user"]["id"], user.id.as_str());
    assert_eq!(json["workspaces"][0]["role"], "ROLE_OWNER");

    // A chart named by its `oneof` field, as in README: the PNG comes back base64-encoded.
    let ws = json["workspaces"][0]["workspace"]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let request = format!(
        r#"{{"workspace_id":"{ws}","best_times":{{"range":{{"from":"2026-01-01","to":"2026-06-30"}}}}}}"#
    );
    let chart = grpcurl(&[
        "-plaintext",
        "-H",
        &header,
        "-d",
        &request,
        &addr,
        "multitok.v1.AnalyticsService/RenderChart",
    ])
    .await;
    let json: serde_json::Value = serde_json::from_str(&chart).expect("json");
    let png = json["png"].as_str().unwrap_or_default();
    assert!(
        png.starts_with("iVBORw0KGgo"),
        "a PNG signature: {chart:.200}"
    );
    assert_eq!(
        json["fileName"],
        "multitok-best-times-2026-01-01-2026-06-30.png"
    );
}

/// Runs grpcurl expecting the call to fail; answers what it printed on stderr.
async fn grpcurl_error(args: &[&str]) -> String {
    let binary = std::env::var("GRPCURL").unwrap_or_else(|_| "grpcurl".into());
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let output = tokio::task::spawn_blocking(move || Command::new(binary).args(args).output())
        .await
        .unwrap()
        .expect("run grpcurl");
    assert!(!output.status.success(), "the call was expected to fail");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn grpcurl_prints_error_details_decoded() {
    let app = TestApp::spawn().await;
    let addr = app.addr.to_string();
    let said = grpcurl_error(&[
        "-plaintext",
        "-d",
        r#"{"email":"not an address","password":"x","display_name":""}"#,
        &addr,
        "multitok.v1.AuthService/Register",
    ])
    .await;
    assert!(said.contains("Code: InvalidArgument"), "{said}");
    assert!(
        said.contains("google.rpc.BadRequest")
            && said.contains("\"fieldViolations\"")
            && said.contains(r#""field":"email""#),
        "{said}"
    );
}
