//! API tests: every test spawns the real server on port 0 over a fresh database and talks to it
//! through generated tonic clients, raw grpc-web, or the real `grpcurl`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod accounts;
mod admin;
mod analytics;
mod auth;
mod backup;
mod bad_input;
mod config_env;
mod fuzz;
mod grpc_web;
mod grpcurl;
mod health;
mod helpers;
mod idempotency;
mod keys_file;
mod media;
mod media_urls;
mod permissions;
mod posts;
mod query_counts;
mod request_ids;
mod signup;
mod workspaces;
