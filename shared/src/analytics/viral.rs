//! The viral score: a post's views at its current age against the account's own recent posts at
//! the same age. 1.0 is typical for the account; the robust z-score flags outliers.

use super::curve::views_at_age;
use super::stats::{median, robust_spread};

/// Baseline posts needed before a score means anything.
pub const MIN_BASELINE: usize = 3;
/// A z-score at or above this marks a post as viral.
pub const VIRAL_Z: f64 = 3.0;

/// A post's score and the numbers that produced it.
#[derive(Debug, Clone, PartialEq)]
pub struct ViralScore {
    /// (views + 1) / (baseline median + 1): 1.0 is typical, 3.0 three times typical.
    pub score: f64,
    /// (views − baseline median) / baseline spread.
    pub z: f64,
    pub age_hours: f64,
    /// The post's views at `age_hours`.
    pub views: f64,
    /// Median views of the baseline posts at the same age.
    pub baseline_median: f64,
    /// Their spread (scaled median absolute deviation, never below 5 % of the median or 1 view).
    pub baseline_spread: f64,
    /// How many earlier posts were old enough to compare.
    pub baseline_posts: usize,
    pub viral: bool,
}

impl ViralScore {
    /// One sentence naming the numbers.
    pub fn explanation(&self) -> String {
        format!(
            "{:.0} views at {:.0} h against a median of {:.0} (spread {:.0}) for {} earlier posts \
             at the same age: {:.2}× typical, z = {:.1}{}",
            self.views,
            self.age_hours,
            self.baseline_median,
            self.baseline_spread,
            self.baseline_posts,
            self.score,
            self.z,
            if self.viral { ", viral" } else { "" }
        )
    }
}

/// Scores the post whose curve is `post`, at `age_hours`, against the curves of the account's
/// earlier posts. `None` when the post was not observed at that age or fewer than
/// [`MIN_BASELINE`] earlier posts were.
pub fn viral_score(
    post: &[(f64, f64)],
    age_hours: f64,
    baseline: &[Vec<(f64, f64)>],
) -> Option<ViralScore> {
    let views = views_at_age(post, age_hours)?.max(0.0);
    let peers: Vec<f64> = baseline
        .iter()
        .filter_map(|c| views_at_age(c, age_hours))
        .map(|v| v.max(0.0))
        .collect();
    if peers.len() < MIN_BASELINE {
        return None;
    }
    let m = median(&peers)?;
    let spread = robust_spread(&peers)?.max(0.05 * m).max(1.0);
    let z = (views - m) / spread;
    Some(ViralScore {
        score: (views + 1.0) / (m + 1.0),
        z,
        age_hours,
        views,
        baseline_median: m,
        baseline_spread: spread,
        baseline_posts: peers.len(),
        viral: z >= VIRAL_Z,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(views_at_24: f64) -> Vec<(f64, f64)> {
        vec![(24.0, views_at_24), (48.0, views_at_24 * 1.5)]
    }

    #[test]
    fn a_typical_post_scores_one() {
        let base: Vec<_> = [900.0, 1000.0, 1100.0].map(line).to_vec();
        let s = viral_score(&line(1000.0), 24.0, &base).unwrap_or_else(|| unreachable!());
        assert_eq!(s.score, 1.0);
        assert_eq!(s.z, 0.0);
        assert!(!s.viral);
        assert_eq!(s.baseline_posts, 3);
        assert!(s.explanation().contains("1000 views at 24 h"));
    }

    #[test]
    fn an_outlier_is_viral() {
        let base: Vec<_> = [900.0, 1000.0, 1100.0, 950.0].map(line).to_vec();
        let s = viral_score(&line(10_000.0), 24.0, &base).unwrap_or_else(|| unreachable!());
        assert!(s.viral && s.score > 9.0, "{s:?}");
    }

    #[test]
    fn too_little_history_has_no_score() {
        let base = vec![line(1.0), line(2.0)];
        assert_eq!(viral_score(&line(5.0), 24.0, &base), None);
        // Posts younger than the age compared are not in the baseline.
        let young = vec![vec![(10.0, 5.0)]; 5];
        assert_eq!(viral_score(&line(5.0), 24.0, &young), None);
        assert_eq!(viral_score(&[], 24.0, &[]), None);
    }

    proptest! {
        #[test]
        fn more_views_never_score_lower(base in prop::collection::vec(0.0f64..1e6, 3..20), v in 0.0f64..1e6, extra in 0.0f64..1e6) {
            let base: Vec<_> = base.into_iter().map(line).collect();
            let a = viral_score(&line(v), 24.0, &base).unwrap_or_else(|| unreachable!());
            let b = viral_score(&line(v + extra), 24.0, &base).unwrap_or_else(|| unreachable!());
            prop_assert!(a.score.is_finite() && a.z.is_finite());
            prop_assert!(b.score >= a.score && b.z >= a.z);
        }

        #[test]
        fn z_ignores_the_account_size(base in prop::collection::vec(100.0f64..1e5, 3..20), v in 100.0f64..1e5, k in 1.0f64..100.0) {
            let small: Vec<_> = base.iter().copied().map(line).collect();
            let large: Vec<_> = base.iter().map(|b| line(b * k)).collect();
            let a = viral_score(&line(v), 24.0, &small).unwrap_or_else(|| unreachable!());
            let b = viral_score(&line(v * k), 24.0, &large).unwrap_or_else(|| unreachable!());
            // Equal unless the 1-view floor of the spread applied to the small account.
            if a.baseline_spread > 1.0 {
                prop_assert!((a.z - b.z).abs() < 1e-6 * a.z.abs().max(1.0));
            }
        }

        #[test]
        fn zero_views_everywhere_is_typical(n in 3usize..10) {
            let base = vec![line(0.0); n];
            let s = viral_score(&line(0.0), 24.0, &base).unwrap_or_else(|| unreachable!());
            prop_assert_eq!(s.score, 1.0);
            prop_assert_eq!(s.z, 0.0);
        }
    }
}
