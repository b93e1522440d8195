//! RenderChart: any of the app's charts as a PNG, from the same answers the app draws (and the
//! same cache), laid out as the app lays them out.

use multitok_proto::v1 as pb;
use multitok_shared::chart::{GROWTH_DAYS, forecast_lines};

use super::input::{DayRange, Metric};
use super::insights::best_times_in;
use super::render::{Drawing, Line};
use super::series::SeriesQuery;
use super::series::time_series_in;
use super::{DashboardReads, InsightReads, PostSubject, SeriesReads, scope};
use crate::service::Services;
use crate::service::access::{Access, View};
use multitok_core::CoreError;

/// Which chart to draw.
pub enum ChartQuery {
    /// An account's first metric of the query.
    Series { account_id: String, q: SeriesQuery },
    /// A video's growth curve with its forecast band.
    Post(PostSubject),
    /// The best-times heatmap of one account, or of all when `account_id` is empty.
    BestTimes { account_id: String, range: DayRange },
    /// The first metric of the query, a line per account.
    Compare {
        account_ids: Vec<String>,
        q: SeriesQuery,
    },
    /// The dashboard's daily followers or views across accounts.
    Dashboard { metric: Metric, period_days: i32 },
}

fn values(series: &pb::Series) -> Vec<Option<f64>> {
    series
        .points
        .iter()
        .map(|p| p.value.map(|v| v as f64))
        .collect()
}

fn starts(series: &pb::Series) -> Vec<String> {
    series.points.iter().map(|p| p.start.clone()).collect()
}

fn line(name: impl Into<String>, values: Vec<Option<f64>>) -> Line {
    Line {
        name: name.into(),
        values,
    }
}

fn range_text(range: &DayRange) -> String {
    format!("{} to {}", range.from, range.to)
}

/// A file name: `multitok-`, the words and the range's days, with anything but letters, digits
/// and `-` dropped.
fn file_name(words: &[&str], range: Option<&DayRange>) -> String {
    let mut words: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
    if let Some(r) = range {
        words.extend([r.from.to_string(), r.to.to_string()]);
    }
    let name: String = words
        .join("-")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    format!("multitok-{name}.png")
}

/// Charts as PNG images.
pub trait ChartReads {
    fn render_chart(
        &self,
        s: &Services,
        query: ChartQuery,
        size: (u32, u32),
    ) -> impl Future<Output = Result<pb::RenderChartResponse, CoreError>> + Send;
}

impl ChartReads for Access<View> {
    /// The chart as a PNG of `size` pixels.
    async fn render_chart(
        &self,
        s: &Services,
        query: ChartQuery,
        size: (u32, u32),
    ) -> Result<pb::RenderChartResponse, CoreError> {
        let (drawing, file_name) = drawing(self, s, query).await?;
        let png = s.off_runtime(move || drawing.png(size)).await??;
        Ok(pb::RenderChartResponse { png, file_name })
    }
}

async fn drawing(
    access: &Access<View>,
    s: &Services,
    query: ChartQuery,
) -> Result<(Drawing, String), CoreError> {
    Ok(match query {
        ChartQuery::Series { account_id, q } => {
            let (range, name) = (q.range, q.metrics.first().map_or("metric", |m| m.name()));
            let scope = scope(access, s, &account_id).await?;
            let answer = time_series_in(s, &scope, q).await?;
            let series = answer.series.into_iter().next().unwrap_or_default();
            let account = scope.name_of(&account_id);
            let drawing = Drawing::Lines {
                title: format!("{account}: {name}, {}", range_text(&range)),
                labels: starts(&series),
                lines: vec![line(name, values(&series))],
                band: None,
            };
            (drawing, file_name(&[name], Some(&range)))
        }
        ChartQuery::Post(subject) => {
            let answer = access.post_analytics(s, subject).await?;
            let video = answer.videos.into_iter().next().unwrap_or_default();
            let lines = forecast_lines(
                video.curve.iter().map(|p| (p.age_hours, p.views as f64)),
                video
                    .forecasts
                    .iter()
                    .map(|f| (f.horizon_hours, f.expected, f.low, f.high)),
                GROWTH_DAYS,
            );
            let title = if video.title.is_empty() {
                &video.video_id
            } else {
                &video.title
            };
            let drawing = Drawing::Lines {
                title: format!("{title}: views by day since posting, with the forecast"),
                labels: (0..=GROWTH_DAYS).map(|d| format!("day {d}")).collect(),
                lines: vec![
                    line("Views", lines.actual),
                    line("Forecast", lines.expected),
                ],
                band: Some((lines.low, lines.high)),
            };
            (drawing, file_name(&["video", &video.video_id], None))
        }
        ChartQuery::BestTimes { account_id, range } => {
            let scope = scope(access, s, &account_id).await?;
            let grid = best_times_in(access, s, &scope, range).await?;
            let whose = if account_id.is_empty() {
                "All accounts".to_owned()
            } else {
                scope.name_of(&account_id)
            };
            let drawing = Drawing::Heatmap {
                title: format!("{whose}: best times to post, {}", range_text(&range)),
                grid,
            };
            (drawing, file_name(&["best-times"], Some(&range)))
        }
        ChartQuery::Compare { account_ids, q } => {
            let (range, name) = (q.range, q.metrics.first().map_or("metric", |m| m.name()));
            let answer = access.compare(s, &account_ids, q).await?;
            let lines = answer
                .accounts
                .iter()
                .map(|a| {
                    line(
                        &a.display_name,
                        a.series.first().map(values).unwrap_or_default(),
                    )
                })
                .collect();
            let drawing = Drawing::Lines {
                title: format!("{name} compared, {}", range_text(&range)),
                labels: answer.starts,
                lines,
                band: None,
            };
            (drawing, file_name(&["compare", name], Some(&range)))
        }
        ChartQuery::Dashboard {
            metric,
            period_days,
        } => {
            let d = access.dashboard(s, period_days).await?;
            let series = match metric {
                Metric::Views => d.views,
                _ => d.followers,
            }
            .unwrap_or_default();
            let name = metric.name();
            let drawing = Drawing::Lines {
                title: format!("All accounts: {name}, last {} days", d.period_days),
                labels: starts(&series),
                lines: vec![line(name, values(&series))],
                band: None,
            };
            let days = d.period_days.to_string();
            (
                drawing,
                file_name(&["dashboard", name, &days, "days"], None),
            )
        }
    })
}
