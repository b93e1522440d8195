//! `TestApp::spawn()`: a real server on port 0 over a fresh database (SQLite in a temp folder,
//! or a fresh PostgreSQL database when `TEST_BACKEND=postgres`), with one helper per call.

use std::net::SocketAddr;

use multitok_proto::v1 as pb;
use multitok_proto::v1::auth_service_client::AuthServiceClient;
use multitok_proto::v1::workspace_service_client::WorkspaceServiceClient;
use multitok_server::Settings;
use tokio::sync::oneshot;
use tonic::transport::Channel;
use tonic::{Code, Request, Status};

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub addr: SocketAddr,
    pub database_url: String,
    /// The key file the server created (no token keys are configured).
    pub keys_file: std::path::PathBuf,
    pub channel: Channel,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
}

/// A registered user with a live session and their personal workspace.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub email: String,
    pub access_token: String,
    pub refresh_token: String,
    pub workspace_id: String,
}

/// A fresh database URL for one test.
pub async fn database_url(dir: &std::path::Path) -> String {
    if std::env::var("TEST_BACKEND").as_deref() != Ok("postgres") {
        return format!("sqlite://{}?mode=rwc", dir.join("test.db").display());
    }
    let admin =
        std::env::var("TEST_DATABASE_URL").expect("TEST_BACKEND=postgres needs TEST_DATABASE_URL");
    let name = format!("mt_test_{}", uuid::Uuid::new_v4().simple());
    multitok_store::Store::create_database(&admin, &name)
        .await
        .expect("create test database")
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
        init_logs();
        let dir = tempfile::tempdir().expect("temp dir");
        let mut settings = Settings {
            database_url: database_url(dir.path()).await,
            max_connections: 4,
            ..Default::default()
        };
        settings.auth.jwt_secret = "test signing key, at least 32 bytes long".into();
        settings.media_dir = dir.path().join("media");
        settings.keys_file = dir.path().join("keys.toml");
        settings.auth.login_per_email_per_minute = 1000;
        settings.auth.login_per_address_per_minute = 1000;
        settings.auth.logins_per_minute = 100_000;
        settings.auth.signups_per_address_per_hour = 100_000;
        settings.auth.signups_per_minute = 100_000;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        settings.tiktok.redirect_uri = format!("http://{addr}/oauth/tiktok/callback");
        configure(&mut settings);
        let database_url = settings.database_url.clone();
        let keys_file = settings.keys_file.clone();
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(multitok_server::launch(settings, listener, async {
            rx.await.ok();
        }));
        let channel = connect(addr).await;
        TestApp {
            addr,
            database_url,
            keys_file,
            channel,
            shutdown: Some(tx),
            server: Some(server),
            _dir: dir,
        }
    }

    pub fn auth(&self) -> AuthServiceClient<Channel> {
        AuthServiceClient::new(self.channel.clone())
    }

    pub fn workspaces(&self) -> WorkspaceServiceClient<Channel> {
        WorkspaceServiceClient::new(self.channel.clone())
    }

    pub async fn register(&self, email: &str) -> TestUser {
        let response = self
            .auth()
            .register(pb::RegisterRequest {
                email: email.into(),
                password: PASSWORD.into(),
                display_name: email.split('@').next().unwrap_or("someone").into(),
                invitation: String::new(),
            })
            .await
            .expect("register")
            .into_inner();
        let session = response.session.expect("session");
        TestUser {
            id: response.user.expect("user").id,
            email: email.into(),
            access_token: session.access_token,
            refresh_token: session.refresh_token,
            workspace_id: response.workspace.expect("workspace").id,
        }
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<pb::LoginResponse, Status> {
        self.auth()
            .login(pb::LoginRequest {
                email: email.into(),
                password: password.into(),
            })
            .await
            .map(tonic::Response::into_inner)
    }

    /// Adds `user` to `owner`'s workspace with `role`.
    pub async fn add(&self, owner: &TestUser, workspace_id: &str, user: &TestUser, role: pb::Role) {
        self.workspaces()
            .add_member(authed(
                &owner.access_token,
                pb::AddMemberRequest {
                    workspace_id: workspace_id.into(),
                    email: user.email.clone(),
                    role: role.into(),
                },
            ))
            .await
            .expect("add member");
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            tx.send(()).ok();
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("server task")
                .expect("server ran cleanly");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            tx.send(()).ok();
        }
    }
}

async fn connect(addr: SocketAddr) -> Channel {
    let endpoint = Channel::from_shared(format!("http://{addr}")).expect("endpoint");
    for _ in 0..200 {
        if let Ok(channel) = endpoint.connect().await {
            return channel;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("server did not start at {addr}");
}

/// A request carrying `authorization: Bearer <token>`.
pub fn authed<T>(token: &str, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("ascii token"),
    );
    request
}

/// The field names in an `InvalidArgument` status's field violations.
pub fn violated_fields(status: &Status) -> Vec<String> {
    use tonic_types::StatusExt;
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    status
        .get_error_details()
        .bad_request()
        .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
        .unwrap_or_default()
}

pub fn unique_email(tag: &str) -> String {
    format!("{tag}-{}@example.com", uuid::Uuid::new_v4().simple())
}

fn init_logs() {
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter("info")
            .with_test_writer()
            .try_init();
    }
}
