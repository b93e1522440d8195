//! The sync's steps: reading an account's profile counts and videos from TikTok and storing
//! them. The worker claims the syncs that are due and runs these.

use chrono::{DateTime, Utc};
use multitok_shared::schedule::next_video_refresh;
use multitok_store::sync::{AccountCounts, SyncClaim, VideoStats};
use multitok_tiktok::Video;
use oauth2::AccessToken;

use super::{Halt, Steps};

const PROFILE_FIELDS: &[&str] = &[
    "follower_count",
    "following_count",
    "likes_count",
    "video_count",
];
const VIDEO_FIELDS: &[&str] = &[
    "id",
    "create_time",
    "title",
    "video_description",
    "duration",
    "share_url",
    "view_count",
    "like_count",
    "comment_count",
    "share_count",
];
/// Most videos read per account and sync.
const MAX_VIDEOS: usize = 10_000;
fn stats(v: Video, now: DateTime<Utc>) -> VideoStats {
    let posted_at = v
        .create_time
        .and_then(|s| DateTime::from_timestamp(s, 0))
        .unwrap_or(now);
    VideoStats {
        title: v.title.or(v.video_description).unwrap_or_default(),
        posted_at,
        duration_sec: v.duration.unwrap_or(0),
        share_url: v.share_url.unwrap_or_default(),
        views: v.view_count.unwrap_or(0),
        likes: v.like_count.unwrap_or(0),
        comments: v.comment_count.unwrap_or(0),
        shares: v.share_count.unwrap_or(0),
        next_refresh_at: next_video_refresh(posted_at, now),
        video_id: v.id,
    }
}

impl Steps {
    /// Syncs one claimed account: its profile counts and every video with its statistics, stored
    /// as snapshots; published targets are linked to their videos and the rollups kept.
    pub async fn sync_account(&self, claim: &SyncClaim) -> Result<(), Halt> {
        let store = &self.core.store;
        let account = &claim.account;
        let token = self.token(account).await?;
        let client = self.core.tiktok()?;
        let profile = client
            .user_info(&token, PROFILE_FIELDS)
            .await
            .map_err(Halt::TikTok)?;
        let now = self.now();
        let counts = AccountCounts {
            followers: profile.follower_count.unwrap_or(0),
            following: profile.following_count.unwrap_or(0),
            likes: profile.likes_count.unwrap_or(0),
            videos: profile.video_count.unwrap_or(0),
        };
        store
            .save_account_snapshot(&account.id, counts, now)
            .await?;
        let videos: Vec<VideoStats> = client
            .all_videos(&token, VIDEO_FIELDS, MAX_VIDEOS)
            .await
            .map_err(Halt::TikTok)?
            .into_iter()
            .map(|v| stats(v, now))
            .collect();
        store.save_videos(&account.id, &videos, now).await?;
        store
            .link_published_videos(&account.id, &videos, now)
            .await?;
        store.roll_up_account(&account.id, counts, now).await?;
        store.score_recent_videos(&account.id, now).await?;
        Ok(())
    }

    /// Reads the statistics of the videos `ids` again.
    pub async fn read_videos(
        &self,
        token: &AccessToken,
        ids: &[String],
        now: DateTime<Utc>,
    ) -> Result<Vec<VideoStats>, Halt> {
        let videos = self
            .core
            .tiktok()?
            .video_query(token, VIDEO_FIELDS, ids)
            .await
            .map_err(Halt::TikTok)?;
        Ok(videos.into_iter().map(|v| stats(v, now)).collect())
    }
}
