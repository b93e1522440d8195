//! The shell's side of the session as the pages module sees it: a JavaScript object whose
//! functions run in the shell.

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use multitok_proto::v1 as pb;
use prost::Message;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, future_to_promise};

use crate::hooks::{Profile, SessionHandle};

const REFRESH: &str = "refresh";
const PROFILE: &str = "profile";
const WORKSPACE: &str = "workspace";
const LOGOUT: &str = "logout";

/// The shell's session functions, held by the pages module.
#[derive(Clone, PartialEq)]
pub struct Host(JsValue);

impl Host {
    pub fn from_js(value: JsValue) -> Host {
        Host(value)
    }

    /// The object handed to the pages module: `refresh()` resolves to a fresh access token,
    /// `profile(bytes)` takes a changed `MeResponse`, `workspace(id)` a newly selected workspace,
    /// `logout()` signs out.
    pub fn for_session(session: &SessionHandle) -> Host {
        let object = Object::new();
        let refresh = {
            let api = session.api.clone();
            Closure::<dyn Fn() -> Promise>::new(move || {
                let api = api.clone();
                future_to_promise(async move {
                    api.refresh()
                        .await
                        .map_err(|e| JsValue::from_str(&e.message))?;
                    Ok(api.token().map_or(JsValue::NULL, |t| JsValue::from_str(&t)))
                })
            })
        };
        let profile = {
            let state = session.session.clone();
            Closure::<dyn Fn(Uint8Array)>::new(move |bytes: Uint8Array| {
                if let Ok(me) = pb::MeResponse::decode(bytes.to_vec().as_slice()) {
                    state.set(crate::hooks::Session::LoggedIn(Profile::from(me)));
                }
            })
        };
        let workspace = {
            let session = session.clone();
            Closure::<dyn Fn(String)>::new(move |id: String| session.select_workspace(id))
        };
        let logout = {
            let session = session.clone();
            Closure::<dyn Fn()>::new(move || {
                let session = session.clone();
                wasm_bindgen_futures::spawn_local(async move { session.logout().await });
            })
        };
        let _ = Reflect::set(&object, &LOGOUT.into(), &logout.into_js_value());
        let _ = Reflect::set(&object, &REFRESH.into(), &refresh.into_js_value());
        let _ = Reflect::set(&object, &PROFILE.into(), &profile.into_js_value());
        let _ = Reflect::set(&object, &WORKSPACE.into(), &workspace.into_js_value());
        Host(object.into())
    }

    pub fn as_js(&self) -> &JsValue {
        &self.0
    }

    fn function(&self, name: &str) -> Option<Function> {
        Reflect::get(&self.0, &name.into()).ok()?.dyn_into().ok()
    }

    /// Has the shell refresh the session; the new access token, if any.
    pub async fn refresh(&self) -> Result<Option<String>, String> {
        let function = self.function(REFRESH).ok_or("no session host")?;
        let promise: Promise = function
            .call0(&JsValue::NULL)
            .map_err(|e| format!("{e:?}"))?
            .into();
        let token = JsFuture::from(promise)
            .await
            .map_err(|e| e.as_string().unwrap_or_default())?;
        Ok(token.as_string())
    }

    /// Tells the shell the profile changed.
    pub fn profile_changed(&self, me: &pb::MeResponse) {
        if let Some(f) = self.function(PROFILE) {
            let bytes = Uint8Array::from(me.encode_to_vec().as_slice());
            let _ = f.call1(&JsValue::NULL, &bytes);
        }
    }

    /// Has the shell sign out.
    pub fn logout(&self) {
        if let Some(f) = self.function(LOGOUT) {
            let _ = f.call0(&JsValue::NULL);
        }
    }

    /// Tells the shell another workspace was selected.
    pub fn workspace_selected(&self, id: &str) {
        if let Some(f) = self.function(WORKSPACE) {
            let _ = f.call1(&JsValue::NULL, &JsValue::from_str(id));
        }
    }
}
