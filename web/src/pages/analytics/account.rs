//! One account's analytics: its metrics, a metric over time, its posts sortable by viral score,
//! the best-times heatmap and exports, for the account, metric, range and bucket chosen.

use multitok_proto::v1 as pb;
use multitok_proto::v1::render_chart_request::Chart;
use multitok_shared::chart::{compact, percent, signed};
use yew::prelude::*;

use super::{METRICS, download, last_days, metric_picker, picker, range_picker};
use crate::components::chart::LineChart;
use crate::components::download::PngButton;
use crate::components::field::ErrorBanner;
use crate::components::heatmap::Heatmap;
use crate::components::toast::use_toasts;
use crate::hooks::{Load, use_accounts, use_load, use_session, use_workspace_id};
use crate::pages::dashboard::{card, posts_table, series_line};

/// What is shown: one account over a range.
#[derive(Clone, PartialEq)]
struct Query {
    account: String,
    metric: pb::Metric,
    days: i64,
    granularity: pb::Granularity,
    order: pb::VideoOrder,
}

/// Everything the view shows for a [`Query`].
#[derive(Clone, PartialEq, Default)]
struct Loaded {
    metrics: Option<pb::AccountMetrics>,
    series: Option<pb::Series>,
    videos: Vec<pb::PostSummary>,
    grid: Option<pb::GetBestTimesResponse>,
}

/// Loads the account's metrics, series, posts and best times for `query`.
#[hook]
fn use_analytics(query: Query) -> UseStateHandle<Load<Loaded>> {
    let api = use_session().api;
    let ws = use_workspace_id();
    use_load((ws, query), move |(workspace_id, q)| async move {
        if q.account.is_empty() {
            return Ok(Loaded::default());
        }
        let (ws, account_id) = (workspace_id, q.account);
        let metrics = api
            .send(pb::GetAccountMetricsRequest {
                workspace_id: ws.clone(),
                account_id: account_id.clone(),
                period_days: q.days.min(365) as i32,
            })
            .await?
            .metrics;
        let series = api
            .send(pb::GetAccountTimeSeriesRequest {
                workspace_id: ws.clone(),
                account_id: account_id.clone(),
                metrics: vec![q.metric.into()],
                range: last_days(q.days),
                granularity: q.granularity.into(),
            })
            .await?
            .series
            .into_iter()
            .next();
        let videos = api
            .send(pb::ListVideosRequest {
                workspace_id: ws.clone(),
                account_id: account_id.clone(),
                range: last_days(q.days),
                order: q.order.into(),
                limit: 50,
            })
            .await?
            .videos;
        let grid = Some(
            api.send(pb::GetBestTimesRequest {
                workspace_id: ws,
                account_id,
                range: last_days(365),
            })
            .await?,
        );
        Ok(Loaded {
            metrics,
            series,
            videos,
            grid,
        })
    })
}

#[function_component(AccountView)]
pub fn account_view() -> Html {
    let zone = use_session()
        .workspace()
        .and_then(|m| m.workspace)
        .map(|w| w.time_zone)
        .unwrap_or_default();
    let accounts = use_accounts(0);
    let chosen = use_state(String::new);
    let metric = use_state(|| pb::Metric::Followers);
    let days = use_state(|| 90i64);
    let granularity = use_state(|| pb::Granularity::Day);
    let order = use_state(|| pb::VideoOrder::ViralScore);
    let list = accounts.data();
    // The first account until another is chosen.
    let account = if chosen.is_empty() {
        list.first().map(|a| a.id.clone()).unwrap_or_default()
    } else {
        (*chosen).clone()
    };
    let query = Query {
        account: account.clone(),
        metric: *metric,
        days: *days,
        granularity: *granularity,
        order: *order,
    };
    let loaded = use_analytics(query.clone());
    if !accounts.is_loading() && list.is_empty() {
        return html! { <><ErrorBanner error={accounts.error()} />
        <div class="card"><p class="muted">{ "Connect a TikTok account to see its analytics." }</p></div></> };
    }
    let options = list
        .iter()
        .map(|a| (a.id.clone(), a.display_name.clone()))
        .collect();
    let on_account = Callback::from(move |v: String| chosen.set(v));
    let on_granularity = {
        let g = granularity.clone();
        Callback::from(move |v: String| {
            g.set(
                pb::Granularity::try_from(v.parse::<i32>().unwrap_or(1))
                    .unwrap_or(pb::Granularity::Day),
            )
        })
    };
    let by = vec![
        ("1".into(), "Day".into()),
        ("2".into(), "Week".into()),
        ("3".into(), "Month".into()),
    ];
    let data = loaded.data();
    html! {
        <>
            <ErrorBanner error={accounts.error().or(loaded.error())} />
            <div class="row filters">
                { picker("Account", options, &account, on_account) }
                { metric_picker(&metric) }
                { range_picker(&days) }
                { picker("By", by, &(*granularity as i32).to_string(), on_granularity) }
            </div>
            if let Some(m) = &data.metrics { { metric_cards(m) } }
            { series_card(&query, &data) }
            <Posts videos={data.videos.clone()} order={order.clone()} {zone} />
            <section class="card"><h2>{ "Best times to post" }</h2>
                if let Some(g) = &data.grid {
                    <Heatmap grid={g.clone()} />
                    <div class="actions"><PngButton request={pb::RenderChartRequest { chart: Some(Chart::BestTimes(pb::BestTimesChart { account_id: account.clone(), range: last_days(365) })), ..Default::default() }} /></div>
                } else { <p class="muted">{ "Loading…" }</p> }
            </section>
            <Exports {account} days={*days} />
        </>
    }
}

