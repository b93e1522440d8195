//! Builds the one-port application (gRPC over HTTP/2, grpc-web over HTTP/1.1, the web app's
//! files) and runs it on a given listener until the shutdown future resolves.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::serve::ListenerExt;
use http::{HeaderName, HeaderValue, Method};
use multitok_store::Store;
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};

use crate::grpc;
use crate::health::Health;
use crate::service::Services;
use multitok_core::config::{Settings, redact_url};
use multitok_core::keys;
use tonic_health::pb::health_server::HealthServer;

/// Connects to the database, migrates it, and serves on `listener` until `shutdown` resolves.
pub async fn launch(
    mut settings: Settings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // Held while serving, so that `restore` refuses to replace the database under us.
    let _in_use = multitok_store::backup::hold(&settings.database_url)
        .context("locking the database file")?;
    let store = Store::connect(&settings.database_url, settings.max_connections)
        .await
        .with_context(|| format!("connecting to {}", redact_url(&settings.database_url)))?;
    store.migrate().await.context("applying migrations")?;
    let key_file = keys::resolve(&mut settings, keys::Missing::Create)?;
    let key = settings.jwt_key()?;
    let mut services =
        Services::new(store.clone(), &settings, &key).context("setting up services")?;
    keys::check_sealed(&store, &services.sealer).await?;
    services.analytics_cache =
        crate::service::analytics::cache::AnalyticsCache::new(&settings.analytics)
            .await?
            .counted_in(services.metrics.clone());
    spawn_housekeeping(services.clone());
    let (reporter, health_service) = tonic_health::server::health_reporter();
    let health = Health::new(
        store.clone(),
        key_file,
        settings.analytics.redis_url.as_deref(),
        reporter,
        grpc::SERVICE_NAMES,
    )?;
    health.check().await;
    health.clone().watch();
    if let Some(address) = settings.metrics_listen {
        let routes = crate::health::metrics_route(services.clone());
        let metrics_listener = TcpListener::bind(address)
            .await
            .with_context(|| format!("binding metrics_listen {address}"))?;
        tracing::info!(%address, "serving metrics");
        tokio::spawn(async move { axum::serve(metrics_listener, routes).await });
    }
    let app = app(&settings, services, health, health_service)?;
    tracing::info!(address = %listener.local_addr()?, "serving");
    // No Nagle delay: small gRPC and grpc-web answers go out at once.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("serving")?;
    store.close().await.ok();
    tracing::info!("stopped");
    Ok(())
}

/// The whole HTTP application.
fn app(
    settings: &Settings,
    services: Services,
    health: Health,
    health_service: HealthServer<impl tonic_health::pb::health_server::Health>,
) -> anyhow::Result<Router> {
    let metrics = services.metrics.clone();
    let mut http_routes = crate::http::routes(services.clone())
        .merge(crate::media_files::routes(services.clone()))
        .merge(crate::health::routes(health));
    if settings.metrics_listen.is_none() {
        http_routes = http_routes.merge(crate::health::metrics_route(services.clone()));
    }
    let grpc = grpc::routes(
        services.clone(),
        settings.auth.secure_cookie,
        health_service,
    )?
    .into_axum_router()
    .layer(axum::middleware::from_fn_with_state(
        services.clone(),
        grpc::idempotent,
    ))
    .layer(axum::middleware::from_fn_with_state(
        services,
        grpc::authenticate,
    ))
    .layer(tonic_web::GrpcWebLayer::new())
    .layer(axum::middleware::from_fn(grpc::classify_transport))
    .merge(http_routes);
    let app = match &settings.web_dir {
        Some(dir) => grpc.fallback_service(spa(dir)),
        None => grpc,
    };
    Ok(app
        .layer(cors(&settings.cors_origins)?)
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            crate::trace::trace_call,
        )))
}

/// The web app's files, with `index.html` for every other path (client-side routes). Files
/// are sent precompressed when the build wrote `.br` or `.gz` copies and the browser accepts
/// them; names with a content hash are cached for good, everything else is revalidated.
fn spa(dir: &Path) -> Router {
    let files = ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(
            ServeFile::new(dir.join("index.html"))
                .precompressed_br()
                .precompressed_gzip(),
        );
    let security = crate::web_headers::WebHeaders::from_dir(dir);
    Router::new()
        .fallback_service(files)
        .layer(axum::middleware::map_response(cache_policy))
        .layer(axum::middleware::map_response(
            move |mut response: axum::response::Response| {
                let security = security.clone();
                async move {
                    security.apply(response.headers_mut());
                    response
                }
            },
        ))
}

/// Caches names with a content hash for a year; everything else is revalidated on each use.
async fn cache_policy(
    uri: http::Uri,
    mut response: axum::response::Response,
) -> axum::response::Response {
    let policy = if content_hashed(uri.path()) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response.headers_mut().insert(
        http::header::CACHE_CONTROL,
        HeaderValue::from_static(policy),
    );
    response
}

/// Whether a file name carries a content hash (Trunk's `name-0123456789abcdef.ext`, and its
/// `…_bg.wasm` and snippet directories), so that its content never changes.
fn content_hashed(path: &str) -> bool {
    path.split('/').any(|segment| {
        let stem = segment.split('.').next().unwrap_or_default();
        let stem = stem.strip_suffix("_bg").unwrap_or(stem);
        stem.rsplit_once('-').is_some_and(|(_, hash)| {
            hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())
        })
    })
}

/// CORS for grpc-web from the configured origins only (same-origin needs none).
fn cors(origins: &[String]) -> anyhow::Result<CorsLayer> {
    let origins = origins
        .iter()
        .map(|o| HeaderValue::from_str(o).with_context(|| format!("bad CORS origin {o:?}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let headers = [
        "content-type",
        "authorization",
        "x-grpc-web",
        "x-user-agent",
        "grpc-timeout",
        "x-request-id",
    ];
    let exposed = [
        "grpc-status",
        "grpc-message",
        "grpc-status-details-bin",
        "x-request-id",
    ];
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([Method::POST, Method::OPTIONS])
        .allow_headers(headers.map(HeaderName::from_static))
        .expose_headers(exposed.map(HeaderName::from_static))
        .max_age(Duration::from_secs(600)))
}

fn spawn_housekeeping(services: Services) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(300));
        loop {
            tick.tick().await;
            services.shrink_throttle();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::content_hashed;

    #[test]
    fn only_names_with_a_content_hash_are_cached_for_good() {
        for hashed in [
            "/multitok-web-6d72be0a000f249d.js",
            "/multitok-web-6d72be0a000f249d_bg.wasm",
            "/style-3f429d33b22b8835.css",
            "/snippets/multitok-web-f763383262f1dbee/inline0.js",
            "/multitok-web-pages-0123456789abcdef.js",
            "/multitok-web-pages-0123456789abcdef_bg.wasm",
            "/pages-0123456789abcdef.css",
        ] {
            assert!(content_hashed(hashed), "{hashed}");
        }
        for fresh in [
            "/",
            "/index.html",
            "/multitok-web-pages.js",
            "/multitok-web-pages_bg.wasm",
            "/analytics",
            "/style-3f429d33b22b88.css",
            "/style-3f429d33b22b88zz.css",
        ] {
            assert!(!content_hashed(fresh), "{fresh}");
        }
    }
}
