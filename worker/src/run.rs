//! The loop: claim what is due, drive each claimed target concurrently (a heartbeat keeps the
//! lease while a step runs long), claim ahead what is due within the next seconds (see
//! [`crate::arm`]), run due account syncs, then sleep until the earliest due time (less the
//! look-ahead for scheduled targets), a schedule change (PostgreSQL `LISTEN`), or a short poll. On shutdown, steps in hand finish or give their claim
//! back, so nothing is left that another worker would not resume.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use multitok_shared::TargetState;
use multitok_store::Store;
use multitok_store::claims::Step;
use multitok_store::posts::Target;
use tracing::Instrument;

use crate::context::Ctx;
use multitok_core::steps::{Halt, Next};

/// How often targets needing attention are matched against the accounts' new videos.
/// How often raw snapshots past their retention are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
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

/// [`drive`] in a span naming the target, its account and workspace, so that every line its
/// steps log (TikTok's answers, store errors) can be followed; a failure is logged once, here.
pub async fn drive_logged(ctx: &Ctx, t: Target) {
    let span = tracing::info_span!(
        "target",
        target_id = %t.id,
        account_id = %t.account_id,
        workspace = %t.workspace_id,
    );
    async move {
        if let Err(e) = drive(ctx, t).await {
            tracing::warn!(
                error = format!("{e:#}"),
                "step failed; the claim was given back"
            );
        }
    }
    .instrument(span)
    .await
}

/// Drives one claimed target until it waits or ends.
pub async fn drive(ctx: &Ctx, mut t: Target) -> anyhow::Result<()> {
    let heartbeat = heartbeat(ctx, vec![t.id.clone()]);
    let mut refreshed = false;
    let result = loop {
        let state = t.state;
        if ctx.stopping() {
            break give_back(ctx, &t, state).await;
        }
        let outcome = match state {
            TargetState::Scheduled => ctx.take(&t).await,
            TargetState::Claimed => ctx.init(&t).await,
            TargetState::Initialized | TargetState::Uploading => ctx.upload(&t, state).await,
            TargetState::Processing => ctx.poll(&t).await,
            _ => break Ok(()),
        };
        let outcome = settle(ctx, &t, state, outcome, &mut refreshed).await;
        match outcome {
            Ok(Next::Continue) => match ctx.core.store.target(&t.id).await? {
                Some(next) if next.claim_owner.as_deref() == Some(&ctx.owner) => t = next,
                _ => break Ok(()),
            },
            Ok(Next::Wait) | Err(Halt::Lost) => break Ok(()),
            Err(Halt::Internal(e)) => {
                let _ = give_back(ctx, &t, state).await;
                break Err(e);
            }
            Err(Halt::TikTok(e)) => break Err(e.into()),
            Err(Halt::Fail(reason)) => break Err(anyhow::anyhow!(reason)),
        }
    };
    heartbeat.abort();
    result
}

/// Classifies a step that stopped: TikTok's errors by their class (refresh, fail, or retry
/// later), and reasons of ours as failures.
pub(crate) async fn settle(
    ctx: &Ctx,
    t: &Target,
    state: TargetState,
    outcome: Result<Next, Halt>,
    refreshed: &mut bool,
) -> Result<Next, Halt> {
    match outcome {
        Err(Halt::TikTok(e)) => ctx.on_tiktok_error(t, state, e, refreshed).await,
        Err(Halt::Fail(reason)) => ctx.fail(t, state, &reason, "").await,
        other => other,
    }
}

/// Releases the claim without changing the state; the target is due again at once.
pub(crate) async fn give_back(ctx: &Ctx, t: &Target, state: TargetState) -> anyhow::Result<()> {
    let step = Step {
        lease: Some(None),
        next_attempt_at: Some(Some(ctx.now())),
        ..Step::default()
    };
    match ctx.step(t, state, step).await {
        Ok(()) | Err(Halt::Lost) => Ok(()),
        Err(Halt::Internal(e)) => Err(e),
        Err(other) => Err(anyhow::anyhow!("{other:?}")),
    }
}

/// Extends the leases on `ids` every third of their length until aborted.
pub(crate) fn heartbeat(ctx: &Ctx, ids: Vec<String>) -> tokio::task::JoinHandle<()> {
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let every = (ctx.lease / 3).to_std().unwrap_or(Duration::from_secs(20));
        loop {
            tokio::time::sleep(every).await;
            let until = ctx.now() + ctx.lease;
            if let Err(e) = ctx.core.store.extend_leases(&ctx.owner, &ids, until).await {
                tracing::warn!(error = %e, "extending a lease failed");
            }
        }
    })
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
        }
        if reconciled.elapsed() >= RECONCILE_EVERY {
            reconciled = std::time::Instant::now();
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
