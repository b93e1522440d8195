//! The signed-in frame: sidebar with sections, workspace switcher, and the user with logout.
//! On phones the sidebar gives way to a top bar whose menu button opens the same sections in a
//! modal `<dialog>`: the page behind it is inert, Escape closes it and focus goes back to the
//! menu button; two focusable sentinels at its edges send Tab around inside it.

use crate::router::{Link, use_navigator};
use web_sys::{HtmlDialogElement, HtmlSelectElement};
use yew::prelude::*;

use crate::app::Route;
use crate::hooks::{SessionHandle, use_session};

#[derive(Properties, PartialEq)]
pub struct LayoutProps {
    pub children: Html,
}

/// The workspace switcher, the sections and the user with logout; `ids` on the sidebar's copy
/// only, so each id is in the page once. `last` refers to the logout button.
fn menu(session: &SessionHandle, current: Route, ids: bool, last: NodeRef) -> Html {
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
    let id = |name: &'static str| ids.then_some(name);
    let workspaces = profile
        .as_ref()
        .map(|p| p.workspaces.clone())
        .unwrap_or_default();
    html! {
        <>
            <label>{ "Workspace" }
                <select id={id("workspace-switcher")} onchange={on_switch}>
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
                <div id={id("who")}>{ profile.map(|p| p.user.display_name).unwrap_or_default() }</div>
                <button ref={last} class="secondary" id={id("logout")} onclick={on_logout}>{ "Log out" }</button>
            </div>
        </>
    }
}

#[function_component(Layout)]
pub fn layout(props: &LayoutProps) -> Html {
    let session = use_session();
    let current = use_navigator().route();
    let (dialog, first, last) = (use_node_ref(), use_node_ref(), use_node_ref());
    let focus = |target: &NodeRef| {
        let target = target.clone();
        Callback::from(move |_: FocusEvent| {
            if let Some(t) = target.cast::<web_sys::HtmlElement>() {
                let _ = t.focus();
            }
        })
    };
    let show = |open: bool| {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(d) = dialog.cast::<HtmlDialogElement>() {
                if open {
                    let _ = d.show_modal();
                } else {
                    d.close();
                }
            }
        })
    };
    {
        // Each page shown closes the menu.
        let dialog = dialog.clone();
        use_effect_with(current, move |_| {
            if let Some(d) = dialog.cast::<HtmlDialogElement>() {
                d.close();
            }
        });
    }
    html! {
        <div class="shell">
            <a class="skip" href="#content">{ "Skip to content" }</a>
            <header class="topbar">
                <div class="brand">{ "Multi" }<span>{ "tok" }</span></div>
                <button id="menu-button" aria-haspopup="dialog" onclick={show(true)}>{ "Menu" }</button>
            </header>
            <dialog ref={dialog.clone()} class="menu sidebar" aria-label="Menu">
                <span tabindex="0" onfocus={focus(&last)}></span>
                <button ref={first.clone()} class="secondary" autofocus=true onclick={show(false)}>{ "Close menu" }</button>
                { menu(&session, current, false, last.clone()) }
                <span tabindex="0" onfocus={focus(&first)}></span>
            </dialog>
            <aside class="sidebar" aria-label="Sidebar">
                <div class="brand">{ "Multi" }<span>{ "tok" }</span></div>
                { menu(&session, current, true, NodeRef::default()) }
            </aside>
            <main id="content">{ props.children.clone() }</main>
        </div>
    }
}
