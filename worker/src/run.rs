//! The loop: claim what is due, drive each claimed target concurrently (`drive`: a
//! heartbeat keeps the lease while a step runs long), claim ahead what is due within the next
//! seconds ([`crate::arm`]), run due account syncs, then sleep until the earliest due time (less
//! the look-ahead for scheduled targets), a schedule change (PostgreSQL `LISTEN`), or a short
//! poll. On shutdown, steps in hand finish or give their claim back, so nothing is left that
//! another worker would not resume.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use multitok_store::Store;

use crate::context::Ctx;
pub use crate::drive::{drive, drive_logged};

/// How often raw snapshots past their retention are pruned, and abandoned uploads and expired
/// idempotency keys deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// How often targets needing attention are matched against the accounts' new videos.
const RECONCILE_EVERY: Duration = Duration::from_secs(60);

/// Claims everything due at `now` (in batches) and drives it; answers how many targets were
/// claimed. For cron users and tests: call it until it answers 0.
pub async fn run_once(ctx: &Ctx, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let claimed = ctx
        .core
        .store
        .claim_due(&ctx.owner, now, now + ctx.lease, ctx.batch)
        .await?;
    let count = claimed.len();
    futures::stream::iter(claimed)
        .for_each_concurrent(ctx.concurrency, |t| drive_logged(ctx, t))
        .await;
    if count > 0 {
        ctx.core.post_changed();
    }
    Ok(count)
}

/// How long to sleep at most between looks at the database when nothing wakes the worker.
fn poll_interval(listening: bool) -> Duration {
    if listening {
        Duration::from_secs(5)
    } else {
        Duration::from_millis(100)
    }
}

/// Runs until `shutdown` resolves: claim and drive what is due, then sleep until the earliest
/// due time or a wake-up. At shutdown the steps in hand finish (or give their claim back).
pub async fn run(
    ctx: Ctx,
    database_url: &str,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let mut listener = Store::listen_due(database_url).await?;
    let stopper = {
        let ctx = ctx.clone();
        tokio::spawn(async move {
            shutdown.await;
            ctx.stop();
        })
    };
    tracing::info!(owner = %ctx.owner, listening = listener.is_some(), "worker running");
    let mut reconciled = std::time::Instant::now();
    let mut armed = tokio::task::JoinSet::new();
    let mut pruned: Option<std::time::Instant> = None;
    while !ctx.stopping() {
        if pruned.is_none_or(|at| at.elapsed() >= PRUNE_EVERY) {
            pruned = Some(std::time::Instant::now());
            let before = ctx.now() - ctx.raw_retention;
            match ctx.core.store.prune_snapshots(before).await {
                Ok(n) if n > 0 => tracing::info!(deleted = n, "pruned raw snapshots"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = format!("{e:#}"), "pruning snapshots failed"),
            }
            match ctx.core.store.sweep_idempotency_keys(ctx.now()).await {
                Ok(n) if n > 0 => tracing::info!(deleted = n, "deleted expired idempotency keys"),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = format!("{e:#}"), "sweeping idempotency keys failed")
                }
            }
            match ctx.core.sweep_abandoned_uploads(1000).await {
                Ok(n) if n > 0 => tracing::info!(deleted = n, "deleted abandoned uploads"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = format!("{e:#}"), "sweeping uploads failed"),
            }
        }
        if reconciled.elapsed() >= RECONCILE_EVERY {
            reconciled = std::time::Instant::now();
            match ctx.core.retry_webhooks().await {
                Ok(n) if n > 0 => tracing::info!(processed = n, "retried webhook deliveries"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = format!("{e:#}"), "retrying webhooks failed"),
            }
            if let Err(e) = crate::reconcile::reconcile_once(&ctx).await {
                tracing::warn!(error = format!("{e:#}"), "reconciliation failed");
            }
            if let Err(e) = crate::sync::refresh_videos_once(&ctx).await {
                tracing::warn!(error = format!("{e:#}"), "refreshing videos failed");
            }
        }
        if let Err(e) = crate::sync::sync_once(&ctx, &ctx.sync_cron).await {
            tracing::warn!(error = format!("{e:#}"), "syncing failed");
        }
        match run_once(&ctx, ctx.now()).await {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = format!("{e:#}"), "claiming failed; retrying"),
        }
        while armed.try_join_next().is_some() {}
        match crate::arm::arm_once(&ctx, ctx.now(), &mut armed).await {
            Ok(n) if n as u64 >= crate::arm::ARM_LIMIT => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = format!("{e:#}"), "claiming ahead failed; retrying"),
        }
        let mut sleep = poll_interval(listener.is_some());
        let store = &ctx.core.store;
        let upcoming = store
            .next_scheduled()
            .await
            .map(|at| at.map(|at| at - ctx.lookahead));
        for next in [
            store.next_due().await,
            store.next_sync_due().await,
            upcoming,
        ]
        .into_iter()
        .flatten()
        .flatten()
        {
            sleep = sleep.min((next - ctx.now()).to_std().unwrap_or(Duration::ZERO));
        }
        let woken = async {
            let heard = match listener.as_mut() {
                Some(l) => l.changed().await.is_ok(),
                None => false,
            };
            if !heard {
                std::future::pending::<()>().await;
            }
        };
        if ctx.stopping() {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep(sleep) => {}
            () = woken => {}
            () = ctx.stopped() => {}
        }
    }
    // Groups waiting for their second give their claims back; groups sending finish the step.
    while armed.join_next().await.is_some() {}
    stopper.abort();
    tracing::info!("worker stopped");
    Ok(())
}
