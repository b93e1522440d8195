//! Every answer carries the call's request id in its metadata: the caller's, or a fresh one.

use multitok_proto::v1 as pb;
use tonic::Code;

use crate::helpers::{TestApp, authed, unique_email};

#[tokio::test]
async fn a_callers_request_id_comes_back_on_success_and_on_error() {
    let app = TestApp::spawn().await;
    let user = app.register(&unique_email("ana")).await;
    let mut request = authed(&user.access_token, pb::MeRequest {});
    request
        .metadata_mut()
        .insert("x-request-id", "trace-me-42".parse().unwrap());
    let answer = app.auth().me(request).await.expect("me");
    assert_eq!(
        answer.metadata().get("x-request-id").unwrap(),
        "trace-me-42"
    );

    let mut refused = tonic::Request::new(pb::MeRequest {});
    refused
        .metadata_mut()
        .insert("x-request-id", "trace-me-43".parse().unwrap());
    let status = app.auth().me(refused).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    assert_eq!(
        status.metadata().get("x-request-id").unwrap(),
        "trace-me-43"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_call_without_a_request_id_gets_a_fresh_one() {
    let app = TestApp::spawn().await;
    let user = app.register(&unique_email("ben")).await;
    let mut ids = Vec::new();
    for _ in 0..2 {
        let answer = app
            .auth()
            .me(authed(&user.access_token, pb::MeRequest {}))
            .await
            .expect("me");
        let id = answer.metadata().get("x-request-id").expect("a request id");
        ids.push(id.to_str().unwrap().to_owned());
    }
    assert_eq!(ids[0].len(), 32, "{ids:?}");
    assert_ne!(ids[0], ids[1], "each call has its own id");
    app.stop().await;
}
