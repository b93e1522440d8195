//! `multitok-sandbox --listen ADDR [--config FILE]`: serves TikTok's endpoints locally.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use multitok_sandbox::{Sandbox, SandboxConfig};

#[derive(Parser)]
#[command(
    name = "multitok-sandbox",
    version,
    about = "A local emulator of TikTok's OAuth, Display and Content Posting APIs"
)]
struct Cli {
    #[arg(long, env = "SANDBOX_LISTEN", default_value = "127.0.0.1:9090")]
    listen: SocketAddr,
    /// JSON file with `SandboxConfig` fields; omitted fields keep their defaults.
    #[arg(long, env = "SANDBOX_CONFIG")]
    config: Option<PathBuf>,
    /// Generate this many extra creators …
    #[arg(long)]
    seed_creators: Option<u32>,
    /// … with this many videos of history each.
    #[arg(long)]
    seed_videos: Option<u32>,
    /// Deliver signed webhooks to this URL.
    #[arg(long)]
    webhook_url: Option<String>,
    /// Keep state in this JSON file across restarts.
    #[arg(long)]
    state_file: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let cli = Cli::parse();
    let mut config = match &cli.config {
        Some(file) => serde_json::from_slice(
            &std::fs::read(file).with_context(|| format!("reading {}", file.display()))?,
        )
        .with_context(|| format!("parsing {}", file.display()))?,
        None => SandboxConfig::default(),
    };
    config.seed_creators = cli.seed_creators.unwrap_or(config.seed_creators);
    config.seed_videos = cli.seed_videos.unwrap_or(config.seed_videos);
    config.webhook_url = cli.webhook_url.or(config.webhook_url);
    config.state_file = cli.state_file.or(config.state_file);
    let listener = tokio::net::TcpListener::bind(cli.listen)
        .await
        .with_context(|| format!("binding {}", cli.listen))?;
    let sandbox = Sandbox::serve(config, listener).await?;
    tracing::info!(url = %sandbox.url(), "TikTok sandbox serving");
    tokio::signal::ctrl_c().await?;
    Ok(())
}
