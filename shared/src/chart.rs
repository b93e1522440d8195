//! Chart data preparation, shared by the web app's charts and tested natively: value ranges with
//! round ticks, series cut at gaps, the point under the pointer, compact numbers and heat colors.

/// A value range that includes every value, padded, never empty; (0, 1) without values.
pub fn value_range(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.into_iter().filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if lo > hi {
        return (0.0, 1.0);
    }
    if lo == hi {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return (lo - pad, hi + pad);
    }
    let pad = (hi - lo) * 0.05;
    // Counts never go below zero: do not pad a non-negative range below it.
    let bottom = if lo >= 0.0 {
        (lo - pad).max(0.0)
    } else {
        lo - pad
    };
    (bottom, hi + pad)
}

/// About `count` round tick values (1, 2 or 5 × 10ⁿ apart, the step nearest to an even split)
/// inside `lo..=hi`; at least one for any non-empty range.
pub fn ticks(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || count == 0 {
        return Vec::new();
    }
    let raw = (hi - lo) / count as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .min_by(|a, b| (a - raw).abs().total_cmp(&(b - raw).abs()))
        .unwrap_or(magnitude);
    for _ in 0..12 {
        let mut t = (lo / step).ceil() * step;
        let mut out = Vec::new();
        while t <= hi + step * 1e-9 && out.len() <= count * 3 {
            out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
            t += step;
        }
        if !out.is_empty() {
            return out;
        }
        // No round value of this step falls inside: try the next smaller one (5 → 2 → 1 → 0.5).
        let mantissa = step / 10f64.powf(step.log10().floor());
        step *= if (mantissa - 2.0).abs() < 1e-9 {
            0.5
        } else if (mantissa - 5.0).abs() < 1e-9 {
            0.4
        } else {
            0.5
        };
    }
    vec![lo]
}

