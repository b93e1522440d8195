//! The browser path: grpc-web over HTTP/1.1, the refresh token as an HttpOnly cookie only.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use multitok_proto::v1 as pb;
use multitok_shared::grpc_web::{Frame, Frames, Status, code, frame};
use prost::Message;
use tonic_types::StatusExt;

use crate::helpers::{PASSWORD, TestApp, unique_email};

/// One grpc-web call, framed and read as the web app does (`multitok_shared::grpc_web`);
/// returns the response headers, the message and the status (from the trailers, else the
/// headers).
async fn grpc_web(
    app: &TestApp,
    path: &str,
    message: impl Message,
    cookie: Option<&str>,
) -> (http::HeaderMap, Vec<u8>, Status) {
    let mut request = http::Request::post(format!("http://{}{path}", app.addr))
        .header("content-type", "application/grpc-web+proto")
        .header("x-grpc-web", "1");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let body = Bytes::from(frame(&message.encode_to_vec()));
    let response = client
        .request(request.body(Full::new(body)).unwrap())
        .await
        .expect("http/1.1 call");
    assert_eq!(response.version(), http::Version::HTTP_11);
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let mut frames = Frames::default();
    frames.push(&body);
    let (mut data, mut status) = (Vec::new(), None);
    while let Some(f) = frames.next_frame() {
        match f {
            Frame::Message(m) => data = m,
            Frame::Trailers(s) => status = Some(s),
        }
    }
    assert!(!frames.has_partial(), "a frame was cut off");
    let status = status
        .or_else(|| {
            Status::from_fields(|n| headers.get(n).and_then(|v| v.to_str().ok()).map(Into::into))
        })
        .expect("a grpc-status in the trailers or the headers");
    (headers, data, status)
}

