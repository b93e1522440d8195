//! Contract tests: the client against the in-process sandbox, for every endpoint and every
//! error class.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::Cursor;
use std::time::Duration;

use multitok_sandbox::{Sandbox, SandboxConfig};
use multitok_shared::{ChunkBounds, ChunkPlan};
use multitok_tiktok::webhook::{EventKind, parse, verify};
use multitok_tiktok::{
    ErrorClass, PhotoPostInfo, PostInfo, PostMode, PublishStatus, TikTokClient, TikTokConfig,
    TokenSet, VideoSource,
};
use oauth2::AccessToken;
use serde_json::{Value, json};

const SCOPES: &[&str] = &[
    "user.info.basic",
    "user.info.profile",
    "user.info.stats",
    "video.list",
    "video.publish",
    "video.upload",
];
const REDIRECT: &str = "http://127.0.0.1:9/oauth/tiktok/callback";
/// TikTok's chunk bounds divided by this in tests: 5 KiB to 64 KiB chunks.
const SCALE: u64 = 1024;

struct World {
    sandbox: Sandbox,
    client: TikTokClient,
    http: reqwest::Client,
}

fn sandbox_config() -> SandboxConfig {
    SandboxConfig {
        chunk_scale_down: SCALE,
        processing_ms: 0,
        moderation_ms: 0,
        ..SandboxConfig::default()
    }
}

async fn world_with(sandbox: SandboxConfig, tune: impl FnOnce(&mut TikTokConfig)) -> World {
    let sandbox = Sandbox::spawn(sandbox).await.unwrap();
    let base = url::Url::parse(&sandbox.url()).unwrap();
    let cfg = &sandbox.app.config;
    let mut config = TikTokConfig::new(cfg.client_key.clone(), cfg.client_secret.clone(), REDIRECT)
        .with_base(&base);
    config.retry.base = Duration::from_millis(5);
    tune(&mut config);
    let client = TikTokClient::new(config).unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    World {
        sandbox,
        client,
        http,
    }
}

async fn world() -> World {
    world_with(sandbox_config(), |_| {}).await
}

impl World {
    /// Goes through the consent page as `open_id` (granting `granted`, or all) and exchanges the code.
    async fn connect_as(&self, open_id: &str, granted: Option<&str>) -> TokenSet {
        let auth = self.client.authorize_url(SCOPES);
        let mut url = auth.url.clone();
        url.query_pairs_mut().append_pair("auto_approve", open_id);
        if let Some(g) = granted {
            url.query_pairs_mut().append_pair("granted", g);
        }
        let response = self.http.get(url).send().await.unwrap();
        assert!(response.status().is_redirection(), "{}", response.status());
        let location = url::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
        let q: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
        assert_eq!(
            q["state"],
            *auth.state.secret(),
            "state comes back unchanged"
        );
        self.client
            .exchange_code(&q["code"], &auth.pkce_verifier)
            .await
            .unwrap()
    }

    async fn connect(&self) -> TokenSet {
        self.connect_as("sbx-open-ana", None).await
    }

    async fn admin(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.sandbox.url()));
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.unwrap()
    }

    async fn fault(&self, endpoint: &str, faults: Value) {
        let mut body = faults;
        body["endpoint"] = json!(endpoint);
        assert!(
            self.admin(reqwest::Method::POST, "/admin/faults", Some(body))
                .await
                .status()
                .is_success()
        );
    }

    async fn counters(&self, open_id: &str) -> Value {
        let all: Value = self
            .admin(reqwest::Method::GET, "/admin/counters", None)
            .await
            .json()
            .await
            .unwrap();
        all.get(open_id)
            .cloned()
            .unwrap_or(json!({"init_calls": 0, "published": 0}))
    }
}

fn public_post() -> PostInfo {
    PostInfo {
        privacy_level: "PUBLIC_TO_EVERYONE".into(),
        title: Some("hello #sandbox".into()),
        ..PostInfo::default()
    }
}

fn bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

fn plan(size: u64, chunk: u64) -> ChunkPlan {
    ChunkPlan::new(size, chunk, ChunkBounds::scaled_down(SCALE)).unwrap()
}

fn source(p: &ChunkPlan) -> VideoSource {
    VideoSource::FileUpload {
        video_size: p.video_size,
        chunk_size: p.chunk_size,
        total_chunk_count: p.total_chunk_count,
    }
}