fn metric_cards(m: &pb::AccountMetrics) -> Html {
    html! {
        <div class="metrics">
            { card("Followers", compact(m.followers as f64), Some(signed(m.followers_change))) }
            { card("Views", compact(m.views as f64), Some(signed(m.views_change))) }
            { card("Engagement", percent(m.engagement_rate), None) }
            { card("Median views", compact(m.median_views), None) }
            { card("Posts a week", format!("{:.1}", m.posts_per_week), None) }
        </div>
    }
}

/// The chosen metric over the range, with its PNG.
fn series_card(q: &Query, data: &Loaded) -> Html {
    let name = METRICS
        .iter()
        .find(|(m, _)| *m == q.metric)
        .map_or("", |(_, n)| n);
    let (labels, line) = series_line(name, &data.series);
    let png = pb::RenderChartRequest {
        account_id: q.account.clone(),
        metric: q.metric.into(),
        range: last_days(q.days),
        granularity: q.granularity.into(),
        ..Default::default()
    };
    html! {
        <section class="card"><h2>{ name }</h2>
            <LineChart title={format!("{name} over time")} {labels} lines={vec![line]} />
            <div class="actions"><PngButton request={png} /></div></section>
    }
}

#[derive(Properties, PartialEq)]
struct PostsProps {
    videos: Vec<pb::PostSummary>,
    order: UseStateHandle<pb::VideoOrder>,
    zone: String,
}

/// The account's posts with their sort order.
#[function_component(Posts)]
fn posts(p: &PostsProps) -> Html {
    let sort = |o: pb::VideoOrder, label: &'static str| {
        let order = p.order.clone();
        let class = if *order == o { "tab active" } else { "tab" };
        html! { <button {class} onclick={Callback::from(move |_| order.set(o))}>{ label }</button> }
    };
    html! {
        <section class="card"><div class="row page-head"><h2>{ "Posts" }</h2>
            <div class="tabs">{ sort(pb::VideoOrder::ViralScore, "Viral score") }{ sort(pb::VideoOrder::Views, "Views") }
                { sort(pb::VideoOrder::Engagement, "Engagement") }{ sort(pb::VideoOrder::Unspecified, "Newest") }</div></div>
            { posts_table(&p.videos, &p.zone) }</section>
    }
}

#[derive(Properties, PartialEq)]
struct ExportsProps {
    account: String,
    days: i64,
}

/// CSV and JSON exports of the account's days and posts; a failure is a toast.
#[function_component(Exports)]
fn exports(p: &ExportsProps) -> Html {
    let (api, ws, toasts) = (use_session().api, use_workspace_id(), use_toasts());
    let export = |dataset: pb::Dataset, format: pb::ExportFormat, label: &'static str| {
        let request = pb::ExportAnalyticsRequest {
            workspace_id: ws.clone(),
            account_id: p.account.clone(),
            dataset: dataset.into(),
            format: format.into(),
            range: last_days(p.days),
        };
        let (api, toasts) = (api.clone(), toasts.clone());
        let onclick = Callback::from(move |_| {
            let (api, toasts, request) = (api.clone(), toasts.clone(), request.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = download(&api, request).await {
                    toasts
                        .iter()
                        .for_each(|t| t.error(format!("The export failed: {}", e.message)));
                }
            });
        });
        html! { <button class="secondary" {onclick}>{ label }</button> }
    };
    html! {
        <section class="card"><h2>{ "Export" }</h2><div class="actions">
            { export(pb::Dataset::AccountDays, pb::ExportFormat::Csv, "Daily counts (CSV)") }
            { export(pb::Dataset::AccountDays, pb::ExportFormat::Json, "Daily counts (JSON)") }
            { export(pb::Dataset::Videos, pb::ExportFormat::Csv, "Posts (CSV)") }
            { export(pb::Dataset::Videos, pb::ExportFormat::Json, "Posts (JSON)") }
        </div></section>
    }
}
