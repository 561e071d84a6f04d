//! Agents' custom fields (seed 002): the definitions a tenant's admins make
//! (`field_1`, `field_2`, …), their validation, and the validation of the values
//! agents carry as `"custom_fields": [{"key": "field_1", "value": "…"}]`.
//!
//! Values are stored canonicalised (scalars as JSON strings, attachments and
//! cascade paths as arrays) so readers never re-validate what they load.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Most fields one tenant may define.
pub const MAX_FIELDS: usize = 100;
const MAX_OPTIONS: usize = 200;
const MAX_TREE_DEPTH: usize = 5;
const MAX_TREE_NODES: usize = 2000;
const MAX_ATTACHMENTS: usize = 20;
/// The error key for the shape of the whole list.
const LIST_KEY: &str = "custom_fields";

/// The eleven field types of seed 002.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Dropdown,
    Text,
    Textarea,
    Integer,
    Decimal,
    Checkbox,
    Date,
    Regex,
    Attachments,
    MultiCheckbox,
    Cascade,
}

/// One node of a cascade field's tree; a node without children is a leaf.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CascadeNode {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<CascadeNode>,
}

/// One custom field a tenant defines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// `"field_"` followed by a positive integer without leading zeros.
    pub key: String,
    /// The label shown to admins, 1–50 characters.
    pub name: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default)]
    pub required: bool,
    /// Dropdown and multi_checkbox only: 1–200 unique options of 1–100 characters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Regex only: at most 200 characters; values must match all of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Cascade only: at most 5 levels and 2000 nodes, sibling names unique.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tree: Vec<CascadeNode>,
}

/// A stored value: scalars as JSON strings, attachments and cascade as arrays.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldValue {
    pub key: String,
    pub value: Value,
}

/// What is wrong, and with which field key (or `custom_fields` for the list itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub key: String,
    pub reason: String,
}

impl FieldError {
    fn new(key: &str, reason: impl Into<String>) -> Self {
        Self {
            key: key.to_owned(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.key, self.reason)
    }
}

impl std::error::Error for FieldError {}

impl FieldType {
    /// The serde name, e.g. `"multi_checkbox"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dropdown => "dropdown",
            Self::Text => "text",
            Self::Textarea => "textarea",
            Self::Integer => "integer",
            Self::Decimal => "decimal",
            Self::Checkbox => "checkbox",
            Self::Date => "date",
            Self::Regex => "regex",
            Self::Attachments => "attachments",
            Self::MultiCheckbox => "multi_checkbox",
            Self::Cascade => "cascade",
        }
    }

    /// What a value of this type must be, as an error reason.
    fn expected(self) -> &'static str {
        match self {
            Self::Dropdown => "must be one of the field's options",
            Self::Text => "must be a single line of at most 255 characters",
            Self::Textarea => "must be text of at most 5000 characters",
            Self::Integer => "must be a positive integer",
            Self::Decimal => "must be a decimal number such as 12.00, at most 40 characters",
            Self::Checkbox => "must be \"是\" or \"否\"",
            Self::Date => "must be a date written YYYY-MM-DD",
            Self::Regex => "must be at most 1000 characters matching the field's pattern",
            Self::Attachments => "must be a list of {\"fileName\", \"fileUrl\"} objects",
            Self::MultiCheckbox => "must be the field's options separated by commas",
            Self::Cascade => "must be a list of names from the root of the field's tree to a leaf",
        }
    }
}

/// Checks a tenant's whole list of definitions: at most [`MAX_FIELDS`], keys
/// well-formed and unique, and options/pattern/tree present exactly for the
/// types that use them.
pub fn validate_defs(defs: &[FieldDef]) -> Result<(), FieldError> {
    if defs.len() > MAX_FIELDS {
        return Err(FieldError::new(
            LIST_KEY,
            "at most 100 fields may be defined",
        ));
    }
    let mut keys = HashSet::new();
    for def in defs {
        check_def(def).map_err(|reason| FieldError::new(&def.key, reason))?;
        if !keys.insert(def.key.as_str()) {
            return Err(FieldError::new(&def.key, "is defined twice"));
        }
    }
    Ok(())
}

