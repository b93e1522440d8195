//! Display API: user info (field selection, field-to-scope enforcement), video list (ms cursor,
//! newest first, at most 20) and video query (at most 20 ids, only the caller's videos).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::access::{check, fields, json_body};
use crate::respond::{err, ok};
use crate::state::{Creator, VideoRecord};
use crate::{App, stats};

/// Where the sandbox serves a creator's avatar (a generated picture).
pub fn avatar_url(app: &App, open_id: &str) -> String {
    format!("{}/static/avatar/{open_id}.svg", app.base_url())
}

/// `GET /static/avatar/{open_id}.svg`: initials on a colour derived from the id.
pub async fn avatar(
    State(app): State<App>,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> Response {
    let open_id = file.trim_end_matches(".svg");
    let name = app
        .lock()
        .creators
        .get(open_id)
        .map(|c| c.config.display_name.clone())
        .unwrap_or_default();
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    let hue = open_id
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % 360;
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"100\"><rect width=\"100\" height=\"100\" fill=\"hsl({hue},60%,45%)\"/>\
         <text x=\"50\" y=\"62\" font-size=\"36\" text-anchor=\"middle\" fill=\"white\" font-family=\"sans-serif\">{initials}</text></svg>"
    );
    ([("content-type", "image/svg+xml")], svg).into_response()
}

/// The scope each user-info field needs.
fn field_scope(field: &str) -> Option<&'static str> {
    Some(match field {
        "open_id" | "union_id" | "avatar_url" | "avatar_url_100" | "avatar_large_url"
        | "display_name" => "user.info.basic",
        "bio_description" | "profile_deep_link" | "profile_web_link" | "is_verified"
        | "username" => "user.info.profile",
        "follower_count" | "following_count" | "likes_count" | "video_count" => "user.info.stats",
        _ => return None,
    })
}

fn user_field(app: &App, c: &Creator, field: &str, likes: i64) -> Value {
    let cfg = &c.config;
    let avatar = avatar_url(app, &cfg.open_id);
    match field {
        "open_id" => json!(cfg.open_id),
        "union_id" => json!(format!("union-{}", cfg.open_id)),
        "avatar_url" | "avatar_url_100" | "avatar_large_url" => json!(avatar),
        "display_name" => json!(cfg.display_name),
        "bio_description" => json!(format!("{} on the TikTok sandbox", cfg.display_name)),
        "profile_deep_link" | "profile_web_link" => {
            json!(format!("https://www.tiktok.com/@{}", cfg.username))
        }
        "is_verified" => json!(false),
        "username" => json!(cfg.username),
        "follower_count" => json!(cfg.follower_count + c.videos.len() as i64 * 13),
        "following_count" => json!(42),
        "likes_count" => json!(likes),
        "video_count" => json!(c.videos.iter().filter(|v| v.public).count()),
        _ => Value::Null,
    }
}

/// `GET /v2/user/info/?fields=…`
pub async fn user_info(
    State(app): State<App>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let mut state = app.lock();
    let caller = match check(
        &mut state,
        &headers,
        &[],
        "user_info",
        app.config.per_minute_user_info,
    ) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let wanted = fields(&query);
    if wanted.is_empty() {
        return err(400, &app.config.invalid_param_code, "fields is required");
    }
    if let Some(bad) = wanted.iter().find(|f| field_scope(f).is_none()) {
        return err(
            400,
            &app.config.invalid_param_code,
            &format!("unknown field {bad}"),
        );
    }
    if wanted
        .iter()
        .any(|f| field_scope(f).is_some_and(|s| !caller.has(s)))
    {
        return err(
            if app.config.missing_scope_code == "scope_permission_missed" {
                400
            } else {
                401
            },
            &app.config.missing_scope_code,
            "Some fields need additional scopes.",
        );
    }
    let now = state.now_ms();
    let Some(creator) = state.creators.get(&caller.open_id) else {
        return err(401, "access_token_invalid", "unknown user");
    };
    let likes = creator
        .videos
        .iter()
        .map(|v| stats::counts(app.config.seed, v, now).likes)
        .sum();
    let user: Map<String, Value> = wanted
        .iter()
        .map(|f| (f.clone(), user_field(&app, creator, f, likes)))
        .collect();
    ok(json!({ "user": user }))
}

const VIDEO_FIELDS: &[&str] = &[
    "id",
    "create_time",
    "cover_image_url",
    "share_url",
    "video_description",
    "duration",
    "height",
    "width",
    "title",
    "embed_html",
    "embed_link",
    "like_count",
    "comment_count",
    "share_count",
    "view_count",
];

