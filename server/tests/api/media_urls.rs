//! Media files at signed URLs: the `<video>` previews of the web app. A URL from the API plays
//! its file, ranges included, without a token; a changed signature or another workspace's path
//! is the same 404 as a file that does not exist.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use multitok_proto::v1 as pb;
use multitok_proto::v1::publishing_service_client::PublishingServiceClient;

use crate::helpers::{TestApp, authed, unique_email};
use crate::media::{mp4_file_with, sha};

/// GET `path` with an optional Range; the status, Content-Type and body.
async fn get(app: &TestApp, path: &str, range: Option<&str>) -> (u16, String, Vec<u8>) {
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let mut request = http::Request::get(format!("http://{}{path}", app.addr));
    if let Some(r) = range {
        request = request.header("range", r);
    }
    let response = client
        .request(request.body(Empty::new()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, kind, body)
}

#[tokio::test]
async fn a_listed_video_plays_from_its_signed_url_and_nothing_else_does() {
    let app = TestApp::spawn().await;
    let owner = app.register(&unique_email("media-url")).await;
    let stranger = app.register(&unique_email("media-url-other")).await;
    let file = mp4_file_with(720, 1280, 30, 60, 500);
    let mut client = PublishingServiceClient::new(app.channel.clone());
    let ws = owner.workspace_id.clone();
    let begin = pb::BeginUploadRequest {
        workspace_id: ws.clone(),
        name: "clip.mp4".into(),
        size_bytes: file.len() as u64,
        sha256: sha(&file),
    };
    let up = client
        .begin_upload(authed(&owner.access_token, begin))
        .await
        .unwrap()
        .into_inner()
        .upload
        .unwrap();
    let chunk = pb::UploadChunkRequest {
        workspace_id: ws.clone(),
        upload_id: up.id.clone(),
        offset: 0,
        data: file.clone(),
    };
    client
        .upload_chunk(authed(&owner.access_token, chunk))
        .await
        .unwrap();
    let finish = pb::FinishUploadRequest {
        workspace_id: ws.clone(),
        upload_id: up.id,
    };
    let media = client
        .finish_upload(authed(&owner.access_token, finish))
        .await
        .unwrap()
        .into_inner()
        .media
        .unwrap();
    let listed = client
        .list_media(authed(
            &owner.access_token,
            pb::ListMediaRequest {
                workspace_id: ws.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .media;
    let url = listed[0].preview_url.clone();
    assert!(
        url.starts_with(&format!("/media/{ws}/{}?expires=", media.id)),
        "{url}"
    );

    let (status, kind, body) = get(&app, &url, None).await;
    assert_eq!((status, kind.as_str()), (200, "video/mp4"));
    assert_eq!(body, file, "the whole file");
    let (status, _, body) = get(&app, &url, Some("bytes=100-199")).await;
    assert_eq!(
        (status, body.as_slice()),
        (206, &file[100..200]),
        "a range, for seeking"
    );

    let tampered = format!("{}A", url.trim_end_matches(|c: char| c != '='));
    let elsewhere = url.replace(&ws, &stranger.workspace_id);
    let unsigned = url.split('?').next().unwrap().to_owned();
    let unknown = url.replace(&media.id, "0123456789abcdef0123456789abcdef");
    for refused in [tampered, elsewhere, unsigned, unknown] {
        let (status, _, body) = get(&app, &refused, None).await;
        assert_eq!(status, 404, "{refused}");
        assert!(body.is_empty(), "{refused} tells nothing");
    }
}
