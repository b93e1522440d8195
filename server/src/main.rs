//! `multitok-server`: `serve` runs the server (migrating first), `migrate` only migrates.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use multitok_server::{Settings, launch, shutdown_signal};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(
    name = "multitok-server",
    version,
    about = "Multitok's gRPC / grpc-web server"
)]
struct Cli {
    /// TOML configuration file (settings from `MULTITOK_*` variables override it).
    #[arg(long, global = true, env = "MULTITOK_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve.
    Serve {
        #[arg(long, env = "MULTITOK_LISTEN")]
        listen: Option<SocketAddr>,
        #[arg(long, env = "MULTITOK_DATABASE_URL")]
        database_url: Option<String>,
        /// Folder with the built web app.
        #[arg(long, env = "MULTITOK_WEB_DIR")]
        web_dir: Option<PathBuf>,
    },
    /// Apply pending migrations and exit.
    Migrate {
        #[arg(long, env = "MULTITOK_DATABASE_URL")]
        database_url: Option<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let cli = Cli::parse();
    let mut settings = Settings::load(cli.config.as_deref()).context("loading configuration")?;
    match cli.command {
        Command::Serve {
            listen,
            database_url,
            web_dir,
        } => {
            settings.listen = listen.unwrap_or(settings.listen);
            settings.database_url = database_url.unwrap_or(settings.database_url);
            settings.web_dir = web_dir.or(settings.web_dir);
            tracing::debug!(?settings, "settings");
            let listener = tokio::net::TcpListener::bind(settings.listen)
                .await
                .with_context(|| format!("binding {}", settings.listen))?;
            launch(settings, listener, shutdown_signal()).await
        }
        Command::Migrate { database_url } => {
            let url = database_url.unwrap_or(settings.database_url);
            let store = multitok_store::Store::connect(&url, 1).await?;
            store.migrate().await?;
            tracing::info!("migrations applied");
            Ok(())
        }
    }
}
