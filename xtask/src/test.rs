//! `cargo xtask test`: formatting, lints, contracts, every Rust test on SQLite and (when
//! `TEST_DATABASE_URL` is set, always with `--ci`) on PostgreSQL, the release web build with
//! its gzip size, and the browser tests.

use anyhow::bail;

use crate::run::{cmd, status, succeeds};
use crate::tools::Tools;
use crate::{browser, dev};

pub fn run(ci: bool) -> anyhow::Result<()> {
    let tools = Tools::ensure()?;
    let path = tools.path();
    let grpcurl = tools.grpcurl.to_string_lossy().into_owned();
    status(&mut cmd("cargo", &["fmt", "--all", "--check"]))?;
    status(&mut cmd(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--exclude",
            "multitok-web",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ))?;
    status(&mut cmd(
        "cargo",
        &[
            "clippy",
            "-p",
            "multitok-web",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ],
    ))?;
    status(cmd("buf", &["lint"]).env("PATH", &path))?;
    status(
        cmd(
            "cargo",
            &["test", "--workspace", "--exclude", "multitok-web"],
        )
        .env("GRPCURL", &grpcurl)
        .env_remove("TEST_BACKEND"),
    )?;
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) => {
            drop_stale_test_databases(&url);
            status(
                cmd(
                    "cargo",
                    &[
                        "test",
                        "-p",
                        "multitok-store",
                        "-p",
                        "multitok-server",
                        "--test",
                        "migrations",
                        "--test",
                        "rollups",
                        "--test",
                        "api",
                    ],
                )
                .env("TEST_BACKEND", "postgres")
                .env("GRPCURL", &grpcurl),
            )?;
            status(
                cmd("cargo", &["test", "-p", "multitok-worker"]).env("TEST_BACKEND", "postgres"),
            )?;
        }
        Err(_) if ci => {
            bail!("--ci needs TEST_DATABASE_URL (PostgreSQL) so that nothing is skipped")
        }
        Err(_) => {
            eprintln!("TEST_DATABASE_URL not set: PostgreSQL tests not run (set it to run them)")
        }
    }
    dev::build_web(&tools)?;
    browser::run(&tools)?;
    println!("xtask test: all checks passed");
    Ok(())
}

/// Test databases are created per test; drop the ones earlier runs left behind.
fn drop_stale_test_databases(url: &str) {
    let list = "SELECT string_agg(format('DROP DATABASE IF EXISTS %I;', datname), ' ') FROM pg_database WHERE datname LIKE 'mt\\_test\\_%' OR datname LIKE 'mt\\_worker\\_%'";
    let Some(drops) = crate::run::output(&mut cmd("psql", &[url, "-tAc", list])) else {
        return;
    };
    for statement in drops.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let _ = succeeds(&mut cmd("psql", &[url, "-qc", statement]));
    }
}
