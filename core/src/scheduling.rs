//! Putting posts on the calendar: times in a time zone (correct across daylight-saving changes),
//! TikTok's quotas checked before anything is stored, moving and cancelling what still waits,
//! free slots, the calendar itself, and all-or-nothing CSV import.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};
use multitok_shared::Violations;
use multitok_shared::csv_import::{self, row_field};
use multitok_shared::dates::supported_day;
use multitok_shared::schedule::{
    LocalTimeError, Quota, QuotaProblem, check_quota, insert_sorted, local_label, parse_local,
    suggest_slots, to_utc,
};
use multitok_store::accounts::Account;
use multitok_store::posts::{CalendarEntry, NewPost, NewTarget, PostWithTargets};

use crate::Core;
use crate::access::{Access, EditContent, View};
use crate::error::CoreError;
use crate::posts::Draft;

/// Times this far in the past still count as "now" (a minute picked in the current minute).
const PAST_GRACE: TimeDelta = TimeDelta::minutes(1);
/// Longest calendar range one call may ask for.
pub const MAX_CALENDAR_DAYS: i64 = 62;
const MAX_SLOTS: u32 = 50;
/// Most accounts one slot suggestion may name.
const MAX_SLOT_ACCOUNTS: usize = 100;

/// When to publish.
#[derive(Debug, Clone)]
pub enum When {
    /// A wall-clock time in a zone; an empty zone means the workspace's.
    At {
        local: String,
        time_zone: String,
    },
    Now,
}

/// One planned post of one account, for the quota check.
struct Planned<'a> {
    account: &'a Account,
    at: DateTime<Utc>,
    zone: &'a str,
}

impl Core {
    fn quota(&self) -> Quota {
        Quota {
            daily_posts: self.daily_post_cap as usize,
            ..Quota::default()
        }
    }

