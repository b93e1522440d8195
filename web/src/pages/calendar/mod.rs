//! Calendar: every scheduled target by day in the workspace's time zone, as a month, a week,
//! or an agenda (a list of the days that have posts; the default on phones). Dragging an entry
//! to another day, or choosing a day in its "Move to" field, moves its post there at the same
//! wall-clock time in the post's own time zone.

mod agenda;
mod grid;

use std::collections::HashMap;
use std::rc::Rc;

use multitok_proto::v1 as pb;
use multitok_shared::calendar::{Day, month_grid};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::Api;
use crate::components::field::ErrorBanner;
use crate::components::toast::{Toasts, use_toasts};
use crate::error::ApiError;
use crate::hooks::{CalendarRange, use_accounts, use_calendar, use_session, use_workspace_id};
use crate::local_time::{day_start, local_clock, local_day, now_seconds};

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
    Agenda,
}

impl View {
    /// The agenda on phones, the month elsewhere.
    fn default_for_screen() -> View {
        let width = web_sys::window().and_then(|w| w.inner_width().ok()?.as_f64());
        let phone = width.is_some_and(|w| w <= 640.0);
        if phone { View::Agenda } else { View::Month }
    }
}

/// The days shown, week by week.
fn weeks(view: View, anchor: Day) -> Vec<[Day; 7]> {
    match view {
        View::Month | View::Agenda => month_grid(anchor),
        View::Week => {
            let start = anchor.week_start();
            vec![std::array::from_fn(|i| start.plus(i as i64))]
        }
    }
}

/// Moves `entry`'s post to `day` at the same wall-clock time in its own time zone.
pub async fn move_to(
    api: &Api,
    ws: String,
    entry: &pb::CalendarEntry,
    day: Day,
) -> Result<(), ApiError> {
    let clock = entry
        .scheduled_at
        .as_ref()
        .map(|t| local_clock(t.seconds, &entry.time_zone))
        .unwrap_or_default();
    let request = pb::RescheduleRequest {
        workspace_id: ws,
        post_id: entry.post_id.clone(),
        at: Some(pb::LocalTime {
            local: format!("{}T{clock}", day.iso()),
            time_zone: entry.time_zone.clone(),
        }),
        accept_quota_warning: false,
    };
    api.send(request).await.map(drop)
}

/// What the calendar's views need to show entries and move them.
#[derive(Clone, PartialEq)]
pub struct Shown {
    /// The entries by their day in the workspace's time zone, grouped once per load.
    pub by_day: Rc<HashMap<Day, Vec<pb::CalendarEntry>>>,
    pub accounts: Vec<pb::Account>,
    pub zone: String,
    pub today: Day,
    /// Moves a post to a day; the calendar reloads afterwards.
    pub on_move: Callback<(pb::CalendarEntry, Day)>,
}

impl Shown {
    /// An entry's time of day in the workspace's time zone.
    pub fn clock(&self, e: &pb::CalendarEntry) -> String {
        e.scheduled_at
            .as_ref()
            .map(|t| local_clock(t.seconds, &self.zone))
            .unwrap_or_default()
    }

    pub fn username(&self, id: &str) -> String {
        self.accounts
            .iter()
            .find(|a| a.id == id)
            .map(|a| format!("@{}", a.username))
            .unwrap_or_default()
    }

    /// The entries of `day` in the workspace's time zone.
    pub fn on_day(&self, day: Day) -> Vec<pb::CalendarEntry> {
        self.by_day.get(&day).cloned().unwrap_or_default()
    }
}

/// `entries` by their day in `zone`.
fn by_day(entries: Vec<pb::CalendarEntry>, zone: &str) -> HashMap<Day, Vec<pb::CalendarEntry>> {
    let mut days: HashMap<Day, Vec<pb::CalendarEntry>> = HashMap::new();
    for e in entries {
        if let Some(day) = e
            .scheduled_at
            .as_ref()
            .and_then(|t| local_day(t.seconds, zone))
        {
            days.entry(day).or_default().push(e);
        }
    }
    days
}

/// A move that reports how it went and reloads the calendar after it.
fn mover(
    api: Api,
    ws: String,
    toasts: Option<Toasts>,
    version: UseStateHandle<u32>,
) -> Callback<(pb::CalendarEntry, Day)> {
    Callback::from(move |(entry, day): (pb::CalendarEntry, Day)| {
        let (api, ws, toasts, version) = (api.clone(), ws.clone(), toasts.clone(), version.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let moved = move_to(&api, ws, &entry, day).await;
            if let Some(t) = toasts {
                match moved {
                    Ok(()) => t.result(format!("Moved to {}.", day.iso())),
                    Err(e) => t.error(format!("The post was not moved: {}", e.message)),
                }
            }
            version.set(*version + 1);
        });
    })
}

