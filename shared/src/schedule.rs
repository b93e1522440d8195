//! Scheduling times and TikTok's quotas: a wall-clock time in a time zone becomes one UTC
//! instant, correctly across DST changes (a time skipped by spring-forward is refused; a time
//! that happens twice in the fall takes its first occurrence); and a planned init is checked
//! against the creator's daily cap and the per-minute init limit.

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

/// Why a local time cannot be scheduled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    #[error("{0} is not a known time zone")]
    UnknownZone(String),
    #[error("{0} does not exist in {1} (the clocks skip it for daylight saving time)")]
    Skipped(NaiveDateTime, String),
}

/// The UTC instant of a wall-clock time in `zone`.
pub fn to_utc(local: NaiveDateTime, zone: &str) -> Result<DateTime<Utc>, LocalTimeError> {
    let tz: Tz = zone
        .parse()
        .map_err(|_| LocalTimeError::UnknownZone(zone.to_owned()))?;
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => Err(LocalTimeError::Skipped(local, zone.to_owned())),
    }
}

/// TikTok's posting quotas as this project applies them before calling.
/// Parses `YYYY-MM-DDTHH:MM`, with optional seconds, and a space instead of `T`.
pub fn parse_local(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
}

/// `Sun 29 Mar 2026 09:30 (Europe/Berlin)`: a time as people in that zone read it.
pub fn local_label(at: DateTime<Utc>, zone: &str) -> String {
    match zone.parse::<Tz>() {
        Ok(tz) => format!(
            "{} ({zone})",
            at.with_timezone(&tz).format("%a %-d %b %Y %H:%M")
        ),
        Err(_) => format!("{} (UTC)", at.format("%a %-d %b %Y %H:%M")),
    }
}

/// When a video's statistics are read again after `now`: hourly in its first day, every 6 hours
/// in its first week, daily to 30 days, weekly to 90 days, then only at the nightly sync (`None`).
pub fn next_video_refresh(posted_at: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let age = now - posted_at;
    let every = if age < Duration::days(1) {
        Duration::hours(1)
    } else if age < Duration::days(7) {
        Duration::hours(6)
    } else if age < Duration::days(30) {
        Duration::days(1)
    } else if age < Duration::days(90) {
        Duration::days(7)
    } else {
        return None;
    };
    Some(now + every)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    /// Direct posts per creator in any 24 hours.
    pub daily_posts: usize,
    /// Init calls per token in any minute.
    pub inits_per_minute: usize,
}

impl Default for Quota {
    fn default() -> Self {
        Quota {
            daily_posts: 15,
            inits_per_minute: 6,
        }
    }
}

/// Which quota a planned post would break.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuotaProblem {
    #[error("more than {limit} posts in the 24 hours around {at}")]
    Daily { at: DateTime<Utc>, limit: usize },
    #[error("more than {limit} posts starting in the same minute as {at}")]
    PerMinute { at: DateTime<Utc>, limit: usize },
}

/// Checks `at` against the account's already planned posts, sorted by time (`insert_sorted`
/// keeps them so). Takes `O(log n + limit)`; checking every row of an import costs that per row
/// plus the sorted insert's move of later times (a memmove of at most 1,000 entries).
pub fn check_quota(
    planned: &[DateTime<Utc>],
    at: DateTime<Utc>,
    quota: Quota,
) -> Result<(), QuotaProblem> {
    if crowded(planned, at, Duration::hours(24), quota.daily_posts) {
        return Err(QuotaProblem::Daily {
            at,
            limit: quota.daily_posts,
        });
    }
    if crowded(planned, at, Duration::minutes(1), quota.inits_per_minute) {
        return Err(QuotaProblem::PerMinute {
            at,
            limit: quota.inits_per_minute,
        });
    }
    Ok(())
}

