//! Conversions of posts, targets, schedules and calendar entries between protobuf messages and
//! service types; requests are validated field by field.

use chrono::{DateTime, Utc};
use multitok_proto::v1 as pb;
use multitok_shared::post_rules::TargetSettings;
use multitok_shared::{TargetState, Violations, validate};
use multitok_store::posts::{CalendarEntry, Event, PostWithTargets, Target};

use super::convert;
use crate::service::posts::{Draft, TargetDraft};
use crate::service::scheduling::When;

pub fn state(state: TargetState) -> pb::TargetState {
    match state {
        TargetState::Scheduled => pb::TargetState::Scheduled,
        TargetState::Claimed => pb::TargetState::Claimed,
        TargetState::Initialized => pb::TargetState::Initialized,
        TargetState::Uploading => pb::TargetState::Uploading,
        TargetState::Processing => pb::TargetState::Processing,
        TargetState::Published => pb::TargetState::Published,
        TargetState::Failed => pb::TargetState::Failed,
        TargetState::NeedsAttention => pb::TargetState::NeedsAttention,
        TargetState::Cancelled => pb::TargetState::Cancelled,
    }
}

fn settings_to_pb(s: TargetSettings) -> pb::TargetSettings {
    pb::TargetSettings {
        privacy_level: s.privacy_level,
        allow_comment: s.allow_comment,
        allow_duet: s.allow_duet,
        allow_stitch: s.allow_stitch,
        brand_organic: s.brand_organic,
        branded_content: s.branded_content,
        ai_generated: s.ai_generated,
        cover_frame_ms: s.cover_frame_ms,
        inbox_draft: s.inbox_draft,
    }
}

fn settings(s: pb::TargetSettings) -> TargetSettings {
    TargetSettings {
        privacy_level: s.privacy_level,
        allow_comment: s.allow_comment,
        allow_duet: s.allow_duet,
        allow_stitch: s.allow_stitch,
        brand_organic: s.brand_organic,
        branded_content: s.branded_content,
        ai_generated: s.ai_generated,
        inbox_draft: s.inbox_draft,
        cover_frame_ms: s.cover_frame_ms,
    }
}

pub fn target(t: Target) -> pb::PostTarget {
    pb::PostTarget {
        settings: Some(settings_to_pb(t.settings())),
        state: state(t.state).into(),
        id: t.id,
        account_id: t.account_id,
        caption: t.caption,
        scheduled_at: Some(convert::timestamp(t.scheduled_at)),
        attempts: u32::try_from(t.attempts).unwrap_or(0),
        publish_id: t.publish_id.unwrap_or_default(),
        video_id: t.video_id.unwrap_or_default(),
        failure_reason: t.failure_reason,
        updated_at: Some(convert::timestamp(t.updated_at)),
    }
}

pub fn post(p: PostWithTargets) -> pb::Post {
    let post = p.post;
    pb::Post {
        id: post.id,
        workspace_id: post.workspace_id,
        author_id: post.author_id,
        caption: post.caption,
        media_id: post.media_id,
        scheduled_at: Some(convert::timestamp(post.scheduled_at)),
        time_zone: post.time_zone,
        targets: p.targets.into_iter().map(target).collect(),
        created_at: Some(convert::timestamp(post.created_at)),
    }
}

pub fn event(e: Event) -> pb::PublishEvent {
    pb::PublishEvent {
        target_id: e.target_id,
        at: Some(convert::timestamp(e.at)),
        from_state: e
            .from_state
            .map_or(pb::TargetState::Unspecified, state)
            .into(),
        to_state: state(e.to_state).into(),
        detail: e.detail,
        tiktok_code: e.tiktok_code,
    }
}

pub fn calendar_entry(r: CalendarEntry) -> pb::CalendarEntry {
    pb::CalendarEntry {
        state: state(r.state).into(),
        post_id: r.post_id,
        target_id: r.target_id,
        account_id: r.account_id,
        caption: r.target_caption.unwrap_or(r.post_caption),
        scheduled_at: Some(convert::timestamp(r.scheduled_at)),
        time_zone: r.time_zone,
        media_id: r.media_id,
    }
}

/// A timestamp field as UTC; `None` when unset.
pub fn instant(
    v: &mut Violations,
    field: &str,
    t: Option<prost_types::Timestamp>,
) -> Option<DateTime<Utc>> {
    let t = t?;
    let at = u32::try_from(t.nanos)
        .ok()
        .and_then(|n| DateTime::from_timestamp(t.seconds, n));
    match at {
        None => {
            v.add(field, "is not a valid time");
            None
        }
        Some(at) => v.check(field, multitok_shared::dates::supported_instant(at)),
    }
}

/// Checks a list of ids, reporting each bad one as `field[i]`.
pub fn id_list(v: &mut Violations, field: &str, raw: &[String]) -> Vec<String> {
    raw.iter()
        .enumerate()
        .filter_map(|(i, id)| v.check(&format!("{field}[{i}]"), validate::uuid_text(id)))
        .collect()
}

pub fn when_at(at: Option<pb::LocalTime>) -> When {
    let at = at.unwrap_or_default();
    When::At {
        local: at.local,
        time_zone: at.time_zone,
    }
}

/// The workspace, the draft and the time of a schedule request.
pub fn schedule(r: pb::ScheduleRequest) -> Result<(String, Draft, When, bool), Violations> {
    let mut v = Violations::new();
    let ws = v.check("workspace_id", validate::uuid_text(&r.workspace_id));
    let media_id = v.check("media_id", validate::uuid_text(&r.media_id));
    let when = match r.when {
        Some(pb::schedule_request::When::At(at)) => Some(when_at(Some(at))),
        Some(pb::schedule_request::When::Now(true)) => Some(When::Now),
        _ => {
            v.add("at", "is required: a time, or now");
            None
        }
    };
    let targets = r
        .targets
        .into_iter()
        .enumerate()
        .map(|(i, t)| TargetDraft {
            account_id: v
                .check(
                    &format!("targets[{i}].account_id"),
                    validate::uuid_text(&t.account_id),
                )
                .unwrap_or_default(),
            caption: t.caption,
            settings: settings(t.settings.unwrap_or_default()),
        })
        .collect();
    match (ws, media_id, when) {
        (Some(ws), Some(media_id), Some(when)) if v.is_empty() => Ok((
            ws,
            Draft {
                media_id,
                caption: r.caption,
                targets,
            },
            when,
            r.accept_quota_warning,
        )),
        _ => Err(v),
    }
}
