//! The agenda: the month's days that have posts, one under the other, each entry with a link
//! to its post and, while it is still scheduled, a "Move to" day field (for touch screens and
//! keyboards, where dragging is awkward).

use multitok_proto::v1 as pb;
use multitok_shared::calendar::Day;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::Shown;
use crate::app::Route;
use crate::pages::post::state_badge;
use crate::router::Link;

#[derive(Properties, PartialEq)]
pub struct AgendaProps {
    pub data: Shown,
    /// Any day of the month shown.
    pub month: Day,
}

#[function_component(Agenda)]
pub fn agenda(p: &AgendaProps) -> Html {
    let first = p.month.first_of_month();
    let days: Vec<(Day, Vec<pb::CalendarEntry>)> = (0..31)
        .map(|i| first.plus(i))
        .take_while(|d| d.month == first.month)
        .map(|d| (d, p.data.on_day(d)))
        .filter(|(_, entries)| !entries.is_empty())
        .collect();
    if days.is_empty() {
        return html! { <p class="muted">{ "Nothing scheduled this month. Compose a post to fill it." }</p> };
    }
    html! {
        <ul class="agenda">
            { for days.into_iter().map(|(day, entries)| html! {
                <li data-day={day.iso()}>
                    <strong class={classes!((day == p.data.today).then_some("today"))}>{ day.iso() }</strong>
                    { for entries.into_iter().map(|e| html! { <AgendaEntry entry={e} data={p.data.clone()} /> }) }
                </li>
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct AgendaEntryProps {
    entry: pb::CalendarEntry,
    data: Shown,
}

#[function_component(AgendaEntry)]
fn agenda_entry(p: &AgendaEntryProps) -> Html {
    let e = &p.entry;
    let (class, label) = state_badge(e.state);
    let clock = p.data.clock(e);
    let scheduled = e.state == pb::TargetState::Scheduled as i32;
    let on_move = {
        let (entry, on_move) = (e.clone(), p.data.on_move.clone());
        Callback::from(move |ev: Event| {
            let value = ev.target_unchecked_into::<HtmlInputElement>().value();
            if let Some(day) = Day::parse(&value) {
                on_move.emit((entry.clone(), day));
            }
        })
    };
    let name = p.data.username(&e.account_id);
    html! {
        <div class="entry">
            <span class={class} title={label}>{ clock }</span>
            <Link to={Route::Post} query={format!("id={}", e.post_id)}>
                <strong>{ name.clone() }</strong>{ " " }<span class="entry-caption">{ e.caption.chars().take(60).collect::<String>() }</span>
            </Link>
            if scheduled {
                <label class="check">{ "Move to" }
                    <input type="date" aria-label={format!("Move {name}'s post to")} onchange={on_move} />
                </label>
            }
        </div>
    }
}
