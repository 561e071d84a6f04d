//! The domain's text parsers: cursor ids and paging, calendar dates, times
//! and date-times, dutyIds, links, origins, labels, titles, message texts,
//! client message ids and profile fields; with the round trips they promise
//! (what parses prints back to itself, or to a text that parses the same).
//!
//! Input: text; each parser gets all of it, and paging also gets it split
//! into lines (page, num, cursor, sort).
#![no_main]

use kefu::domain::calendar::{parse_to_unix, Date, LocalDateTime, TimeOfDay, UtcOffset};
use kefu::domain::origin::Origin;
use kefu::domain::paging::{Id, Order, PageRequest};
use kefu::domain::schedule::{duty_id, parse_duty_id};
use kefu::domain::{agent, link, message, question, schedule};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    if let Ok(id) = Id::parse(text) {
        assert_eq!(id.as_str(), text.to_ascii_lowercase());
        assert_eq!(Id::parse(id.as_str()), Ok(id.clone()));
    }
    let _ = Order::parse(text);
    let mut lines = text.split('\n');
    let mut line = || lines.next().filter(|l| !l.is_empty());
    let (page, num, cursor, sort) = (line(), line(), line(), line());
    if let Ok(request) = PageRequest::parse(page, num, cursor, sort, "message_id") {
        assert!((1..=50).contains(&request.limit) && request.offset <= 50 * 50);
    }

    if let Some(date) = Date::parse(text) {
        assert_eq!(date.to_string(), text);
        assert_eq!(
            Date::from_days_since_epoch(date.days_since_epoch()),
            Some(date)
        );
    }
    if let Some(time) = TimeOfDay::parse(text) {
        assert_eq!(TimeOfDay::parse(&time.to_string()), Some(time));
    }
    if let Some(local) = LocalDateTime::parse(text) {
        assert_eq!(LocalDateTime::parse(&local.to_string()), Some(local));
        for minutes in [-840, 0, 480, 840] {
            let offset = UtcOffset::from_minutes(minutes).expect("a valid offset");
            let unix = parse_to_unix(text, offset).expect("it parsed");
            let back = LocalDateTime::from_unix(unix, offset);
            // The offset may carry the instant past year 9999 or before 1900.
            assert!(back.is_none() || back == Some(local), "{text} at {minutes}");
        }
    }
    if let Some((agent_id, date, suffix)) = parse_duty_id(text) {
        assert_eq!(duty_id(agent_id, date, suffix), text);
    }

    let _ = link::validate_link(text);
    if let Ok(origin) = Origin::parse(text) {
        assert_eq!(Origin::parse(origin.as_str()), Ok(origin.clone()));
        assert!(origin.matches(origin.as_str()));
    }
    let _ = kefu::domain::origin::parse_list(&[text.to_owned()]);

    let _ = question::validate_title(text);
    let _ = question::validate_label(text);
    if let Ok(labels) = question::parse_labels(text) {
        assert!(labels.len() <= question::MAX_LABELS);
    }
    let _ = message::validate_text(text);
    let _ = message::validate_client_msg_id(text);
    for field in ["sPassportName", "sNum", "name", "email", "mobile", "QQ"] {
        let _ = agent::validate_field(field, text);
    }
    let _ = schedule::validate_text(text, text, text);
});
