//! VEX readers: OpenVEX 0.2 and CycloneDX VEX to [`VexStatement`]s; CSAF VEX documents
//! (read by [`crate::kb::parse_csaf`]) to statements via [`csaf_statements`].
//!
//! A VEX document says, for a vulnerability and a product, whether the product is
//! affected, not affected (with a justification), fixed, or under investigation. The
//! matching engine applies the statements to its findings; this module only reads.
//!
//! Errors name the JSON position (line and column for syntax, a JSON pointer for
//! content) and what was expected. Things the engine cannot apply faithfully (CycloneDX
//! version *ranges* in `affects[].versions`) are not guessed: they come back as
//! diagnostics next to the statements that could be read.
//!
//! ```
//! let doc = br#"{"@context":"https://openvex.dev/ns/v0.2.0","@id":"https://example.org/vex/1",
//!   "author":"Example PSIRT","timestamp":"2024-01-02T00:00:00Z","version":1,
//!   "statements":[{"vulnerability":{"name":"CVE-2021-44228"},
//!     "products":[{"@id":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
//!     "status":"not_affected","justification":"vulnerable_code_not_in_execute_path"}]}"#;
//! let read = medvigil_formats::vex::parse_vex(doc, "vex.json").unwrap();
//! assert_eq!(read.format, medvigil_formats::vex::VexFormat::OpenVex);
//! assert_eq!(read.statements[0].vulnerability_id, "CVE-2021-44228");
//! ```

mod cyclonedx;
mod openvex;

use std::fmt;

use medvigil_model::finding::{FindingStatus, VexProduct, VexStatement};
use medvigil_model::vuln::Advisory;
use serde_json::Value;

pub use cyclonedx::parse_cyclonedx_vex;
pub use openvex::parse_openvex;

/// A VEX document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VexFormat {
    /// OpenVEX (0.2.0; 0.0.x documents are read too).
    OpenVex,
    /// CycloneDX 1.4+ with `vulnerabilities[].analysis`.
    CycloneDx,
    /// CSAF 2.0 with the `csaf_vex` profile.
    Csaf,
}

impl fmt::Display for VexFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VexFormat::OpenVex => "OpenVEX",
            VexFormat::CycloneDx => "CycloneDX VEX",
            VexFormat::Csaf => "CSAF VEX",
        })
    }
}

/// What a VEX document held.
#[derive(Debug, Clone, PartialEq)]
pub struct VexDocument {
    /// Its format.
    pub format: VexFormat,
    /// The statements read.
    pub statements: Vec<VexStatement>,
    /// Parts that were understood but not turned into statements, with the reason.
    pub diagnostics: Vec<String>,
}

