//! Insights: a video's growth curve, viral score and forecasts, and the best times to post.

use std::collections::HashMap;

use chrono::TimeDelta;
use multitok_proto::v1 as pb;
use multitok_shared::analytics::offsets::{offset_spans, weekday_hour};
use multitok_shared::analytics::posting;
use multitok_shared::analytics::{
    SlotTotal, best_times_from_totals, engagement_rate, forecast, viral_score,
};
use multitok_store::analytics::{BASELINE_POSTS, Video, curve};

use super::cache::Kind;
use super::input::DayRange;
use super::timestamp;
use super::{Scope, scope};
use crate::service::Services;
use crate::service::access::{Access, View};
use multitok_core::CoreError;

/// Earlier posts a forecast learns from.
const HISTORY_POSTS: u64 = 50;
/// Posts younger than this are not yet judged for best times (views settle in about a week).
const MATURE_DAYS: i64 = 7;
const HORIZONS_HOURS: [f64; 2] = [7.0 * 24.0, 30.0 * 24.0];

/// What a post analytics request names.
#[derive(Debug, Clone)]
pub enum PostSubject {
    Post(String),
    Video(String),
}

/// A post's analytics and the best times to post.
pub trait InsightReads {
    fn post_analytics(
        &self,
        s: &Services,
        subject: PostSubject,
    ) -> impl Future<Output = Result<pb::GetPostAnalyticsResponse, CoreError>> + Send;
    fn best_times(
        &self,
        s: &Services,
        account_id: &str,
        range: DayRange,
    ) -> impl Future<Output = Result<pb::GetBestTimesResponse, CoreError>> + Send;
}

impl InsightReads for Access<View> {
    /// Counts, curve, viral score and forecasts of the post's videos (or of one video).
    async fn post_analytics(
        &self,
        s: &Services,
        subject: PostSubject,
    ) -> Result<pb::GetPostAnalyticsResponse, CoreError> {
        let scope = scope(self, s, "").await?;
        let subject_key = match &subject {
            PostSubject::Post(id) => format!("post:{id}"),
            PostSubject::Video(id) => format!("video:{id}"),
        };
        let key = scope.key(&format!("insights:{subject_key}"));
        s.analytics_cache
            .get_or(Kind::Insights, key, async {
                let videos = match &subject {
                    PostSubject::Post(id) => s.store.videos_of_post(&self.workspace.id, id).await?,
                    PostSubject::Video(id) => s.store.video_by_tiktok_id(&scope.ids(), id).await?,
                };
                if videos.is_empty() {
                    return Err(CoreError::NotFound(match subject {
                        PostSubject::Post(_) => "post with a published video",
                        PostSubject::Video(_) => "video",
                    }));
                }
                let mut out = Vec::new();
                for v in videos {
                    out.push(video_analytics(s, v).await?);
                }
                Ok(pb::GetPostAnalyticsResponse { videos: out })
            })
            .await
    }

    /// The weekday × hour grid of the account's (or every account's) posts made in the range.
    async fn best_times(
        &self,
        s: &Services,
        account_id: &str,
        range: DayRange,
    ) -> Result<pb::GetBestTimesResponse, CoreError> {
        let scope = scope(self, s, account_id).await?;
        best_times_in(self, s, &scope, range).await
    }
}

/// [`InsightReads::best_times`] for accounts already looked up.
pub(super) async fn best_times_in(
    access: &Access<View>,
    s: &Services,
    scope: &Scope,
    range: DayRange,
) -> Result<pb::GetBestTimesResponse, CoreError> {
    let zone: chrono_tz::Tz = access.workspace.time_zone.parse().unwrap_or(chrono_tz::UTC);
    let key = scope.key(&format!("best:{}:{}:{}", range.from, range.to, zone));
    s.analytics_cache
        .get_or(Kind::Insights, key, async {
            let now = s.now();
            let (from, to) = range.instants();
            let to = to.min(now - TimeDelta::days(MATURE_DAYS));
            let spans: Vec<(chrono::DateTime<chrono::Utc>, i32)> =
                offset_spans(zone, from, to.max(from))
                    .into_iter()
                    .map(|span| (span.start, span.offset_seconds))
                    .collect();
            let per_account = slot_totals(s, scope, from, to, &spans).await?;
            let grid = best_times_from_totals(&per_account);
            let cell = |d: usize, h: usize| {
                let c = grid.cells[d][h];
                pb::BestTimeCell {
                    weekday: d as i32,
                    hour: h as i32,
                    expected: c.expected,
                    samples: c.samples as i32,
                }
            };
            let note = if grid.enough_data {
                format!("From {} posts at least {MATURE_DAYS} days old.", grid.samples)
            } else {
                format!(
                    "Not enough data: {} posts at least {MATURE_DAYS} days old in the range; {} are needed.",
                    grid.samples,
                    multitok_shared::analytics::best_times::MIN_SAMPLES
                )
            };
            Ok(pb::GetBestTimesResponse {
                time_zone: zone.name().to_owned(),
                cells: (0..7).flat_map(|d| (0..24).map(move |h| (d, h))).map(|(d, h)| cell(d, h)).collect(),
                samples: grid.samples as i32,
                enough_data: grid.enough_data,
                top: grid.top.iter().map(|&(d, h)| cell(d.into(), h.into())).collect(),
                note,
            })
        })
        .await
}

