//! Findings: an asset (device, device model and firmware, or SBOM component) affected by
//! a vulnerability, with the evidence that says why and the VEX statement, if any, that
//! changed its status.
//!
//! A finding is never silently dropped: a `not_affected` VEX statement with a
//! justification turns it into a *suppressed* finding that stays listed, so a reviewer
//! can see what was ruled out and on whose word.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::device::ParseEnumError;

/// What a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AssetRef {
    /// A device of the inventory.
    Device {
        /// The device's site.
        site: String,
        /// The device's asset id.
        asset_id: String,
    },
    /// A device model and firmware, independent of any one device (a manufacturer's
    /// product, or `scan` of a model's SBOM).
    Model {
        /// Manufacturer.
        manufacturer: String,
        /// Model.
        model: String,
        /// Firmware version, if known.
        version: Option<String>,
    },
    /// A component of an SBOM.
    Component {
        /// The SBOM's identity (serial number or name) as stored.
        sbom: String,
        /// The component's reference inside the SBOM (`bom-ref`, SPDXID).
        reference: String,
    },
}

impl AssetRef {
    /// A stable one-line key ("device:north/PUMP-1", "component:urn:uuid:.../pkg:...").
    pub fn key(&self) -> String {
        match self {
            AssetRef::Device { site, asset_id } => format!("device:{site}/{asset_id}"),
            AssetRef::Model {
                manufacturer,
                model,
                version,
            } => format!(
                "model:{manufacturer}/{model}@{}",
                version.as_deref().unwrap_or("")
            ),
            AssetRef::Component { sbom, reference } => format!("component:{sbom}/{reference}"),
        }
    }
}

/// The status of a finding, in the words VEX uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// The asset is affected.
    Affected,
    /// The asset is not affected (a VEX statement said so, with a justification).
    NotAffected,
    /// The asset was affected and is fixed in the version it runs.
    Fixed,
    /// The vendor is investigating.
    UnderInvestigation,
}

impl FindingStatus {
    /// Every status.
    pub const ALL: &'static [FindingStatus] = &[
        FindingStatus::Affected,
        FindingStatus::NotAffected,
        FindingStatus::Fixed,
        FindingStatus::UnderInvestigation,
    ];
    /// The snake_case name used in files, storage and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::Affected => "affected",
            FindingStatus::NotAffected => "not_affected",
            FindingStatus::Fixed => "fixed",
            FindingStatus::UnderInvestigation => "under_investigation",
        }
    }
}

impl FromStr for FindingStatus {
    type Err = ParseEnumError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let n = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        FindingStatus::ALL
            .iter()
            .copied()
            .find(|st| st.as_str() == n)
            .ok_or_else(|| ParseEnumError {
                what: "status",
                value: s.to_string(),
                expected: &["affected", "not_affected", "fixed", "under_investigation"],
            })
    }
}

impl fmt::Display for FindingStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How direct a match is, best first (after grype's match types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchKind {
    /// The asset's own identifier (purl, model number) equals the rule's.
    ExactDirect,
    /// Matched through a related identifier (an alias, a vendor's former name).
    ExactIndirect,
    /// Matched by CPE name matching.
    Cpe,
    /// Matched by normalized manufacturer and model names.
    Name,
}

/// The evidence for one match: what was looked up, what was found, by which rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchDetails {
    /// How direct the match is.
    pub kind: MatchKind,
    /// The matcher that made it ("purl_osv", "cpe_nvd", "csaf_product_tree", "kev",
    /// "recall").
    pub matcher: String,
    /// The asset's identifiers that were compared (e.g. manufacturer, model, version,
    /// purl, cpe), as the asset spells them.
    pub searched_by: BTreeMap<String, String>,
    /// The rule's identifiers that matched (e.g. vendor, product, product_id, criteria).
    pub found: BTreeMap<String, String>,
    /// The rule that decided, in words ("model number b450 shared; vendor alias GE =
    /// General Electric (GE)").
    pub rule: String,
    /// The version range or spec the version was checked against, as the source wrote it.
    pub range: Option<String>,
    /// Confidence in [0, 1]: 1 for exact identifiers and a readable range, lower for
    /// name matching, unknown versions or unreadable ranges.
    pub confidence: f64,
}

/// A VEX statement as it applied to a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VexApplied {
    /// Where the statement came from (document id or file, statement index).
    pub source: String,
    /// The status the statement gives.
    pub status: FindingStatus,
    /// The justification (`component_not_present`, `code_not_reachable`, ...).
    pub justification: Option<String>,
    /// Free-text impact statement.
    pub impact_statement: Option<String>,
    /// What to do (for `affected`).
    pub action_statement: Option<String>,
    /// When the statement was made.
    pub timestamp: Option<String>,
}

/// What a VEX statement is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VexProduct {
    /// A package URL (with or without version; without, it covers every version).
    Purl {
        /// The purl.
        purl: String,
        /// A `vers:` range the statement is limited to (CycloneDX `affects[].versions`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        range: Option<String>,
    },
    /// A CPE 2.3 name.
    Cpe {
        /// The CPE.
        cpe: String,
    },
    /// A device model, optionally one firmware version.
    Model {
        /// Manufacturer.
        manufacturer: String,
        /// Model.
        model: String,
        /// Firmware version; `None` covers every version.
        version: Option<String>,
        /// A `vers:` range the statement is limited to (CycloneDX `affects[].versions`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        range: Option<String>,
    },
}

