//! `multitok.v1.AuthService`. Browsers (grpc-web) get the refresh token as an `HttpOnly;
//! SameSite=Strict` cookie scoped to this service's path; native clients get it in the body.

use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use multitok_proto::v1 as pb;
use multitok_proto::v1::auth_service_server::AuthService;
use tonic::metadata::MetadataValue;
use tonic::{Request, Response, Status};

use super::convert::{self, session};
use super::middleware::Transport;
use super::{caller, status};
use crate::service::Services;
use crate::service::auth::{ApiTokenRequest, Credentials, Registration, Session};

const COOKIE: &str = "multitok_refresh";
const COOKIE_PATH: &str = "/multitok.v1.AuthService/";

pub struct Auth {
    services: Services,
    secure_cookie: bool,
}

impl Auth {
    pub fn new(services: Services, secure_cookie: bool) -> Auth {
        Auth {
            services,
            secure_cookie,
        }
    }

    fn cookie(
        &self,
        value: &str,
        max_age: i64,
    ) -> Result<MetadataValue<tonic::metadata::Ascii>, Status> {
        let secure = if self.secure_cookie { "; Secure" } else { "" };
        format!("{COOKIE}={value}; Path={COOKIE_PATH}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}")
            .parse()
            .map_err(|_| Status::internal("internal error"))
    }

    /// Answers with the session, as a cookie for browsers or in the body for other clients.
    fn with_session<T>(
        &self,
        browser: bool,
        s: &Session,
        body: impl FnOnce(pb::Session) -> T,
    ) -> Result<Response<T>, Status> {
        let mut response = Response::new(body(session(s, !browser)));
        if browser {
            let max_age = (s.refresh_expires_at - self.services.now())
                .num_seconds()
                .max(0);
            response
                .metadata_mut()
                .insert("set-cookie", self.cookie(&s.refresh_token, max_age)?);
        }
        Ok(response)
    }
}

fn is_browser<T>(request: &Request<T>) -> bool {
    request
        .extensions()
        .get::<Transport>()
        .is_some_and(|t| t.browser)
}

/// The refresh token from the body, else from the session cookie.
fn refresh_token<T>(request: &Request<T>, in_body: &str) -> Option<String> {
    if !in_body.is_empty() {
        return Some(in_body.to_owned());
    }
    let cookies = request.metadata().get("cookie")?.to_str().ok()?;
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

#[tonic::async_trait]
impl AuthService for Auth {
    async fn get_sign_up_policy(
        &self,
        request: Request<pb::GetSignUpPolicyRequest>,
    ) -> Result<Response<pb::GetSignUpPolicyResponse>, Status> {
        let token = convert::invitation(&request.get_ref().invitation)
            .map_err(|e| status(multitok_shared::Violations::one("invitation", e)))?;
        let (policy, invitation) = self
            .services
            .sign_up_policy(token.as_deref())
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetSignUpPolicyResponse {
            registration: convert::registration(policy) as i32,
            invitation: invitation.map(|i| pb::InvitationSummary {
                email: i.email,
                workspace_name: i.workspace_name,
                expires_at: Some(convert::timestamp(i.expires_at)),
            }),
        }))
    }

    async fn register(
        &self,
        request: Request<pb::RegisterRequest>,
    ) -> Result<Response<pb::RegisterResponse>, Status> {
        let browser = is_browser(&request);
        let address = client_address(&request);
        let input = Registration::try_from(request.into_inner()).map_err(status)?;
        let (user, workspace, s) = self
            .services
            .register(input, address)
            .await
            .map_err(status)?;
        self.with_session(browser, &s, |session| pb::RegisterResponse {
            user: Some(convert::user(&user)),
            session: Some(session),
            workspace: Some(convert::workspace(workspace)),
        })
    }

    async fn login(
        &self,
        request: Request<pb::LoginRequest>,
    ) -> Result<Response<pb::LoginResponse>, Status> {
        let browser = is_browser(&request);
        let address = client_address(&request);
        let input = Credentials::try_from(request.into_inner()).map_err(status)?;
        let (user, s) = self.services.login(input, address).await.map_err(status)?;
        self.with_session(browser, &s, |session| pb::LoginResponse {
            user: Some(convert::user(&user)),
            session: Some(session),
        })
    }

    async fn refresh(
        &self,
        request: Request<pb::RefreshRequest>,
    ) -> Result<Response<pb::RefreshResponse>, Status> {
        let browser = is_browser(&request);
        let token = refresh_token(&request, &request.get_ref().refresh_token)
            .ok_or_else(|| Status::unauthenticated("no session: log in again"))?;
        let address = client_address(&request);
        let s = self
            .services
            .refresh(&token, address)
            .await
            .map_err(status)?;
        self.with_session(browser, &s, |session| pb::RefreshResponse {
            session: Some(session),
        })
    }

    async fn logout(
        &self,
        request: Request<pb::LogoutRequest>,
    ) -> Result<Response<pb::LogoutResponse>, Status> {
        if let Some(token) = refresh_token(&request, &request.get_ref().refresh_token) {
            self.services.logout(&token).await.map_err(status)?;
        }
        let mut response = Response::new(pb::LogoutResponse {});
        if is_browser(&request) {
            response
                .metadata_mut()
                .insert("set-cookie", self.cookie("", 0)?);
        }
        Ok(response)
    }

    async fn me(
        &self,
        request: Request<pb::MeRequest>,
    ) -> Result<Response<pb::MeResponse>, Status> {
        let caller = caller(&request)?;
        let (user, workspaces) = self.services.me(&caller).await.map_err(status)?;
        Ok(Response::new(pb::MeResponse {
            user: Some(convert::user(&user)),
            workspaces: workspaces.into_iter().map(convert::membership).collect(),
        }))
    }

    async fn create_api_token(
        &self,
        request: Request<pb::CreateApiTokenRequest>,
    ) -> Result<Response<pb::CreateApiTokenResponse>, Status> {
        let caller = caller(&request)?;
        let input = ApiTokenRequest::try_from(request.into_inner()).map_err(status)?;
        let (token, secret) = self
            .services
            .create_api_token(&caller, input)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::CreateApiTokenResponse {
            token: Some(convert::api_token(token)),
            secret,
        }))
    }

    async fn list_api_tokens(
        &self,
        request: Request<pb::ListApiTokensRequest>,
    ) -> Result<Response<pb::ListApiTokensResponse>, Status> {
        let caller = caller(&request)?;
        let tokens = self
            .services
            .list_api_tokens(&caller)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListApiTokensResponse {
            tokens: tokens.into_iter().map(convert::api_token).collect(),
        }))
    }

    async fn revoke_api_token(
        &self,
        request: Request<pb::RevokeApiTokenRequest>,
    ) -> Result<Response<pb::RevokeApiTokenResponse>, Status> {
        let caller = caller(&request)?;
        let id = convert::id("id", &request.get_ref().id).map_err(status)?;
        self.services
            .revoke_api_token(&caller, &id)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::RevokeApiTokenResponse {}))
    }
}

/// The client's address, for throttling.
fn client_address<T>(request: &Request<T>) -> Option<std::net::IpAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}
