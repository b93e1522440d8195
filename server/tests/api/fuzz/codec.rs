//! A gRPC codec that sends and receives messages as the bytes they are, so any method named in
//! the descriptor set can be called without its generated stub, and `call_raw`, which does so
//! (shared by the fuzz harness and the authorization matrix).

use std::time::Duration;

use prost_reflect::MethodDescriptor;
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::Channel;

use bytes::{Buf, BufMut};
use tonic::Status;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};

#[derive(Debug, Clone, Copy, Default)]
pub struct RawCodec;

impl Codec for RawCodec {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> Self::Encoder {
        RawCodec
    }

    fn decoder(&mut self) -> Self::Decoder {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Vec<u8>;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Vec<u8>>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining()).to_vec()))
    }
}

/// Sends one encoded request to `method`, with `token` as its bearer when given. A server
/// stream counts as answered once it sends its first message, ends, or stays open for a second.
pub async fn call_raw(
    channel: &Channel,
    method: &MethodDescriptor,
    message: Vec<u8>,
    token: Option<&str>,
) -> Result<(), Status> {
    let path = format!("/{}/{}", method.parent_service().full_name(), method.name());
    let path = PathAndQuery::try_from(path).expect("a method path");
    let mut request = tonic::Request::new(message);
    if let Some(token) = token {
        let value = format!("Bearer {token}").parse().expect("an ASCII token");
        request.metadata_mut().insert("authorization", value);
    }
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready()
        .await
        .map_err(|e| Status::unavailable(e.to_string()))?;
    if !method.is_server_streaming() {
        return grpc.unary(request, path, RawCodec).await.map(drop);
    }
    let mut stream = grpc
        .server_streaming(request, path, RawCodec)
        .await?
        .into_inner();
    match tokio::time::timeout(Duration::from_secs(1), stream.message()).await {
        Ok(first) => first.map(drop),
        Err(_) => Ok(()),
    }
}
