//! Publishing on the second: scheduled targets due within the next seconds are claimed ahead
//! and prepared (account, token, post, video, the creator's settings) before their time. At their
//! due second a group's inits are taken and marked as sending in one transaction and go out
//! together; uploads follow once every init of the group is out. A target stays `scheduled`
//! until its second, so a cancel or a move still wins, and it is never sent early.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use multitok_shared::TargetState;
use multitok_store::inits::{InitRequest, InitStart};
use multitok_store::posts::Target;
use tokio::task::JoinSet;

use crate::context::Ctx;
use multitok_tiktok::{InitResponse, TikTokError};

use crate::drive::{drive_logged, give_back, heartbeat, settle, step_span};
use multitok_core::steps::{Halt, Next, Ready};
use tracing::Instrument;

/// Targets claimed ahead per look at most, so that a second's targets form one group.
pub const ARM_LIMIT: u64 = 2_000;
/// Accounts whose upcoming targets are claimed per statement: each account's targets go to one
/// worker, so that the groups of different workers lock different accounts.
const ARM_ACCOUNTS: u64 = 50;
/// Targets claimed ahead per statement at most.
const ARM_BATCH: u64 = 500;
/// Inits in flight at the same time at a due second.
const SENDING_AT_ONCE: usize = 64;
/// Longest that a group's answers wait, from its first send, for the rest of its inits to go out.
const HOLD_ANSWERS: Duration = Duration::from_secs(1);
/// Targets prepared at the same time.
const PREPARING_AT_ONCE: usize = 8;

/// Claims the scheduled targets due after `now` and within `ctx.lookahead`, and spawns one task
/// per due second onto `armed`; answers how many were claimed.
pub async fn arm_once(
    ctx: &Ctx,
    now: DateTime<Utc>,
    armed: &mut JoinSet<()>,
) -> anyhow::Result<usize> {
    if ctx.lookahead <= chrono::TimeDelta::zero() {
        return Ok(0);
    }
    let mut claimed = Vec::new();
    while (claimed.len() as u64) < ARM_LIMIT {
        let batch = ctx
            .core
            .store
            .claim_upcoming(
                &ctx.owner,
                now,
                now + ctx.lookahead,
                now + ctx.lease,
                ARM_ACCOUNTS,
                ARM_BATCH,
            )
            .await?;
        if batch.is_empty() {
            break;
        }
        claimed.extend(batch);
    }
    let count = claimed.len();
    let mut groups: BTreeMap<DateTime<Utc>, Vec<Target>> = BTreeMap::new();
    for t in claimed {
        let due = t.next_attempt_at.unwrap_or(now);
        groups.entry(due).or_default().push(t);
    }
    for (due, targets) in groups {
        let ctx = ctx.clone();
        armed.spawn(async move { fire(&ctx, due, targets).await });
    }
    Ok(count)
}

