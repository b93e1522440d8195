//! Media upload benchmark (`cargo xtask bench`): a 200 MB MP4 sent to the release server in
//! 4 MiB `UploadChunk` calls by a tonic client, then `FinishUpload` (join, SHA-256, probe,
//! store); reports MB/s for each phase and the server's peak resident memory.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use multitok_proto::v1 as pb;
use multitok_proto::v1::auth_service_client::AuthServiceClient;
use multitok_proto::v1::publishing_service_client::PublishingServiceClient;
use sha2::{Digest, Sha256};
use tonic::transport::Channel;

const FRAMES: u32 = 3000;
const FRAME_BYTES: usize = 66_666;
const CHUNK: usize = 4 * 1024 * 1024;

fn rss_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A ~200 MB H.264-track MP4 (30 fps, 100 s) written with the mp4 crate.
fn write_video(path: &std::path::Path) {
    let config = mp4::Mp4Config {
        major_brand: str::parse("isom").unwrap(),
        minor_version: 512,
        compatible_brands: vec![str::parse("isom").unwrap(), str::parse("avc1").unwrap()],
        timescale: 1000,
    };
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut w = mp4::Mp4Writer::write_start(file, &config).unwrap();
    let avc = mp4::AvcConfig {
        width: 1080,
        height: 1920,
        seq_param_set: vec![0x67, 0x64, 0, 0x1f],
        pic_param_set: vec![0x68, 0xeb],
    };
    w.add_track(&mp4::TrackConfig {
        track_type: mp4::TrackType::Video,
        timescale: 30000,
        language: "und".into(),
        media_conf: mp4::MediaConfig::AvcConfig(avc),
    })
    .unwrap();
    for i in 0..FRAMES {
        let bytes = mp4::Bytes::from(vec![(i % 251) as u8; FRAME_BYTES]);
        w.write_sample(
            1,
            &mp4::Mp4Sample {
                start_time: u64::from(i) * 1000,
                duration: 1000,
                rendering_offset: 0,
                is_sync: i % 30 == 0,
                bytes,
            },
        )
        .unwrap();
    }
    w.write_end().unwrap();
    w.into_writer().flush().unwrap();
}

fn authed<T>(token: &str, message: T) -> tonic::Request<T> {
    let mut r = tonic::Request::new(message);
    r.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    r
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("video.mp4");
    write_video(&video);
    let size = std::fs::metadata(&video).unwrap().len();
    let sha = hex::encode(Sha256::digest(std::fs::read(&video).unwrap()));

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let binary = std::env::var("BENCH_SERVER_BIN")
        .unwrap_or_else(|_| "target/release/multitok-server".into());
    let db = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let mut server = Command::new(&binary)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &db,
        ])
        .env("RUST_LOG", "warn")
        .env("MULTITOK_MEDIA_DIR", dir.path().join("media"))
        .env("MULTITOK_KEYS_FILE", dir.path().join("keys.toml"))
        .env(
            "MULTITOK_AUTH__JWT_SECRET",
            "benchmark signing key, 32 bytes or more",
        )
        .stdout(Stdio::null())
        .spawn()
        .expect("start the release server");
    let endpoint = Channel::from_shared(format!("http://127.0.0.1:{port}")).unwrap();
    let start = Instant::now();
    let channel = loop {
        if let Ok(c) = endpoint.connect().await {
            break c;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let reg = AuthServiceClient::new(channel.clone())
        .register(pb::RegisterRequest {
            email: "upload-bench@example.com".into(),
            password: "benchmark password".into(),
            display_name: "Bench".into(),
            invitation: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    let token = reg.session.unwrap().access_token;
    let ws = reg.workspace.unwrap().id;
    let mut client = PublishingServiceClient::new(channel)
        .max_decoding_message_size(8 << 20)
        .max_encoding_message_size(8 << 20);
    let idle = rss_kib(server.id(), "VmRSS:");
    let pid = server.id();
    let peak = Arc::new(AtomicU64::new(0));
    let sampler = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss_kib(pid, "VmRSS:"), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let begin = pb::BeginUploadRequest {
        workspace_id: ws.clone(),
        name: "bench.mp4".into(),
        size_bytes: size,
        sha256: sha,
    };
    let upload = client
        .begin_upload(authed(&token, begin))
        .await
        .unwrap()
        .into_inner()
        .upload
        .unwrap();
    let mut file = std::fs::File::open(&video).unwrap();
    let mut buf = vec![0u8; CHUNK];
    let mut offset = 0u64;
    let t = Instant::now();
    loop {
        let n = file.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        let chunk = pb::UploadChunkRequest {
            workspace_id: ws.clone(),
            upload_id: upload.id.clone(),
            offset,
            data: buf[..n].to_vec(),
        };
        offset = client
            .upload_chunk(authed(&token, chunk))
            .await
            .unwrap()
            .into_inner()
            .received_bytes;
    }
    let chunks = t.elapsed();
    let t = Instant::now();
    let media = client
        .finish_upload(authed(
            &token,
            pb::FinishUploadRequest {
                workspace_id: ws,
                upload_id: upload.id,
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .media
        .unwrap();
    let finish = t.elapsed();
    sampler.abort();
    let _ = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    let _ = server.wait();
    assert_eq!(media.size_bytes, size);

    let mb = size as f64 / 1e6;
    let report = format!(
        "## Media upload to the server (tonic client, loopback, SQLite, local media directory)\n\n\
         - {mb:.0} MB MP4 in {} chunks of 4 MiB: **{:.0} MB/s** ({:.2} s)\n\
         - finish (join chunks, SHA-256, probe, store): {:.2} s ({:.0} MB/s)\n\
         - server resident memory: {:.1} MiB before, **{:.1} MiB peak** during upload and finish\n",
        size.div_ceil(CHUNK as u64),
        mb / chunks.as_secs_f64(),
        chunks.as_secs_f64(),
        finish.as_secs_f64(),
        mb / finish.as_secs_f64(),
        idle as f64 / 1024.0,
        peak.load(Ordering::Relaxed) as f64 / 1024.0,
    );
    println!("{report}");
    let out = std::path::PathBuf::from(
        std::env::var("BENCH_OUT").unwrap_or_else(|_| "target/bench".into()),
    );
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("upload.md"), report).unwrap();
}