#[tokio::test]
async fn oauth_code_exchange_refresh_rotation_and_revoke() {
    let w = world().await;
    let tokens = w.connect().await;
    assert_eq!(tokens.open_id, "sbx-open-ana");
    assert!(
        tokens.access_token.secret().starts_with("act.")
            && tokens.refresh_token.secret().starts_with("rft.")
    );
    assert_eq!(tokens.expires_in, 7200);
    assert_eq!(tokens.scopes.len(), SCOPES.len());

    let refreshed = w.client.refresh(&tokens.refresh_token).await.unwrap();
    assert_ne!(
        refreshed.refresh_token.secret(),
        tokens.refresh_token.secret(),
        "rotated"
    );
    let reused = w.client.refresh(&tokens.refresh_token).await.unwrap_err();
    assert_eq!(
        (reused.class, reused.code.as_str()),
        (ErrorClass::Reauthorize, "invalid_grant")
    );

    w.client
        .user_info(&refreshed.access_token, &["open_id"])
        .await
        .unwrap();
    w.client.revoke(&refreshed.access_token).await.unwrap();
    let after = w
        .client
        .user_info(&refreshed.access_token, &["open_id"])
        .await
        .unwrap_err();
    assert_eq!(after.class, ErrorClass::Reauthorize);
}

#[tokio::test]
async fn code_exchange_with_the_wrong_verifier_is_refused() {
    let w = world().await;
    let auth = w.client.authorize_url(SCOPES);
    let mut url = auth.url.clone();
    url.query_pairs_mut()
        .append_pair("auto_approve", "sbx-open-ben");
    let location = w.http.get(url).send().await.unwrap().headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    let code = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let wrong = oauth2::PkceCodeVerifier::new("x".repeat(43));
    let e = w.client.exchange_code(&code, &wrong).await.unwrap_err();
    assert_eq!(e.code, "invalid_grant");
}

#[tokio::test]
async fn consent_denied_comes_back_as_access_denied() {
    let w = world().await;
    let auth = w.client.authorize_url(SCOPES);
    let page = w
        .http
        .get(auth.url.clone())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Ana Bakes") && page.contains("Cancel"));
    let deny = page
        .split("class=\"deny\" href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    let response = w
        .http
        .get(format!("{}{deny}", w.sandbox.url()))
        .send()
        .await
        .unwrap();
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with(REDIRECT) && location.contains("error=access_denied"),
        "{location}"
    );
}

