//! Display API: user info with field selection, the video list (cursor paging) and video query
//! (batches of at most 20 ids).

use oauth2::AccessToken;
use serde::Deserialize;
use serde_json::json;

use crate::client::{Body, TikTokClient};
use crate::config::Endpoint;
use crate::error::TikTokError;
use crate::types::{UserInfo, UserInfoData, Video, VideoPage};

/// Video query accepts at most this many ids per call.
pub const QUERY_BATCH: usize = 20;
/// Video list returns at most this many per page.
pub const MAX_PAGE: u32 = 20;

#[derive(Debug, Default, Deserialize)]
struct VideosData {
    #[serde(default)]
    videos: Vec<Video>,
}

impl TikTokClient {
    /// The user's profile; only `fields` are requested and filled.
    pub async fn user_info(
        &self,
        token: &AccessToken,
        fields: &[&str],
    ) -> Result<UserInfo, TikTokError> {
        let data: UserInfoData = self
            .api(
                Endpoint::UserInfo,
                token,
                &[("fields", fields.join(","))],
                Body::None,
            )
            .await?;
        Ok(data.user)
    }

    /// One page of the user's public videos, newest first, posted before `cursor` (ms).
    pub async fn video_list(
        &self,
        token: &AccessToken,
        fields: &[&str],
        cursor: Option<i64>,
        max_count: u32,
    ) -> Result<VideoPage, TikTokError> {
        let mut body = json!({ "max_count": max_count.clamp(1, MAX_PAGE) });
        if let Some(cursor) = cursor {
            body["cursor"] = json!(cursor);
        }
        self.api(
            Endpoint::VideoList,
            token,
            &[("fields", fields.join(","))],
            Body::Json(&body),
        )
        .await
    }

    /// Pages through the whole list until TikTok says there is no more, or `cap` videos.
    pub async fn all_videos(
        &self,
        token: &AccessToken,
        fields: &[&str],
        cap: usize,
    ) -> Result<Vec<Video>, TikTokError> {
        let mut videos = Vec::new();
        let mut cursor = None;
        while videos.len() < cap {
            let page = self.video_list(token, fields, cursor, MAX_PAGE).await?;
            let stalled = page.videos.is_empty() && cursor == Some(page.cursor);
            videos.extend(page.videos);
            if !page.has_more || stalled {
                break;
            }
            cursor = Some(page.cursor);
        }
        videos.truncate(cap);
        Ok(videos)
    }

    /// The given videos that belong to the user, asking in batches of 20.
    pub async fn video_query(
        &self,
        token: &AccessToken,
        fields: &[&str],
        ids: &[String],
    ) -> Result<Vec<Video>, TikTokError> {
        let mut videos = Vec::with_capacity(ids.len());
        for batch in ids.chunks(QUERY_BATCH) {
            let body = json!({ "filters": { "video_ids": batch } });
            let data: VideosData = self
                .api(
                    Endpoint::VideoQuery,
                    token,
                    &[("fields", fields.join(","))],
                    Body::Json(&body),
                )
                .await?;
            videos.extend(data.videos);
        }
        Ok(videos)
    }
}
