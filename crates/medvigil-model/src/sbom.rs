//! Software bills of materials: SBOM documents and their components.
//!
//! One model for every SBOM format medvigil reads (CycloneDX 1.2-1.7 JSON/XML, SPDX 2.2/2.3
//! JSON and tag-value, SPDX 3.0 JSON-LD). Readers in `medvigil-formats` fill it in; fields a
//! format does not carry stay empty rather than being invented, so the completeness score
//! can tell "absent" from "present".

use std::fmt;

use serde::{Deserialize, Serialize};

/// The family an SBOM document was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SbomFormat {
    /// OWASP CycloneDX, JSON encoding.
    CyclonedxJson,
    /// OWASP CycloneDX, XML encoding.
    CyclonedxXml,
    /// SPDX 2.x, JSON encoding.
    SpdxJson,
    /// SPDX 2.x, tag-value encoding.
    SpdxTagValue,
    /// SPDX 3.0, JSON-LD serialization.
    Spdx3JsonLd,
}

impl SbomFormat {
    /// The stable snake_case name used in storage and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SbomFormat::CyclonedxJson => "cyclonedx_json",
            SbomFormat::CyclonedxXml => "cyclonedx_xml",
            SbomFormat::SpdxJson => "spdx_json",
            SbomFormat::SpdxTagValue => "spdx_tag_value",
            SbomFormat::Spdx3JsonLd => "spdx3_json_ld",
        }
    }

    /// Parses [`SbomFormat::as_str`] back.
    pub fn from_name(s: &str) -> Option<SbomFormat> {
        [
            SbomFormat::CyclonedxJson,
            SbomFormat::CyclonedxXml,
            SbomFormat::SpdxJson,
            SbomFormat::SpdxTagValue,
            SbomFormat::Spdx3JsonLd,
        ]
        .into_iter()
        .find(|f| f.as_str() == s)
    }
}

impl fmt::Display for SbomFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An SBOM document: its metadata, components and dependency graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sbom {
    /// The format family and encoding.
    pub format: SbomFormat,
    /// The specification version the document declares ("1.6", "2.3", "3.0.1").
    pub spec_version: String,
    /// CycloneDX `serialNumber` (urn:uuid) or SPDX document namespace / id.
    pub serial: Option<String>,
    /// CycloneDX BOM `version` (the revision of this BOM), when given.
    pub revision: Option<u64>,
    /// Document name (SPDX `name`; CycloneDX has none, the subject's name is used).
    pub name: Option<String>,
    /// When the document was created, as written (RFC 3339).
    pub timestamp: Option<String>,
    /// Who wrote the SBOM: people and organizations (CycloneDX metadata authors,
    /// manufacturer/supplier; SPDX `Person:`/`Organization:` creators).
    pub authors: Vec<String>,
    /// Tools that produced it (CycloneDX metadata tools, SPDX `Tool:` creators).
    pub tools: Vec<String>,
    /// The thing the SBOM describes (CycloneDX `metadata.component`, the SPDX package
    /// the document DESCRIBES). Also present in `components`.
    pub subject: Option<String>,
    /// Every component, in document order, nested ones flattened.
    pub components: Vec<Component>,
    /// Dependency edges between components, by `Component::reference`.
    pub dependencies: Vec<Dependency>,
}

/// One component (package, library, firmware image, ...).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Component {
    /// The document-local identifier: CycloneDX `bom-ref` or SPDX `SPDXID`. Readers
    /// synthesize one (`component-N`) when the document gives none, so edges can use it.
    pub reference: String,
    /// Component name.
    pub name: String,
    /// Version as written; `None` when absent or empty.
    pub version: Option<String>,
    /// CycloneDX `group` (Maven group id, npm scope).
    pub group: Option<String>,
    /// What kind of component this is.
    pub kind: ComponentKind,
    /// The supplier or manufacturer (CycloneDX supplier/manufacturer/publisher,
    /// SPDX `PackageSupplier`/`PackageOriginator`).
    pub supplier: Option<String>,
    /// The author(s) of the component, as written.
    pub author: Option<String>,
    /// Package URLs (CycloneDX `purl`, SPDX `PACKAGE-MANAGER purl` external refs).
    pub purls: Vec<String>,
    /// CPE 2.2 or 2.3 names.
    pub cpes: Vec<String>,
    /// Other unique identifiers (SWID tag ids, OmniBOR, SWHID, ...).
    pub other_ids: Vec<String>,
    /// Checksums.
    pub hashes: Vec<Hash>,
    /// Licenses as SPDX expressions or license names when not expressible.
    pub licenses: Vec<String>,
    /// Support level stated by the manufacturer (FDA premarket guidance), when given.
    pub support_level: Option<String>,
    /// End-of-support date stated by the manufacturer, as written.
    pub end_of_support: Option<String>,
    /// The `reference` of the component this one is nested in (CycloneDX sub-components).
    pub parent: Option<String>,
}

/// A checksum of a component's artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hash {
    /// Algorithm as the format names it ("SHA-256", "SHA256").
    pub alg: String,
    /// Lower-case hex digest (or as written for algorithms that are not hex).
    pub value: String,
}

/// `from` depends on each of `to` (component references).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    /// The depending component's reference.
    pub from: String,
    /// References of what it depends on.
    pub to: Vec<String>,
}

