//! `cargo xtask test`: formatting, lints, contracts, every Rust test on SQLite and (when
//! `TEST_DATABASE_URL` is set, always with `--ci`) on PostgreSQL, the release web build with
//! its gzip size, and the browser tests. Redis (and PostgreSQL when a test URL is set) are
//! started when they are down; each suite's wall time is printed at the end.

use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::bail;

use crate::run::{cmd, status, succeeds};
use crate::tools::Tools;
use crate::{browser, dev, services};

/// The suites run so far and how long each took.
#[derive(Default)]
struct Timings(Vec<(&'static str, Duration)>);

impl Timings {
    /// Runs one suite and notes its wall time, failed or not.
    fn run<T>(
        &mut self,
        name: &'static str,
        suite: impl FnOnce() -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let started = Instant::now();
        let result = suite();
        self.0.push((name, started.elapsed()));
        result
    }

    fn print(&self) {
        let total: Duration = self.0.iter().map(|(_, d)| *d).sum();
        eprintln!("\nxtask test: wall time per suite");
        for (name, took) in &self.0 {
            eprintln!("  {:>8.1} s  {name}", took.as_secs_f64());
        }
        eprintln!("  {:>8.1} s  total", total.as_secs_f64());
    }
}

pub fn run(ci: bool) -> anyhow::Result<()> {
    let mut timings = Timings::default();
    let result = run_suites(ci, &mut timings);
    timings.print();
    result?;
    println!("xtask test: all checks passed");
    Ok(())
}

fn run_suites(ci: bool, t: &mut Timings) -> anyhow::Result<()> {
    let tools = t.run("tools", Tools::ensure)?;
    let path = tools.path();
    let grpcurl = tools.grpcurl.to_string_lossy().into_owned();
    let promtool = tools.promtool.to_string_lossy().into_owned();
    t.run("services (Redis, PostgreSQL)", || {
        services::ensure_redis()?;
        if std::env::var_os("TEST_DATABASE_URL").is_some() {
            services::ensure_postgres()?;
        }
        Ok(())
    })?;
    t.run("fmt", || {
        status(&mut cmd("cargo", &["fmt", "--all", "--check"]))
    })?;
    t.run("clippy (native)", || status(&mut clippy_native()))?;
    t.run("clippy (wasm)", || status(&mut clippy_wasm()))?;
    t.run("cargo deny (licenses, bans, sources)", || {
        status(&mut cmd(
            "cargo",
            &["deny", "check", "licenses", "bans", "sources"],
        ))
    })?;
    t.run("buf lint", || {
        status(cmd("buf", &["lint"]).env("PATH", &path))
    })?;
    t.run("tests on SQLite", || {
        status(
            cmd(
                "cargo",
                &["test", "--workspace", "--exclude", "multitok-web"],
            )
            .env("GRPCURL", &grpcurl)
            .env("PROMTOOL", &promtool)
            .env_remove("TEST_BACKEND"),
        )
    })?;
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) => {
            drop_stale_test_databases(&url);
            t.run("store, core and API tests on PostgreSQL", || {
                status(postgres_tests().env("GRPCURL", &grpcurl))
            })?;
            t.run("worker tests on PostgreSQL", || {
                status(
                    cmd("cargo", &["test", "-p", "multitok-worker"])
                        .env("PROMTOOL", &promtool)
                        .env("TEST_BACKEND", "postgres"),
                )
            })?;
        }
        Err(_) if ci => {
            bail!("--ci needs TEST_DATABASE_URL (PostgreSQL) so that nothing is skipped")
        }
        Err(_) => {
            eprintln!("TEST_DATABASE_URL not set: PostgreSQL tests not run (set it to run them)")
        }
    }
    t.run("web build (release)", || {
        let first_load = dev::build_web(&tools)?;
        if first_load > dev::FIRST_LOAD_BUDGET {
            bail!(
                "the web app's first load is {first_load} bytes brotli, over its budget of {} \
                 (docs/benchmarks.md): move what sign-in and the dashboard do not need into the \
                 pages module",
                dev::FIRST_LOAD_BUDGET
            );
        }
        Ok(())
    })?;
    t.run("browser tests", || browser::run(&tools))
}

/// The long fuzz run: the RPC harness with `FUZZ_CASES` cases per method (default 500, about
/// 9 minutes here) and the property tests of the parsers with `PROPTEST_CASES` (default 20000).
pub fn fuzz() -> anyhow::Result<()> {
    let cases = std::env::var("FUZZ_CASES").unwrap_or_else(|_| "500".into());
    let props = std::env::var("PROPTEST_CASES").unwrap_or_else(|_| "20000".into());
    // The property tests of the parsers that take raw bytes: CSV import and grpc-web framing
    // (shared), the MP4 probe (core), the webhook body (tiktok).
    for (package, filter) in [
        ("multitok-shared", ""),
        ("multitok-core", "probe::"),
        ("multitok-tiktok", "webhook::"),
    ] {
        status(
            cmd(
                "cargo",
                &["test", "-p", package, "--all-features", "--lib", filter],
            )
            .env("PROPTEST_CASES", &props),
        )?;
    }
    status(
        cmd(
            "cargo",
            &[
                "test",
                "-p",
                "multitok-server",
                "--test",
                "api",
                "fuzz::",
                "--",
                "--nocapture",
            ],
        )
        .env("FUZZ_CASES", &cases)
        .env_remove("TEST_BACKEND"),
    )
}

fn clippy_native() -> Command {
    cmd(
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
    )
}

fn clippy_wasm() -> Command {
    cmd(
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
    )
}

/// The suites that run against PostgreSQL as well as SQLite.
fn postgres_tests() -> Command {
    let mut c = cmd(
        "cargo",
        &[
            "test",
            "-p",
            "multitok-store",
            "-p",
            "multitok-server",
            "--test",
            "claims",
            "--test",
            "migrations",
            "--test",
            "rollups",
            "--test",
            "work",
            "--test",
            "api",
        ],
    );
    c.env("TEST_BACKEND", "postgres");
    c
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
