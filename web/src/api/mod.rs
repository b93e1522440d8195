//! The grpc-web client, built from the page's own origin. Every call goes through one
//! non-generic transport function over the browser's `fetch` ([`fetch`]), which keeps the
//! bundle small: each RPC adds only its message encoding, not a copy of the call machinery.
//!
//! The access token lives in memory only; a call answered `Unauthenticated` refreshes once
//! through the HttpOnly session cookie and is retried.

mod fetch;
mod rpc;

use std::cell::RefCell;
use std::rc::Rc;

use multitok_proto::v1 as pb;
use multitok_shared::grpc_web::{Status, code};
use prost::Message;
use wasm_bindgen::JsCast;

pub use rpc::Rpc;

use crate::error::ApiError;
use crate::split::host::Host;

/// Runs `task` until it ends or until the returned function is called (an effect's cleanup), so
/// that leaving a page cancels its streams' fetches: a browser holds only a few connections per
/// server over HTTP/1.1, and streams left open would stall every later call.
pub fn spawn_cancellable(task: impl Future<Output = ()> + 'static) -> impl FnOnce() {
    let (task, handle) = futures::future::abortable(task);
    wasm_bindgen_futures::spawn_local(async move {
        let _ = task.await;
    });
    move || handle.abort()
}

/// Waits `ms` milliseconds (a browser timer).
pub async fn sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                resolve.unchecked_ref(),
                ms as i32,
            );
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Handle to the server; cheap to clone, shared by every page.
#[derive(Clone)]
pub struct Api {
    origin: Rc<str>,
    token: Rc<RefCell<Option<String>>>,
    /// In the pages module: the shell, which refreshes the session for both modules.
    host: Option<Host>,
}

impl PartialEq for Api {
    fn eq(&self, other: &Api) -> bool {
        Rc::ptr_eq(&self.token, &other.token)
    }
}

impl Api {
    /// A client for the server that served this page.
    pub fn from_origin() -> Api {
        let origin = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        Api {
            origin: origin.into(),
            token: Rc::default(),
            host: None,
        }
    }

    /// A client for the pages module, whose session is the shell's.
    pub fn hosted(host: Host) -> Api {
        Api {
            host: Some(host),
            ..Api::from_origin()
        }
    }

    pub fn host(&self) -> Option<&Host> {
        self.host.as_ref()
    }

    pub fn set_token(&self, token: Option<String>) {
        *self.token.borrow_mut() = token;
    }

    pub fn token(&self) -> Option<String> {
        self.token.borrow().clone()
    }

    /// Sends one call. Calls that need a session refresh it once on `Unauthenticated`.
    pub async fn send<R: Rpc>(&self, request: R) -> Result<R::Response, ApiError> {
        let body = self
            .transport(R::PATH, request.encode_to_vec(), !R::PUBLIC)
            .await?;
        R::Response::decode(body.as_slice()).map_err(|_| ApiError::from(malformed()))
    }

    /// Opens a server stream and hands each message to `each` until the stream ends. A stream
    /// refused as `Unauthenticated` is retried once after a refresh.
    pub async fn watch<R: Rpc>(
        &self,
        request: R,
        mut each: impl FnMut(R::Response),
    ) -> Result<(), ApiError> {
        let body = request.encode_to_vec();
        let mut call = self.refreshing(true, || self.open(R::PATH, &body)).await?;
        while let Some(message) = call.message().await? {
            let decoded =
                R::Response::decode(message.as_slice()).map_err(|_| ApiError::from(malformed()))?;
            each(decoded);
        }
        Ok(())
    }

    async fn open(&self, path: &'static str, body: &[u8]) -> Result<fetch::Call, Status> {
        let token = self.token.borrow().clone();
        fetch::open(&format!("{}{path}", self.origin), token.as_deref(), body).await
    }

    /// Gets a new access token through the session cookie.
    pub async fn refresh(&self) -> Result<(), ApiError> {
        if let Some(host) = &self.host {
            let token = host.refresh().await.map_err(|message| ApiError {
                message,
                ..ApiError::default()
            })?;
            self.set_token(token);
            return Ok(());
        }
        let body = self
            .raw(
                pb::RefreshRequest::PATH,
                &pb::RefreshRequest::default().encode_to_vec(),
            )
            .await?;
        let response = pb::RefreshResponse::decode(body.as_slice()).map_err(|_| malformed())?;
        self.set_token(response.session.map(|s| s.access_token));
        Ok(())
    }

    async fn transport(
        &self,
        path: &'static str,
        body: Vec<u8>,
        retry: bool,
    ) -> Result<Vec<u8>, ApiError> {
        self.refreshing(retry, || self.raw(path, &body)).await
    }

    /// Runs `attempt`, and once more after a refresh when it is refused as `Unauthenticated`
    /// and `retry` holds.
    async fn refreshing<T, F: Future<Output = Result<T, Status>>>(
        &self,
        retry: bool,
        attempt: impl Fn() -> F,
    ) -> Result<T, ApiError> {
        match attempt().await {
            Err(status) if retry && status.code == code::UNAUTHENTICATED => {
                self.refresh().await?;
                Ok(attempt().await?)
            }
            other => Ok(other?),
        }
    }

    /// One message out, one back, then a clean end.
    async fn raw(&self, path: &'static str, body: &[u8]) -> Result<Vec<u8>, Status> {
        let mut call = self.open(path, body).await?;
        let message = call.message().await?.ok_or_else(malformed)?;
        match call.message().await? {
            None => Ok(message),
            Some(_) => Err(malformed()),
        }
    }
}

fn malformed() -> Status {
    Status::new(code::INTERNAL, "malformed response")
}
