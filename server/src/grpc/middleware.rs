//! HTTP middleware around the gRPC services: remembers whether a call came from a browser
//! (grpc-web), and authenticates every call that is not on the public list.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use tonic::Status;

use crate::service::Services;

/// Whether the call arrived as grpc-web (a browser) rather than native gRPC.
#[derive(Debug, Clone, Copy)]
pub struct Transport {
    pub browser: bool,
}

/// Calls that need no caller: signing up and in, session cookies, health and reflection.
const PUBLIC: &[&str] = &[
    "/multitok.v1.AuthService/Register",
    "/multitok.v1.AuthService/Login",
    "/multitok.v1.AuthService/Refresh",
    "/multitok.v1.AuthService/Logout",
    "/multitok.v1.AuthService/GetSignUpPolicy",
];
const PUBLIC_PREFIXES: &[&str] = &["/grpc.health.v1.", "/grpc.reflection."];

fn is_public(path: &str) -> bool {
    PUBLIC.contains(&path) || PUBLIC_PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Runs before grpc-web translation, while the original content type is still visible.
pub async fn classify_transport(mut request: Request, next: Next) -> Response {
    let browser = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/grpc-web"));
    request.extensions_mut().insert(Transport { browser });
    next.run(request).await
}

/// Resolves `authorization: Bearer …` to a [`crate::service::Caller`] in the request's
/// extensions, or answers `Unauthenticated` without reaching the service.
pub async fn authenticate(
    State(services): State<Services>,
    mut request: Request,
    next: Next,
) -> Response {
    if is_public(request.uri().path()) {
        return next.run(request).await;
    }
    let bearer = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    let Some(bearer) = bearer else {
        return Status::unauthenticated("authentication required").into_http();
    };
    match services.authenticate(bearer).await {
        Ok(caller) => {
            tracing::Span::current().record("caller", caller.user_id.as_str());
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(err) => crate::error::status(err).into_http(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_calls_are_public() {
        assert!(is_public("/multitok.v1.AuthService/Login"));
        assert!(is_public("/grpc.health.v1.Health/Check"));
        assert!(!is_public("/multitok.v1.AuthService/Me"));
        assert!(!is_public("/multitok.v1.AuthService/LoginX"));
        assert!(!is_public("/multitok.v1.WorkspaceService/ListWorkspaces"));
    }
}
