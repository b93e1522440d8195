//! Content Posting API: creator info, direct and inbox video init, photo init, cancel, status.
//! Init calls are sent once; a lost answer is `ErrorClass::OutcomeUnknown`.

use oauth2::AccessToken;
use serde_json::json;

use crate::client::{Body, TikTokClient};
use crate::config::Endpoint;
use crate::error::TikTokError;
use crate::types::{
    CreatorInfo, InitResponse, PhotoPostInfo, PostInfo, PostMode, StatusResponse, VideoSource,
};

impl TikTokClient {
    /// What the creator allows right now (privacy options, disabled interactions, duration).
    /// Spam and cap errors arrive with HTTP 200 and are errors all the same.
    pub async fn creator_info(&self, token: &AccessToken) -> Result<CreatorInfo, TikTokError> {
        self.api(Endpoint::CreatorInfo, token, &[], Body::None)
            .await
    }

    /// Direct post of a video.
    pub async fn init_direct_video(
        &self,
        token: &AccessToken,
        post: &PostInfo,
        source: &VideoSource,
    ) -> Result<InitResponse, TikTokError> {
        let body = json!({ "post_info": post, "source_info": source });
        self.api(Endpoint::VideoInit, token, &[], Body::Json(&body))
            .await
    }

    /// A video sent to the creator's inbox as a draft (no caption or privacy).
    pub async fn init_inbox_video(
        &self,
        token: &AccessToken,
        source: &VideoSource,
    ) -> Result<InitResponse, TikTokError> {
        let body = json!({ "source_info": source });
        self.api(Endpoint::InboxVideoInit, token, &[], Body::Json(&body))
            .await
    }

    /// A photo post from verified URLs (`PULL_FROM_URL` is the only source).
    pub async fn init_photo(
        &self,
        token: &AccessToken,
        mode: PostMode,
        post: &PhotoPostInfo,
        images: &[String],
        cover_index: u32,
    ) -> Result<InitResponse, TikTokError> {
        let body = json!({
            "media_type": "PHOTO",
            "post_mode": mode,
            "post_info": post,
            "source_info": { "source": "PULL_FROM_URL", "photo_images": images, "photo_cover_index": cover_index },
        });
        self.api(Endpoint::ContentInit, token, &[], Body::Json(&body))
            .await
    }

    /// Best-effort cancel of a pull-from-URL post still downloading.
    pub async fn cancel(&self, token: &AccessToken, publish_id: &str) -> Result<(), TikTokError> {
        let body = json!({ "publish_id": publish_id });
        self.api::<serde_json::Value>(Endpoint::Cancel, token, &[], Body::Json(&body))
            .await
            .map(drop)
    }

    /// Where a post stands; freely retryable.
    pub async fn publish_status(
        &self,
        token: &AccessToken,
        publish_id: &str,
    ) -> Result<StatusResponse, TikTokError> {
        let body = json!({ "publish_id": publish_id });
        self.api(Endpoint::StatusFetch, token, &[], Body::Json(&body))
            .await
    }
}
