//! `GET /healthz` (the process answers), `GET /readyz` (database, migrations, key file, and
//! Redis when configured, as JSON with each check's state), and the gRPC health service, which
//! reports NOT_SERVING while the server is not ready. Readiness is checked every few seconds and
//! on each `/readyz`.

use std::path::PathBuf;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use multitok_core::readiness::{self, Check, Readiness};
use multitok_store::Store;
use tonic_health::ServingStatus;

use crate::service::Services;
use tonic_health::server::HealthReporter;

/// How often readiness is checked when nobody asks.
const WATCH_EVERY: Duration = Duration::from_secs(5);

/// What readiness depends on, and where it is reported.
#[derive(Clone)]
pub struct Health {
    store: Store,
    key_file: Option<PathBuf>,
    redis: Option<redis::Client>,
    reporter: HealthReporter,
    services: &'static [&'static str],
}

impl Health {
    pub fn new(
        store: Store,
        key_file: Option<PathBuf>,
        redis_url: Option<&str>,
        reporter: HealthReporter,
        services: &'static [&'static str],
    ) -> anyhow::Result<Health> {
        let redis = redis_url.map(redis::Client::open).transpose()?;
        Ok(Health {
            store,
            key_file,
            redis,
            reporter,
            services,
        })
    }

    /// Runs every check and reports the outcome to the gRPC health service.
    pub async fn check(&self) -> Readiness {
        let mut checks = readiness::checks(&self.store, self.key_file.as_deref()).await;
        if let Some(client) = &self.redis {
            checks.push(Check::from_result("redis", ping(client).await));
        }
        let readiness = Readiness::new(checks);
        let status = if readiness.ready {
            ServingStatus::Serving
        } else {
            ServingStatus::NotServing
        };
        for service in std::iter::once(&"").chain(self.services) {
            self.reporter.set_service_status(*service, status).await;
        }
        readiness
    }

    /// Checks now and then every few seconds, for as long as the process runs.
    pub fn watch(self) {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(WATCH_EVERY);
            loop {
                tick.tick().await;
                let readiness = self.check().await;
                if !readiness.ready {
                    tracing::warn!(checks = ?readiness.checks, "not ready");
                }
            }
        });
    }
}

async fn ping(client: &redis::Client) -> Result<String, String> {
    let answer = async {
        let mut conn = client.get_multiplexed_async_connection().await?;
        redis::cmd("PING").query_async::<String>(&mut conn).await
    };
    match tokio::time::timeout(Duration::from_secs(2), answer).await {
        Ok(Ok(_)) => Ok("reachable".to_owned()),
        Ok(Err(e)) => Err(format!("unreachable: {e}")),
        Err(_) => Err("no answer within 2 s".to_owned()),
    }
}

pub fn routes(health: Health) -> Router {
    Router::new()
        .route("/healthz", get(alive))
        .route("/readyz", get(ready))
        .with_state(health)
}

/// `GET /metrics` in Prometheus's text format.
pub fn metrics_route(services: Services) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(services)
}

async fn metrics(State(services): State<Services>) -> Response {
    let tiktok = services.tiktok.as_ref();
    match services
        .metrics
        .render(&services.store, tiktok, services.now())
        .await
    {
        Ok(text) => (
            StatusCode::OK,
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "rendering metrics failed");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

async fn alive() -> Response {
    json(StatusCode::OK, &serde_json::json!({ "status": "alive" }))
}

async fn ready(State(health): State<Health>) -> Response {
    let readiness = health.check().await;
    let code = if readiness.ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    json(code, &readiness)
}

fn json(code: StatusCode, body: &impl serde::Serialize) -> Response {
    let text = serde_json::to_string(body).unwrap_or_default();
    (code, [(header::CONTENT_TYPE, "application/json")], text).into_response()
}
