//! Deterministic, seeded statistics: every video's counts grow along a saturating curve whose
//! height comes from a hash of its id, so a few videos go viral and most do not, and the same
//! seed always gives the same numbers.

use sha2::{Digest, Sha256};

use crate::state::VideoRecord;

/// A number in [0, 1) from a hash of the inputs.
fn unit(seed: u64, id: &str, salt: &str) -> f64 {
    let digest = Sha256::digest(format!("{seed}:{id}:{salt}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64
}

/// Counts of one video at `now_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub views: i64,
    pub likes: i64,
    pub comments: i64,
    pub shares: i64,
}

/// Views approach a peak of 200 · 10^(4u⁶) (u uniform), so about one video in twenty passes
/// 100k views, with a time constant of 6–48 hours.
pub fn counts(seed: u64, video: &VideoRecord, now_ms: i64) -> Counts {
    if !video.public {
        return Counts {
            views: 0,
            likes: 0,
            comments: 0,
            shares: 0,
        };
    }
    let u = unit(seed, &video.id, "peak");
    let peak = 200.0 * 10f64.powf(4.0 * u.powi(6));
    let tau_h = 6.0 + 42.0 * unit(seed, &video.id, "tau");
    let age_h = ((now_ms / 1000 - video.create_time).max(0) as f64) / 3600.0;
    let views = peak * (1.0 - (-age_h / tau_h).exp());
    let like_rate = 0.03 + 0.09 * unit(seed, &video.id, "likes");
    let likes = views * like_rate;
    Counts {
        views: views as i64,
        likes: likes as i64,
        comments: (likes * (0.01 + 0.05 * unit(seed, &video.id, "comments"))) as i64,
        shares: (likes * (0.02 + 0.1 * unit(seed, &video.id, "shares"))) as i64,
    }
}

/// `count` videos of history spread over the last 90 days, oldest first.
pub fn seed_videos(open_id: &str, count: u32, now_ms: i64, seed: u64) -> Vec<VideoRecord> {
    let now_s = now_ms / 1000;
    let mut videos: Vec<VideoRecord> = (0..count)
        .map(|i| {
            let id = format!(
                "7{:018}",
                (unit(seed, open_id, &format!("id{i}")) * 1e18) as u64
            );
            let age = (unit(seed, &id, "age") * 90.0 * 86_400.0) as i64;
            VideoRecord {
                title: format!("Video {i} of {open_id}"),
                duration: 10 + (unit(seed, &id, "dur") * 170.0) as i32,
                create_time: now_s - age,
                id,
                public: true,
            }
        })
        .collect();
    videos.sort_by_key(|v| v.create_time);
    videos
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_deterministic_and_grow() {
        let v = VideoRecord {
            id: "7123".into(),
            create_time: 1_700_000_000,
            title: String::new(),
            duration: 30,
            public: true,
        };
        let early = counts(7, &v, 1_700_000_000_000 + 3_600_000);
        let late = counts(7, &v, 1_700_000_000_000 + 30 * 86_400_000);
        assert_eq!(early, counts(7, &v, 1_700_000_000_000 + 3_600_000));
        assert!(late.views >= early.views && late.likes >= early.likes);
        assert_ne!(
            counts(8, &v, 1_700_000_000_000 + 30 * 86_400_000),
            late,
            "the seed matters"
        );
    }

    #[test]
    fn a_few_of_many_videos_go_viral() {
        let videos = seed_videos("creator", 400, 1_800_000_000_000, 7);
        let now = 1_800_000_000_000 + 365 * 86_400_000;
        let viral = videos
            .iter()
            .filter(|v| counts(7, v, now).views > 100_000)
            .count();
        assert!((2..=60).contains(&viral), "{viral} of 400 viral");
        let median = {
            let mut views: Vec<_> = videos.iter().map(|v| counts(7, v, now).views).collect();
            views.sort_unstable();
            views[200]
        };
        assert!(median < 5_000, "most videos stay small: median {median}");
    }
}
