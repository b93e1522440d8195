//! The sandbox keeps its world across restarts when given a state file, and takes faults and
//! seeding from its configuration.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use multitok_sandbox::faults::EndpointFaults;
use multitok_sandbox::{Sandbox, SandboxConfig};

#[tokio::test]
async fn state_file_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json").to_string_lossy().into_owned();
    let config = SandboxConfig {
        state_file: Some(file.clone()),
        seed_creators: 3,
        seed_videos: 5,
        ..SandboxConfig::default()
    };
    let first = Sandbox::spawn(config.clone()).await.unwrap();
    first.app.lock().counters("sbx-open-ana").published = 4;
    first.app.save();
    let creators = first.app.lock().creators.len();
    assert_eq!(creators, 6, "three configured and three seeded creators");
    drop(first);

    let second = Sandbox::spawn(config).await.unwrap();
    let state = second.app.lock();
    assert_eq!(
        state.counters.get("sbx-open-ana").map(|c| c.published),
        Some(4)
    );
    assert_eq!(state.creators["sbx-seed-0002"].videos.len(), 5);
}

#[tokio::test]
async fn faults_can_come_from_the_configuration() {
    let mut config = SandboxConfig::default();
    config.faults.insert(
        "/v2/user/info/".into(),
        EndpointFaults {
            forced_count: 1,
            forced_status: Some(503),
            ..EndpointFaults::default()
        },
    );
    let sandbox = Sandbox::spawn(config).await.unwrap();
    let r = reqwest::get(format!("{}/v2/user/info/?fields=open_id", sandbox.url()))
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "internal_error");
    let again = reqwest::get(format!("{}/v2/user/info/?fields=open_id", sandbox.url()))
        .await
        .unwrap();
    assert_eq!(
        again.status(),
        401,
        "one-shot fault consumed; now the missing token is reported"
    );
}
