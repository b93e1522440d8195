//! First start of the real server binary with no keys configured: it writes `data/keys.toml`
//! beside the data, readable by its owner only, and reuses it on the next start; a server whose
//! keys cannot open the stored tokens refuses to start and names the key ids.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use chrono::Utc;
use multitok_core::crypto::Sealer;
use multitok_store::accounts::ConnectedAccount;
use multitok_store::{NewUser, NewWorkspace, Store};

/// The server binary in `dir` with only `MULTITOK_CONFIG` set.
fn server(dir: &Path, config: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_multitok-server"));
    cmd.arg("serve").current_dir(dir);
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("MULTITOK_")) {
        cmd.env_remove(name);
    }
    cmd.env("MULTITOK_CONFIG", config).env("RUST_LOG", "info");
    cmd
}

/// Starts the server and waits for its "serving" line.
fn serve_until_ready(mut cmd: Command) -> Child {
    let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    for line in out.lines() {
        if line.unwrap().contains("serving") {
            return child;
        }
    }
    panic!("the server exited before serving: {:?}", child.wait());
}

#[tokio::test]
async fn first_start_creates_the_key_file_and_foreign_tokens_stop_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("m.db").display());
    let config = dir.path().join("multitok.toml");
    std::fs::write(
        &config,
        format!("listen = \"127.0.0.1:0\"\ndatabase_url = \"{url}\"\n"),
    )
    .unwrap();
    let mut first = serve_until_ready(server(dir.path(), &config));
    first.kill().unwrap();
    first.wait().unwrap();
    let keys = dir.path().join("data/keys.toml");
    let text = std::fs::read_to_string(&keys).unwrap();
    assert!(text.contains("jwt_secret") && text.contains("token_keys"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&keys).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let mut second = serve_until_ready(server(dir.path(), &config));
    second.kill().unwrap();
    second.wait().unwrap();
    assert_eq!(
        std::fs::read_to_string(&keys).unwrap(),
        text,
        "the key file was rewritten"
    );

    seal_an_account_with_another_key(&url).await;
    let out = server(dir.path(), &config).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "started with keys that open nothing");
    assert!(said.contains("\"elsewhere\""), "{said}");
}

async fn seal_an_account_with_another_key(url: &str) {
    let store = Store::connect(url, 1).await.unwrap();
    let (user, ws) = store
        .register_user(
            NewUser {
                email: "keys@example.com".into(),
                display_name: "Keys".into(),
                password_hash: "$argon2id$stub".into(),
            },
            NewWorkspace {
                name: "Keys".into(),
                time_zone: "UTC".into(),
            },
            Utc::now(),
        )
        .await
        .unwrap();
    let other =
        Sealer::new(&["elsewhere:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8".into()]).unwrap();
    let now = Utc::now();
    let account = ConnectedAccount {
        workspace_id: ws.id,
        open_id: format!("creator-of-{}", user.id),
        display_name: "Creator".into(),
        username: "creator".into(),
        avatar_url: String::new(),
        access_token_enc: other.seal("act.x").unwrap().into(),
        refresh_token_enc: other.seal("rft.x").unwrap().into(),
        access_expires_at: now,
        refresh_expires_at: now,
        scopes: Vec::new(),
    };
    store.upsert_account(account, now).await.unwrap();
    store.close().await.unwrap();
}
