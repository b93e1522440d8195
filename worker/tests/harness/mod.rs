//! A world for worker tests: the TikTok sandbox and the real server in process over a fresh
//! database (SQLite, or PostgreSQL with `TEST_BACKEND=postgres`), a user with connected sandbox
//! accounts, a video, and posts scheduled through the API; plus worker contexts on the same
//! database with a clock the test moves.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use multitok_core::Core;
use multitok_proto::v1 as pb;
use multitok_proto::v1::account_service_client::AccountServiceClient;
use multitok_proto::v1::auth_service_client::AuthServiceClient;
use multitok_proto::v1::publishing_service_client::PublishingServiceClient;
use multitok_proto::v1::scheduling_service_client::SchedulingServiceClient;
use multitok_sandbox::{Sandbox, SandboxConfig};
use multitok_server::Settings;
use multitok_store::Store;
use multitok_worker::{Clock, Ctx};
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;
use tonic::Request;
use tonic::transport::Channel;

pub const CLIP: &[u8] = include_bytes!("../../../web/e2e/fixtures/clip-720x1280-30fps.mp4");
pub const TOKEN_KEY: &str = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

pub struct World {
    pub sandbox: Sandbox,
    pub settings: Settings,
    pub addr: SocketAddr,
    pub channel: Channel,
    pub http: reqwest::Client,
    pub token: String,
    pub workspace_id: String,
    pub media_id: String,
    shutdown: Option<oneshot::Sender<()>>,
    _dir: tempfile::TempDir,
}

/// A clock the test sets.
#[derive(Clone)]
pub struct TestClock(Arc<Mutex<DateTime<Utc>>>);

impl TestClock {
    pub fn at(t: DateTime<Utc>) -> TestClock {
        TestClock(Arc::new(Mutex::new(t)))
    }
    pub fn set(&self, t: DateTime<Utc>) {
        *self.0.lock().unwrap() = t;
    }
    pub fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
    pub fn clock(&self) -> Clock {
        let me = self.clone();
        Clock::from_fn(move || me.now())
    }
}

pub fn authed<T>(token: &str, message: T) -> Request<T> {
    let mut r = Request::new(message);
    r.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    r
}

/// Whether tests run on PostgreSQL (`TEST_BACKEND=postgres`) or SQLite.
pub fn postgres_from_env() -> bool {
    std::env::var("TEST_BACKEND").as_deref() == Ok("postgres")
}

async fn database_url(dir: &std::path::Path, postgres: bool) -> String {
    if !postgres {
        return format!("sqlite://{}?mode=rwc", dir.join("worker.db").display());
    }
    let admin =
        std::env::var("TEST_DATABASE_URL").expect("TEST_BACKEND=postgres needs TEST_DATABASE_URL");
    let name = format!("mt_worker_{}", uuid::Uuid::new_v4().simple());
    Store::create_database(&admin, &name).await.unwrap()
}

impl World {
    pub async fn new(config: SandboxConfig) -> World {
        World::on(postgres_from_env(), config).await
    }

