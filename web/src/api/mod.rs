//! The grpc-web client, built from the page's own origin. The access token lives in memory
//! only; a call answered `Unauthenticated` refreshes once through the HttpOnly session cookie
//! and is retried.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use multitok_proto::v1 as pb;
use multitok_proto::v1::auth_service_client::AuthServiceClient;
use multitok_proto::v1::workspace_service_client::WorkspaceServiceClient;
use tonic::{Code, Request, Response, Status};
use tonic_web_wasm_client::Client;

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

    pub fn auth(&self) -> AuthServiceClient<Client> {
        AuthServiceClient::new(self.client.clone())
    }

    pub fn workspaces(&self) -> WorkspaceServiceClient<Client> {
        WorkspaceServiceClient::new(self.client.clone())
    }

    pub fn set_token(&self, token: Option<String>) {
        *self.token.borrow_mut() = token;
    }

    /// `message` with the access token attached.
    pub fn request<T>(&self, message: T) -> Request<T> {
        let mut request = Request::new(message);
        if let Some(token) = self.token.borrow().as_deref()
            && let Ok(value) = format!("Bearer {token}").parse()
        {
            request.metadata_mut().insert("authorization", value);
        }
        request
    }

    /// Gets a new access token through the session cookie.
    pub async fn refresh(&self) -> Result<(), ApiError> {
        let response = self
            .auth()
            .refresh(pb::RefreshRequest::default())
            .await
            .map_err(ApiError::from)?;
        let token = response.into_inner().session.map(|s| s.access_token);
        self.set_token(token);
        Ok(())
    }

    /// Runs an authenticated call; on `Unauthenticated` refreshes once and retries.
    pub async fn call<T, F, Fut>(&self, call: F) -> Result<T, ApiError>
    where
        F: Fn(Api) -> Fut,
        Fut: Future<Output = Result<Response<T>, Status>>,
    {
        match call(self.clone()).await {
            Ok(response) => Ok(response.into_inner()),
            Err(status) if status.code() == Code::Unauthenticated => {
                self.refresh().await?;
                call(self.clone())
                    .await
                    .map(Response::into_inner)
                    .map_err(ApiError::from)
            }
            Err(status) => Err(status.into()),
        }
    }
}
