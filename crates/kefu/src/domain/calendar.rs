//! Dates and times as seed 002 writes them: "2023-12-01", "15:00" and
//! "2018-02-03 00:00:00" in the tenant's local time (a fixed UTC offset).
//!
//! No calendar crate: the civil-date arithmetic is Howard Hinnant's
//! `days_from_civil` / `civil_from_days`, restricted to years 1900–9999 so that
//! every value prints as four digits and no arithmetic can overflow.

use std::fmt;

const SECS_PER_DAY: i64 = 86_400;
const MIN_YEAR: i32 = 1900;
const MAX_YEAR: i32 = 9999;
/// Days since 1970-01-01 of 1900-01-01 and 9999-12-31.
const MIN_DAYS: i64 = days_from_civil(MIN_YEAR as i64, 1, 1);
const MAX_DAYS: i64 = days_from_civil(MAX_YEAR as i64, 12, 31);

const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day); callers keep `days` within `MIN_DAYS..=MAX_DAYS`.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A short run of ASCII digits (no sign, no spaces) as a number.
fn digits(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(s.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
}

/// "HH:MM" or "HH:MM:SS" as seconds since midnight (hour 00–23, 00–59 others).
fn parse_clock(s: &[u8]) -> Option<u32> {
    let (hm, sec) = match s.len() {
        5 => (s, 0),
        8 if s[5] == b':' => (&s[..5], digits(&s[6..8])?),
        _ => return None,
    };
    if hm[2] != b':' {
        return None;
    }
    let (hour, minute) = (digits(&hm[..2])?, digits(&hm[3..5])?);
    (hour < 24 && minute < 60 && sec < 60).then_some(hour * 3600 + minute * 60 + sec)
}

/// A calendar date, year 1900..=9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        let valid = (MIN_YEAR..=MAX_YEAR).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month);
        // Both fit in u8 once validated.
        valid.then_some(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }

    /// Exactly "YYYY-MM-DD" (4-2-2 digits) naming a real date.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = i32::try_from(digits(&b[..4])?).ok()?;
        Date::new(year, digits(&b[5..7])?, digits(&b[8..10])?)
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn month(&self) -> u32 {
        u32::from(self.month)
    }

    pub fn day(&self) -> u32 {
        u32::from(self.day)
    }

    /// Days since 1970-01-01 (which is 0).
    pub fn days_since_epoch(&self) -> i64 {
        days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        )
    }

    /// None outside years 1900..=9999.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        if !(MIN_DAYS..=MAX_DAYS).contains(&days) {
            return None;
        }
        let (y, m, d) = civil_from_days(days);
        Date::new(
            i32::try_from(y).ok()?,
            u32::try_from(m).ok()?,
            u32::try_from(d).ok()?,
        )
    }

    pub fn add_days(&self, days: i64) -> Option<Date> {
        Date::from_days_since_epoch(self.days_since_epoch().checked_add(days)?)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A time of day with minute precision (schedules need no more).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    pub fn new(hour: u32, minute: u32) -> Option<TimeOfDay> {
        (hour < 24 && minute < 60).then(|| TimeOfDay((hour * 60 + minute) as u16))
    }

    /// "HH:MM", or "HH:MM:00" (seconds other than 00 are refused).
    pub fn parse(s: &str) -> Option<TimeOfDay> {
        let secs = parse_clock(s.as_bytes())?;
        (secs % 60 == 0).then_some(TimeOfDay((secs / 60) as u16))
    }

    /// Minutes since midnight, 0..1440.
    pub fn minutes(&self) -> u32 {
        u32::from(self.0)
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// A UTC offset in minutes, -14h..=+14h.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UtcOffset(i32);

impl UtcOffset {
    pub const CHINA: UtcOffset = UtcOffset(480);

    pub fn from_minutes(m: i64) -> Option<UtcOffset> {
        (-840..=840).contains(&m).then_some(UtcOffset(m as i32))
    }

    pub fn minutes(&self) -> i32 {
        self.0
    }
}

/// A local date and time of day (to the second) in some offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LocalDateTime {
    pub date: Date,
    /// Seconds since local midnight, 0..86400.
    pub seconds: u32,
}

impl LocalDateTime {
    /// From Unix seconds (fractions truncated toward -inf) in the given offset;
    /// None for NaN, infinities and instants outside years 1900..=9999.
    pub fn from_unix(unix: f64, offset: UtcOffset) -> Option<LocalDateTime> {
        let floor = unix.floor();
        // Far beyond the supported years but well inside i64: the cast is exact.
        if !(-1e13..=1e13).contains(&floor) {
            return None;
        }
        let local = (floor as i64).checked_add(i64::from(offset.0) * 60)?;
        let date = Date::from_days_since_epoch(local.div_euclid(SECS_PER_DAY))?;
        let seconds = u32::try_from(local.rem_euclid(SECS_PER_DAY)).ok()?;
        Some(LocalDateTime { date, seconds })
    }

    pub fn to_unix(&self, offset: UtcOffset) -> f64 {
        let local = self.date.days_since_epoch() * SECS_PER_DAY + i64::from(self.seconds);
        (local - i64::from(offset.0) * 60) as f64
    }

    /// Minute precision (floor).
    pub fn time_of_day(&self) -> TimeOfDay {
        TimeOfDay((self.seconds / 60).min(1439) as u16)
    }

    /// "YYYY-MM-DD HH:MM:SS" (or with 'T' for the space); a bare "YYYY-MM-DD"
    /// means its midnight.
    pub fn parse(s: &str) -> Option<LocalDateTime> {
        let b = s.as_bytes();
        match b.len() {
            10 => Some(LocalDateTime {
                date: Date::parse(s)?,
                seconds: 0,
            }),
            19 if b[10] == b' ' || b[10] == b'T' => Some(LocalDateTime {
                date: Date::parse(s.get(..10)?)?,
                seconds: parse_clock(&b[11..])?,
            }),
            _ => None,
        }
    }
}

impl fmt::Display for LocalDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.seconds;
        write!(
            f,
            "{} {:02}:{:02}:{:02}",
            self.date,
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    }
}

