//! The signed-in frame: sidebar with sections, workspace switcher, and the user with logout.
//! On phones the sidebar is a menu opened from a top bar: while open, Tab stays inside it,
//! Escape closes it and gives focus back to the menu button.

use crate::router::{Link, use_navigator};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlSelectElement};
use yew::prelude::*;

use crate::app::Route;
use crate::hooks::use_session;

#[derive(Properties, PartialEq)]
pub struct LayoutProps {
    pub children: Html,
}

/// What can take focus inside the menu, in order.
fn focusable(menu: &NodeRef) -> Vec<HtmlElement> {
    let Some(menu) = menu.cast::<web_sys::Element>() else {
        return Vec::new();
    };
    let Ok(list) = menu.query_selector_all("a[href], button, select") else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<HtmlElement>().ok())
        .collect()
}

/// Keeps Tab inside the open menu and closes it on Escape.
fn trap_focus(
    menu: NodeRef,
    button: NodeRef,
    open: UseStateHandle<bool>,
) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if !*open {
            return;
        }
        if e.key() == "Escape" {
            open.set(false);
            if let Some(b) = button.cast::<HtmlElement>() {
                let _ = b.focus();
            }
            return;
        }
        if e.key() != "Tab" {
            return;
        }
        let items = focusable(&menu);
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            return;
        };
        let active = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element());
        let at = |el: &HtmlElement| active.as_ref() == Some(el.unchecked_ref());
        let wrap_to = match (e.shift_key(), at(first), at(last)) {
            (true, true, _) => Some(last),
            (false, _, true) => Some(first),
            _ => None,
        };
        if let Some(target) = wrap_to {
            e.prevent_default();
            let _ = target.focus();
        }
    })
}

#[function_component(Layout)]
pub fn layout(props: &LayoutProps) -> Html {
    let session = use_session();
    let current = use_navigator().route();
    let open = use_state(|| false);
    let (menu, button) = (use_node_ref(), use_node_ref());
    {
        // Opening the menu moves focus into it; each page shown closes it.
        let menu = menu.clone();
        use_effect_with(*open, move |open| {
            if *open {
                if let Some(first) = focusable(&menu).into_iter().next() {
                    let _ = first.focus();
                }
            }
        });
        let open = open.clone();
        use_effect_with(current, move |_| open.set(false));
    }
    let profile = session.profile();
    let selected = session
        .workspace()
        .and_then(|m| m.workspace)
        .map(|w| w.id)
        .unwrap_or_default();
    let on_switch = {
        let session = session.clone();
        Callback::from(move |e: Event| {
            session.select_workspace(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let on_logout = {
        let session = session.clone();
        Callback::from(move |_: MouseEvent| {
            let session = session.clone();
            wasm_bindgen_futures::spawn_local(async move { session.logout().await });
        })
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    let workspaces = profile
        .as_ref()
        .map(|p| p.workspaces.clone())
        .unwrap_or_default();
    html! {
        <div class="shell">
            <a class="skip" href="#content">{ "Skip to content" }</a>
            <header class="topbar">
                <div class="brand">{ "Multi" }<span>{ "tok" }</span></div>
                <button ref={button.clone()} id="menu-button" aria-controls="sidebar" aria-expanded={open.to_string()} onclick={toggle}>{ "Menu" }</button>
            </header>
            if *open { <div class="scrim" onclick={close}></div> }
            <aside id="sidebar" ref={menu.clone()} class={classes!("sidebar", open.then_some("open"))} aria-label="Menu"
                onkeydown={trap_focus(menu, button, open.clone())}>
                <div class="brand">{ "Multi" }<span>{ "tok" }</span></div>
                <label>{ "Workspace" }
                    <select id="workspace-switcher" onchange={on_switch}>
                        { for workspaces.iter().filter_map(|m| m.workspace.clone()).map(|w| html! {
                            <option value={w.id.clone()} selected={w.id == selected}>{ w.name }</option>
                        }) }
                    </select>
                </label>
                <nav aria-label="Sections">
                    { for Route::SECTIONS.iter().map(|(route, label)| {
                        let class = if current == *route { "active" } else { "" };
                        html! { <Link to={*route} classes={classes!(class)}>{ *label }</Link> }
                    }) }
                </nav>
                <div class="who">
                    <div id="who">{ profile.map(|p| p.user.display_name).unwrap_or_default() }</div>
                    <button class="secondary" id="logout" onclick={on_logout}>{ "Log out" }</button>
                </div>
            </aside>
            <main id="content">{ props.children.clone() }</main>
        </div>
    }
}
