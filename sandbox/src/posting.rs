//! Content Posting API: creator info (spam and cap errors with HTTP 200), and direct, inbox and
//! photo init with TikTok's validations and quotas. What happens to a post afterwards is in
//! `lifecycle`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use multitok_shared::{ChunkBounds, ChunkPlan};
use serde_json::{Value, json};

use crate::App;
use crate::access::{Caller, check, json_body};
use crate::respond::{err, ok};
use crate::state::{Publish, PublishKind, State as World, Upload, in_last_day};

/// Largest video TikTok accepts.
const MAX_VIDEO_BYTES: u64 = 4 * 1024 * 1024 * 1024;

fn privacy_options(private: bool) -> Vec<&'static str> {
    if private {
        vec!["FOLLOWER_OF_CREATOR", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]
    } else {
        vec!["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]
    }
}

/// Bounds in force, scaled down when configured.
pub fn bounds(app: &App) -> ChunkBounds {
    ChunkBounds::scaled_down(app.config.chunk_scale_down)
}

/// The daily-cap and active-user errors, shared by creator_info (HTTP 200) and init (403).
fn quota_error(app: &App, state: &World, open_id: &str) -> Option<&'static str> {
    let now = state.now_ms();
    let posts = state
        .post_times
        .get(open_id)
        .map_or(0, |t| in_last_day(t, now));
    if posts >= app.config.daily_posts_per_creator as usize {
        return Some("spam_risk_too_many_posts");
    }
    let active: Vec<&String> = state
        .post_times
        .iter()
        .filter(|(_, t)| in_last_day(t, now) > 0)
        .map(|(id, _)| id)
        .collect();
    if active.len() >= app.config.active_user_cap as usize
        && !active.iter().any(|id| *id == open_id)
    {
        return Some("reached_active_user_cap");
    }
    None
}

/// `POST /v2/post/publish/creator_info/query/`
pub async fn creator_info(State(app): State<App>, headers: HeaderMap) -> Response {
    let mut state = app.lock();
    let caller = match check(
        &mut state,
        &headers,
        &["video.publish"],
        "creator_info",
        app.config.per_minute_creator_info,
    ) {
        Ok(c) => c,
        Err(r) => return r,
    };
    if let Some(code) = quota_error(&app, &state, &caller.open_id) {
        return err(200, code, "The creator cannot post more right now.");
    }
    let Some(c) = state
        .creators
        .get(&caller.open_id)
        .map(|c| c.config.clone())
    else {
        return err(401, "access_token_invalid", "unknown user");
    };
    ok(json!({
        "creator_avatar_url": crate::display::avatar_url(&app, &c.open_id),
        "creator_username": c.username,
        "creator_nickname": c.display_name,
        "privacy_level_options": privacy_options(c.private),
        "comment_disabled": c.comment_disabled,
        "duet_disabled": c.duet_disabled || c.private,
        "stitch_disabled": c.stitch_disabled || c.private,
        "max_video_post_duration_sec": c.max_video_post_duration_sec,
    }))
}

pub(crate) fn invalid(app: &App, message: &str) -> Response {
    err(400, &app.config.invalid_param_code, message)
}

/// Checks `post_info` against the creator; returns whether the post is public.
fn check_post_info(
    app: &App,
    state: &World,
    caller: &Caller,
    info: &Value,
    title_limit: usize,
) -> Result<bool, Response> {
    let Some(creator) = state.creators.get(&caller.open_id) else {
        return Err(err(401, "access_token_invalid", "unknown user"));
    };
    let privacy = info
        .get("privacy_level")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !privacy_options(creator.config.private).contains(&privacy) {
        return Err(err(
            403,
            "privacy_level_option_mismatch",
            "privacy_level is missing or not among the creator's options.",
        ));
    }
    let title = info
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if title.encode_utf16().count() > title_limit {
        return Err(invalid(app, "title is too long"));
    }
    for flag in [
        "disable_duet",
        "disable_stitch",
        "disable_comment",
        "brand_content_toggle",
        "brand_organic_toggle",
        "is_aigc",
        "auto_add_music",
    ] {
        if info.get(flag).is_some_and(|v| !v.is_boolean()) {
            return Err(invalid(app, &format!("{flag} must be a boolean")));
        }
    }
    if info.get("brand_content_toggle").and_then(Value::as_bool) == Some(true)
        && privacy == "SELF_ONLY"
    {
        return Err(invalid(app, "branded content cannot be private"));
    }
    if app.config.unaudited && !creator.config.private {
        return Err(err(
            403,
            "unaudited_client_can_only_post_to_private_accounts",
            "Unaudited clients can only post to private accounts.",
        ));
    }
    if let Some(code) = quota_error(app, state, &caller.open_id) {
        return Err(err(403, code, "The creator cannot post more right now."));
    }
    Ok(privacy == "PUBLIC_TO_EVERYONE")
}

