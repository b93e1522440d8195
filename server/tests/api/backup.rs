//! `multitok-server backup` and `restore` refuse what they must: an existing target, and a
//! file that is not a Multitok database. (A backup during a publish burst, restored and
//! served, is the worker's `backup` test.)

use std::process::{Command, Output};

use crate::helpers::{TestApp, unique_email};

fn server(args: &[&str], database_url: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_multitok-server"))
        .args(args)
        .env("MULTITOK_DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

#[tokio::test]
async fn backup_and_restore_refuse_what_would_lose_data() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("live.db").display());
    let live = url.clone();
    let app = TestApp::spawn_with(move |s| s.database_url = live).await;
    app.register(&unique_email("backed-up")).await;
    let copy = dir.path().join("copy.db");
    let copy_arg = copy.to_str().unwrap();
    let out = server(&["backup", "--to", copy_arg], &url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = server(&["backup", "--to", copy_arg], &url);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    let junk = dir.path().join("notes.txt");
    std::fs::write(&junk, "not a database").unwrap();
    let fresh = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("fresh.db").display()
    );
    let out = server(&["restore", "--from", junk.to_str().unwrap()], &fresh);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Multitok database"));
    assert!(
        !dir.path().join("fresh.db").exists(),
        "nothing replaced by a refused restore"
    );
    let out = server(&["restore", "--from", copy_arg], &fresh);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
