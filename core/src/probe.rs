//! Reads a video's container (MP4/MOV, ISO base media) for duration, size, frame rate and codec.

use std::io::{BufReader, Read, Seek};

use mp4::{MediaType, TrackType};
use multitok_shared::media_rules::VideoProperties;

/// Properties of the first video track, or why the file cannot be read.
pub fn probe<R: Read + Seek>(reader: R, size: u64) -> Result<VideoProperties, String> {
    let mp4 = mp4::Mp4Reader::read_header(BufReader::new(reader), size)
        .map_err(|_| "is not a readable MP4 or MOV file".to_owned())?;
    let track = mp4
        .tracks()
        .values()
        .find(|t| matches!(t.track_type(), Ok(TrackType::Video)))
        .ok_or_else(|| "has no video track".to_owned())?;
    let codec = match track.media_type() {
        Ok(MediaType::H264) => "H264",
        Ok(MediaType::H265) => "H265",
        Ok(MediaType::VP9) => "VP9",
        _ => "unknown",
    };
    let duration = track.duration();
    let seconds = duration.as_secs_f64();
    let frame_rate = if seconds > 0.0 {
        f64::from(track.sample_count()) / seconds
    } else {
        0.0
    };
    Ok(VideoProperties {
        duration_ms: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
        width: u32::from(track.width()),
        height: u32::from(track.height()),
        frame_rate: (frame_rate * 100.0).round() / 100.0,
        codec: codec.to_owned(),
    })
}