/// Runs of consecutive present values, as (index, value): a line is drawn per run, so a gap
/// stays a gap.
pub fn segments(values: &[Option<f64>]) -> Vec<Vec<(usize, f64)>> {
    let mut out: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut current = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v.filter(|v| v.is_finite()) {
            Some(v) => current.push((i, v)),
            None if !current.is_empty() => out.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The index of the point nearest to `x` on a plot `width` wide holding `n` evenly spaced
/// points; `None` without points.
pub fn nearest_index(x: f64, width: f64, n: usize) -> Option<usize> {
    if n == 0 || width.is_nan() || width <= 0.0 || !x.is_finite() {
        return None;
    }
    if n == 1 {
        return Some(0);
    }
    let step = width / (n - 1) as f64;
    Some(((x / step).round().max(0.0) as usize).min(n - 1))
}

/// A number in few characters: 950, 1.2K, 34K, 5.6M, 7.8B.
pub fn compact(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let a = v.abs();
    let (scaled, suffix) = match a {
        a if a >= 1e9 => (v / 1e9, "B"),
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e3 => (v / 1e3, "K"),
        _ => return format!("{}", v.round() as i64),
    };
    if scaled.abs() >= 100.0 {
        format!("{scaled:.0}{suffix}")
    } else {
        let text = format!("{scaled:.1}");
        format!("{}{suffix}", text.trim_end_matches(".0"))
    }
}

/// An axis label for `v` on an axis spanning `span`: compact for wide spans, exact (with
/// thousands separators) when compact labels would repeat (1.4K, 1.4K…).
pub fn axis_label(v: f64, span: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    if span >= 10_000.0 || v.abs() < 1_000.0 {
        return compact(v);
    }
    let digits = (v.round() as i64).abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 { format!("−{out}") } else { out }
}

/// A rate as a percentage with one decimal: 0.0384 → "3.8 %".
pub fn percent(rate: f64) -> String {
    format!("{:.1} %", rate * 100.0)
}

/// A signed change: +12, −3, 0.
pub fn signed(v: i64) -> String {
    match v {
        0 => "0".into(),
        v if v > 0 => format!("+{}", compact(v as f64)),
        v => format!("−{}", compact(-v as f64)),
    }
}

/// The heat color of `value` between `lo` and `hi`: pale for low, deep for high (RGB).
pub fn heat(value: f64, lo: f64, hi: f64) -> (u8, u8, u8) {
    let t = if hi > lo && value.is_finite() {
        ((value - lo) / (hi - lo)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    (mix(238.0, 13.0), mix(242.0, 110.0), mix(255.0, 253.0))
}

/// How many steps [`heat_level`] has: the web app colours heatmap cells by a class per step,
/// so that no colour is written into a `style` attribute (a strict Content-Security-Policy).
pub const HEAT_LEVELS: u8 = 10;

/// The step (0 for the lowest, `HEAT_LEVELS - 1` for the highest) of `value` between `lo` and
/// `hi`; 0 when the range is empty or the value is not a number.
pub fn heat_level(value: f64, lo: f64, hi: f64) -> u8 {
    if !(hi > lo && value.is_finite()) {
        return 0;
    }
    let t = ((value - lo) / (hi - lo)).clamp(0.0, 1.0);
    (t * f64::from(HEAT_LEVELS - 1)).round() as u8
}

/// Line colors, in order (RGB).
pub const PALETTE: [(u8, u8, u8); 10] = [
    (13, 110, 253),
    (220, 53, 69),
    (25, 135, 84),
    (253, 126, 20),
    (111, 66, 193),
    (32, 201, 151),
    (214, 51, 132),
    (102, 16, 242),
    (13, 202, 240),
    (108, 117, 125),
];

/// Low and high edges of a shaded band, a value (or a gap) per x.
pub type Band = (Vec<Option<f64>>, Vec<Option<f64>>);

/// The outline of a band between `low` and `high` (a value or a gap per x): along the high edge
/// left to right, then back along the low edge. Fewer than 3 points means nothing to shade.
pub fn band_outline(low: &[Option<f64>], high: &[Option<f64>]) -> Vec<(f64, f64)> {
    let upper = high
        .iter()
        .enumerate()
        .filter_map(|(i, v)| Some((i as f64, (*v)?)));
    let lower = low
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(i, v)| Some((i as f64, (*v)?)));
    upper.chain(lower).collect()
}

/// A post's views by day of age (0 to `days`), and its forecast: the expected line and the low
/// and high edges, from its current (day, views) through each (day, expected, low, high).
pub struct ForecastLines {
    pub actual: Vec<Option<f64>>,
    pub expected: Vec<Option<f64>>,
    pub low: Vec<Option<f64>>,
    pub high: Vec<Option<f64>>,
}

/// Days of age a post's growth chart spans (its 30-day forecast included).
pub const GROWTH_DAYS: usize = 30;

/// Lays a growth curve ((age in hours, views) points) and forecasts ((hours, expected, low,
/// high)) on days 0 to `days`.
pub fn forecast_lines(
    curve: impl IntoIterator<Item = (f64, f64)>,
    forecasts: impl IntoIterator<Item = (f64, f64, f64, f64)>,
    days: usize,
) -> ForecastLines {
    let mut actual = vec![None; days + 1];
    actual[0] = Some(0.0);
    let mut now = (0usize, 0.0f64);
    for (age, views) in curve {
        if !(age.is_finite() && views.is_finite()) || age < 0.0 {
            continue;
        }
        let d = (age / 24.0).round() as usize;
        if d <= days {
            actual[d] = Some(views);
            if d >= now.0 {
                now = (d, views);
            }
        }
    }
    let mut expected = vec![None; days + 1];
    let mut low = vec![None; days + 1];
    let mut high = vec![None; days + 1];
    let mut from = (now.0, now.1, now.1, now.1);
    for (hours, e, l, h) in forecasts {
        let to_day = (hours / 24.0).round() as usize;
        if to_day <= from.0 || to_day > days || ![e, l, h].iter().all(|v| v.is_finite()) {
            continue;
        }
        for d in from.0..=to_day {
            let t = (d - from.0) as f64 / (to_day - from.0) as f64;
            expected[d] = Some(from.1 + (e - from.1) * t);
            low[d] = Some(from.2 + (l - from.2) * t);
            high[d] = Some(from.3 + (h - from.3) * t);
        }
        from = (to_day, e, l, h);
    }
    ForecastLines {
        actual,
        expected,
        low,
        high,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_band_goes_out_along_the_high_edge_and_back_along_the_low_one() {
        let low = [None, Some(1.0), Some(2.0), None];
        let high = [None, Some(3.0), Some(5.0), Some(6.0)];
        assert_eq!(
            band_outline(&low, &high),
            vec![(1.0, 3.0), (2.0, 5.0), (3.0, 6.0), (2.0, 2.0), (1.0, 1.0)]
        );
        assert!(band_outline(&[None; 3], &[None; 3]).is_empty());
    }

    #[test]
    fn known_values() {
        assert_eq!(value_range([]), (0.0, 1.0));
        assert_eq!(value_range([5.0, 5.0]), (4.5, 5.5));
        assert_eq!(value_range([0.0, 100.0]), (0.0, 105.0));
        assert_eq!(
            ticks(0.0, 105.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        let gaps = segments(&[Some(1.0), None, Some(2.0), Some(3.0), None]);
        assert_eq!(gaps, vec![vec![(0, 1.0)], vec![(2, 2.0), (3, 3.0)]]);
        assert_eq!(nearest_index(49.0, 100.0, 3), Some(1));
        assert_eq!(nearest_index(500.0, 100.0, 3), Some(2));
        assert_eq!(nearest_index(1.0, 100.0, 0), None);
        assert_eq!(compact(950.0), "950");
        assert_eq!(compact(1_234.0), "1.2K");
        assert_eq!(compact(2_000_000.0), "2M");
        assert_eq!(compact(123_456.0), "123K");
        assert_eq!(signed(-1500), "−1.5K");
        assert_eq!(percent(0.0384), "3.8 %");
        assert_eq!(axis_label(1_350.0, 200.0), "1,350");
        assert_eq!(axis_label(1_350_000.0, 200.0), "1,350,000");
        assert_eq!(axis_label(1_350_000.0, 500_000.0), "1.4M");
        assert_eq!(axis_label(950.0, 200.0), "950");
        assert_eq!(heat(0.0, 0.0, 2.0), (238, 242, 255));
        assert_eq!(heat_level(0.0, 0.0, 2.0), 0);
        assert_eq!(heat_level(2.0, 0.0, 2.0), HEAT_LEVELS - 1);
        assert_eq!(heat_level(1.0, 0.0, 2.0), 5);
        assert_eq!(heat_level(9.0, 0.0, 2.0), HEAT_LEVELS - 1, "clamped above");
        assert_eq!(heat_level(f64::NAN, 0.0, 2.0), 0);
        assert_eq!(heat_level(1.0, 1.0, 1.0), 0, "an empty range");
        assert_eq!(heat(2.0, 0.0, 2.0), (13, 110, 253));
        let f = forecast_lines(
            [(24.0, 100.0), (48.0, 150.0)],
            [(168.0, 300.0, 200.0, 400.0)],
            GROWTH_DAYS,
        );
        assert_eq!(&f.actual[..3], &[Some(0.0), Some(100.0), Some(150.0)]);
        assert_eq!(f.expected[2], Some(150.0));
        assert_eq!(f.expected[7], Some(300.0));
        assert_eq!((f.low[7], f.high[7]), (Some(200.0), Some(400.0)));
        assert_eq!(f.expected[8], None);
    }

    proptest! {
        #[test]
        fn the_range_holds_every_value(values in prop::collection::vec(-1e12f64..1e12, 0..50)) {
            let (lo, hi) = value_range(values.iter().copied());
            prop_assert!(lo < hi && lo.is_finite() && hi.is_finite());
            prop_assert!(values.iter().all(|v| *v >= lo && *v <= hi));
        }

        #[test]
        fn ticks_are_inside_and_increasing(lo in -1e9f64..1e9, span in 1e-3f64..1e9, count in 1usize..12) {
            let t = ticks(lo, lo + span, count);
            prop_assert!(!t.is_empty());
            prop_assert!(t.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(t.iter().all(|v| *v >= lo - span * 1e-9 && *v <= lo + span + span * 1e-9));
        }

        #[test]
        fn segments_keep_every_present_value(values in prop::collection::vec(prop::option::of(-1e6f64..1e6), 0..60)) {
            let present = values.iter().flatten().count();
            let kept: usize = segments(&values).iter().map(Vec::len).sum();
            prop_assert_eq!(present, kept);
        }

        #[test]
        fn the_nearest_point_is_in_bounds(x in -1e4f64..1e4, width in 1.0f64..4000.0, n in 1usize..500) {
            let i = nearest_index(x, width, n);
            prop_assert!(i.is_some_and(|i| i < n));
        }
    }
}
