//! Posts and scheduling through the in-process sandbox: creator rules per target, times across a
//! daylight-saving change, quotas, CSV import, live status, history, media in use, permissions.

use multitok_proto::v1 as pb;
use multitok_proto::v1::publishing_service_client::PublishingServiceClient;
use multitok_proto::v1::scheduling_service_client::SchedulingServiceClient;
use tonic::Code;
use tonic::transport::Channel;

use crate::accounts::{World, signed, world};
use crate::helpers::{authed, unique_email, violated_fields};
use crate::media::{mp4_file_with, sha};

const PUBLIC: &str = "PUBLIC_TO_EVERYONE";

/// The next target a WatchPost stream sends, or `None` when it ended.
async fn next_target(
    stream: &mut tonic::Streaming<pb::WatchPostResponse>,
) -> Option<pb::PostTarget> {
    tokio::time::timeout(std::time::Duration::from_secs(10), stream.message())
        .await
        .expect("a change within 10 s")
        .unwrap()
        .map(|m| m.target.unwrap())
}

pub(crate) struct Posts {
    pub(crate) w: World,
    pub(crate) ana: String,
    pub(crate) ben: String,
    pub(crate) media: pb::Media,
}

fn scheduling(w: &World) -> SchedulingServiceClient<Channel> {
    SchedulingServiceClient::new(w.app.channel.clone())
}

fn publishing(w: &World) -> PublishingServiceClient<Channel> {
    PublishingServiceClient::new(w.app.channel.clone())
}