    /// Refuses plans that would exceed an account's quota, naming the account and the day;
    /// `accept` lets them through.
    async fn check_quotas(
        &self,
        plans: &[Planned<'_>],
        except_post: Option<&str>,
        accept: bool,
    ) -> Result<(), CoreError> {
        if accept || plans.is_empty() {
            return Ok(());
        }
        let ids: Vec<String> = plans.iter().map(|p| p.account.id.clone()).collect();
        let earliest = plans
            .iter()
            .map(|p| p.at)
            .min()
            .unwrap_or_else(|| self.now());
        let latest = plans
            .iter()
            .map(|p| p.at)
            .max()
            .unwrap_or_else(|| self.now());
        let window = TimeDelta::hours(24);
        let mut taken: HashMap<String, Vec<DateTime<Utc>>> = HashMap::new();
        for (account, at) in self
            .store
            .planned_times(&ids, earliest - window, latest + window, except_post)
            .await?
        {
            taken.entry(account).or_default().push(at);
        }
        taken.values_mut().for_each(|t| t.sort_unstable());
        let mut problems = Vec::new();
        for p in plans {
            let times = taken.entry(p.account.id.clone()).or_default();
            match check_quota(times, p.at, self.quota()) {
                Ok(()) => {}
                Err(QuotaProblem::Daily { limit, .. }) => problems.push(format!(
                    "@{} would have more than {limit} posts within 24 hours of {}",
                    p.account.username,
                    local_label(p.at, p.zone)
                )),
                Err(QuotaProblem::PerMinute { limit, .. }) => problems.push(format!(
                    "@{} would start more than {limit} posts in the minute of {}",
                    p.account.username,
                    local_label(p.at, p.zone)
                )),
            }
            insert_sorted(times, p.at);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(CoreError::OverQuota(format!(
                "{}; TikTok would refuse the extra posts. Pick other times or accept the warning.",
                problems.join("; ")
            )))
        }
    }
}

impl<P> Access<P> {
    /// The UTC instant and zone of `when`; problems are reported under `field`.
    fn resolve(
        &self,
        when: &When,
        now: DateTime<Utc>,
        field: &str,
    ) -> Result<(DateTime<Utc>, String), Violations> {
        let (local, zone) = match when {
            When::Now => return Ok((now, self.workspace.time_zone.clone())),
            When::At { local, time_zone } if time_zone.is_empty() => {
                (local, self.workspace.time_zone.clone())
            }
            When::At { local, time_zone } => (local, time_zone.clone()),
        };
        let Some(naive) = parse_local(local) else {
            return Err(Violations::one(
                &format!("{field}.local"),
                "must look like 2026-03-29T09:30",
            ));
        };
        supported_day(naive.date()).map_err(|e| Violations::one(&format!("{field}.local"), e))?;
        let at = to_utc(naive, &zone).map_err(|e| {
            let which = match e {
                LocalTimeError::UnknownZone(_) => "time_zone",
                LocalTimeError::Skipped(..) => "local",
            };
            Violations::one(&format!("{field}.{which}"), e.to_string())
        })?;
        if at < now - PAST_GRACE {
            return Err(Violations::one(&format!("{field}.local"), "is in the past"));
        }
        Ok((at.max(now), zone))
    }
}

fn new_targets(draft: &Draft) -> Vec<NewTarget> {
    draft
        .targets
        .iter()
        .map(|t| NewTarget {
            account_id: t.account_id.clone(),
            caption: t.caption.clone(),
            settings: t.settings.clone(),
        })
        .collect()
}

impl Access<EditContent> {
    /// Checks the draft and the quotas, then stores the post with every target scheduled.
    pub async fn schedule(
        &self,
        core: &Core,
        draft: Draft,
        when: When,
        accept_quota_warning: bool,
    ) -> Result<PostWithTargets, CoreError> {
        let now = core.now();
        let time = self.resolve(&when, now, "at");
        let checked = core.check_draft(&self.workspace.id, &draft).await;
        let ((media, accounts), (at, zone)) = match (checked, time) {
            (Ok(found), Ok(time)) => (found, time),
            (Err(CoreError::Invalid(mut v)), Err(t)) => {
                v.0.extend(t.0);
                return Err(v.into());
            }
            (Err(e), _) => return Err(e),
            (Ok(_), Err(t)) => return Err(t.into()),
        };
        let plans: Vec<Planned> = accounts
            .iter()
            .map(|account| Planned {
                account,
                at,
                zone: &zone,
            })
            .collect();
        core.check_quotas(&plans, None, accept_quota_warning)
            .await?;
        let new = NewPost {
            workspace_id: self.workspace.id.clone(),
            author_id: self.user_id.clone(),
            caption: draft.caption.clone(),
            media_id: media.id,
            scheduled_at: at,
            time_zone: zone.clone(),
            targets: new_targets(&draft),
            traceparent: crate::telemetry::current_traceparent(),
        };
        let work = core.store.begin_work().await?;
        let mut stored = core.store.insert_posts_in(&work, vec![new], now).await?;
        work.commit().await?;
        core.post_changed();
        stored
            .pop()
            .ok_or_else(|| CoreError::internal(anyhow::anyhow!("no post stored")))
    }

    /// Moves the post's waiting targets to `when`.
    pub async fn reschedule(
        &self,
        core: &Core,
        post_id: &str,
        when: When,
        accept_quota_warning: bool,
    ) -> Result<PostWithTargets, CoreError> {
        let now = core.now();
        let post = self.post_in(core, post_id).await?;
        let (at, zone) = self.resolve(&when, now, "at")?;
        self.move_post(core, post, at, &zone, accept_quota_warning, "Rescheduled.")
            .await
    }

    /// Moves the post's waiting targets to now.
    pub async fn publish_now(
        &self,
        core: &Core,
        post_id: &str,
        accept_quota_warning: bool,
    ) -> Result<PostWithTargets, CoreError> {
        let post = self.post_in(core, post_id).await?;
        let zone = post.post.time_zone.clone();
        self.move_post(
            core,
            post,
            core.now(),
            &zone,
            accept_quota_warning,
            "Publish now.",
        )
        .await
    }