/// A validated media source: `Some(plan)` for FILE_UPLOAD, `None` for PULL_FROM_URL.
fn check_source(app: &App, source: &Value) -> Result<Option<ChunkPlan>, Response> {
    match source.get("source").and_then(Value::as_str) {
        Some("FILE_UPLOAD") => {
            let num = |k: &str| source.get(k).and_then(Value::as_u64);
            let (Some(size), Some(chunk), Some(count)) = (
                num("video_size"),
                num("chunk_size"),
                num("total_chunk_count"),
            ) else {
                return Err(invalid(
                    app,
                    "video_size, chunk_size and total_chunk_count are required integers",
                ));
            };
            if size > MAX_VIDEO_BYTES {
                return Err(invalid(app, "video_size is over 4 GB"));
            }
            let plan = ChunkPlan::new(size, chunk, bounds(app))
                .map_err(|e| invalid(app, &e.to_string()))?;
            if plan.total_chunk_count != count || plan.chunk_size != chunk {
                return Err(invalid(
                    app,
                    "total_chunk_count must be floor(video_size / chunk_size)",
                ));
            }
            Ok(Some(plan))
        }
        Some("PULL_FROM_URL") => {
            let url = source
                .get("video_url")
                .and_then(Value::as_str)
                .and_then(|u| url::Url::parse(u).ok());
            let verified = url.as_ref().is_some_and(|u| {
                u.scheme() == "https" && matches!(u.host(), Some(url::Host::Domain(_)))
            });
            if verified {
                Ok(None)
            } else {
                Err(err(
                    403,
                    "url_ownership_unverified",
                    "The URL is not under a verified domain.",
                ))
            }
        }
        _ => Err(invalid(
            app,
            "source_info.source must be FILE_UPLOAD or PULL_FROM_URL",
        )),
    }
}

/// Stores the publish (and its upload), counts the init, and answers.
fn create(
    app: &App,
    state: &mut World,
    caller: &Caller,
    kind: PublishKind,
    public: bool,
    title: String,
    plan: Option<ChunkPlan>,
) -> Response {
    let now = state.now_ms();
    let prefix = match (kind, plan.is_some()) {
        (PublishKind::Direct, true) => "v_pub_file~v2-1.",
        (PublishKind::Direct, false) => "v_pub_url~v2-1.",
        (PublishKind::Inbox, true) => "v_inbox_file~v2.",
        (PublishKind::Inbox, false) => "v_inbox_url~v2.",
        (PublishKind::Photo, _) => "p_pub_url~v2.",
    };
    let publish_id = state.id(prefix);
    let mut data = json!({ "publish_id": publish_id });
    if let Some(plan) = &plan {
        let upload_id = state.id("");
        let token = hex::encode(rand::random::<[u8; 12]>());
        data["upload_url"] = json!(format!(
            "{}/upload/?upload_id={upload_id}&upload_token={token}",
            app.base_url()
        ));
        state.uploads.insert(
            upload_id,
            Upload {
                publish_id: publish_id.clone(),
                token,
                expires_ms: now + app.config.upload_url_secs * 1000,
                video_size: plan.video_size,
                chunk_size: plan.chunk_size,
                total_chunk_count: plan.total_chunk_count,
                received: 0,
                sha256: None,
            },
        );
    }
    let status = if plan.is_some() {
        "PROCESSING_UPLOAD"
    } else {
        "PROCESSING_DOWNLOAD"
    };
    state.publishes.insert(
        publish_id.clone(),
        Publish {
            publish_id,
            open_id: caller.open_id.clone(),
            kind,
            file_upload: plan.is_some(),
            public,
            title,
            created_ms: now,
            media_done_ms: if plan.is_some() {
                None
            } else {
                Some(now + app.config.processing_ms / 2)
            },
            video_size: plan.as_ref().map_or(0, |p| p.video_size),
            uploaded: 0,
            status: status.into(),
            fail_reason: None,
            video_id: None,
            publicly_available: false,
        },
    );
    match kind {
        PublishKind::Inbox => state
            .inbox_times
            .entry(caller.open_id.clone())
            .or_default()
            .push(now),
        _ => state
            .post_times
            .entry(caller.open_id.clone())
            .or_default()
            .push(now),
    }
    state.counters(&caller.open_id).init_calls += 1;
    ok(data)
}

