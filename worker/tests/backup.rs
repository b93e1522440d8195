//! `multitok-server backup` during a publish burst (a worker process publishing 20 targets),
//! then `restore` into a fresh directory: a server started there shows every post, account and
//! snapshot the backup was taken over, and `restore` refuses a database a server holds.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod harness;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use harness::{Workers, World, authed, sandbox_config};
use multitok_proto::v1 as pb;
use multitok_proto::v1::account_service_client::AccountServiceClient;
use multitok_proto::v1::publishing_service_client::PublishingServiceClient;
use multitok_store::Store;
use multitok_worker::Clock;
use multitok_worker::sync::sync_once;
use tonic::transport::Channel;

/// The server binary that `cargo test --workspace` builds beside this test's own.
fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("multitok-server");
    assert!(
        bin.exists(),
        "{} is missing: `cargo build -p multitok-server`",
        bin.display()
    );
    bin
}

fn server(args: &[&str], database_url: &str) -> Output {
    Command::new(server_binary())
        .args(args)
        .env("MULTITOK_DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("restored.db").display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_a_burst_restores_every_post_account_and_snapshot() {
    let w = World::on(false, sandbox_config()).await;
    let accounts = [
        w.connect("sbx-open-ana").await,
        w.connect("sbx-open-ben").await,
    ];
    let ctx = w.worker(Clock::system()).await;
    assert_eq!(sync_once(&ctx, &ctx.sync_cron).await.unwrap(), 2);
    let mut snapshots = Vec::new();
    for a in &accounts {
        snapshots.push(ctx.core.store.snapshot_counts(a).await.unwrap());
    }
    let at = chrono::Utc::now() + chrono::TimeDelta::seconds(1);
    let mut posts = Vec::new();
    for _ in 0..10 {
        posts.push(w.schedule(&[&accounts[0], &accounts[1]], at).await.id);
    }
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_multitok-worker"));
    let mut workers = Workers(vec![w.spawn_worker(&binary, &[])]);
    wait_for_the_first_publish(&w, &posts).await;
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("backup.db");
    let out = server(
        &["backup", "--to", backup.to_str().unwrap()],
        &w.settings.database_url,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    workers.stop();

    let held = server(
        &["restore", "--from", backup.to_str().unwrap()],
        &w.settings.database_url,
    );
    assert!(
        !held.status.success(),
        "restored over a database a server holds"
    );
    let said = String::from_utf8_lossy(&held.stderr);
    assert!(said.contains("stop them"), "{said}");

    let fresh = tempfile::tempdir().unwrap();
    let url = sqlite_url(fresh.path());
    let out = server(&["restore", "--from", backup.to_str().unwrap()], &url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::connect(&url, 1).await.unwrap();
    for (a, before) in accounts.iter().zip(&snapshots) {
        assert_eq!(
            store.snapshot_counts(a).await.unwrap().0,
            before.0,
            "snapshots of {a}"
        );
    }
    drop(store);
    let (channel, _stop) = serve_restored(&w, &url, fresh.path()).await;
    check_everything_is_there(&w, channel, &posts, &accounts).await;
}

async fn wait_for_the_first_publish(w: &World, posts: &[String]) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let post = w.post(&posts[0]).await;
        if post
            .targets
            .iter()
            .any(|t| t.state != pb::TargetState::Scheduled as i32)
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the worker started nothing in 60 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A server on the restored database, with the original's keys.
async fn serve_restored(
    w: &World,
    url: &str,
    dir: &Path,
) -> (Channel, tokio::sync::oneshot::Sender<()>) {
    let mut settings = w.settings.clone();
    settings.database_url = url.to_owned();
    settings.keys_file = dir.join("keys.toml");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(multitok_server::launch(settings, listener, async {
        rx.await.ok();
    }));
    let endpoint = Channel::from_shared(format!("http://{addr}")).unwrap();
    (endpoint.connect().await.unwrap(), tx)
}

async fn check_everything_is_there(
    w: &World,
    channel: Channel,
    posts: &[String],
    accounts: &[String],
) {
    let mut publishing = PublishingServiceClient::new(channel.clone());
    for id in posts {
        let request = pb::GetPostRequest {
            workspace_id: w.workspace_id.clone(),
            post_id: id.clone(),
        };
        let post = publishing
            .get_post(authed(&w.token, request))
            .await
            .unwrap()
            .into_inner()
            .post
            .unwrap();
        assert_eq!(post.targets.len(), 2, "post {id}");
    }
    let listed = AccountServiceClient::new(channel)
        .list_accounts(authed(
            &w.token,
            pb::ListAccountsRequest {
                workspace_id: w.workspace_id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .accounts;
    for a in accounts {
        assert!(listed.iter().any(|l| &l.id == a), "account {a}");
    }
}
