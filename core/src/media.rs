//! The media library: resumable chunked uploads stored through `object_store` (each chunk its
//! own object until the upload is finished), SHA-256 verification, probing against TikTok's
//! limits, listing and deleting. Never holds a whole file in memory.

use std::sync::Arc;

use chrono::TimeDelta;
use multitok_shared::media_rules::{self, MAX_VIDEO_BYTES};
use multitok_shared::{Violations, validate};
use multitok_store::StoreError;
use multitok_store::media::{Media, NewUpload, Upload};
use object_store::path::Path as StorePath;
use object_store::{ObjectStore, PutPayload, WriteMultipart};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::Core;
use crate::access::{Access, EditContent, View};
use crate::error::CoreError;

/// Largest chunk accepted by `UploadChunk` (grpc-web carries each as one message).
pub const MAX_CHUNK_BYTES: usize = 4 * 1024 * 1024;
const UPLOAD_LIFETIME: TimeDelta = TimeDelta::hours(24);
const COPY_PIECE: usize = 1024 * 1024;

/// Where media bytes live.
#[derive(Clone, Debug)]
pub struct MediaStore {
    pub objects: Arc<dyn ObjectStore>,
    /// Scratch space on local disk for verifying and probing finished uploads.
    pub scratch: std::path::PathBuf,
    root: std::path::PathBuf,
}

impl MediaStore {
    /// A local-directory store under `dir`.
    pub fn local(dir: &std::path::Path) -> anyhow::Result<MediaStore> {
        std::fs::create_dir_all(dir)?;
        let scratch = dir.join(".scratch");
        std::fs::create_dir_all(&scratch)?;
        let objects = object_store::local::LocalFileSystem::new_with_prefix(dir)?;
        Ok(MediaStore {
            objects: Arc::new(objects),
            scratch,
            root: dir.to_path_buf(),
        })
    }

    /// The file of a stored video, for readers that need to seek (the TikTok upload).
    pub fn path_of(&self, storage_key: &str) -> std::path::PathBuf {
        self.root.join(storage_key)
    }
}

fn store_error(e: object_store::Error) -> CoreError {
    CoreError::internal(e)
}

fn part_path(upload_id: &str, offset: u64) -> StorePath {
    StorePath::from(format!("uploads/{upload_id}/{offset:020}"))
}

fn over_quota(used: u64, quota: u64) -> CoreError {
    CoreError::QuotaExceeded(
        "media.quota_bytes",
        format!(
            "this workspace's media would exceed its storage quota ({} of {} used); delete videos \
         or abandoned uploads first",
            human_bytes(used),
            human_bytes(quota)
        ),
    )
}

/// `1.5 GB`, `20.0 GB`, `512 KB`.
fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KB", "MB", "GB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

fn invalid(field: &str, message: impl Into<String>) -> CoreError {
    CoreError::Invalid(Violations::one(field, message))
}