fn check_def(def: &FieldDef) -> Result<(), String> {
    let digits = def.key.strip_prefix("field_").unwrap_or("");
    if digits.is_empty() || !is_positive_integer(digits) {
        return Err("key must be \"field_\" followed by a positive integer".into());
    }
    check_label(&def.name, 50, "name")?;
    let kind = def.kind;
    let lists = matches!(kind, FieldType::Dropdown | FieldType::MultiCheckbox);
    let uses = [
        (!def.options.is_empty(), lists, "options"),
        (def.pattern.is_some(), kind == FieldType::Regex, "a pattern"),
        (!def.tree.is_empty(), kind == FieldType::Cascade, "a tree"),
    ];
    for (present, wanted, what) in uses {
        if present != wanted {
            let verb = if wanted { "needs" } else { "cannot have" };
            return Err(format!("a {} field {verb} {what}", kind.as_str()));
        }
    }
    if def.options.len() > MAX_OPTIONS {
        return Err("must have at most 200 options".into());
    }
    let mut seen = HashSet::new();
    for option in &def.options {
        check_label(option, 100, "each option")?;
        if kind == FieldType::MultiCheckbox && option.contains([',', '，']) {
            return Err(format!("option \"{option}\" must not contain a comma"));
        }
        if !seen.insert(option.as_str()) {
            return Err(format!("option \"{option}\" is listed twice"));
        }
    }
    if let Some(pattern) = &def.pattern {
        compile(pattern)?;
    }
    check_tree(&def.tree, 1, &mut 0)
}

fn check_label(label: &str, max: usize, what: &str) -> Result<(), String> {
    let len = label.chars().count();
    if len == 0 || len > max || label.trim() != label {
        return Err(format!(
            "{what} must be 1-{max} characters without surrounding spaces"
        ));
    }
    Ok(())
}

fn check_tree(nodes: &[CascadeNode], depth: usize, count: &mut usize) -> Result<(), String> {
    if !nodes.is_empty() && depth > MAX_TREE_DEPTH {
        return Err("tree must be at most 5 levels deep".into());
    }
    let mut seen = HashSet::new();
    for node in nodes {
        *count += 1;
        if *count > MAX_TREE_NODES {
            return Err("tree must have at most 2000 nodes".into());
        }
        check_label(&node.name, 100, "each tree node name")?;
        if !seen.insert(node.name.as_str()) {
            return Err(format!("tree has \"{}\" twice under one parent", node.name));
        }
        check_tree(&node.children, depth + 1, count)?;
    }
    Ok(())
}

/// Compiles a pattern anchored to the whole value. The bare pattern must compile
/// too, so that e.g. `a)|(b` cannot escape the anchors.
fn compile(pattern: &str) -> Result<regex_lite::Regex, String> {
    const INVALID: &str = "pattern must be a valid regular expression of 1-200 characters";
    let len = pattern.chars().count();
    if len == 0 || len > 200 || regex_lite::Regex::new(pattern).is_err() {
        return Err(INVALID.into());
    }
    regex_lite::Regex::new(&format!("^(?:{pattern})$")).map_err(|_| INVALID.into())
}

