//! The month or week grid: a cell per day, entries dragged from one day to another.

use multitok_proto::v1 as pb;
use multitok_shared::calendar::Day;
use yew::prelude::*;

use super::Shown;
use crate::app::Route;
use crate::pages::post::state_badge;
use crate::router::use_navigator;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

#[derive(Properties, PartialEq)]
pub struct GridProps {
    pub data: Shown,
    pub weeks: Vec<[Day; 7]>,
    pub week: bool,
    /// The month shown (days of other months are greyed).
    pub month: u32,
}

#[function_component(Grid)]
pub fn grid(p: &GridProps) -> Html {
    let dragging = use_state(|| None::<pb::CalendarEntry>);
    let cell = |day: Day| {
        let ondrop = {
            let (dragging, on_move) = (dragging.clone(), p.data.on_move.clone());
            Callback::from(move |e: DragEvent| {
                e.prevent_default();
                if let Some(entry) = (*dragging).clone() {
                    dragging.set(None);
                    on_move.emit((entry, day));
                }
            })
        };
        let outside = !p.week && day.month != p.month;
        let class = classes!(
            "day",
            outside.then_some("outside"),
            (day == p.data.today).then_some("today")
        );
        html! {
            <td {class} data-day={day.iso()} ondragover={Callback::from(|e: DragEvent| e.prevent_default())} {ondrop}>
                <div class="day-number">{ day.day }</div>
                // In a fragment, so the day's number stays put as entries come and go.
                <>{ for p.data.on_day(day).into_iter().map(|e| html! {
                    <Entry entry={e} data={p.data.clone()} dragging={dragging.clone()} />
                }) }</>
            </td>
        }
    };
    html! {
        <table class={classes!("calendar", p.week.then_some("week"))}>
            <thead><tr>{ for WEEKDAYS.iter().map(|d| html! { <th>{ *d }</th> }) }</tr></thead>
            <tbody>{ for p.weeks.iter().map(|w| html! { <tr>{ for w.iter().map(|d| cell(*d)) }</tr> }) }</tbody>
        </table>
    }
}

#[derive(Properties, PartialEq)]
struct EntryProps {
    entry: pb::CalendarEntry,
    data: Shown,
    dragging: UseStateHandle<Option<pb::CalendarEntry>>,
}

/// One target in a day's cell: its time, account and caption; opens its post.
#[function_component(Entry)]
fn entry(p: &EntryProps) -> Html {
    let navigator = use_navigator();
    let e = &p.entry;
    let (class, label) = state_badge(e.state);
    let clock = p.data.clock(e);
    let started = e.state != pb::TargetState::Scheduled as i32;
    let ondragstart = {
        let (dragging, e) = (p.dragging.clone(), e.clone());
        Callback::from(move |_: DragEvent| dragging.set(Some(e.clone())))
    };
    let onclick = {
        let id = e.post_id.clone();
        Callback::from(move |_: MouseEvent| navigator.go_to(Route::Post, &format!("/post?id={id}")))
    };
    html! {
        <div class={classes!("entry", started.then_some("started"))} draggable={(!started).to_string()} {ondragstart} {onclick} title={label}>
            <span class={class}>{ clock }</span>{ " " }<strong>{ p.data.username(&e.account_id) }</strong>
            <div class="entry-caption">{ e.caption.chars().take(40).collect::<String>() }</div>
        </div>
    }
}
