//! TikTok's request and response types, in its field names.

use serde::{Deserialize, Deserializer, Serialize};

/// `/v2/user/info/` fields; only the requested ones are filled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct UserInfo {
    pub open_id: Option<String>,
    pub union_id: Option<String>,
    pub avatar_url: Option<String>,
    pub avatar_url_100: Option<String>,
    pub avatar_large_url: Option<String>,
    pub display_name: Option<String>,
    pub bio_description: Option<String>,
    pub profile_deep_link: Option<String>,
    pub profile_web_link: Option<String>,
    pub is_verified: Option<bool>,
    pub username: Option<String>,
    pub follower_count: Option<i64>,
    pub following_count: Option<i64>,
    pub likes_count: Option<i64>,
    pub video_count: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct UserInfoData {
    #[serde(default)]
    pub user: UserInfo,
}

/// A video of the Display API; only the requested fields are filled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct Video {
    pub id: String,
    pub create_time: Option<i64>,
    pub cover_image_url: Option<String>,
    pub share_url: Option<String>,
    pub video_description: Option<String>,
    pub duration: Option<i32>,
    pub height: Option<i32>,
    pub width: Option<i32>,
    pub title: Option<String>,
    pub embed_html: Option<String>,
    pub embed_link: Option<String>,
    pub like_count: Option<i64>,
    pub comment_count: Option<i64>,
    pub share_count: Option<i64>,
    pub view_count: Option<i64>,
}

/// One page of `/v2/video/list/`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct VideoPage {
    pub videos: Vec<Video>,
    pub cursor: i64,
    pub has_more: bool,
}

/// `/v2/post/publish/creator_info/query/`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
pub struct CreatorInfo {
    pub creator_avatar_url: String,
    pub creator_username: String,
    pub creator_nickname: String,
    pub privacy_level_options: Vec<String>,
    pub comment_disabled: bool,
    pub duet_disabled: bool,
    pub stitch_disabled: bool,
    pub max_video_post_duration_sec: i64,
}

/// `post_info` of a direct post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostInfo {
    pub privacy_level: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub disable_duet: bool,
    pub disable_stitch: bool,
    pub disable_comment: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video_cover_timestamp_ms: Option<i64>,
    pub brand_content_toggle: bool,
    pub brand_organic_toggle: bool,
    pub is_aigc: bool,
}

/// Where the video comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VideoSource {
    FileUpload {
        video_size: u64,
        chunk_size: u64,
        total_chunk_count: u64,
    },
    PullFromUrl {
        video_url: String,
    },
}

/// `post_info` of a photo post.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoPostInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privacy_level: Option<String>,
    pub disable_comment: bool,
    pub auto_add_music: bool,
    pub brand_content_toggle: bool,
    pub brand_organic_toggle: bool,
}

/// `DIRECT_POST` or `MEDIA_UPLOAD` (inbox draft).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PostMode {
    DirectPost,
    MediaUpload,
}

/// What an init call answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct InitResponse {
    pub publish_id: String,
    pub upload_url: Option<String>,
}

/// `status` of `/v2/post/publish/status/fetch/`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PublishStatus {
    #[default]
    ProcessingUpload,
    ProcessingDownload,
    SendToUserInbox,
    PublishComplete,
    Failed,
    #[serde(other)]
    Unknown,
}

/// `/v2/post/publish/status/fetch/`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct StatusResponse {
    pub status: PublishStatus,
    pub fail_reason: Option<String>,
    /// TikTok's spelling; numbers or strings on the wire, strings here.
    #[serde(
        rename = "publicaly_available_post_id",
        deserialize_with = "ids_as_strings"
    )]
    pub publicly_available_post_id: Vec<String>,
    pub uploaded_bytes: Option<u64>,
    pub downloaded_bytes: Option<u64>,
}

/// Accepts `[123, "456"]`, `null` or a missing field.
fn ids_as_strings<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let raw: Option<Vec<serde_json::Value>> = Option::deserialize(d)?;
    Ok(raw
        .unwrap_or_default()
        .into_iter()
        .filter_map(|v| match v {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_ids_parse_as_numbers_or_strings() {
        let s: StatusResponse =
            serde_json::from_str(r#"{"status":"PUBLISH_COMPLETE","publicaly_available_post_id":[7261463769757501445,"42"]}"#).unwrap();
        assert_eq!(s.publicly_available_post_id, ["7261463769757501445", "42"]);
        let none: StatusResponse =
            serde_json::from_str(r#"{"status":"FAILED","fail_reason":"spam_risk"}"#).unwrap();
        assert!(none.publicly_available_post_id.is_empty());
        let unknown: StatusResponse =
            serde_json::from_str(r#"{"status":"SOMETHING_NEW"}"#).unwrap();
        assert_eq!(unknown.status, PublishStatus::Unknown);
    }

    #[test]
    fn sources_serialize_in_tiktoks_shape() {
        let v = serde_json::to_value(VideoSource::FileUpload {
            video_size: 10,
            chunk_size: 10,
            total_chunk_count: 1,
        })
        .unwrap();
        assert_eq!(v["source"], "FILE_UPLOAD");
        assert_eq!(v["total_chunk_count"], 1);
    }
}
