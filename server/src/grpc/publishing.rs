//! `multitok.v1.PublishingService`: the media library, posts, their live status and history.

use multitok_proto::v1 as pb;
use multitok_proto::v1::publishing_service_server::PublishingService;
use multitok_store::media::{Media, Upload};
use tonic::{Request, Response, Status};

use futures::StreamExt;
use futures::stream::BoxStream;

use super::{caller, convert, posts, status};
use crate::service::Services;
use crate::service::access::{EditContent, View};
use crate::service::media::MAX_CHUNK_BYTES;
use crate::service::posts::Resolution;
use multitok_shared::Violations;

pub struct Publishing {
    services: Services,
}

impl Publishing {
    pub fn new(services: Services) -> Publishing {
        Publishing { services }
    }
}

fn upload(u: Upload) -> pb::Upload {
    pb::Upload {
        id: u.id,
        name: u.name,
        size_bytes: u64::try_from(u.size_bytes).unwrap_or(0),
        received_bytes: u64::try_from(u.received_bytes).unwrap_or(0),
        max_chunk_bytes: MAX_CHUNK_BYTES as u32,
        expires_at: Some(convert::timestamp(u.expires_at)),
    }
}

/// The media as the API answers it, with a signed URL a browser can play it from.
fn media(core: &multitok_core::Core, m: Media) -> pb::Media {
    let preview_url = core.media_urls.sign(&m.workspace_id, &m.id, core.now());
    pb::Media {
        preview_url,
        id: m.id,
        name: m.name,
        content_type: m.content_type,
        size_bytes: u64::try_from(m.size_bytes).unwrap_or(0),
        sha256: m.sha256,
        duration_ms: u32::try_from(m.duration_ms).unwrap_or(u32::MAX),
        width: u32::try_from(m.width).unwrap_or(0),
        height: u32::try_from(m.height).unwrap_or(0),
        frame_rate: m.frame_rate,
        codec: m.codec,
        created_at: Some(convert::timestamp(m.created_at)),
    }
}

