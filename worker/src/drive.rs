//! Driving one claimed target through the core's publishing steps until it waits or ends: each
//! step's outcome settled (retry later, refresh the token, fail), the claim given back on
//! shutdown, and a heartbeat that keeps the lease while a step runs long.

use std::time::Duration;

use multitok_shared::TargetState;
use multitok_store::claims::Step;
use multitok_store::posts::Target;
use tracing::Instrument;

use crate::context::Ctx;
use multitok_core::steps::{Halt, Next};

/// [`drive`] in a span naming the target, its account and workspace, so that every line its
/// steps log (TikTok's answers, store errors) can be followed; a failure is logged once, here.
pub async fn drive_logged(ctx: &Ctx, t: Target) {
    let span = tracing::info_span!(
        "target",
        otel.name = "publish target",
        target_id = %t.id,
        post_id = %t.post_id,
        account_id = %t.account_id,
        workspace = %t.workspace_id,
    );
    if let Some(parent) = &t.traceparent {
        multitok_core::telemetry::continue_trace(&span, parent);
    }
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

/// A span for one publishing step of `t` (`publish step <name>`), in the trace of the call that
/// scheduled it.
pub(crate) fn step_span(t: &Target, name: &str) -> tracing::Span {
    let span = tracing::info_span!(
        "step",
        otel.name = %format!("publish step {name}"),
        target_id = %t.id,
    );
    if let Some(parent) = &t.traceparent {
        multitok_core::telemetry::continue_trace(&span, parent);
    }
    span
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
        let step =
            tracing::info_span!("step", otel.name = %format!("publish step {}", state.as_str()));
        let outcome = match state {
            TargetState::Scheduled => ctx.take(&t).instrument(step).await,
            TargetState::Claimed => ctx.init(&t).instrument(step).await,
            TargetState::Initialized | TargetState::Uploading => {
                ctx.upload(&t, state).instrument(step).await
            }
            TargetState::Processing => ctx.poll(&t).instrument(step).await,
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