#[tokio::test]
async fn browser_login_sets_an_httponly_cookie_and_refreshes_through_it() {
    // No grace window: the second use of the old cookie is reuse.
    let app = TestApp::spawn_with(|s| s.auth.refresh_reuse_grace_seconds = 0).await;
    let email = unique_email("web");
    app.register(&email).await;

    let login = pb::LoginRequest {
        email: email.clone(),
        password: PASSWORD.into(),
    };
    let (headers, data, status) =
        grpc_web(&app, "/multitok.v1.AuthService/Login", login, None).await;
    assert!(status.is_ok(), "{status:?}");
    let body = pb::LoginResponse::decode(data.as_slice()).expect("login response");
    let session = body.session.expect("session");
    assert!(!session.access_token.is_empty());
    assert!(
        session.refresh_token.is_empty(),
        "browsers never see the refresh token"
    );
    let cookie = headers
        .get("set-cookie")
        .expect("session cookie")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        cookie.contains("Path=/multitok.v1.AuthService/"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_owned();

    let (headers, data, _) = grpc_web(
        &app,
        "/multitok.v1.AuthService/Refresh",
        pb::RefreshRequest::default(),
        Some(&pair),
    )
    .await;
    let refreshed = pb::RefreshResponse::decode(data.as_slice())
        .expect("refresh response")
        .session
        .expect("session");
    assert!(!refreshed.access_token.is_empty());
    let rotated = headers
        .get("set-cookie")
        .expect("rotated cookie")
        .to_str()
        .unwrap();
    assert_ne!(rotated.split(';').next().unwrap(), pair, "cookie rotated");

    // The old cookie again, after the grace window: reuse is detected.
    let (_, _, status) = grpc_web(
        &app,
        "/multitok.v1.AuthService/Refresh",
        pb::RefreshRequest::default(),
        Some(&pair),
    )
    .await;
    assert_eq!(status.code, code::UNAUTHENTICATED, "{status:?}");
}

#[tokio::test]
async fn field_violations_reach_the_browser_in_the_status_details() {
    let app = TestApp::spawn().await;
    let register = pb::RegisterRequest {
        email: "not an email".into(),
        password: PASSWORD.into(),
        ..Default::default()
    };
    let (_, data, status) =
        grpc_web(&app, "/multitok.v1.AuthService/Register", register, None).await;
    assert!(data.is_empty());
    assert_eq!(status.code, code::INVALID_ARGUMENT, "{status:?}");
    assert!(!status.message.is_empty());
    let details = tonic::Status::with_details(
        tonic::Code::InvalidArgument,
        status.message.clone(),
        status.details.clone().into(),
    );
    let bad = details
        .get_details_bad_request()
        .expect("google.rpc.BadRequest in grpc-status-details-bin");
    assert!(
        bad.field_violations.iter().any(|v| v.field == "email"),
        "{:?}",
        bad.field_violations
    );
}

#[tokio::test]
async fn spa_routes_fall_back_to_index_html() {
    let web = tempfile::tempdir().unwrap();
    std::fs::write(web.path().join("index.html"), "<html>multitok shell</html>").unwrap();
    std::fs::write(web.path().join("app.js"), "console.log(1)").unwrap();
    let dir = web.path().to_path_buf();
    let app = TestApp::spawn_with(move |s| s.web_dir = Some(dir)).await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    for (path, expected) in [
        ("/settings/members", "multitok shell"),
        ("/app.js", "console.log(1)"),
        ("/", "multitok shell"),
    ] {
        let response = client
            .get(format!("http://{}{path}", app.addr).parse().unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
        assert!(
            header("content-security-policy").ends_with("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("referrer-policy"), "same-origin", "{path}");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert!(String::from_utf8_lossy(&body).contains(expected), "{path}");
    }
}

#[tokio::test]
async fn web_files_come_precompressed_and_only_hashed_names_are_cached_for_good() {
    let web = tempfile::tempdir().unwrap();
    let shell = "multitok-web-0123456789abcdef_bg.wasm";
    std::fs::write(web.path().join("index.html"), "<html>multitok shell</html>").unwrap();
    std::fs::write(web.path().join("index.html.br"), "brotli index").unwrap();
    std::fs::write(web.path().join(shell), "plain wasm").unwrap();
    std::fs::write(web.path().join(format!("{shell}.br")), "brotli wasm").unwrap();
    std::fs::write(web.path().join(format!("{shell}.gz")), "gzip wasm").unwrap();
    std::fs::write(web.path().join("multitok-web-pages.js"), "pages").unwrap();
    let dir = web.path().to_path_buf();
    let app = TestApp::spawn_with(move |s| s.web_dir = Some(dir)).await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    // (path, Accept-Encoding, body, Content-Encoding, Cache-Control)
    let immutable = "public, max-age=31536000, immutable";
    let cases = [
        (
            format!("/{shell}"),
            "gzip, deflate, br",
            "brotli wasm",
            Some("br"),
            immutable,
        ),
        (
            format!("/{shell}"),
            "gzip",
            "gzip wasm",
            Some("gzip"),
            immutable,
        ),
        (
            format!("/{shell}"),
            "identity",
            "plain wasm",
            None,
            immutable,
        ),
        (
            "/multitok-web-pages.js".to_owned(),
            "br",
            "pages",
            None,
            "no-cache",
        ),
        ("/".to_owned(), "br", "brotli index", Some("br"), "no-cache"),
        (
            "/analytics".to_owned(),
            "identity",
            "<html>multitok shell</html>",
            None,
            "no-cache",
        ),
    ];
    for (path, accept, body, encoding, cache) in cases {
        let request = http::Request::get(format!("http://{}{path}", app.addr))
            .header("accept-encoding", accept)
            .body(Full::new(Bytes::new()))
            .unwrap();
        let response = client.request(request).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
        };
        assert_eq!(
            header("content-encoding").as_deref(),
            encoding,
            "{path} {accept}"
        );
        assert_eq!(header("cache-control").as_deref(), Some(cache), "{path}");
        let got = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(String::from_utf8_lossy(&got), body, "{path} {accept}");
    }
}
