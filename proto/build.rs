//! Compiles `multitok/v1/*.proto` with protox (no system protoc) and generates tonic code.

use std::path::PathBuf;

const FILES: &[&str] = &[
    "multitok/v1/common.proto",
    "multitok/v1/auth.proto",
    "multitok/v1/workspace.proto",
    "multitok/v1/account.proto",
    "multitok/v1/publishing.proto",
    "multitok/v1/scheduling.proto",
    "multitok/v1/analytics.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for file in FILES {
        println!("cargo:rerun-if-changed={file}");
    }
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    let descriptors = protox::compile(FILES, ["."])?;
    std::fs::write(
        out_dir.join("multitok_descriptor.bin"),
        prost::Message::encode_to_vec(&descriptors),
    )?;
    let server = std::env::var_os("CARGO_FEATURE_SERVER").is_some();
    let client = std::env::var_os("CARGO_FEATURE_CLIENT").is_some();
    tonic_prost_build::configure()
        .build_server(server)
        .build_client(client)
        .build_transport(false)
        .compile_fds(descriptors)?;
    Ok(())
}
