//! The signed-in frame: sidebar with sections, workspace switcher, and the user with logout.

use crate::router::{Link, use_navigator};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::app::Route;
use crate::hooks::use_session;

#[derive(Properties, PartialEq)]
pub struct LayoutProps {
    pub children: Html,
}

#[function_component(Layout)]
pub fn layout(props: &LayoutProps) -> Html {
    let session = use_session();
    let current = Some(use_navigator().route());
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
    let workspaces = profile
        .as_ref()
        .map(|p| p.workspaces.clone())
        .unwrap_or_default();
    html! {
        <div class="shell">
            <aside class="sidebar">
                <div class="brand">{ "Multi" }<span>{ "tok" }</span></div>
                <label style="color:#b8b8c8">{ "Workspace" }
                    <select id="workspace-switcher" onchange={on_switch}>
                        { for workspaces.iter().filter_map(|m| m.workspace.clone()).map(|w| html! {
                            <option value={w.id.clone()} selected={w.id == selected}>{ w.name }</option>
                        }) }
                    </select>
                </label>
                <nav>
                    { for Route::SECTIONS.iter().map(|(route, label)| {
                        let class = if current == Some(*route) { "active" } else { "" };
                        html! { <Link to={*route} classes={classes!(class)}>{ *label }</Link> }
                    }) }
                </nav>
                <div class="who">
                    <div id="who">{ profile.map(|p| p.user.display_name).unwrap_or_default() }</div>
                    <button class="secondary" id="logout" onclick={on_logout}>{ "Log out" }</button>
                </div>
            </aside>
            <main>{ props.children.clone() }</main>
        </div>
    }
}
