//! Clinical-risk persistence (issue 6): rubric answers per device model (and per
//! vulnerability), and clinical-profile overrides per model or per device, which carry
//! the compensating controls in place.
//!
//! The record types ([`RubricAnswerRecord`], [`ProfileTarget`]) live in
//! `medvigil_model::clinical`. The store keeps what people stated; layering overrides into an effective profile and
//! scoring it is `medvigil-risk`'s job.

use medvigil_model::clinical::{ClinicalProfilePatch, ProfileTarget, RubricAnswerRecord};

use crate::Result;

/// Storage of rubric answers and clinical profile overrides.
pub trait RiskStore {
    /// Records (or replaces) one answer for (model, vulnerability, question).
    fn set_rubric_answer(&mut self, answer: &RubricAnswerRecord) -> Result<()>;
    /// Removes one answer; whether it existed.
    fn delete_rubric_answer(
        &mut self,
        manufacturer: &str,
        model: &str,
        vulnerability: Option<&str>,
        question: &str,
    ) -> Result<bool>;
    /// Every answer for a model, model-level first, then per vulnerability, by question.
    fn rubric_answers(&self, manufacturer: &str, model: &str) -> Result<Vec<RubricAnswerRecord>>;
    /// Stores a profile override, replacing the previous one for the target; an empty
    /// patch removes it.
    fn set_profile_override(
        &mut self,
        target: &ProfileTarget,
        patch: &ClinicalProfilePatch,
    ) -> Result<()>;
    /// The override for one target.
    fn profile_override(&self, target: &ProfileTarget) -> Result<Option<ClinicalProfilePatch>>;
    /// Every override, models first (by manufacturer, model), then devices (by site, asset).
    fn profile_overrides(&self) -> Result<Vec<(ProfileTarget, ClinicalProfilePatch)>>;
}
