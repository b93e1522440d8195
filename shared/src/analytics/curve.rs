//! A video's growth curve: views by age in hours, read off its snapshots and interpolated.

/// Points (age in hours, views), in any order; the curve starts at 0 views at age 0.
pub type Curve = Vec<(f64, f64)>;

/// Views at `age` hours, linearly interpolated between the snapshots around it (from 0 views at
/// posting). `None` when the curve was never observed that old, or for a non-finite age.
pub fn views_at_age(curve: &[(f64, f64)], age: f64) -> Option<f64> {
    if !age.is_finite() || age < 0.0 {
        return None;
    }
    let mut points: Vec<(f64, f64)> = curve
        .iter()
        .copied()
        .filter(|(a, v)| a.is_finite() && v.is_finite() && *a >= 0.0)
        .collect();
    points.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut before = (0.0, 0.0);
    for (a, v) in points {
        if a >= age {
            if a - before.0 <= f64::EPSILON {
                return Some(v);
            }
            let frac = (age - before.0) / (a - before.0);
            return Some(before.1 + (v - before.1) * frac);
        }
        before = (a, v);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn interpolates_between_snapshots() {
        let c = vec![(10.0, 100.0), (20.0, 300.0)];
        assert_eq!(views_at_age(&c, 5.0), Some(50.0));
        assert_eq!(views_at_age(&c, 15.0), Some(200.0));
        assert_eq!(views_at_age(&c, 20.0), Some(300.0));
        assert_eq!(views_at_age(&c, 21.0), None);
        assert_eq!(views_at_age(&[], 1.0), None);
        assert_eq!(views_at_age(&c, f64::NAN), None);
    }

    proptest! {
        #[test]
        fn a_growing_curve_reads_growing_views(mut steps in prop::collection::vec((0.1f64..100.0, 0.0f64..1e5), 1..20), x in 0.0f64..1.0, y in 0.0f64..1.0) {
            // Build an increasing curve from positive steps.
            let mut age = 0.0;
            let mut views = 0.0;
            let curve: Curve = steps.iter_mut().map(|(da, dv)| { age += *da; views += *dv; (age, views) }).collect();
            let (a, b) = (x.min(y) * age, x.max(y) * age);
            let (va, vb) = (views_at_age(&curve, a), views_at_age(&curve, b));
            prop_assert!(va.is_some() && vb.is_some());
            prop_assert!(va <= vb);
        }
    }
}
