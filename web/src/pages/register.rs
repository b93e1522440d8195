//! Create an account (and its personal workspace), as the server's sign-up policy allows: with
//! an invitation link the email is the invited one and the new user joins that workspace; a
//! closed server, or one by invitation without a valid link, shows why instead of the form.

use crate::router::{Link, Redirect};
use multitok_proto::v1 as pb;
use yew::prelude::*;

use crate::app::Route;
use crate::components::field::{ErrorBanner, Field};
use crate::error::ApiError;
use crate::hooks::{Session, use_session, use_sign_up_policy};
use crate::local_time::query_param;

#[function_component(Register)]
pub fn register() -> Html {
    let session = use_session();
    let email = use_state(String::new);
    let name = use_state(String::new);
    let password = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let token = use_memo((), |()| query_param("invitation").unwrap_or_default());
    let policy = use_sign_up_policy((*token).clone());
    {
        let email = email.clone();
        let invited = policy.as_ref().and_then(|p| p.invitation.clone());
        use_effect_with(invited, move |invited| {
            if let Some(i) = invited {
                email.set(i.email.clone());
            }
        });
    }
    if matches!(*session.session, Session::LoggedIn(_)) {
        return html! { <Redirect to={Route::Dashboard} /> };
    }
    let Some(policy) = policy else {
        return html! { <main class="auth-page card"><p class="muted">{ "Loading…" }</p></main> };
    };
    if let Some(refusal) = refusal(&policy, !token.is_empty()) {
        return html! {
            <main class="auth-page card">
                <h1>{ "Create your Multitok account" }</h1>
                <p role="status">{ refusal }</p>
                <p class="muted">{ "Already registered? " }<Link to={Route::Login}>{ "Log in" }</Link></p>
            </main>
        };
    }
    let onsubmit = {
        let token = token.clone();
        let (session, email, name, password, error, busy) = (
            session.clone(),
            email.clone(),
            name.clone(),
            password.clone(),
            error.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = pb::RegisterRequest {
                email: (*email).clone(),
                password: (*password).clone(),
                display_name: (*name).clone(),
                invitation: (*token).clone(),
            };
            let (session, error, busy) = (session.clone(), error.clone(), busy.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let result = match session.api.send(request).await {
                    Ok(r) => {
                        session
                            .logged_in(r.session.unwrap_or_default().access_token)
                            .await
                    }
                    Err(e) => Err(e),
                };
                busy.set(false);
                error.set(result.err());
            });
        })
    };
    let field_error = |f: &str| (*error).as_ref().and_then(|e| e.field(f));
    html! {
        <main class="auth-page card">
            <h1>{ "Create your Multitok account" }</h1>
            if let Some(i) = &policy.invitation {
                <p role="status">{ format!("You are invited to join “{}”.", i.workspace_name) }</p>
            }
            <ErrorBanner error={(*error).clone()} />
            <form {onsubmit} novalidate=true>
                <Field label="Email" name="email" kind="email" value={email} error={field_error("email")} autocomplete="username" />
                <Field label="Your name" name="display_name" value={name} error={field_error("display_name")} />
                <Field label="Password" name="password" kind="password" value={password} error={field_error("password")} autocomplete="new-password" />
                <p class="muted">{ "At least 10 characters." }</p>
                <button type="submit" disabled={*busy}>{ "Create account" }</button>
            </form>
            <p class="muted">{ "Already registered? " }<Link to={Route::Login}>{ "Log in" }</Link></p>
        </main>
    }
}

/// Why the form is not shown, when the policy forbids registering here.
fn refusal(policy: &pb::GetSignUpPolicyResponse, has_link: bool) -> Option<&'static str> {
    let registration = pb::Registration::try_from(policy.registration).ok()?;
    match registration {
        pb::Registration::Closed => {
            Some("Registration is closed on this server. Ask its operator for an account.")
        }
        _ if has_link && policy.invitation.is_none() => Some(
            "This invitation link is no longer valid (used, expired or mistyped). Ask for a new one.",
        ),
        pb::Registration::Invite if policy.invitation.is_none() => Some(
            "Registration on this server is by invitation. Open the link a workspace member sent you.",
        ),
        _ => None,
    }
}
