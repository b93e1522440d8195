//! `cargo xtask bench`: the load benchmark against the release server (SQLite, and PostgreSQL
//! when `TEST_DATABASE_URL` or `BENCH_DATABASE_URL` is set), then the web bundle's size.

use crate::run::{cmd, root, status};
use crate::tools::Tools;

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
    let server = root().join("target/release/multitok-server");
    status(
        cmd(
            "cargo",
            &["bench", "-p", "multitok-server", "--bench", "load"],
        )
        .env("BENCH_SERVER_BIN", server)
        .env("BENCH_OUT", root().join("target/bench")),
    )?;
    let tools = Tools::ensure()?;
    crate::dev::build_web(&tools)?;
    println!("results: target/bench/load.md");
    Ok(())
}
