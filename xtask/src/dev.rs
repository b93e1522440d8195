//! `cargo xtask dev`: build the web app, migrate `./data/multitok.db`, start the TikTok sandbox
//! at http://127.0.0.1:9090 with its development creators, and run the server at
//! http://127.0.0.1:8080 pointed at it, until Ctrl-C.

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::run::{binary, cmd, output, root, status, with_sandbox};
use crate::tools::Tools;

const LISTEN: &str = "127.0.0.1:8080";
const DATABASE_URL: &str = "sqlite://data/multitok.db?mode=rwc";
const SANDBOX: &str = "127.0.0.1:9090";

pub fn run() -> anyhow::Result<()> {
    let tools = Tools::ensure()?;
    build_web(&tools)?;
    let dist = root().join("web/dist");
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
    let data = root().join("data");
    std::fs::create_dir_all(&data)?;
    let key = key_file(&data.join("jwt.key"), "")?;
    let token_keys = key_file(&data.join("token.keys"), "dev:")?;
    let server = binary("debug", "multitok-server");
    status(&mut cmd(
        &server,
        &["migrate", "--database-url", DATABASE_URL],
    ))?;
    let webhook = format!("http://{LISTEN}/webhooks/tiktok");
    let state = data.join("sandbox.json").to_string_lossy().into_owned();
    let sandbox_args = [
        "--listen",
        SANDBOX,
        "--webhook-url",
        &webhook,
        "--state-file",
        &state,
    ];
    let mut sandbox = cmd(binary("debug", "multitok-sandbox"), &sandbox_args)
        .spawn()
        .context("starting the TikTok sandbox")?;
    println!(
        "\n  Multitok is running at http://{LISTEN}  (TikTok sandbox at http://{SANDBOX}, and a worker publishing due posts; Ctrl-C stops them)\n"
    );
    let dist = dist.to_string_lossy().into_owned();
    let serve = [
        "serve",
        "--listen",
        LISTEN,
        "--database-url",
        DATABASE_URL,
        "--web-dir",
        &dist,
    ];
    let mut worker_cmd = cmd(
        binary("debug", "multitok-worker"),
        &["run", "--database-url", DATABASE_URL],
    );
    worker_cmd.env("MULTITOK_TIKTOK__TOKEN_KEYS_FILE", &token_keys);
    let mut worker = with_sandbox(&mut worker_cmd, LISTEN, SANDBOX)
        .spawn()
        .context("starting the worker")?;
    let mut server_cmd = cmd(&server, &serve);
    server_cmd
        .env("MULTITOK_AUTH__JWT_SECRET_FILE", key)
        .env("MULTITOK_TIKTOK__TOKEN_KEYS_FILE", token_keys);
    let served = status(with_sandbox(&mut server_cmd, LISTEN, SANDBOX));
    for child in [&mut worker, &mut sandbox] {
        let _ = child.kill();
        let _ = child.wait();
    }
    served
}

/// The most the first load (the page with its inline style, the shell's wasm, JavaScript and
/// snippets) may weigh, brotli-compressed; `cargo xtask test` fails above it.
pub const FIRST_LOAD_BUDGET: u64 = 150_000;

/// Builds the web app in release mode into web/dist, gives the pages module hashed names and
/// the page its Content-Security-Policy ([`crate::web_dist`]), precompresses its files, and
/// prints their gzip and brotli sizes: the first load (the page, the shell's wasm and JS) and
/// the pages module with its stylesheet, fetched when a page other than the dashboard is
/// first opened. Answers the first load's brotli size.
pub fn build_web(tools: &Tools) -> anyhow::Result<u64> {
    status(cmd("trunk", &["build", "--release"]).env("PATH", tools.path()))?;
    let dist = root().join("web/dist");
    crate::web_dist::finish(&dist)?;
    let mut paths = Vec::new();
    // The shell's JavaScript snippets are in subdirectories.
    let mut dirs = vec![dist.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let kind = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            if path.is_dir() {
                dirs.push(path);
            } else if matches!(kind, "wasm" | "js" | "css" | "html") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    // (gzip, brotli) of the first load and of the pages module.
    let (mut first, mut later) = ((0, 0), (0, 0));
    for path in &paths {
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let (gz, br) = precompress(tools, path)?;
        println!(
            "web bundle: {:<48} {:>8} bytes, {:>7} gzip, {:>7} brotli",
            name,
            std::fs::metadata(path)?.len(),
            gz,
            br
        );
        let part = if name.starts_with("multitok-web-pages") || name.starts_with("pages-") {
            &mut later
        } else {
            &mut first
        };
        part.0 += gz;
        part.1 += br;
    }
    let kb = |bytes: u64| bytes as f64 / 1000.0;
    println!(
        "web bundle: first load (index.html with its style, shell wasm + js + snippets) {:.1} KB gzip, {:.1} KB brotli",
        kb(first.0),
        kb(first.1)
    );
    println!(
        "web bundle: pages module and its style (on first use) {:.1} KB gzip, {:.1} KB brotli",
        kb(later.0),
        kb(later.1)
    );
    Ok(first.1)
}

/// Writes `<file>.br` (brotli at quality 11, by Node's zlib) and `<file>.gz` (`gzip -9`) beside
/// the file, which the server sends to browsers that accept them; their sizes.
fn precompress(tools: &Tools, path: &std::path::Path) -> anyhow::Result<(u64, u64)> {
    let script = "const z = require('zlib'); const f = require('fs'); const p = process.argv[1]; \
        f.writeFileSync(p + '.br', z.brotliCompressSync(f.readFileSync(p), { params: { \
        [z.constants.BROTLI_PARAM_QUALITY]: 11 } }))";
    let name = path.to_string_lossy();
    output(cmd("node", &["-e", script, &name]).env("PATH", tools.path())).context("brotli")?;
    output(&mut cmd("gzip", &["-9", "-k", "-f", "-n", &name])).context("gzip")?;
    let size = |ext: &str| -> anyhow::Result<u64> {
        Ok(std::fs::metadata(format!("{name}.{ext}"))?.len())
    };
    Ok((size("gz")?, size("br")?))
}

/// A random 32-byte key (base64url, after `prefix`) that survives restarts, so a restart of
/// `dev` keeps sessions and stored TikTok tokens readable.
fn key_file(file: &std::path::Path, prefix: &str) -> anyhow::Result<PathBuf> {
    if !file.exists() {
        let mut bytes = [0u8; 32];
        std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
        std::fs::write(file, format!("{prefix}{}\n", URL_SAFE_NO_PAD.encode(bytes)))?;
    }
    Ok(file.to_path_buf())
}
