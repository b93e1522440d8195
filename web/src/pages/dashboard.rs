//! Dashboard, the landing page: totals and changes across accounts, followers and views over the
//! period, top and rising posts, upcoming posts and what needs attention. Kept live by
//! WatchDashboard (a grpc-web server stream).

use multitok_proto::v1 as pb;
use multitok_shared::chart::{compact, percent, signed};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::spawn_cancellable;
use crate::app::Route;
use crate::components::chart::{Line, LineChart};
use crate::components::download::PngButton;
use crate::components::field::ErrorBanner;
use crate::error::ApiError;
use crate::hooks::use_session;
use crate::local_time::local_text;
use crate::router::Link;

/// A series' bucket starts and values.
pub fn series_line(name: &str, s: &Option<pb::Series>) -> (Vec<String>, Line) {
    let points = s.as_ref().map(|s| s.points.clone()).unwrap_or_default();
    let labels = points
        .iter()
        .map(|p| p.start.get(5..).unwrap_or(&p.start).to_owned())
        .collect();
    let values = points.iter().map(|p| p.value.map(|v| v as f64)).collect();
    (
        labels,
        Line {
            name: name.into(),
            values,
        },
    )
}

/// A metric card: its label, value and, when given, its change.
pub fn card(label: &str, value: String, change: Option<String>) -> Html {
    html! {
        <div class="card metric">
            <div class="muted">{ label }</div>
            <div class="metric-value">{ value }</div>
            if let Some(c) = change { <div class="metric-change">{ c }</div> }
        </div>
    }
}

/// Top or rising posts as a table.
pub fn posts_table(posts: &[pb::PostSummary], time_zone: &str) -> Html {
    if posts.is_empty() {
        return html! { <p class="muted">{ "No posts in this period yet." }</p> };
    }
    let rows = posts.iter().map(|p| {
        let posted = p.posted_at.as_ref().map(|t| local_text(t.seconds, time_zone)).unwrap_or_default();
        let href = format!("/analytics?video={}", p.video_id);
        html! {
            <tr>
                <td><a {href}>{ if p.title.is_empty() { p.video_id.clone() } else { p.title.clone() } }</a></td>
                <td>{ &p.account_name }</td>
                <td>{ posted }</td>
                <td class="num">{ compact(p.views as f64) }</td>
                <td class="num">{ percent(p.engagement_rate) }</td>
                <td class="num">{ p.viral_score.map_or("–".into(), |s| format!("{s:.2}×")) }</td>
            </tr>
        }
    });
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label="Posts, scrollable"><table class="data">
            <thead><tr><th>{ "Post" }</th><th>{ "Account" }</th><th>{ "Posted" }</th>
                <th class="num">{ "Views" }</th><th class="num">{ "Engagement" }</th><th class="num">{ "Viral score" }</th></tr></thead>
            <tbody>{ for rows }</tbody>
        </table></div>
    }
}

