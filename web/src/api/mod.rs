//! The grpc-web client, built from the page's own origin. Every call goes through one
//! non-generic transport function (a bytes codec over `tonic-web-wasm-client`), which keeps the
//! bundle small: each RPC adds only its message encoding, not a copy of the call machinery.
//!
//! The access token lives in memory only; a call answered `Unauthenticated` refreshes once
//! through the HttpOnly session cookie and is retried.

mod codec;
mod rpc;

use std::cell::RefCell;
use std::rc::Rc;

use http::uri::PathAndQuery;
use multitok_proto::v1 as pb;
use prost::Message;
use tonic::{Code, Request, Status};
use tonic_web_wasm_client::Client;

pub use rpc::Rpc;

use crate::error::ApiError;

/// Handle to the server; cheap to clone, shared by every page.
#[derive(Clone)]
pub struct Api {
    client: Client,
    token: Rc<RefCell<Option<String>>>,
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
            client: Client::new(origin),
            token: Rc::default(),
        }
    }

    pub fn set_token(&self, token: Option<String>) {
        *self.token.borrow_mut() = token;
    }

    /// Sends one call. Calls that need a session refresh it once on `Unauthenticated`.
    pub async fn send<R: Rpc>(&self, request: R) -> Result<R::Response, ApiError> {
        let body = self
            .transport(R::PATH, request.encode_to_vec(), !R::PUBLIC)
            .await?;
        R::Response::decode(body.as_slice())
            .map_err(|_| ApiError::from(Status::internal("malformed response")))
    }

    /// Opens a server stream and hands each message to `each` until the stream ends. A stream
    /// refused as `Unauthenticated` is retried once after a refresh.
    pub async fn watch<R: Rpc>(
        &self,
        request: R,
        mut each: impl FnMut(R::Response),
    ) -> Result<(), ApiError> {
        let body = request.encode_to_vec();
        let mut stream = match self.open_stream(R::PATH, body.clone()).await {
            Err(status) if status.code() == Code::Unauthenticated => {
                self.refresh().await?;
                self.open_stream(R::PATH, body).await?
            }
            other => other?,
        };
        while let Some(message) = stream.message().await? {
            let decoded = R::Response::decode(message.as_slice())
                .map_err(|_| ApiError::from(Status::internal("malformed response")))?;
            each(decoded);
        }
        Ok(())
    }

    async fn open_stream(
        &self,
        path: &'static str,
        body: Vec<u8>,
    ) -> Result<tonic::Streaming<Vec<u8>>, Status> {
        let mut grpc = tonic::client::Grpc::new(self.client.clone());
        grpc.ready()
            .await
            .map_err(|_| Status::unavailable("server unreachable"))?;
        let response = grpc
            .server_streaming(
                self.authorized(body),
                PathAndQuery::from_static(path),
                codec::Bytes,
            )
            .await?;
        Ok(response.into_inner())
    }

    fn authorized(&self, body: Vec<u8>) -> Request<Vec<u8>> {
        let mut request = Request::new(body);
        if let Some(token) = self.token.borrow().as_deref()
            && let Ok(value) = format!("Bearer {token}").parse()
        {
            request.metadata_mut().insert("authorization", value);
        }
        request
    }

    /// Gets a new access token through the session cookie.
    pub async fn refresh(&self) -> Result<(), ApiError> {
        let body = self
            .raw(
                pb::RefreshRequest::PATH,
                pb::RefreshRequest::default().encode_to_vec(),
            )
            .await?;
        let response = pb::RefreshResponse::decode(body.as_slice())
            .map_err(|_| Status::internal("malformed response"))?;
        self.set_token(response.session.map(|s| s.access_token));
        Ok(())
    }

    async fn transport(
        &self,
        path: &'static str,
        body: Vec<u8>,
        retry: bool,
    ) -> Result<Vec<u8>, ApiError> {
        match self.raw(path, body.clone()).await {
            Err(status) if retry && status.code() == Code::Unauthenticated => {
                self.refresh().await?;
                Ok(self.raw(path, body).await?)
            }
            other => Ok(other?),
        }
    }

    async fn raw(&self, path: &'static str, body: Vec<u8>) -> Result<Vec<u8>, Status> {
        let mut grpc = tonic::client::Grpc::new(self.client.clone());
        grpc.ready()
            .await
            .map_err(|_| Status::unavailable("server unreachable"))?;
        let response = grpc
            .unary(
                self.authorized(body),
                PathAndQuery::from_static(path),
                codec::Bytes,
            )
            .await?;
        Ok(response.into_inner())
    }
}
