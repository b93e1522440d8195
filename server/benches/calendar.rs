//! Calendar benchmark (`cargo xtask bench`): fills a workspace with 100 accounts and 5,000
//! scheduled targets in one month, then times `SchedulingService/ListCalendar` for that month
//! against the release server, one call at a time (what a person opening the calendar waits
//! for), on SQLite and, when `BENCH_DATABASE_URL` (or `TEST_DATABASE_URL`) is set, PostgreSQL.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::time::Instant;

use chrono::{TimeDelta, TimeZone, Utc};
use multitok_proto::v1 as pb;
use multitok_proto::v1::scheduling_service_client::SchedulingServiceClient;
use multitok_shared::post_rules::TargetSettings;
use multitok_store::Store;
use multitok_store::accounts::ConnectedAccount;
use multitok_store::posts::{NewPost, NewTarget};
use tonic::transport::Channel;

const ACCOUNTS: usize = 100;
const TARGETS: usize = 5_000;
const CALLS: usize = 200;

fn ts(at: chrono::DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: 0,
    }
}

/// Stores the accounts, one video and the month's posts (one target each) for the workspace.
async fn seed(database_url: &str, workspace_id: &str, user_id: &str) {
    let store = Store::connect(database_url, 4).await.unwrap();
    let now = Utc::now();
    let mut accounts = Vec::with_capacity(ACCOUNTS);
    for i in 0..ACCOUNTS {
        let a = store
            .upsert_account(
                ConnectedAccount {
                    workspace_id: workspace_id.into(),
                    open_id: format!("bench-open-{i}"),
                    display_name: format!("Bench {i}"),
                    username: format!("bench.{i}"),
                    avatar_url: String::new(),
                    access_token_enc: "sealed".into(),
                    refresh_token_enc: "sealed".into(),
                    access_expires_at: now + TimeDelta::hours(2),
                    refresh_expires_at: now + TimeDelta::days(180),
                    scopes: vec!["video.publish".into()],
                },
                now,
            )
            .await
            .unwrap();
        accounts.push(a.id);
    }
    let media = store
        .insert_media(multitok_store::media::Media {
            id: uuid::Uuid::new_v4().to_string(),
            workspace_id: workspace_id.into(),
            name: "bench.mp4".into(),
            content_type: "video/mp4".into(),
            size_bytes: 1,
            sha256: "0".repeat(64),
            storage_key: "bench".into(),
            duration_ms: 10_000,
            width: 1080,
            height: 1920,
            frame_rate: 30.0,
            codec: "avc1".into(),
            created_at: now,
        })
        .await
        .unwrap();
    let start = Utc.with_ymd_and_hms(2030, 3, 1, 0, 0, 0).unwrap();
    let month = TimeDelta::days(31).num_seconds();
    for batch in 0..(TARGETS / 500) {
        let posts = (0..500)
            .map(|j| {
                let n = batch * 500 + j;
                let at = start + TimeDelta::seconds((n as i64 * 7919) % month);
                NewPost {
                    workspace_id: workspace_id.into(),
                    author_id: user_id.into(),
                    caption: format!("Post number {n} #bench"),
                    media_id: media.id.clone(),
                    scheduled_at: at,
                    time_zone: "Europe/Berlin".into(),
                    targets: vec![NewTarget {
                        account_id: accounts[n % ACCOUNTS].clone(),
                        caption: None,
                        settings: TargetSettings {
                            privacy_level: "PUBLIC_TO_EVERYONE".into(),
                            ..TargetSettings::default()
                        },
                    }],
                    traceparent: None,
                }
            })
            .collect();
        store.insert_posts(posts, now).await.unwrap();
    }
}

async fn bench_backend(label: &str, database_url: &str) -> String {
    let server = support::start(database_url, "calendar").await;
    let workspace_id = server.workspace_id.clone();
    let seeding = Instant::now();
    seed(database_url, &workspace_id, &server.user_id).await;
    let seeded = seeding.elapsed();

    let from = Utc.with_ymd_and_hms(2030, 3, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2030, 4, 1, 0, 0, 0).unwrap();
    let mut client =
        SchedulingServiceClient::new(server.channel.clone()).max_decoding_message_size(64 << 20);
    let call = |client: &mut SchedulingServiceClient<Channel>| {
        let request = server.request(pb::ListCalendarRequest {
            workspace_id: workspace_id.clone(),
            from: Some(ts(from)),
            to: Some(ts(to)),
            account_ids: vec![],
        });
        let mut client = client.clone();
        async move { client.list_calendar(request).await.unwrap().into_inner() }
    };
    let first = call(&mut client).await;
    assert_eq!(
        first.entries.len(),
        TARGETS,
        "every target of the month is listed"
    );
    let bytes = prost::Message::encoded_len(&first);
    for _ in 0..10 {
        call(&mut client).await;
    }
    let mut latencies = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let t = Instant::now();
        call(&mut client).await;
        latencies.push(t.elapsed());
    }
    latencies.sort_unstable();
    let pct = |p: f64| latencies[((CALLS as f64 * p) as usize).min(CALLS - 1)];
    server.stop();
    format!(
        "| {label} | {:.1} ms | {:.1} ms | {:.0} KB | {:.1} s |\n",
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        bytes as f64 / 1000.0,
        seeded.as_secs_f64()
    )
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = format!(
        "## ListCalendar: one month, {TARGETS} targets across {ACCOUNTS} accounts, {CALLS} sequential calls\n\n\
         | database | p50 | p99 | response | seeding |\n|---|---|---|---|---|\n"
    );
    let sqlite = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("calendar.db").display()
    );
    report += &bench_backend("SQLite", &sqlite).await;
    let pg = std::env::var("BENCH_DATABASE_URL").or_else(|_| std::env::var("TEST_DATABASE_URL"));
    if let Ok(admin) = pg {
        let name = format!("mt_calendar_{}", std::process::id());
        let url = Store::create_database(&admin, &name).await.unwrap();
        report += &bench_backend("PostgreSQL", &url).await;
        Store::drop_database(&admin, &name).await.unwrap();
    } else {
        report += "\n(PostgreSQL skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL)\n";
    }
    println!("{report}");
    let out = std::path::PathBuf::from(
        std::env::var("BENCH_OUT").unwrap_or_else(|_| "target/bench".into()),
    );
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("calendar.md"), report).unwrap();
}