fn begin<'a>(
    app: &'a App,
    headers: &HeaderMap,
    body: &[u8],
    scope: &str,
    window: &'static str,
) -> Result<(std::sync::MutexGuard<'a, World>, Caller, Value), Response> {
    let mut state = app.lock();
    let caller = check(
        &mut state,
        headers,
        &[scope],
        window,
        app.config.per_minute_init,
    )?;
    let body = json_body(app, body)?;
    Ok((state, caller, body))
}

/// `POST /v2/post/publish/video/init/` (direct post).
pub async fn video_init(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let response = (|| {
        let (mut state, caller, body) =
            begin(&app, &headers, &body, "video.publish", "video_init")?;
        let info = body.get("post_info").cloned().unwrap_or(Value::Null);
        let public = check_post_info(&app, &state, &caller, &info, 2200)?;
        let plan = check_source(&app, body.get("source_info").unwrap_or(&Value::Null))?;
        let title = info
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Ok::<_, Response>(create(
            &app,
            &mut state,
            &caller,
            PublishKind::Direct,
            public,
            title,
            plan,
        ))
    })()
    .unwrap_or_else(|r| r);
    app.save();
    response
}

/// `POST /v2/post/publish/inbox/video/init/` (draft to the creator's inbox).
pub async fn inbox_init(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let response = (|| {
        let (mut state, caller, body) = begin(&app, &headers, &body, "video.upload", "inbox_init")?;
        let now = state.now_ms();
        if state
            .inbox_times
            .get(&caller.open_id)
            .map_or(0, |t| in_last_day(t, now))
            >= app.config.pending_inbox_cap as usize
        {
            return Err(err(
                403,
                "spam_risk_too_many_pending_share",
                "Too many pending shares in the last 24 hours.",
            ));
        }
        let plan = check_source(&app, body.get("source_info").unwrap_or(&Value::Null))?;
        Ok(create(
            &app,
            &mut state,
            &caller,
            PublishKind::Inbox,
            false,
            String::new(),
            plan,
        ))
    })()
    .unwrap_or_else(|r| r);
    app.save();
    response
}

/// `POST /v2/post/publish/content/init/` (photos, direct or inbox).
pub async fn content_init(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let response = (|| {
        let mut state = app.lock();
        let caller = check(
            &mut state,
            &headers,
            &["video.publish", "video.upload"],
            "content_init",
            app.config.per_minute_init,
        )?;
        let body = json_body(&app, &body)?;
        if body.get("media_type").and_then(Value::as_str) != Some("PHOTO") {
            return Err(invalid(&app, "media_type must be PHOTO"));
        }
        let source = body.get("source_info").cloned().unwrap_or(Value::Null);
        let images = source
            .get("photo_images")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if source.get("source").and_then(Value::as_str) != Some("PULL_FROM_URL")
            || images.is_empty()
            || images.len() > 35
        {
            return Err(invalid(
                &app,
                "source must be PULL_FROM_URL with 1 to 35 photo_images",
            ));
        }
        let info = body.get("post_info").cloned().unwrap_or(Value::Null);
        let (kind, public) = match body.get("post_mode").and_then(Value::as_str) {
            Some("DIRECT_POST") if caller.has("video.publish") => (
                PublishKind::Photo,
                check_post_info(&app, &state, &caller, &info, 90)?,
            ),
            Some("MEDIA_UPLOAD") if caller.has("video.upload") => (PublishKind::Inbox, false),
            Some("DIRECT_POST" | "MEDIA_UPLOAD") => {
                return Err(err(
                    401,
                    "scope_not_authorized",
                    "The post mode needs another scope.",
                ));
            }
            _ => {
                return Err(invalid(
                    &app,
                    "post_mode must be DIRECT_POST or MEDIA_UPLOAD",
                ));
            }
        };
        let title = info
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Ok(create(&app, &mut state, &caller, kind, public, title, None))
    })()
    .unwrap_or_else(|r| r);
    app.save();
    response
}
