//! Checked analytics inputs: periods, day ranges, metrics and bucket sizes.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use multitok_shared::Violations;
use multitok_shared::analytics::series::Granularity;

/// Longest period or range, in days.
pub const MAX_RANGE_DAYS: i64 = 3 * 366;
const MAX_PERIOD_DAYS: i32 = 365;
const DEFAULT_PERIOD_DAYS: i32 = 30;
/// Most accounts one comparison may hold.
pub const MAX_COMPARED: usize = 10;

/// An account metric with a daily series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    Followers,
    Following,
    Likes,
    Videos,
    Views,
}

impl Metric {
    pub const ALL: [Metric; 5] = [
        Metric::Followers,
        Metric::Following,
        Metric::Likes,
        Metric::Videos,
        Metric::Views,
    ];

    /// The proto enum's number.
    pub fn number(self) -> i32 {
        match self {
            Metric::Followers => 1,
            Metric::Following => 2,
            Metric::Likes => 3,
            Metric::Videos => 4,
            Metric::Views => 5,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Metric::Followers => "followers",
            Metric::Following => "following",
            Metric::Likes => "likes",
            Metric::Videos => "videos",
            Metric::Views => "views",
        }
    }

    /// The value of this metric in an account's day row.
    pub fn of(self, d: &multitok_store::analytics::AccountDay) -> i64 {
        match self {
            Metric::Followers => d.follower_count,
            Metric::Following => d.following_count,
            Metric::Likes => d.likes_count,
            Metric::Videos => d.video_count,
            Metric::Views => d.view_count,
        }
    }
}

/// Days `from..=to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DayRange {
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// `[start of from, start of the day after to)` in UTC.
    pub fn instants(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
        (start(self.from), start(self.to) + TimeDelta::days(1))
    }
}

/// A period in days: 0 means 30, otherwise 1 to 365.
pub fn period(v: &mut Violations, field: &str, days: i32) -> i64 {
    match days {
        0 => DEFAULT_PERIOD_DAYS.into(),
        1..=MAX_PERIOD_DAYS => days.into(),
        _ => {
            v.add(
                field,
                format!("must be between 1 and {MAX_PERIOD_DAYS} days"),
            );
            DEFAULT_PERIOD_DAYS.into()
        }
    }
}

fn day(v: &mut Violations, field: &str, raw: &str) -> Option<NaiveDate> {
    v.check(
        field,
        NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map_err(|_| "must be a day as YYYY-MM-DD".to_owned())
            .and_then(multitok_shared::dates::supported_day),
    )
}

/// A range of days, both present, in order, at most three years long.
pub fn range(v: &mut Violations, field: &str, from: &str, to: &str) -> Option<DayRange> {
    let from = day(v, &format!("{field}.from"), from);
    let to = day(v, &format!("{field}.to"), to);
    let (from, to) = (from?, to?);
    let r = DayRange { from, to };
    if to < from {
        v.add(&format!("{field}.to"), "must not be before from");
        return None;
    }
    if r.days() > MAX_RANGE_DAYS {
        v.add(field, format!("must be at most {MAX_RANGE_DAYS} days long"));
        return None;
    }
    Some(r)
}

/// One metric by its proto number.
pub fn metric(v: &mut Violations, field: &str, number: i32) -> Option<Metric> {
    let metric = Metric::ALL.into_iter().find(|m| m.number() == number);
    if metric.is_none() {
        v.add(field, "is not a known metric");
    }
    metric
}

/// Metrics by their proto numbers: at least one, each known, none twice.
pub fn metrics(v: &mut Violations, field: &str, numbers: &[i32]) -> Vec<Metric> {
    if numbers.is_empty() {
        v.add(field, "name at least one metric");
    }
    let mut out = Vec::new();
    for (i, n) in numbers.iter().enumerate() {
        let Some(m) = metric(v, &format!("{field}[{i}]"), *n) else {
            continue;
        };
        if out.contains(&m) {
            v.add(&format!("{field}[{i}]"), "is named twice");
        } else {
            out.push(m);
        }
    }
    out
}

/// A bucket size by its proto number (0 means days).
pub fn granularity(v: &mut Violations, field: &str, number: i32) -> Granularity {
    match number {
        0 | 1 => Granularity::Day,
        2 => Granularity::Week,
        3 => Granularity::Month,
        _ => {
            v.add(field, "must be day, week or month");
            Granularity::Day
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_inputs_name_their_fields() {
        let mut v = Violations::new();
        assert_eq!(period(&mut v, "period_days", 0), 30);
        assert!(v.is_empty());
        period(&mut v, "period_days", 400);
        assert!(range(&mut v, "range", "2026-02-01", "2026-01-01").is_none());
        assert!(range(&mut v, "range", "2026-13-01", "x").is_none());
        assert!(range(&mut v, "range", "2020-01-01", "2026-01-01").is_none());
        assert!(range(&mut v, "range", "+262142-12-30", "+262142-12-31").is_none());
        assert_eq!(
            metrics(&mut v, "metrics", &[1, 9, 1]),
            vec![Metric::Followers]
        );
        let fields: Vec<String> = v.0.into_iter().map(|f| f.field).collect();
        assert_eq!(
            fields,
            [
                "period_days",
                "range.to",
                "range.from",
                "range.to",
                "range",
                "range.from",
                "range.to",
                "metrics[1]",
                "metrics[2]"
            ]
        );
    }
}
