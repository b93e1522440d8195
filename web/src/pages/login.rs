//! Log in with email and password.

use crate::router::{Link, Redirect};
use multitok_proto::v1 as pb;
use yew::prelude::*;

use crate::app::Route;
use crate::components::field::{ErrorBanner, Field};
use crate::error::ApiError;
use crate::hooks::{Session, use_session, use_sign_up_policy};

#[function_component(Login)]
pub fn login() -> Html {
    let session = use_session();
    let email = use_state(String::new);
    let password = use_state(String::new);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let policy = use_sign_up_policy(String::new());
    let closed = policy.is_some_and(|p| p.registration == pb::Registration::Closed as i32);
    if matches!(*session.session, Session::LoggedIn(_)) {
        return html! { <Redirect to={Route::Dashboard} /> };
    }
    let onsubmit = {
        let (session, email, password, error, busy) = (
            session.clone(),
            email.clone(),
            password.clone(),
            error.clone(),
            busy.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let request = pb::LoginRequest {
                email: (*email).clone(),
                password: (*password).clone(),
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
    let field_error = |name: &str| (*error).as_ref().and_then(|e| e.field(name));
    html! {
        <main class="auth-page card">
            <h1>{ "Log in to Multitok" }</h1>
            <ErrorBanner error={(*error).clone()} />
            <form {onsubmit} novalidate=true>
                <Field label="Email" name="email" kind="email" value={email} error={field_error("email")} autocomplete="username" />
                <Field label="Password" name="password" kind="password" value={password} error={field_error("password")} autocomplete="current-password" />
                <button type="submit" disabled={*busy}>{ "Log in" }</button>
            </form>
            if !closed {
                <p class="muted">{ "No account yet? " }<Link to={Route::Register}>{ "Register" }</Link></p>
            }
        </main>
    }
}
