//! The shell's side of the session as the pages module sees it: one JavaScript function that
//! runs in the shell, taking an encoded [`HostCall`] and resolving to the new access token
//! (for a refresh) or nothing.

use js_sys::{Function, Promise, Uint8Array};
use multitok_proto::v1 as pb;
use prost::Message;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, future_to_promise};

use super::{Call, HostCall};
use crate::hooks::{Profile, Session, SessionHandle};

/// The shell's session function, held by the pages module.
#[derive(Clone, PartialEq)]
pub struct Host(JsValue);

/// Runs one call in the shell.
async fn serve(session: SessionHandle, call: Call) -> Result<JsValue, JsValue> {
    match call {
        Call::Refresh(_) => {
            session
                .api
                .refresh()
                .await
                .map_err(|e| JsValue::from_str(&e.message))?;
            return Ok(session
                .api
                .token()
                .map_or(JsValue::NULL, |t| JsValue::from_str(&t)));
        }
        Call::Profile(me) => session.session.set(Session::LoggedIn(Profile::from(me))),
        Call::Workspace(id) => session.select_workspace(id),
        Call::Logout(_) => session.logout().await,
    }
    Ok(JsValue::NULL)
}

impl Host {
    pub fn from_js(value: JsValue) -> Host {
        Host(value)
    }

    /// The function handed to the pages module.
    pub fn for_session(session: &SessionHandle) -> Host {
        let session = session.clone();
        let function = Closure::<dyn Fn(Uint8Array) -> Promise>::new(move |bytes: Uint8Array| {
            let call = HostCall::decode(bytes.to_vec().as_slice())
                .ok()
                .and_then(|c| c.call);
            let session = session.clone();
            future_to_promise(async move {
                match call {
                    Some(call) => serve(session, call).await,
                    None => Err(JsValue::from_str("malformed call")),
                }
            })
        });
        Host(function.into_js_value())
    }

    pub fn as_js(&self) -> &JsValue {
        &self.0
    }

    /// Sends `call` to the shell; what it answered.
    async fn call(&self, call: Call) -> Result<JsValue, String> {
        let function: &Function = self.0.dyn_ref().ok_or("no session host")?;
        let bytes = Uint8Array::from(HostCall { call: Some(call) }.encode_to_vec().as_slice());
        let promise: Promise = function
            .call1(&JsValue::NULL, &bytes)
            .map_err(|e| format!("{e:?}"))?
            .into();
        JsFuture::from(promise)
            .await
            .map_err(|e| e.as_string().unwrap_or_default())
    }

    /// Has the shell refresh the session; the new access token, if any.
    pub async fn refresh(&self) -> Result<Option<String>, String> {
        Ok(self.call(Call::Refresh(true)).await?.as_string())
    }

    /// Tells the shell the profile changed.
    pub fn profile_changed(&self, me: &pb::MeResponse) {
        self.tell(Call::Profile(me.clone()));
    }

    /// Has the shell sign out.
    pub fn logout(&self) {
        self.tell(Call::Logout(true));
    }

    /// Tells the shell another workspace was selected.
    pub fn workspace_selected(&self, id: &str) {
        self.tell(Call::Workspace(id.to_owned()));
    }

    fn tell(&self, call: Call) {
        let host = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = host.call(call).await;
        });
    }
}
