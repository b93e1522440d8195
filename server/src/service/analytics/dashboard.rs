//! The workspace dashboard: totals and changes across accounts, daily totals, top and rising
//! posts, upcoming posts, recent failures and accounts needing attention; seven queries.

use std::collections::BTreeMap;

use chrono::TimeDelta;
use multitok_proto::v1 as pb;
use multitok_shared::AccountStatus;
use multitok_shared::Violations;
use multitok_shared::analytics::engagement_rate;
use multitok_store::analytics::Video;

use super::cache::Kind;
use super::metrics::PeriodData;
use super::{Scope, input, scope, timestamp};
use crate::service::Services;
use crate::service::access::{Access, View};
use multitok_core::CoreError;

const TOP_POSTS: u64 = 5;
const LISTED: u64 = 10;
/// Rising posts are the best-scored posts of this many days.
const RISING_DAYS: i64 = 7;

fn summary(scope: &Scope, v: &Video) -> pb::PostSummary {
    pb::PostSummary {
        account_id: v.account_id.clone(),
        account_name: scope.name_of(&v.account_id),
        video_id: v.video_id.clone(),
        title: v.title.clone(),
        posted_at: timestamp(v.posted_at),
        views: v.view_count,
        engagement_rate: engagement_rate(
            v.like_count,
            v.comment_count,
            v.share_count,
            v.view_count,
        ),
        viral_score: v.viral_score,
        share_url: v.share_url.clone(),
    }
}

/// The dashboard and the list of a workspace's videos.
pub trait DashboardReads {
    fn dashboard(
        &self,
        s: &Services,
        period_days: i32,
    ) -> impl Future<Output = Result<pb::Dashboard, CoreError>> + Send;
    fn list_videos(
        &self,
        s: &Services,
        account_id: &str,
        range: super::input::DayRange,
        order: VideoOrder,
        limit: usize,
    ) -> impl Future<Output = Result<pb::ListVideosResponse, CoreError>> + Send;
}

impl DashboardReads for Access<View> {
    /// The dashboard over the last `period_days` days (0 means 30).
    async fn dashboard(&self, s: &Services, period_days: i32) -> Result<pb::Dashboard, CoreError> {
        let mut v = Violations::new();
        let period = input::period(&mut v, "period_days", period_days);
        v.into_result()?;
        let scope = scope(self, s, "").await?;
        let now = s.now();
        // Upcoming posts move with time: the key changes every minute.
        let key = scope.key(&format!(
            "dashboard:{}:{period}:{}",
            self.workspace.id,
            now.timestamp() / 60
        ));
        s.analytics_cache
            .get_or(Kind::Metrics, key, async {
                let data = PeriodData::load(s, &scope, period).await?;
                let accounts: Vec<pb::AccountMetrics> =
                    scope.accounts.iter().map(|a| data.metrics_of(a)).collect();
                let ids = scope.ids();
                let since = now - TimeDelta::days(period);
                let top = s
                    .store
                    .leading_videos(&ids, since, false, TOP_POSTS)
                    .await?;
                let rising = s
                    .store
                    .leading_videos(&ids, now - TimeDelta::days(RISING_DAYS), true, TOP_POSTS)
                    .await?;
                let upcoming = s
                    .store
                    .upcoming_targets(&self.workspace.id, now, LISTED)
                    .await?;
                let failures = s
                    .store
                    .recent_failures(
                        &self.workspace.id,
                        now - TimeDelta::days(RISING_DAYS),
                        LISTED,
                    )
                    .await?;
                let sum = |f: fn(&pb::AccountMetrics) -> i64| accounts.iter().map(f).sum::<i64>();
                let totals = pb::Totals {
                    followers: sum(|a| a.followers),
                    likes: sum(|a| a.likes),
                    views: sum(|a| a.views),
                    videos: sum(|a| a.videos),
                    followers_change: sum(|a| a.followers_change),
                    likes_change: sum(|a| a.likes_change),
                    views_change: sum(|a| a.views_change),
                    posts: accounts.iter().map(|a| a.posts).sum(),
                    engagement_rate: engagement_rate(
                        data.videos.iter().map(|v| v.like_count).sum(),
                        data.videos.iter().map(|v| v.comment_count).sum(),
                        data.videos.iter().map(|v| v.share_count).sum(),
                        data.videos.iter().map(|v| v.view_count).sum(),
                    ),
                };
                let (followers, views) = daily_totals(&data);
                Ok(pb::Dashboard {
                    totals: Some(totals),
                    accounts,
                    followers: Some(followers),
                    views: Some(views),
                    top_posts: top.iter().map(|v| summary(&scope, v)).collect(),
                    rising_posts: rising.iter().map(|v| summary(&scope, v)).collect(),
                    upcoming: upcoming
                        .into_iter()
                        .map(|u| pb::UpcomingPost {
                            account_name: scope.name_of(&u.account_id),
                            caption: u.target_caption.unwrap_or(u.post_caption),
                            scheduled_at: timestamp(u.scheduled_at),
                            post_id: u.post_id,
                            target_id: u.target_id,
                            account_id: u.account_id,
                        })
                        .collect(),
                    recent_failures: failures
                        .into_iter()
                        .map(|f| pb::RecentFailure {
                            account_name: scope.name_of(&f.account_id),
                            at: timestamp(f.updated_at),
                            post_id: f.post_id,
                            target_id: f.target_id,
                            state: f.state.as_str().to_owned(),
                            reason: f.failure_reason,
                        })
                        .collect(),
                    attention: scope
                        .accounts
                        .iter()
                        .filter(|a| a.status != AccountStatus::Active)
                        .map(|a| pb::AccountAttention {
                            account_id: a.id.clone(),
                            display_name: a.display_name.clone(),
                            status: a.status.as_str().to_owned(),
                        })
                        .collect(),
                    period_days: period as i32,
                })
            })
            .await
    }

