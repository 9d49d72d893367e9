//! Semantic checks and NTIA minimum-elements completeness (placeholder).

use medvigil_model::sbom::Sbom;
use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The document is invalid.
    Error,
    /// The document is valid but weak.
    Warning,
}

/// One problem found by [`check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// How serious.
    pub severity: Severity,
    /// Where.
    pub location: String,
    /// What.
    pub message: String,
}

/// Completeness.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completeness {
    /// Overall score.
    pub score: f64,
}

/// The result of [`check`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// Findings.
    pub findings: Vec<Finding>,
    /// Completeness.
    pub completeness: Completeness,
}

/// Checks a parsed SBOM.
pub fn check(_sbom: &Sbom) -> CheckReport {
    CheckReport {
        findings: Vec::new(),
        completeness: Completeness { score: 0.0 },
    }
}
