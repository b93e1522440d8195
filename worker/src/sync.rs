//! The nightly sync and the refresh of young videos. Each account carries `next_sync_at` (the
//! configured cron time in its workspace's zone, or now when someone asks); a worker claims a due
//! sync with its run recorded under a unique (account, run time) key, reads the profile counts
//! and every video with its statistics, stores snapshots, links published targets to their
//! videos, and sets the next nightly time. A failing account records its error and waits an
//! hour; the others go on.

use std::str::FromStr;

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use multitok_core::steps::Halt;
use tracing::Instrument;

use crate::context::Ctx;

/// Syncs one worker runs per round.
const PER_ROUND: usize = 8;

/// The next time the cron expression fires after `after`, read in `zone`.
pub fn next_nightly(cron: &cron::Schedule, zone: &str, after: DateTime<Utc>) -> DateTime<Utc> {
    let tz = Tz::from_str(zone).unwrap_or(Tz::UTC);
    cron.after(&after.with_timezone(&tz))
        .next()
        .map_or(after + TimeDelta::days(1), |t| t.with_timezone(&Utc))
}

/// Runs the syncs that are due (a few per round); answers how many ran.
pub async fn sync_once(ctx: &Ctx, cron: &cron::Schedule) -> anyhow::Result<usize> {
    let store = &ctx.core.store;
    let mut ran = 0;
    while ran < PER_ROUND {
        let now = ctx.now();
        let retry = now + TimeDelta::hours(1);
        let Some(claim) = store.claim_sync(&ctx.owner, now, retry).await? else {
            break;
        };
        ran += 1;
        let span =
            tracing::info_span!("sync", account_id = %claim.account.id, run_id = claim.run_id);
        let error = match ctx.sync_account(&claim).instrument(span.clone()).await {
            Ok(()) => String::new(),
            Err(Halt::TikTok(e)) => e.to_string(),
            Err(Halt::Fail(reason)) => reason,
            Err(Halt::Lost) => "the account changed during the sync".into(),
            Err(Halt::Internal(e)) => format!("{e:#}"),
        };
        if !error.is_empty() {
            span.in_scope(|| tracing::warn!(error, "sync failed; retrying in an hour"));
        }
        let next = if error.is_empty() {
            next_nightly(cron, &claim.time_zone, ctx.now())
        } else {
            claim.hold_until
        };
        store.finish_sync(&claim, &error, next, ctx.now()).await?;
    }
    Ok(ran)
}

/// Reads again the statistics of young videos that are due (between nightly syncs); answers
/// how many videos were refreshed.
pub async fn refresh_videos_once(ctx: &Ctx) -> anyhow::Result<usize> {
    let store = &ctx.core.store;
    let now = ctx.now();
    let due = store.due_videos(now, 200).await?;
    let mut refreshed = 0;
    let mut by_account: std::collections::BTreeMap<(String, String), Vec<String>> =
        std::collections::BTreeMap::new();
    for (workspace_id, account_id, video_id) in due {
        by_account
            .entry((workspace_id, account_id))
            .or_default()
            .push(video_id);
    }
    for ((workspace_id, account_id), ids) in by_account {
        let Some(account) = store.account(&workspace_id, &account_id).await? else {
            continue;
        };
        let token = match ctx.token(&account).await {
            Ok(t) => t,
            Err(_) => continue,
        };
        match ctx.read_videos(&token, &ids, now).await {
            Ok(stats) => {
                refreshed += stats.len();
                store.save_videos(&account.id, &stats, now).await?;
                store.score_recent_videos(&account.id, now).await?;
            }
            Err(e) => tracing::debug!(account_id = %account.id, error = ?e, "video refresh failed"),
        }
        // Videos TikTok no longer returns are not asked for again until the nightly sync.
        store.postpone_videos(&account.id, &ids, now).await?;
    }
    Ok(refreshed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_nightly_time_follows_the_workspace_zone() {
        let cron = cron::Schedule::from_str("0 0 2 * * *").unwrap();
        let after = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
        assert_eq!(
            next_nightly(&cron, "Europe/Berlin", after).to_rfc3339(),
            "2026-07-02T00:00:00+00:00"
        );
        assert_eq!(
            next_nightly(&cron, "America/New_York", after).to_rfc3339(),
            "2026-07-02T06:00:00+00:00"
        );
    }
}
