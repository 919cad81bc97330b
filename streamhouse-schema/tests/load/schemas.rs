//! The schemas the load registers: subject `s` gets Avro records `R{s}` with `n` optional
//! int fields. Every (subject, n) pair has its own text, so two pairs sharing an id would be
//! two different schemas sharing an id; any order of registration is BACKWARD compatible
//! (each extra field has a default, a missing one is ignored).

/// The subject name of subject number `subject`.
pub fn subject_name(subject: u32) -> String {
    format!("load-{subject}-value")
}

/// The schema text of version candidate `n` (1-based) of subject number `subject`.
pub fn schema_text(subject: u32, n: u32) -> String {
    let mut fields = String::from(r#"{"name":"id","type":"long"}"#);
    for field in 1..=n {
        fields.push_str(&format!(
            r#",{{"name":"f{field}","type":"int","default":0}}"#
        ));
    }
    format!(r#"{{"type":"record","name":"R{subject}","namespace":"load","fields":[{fields}]}}"#)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_differ_per_subject_and_version() {
        assert_eq!(
            schema_text(7, 1),
            r#"{"type":"record","name":"R7","namespace":"load","fields":[{"name":"id","type":"long"},{"name":"f1","type":"int","default":0}]}"#
        );
        assert_ne!(schema_text(7, 1), schema_text(8, 1));
        assert_ne!(schema_text(7, 1), schema_text(7, 2));
        assert_eq!(subject_name(7), "load-7-value");
    }
}
