//! Compare: up to ten accounts' series overlaid on the same days, with a summary row each.

use multitok_proto::v1 as pb;
use multitok_shared::chart::{compact, percent, signed};
use yew::prelude::*;

use crate::components::chart::{Line, LineChart};
use crate::components::download::PngButton;
use crate::components::field::ErrorBanner;
use crate::error::ApiError;
use crate::hooks::use_session;
use crate::pages::analytics::{last_days, metric_picker, range_picker};

const MAX: usize = 10;

#[function_component(Compare)]
pub fn compare() -> Html {
    let session = use_session();
    let ws = session
        .workspace()
        .and_then(|m| m.workspace)
        .map(|w| w.id)
        .unwrap_or_default();
    let accounts = use_state(Vec::<pb::Account>::new);
    let chosen = use_state(Vec::<String>::new);
    let metric = use_state(|| pb::Metric::Followers);
    let days = use_state(|| 90i64);
    let answer = use_state(|| None::<pb::CompareAccountsResponse>);
    let error = use_state(|| None::<ApiError>);
    {
        let (api, accounts, chosen, error, ws) = (
            session.api.clone(),
            accounts.clone(),
            chosen.clone(),
            error.clone(),
            ws.clone(),
        );
        use_effect_with(ws.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match api.send(pb::ListAccountsRequest { workspace_id: ws }).await {
                    Ok(r) => {
                        chosen.set(r.accounts.iter().take(3).map(|a| a.id.clone()).collect());
                        accounts.set(r.accounts);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    {
        let (api, answer, error) = (session.api.clone(), answer.clone(), error.clone());
        use_effect_with(
            ((*chosen).clone(), *metric, *days, ws.clone()),
            move |(ids, metric, days, ws)| {
                let request = pb::CompareAccountsRequest {
                    workspace_id: ws.clone(),
                    account_ids: ids.clone(),
                    metrics: vec![(*metric).into()],
                    range: last_days(*days),
                    granularity: pb::Granularity::Day.into(),
                };
                if !ids.is_empty() {
                    wasm_bindgen_futures::spawn_local(async move {
                        match api.send(request).await {
                            Ok(r) => answer.set(Some(r)),
                            Err(e) => error.set(Some(e)),
                        }
                    });
                }
            },
        );
    }
    let boxes = accounts.iter().map(|a| {
        let (chosen, id) = (chosen.clone(), a.id.clone());
        let checked = chosen.contains(&id);
        let disabled = !checked && chosen.len() >= MAX;
        let onchange = Callback::from(move |_| {
            let mut ids = (*chosen).clone();
            if let Some(i) = ids.iter().position(|x| *x == id) {
                ids.remove(i);
            } else if ids.len() < MAX {
                ids.push(id.clone());
            }
            chosen.set(ids);
        });
        html! { <label class="check"><input type="checkbox" {checked} {disabled} {onchange} />{ &a.display_name }</label> }
    });
    let (labels, lines, rows) = match &*answer {
        Some(a) => (
            a.starts
                .iter()
                .map(|s| s.get(5..).unwrap_or(s).to_owned())
                .collect(),
            a.accounts
                .iter()
                .map(|c| Line {
                    name: c.display_name.clone(),
                    values: c
                        .series
                        .first()
                        .map(|s| s.points.iter().map(|p| p.value.map(|v| v as f64)).collect())
                        .unwrap_or_default(),
                })
                .collect(),
            a.accounts
                .iter()
                .filter_map(|c| c.summary.clone())
                .collect::<Vec<_>>(),
        ),
        None => (vec![], vec![], vec![]),
    };
    let png = pb::RenderChartRequest {
        chart: Some(pb::render_chart_request::Chart::Compare(pb::CompareChart {
            account_ids: (*chosen).clone(),
            metric: (*metric).into(),
            range: last_days(*days),
            granularity: pb::Granularity::Day.into(),
        })),
        ..Default::default()
    };
    let rows = rows.iter().map(|m| html! {
        <tr><td>{ &m.display_name }</td><td class="num">{ compact(m.followers as f64) }</td>
            <td class="num">{ signed(m.followers_change) }</td><td class="num">{ compact(m.views as f64) }</td>
            <td class="num">{ percent(m.engagement_rate) }</td><td class="num">{ m.posts }</td></tr>
    });
    html! {
        <>
            <ErrorBanner error={(*error).clone()} />
            <div class="card"><p class="muted">{ format!("Pick up to {MAX} accounts.") }</p><div class="row wrap">{ for boxes }</div></div>
            <div class="row filters">
                { metric_picker(&metric) }
                { range_picker(&days) }
            </div>
            <section class="card"><LineChart title="Accounts compared" {labels} {lines} />
                <div class="actions"><PngButton request={png} /></div></section>
            <section class="card"><div class="table-scroll" tabindex="0" role="region" aria-label="Accounts compared, scrollable"><table class="data">
                <thead><tr><th>{ "Account" }</th><th class="num">{ "Followers" }</th><th class="num">{ "Change" }</th>
                    <th class="num">{ "Views" }</th><th class="num">{ "Engagement" }</th><th class="num">{ "Posts" }</th></tr></thead>
                <tbody>{ for rows }</tbody>
            </table></div></section>
        </>
    }
}
