//! The best-times heatmap: weekdays by hours, each cell colored by expected performance, its
//! value and sample count in its tooltip; drawn by the browser as a grid.

use multitok_proto::v1 as pb;
use multitok_shared::chart::heat_level;
use yew::prelude::*;

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

#[derive(Properties, PartialEq)]
pub struct HeatmapProps {
    pub grid: pb::GetBestTimesResponse,
}

#[function_component(Heatmap)]
pub fn heatmap(props: &HeatmapProps) -> Html {
    let g = &props.grid;
    let (lo, hi) = g
        .cells
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| {
            (lo.min(c.expected), hi.max(c.expected))
        });
    // Every third hour is written; the others are there for screen readers only.
    let hours = (0..24).map(|h| html! { <th scope="col"><span class={(h % 3 != 0).then_some("sr-only")}>{ h }</span></th> });
    let rows = DAYS.iter().enumerate().map(|(d, name)| {
        let cells = (0..24).map(|h| {
            let c = g.cells.get(d * 24 + h).cloned().unwrap_or_default();
            let class = format!("heat-{}", heat_level(c.expected, lo, hi));
            let tip = format!(
                "{name} {h:02}:00 · {:.2}× average · {} posts",
                c.expected, c.samples
            );
            html! { <td {class} title={tip}></td> }
        });
        html! { <tr><th scope="row">{ *name }</th>{ for cells }</tr> }
    });
    let top = g.top.iter().map(|c| {
        let day = DAYS.get(c.weekday as usize).copied().unwrap_or("?");
        html! { <li>{ format!("{day} {:02}:00 — {:.2}× average ({} posts)", c.hour, c.expected, c.samples) }</li> }
    });
    html! {
        <div class="heatmap">
            <p class="muted">{ &g.note }{ format!(" Times in {}.", g.time_zone) }</p>
            <div class="heatmap-scroll" tabindex="0" role="region" aria-label="Best times, scrollable">
                <table aria-label="Expected performance by weekday and hour">
                    <thead><tr><th><span class="sr-only">{ "Day" }</span></th>{ for hours }</tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
            if !g.top.is_empty() {
                <h3>{ "Best slots" }</h3>
                <ol>{ for top }</ol>
            }
        </div>
    }
}