#[tonic::async_trait]
impl PublishingService for Publishing {
    async fn begin_upload(
        &self,
        request: Request<pb::BeginUploadRequest>,
    ) -> Result<Response<pb::BeginUploadResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let ws = convert::id("workspace_id", &r.workspace_id).map_err(status)?;
        let access = self
            .services
            .authorize::<EditContent>(&caller, &ws)
            .await
            .map_err(status)?;
        let u = access
            .begin_upload(&self.services, &r.name, r.size_bytes, &r.sha256)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::BeginUploadResponse {
            upload: Some(upload(u)),
        }))
    }

    async fn upload_chunk(
        &self,
        request: Request<pb::UploadChunkRequest>,
    ) -> Result<Response<pb::UploadChunkResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let (ws, id) = convert::ids(&r.workspace_id, "upload_id", &r.upload_id).map_err(status)?;
        let access = self
            .services
            .authorize::<EditContent>(&caller, &ws)
            .await
            .map_err(status)?;
        let received = access
            .upload_chunk(&self.services, &id, r.offset, r.data.into())
            .await
            .map_err(status)?;
        Ok(Response::new(pb::UploadChunkResponse {
            received_bytes: received,
        }))
    }

    async fn get_upload(
        &self,
        request: Request<pb::GetUploadRequest>,
    ) -> Result<Response<pb::GetUploadResponse>, Status> {
        let caller = caller(&request)?;
        let (ws, id) = convert::ids(
            &request.get_ref().workspace_id,
            "upload_id",
            &request.get_ref().upload_id,
        )
        .map_err(status)?;
        let access = self
            .services
            .authorize::<View>(&caller, &ws)
            .await
            .map_err(status)?;
        let u = access.upload(&self.services, &id).await.map_err(status)?;
        Ok(Response::new(pb::GetUploadResponse {
            upload: Some(upload(u)),
        }))
    }

    async fn finish_upload(
        &self,
        request: Request<pb::FinishUploadRequest>,
    ) -> Result<Response<pb::FinishUploadResponse>, Status> {
        let caller = caller(&request)?;
        let (ws, id) = convert::ids(
            &request.get_ref().workspace_id,
            "upload_id",
            &request.get_ref().upload_id,
        )
        .map_err(status)?;
        let access = self
            .services
            .authorize::<EditContent>(&caller, &ws)
            .await
            .map_err(status)?;
        let m = access
            .finish_upload(&self.services, &id)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::FinishUploadResponse {
            media: Some(media(&self.services, m)),
        }))
    }

    async fn list_media(
        &self,
        request: Request<pb::ListMediaRequest>,
    ) -> Result<Response<pb::ListMediaResponse>, Status> {
        let caller = caller(&request)?;
        let ws = convert::id("workspace_id", &request.get_ref().workspace_id).map_err(status)?;
        let access = self
            .services
            .authorize::<View>(&caller, &ws)
            .await
            .map_err(status)?;
        let list = access.media(&self.services).await.map_err(status)?;
        let used = access.media_usage(&self.services).await.map_err(status)?;
        Ok(Response::new(pb::ListMediaResponse {
            media: list.into_iter().map(|m| media(&self.services, m)).collect(),
            used_bytes: used,
            quota_bytes: self.services.media_quota,
        }))
    }

    async fn delete_media(
        &self,
        request: Request<pb::DeleteMediaRequest>,
    ) -> Result<Response<pb::DeleteMediaResponse>, Status> {
        let caller = caller(&request)?;
        let (ws, id) = convert::ids(
            &request.get_ref().workspace_id,
            "media_id",
            &request.get_ref().media_id,
        )
        .map_err(status)?;
        let access = self
            .services
            .authorize::<EditContent>(&caller, &ws)
            .await
            .map_err(status)?;
        access
            .delete_media(&self.services, &id)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DeleteMediaResponse {}))
    }
    async fn get_post(
        &self,
        request: Request<pb::GetPostRequest>,
    ) -> Result<Response<pb::GetPostResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let (ws, id) = convert::ids(&r.workspace_id, "post_id", &r.post_id).map_err(status)?;
        let access = self
            .services
            .authorize::<View>(&caller, &ws)
            .await
            .map_err(status)?;
        let post = access.post(&self.services, &id).await.map_err(status)?;
        Ok(Response::new(pb::GetPostResponse {
            post: Some(posts::post(post)),
        }))
    }

    type WatchPostStream = BoxStream<'static, Result<pb::WatchPostResponse, Status>>;

    async fn watch_post(
        &self,
        request: Request<pb::WatchPostRequest>,
    ) -> Result<Response<Self::WatchPostStream>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let (ws, id) = convert::ids(&r.workspace_id, "post_id", &r.post_id).map_err(status)?;
        let access = self
            .services
            .authorize::<View>(&caller, &ws)
            .await
            .map_err(status)?;
        let changes = access.watch(&self.services, &id).await.map_err(status)?;
        let changes = self
            .services
            .guarded(&caller, &ws, changes)
            .map_err(status)?;
        Ok(Response::new(Box::pin(changes.map(|change| {
            change
                .map(|t| pb::WatchPostResponse {
                    target: Some(posts::target(t)),
                })
                .map_err(status)
        }))))
    }

    async fn list_publish_history(
        &self,
        request: Request<pb::ListPublishHistoryRequest>,
    ) -> Result<Response<pb::ListPublishHistoryResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let (ws, id) = convert::ids(&r.workspace_id, "post_id", &r.post_id).map_err(status)?;
        let access = self
            .services
            .authorize::<View>(&caller, &ws)
            .await
            .map_err(status)?;
        let events = access.history(&self.services, &id).await.map_err(status)?;
        Ok(Response::new(pb::ListPublishHistoryResponse {
            events: events.into_iter().map(posts::event).collect(),
        }))
    }

    async fn resolve_target(
        &self,
        request: Request<pb::ResolveTargetRequest>,
    ) -> Result<Response<pb::ResolveTargetResponse>, Status> {
        let caller = caller(&request)?;
        let r = request.into_inner();
        let (ws, post_id) = convert::ids(&r.workspace_id, "post_id", &r.post_id).map_err(status)?;
        let target_id = convert::id("target_id", &r.target_id).map_err(status)?;
        let resolution = match r.resolution {
            Some(pb::resolve_target_request::Resolution::VideoId(v)) => Resolution::Bind(v),
            Some(pb::resolve_target_request::Resolution::Retry(true)) => Resolution::Retry,
            _ => {
                return Err(status(Violations::one(
                    "resolution",
                    "is required: a video id, or retry",
                )));
            }
        };
        let access = self
            .services
            .authorize::<EditContent>(&caller, &ws)
            .await
            .map_err(status)?;
        let post = access
            .resolve_target(&self.services, &post_id, &target_id, resolution)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ResolveTargetResponse {
            post: Some(posts::post(post)),
        }))
    }
}
