//! What a customer may put in a new question: its title and labels.

/// Longest question title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Most labels on one question, and the longest label.
pub const MAX_LABELS: usize = 10;
pub const MAX_LABEL_CHARS: usize = 32;

pub fn validate_title(title: &str) -> Result<&str, &'static str> {
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err("title is longer than 200 characters");
    }
    Ok(title)
}

/// Parses seed 003's label list, a JSON array of strings such as
/// `'["激活","安卓4.3"]'`. Duplicates are dropped, order is kept.
pub fn parse_labels(raw: &str) -> Result<Vec<String>, &'static str> {
    const SHAPE: &str = "label must be a JSON list of strings, e.g. [\"激活\",\"安卓4.3\"]";
    let parsed: Vec<String> = serde_json::from_str(raw).map_err(|_| SHAPE)?;
    let mut labels: Vec<String> = Vec::with_capacity(parsed.len());
    for label in parsed {
        validate_label(&label)?;
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    if labels.len() > MAX_LABELS {
        return Err("at most 10 labels");
    }
    Ok(labels)
}

/// One label: 1–32 characters, not blank.
pub fn validate_label(label: &str) -> Result<&str, &'static str> {
    if label.trim().is_empty() || label.chars().count() > MAX_LABEL_CHARS {
        return Err("each label must be 1 to 32 characters");
    }
    Ok(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_a_json_list_of_short_strings() {
        assert_eq!(
            parse_labels(r#"["激活","安卓4.3","激活"]"#).unwrap(),
            vec!["激活".to_owned(), "安卓4.3".to_owned()]
        );
        assert_eq!(parse_labels("[]").unwrap(), Vec::<String>::new());
        assert!(parse_labels("激活").is_err());
        assert!(parse_labels("[1,2]").is_err());
        assert!(parse_labels(r#"[""]"#).is_err());
        assert!(parse_labels(&format!("[\"{}\"]", "x".repeat(33))).is_err());
        let eleven: Vec<String> = (0..11).map(|i| format!("l{i}")).collect();
        assert!(parse_labels(&serde_json::to_string(&eleven).unwrap()).is_err());
    }

    #[test]
    fn titles_are_bounded() {
        assert!(validate_title("").is_ok());
        assert!(validate_title(&"问".repeat(200)).is_ok());
        assert!(validate_title(&"问".repeat(201)).is_err());
    }
}
