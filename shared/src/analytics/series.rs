//! Time-series buckets: a range of days cut into days, weeks (from Monday) or months, each
//! bucket holding the last value observed in it, or a gap.

use chrono::{Datelike, Days, Months, NaiveDate};

/// Bucket size of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    Day,
    Week,
    Month,
}

/// The first day of the bucket holding `day`.
pub fn bucket_start(day: NaiveDate, g: Granularity) -> NaiveDate {
    match g {
        Granularity::Day => day,
        Granularity::Week => day - Days::new(day.weekday().num_days_from_monday().into()),
        Granularity::Month => day.with_day(1).unwrap_or(day),
    }
}

/// The starts of every bucket touching `from..=to`, in order.
pub fn buckets(from: NaiveDate, to: NaiveDate, g: Granularity) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut at = bucket_start(from, g);
    while at <= to {
        out.push(at);
        let next = match g {
            Granularity::Day => at.checked_add_days(Days::new(1)),
            Granularity::Week => at.checked_add_days(Days::new(7)),
            Granularity::Month => at.checked_add_months(Months::new(1)),
        };
        match next {
            Some(n) => at = n,
            None => break,
        }
    }
    out
}

/// One value per bucket: the last observation (by day) that falls in it, `None` for a gap.
pub fn fill(starts: &[NaiveDate], g: Granularity, points: &[(NaiveDate, f64)]) -> Vec<Option<f64>> {
    let mut out: Vec<Option<(NaiveDate, f64)>> = vec![None; starts.len()];
    for &(day, value) in points {
        if !value.is_finite() {
            continue;
        }
        if let Ok(i) = starts.binary_search(&bucket_start(day, g))
            && out[i].is_none_or(|(seen, _)| seen <= day)
        {
            out[i] = Some((day, value));
        }
    }
    out.into_iter().map(|o| o.map(|(_, v)| v)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn weeks_start_on_monday_and_gaps_stay_gaps() {
        let starts = buckets(d("2026-11-04"), d("2026-11-20"), Granularity::Week);
        assert_eq!(
            starts,
            vec![d("2026-11-02"), d("2026-11-09"), d("2026-11-16")]
        );
        let points = [
            (d("2026-11-03"), 5.0),
            (d("2026-11-08"), 7.0),
            (d("2026-11-17"), 9.0),
        ];
        assert_eq!(
            fill(&starts, Granularity::Week, &points),
            vec![Some(7.0), None, Some(9.0)]
        );
    }

    #[test]
    fn months_and_days() {
        assert_eq!(
            buckets(d("2026-01-31"), d("2026-03-01"), Granularity::Month).len(),
            3
        );
        assert_eq!(
            buckets(d("2026-03-01"), d("2026-02-01"), Granularity::Day),
            vec![]
        );
        let starts = buckets(d("2026-03-01"), d("2026-03-03"), Granularity::Day);
        assert_eq!(
            fill(&starts, Granularity::Day, &[(d("2026-03-02"), 0.0)]),
            vec![None, Some(0.0), None]
        );
    }

    proptest! {
        #[test]
        fn every_day_lands_in_exactly_one_bucket(offset in 0u64..3000, len in 0u64..400, pick in 0u64..400) {
            let from = d("2020-01-01") + Days::new(offset);
            let to = from + Days::new(len);
            let day = from + Days::new(pick.min(len));
            for g in [Granularity::Day, Granularity::Week, Granularity::Month] {
                let starts = buckets(from, to, g);
                let filled = fill(&starts, g, &[(day, 1.0)]);
                prop_assert_eq!(filled.iter().flatten().count(), 1);
            }
        }
    }
}
