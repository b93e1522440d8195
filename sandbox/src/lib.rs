//! `multitok-sandbox`: a faithful local emulator of TikTok's OAuth v2, Display API, Content
//! Posting API, upload URLs and webhooks (see `../shared/docs/tiktok-api.md`, section 9), with
//! fault injection and counters for tests. Run it as a binary or in-process on port 0 with
//! [`Sandbox::spawn`].
// Handlers return ready HTTP answers as their error type; boxing them would only add noise.
#![allow(clippy::result_large_err)]

mod access;
mod admin;
pub mod config;
mod display;
pub mod faults;
mod lifecycle;
mod oauth;
mod posting;
mod respond;
pub mod state;
pub mod stats;
mod upload;
mod webhooks;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State as AxumState};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post, put};
use tokio::net::TcpListener;

pub use config::{CreatorConfig, SandboxConfig};
use faults::Decision;
use state::State;

/// Shared by every handler.
#[derive(Clone)]
pub struct App {
    pub config: Arc<SandboxConfig>,
    state: Arc<Mutex<State>>,
    http: reqwest::Client,
    base_url: Arc<Mutex<String>>,
}

impl App {
    pub fn new(config: SandboxConfig) -> App {
        let state = config
            .state_file
            .as_deref()
            .and_then(|f| std::fs::read(f).ok())
            .and_then(|bytes| serde_json::from_slice::<State>(&bytes).ok())
            .unwrap_or_else(|| State::new(&config));
        let mut state = state;
        state.faults.endpoints = config.faults.clone();
        App {
            config: Arc::new(config),
            state: Arc::new(Mutex::new(state)),
            http: reqwest::Client::new(),
            base_url: Arc::default(),
        }
    }

    /// The state, even if a handler panicked while holding it.
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Where the sandbox is reachable (for upload URLs).
    pub fn base_url(&self) -> String {
        self.base_url.lock().map(|b| b.clone()).unwrap_or_default()
    }

    /// Writes the state file, when one is configured.
    pub fn save(&self) {
        if let Some(file) = &self.config.state_file {
            let json = serde_json::to_vec_pretty(&*self.lock()).unwrap_or_default();
            if let Err(e) = std::fs::write(file, json) {
                tracing::warn!(error = %e, "saving sandbox state failed");
            }
        }
    }
}

/// Every route, at TikTok's exact paths.
pub fn router(app: App) -> Router {
    let api = Router::new()
        .route("/v2/oauth/token/", post(oauth::token))
        .route("/v2/oauth/revoke/", post(oauth::revoke))
        .route("/v2/user/info/", get(display::user_info))
        .route("/v2/video/list/", post(display::video_list))
        .route("/v2/video/query/", post(display::video_query))
        .route(
            "/v2/post/publish/creator_info/query/",
            post(posting::creator_info),
        )
        .route("/v2/post/publish/video/init/", post(posting::video_init))
        .route(
            "/v2/post/publish/inbox/video/init/",
            post(posting::inbox_init),
        )
        .route(
            "/v2/post/publish/content/init/",
            post(posting::content_init),
        )
        .route("/v2/post/publish/status/fetch/", post(lifecycle::status))
        .route("/v2/post/publish/cancel/", post(lifecycle::cancel))
        .route(
            "/upload/",
            put(upload::put_chunk).layer(DefaultBodyLimit::disable()),
        )
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            inject_faults,
        ));
    Router::new()
        .route("/v2/auth/authorize/", get(oauth::consent_page))
        .route("/v2/auth/decide/", get(oauth::decide))
        .route("/static/avatar/{file}", get(display::avatar))
        .merge(api)
        .merge(admin::routes())
        .with_state(app)
}

/// Applies configured faults before (and, for drops, after) the real handler.
async fn inject_faults(AxumState(app): AxumState<App>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let decision = app.lock().faults.decide(&path, rand::random::<f64>());
    match decision {
        Decision::Fail {
            status,
            code,
            latency_ms,
        } => {
            tokio::time::sleep(std::time::Duration::from_millis(latency_ms)).await;
            respond::err(status, &code, "injected fault")
        }
        Decision::Proceed {
            latency_ms,
            drop_after,
        } => {
            tokio::time::sleep(std::time::Duration::from_millis(latency_ms)).await;
            let response = next.run(request).await;
            if drop_after {
                respond::dropped(response.status())
            } else {
                response
            }
        }
    }
}

/// A sandbox running in this process.
pub struct Sandbox {
    pub addr: SocketAddr,
    pub app: App,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Sandbox {
    /// Serves on `127.0.0.1:0` until dropped.
    pub async fn spawn(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        Sandbox::serve(config, listener).await
    }

    /// Serves on the given listener until dropped.
    pub async fn serve(config: SandboxConfig, listener: TcpListener) -> std::io::Result<Sandbox> {
        let addr = listener.local_addr()?;
        let app = App::new(config);
        if let Ok(mut base) = app.base_url.lock() {
            *base = format!("http://{addr}");
        }
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let router = router(app.clone());
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    rx.await.ok();
                })
                .await;
        });
        Ok(Sandbox {
            addr,
            app,
            shutdown: Some(tx),
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