/// One video's analytics from its day rows and those of the account's earlier posts.
async fn video_analytics(s: &Services, v: Video) -> Result<pb::VideoAnalytics, CoreError> {
    let now = s.now();
    let history = s
        .store
        .videos_before(&v.account_id, v.posted_at, HISTORY_POSTS)
        .await?;
    let days = s
        .store
        .day_views(history.iter().map(|h| h.id.clone()).chain([v.id.clone()]))
        .await?;
    let curve_of = |row: &Video| {
        curve(
            row.posted_at,
            days.get(&row.id).map_or(&[][..], Vec::as_slice),
        )
    };
    let own = curve_of(&v);
    let curves: Vec<Vec<(f64, f64)>> = history.iter().map(curve_of).collect();
    let age = (now - v.posted_at).num_seconds() as f64 / 3600.0;
    let seen = own.iter().map(|p| p.0).fold(0.0, f64::max).min(age);
    let baseline = &curves[..curves.len().min(BASELINE_POSTS as usize)];
    let score = viral_score(&own, seen, baseline);
    let forecasts: Vec<pb::Forecast> = HORIZONS_HOURS
        .iter()
        .filter_map(|&h| forecast(&own, seen, &curves, h))
        .map(|f| pb::Forecast {
            horizon_hours: f.horizon_hours,
            expected: f.expected,
            low: f.low,
            high: f.high,
            basis: f.basis as i32,
        })
        .collect();
    let note = match (&score, own.is_empty()) {
        (_, true) => "No statistics yet: the next sync reads them.".to_owned(),
        (None, false) => format!(
            "No viral score yet: fewer than {} earlier posts of this account were seen at {seen:.0} h.",
            multitok_shared::analytics::viral::MIN_BASELINE
        ),
        (Some(sc), false) => sc.explanation(),
    };
    let points = days.get(&v.id).cloned().unwrap_or_default();
    Ok(pb::VideoAnalytics {
        account_id: v.account_id.clone(),
        video_id: v.video_id.clone(),
        title: v.title.clone(),
        posted_at: timestamp(v.posted_at),
        share_url: v.share_url.clone(),
        views: v.view_count,
        likes: v.like_count,
        comments: v.comment_count,
        shares: v.share_count,
        engagement_rate: engagement_rate(
            v.like_count,
            v.comment_count,
            v.share_count,
            v.view_count,
        ),
        curve: points
            .iter()
            .map(|(at, views)| pb::CurvePoint {
                at: timestamp(*at),
                age_hours: (*at - v.posted_at).num_seconds() as f64 / 3600.0,
                views: *views,
            })
            .collect(),
        viral: score.map(|sc| pb::ViralScore {
            explanation: sc.explanation(),
            score: sc.score,
            z: sc.z,
            age_hours: sc.age_hours,
            views: sc.views,
            baseline_median: sc.baseline_median,
            baseline_spread: sc.baseline_spread,
            baseline_posts: sc.baseline_posts as i32,
            viral: sc.viral,
        }),
        forecasts,
        note,
    })
}

/// Each account's posts and views per local weekday × hour in `[from, to)`: from its posting
/// profile, or, for an account without one yet, added up by the database.
async fn slot_totals(
    s: &Services,
    scope: &Scope,
    from: chrono::DateTime<chrono::Utc>,
    to: chrono::DateTime<chrono::Utc>,
    spans: &[(chrono::DateTime<chrono::Utc>, i32)],
) -> Result<Vec<Vec<SlotTotal>>, CoreError> {
    let index: HashMap<&str, usize> = scope
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut per_account: Vec<Vec<SlotTotal>> = vec![Vec::new(); scope.accounts.len()];
    let mut profiled = vec![false; scope.accounts.len()];
    let epoch_spans: Vec<(i64, i32)> = spans.iter().map(|(at, o)| (at.timestamp(), *o)).collect();
    for (account, packed) in s.store.posting_profiles(&scope.ids()).await? {
        let Some(&i) = index.get(account.as_str()) else {
            continue;
        };
        profiled[i] = true;
        let posts = posting::decode(&packed);
        let totals = posting::slot_totals(&posts, from.timestamp(), to.timestamp(), &epoch_spans);
        for (slot, &(posts, views)) in totals.iter().enumerate() {
            if posts > 0 {
                per_account[i].push(slot_total(slot as i64, posts, views));
            }
        }
    }
    let missing: Vec<String> = scope
        .accounts
        .iter()
        .zip(&profiled)
        .filter(|(_, done)| !**done)
        .map(|(a, _)| a.id.clone())
        .collect();
    if !missing.is_empty() {
        for row in s.store.posting_totals(&missing, from, to, spans).await? {
            if let Some(&i) = index.get(row.account_id.as_str()) {
                let posts = u32::try_from(row.posts).unwrap_or(0);
                per_account[i].push(slot_total(row.slot, posts, row.views));
            }
        }
    }
    Ok(per_account)
}

fn slot_total(slot: i64, posts: u32, views: i64) -> SlotTotal {
    let (weekday, hour) = weekday_hour(slot);
    SlotTotal {
        weekday,
        hour,
        posts,
        performance: views as f64,
    }
}