/// Validates the `custom_fields` input of an agent create (`existing` empty) or
/// update and returns the agent's complete new list of values, in definition
/// order. Keys not in the input keep their existing value; `null`, `""` (and
/// `[]` for attachments and cascade) clear a field unless it is required.
pub fn apply_values(
    defs: &[FieldDef],
    existing: &[FieldValue],
    input: &Value,
    creating: bool,
) -> Result<Vec<FieldValue>, FieldError> {
    const SHAPE: &str = "must be a list of {\"key\": ..., \"value\": ...} objects";
    let items = input
        .as_array()
        .ok_or_else(|| FieldError::new(LIST_KEY, SHAPE))?;
    // `None` marks a field the input clears.
    let mut given: Vec<(&str, Option<Value>)> = Vec::with_capacity(items.len());
    for item in items {
        let (Some(key), Some(value)) = (item.get("key").and_then(Value::as_str), item.get("value"))
        else {
            return Err(FieldError::new(LIST_KEY, SHAPE));
        };
        let Some(def) = defs.iter().find(|def| def.key == key) else {
            return Err(FieldError::new(key, "is not a defined custom field"));
        };
        if given.iter().any(|(seen, _)| *seen == key) {
            return Err(FieldError::new(key, "is given twice"));
        }
        let value = if is_clear(def.kind, value) {
            if def.required {
                return Err(FieldError::new(key, "is required"));
            }
            None
        } else {
            Some(canonical(def, value).map_err(|reason| FieldError::new(key, reason))?)
        };
        given.push((key, value));
    }
    let mut values = Vec::new();
    for def in defs {
        let value = match given.iter().find(|(key, _)| *key == def.key) {
            Some((_, value)) => value.clone(),
            None => existing
                .iter()
                .find(|v| v.key == def.key)
                .map(|v| v.value.clone()),
        };
        match value {
            Some(value) => values.push(FieldValue {
                key: def.key.clone(),
                value,
            }),
            None if creating && def.required => {
                return Err(FieldError::new(&def.key, "is required"))
            }
            None => {}
        }
    }
    Ok(values)
}

/// The values kept when definitions changed but no input came: values of
/// undefined keys are dropped, the rest follow the order of `defs`.
pub fn retain_defined(defs: &[FieldDef], existing: &[FieldValue]) -> Vec<FieldValue> {
    defs.iter()
        .filter_map(|def| existing.iter().find(|v| v.key == def.key).cloned())
        .collect()
}

fn is_clear(kind: FieldType, value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => {
            items.is_empty() && matches!(kind, FieldType::Attachments | FieldType::Cascade)
        }
        _ => false,
    }
}

/// The canonical stored form of a non-empty value, or why it is wrong.
fn canonical(def: &FieldDef, value: &Value) -> Result<Value, String> {
    let kind = def.kind;
    let text = match (kind, value) {
        (FieldType::Integer, Value::Number(n)) => {
            n.as_u64().filter(|&n| n >= 1).map(|n| n.to_string())
        }
        (FieldType::Decimal, Value::Number(n)) => Some(n.to_string()).filter(|s| is_decimal(s)),
        (FieldType::Attachments, Value::Array(items)) => return attachments(items),
        (FieldType::Cascade, Value::Array(items)) => return cascade(&def.tree, items),
        (FieldType::MultiCheckbox, Value::String(s)) => Some(multi_checkbox(&def.options, s)?),
        (_, Value::String(s)) => {
            let ok = match kind {
                FieldType::Dropdown => def.options.iter().any(|option| option == s),
                FieldType::Text => !s.contains(['\n', '\r']) && s.chars().count() <= 255,
                FieldType::Textarea => s.chars().count() <= 5000,
                FieldType::Integer => is_positive_integer(s),
                FieldType::Decimal => is_decimal(s),
                FieldType::Checkbox => s == "是" || s == "否",
                FieldType::Date => is_date(s),
                FieldType::Regex => {
                    let pattern = def.pattern.as_deref().unwrap_or("");
                    let regex = compile(pattern).map_err(|_| "the field's pattern is invalid")?;
                    s.chars().count() <= 1000 && regex.is_match(s)
                }
                FieldType::Attachments | FieldType::Cascade | FieldType::MultiCheckbox => false,
            };
            ok.then(|| s.clone())
        }
        _ => None,
    };
    text.map(Value::String)
        .ok_or_else(|| kind.expected().to_owned())
}

/// ASCII digits without sign or leading zero, at least 1, fitting a `u64`.
fn is_positive_integer(s: &str) -> bool {
    !s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit()) && s.parse::<u64>().is_ok()
}

/// An optional `-`, digits, then optionally `.` and digits; at most 40 characters.
fn is_decimal(s: &str) -> bool {
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let body = s.strip_prefix('-').unwrap_or(s);
    let (int, frac) = body.split_once('.').unwrap_or((body, "0"));
    s.len() <= 40 && digits(int) && digits(frac)
}