/// The device model and firmware version an SBOM describes. Matched case-insensitively
/// (ASCII) on all three fields, as inventory devices are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareTarget {
    /// Device manufacturer ("Acme Medical").
    pub manufacturer: String,
    /// Device model ("InfuMax 3000").
    pub model: String,
    /// Firmware version ("2.1.3").
    pub firmware_version: String,
}

/// A stored SBOM's identity and headline facts (what `sbom list` shows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SbomSummary {
    /// The store's id for the SBOM.
    pub id: i64,
    /// Device manufacturer, as first stored.
    pub manufacturer: String,
    /// Device model, as first stored.
    pub model: String,
    /// Firmware version, as first stored.
    pub firmware_version: String,
    /// The document's format.
    pub format: SbomFormat,
    /// Declared specification version.
    pub spec_version: String,
    /// Serial number / document namespace.
    pub serial: Option<String>,
    /// CycloneDX BOM version (revision of the document), when given.
    pub revision: Option<u64>,
    /// Document name.
    pub name: Option<String>,
    /// Document creation time, as written.
    pub timestamp: Option<String>,
    /// Number of components.
    pub component_count: u64,
    /// Number of dependency edges (one per from/to pair).
    pub dependency_count: u64,
    /// Where the document came from (file name given at import).
    pub source: Option<String>,
    /// When it was imported (UTC, RFC 3339).
    pub imported_at: String,
}

/// A component together with the stored SBOM it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SbomComponent {
    /// The SBOM's store id.
    pub sbom_id: i64,
    /// The component.
    pub component: Component,
}

/// What a component is. Unknown spellings are kept in `Other`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    /// A software application.
    Application,
    /// A software framework.
    Framework,
    /// A library.
    Library,
    /// A container image.
    Container,
    /// A runtime platform.
    Platform,
    /// An operating system.
    OperatingSystem,
    /// A hardware device.
    Device,
    /// A device driver.
    DeviceDriver,
    /// Firmware.
    Firmware,
    /// A file.
    File,
    /// A machine-learning model.
    MachineLearningModel,
    /// A data set.
    Data,
    /// A cryptographic asset.
    CryptographicAsset,
    /// A source archive or source code.
    Source,
    /// The format does not say.
    #[default]
    Unknown,
    /// A kind outside this list, as written.
    Other(String),
}

impl ComponentKind {
    /// Maps CycloneDX `type` values and SPDX `primaryPackagePurpose` / SPDX 3
    /// `software_primaryPurpose` values (case-insensitive, `-`/`_` alike).
    pub fn from_spelling(s: &str) -> ComponentKind {
        let n: String = s
            .trim()
            .chars()
            .map(|c| {
                if c == '_' || c == ' ' {
                    '-'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        match n.as_str() {
            "application" => ComponentKind::Application,
            "framework" => ComponentKind::Framework,
            "library" => ComponentKind::Library,
            "container" => ComponentKind::Container,
            "platform" => ComponentKind::Platform,
            "operating-system" | "operatingsystem" => ComponentKind::OperatingSystem,
            "device" => ComponentKind::Device,
            "device-driver" | "devicedriver" => ComponentKind::DeviceDriver,
            "firmware" => ComponentKind::Firmware,
            "file" => ComponentKind::File,
            "machine-learning-model" | "model" => ComponentKind::MachineLearningModel,
            "data" => ComponentKind::Data,
            "cryptographic-asset" => ComponentKind::CryptographicAsset,
            "source" => ComponentKind::Source,
            "" | "unknown" => ComponentKind::Unknown,
            _ => ComponentKind::Other(s.trim().to_string()),
        }
    }

    /// The stable kebab-case name (CycloneDX spelling), or the raw text for `Other`.
    pub fn as_str(&self) -> &str {
        match self {
            ComponentKind::Application => "application",
            ComponentKind::Framework => "framework",
            ComponentKind::Library => "library",
            ComponentKind::Container => "container",
            ComponentKind::Platform => "platform",
            ComponentKind::OperatingSystem => "operating-system",
            ComponentKind::Device => "device",
            ComponentKind::DeviceDriver => "device-driver",
            ComponentKind::Firmware => "firmware",
            ComponentKind::File => "file",
            ComponentKind::MachineLearningModel => "machine-learning-model",
            ComponentKind::Data => "data",
            ComponentKind::CryptographicAsset => "cryptographic-asset",
            ComponentKind::Source => "source",
            ComponentKind::Unknown => "unknown",
            ComponentKind::Other(s) => s,
        }
    }
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_keep_unknown_spellings() {
        for s in ["library", "operating-system", "firmware", "device-driver"] {
            assert_eq!(ComponentKind::from_spelling(s).as_str(), s);
        }
        assert_eq!(
            ComponentKind::from_spelling("OPERATING_SYSTEM"),
            ComponentKind::OperatingSystem
        );
        assert_eq!(
            ComponentKind::from_spelling("archive"),
            ComponentKind::Other("archive".into())
        );
        assert_eq!(ComponentKind::from_spelling(""), ComponentKind::Unknown);
    }

    #[test]
    fn format_names_round_trip() {
        for f in [SbomFormat::CyclonedxXml, SbomFormat::Spdx3JsonLd] {
            assert_eq!(SbomFormat::from_name(f.as_str()), Some(f));
        }
    }
}
