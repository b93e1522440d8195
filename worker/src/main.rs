//! `multitok-worker run`: publishes due posts until SIGTERM (`--once`: what is due now, then
//! exit). It reads the server's configuration (file, `MULTITOK_*` variables) and never migrates.

use std::path::PathBuf;
use std::str::FromStr;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use multitok_core::{Core, Settings, shutdown_signal};
use multitok_store::Store;
use multitok_worker::{Clock, Ctx, run, run_once};

#[derive(Parser)]
#[command(
    name = "multitok-worker",
    version,
    about = "Multitok's publishing worker"
)]
struct Cli {
    /// TOML configuration file, the same as the server's.
    #[arg(long, global = true, env = "MULTITOK_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Publish due posts until stopped.
    Run {
        #[arg(long, env = "MULTITOK_DATABASE_URL")]
        database_url: Option<String>,
        /// Drain what is due now, then exit.
        #[arg(long)]
        once: bool,
        /// How long a claim lasts without a heartbeat; a killed worker's posts are taken over
        /// after this.
        #[arg(long, default_value_t = 60)]
        lease_seconds: i64,
        /// Posts driven at the same time (each needs a database connection now and then).
        #[arg(long, default_value_t = 16)]
        concurrency: usize,
        /// Scheduled posts due within this many seconds are claimed and prepared ahead, so that
        /// they go out on their second (0: only when due).
        #[arg(long, default_value_t = 10)]
        lookahead_seconds: i64,
        /// Serve `/metrics`, `/healthz` and `/readyz` on this address.
        #[arg(long)]
        metrics_listen: Option<std::net::SocketAddr>,
    },
    /// Recompute the analytics rollups from the raw snapshots still kept, then exit.
    RebuildAnalytics {
        #[arg(long, env = "MULTITOK_DATABASE_URL")]
        database_url: Option<String>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut settings = Settings::load(cli.config.as_deref()).context("loading configuration")?;
    let _telemetry = multitok_core::telemetry::init(&settings, "multitok-worker")?;
    let (database_url, once, lease_seconds, concurrency, lookahead_seconds, metrics_listen) =
        match cli.command {
            Command::Run {
                database_url,
                once,
                lease_seconds,
                concurrency,
                lookahead_seconds,
                metrics_listen,
            } => (
                database_url,
                once,
                lease_seconds,
                concurrency,
                lookahead_seconds,
                metrics_listen,
            ),
            Command::RebuildAnalytics { database_url } => {
                settings.database_url = database_url.unwrap_or(settings.database_url);
                return rebuild_analytics(&settings).await;
            }
        };
    settings.database_url = database_url.unwrap_or(settings.database_url);
    let key_file =
        multitok_core::keys::resolve(&mut settings, multitok_core::keys::Missing::Refuse)?;
    // Held while running, so that `multitok-server restore` refuses to replace the database.
    let _in_use = multitok_store::backup::hold(&settings.database_url)?;
    let store = Store::connect(&settings.database_url, settings.max_connections).await?;
    let pending = store.pending_migrations().await?;
    if pending > 0 {
        bail!(
            "the database has {pending} pending migration(s); run `multitok-server migrate --database-url <url>` (or start the server) first"
        );
    }
    let core = Core::new(store, &settings, Clock::system())?;
    multitok_core::keys::check_sealed(&core.store, &core.sealer).await?;
    if let Some(address) = metrics_listen {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("binding --metrics-listen {address}"))?;
        tracing::info!(address = %listener.local_addr()?, "serving metrics");
        multitok_worker::status::spawn(listener, core.clone(), key_file);
    }
    let cron = cron::Schedule::from_str(&settings.sync.cron).map_err(|e| {
        anyhow::anyhow!(
            "sync.cron `{}` is not a cron expression with seconds (such as `0 0 2 * * *`): {e}",
            settings.sync.cron
        )
    })?;
    let mut ctx = Ctx::new(core);
    ctx.sync_cron = std::sync::Arc::new(cron);
    ctx.raw_retention = chrono::TimeDelta::days(settings.analytics.raw_days.max(1).into());
    ctx.lease = chrono::TimeDelta::seconds(lease_seconds.clamp(2, 3600));
    ctx.concurrency = concurrency.clamp(1, 256);
    ctx.batch = (ctx.concurrency as u64) * 2;
    ctx.lookahead = chrono::TimeDelta::seconds(lookahead_seconds.clamp(0, 60));
    if once {
        let mut total = 0;
        loop {
            let n = run_once(&ctx, ctx.now()).await?;
            if n == 0 {
                break;
            }
            total += n;
        }
        tracing::info!(claimed = total, "drained what was due");
        return Ok(());
    }
    run(ctx, &settings.database_url, shutdown_signal()).await
}

/// Connects, refuses pending migrations, and rebuilds the rollups.
async fn rebuild_analytics(settings: &Settings) -> anyhow::Result<()> {
    let store = Store::connect(&settings.database_url, settings.max_connections).await?;
    let pending = store.pending_migrations().await?;
    if pending > 0 {
        bail!(
            "the database has {pending} pending migration(s); run `multitok-server migrate` first"
        );
    }
    let started = std::time::Instant::now();
    let (video_days, account_days) = store.rebuild_rollups().await?;
    tracing::info!(
        video_days,
        account_days,
        seconds = started.elapsed().as_secs_f64(),
        "rebuilt analytics rollups"
    );
    Ok(())
}
