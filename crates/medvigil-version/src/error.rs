//! The crate's one error type.
//!
//! Every variant keeps the user's input and, where it is known, the byte offset of the
//! problem, so that the binary can say "position 4 of `1.2.x3`: ..." without re-parsing.

use crate::Scheme;

/// What went wrong while parsing or comparing versions and ranges.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A version string is not valid under its scheme.
    #[error("invalid {scheme} version {input:?} at byte {position}: {reason}")]
    InvalidVersion {
        /// The scheme the string was parsed under.
        scheme: Scheme,
        /// The string as given.
        input: String,
        /// Byte offset of the first offending character (0 when the whole string is at fault).
        position: usize,
        /// What was expected there.
        reason: String,
    },
    /// Two versions (or a version and a range) of different schemes were compared.
    ///
    /// Comparing `1.0a1` under PEP 440 with `1.0-a1` under Debian has no meaning, so it is
    /// refused rather than guessed.
    #[error("cannot compare {left_scheme} version {left:?} with {right_scheme} version {right:?}")]
    SchemeMismatch {
        /// Scheme of the left operand.
        left_scheme: Scheme,
        /// Raw left operand.
        left: String,
        /// Scheme of the right operand.
        right_scheme: Scheme,
        /// Raw right operand.
        right: String,
    },
    /// A range (vers string, OSV events, NVD bounds, CVE 5 entry or advisory prose) is malformed.
    #[error("invalid range {input:?} at byte {position}: {reason}")]
    InvalidRange {
        /// The range text as given (or a rendering of the structured range).
        input: String,
        /// Byte offset of the problem within `input` (0 when the whole input is at fault).
        position: usize,
        /// What was expected there.
        reason: String,
    },
    /// A range kind this crate deliberately does not evaluate (e.g. OSV `GIT` ranges, which
    /// need the repository's commit graph).
    #[error("unsupported range type {0:?}")]
    UnsupportedRangeType(String),
}

impl Error {
    pub(crate) fn version(
        scheme: Scheme,
        input: &str,
        position: usize,
        reason: impl Into<String>,
    ) -> Error {
        Error::InvalidVersion {
            scheme,
            input: input.to_string(),
            position,
            reason: reason.into(),
        }
    }

    pub(crate) fn range(input: &str, position: usize, reason: impl Into<String>) -> Error {
        Error::InvalidRange {
            input: input.to_string(),
            position,
            reason: reason.into(),
        }
    }
}
