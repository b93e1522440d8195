//! Robust summary statistics that never return NaN: median, quantiles, median absolute deviation.

/// The finite values, sorted.
fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v
}

/// The `q` quantile (0 ≤ q ≤ 1) with linear interpolation; `None` without finite values.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let v = sorted(values);
    if v.is_empty() {
        return None;
    }
    let q = if q.is_finite() {
        q.clamp(0.0, 1.0)
    } else {
        0.5
    };
    let pos = q * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    Some(v[lo] + (v[hi] - v[lo]) * frac)
}

/// The median; `None` without finite values.
pub fn median(values: &[f64]) -> Option<f64> {
    quantile(values, 0.5)
}

/// The median absolute deviation from the median, scaled by 1.4826 so that it estimates the
/// standard deviation of normally distributed values.
pub fn robust_spread(values: &[f64]) -> Option<f64> {
    let m = median(values)?;
    let deviations: Vec<f64> = values
        .iter()
        .filter(|x| x.is_finite())
        .map(|x| (x - m).abs())
        .collect();
    Some(1.4826 * median(&deviations)?)
}

/// The arithmetic mean; `None` without finite values.
pub fn mean(values: &[f64]) -> Option<f64> {
    let v = sorted(values);
    if v.is_empty() {
        return None;
    }
    Some(v.iter().sum::<f64>() / v.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(quantile(&[0.0, 10.0], 0.9), Some(9.0));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[f64::NAN]), None);
        // deviations from 3: 2,1,0,1,97 → median 1
        assert_eq!(robust_spread(&[1.0, 2.0, 3.0, 4.0, 100.0]), Some(1.4826));
    }

    proptest! {
        #[test]
        fn quantiles_stay_within_the_values(v in prop::collection::vec(-1e9f64..1e9, 1..50), q in 0.0f64..1.0) {
            let x = quantile(&v, q).unwrap_or(f64::NAN);
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(x >= lo && x <= hi);
        }

        #[test]
        fn spread_scales_with_the_values(v in prop::collection::vec(0.0f64..1e6, 1..50), k in 0.01f64..100.0) {
            let a = robust_spread(&v).unwrap_or(f64::NAN) * k;
            let scaled: Vec<f64> = v.iter().map(|x| x * k).collect();
            let b = robust_spread(&scaled).unwrap_or(f64::NAN);
            prop_assert!((a - b).abs() <= 1e-6 * a.abs().max(1.0));
        }
    }
}
