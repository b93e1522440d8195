//! `cargo xtask dev`: build the web app, migrate `./data/multitok.db`, and run the server at
//! http://127.0.0.1:8080 until Ctrl-C.

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;

use crate::run::{cmd, output, root, status};
use crate::tools::Tools;

const LISTEN: &str = "127.0.0.1:8080";
const DATABASE_URL: &str = "sqlite://data/multitok.db?mode=rwc";

pub fn run() -> anyhow::Result<()> {
    let tools = Tools::ensure()?;
    let dist = build_web(&tools)?;
    status(&mut cmd(
        "cargo",
        &["build", "--quiet", "-p", "multitok-server"],
    ))?;
    let data = root().join("data");
    std::fs::create_dir_all(&data)?;
    let key = jwt_key_file(&data)?;
    let server = root().join("target/debug/multitok-server");
    status(&mut cmd(
        &server,
        &["migrate", "--database-url", DATABASE_URL],
    ))?;
    println!("\n  Multitok is running at http://{LISTEN}  (Ctrl-C stops it)\n");
    let dist = dist.to_string_lossy().into_owned();
    status(
        cmd(
            &server,
            &[
                "serve",
                "--listen",
                LISTEN,
                "--database-url",
                DATABASE_URL,
                "--web-dir",
                &dist,
            ],
        )
        .env("MULTITOK_AUTH__JWT_SECRET_FILE", key),
    )
}

/// Builds the web app in release mode into web/dist and prints its gzip size.
pub fn build_web(tools: &Tools) -> anyhow::Result<PathBuf> {
    status(cmd("trunk", &["build", "--release"]).env("PATH", tools.path()))?;
    let dist = root().join("web/dist");
    let mut total = 0;
    for entry in std::fs::read_dir(&dist)? {
        let path = entry?.path();
        let kind = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if matches!(kind, "wasm" | "js" | "css") {
            let gz = gzip_size(&path)?;
            println!(
                "web bundle: {:<48} {:>8} bytes, {:>7} gzip",
                path.file_name().unwrap_or_default().to_string_lossy(),
                std::fs::metadata(&path)?.len(),
                gz
            );
            total += gz;
        }
    }
    println!(
        "web bundle: total (wasm + js + css) {total} bytes gzip ({:.1} KB)",
        total as f64 / 1000.0
    );
    Ok(dist)
}

fn gzip_size(path: &std::path::Path) -> anyhow::Result<u64> {
    let script = format!("gzip -9 -c '{}' | wc -c", path.display());
    let out = output(&mut cmd("sh", &["-c", &script])).context("gzip")?;
    out.trim().parse().context("gzip size")
}

/// A signing key that survives restarts, so a restart of `dev` keeps everyone logged in.
fn jwt_key_file(data: &std::path::Path) -> anyhow::Result<PathBuf> {
    let file = data.join("jwt.key");
    if !file.exists() {
        let mut bytes = [0u8; 32];
        std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        std::fs::write(&file, hex)?;
    }
    Ok(file)
}
