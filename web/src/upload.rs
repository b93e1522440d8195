//! Uploading one file: hash it in slices (SHA-256), then send it in chunks, resuming from the
//! server's count after a failed chunk or a reload (the upload id is kept per file hash).

use multitok_proto::v1 as pb;
use sha2::{Digest, Sha256};
use wasm_bindgen_futures::JsFuture;
use yew::Callback;

use crate::api::Api;
use crate::error::ApiError;

const READ_SLICE: f64 = 1024.0 * 1024.0;
const RETRIES: u32 = 5;

/// Where an upload stands, for the progress bar.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    Hashing(f64),
    Uploading(f64),
    Finishing,
    Done,
    Failed(String),
}

async fn read(file: &web_sys::File, start: f64, end: f64) -> Result<Vec<u8>, ApiError> {
    let fail = || ApiError {
        message: "The file could not be read.".into(),
        ..ApiError::default()
    };
    let blob = file
        .slice_with_f64_and_f64(start, end)
        .map_err(|_| fail())?;
    let buffer = JsFuture::from(blob.array_buffer())
        .await
        .map_err(|_| fail())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

async fn sha256(file: &web_sys::File, progress: &Callback<Phase>) -> Result<String, ApiError> {
    let size = file.size();
    let mut hasher = Sha256::new();
    let mut at = 0.0;
    while at < size {
        let end = (at + READ_SLICE).min(size);
        hasher.update(read(file, at, end).await?);
        at = end;
        progress.emit(Phase::Hashing(at / size));
    }
    Ok(hex_string(&hasher.finalize()))
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Uploads `file` into the workspace's library, reporting progress.
pub async fn upload(
    api: Api,
    workspace_id: String,
    file: web_sys::File,
    progress: Callback<Phase>,
) -> Result<pb::Media, ApiError> {
    let size = file.size() as u64;
    let sha = sha256(&file, &progress).await?;
    let key = format!("multitok.upload.{sha}");
    let known = storage().and_then(|s| s.get_item(&key).ok().flatten());
    let mut upload = match known {
        Some(id) => api
            .send(pb::GetUploadRequest {
                workspace_id: workspace_id.clone(),
                upload_id: id,
            })
            .await
            .ok()
            .and_then(|r| r.upload),
        None => None,
    };
    if upload.is_none() {
        let begin = pb::BeginUploadRequest {
            workspace_id: workspace_id.clone(),
            name: file.name(),
            size_bytes: size,
            sha256: sha.clone(),
        };
        upload = api.send(begin).await?.upload;
    }
    let upload = upload.unwrap_or_default();
    if let Some(s) = storage() {
        let _ = s.set_item(&key, &upload.id);
    }
    let chunk = u64::from(upload.max_chunk_bytes.clamp(64 * 1024, 4 * 1024 * 1024));
    let mut offset = upload.received_bytes;
    let mut failures = 0;
    while offset < size {
        progress.emit(Phase::Uploading(offset as f64 / size as f64));
        let end = (offset + chunk).min(size);
        let data = read(&file, offset as f64, end as f64).await?;
        let sent = api
            .send(pb::UploadChunkRequest {
                workspace_id: workspace_id.clone(),
                upload_id: upload.id.clone(),
                offset,
                data,
            })
            .await;
        match sent {
            Ok(r) => {
                offset = r.received_bytes;
                failures = 0;
            }
            Err(e) if failures < RETRIES => {
                failures += 1;
                crate::api::sleep(500 * failures).await;
                // Ask the server where to continue (the chunk may have arrived).
                match api
                    .send(pb::GetUploadRequest {
                        workspace_id: workspace_id.clone(),
                        upload_id: upload.id.clone(),
                    })
                    .await
                {
                    Ok(r) => offset = r.upload.map_or(offset, |u| u.received_bytes),
                    Err(_) if failures == RETRIES => return Err(e),
                    Err(_) => {}
                }
            }
            Err(e) => return Err(e),
        }
    }
    progress.emit(Phase::Finishing);
    let finished = api
        .send(pb::FinishUploadRequest {
            workspace_id,
            upload_id: upload.id,
        })
        .await;
    if let Some(s) = storage() {
        let _ = s.remove_item(&key);
    }
    let media = finished?.media.unwrap_or_default();
    progress.emit(Phase::Done);
    Ok(media)
}
