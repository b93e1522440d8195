//! Media uploads: chunked and resumable, checksum-verified, probed against TikTok's limits.

use multitok_proto::v1 as pb;
use multitok_proto::v1::publishing_service_client::PublishingServiceClient;
use sha2::{Digest, Sha256};
use tonic::Code;
use tonic::transport::Channel;

use crate::helpers::{TestApp, TestUser, authed, unique_email, violated_fields};

/// A real MP4 (H.264 track header, `frames` samples at `fps`) built with the mp4 crate.
fn mp4_file(width: u16, height: u16, fps: u32, frames: u32) -> Vec<u8> {
    mp4_file_with(width, height, fps, frames, 700)
}

pub(crate) fn mp4_file_with(
    width: u16,
    height: u16,
    fps: u32,
    frames: u32,
    frame_bytes: usize,
) -> Vec<u8> {
    let config = mp4::Mp4Config {
        major_brand: str::parse("isom").unwrap(),
        minor_version: 512,
        compatible_brands: vec![str::parse("isom").unwrap(), str::parse("avc1").unwrap()],
        timescale: 1000,
    };
    let mut writer =
        mp4::Mp4Writer::write_start(std::io::Cursor::new(Vec::new()), &config).unwrap();
    let track = mp4::TrackConfig {
        track_type: mp4::TrackType::Video,
        timescale: fps * 1000,
        language: "und".into(),
        media_conf: mp4::MediaConfig::AvcConfig(mp4::AvcConfig {
            width,
            height,
            seq_param_set: vec![0x67, 0x64, 0x00, 0x1f, 0xac, 0xd9],
            pic_param_set: vec![0x68, 0xeb, 0xe3, 0xcb],
        }),
    };
    writer.add_track(&track).unwrap();
    for i in 0..frames {
        let sample = mp4::Mp4Sample {
            start_time: u64::from(i) * 1000,
            duration: 1000,
            rendering_offset: 0,
            is_sync: i % 30 == 0,
            bytes: mp4::Bytes::from(vec![(i % 251) as u8; frame_bytes]),
        };
        writer.write_sample(1, &sample).unwrap();
    }
    writer.write_end().unwrap();
    writer.into_writer().into_inner()
}

pub(crate) fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

struct World {
    app: TestApp,
    owner: TestUser,
}

impl World {
    async fn new() -> World {
        let app = TestApp::spawn().await;
        let owner = app.register(&unique_email("media")).await;
        World { app, owner }
    }

    fn client(&self) -> PublishingServiceClient<Channel> {
        PublishingServiceClient::new(self.app.channel.clone())
    }

    async fn begin(
        &self,
        name: &str,
        bytes: &[u8],
        checksum: &str,
    ) -> Result<pb::Upload, tonic::Status> {
        let r = pb::BeginUploadRequest {
            workspace_id: self.owner.workspace_id.clone(),
            name: name.into(),
            size_bytes: bytes.len() as u64,
            sha256: checksum.into(),
        };
        Ok(self
            .client()
            .begin_upload(authed(&self.owner.access_token, r))
            .await?
            .into_inner()
            .upload
            .unwrap())
    }

    async fn chunk(&self, upload: &str, offset: usize, data: &[u8]) -> Result<u64, tonic::Status> {
        let r = pb::UploadChunkRequest {
            workspace_id: self.owner.workspace_id.clone(),
            upload_id: upload.into(),
            offset: offset as u64,
            data: data.to_vec(),
        };
        Ok(self
            .client()
            .upload_chunk(authed(&self.owner.access_token, r))
            .await?
            .into_inner()
            .received_bytes)
    }

    async fn finish(&self, upload: &str) -> Result<pb::Media, tonic::Status> {
        let r = pb::FinishUploadRequest {
            workspace_id: self.owner.workspace_id.clone(),
            upload_id: upload.into(),
        };
        Ok(self
            .client()
            .finish_upload(authed(&self.owner.access_token, r))
            .await?
            .into_inner()
            .media
            .unwrap())
    }

