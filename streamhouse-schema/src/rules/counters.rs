//! The keys of [`telemetry::RULES`](crate::telemetry::RULES) for the built-in rule types,
//! made at compile time: counting a rule's run then copies, allocates and hashes nothing
//! (a key built from labels per run cost about 600 instructions, as much as an AES-GCM
//! field encryption). The recorder is still asked for the counter on every run, so a
//! recorder installed late, or a thread's local one, sees every count.

use metrics::{Key, Label};

use crate::schema::contract::RuleMode;
use crate::telemetry::RULES;

macro_rules! key {
    ($rule_type:literal, $mode:literal, $outcome:literal) => {{
        static LABELS: [Label; 3] = [
            Label::from_static_parts("type", $rule_type),
            Label::from_static_parts("mode", $mode),
            Label::from_static_parts("outcome", $outcome),
        ];
        Key::from_static_parts(RULES, &LABELS)
    }};
}

macro_rules! by_outcome {
    ($rule_type:literal, $mode:literal) => {
        [
            key!($rule_type, $mode, "success"),
            key!($rule_type, $mode, "failure"),
        ]
    };
}

/// By rule mode, in [`mode_index`]'s order.
macro_rules! by_mode {
    ($rule_type:literal) => {
        [
            by_outcome!($rule_type, "WRITE"),
            by_outcome!($rule_type, "READ"),
            by_outcome!($rule_type, "UPGRADE"),
            by_outcome!($rule_type, "DOWNGRADE"),
        ]
    };
}

/// By rule type (in [`rule_key`]'s order), mode, then success and failure.
static KEYS: [[[Key; 2]; 4]; 4] = [
    by_mode!("CEL"),
    by_mode!("CEL_FIELD"),
    by_mode!("ENCRYPT"),
    by_mode!("JSONATA"),
];

fn mode_index(mode: RuleMode) -> Option<usize> {
    Some(match mode {
        RuleMode::Write => 0,
        RuleMode::Read => 1,
        RuleMode::Upgrade => 2,
        RuleMode::Downgrade => 3,
        RuleMode::Writeread | RuleMode::Updown => return None,
    })
}

/// The key counting a run of a built-in `rule_type` in `mode`; `None` for other types and
/// modes, which the caller labels at run time.
pub(crate) fn rule_key(rule_type: &str, mode: RuleMode, success: bool) -> Option<&'static Key> {
    let by_type = match rule_type {
        "CEL" => &KEYS[0],
        "CEL_FIELD" => &KEYS[1],
        "ENCRYPT" => &KEYS[2],
        "JSONATA" => &KEYS[3],
        _ => return None,
    };
    Some(&by_type[mode_index(mode)?][usize::from(!success)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_keys_equal_the_keys_built_from_labels() {
        let modes = [
            RuleMode::Write,
            RuleMode::Read,
            RuleMode::Upgrade,
            RuleMode::Downgrade,
        ];
        for rule_type in ["CEL", "CEL_FIELD", "ENCRYPT", "JSONATA"] {
            for mode in modes {
                for success in [true, false] {
                    let built = Key::from_parts(
                        RULES,
                        vec![
                            Label::new("type", rule_type.to_owned()),
                            Label::new("mode", mode.as_str()),
                            Label::new("outcome", if success { "success" } else { "failure" }),
                        ],
                    );
                    let key = rule_key(rule_type, mode, success).unwrap();
                    assert_eq!(*key, built, "{rule_type} {mode:?} {success}");
                    // Recorders index counters by this hash.
                    assert_eq!(key.get_hash(), built.get_hash());
                }
            }
        }
        assert!(rule_key("MY_RULE", RuleMode::Write, true).is_none());
        assert!(rule_key("CEL", RuleMode::Writeread, true).is_none());
    }
}
