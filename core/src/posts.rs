//! Composed posts: checking every target against its account's creator info and the library,
//! reading a post, its history, and watching its targets change live.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::stream::BoxStream;
use multitok_shared::AccountStatus;
use multitok_shared::post_rules::{CreatorLimits, TargetSettings, check_target};
use multitok_shared::{TargetState, Violations};
use multitok_store::accounts::Account;
use multitok_store::media::Media;
use multitok_store::posts::{Event, PostWithTargets, Target};

use crate::Core;
use crate::access::{Access, EditContent, View};
use crate::error::CoreError;

/// Most accounts one post can go to.
pub const MAX_TARGETS: usize = 50;
/// How often a watcher looks for changes made by other processes (the worker).
const WATCH_POLL: Duration = Duration::from_secs(1);

/// What a person composes for one account.
#[derive(Debug, Clone, Default)]
pub struct TargetDraft {
    pub account_id: String,
    /// Replaces the post's caption for this account.
    pub caption: Option<String>,
    pub settings: TargetSettings,
}

/// A post as composed, before it is scheduled.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub media_id: String,
    pub caption: String,
    pub targets: Vec<TargetDraft>,
}

fn limits(info: &multitok_tiktok::CreatorInfo) -> CreatorLimits {
    CreatorLimits {
        privacy_level_options: info.privacy_level_options.clone(),
        comment_disabled: info.comment_disabled,
        duet_disabled: info.duet_disabled,
        stitch_disabled: info.stitch_disabled,
        max_video_post_duration_sec: u32::try_from(info.max_video_post_duration_sec).unwrap_or(0),
    }
}

