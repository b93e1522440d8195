//! What TikTok accepts as a video, checked on the probed properties of an upload: container,
//! codec, 23–60 fps, 360–4096 px each side, at most 4 GB and 10 minutes.

use crate::validate::Violations;

pub const MAX_VIDEO_BYTES: u64 = 4 * 1024 * 1024 * 1024;
pub const MAX_DURATION_MS: u64 = 10 * 60 * 1000;

/// What probing a video found.
#[derive(Debug, Clone, PartialEq)]
pub struct VideoProperties {
    pub duration_ms: u64,
    pub width: u32,
    pub height: u32,
    pub frame_rate: f64,
    /// `H264`, `H265`, …
    pub codec: String,
}

/// The content type for a file name TikTok accepts, or why not.
pub fn content_type(name: &str) -> Result<&'static str, String> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".mp4") || lower.ends_with(".m4v") {
        Ok("video/mp4")
    } else if lower.ends_with(".mov") {
        Ok("video/quicktime")
    } else {
        Err("must be an MP4 or MOV video (.mp4, .m4v, .mov)".into())
    }
}

/// Checks probed properties against TikTok's limits; every problem is reported.
pub fn check_video(p: &VideoProperties) -> Result<(), Violations> {
    let mut v = Violations::new();
    if !matches!(p.codec.as_str(), "H264" | "H265") {
        v.add(
            "codec",
            format!("is {}; TikTok takes H.264 or H.265 video", p.codec),
        );
    }
    if !(23.0..=60.0).contains(&p.frame_rate) {
        v.add(
            "frame_rate",
            format!("is {:.2} fps; TikTok takes 23 to 60", p.frame_rate),
        );
    }
    for (side, px) in [("width", p.width), ("height", p.height)] {
        if !(360..=4096).contains(&px) {
            v.add(side, format!("is {px} px; TikTok takes 360 to 4096"));
        }
    }
    if p.duration_ms == 0 || p.duration_ms > MAX_DURATION_MS {
        v.add(
            "duration",
            format!(
                "is {:.1} s; TikTok takes up to 10 minutes",
                p.duration_ms as f64 / 1000.0
            ),
        );
    }
    v.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hd() -> VideoProperties {
        VideoProperties {
            duration_ms: 15_000,
            width: 1080,
            height: 1920,
            frame_rate: 30.0,
            codec: "H264".into(),
        }
    }

    #[test]
    fn a_vertical_hd_clip_passes() {
        assert!(check_video(&hd()).is_ok());
    }

    #[test]
    fn every_limit_is_reported() {
        let bad = VideoProperties {
            duration_ms: 700_000,
            width: 200,
            height: 5000,
            frame_rate: 15.0,
            codec: "VP9".into(),
        };
        let fields: Vec<String> = check_video(&bad)
            .unwrap_err()
            .0
            .into_iter()
            .map(|f| f.field)
            .collect();
        assert_eq!(
            fields,
            ["codec", "frame_rate", "width", "height", "duration"]
        );
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("Clip.MP4"), Ok("video/mp4"));
        assert_eq!(content_type("a.mov"), Ok("video/quicktime"));
        assert!(content_type("a.webm").is_err());
        assert!(content_type("a.mp4.exe").is_err());
    }
}