/// Prepares the group, waits for its second, sends its inits, then drives the rest.
async fn fire(ctx: &Ctx, due: DateTime<Utc>, targets: Vec<Target>) {
    let ids: Vec<String> = targets.iter().map(|t| t.id.clone()).collect();
    let beat = heartbeat(ctx, ids.clone());
    let armed_at = std::time::Instant::now();
    let prepared: Vec<(Target, Option<Ready>)> = futures::stream::iter(targets)
        .map(|t| async move {
            // A target that cannot be prepared takes the ordinary path at its second, which
            // reports why.
            let ready = ctx
                .prepare(&t)
                .instrument(step_span(&t, "prepare"))
                .await
                .ok();
            (t, ready)
        })
        .buffered(PREPARING_AT_ONCE)
        .collect()
        .await;
    let prepared_in = armed_at.elapsed();
    let give_back_all = || async {
        if let Err(e) = ctx.core.store.release_claims(&ctx.owner, &ids).await {
            tracing::warn!(error = format!("{e:#}"), "giving back claims failed");
        }
        beat.abort();
    };
    if !wait_for(ctx, due - ctx.start_lead(ids.len())).await {
        give_back_all().await;
        return;
    }
    let (ready, mut later): (Vec<_>, Vec<_>) = prepared.into_iter().partition(|(_, r)| r.is_some());
    let requests: Vec<InitRequest> = ready
        .iter()
        .map(|(t, _)| InitRequest {
            target_id: t.id.clone(),
            account_id: t.account_id.clone(),
        })
        .collect();
    // Written ahead (see `Ctx::start_lead`), committed at the second.
    let now = ctx.now().max(due);
    let writing = std::time::Instant::now();
    let mut written_in = Duration::ZERO;
    let at_the_second = async {
        written_in = writing.elapsed();
        wait_for(ctx, due).await
    };
    let started = ctx
        .core
        .store
        .start_inits_when(
            &ctx.owner,
            TargetState::Scheduled,
            &requests,
            now,
            ctx.quota(),
            at_the_second,
        )
        .await;
    let started = match started {
        Ok(Some(started)) => started,
        Ok(None) => {
            give_back_all().await;
            return;
        }
        Err(e) => {
            tracing::warn!(
                error = format!("{e:#}"),
                "starting inits failed; one at a time"
            );
            vec![InitStart::WaitUntil(now); requests.len()]
        }
    };
    let started_in = ctx.now() - due;
    let mut sending = Vec::new();
    for ((mut t, ready), start) in ready.into_iter().zip(started) {
        match (start, ready) {
            (InitStart::Send, Some(ready)) => {
                t.state = TargetState::Claimed;
                t.init_sent_at = Some(now);
                sending.push((t, ready));
            }
            (InitStart::WaitUntil(_), ready) => later.push((t, ready)),
            _ => {}
        }
    }
    // Answers are held until every init of the group is out (the channel closes) or for at most
    // `HOLD_ANSWERS`, so that storing them does not compete with sending; a worker that dies
    // meanwhile leaves inits whose outcome is unknown, which reconciliation settles.
    let (answered, mut answers) = futures::channel::mpsc::unbounded();
    let send_all = async move {
        futures::stream::iter(sending)
            .for_each_concurrent(SENDING_AT_ONCE, |(t, ready)| {
                let answered = answered.clone();
                async move {
                    let answer = ctx
                        .request_init(&t, &ready)
                        .instrument(step_span(&t, TargetState::Claimed.as_str()))
                        .await;
                    let _ = answered.unbounded_send((t, answer));
                }
            })
            .await;
    };
    let store_all = async {
        let mut held = Vec::new();
        let hold = (&mut answers).for_each(|a| {
            held.push(a);
            futures::future::ready(())
        });
        let _ = tokio::time::timeout(HOLD_ANSWERS, hold).await;
        futures::stream::iter(held)
            .chain(answers)
            .map(|(t, answer)| settle_sent(ctx, t, answer))
            .buffer_unordered(SENDING_AT_ONCE)
            .collect::<Vec<Option<Target>>>()
            .await
    };
    let ((), sent) = tokio::join!(send_all, store_all);
    tracing::info!(
        %due,
        targets = ids.len(),
        sent = sent.iter().filter(|t| t.is_some()).count(),
        prepared_ms = prepared_in.as_millis() as u64,
        written_ms = written_in.as_millis() as u64,
        started_after_ms = started_in.num_milliseconds(),
        sent_after_ms = (ctx.now() - due).num_milliseconds(),
        "inits sent on their second"
    );
    beat.abort();
    let rest = sent
        .into_iter()
        .flatten()
        .chain(later.into_iter().map(|(t, _)| t));
    futures::stream::iter(rest)
        .for_each_concurrent(ctx.concurrency, |t| drive_logged(ctx, t))
        .await;
    ctx.core.post_changed();
}

/// Stores and settles TikTok's answer to an init marked as sending; answers the target, as
/// stored now, when it goes on (to its upload) in this worker's hands.
async fn settle_sent(
    ctx: &Ctx,
    t: Target,
    answer: Result<Result<InitResponse, TikTokError>, Halt>,
) -> Option<Target> {
    let state = TargetState::Claimed;
    let mut refreshed = false;
    let outcome = match answer {
        Ok(answer) => ctx.record_init(&t, answer).await,
        Err(halt) => Err(halt),
    };
    match settle(ctx, &t, state, outcome, &mut refreshed).await {
        Ok(Next::Continue) => match ctx.core.store.target(&t.id).await {
            Ok(Some(next)) if next.claim_owner.as_deref() == Some(&ctx.owner) => Some(next),
            Ok(_) => None,
            Err(e) => {
                tracing::warn!(target_id = %t.id, error = %e, "reading a target failed");
                None
            }
        },
        Ok(Next::Wait) | Err(Halt::Lost) => None,
        Err(e) => {
            tracing::warn!(target_id = %t.id, error = ?e, "sending an init failed; the claim was given back");
            let _ = give_back(ctx, &t, state).await;
            None
        }
    }
}

/// Sleeps until `due` by the worker's clock; false when the worker stops first.
async fn wait_for(ctx: &Ctx, due: DateTime<Utc>) -> bool {
    loop {
        if ctx.stopping() {
            return false;
        }
        let Ok(left) = (due - ctx.now()).to_std() else {
            return true;
        };
        if left.is_zero() {
            return true;
        }
        tokio::select! {
            () = tokio::time::sleep(left.min(Duration::from_millis(50))) => {}
            () = ctx.stopped() => {}
        }
    }
}
