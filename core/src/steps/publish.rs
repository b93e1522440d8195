//! One target through TikTok's publishing steps, as far as it can go now:
//! `scheduled → claimed → initialized → uploading → processing → published`, or `failed`, or
//! `needs_attention` when an init's outcome is unknown. Every move is a compare-and-set on the
//! target's state and this worker's claim, with its history line, so a cancel, a webhook or
//! another worker that got there first simply wins. `init_sent_at` is stored before the init
//! request goes out and `publish_id` in the same transaction that leaves `claimed`, so an init
//! is never sent twice.

use crate::CoreError;
use chrono::{DateTime, TimeDelta, Utc};
use multitok_shared::AccountStatus;
use multitok_shared::schedule::Quota;
use multitok_shared::{ChunkBounds, ChunkPlan, TargetState, Violations, chunk_plan::MIB, retry};
use multitok_store::accounts::Account;
use multitok_store::claims::Step;
use multitok_store::inits::{InitRequest, InitStart};
use multitok_store::media::Media;
use multitok_store::posts::{Post, Target};
use multitok_tiktok::{
    ErrorClass, InitResponse, PostInfo, PublishStatus, TikTokError, VideoSource,
};
use oauth2::AccessToken;

use super::Steps;

/// Why a step did not continue.
#[derive(Debug)]
pub enum Halt {
    /// Someone else changed the target first; nothing to do.
    Lost,
    /// TikTok refused or failed; classified by [`Steps::on_tiktok_error`].
    TikTok(TikTokError),
    /// The target cannot publish, for this reason (shown to people).
    Fail(String),
    /// A dependency of ours failed (database, disk); the claim is released and retried.
    Internal(anyhow::Error),
}

impl From<multitok_store::StoreError> for Halt {
    fn from(e: multitok_store::StoreError) -> Halt {
        Halt::Internal(e.into())
    }
}

impl From<CoreError> for Halt {
    fn from(e: CoreError) -> Halt {
        match e {
            CoreError::FailedPrecondition(why) => Halt::Fail(capitalized(why)),
            CoreError::Unavailable(_) => Halt::TikTok(TikTokError {
                class: ErrorClass::Transient {
                    retry_after: std::time::Duration::from_secs(5),
                },
                code: "unavailable".into(),
                message: e.to_string(),
                log_id: None,
                http_status: None,
            }),
            other => Halt::Internal(other.into()),
        }
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect::<String>() + ".")
        .unwrap_or_default()
}

/// What happens after a step.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// Go on with the target's next step now.
    Continue,
    /// The target waits (for a time, or for good); the claim was given back.
    Wait,
}

/// What a step answers.
pub type StepResult = Result<Next, Halt>;

/// What an init needs, read and checked before it is sent.
pub struct Ready {
    token: AccessToken,
    caption: String,
    plan: ChunkPlan,
}

fn plan(media: &Media) -> Result<ChunkPlan, Halt> {
    let size = u64::try_from(media.size_bytes).unwrap_or(0);
    ChunkPlan::auto(size, 10 * MIB, ChunkBounds::default())
        .map_err(|e| Halt::Fail(format!("The video cannot be sent to TikTok: {e}.")))
}

impl Steps {
    /// Applies `step` to the target if it is still in `from` and ours.
    pub async fn step(&self, t: &Target, from: TargetState, step: Step) -> Result<(), Halt> {
        if self
            .core
            .store
            .advance(&t.id, &self.owner, from, step, self.now())
            .await?
        {
            Ok(())
        } else {
            Err(Halt::Lost)
        }
    }

    /// Gives the claim back, keeping the state, to be taken again at `at`.
    pub async fn wait_until(
        &self,
        t: &Target,
        state: TargetState,
        at: DateTime<Utc>,
        detail: String,
    ) -> StepResult {
        let step = Step {
            next_attempt_at: Some(Some(at)),
            lease: Some(None),
            detail,
            ..Step::default()
        };
        self.step(t, state, step).await?;
        Ok(Next::Wait)
    }

    /// Ends the target as failed with a reason for people.
    pub async fn fail(
        &self,
        t: &Target,
        state: TargetState,
        reason: &str,
        code: &str,
    ) -> StepResult {
        let step = Step {
            to: Some(TargetState::Failed),
            failure_reason: Some(reason.to_owned()),
            next_attempt_at: Some(None),
            lease: Some(None),
            upload_url_enc: Some(None),
            detail: reason.to_owned(),
            tiktok_code: code.to_owned(),
            ..Step::default()
        };
        self.step(t, state, step).await?;
        Ok(Next::Wait)
    }

