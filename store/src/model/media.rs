//! A workspace's video library and its uploads in progress.

use chrono::{DateTime, Utc};

use crate::entity::{media, upload};

/// A video of a workspace's library.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    pub duration_ms: i64,
    pub width: i32,
    pub height: i32,
    pub frame_rate: f64,
    pub codec: String,
    pub created_at: DateTime<Utc>,
}

impl From<media::Model> for Media {
    fn from(m: media::Model) -> Media {
        Media {
            id: m.id,
            workspace_id: m.workspace_id,
            name: m.name,
            content_type: m.content_type,
            size_bytes: m.size_bytes,
            sha256: m.sha256,
            storage_key: m.storage_key,
            duration_ms: m.duration_ms,
            width: m.width,
            height: m.height,
            frame_rate: m.frame_rate,
            codec: m.codec,
            created_at: m.created_at,
        }
    }
}

/// An upload in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    pub id: String,
    pub workspace_id: String,
    pub user_id: String,
    pub name: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub received_bytes: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl From<upload::Model> for Upload {
    fn from(m: upload::Model) -> Upload {
        Upload {
            id: m.id,
            workspace_id: m.workspace_id,
            user_id: m.user_id,
            name: m.name,
            size_bytes: m.size_bytes,
            sha256: m.sha256,
            received_bytes: m.received_bytes,
            created_at: m.created_at,
            expires_at: m.expires_at,
        }
    }
}

impl From<Media> for media::ActiveModel {
    fn from(d: Media) -> media::ActiveModel {
        media::Model {
            id: d.id,
            workspace_id: d.workspace_id,
            name: d.name,
            content_type: d.content_type,
            size_bytes: d.size_bytes,
            sha256: d.sha256,
            storage_key: d.storage_key,
            duration_ms: d.duration_ms,
            width: d.width,
            height: d.height,
            frame_rate: d.frame_rate,
            codec: d.codec,
            created_at: d.created_at,
        }
        .into()
    }
}
