//! Create an account (and its personal workspace).

use crate::router::{Link, Redirect};
use multitok_proto::v1 as pb;
use yew::prelude::*;

use crate::app::Route;
use crate::components::field::{ErrorBanner, Field};
use crate::error::ApiError;
use crate::hooks::{Session, use_session};

#[function_component(Register)]
pub fn register() -> Html {
    let session = use_session();
    let email = use_state(String::new);
    let name = use_state(String::new);
    let password = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    if matches!(*session.session, Session::LoggedIn(_)) {
        return html! { <Redirect to={Route::Dashboard} /> };
    }
    let onsubmit = {
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
        <div class="auth-page card">
            <h1>{ "Create your Multitok account" }</h1>
            <ErrorBanner error={(*error).clone()} />
            <form {onsubmit} novalidate=true>
                <Field label="Email" name="email" kind="email" value={email} error={field_error("email")} autocomplete="username" />
                <Field label="Your name" name="display_name" value={name} error={field_error("display_name")} />
                <Field label="Password" name="password" kind="password" value={password} error={field_error("password")} autocomplete="new-password" />
                <p class="muted">{ "At least 10 characters." }</p>
                <button type="submit" disabled={*busy}>{ "Create account" }</button>
            </form>
            <p class="muted">{ "Already registered? " }<Link to={Route::Login}>{ "Log in" }</Link></p>
        </div>
    }
}