fn video_json(app: &App, open_id: &str, v: &VideoRecord, wanted: &[String], now: i64) -> Value {
    let counts = stats::counts(app.config.seed, v, now);
    let value = |f: &str| match f {
        "id" => json!(v.id),
        "create_time" => json!(v.create_time),
        "cover_image_url" => json!(format!(
            "https://sandbox.invalid/cover/{}.jpeg?x-expires={}",
            v.id,
            now / 1000 + 6 * 3600
        )),
        "share_url" => json!(format!(
            "https://www.tiktok.com/@{open_id}/video/{}?utm_campaign=tt4d_open_api&utm_source={}",
            v.id, app.config.client_key
        )),
        "video_description" | "title" => json!(v.title),
        "duration" => json!(v.duration),
        "height" => json!(1920),
        "width" => json!(1080),
        "embed_html" => json!(format!(
            "<blockquote class=\"tiktok-embed\" data-video-id=\"{}\"></blockquote>",
            v.id
        )),
        "embed_link" => json!(format!(
            "https://www.tiktok.com/static/profile-video?id={}&hide_author=1",
            v.id
        )),
        "like_count" => json!(counts.likes),
        "comment_count" => json!(counts.comments),
        "share_count" => json!(counts.shares),
        "view_count" => json!(counts.views),
        _ => Value::Null,
    };
    let map: Map<String, Value> = wanted.iter().map(|f| (f.clone(), value(f))).collect();
    Value::Object(map)
}

fn video_fields(app: &App, query: &HashMap<String, String>) -> Result<Vec<String>, Response> {
    let wanted = fields(query);
    let wanted = if wanted.is_empty() {
        vec!["id".to_owned()]
    } else {
        wanted
    };
    match wanted.iter().find(|f| !VIDEO_FIELDS.contains(&f.as_str())) {
        Some(bad) => Err(err(
            400,
            &app.config.invalid_param_code,
            &format!("unknown field {bad}"),
        )),
        None => Ok(wanted),
    }
}

/// `POST /v2/video/list/?fields=…` with `{cursor, max_count}`.
pub async fn video_list(
    State(app): State<App>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut state = app.lock();
    let caller = match check(
        &mut state,
        &headers,
        &["video.list"],
        "video_list",
        app.config.per_minute_video_list,
    ) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (wanted, body) = match (video_fields(&app, &query), json_body(&app, &body)) {
        (Ok(w), Ok(b)) => (w, b),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let max = body.get("max_count").map_or(Some(10), Value::as_u64);
    let cursor = body.get("cursor").map_or(Some(i64::MAX), Value::as_i64);
    let (Some(max), Some(cursor)) = (max, cursor) else {
        return err(
            400,
            &app.config.invalid_param_code,
            "cursor and max_count must be integers",
        );
    };
    let max = max.clamp(1, 20) as usize;
    let now = state.now_ms();
    let Some(creator) = state.creators.get(&caller.open_id) else {
        return err(401, "access_token_invalid", "unknown user");
    };
    let older: Vec<&VideoRecord> = creator
        .videos
        .iter()
        .rev()
        .filter(|v| v.public && v.create_time * 1000 < cursor)
        .collect();
    let page: Vec<Value> = older
        .iter()
        .take(max)
        .map(|v| video_json(&app, &caller.open_id, v, &wanted, now))
        .collect();
    let next = older
        .get(page.len().saturating_sub(1))
        .map_or(0, |v| v.create_time * 1000);
    ok(json!({ "videos": page, "cursor": next, "has_more": older.len() > max }))
}

/// `POST /v2/video/query/?fields=…` with `{filters:{video_ids:[…]}}`.
pub async fn video_query(
    State(app): State<App>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut state = app.lock();
    let caller = match check(
        &mut state,
        &headers,
        &["video.list"],
        "video_query",
        app.config.per_minute_video_query,
    ) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (wanted, body) = match (video_fields(&app, &query), json_body(&app, &body)) {
        (Ok(w), Ok(b)) => (w, b),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let Some(ids) = body.pointer("/filters/video_ids").and_then(Value::as_array) else {
        return err(
            400,
            &app.config.invalid_param_code,
            "filters.video_ids is required",
        );
    };
    if ids.len() > 20 || ids.iter().any(|v| !v.is_string()) {
        return err(
            400,
            &app.config.invalid_param_code,
            "video_ids takes at most 20 string ids",
        );
    }
    let now = state.now_ms();
    let Some(creator) = state.creators.get(&caller.open_id) else {
        return err(401, "access_token_invalid", "unknown user");
    };
    let videos: Vec<Value> = creator
        .videos
        .iter()
        .filter(|v| ids.iter().any(|id| id.as_str() == Some(v.id.as_str())))
        .map(|v| video_json(&app, &caller.open_id, v, &wanted, now))
        .collect();
    ok(json!({ "videos": videos, "cursor": 0, "has_more": false }))
}
