//! Safe retries: a write sent again with the same `idempotency-key` is answered from the first
//! call and changes nothing more; the same key with another request is refused; a secret is
//! never replayed.

use multitok_proto::v1 as pb;
use multitok_proto::v1::scheduling_service_client::SchedulingServiceClient;
use tonic::Code;

use crate::helpers::{TestApp, authed, unique_email};
use crate::posts::{posts_world, target};

fn keyed<T>(token: &str, key: &str, message: T) -> tonic::Request<T> {
    let mut request = authed(token, message);
    request
        .metadata_mut()
        .insert("idempotency-key", key.parse().unwrap());
    request
}

#[tokio::test]
async fn a_retried_schedule_creates_one_post() {
    let p = posts_world().await;
    let token = p.w.owner.access_token.clone();
    let store = multitok_store::Store::connect(&p.w.app.database_url, 1)
        .await
        .unwrap();
    let posts = || async {
        store
            .row_counts()
            .await
            .unwrap()
            .into_iter()
            .find(|(t, _)| t == "posts")
            .unwrap()
            .1
    };
    let before = posts().await;
    let request = p.request(vec![target(&p.ana, "SELF_ONLY")], "2027-06-01T10:00");
    let schedule = |r: pb::ScheduleRequest, key: &'static str| {
        let mut client = SchedulingServiceClient::new(p.w.app.channel.clone());
        let token = token.clone();
        async move { client.schedule(keyed(&token, key, r)).await }
    };
    // The first answer is lost (a timeout); the script sends the call again.
    let first = schedule(request.clone(), "retry-1")
        .await
        .unwrap()
        .into_inner();
    let again = schedule(request.clone(), "retry-1")
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.post.unwrap().id, again.post.unwrap().id);
    assert_eq!(posts().await, before + 1, "one post, not two");

    let mut other = request.clone();
    other.caption = "Another caption".into();
    let err = schedule(other, "retry-1").await.unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition, "{err:?}");

    // Two identical calls at once: one runs, the other gets its answer or waits its turn.
    let (a, b) = tokio::join!(
        schedule(request.clone(), "together"),
        schedule(request.clone(), "together")
    );
    let ran: Vec<_> = [a, b].into_iter().filter_map(Result::ok).collect();
    assert!(!ran.is_empty());
    assert_eq!(posts().await, before + 2, "the pair made one post");

    // A call that failed frees its key for a corrected retry.
    let mut bad = request.clone();
    bad.targets.clear();
    assert_eq!(
        schedule(bad, "fixed").await.unwrap_err().code(),
        Code::InvalidArgument
    );
    schedule(request, "fixed").await.unwrap();
    assert_eq!(posts().await, before + 3);
}

#[tokio::test]
async fn a_replayed_token_creation_never_shows_the_secret_again() {
    let app = TestApp::spawn().await;
    let ana = app.register(&unique_email("ana")).await;
    let create = || {
        let mut auth = app.auth();
        let request = keyed(
            &ana.access_token,
            "token-1",
            pb::CreateApiTokenRequest {
                name: "deploy".into(),
                expires_in_days: 30,
            },
        );
        async move { auth.create_api_token(request).await }
    };
    let first = create().await.unwrap().into_inner();
    assert!(first.secret.starts_with("mtk_"));
    let again = create().await.unwrap_err();
    assert_eq!(again.code(), Code::AlreadyExists, "{again:?}");
    let listed = app
        .auth()
        .list_api_tokens(authed(&ana.access_token, pb::ListApiTokensRequest {}))
        .await
        .unwrap()
        .into_inner()
        .tokens;
    assert_eq!(listed.len(), 1);
}
