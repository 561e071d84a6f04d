//! A webhook's event filter: a non-empty list of event names
//! ([`crate::domain::message::EVENT_NAMES`]) or `["*"]` for all of them.
//! Stored as the names joined by commas (`message,finished`) or `*`.

use crate::domain::message::EVENT_NAMES;

/// The filter that lets every event through.
pub const ALL: &str = "*";

/// Checks the names an admin sent and gives the filter to store: the names
/// once each, in the order of [`EVENT_NAMES`]. Err says what is wrong.
pub fn parse(names: &[String]) -> Result<String, String> {
    let names: Vec<&str> = names.iter().map(|n| n.trim()).collect();
    if names.is_empty() {
        return Err("events must list at least one event name, or \"*\" for all".into());
    }
    if names.contains(&ALL) {
        return if names.iter().all(|n| *n == ALL) {
            Ok(ALL.to_owned())
        } else {
            Err("events: \"*\" already means every event; send it alone".into())
        };
    }
    if let Some(unknown) = names.iter().find(|n| !EVENT_NAMES.contains(n)) {
        return Err(format!(
            "events: unknown event {unknown:?}; use {} or \"*\"",
            EVENT_NAMES.join(", ")
        ));
    }
    let kept: Vec<&str> = EVENT_NAMES
        .iter()
        .copied()
        .filter(|name| names.contains(name))
        .collect();
    Ok(kept.join(","))
}

/// The names of a stored filter, as admins see them (`["*"]` for all).
pub fn names(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Whether a stored filter lets the event `name` through.
pub fn matches(stored: &str, name: &str) -> bool {
    stored == ALL || stored.split(',').any(|n| n == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn names_are_checked_deduplicated_and_ordered() {
        assert_eq!(
            parse(&list(&["finished", "message", "finished"])),
            Ok("message,finished".to_owned())
        );
        assert_eq!(parse(&list(&["*"])), Ok("*".to_owned()));
        assert!(parse(&list(&[])).is_err());
        assert!(parse(&list(&["mesage"])).is_err_and(|e| e.contains("\"mesage\"")));
        assert!(parse(&list(&["*", "message"])).is_err());
    }

    #[test]
    fn a_filter_lets_through_what_it_names() {
        assert!(matches("message,finished", "finished"));
        assert!(!matches("message,finished", "assigned"));
        assert!(matches("*", "transferred"));
        assert_eq!(names("message,finished"), list(&["message", "finished"]));
        assert_eq!(names("*"), list(&["*"]));
    }
}
