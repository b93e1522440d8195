//! Analytics: one account's metrics over time (metric, range and bucket pickers), its posts
//! sortable by viral score, its best-times heatmap and exports; the comparison of up to ten
//! accounts; and, at `?video=ID`, one post's growth curve with its forecast band.

mod account;

use multitok_proto::v1 as pb;
use multitok_proto::v1::render_chart_request::Chart;
use multitok_shared::chart::{GROWTH_DAYS, compact, forecast_lines, percent};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::Api;
use crate::components::chart::{Line, LineChart};
use crate::components::download::{PngButton, save_file};
use crate::components::field::ErrorBanner;
use crate::error::ApiError;
use crate::hooks::{use_session, use_workspace_id};
use crate::local_time::query_param;
use crate::pages::compare::Compare;
use crate::pages::dashboard::card;
use account::AccountView;

pub const METRICS: [(pb::Metric, &str); 5] = [
    (pb::Metric::Followers, "Followers"),
    (pb::Metric::Views, "Views"),
    (pb::Metric::Likes, "Likes"),
    (pb::Metric::Videos, "Videos"),
    (pb::Metric::Following, "Following"),
];

/// The last `days` days up to today (UTC), as a range.
pub fn last_days(days: i64) -> Option<pb::DateRange> {
    let now = js_sys::Date::new_0();
    let day = |offset: i64| {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
            now.get_time() - offset as f64 * 86_400_000.0,
        ));
        d.to_iso_string()
            .as_string()
            .unwrap_or_default()
            .get(..10)
            .unwrap_or_default()
            .to_owned()
    };
    Some(pb::DateRange {
        from: day(days - 1),
        to: day(0),
    })
}

/// A select whose options are (value, label) and whose change hands over the value.
pub fn picker(
    label: &str,
    options: Vec<(String, String)>,
    current: &str,
    on: Callback<String>,
) -> Html {
    let onchange = Callback::from(move |e: Event| {
        if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
            on.emit(s.value());
        }
    });
    html! {
        <label>{ format!("{label} ") }
            <select {onchange} aria-label={label.to_owned()}>
                { for options.into_iter().map(|(v, l)| { let selected = v == current; html! { <option {selected} value={v}>{ l }</option> } }) }
            </select>
        </label>
    }
}

/// Streams an export and hands it to the browser as a download.
async fn download(api: &Api, request: pb::ExportAnalyticsRequest) -> Result<(), ApiError> {
    let (mut data, mut name, mut kind) = (Vec::new(), String::new(), String::new());
    api.watch(request, |chunk| {
        if name.is_empty() {
            name = chunk.file_name;
            kind = chunk.content_type;
        }
        data.extend(chunk.data);
    })
    .await?;
    save_file(&name, &kind, &data);
    Ok(())
}

/// The metric picker, setting `metric`.
pub fn metric_picker(metric: &UseStateHandle<pb::Metric>) -> Html {
    let options = METRICS
        .iter()
        .map(|(m, n)| ((*m as i32).to_string(), (*n).to_owned()))
        .collect();
    let on = {
        let metric = metric.clone();
        Callback::from(move |v: String| {
            let number = v.parse::<i32>().unwrap_or(1);
            metric.set(pb::Metric::try_from(number).unwrap_or(pb::Metric::Followers));
        })
    };
    picker("Metric", options, &(**metric as i32).to_string(), on)
}

/// The range picker (the last 30, 90 or 365 days), setting `days`.
pub fn range_picker(days: &UseStateHandle<i64>) -> Html {
    let options = [30, 90, 365]
        .iter()
        .map(|d| (d.to_string(), format!("Last {d} days")))
        .collect();
    let on = {
        let days = days.clone();
        Callback::from(move |v: String| days.set(v.parse().unwrap_or(90)))
    };
    picker("Range", options, &days.to_string(), on)
}

#[function_component(AnalyticsPage)]
pub fn analytics_page() -> Html {
    if let Some(video) = query_param("video") {
        return html! { <VideoDetail {video} /> };
    }
    let compare = use_state(|| query_param("view").as_deref() == Some("compare"));
    let tab = |on: bool, label: &'static str| {
        let compare = compare.clone();
        let class = if *compare == on { "tab active" } else { "tab" };
        html! { <button {class} onclick={Callback::from(move |_| compare.set(on))}>{ label }</button> }
    };
    html! {
        <>
            <div class="row page-head"><h1>{ "Analytics" }</h1>
                <div class="tabs">{ tab(false, "Account") }{ tab(true, "Compare") }</div></div>
            if *compare { <Compare /> } else { <AccountView /> }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct VideoDetailProps {
    video: String,
}

#[function_component(VideoDetail)]
fn video_detail(props: &VideoDetailProps) -> Html {
    let session = use_session();
    let ws = use_workspace_id();
    let answer = use_state(|| None::<pb::VideoAnalytics>);
    let error = use_state(|| None::<ApiError>);
    {
        let (api, answer, error, video) = (
            session.api.clone(),
            answer.clone(),
            error.clone(),
            props.video.clone(),
        );
        use_effect_with((ws.clone(), video.clone()), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let request = pb::GetPostAnalyticsRequest {
                    workspace_id: ws,
                    subject: Some(pb::get_post_analytics_request::Subject::VideoId(video)),
                };
                match api.send(request).await {
                    Ok(r) => answer.set(r.videos.into_iter().next()),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    let Some(v) = &*answer else {
        return html! { <><h1>{ "Post analytics" }</h1><ErrorBanner error={(*error).clone()} /><p class="muted">{ "Loading…" }</p></> };
    };
    let lines = forecast_lines(
        v.curve.iter().map(|p| (p.age_hours, p.views as f64)),
        v.forecasts
            .iter()
            .map(|f| (f.horizon_hours, f.expected, f.low, f.high)),
        GROWTH_DAYS,
    );
    let labels: Vec<String> = (0..=GROWTH_DAYS).map(|d| format!("day {d}")).collect();
    let chart_lines = vec![
        Line {
            name: "Views".into(),
            values: lines.actual,
        },
        Line {
            name: "Forecast".into(),
            values: lines.expected,
        },
    ];
    let png = pb::RenderChartRequest {
        chart: Some(Chart::Post(pb::PostChart {
            subject: Some(pb::post_chart::Subject::VideoId(v.video_id.clone())),
        })),
        ..Default::default()
    };
    let forecast_text = v.forecasts.iter().map(|f| html! {
        <li>{ format!("{:.0} days: {} expected ({} to {}), from {} earlier posts",
            f.horizon_hours / 24.0, compact(f.expected), compact(f.low), compact(f.high), f.basis) }</li>
    });
    html! {
        <>
            <h1>{ if v.title.is_empty() { v.video_id.clone() } else { v.title.clone() } }</h1>
            <div class="metrics">
                { card("Views", compact(v.views as f64), None) }
                { card("Likes", compact(v.likes as f64), None) }
                { card("Engagement", percent(v.engagement_rate), None) }
                { card("Viral score", v.viral.as_ref().map_or("–".into(), |s| format!("{:.2}×", s.score)), None) }
            </div>
            <section class="card"><h2>{ "Growth and forecast" }</h2>
                <LineChart title="Views by day since posting, with the forecast band" {labels} lines={chart_lines}
                    band={Some((lines.low, lines.high))} />
                <div class="actions"><PngButton request={png} /></div>
                <p>{ &v.note }</p>
                <ul>{ for forecast_text }</ul>
            </section>
        </>
    }
}
