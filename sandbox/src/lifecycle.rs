//! What happens to a post after init: a time-driven progression (upload or download, then
//! processing, then published or sent to the inbox, then publicly available after moderation),
//! with webhooks at each step, the status call, and cancel.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use crate::access::{Caller, check, json_body};
use crate::posting::invalid;
use crate::respond::{err, ok};
use crate::state::{Publish, PublishKind, State as World, VideoRecord};
use crate::{App, webhooks};

/// Moves every post along its timeline; called before answering about posts or videos.
pub fn advance(app: &App, state: &mut World) {
    let now = state.now_ms();
    let mut events = Vec::new();
    let ids: Vec<String> = state.publishes.keys().cloned().collect();
    for id in ids {
        let Some(mut p) = state.publishes.get(&id).cloned() else {
            continue;
        };
        let Some(done) = p.media_done_ms else {
            continue;
        };
        if p.status == "PROCESSING_DOWNLOAD" || p.status == "PROCESSING_UPLOAD" {
            if now < done + app.config.processing_ms {
                continue;
            }
            if p.kind == PublishKind::Inbox {
                p.status = "SEND_TO_USER_INBOX".into();
                events.push((
                    "post.publish.inbox_delivered",
                    p.open_id.clone(),
                    json!({ "publish_id": p.publish_id, "publish_type": "INBOX_SHARE" }),
                ));
            } else {
                let video_id = format!("7{:018}", state.next_id + 100_000_000_000);
                state.next_id += 1;
                if let Some(c) = state.creators.get_mut(&p.open_id) {
                    c.videos.push(VideoRecord {
                        id: video_id.clone(),
                        create_time: now / 1000,
                        title: p.title.clone(),
                        duration: 30,
                        public: false,
                    });
                }
                p.status = "PUBLISH_COMPLETE".into();
                p.video_id = Some(video_id);
                state.counters(&p.open_id).published += 1;
                events.push(("post.publish.complete", p.open_id.clone(), json!({ "publish_id": p.publish_id, "publish_type": app.config.direct_publish_type })));
            }
        }
        if p.status == "PUBLISH_COMPLETE"
            && p.public
            && !p.publicly_available
            && now >= done + app.config.processing_ms + app.config.moderation_ms
        {
            p.publicly_available = true;
            if let (Some(c), Some(vid)) = (state.creators.get_mut(&p.open_id), &p.video_id) {
                c.videos
                    .iter_mut()
                    .filter(|v| &v.id == vid)
                    .for_each(|v| v.public = true);
            }
            events.push((
                "post.publish.publicly_available",
                p.open_id.clone(),
                json!({ "publish_id": p.publish_id, "post_id": p.video_id, "publish_type": app.config.direct_publish_type }),
            ));
        }
        state.publishes.insert(id, p);
    }
    for (event, open_id, content) in events {
        webhooks::emit(app, event, Some(&open_id), content);
    }
}

fn owned_publish(
    app: &App,
    state: &World,
    caller: &Caller,
    body: &Value,
) -> Result<Publish, Response> {
    let Some(id) = body.get("publish_id").and_then(Value::as_str) else {
        return Err(invalid(app, "publish_id is required"));
    };
    let Some(p) = state.publishes.get(id) else {
        return Err(err(
            400,
            "invalid_publish_id",
            "The publish_id does not exist.",
        ));
    };
    if p.open_id != caller.open_id {
        return Err(err(
            400,
            "token_not_authorized_for_specified_publish_id",
            "The token is not authorized for this publish_id.",
        ));
    }
    Ok(p.clone())
}

/// `POST /v2/post/publish/status/fetch/`
pub async fn status(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let mut state = app.lock();
    advance(&app, &mut state);
    let result = (|| {
        let caller = check(
            &mut state,
            &headers,
            &["video.publish", "video.upload"],
            "status",
            app.config.per_minute_status,
        )?;
        let body = json_body(&app, &body)?;
        owned_publish(&app, &state, &caller, &body)
    })();
    let p = match result {
        Ok(p) => p,
        Err(r) => return r,
    };
    let post_ids: Vec<Value> = match (&p.video_id, p.publicly_available) {
        (Some(id), true) if app.config.post_ids_as_numbers => {
            vec![id.parse::<u64>().map_or_else(|_| json!(id), |n| json!(n))]
        }
        (Some(id), true) => vec![json!(id)],
        _ => Vec::new(),
    };
    let mut data = json!({ "status": p.status, "publicaly_available_post_id": post_ids });
    if let Some(reason) = &p.fail_reason {
        data["fail_reason"] = json!(reason);
    }
    data[if p.file_upload {
        "uploaded_bytes"
    } else {
        "downloaded_bytes"
    }] = json!(if p.file_upload {
        p.uploaded
    } else {
        p.video_size
    });
    ok(data)
}

/// `POST /v2/post/publish/cancel/`: only while a pull-from-URL download is in progress.
pub async fn cancel(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let mut state = app.lock();
    advance(&app, &mut state);
    let result = (|| {
        let caller = check(
            &mut state,
            &headers,
            &["video.publish", "video.upload"],
            "cancel",
            600,
        )?;
        let body = json_body(&app, &body)?;
        let p = owned_publish(&app, &state, &caller, &body)?;
        let downloading = p.status == "PROCESSING_DOWNLOAD"
            && p.media_done_ms.is_some_and(|d| state.now_ms() < d);
        if !downloading {
            return Err(err(
                400,
                "publish_not_cancellable",
                "The publish can no longer be cancelled.",
            ));
        }
        Ok(p)
    })();
    match result {
        Ok(p) => {
            if let Some(stored) = state.publishes.get_mut(&p.publish_id) {
                stored.status = "FAILED".into();
                stored.fail_reason = Some("publish_cancelled".into());
                stored.media_done_ms = None;
            }
            drop(state);
            app.save();
            ok(json!({}))
        }
        Err(r) => r,
    }
}
