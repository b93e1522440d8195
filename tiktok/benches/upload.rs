//! Client benchmarks (`cargo xtask bench`) against the sandbox binary on loopback: upload
//! throughput of a 200 MB file in 10 MB chunks with the client's peak memory, and the client's
//! overhead per call compared with a bare HTTP request.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use multitok_shared::{ChunkBounds, ChunkPlan};
use multitok_tiktok::{PostInfo, TikTokClient, TikTokConfig, VideoSource};
use tokio::io::AsyncWriteExt;

const FILE_BYTES: u64 = 200_000_000;
const CHUNK_BYTES: u64 = 10_000_000;
const CALLS: u32 = 2000;

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sandbox.json");
    std::fs::write(
        &config,
        r#"{"per_minute_user_info": 100000000, "per_minute_init": 1000}"#,
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let binary = std::env::var("BENCH_SANDBOX_BIN")
        .unwrap_or_else(|_| "target/release/multitok-sandbox".into());
    let mut sandbox = Command::new(&binary)
        .args([
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--config",
            config.to_str().unwrap(),
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start the sandbox binary (cargo build --release -p multitok-sandbox)");
    let base = url::Url::parse(&format!("http://127.0.0.1:{port}")).unwrap();
    let mut cfg = TikTokConfig::new(
        "sbx-client-key",
        "sbx-client-secret",
        "http://127.0.0.1:9/cb",
    )
    .with_base(&base);
    cfg.per_minute = |_| None;
    cfg.timeout = Duration::from_secs(300);
    let client = TikTokClient::new(cfg).unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let start = Instant::now();
    let auth = loop {
        let auth = client.authorize_url(&["user.info.basic", "video.publish"]);
        let mut url = auth.url.clone();
        url.query_pairs_mut()
            .append_pair("auto_approve", "sbx-open-ana");
        if let Ok(r) = http.get(url).send().await {
            let location = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
            let code = location
                .query_pairs()
                .find(|(k, _)| k == "code")
                .unwrap()
                .1
                .into_owned();
            break client
                .exchange_code(&code, &auth.pkce_verifier)
                .await
                .unwrap();
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "sandbox did not start"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let token = auth.access_token;

    // Upload: a 200 MB file on disk, streamed in 10 MB chunks.
    let path = dir.path().join("video.mp4");
    let mut file = tokio::fs::File::create(&path).await.unwrap();
    let block: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    for _ in 0..FILE_BYTES / 1_000_000 {
        file.write_all(&block).await.unwrap();
    }
    file.sync_all().await.unwrap();
    drop(file);
    drop(block);
    let plan = ChunkPlan::new(FILE_BYTES, CHUNK_BYTES, ChunkBounds::default()).unwrap();
    let source = VideoSource::FileUpload {
        video_size: FILE_BYTES,
        chunk_size: CHUNK_BYTES,
        total_chunk_count: plan.total_chunk_count,
    };
    let post = PostInfo {
        privacy_level: "SELF_ONLY".into(),
        ..PostInfo::default()
    };
    let init = client
        .init_direct_video(&token, &post, &source)
        .await
        .unwrap();
    let rss_before = status_kib("VmRSS:");
    let reader = tokio::fs::File::open(&path).await.unwrap();
    let t = Instant::now();
    client
        .upload(&init.upload_url.unwrap(), "video/mp4", &plan, reader)
        .await
        .unwrap();
    let upload = t.elapsed();
    let peak = status_kib("VmHWM:");

    // Overhead: the client's user_info against the same request made with bare reqwest.
    let url = format!("http://127.0.0.1:{port}/v2/user/info/?fields=open_id");
    let bare = {
        let t = Instant::now();
        for _ in 0..CALLS {
            let r = http
                .get(&url)
                .bearer_auth(token.secret())
                .send()
                .await
                .unwrap();
            r.bytes().await.unwrap();
        }
        t.elapsed() / CALLS
    };
    let through_client = {
        let t = Instant::now();
        for _ in 0..CALLS {
            client.user_info(&token, &["open_id"]).await.unwrap();
        }
        t.elapsed() / CALLS
    };
    let _ = sandbox.kill();
    let _ = sandbox.wait();

    let mb = FILE_BYTES as f64 / 1e6;
    let report = format!(
        "## TikTok client against the sandbox (loopback, sandbox as a separate process)\n\n\
         - upload of {mb:.0} MB in {} chunks of {} MB: {:.2} s, **{:.0} MB/s**\n\
         - client process memory: {:.1} MiB resident before the upload, **{:.1} MiB peak** (VmHWM) after it\n\
         - `user_info` per call over {CALLS} sequential calls: bare reqwest {:.0} µs, through the client {:.0} µs, **overhead {:.0} µs**\n",
        plan.total_chunk_count,
        CHUNK_BYTES / 1_000_000,
        upload.as_secs_f64(),
        mb / upload.as_secs_f64(),
        rss_before as f64 / 1024.0,
        peak as f64 / 1024.0,
        bare.as_secs_f64() * 1e6,
        through_client.as_secs_f64() * 1e6,
        (through_client.as_secs_f64() - bare.as_secs_f64()) * 1e6,
    );
    println!("{report}");
    let out = std::path::PathBuf::from(
        std::env::var("BENCH_OUT").unwrap_or_else(|_| "target/bench".into()),
    );
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("tiktok.md"), report).unwrap();
}
