//! Multitok's server: gRPC and grpc-web on one port, authentication, workspaces, and the web
//! app's files. `startup::launch` runs it on any listener, so tests bind port 0.

pub mod admin;
pub mod error;
mod grpc;
pub mod health;
mod http;
mod media_files;
pub mod service;
pub mod startup;
pub mod trace;
mod web_headers;

pub use multitok_core::{Settings, shutdown_signal};
pub use startup::launch;
