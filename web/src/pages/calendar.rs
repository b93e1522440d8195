//! Calendar: every scheduled target by day in the workspace's time zone, as a month or a week,
//! filtered by account. Dragging an entry to another day moves its post there at the same
//! wall-clock time in the post's own time zone.

use std::collections::HashMap;

use multitok_proto::v1 as pb;
use multitok_shared::calendar::{Day, month_grid};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::app::Route;
use crate::components::field::ErrorBanner;
use crate::error::ApiError;
use crate::hooks::use_session;
use crate::local_time::{day_start, local_clock, local_day, now_seconds};
use crate::pages::post::state_badge;
use crate::router::use_navigator;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

#[derive(Clone, Copy, PartialEq)]
enum View {
    Month,
    Week,
}

/// The days shown, week by week.
fn weeks(view: View, anchor: Day) -> Vec<[Day; 7]> {
    match view {
        View::Month => month_grid(anchor),
        View::Week => {
            let start = anchor.week_start();
            vec![std::array::from_fn(|i| start.plus(i as i64))]
        }
    }
}

#[function_component(CalendarPage)]
pub fn calendar_page() -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let workspace = session
        .workspace()
        .and_then(|m| m.workspace)
        .unwrap_or_default();
    let (ws, zone) = (workspace.id.clone(), workspace.time_zone.clone());
    let today = local_day(now_seconds(), &zone).unwrap_or(Day {
        year: 2026,
        month: 1,
        day: 1,
    });
    let view = use_state(|| View::Month);
    let anchor = use_state(|| today);
    let filter = use_state(String::new);
    let entries = use_state(Vec::<pb::CalendarEntry>::new);
    let accounts = use_state(Vec::<pb::Account>::new);
    let dragging = use_state(|| None::<pb::CalendarEntry>);
    let error = use_state(|| None::<ApiError>);
    let version = use_state(|| 0u32);
    let shown = weeks(*view, *anchor);
    let first = shown.first().map(|w| w[0]).unwrap_or(today);
    let last = shown.last().map(|w| w[6]).unwrap_or(today);
    {
        let (api, entries, accounts, error, ws, filter) = (
            session.api.clone(),
            entries.clone(),
            accounts.clone(),
            error.clone(),
            ws.clone(),
            (*filter).clone(),
        );
        use_effect_with(
            (ws.clone(), first, last, filter.clone(), *version),
            move |_| {
                wasm_bindgen_futures::spawn_local(async move {
                    let loaded = async {
                        let a = api
                            .send(pb::ListAccountsRequest {
                                workspace_id: ws.clone(),
                            })
                            .await?;
                        accounts.set(a.accounts);
                        // A day of margin each side covers every time zone's view of these days.
                        let r = api
                            .send(pb::ListCalendarRequest {
                                workspace_id: ws,
                                from: Some(day_start(first.plus(-1))),
                                to: Some(day_start(last.plus(2))),
                                account_ids: if filter.is_empty() {
                                    vec![]
                                } else {
                                    vec![filter]
                                },
                            })
                            .await?;
                        entries.set(r.entries);
                        Ok::<(), ApiError>(())
                    };
                    if let Err(e) = loaded.await {
                        error.set(Some(e));
                    }
                });
            },
        );
    }
    let mut by_day: HashMap<Day, Vec<pb::CalendarEntry>> = HashMap::new();
    for e in entries.iter() {
        if let Some(day) = e
            .scheduled_at
            .as_ref()
            .and_then(|t| local_day(t.seconds, &zone))
        {
            by_day.entry(day).or_default().push(e.clone());
        }
    }
    let username = |id: &str| {
        accounts
            .iter()
            .find(|a| a.id == id)
            .map(|a| format!("@{}", a.username))
            .unwrap_or_default()
    };
    let on_drop = |day: Day| {
        let (api, dragging, error, version, ws) = (
            session.api.clone(),
            dragging.clone(),
            error.clone(),
            version.clone(),
            ws.clone(),
        );
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let Some(entry) = (*dragging).clone() else {
                return;
            };
            dragging.set(None);
            let clock = entry
                .scheduled_at
                .as_ref()
                .map(|t| local_clock(t.seconds, &entry.time_zone))
                .unwrap_or_default();
            let request = pb::RescheduleRequest {
                workspace_id: ws.clone(),
                post_id: entry.post_id.clone(),
                at: Some(pb::LocalTime {
                    local: format!("{}T{clock}", day.iso()),
                    time_zone: entry.time_zone.clone(),
                }),
                accept_quota_warning: false,
            };
            let (api, error, version) = (api.clone(), error.clone(), version.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send(request).await {
                    Ok(_) => {
                        error.set(None);
                        version.set(*version + 1);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let cell = |day: Day| {
        let items = by_day.get(&day).cloned().unwrap_or_default();
        let outside = *view == View::Month && day.month != anchor.month;
        html! {
            <td class={classes!("day", outside.then_some("outside"), (day == today).then_some("today"))} data-day={day.iso()}
                ondragover={Callback::from(|e: DragEvent| e.prevent_default())} ondrop={on_drop(day)}>
                <div class="day-number">{ day.day }</div>
                // In a fragment, so the day's number stays put as entries come and go.
                <>{ for items.into_iter().map(|e| {
                    let (class, label) = state_badge(e.state);
                    let clock = e.scheduled_at.as_ref().map(|t| local_clock(t.seconds, &zone)).unwrap_or_default();
                    let started = e.state != pb::TargetState::Scheduled as i32;
                    let ondragstart = { let (dragging, e) = (dragging.clone(), e.clone()); Callback::from(move |_: DragEvent| dragging.set(Some(e.clone()))) };
                    let onclick = { let (navigator, id) = (navigator.clone(), e.post_id.clone()); Callback::from(move |_: MouseEvent| navigator.go_to(Route::Post, &format!("/post?id={id}"))) };
                    html! {
                        <div class={classes!("entry", started.then_some("started"))} draggable={(!started).to_string()} {ondragstart} {onclick} title={label}>
                            <span class={class}>{ clock }</span>{ " " }<strong>{ username(&e.account_id) }</strong>
                            <div class="entry-caption">{ e.caption.chars().take(40).collect::<String>() }</div>
                        </div>
                    }
                }) }</>
            </td>
        }
    };
    let step = |delta: i32| {
        let (anchor, view) = (anchor.clone(), *view);
        Callback::from(move |_: MouseEvent| {
            anchor.set(match view {
                View::Month => anchor.plus_months(delta),
                View::Week => anchor.plus(i64::from(delta) * 7),
            })
        })
    };
    let set_view = |v: View| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(v))
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            filter.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let title = match *view {
        View::Month => format!("{} {}", MONTHS[(anchor.month - 1) as usize], anchor.year),
        View::Week => format!("Week of {}", first.iso()),
    };
    html! {
        <>
            <h1>{ "Calendar" }</h1>
            <ErrorBanner error={(*error).clone()} />
            <section class="card">
                <div class="row calendar-bar">
                    <button class="secondary" onclick={step(-1)} aria-label="Previous">{ "‹" }</button>
                    <strong id="calendar-title">{ title }</strong>
                    <button class="secondary" onclick={step(1)} aria-label="Next">{ "›" }</button>
                    <button class={if *view == View::Month { "" } else { "secondary" }} onclick={set_view(View::Month)}>{ "Month" }</button>
                    <button class={if *view == View::Week { "" } else { "secondary" }} onclick={set_view(View::Week)}>{ "Week" }</button>
                    <label>{ "Account" }
                        <select id="calendar-account" onchange={on_filter}>
                            <option value="" selected={filter.is_empty()}>{ "All accounts" }</option>
                            { for accounts.iter().map(|a| html! { <option value={a.id.clone()} selected={*filter == a.id}>{ format!("@{}", a.username) }</option> }) }
                        </select>
                    </label>
                    <span class="muted">{ format!("Times in {zone}") }</span>
                </div>
                <table class={classes!("calendar", (*view == View::Week).then_some("week"))}>
                    <thead><tr>{ for WEEKDAYS.iter().map(|d| html! { <th>{ *d }</th> }) }</tr></thead>
                    <tbody>{ for shown.iter().map(|w| html! { <tr>{ for w.iter().map(|d| cell(*d)) }</tr> }) }</tbody>
                </table>
            </section>
        </>
    }
}