/// Whether a window of length `window` that contains `at` already holds `limit` of the sorted
/// `planned` times. Only runs of `limit` consecutive times next to `at` can be the tightest.
fn crowded(planned: &[DateTime<Utc>], at: DateTime<Utc>, window: Duration, limit: usize) -> bool {
    if limit == 0 {
        return true;
    }
    let j = planned.partition_point(|t| *t < at);
    (j.saturating_sub(limit)..=j)
        .filter(|i| i + limit <= planned.len())
        .any(|i| planned[i + limit - 1].max(at) - planned[i].min(at) < window)
}

/// Adds `at` to times sorted by `check_quota`'s rule.
pub fn insert_sorted(times: &mut Vec<DateTime<Utc>>, at: DateTime<Utc>) {
    let i = times.partition_point(|t| *t <= at);
    times.insert(i, at);
}

/// How many of `wanted` inits may go out at `now` for one account, and when the rest may: at
/// most `quota.inits_per_minute` in any minute and `quota.daily_posts` (0 = no cap) in any 24
/// hours. `past` holds the inits TikTok already counted (any order); `in_flight` inits were sent
/// and not yet answered, and count as sent now.
pub fn grant_inits(
    past: &[DateTime<Utc>],
    in_flight: usize,
    wanted: usize,
    now: DateTime<Utc>,
    quota: Quota,
) -> (usize, Option<DateTime<Utc>>) {
    let mut sent: Vec<DateTime<Utc>> = past.iter().copied().filter(|at| *at <= now).collect();
    sent.extend(std::iter::repeat_n(now, in_flight));
    sent.sort_unstable();
    let mut granted = 0;
    while granted < wanted {
        match next_init_at(&sent, now, quota) {
            None => {
                sent.push(now);
                granted += 1;
            }
            Some(at) => return (granted, Some(at)),
        }
    }
    (granted, None)
}

/// When the next init may go out after the sorted `sent` ones, if not at `now`.
fn next_init_at(sent: &[DateTime<Utc>], now: DateTime<Utc>, quota: Quota) -> Option<DateTime<Utc>> {
    let window_start = |window: Duration, limit: usize| {
        let inside: Vec<_> = sent.iter().filter(|at| **at > now - window).collect();
        (limit > 0 && inside.len() >= limit).then(|| *inside[inside.len() - limit] + window)
    };
    let minute = window_start(Duration::minutes(1), quota.inits_per_minute.max(1));
    let day = window_start(Duration::hours(24), quota.daily_posts);
    let free = minute.into_iter().chain(day).max()?;
    Some(free + Duration::milliseconds(10))
}

