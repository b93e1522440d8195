//! The dates a request may name. Any day or instant from a user is checked against these years
//! at conversion, so that every later arithmetic on it (a day added, a window of a few years, a
//! time zone applied) stays far inside chrono's range and cannot overflow.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// The first year a request may name: before it, nothing was ever posted to TikTok.
pub const FIRST_YEAR: i32 = 2000;
/// The last year a request may name.
pub const LAST_YEAR: i32 = 2199;

/// Accepts a day within `FIRST_YEAR..=LAST_YEAR`.
pub fn supported_day(day: NaiveDate) -> Result<NaiveDate, String> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&day.year()) {
        Ok(day)
    } else {
        Err(format!("must be in the years {FIRST_YEAR} to {LAST_YEAR}"))
    }
}

/// Accepts an instant whose UTC day is within `FIRST_YEAR..=LAST_YEAR`.
pub fn supported_instant(at: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    supported_day(at.date_naive()).map(|_| at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_edges_of_the_supported_years() {
        let day = |y| NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
        assert!(supported_day(day(2000)).is_ok());
        assert!(supported_day(day(2199)).is_ok());
        assert!(supported_day(day(1999)).is_err());
        assert!(supported_day(day(2200)).is_err());
        assert!(supported_day(NaiveDate::MAX).is_err());
        assert!(supported_instant(DateTime::<Utc>::MIN_UTC).is_err());
    }

    proptest! {
        /// Whatever day is accepted, the arithmetic the services do on it cannot overflow.
        #[test]
        fn accepted_days_leave_room_for_arithmetic(days in i32::MIN / 400..i32::MAX / 400) {
            let Some(day) = NaiveDate::from_num_days_from_ce_opt(days) else { return Ok(()) };
            if let Ok(day) = supported_day(day) {
                let start = day.and_hms_opt(0, 0, 0).unwrap().and_utc();
                prop_assert!(start.checked_add_signed(chrono::TimeDelta::days(3 * 366 + 400)).is_some());
                prop_assert!(start.checked_sub_signed(chrono::TimeDelta::days(3 * 366 + 400)).is_some());
            }
        }
    }
}
