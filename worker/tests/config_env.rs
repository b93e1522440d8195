//! The worker binary reads the configuration file that `MULTITOK_CONFIG` names, with no
//! `--config` and no other `MULTITOK_*` variable.

use std::process::Command;

use multitok_store::Store;

/// A key in the `id:base64` form `tiktok.token_keys` takes.
const TOKEN_KEY: &str = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

#[tokio::test]
async fn the_worker_reads_the_file_named_by_multitok_config() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("from-the-file.db");
    let url = format!("sqlite://{}?mode=rwc", db.display());
    let store = Store::connect(&url, 1).await.unwrap();
    store.migrate().await.unwrap();
    drop(store);
    let file = dir.path().join("multitok.toml");
    let toml = format!("database_url = \"{url}\"\n[tiktok]\ntoken_keys = [\"{TOKEN_KEY}\"]\n");
    std::fs::write(&file, toml).unwrap();
    let mut worker = Command::new(env!("CARGO_BIN_EXE_multitok-worker"));
    worker.args(["run", "--once"]).current_dir(dir.path());
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("MULTITOK_")) {
        worker.env_remove(name);
    }
    let out = worker.env("MULTITOK_CONFIG", &file).output().unwrap();
    // Without the file's keys and database it would refuse to start (no keys) or find no
    // migrated database; with them it drains nothing and exits.
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !dir.path().join("data/multitok.db").exists(),
        "the default database was used"
    );
}