    async fn move_post(
        &self,
        core: &Core,
        post: PostWithTargets,
        at: DateTime<Utc>,
        zone: &str,
        accept_quota_warning: bool,
        detail: &str,
    ) -> Result<PostWithTargets, CoreError> {
        let accounts = core.store.accounts_of(&self.workspace.id).await?;
        let plans: Vec<Planned> = post
            .targets
            .iter()
            .filter(|t| t.state == multitok_shared::TargetState::Scheduled)
            .filter_map(|t| accounts.iter().find(|a| a.id == t.account_id))
            .map(|account| Planned { account, at, zone })
            .collect();
        core.check_quotas(&plans, Some(&post.post.id), accept_quota_warning)
            .await?;
        let work = core.store.begin_work().await?;
        let moved = core
            .store
            .move_waiting_in(&work, &post.post.id, at, zone, detail, core.now())
            .await?;
        work.commit().await?;
        if moved == 0 {
            return Err(CoreError::FailedPrecondition(
                "publishing of this post has already started or ended; nothing is waiting to move",
            ));
        }
        core.post_changed();
        self.post_in(core, &post.post.id).await
    }

    /// Cancels the post's waiting targets, or only `target_id`.
    pub async fn cancel(
        &self,
        core: &Core,
        post_id: &str,
        target_id: Option<&str>,
    ) -> Result<PostWithTargets, CoreError> {
        let post = self.post_in(core, post_id).await?;
        if let Some(id) = target_id
            && !post.targets.iter().any(|t| t.id == id)
        {
            return Err(CoreError::NotFound("target"));
        }
        let work = core.store.begin_work().await?;
        let cancelled = core
            .store
            .cancel_waiting_in(&work, &post.post.id, target_id, core.now())
            .await?;
        work.commit().await?;
        if cancelled == 0 {
            return Err(CoreError::FailedPrecondition(
                "publishing has already started or ended; nothing is waiting to cancel",
            ));
        }
        core.post_changed();
        self.post_in(core, &post.post.id).await
    }

    /// Schedules every row of the file, or none; each bad row is reported on its own.
    pub async fn import_csv(
        &self,
        core: &Core,
        data: &[u8],
        accept_quota_warning: bool,
    ) -> Result<Vec<PostWithTargets>, CoreError> {
        let bytes = data.to_vec();
        let rows = core
            .off_runtime(move || csv_import::parse(&bytes))
            .await??;
        let now = core.now();
        let accounts = core.store.accounts_of(&self.workspace.id).await?;
        let mut v = Violations::new();
        let mut resolved = Vec::with_capacity(rows.len());
        let mut videos = HashMap::new();
        for (index, row) in rows.into_iter().enumerate() {
            let n = index + 1;
            let account = accounts
                .iter()
                .find(|a| a.id == row.account || a.username.eq_ignore_ascii_case(&row.account));
            let Some(account) = account else {
                v.add(
                    &row_field(n, "account"),
                    "is not an account of this workspace",
                );
                continue;
            };
            // Files usually reuse a few videos: read each once.
            if !videos.contains_key(&row.media_id) {
                let found = core.store.media(&self.workspace.id, &row.media_id).await?;
                videos.insert(row.media_id.clone(), found);
            }
            let Some(media) = videos.get(&row.media_id).cloned().flatten() else {
                v.add(
                    &row_field(n, "media_id"),
                    "is not a video of this workspace's library",
                );
                continue;
            };
            let when = When::At {
                local: row.local_time.format("%Y-%m-%dT%H:%M:%S").to_string(),
                time_zone: row.time_zone.clone(),
            };
            let time = match self.resolve(&when, now, &format!("rows[{n}]")) {
                Ok(t) => t,
                Err(e) => {
                    v.0.extend(e.0.into_iter().map(|mut f| {
                        f.field = f.field.replace(".local", ".local_time");
                        f
                    }));
                    continue;
                }
            };
            let prefix = format!("rows[{n}].");
            core.check_target(
                &mut v,
                &prefix,
                account,
                &row.caption,
                &media,
                &row.settings,
            )
            .await?;
            resolved.push((account, time, row, media.id));
        }
        v.into_result()?;
        let plans: Vec<Planned> = resolved
            .iter()
            .map(|(account, (at, zone), _, _)| Planned {
                account,
                at: *at,
                zone,
            })
            .collect();
        core.check_quotas(&plans, None, accept_quota_warning)
            .await?;
        let posts = resolved
            .into_iter()
            .map(|(account, (at, zone), row, media_id)| NewPost {
                workspace_id: self.workspace.id.clone(),
                author_id: self.user_id.clone(),
                caption: row.caption,
                media_id,
                scheduled_at: at,
                time_zone: zone,
                targets: vec![NewTarget {
                    account_id: account.id.clone(),
                    caption: None,
                    settings: row.settings,
                }],
                traceparent: crate::telemetry::current_traceparent(),
            })
            .collect();
        let work = core.store.begin_work().await?;
        let stored = core.store.insert_posts_in(&work, posts, now).await?;
        work.commit().await?;
        core.post_changed();
        Ok(stored)
    }
}

impl Access<View> {
    /// Targets scheduled in `[from, to)`, optionally of some accounts only.
    pub async fn calendar(
        &self,
        core: &Core,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        account_ids: &[String],
    ) -> Result<Vec<CalendarEntry>, CoreError> {
        if to <= from {
            return Err(Violations::one("to", "must be after from").into());
        }
        if to - from > TimeDelta::days(MAX_CALENDAR_DAYS) {
            return Err(Violations::one(
                "to",
                format!("must be at most {MAX_CALENDAR_DAYS} days after from"),
            )
            .into());
        }
        Ok(core
            .store
            .calendar(&self.workspace.id, from, to, account_ids)
            .await?)
    }

