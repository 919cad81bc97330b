//! The seven compatibility levels of the Confluent Schema Registry.

use std::fmt;
use std::str::FromStr;

/// How a new schema version must relate to the versions already registered under a subject.
///
/// "Backward" means the new schema (the reader) can read data written with the old ones;
/// "forward" means the old schemas can read data written with the new one. The transitive
/// levels check against every registered version instead of only the latest.
///
/// ```
/// use streamhouse_schema_core::compat::CompatibilityLevel;
///
/// let level: CompatibilityLevel = "full_transitive".parse().unwrap();
/// assert_eq!(level, CompatibilityLevel::FullTransitive);
/// assert_eq!(level.to_string(), "FULL_TRANSITIVE");
/// assert!(level.checks_backward() && level.checks_forward() && level.is_transitive());
/// assert_eq!(CompatibilityLevel::default(), CompatibilityLevel::Backward);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CompatibilityLevel {
    /// No check at all: any schema may follow any other.
    None,
    /// The new schema can read data written with the latest registered schema (the default).
    #[default]
    Backward,
    /// The new schema can read data written with every registered schema.
    BackwardTransitive,
    /// The latest registered schema can read data written with the new schema.
    Forward,
    /// Every registered schema can read data written with the new schema.
    ForwardTransitive,
    /// Both [`Backward`](Self::Backward) and [`Forward`](Self::Forward).
    Full,
    /// Both [`BackwardTransitive`](Self::BackwardTransitive) and
    /// [`ForwardTransitive`](Self::ForwardTransitive).
    FullTransitive,
}

impl CompatibilityLevel {
    /// Every level, in the order the registry documents them.
    pub const ALL: [CompatibilityLevel; 7] = [
        CompatibilityLevel::None,
        CompatibilityLevel::Backward,
        CompatibilityLevel::BackwardTransitive,
        CompatibilityLevel::Forward,
        CompatibilityLevel::ForwardTransitive,
        CompatibilityLevel::Full,
        CompatibilityLevel::FullTransitive,
    ];

    /// The registry's spelling, e.g. `BACKWARD_TRANSITIVE`.
    pub fn as_str(self) -> &'static str {
        match self {
            CompatibilityLevel::None => "NONE",
            CompatibilityLevel::Backward => "BACKWARD",
            CompatibilityLevel::BackwardTransitive => "BACKWARD_TRANSITIVE",
            CompatibilityLevel::Forward => "FORWARD",
            CompatibilityLevel::ForwardTransitive => "FORWARD_TRANSITIVE",
            CompatibilityLevel::Full => "FULL",
            CompatibilityLevel::FullTransitive => "FULL_TRANSITIVE",
        }
    }

    /// Whether the level checks against every registered version (not only the latest).
    pub fn is_transitive(self) -> bool {
        matches!(
            self,
            CompatibilityLevel::BackwardTransitive
                | CompatibilityLevel::ForwardTransitive
                | CompatibilityLevel::FullTransitive
        )
    }

    /// Whether the new schema must be able to read data written with the old ones.
    pub fn checks_backward(self) -> bool {
        matches!(
            self,
            CompatibilityLevel::Backward
                | CompatibilityLevel::BackwardTransitive
                | CompatibilityLevel::Full
                | CompatibilityLevel::FullTransitive
        )
    }

    /// Whether the old schemas must be able to read data written with the new one.
    pub fn checks_forward(self) -> bool {
        matches!(
            self,
            CompatibilityLevel::Forward
                | CompatibilityLevel::ForwardTransitive
                | CompatibilityLevel::Full
                | CompatibilityLevel::FullTransitive
        )
    }
}

impl fmt::Display for CompatibilityLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a compatibility level name that is none of the seven levels.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown compatibility level {0:?}: expected one of NONE, BACKWARD, BACKWARD_TRANSITIVE, \
     FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE"
)]
pub struct UnknownCompatibilityLevel(pub String);

impl FromStr for CompatibilityLevel {
    type Err = UnknownCompatibilityLevel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        CompatibilityLevel::ALL
            .into_iter()
            .find(|level| level.as_str().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownCompatibilityLevel(s.to_string()))
    }
}

impl serde::Serialize for CompatibilityLevel {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for CompatibilityLevel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_round_trips_through_its_name() {
        for level in CompatibilityLevel::ALL {
            assert_eq!(level.as_str().parse::<CompatibilityLevel>(), Ok(level));
            assert_eq!(
                level.as_str().to_lowercase().parse::<CompatibilityLevel>(),
                Ok(level)
            );
        }
    }

    #[test]
    fn unknown_level_is_a_typed_error() {
        let err = "SIDEWAYS".parse::<CompatibilityLevel>().unwrap_err();
        assert_eq!(err, UnknownCompatibilityLevel("SIDEWAYS".to_string()));
        assert!(err.to_string().contains("FULL_TRANSITIVE"));
    }

    #[test]
    fn serde_uses_the_registry_spelling() {
        let json = serde_json::to_string(&CompatibilityLevel::ForwardTransitive).unwrap();
        assert_eq!(json, "\"FORWARD_TRANSITIVE\"");
        let back: CompatibilityLevel = serde_json::from_str("\"full\"").unwrap();
        assert_eq!(back, CompatibilityLevel::Full);
        assert!(serde_json::from_str::<CompatibilityLevel>("\"LOOSE\"").is_err());
    }

    #[test]
    fn direction_helpers_match_the_level() {
        use CompatibilityLevel::*;
        let table = [
            (None, false, false, false),
            (Backward, true, false, false),
            (BackwardTransitive, true, false, true),
            (Forward, false, true, false),
            (ForwardTransitive, false, true, true),
            (Full, true, true, false),
            (FullTransitive, true, true, true),
        ];
        for (level, backward, forward, transitive) in table {
            assert_eq!(level.checks_backward(), backward, "{level}");
            assert_eq!(level.checks_forward(), forward, "{level}");
            assert_eq!(level.is_transitive(), transitive, "{level}");
        }
    }
}
