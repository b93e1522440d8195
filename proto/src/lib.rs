//! Multitok's gRPC contracts (`multitok.v1`), generated from `proto/multitok/v1/*.proto`.
#![allow(clippy::all, clippy::pedantic, missing_docs)]

/// Version 1 of the Multitok API.
pub mod v1 {
    tonic::include_proto!("multitok.v1");
}

/// Encoded `FileDescriptorSet` of every contract, for gRPC server reflection.
#[cfg(feature = "server")]
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("multitok_descriptor");