    /// The next `count` times from `from` at which each account can post within its quotas.
    pub async fn suggest_slots(
        &self,
        core: &Core,
        account_ids: &[String],
        from: Option<DateTime<Utc>>,
        count: u32,
        step_minutes: u32,
    ) -> Result<Vec<(String, Vec<DateTime<Utc>>)>, CoreError> {
        let mut v = Violations::new();
        let account_ids = &distinct(account_ids);
        if account_ids.is_empty() {
            v.add("account_ids", "needs at least one account");
        }
        if account_ids.len() > MAX_SLOT_ACCOUNTS {
            v.add(
                "account_ids",
                format!("must name at most {MAX_SLOT_ACCOUNTS} accounts"),
            );
        }
        if !(1..=MAX_SLOTS).contains(&count) {
            v.add("count", format!("must be between 1 and {MAX_SLOTS}"));
        }
        let step = if step_minutes == 0 { 60 } else { step_minutes };
        if !(5..=1440).contains(&step) {
            v.add("step_minutes", "must be between 5 and 1440");
        }
        v.into_result()?;
        let now = core.now();
        let from = from.unwrap_or(now).max(now);
        let accounts = core.store.accounts_of(&self.workspace.id).await?;
        for id in account_ids {
            if !accounts.iter().any(|a| &a.id == id) {
                return Err(CoreError::NotFound("account"));
            }
        }
        let planned = core
            .store
            .planned_times(
                account_ids,
                from - TimeDelta::hours(24),
                from + TimeDelta::days(400),
                None,
            )
            .await?;
        Ok(account_ids
            .iter()
            .map(|id| {
                let taken: Vec<DateTime<Utc>> = planned
                    .iter()
                    .filter(|(a, _)| a == id)
                    .map(|(_, at)| *at)
                    .collect();
                let slots = suggest_slots(
                    &taken,
                    from,
                    TimeDelta::minutes(i64::from(step)),
                    count as usize,
                    core.quota(),
                );
                (id.clone(), slots)
            })
            .collect())
    }
}

/// `ids` without repeats, in their first order.
fn distinct(ids: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    ids.iter().filter(|id| seen.insert(*id)).cloned().collect()
}
