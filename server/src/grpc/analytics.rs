//! `multitok.v1.AnalyticsService`: metrics, series, post analytics, best times, dashboard,
//! comparison, refresh and export.

use futures::stream::BoxStream;
use multitok_proto::v1 as pb;
use multitok_proto::v1::analytics_service_server::AnalyticsService;
use multitok_shared::{Violations, validate};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use super::{caller, convert, posts, status};
use crate::service::Services;
use crate::service::access::{Access, EditContent, Permission, View};
use crate::service::analytics::charts::ChartQuery;
use crate::service::analytics::input::{self, DayRange};
use crate::service::analytics::reads::*;
use crate::service::analytics::render;
use crate::service::analytics::series::SeriesQuery;
use crate::service::analytics::{Dataset, ExportFormat, PostSubject, VideoOrder};
use multitok_core::CoreError;

pub struct Analytics {
    services: Services,
}

impl Analytics {
    pub fn new(services: Services) -> Analytics {
        Analytics { services }
    }

    /// Checks the workspace (and account, when given) ids and the caller's permission `P`.
    async fn access<P: Permission>(
        &self,
        caller: &crate::service::Caller,
        workspace_id: &str,
        account_id: Option<&str>,
        mut v: Violations,
    ) -> Result<Access<P>, Status> {
        let ws = v.check("workspace_id", validate::uuid_text(workspace_id));
        if let Some(a) = account_id.filter(|a| !a.is_empty()) {
            v.check("account_id", validate::uuid_text(a));
        }
        v.into_result().map_err(status)?;
        let ws = ws.ok_or_else(|| status(Violations::one("workspace_id", "is required")))?;
        self.services
            .authorize::<P>(caller, &ws)
            .await
            .map_err(status)
    }
}

fn required_range(v: &mut Violations, range: Option<pb::DateRange>) -> Option<DayRange> {
    match range {
        Some(r) => input::range(v, "range", &r.from, &r.to),
        None => {
            v.add("range", "is required");
            None
        }
    }
}

/// A post or a video of a post analytics request or chart.
fn post_subject(post_id: Option<&str>, video_id: Option<&str>) -> Result<PostSubject, Violations> {
    match (post_id, video_id) {
        (Some(id), _) => Ok(PostSubject::Post(convert::id("post_id", id)?)),
        (_, Some(id)) if !id.is_empty() && id.len() <= 64 => Ok(PostSubject::Video(id.to_owned())),
        _ => Err(Violations::one("subject", "name a post_id or a video_id")),
    }
}

/// The chart a RenderChart request names, checked; violations name the fields of the chart's
/// message (`compare.account_ids[0]`).
fn chart_query(r: &pb::RenderChartRequest) -> Result<ChartQuery, Violations> {
    use pb::render_chart_request::Chart;
    let range = |range: &Option<pb::DateRange>| range.clone().unwrap_or_default();
    Ok(match &r.chart {
        None => {
            let account_id = convert::id("account_id", &r.account_id)?;
            let range = range(&r.range);
            let q = SeriesQuery::parse(&[r.metric], &range.from, &range.to, r.granularity)?;
            ChartQuery::Series { account_id, q }
        }
        Some(Chart::Post(p)) => {
            use pb::post_chart::Subject;
            let subject = match &p.subject {
                Some(Subject::PostId(id)) => post_subject(Some(id), None),
                Some(Subject::VideoId(id)) => post_subject(None, Some(id)),
                None => post_subject(None, None),
            };
            ChartQuery::Post(subject.map_err(|v| v.nested("post"))?)
        }
        Some(Chart::BestTimes(b)) => {
            let mut v = Violations::new();
            if !b.account_id.is_empty() {
                v.check("account_id", validate::uuid_text(&b.account_id));
            }
            let range = required_range(&mut v, b.range.clone());
            v.into_result().map_err(|v| v.nested("best_times"))?;
            let range = range.ok_or_else(|| Violations::one("best_times.range", "is required"))?;
            ChartQuery::BestTimes {
                account_id: b.account_id.clone(),
                range,
            }
        }
        Some(Chart::Compare(c)) => {
            let mut v = Violations::new();
            let account_ids = posts::id_list(&mut v, "account_ids", &c.account_ids);
            let metric = input::metric(&mut v, "metric", c.metric);
            let granularity = input::granularity(&mut v, "granularity", c.granularity);
            let range = range(&c.range);
            let range = input::range(&mut v, "range", &range.from, &range.to);
            v.into_result().map_err(|v| v.nested("compare"))?;
            let range = range.ok_or_else(|| Violations::one("compare.range", "is required"))?;
            ChartQuery::Compare {
                account_ids,
                q: SeriesQuery {
                    metrics: metric.into_iter().collect(),
                    range,
                    granularity,
                },
            }
        }
        Some(Chart::Dashboard(d)) => {
            let mut v = Violations::new();
            let metric = [input::Metric::Followers, input::Metric::Views]
                .into_iter()
                .find(|m| m.number() == d.metric);
            if metric.is_none() {
                v.add("metric", "must be followers or views");
            }
            input::period(&mut v, "period_days", d.period_days);
            v.into_result().map_err(|v| v.nested("dashboard"))?;
            ChartQuery::Dashboard {
                metric: metric.unwrap_or(input::Metric::Followers),
                period_days: d.period_days,
            }
        }
    })
}