/// Uploads a generated video of `seconds` at 30 fps.
async fn upload(w: &World, seconds: u32) -> pb::Media {
    let bytes = mp4_file_with(720, 1280, 30, seconds * 30, 40);
    let token = &w.owner.access_token;
    let ws = w.owner.workspace_id.clone();
    let mut c = publishing(w);
    let up = c
        .begin_upload(authed(
            token,
            pb::BeginUploadRequest {
                workspace_id: ws.clone(),
                name: "clip.mp4".into(),
                size_bytes: bytes.len() as u64,
                sha256: sha(&bytes),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .upload
        .unwrap();
    c.upload_chunk(authed(
        token,
        pb::UploadChunkRequest {
            workspace_id: ws.clone(),
            upload_id: up.id.clone(),
            offset: 0,
            data: bytes,
        },
    ))
    .await
    .unwrap();
    c.finish_upload(authed(
        token,
        pb::FinishUploadRequest {
            workspace_id: ws,
            upload_id: up.id,
        },
    ))
    .await
    .unwrap()
    .into_inner()
    .media
    .unwrap()
}

pub(crate) async fn posts_world() -> Posts {
    let w = world().await;
    let ana = w.connect("sbx-open-ana").await;
    let ben = w.connect("sbx-open-ben").await;
    let media = upload(&w, 3).await;
    Posts { w, ana, ben, media }
}

pub(crate) fn target(account: &str, privacy: &str) -> pb::TargetInput {
    pb::TargetInput {
        account_id: account.into(),
        settings: Some(pb::TargetSettings {
            privacy_level: privacy.into(),
            ..Default::default()
        }),
        caption: None,
    }
}

fn at(local: &str, zone: &str) -> Option<pb::schedule_request::When> {
    Some(pb::schedule_request::When::At(pb::LocalTime {
        local: local.into(),
        time_zone: zone.into(),
    }))
}

impl Posts {
    pub(crate) fn request(
        &self,
        targets: Vec<pb::TargetInput>,
        local: &str,
    ) -> pb::ScheduleRequest {
        pb::ScheduleRequest {
            workspace_id: self.w.owner.workspace_id.clone(),
            media_id: self.media.id.clone(),
            caption: "Sourdough, step by step #baking".into(),
            targets,
            when: at(local, "Europe/Berlin"),
            accept_quota_warning: false,
        }
    }

    pub(crate) async fn schedule(&self, r: pb::ScheduleRequest) -> Result<pb::Post, tonic::Status> {
        Ok(scheduling(&self.w)
            .schedule(authed(&self.w.owner.access_token, r))
            .await?
            .into_inner()
            .post
            .unwrap())
    }

    async fn calendar(&self, from: &str, to: &str) -> Vec<pb::CalendarEntry> {
        let ts = |s: &str| {
            let t = chrono::DateTime::parse_from_rfc3339(s).unwrap();
            prost_types::Timestamp {
                seconds: t.timestamp(),
                nanos: 0,
            }
        };
        scheduling(&self.w)
            .list_calendar(authed(
                &self.w.owner.access_token,
                pb::ListCalendarRequest {
                    workspace_id: self.w.owner.workspace_id.clone(),
                    from: Some(ts(from)),
                    to: Some(ts(to)),
                    account_ids: vec![],
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .entries
    }
}

fn utc(t: &Option<prost_types::Timestamp>) -> String {
    let t = t.as_ref().unwrap();
    chrono::DateTime::from_timestamp(t.seconds, 0)
        .unwrap()
        .to_rfc3339()
}

#[tokio::test]
async fn scheduling_moving_and_cancelling_across_a_daylight_saving_change() {
    let p = posts_world().await;
    // Berlin springs forward on 28 March 2027: 09:30 is UTC+2 that day, UTC+1 the day before.
    let post = p
        .schedule(p.request(
            vec![
                target(&p.ana, PUBLIC),
                target(&p.ben, "MUTUAL_FOLLOW_FRIENDS"),
            ],
            "2027-03-28T09:30",
        ))
        .await
        .unwrap();
    assert_eq!(utc(&post.scheduled_at), "2027-03-28T07:30:00+00:00");
    assert_eq!(post.time_zone, "Europe/Berlin");
    assert_eq!(post.targets.len(), 2);
    assert!(
        post.targets
            .iter()
            .all(|t| t.state == pb::TargetState::Scheduled as i32)
    );

    let skipped = p
        .schedule(p.request(vec![target(&p.ana, PUBLIC)], "2027-03-28T02:30"))
        .await
        .unwrap_err();
    assert_eq!(violated_fields(&skipped), ["at.local"]);

    let token = &p.w.owner.access_token;
    let ws = p.w.owner.workspace_id.clone();
    let moved = scheduling(&p.w)
        .reschedule(authed(
            token,
            pb::RescheduleRequest {
                workspace_id: ws.clone(),
                post_id: post.id.clone(),
                at: Some(pb::LocalTime {
                    local: "2027-03-27T09:30".into(),
                    time_zone: String::new(),
                }),
                accept_quota_warning: false,
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .post
        .unwrap();
    // An empty zone means the workspace's (UTC for a new workspace).
    assert_eq!(utc(&moved.scheduled_at), "2027-03-27T09:30:00+00:00");
    assert!(
        moved
            .targets
            .iter()
            .all(|t| utc(&t.scheduled_at) == "2027-03-27T09:30:00+00:00")
    );

    let ana_target = moved
        .targets
        .iter()
        .find(|t| t.account_id == p.ana)
        .unwrap()
        .id
        .clone();
    let cancel = |target_id: String| pb::CancelRequest {
        workspace_id: ws.clone(),
        post_id: post.id.clone(),
        target_id,
    };
    let after = scheduling(&p.w)
        .cancel(authed(token, cancel(ana_target.clone())))
        .await
        .unwrap()
        .into_inner()
        .post
        .unwrap();
    let state_of = |id: &str| after.targets.iter().find(|t| t.id == id).unwrap().state;
    assert_eq!(state_of(&ana_target), pb::TargetState::Cancelled as i32);
    let again = scheduling(&p.w)
        .cancel(authed(token, cancel(ana_target.clone())))
        .await
        .unwrap_err();
    assert_eq!(again.code(), Code::FailedPrecondition);

    let entries = p
        .calendar("2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z")
        .await;
    assert_eq!(entries.len(), 2);
    assert!(entries.iter().all(|e| e.post_id == post.id));
    assert!(
        p.calendar("2027-04-01T00:00:00Z", "2027-05-01T00:00:00Z")
            .await
            .is_empty()
    );

    let history = publishing(&p.w)
        .list_publish_history(authed(
            token,
            pb::ListPublishHistoryRequest {
                workspace_id: ws.clone(),
                post_id: post.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .events;
    let of_ana: Vec<&str> = history
        .iter()
        .filter(|e| e.target_id == ana_target)
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(of_ana, ["Scheduled.", "Rescheduled.", "Cancelled."]);
}

#[tokio::test]
async fn each_creator_rule_refuses_its_own_field() {
    let p = posts_world().await;
    let cai = p.w.connect("sbx-open-cai").await;
    let with = |settings: pb::TargetSettings| pb::TargetInput {
        account_id: cai.clone(),
        settings: Some(settings),
        caption: None,
    };
    let cases = [
        (pb::TargetSettings::default(), "targets[0].privacy_level"),
        (
            pb::TargetSettings {
                privacy_level: PUBLIC.into(),
                ..Default::default()
            },
            "targets[0].privacy_level",
        ),
        (
            pb::TargetSettings {
                privacy_level: "SELF_ONLY".into(),
                allow_duet: true,
                ..Default::default()
            },
            "targets[0].allow_duet",
        ),
        (
            pb::TargetSettings {
                privacy_level: "SELF_ONLY".into(),
                branded_content: true,
                ..Default::default()
            },
            "targets[0].privacy_level",
        ),
        (
            pb::TargetSettings {
                privacy_level: "SELF_ONLY".into(),
                cover_frame_ms: 60_000,
                ..Default::default()
            },
            "targets[0].cover_frame_ms",
        ),
    ];
    for (settings, field) in cases {
        let e = p
            .schedule(p.request(vec![with(settings.clone())], "2027-01-10T10:00"))
            .await
            .unwrap_err();
        assert_eq!(violated_fields(&e), [field], "{settings:?}");
    }

    let mut long = p.request(
        vec![pb::TargetInput {
            caption: Some("🎬".repeat(1101)),
            ..target(&p.ana, PUBLIC)
        }],
        "2027-01-10T10:00",
    );
    let e = p.schedule(long.clone()).await.unwrap_err();
    assert_eq!(violated_fields(&e), ["targets[0].caption"]);
    long.targets[0].caption = Some("🎬".repeat(1100));
    p.schedule(long).await.unwrap();

    // Cai may post at most 180 s; Ana up to 600 s.
    let three_minutes = upload(&p.w, 181).await;
    let mut too_long = p.request(
        vec![
            target(&p.ana, PUBLIC),
            with(pb::TargetSettings {
                privacy_level: "SELF_ONLY".into(),
                ..Default::default()
            }),
        ],
        "2027-01-10T11:00",
    );
    too_long.media_id = three_minutes.id;
    let e = p.schedule(too_long).await.unwrap_err();
    assert_eq!(violated_fields(&e), ["targets[1].media"]);

    let unknown = p
        .schedule(p.request(
            vec![
                target(&p.ana, PUBLIC),
                target(&p.ana, PUBLIC),
                target("00000000-0000-4000-8000-000000000000", PUBLIC),
            ],
            "2020-01-01T10:00",
        ))
        .await
        .unwrap_err();
    assert_eq!(
        violated_fields(&unknown),
        ["targets[1].account_id", "targets[2].account_id", "at.local"]
    );
}

#[tokio::test]
async fn quotas_refuse_with_the_account_and_day_unless_accepted() {
    let p = posts_world().await;
    let mut r = p.request(vec![target(&p.ana, PUBLIC)], "2027-02-01T10:00");
    for _ in 0..6 {
        p.schedule(r.clone()).await.unwrap();
    }
    let seventh = p.schedule(r.clone()).await.unwrap_err();
    assert_eq!(seventh.code(), Code::FailedPrecondition);
    assert!(
        seventh.message().contains("@ana.bakes"),
        "{}",
        seventh.message()
    );
    assert!(
        seventh.message().contains("minute"),
        "{}",
        seventh.message()
    );
    assert!(
        seventh
            .message()
            .contains("Mon 1 Feb 2027 10:00 (Europe/Berlin)"),
        "{}",
        seventh.message()
    );
    for hour in 11..20 {
        r.when = at(&format!("2027-02-01T{hour}:00"), "Europe/Berlin");
        p.schedule(r.clone()).await.unwrap();
    }
    r.when = at("2027-02-01T21:00", "Europe/Berlin");
    let sixteenth = p.schedule(r.clone()).await.unwrap_err();
    assert!(
        sixteenth.message().contains("15 posts within 24 hours"),
        "{}",
        sixteenth.message()
    );
    // Ben has room; the refusal names only Ana and stores nothing for either.
    r.targets.push(target(&p.ben, PUBLIC));
    let both = p.schedule(r.clone()).await.unwrap_err();
    assert!(
        !both.message().contains("@ben.travels"),
        "{}",
        both.message()
    );
    assert_eq!(
        p.calendar("2027-02-01T00:00:00Z", "2027-02-03T00:00:00Z")
            .await
            .len(),
        15
    );
    r.accept_quota_warning = true;
    p.schedule(r).await.unwrap();

    let slots = scheduling(&p.w)
        .suggest_slots(authed(
            &p.w.owner.access_token,
            pb::SuggestSlotsRequest {
                workspace_id: p.w.owner.workspace_id.clone(),
                account_ids: vec![p.ana.clone(), p.ben.clone()],
                from: Some(prost_types::Timestamp {
                    seconds: chrono::DateTime::parse_from_rfc3339("2027-02-01T12:00:00Z")
                        .unwrap()
                        .timestamp(),
                    nanos: 0,
                }),
                count: 2,
                step_minutes: 60,
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .accounts;
    // Ben is free at once; Ana's day is full, so her first slot is a day after her earliest post.
    assert_eq!(utc(&Some(slots[1].slots[0])), "2027-02-01T12:00:00+00:00");
    let ana_first = chrono::DateTime::from_timestamp(slots[0].slots[0].seconds, 0).unwrap();
    assert!(
        ana_first >= chrono::DateTime::parse_from_rfc3339("2027-02-02T09:00:00Z").unwrap(),
        "{ana_first}"
    );
}

#[tokio::test]
async fn csv_import_schedules_every_row_or_none() {
    let p = posts_world().await;
    let m = &p.media.id;
    let good = format!(
        "account,media_id,local_time,time_zone,privacy_level,caption,allow_comment\n\
         @ana.bakes,{m},2027-05-03 09:00,Europe/Berlin,{PUBLIC},\"Bread, again\",yes\n\
         {},{m},2027-05-04T18:30,,MUTUAL_FOLLOW_FRIENDS,Night walk,no\n",
        p.ben
    );
    let import = |csv: String| pb::ImportCsvRequest {
        workspace_id: p.w.owner.workspace_id.clone(),
        csv: csv.into_bytes(),
        accept_quota_warning: false,
    };
    let posts = scheduling(&p.w)
        .import_csv(authed(&p.w.owner.access_token, import(good)))
        .await
        .unwrap()
        .into_inner()
        .posts;
    assert_eq!(posts.len(), 2);
    assert_eq!(utc(&posts[0].scheduled_at), "2027-05-03T07:00:00+00:00");
    assert_eq!(posts[0].caption, "Bread, again");
    assert!(posts[0].targets[0].settings.as_ref().unwrap().allow_comment);

    let bad = format!(
        "account,media_id,local_time,privacy_level\n\
         ana.bakes,{m},2027-05-05 09:00,{PUBLIC}\n\
         nobody,{m},2027-05-05 10:00,{PUBLIC}\n\
         ben.travels,{m},2027-05-05 11:00,\n"
    );
    let e = scheduling(&p.w)
        .import_csv(authed(&p.w.owner.access_token, import(bad)))
        .await
        .unwrap_err();
    assert_eq!(
        violated_fields(&e),
        ["rows[2].account", "rows[3].privacy_level"]
    );
    let may = p
        .calendar("2027-05-01T00:00:00Z", "2027-06-01T00:00:00Z")
        .await;
    assert_eq!(may.len(), 2, "a refused file stores nothing");
}

#[tokio::test]
async fn watching_a_post_streams_its_targets_then_each_change() {
    let p = posts_world().await;
    let post = p
        .schedule(p.request(
            vec![target(&p.ana, PUBLIC), target(&p.ben, PUBLIC)],
            "2027-06-01T10:00",
        ))
        .await
        .unwrap();
    let token = &p.w.owner.access_token;
    let ws = p.w.owner.workspace_id.clone();
    let mut stream = publishing(&p.w)
        .watch_post(authed(
            token,
            pb::WatchPostRequest {
                workspace_id: ws.clone(),
                post_id: post.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    for _ in 0..2 {
        let t = next_target(&mut stream).await.unwrap();
        assert_eq!(t.state, pb::TargetState::Scheduled as i32);
    }
    scheduling(&p.w)
        .cancel(authed(
            token,
            pb::CancelRequest {
                workspace_id: ws,
                post_id: post.id.clone(),
                target_id: String::new(),
            },
        ))
        .await
        .unwrap();
    let mut cancelled = Vec::new();
    while let Some(t) = next_target(&mut stream).await {
        assert_eq!(t.state, pb::TargetState::Cancelled as i32);
        cancelled.push(t.account_id);
    }
    cancelled.sort();
    let mut both = vec![p.ana.clone(), p.ben.clone()];
    both.sort();
    assert_eq!(
        cancelled, both,
        "the stream ends once every target is final"
    );
}

#[tokio::test]
async fn a_video_in_a_waiting_post_cannot_be_deleted() {
    let p = posts_world().await;
    let post = p
        .schedule(p.request(vec![target(&p.ana, PUBLIC)], "2027-06-01T10:00"))
        .await
        .unwrap();
    let token = &p.w.owner.access_token;
    let ws = p.w.owner.workspace_id.clone();
    let delete = || {
        let mut client = publishing(&p.w);
        let request = authed(
            token,
            pb::DeleteMediaRequest {
                workspace_id: ws.clone(),
                media_id: p.media.id.clone(),
            },
        );
        async move { client.delete_media(request).await }
    };
    assert_eq!(delete().await.unwrap_err().code(), Code::FailedPrecondition);
    scheduling(&p.w)
        .cancel(authed(
            token,
            pb::CancelRequest {
                workspace_id: ws.clone(),
                post_id: post.id,
                target_id: String::new(),
            },
        ))
        .await
        .unwrap();
    delete().await.unwrap();
}

#[tokio::test]
async fn a_revoked_account_tells_its_waiting_targets_why() {
    let p = posts_world().await;
    let post = p
        .schedule(p.request(vec![target(&p.ana, PUBLIC)], "2027-06-01T10:00"))
        .await
        .unwrap();
    let body = r#"{"client_key":"sbx-client-key","event":"authorization.removed","create_time":1,"user_openid":"sbx-open-ana","content":"{\"reason\":1}"}"#;
    let secret = p.w.sandbox.app.config.client_secret.clone();
    let r =
        p.w.http
            .post(format!("http://{}/webhooks/tiktok", p.w.app.addr))
            .header("TikTok-Signature", signed(&secret, body))
            .body(body)
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 200);
    let get = || {
        let mut client = publishing(&p.w);
        let request = authed(
            &p.w.owner.access_token,
            pb::GetPostRequest {
                workspace_id: p.w.owner.workspace_id.clone(),
                post_id: post.id.clone(),
            },
        );
        async move { client.get_post(request).await }
    };
    let target = get()
        .await
        .unwrap()
        .into_inner()
        .post
        .unwrap()
        .targets
        .remove(0);
    assert_eq!(target.state, pb::TargetState::Scheduled as i32);
    assert!(
        target.failure_reason.contains("disconnected Multitok"),
        "{}",
        target.failure_reason
    );
    p.w.connect("sbx-open-ana").await;
    let target = get()
        .await
        .unwrap()
        .into_inner()
        .post
        .unwrap()
        .targets
        .remove(0);
    assert_eq!(target.failure_reason, "", "reconnecting clears the note");
}

#[tokio::test]
async fn viewers_cannot_schedule_and_other_workspaces_see_not_found() {
    let p = posts_world().await;
    let post = p
        .schedule(p.request(vec![target(&p.ana, PUBLIC)], "2027-06-01T10:00"))
        .await
        .unwrap();
    let viewer = p.w.app.register(&unique_email("viewer")).await;
    p.w.app
        .add(
            &p.w.owner,
            &p.w.owner.workspace_id,
            &viewer,
            pb::Role::Viewer,
        )
        .await;
    let denied = scheduling(&p.w)
        .schedule(authed(
            &viewer.access_token,
            p.request(vec![target(&p.ana, PUBLIC)], "2027-06-01T11:00"),
        ))
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Code::PermissionDenied);
    let seen = publishing(&p.w)
        .get_post(authed(
            &viewer.access_token,
            pb::GetPostRequest {
                workspace_id: p.w.owner.workspace_id.clone(),
                post_id: post.id.clone(),
            },
        ))
        .await
        .unwrap();
    assert_eq!(seen.into_inner().post.unwrap().id, post.id);

    let stranger = p.w.app.register(&unique_email("stranger")).await;
    for workspace_id in [
        stranger.workspace_id.clone(),
        p.w.owner.workspace_id.clone(),
    ] {
        let e = publishing(&p.w)
            .get_post(authed(
                &stranger.access_token,
                pb::GetPostRequest {
                    workspace_id,
                    post_id: post.id.clone(),
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::NotFound);
        let e = scheduling(&p.w)
            .cancel(authed(
                &stranger.access_token,
                pb::CancelRequest {
                    workspace_id: stranger.workspace_id.clone(),
                    post_id: post.id.clone(),
                    target_id: String::new(),
                },
            ))
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::NotFound);
    }
}

#[tokio::test]
async fn streams_are_limited_per_user_and_end_when_the_member_is_removed() {
    let w = crate::accounts::world_with(|s| s.streams.max_per_user = 2).await;
    let ana = w.connect("sbx-open-ana").await;
    let media = upload(&w, 3).await;
    let p = Posts {
        w,
        ana: ana.clone(),
        ben: String::new(),
        media,
    };
    let post = p
        .schedule(p.request(vec![target(&ana, PUBLIC)], "2027-06-01T10:00"))
        .await
        .unwrap();
    let ws = p.w.owner.workspace_id.clone();
    let viewer = p.w.app.register(&unique_email("viewer")).await;
    p.w.app
        .add(&p.w.owner, &ws, &viewer, pb::Role::Viewer)
        .await;
    let watch = |token: String| {
        let mut client = publishing(&p.w);
        let request = authed(
            &token,
            pb::WatchPostRequest {
                workspace_id: ws.clone(),
                post_id: post.id.clone(),
            },
        );
        async move { client.watch_post(request).await }
    };
    let mut open = Vec::new();
    for _ in 0..2 {
        open.push(
            watch(viewer.access_token.clone())
                .await
                .unwrap()
                .into_inner(),
        );
    }
    let third = watch(viewer.access_token.clone()).await.unwrap_err();
    assert_eq!(third.code(), Code::ResourceExhausted, "{third:?}");
    // Another user has slots of their own; closing one frees one.
    watch(p.w.owner.access_token.clone()).await.unwrap();
    drop(open.pop());
    // The server frees the slot once it sees the stream reset, which it learns asynchronously.
    let mut reopened = None;
    for _ in 0..100 {
        if let Ok(s) = watch(viewer.access_token.clone()).await {
            reopened = Some(s.into_inner());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let mut stream = reopened.expect("closing a stream frees its slot");
    assert!(next_target(&mut stream).await.is_some());

    p.w.app
        .workspaces()
        .remove_member(authed(
            &p.w.owner.access_token,
            pb::RemoveMemberRequest {
                workspace_id: ws.clone(),
                user_id: viewer.id.clone(),
            },
        ))
        .await
        .unwrap();
    scheduling(&p.w)
        .cancel(authed(
            &p.w.owner.access_token,
            pb::CancelRequest {
                workspace_id: ws.clone(),
                post_id: post.id.clone(),
                target_id: String::new(),
            },
        ))
        .await
        .unwrap();
    let refused = tokio::time::timeout(std::time::Duration::from_secs(10), stream.message())
        .await
        .expect("an answer after the change")
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
}
