//! One user with one connected account, and targets of hers on a migrated store, for the
//! store's integration tests.
#![allow(dead_code)]

use chrono::{DateTime, TimeDelta, Utc};
use multitok_shared::post_rules::TargetSettings;
use multitok_store::accounts::ConnectedAccount;
use multitok_store::media::Media;
use multitok_store::posts::{NewPost, NewTarget, Target};
use multitok_store::{NewUser, NewWorkspace, Store};

use super::fresh_url;

/// A whole second, as PostgreSQL and SQLite both keep it.
pub fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap()
}

/// A migrated store, its URL, and one account with `n` targets scheduled at `at`.
pub struct World {
    pub store: Store,
    pub url: String,
    pub targets: Vec<Target>,
    pub account_id: String,
    pub post_input: NewPost,
    _dir: tempfile::TempDir,
}

pub async fn world(n: usize, at: DateTime<Utc>) -> World {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_url(dir.path()).await;
    let store = Store::connect(&url, 4).await.unwrap();
    store.migrate().await.unwrap();
    let ana = ana(&store, at).await;
    let media = store
        .insert_media(media(&ana.workspace_id, at))
        .await
        .unwrap();
    let post_input = NewPost {
        workspace_id: ana.workspace_id.clone(),
        author_id: ana.user_id.clone(),
        caption: "a post".into(),
        media_id: media.id.clone(),
        scheduled_at: at,
        time_zone: "UTC".into(),
        targets: vec![NewTarget {
            account_id: ana.account_id.clone(),
            caption: None,
            settings: TargetSettings {
                privacy_level: "PUBLIC_TO_EVERYONE".into(),
                ..TargetSettings::default()
            },
        }],
        traceparent: None,
    };
    let posts = vec![post_input.clone(); n];
    let targets = store
        .insert_posts(posts, at - TimeDelta::hours(1))
        .await
        .unwrap()
        .into_iter()
        .flat_map(|p| p.targets)
        .collect();
    World {
        store,
        url,
        targets,
        account_id: ana.account_id,
        post_input,
        _dir: dir,
    }
}

/// Ana: a registered user, her workspace and one connected account.
pub struct Ana {
    pub user_id: String,
    pub workspace_id: String,
    pub account_id: String,
}

pub async fn ana(store: &Store, at: DateTime<Utc>) -> Ana {
    let (user, ws) = store
        .register_user(
            NewUser {
                email: "ana@example.com".into(),
                display_name: "Ana".into(),
                password_hash: "$argon2id$stub".into(),
            },
            NewWorkspace {
                name: "Ana's workspace".into(),
                time_zone: "UTC".into(),
            },
            at,
        )
        .await
        .unwrap();
    let account = store
        .upsert_account(
            ConnectedAccount {
                workspace_id: ws.id.clone(),
                open_id: "open-ana".into(),
                display_name: "Ana".into(),
                username: "ana".into(),
                avatar_url: String::new(),
                access_token_enc: "sealed".into(),
                refresh_token_enc: "sealed".into(),
                access_expires_at: at + TimeDelta::hours(2),
                refresh_expires_at: at + TimeDelta::days(180),
                scopes: vec!["video.publish".into()],
            },
            at,
        )
        .await
        .unwrap();
    Ana {
        user_id: user.id,
        workspace_id: ws.id,
        account_id: account.id,
    }
}

pub fn media(workspace_id: &str, at: DateTime<Utc>) -> Media {
    Media {
        id: uuid::Uuid::new_v4().to_string(),
        workspace_id: workspace_id.into(),
        name: "clip.mp4".into(),
        content_type: "video/mp4".into(),
        size_bytes: 1_000_000,
        sha256: "0".repeat(64),
        storage_key: "media/clip".into(),
        duration_ms: 10_000,
        width: 1080,
        height: 1920,
        frame_rate: 30.0,
        codec: "avc1".into(),
        created_at: at,
    }
}
