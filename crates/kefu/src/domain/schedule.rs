//! Duty schedules (排班, seed 002): per agent and date, a list of shifts with a
//! name, a remark, hours ("15:00"–"18:00") and an optional link.
//!
//! Shifts never cross midnight, a shift that has started can no longer be
//! deleted, and an agent with shifts today takes chats only inside one of them.
//! Times are the tenant's local time; "now" is always passed in.

use super::calendar::{Date, LocalDateTime, TimeOfDay};

pub const MAX_NAME_CHARS: usize = 30;
pub const MAX_REMARK_CHARS: usize = 200;

/// Longest `dutyId` suffix (seed 002 uses 13 hex digits).
const MAX_SUFFIX_CHARS: usize = 32;

/// A shift's hours on its day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shift {
    pub start: TimeOfDay,
    pub end: TimeOfDay,
}

impl Shift {
    /// Shifts do not cross midnight, so the end must be strictly after the start.
    pub fn new(start: TimeOfDay, end: TimeOfDay) -> Result<Shift, &'static str> {
        if end <= start {
            return Err("end_time must be after start_time");
        }
        Ok(Shift { start, end })
    }

    /// start <= t < end.
    pub fn contains(&self, t: TimeOfDay) -> bool {
        self.start <= t && t < self.end
    }
}

/// Validates the free-text parts; Err is (field, reason), field one of "name",
/// "remark", "url". The name holds no control characters; the remark may hold
/// line breaks and tabs; the url is empty (none) or an http(s) link without
/// whitespace or control characters.
pub fn validate_text(
    name: &str,
    remark: &str,
    url: &str,
) -> Result<(), (&'static str, &'static str)> {
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(("name", "must be at most 30 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(("name", "must not contain control characters"));
    }
    if remark.chars().count() > MAX_REMARK_CHARS {
        return Err(("remark", "must be at most 200 characters"));
    }
    if remark
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(("remark", "must not contain control characters"));
    }
    if url.is_empty() {
        return Ok(());
    }
    super::link::validate_link(url).map_err(|why| ("url", why))
}

/// Whether an agent may take chats now given today's shifts (none = not restricted).
pub fn on_duty(todays_shifts: &[Shift], now: TimeOfDay) -> bool {
    todays_shifts.is_empty() || todays_shifts.iter().any(|s| s.contains(now))
}

/// Whether a shift on `date` starting at `start` has begun by `now` (local):
/// date + start <= now.
pub fn has_started(date: Date, start: TimeOfDay, now: LocalDateTime) -> bool {
    (date, start.minutes() * 60) <= (now.date, now.seconds)
}

/// "{agent}_{date}_{suffix}", e.g. "10591_2023-12-04_656d4229600fa"; the caller
/// supplies the suffix (random hex).
pub fn duty_id(agent_id: i64, date: Date, suffix: &str) -> String {
    format!("{agent_id}_{date}_{suffix}")
}

