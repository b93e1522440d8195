//! Calendar arithmetic on plain dates (no time zones): month grids and weeks that start on
//! Monday, for the web app's calendar.

/// A day of the proleptic Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

pub fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Day {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Day> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Day { year, month, day })
    }

    /// Parses `YYYY-MM-DD` (anything after the date is ignored).
    pub fn parse(text: &str) -> Option<Day> {
        let mut parts = text.get(..10)?.split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        Day::new(year, month, day)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn to_days(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    pub fn from_days(days: i64) -> Day {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Day { year, month, day }
    }

    pub fn plus(self, days: i64) -> Day {
        Day::from_days(self.to_days() + days)
    }

    /// 0 for Monday through 6 for Sunday.
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        (self.to_days() + 3).rem_euclid(7) as u32
    }

    /// The Monday of this day's week.
    pub fn week_start(self) -> Day {
        self.plus(-i64::from(self.weekday()))
    }

    pub fn first_of_month(self) -> Day {
        Day { day: 1, ..self }
    }

    /// The same day number in the month `delta` months away, clamped to that month's length.
    pub fn plus_months(self, delta: i32) -> Day {
        let index = self.year * 12 + self.month as i32 - 1 + delta;
        let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
        Day {
            year,
            month,
            day: self.day.min(days_in_month(year, month)),
        }
    }

    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The weeks (Monday first) that cover the month of `day`: 4 to 6 rows of 7 days, including
/// the neighbouring months' days that fill the first and last week.
pub fn month_grid(day: Day) -> Vec<[Day; 7]> {
    let first = day.first_of_month();
    let last = Day {
        day: days_in_month(first.year, first.month),
        ..first
    };
    let mut weeks = Vec::new();
    let mut start = first.week_start();
    while start <= last {
        weeks.push(std::array::from_fn(|i| start.plus(i as i64)));
        start = start.plus(7);
    }
    weeks
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_weekdays_and_leap_years() {
        assert_eq!(Day::new(2026, 11, 25).unwrap().weekday(), 2); // a Wednesday
        assert_eq!(Day::new(2000, 2, 29).unwrap().weekday(), 1);
        assert!(Day::new(1900, 2, 29).is_none());
        assert_eq!(Day::parse("2027-03-28T09:30").unwrap().iso(), "2027-03-28");
        assert!(Day::parse("2027-13-01").is_none());
    }

    #[test]
    fn a_month_grid_starts_on_monday_and_covers_every_day() {
        let grid = month_grid(Day::new(2027, 3, 15).unwrap());
        assert_eq!(grid.len(), 5);
        assert_eq!(grid[0][0].iso(), "2027-03-01"); // March 2027 starts on a Monday
        assert_eq!(grid[4][6].iso(), "2027-04-04");
        let feb = month_grid(Day::new(2027, 2, 1).unwrap());
        assert_eq!(feb.len(), 4); // February 2027: Monday 1st to Sunday 28th
    }

    #[test]
    fn month_steps_clamp_to_the_shorter_month() {
        let jan31 = Day::new(2027, 1, 31).unwrap();
        assert_eq!(jan31.plus_months(1).iso(), "2027-02-28");
        assert_eq!(jan31.plus_months(-2).iso(), "2026-11-30");
    }

    proptest! {
        #[test]
        fn days_round_trip(days in -800_000i64..800_000) {
            let d = Day::from_days(days);
            prop_assert_eq!(d.to_days(), days);
            prop_assert!(Day::new(d.year, d.month, d.day).is_some());
            prop_assert_eq!(d.plus(1).weekday(), (d.weekday() + 1) % 7);
        }
    }
}
