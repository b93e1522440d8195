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