/// One VEX statement: the status of a vulnerability in a product, on someone's word.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VexStatement {
    /// The vulnerability (CVE or other id).
    pub vulnerability_id: String,
    /// Other ids of the same vulnerability given by the statement.
    pub aliases: Vec<String>,
    /// The products the statement covers.
    pub products: Vec<VexProduct>,
    /// The status it gives.
    pub status: FindingStatus,
    /// Why not affected (`component_not_present`, `vulnerable_code_not_in_execute_path`,
    /// CycloneDX `code_not_reachable`...), as the document wrote it.
    pub justification: Option<String>,
    /// Free-text impact statement (or CycloneDX `detail`).
    pub impact_statement: Option<String>,
    /// What to do (OpenVEX `action_statement`, CycloneDX `response`).
    pub action_statement: Option<String>,
    /// When the statement was made.
    pub timestamp: Option<String>,
    /// The document and position it came from ("openvex:https://.../vex-1#statements[0]").
    pub source: String,
}

/// One (asset, vulnerability) pair with its status and evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The affected asset.
    pub asset: AssetRef,
    /// The asset's model as known when matched (device model, component name).
    pub model: Option<String>,
    /// The asset's version as known when matched.
    pub version: Option<String>,
    /// The vulnerability id (CVE or another id such as a GHSA or a vendor id).
    pub vulnerability_id: String,
    /// The advisory that named the asset (CSAF `document.tracking.id`), if any.
    pub advisory_id: Option<String>,
    /// Current status, after VEX.
    pub status: FindingStatus,
    /// The status the matcher gave before any VEX statement.
    pub matched_status: FindingStatus,
    /// Evidence, best match first.
    pub details: Vec<MatchDetails>,
    /// The VEX statement that set `status`, if one did.
    pub vex: Option<VexApplied>,
}

impl Finding {
    /// The matcher of the best evidence.
    pub fn matcher(&self) -> &str {
        self.details.first().map_or("", |d| d.matcher.as_str())
    }

    /// The best evidence's confidence.
    pub fn confidence(&self) -> f64 {
        self.details.first().map_or(0.0, |d| d.confidence)
    }

    /// A finding a VEX statement ruled out: still listed, not counted as exposure.
    pub fn is_suppressed(&self) -> bool {
        self.vex.is_some() && matches!(self.status, FindingStatus::NotAffected)
    }

    /// The identity of a finding: one per (asset, vulnerability, advisory).
    pub fn key(&self) -> (String, String, String) {
        (
            self.asset.key(),
            self.vulnerability_id.clone(),
            self.advisory_id.clone().unwrap_or_default(),
        )
    }
}

/// Which findings to list (for stores and the CLI). Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// Only this device asset id (in any site unless `site` is set).
    pub asset_id: Option<String>,
    /// Only this site.
    pub site: Option<String>,
    /// Only findings from this advisory (e.g. `ICSMA-20-023-01`).
    pub advisory_id: Option<String>,
    /// Only this vulnerability id.
    pub vulnerability_id: Option<String>,
    /// Only this status.
    pub status: Option<FindingStatus>,
}

/// What a replacement changed, by finding identity (asset, vulnerability, advisory).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingChanges {
    /// Findings that did not exist before.
    pub added: u64,
    /// Findings that existed and differ now (status, evidence, VEX).
    pub updated: u64,
    /// Findings that are exactly as before.
    pub unchanged: u64,
    /// Findings that no longer hold.
    pub removed: u64,
}

/// What a VEX import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VexImport {
    /// Statements not seen before.
    pub added: u64,
    /// Statements already stored (same source) that changed.
    pub updated: u64,
    /// Statements already stored unchanged.
    pub unchanged: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_names_round_trip() {
        for s in FindingStatus::ALL {
            assert_eq!(s.as_str().parse::<FindingStatus>().unwrap(), *s);
        }
        assert_eq!(
            "Under Investigation".parse::<FindingStatus>().unwrap(),
            FindingStatus::UnderInvestigation
        );
        assert!("maybe".parse::<FindingStatus>().is_err());
    }

    #[test]
    fn json_field_names_are_stable() {
        let f = Finding {
            asset: AssetRef::Device {
                site: "north".into(),
                asset_id: "MON-1".into(),
            },
            model: Some("CARESCAPE B450".into()),
            version: Some("2.1".into()),
            vulnerability_id: "CVE-2020-6961".into(),
            advisory_id: Some("ICSMA-20-023-01".into()),
            status: FindingStatus::Affected,
            matched_status: FindingStatus::Affected,
            details: vec![],
            vex: None,
        };
        let j = serde_json::to_value(&f).unwrap();
        assert_eq!(j["asset"]["kind"], "device");
        assert_eq!(j["status"], "affected");
        assert_eq!(serde_json::from_value::<Finding>(j).unwrap(), f);
        assert!(!f.is_suppressed());
    }
}