#[function_component(CalendarPage)]
pub fn calendar_page() -> Html {
    let session = use_session();
    let ws = use_workspace_id();
    let zone = session
        .workspace()
        .and_then(|m| m.workspace)
        .map(|w| w.time_zone)
        .unwrap_or_default();
    let today = local_day(now_seconds(), &zone).unwrap_or(Day {
        year: 2026,
        month: 1,
        day: 1,
    });
    let (view, anchor) = (use_state(View::default_for_screen), use_state(|| today));
    let (filter, version) = (use_state(String::new), use_state(|| 0u32));
    let toasts = use_toasts();
    let shown = weeks(*view, *anchor);
    let first = shown.first().map_or(today, |w| w[0]);
    let last = shown.last().map_or(today, |w| w[6]);
    // A day of margin each side covers every time zone's view of these days.
    let range = CalendarRange {
        from: day_start(first.plus(-1)).seconds,
        to: day_start(last.plus(2)).seconds,
        account: (*filter).clone(),
        version: *version,
    };
    let (entries, accounts) = (use_calendar(range), use_accounts(0));
    let days = use_memo((entries.data(), zone.clone()), |(e, z)| {
        by_day(e.clone(), z)
    });
    let data = Shown {
        by_day: days,
        accounts: accounts.data(),
        zone: zone.clone(),
        today,
        on_move: mover(session.api.clone(), ws, toasts, version),
    };
    let failed = entries.error().or(accounts.error());
    html! {
        <>
            <h1>{ "Calendar" }</h1>
            <ErrorBanner error={failed} />
            <section class="card">
                <Toolbar view={view.clone()} anchor={anchor.clone()} filter={filter.clone()} accounts={data.accounts.clone()} {zone} {first} />
                if *view == View::Agenda {
                    <agenda::Agenda data={data} month={*anchor} />
                } else {
                    <grid::Grid data={data} weeks={shown} week={*view == View::Week} month={anchor.month} />
                }
            </section>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ToolbarProps {
    view: UseStateHandle<View>,
    anchor: UseStateHandle<Day>,
    filter: UseStateHandle<String>,
    accounts: Vec<pb::Account>,
    zone: String,
    first: Day,
}

/// Previous/next, the view, the account filter and the time zone.
#[function_component(Toolbar)]
fn toolbar(p: &ToolbarProps) -> Html {
    let (view, anchor) = (p.view.clone(), p.anchor.clone());
    let step = |delta: i32| {
        let (anchor, view) = (anchor.clone(), *view);
        Callback::from(move |_: MouseEvent| {
            anchor.set(match view {
                View::Month | View::Agenda => anchor.plus_months(delta),
                View::Week => anchor.plus(i64::from(delta) * 7),
            })
        })
    };
    let choose = |v: View, label: &'static str| {
        let view = view.clone();
        let class = if *view == v { "" } else { "secondary" };
        html! { <button class={class} aria-pressed={(*view == v).to_string()} onclick={Callback::from(move |_: MouseEvent| view.set(v))}>{ label }</button> }
    };
    let on_filter = {
        let filter = p.filter.clone();
        Callback::from(move |e: Event| {
            filter.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let title = match *view {
        View::Month | View::Agenda => {
            format!("{} {}", MONTHS[(anchor.month - 1) as usize], anchor.year)
        }
        View::Week => format!("Week of {}", p.first.iso()),
    };
    html! {
        <div class="row calendar-bar">
            <button class="secondary" onclick={step(-1)} aria-label="Previous">{ "‹" }</button>
            <strong id="calendar-title">{ title }</strong>
            <button class="secondary" onclick={step(1)} aria-label="Next">{ "›" }</button>
            { choose(View::Month, "Month") }{ choose(View::Week, "Week") }{ choose(View::Agenda, "Agenda") }
            <label>{ "Account" }
                <select id="calendar-account" onchange={on_filter}>
                    <option value="" selected={p.filter.is_empty()}>{ "All accounts" }</option>
                    { for p.accounts.iter().map(|a| html! { <option value={a.id.clone()} selected={*p.filter == a.id}>{ format!("@{}", a.username) }</option> }) }
                </select>
            </label>
            <span class="muted">{ format!("Times in {}", p.zone) }</span>
        </div>
    }
}