/// A VEX document that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}: {location}: {message}")]
pub struct VexError {
    /// The file (or other source) name.
    pub source_name: String,
    /// Where: "line 3, column 7" or a JSON pointer such as "/statements/2/status".
    pub location: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl VexError {
    pub(crate) fn at(source: &str, pointer: &str, message: impl Into<String>) -> VexError {
        VexError {
            source_name: source.to_string(),
            location: if pointer.is_empty() {
                "document".into()
            } else {
                pointer.to_string()
            },
            message: message.into(),
        }
    }
}

/// Parses JSON, turning syntax errors into positioned [`VexError`]s.
pub(crate) fn json(bytes: &[u8], source: &str) -> Result<Value, VexError> {
    serde_json::from_slice(bytes).map_err(|e| VexError {
        source_name: source.to_string(),
        location: format!("line {}, column {}", e.line(), e.column()),
        message: format!("not valid JSON: {e}"),
    })
}

/// Detects the format and reads the statements. CSAF VEX documents are read with the
/// knowledge base's CSAF reader.
pub fn parse_vex(bytes: &[u8], source: &str) -> Result<VexDocument, VexError> {
    let v = json(bytes, source)?;
    if v.get("@context")
        .and_then(Value::as_str)
        .is_some_and(|c| c.contains("openvex"))
    {
        return parse_openvex(bytes, source);
    }
    if v.get("bomFormat").and_then(Value::as_str) == Some("CycloneDX") {
        return parse_cyclonedx_vex(bytes, source);
    }
    if v.pointer("/document/csaf_version").is_some() {
        let adv = crate::kb::parse_csaf(bytes)
            .map_err(|e| VexError::at(source, "", format!("CSAF document: {e}")))?;
        let statements = csaf_statements(&adv);
        let mut diagnostics = Vec::new();
        if adv.category != "csaf_vex" {
            diagnostics.push(format!(
                "document category is {:?}, not csaf_vex; its product status is read as VEX anyway",
                adv.category
            ));
        }
        return Ok(VexDocument {
            format: VexFormat::Csaf,
            statements,
            diagnostics,
        });
    }
    Err(VexError::at(
        source,
        "",
        "not a VEX document: expected OpenVEX (\"@context\" naming openvex), CycloneDX (\"bomFormat\": \"CycloneDX\") or CSAF (\"document\".\"csaf_version\")",
    ))
}

/// The VEX statements of a CSAF document: one per vulnerability and status list, with
/// the products' purl, CPE or vendor/name/version, and the justification flags.
pub fn csaf_statements(adv: &Advisory) -> Vec<VexStatement> {
    let mut out = Vec::new();
    for (vi, v) in adv.vulnerabilities.iter().enumerate() {
        let Some(id) = v
            .cve
            .clone()
            .or_else(|| v.ids.first().map(|(_, t)| t.clone()))
        else {
            continue;
        };
        let ps = &v.product_status;
        let lists: [(&Vec<String>, FindingStatus); 7] = [
            (&ps.known_not_affected, FindingStatus::NotAffected),
            (&ps.fixed, FindingStatus::Fixed),
            (&ps.first_fixed, FindingStatus::Fixed),
            (&ps.known_affected, FindingStatus::Affected),
            (&ps.first_affected, FindingStatus::Affected),
            (&ps.last_affected, FindingStatus::Affected),
            (&ps.under_investigation, FindingStatus::UnderInvestigation),
        ];
        for (ids, status) in lists {
            for pid in ids {
                let Some(p) = adv.product(pid) else { continue };
                let product = if let Some(purl) = &p.identification.purl {
                    VexProduct::Purl {
                        purl: purl.clone(),
                        range: None,
                    }
                } else if let Some(cpe) = &p.identification.cpe {
                    VexProduct::Cpe { cpe: cpe.clone() }
                } else {
                    VexProduct::Model {
                        manufacturer: p.vendor.clone().unwrap_or_default(),
                        range: None,
                        model: p
                            .product_name
                            .clone()
                            .or_else(|| p.product_family.clone())
                            .unwrap_or_else(|| p.name.clone()),
                        version: p.version.clone(),
                    }
                };
                let justification = v
                    .flags
                    .iter()
                    .find(|f| f.product_ids.iter().any(|x| x == pid))
                    .map(|f| f.label.clone());
                let impact = v
                    .threats
                    .iter()
                    .find(|t| t.category == "impact" && t.product_ids.iter().any(|x| x == pid))
                    .map(|t| t.details.clone());
                let action = v
                    .remediations
                    .iter()
                    .find(|r| r.product_ids.iter().any(|x| x == pid))
                    .map(|r| r.details.clone());
                out.push(VexStatement {
                    vulnerability_id: id.clone(),
                    aliases: Vec::new(),
                    products: vec![product],
                    status,
                    justification,
                    impact_statement: impact,
                    action_statement: action,
                    timestamp: Some(adv.current_release_date.clone()),
                    source: format!("csaf:{}#/vulnerabilities/{vi}/{pid}", adv.id),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod corpus_tests {
    use super::*;

    /// Every CycloneDX VEX example of the CycloneDX project and the CSAF VEX example of
    /// the OASIS CSAF repository read without error and yield statements.
    #[test]
    fn corpus_vex_documents() {
        let Some(cdx) = medvigil_testkit::corpus("sbom/cyclonedx-examples/VEX") else {
            return;
        };
        let files =
            medvigil_testkit::files_under(&cdx, |n| n.starts_with("vex") && n.ends_with(".json"));
        assert!(files.len() >= 20, "{} files", files.len());
        let mut statements = 0;
        for f in &files {
            let bytes = std::fs::read(f).unwrap();
            let d = parse_vex(&bytes, &f.display().to_string()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(d.format, VexFormat::CycloneDx);
            statements += d.statements.len();
        }
        assert!(statements >= 40, "{statements} statements");
        let Some(csaf) = medvigil_testkit::corpus("csaf/oasis-csaf-2.0/examples/csaf/csaf_vex")
        else {
            return;
        };
        for f in medvigil_testkit::files_under(&csaf, |n| n.ends_with(".json")) {
            let d = parse_vex(&std::fs::read(&f).unwrap(), &f.display().to_string())
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(d.format, VexFormat::Csaf);
            assert!(!d.statements.is_empty(), "{}", f.display());
            for s in d
                .statements
                .iter()
                .filter(|s| s.status == FindingStatus::NotAffected)
            {
                assert!(
                    s.justification.is_some() || s.impact_statement.is_some(),
                    "{}: {} not_affected without justification or impact",
                    f.display(),
                    s.source
                );
            }
        }
    }
}