    /// Uploads the whole file in `chunk`-byte pieces.
    async fn upload(
        &self,
        name: &str,
        bytes: &[u8],
        chunk: usize,
    ) -> Result<pb::Media, tonic::Status> {
        let up = self.begin(name, bytes, &sha(bytes)).await?;
        for (i, piece) in bytes.chunks(chunk).enumerate() {
            self.chunk(&up.id, i * chunk, piece).await?;
        }
        self.finish(&up.id).await
    }

    async fn list(&self) -> Vec<pb::Media> {
        let r = pb::ListMediaRequest {
            workspace_id: self.owner.workspace_id.clone(),
        };
        self.client()
            .list_media(authed(&self.owner.access_token, r))
            .await
            .unwrap()
            .into_inner()
            .media
    }
}

#[tokio::test]
async fn an_interrupted_upload_resumes_and_the_video_is_probed() {
    let w = World::new().await;
    let file = mp4_file(1080, 1920, 30, 90);
    let up = w.begin("clip.mp4", &file, &sha(&file)).await.unwrap();
    let half = file.len() / 2;
    assert_eq!(
        w.chunk(&up.id, 0, &file[..half]).await.unwrap(),
        half as u64
    );
    // The connection broke; the client asks where to continue.
    let r = pb::GetUploadRequest {
        workspace_id: w.owner.workspace_id.clone(),
        upload_id: up.id.clone(),
    };
    let state = w
        .client()
        .get_upload(authed(&w.owner.access_token, r))
        .await
        .unwrap()
        .into_inner()
        .upload
        .unwrap();
    assert_eq!(state.received_bytes, half as u64);
    let replay = w.chunk(&up.id, 0, &file[..half]).await.unwrap_err();
    assert_eq!(
        replay.code(),
        Code::FailedPrecondition,
        "a repeated chunk is not counted twice"
    );
    w.chunk(&up.id, half, &file[half..]).await.unwrap();
    let media = w.finish(&up.id).await.unwrap();
    assert_eq!(
        (media.width, media.height, media.codec.as_str()),
        (1080, 1920, "H264")
    );
    assert!(
        (media.frame_rate - 30.0).abs() < 0.5,
        "{}",
        media.frame_rate
    );
    assert_eq!(media.duration_ms, 3000);
    assert_eq!(media.sha256, sha(&file));
    assert_eq!(w.list().await.len(), 1);
}

#[tokio::test]
async fn full_size_chunks_are_accepted() {
    let w = World::new().await;
    let file = mp4_file_with(1080, 1920, 30, 120, 40_000);
    assert!(file.len() > 4 * 1024 * 1024);
    let media = w
        .upload("big.mp4", &file, 4 * 1024 * 1024)
        .await
        .expect("a 4 MiB chunk fits in one message");
    assert_eq!(media.size_bytes, file.len() as u64);
}

#[tokio::test]
async fn a_wrong_checksum_stores_nothing() {
    let w = World::new().await;
    let file = mp4_file(720, 1280, 30, 30);
    let up = w.begin("clip.mp4", &file, &"0".repeat(64)).await.unwrap();
    w.chunk(&up.id, 0, &file).await.unwrap();
    let err = w.finish(&up.id).await.unwrap_err();
    assert_eq!(violated_fields(&err), ["sha256"]);
    assert!(w.list().await.is_empty());
}

#[tokio::test]
async fn videos_tiktok_would_refuse_are_refused_readably() {
    let w = World::new().await;
    let garbage: Vec<u8> = (0..5000).map(|i| (i % 7) as u8).collect();
    assert_eq!(
        violated_fields(&w.upload("fake.mp4", &garbage, 4096).await.unwrap_err()),
        ["file"]
    );
    let slow_and_small = mp4_file(320, 240, 15, 30);
    let err = w
        .upload("old.mp4", &slow_and_small, 100_000)
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["frame_rate", "width", "height"]);
    assert!(w.list().await.is_empty());
}