/// Splits a dutyId into (agent id, date, suffix). None when malformed: the
/// agent id is a canonical non-negative decimal, the suffix 1–32 ASCII
/// alphanumerics.
pub fn parse_duty_id(s: &str) -> Option<(i64, Date, &str)> {
    let mut parts = s.splitn(3, '_');
    let (agent, date, suffix) = (parts.next()?, parts.next()?, parts.next()?);
    let canonical = !agent.is_empty()
        && agent.bytes().all(|b| b.is_ascii_digit())
        && (agent == "0" || !agent.starts_with('0'));
    let suffix_ok = (1..=MAX_SUFFIX_CHARS).contains(&suffix.len())
        && suffix.bytes().all(|b| b.is_ascii_alphanumeric());
    if !canonical || !suffix_ok {
        return None;
    }
    Some((agent.parse().ok()?, Date::parse(date)?, suffix))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn t(s: &str) -> TimeOfDay {
        TimeOfDay::parse(s).unwrap()
    }

    fn shift(a: &str, b: &str) -> Shift {
        Shift::new(t(a), t(b)).unwrap()
    }

    #[test]
    fn shifts_end_after_they_start() {
        assert!(Shift::new(t("09:00"), t("09:01")).is_ok());
        assert!(Shift::new(t("00:00"), t("23:59")).is_ok());
        let err = Err("end_time must be after start_time");
        assert_eq!(Shift::new(t("15:00"), t("15:00")), err);
        assert_eq!(Shift::new(t("22:00"), t("02:00")), err);
    }

    #[test]
    fn a_shift_holds_its_start_but_not_its_end() {
        let s = shift("15:00", "18:00");
        assert!(!s.contains(t("14:59")));
        assert!(s.contains(t("15:00")));
        assert!(s.contains(t("17:59")));
        assert!(!s.contains(t("18:00")));
    }

    #[test]
    fn agents_without_shifts_are_not_restricted() {
        assert!(on_duty(&[], t("03:00")));
        let day = [shift("09:00", "12:00"), shift("14:00", "18:00")];
        assert!(on_duty(&day, t("09:00")));
        assert!(on_duty(&day, t("14:30")));
        assert!(!on_duty(&day, t("12:00")));
        assert!(!on_duty(&day, t("13:59")));
        assert!(!on_duty(&day, t("18:00")));
        assert!(!on_duty(&day, t("00:00")));
    }

    #[test]
    fn started_compares_date_and_time() {
        let date = Date::parse("2024-02-29").unwrap();
        let now = |s: &str| LocalDateTime::parse(s).unwrap();
        let start = t("15:00");
        assert!(!has_started(date, start, now("2024-02-29 14:59:59")));
        assert!(has_started(date, start, now("2024-02-29 15:00:00")));
        assert!(has_started(date, start, now("2024-03-01 00:00:00")));
        assert!(!has_started(date, start, now("2024-02-28 23:59:59")));
        assert!(has_started(date, t("00:00"), now("2024-02-29 00:00:00")));
        assert!(!has_started(date, t("23:59"), now("2024-02-29 23:58:59")));
    }

    #[test]
    fn text_limits_count_characters() {
        assert_eq!(validate_text("", "", ""), Ok(()));
        assert_eq!(
            validate_text(&"班".repeat(30), &"注".repeat(200), ""),
            Ok(())
        );
        let long = Err(("name", "must be at most 30 characters"));
        assert_eq!(validate_text(&"班".repeat(31), "", ""), long);
        let long = Err(("remark", "must be at most 200 characters"));
        assert_eq!(validate_text("", &"a".repeat(201), ""), long);
        let url = format!("https://{}", "a".repeat(504));
        assert_eq!(validate_text("", "", &url), Ok(()));
        let long = Err(("url", "must be at most 512 characters"));
        assert_eq!(validate_text("", "", &format!("{url}a")), long);
    }

    #[test]
    fn control_characters_are_refused() {
        let ctl = "must not contain control characters";
        for name in ["早\n班", "a\tb", "a\u{0}", "a\u{7f}", "a\u{85}"] {
            assert_eq!(validate_text(name, "", ""), Err(("name", ctl)), "{name:?}");
        }
        assert_eq!(validate_text("早班", "第一行\r\n第二行\t", ""), Ok(()));
        for remark in ["a\u{0}", "a\u{1b}[31m", "a\u{7f}"] {
            assert_eq!(validate_text("", remark, ""), Err(("remark", ctl)));
        }
    }

    #[test]
    fn urls_are_http_links() {
        for ok in ["http://a.cn", "https://example.com/x?y=1#z", "HTTPS://A.CN"] {
            assert_eq!(validate_text("", "", ok), Ok(()), "{ok}");
        }
        let scheme = Err(("url", "must start with http:// or https://"));
        for bad in [
            "ftp://a.cn",
            "javascript:alert(1)",
            "//a.cn",
            "a.cn",
            " http://a.cn",
            "http:/a",
            "é",
        ] {
            assert_eq!(validate_text("", "", bad), scheme, "{bad}");
        }
        assert_eq!(
            validate_text("", "", "https://"),
            Err(("url", "must name a host"))
        );
        let space = Err(("url", "must not contain spaces or control characters"));
        for bad in [
            "http://a.cn/ x",
            "http://a.cn\n",
            "http://a.cn\u{0}",
            "http://a\u{3000}b",
        ] {
            assert_eq!(validate_text("", "", bad), space, "{bad:?}");
        }
    }

    #[test]
    fn duty_ids_round_trip() {
        let date = Date::parse("2023-12-04").unwrap();
        let id = duty_id(10591, date, "656d4229600fa");
        assert_eq!(id, "10591_2023-12-04_656d4229600fa");
        assert_eq!(parse_duty_id(&id), Some((10591, date, "656d4229600fa")));
        assert_eq!(parse_duty_id("0_2023-12-04_A"), Some((0, date, "A")));
        let max = format!("{}_2023-12-04_{}", i64::MAX, "f".repeat(32));
        assert!(parse_duty_id(&max).is_some());
    }

    #[test]
    fn malformed_duty_ids_are_refused() {
        let bad = concat!(
            "|_|__|10591|10591_2023-12-04|10591_2023-12-04_|_2023-12-04_ab|-1_2023-12-04_ab|",
            "+1_2023-12-04_ab|01_2023-12-04_ab|1 _2023-12-04_ab|1_2023-02-30_ab|1_2023-12-4_ab|",
            "9223372036854775808_2023-12-04_ab|1_2023-12-04_a_b|1_2023-12-04_a-b|1_20231204_ab|",
            "1_2023-12-04_ab |1_2023-12-04_é|1_2023-12-04__ab|１_2023-12-04_ab"
        );
        for s in bad.split('|') {
            assert_eq!(parse_duty_id(s), None, "{s:?}");
        }
        assert_eq!(
            parse_duty_id(&format!("1_2023-12-04_{}", "a".repeat(33))),
            None
        );
    }
}