/// `YYYY-MM-DD`, a real calendar date in years 1900–9999.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let (Some(year), Some(month), Some(day)) = (number(0..4), number(5..7), number(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=9999).contains(&year) && (1..=days).contains(&day)
}

/// `"苹果,香蕉"` (also full-width `，`): each trimmed item one of `options`, no repeats.
fn multi_checkbox(options: &[String], s: &str) -> Result<String, String> {
    let mut chosen: Vec<&str> = Vec::new();
    for item in s.split([',', '，']).map(str::trim) {
        if item.is_empty() {
            return Err(
                "must be the field's options separated by commas, without empty items".into(),
            );
        }
        if !options.iter().any(|option| option == item) {
            return Err(format!("\"{item}\" is not one of the field's options"));
        }
        if chosen.contains(&item) {
            return Err(format!("\"{item}\" is chosen twice"));
        }
        chosen.push(item);
    }
    Ok(chosen.join(","))
}

fn attachments(items: &[Value]) -> Result<Value, String> {
    if items.len() > MAX_ATTACHMENTS {
        return Err("must have at most 20 attachments".into());
    }
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let field = |name: &str| item.get(name).and_then(Value::as_str);
        let (Some(file_name), Some(file_url)) = (field("fileName"), field("fileUrl")) else {
            return Err(FieldType::Attachments.expected().into());
        };
        let dot = file_name.rfind('.').unwrap_or(0);
        if file_name.chars().count() > 255 || dot == 0 || dot + 1 == file_name.len() {
            return Err(
                "fileName must be 1-255 characters with an extension, e.g. file1.org".into(),
            );
        }
        let rest = file_url
            .strip_prefix("https://")
            .or_else(|| file_url.strip_prefix("http://"));
        let bad_url = rest.is_none_or(str::is_empty)
            || file_url.len() > 2048
            || file_url.contains(|c: char| c.is_whitespace() || c.is_control());
        if bad_url {
            return Err(
                "fileUrl must be an http:// or https:// URL of at most 2048 characters".into(),
            );
        }
        out.push(json!({ "fileName": file_name, "fileUrl": file_url }));
    }
    Ok(Value::Array(out))
}

