//! `/healthz`, `/readyz` and the gRPC health service: ready while the database, migrations and
//! key file are; NOT_SERVING, with the failing check named, when the key file is gone.

use serde_json::Value;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::helpers::TestApp;

async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    let response = reqwest::get(format!("http://{}{path}", app.addr))
        .await
        .unwrap();
    let code = response.status().as_u16();
    (code, response.json().await.unwrap())
}

async fn grpc_status(app: &TestApp, service: &str) -> i32 {
    HealthClient::new(app.channel.clone())
        .check(HealthCheckRequest {
            service: service.into(),
        })
        .await
        .unwrap()
        .into_inner()
        .status
}

fn check<'a>(body: &'a Value, name: &str) -> &'a Value {
    body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {body}"))
}

#[tokio::test]
async fn readiness_follows_the_key_file_and_the_grpc_health_service_with_it() {
    let redis =
        std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".into());
    let app = TestApp::spawn_with(move |s| s.analytics.redis_url = Some(redis)).await;
    let (code, alive) = get(&app, "/healthz").await;
    assert_eq!((code, alive["status"].as_str()), (200, Some("alive")));
    let (code, ready) = get(&app, "/readyz").await;
    assert_eq!(code, 200, "{ready}");
    assert_eq!(ready["ready"], true);
    for name in ["database", "migrations", "keys", "redis"] {
        assert_eq!(check(&ready, name)["ok"], true, "{ready}");
    }
    assert_eq!(grpc_status(&app, "").await, ServingStatus::Serving as i32);

    let keys = app.keys_file.clone();
    let saved = std::fs::read(&keys).unwrap();
    std::fs::remove_file(&keys).unwrap();
    let (code, ready) = get(&app, "/readyz").await;
    assert_eq!(code, 503, "{ready}");
    assert_eq!(check(&ready, "keys")["ok"], false);
    assert_eq!(check(&ready, "database")["ok"], true);
    assert_eq!(
        grpc_status(&app, "").await,
        ServingStatus::NotServing as i32
    );
    let auth = grpc_status(&app, "multitok.v1.AuthService").await;
    assert_eq!(auth, ServingStatus::NotServing as i32);

    std::fs::write(&keys, saved).unwrap();
    assert_eq!(get(&app, "/readyz").await.0, 200);
    assert_eq!(
        grpc_status(&app, "multitok.v1.AuthService").await,
        ServingStatus::Serving as i32
    );
}

#[tokio::test]
async fn metrics_move_to_their_own_address_when_metrics_listen_is_set() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let metrics_at = free.local_addr().unwrap();
    drop(free);
    let app = TestApp::spawn_with(move |s| s.metrics_listen = Some(metrics_at)).await;
    let main = reqwest::get(format!("http://{}/metrics", app.addr))
        .await
        .unwrap();
    assert_ne!(main.status(), 200);
    assert!(!main.text().await.unwrap().contains("multitok_"));
    let text = reqwest::get(format!("http://{metrics_at}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("# TYPE multitok_rpc_requests_total counter"),
        "{text}"
    );
}
