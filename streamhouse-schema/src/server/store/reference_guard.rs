//! Reference integrity inside the writing transactions, so that a registration and a delete
//! racing on a referenced version cannot leave a reference to a deleted version.
//!
//! A registration confirms, in its transaction, that every version its schema references is
//! still live, and on PostgreSQL takes a share lock on those rows (SQLite's `BEGIN
//! IMMEDIATE` already serializes writers). A delete first writes the rows it deletes (which
//! waits for such locks) and then looks for schemas referencing them, in the same
//! transaction: either the registration committed first and the delete sees its reference
//! (42206), or the delete committed first and the registration finds the version gone
//! (42201).

use super::super::model::ReferenceBody;

/// The statement confirming a referenced version is live; PostgreSQL also locks the row.
pub(super) fn live_version_sql(is_postgres: bool) -> &'static str {
    if is_postgres {
        "SELECT version FROM subject_versions WHERE subject = $1 AND version = $2 AND NOT deleted FOR SHARE"
    } else {
        "SELECT version FROM subject_versions WHERE subject = $1 AND version = $2 AND NOT deleted"
    }
}

/// The statement listing schemas with references (filtered by [`references_version`]).
pub(super) const SCHEMAS_WITH_REFERENCES_SQL: &str =
    "SELECT id, references_json FROM schemas WHERE references_json <> '[]' ORDER BY id";

/// Whether stored `references` name `subject` version `version`; a stored `-1` (written
/// before `-1` was pinned at registration) names the subject's `newest` version.
pub(crate) fn references_version(
    references: &[ReferenceBody],
    subject: &str,
    version: i64,
    newest: i64,
) -> bool {
    references.iter().any(|r| {
        r.subject == subject
            && match r.version {
                -1 => newest == version,
                pinned => pinned == version,
            }
    })
}

/// Confirms, in transaction `$tx` of a store operation returning `Result<_, Attempt>`, that
/// every reference in `$references` names a live version (42201 otherwise).
macro_rules! ensure_references_live {
    ($tx:expr, $references:expr, $is_postgres:expr) => {
        for reference in $references {
            let live: Option<i64> = sqlx::query_scalar(
                $crate::server::store::reference_guard::live_version_sql($is_postgres),
            )
            .bind(&reference.subject)
            .bind(reference.version)
            .fetch_optional(&mut *$tx)
            .await?;
            if live.is_none() {
                return Err(Attempt::Api(ApiError::invalid_schema(format!(
                    "reference \"{}\" names subject '{}' version {}, which was deleted meanwhile",
                    reference.name, reference.subject, reference.version
                ))));
            }
        }
    };
}
pub(crate) use ensure_references_live;

/// Answers, in transaction `$tx` of a store operation returning `Result<_, ApiError>`,
/// 42206 when a stored schema references one of `$versions` of `$subject`, whose newest
/// version is `$newest`.
macro_rules! ensure_unreferenced_in {
    ($tx:expr, $subject:expr, $versions:expr, $newest:expr) => {
        let rows: Vec<(i64, String)> =
            sqlx::query_as($crate::server::store::reference_guard::SCHEMAS_WITH_REFERENCES_SQL)
                .fetch_all(&mut *$tx)
                .await?;
        for (id, references_json) in rows {
            let references: Vec<$crate::server::model::ReferenceBody> =
                serde_json::from_str(&references_json).map_err(|error| {
                    ApiError::internal(format!("stored references of schema {id}: {error}"))
                })?;
            for version in $versions {
                if $crate::server::store::reference_guard::references_version(
                    &references,
                    $subject,
                    *version,
                    $newest,
                ) {
                    return Err(ApiError::reference_exists($subject, *version));
                }
            }
        }
    };
}
pub(crate) use ensure_unreferenced_in;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_and_latest_references_name_their_version() {
        let reference = |version| ReferenceBody {
            name: "n".into(),
            subject: "money".into(),
            version,
        };
        assert!(references_version(&[reference(2)], "money", 2, 5));
        assert!(!references_version(&[reference(2)], "money", 3, 5));
        assert!(!references_version(&[reference(2)], "other", 2, 5));
        assert!(references_version(&[reference(-1)], "money", 5, 5));
        assert!(!references_version(&[reference(-1)], "money", 4, 5));
    }
}