#[function_component(Dashboard)]
pub fn dashboard() -> Html {
    let session = use_session();
    let workspace = session
        .workspace()
        .and_then(|m| m.workspace)
        .unwrap_or_default();
    let ws = workspace.id.clone();
    let zone = workspace.time_zone.clone();
    let period = use_state(|| 30i32);
    let data = use_state(|| None::<pb::Dashboard>);
    let error = use_state(|| None::<ApiError>);
    {
        let (api, data, error) = (session.api.clone(), data.clone(), error.clone());
        use_effect_with((ws.clone(), *period), move |(ws, period)| {
            let request = pb::WatchDashboardRequest {
                workspace_id: ws.clone(),
                period_days: *period,
            };
            // Leaving the page (or changing the period) cancels the stream; the server ends
            // a stream that stayed idle for long, and then a new one is opened.
            spawn_cancellable(async move {
                loop {
                    if let Err(e) = api.watch(request.clone(), |d| data.set(d.dashboard)).await {
                        error.set(Some(e));
                        break;
                    }
                }
            })
        });
    }
    let on_period = {
        let period = period.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<HtmlSelectElement>() {
                period.set(s.value().parse().unwrap_or(30));
            }
        })
    };
    let header = html! {
        <div class="row page-head">
            <h1>{ "Dashboard" }</h1>
            <label>{ "Period " }
                <select onchange={on_period} aria-label="Period">
                    { for [7, 30, 90, 365].iter().map(|d| html! {
                        <option value={d.to_string()} selected={*d == *period}>{ format!("Last {d} days") }</option>
                    }) }
                </select>
            </label>
        </div>
    };
    let Some(d) = (*data).clone() else {
        return html! { <>{ header }<ErrorBanner error={(*error).clone()} /><p class="muted">{ "Loading…" }</p></> };
    };
    let t = d.totals.unwrap_or_default();
    let (labels, followers) = series_line("Followers", &d.followers);
    let (_, views) = series_line("Views", &d.views);
    let png = |metric: pb::Metric| pb::RenderChartRequest {
        chart: Some(pb::render_chart_request::Chart::Dashboard(
            pb::DashboardChart {
                metric: metric.into(),
                period_days: d.period_days,
            },
        )),
        ..Default::default()
    };
    let upcoming = d.upcoming.iter().map(|u| {
        let at = u.scheduled_at.as_ref().map(|t| local_text(t.seconds, &zone)).unwrap_or_default();
        html! { <li><a href={format!("/post?id={}", u.post_id)}>{ at }</a>{ format!(" · {} · {}", u.account_name, u.caption) }</li> }
    });
    let failures = d.recent_failures.iter().map(|f| {
        html! { <li><a href={format!("/post?id={}", f.post_id)}>{ &f.account_name }</a>{ format!(" · {} · {}", f.state, f.reason) }</li> }
    });
    let attention = d.attention.iter().map(
        |a| html! { <li>{ format!("{} needs reconnecting ({})", a.display_name, a.status) }</li> },
    );
    html! {
        <>
            { header }
            <ErrorBanner error={(*error).clone()} />
            if d.accounts.is_empty() {
                <p class="card" id="dashboard-empty">{ "No accounts yet. " }<Link to={Route::Accounts}>{ "Connect a TikTok account" }</Link>{ " to see its numbers here." }</p>
            }
            <div class="metrics">
                { card("Followers", compact(t.followers as f64), Some(signed(t.followers_change))) }
                { card("Views", compact(t.views as f64), Some(signed(t.views_change))) }
                { card("Likes", compact(t.likes as f64), Some(signed(t.likes_change))) }
                { card("Posts", t.posts.to_string(), Some(format!("{} accounts", d.accounts.len()))) }
                { card("Engagement", percent(t.engagement_rate), None) }
            </div>
            <div class="charts">
                <section class="card"><h2>{ "Followers, all accounts" }</h2>
                    <LineChart title="Followers across accounts by day" labels={labels.clone()} lines={vec![followers]} />
                    <div class="actions"><PngButton request={png(pb::Metric::Followers)} /></div></section>
                <section class="card"><h2>{ "Views, all accounts" }</h2>
                    <LineChart title="Views across accounts by day" {labels} lines={vec![views]} />
                    <div class="actions"><PngButton request={png(pb::Metric::Views)} /></div></section>
            </div>
            <section class="card"><h2>{ "Top posts" }</h2>{ posts_table(&d.top_posts, &zone) }</section>
            <section class="card"><h2>{ "Rising posts" }</h2>{ posts_table(&d.rising_posts, &zone) }</section>
            <div class="charts">
                <section class="card"><h2>{ "Upcoming" }</h2>
                    if d.upcoming.is_empty() { <p class="muted">{ "Nothing scheduled." }</p> } else { <ul>{ for upcoming }</ul> }
                </section>
                <section class="card"><h2>{ "Needs attention" }</h2>
                    if d.recent_failures.is_empty() && d.attention.is_empty() { <p class="muted">{ "All good." }</p> }
                    else { <ul>{ for failures }{ for attention }</ul> }
                </section>
            </div>
        </>
    }
}
