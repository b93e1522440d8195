//! Chunked upload to the `upload_url` of a `FILE_UPLOAD` init: chunks follow the plan from
//! `multitok_shared::ChunkPlan`, stream from any seekable reader in 64 KiB pieces (never a whole
//! chunk in memory), carry `Content-Range`, and resume from the server's progress after a 416.

use std::io::SeekFrom;
use std::sync::Arc;

use bytes::Bytes;
use multitok_shared::ChunkPlan;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncSeek, AsyncSeekExt};
use tokio::sync::Mutex;

use crate::client::{TikTokClient, backoff};
use crate::error::{ErrorClass, TikTokError};

const PIECE: usize = 64 * 1024;

/// How far an upload got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadProgress {
    pub uploaded: u64,
    pub total: u64,
}

fn permanent(code: &str, message: &str, status: u16) -> TikTokError {
    let mut e = TikTokError::local(ErrorClass::Permanent, code, message);
    e.http_status = Some(status);
    e
}

/// Bytes the server holds, from `Content-Range: bytes 0-{last}/{total}`.
fn server_progress(header: Option<&str>) -> Option<u64> {
    let range = header?.trim().strip_prefix("bytes")?.trim();
    let (span, _) = range.split_once('/')?;
    let (_, last) = span.split_once('-')?;
    last.trim().parse::<u64>().ok().map(|l| l + 1)
}

impl TikTokClient {
    /// Uploads every chunk of `plan` from `reader` to `upload_url` (used exactly as given).
    /// A 403 (the URL's hour is over) is returned, not retried: the post needs a new init.
    pub async fn upload<R>(
        &self,
        upload_url: &str,
        content_type: &str,
        plan: &ChunkPlan,
        reader: R,
    ) -> Result<UploadProgress, TikTokError>
    where
        R: AsyncRead + AsyncSeek + Unpin + Send + 'static,
    {
        let reader = Arc::new(Mutex::new(reader));
        let mut index = 0;
        let mut failures = 0;
        while index < plan.total_chunk_count {
            let range = plan.range(index);
            let (start, end) = (range.start, range.end);
            reader
                .lock()
                .await
                .seek(SeekFrom::Start(start))
                .await
                .map_err(|e| io_error(&e))?;
            let body = reqwest::Body::wrap_stream(chunk_stream(reader.clone(), end - start));
            let request = self
                .http
                .put(upload_url)
                .header("content-type", content_type)
                .header("content-length", end - start)
                .header(
                    "content-range",
                    format!("bytes {start}-{}/{}", end - 1, plan.video_size),
                )
                .body(body);
            let response = request.send().await;
            let (status, progress) = match response {
                Ok(r) => (
                    r.status().as_u16(),
                    server_progress(
                        r.headers()
                            .get("content-range")
                            .and_then(|v| v.to_str().ok()),
                    ),
                ),
                Err(_) => (0, None),
            };
            match status {
                201 => {
                    return Ok(UploadProgress {
                        uploaded: plan.video_size,
                        total: plan.video_size,
                    });
                }
                206 => {
                    index += 1;
                    failures = 0;
                }
                416 => {
                    let held = progress.unwrap_or(start);
                    if held >= plan.video_size {
                        return Ok(UploadProgress {
                            uploaded: held,
                            total: plan.video_size,
                        });
                    }
                    index = plan.chunk_at(held).ok_or_else(|| {
                        permanent(
                            "upload_out_of_step",
                            "TikTok reports progress that matches no chunk boundary",
                            416,
                        )
                    })?;
                    tracing::debug!(held, index, "upload resumes from the server's progress");
                }
                403 => {
                    return Err(permanent(
                        "upload_url_expired",
                        "The upload URL expired (they last one hour); start the post again",
                        403,
                    ));
                }
                404 => {
                    return Err(permanent(
                        "upload_not_found",
                        "TikTok does not know this upload",
                        404,
                    ));
                }
                400 => {
                    return Err(permanent(
                        "upload_rejected",
                        "TikTok rejected the chunk's headers or length",
                        400,
                    ));
                }
                _ => {
                    failures += 1;
                    if failures >= self.config.retry.attempts.max(1) {
                        let mut e = TikTokError::local(
                            ErrorClass::Transient {
                                retry_after: std::time::Duration::from_secs(30),
                            },
                            "upload_failed",
                            "TikTok kept failing to accept a chunk",
                        );
                        e.http_status = (status != 0).then_some(status);
                        return Err(e);
                    }
                    tokio::time::sleep(backoff(
                        self.config.retry.base,
                        self.config.retry.max_delay,
                        failures,
                    ))
                    .await;
                }
            }
        }
        Err(permanent(
            "upload_incomplete",
            "Every chunk was sent but TikTok never confirmed the upload",
            206,
        ))
    }
}

fn io_error(e: &std::io::Error) -> TikTokError {
    TikTokError::local(
        ErrorClass::Permanent,
        "media_read",
        format!("reading the media failed: {e}"),
    )
}

/// `len` bytes from the reader's current position, in pieces.
fn chunk_stream<R>(
    reader: Arc<Mutex<R>>,
    len: u64,
) -> impl futures::Stream<Item = std::io::Result<Bytes>> + Send + 'static
where
    R: AsyncRead + Unpin + Send + 'static,
{
    futures::stream::unfold((reader, len), |(reader, remaining)| async move {
        if remaining == 0 {
            return None;
        }
        let want = usize::try_from(remaining).map_or(PIECE, |r| r.min(PIECE));
        let mut buf = vec![0u8; want];
        let read = reader.lock().await.read_exact(&mut buf).await;
        match read {
            Ok(_) => Some((Ok(Bytes::from(buf)), (reader, remaining - want as u64))),
            Err(e) => Some((Err(e), (reader, 0))),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_header_is_parsed() {
        assert_eq!(
            server_progress(Some("bytes 0-9999999/50000123")),
            Some(10_000_000)
        );
        assert_eq!(server_progress(Some("garbage")), None);
        assert_eq!(server_progress(None), None);
    }
}
