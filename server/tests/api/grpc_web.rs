//! The browser path: grpc-web over HTTP/1.1, the refresh token as an HttpOnly cookie only.

use bytes::{Buf, Bytes};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use multitok_proto::v1 as pb;
use prost::Message;

use crate::helpers::{PASSWORD, TestApp, unique_email};

/// One grpc-web call; returns the response headers, the message and the trailer text.
async fn grpc_web(
    app: &TestApp,
    path: &str,
    message: impl Message,
    cookie: Option<&str>,
) -> (http::HeaderMap, Bytes, String) {
    let encoded = message.encode_to_vec();
    let mut frame = vec![0u8];
    frame.extend_from_slice(&u32::try_from(encoded.len()).unwrap().to_be_bytes());
    frame.extend_from_slice(&encoded);
    let mut request = http::Request::post(format!("http://{}{path}", app.addr))
        .header("content-type", "application/grpc-web+proto")
        .header("x-grpc-web", "1");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let response = client
        .request(request.body(Full::new(Bytes::from(frame))).unwrap())
        .await
        .expect("http/1.1 call");
    assert_eq!(response.version(), http::Version::HTTP_11);
    let headers = response.headers().clone();
    let mut body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let (mut data, mut trailers) = (Bytes::new(), String::new());
    while body.remaining() >= 5 {
        let flag = body.get_u8();
        let len = body.get_u32() as usize;
        let chunk = body.split_to(len);
        if flag & 0x80 == 0 {
            data = chunk
        } else {
            trailers = String::from_utf8_lossy(&chunk).into_owned()
        }
    }
    (headers, data, trailers)
}

#[tokio::test]
async fn browser_login_sets_an_httponly_cookie_and_refreshes_through_it() {
    let app = TestApp::spawn().await;
    let email = unique_email("web");
    app.register(&email).await;

    let login = pb::LoginRequest {
        email: email.clone(),
        password: PASSWORD.into(),
    };
    let (headers, data, trailers) =
        grpc_web(&app, "/multitok.v1.AuthService/Login", login, None).await;
    assert!(
        trailers.contains("grpc-status:0") || headers.get("grpc-status").is_some_and(|v| v == "0"),
        "{trailers}"
    );
    let body = pb::LoginResponse::decode(data).expect("login response");
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
    let refreshed = pb::RefreshResponse::decode(data)
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

    // The old cookie again: reuse is detected.
    let (headers, _, trailers) = grpc_web(
        &app,
        "/multitok.v1.AuthService/Refresh",
        pb::RefreshRequest::default(),
        Some(&pair),
    )
    .await;
    let status = headers
        .get("grpc-status")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or(trailers);
    assert!(
        status.contains("16"),
        "Unauthenticated expected, got {status}"
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
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert!(String::from_utf8_lossy(&body).contains(expected), "{path}");
    }
}