    async fn account_of(&self, t: &Target) -> Result<Account, Halt> {
        self.core
            .store
            .account(&t.workspace_id, &t.account_id)
            .await?
            .ok_or_else(|| Halt::Fail("The account was removed from the workspace.".into()))
    }

    /// The target's post (without its other targets) and its video.
    async fn post_and_media(&self, t: &Target) -> Result<(Post, Media), Halt> {
        let store = &self.core.store;
        let post = store
            .post_row(&t.workspace_id, &t.post_id)
            .await?
            .ok_or_else(|| Halt::Fail("The post was deleted.".into()))?;
        let media = store
            .media(&t.workspace_id, &post.media_id)
            .await?
            .ok_or_else(|| Halt::Fail("The video was deleted from the library.".into()))?;
        Ok((post, media))
    }

    /// A usable access token, refreshed first when it expires soon.
    pub async fn token(&self, account: &Account) -> Result<AccessToken, Halt> {
        if account.status != AccountStatus::Active {
            return Err(Halt::Fail(format!(
                "The account must be connected again: {}",
                account.status_reason
            )));
        }
        let sealed = account
            .access_token_enc
            .as_deref()
            .ok_or_else(|| Halt::Fail("The account is disconnected.".into()))?;
        let expiring = account
            .access_expires_at
            .is_none_or(|at| at < self.now() + self.refresh_margin);
        if expiring {
            return Ok(self.core.refreshed_token(account, sealed).await?);
        }
        Ok(AccessToken::new(
            self.core.open_token(account, sealed).await?,
        ))
    }

    /// `scheduled → claimed`.
    pub async fn take(&self, t: &Target) -> StepResult {
        let step = Step {
            to: Some(TargetState::Claimed),
            detail: "A worker took the post.".into(),
            ..Step::default()
        };
        self.step(t, TargetState::Scheduled, step).await?;
        Ok(Next::Continue)
    }

    /// `claimed → initialized`: re-checks the creator's settings and the quotas, records that
    /// the init is being sent, sends it once, and stores `publish_id` with the state change.
    pub async fn init(&self, t: &Target) -> StepResult {
        let from = TargetState::Claimed;
        if t.init_sent_at.is_some() {
            let reason = "The publish request reached TikTok but its answer was lost. Check the \
                          account on TikTok, then bind the video or retry on purpose.";
            let step = Step {
                to: Some(TargetState::NeedsAttention),
                failure_reason: Some(reason.into()),
                next_attempt_at: Some(None),
                lease: Some(None),
                detail: reason.into(),
                ..Step::default()
            };
            self.step(t, from, step).await?;
            return Ok(Next::Wait);
        }
        let ready = self.prepare(t).await?;
        let request = InitRequest {
            target_id: t.id.clone(),
            account_id: t.account_id.clone(),
        };
        let started = self
            .core
            .store
            .start_inits(&self.owner, from, &[request], self.now(), self.quota())
            .await?;
        match started.first() {
            Some(InitStart::Send) => self.send_init(t, &ready).await,
            Some(InitStart::WaitUntil(at)) => {
                let detail = "Waiting for a posting slot (TikTok's quota).".into();
                self.wait_until(t, from, *at, detail).await
            }
            _ => Err(Halt::Lost),
        }
    }

    /// Reads and checks what an init needs: the account and a fresh token, the post and its
    /// video, and the creator's current settings. Nothing is written.
    pub async fn prepare(&self, t: &Target) -> Result<Ready, Halt> {
        let account = self.account_of(t).await?;
        let (post, media) = self.post_and_media(t).await?;
        let token = self.token(&account).await?;
        let caption = t.caption.clone().unwrap_or_else(|| post.caption.clone());
        self.recheck(&account, t, &caption, &media).await?;
        let plan = plan(&media)?;
        Ok(Ready {
            token,
            caption,
            plan,
        })
    }

    /// TikTok's limits on inits for this deployment's accounts.
    pub fn quota(&self) -> Quota {
        Quota {
            daily_posts: self.core.daily_post_cap as usize,
            ..Quota::default()
        }
    }

    /// Sends an init already marked as sending, once, and stores TikTok's answer: `publish_id`
    /// and the upload address with the move to `initialized`.
    pub async fn send_init(&self, t: &Target, ready: &Ready) -> StepResult {
        let answer = self.request_init(t, ready).await?;
        self.record_init(t, answer).await
    }