    /// Videos posted in the range, sorted, at most `limit`; and how many there were.
    async fn list_videos(
        &self,
        s: &Services,
        account_id: &str,
        range: super::input::DayRange,
        order: VideoOrder,
        limit: usize,
    ) -> Result<pb::ListVideosResponse, CoreError> {
        let scope = scope(self, s, account_id).await?;
        let key = scope.key(&format!(
            "videos:{}:{}:{order:?}:{limit}",
            range.from, range.to
        ));
        s.analytics_cache
            .get_or(Kind::Insights, key, async {
                let (from, to) = range.instants();
                let videos = s
                    .store
                    .videos_posted(&scope.ids(), from, to, None, None)
                    .await?;
                let mut rows: Vec<pb::PostSummary> =
                    videos.iter().map(|v| summary(&scope, v)).collect();
                let total = rows.len() as i32;
                match order {
                    VideoOrder::Newest => {}
                    VideoOrder::Views => rows.sort_by_key(|p| std::cmp::Reverse(p.views)),
                    VideoOrder::ViralScore => rows.sort_by(|a, b| {
                        let score =
                            |p: &pb::PostSummary| p.viral_score.unwrap_or(f64::NEG_INFINITY);
                        score(b).total_cmp(&score(a))
                    }),
                    VideoOrder::Engagement => {
                        rows.sort_by(|a, b| b.engagement_rate.total_cmp(&a.engagement_rate))
                    }
                }
                rows.truncate(limit);
                Ok(pb::ListVideosResponse {
                    videos: rows,
                    total,
                })
            })
            .await
    }
}

/// Followers and views summed across accounts per day of the period; a day no account synced
/// is a gap.
fn daily_totals(data: &PeriodData) -> (pb::Series, pb::Series) {
    let mut by_day: BTreeMap<chrono::NaiveDate, (i64, i64)> = BTreeMap::new();
    for d in data.days.iter().filter(|d| d.day >= data.start_day) {
        let e = by_day.entry(d.day).or_default();
        e.0 += d.follower_count;
        e.1 += d.view_count;
    }
    let mut followers = pb::Series {
        metric: input::Metric::Followers.number(),
        points: vec![],
    };
    let mut views = pb::Series {
        metric: input::Metric::Views.number(),
        points: vec![],
    };
    let last = data.start_day + TimeDelta::days(data.period_days);
    let mut day = data.start_day;
    while day <= last {
        let found = by_day.get(&day);
        followers.points.push(pb::SeriesPoint {
            start: day.to_string(),
            value: found.map(|f| f.0),
        });
        views.points.push(pb::SeriesPoint {
            start: day.to_string(),
            value: found.map(|f| f.1),
        });
        day += TimeDelta::days(1);
    }
    (followers, views)
}

/// How a video list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VideoOrder {
    Newest,
    Views,
    ViralScore,
    Engagement,
}
