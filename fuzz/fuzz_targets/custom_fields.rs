//! Custom-field values (seed 002 `custom_fields`) against field definitions:
//! `validate_defs` on definitions as an admin sends them, `apply_values` on
//! the values an agent's profile carries.
//!
//! Input: a JSON document, either `{"defs": [...], "values": [...]}` (both
//! fuzzed) or any other value, applied as the values against the eleven
//! definitions of seed 002's example below.
#![no_main]

use kefu::domain::custom_fields::{apply_values, validate_defs, FieldDef};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// One field of each of the eleven types, as in seed 002's example.
const SEED_DEFS: &str = r#"[
  {"key": "field_1", "name": "下拉", "type": "dropdown", "options": ["下拉选项内容", "其他"]},
  {"key": "field_2", "name": "单行文本", "type": "text", "required": true},
  {"key": "field_3", "name": "多行文本", "type": "textarea"},
  {"key": "field_4", "name": "正整数", "type": "integer"},
  {"key": "field_5", "name": "小数", "type": "decimal"},
  {"key": "field_6", "name": "复选框", "type": "checkbox"},
  {"key": "field_7", "name": "日期", "type": "date"},
  {"key": "field_8", "name": "正则", "type": "regex", "pattern": "go.*d"},
  {"key": "field_9", "name": "附件", "type": "attachments"},
  {"key": "field_10", "name": "高级复选框", "type": "multi_checkbox", "options": ["苹果", "香蕉"]},
  {"key": "field_11", "name": "级联", "type": "cascade", "tree": [
    {"name": "北京市", "children": [{"name": "丰台区", "children": [{"name": "丰科万达"}]}]},
    {"name": "上海市"}
  ]}
]"#;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let (defs, values) = match input.get("defs") {
        Some(defs) => {
            let Ok(defs) = serde_json::from_value::<Vec<FieldDef>>(defs.clone()) else {
                return;
            };
            if validate_defs(&defs).is_err() {
                return;
            }
            (defs, input.get("values").cloned().unwrap_or(Value::Null))
        }
        None => {
            let defs: Vec<FieldDef> =
                serde_json::from_str(SEED_DEFS).expect("the seed's definitions parse");
            validate_defs(&defs).expect("the seed's definitions are valid");
            (defs, input)
        }
    };
    for creating in [false, true] {
        let Ok(stored) = apply_values(&defs, &[], &values, creating) else {
            continue;
        };
        // Stored values are canonical: given again, they come back unchanged.
        let again = serde_json::to_value(&stored).expect("values serialize");
        let reapplied = apply_values(&defs, &[], &again, creating);
        assert_eq!(reapplied.as_ref(), Ok(&stored), "canonical values changed");
        // With no input, an agent keeps what it has.
        let kept = apply_values(&defs, &stored, &Value::Array(Vec::new()), false);
        assert_eq!(kept.as_ref(), Ok(&stored), "kept values changed");
    }
});