    pub async fn on(postgres: bool, config: SandboxConfig) -> World {
        let sandbox = Sandbox::spawn(config).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings {
            database_url: database_url(dir.path(), postgres).await,
            max_connections: 8,
            ..Default::default()
        };
        settings.auth.jwt_secret = "test signing key, at least 32 bytes long".into();
        settings.media_dir = dir.path().join("media");
        settings.tiktok.client_key = sandbox.app.config.client_key.clone();
        settings.tiktok.client_secret = sandbox.app.config.client_secret.clone();
        settings.tiktok.api_base = sandbox.url();
        settings.tiktok.authorize_url = String::new();
        settings.tiktok.token_keys = vec![TOKEN_KEY.into()];
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        settings.tiktok.redirect_uri = format!("http://{addr}/oauth/tiktok/callback");
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(multitok_server::launch(settings.clone(), listener, async {
            rx.await.ok();
        }));
        let endpoint = Channel::from_shared(format!("http://{addr}")).unwrap();
        let channel = loop {
            if let Ok(c) = endpoint.connect().await {
                break c;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        };
        let registered = AuthServiceClient::new(channel.clone())
            .register(pb::RegisterRequest {
                email: format!("worker-{}@example.com", uuid::Uuid::new_v4().simple()),
                password: "correct horse battery".into(),
                display_name: "Worker Test".into(),
                invitation: String::new(),
            })
            .await
            .unwrap()
            .into_inner();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut world = World {
            sandbox,
            settings,
            addr,
            channel,
            http,
            token: registered.session.unwrap().access_token,
            workspace_id: registered.workspace.unwrap().id,
            media_id: String::new(),
            shutdown: Some(tx),
            _dir: dir,
        };
        world.media_id = world.upload(CLIP).await;
        world
    }

    /// Connects a sandbox creator through the server's OAuth flow; answers the account id.
    pub async fn connect(&self, open_id: &str) -> String {
        let started = AccountServiceClient::new(self.channel.clone())
            .start_connect(authed(
                &self.token,
                pb::StartConnectRequest {
                    workspace_id: self.workspace_id.clone(),
                },
            ))
            .await
            .unwrap();
        // The connection completes only in the "browser" holding the cookie it set.
        let cookie = started
            .metadata()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap();
        let cookie = cookie.split(';').next().unwrap().to_owned();
        let url = started.into_inner().authorize_url;
        let consent = self
            .http
            .get(format!("{url}&auto_approve={open_id}"))
            .send()
            .await
            .unwrap();
        let back = consent.headers()["location"].to_str().unwrap().to_owned();
        let landing = self
            .http
            .get(back)
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        let to = landing.headers()["location"].to_str().unwrap().to_owned();
        to.split("connected=").nth(1).expect("connected").to_owned()
    }

    pub async fn upload(&self, bytes: &[u8]) -> String {
        let mut c = PublishingServiceClient::new(self.channel.clone());
        let up = c
            .begin_upload(authed(
                &self.token,
                pb::BeginUploadRequest {
                    workspace_id: self.workspace_id.clone(),
                    name: "clip.mp4".into(),
                    size_bytes: bytes.len() as u64,
                    sha256: hex::encode(Sha256::digest(bytes)),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .upload
            .unwrap();
        c.upload_chunk(authed(
            &self.token,
            pb::UploadChunkRequest {
                workspace_id: self.workspace_id.clone(),
                upload_id: up.id.clone(),
                offset: 0,
                data: bytes.to_vec(),
            },
        ))
        .await
        .unwrap();
        c.finish_upload(authed(
            &self.token,
            pb::FinishUploadRequest {
                workspace_id: self.workspace_id.clone(),
                upload_id: up.id,
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .media
        .unwrap()
        .id
    }

    /// Schedules one public post for the accounts at `at` (UTC), quota warnings accepted.
    pub async fn schedule(&self, accounts: &[&str], at: DateTime<Utc>) -> pb::Post {
        self.schedule_with(accounts, at, |_| {}).await
    }

    pub async fn schedule_with(
        &self,
        accounts: &[&str],
        at: DateTime<Utc>,
        edit: impl Fn(&mut pb::TargetSettings),
    ) -> pb::Post {
        let request = self.schedule_request(accounts, at, edit);
        SchedulingServiceClient::new(self.channel.clone())
            .schedule(authed(&self.token, request))
            .await
            .unwrap()
            .into_inner()
            .post
            .unwrap()
    }

    /// The `Schedule` request for this world's clip on `accounts` at `at` (UTC).
    pub fn schedule_request(
        &self,
        accounts: &[&str],
        at: DateTime<Utc>,
        edit: impl Fn(&mut pb::TargetSettings),
    ) -> pb::ScheduleRequest {
        let targets = accounts
            .iter()
            .map(|a| {
                let mut settings = pb::TargetSettings {
                    privacy_level: "PUBLIC_TO_EVERYONE".into(),
                    ..Default::default()
                };
                edit(&mut settings);
                pb::TargetInput {
                    account_id: (*a).into(),
                    settings: Some(settings),
                    caption: None,
                }
            })
            .collect();
        pb::ScheduleRequest {
            workspace_id: self.workspace_id.clone(),
            media_id: self.media_id.clone(),
            caption: "Hello from the worker test".into(),
            targets,
            when: Some(pb::schedule_request::When::At(pb::LocalTime {
                local: at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                time_zone: "UTC".into(),
            })),
            accept_quota_warning: true,
        }
    }

    pub async fn post(&self, id: &str) -> pb::Post {
        PublishingServiceClient::new(self.channel.clone())
            .get_post(authed(
                &self.token,
                pb::GetPostRequest {
                    workspace_id: self.workspace_id.clone(),
                    post_id: id.into(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .post
            .unwrap()
    }

    pub async fn history(&self, id: &str) -> Vec<pb::PublishEvent> {
        PublishingServiceClient::new(self.channel.clone())
            .list_publish_history(authed(
                &self.token,
                pb::ListPublishHistoryRequest {
                    workspace_id: self.workspace_id.clone(),
                    post_id: id.into(),
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .events
    }

    /// The core on the same database, on the system clock.
    pub async fn core(&self) -> Core {
        self.core_on(Clock::system()).await
    }

    async fn core_on(&self, clock: Clock) -> Core {
        let store = Store::connect(&self.settings.database_url, 8)
            .await
            .unwrap();
        Core::new(store, &self.settings, clock).unwrap()
    }

    /// A worker on the same database, on `clock`.
    pub async fn worker(&self, clock: Clock) -> Ctx {
        let mut ctx = Ctx::new(self.core_on(clock).await);
        ctx.poll_every = chrono::TimeDelta::seconds(1);
        ctx
    }

    /// Reads one of the sandbox's admin answers (`path` such as `/admin/counters`).
    async fn admin_json(&self, path: &str) -> serde_json::Value {
        self.http
            .get(format!("{}{path}", self.sandbox.url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Every creator's counters in the sandbox: `{open_id: {init_calls, published, refreshes}}`.
    pub async fn all_counters(&self) -> serde_json::Value {
        self.admin_json("/admin/counters").await
    }

    /// When the sandbox received each accepted init, per creator (ms since the epoch).
    pub async fn init_arrivals(&self) -> std::collections::HashMap<String, Vec<i64>> {
        serde_json::from_value(self.admin_json("/admin/inits").await).unwrap()
    }

    /// Cancels the post through the API, as a person would.
    pub async fn cancel(&self, post_id: &str) {
        SchedulingServiceClient::new(self.channel.clone())
            .cancel(authed(
                &self.token,
                pb::CancelRequest {
                    workspace_id: self.workspace_id.clone(),
                    post_id: post_id.into(),
                    target_id: String::new(),
                },
            ))
            .await
            .unwrap();
    }

    /// Moves the post to `at` (UTC) through the API, quota warnings accepted.
    pub async fn reschedule(&self, post_id: &str, at: DateTime<Utc>) {
        SchedulingServiceClient::new(self.channel.clone())
            .reschedule(authed(
                &self.token,
                pb::RescheduleRequest {
                    workspace_id: self.workspace_id.clone(),
                    post_id: post_id.into(),
                    at: Some(pb::LocalTime {
                        local: at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                        time_zone: "UTC".into(),
                    }),
                    accept_quota_warning: true,
                },
            ))
            .await
            .unwrap();
    }

    /// The sandbox's counters for a creator: (init calls, published).
    pub async fn counters(&self, open_id: &str) -> (u64, u64) {
        let all = self.all_counters().await;
        let c = &all[open_id];
        (
            c["init_calls"].as_u64().unwrap_or(0),
            c["published"].as_u64().unwrap_or(0),
        )
    }

    /// Starts a worker process (`binary`) with this world's settings and the given flags.
    pub fn spawn_worker(&self, binary: &std::path::Path, flags: &[&str]) -> std::process::Child {
        self.spawn_worker_with(binary, flags, &[])
    }

    /// [`World::spawn_worker`] with extra environment variables.
    pub fn spawn_worker_with(
        &self,
        binary: &std::path::Path,
        flags: &[&str],
        env: &[(&str, &str)],
    ) -> std::process::Child {
        let keys = self.settings.media_dir.with_file_name("token-keys");
        if std::fs::read_to_string(&keys).ok().as_deref() != Some(TOKEN_KEY) {
            // Written aside and renamed, so a worker starting meanwhile never reads half a file.
            let partial = keys.with_extension("partial");
            std::fs::write(&partial, TOKEN_KEY).unwrap();
            std::fs::rename(&partial, &keys).unwrap();
        }
        // `WORKER_LOG=info` shows the workers' logs.
        let log = std::env::var("WORKER_LOG").ok();
        std::process::Command::new(binary)
            .arg("run")
            .args(flags)
            .env("MULTITOK_DATABASE_URL", &self.settings.database_url)
            .env("MULTITOK_MEDIA_DIR", &self.settings.media_dir)
            .env(
                "MULTITOK_TIKTOK__CLIENT_KEY",
                &self.settings.tiktok.client_key,
            )
            .env(
                "MULTITOK_TIKTOK__CLIENT_SECRET",
                &self.settings.tiktok.client_secret,
            )
            .env("MULTITOK_TIKTOK__API_BASE", &self.settings.tiktok.api_base)
            .env("MULTITOK_TIKTOK__TOKEN_KEYS_FILE", &keys)
            .envs(env.iter().copied())
            .env("RUST_LOG", log.as_deref().unwrap_or("warn"))
            .stdout(if log.is_some() {
                std::process::Stdio::inherit()
            } else {
                std::process::Stdio::null()
            })
            .spawn()
            .expect("start multitok-worker")
    }

    /// The creator revokes the app on TikTok: the account's tokens stop working.
    pub async fn revoke(&self, services: &Core, account_id: &str) {
        let account = services
            .store
            .account(&self.workspace_id, account_id)
            .await
            .unwrap()
            .unwrap();
        let plain = services
            .sealer
            .open(account.access_token_enc.as_deref().unwrap())
            .unwrap();
        services
            .tiktok()
            .unwrap()
            .revoke(&oauth2::AccessToken::new(plain))
            .await
            .unwrap();
    }

    pub async fn fault(&self, body: serde_json::Value) {
        let r = self
            .http
            .post(format!("{}/admin/faults", self.sandbox.url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    }

    pub async fn admin(&self, path: &str) {
        let r = self
            .http
            .post(format!("{}{path}", self.sandbox.url()))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.status());
    }
}

impl Drop for World {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Fast sandbox timings for tests.
pub fn sandbox_config() -> SandboxConfig {
    SandboxConfig {
        processing_ms: 0,
        moderation_ms: 0,
        ..SandboxConfig::default()
    }
}

pub fn state(t: &pb::PostTarget) -> pb::TargetState {
    pb::TargetState::try_from(t.state).unwrap()
}

/// Worker processes, stopped with SIGTERM, and killed if the test or benchmark fails.
pub struct Workers(pub Vec<std::process::Child>);

impl Workers {
    pub fn stop(&mut self) {
        for c in &mut self.0 {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &c.id().to_string()])
                .status();
            let _ = c.wait();
        }
        self.0.clear();
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