impl Access<EditContent> {
    /// Starts an upload after checking the name, the size and the checksum's form.
    pub async fn begin_upload(
        &self,
        core: &Core,
        name: &str,
        size: u64,
        sha256: &str,
    ) -> Result<Upload, CoreError> {
        let mut v = Violations::new();
        let name = v.check(
            "name",
            validate::name(name).and_then(|n| media_rules::content_type(&n).map(|_| n)),
        );
        if size == 0 || size > MAX_VIDEO_BYTES {
            v.add("size_bytes", "must be between 1 byte and 4 GB");
        }
        let sha = sha256.trim().to_ascii_lowercase();
        if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
            v.add("sha256", "must be the file's SHA-256 as 64 hex digits");
        }
        v.clone().into_result()?;
        let new = NewUpload {
            workspace_id: self.workspace.id.clone(),
            user_id: self.user_id.clone(),
            name: name.unwrap_or_default(),
            size_bytes: size,
            sha256: sha,
            expires_at: core.now() + UPLOAD_LIFETIME,
        };
        match core
            .store
            .insert_upload_within(new, core.media_quota, core.now())
            .await?
        {
            Ok(upload) => Ok(upload),
            Err(used) => Err(over_quota(used, core.media_quota)),
        }
    }

    /// Stores the bytes at `offset`, which must continue the upload exactly.
    pub async fn upload_chunk(
        &self,
        core: &Core,
        upload_id: &str,
        offset: u64,
        data: bytes::Bytes,
    ) -> Result<u64, CoreError> {
        let upload = self.open_upload(core, upload_id).await?;
        let received = u64::try_from(upload.received_bytes).unwrap_or(0);
        let size = u64::try_from(upload.size_bytes).unwrap_or(0);
        if offset != received {
            return Err(CoreError::OutOfStep(received));
        }
        if data.is_empty() || data.len() > MAX_CHUNK_BYTES || offset + data.len() as u64 > size {
            return Err(invalid(
                "data",
                format!("must be 1 to {MAX_CHUNK_BYTES} bytes and end within the file"),
            ));
        }
        let used = core
            .store
            .media_usage(&self.workspace.id, core.now())
            .await?;
        if used > core.media_quota {
            return Err(over_quota(used, core.media_quota));
        }
        let len = data.len() as u64;
        core.metrics.upload_bytes.inc_by(len);
        core.media
            .objects
            .put(&part_path(upload_id, offset), PutPayload::from_bytes(data))
            .await
            .map_err(store_error)?;
        match core.store.advance_upload(upload_id, offset, len).await {
            Ok(()) => Ok(offset + len),
            Err(StoreError::Conflict) => Err(CoreError::OutOfStep(received)),
            Err(e) => Err(e.into()),
        }
    }

    /// Joins the chunks while hashing, checks the SHA-256, probes the video, and adds it.
    pub async fn finish_upload(&self, core: &Core, upload_id: &str) -> Result<Media, CoreError> {
        let upload = self.open_upload(core, upload_id).await?;
        if upload.received_bytes != upload.size_bytes {
            return Err(CoreError::OutOfStep(
                u64::try_from(upload.received_bytes).unwrap_or(0),
            ));
        }
        let scratch =
            tempfile::NamedTempFile::new_in(&core.media.scratch).map_err(CoreError::internal)?;
        let digest = join_parts(&core.media, upload_id, scratch.path()).await?;
        let discard = || async { discard_upload(core, upload_id).await };
        if digest != upload.sha256 {
            discard().await;
            return Err(invalid(
                "sha256",
                "does not match the uploaded bytes; upload the file again",
            ));
        }
        let (file, size) = (
            scratch.reopen().map_err(CoreError::internal)?,
            u64::try_from(upload.size_bytes).unwrap_or(0),
        );
        let probed = core
            .off_runtime(move || crate::probe::probe(file, size))
            .await?;
        let props = match probed {
            Ok(p) => p,
            Err(why) => {
                discard().await;
                return Err(invalid("file", why));
            }
        };
        if let Err(v) = media_rules::check_video(&props) {
            discard().await;
            return Err(CoreError::Invalid(v));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let key = format!("media/{}/{id}", self.workspace.id);
        copy_in(&core.media, scratch.path(), &StorePath::from(key.clone())).await?;
        let row = Media {
            id,
            workspace_id: self.workspace.id.clone(),
            name: upload.name.clone(),
            content_type: media_rules::content_type(&upload.name)
                .unwrap_or("video/mp4")
                .to_owned(),
            size_bytes: upload.size_bytes,
            sha256: upload.sha256.clone(),
            storage_key: key,
            duration_ms: i64::try_from(props.duration_ms).unwrap_or(i64::MAX),
            width: i32::try_from(props.width).unwrap_or(0),
            height: i32::try_from(props.height).unwrap_or(0),
            frame_rate: props.frame_rate,
            codec: props.codec,
            created_at: core.now(),
        };
        let work = core.store.begin_work().await?;
        let media = core.store.insert_media_in(&work, row).await?;
        work.commit().await?;
        discard().await;
        Ok(media)
    }

    /// Deletes a media item and its bytes.
    pub async fn delete_media(&self, core: &Core, media_id: &str) -> Result<(), CoreError> {
        let media = core
            .store
            .media(&self.workspace.id, media_id)
            .await?
            .ok_or(CoreError::NotFound("media"))?;
        if core.store.media_in_use(&media.id).await? {
            return Err(CoreError::FailedPrecondition(
                "a post that is not published yet uses this video; cancel the post first",
            ));
        }
        let work = core.store.begin_work().await?;
        core.store.delete_media_in(&work, &media.id).await?;
        work.commit().await?;
        if let Err(e) = core
            .media
            .objects
            .delete(&StorePath::from(media.storage_key))
            .await
        {
            tracing::warn!(error = %e, "deleting media bytes failed; the row is gone");
        }
        Ok(())
    }

    async fn open_upload(&self, core: &Core, upload_id: &str) -> Result<Upload, CoreError> {
        let upload = core
            .store
            .upload(&self.workspace.id, upload_id)
            .await?
            .ok_or(CoreError::NotFound("upload"))?;
        if upload.expires_at < core.now() {
            return Err(CoreError::NotFound("upload"));
        }
        Ok(upload)
    }
}

