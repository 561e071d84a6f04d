//! Message kinds and the validation of what people send (seed 003 message types).

use super::conversation::Notice;

/// Seed 003 `sender_type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SenderType {
    Customer = 1,
    Agent = 2,
}

impl SenderType {
    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Self::Customer),
            2 => Some(Self::Agent),
            _ => None,
        }
    }
}

/// What a message carries; the seed's `type` is [`Body::kind`].
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Audio {
        path: String,
        len_secs: i64,
    },
    Image {
        path: String,
    },
    Text(String),
    Notice(Notice),
    /// The customer's rating of a finished conversation: a notice too.
    Rating(super::rating::Rating),
}

impl Body {
    /// Seed 003 `type`: 1 audio, 2 image, 3 text, 4 notice.
    pub fn kind(&self) -> i64 {
        match self {
            Body::Audio { .. } => 1,
            Body::Image { .. } => 2,
            Body::Text(_) => 3,
            Body::Notice(_) | Body::Rating(_) => 4,
        }
    }
}

/// The line a question list shows for a stored message of seed `kind`
/// (`last_mess_text`): the text itself, or a placeholder for media.
pub fn summary(kind: i64, text: Option<&str>) -> String {
    match kind {
        1 => "[语音]".to_owned(),
        2 => "[图片]".to_owned(),
        _ => text.unwrap_or_default().to_owned(),
    }
}

/// The name of the event a stored message makes (sockets, webhooks): chat
/// messages are `message`; notices are named by their seed 003 `action`.
pub fn event_name(kind: i64, action: Option<i64>) -> &'static str {
    match (kind, action) {
        (4, Some(1)) => "assigned",
        (4, Some(2)) => "quit",
        (4, Some(3)) => "finish_requested",
        (4, Some(4)) => "finished",
        (4, Some(5)) => "timed_out",
        (4, Some(6)) => "reopened",
        (4, Some(7)) => "transferred",
        (4, Some(super::rating::RATED)) => "rated",
        (4, _) => "notice",
        _ => "message",
    }
}

/// Every name [`event_name`] gives.
pub const EVENT_NAMES: [&str; 10] = [
    "message",
    "assigned",
    "quit",
    "finish_requested",
    "finished",
    "timed_out",
    "reopened",
    "transferred",
    "rated",
    "notice",
];

/// Longest text message, in characters.
pub const MAX_TEXT_CHARS: usize = 5000;
/// Longest client message id, in characters.
pub const MAX_CLIENT_MSG_ID: usize = 64;

/// Checks a text message: not blank, not longer than [`MAX_TEXT_CHARS`].
pub fn validate_text(text: &str) -> Result<&str, &'static str> {
    if text.trim().is_empty() {
        return Err("text is empty");
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err("text is longer than 5000 characters");
    }
    Ok(text)
}

/// Checks a client message id: 1–64 printable ASCII characters.
pub fn validate_client_msg_id(id: &str) -> Result<&str, &'static str> {
    if id.is_empty() || id.len() > MAX_CLIENT_MSG_ID {
        return Err("client_msg_id must be 1 to 64 characters");
    }
    if !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err("client_msg_id must be printable ASCII");
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_the_seed() {
        assert_eq!(
            Body::Audio {
                path: String::new(),
                len_secs: 3
            }
            .kind(),
            1
        );
        assert_eq!(
            Body::Image {
                path: String::new()
            }
            .kind(),
            2
        );
        assert_eq!(Body::Text("hi".into()).kind(), 3);
        assert_eq!(Body::Notice(Notice::Finished).kind(), 4);
    }

    #[test]
    fn lists_show_text_or_a_media_placeholder() {
        assert_eq!(summary(3, Some("你好")), "你好");
        assert_eq!(summary(2, None), "[图片]");
        assert_eq!(summary(1, None), "[语音]");
    }

    #[test]
    fn text_must_be_present_and_bounded() {
        assert!(validate_text("  ").is_err());
        assert!(validate_text(&"字".repeat(5000)).is_ok());
        assert!(validate_text(&"字".repeat(5001)).is_err());
    }

    #[test]
    fn client_ids_are_short_printable_ascii() {
        assert!(validate_client_msg_id("retry-1").is_ok());
        assert!(validate_client_msg_id("").is_err());
        assert!(validate_client_msg_id("a b").is_err());
        assert!(validate_client_msg_id(&"x".repeat(65)).is_err());
    }
}