    /// The init request itself, sent once; nothing is stored.
    pub async fn request_init(
        &self,
        t: &Target,
        ready: &Ready,
    ) -> Result<Result<InitResponse, TikTokError>, Halt> {
        let (token, plan) = (&ready.token, &ready.plan);
        let source = VideoSource::FileUpload {
            video_size: plan.video_size,
            chunk_size: plan.chunk_size,
            total_chunk_count: plan.total_chunk_count,
        };
        let client = self.core.tiktok()?;
        let late = (self.now() - t.scheduled_at).num_milliseconds().max(0);
        self.core
            .metrics
            .publish_lateness
            .observe(late as f64 / 1000.0);
        Ok(if t.inbox_draft {
            client.init_inbox_video(token, &source).await
        } else {
            client
                .init_direct_video(token, &post_info(t, ready.caption.clone()), &source)
                .await
        })
    }

    /// Stores TikTok's answer to an init: `initialized` with `publish_id` and the sealed upload
    /// address; a lost answer leaves `init_sent_at` (the target will need attention); a refusal
    /// clears it, as nothing was created.
    pub async fn record_init(
        &self,
        t: &Target,
        answer: Result<InitResponse, TikTokError>,
    ) -> StepResult {
        let from = TargetState::Claimed;
        match answer {
            Ok(init) => {
                let url = init.upload_url.unwrap_or_default();
                let step = Step {
                    to: Some(TargetState::Initialized),
                    publish_id: Some(init.publish_id.clone()),
                    upload_url_enc: Some(Some(self.core.sealer.seal(&url)?)),
                    detail: format!("TikTok accepted the post ({}).", init.publish_id),
                    ..Step::default()
                };
                self.step(t, from, step).await?;
                Ok(Next::Continue)
            }
            Err(e) if e.class == ErrorClass::OutcomeUnknown => Ok(Next::Continue),
            Err(e) => {
                // TikTok answered: nothing was created, so the init may be sent again later.
                let step = Step {
                    init_sent_at: Some(None),
                    ..Step::default()
                };
                self.step(t, from, step).await?;
                Err(Halt::TikTok(e))
            }
        }
    }

    /// The creator may have changed settings since scheduling: check again with the rules
    /// scheduling used.
    async fn recheck(
        &self,
        account: &Account,
        t: &Target,
        caption: &str,
        media: &Media,
    ) -> Result<(), Halt> {
        let mut v = Violations::new();
        self.core
            .check_target(&mut v, "", account, caption, media, &t.settings())
            .await?;
        if v.is_empty() {
            return Ok(());
        }
        let what: Vec<String> =
            v.0.iter()
                .map(|f| format!("{} {}", f.field, f.description))
                .collect();
        Err(Halt::Fail(format!(
            "TikTok no longer allows this post's settings: {}.",
            what.join("; ")
        )))
    }

    /// `initialized → uploading → processing`: streams the video from the media store.
    pub async fn upload(&self, t: &Target, state: TargetState) -> StepResult {
        let mut from = state;
        if from == TargetState::Initialized {
            let step = Step {
                to: Some(TargetState::Uploading),
                detail: "Uploading the video to TikTok.".into(),
                ..Step::default()
            };
            self.step(t, from, step).await?;
            from = TargetState::Uploading;
        }
        let (_, media) = self.post_and_media(t).await?;
        let sealed = t
            .upload_url_enc
            .as_deref()
            .ok_or_else(|| Halt::Fail("TikTok gave no upload address; start again.".into()))?;
        let url = self.core.sealer.open(sealed)?;
        let file = tokio::fs::File::open(self.core.media.path_of(&media.storage_key))
            .await
            .map_err(|e| Halt::Internal(e.into()))?;
        let plan = plan(&media)?;
        let client = self.core.tiktok()?;
        match client.upload(&url, &media.content_type, &plan, file).await {
            Ok(_) => {
                let step = Step {
                    to: Some(TargetState::Processing),
                    upload_url_enc: Some(None),
                    next_attempt_at: Some(Some(self.now() + self.poll_every)),
                    lease: Some(None),
                    detail: "Uploaded; TikTok is processing the video.".into(),
                    ..Step::default()
                };
                self.step(t, from, step).await?;
                Ok(Next::Wait)
            }
            Err(e) if e.code == "upload_url_expired" => {
                self.fail(t, from, &e.message, &e.code).await
            }
            Err(e) => Err(Halt::TikTok(e)),
        }
    }

