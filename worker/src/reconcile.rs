//! Reconciliation: a target whose publish request's answer was lost (`needs_attention`) may still
//! have become a TikTok video. Look among the account's newest videos, created since the request
//! went out, for one with the post's caption that no other target claims, and bind it.

use chrono::TimeDelta;
use multitok_store::posts::Target;

use crate::context::Ctx;
use multitok_core::steps::Halt;

const FIELDS: &[&str] = &["id", "create_time", "title", "video_description"];

/// Looks once at every target needing attention from the last day; answers how many were bound.
pub async fn reconcile_once(ctx: &Ctx) -> anyhow::Result<usize> {
    let store = &ctx.core.store;
    let targets = store
        .attention_since(ctx.now() - TimeDelta::hours(24), 50)
        .await?;
    let mut bound = 0;
    for t in targets {
        let lock = format!("reconcile:{}", t.id);
        let holder = uuid::Uuid::new_v4().simple().to_string();
        let now = ctx.now();
        if !store
            .take_lease(&lock, &holder, now + TimeDelta::seconds(60), now)
            .await?
        {
            continue;
        }
        let found = match_video(ctx, &t).await;
        store.release_lease(&lock, &holder).await?;
        match found {
            Ok(Some(video)) => {
                let detail = format!("Found on TikTok as video {video}.");
                if store
                    .resolve_attention(&t.id, Some(&video), &detail, ctx.now())
                    .await?
                {
                    bound += 1;
                }
            }
            Ok(None) => {}
            Err(e) => tracing::debug!(target_id = %t.id, ?e, "reconciliation could not look"),
        }
    }
    if bound > 0 {
        ctx.core.post_changed();
    }
    Ok(bound)
}

async fn match_video(ctx: &Ctx, t: &Target) -> Result<Option<String>, Halt> {
    let Some(sent) = t.init_sent_at else {
        return Ok(None);
    };
    let store = &ctx.core.store;
    let account = store
        .account(&t.workspace_id, &t.account_id)
        .await?
        .ok_or(Halt::Lost)?;
    let post = store
        .post_row(&t.workspace_id, &t.post_id)
        .await?
        .ok_or(Halt::Lost)?;
    let caption = t.caption.clone().unwrap_or(post.caption);
    let token = ctx.token(&account).await?;
    let page = ctx
        .core
        .tiktok()?
        .video_list(&token, FIELDS, None, 20)
        .await
        .map_err(Halt::TikTok)?;
    let taken = store.bound_video_ids(&account.id).await?;
    let earliest = sent.timestamp() - 60;
    Ok(page
        .videos
        .into_iter()
        .filter(|v| v.create_time.is_some_and(|c| c >= earliest))
        .filter(|v| !taken.contains(&v.id))
        .find(|v| {
            v.title.as_deref() == Some(caption.as_str())
                || v.video_description.as_deref() == Some(caption.as_str())
        })
        .map(|v| v.id))
}
