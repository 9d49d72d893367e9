//! Clinical-risk persistence (issue 6): rubric answers and clinical profiles per model.

/// Storage of rubric answers and clinical profiles.
pub trait RiskStore {}