    /// `processing → published | failed`, or another look later.
    pub async fn poll(&self, t: &Target) -> StepResult {
        let from = TargetState::Processing;
        let account = self.account_of(t).await?;
        let token = self.token(&account).await?;
        let publish_id = t.publish_id.clone().unwrap_or_default();
        let status = self
            .core
            .tiktok()?
            .publish_status(&token, &publish_id)
            .await
            .map_err(Halt::TikTok)?;
        let done = |detail: &str, video: Option<String>| Step {
            to: Some(TargetState::Published),
            video_id: video,
            next_attempt_at: Some(None),
            lease: Some(None),
            detail: detail.into(),
            ..Step::default()
        };
        match status.status {
            PublishStatus::PublishComplete => {
                let video = status.publicly_available_post_id.first().cloned();
                self.step(t, from, done("Published on TikTok.", video))
                    .await?;
                Ok(Next::Wait)
            }
            PublishStatus::SendToUserInbox => {
                self.step(
                    t,
                    from,
                    done("Delivered to the creator's TikTok inbox.", None),
                )
                .await?;
                Ok(Next::Wait)
            }
            PublishStatus::Failed => {
                let code = status.fail_reason.unwrap_or_default();
                let reason = format!("TikTok could not publish the video ({code}).");
                self.fail(t, from, &reason, &code).await
            }
            _ => {
                let later = self.now() + self.poll_every;
                self.wait_until(t, from, later, String::new()).await
            }
        }
    }

    /// Classifies a TikTok failure: refresh once and go on, fail for good, or retry later with
    /// backoff (failing after `max_attempts`).
    pub async fn on_tiktok_error(
        &self,
        t: &Target,
        state: TargetState,
        e: TikTokError,
        refreshed: &mut bool,
    ) -> StepResult {
        match e.class {
            ErrorClass::Reauthorize if !*refreshed => {
                *refreshed = true;
                let account = self.account_of(t).await?;
                let sealed = account
                    .access_token_enc
                    .clone()
                    .unwrap_or_else(|| "".into());
                match self.core.refreshed_token(&account, &sealed).await {
                    Ok(_) => Ok(Next::Continue),
                    Err(CoreError::FailedPrecondition(why)) => {
                        self.fail(t, state, &capitalized(why), &e.code).await
                    }
                    Err(other) => Err(Halt::from(other)),
                }
            }
            ErrorClass::Reauthorize | ErrorClass::Permanent => {
                self.fail(t, state, &e.message, &e.code).await
            }
            ErrorClass::Transient { retry_after } | ErrorClass::RateLimited { retry_after } => {
                self.retry_later(t, state, &e, retry_after).await
            }
            ErrorClass::OutcomeUnknown => {
                self.retry_later(t, state, &e, std::time::Duration::ZERO)
                    .await
            }
        }
    }

    async fn retry_later(
        &self,
        t: &Target,
        state: TargetState,
        e: &TikTokError,
        at_least: std::time::Duration,
    ) -> StepResult {
        let attempts = t.attempts + 1;
        if attempts >= self.max_attempts {
            let reason = format!("TikTok kept failing ({}): {}", e.code, e.message);
            return self.fail(t, state, &reason, &e.code).await;
        }
        let delay = retry::backoff(
            u32::try_from(attempts).unwrap_or(1),
            std::time::Duration::from_secs(1),
            std::time::Duration::from_secs(300),
            rand::random::<f64>(),
            at_least,
        );
        let at = self.now() + TimeDelta::from_std(delay).unwrap_or(TimeDelta::seconds(1));
        let step = Step {
            attempts: Some(attempts),
            next_attempt_at: Some(Some(at)),
            lease: Some(None),
            detail: format!("TikTok did not answer ({}); trying again.", e.code),
            tiktok_code: e.code.clone(),
            ..Step::default()
        };
        self.step(t, state, step).await?;
        Ok(Next::Wait)
    }
}

fn post_info(t: &Target, caption: String) -> PostInfo {
    PostInfo {
        privacy_level: t.privacy_level.clone(),
        title: (!caption.is_empty()).then_some(caption),
        disable_duet: !t.allow_duet,
        disable_stitch: !t.allow_stitch,
        disable_comment: !t.allow_comment,
        video_cover_timestamp_ms: (t.cover_frame_ms > 0).then_some(i64::from(t.cover_frame_ms)),
        brand_content_toggle: t.branded_content,
        brand_organic_toggle: t.brand_organic,
        is_aigc: t.ai_generated,
    }
}
