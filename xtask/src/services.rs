//! The shared services the tests talk to: PostgreSQL and Redis are checked once per run and
//! started when they are down (the commands of this machine's Debian packages).

use std::time::Duration;

use crate::run::{cmd, output, succeeds};

/// Starts Redis on 127.0.0.1:6379 unless it already answers; keeps nothing on disk.
pub fn ensure_redis() -> anyhow::Result<()> {
    if redis_answers() {
        return Ok(());
    }
    eprintln!("Redis is not answering on 127.0.0.1:6379: starting it");
    let started = succeeds(&mut cmd(
        "redis-server",
        &[
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
    ));
    wait_for("Redis", started, redis_answers)
}

/// Starts the machine's PostgreSQL cluster unless it already accepts connections.
pub fn ensure_postgres() -> anyhow::Result<()> {
    if postgres_answers() {
        return Ok(());
    }
    eprintln!("PostgreSQL is not answering on 127.0.0.1:5432: starting it");
    let version = std::fs::read_dir("/etc/postgresql")
        .ok()
        .and_then(|mut dirs| dirs.next())
        .and_then(Result::ok)
        .map(|d| d.file_name().to_string_lossy().into_owned())
        .unwrap_or_default();
    let started = succeeds(&mut cmd(
        "pg_ctlcluster",
        &["--skip-systemctl-redirect", &version, "main", "start"],
    ));
    wait_for("PostgreSQL", started, postgres_answers)
}

fn redis_answers() -> bool {
    output(&mut cmd(
        "redis-cli",
        &["-h", "127.0.0.1", "-p", "6379", "ping"],
    ))
    .is_some_and(|o| o.trim() == "PONG")
}

fn postgres_answers() -> bool {
    succeeds(&mut cmd(
        "pg_isready",
        &["-q", "-h", "127.0.0.1", "-p", "5432"],
    ))
}

/// Waits up to 30 s for `up` after a start command.
fn wait_for(name: &str, started: bool, up: fn() -> bool) -> anyhow::Result<()> {
    for _ in 0..60 {
        if up() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    anyhow::bail!("{name} did not come up (start command succeeded: {started})")
}