/// Unix seconds as seed 002's "YYYY-MM-DD HH:MM:SS" in the offset ("" when out of range).
pub fn format_unix(unix: f64, offset: UtcOffset) -> String {
    LocalDateTime::from_unix(unix, offset).map_or_else(String::new, |t| t.to_string())
}

/// Seed 002's "YYYY-MM-DD HH:MM:SS" (or "YYYY-MM-DD") in the offset as Unix seconds.
pub fn parse_to_unix(s: &str, offset: UtcOffset) -> Option<f64> {
    LocalDateTime::parse(s).map(|t| t.to_unix(offset))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn off(m: i64) -> UtcOffset {
        UtcOffset::from_minutes(m).unwrap()
    }

    #[test]
    fn dates_validate_leap_years_and_month_ends() {
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2000, 2, 29).is_some());
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(1900, 2, 29).is_none());
        assert!(Date::new(2100, 2, 29).is_none());
        assert!(Date::new(2023, 4, 31).is_none());
        assert!(Date::new(2023, 12, 31).is_some());
        for (y, m, d) in [
            (2023, 0, 1),
            (2023, 13, 1),
            (2023, 1, 0),
            (2023, 1, 32),
            (1899, 12, 31),
        ] {
            assert!(Date::new(y, m, d).is_none(), "{y}-{m}-{d}");
        }
        assert!(Date::new(10000, 1, 1).is_none());
        assert!(Date::new(i32::MIN, u32::MAX, u32::MAX).is_none());
        let d = Date::new(1900, 1, 1).unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (1900, 1, 1));
    }

    #[test]
    fn date_parsing_is_strict() {
        assert_eq!(date("2023-12-01").to_string(), "2023-12-01");
        assert_eq!(date("9999-12-31").to_string(), "9999-12-31");
        for bad in concat!(
            "|2023-12-1|2023-1-01|23-12-01|2023/12/01|2023-12-01 | 2023-12-01|",
            "+023-12-01|2023-+2-01|2023-12--1|2023-02-30|1899-12-31|2023-00-10|",
            "２０２３-12-01|2023-12-0١|20231201|2023-12-01T00:00:00"
        )
        .split('|')
        {
            assert_eq!(Date::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn epoch_days_round_trip() {
        assert_eq!(date("1970-01-01").days_since_epoch(), 0);
        assert_eq!(date("1969-12-31").days_since_epoch(), -1);
        assert_eq!(date("2000-03-01").days_since_epoch(), 11_017);
        assert_eq!(date("1900-01-01").days_since_epoch(), -25_567);
        assert_eq!(date("9999-12-31").days_since_epoch(), 2_932_896);
        for days in (MIN_DAYS..=MAX_DAYS).step_by(97) {
            assert_eq!(
                Date::from_days_since_epoch(days)
                    .unwrap()
                    .days_since_epoch(),
                days
            );
        }
        assert_eq!(Date::from_days_since_epoch(MIN_DAYS - 1), None);
        assert_eq!(Date::from_days_since_epoch(MAX_DAYS + 1), None);
        assert_eq!(Date::from_days_since_epoch(i64::MIN), None);
        assert_eq!(Date::from_days_since_epoch(i64::MAX), None);
    }

    #[test]
    fn adding_days_crosses_months_years_and_leap_days() {
        assert_eq!(date("2024-02-28").add_days(1), Some(date("2024-02-29")));
        assert_eq!(date("2023-02-28").add_days(1), Some(date("2023-03-01")));
        assert_eq!(date("2023-12-31").add_days(1), Some(date("2024-01-01")));
        assert_eq!(date("2024-03-01").add_days(-1), Some(date("2024-02-29")));
        assert_eq!(date("2023-01-31").add_days(365), Some(date("2024-01-31")));
        assert_eq!(date("9999-12-31").add_days(1), None);
        assert_eq!(date("1900-01-01").add_days(-1), None);
        assert_eq!(date("2023-01-01").add_days(i64::MAX), None);
        assert_eq!(date("2023-01-01").add_days(i64::MIN), None);
        assert!(date("2023-12-31") < date("2024-01-01"));
    }

    #[test]
    fn times_of_day_have_two_digit_fields() {
        assert_eq!(TimeOfDay::parse("15:00"), TimeOfDay::new(15, 0));
        assert_eq!(TimeOfDay::parse("00:00").unwrap().minutes(), 0);
        assert_eq!(TimeOfDay::parse("23:59:00").unwrap().minutes(), 1439);
        assert_eq!(TimeOfDay::new(9, 5).unwrap().to_string(), "09:05");
        assert_eq!(TimeOfDay::new(24, 0), None);
        assert_eq!(TimeOfDay::new(0, 60), None);
        for bad in concat!(
            "|9:00|09:0|24:00|12:60|12:00:01|12:00:60|12:00:|1200|12-00| 12:00|",
            "12:00 |+1:00|12:00:00:00|１２:00|12:00Z"
        )
        .split('|')
        {
            assert_eq!(TimeOfDay::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn offsets_are_bounded() {
        assert_eq!(UtcOffset::from_minutes(480), Some(UtcOffset::CHINA));
        assert_eq!(off(-330).minutes(), -330);
        assert!(UtcOffset::from_minutes(840).is_some());
        assert!(UtcOffset::from_minutes(-840).is_some());
        assert!(UtcOffset::from_minutes(841).is_none());
        assert!(UtcOffset::from_minutes(-841).is_none());
        assert!(UtcOffset::from_minutes(i64::MIN).is_none());
    }

    #[test]
    fn unix_to_local_crosses_midnight_both_ways() {
        // 2023-12-31 20:00:00 UTC
        let t = 1_704_052_800.0;
        assert_eq!(format_unix(t, off(0)), "2023-12-31 20:00:00");
        assert_eq!(format_unix(t, UtcOffset::CHINA), "2024-01-01 04:00:00");
        // 2024-03-01 02:10:00 UTC is still Feb 29 at -5h30.
        let t = 1_709_259_000.0;
        assert_eq!(format_unix(t, off(-330)), "2024-02-29 20:40:00");
        assert_eq!(format_unix(0.0, off(-330)), "1969-12-31 18:30:00");
        assert_eq!(format_unix(0.0, UtcOffset::CHINA), "1970-01-01 08:00:00");
    }

    #[test]
    fn fractions_truncate_toward_minus_infinity() {
        assert_eq!(format_unix(1.999, off(0)), "1970-01-01 00:00:01");
        assert_eq!(format_unix(-0.5, off(0)), "1969-12-31 23:59:59");
        let t = LocalDateTime::from_unix(59.9, off(0)).unwrap();
        assert_eq!(t.time_of_day(), TimeOfDay::new(0, 0).unwrap());
        assert_eq!(
            LocalDateTime::from_unix(3599.0, off(0))
                .unwrap()
                .time_of_day()
                .to_string(),
            "00:59"
        );
    }

    #[test]
    fn out_of_range_instants_format_as_empty() {
        for t in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1e300,
            -1e300,
            f64::MAX,
            1e13,
        ] {
            assert_eq!(format_unix(t, off(0)), "", "{t}");
        }
        let last = parse_to_unix("9999-12-31 23:59:59", off(0)).unwrap();
        assert_eq!(format_unix(last, off(0)), "9999-12-31 23:59:59");
        assert_eq!(format_unix(last, UtcOffset::CHINA), "");
        let first = parse_to_unix("1900-01-01", off(0)).unwrap();
        assert_eq!(format_unix(first, off(-60)), "");
        assert_eq!(format_unix(first, off(60)), "1900-01-01 01:00:00");
    }

    #[test]
    fn seed_002_strings_round_trip() {
        let t = parse_to_unix("2018-02-03 00:00:00", UtcOffset::CHINA).unwrap();
        assert_eq!(t, 1_517_587_200.0);
        assert_eq!(format_unix(t, UtcOffset::CHINA), "2018-02-03 00:00:00");
        assert_eq!(parse_to_unix("2018-02-03", UtcOffset::CHINA), Some(t));
        assert_eq!(
            parse_to_unix("2018-02-03T00:00:00", UtcOffset::CHINA),
            Some(t)
        );
        assert_eq!(parse_to_unix("2018-02-02 16:00:00", off(0)), Some(t));
        let l = LocalDateTime::parse("2024-02-29 23:59:59").unwrap();
        assert_eq!((l.date, l.seconds), (date("2024-02-29"), 86_399));
        assert_eq!(l.to_string(), "2024-02-29 23:59:59");
        assert_eq!(
            LocalDateTime::from_unix(l.to_unix(off(-330)), off(-330)),
            Some(l)
        );
        assert!(LocalDateTime::parse("2024-03-01 00:00:00").unwrap() > l);
    }

    #[test]
    fn bad_date_times_are_refused() {
        for bad in concat!(
            "|2018-02-03 |2018-02-03 00:00|2018-02-03 24:00:00|",
            "2018-02-03 00:60:00|2018-02-03 00:00:60|2018-02-03_00:00:00|",
            "2018-02-30 00:00:00|2018-02-03 00:00:00Z|2018-02-03 00:00:00.5|",
            "2018-02-03t00:00:00|2018-02-03 0:00:000|2018-02-03 00-00-00|",
            "2018-02-03 00:00:é|2018-02-0é00:00:00|2018-02-03 +0:00:00"
        )
        .split('|')
        {
            assert_eq!(LocalDateTime::parse(bad), None, "{bad:?}");
            assert_eq!(parse_to_unix(bad, UtcOffset::CHINA), None, "{bad:?}");
        }
    }
}
