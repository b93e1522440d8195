//! Running commands: echo them, stream their output, fail on a non-zero exit.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` (relative to the repository root when
/// not absolute) or `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => root().join("target"),
    }
}

/// A binary of this workspace as `cargo build` (`debug`) or `cargo build --release` left it.
pub fn binary(profile: &str, name: &str) -> PathBuf {
    target_dir().join(profile).join(name)
}

/// A command in the repository root.
pub fn cmd(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root());
    c
}

/// Runs to completion; an error names the command.
pub fn status(c: &mut Command) -> anyhow::Result<()> {
    eprintln!("$ {}", describe(c));
    let status = c
        .status()
        .with_context(|| format!("starting {}", describe(c)))?;
    if !status.success() {
        bail!("`{}` failed ({status})", describe(c));
    }
    Ok(())
}

/// Runs quietly; true when it exits 0 (used to probe for installed tools).
pub fn succeeds(c: &mut Command) -> bool {
    c.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Captures stdout of a successful run.
pub fn output(c: &mut Command) -> Option<String> {
    let out = c.stderr(std::process::Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn describe(c: &Command) -> String {
    std::iter::once(c.get_program().to_string_lossy().into_owned())
        .chain(c.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Points a `multitok-server serve` command at a TikTok sandbox (its development app), with the
/// server reachable at `server` for the OAuth redirect.
pub fn with_sandbox<'c>(c: &'c mut Command, server: &str, sandbox: &str) -> &'c mut Command {
    c.env("MULTITOK_TIKTOK__CLIENT_KEY", "sbx-client-key")
        .env("MULTITOK_TIKTOK__CLIENT_SECRET", "sbx-client-secret")
        .env("MULTITOK_TIKTOK__API_BASE", format!("http://{sandbox}"))
        .env(
            "MULTITOK_TIKTOK__AUTHORIZE_URL",
            format!("http://{sandbox}/v2/auth/authorize/"),
        )
        .env(
            "MULTITOK_TIKTOK__REDIRECT_URI",
            format!("http://{server}/oauth/tiktok/callback"),
        )
}
