//! The gRPC edge: service implementations (thin: extract, convert, call the service, convert
//! back), the middleware that authenticates every non-public call, and the router.

mod accounts;
mod analytics;
mod auth;
mod convert;
mod idempotency;
mod middleware;
mod posts;
mod publishing;
mod scheduling;
mod workspaces;

use multitok_proto::v1::account_service_server::AccountServiceServer;
use multitok_proto::v1::analytics_service_server::AnalyticsServiceServer;
use multitok_proto::v1::auth_service_server::AuthServiceServer;
use multitok_proto::v1::publishing_service_server::PublishingServiceServer;
use multitok_proto::v1::scheduling_service_server::SchedulingServiceServer;
use multitok_proto::v1::workspace_service_server::WorkspaceServiceServer;
use tonic::server::NamedService;
use tonic::service::Routes;
use tonic::{Request, Status};
use tonic_health::pb::health_server::{Health, HealthServer};

use crate::service::{Caller, Services};

pub use idempotency::idempotent;
pub use middleware::{authenticate, classify_transport};

/// The API's services by name, as the gRPC health service reports them.
pub const SERVICE_NAMES: &[&str] = &[
    <AuthServiceServer<auth::Auth> as NamedService>::NAME,
    <WorkspaceServiceServer<workspaces::Workspaces> as NamedService>::NAME,
    <AccountServiceServer<accounts::Accounts> as NamedService>::NAME,
    <PublishingServiceServer<publishing::Publishing> as NamedService>::NAME,
    <SchedulingServiceServer<scheduling::Scheduling> as NamedService>::NAME,
    <AnalyticsServiceServer<analytics::Analytics> as NamedService>::NAME,
];

/// Reflection over the contracts, health, and the error details (`google.rpc.BadRequest` and
/// its kin) that errors carry, so that grpcurl prints those decoded.
fn reflection() -> tonic_reflection::server::Builder<'static> {
    tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(multitok_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
}

/// Every gRPC service on one router: the API, health and reflection (v1 and v1alpha, which
/// older grpcurl releases speak).
pub fn routes(
    services: Services,
    secure_cookie: bool,
    health: HealthServer<impl Health>,
) -> anyhow::Result<Routes> {
    let routes = Routes::new(health)
        .add_service(reflection().build_v1()?)
        .add_service(reflection().build_v1alpha()?)
        .add_service(AuthServiceServer::new(auth::Auth::new(
            services.clone(),
            secure_cookie,
        )))
        .add_service(WorkspaceServiceServer::new(workspaces::Workspaces::new(
            services.clone(),
        )))
        .add_service(AccountServiceServer::new(accounts::Accounts::new(
            services.clone(),
            secure_cookie,
        )))
        .add_service(SchedulingServiceServer::new(scheduling::Scheduling::new(
            services.clone(),
        )))
        .add_service(AnalyticsServiceServer::new(analytics::Analytics::new(
            services.clone(),
        )))
        .add_service(
            // A full upload chunk plus its envelope must fit in one message.
            PublishingServiceServer::new(publishing::Publishing::new(services))
                .max_decoding_message_size(crate::service::media::MAX_CHUNK_BYTES + 64 * 1024),
        );
    Ok(routes)
}

/// The caller that the authentication middleware attached to the request.
fn caller<T>(request: &Request<T>) -> Result<Caller, Status> {
    request
        .extensions()
        .get::<Caller>()
        .cloned()
        .ok_or_else(|| Status::unauthenticated("authentication required"))
}

/// Shorthand for handlers: service errors and validation errors become statuses.
fn status(err: impl Into<multitok_core::CoreError>) -> Status {
    crate::error::status(err.into())
}
