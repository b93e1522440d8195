//! Account and post metrics: engagement rate, growth over a period, posting frequency.

/// Interactions per view: (likes + comments + shares) / views; 0 when nobody viewed.
pub fn engagement_rate(likes: i64, comments: i64, shares: i64, views: i64) -> f64 {
    if views <= 0 {
        return 0.0;
    }
    let interactions = likes.max(0) as f64 + comments.max(0) as f64 + shares.max(0) as f64;
    interactions / views as f64
}

/// Relative change from `start` to `end` (0.25 = +25 %); `None` when `start` is not positive,
/// where no ratio means anything.
pub fn growth(start: i64, end: i64) -> Option<f64> {
    if start <= 0 {
        return None;
    }
    Some((end - start) as f64 / start as f64)
}

/// Posts per week over a period of `days` days; 0 for an empty period.
pub fn posts_per_week(posts: usize, days: f64) -> f64 {
    if !(days.is_finite() && days > 0.0) {
        return 0.0;
    }
    posts as f64 * 7.0 / days
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        assert_eq!(engagement_rate(80, 15, 5, 1000), 0.1);
        assert_eq!(engagement_rate(3, 0, 0, 0), 0.0);
        assert_eq!(growth(200, 250), Some(0.25));
        assert_eq!(growth(0, 10), None);
        assert_eq!(posts_per_week(6, 14.0), 3.0);
        assert_eq!(posts_per_week(6, 0.0), 0.0);
    }

    proptest! {
        #[test]
        fn engagement_is_finite_and_grows_with_likes(l in 0i64..1_000_000, c in 0i64..1000, s in 0i64..1000, v in 0i64..10_000_000) {
            let a = engagement_rate(l, c, s, v);
            let b = engagement_rate(l + 1, c, s, v);
            prop_assert!(a.is_finite() && a >= 0.0 && b >= a);
        }

        #[test]
        fn engagement_ignores_scale(l in 0i64..10_000, v in 1i64..100_000, k in 1i64..100) {
            let a = engagement_rate(l, 0, 0, v);
            let b = engagement_rate(l * k, 0, 0, v * k);
            prop_assert!((a - b).abs() < 1e-9);
        }

        #[test]
        fn growth_is_monotone_in_the_end_value(start in -10i64..1_000_000, end in 0i64..1_000_000) {
            match (growth(start, end), growth(start, end + 1)) {
                (Some(a), Some(b)) => prop_assert!(a.is_finite() && b > a),
                (None, None) => prop_assert!(start <= 0),
                _ => prop_assert!(false),
            }
        }
    }
}
