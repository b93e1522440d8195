//! Appearance: the colour theme of this browser (the system's, light or dark).

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::theme::{self, Theme};

#[function_component(Appearance)]
pub fn appearance() -> Html {
    let chosen = use_state(theme::stored);
    let on_change = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            let theme = Theme::from_name(&value);
            theme::choose(theme);
            chosen.set(theme);
        })
    };
    html! {
        <section class="card" id="appearance">
            <h2>{ "Appearance" }</h2>
            <label>{ "Theme" }
                <select id="theme" onchange={on_change}>
                    { for Theme::ALL.iter().map(|(t, label)| html! {
                        <option value={t.name()} selected={*chosen == *t}>{ *label }</option>
                    }) }
                </select>
            </label>
            <p class="muted">{ "Kept in this browser." }</p>
        </section>
    }
}
