//! What an agent's profile may hold (seed 002 `support`), and who may change
//! what: an admin edits anyone; an agent edits only its own profile and never
//! its role, departments or recycle-bin state.

/// Seed 002 `gnder`: 1 female (the default), 2 male.
pub const GENDERS: [i64; 2] = [1, 2];

/// The form of a searchable field (account, name, number, mobile) that
/// search compares: Unicode lowercase, the same on every backend (SQLite's
/// own LOWER folds ASCII only), so `name:ärger` finds "Ärger".
pub fn search_key(text: &str) -> String {
    text.to_lowercase()
}

/// Checks one profile text field; `Err` says what is expected.
pub fn validate_field(field: &str, value: &str) -> Result<(), &'static str> {
    let len = value.chars().count();
    if value.chars().any(char::is_control) {
        return Err("must not contain control characters");
    }
    let phone = |v: &str| v.chars().all(|c| c.is_ascii_digit() || "+-() ".contains(c));
    let (ok, expected) = match field {
        "sPassportName" => (
            (1..=20).contains(&len) && !value.contains(':') && value.trim() == value,
            "must be 1 to 20 characters, without ':' or surrounding spaces",
        ),
        "sNum" => (
            !value.trim().is_empty() && len <= 20,
            "must be 1 to 20 characters",
        ),
        "name" => (len <= 50, "must be at most 50 characters"),
        "email" => (
            len <= 100 && (value.is_empty() || looks_like_email(value)),
            "must be an e-mail address of at most 100 characters",
        ),
        "fixnumber" | "mobile" => (
            len <= 30 && phone(value),
            "must be a phone number of at most 30 digits, '+', '-', '(', ')' or spaces",
        ),
        "QQ" => (
            len <= 20 && value.chars().all(|c| c.is_ascii_digit()),
            "must be at most 20 digits",
        ),
        _ => (true, ""),
    };
    if ok {
        Ok(())
    } else {
        Err(expected)
    }
}

fn looks_like_email(value: &str) -> bool {
    match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !value.contains(' ')
        }
        None => false,
    }
}

/// Whether `caller` may change the profile of agent `target`, touching the
/// privileged fields (`isAdmin`, `groupId`, `isStat`) or not.
pub fn may_edit(caller_id: i64, caller_is_admin: bool, target: i64, privileged: bool) -> bool {
    caller_is_admin || (caller_id == target && !privileged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_short_and_usable_in_basic_auth() {
        assert!(validate_field("sPassportName", "13039209552").is_ok());
        assert!(validate_field("sPassportName", "张三").is_ok());
        assert!(validate_field("sPassportName", "").is_err());
        assert!(validate_field("sPassportName", "a:b").is_err());
        assert!(validate_field("sPassportName", " a").is_err());
        assert!(validate_field("sPassportName", &"x".repeat(21)).is_err());
    }

    #[test]
    fn contact_fields_have_their_shapes() {
        assert!(validate_field("email", "601100987@gnway.com").is_ok());
        assert!(validate_field("email", "").is_ok());
        assert!(validate_field("email", "not-an-address").is_err());
        assert!(validate_field("fixnumber", "010-63701717-8280").is_ok());
        assert!(validate_field("mobile", "13240139489").is_ok());
        assert!(validate_field("mobile", "call me").is_err());
        assert!(validate_field("QQ", "601100987").is_ok());
        assert!(validate_field("QQ", "60a").is_err());
        assert!(validate_field("sNum", "").is_err());
        assert!(validate_field("name", &"名".repeat(51)).is_err());
        assert!(validate_field("name", "tab\there").is_err());
    }

    #[test]
    fn only_admins_touch_other_agents_or_privileged_fields() {
        assert!(may_edit(1, true, 2, true));
        assert!(may_edit(2, false, 2, false));
        assert!(!may_edit(2, false, 2, true));
        assert!(!may_edit(2, false, 3, false));
    }
}
