//! Browser tests: the real server (fresh SQLite database, the built web app), a worker and the
//! TikTok sandbox on free ports,
//! driven by headless Chromium through playwright-core under node's test runner. Screenshots
//! go to `target/screenshots/`.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::Child;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::run::{binary, cmd, root, status, with_sandbox};
use crate::tools::Tools;

/// Runs the browser tests; `E2E` may name one test file (all of `web/e2e/` by default).
pub fn run(tools: &Tools) -> anyhow::Result<()> {
    let suites = std::env::var("E2E").unwrap_or_else(|_| "web/e2e/".to_owned());
    status(&mut cmd(
        "cargo",
        &[
            "build",
            "--quiet",
            "-p",
            "multitok-server",
            "-p",
            "multitok-sandbox",
            "-p",
            "multitok-worker",
        ],
    ))?;
    let work = root().join("target/browser-test");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)?;
    let screenshots = root().join("target/screenshots");
    std::fs::create_dir_all(&screenshots)?;
    let (addr, tiktok) = (free_port()?, free_port()?);
    let database = format!("sqlite://{}?mode=rwc", work.join("browser.db").display());
    let dist = root().join("web/dist").to_string_lossy().into_owned();
    // Migrated before anything starts: the server listens before it migrates, and the worker
    // refuses a database with pending migrations.
    status(&mut cmd(
        binary("debug", "multitok-server"),
        &["migrate", "--database-url", &database],
    ))?;
    let webhook = format!("http://{addr}/webhooks/tiktok");
    let mut sandbox = cmd(
        binary("debug", "multitok-sandbox"),
        &["--listen", &tiktok.to_string(), "--webhook-url", &webhook],
    )
    .env("RUST_LOG", "warn")
    .spawn()
    .context("starting the sandbox")?;
    let serve = [
        "serve",
        "--listen",
        &addr.to_string(),
        "--database-url",
        &database,
        "--web-dir",
        &dist,
    ];
    let keys = work.join("token.keys");
    std::fs::write(&keys, "browser:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")?;
    let mut server_cmd = cmd(binary("debug", "multitok-server"), &serve);
    server_cmd
        .env("RUST_LOG", "warn")
        .env(
            "MULTITOK_AUTH__JWT_SECRET",
            "browser test signing key of 32+ bytes",
        )
        .env("MULTITOK_MEDIA_DIR", work.join("media"))
        .env("MULTITOK_AUTH__SIGNUPS_PER_ADDRESS_PER_HOUR", "1000")
        .env("MULTITOK_TIKTOK__TOKEN_KEYS_FILE", &keys);
    let mut server = with_sandbox(&mut server_cmd, &addr.to_string(), &tiktok.to_string())
        .spawn()
        .context("starting the server")?;
    let mut worker_cmd = cmd(
        binary("debug", "multitok-worker"),
        &["run", "--database-url", &database],
    );
    worker_cmd
        .env("RUST_LOG", "warn")
        .env("MULTITOK_MEDIA_DIR", work.join("media"))
        .env("MULTITOK_TIKTOK__TOKEN_KEYS_FILE", &keys);
    let result = wait_until_up(addr)
        .and_then(|()| wait_until_up(tiktok))
        .and_then(|()| {
            with_sandbox(&mut worker_cmd, &addr.to_string(), &tiktok.to_string())
                .spawn()
                .context("starting the worker")
        });
    let mut worker = match result {
        Ok(w) => w,
        Err(e) => {
            let _ = stop(&mut server);
            let _ = sandbox.kill();
            return Err(e);
        }
    };
    let result = wait_until_up(addr)
        .and_then(|()| wait_until_up(tiktok))
        .and_then(|()| {
            status(
                cmd("node", &["--test", "--test-reporter=spec", &suites])
                    .env("MULTITOK_URL", format!("http://{addr}"))
                    .env("CHROMIUM", &tools.chromium)
                    .env("NODE_PATH", &tools.node_modules)
                    .env("SCREENSHOTS", &screenshots),
            )
        });
    let worker_stopped = stop(&mut worker);
    let stopped = stop(&mut server);
    let _ = sandbox.kill();
    let _ = sandbox.wait();
    result?;
    stopped?;
    worker_stopped?;
    println!("browser tests: screenshots in {}", screenshots.display());
    Ok(())
}

fn free_port() -> anyhow::Result<SocketAddr> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?)
}

fn wait_until_up(addr: SocketAddr) -> anyhow::Result<()> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if TcpStream::connect(addr).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("the server did not start on {addr}")
}

/// SIGTERM, so the graceful shutdown path runs, then wait for a clean exit.
fn stop(server: &mut Child) -> anyhow::Result<()> {
    let _ = cmd("kill", &["-TERM", &server.id().to_string()]).status();
    let exit = server.wait()?;
    if !exit.success() {
        bail!("a process did not shut down cleanly: {exit}");
    }
    Ok(())
}
