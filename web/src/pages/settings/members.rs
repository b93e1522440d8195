//! Members of the workspace: list with roles, add by email, change role, remove, leave.

use multitok_proto::v1 as pb;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::{manages, role_label};
use crate::api::Api;
use crate::components::field::{ErrorBanner, Field};
use crate::error::ApiError;
use crate::hooks::use_session;

#[derive(Properties, PartialEq)]
pub struct MembersProps {
    pub workspace_id: String,
    pub role: pb::Role,
}

const ROLES: [pb::Role; 4] = [
    pb::Role::Owner,
    pb::Role::Admin,
    pb::Role::Editor,
    pb::Role::Viewer,
];

async fn load(api: &Api, id: String) -> Result<Vec<pb::Member>, ApiError> {
    Ok(api
        .send(pb::ListMembersRequest { workspace_id: id })
        .await?
        .members)
}

#[function_component(Members)]
pub fn members(props: &MembersProps) -> Html {
    let session = use_session();
    let members = use_state(Vec::<pb::Member>::new);
    let error = use_state(|| None::<ApiError>);
    let email = use_state(String::new);
    let new_role = use_state(|| pb::Role::Editor);
    let version = use_state(|| 0u32);
    let invited = use_state(|| None::<pb::Invitation>);
    {
        let (api, members, error, id) = (
            session.api.clone(),
            members.clone(),
            error.clone(),
            props.workspace_id.clone(),
        );
        use_effect_with((props.workspace_id.clone(), *version), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match load(&api, id).await {
                    Ok(list) => members.set(list),
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    // Runs a change, then reloads the list (and the profile, whose roles may have changed).
    let run = {
        let (session, error, version) = (session.clone(), error.clone(), version.clone());
        move |change: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ApiError>>>>| {
            let (session, error, version) = (session.clone(), error.clone(), version.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = change.await;
                error.set(result.err());
                let _ = session.reload().await;
                version.set(*version + 1);
            });
        }
    };
    let api = session.api.clone();
    let ws = props.workspace_id.clone();
    let on_add = {
        let (run, api, ws, email, new_role, invited) = (
            run.clone(),
            api.clone(),
            ws.clone(),
            email.clone(),
            new_role.clone(),
            invited.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = pb::AddMemberRequest {
                workspace_id: ws.clone(),
                email: (*email).clone(),
                role: (*new_role).into(),
            };
            let (api, invited) = (api.clone(), invited.clone());
            run(Box::pin(async move {
                api.send(request).await.map(|r| invited.set(r.invitation))
            }));
        })
    };
    let on_new_role = {
        let new_role = new_role.clone();
        Callback::from(move |e: Event| {
            let value = e
                .target_unchecked_into::<HtmlSelectElement>()
                .value()
                .parse::<i32>()
                .unwrap_or_default();
            new_role.set(pb::Role::try_from(value).unwrap_or(pb::Role::Viewer));
        })
    };
    let me = session.profile().map(|p| p.user.id).unwrap_or_default();
    let can_manage = manages(props.role);
    let rows = members.iter().map(|m| {
        let user = m.user.clone().unwrap_or_default();
        let (run_role, run_remove, api_r, api_x, ws_r, ws_x) = (run.clone(), run.clone(), api.clone(), api.clone(), ws.clone(), ws.clone());
        let uid_r = user.id.clone();
        let on_role = Callback::from(move |e: Event| {
            let role = e.target_unchecked_into::<HtmlSelectElement>().value().parse::<i32>().unwrap_or_default();
            let request = pb::ChangeRoleRequest { workspace_id: ws_r.clone(), user_id: uid_r.clone(), role };
            let api = api_r.clone();
            run_role(Box::pin(async move { api.send(request).await.map(drop) }));
        });
        let (uid_x, is_me) = (user.id.clone(), user.id == me);
        let on_remove = Callback::from(move |_: MouseEvent| {
            let (api, ws, uid) = (api_x.clone(), ws_x.clone(), uid_x.clone());
            run_remove(Box::pin(async move {
                if is_me {
                    api.send(pb::LeaveWorkspaceRequest { workspace_id: ws }).await.map(drop)
                } else {
                    api.send(pb::RemoveMemberRequest { workspace_id: ws, user_id: uid }).await.map(drop)
                }
            }));
        });
        html! {
            <tr>
                <td>{ &user.display_name }<div class="muted">{ &user.email }</div></td>
                <td>
                    if can_manage {
                        <select onchange={on_role} aria-label="Role">
                            { for ROLES.iter().map(|r| html! {
                                <option value={(*r as i32).to_string()} selected={*r as i32 == m.role}>{ role_label(*r as i32) }</option>
                            }) }
                        </select>
                    } else { { role_label(m.role) } }
                </td>
                <td>
                    if is_me {
                        <button class="danger" onclick={on_remove}>{ "Leave" }</button>
                    } else if can_manage {
                        <button class="danger" onclick={on_remove}>{ "Remove" }</button>
                    }
                </td>
            </tr>
        }
    });
    html! {
        <section class="card" id="members">
            <h2>{ "Members" }</h2>
            <ErrorBanner error={(*error).clone()} />
            <table><tbody>{ for rows }</tbody></table>
            if can_manage {
                <form onsubmit={on_add} novalidate=true class="row gap-top">
                    <Field label="Email" name="member_email" kind="email" value={email} error={(*error).as_ref().and_then(|e| e.field("email"))} />
                    <label>{ "Role" }
                        <select onchange={on_new_role}>
                            { for ROLES.iter().map(|r| html! {
                                <option value={(*r as i32).to_string()} selected={*r == *new_role}>{ role_label(*r as i32) }</option>
                            }) }
                        </select>
                    </label>
                    <button type="submit">{ "Add member" }</button>
                </form>
                if let Some(invitation) = (*invited).clone() {
                    <InvitationLink {invitation} />
                }
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct InvitationLinkProps {
    invitation: pb::Invitation,
}

/// The link an invitee opens to register, shown once, with a button that copies it.
#[function_component(InvitationLink)]
fn invitation_link(props: &InvitationLinkProps) -> Html {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let link = format!("{origin}/register?invitation={}", props.invitation.token);
    let on_copy = {
        let link = link.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(window) = web_sys::window() {
                let _ = window.navigator().clipboard().write_text(&link);
            }
        })
    };
    html! {
        <div class="notice gap-top" role="status">
            <p>{ format!(
                "{} has no account yet. Send them this invitation link; it works once, for 7 days, and is shown only now.",
                props.invitation.email
            ) }</p>
            <div class="row">
                <input readonly=true value={link} aria-label="Invitation link" />
                <button type="button" onclick={on_copy}>{ "Copy link" }</button>
            </div>
        </div>
    }
}