/// A channel of answers as a gRPC stream.
fn streamed<T: Send + 'static>(
    rx: mpsc::Receiver<Result<T, CoreError>>,
) -> BoxStream<'static, Result<T, Status>> {
    Box::pin(futures::StreamExt::map(ReceiverStream::new(rx), |item| {
        item.map_err(status)
    }))
}

#[tonic::async_trait]
impl AnalyticsService for Analytics {
    type ExportAnalyticsStream = BoxStream<'static, Result<pb::ExportAnalyticsResponse, Status>>;
    type WatchDashboardStream = BoxStream<'static, Result<pb::WatchDashboardResponse, Status>>;

    async fn get_account_metrics(
        &self,
        request: Request<pb::GetAccountMetricsRequest>,
    ) -> Result<Response<pb::GetAccountMetricsResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let account = convert::id("account_id", &r.account_id).map_err(status)?;
        let access: Access<View> = self
            .access(&caller, &r.workspace_id, None, Violations::new())
            .await?;
        let metrics = access
            .account_metrics(&self.services, &account, r.period_days)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetAccountMetricsResponse {
            metrics: Some(metrics),
        }))
    }

    async fn get_account_time_series(
        &self,
        request: Request<pb::GetAccountTimeSeriesRequest>,
    ) -> Result<Response<pb::GetAccountTimeSeriesResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let account = convert::id("account_id", &r.account_id).map_err(status)?;
        let range = r.range.unwrap_or_default();
        let q = SeriesQuery::parse(&r.metrics, &range.from, &range.to, r.granularity)
            .map_err(status)?;
        let access: Access<View> = self
            .access(&caller, &r.workspace_id, None, Violations::new())
            .await?;
        let answer = access
            .time_series(&self.services, &account, q)
            .await
            .map_err(status)?;
        Ok(Response::new(answer))
    }

    async fn get_post_analytics(
        &self,
        request: Request<pb::GetPostAnalyticsRequest>,
    ) -> Result<Response<pb::GetPostAnalyticsResponse>, Status> {
        use pb::get_post_analytics_request::Subject;
        let caller = caller(&request)?;
        let r = request.into_inner();
        let subject = match &r.subject {
            Some(Subject::PostId(id)) => post_subject(Some(id), None),
            Some(Subject::VideoId(id)) => post_subject(None, Some(id)),
            None => post_subject(None, None),
        }
        .map_err(status)?;
        let access: Access<View> = self
            .access(&caller, &r.workspace_id, None, Violations::new())
            .await?;
        let answer = access
            .post_analytics(&self.services, subject)
            .await
            .map_err(status)?;
        Ok(Response::new(answer))
    }

    async fn list_videos(
        &self,
        request: Request<pb::ListVideosRequest>,
    ) -> Result<Response<pb::ListVideosResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let mut v = Violations::new();
        let range = required_range(&mut v, r.range);
        let order = match r.order {
            0 => VideoOrder::Newest,
            1 => VideoOrder::Views,
            2 => VideoOrder::ViralScore,
            3 => VideoOrder::Engagement,
            _ => {
                v.add("order", "is not a known order");
                VideoOrder::Newest
            }
        };
        let limit = match r.limit {
            0 => 100,
            1..=500 => r.limit as usize,
            _ => {
                v.add("limit", "must be between 1 and 500");
                100
            }
        };
        let access: Access<View> = self
            .access(&caller, &r.workspace_id, Some(&r.account_id), v)
            .await?;
        let range = range.ok_or_else(|| status(Violations::one("range", "is required")))?;
        let answer = access
            .list_videos(&self.services, &r.account_id, range, order, limit)
            .await
            .map_err(status)?;
        Ok(Response::new(answer))
    }

    async fn get_best_times(
        &self,
        request: Request<pb::GetBestTimesRequest>,
    ) -> Result<Response<pb::GetBestTimesResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let mut v = Violations::new();
        let range = required_range(&mut v, r.range);
        let access: Access<View> = self
            .access(&caller, &r.workspace_id, Some(&r.account_id), v)
            .await?;
        let range = range.ok_or_else(|| status(Violations::one("range", "is required")))?;
        let answer = access
            .best_times(&self.services, &r.account_id, range)
            .await
            .map_err(status)?;
        Ok(Response::new(answer))
    }

    async fn get_dashboard(
        &self,
        request: Request<pb::GetDashboardRequest>,
    ) -> Result<Response<pb::GetDashboardResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let access: Access<View> = self
            .access(&caller, &r.workspace_id, None, Violations::new())
            .await?;
        let answer = access
            .dashboard(&self.services, r.period_days)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetDashboardResponse {
            dashboard: Some(answer),
        }))
    }

    async fn compare_accounts(
        &self,
        request: Request<pb::CompareAccountsRequest>,
    ) -> Result<Response<pb::CompareAccountsResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let mut v = Violations::new();
        let ids = posts::id_list(&mut v, "account_ids", &r.account_ids);
        v.into_result().map_err(status)?;
        let range = r.range.unwrap_or_default();
        let q = SeriesQuery::parse(&r.metrics, &range.from, &range.to, r.granularity)
            .map_err(status)?;
        let access: Access<View> = self
            .access(&caller, &r.workspace_id, None, Violations::new())
            .await?;
        let answer = access
            .compare(&self.services, &ids, q)
            .await
            .map_err(status)?;
        Ok(Response::new(answer))
    }

    async fn refresh_account(
        &self,
        request: Request<pb::RefreshAccountRequest>,
    ) -> Result<Response<pb::RefreshAccountResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let account = convert::id("account_id", &r.account_id).map_err(status)?;
        let access: Access<EditContent> = self
            .access(&caller, &r.workspace_id, None, Violations::new())
            .await?;
        let at = access
            .refresh_account(&self.services, &account)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RefreshAccountResponse {
            sync_requested_at: Some(convert::timestamp(at)),
        }))
    }

    async fn export_analytics(
        &self,
        request: Request<pb::ExportAnalyticsRequest>,
    ) -> Result<Response<Self::ExportAnalyticsStream>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let mut v = Violations::new();
        let dataset = match r.dataset {
            1 => Some(Dataset::AccountDays),
            2 => Some(Dataset::Videos),
            _ => {
                v.add("dataset", "must be account days or videos");
                None
            }
        };
        let format = match r.format {
            1 => Some(ExportFormat::Csv),
            2 => Some(ExportFormat::Json),
            _ => {
                v.add("format", "must be CSV or JSON");
                None
            }
        };
        let range = required_range(&mut v, r.range);
        let access: Access<View> = self
            .access(&caller, &r.workspace_id, Some(&r.account_id), v)
            .await?;
        let (Some(dataset), Some(format), Some(range)) = (dataset, format, range) else {
            return Err(status(Violations::one("range", "is required")));
        };
        let export = access
            .export(&self.services, &r.account_id, dataset, format, range)
            .await
            .map_err(status)?;
        let mut first = Some((export.file_name, export.content_type));
        let chunks = streamed(export.chunks);
        Ok(Response::new(Box::pin(futures::StreamExt::map(
            chunks,
            move |chunk| {
                let (file_name, content_type) = first.take().unwrap_or_default();
                chunk.map(|data| pb::ExportAnalyticsResponse {
                    data,
                    content_type: content_type.to_owned(),
                    file_name,
                })
            },
        ))))
    }

    async fn render_chart(
        &self,
        request: Request<pb::RenderChartRequest>,
    ) -> Result<Response<pb::RenderChartResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let size = render::size(r.width, r.height);
        let query = chart_query(&r);
        let (size, query) = match (size, query) {
            (Ok(size), Ok(query)) => (size, query),
            (size, query) => {
                let mut v = size.err().unwrap_or_default();
                v.0.extend(query.err().map(|q| q.0).unwrap_or_default());
                return Err(status(v));
            }
        };
        let access: Access<View> = self
            .access(&caller, &r.workspace_id, None, Violations::new())
            .await?;
        let answer = access
            .render_chart(&self.services, query, size)
            .await
            .map_err(status)?;
        Ok(Response::new(answer))
    }

    async fn watch_dashboard(
        &self,
        request: Request<pb::WatchDashboardRequest>,
    ) -> Result<Response<Self::WatchDashboardStream>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let access: Access<View> = self
            .access(&caller, &r.workspace_id, None, Violations::new())
            .await?;
        let mut v = Violations::new();
        input::period(&mut v, "period_days", r.period_days);
        v.into_result().map_err(status)?;
        let rx = access.watch_dashboard(&self.services, r.period_days);
        let changes = self
            .services
            .guarded(&caller, &r.workspace_id, ReceiverStream::new(rx))
            .map_err(status)?;
        Ok(Response::new(Box::pin(futures::StreamExt::map(
            changes,
            |d| {
                d.map(|d| pb::WatchDashboardResponse { dashboard: Some(d) })
                    .map_err(status)
            },
        ))))
    }
}
