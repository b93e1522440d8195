//! Forecast of a young post's views at a later age, from how the account's earlier posts grew
//! between the same two ages: the post's views times the median growth ratio, with the 10th and
//! 90th percentile ratios as the interval.

use super::curve::views_at_age;
use super::stats::{median, quantile};

/// Earlier posts needed for a forecast.
pub const MIN_HISTORY: usize = 3;

/// Expected views at `horizon_hours`, with an 80 % interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub horizon_hours: f64,
    pub expected: f64,
    pub low: f64,
    pub high: f64,
    /// Earlier posts whose growth produced it (0 when the post is already that old).
    pub basis: usize,
}

/// Forecasts the post whose curve is `post`, now `age_hours` old, at `horizon_hours`. A post
/// already that old answers its observed views. `None` without the post's views at its age or
/// with fewer than [`MIN_HISTORY`] earlier posts observed at both ages.
pub fn forecast(
    post: &[(f64, f64)],
    age_hours: f64,
    history: &[Vec<(f64, f64)>],
    horizon_hours: f64,
) -> Option<Forecast> {
    if horizon_hours <= age_hours {
        let views = views_at_age(post, horizon_hours)?;
        return Some(Forecast {
            horizon_hours,
            expected: views,
            low: views,
            high: views,
            basis: 0,
        });
    }
    let now = views_at_age(post, age_hours)?.max(0.0);
    // Growth from the current age to the horizon, +1 view so that zero-view posts count.
    let ratios: Vec<f64> = history
        .iter()
        .filter_map(|c| {
            let at_age = views_at_age(c, age_hours)?.max(0.0);
            let at_horizon = views_at_age(c, horizon_hours)?.max(at_age);
            Some((at_horizon + 1.0) / (at_age + 1.0))
        })
        .collect();
    if ratios.len() < MIN_HISTORY {
        return None;
    }
    let grow = |r: f64| (now + 1.0) * r - 1.0;
    Some(Forecast {
        horizon_hours,
        expected: grow(median(&ratios)?),
        low: grow(quantile(&ratios, 0.1)?),
        high: grow(quantile(&ratios, 0.9)?),
        basis: ratios.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::stats;
    use proptest::prelude::*;

    /// A saturating growth curve sampled daily for 30 days.
    fn saturating(total: f64, hours_to_settle: f64) -> Vec<(f64, f64)> {
        (1..=30)
            .map(|d| {
                let t = d as f64 * 24.0;
                (t, (total * (1.0 - (-t / hours_to_settle).exp())).round())
            })
            .collect()
    }

    /// A small deterministic generator (64-bit LCG), so the evaluation is repeatable.
    struct Lcg(u64);
    impl Lcg {
        fn unit(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn a_post_already_old_answers_its_views() {
        let c = saturating(1000.0, 48.0);
        let f = forecast(&c, 240.0, &[], 168.0).unwrap_or_else(|| unreachable!());
        assert_eq!(
            (f.expected, f.low, f.high, f.basis),
            (c[6].1, c[6].1, c[6].1, 0)
        );
    }

    #[test]
    fn identical_history_predicts_exactly() {
        let history = vec![saturating(1000.0, 48.0); 5];
        let post = saturating(5000.0, 48.0);
        let f = forecast(&post[..1], 24.0, &history, 168.0).unwrap_or_else(|| unreachable!());
        let truth = post[6].1;
        assert!(
            (f.expected - truth).abs() / truth < 0.01,
            "{f:?} vs {truth}"
        );
        assert!(forecast(&post[..1], 24.0, &history[..2], 168.0).is_none());
    }

    /// Held-out evaluation: each of 200 posts of an account whose posts vary in size and in how
    /// fast they settle is forecast from the other 199 at 24 h, for 7 and 30 days.
    #[test]
    fn held_out_error_on_synthetic_history() {
        let mut rng = Lcg(7);
        let posts: Vec<_> = (0..200)
            .map(|_| saturating(1000.0 * (4.0 * rng.unit()).exp(), 24.0 + 72.0 * rng.unit()))
            .collect();
        for (horizon, max_error) in [(168.0, 0.25), (720.0, 0.35)] {
            let mut errors = Vec::new();
            let mut inside = 0;
            for (i, post) in posts.iter().enumerate() {
                let history: Vec<_> = posts
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, c)| c.clone())
                    .collect();
                let f =
                    forecast(&post[..1], 24.0, &history, horizon).unwrap_or_else(|| unreachable!());
                let truth = views_at_age(post, horizon).unwrap_or_else(|| unreachable!());
                errors.push((f.expected - truth).abs() / truth);
                inside += usize::from(f.low <= truth && truth <= f.high);
            }
            let mape = stats::median(&errors).unwrap_or(f64::NAN);
            let coverage = inside as f64 / posts.len() as f64;
            println!(
                "horizon {horizon} h: median absolute error {:.1} %, 80 % interval holds {:.0} %",
                mape * 100.0,
                coverage * 100.0
            );
            assert!(mape < max_error, "median error {mape}");
            assert!((0.7..=0.9).contains(&coverage), "coverage {coverage}");
        }
    }

    proptest! {
        #[test]
        fn the_interval_holds_the_expectation(totals in prop::collection::vec((1.0f64..1e6, 12.0f64..200.0), 3..20), now in 0.0f64..1e5) {
            let history: Vec<_> = totals.iter().map(|&(t, s)| saturating(t, s)).collect();
            let f = forecast(&[(24.0, now)], 24.0, &history, 168.0).unwrap_or_else(|| unreachable!());
            prop_assert!(f.low.is_finite() && f.high.is_finite());
            prop_assert!(f.low <= f.expected && f.expected <= f.high);
            prop_assert!(f.low >= now - 1e-6);
        }

        #[test]
        fn more_views_now_forecast_more(totals in prop::collection::vec((1.0f64..1e6, 12.0f64..200.0), 3..20), now in 0.0f64..1e5, extra in 0.0f64..1e5) {
            let history: Vec<_> = totals.iter().map(|&(t, s)| saturating(t, s)).collect();
            let a = forecast(&[(24.0, now)], 24.0, &history, 720.0).unwrap_or_else(|| unreachable!());
            let b = forecast(&[(24.0, now + extra)], 24.0, &history, 720.0).unwrap_or_else(|| unreachable!());
            prop_assert!(b.expected >= a.expected);
        }
    }
}
