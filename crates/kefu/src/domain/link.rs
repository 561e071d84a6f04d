//! Links an admin configures (a shift's page, the tenant's public base URL):
//! an http(s) URL naming a host, of bounded length, with no spaces.

/// Longest link, in characters.
pub const MAX_LINK_CHARS: usize = 512;

/// Checks a non-empty link; Err says what is wrong ("must ...").
pub fn validate_link(url: &str) -> Result<(), &'static str> {
    if url.chars().count() > MAX_LINK_CHARS {
        return Err("must be at most 512 characters");
    }
    let rest = strip_prefix_ignore_case(url, "https://")
        .or_else(|| strip_prefix_ignore_case(url, "http://"));
    match rest {
        None => Err("must start with http:// or https://"),
        Some("") => Err("must name a host"),
        Some(_) if url.chars().any(|c| c.is_whitespace() || c.is_control()) => {
            Err("must not contain spaces or control characters")
        }
        Some(_) => Ok(()),
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}
