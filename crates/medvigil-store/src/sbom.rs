//! SBOM persistence (issue 3): SBOM documents stored against a device model and one of
//! its firmware versions, with their components and dependency graph.
//!
//! Device models and firmware versions are matched case-insensitively on manufacturer,
//! model and version, which is also how inventory devices link to them.
//!
//! The request and result types ([`FirmwareTarget`], [`SbomSummary`], [`SbomComponent`])
//! live in `medvigil_model::sbom` so every caller can name them.

use medvigil_model::DeviceModel;
use medvigil_model::sbom::{FirmwareTarget, Sbom, SbomComponent, SbomSummary};

use crate::Result;

/// Storage of SBOMs and their components.
pub trait SbomStore {
    /// Stores an SBOM against (manufacturer, model, firmware version), creating the model
    /// and version when new, in one transaction: the SBOM lands whole or not at all.
    /// Importing the same document again (same serial number and revision) for the same
    /// firmware replaces the earlier copy rather than adding a duplicate.
    /// `source` is where the document came from (a file name), for people.
    fn import_sbom(
        &mut self,
        target: &FirmwareTarget,
        sbom: &Sbom,
        source: Option<&str>,
    ) -> Result<SbomSummary>;
    /// Every stored SBOM, newest import first.
    fn list_sboms(&self) -> Result<Vec<SbomSummary>>;
    /// One SBOM, rebuilt whole, or `None` when the id is unknown.
    fn get_sbom(&self, id: i64) -> Result<Option<(SbomSummary, Sbom)>>;
    /// Components that carry at least one purl or CPE, across every SBOM (or one), for
    /// the matching engine. Ordered by SBOM id then document order.
    fn identified_components(&self, sbom_id: Option<i64>) -> Result<Vec<SbomComponent>>;
    /// Device models known from SBOMs, with their firmware versions, ordered by
    /// manufacturer then model.
    fn sbom_device_models(&self) -> Result<Vec<DeviceModel>>;
    /// Inventory devices `(site, asset_id)` running the model and firmware version an
    /// SBOM was stored against (case-insensitive match).
    fn devices_for_sbom(&self, id: i64) -> Result<Vec<(String, String)>>;
}