impl Core {
    /// Checks one target against its account (connected, and what TikTok allows the creator) and
    /// the video; problems are added to `v` under `prefix`. Only a TikTok outage is an error.
    pub async fn check_target(
        &self,
        v: &mut Violations,
        prefix: &str,
        account: &Account,
        caption: &str,
        media: &Media,
        settings: &TargetSettings,
    ) -> Result<(), CoreError> {
        if account.status != AccountStatus::Active {
            v.add(
                &format!("{prefix}account_id"),
                format!("@{} must be connected again first", account.username),
            );
            return Ok(());
        }
        let info = match self.live_creator_info(account).await {
            Ok(info) => info,
            Err(CoreError::FailedPrecondition(why)) => {
                v.add(&format!("{prefix}account_id"), why);
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        #[allow(clippy::cast_precision_loss)]
        let seconds = media.duration_ms as f64 / 1000.0;
        if let Err(found) = check_target(prefix, caption, seconds, settings, &limits(&info)) {
            v.0.extend(found.0);
        }
        Ok(())
    }

    /// Checks a whole draft; answers the accounts of its targets in order.
    pub(crate) async fn check_draft(
        &self,
        workspace_id: &str,
        draft: &Draft,
    ) -> Result<(Media, Vec<Account>), CoreError> {
        let mut v = Violations::new();
        let media = self.store.media(workspace_id, &draft.media_id).await?;
        if media.is_none() {
            v.add("media_id", "is not a video of this workspace's library");
        }
        if draft.targets.is_empty() {
            v.add("targets", "needs at least one account");
        }
        if draft.targets.len() > MAX_TARGETS {
            v.add(
                "targets",
                format!("may have at most {MAX_TARGETS} accounts"),
            );
        }
        let known: HashMap<String, Account> = self
            .store
            .accounts_of(workspace_id)
            .await?
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
        let mut accounts = Vec::with_capacity(draft.targets.len());
        for (i, t) in draft.targets.iter().enumerate() {
            let prefix = format!("targets[{i}].");
            let Some(account) = known.get(&t.account_id) else {
                v.add(
                    &format!("{prefix}account_id"),
                    "is not an account of this workspace",
                );
                continue;
            };
            if accounts.iter().any(|a: &Account| a.id == account.id) {
                v.add(
                    &format!("{prefix}account_id"),
                    "appears twice; one target per account",
                );
                continue;
            }
            if let Some(media) = &media {
                let caption = t.caption.as_deref().unwrap_or(&draft.caption);
                self.check_target(&mut v, &prefix, account, caption, media, &t.settings)
                    .await?;
            }
            accounts.push(account.clone());
        }
        v.into_result()?;
        Ok((media.ok_or(CoreError::NotFound("media"))?, accounts))
    }

    /// Tells watchers that a post's targets changed.
    pub fn post_changed(&self) {
        let _ = self.post_changes.send(());
    }

    /// Changes made to posts by this process, as they happen.
    pub fn post_changes(&self) -> tokio::sync::broadcast::Receiver<()> {
        self.post_changes.subscribe()
    }
}

impl<P> Access<P> {
    pub(crate) async fn post_in(
        &self,
        core: &Core,
        post_id: &str,
    ) -> Result<PostWithTargets, CoreError> {
        core.store
            .post(&self.workspace.id, post_id)
            .await?
            .ok_or(CoreError::NotFound("post"))
    }
}

/// What a watcher last sent of a target.
type Seen = (TargetState, DateTime<Utc>, String);

struct Watch {
    core: Core,
    post_id: String,
    changes: tokio::sync::broadcast::Receiver<()>,
    seen: HashMap<String, Seen>,
    pending: VecDeque<Target>,
    started: bool,
    done: bool,
}

impl Watch {
    /// The next target to send: first every target, then each change; ends when every target is
    /// final.
    async fn next(mut self) -> Option<(Result<Target, CoreError>, Watch)> {
        loop {
            if let Some(t) = self.pending.pop_front() {
                return Some((Ok(t), self));
            }
            if self.done {
                return None;
            }
            if self.started {
                tokio::select! {
                    _ = self.changes.recv() => {}
                    () = tokio::time::sleep(WATCH_POLL) => {}
                }
            }
            self.started = true;
            let targets = match self.core.store.targets_of(&self.post_id).await {
                Ok(t) => t,
                Err(e) => {
                    self.done = true;
                    return Some((Err(e.into()), self));
                }
            };
            self.done = targets.iter().all(|t| t.state.is_final());
            for t in targets {
                let now = (t.state, t.updated_at, t.failure_reason.clone());
                if self.seen.get(&t.id) != Some(&now) {
                    self.seen.insert(t.id.clone(), now);
                    self.pending.push_back(t);
                }
            }
        }
    }
}

impl Access<View> {
    pub async fn post(&self, core: &Core, post_id: &str) -> Result<PostWithTargets, CoreError> {
        self.post_in(core, post_id).await
    }

    /// Every event of the post's targets, oldest first.
    pub async fn history(&self, core: &Core, post_id: &str) -> Result<Vec<Event>, CoreError> {
        let post = self.post_in(core, post_id).await?;
        Ok(core.store.history(&post.post.id).await?)
    }

    /// The post's targets now, then each change as it happens, until every target is final.
    pub async fn watch(
        &self,
        core: &Core,
        post_id: &str,
    ) -> Result<BoxStream<'static, Result<Target, CoreError>>, CoreError> {
        let changes = core.post_changes.subscribe();
        let post = self.post_in(core, post_id).await?;
        let watch = Watch {
            core: core.clone(),
            post_id: post.post.id,
            changes,
            seen: HashMap::new(),
            pending: VecDeque::new(),
            started: false,
            done: false,
        };
        Ok(Box::pin(futures::stream::unfold(watch, Watch::next)))
    }
}

/// How a person settles a target whose publish outcome is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// It became this TikTok video.
    Bind(String),
    /// Send it again now.
    Retry,
}

impl Access<EditContent> {
    /// Settles a `needs_attention` target of the post.
    pub async fn resolve_target(
        &self,
        core: &Core,
        post_id: &str,
        target_id: &str,
        resolution: Resolution,
    ) -> Result<PostWithTargets, CoreError> {
        let post = self.post_in(core, post_id).await?;
        if !post.targets.iter().any(|t| t.id == target_id) {
            return Err(CoreError::NotFound("target"));
        }
        let (video, detail) = match &resolution {
            Resolution::Bind(v) => {
                let ok = !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_digit());
                if !ok {
                    return Err(
                        Violations::one("video_id", "must be a TikTok video id (digits)").into(),
                    );
                }
                (
                    Some(v.as_str()),
                    format!("Bound by a person to TikTok video {v}."),
                )
            }
            Resolution::Retry => (None, "Sent again on purpose by a person.".to_owned()),
        };
        if !core
            .store
            .resolve_attention(target_id, video, &detail, core.now())
            .await?
        {
            return Err(CoreError::FailedPrecondition(
                "this target does not need attention",
            ));
        }
        core.post_changed();
        self.post_in(core, post_id).await
    }
}
