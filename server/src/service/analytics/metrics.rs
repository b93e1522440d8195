//! Account metrics over a period: counts now, their change, engagement, views per post and
//! posting frequency.

use chrono::{NaiveDate, TimeDelta};
use multitok_proto::v1 as pb;
use multitok_shared::analytics::stats::median;
use multitok_shared::analytics::{engagement_rate, growth, posts_per_week};
use multitok_store::accounts::Account;
use multitok_store::analytics::{AccountDay, Video};

use super::cache::Kind;
use super::{Scope, input, scope};
use crate::service::Services;
use crate::service::access::{Access, View};
use multitok_core::CoreError;

/// Days before a period searched for its starting value.
const LOOK_BACK_DAYS: i64 = 31;

/// The day rows and videos behind metrics over the last `period_days` days.
pub(super) struct PeriodData {
    pub start_day: NaiveDate,
    pub days: Vec<AccountDay>,
    pub videos: Vec<Video>,
    pub period_days: i64,
}

impl PeriodData {
    pub(super) async fn load(
        s: &Services,
        scope: &Scope,
        period_days: i64,
    ) -> Result<PeriodData, CoreError> {
        let now = s.now();
        let today = now.date_naive();
        let start_day = today - TimeDelta::days(period_days);
        let ids = scope.ids();
        let days = s
            .store
            .account_days(
                &ids,
                start_day - TimeDelta::days(LOOK_BACK_DAYS),
                today,
                None,
                None,
            )
            .await?;
        let videos = s
            .store
            .videos_posted(
                &ids,
                now - TimeDelta::days(period_days),
                now + TimeDelta::seconds(1),
                None,
                None,
            )
            .await?;
        Ok(PeriodData {
            start_day,
            days,
            videos,
            period_days,
        })
    }

    /// The metrics of one account.
    pub(super) fn metrics_of(&self, account: &Account) -> pb::AccountMetrics {
        let days: Vec<&AccountDay> = self
            .days
            .iter()
            .filter(|d| d.account_id == account.id)
            .collect();
        let videos: Vec<&Video> = self
            .videos
            .iter()
            .filter(|v| v.account_id == account.id)
            .collect();
        let latest = days.last().copied();
        // The last row on or before the period's first day, else the first row in the period.
        let start = days
            .iter()
            .rev()
            .find(|d| d.day <= self.start_day)
            .or(days.iter().find(|d| d.day > self.start_day))
            .copied();
        let change = |f: fn(&AccountDay) -> i64| match (start, latest) {
            (Some(a), Some(b)) => f(b) - f(a),
            _ => 0,
        };
        let views: Vec<f64> = videos.iter().map(|v| v.view_count as f64).collect();
        let sum = |f: fn(&Video) -> i64| videos.iter().map(|v| f(v)).sum::<i64>();
        pb::AccountMetrics {
            account_id: account.id.clone(),
            display_name: account.display_name.clone(),
            followers: latest.map_or(0, |d| d.follower_count),
            following: latest.map_or(0, |d| d.following_count),
            likes: latest.map_or(0, |d| d.likes_count),
            videos: latest.map_or(0, |d| d.video_count),
            views: latest.map_or(0, |d| d.view_count),
            followers_change: change(|d| d.follower_count),
            likes_change: change(|d| d.likes_count),
            views_change: change(|d| d.view_count),
            followers_growth: start
                .zip(latest)
                .and_then(|(a, b)| growth(a.follower_count, b.follower_count)),
            engagement_rate: engagement_rate(
                sum(|v| v.like_count),
                sum(|v| v.comment_count),
                sum(|v| v.share_count),
                sum(|v| v.view_count),
            ),
            average_views: if views.is_empty() {
                0.0
            } else {
                views.iter().sum::<f64>() / views.len() as f64
            },
            median_views: median(&views).unwrap_or(0.0),
            posts: videos.len() as i32,
            posts_per_week: posts_per_week(videos.len(), self.period_days as f64),
            period_days: self.period_days as i32,
        }
    }
}

/// An account's metrics over a period.
pub trait MetricReads {
    fn account_metrics(
        &self,
        s: &Services,
        account_id: &str,
        period_days: i32,
    ) -> impl Future<Output = Result<pb::AccountMetrics, CoreError>> + Send;
}

impl MetricReads for Access<View> {
    /// An account's metrics over the last `period_days` days (0 means 30).
    async fn account_metrics(
        &self,
        s: &Services,
        account_id: &str,
        period_days: i32,
    ) -> Result<pb::AccountMetrics, CoreError> {
        let mut v = multitok_shared::Violations::new();
        let period = input::period(&mut v, "period_days", period_days);
        v.into_result()?;
        let scope = scope(self, s, account_id).await?;
        let key = scope.key(&format!("metrics:{period}:{}", s.now().date_naive()));
        s.analytics_cache
            .get_or(Kind::Metrics, key, async {
                let data = PeriodData::load(s, &scope, period).await?;
                Ok(scope
                    .accounts
                    .first()
                    .map(|a| data.metrics_of(a))
                    .unwrap_or_default())
            })
            .await
    }
}
