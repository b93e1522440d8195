//! The server binary reads the configuration file that `MULTITOK_CONFIG` names, with no
//! `--config` and no other `MULTITOK_*` variable.

use std::process::Command;

#[test]
fn the_server_reads_the_file_named_by_multitok_config() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("from-the-file.db");
    let file = dir.path().join("multitok.toml");
    let url = format!("sqlite://{}?mode=rwc", db.display());
    std::fs::write(&file, format!("database_url = \"{url}\"\n")).unwrap();
    let mut migrate = Command::new(env!("CARGO_BIN_EXE_multitok-server"));
    migrate.arg("migrate").current_dir(dir.path());
    for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("MULTITOK_")) {
        migrate.env_remove(name);
    }
    let out = migrate.env("MULTITOK_CONFIG", &file).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(db.exists(), "the database the file names was not created");
    assert!(
        !dir.path().join("data/multitok.db").exists(),
        "the default database was used"
    );
}

#[test]
fn log_format_json_writes_one_json_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("json.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_multitok-server"))
        .arg("migrate")
        .env("MULTITOK_DATABASE_URL", &url)
        .env("MULTITOK_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l["message"] == "migrations applied" && l["level"] == "INFO"),
        "{text}"
    );
}
