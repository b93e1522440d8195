//! `cargo xtask bench`: the load and calendar benchmarks against the release server (SQLite, and
//! PostgreSQL when `TEST_DATABASE_URL` or `BENCH_DATABASE_URL` is set), the TikTok client's upload and
//! per-call benchmarks against the sandbox, the worker's publishing benchmark, then the web
//! bundle's size.

use crate::run::{binary, cmd, root, status};
use crate::tools::Tools;

/// `cargo xtask bench analytics`: the analytics benchmark alone (10 M snapshot rows per
/// database; it takes several minutes).
pub fn analytics() -> anyhow::Result<()> {
    status(&mut cmd(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "multitok-server",
            "--bin",
            "multitok-server",
        ],
    ))?;
    status(
        cmd(
            "cargo",
            &["bench", "-p", "multitok-server", "--bench", "analytics"],
        )
        .env("BENCH_SERVER_BIN", binary("release", "multitok-server"))
        .env("BENCH_OUT", root().join("target/bench")),
    )?;
    println!("results: target/bench/analytics.md");
    Ok(())
}

pub fn run() -> anyhow::Result<()> {
    status(&mut cmd(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "multitok-server",
            "--bin",
            "multitok-server",
        ],
    ))?;
    let server = binary("release", "multitok-server");
    status(
        cmd(
            "cargo",
            &["bench", "-p", "multitok-server", "--bench", "load"],
        )
        .env("BENCH_SERVER_BIN", &server)
        .env("BENCH_OUT", root().join("target/bench")),
    )?;
    status(
        cmd(
            "cargo",
            &["bench", "-p", "multitok-server", "--bench", "signup"],
        )
        .env("BENCH_SERVER_BIN", &server)
        .env("BENCH_OUT", root().join("target/bench")),
    )?;
    status(
        cmd(
            "cargo",
            &["bench", "-p", "multitok-server", "--bench", "calendar"],
        )
        .env("BENCH_SERVER_BIN", &server)
        .env("BENCH_OUT", root().join("target/bench")),
    )?;
    status(
        cmd(
            "cargo",
            &["bench", "-p", "multitok-server", "--bench", "upload"],
        )
        .env("BENCH_SERVER_BIN", &server)
        .env("BENCH_OUT", root().join("target/bench")),
    )?;
    status(&mut cmd(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "multitok-sandbox",
            "--bin",
            "multitok-sandbox",
        ],
    ))?;
    status(
        cmd(
            "cargo",
            &["bench", "-p", "multitok-tiktok", "--bench", "upload"],
        )
        .env("BENCH_SANDBOX_BIN", binary("release", "multitok-sandbox"))
        .env("BENCH_OUT", root().join("target/bench")),
    )?;
    status(&mut cmd(
        "cargo",
        &[
            "build",
            "--release",
            "-p",
            "multitok-worker",
            "--bin",
            "multitok-worker",
        ],
    ))?;
    status(
        cmd(
            "cargo",
            &[
                "bench",
                "-p",
                "multitok-worker",
                "--bench",
                "publish",
                "--bench",
                "sync",
            ],
        )
        .env("BENCH_WORKER_BIN", binary("release", "multitok-worker"))
        .env("BENCH_OUT", root().join("target/bench")),
    )?;
    let tools = Tools::ensure()?;
    crate::dev::build_web(&tools)?;
    println!(
        "results: target/bench/load.md, signup.md, calendar.md, upload.md, tiktok.md, publish.md, sync.md"
    );
    Ok(())
}
