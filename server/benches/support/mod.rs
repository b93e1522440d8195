//! What the server benchmarks share: the release server on a free port with a registered user,
//! stopped with SIGTERM. Each benchmark compiles its own copy and uses part of it.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use multitok_proto::v1 as pb;
use multitok_proto::v1::auth_service_client::AuthServiceClient;
use tonic::transport::Channel;

/// The release server under test and a session on it.
pub struct BenchServer {
    child: Child,
    pub channel: Channel,
    pub access_token: String,
    pub user_id: String,
    pub workspace_id: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `BENCH_SERVER_BIN` (the release server) on `database_url` on a free port; answers the
/// process and its port.
pub fn spawn(database_url: &str) -> (Child, u16) {
    let port = free_port();
    let binary = std::env::var("BENCH_SERVER_BIN")
        .unwrap_or_else(|_| "target/release/multitok-server".into());
    let child = Command::new(&binary)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            database_url,
        ])
        .env("RUST_LOG", "warn")
        .env(
            "MULTITOK_AUTH__JWT_SECRET",
            "benchmark signing key, 32 bytes or more",
        )
        .env(
            "MULTITOK_KEYS_FILE",
            std::env::temp_dir().join(format!("multitok-bench-keys-{port}.toml")),
        )
        .env("MULTITOK_AUTH__SIGNUPS_PER_ADDRESS_PER_HOUR", "100000")
        .env("MULTITOK_AUTH__SIGNUPS_PER_MINUTE", "100000")
        .stdout(Stdio::null())
        .spawn()
        .expect("start the release server (cargo build --release -p multitok-server)");
    (child, port)
}

/// Starts `BENCH_SERVER_BIN` (the release server) on `database_url` and registers a user
/// `<tag>-<pid>@example.com`.
pub async fn start(database_url: &str, tag: &str) -> BenchServer {
    let (child, port) = spawn(database_url);
    let endpoint = Channel::from_shared(format!("http://127.0.0.1:{port}")).unwrap();
    let started = Instant::now();
    let channel = loop {
        if let Ok(ch) = endpoint.connect().await {
            break ch;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let registered = AuthServiceClient::new(channel.clone())
        .register(pb::RegisterRequest {
            email: format!("{tag}-{}@example.com", std::process::id()),
            password: "benchmark password".into(),
            display_name: "Bench".into(),
            invitation: String::new(),
        })
        .await
        .expect("register")
        .into_inner();
    BenchServer {
        child,
        channel,
        access_token: registered.session.unwrap().access_token,
        user_id: registered.user.unwrap().id,
        workspace_id: registered.workspace.unwrap().id,
    }
}

impl BenchServer {
    /// `message` with the session's bearer token.
    pub fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut r = tonic::Request::new(message);
        r.metadata_mut().insert(
            "authorization",
            format!("Bearer {}", self.access_token).parse().unwrap(),
        );
        r
    }

    /// Stops the server with SIGTERM and waits for it.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}