impl Access<View> {
    pub async fn upload(&self, core: &Core, upload_id: &str) -> Result<Upload, CoreError> {
        core.store
            .upload(&self.workspace.id, upload_id)
            .await?
            .ok_or(CoreError::NotFound("upload"))
    }

    pub async fn media(&self, core: &Core) -> Result<Vec<Media>, CoreError> {
        Ok(core.store.media_of(&self.workspace.id).await?)
    }

    /// Bytes the workspace's videos and uploads in progress take of its quota.
    pub async fn media_usage(&self, core: &Core) -> Result<u64, CoreError> {
        Ok(core
            .store
            .media_usage(&self.workspace.id, core.now())
            .await?)
    }
}

/// Streams every chunk, in offset order, into `target`; answers the hex SHA-256.
async fn join_parts(
    media: &MediaStore,
    upload_id: &str,
    target: &std::path::Path,
) -> Result<String, CoreError> {
    use futures::TryStreamExt;
    let prefix = StorePath::from(format!("uploads/{upload_id}"));
    let mut parts: Vec<StorePath> = media
        .objects
        .list(Some(&prefix))
        .map_ok(|m| m.location)
        .try_collect()
        .await
        .map_err(store_error)?;
    parts.sort_by(|a, b| a.as_ref().cmp(b.as_ref()));
    let mut file = tokio::fs::File::create(target)
        .await
        .map_err(CoreError::internal)?;
    let mut hasher = Sha256::new();
    for part in parts {
        let mut stream = media
            .objects
            .get(&part)
            .await
            .map_err(store_error)?
            .into_stream();
        while let Some(bytes) = stream.try_next().await.map_err(store_error)? {
            hasher.update(&bytes);
            file.write_all(&bytes).await.map_err(CoreError::internal)?;
        }
    }
    file.flush().await.map_err(CoreError::internal)?;
    Ok(hex::encode(hasher.finalize()))
}

/// Copies a local file into the store in pieces.
async fn copy_in(
    media: &MediaStore,
    source: &std::path::Path,
    key: &StorePath,
) -> Result<(), CoreError> {
    use tokio::io::AsyncReadExt;
    let upload = media
        .objects
        .put_multipart(key)
        .await
        .map_err(store_error)?;
    let mut writer = WriteMultipart::new(upload);
    let mut file = tokio::fs::File::open(source)
        .await
        .map_err(CoreError::internal)?;
    let mut buf = vec![0u8; COPY_PIECE];
    loop {
        let n = file.read(&mut buf).await.map_err(CoreError::internal)?;
        if n == 0 {
            break;
        }
        writer.write(&buf[..n]);
    }
    writer.finish().await.map_err(store_error)?;
    Ok(())
}

impl Core {
    /// Deletes uploads that expired unfinished, at most `limit`: their parts, then their rows
    /// (a crash between the two leaves a row the next sweep finds again). Answers how many.
    pub async fn sweep_abandoned_uploads(&self, limit: u64) -> Result<usize, CoreError> {
        let expired = self.store.expired_uploads(self.now(), limit).await?;
        for (id, _) in &expired {
            discard_upload(self, id).await;
        }
        Ok(expired.len())
    }
}

/// Removes an upload's chunks and row (after success, or a refused file).
async fn discard_upload(core: &Core, upload_id: &str) {
    use futures::TryStreamExt;
    let prefix = StorePath::from(format!("uploads/{upload_id}"));
    let parts: Vec<StorePath> = core
        .media
        .objects
        .list(Some(&prefix))
        .map_ok(|m| m.location)
        .try_collect()
        .await
        .unwrap_or_default();
    for part in parts {
        let _ = core.media.objects.delete(&part).await;
    }
    let _ = core.store.delete_upload(upload_id).await;
}
