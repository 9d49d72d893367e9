//! Finding persistence (issue 5): matches with their evidence, and VEX statements.
//!
//! A full analysis replaces every finding in one transaction
//! ([`FindingStore::replace_findings`]); a new advisory replaces only its own findings
//! ([`FindingStore::replace_advisory_findings`]). Both report what changed, so the
//! caller can tell a hospital "3 new findings, 1 resolved".

use medvigil_model::finding::{Finding, FindingChanges, FindingFilter, VexImport, VexStatement};

use crate::Result;

/// Storage of findings and VEX statements.
pub trait FindingStore {
    /// Replaces every finding with `findings`, in one transaction.
    fn replace_findings(&mut self, findings: &[Finding]) -> Result<FindingChanges>;
    /// Replaces the findings of one advisory with `findings` (which must all carry that
    /// advisory id), in one transaction; other findings are untouched.
    fn replace_advisory_findings(
        &mut self,
        advisory_id: &str,
        findings: &[Finding],
    ) -> Result<FindingChanges>;
    /// Findings matching the filter, ordered by asset, then vulnerability, then advisory.
    fn list_findings(&self, filter: &FindingFilter) -> Result<Vec<Finding>>;
    /// Stores the statements of one VEX document (`document` names it for people), in
    /// one transaction.
    fn import_vex(&mut self, document: &str, statements: &[VexStatement]) -> Result<VexImport>;
    /// Every stored VEX statement, in import order.
    fn vex_statements(&self) -> Result<Vec<VexStatement>>;
}