/// The next `count` times from `from` (stepping by `step`) that keep the account within quota.
pub fn suggest_slots(
    planned: &[DateTime<Utc>],
    from: DateTime<Utc>,
    step: Duration,
    count: usize,
    quota: Quota,
) -> Vec<DateTime<Utc>> {
    let mut taken = planned.to_vec();
    taken.sort_unstable();
    let mut slots = Vec::with_capacity(count);
    let mut at = from;
    let horizon = from + Duration::days(366);
    while slots.len() < count && at < horizon {
        if check_quota(&taken, at, quota).is_ok() {
            slots.push(at);
            insert_sorted(&mut taken, at);
        }
        at += step;
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The rule as first written: every window that starts at a planned time near `at`.
    fn busiest(planned: &[DateTime<Utc>], at: DateTime<Utc>, window: Duration) -> usize {
        planned
            .iter()
            .filter(|t| (**t - at).abs() < window)
            .map(|start| {
                let s = *start.min(&at);
                planned
                    .iter()
                    .filter(|t| **t >= s && **t < s + window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    proptest! {
        #[test]
        fn the_fast_check_agrees_with_every_window(
            offsets in proptest::collection::vec(0i64..400, 0..40),
            probe in 0i64..400,
            limit in 1usize..8,
        ) {
            let base = DateTime::<Utc>::UNIX_EPOCH;
            let mut planned: Vec<DateTime<Utc>> =
                offsets.iter().map(|s| base + Duration::seconds(*s)).collect();
            planned.sort_unstable();
            let at = base + Duration::seconds(probe);
            let window = Duration::seconds(60);
            prop_assert_eq!(crowded(&planned, at, window, limit), busiest(&planned, at, window) >= limit);
        }
    }
    use chrono::NaiveDate;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn nine_am_in_berlin_is_eight_or_seven_utc_by_season() {
        assert_eq!(
            to_utc(local(2026, 1, 15, 9, 0), "Europe/Berlin")
                .unwrap()
                .to_rfc3339(),
            "2026-01-15T08:00:00+00:00"
        );
        assert_eq!(
            to_utc(local(2026, 7, 15, 9, 0), "Europe/Berlin")
                .unwrap()
                .to_rfc3339(),
            "2026-07-15T07:00:00+00:00"
        );
    }

    #[test]
    fn local_times_parse_with_or_without_seconds() {
        assert_eq!(
            parse_local("2026-03-29T09:30"),
            Some(local(2026, 3, 29, 9, 30))
        );
        assert_eq!(
            parse_local(" 2026-03-29 09:30:00 "),
            Some(local(2026, 3, 29, 9, 30))
        );
        assert_eq!(parse_local("2026-02-30T09:30"), None);
        assert_eq!(parse_local("tomorrow"), None);
    }

    #[test]
    fn labels_read_in_the_zone_of_the_post() {
        let at = Utc.with_ymd_and_hms(2026, 3, 29, 7, 30, 0).unwrap();
        assert_eq!(
            local_label(at, "Europe/Berlin"),
            "Sun 29 Mar 2026 09:30 (Europe/Berlin)"
        );
        assert_eq!(local_label(at, "Mars/Base"), "Sun 29 Mar 2026 07:30 (UTC)");
    }

    #[test]
    fn young_videos_are_refreshed_more_often() {
        let now = Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap();
        let next = |age: Duration| next_video_refresh(now - age, now).map(|t| t - now);
        assert_eq!(next(Duration::hours(3)), Some(Duration::hours(1)));
        assert_eq!(next(Duration::days(2)), Some(Duration::hours(6)));
        assert_eq!(next(Duration::days(10)), Some(Duration::days(1)));
        assert_eq!(next(Duration::days(60)), Some(Duration::days(7)));
        assert_eq!(next(Duration::days(91)), None);
    }

    #[test]
    fn a_time_skipped_by_spring_forward_is_refused() {
        // 2026-03-29 02:30 does not exist in Berlin (02:00 → 03:00).
        assert!(matches!(
            to_utc(local(2026, 3, 29, 2, 30), "Europe/Berlin"),
            Err(LocalTimeError::Skipped(..))
        ));
    }

    #[test]
    fn a_time_repeated_in_the_fall_takes_its_first_occurrence() {
        // 2026-10-25 02:30 happens twice in Berlin; the first is still summer time (UTC+2).
        assert_eq!(
            to_utc(local(2026, 10, 25, 2, 30), "Europe/Berlin")
                .unwrap()
                .to_rfc3339(),
            "2026-10-25T00:30:00+00:00"
        );
        assert!(to_utc(local(2026, 10, 25, 2, 30), "Nowhere/Else").is_err());
    }

    #[test]
    fn the_sixteenth_post_of_a_day_is_refused() {
        let start = Utc.with_ymd_and_hms(2026, 5, 1, 0, 0, 0).unwrap();
        let planned: Vec<_> = (0..15).map(|i| start + Duration::hours(i)).collect();
        assert!(matches!(
            check_quota(&planned, start + Duration::hours(20), Quota::default()),
            Err(QuotaProblem::Daily { .. })
        ));
        assert!(check_quota(&planned, start + Duration::hours(40), Quota::default()).is_ok());
    }

    #[test]
    fn the_seventh_init_in_a_minute_is_refused() {
        let start = Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap();
        let planned: Vec<_> = (0..6).map(|i| start + Duration::seconds(i * 5)).collect();
        assert!(matches!(
            check_quota(&planned, start + Duration::seconds(40), Quota::default()),
            Err(QuotaProblem::PerMinute { .. })
        ));
        assert!(check_quota(&planned, start + Duration::seconds(61), Quota::default()).is_ok());
    }

    #[test]
    fn suggested_slots_respect_the_quota() {
        let start = Utc.with_ymd_and_hms(2026, 5, 1, 0, 0, 0).unwrap();
        let quota = Quota {
            daily_posts: 3,
            inits_per_minute: 6,
        };
        let slots = suggest_slots(&[], start, Duration::hours(1), 5, quota);
        assert_eq!(slots.len(), 5);
        for (i, s) in slots.iter().enumerate() {
            let others: Vec<_> = slots
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, t)| *t)
                .collect();
            assert!(
                others
                    .iter()
                    .filter(|t| (**t - *s).abs() < Duration::hours(24))
                    .count()
                    < 5
            );
        }
        assert!(
            slots[3] - slots[0] >= Duration::hours(24),
            "the fourth post waits for the next day"
        );
    }

    fn quota(per_minute: usize, daily: usize) -> Quota {
        Quota {
            daily_posts: daily,
            inits_per_minute: per_minute,
        }
    }

    #[test]
    fn six_inits_go_at_once_and_the_seventh_waits_for_the_minute() {
        let now = Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap();
        assert_eq!(grant_inits(&[], 0, 5, now, quota(6, 15)), (5, None));
        let (granted, next) = grant_inits(&[], 0, 7, now, quota(6, 15));
        assert_eq!(granted, 6);
        assert_eq!(
            next,
            Some(now + Duration::minutes(1) + Duration::milliseconds(10))
        );
        let earlier = [now - Duration::seconds(50), now - Duration::seconds(20)];
        let (granted, next) = grant_inits(&earlier, 3, 5, now, quota(6, 15));
        assert_eq!(granted, 1, "two sent, three in flight, one slot left");
        assert_eq!(
            next,
            Some(earlier[0] + Duration::minutes(1) + Duration::milliseconds(10))
        );
    }

    #[test]
    fn the_daily_cap_waits_for_the_oldest_init_to_leave_the_day() {
        let now = Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap();
        let day: Vec<_> = (1..=3).map(|h| now - Duration::hours(h)).collect();
        let (granted, next) = grant_inits(&day, 0, 1, now, quota(6, 3));
        assert_eq!(granted, 0);
        assert_eq!(
            next,
            Some(now - Duration::hours(3) + Duration::hours(24) + Duration::milliseconds(10))
        );
        assert_eq!(
            grant_inits(&day, 0, 1, now, quota(6, 0)),
            (1, None),
            "no cap"
        );
    }

    proptest::proptest! {
        #[test]
        fn granted_inits_never_break_the_quota_and_the_next_time_is_free(
            past_secs in proptest::collection::vec(0i64..200_000, 0..40),
            in_flight in 0usize..8,
            wanted in 0usize..20,
            per_minute in 1usize..8,
            daily in 0usize..30,
        ) {
            let now = Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap();
            let q = quota(per_minute, daily);
            let past: Vec<_> = past_secs.iter().map(|s| now - Duration::seconds(*s)).collect();
            let (granted, next) = grant_inits(&past, in_flight, wanted, now, q);
            proptest::prop_assert!(granted <= wanted);
            proptest::prop_assert_eq!(granted < wanted, next.is_some());
            let mut sent = past.clone();
            sent.extend(std::iter::repeat_n(now, in_flight + granted));
            let in_window = |w: Duration| sent.iter().filter(|t| **t > now - w).count();
            if granted > 0 {
                proptest::prop_assert!(in_window(Duration::minutes(1)) <= per_minute);
                proptest::prop_assert!(daily == 0 || in_window(Duration::hours(24)) <= daily);
            }
            if let Some(at) = next {
                proptest::prop_assert!(at > now);
                let (later, _) = grant_inits(&sent, 0, 1, at, q);
                proptest::prop_assert_eq!(later, 1, "the answered time has a free slot");
                let (fewer, _) = grant_inits(&past, in_flight + 1, wanted, now, q);
                proptest::prop_assert!(fewer <= granted, "more in flight never grants more");
            }
        }
    }
}