#[tokio::test]
async fn bad_upload_requests_are_invalid_arguments() {
    let w = World::new().await;
    let r = pb::BeginUploadRequest {
        workspace_id: w.owner.workspace_id.clone(),
        name: "movie.webm".into(),
        size_bytes: 5 * 1024 * 1024 * 1024,
        sha256: "xyz".into(),
    };
    let err = w
        .client()
        .begin_upload(authed(&w.owner.access_token, r))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&err), ["name", "size_bytes", "sha256"]);
    let file = mp4_file(720, 1280, 30, 30);
    let up = w.begin("clip.mp4", &file, &sha(&file)).await.unwrap();
    let past_the_end = w
        .chunk(&up.id, 0, &vec![0; file.len() + 1])
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&past_the_end), ["data"]);
}

#[tokio::test]
async fn media_can_be_deleted_and_viewers_cannot_upload() {
    let w = World::new().await;
    let media = w
        .upload("clip.mp4", &mp4_file(720, 1280, 30, 30), 1 << 20)
        .await
        .unwrap();
    let viewer = w.app.register(&unique_email("viewer")).await;
    w.app
        .add(&w.owner, &w.owner.workspace_id, &viewer, pb::Role::Viewer)
        .await;
    let r = pb::BeginUploadRequest {
        workspace_id: w.owner.workspace_id.clone(),
        name: "x.mp4".into(),
        size_bytes: 10,
        sha256: "0".repeat(64),
    };
    assert_eq!(
        w.client()
            .begin_upload(authed(&viewer.access_token, r))
            .await
            .unwrap_err()
            .code(),
        Code::PermissionDenied
    );
    let del = pb::DeleteMediaRequest {
        workspace_id: w.owner.workspace_id.clone(),
        media_id: media.id.clone(),
    };
    w.client()
        .delete_media(authed(&w.owner.access_token, del.clone()))
        .await
        .unwrap();
    assert!(w.list().await.is_empty());
    assert_eq!(
        w.client()
            .delete_media(authed(&w.owner.access_token, del))
            .await
            .unwrap_err()
            .code(),
        Code::NotFound
    );
}

#[tokio::test]
async fn the_storage_quota_counts_videos_and_uploads_in_progress() {
    let file = mp4_file(720, 1280, 30, 30);
    let size = file.len() as u64;
    let app = TestApp::spawn_with(move |s| s.media.quota_bytes = size * 5 / 2).await;
    let owner = app.register(&unique_email("quota")).await;
    let w = World { app, owner };
    w.upload("one.mp4", &file, 64 * 1024).await.unwrap();
    let pending = w.begin("two.mp4", &file, &sha(&file)).await.unwrap();
    w.chunk(&pending.id, 0, &file[..1000]).await.unwrap();
    let err = w.begin("three.mp4", &file, &sha(&file)).await.unwrap_err();
    assert_eq!(err.code(), Code::ResourceExhausted, "{err:?}");
    assert!(err.message().contains("storage quota"), "{}", err.message());
    let listed = w
        .client()
        .list_media(authed(
            &w.owner.access_token,
            pb::ListMediaRequest {
                workspace_id: w.owner.workspace_id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (listed.used_bytes, listed.quota_bytes),
        (2 * size, size * 5 / 2)
    );

    // A day later the unfinished upload is swept, parts and row, and its room is free again.
    let media_dir = w.app.keys_file.parent().unwrap().join("media");
    let mut settings = multitok_server::Settings {
        database_url: w.app.database_url.clone(),
        media_dir: media_dir.clone(),
        ..Default::default()
    };
    settings.tiktok.token_keys = vec![crate::accounts::TOKEN_KEY.into()];
    let store = multitok_store::Store::connect(&w.app.database_url, 1)
        .await
        .unwrap();
    let later = chrono::Utc::now() + chrono::TimeDelta::hours(25);
    let core = multitok_core::Core::new(
        store,
        &settings,
        multitok_core::Clock::from_fn(move || later),
    )
    .unwrap();
    assert_eq!(core.sweep_abandoned_uploads(100).await.unwrap(), 1);
    let parts = std::fs::read_dir(media_dir.join("uploads").join(&pending.id))
        .map(Iterator::count)
        .unwrap_or(0);
    assert_eq!(parts, 0, "the upload's parts are deleted");
    assert_eq!(core.sweep_abandoned_uploads(100).await.unwrap(), 0);
    w.begin("three.mp4", &file, &sha(&file))
        .await
        .expect("room again");
}
