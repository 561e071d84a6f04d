//! Seed 003 paging: `page` 0–50, `num` 1–50 (default 20), a 24-character cursor id
//! and `sort` 1 (oldest first) or −1 (newest first, the default).
//!
//! A cursor wins over `page`: with a cursor the page starts right after it, so
//! deep lists stay index-only; `page` is an offset bounded to 50 × 50 rows.

use std::fmt;

/// A 24-character, time-ordered id (lowercase hex): messages, questions, templates.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(String);

impl Id {
    pub const LEN: usize = 24;

    /// Accepts 24 hex digits in either case.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        if raw.len() != Self::LEN || !raw.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("must be a 24-character id");
        }
        Ok(Self(raw.to_ascii_lowercase()))
    }

    /// Wraps an id the server made itself.
    pub fn trusted(raw: String) -> Self {
        Self(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// `sort=1`
    OldestFirst,
    /// `sort=-1`, the default
    NewestFirst,
}

impl Order {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw.trim() {
            "1" => Ok(Self::OldestFirst),
            "-1" => Ok(Self::NewestFirst),
            _ => Err("sort must be 1 or -1"),
        }
    }
}

pub const MAX_PAGE: u32 = 50;
pub const MAX_NUM: u32 = 50;
pub const DEFAULT_NUM: u32 = 20;

/// One page to read: after `cursor` if given, else skipping `offset` rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest {
    pub cursor: Option<Id>,
    pub offset: u32,
    pub limit: u32,
    pub order: Order,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            cursor: None,
            offset: 0,
            limit: DEFAULT_NUM,
            order: Order::NewestFirst,
        }
    }
}

/// Which parameter of a page request was wrong, and why.
pub type FieldError = (&'static str, &'static str);

impl PageRequest {
    /// Builds a page request from the raw seed parameters; `cursor_field` is the
    /// parameter that carries the cursor (`question_id`, `message_id`, `item_id`).
    pub fn parse(
        page: Option<&str>,
        num: Option<&str>,
        cursor: Option<&str>,
        sort: Option<&str>,
        cursor_field: &'static str,
    ) -> Result<Self, FieldError> {
        let page = match page {
            None => 0,
            Some(raw) => {
                parse_in_range(raw, 0, MAX_PAGE).ok_or(("page", "page must be 0 to 50"))?
            }
        };
        let limit = match num {
            None => DEFAULT_NUM,
            Some(raw) => parse_in_range(raw, 1, MAX_NUM).ok_or(("num", "num must be 1 to 50"))?,
        };
        let cursor = cursor
            .map(Id::parse)
            .transpose()
            .map_err(|why| (cursor_field, why))?;
        let order = sort
            .map(Order::parse)
            .transpose()
            .map_err(|why| ("sort", why))?
            .unwrap_or(Order::NewestFirst);
        let offset = if cursor.is_some() { 0 } else { page * limit };
        Ok(Self {
            cursor,
            offset,
            limit,
            order,
        })
    }
}

fn parse_in_range(raw: &str, min: u32, max: u32) -> Option<u32> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| (min..=max).contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(
        page: Option<&str>,
        num: Option<&str>,
        cursor: Option<&str>,
        sort: Option<&str>,
    ) -> Result<PageRequest, FieldError> {
        PageRequest::parse(page, num, cursor, sort, "question_id")
    }

    #[test]
    fn defaults_are_first_page_of_twenty_newest_first() {
        assert_eq!(parse(None, None, None, None), Ok(PageRequest::default()));
    }

    #[test]
    fn page_and_num_are_bounded() {
        assert_eq!(parse(Some("51"), None, None, None).unwrap_err().0, "page");
        assert_eq!(parse(Some("-1"), None, None, None).unwrap_err().0, "page");
        assert_eq!(parse(None, Some("0"), None, None).unwrap_err().0, "num");
        assert_eq!(parse(None, Some("51"), None, None).unwrap_err().0, "num");
        assert_eq!(parse(None, Some("x"), None, None).unwrap_err().0, "num");
        let p = parse(Some("50"), Some("50"), None, Some("1")).unwrap();
        assert_eq!(p.offset, 2500);
        assert_eq!(p.order, Order::OldestFirst);
    }

    #[test]
    fn a_cursor_is_24_hex_and_replaces_the_offset() {
        let id = "0123456789abcdef01234567";
        let p = parse(Some("3"), None, Some(id), None).unwrap();
        assert_eq!(p.cursor.unwrap().as_str(), id);
        assert_eq!(p.offset, 0);
        assert_eq!(
            parse(None, None, Some("short"), None).unwrap_err().0,
            "question_id"
        );
        assert_eq!(
            parse(None, None, Some("zz23456789abcdef01234567"), None)
                .unwrap_err()
                .0,
            "question_id"
        );
        assert_eq!(
            Id::parse("0123456789ABCDEF01234567").unwrap().as_str(),
            "0123456789abcdef01234567"
        );
    }

    #[test]
    fn sort_is_one_or_minus_one() {
        assert_eq!(parse(None, None, None, Some("0")).unwrap_err().0, "sort");
        assert_eq!(
            parse(None, None, None, Some("-1")).unwrap().order,
            Order::NewestFirst
        );
    }
}