/// A path of names from a root of `tree` down to a leaf.
fn cascade(tree: &[CascadeNode], items: &[Value]) -> Result<Value, String> {
    let mut level = tree;
    for item in items {
        let name = item.as_str().ok_or(FieldType::Cascade.expected())?;
        let Some(node) = level.iter().find(|node| node.name == name) else {
            return Err(format!(
                "\"{name}\" is not in the field's tree at that level"
            ));
        };
        level = &node.children;
    }
    if !level.is_empty() {
        return Err("must go down to a leaf of the field's tree".into());
    }
    Ok(Value::Array(items.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use FieldType::*;

    /// A valid definition of `kind`, with the members of `extra` put over it.
    fn def_with(key: &str, kind: FieldType, extra: &Value) -> FieldDef {
        let usual = match kind {
            Dropdown => json!({"options": ["下拉选项内容", "其他"]}),
            MultiCheckbox => json!({"options": ["苹果", "香蕉"]}),
            Regex => json!({"pattern": "[a-z]+\\d"}),
            Cascade => serde_json::from_str(TREE).unwrap(),
            _ => json!({}),
        };
        let mut def = json!({"key": key, "name": "字段", "type": kind.as_str()});
        let members = usual.as_object().unwrap().iter();
        for (name, value) in members.chain(extra.as_object().unwrap()) {
            def[name] = value.clone();
        }
        serde_json::from_value(def).unwrap()
    }

    fn def(key: &str, kind: FieldType) -> FieldDef {
        def_with(key, kind, &json!({}))
    }

    const TREE: &str = r#"{"tree": [
        {"name": "北京市", "children": [{"name": "丰台区", "children": [{"name": "丰科万达"}]}]},
        {"name": "上海市"}
    ]}"#;

    /// Applies one value to a lone `field_1` of `kind`; a cleared field reads as null.
    fn one(kind: FieldType, value: &Value) -> Result<Value, FieldError> {
        let input = json!([{"key": "field_1", "value": value}]);
        let values = apply_values(&[def("field_1", kind)], &[], &input, false)?;
        Ok(values.into_iter().next().map_or(Value::Null, |v| v.value))
    }

    /// A cascade tree `levels` deep.
    fn deep(levels: usize) -> Value {
        let nest = |children, i: usize| json!([{"name": i.to_string(), "children": children}]);
        json!({ "tree": (0..levels).fold(json!([]), nest) })
    }

    #[test]
    fn definitions_of_every_type_are_valid_and_round_trip() {
        let kinds = r#"["dropdown", "text", "textarea", "integer", "decimal", "checkbox", "date",
            "regex", "attachments", "multi_checkbox", "cascade"]"#;
        let kinds: Vec<FieldType> = serde_json::from_str(kinds).unwrap();
        let key = |i: usize| format!("field_{}", i + 1);
        let defs: Vec<FieldDef> = kinds
            .iter()
            .enumerate()
            .map(|(i, &k)| def(&key(i), k))
            .collect();
        assert_eq!(validate_defs(&defs), Ok(()));
        for d in &defs {
            let json = serde_json::to_value(d).unwrap();
            assert_eq!(json["type"], d.kind.as_str());
            assert_eq!(serde_json::from_value::<FieldDef>(json).unwrap(), *d);
        }
        assert!(!def("field_1", Text).required);
        let unknown = json!({"key": "field_9", "name": "n", "type": "text", "extra": 1});
        assert!(serde_json::from_value::<FieldDef>(unknown).is_err());
        let comma = json!({"options": ["a,b"]});
        for (kind, extra) in [(Cascade, deep(5)), (Dropdown, comma)] {
            assert_eq!(validate_defs(&[def_with("field_1", kind, &extra)]), Ok(()));
        }
        let many: Vec<FieldDef> = (0..101).map(|i| def(&key(i), Text)).collect();
        assert_eq!(validate_defs(&many[..100]), Ok(()));
        assert_eq!(validate_defs(&many).unwrap_err().key, "custom_fields");
        let twice = validate_defs(&[def("field_1", Text), def("field_1", Date)]).unwrap_err();
        assert_eq!(twice.to_string(), "field_1: is defined twice");
    }

    /// Per type, members that make an otherwise valid definition wrong.
    const BAD_DEFS: &str = r#"[
        ["text", {"name": ""}], ["text", {"name": " 名"}], ["text", {"options": ["a"]}],
        ["text", {"pattern": "a"}], ["text", {"tree": [{"name": "a"}]}],
        ["dropdown", {"options": []}], ["dropdown", {"options": ["a", "a"]}],
        ["dropdown", {"options": [""]}], ["dropdown", {"options": ["a "]}],
        ["multi_checkbox", {"options": ["a,b"]}], ["multi_checkbox", {"options": ["a，b"]}],
        ["regex", {"pattern": null}], ["regex", {"pattern": ""}], ["regex", {"pattern": "("}],
        ["regex", {"pattern": "a)|(b"}], ["regex", {"options": ["a"]}],
        ["cascade", {"tree": []}], ["cascade", {"tree": [{"name": "a"}, {"name": "a"}]}],
        ["cascade", {"tree": [{"name": ""}]}], ["cascade", {"pattern": "a"}]
    ]"#;

    #[test]
    fn definitions_are_rejected_when_malformed() {
        let keys = [
            "field_0", "field_01", "field_", "field_1a", "foo_1", "field_-1", "field_+1",
        ];
        for key in keys {
            assert!(validate_defs(&[def(key, Text)]).is_err(), "{key}");
        }
        let mut cases: Vec<(FieldType, Value)> = serde_json::from_str(BAD_DEFS).unwrap();
        let wide: Vec<Value> = (0..2001).map(|i| json!({"name": i.to_string()})).collect();
        let options: Vec<String> = (0..201).map(|i| i.to_string()).collect();
        cases.extend([
            (Text, json!({"name": "名".repeat(51)})),
            (Dropdown, json!({"options": ["x".repeat(101)]})),
            (Dropdown, json!({ "options": options })),
            (Regex, json!({"pattern": "a".repeat(201)})),
            (Cascade, deep(6)),
            (Cascade, json!({ "tree": wide })),
        ]);
        for (kind, extra) in cases {
            let def = def_with("field_1", kind, &extra);
            let err = validate_defs(std::slice::from_ref(&def)).expect_err(&format!("{def:?}"));
            assert_eq!(err.key, "field_1");
        }
    }

    /// Per type: values stored as given, then values rejected.
    const VALUES: &str = r#"[
        ["dropdown", ["下拉选项内容", "其他"], ["下拉", " 其他", ["其他"], 1]],
        ["text", ["a b", "单行"], ["a\nb", "a\rb", {"a": 1}, 5]],
        ["textarea", ["一\n二"], [["a"], 5]],
        ["integer", ["5", "18446744073709551615"],
            ["0", "05", "+5", "-5", "5.0", " 5", "18446744073709551616", "五", 0, -3, 5.5]],
        ["decimal", ["12.00", "-3.5", "7", "0.5"],
            ["1.", ".5", "1e5", "+1", "1,5", "-", "1.2.3", 1e300, true]],
        ["checkbox", ["是", "否"], ["yes", " 是", true]],
        ["date", ["2024-02-29", "2000-02-29", "1900-01-01", "9999-12-31"],
            ["2023-02-29", "1900-02-29", "1899-12-31", "2024-13-01", "2024-00-10",
            "2024-04-31", "2024-1-01", "2024/01/01", "二〇二四-01-01"]],
        ["regex", ["abc1", "z9"], ["abc1x", "1abc1", "ABC1", 1]],
        ["attachments", [[{"fileName": "file1.org", "fileUrl": "https://huixing.org"},
                {"fileName": "报告.pdf", "fileUrl": "http://x.org/a"}]],
            ["file1.org", [{"fileName": "a.txt"}], ["a.txt"],
            {"fileName": "a.txt", "fileUrl": "http://a"},
            [{"fileName": "file1", "fileUrl": "https://a.org"}],
            [{"fileName": ".org", "fileUrl": "https://a.org"}],
            [{"fileName": "a.", "fileUrl": "https://a.org"}],
            [{"fileName": "a.txt", "fileUrl": "ftp://a.org"}],
            [{"fileName": "a.txt", "fileUrl": "https://"}],
            [{"fileName": "a.txt", "fileUrl": "a.org"}],
            [{"fileName": "a.txt", "fileUrl": "https://a b"}]]],
        ["multi_checkbox", ["苹果,香蕉", "香蕉"], ["苹果,苹果", "苹果,", "梨", " ", ["苹果"]]],
        ["cascade", [["北京市", "丰台区", "丰科万达"], ["上海市"]],
            [["北京市", "丰台区"], ["丰台区"], ["上海市", "x"], ["北京市", "丰台区", "丰科万达", "x"],
            [1], "北京市"]]
    ]"#;

    #[test]
    fn values_of_every_type_are_accepted_or_rejected() {
        let mut cases: Vec<(FieldType, Vec<Value>, Vec<Value>)> =
            serde_json::from_str(VALUES).unwrap();
        assert_eq!(cases.len(), 11);
        let long = |n: usize| json!("字".repeat(n));
        let file = |name: &str, url: &str| json!([{"fileName": name, "fileUrl": url}]);
        let regex = |n: usize| json!(format!("{}1", "a".repeat(n)));
        for (kind, good, bad) in [(Text, 255, 256), (Textarea, 5000, 5001), (Regex, 999, 1000)] {
            let text = if kind == Regex { regex } else { long };
            cases.push((kind, vec![text(good)], vec![text(bad)]));
        }
        let too_many = Value::Array(vec![file("a.txt", "https://a.org")[0].clone(); 21]);
        let long_name = file(&format!("{}.pdf", "a".repeat(252)), "https://a.org");
        let long_url = file("a.txt", &format!("https://{}", "a".repeat(2041)));
        cases.push((Attachments, vec![], vec![too_many, long_name, long_url]));
        cases.push((Decimal, vec![], vec![json!("1".repeat(41))]));
        for (kind, good, bad) in cases {
            for value in &good {
                assert_eq!(one(kind, value).as_ref(), Ok(value), "{kind:?} {value}");
            }
            for value in &bad {
                let err = one(kind, value).expect_err(&format!("{kind:?} accepted {value}"));
                assert_eq!(err.key, "field_1");
            }
        }
    }

    #[test]
    fn values_are_canonicalised() {
        let file = json!([{"fileName": "a.txt", "fileUrl": "http://a"}]);
        let cases = [
            (Integer, json!(5), json!("5")),
            (Decimal, json!(-3.5), json!("-3.5")),
            (Decimal, json!(12), json!("12")),
            (MultiCheckbox, json!("苹果, 香蕉"), json!("苹果,香蕉")),
            (MultiCheckbox, json!("香蕉，苹果"), json!("香蕉,苹果")),
            (
                Attachments,
                json!([{"fileName": "a.txt", "fileUrl": "http://a", "size": 3}]),
                file,
            ),
            (Attachments, json!([]), Value::Null),
            (Text, json!(""), Value::Null),
            (Cascade, json!(null), Value::Null),
        ];
        for (kind, given, stored) in cases {
            assert_eq!(one(kind, &given), Ok(stored), "{kind:?} {given}");
        }
        let err = one(Integer, &json!("x")).unwrap_err();
        assert_eq!(err.to_string(), "field_1: must be a positive integer");
    }

    #[test]
    fn updates_merge_clear_and_follow_definition_order() {
        let defs = [
            def("field_2", Text),
            def("field_1", Integer),
            def("field_3", Date),
        ];
        let value = |key: &str, value: &str| FieldValue {
            key: key.into(),
            value: json!(value),
        };
        let existing = [
            value("field_1", "5"),
            value("field_3", "2024-01-01"),
            value("field_9", "x"),
        ];
        let input = json!([{"key": "field_3", "value": null}, {"key": "field_2", "value": "hi"}]);
        let values = apply_values(&defs, &existing, &input, false).unwrap();
        assert_eq!(values, [value("field_2", "hi"), value("field_1", "5")]);
        let input = json!([{"key": "field_1", "value": ""}]);
        let values = apply_values(&defs, &existing, &input, false).unwrap();
        assert_eq!(values, [value("field_3", "2024-01-01")]);
        assert_eq!(retain_defined(&defs, &existing), existing[..2]);
        assert_eq!(retain_defined(&defs[..1], &existing), []);
    }

    #[test]
    fn malformed_input_and_missing_required_fields_are_errors() {
        let required = def_with("field_1", Text, &json!({"required": true}));
        let defs = [required, def("field_2", Text)];
        let apply = |input: &str, creating| {
            apply_values(&defs, &[], &serde_json::from_str(input).unwrap(), creating)
        };
        let shapes = [
            r#"{}"#,
            r#""x""#,
            "[1]",
            r#"[{"key": 1, "value": "a"}]"#,
            r#"[{"key": "field_1"}]"#,
        ];
        for input in shapes {
            assert_eq!(
                apply(input, false).unwrap_err().key,
                "custom_fields",
                "{input}"
            );
        }
        let unknown = apply(r#"[{"key": "field_7", "value": "a"}]"#, false).unwrap_err();
        assert_eq!(
            unknown.to_string(),
            "field_7: is not a defined custom field"
        );
        let twice = r#"[{"key": "field_2", "value": "a"}, {"key": "field_2", "value": "b"}]"#;
        assert_eq!(
            apply(twice, false),
            Err(FieldError::new("field_2", "is given twice"))
        );
        let required = Err(FieldError::new("field_1", "is required"));
        let optional_only = r#"[{"key": "field_2", "value": "a"}]"#;
        assert_eq!(apply(optional_only, true), required);
        assert_eq!(apply(optional_only, false).unwrap().len(), 1);
        assert_eq!(
            apply(r#"[{"key": "field_1", "value": null}]"#, false),
            required
        );
        let given = apply(r#"[{"key": "field_1", "value": "a"}]"#, true).unwrap();
        assert_eq!(given[0].value, json!("a"));
    }
}
