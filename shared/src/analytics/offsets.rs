//! A time zone's spans of constant UTC offset over a range of instants (daylight saving time
//! splits a year into two or three), so that a database can turn instants into local weekdays
//! and hours with plain arithmetic, one offset per span.

use chrono::{DateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

/// From `start` on (until the next span's start), local time is UTC plus `offset_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetSpan {
    pub start: DateTime<Utc>,
    pub offset_seconds: i32,
}

fn offset_at(zone: Tz, at: DateTime<Utc>) -> i32 {
    zone.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The spans covering `[from, to)`, the first starting at `from`; at least one.
pub fn offset_spans(zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<OffsetSpan> {
    let mut spans = vec![OffsetSpan {
        start: from,
        offset_seconds: offset_at(zone, from),
    }];
    let mut at = from;
    while at < to {
        let next = (at + TimeDelta::days(1)).min(to);
        let offset = offset_at(zone, next);
        let current = spans.last().map_or(offset, |s| s.offset_seconds);
        if offset != current {
            // The change lies in (at, next]: find its first second.
            let second = |s: i64| DateTime::from_timestamp(s, 0).unwrap_or(next);
            let (mut lo, mut hi) = (at.timestamp(), next.timestamp() + 1);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_at(zone, second(mid)) == current {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let hi = second(hi);
            if hi < to {
                spans.push(OffsetSpan {
                    start: hi,
                    offset_seconds: offset_at(zone, hi),
                });
            }
        }
        at = next;
    }
    spans
}

/// The weekday (0 = Monday) and hour of a slot number `((epoch + offset) / 3600 + 72) % 168`:
/// hours since a Monday midnight, local time (1 January 1970 was a Thursday).
pub fn weekday_hour(slot: i64) -> (u8, u8) {
    let slot = slot.rem_euclid(168);
    ((slot / 24) as u8, (slot % 24) as u8)
}

/// The slot of an instant in UTC, `(epoch hours + 72) % 168`: hours since a Monday midnight,
/// UTC. Where a zone's offset is whole hours, the local slot is this plus the offset's hours.
pub fn utc_slot(at: DateTime<Utc>) -> i16 {
    (at.timestamp().div_euclid(3600) + 72).rem_euclid(168) as i16
}

/// The hours (0–167) to add to a UTC slot, modulo 168, for the local slot under a whole-hours
/// offset; `None` for an offset with minutes (India, Nepal, parts of Australia), where the
/// local hour depends on more than the UTC slot.
pub fn whole_hour_shift(offset_seconds: i32) -> Option<i64> {
    (offset_seconds % 3600 == 0).then(|| i64::from(offset_seconds / 3600).rem_euclid(168))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Timelike};
    use proptest::prelude::*;

    #[test]
    fn a_berlin_year_has_three_spans_and_kolkata_one() {
        let from = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        let berlin = offset_spans(chrono_tz::Europe::Berlin, from, to);
        assert_eq!(
            berlin,
            vec![
                OffsetSpan {
                    start: from,
                    offset_seconds: 3600
                },
                OffsetSpan {
                    start: Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap(),
                    offset_seconds: 7200
                },
                OffsetSpan {
                    start: Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap(),
                    offset_seconds: 3600
                },
            ]
        );
        let kolkata = offset_spans(chrono_tz::Asia::Kolkata, from, to);
        assert_eq!(kolkata.len(), 1);
        assert_eq!(kolkata[0].offset_seconds, 19_800);
    }

    proptest! {
        #[test]
        fn slot_arithmetic_agrees_with_the_calendar(
            secs in 0i64..4_000_000_000,
            zone in prop::sample::select(vec![
                chrono_tz::Europe::Berlin,
                chrono_tz::America::New_York,
                chrono_tz::Asia::Kolkata,
                chrono_tz::Australia::Lord_Howe,
                chrono_tz::Pacific::Chatham,
                chrono_tz::UTC,
            ]),
        ) {
            let at = DateTime::from_timestamp(secs, 0).unwrap();
            let spans = offset_spans(zone, at - TimeDelta::days(40), at + TimeDelta::seconds(1));
            let span = spans.iter().rev().find(|s| s.start <= at).unwrap();
            let (weekday, hour) = weekday_hour((secs + i64::from(span.offset_seconds)) / 3600 + 72);
            let local = at.with_timezone(&zone);
            prop_assert_eq!(weekday as u32, local.weekday().num_days_from_monday());
            prop_assert_eq!(hour as u32, local.hour());
            if let Some(shift) = whole_hour_shift(span.offset_seconds) {
                let slot = (i64::from(utc_slot(at)) + shift) % 168;
                prop_assert_eq!(weekday_hour(slot), (weekday, hour));
            } else {
                prop_assert!(span.offset_seconds % 3600 != 0);
            }
        }

        #[test]
        fn the_utc_slot_is_the_utc_weekday_and_hour(secs in -4_000_000_000i64..4_000_000_000) {
            let at = DateTime::from_timestamp(secs, 0).unwrap();
            let (weekday, hour) = weekday_hour(utc_slot(at).into());
            prop_assert_eq!(weekday as u32, at.weekday().num_days_from_monday());
            prop_assert_eq!(hour as u32, at.hour());
        }
    }
}
