//! The workspace's name and time zone, and creating another workspace.

use multitok_proto::v1 as pb;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::manages;
use crate::components::field::{ErrorBanner, Field};
use crate::error::ApiError;
use crate::hooks::use_session;
use crate::time_zones;

#[derive(Properties, PartialEq)]
pub struct WorkspaceSettingsProps {
    pub workspace: pb::Workspace,
    pub role: pb::Role,
}

#[function_component(WorkspaceSettings)]
pub fn workspace_settings(props: &WorkspaceSettingsProps) -> Html {
    let session = use_session();
    let name = use_state(|| props.workspace.name.clone());
    let zone = use_state(|| props.workspace.time_zone.clone());
    let error = use_state(|| None::<ApiError>);
    let saved = use_state(|| false);
    let zones = use_memo((), |()| time_zones::all());
    {
        let (name, zone, ws) = (name.clone(), zone.clone(), props.workspace.clone());
        use_effect_with(props.workspace.clone(), move |_| {
            name.set(ws.name.clone());
            zone.set(ws.time_zone.clone());
        });
    }
    let onsubmit = {
        let (session, name, zone, error, saved, id) = (
            session.clone(),
            name.clone(),
            zone.clone(),
            error.clone(),
            saved.clone(),
            props.workspace.id.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (session, error, saved, id, name, zone) = (
                session.clone(),
                error.clone(),
                saved.clone(),
                id.clone(),
                (*name).clone(),
                (*zone).clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = save(&session.api, id, name, zone).await;
                let result = match result {
                    Ok(()) => session.reload().await,
                    Err(e) => Err(e),
                };
                saved.set(result.is_ok());
                error.set(result.err());
            });
        })
    };
    let on_zone = {
        let zone = zone.clone();
        Callback::from(move |e: Event| {
            zone.set(e.target_unchecked_into::<HtmlSelectElement>().value())
        })
    };
    let editable = manages(props.role);
    let field_error = |f: &str| (*error).as_ref().and_then(|e| e.field(f));
    html! {
        <section class="card" id="workspace-settings">
            <h2>{ "Workspace" }</h2>
            <ErrorBanner error={(*error).clone()} />
            if *saved { <div class="notice">{ "Saved." }</div> }
            <form {onsubmit} novalidate=true>
                <Field label="Name" name="workspace_name" value={name} error={field_error("name")} />
                <label>{ "Time zone" }
                    <select name="time_zone" onchange={on_zone} disabled={!editable}>
                        { for zones.iter().map(|z| html! { <option value={z.clone()} selected={*z == *zone}>{ z }</option> }) }
                    </select>
                    if let Some(e) = field_error("time_zone") { <span class="field-error">{ e }</span> }
                </label>
                <button type="submit" disabled={!editable}>{ "Save" }</button>
                if !editable { <p class="muted">{ "Only owners and admins can change these settings." }</p> }
            </form>
        </section>
    }
}

async fn save(
    api: &crate::api::Api,
    id: String,
    name: String,
    zone: String,
) -> Result<(), ApiError> {
    api.send(pb::RenameWorkspaceRequest {
        workspace_id: id.clone(),
        name,
    })
    .await?;
    api.send(pb::SetTimeZoneRequest {
        workspace_id: id,
        time_zone: zone,
    })
    .await?;
    Ok(())
}

#[function_component(NewWorkspace)]
pub fn new_workspace() -> Html {
    let session = use_session();
    let name = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let onsubmit = {
        let (session, name, error) = (session.clone(), name.clone(), error.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (session, error, name) = (session.clone(), error.clone(), name.clone());
            let request = pb::CreateWorkspaceRequest {
                name: (*name).clone(),
                time_zone: String::new(),
            };
            wasm_bindgen_futures::spawn_local(async move {
                let created = session.api.send(request).await;
                match created {
                    Ok(r) => {
                        name.set(String::new());
                        error.set(None);
                        let _ = session.reload().await;
                        if let Some(w) = r.workspace {
                            session.select_workspace(w.id);
                        }
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <section class="card">
            <h2>{ "New workspace" }</h2>
            <ErrorBanner error={(*error).clone()} />
            <form {onsubmit} novalidate=true class="row">
                <Field label="Name" name="new_workspace_name" value={name} error={(*error).as_ref().and_then(|e| e.field("name"))} />
                <button type="submit">{ "Create" }</button>
            </form>
        </section>
    }
}