#[tokio::test]
async fn user_info_returns_only_requested_fields_and_enforces_scopes() {
    let w = world().await;
    let t = w.connect().await;
    let info = w
        .client
        .user_info(
            &t.access_token,
            &["open_id", "display_name", "follower_count"],
        )
        .await
        .unwrap();
    assert_eq!(info.display_name.as_deref(), Some("Ana Bakes"));
    assert!(info.follower_count.is_some() && info.username.is_none() && info.avatar_url.is_none());
    let with_avatar = w
        .client
        .user_info(&t.access_token, &["avatar_url"])
        .await
        .unwrap();
    let avatar = w
        .http
        .get(with_avatar.avatar_url.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(avatar.headers()["content-type"], "image/svg+xml");

    let basic = w.connect_as("sbx-open-ben", Some("user.info.basic")).await;
    let e = w
        .client
        .user_info(&basic.access_token, &["open_id", "username"])
        .await
        .unwrap_err();
    assert_eq!(e.code, "scope_permission_missed");
    assert_eq!(
        e.class,
        ErrorClass::Reauthorize,
        "a missing scope needs a new consent"
    );
}

#[tokio::test]
async fn video_list_pages_until_done_and_query_batches_by_twenty() {
    let w = world().await;
    let t = w.connect().await;
    let fields = ["id", "create_time", "view_count", "like_count"];
    let all = w
        .client
        .all_videos(&t.access_token, &fields, 1000)
        .await
        .unwrap();
    assert_eq!(all.len(), 30, "every seeded video, across pages of 20");
    assert!(
        all.windows(2).all(|p| p[0].create_time >= p[1].create_time),
        "newest first"
    );
    let capped = w
        .client
        .all_videos(&t.access_token, &fields, 25)
        .await
        .unwrap();
    assert_eq!(capped.len(), 25);

    let mut ids: Vec<String> = all.iter().take(25).map(|v| v.id.clone()).collect();
    ids.push("7000000000000000000".into()); // someone else's: not returned
    let queried = w
        .client
        .video_query(&t.access_token, &["id", "view_count"], &ids)
        .await
        .unwrap();
    assert_eq!(queried.len(), 25);
    assert!(queried.iter().all(|v| v.view_count.is_some()));
}

#[tokio::test]
async fn creator_info_for_public_and_private_accounts() {
    let w = world().await;
    let public = w
        .client
        .creator_info(&w.connect().await.access_token)
        .await
        .unwrap();
    assert!(
        public
            .privacy_level_options
            .contains(&"PUBLIC_TO_EVERYONE".to_owned())
    );
    let private = w
        .client
        .creator_info(&w.connect_as("sbx-open-cai", None).await.access_token)
        .await
        .unwrap();
    assert!(
        !private
            .privacy_level_options
            .contains(&"PUBLIC_TO_EVERYONE".to_owned())
    );
    assert!(
        private
            .privacy_level_options
            .contains(&"FOLLOWER_OF_CREATOR".to_owned())
    );
    assert!(private.comment_disabled && private.duet_disabled && private.stitch_disabled);
    assert_eq!(private.max_video_post_duration_sec, 180);
}

#[tokio::test]
async fn direct_post_uploads_in_chunks_and_publishes_once() {
    let w = world().await;
    let t = w.connect().await;
    let data = bytes(200_000);
    let p = plan(data.len() as u64, 20 * 1024);
    assert_eq!(p.total_chunk_count, 9);
    let init = w
        .client
        .init_direct_video(&t.access_token, &public_post(), &source(&p))
        .await
        .unwrap();
    assert!(init.publish_id.starts_with("v_pub_file~"));
    let status = w
        .client
        .publish_status(&t.access_token, &init.publish_id)
        .await
        .unwrap();
    assert_eq!(status.status, PublishStatus::ProcessingUpload);

    let progress = w
        .client
        .upload(
            &init.upload_url.unwrap(),
            "video/mp4",
            &p,
            Cursor::new(data.clone()),
        )
        .await
        .unwrap();
    assert_eq!(progress.uploaded, 200_000);
    let status = w
        .client
        .publish_status(&t.access_token, &init.publish_id)
        .await
        .unwrap();
    assert_eq!(status.status, PublishStatus::PublishComplete);
    assert_eq!(status.publicly_available_post_id.len(), 1);
    assert_eq!(status.uploaded_bytes, Some(200_000));

    let upload: Value = w
        .admin(
            reqwest::Method::GET,
            &format!("/admin/uploads/{}", init.publish_id),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    use sha2::Digest;
    assert_eq!(
        upload["sha256"],
        hex::encode(sha2::Sha256::digest(&data)),
        "every byte arrived once, in order"
    );
    assert_eq!(
        w.counters("sbx-open-ana").await,
        json!({"init_calls": 1, "published": 1, "refreshes": 0})
    );
    let listed = w
        .client
        .video_list(&t.access_token, &["id"], None, 1)
        .await
        .unwrap();
    assert_eq!(
        Some(listed.videos[0].id.clone()),
        status.publicly_available_post_id.first().cloned()
    );
}

#[tokio::test]
async fn upload_resumes_from_the_servers_progress_after_416() {
    let w = world().await;
    let t = w.connect().await;
    let data = bytes(60_000);
    let p = plan(60_000, 20_000);
    let init = w
        .client
        .init_direct_video(&t.access_token, &public_post(), &source(&p))
        .await
        .unwrap();
    let url = init.upload_url.unwrap();
    // The first chunk arrived, but (say) its answer was lost: the client starts over.
    let first = w
        .http
        .put(&url)
        .header("content-range", "bytes 0-19999/60000")
        .body(data[..20_000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 206);
    let again = w
        .http
        .put(&url)
        .header("content-range", "bytes 0-19999/60000")
        .body(data[..20_000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 416);
    assert_eq!(again.headers()["content-range"], "bytes 0-19999/60000");
    w.client
        .upload(&url, "video/mp4", &p, Cursor::new(data.clone()))
        .await
        .unwrap();
    let upload: Value = w
        .admin(
            reqwest::Method::GET,
            &format!("/admin/uploads/{}", init.publish_id),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    use sha2::Digest;
    assert_eq!(upload["sha256"], hex::encode(sha2::Sha256::digest(&data)));
}

#[tokio::test]
async fn expired_upload_url_is_surfaced_not_retried() {
    let w = world().await;
    let t = w.connect().await;
    let p = plan(10_000, 10_000);
    let init = w
        .client
        .init_direct_video(&t.access_token, &public_post(), &source(&p))
        .await
        .unwrap();
    w.admin(
        reqwest::Method::POST,
        "/admin/advance",
        Some(json!({"seconds": 3601})),
    )
    .await;
    let e = w
        .client
        .upload(
            &init.upload_url.unwrap(),
            "video/mp4",
            &p,
            Cursor::new(bytes(10_000)),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.class, e.http_status),
        ("upload_url_expired", ErrorClass::Permanent, Some(403))
    );
}

#[tokio::test]
async fn inbox_and_photo_posts_progress_to_their_final_states() {
    let w = world().await;
    let t = w.connect().await;
    let pull = VideoSource::PullFromUrl {
        video_url: "https://media.example.com/v.mp4".into(),
    };
    let inbox = w
        .client
        .init_inbox_video(&t.access_token, &pull)
        .await
        .unwrap();
    assert!(inbox.publish_id.starts_with("v_inbox_url~"));
    let photo_info = PhotoPostInfo {
        title: Some("album".into()),
        privacy_level: Some("SELF_ONLY".into()),
        ..PhotoPostInfo::default()
    };
    let photo = w
        .client
        .init_photo(
            &t.access_token,
            PostMode::DirectPost,
            &photo_info,
            &["https://media.example.com/1.jpg".into()],
            0,
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        w.client
            .publish_status(&t.access_token, &inbox.publish_id)
            .await
            .unwrap()
            .status,
        PublishStatus::SendToUserInbox
    );
    let photo_status = w
        .client
        .publish_status(&t.access_token, &photo.publish_id)
        .await
        .unwrap();
    assert_eq!(photo_status.status, PublishStatus::PublishComplete);
    assert!(
        photo_status.publicly_available_post_id.is_empty(),
        "private posts get no public id"
    );
}

#[tokio::test]
async fn cancel_works_only_while_downloading() {
    let w = world_with(
        SandboxConfig {
            processing_ms: 60_000,
            ..sandbox_config()
        },
        |_| {},
    )
    .await;
    let t = w.connect().await;
    let pull = VideoSource::PullFromUrl {
        video_url: "https://media.example.com/v.mp4".into(),
    };
    let init = w
        .client
        .init_direct_video(&t.access_token, &public_post(), &pull)
        .await
        .unwrap();
    w.client
        .cancel(&t.access_token, &init.publish_id)
        .await
        .unwrap();
    let status = w
        .client
        .publish_status(&t.access_token, &init.publish_id)
        .await
        .unwrap();
    assert_eq!(
        (status.status, status.fail_reason.as_deref()),
        (PublishStatus::Failed, Some("publish_cancelled"))
    );
    let again = w
        .client
        .cancel(&t.access_token, &init.publish_id)
        .await
        .unwrap_err();
    assert_eq!(again.code, "publish_not_cancellable");
}

#[tokio::test]
async fn sandbox_rate_limit_answers_429_as_rate_limited() {
    let config = SandboxConfig {
        per_minute_creator_info: 2,
        ..sandbox_config()
    };
    let w = world_with(config, |c| c.per_minute = |_| None).await;
    let t = w.connect().await;
    w.client.creator_info(&t.access_token).await.unwrap();
    w.client.creator_info(&t.access_token).await.unwrap();
    let e = w.client.creator_info(&t.access_token).await.unwrap_err();
    assert!(matches!(e.class, ErrorClass::RateLimited { .. }), "{e:?}");
    assert_eq!(e.http_status, Some(429));
}

#[tokio::test]
async fn transient_read_failures_are_retried_but_inits_are_not() {
    let w = world().await;
    let t = w.connect().await;
    w.fault(
        "/v2/user/info/",
        json!({"forced_count": 2, "forced_status": 500, "forced_code": "internal_error"}),
    )
    .await;
    w.client
        .user_info(&t.access_token, &["open_id"])
        .await
        .expect("third try succeeds");

    w.fault(
        "/v2/post/publish/video/init/",
        json!({"forced_count": 1, "forced_status": 500, "forced_code": "internal_error"}),
    )
    .await;
    let pull = VideoSource::PullFromUrl {
        video_url: "https://media.example.com/v.mp4".into(),
    };
    let e = w
        .client
        .init_direct_video(&t.access_token, &public_post(), &pull)
        .await
        .unwrap_err();
    assert!(matches!(e.class, ErrorClass::Transient { .. }));
    assert_eq!(
        w.counters("sbx-open-ana").await["init_calls"],
        0,
        "the failed init was not repeated behind the caller's back"
    );
}

#[tokio::test]
async fn a_lost_init_answer_is_outcome_unknown_and_the_post_exists() {
    let w = world().await;
    let t = w.connect().await;
    w.fault(
        "/v2/post/publish/video/init/",
        json!({"drop_after_processing": 1}),
    )
    .await;
    let pull = VideoSource::PullFromUrl {
        video_url: "https://media.example.com/v.mp4".into(),
    };
    let e = w
        .client
        .init_direct_video(&t.access_token, &public_post(), &pull)
        .await
        .unwrap_err();
    assert_eq!(e.class, ErrorClass::OutcomeUnknown);
    assert_eq!(
        w.counters("sbx-open-ana").await["init_calls"],
        1,
        "TikTok did create the post"
    );
}

#[tokio::test]
async fn permanent_errors_carry_tiktoks_code_and_a_sentence() {
    let config = SandboxConfig {
        daily_posts_per_creator: 0,
        ..sandbox_config()
    };
    let w = world_with(config, |_| {}).await;
    let t = w.connect().await;
    let spam = w.client.creator_info(&t.access_token).await.unwrap_err();
    assert_eq!(
        (spam.code.as_str(), spam.class.clone(), spam.http_status),
        ("spam_risk_too_many_posts", ErrorClass::Permanent, Some(200))
    );
    assert!(spam.message.contains("daily posting limit"));

    let w = world().await;
    let private = w.connect_as("sbx-open-cai", None).await;
    let mismatch = w
        .client
        .init_direct_video(
            &private.access_token,
            &public_post(),
            &VideoSource::PullFromUrl {
                video_url: "https://m.example.com/v.mp4".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        (mismatch.code.as_str(), mismatch.class),
        ("privacy_level_option_mismatch", ErrorClass::Permanent)
    );
    let t = w.connect().await;
    let ip = w
        .client
        .init_direct_video(
            &t.access_token,
            &public_post(),
            &VideoSource::PullFromUrl {
                video_url: "https://10.0.0.1/v.mp4".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(ip.code, "url_ownership_unverified");
}

#[tokio::test]
async fn unaudited_apps_may_post_only_to_private_accounts() {
    let w = world_with(
        SandboxConfig {
            unaudited: true,
            ..sandbox_config()
        },
        |_| {},
    )
    .await;
    let t = w.connect().await;
    let pull = VideoSource::PullFromUrl {
        video_url: "https://media.example.com/v.mp4".into(),
    };
    let e = w
        .client
        .init_direct_video(&t.access_token, &public_post(), &pull)
        .await
        .unwrap_err();
    assert_eq!(e.code, "unaudited_client_can_only_post_to_private_accounts");
    let private = w.connect_as("sbx-open-cai", None).await;
    let post = PostInfo {
        privacy_level: "SELF_ONLY".into(),
        ..PostInfo::default()
    };
    w.client
        .init_direct_video(&private.access_token, &post, &pull)
        .await
        .unwrap();
}

#[tokio::test]
async fn an_expired_token_asks_for_reauthorization() {
    let w = world().await;
    let t = w.connect().await;
    w.admin(
        reqwest::Method::POST,
        "/admin/expire-tokens/sbx-open-ana",
        None,
    )
    .await;
    let e = w.client.creator_info(&t.access_token).await.unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.class),
        ("access_token_invalid", ErrorClass::Reauthorize)
    );
}

#[tokio::test]
async fn the_circuit_opens_after_repeated_failures() {
    let w = world_with(sandbox_config(), |c| {
        c.breaker_threshold = 2;
        c.retry.attempts = 1;
    })
    .await;
    let t = w.connect().await;
    w.fault("*", json!({"error_rate": 1.0})).await;
    for _ in 0..2 {
        assert_eq!(
            w.client
                .user_info(&t.access_token, &["open_id"])
                .await
                .unwrap_err()
                .code,
            "internal_error"
        );
    }
    let open = w
        .client
        .user_info(&t.access_token, &["open_id"])
        .await
        .unwrap_err();
    assert_eq!(open.code, "circuit_open");
    assert!(matches!(open.class, ErrorClass::Transient { .. }));
}

#[tokio::test]
async fn bad_input_gets_tiktoks_error_shapes() {
    let w = world().await;
    let t = w.connect().await;
    let url = |p: &str| format!("{}{p}", w.sandbox.url());
    let bearer = format!("Bearer {}", t.access_token.secret());
    for (path, body) in [
        ("/v2/post/publish/video/init/", "{not json"),
        (
            "/v2/post/publish/video/init/",
            r#"{"post_info":{"privacy_level":"PUBLIC_TO_EVERYONE","disable_duet":"yes"},"source_info":{"source":"FILE_UPLOAD"}}"#,
        ),
        (
            "/v2/post/publish/video/init/",
            r#"{"post_info":{"privacy_level":"PUBLIC_TO_EVERYONE"},"source_info":{"source":"FILE_UPLOAD","video_size":"big"}}"#,
        ),
        ("/v2/video/query/", r#"{"filters":{"video_ids":[1,2]}}"#),
        ("/v2/video/list/", r#"{"max_count":"many"}"#),
        ("/v2/post/publish/status/fetch/", "[]"),
    ] {
        let r = w
            .http
            .post(url(path))
            .header("authorization", &bearer)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{path} {body}");
        let json: Value = r.json().await.unwrap();
        assert_eq!(json["error"]["code"], "invalid_param", "{path} {body}");
        assert!(json["error"]["log_id"].is_string());
    }
    let token = w
        .http
        .post(url("/v2/oauth/token/"))
        .body("garbage=%ZZ")
        .send()
        .await
        .unwrap();
    let json: Value = token.json().await.unwrap();
    assert_eq!(json["error"], "invalid_client");
    let upload = w
        .http
        .put(url("/upload/?upload_id=nope&upload_token=x"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(upload.status(), 404);
}

#[tokio::test]
async fn webhooks_are_signed_with_the_client_secret() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(String, bytes::Bytes)>();
    let receiver = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: axum::http::HeaderMap, body: bytes::Bytes| {
            let tx = tx.clone();
            async move {
                let sig = headers
                    .get("tiktok-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                tx.send((sig, body)).ok();
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, receiver).await.ok() });

    let w = world_with(
        SandboxConfig {
            webhook_url: Some(hook),
            ..sandbox_config()
        },
        |_| {},
    )
    .await;
    let t = w.connect().await;
    w.client.revoke(&t.access_token).await.unwrap();
    let (sig, body) = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    verify(&w.sandbox.app.config.client_secret, &sig, &body, now, 300).unwrap();
    let event = parse(&body).unwrap();
    assert_eq!(event.kind, EventKind::AuthorizationRemoved { reason: 5 });
    assert_eq!(event.user_openid.as_deref(), Some("sbx-open-ana"));
    let _ = AccessToken::new(String::new());
}

#[tokio::test]
async fn the_active_user_cap_and_the_pending_inbox_cap_apply() {
    let config = SandboxConfig {
        active_user_cap: 1,
        pending_inbox_cap: 1,
        ..sandbox_config()
    };
    let w = world_with(config, |_| {}).await;
    let pull = VideoSource::PullFromUrl {
        video_url: "https://media.example.com/v.mp4".into(),
    };
    let ana = w.connect().await;
    w.client
        .init_direct_video(&ana.access_token, &public_post(), &pull)
        .await
        .unwrap();
    let ben = w.connect_as("sbx-open-ben", None).await;
    let capped = w.client.creator_info(&ben.access_token).await.unwrap_err();
    assert_eq!(
        (capped.code.as_str(), capped.http_status),
        ("reached_active_user_cap", Some(200))
    );
    let init = w
        .client
        .init_direct_video(&ben.access_token, &public_post(), &pull)
        .await
        .unwrap_err();
    assert_eq!(
        (init.code.as_str(), init.http_status),
        ("reached_active_user_cap", Some(403))
    );

    w.client
        .init_inbox_video(&ana.access_token, &pull)
        .await
        .unwrap();
    let pending = w
        .client
        .init_inbox_video(&ana.access_token, &pull)
        .await
        .unwrap_err();
    assert_eq!(
        (pending.code.as_str(), pending.class),
        ("spam_risk_too_many_pending_share", ErrorClass::Permanent)
    );
}
