//! Applying VEX statements to findings.
//!
//! A statement applies to a finding when it names the same vulnerability (or one of its
//! aliases) and a product that is the finding's asset: the same purl package (and
//! version, when the statement gives one), a CPE that name-matches the asset's CPE, or
//! the same manufacturer and model (and firmware version, when given). When several
//! apply, the newest (by timestamp) wins. The finding keeps its `matched_status` and
//! gains `vex`: a `not_affected` finding is suppressed, never deleted.
//!
//! ```
//! use medvigil_match::vex::apply_vex;
//! use medvigil_match::names::VendorTable;
//! use medvigil_model::finding::*;
//! use std::collections::BTreeMap;
//! let mut f = vec![Finding {
//!     asset: AssetRef::Component { sbom: "s".into(), reference: "log4j".into() },
//!     model: Some("log4j-core".into()), version: Some("2.14.1".into()),
//!     vulnerability_id: "CVE-2021-44228".into(), advisory_id: None,
//!     status: FindingStatus::Affected, matched_status: FindingStatus::Affected,
//!     details: vec![MatchDetails { kind: MatchKind::ExactDirect, matcher: "purl_osv".into(),
//!         searched_by: BTreeMap::from([("purl".into(), "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".into())]),
//!         found: BTreeMap::new(), rule: String::new(), range: None, confidence: 1.0 }],
//!     vex: None }];
//! let st = VexStatement { vulnerability_id: "CVE-2021-44228".into(), aliases: vec![],
//!     products: vec![VexProduct::Purl { purl: "pkg:maven/org.apache.logging.log4j/log4j-core".into(), range: None }],
//!     status: FindingStatus::NotAffected, justification: Some("vulnerable_code_not_in_execute_path".into()),
//!     impact_statement: None, action_statement: None, timestamp: None, source: "doc#0".into() };
//! apply_vex(&mut f, &[st], &VendorTable::builtin());
//! assert!(f[0].is_suppressed());
//! assert_eq!(f[0].matched_status, FindingStatus::Affected);
//! ```

use std::collections::HashMap;

use medvigil_model::finding::{Finding, VexApplied, VexProduct, VexStatement};
use medvigil_version::{Scheme, Version};

use crate::cpe::Cpe;
use crate::csaf::{PreparedDevice, model_match};
use crate::names::VendorTable;
use crate::purl::Purl;

/// Applies `statements` to `findings` in place; returns how many findings changed.
pub fn apply_vex(
    findings: &mut [Finding],
    statements: &[VexStatement],
    table: &VendorTable,
) -> usize {
    let mut by_vuln: HashMap<String, Vec<&VexStatement>> = HashMap::new();
    for s in statements {
        for id in std::iter::once(&s.vulnerability_id).chain(&s.aliases) {
            by_vuln.entry(id.to_ascii_uppercase()).or_default().push(s);
        }
    }
    let mut changed = 0;
    for f in findings.iter_mut() {
        let Some(cands) = by_vuln.get(&f.vulnerability_id.to_ascii_uppercase()) else {
            continue;
        };
        let best = cands
            .iter()
            .filter(|s| s.products.iter().any(|p| applies(p, f, table)))
            .max_by(|a, b| a.timestamp.cmp(&b.timestamp));
        if let Some(s) = best {
            f.status = s.status;
            f.vex = Some(VexApplied {
                source: s.source.clone(),
                status: s.status,
                justification: s.justification.clone(),
                impact_statement: s.impact_statement.clone(),
                action_statement: s.action_statement.clone(),
                timestamp: s.timestamp.clone(),
            });
            changed += 1;
        }
    }
    changed
}

/// Whether `version` is inside a `vers:` range, under the range's own scheme. A range or
/// version that cannot be read does not apply: a statement is never stretched.
fn in_vers(range: &str, version: &str) -> bool {
    let Ok(r) = medvigil_version::Vers::parse(range) else {
        return false;
    };
    Version::parse(r.scheme(), version)
        .ok()
        .and_then(|v| r.contains(&v).ok())
        .unwrap_or(false)
}

/// Whether two firmware versions are the same under the vendor scheme (`v2.1` is `2.1`,
/// `4.1 build 118` is `4.1.118`); text that is not a vendor version must be equal as
/// written, case aside.
fn same_firmware(a: &str, b: &str) -> bool {
    match (
        Version::parse(Scheme::Vendor, a),
        Version::parse(Scheme::Vendor, b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        (Err(_), Err(_)) => a.trim().eq_ignore_ascii_case(b.trim()),
        _ => false,
    }
}

/// Whether a VEX product is the finding's asset.
fn applies(p: &VexProduct, f: &Finding, table: &VendorTable) -> bool {
    let searched = |k: &str| f.details.iter().find_map(|d| d.searched_by.get(k).cloned());
    match p {
        VexProduct::Purl { purl, range } => {
            let (Ok(want), Some(Ok(have))) = (
                Purl::normalize(purl),
                searched("purl").map(|h| Purl::normalize(&h)),
            ) else {
                return false;
            };
            if want.package_key() != have.package_key() {
                return false;
            }
            let have_version = have.version().or(f.version.as_deref());
            if let Some(r) = range {
                return have_version.is_some_and(|v| in_vers(r, v));
            }
            match want.version() {
                None => true,
                Some(v) => have_version == Some(v),
            }
        }
        VexProduct::Cpe { cpe } => {
            let (Ok(want), Some(Ok(have))) = (
                cpe.parse::<Cpe>(),
                searched("cpe").map(|c| c.parse::<Cpe>()),
            ) else {
                return false;
            };
            want.matches(&have)
        }
        VexProduct::Model {
            manufacturer,
            model,
            version,
            range,
        } => {
            let (Some(fm), Some(fmod)) = (searched("manufacturer"), searched("model")) else {
                return false;
            };
            let (Some(a), Some(b)) = (
                PreparedDevice::from_names(manufacturer, model, table),
                PreparedDevice::from_names(&fm, &fmod, table),
            ) else {
                return false;
            };
            if !a.vendor_groups.iter().any(|g| b.vendor_groups.contains(g)) {
                return false;
            }
            // Both directions: the statement's model must be this model, not a sibling.
            let same = model_match(&b.model, &a.model).is_some_and(|m| m.confidence >= 0.75)
                && model_match(&a.model, &b.model).is_some_and(|m| m.confidence >= 0.75);
            if !same {
                return false;
            }
            let fv = searched("version").or(f.version.clone());
            if let Some(r) = range {
                return fv.as_deref().is_some_and(|v| in_vers(r, v));
            }
            match version {
                None => true,
                Some(v) => fv.as_deref().is_some_and(|fv| same_firmware(v, fv)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use medvigil_model::finding::*;

    use super::*;

    fn device_finding(model: &str, version: &str) -> Finding {
        Finding {
            asset: AssetRef::Device {
                site: "n".into(),
                asset_id: "A".into(),
            },
            model: Some(model.into()),
            version: Some(version.into()),
            vulnerability_id: "CVE-2020-6961".into(),
            advisory_id: Some("ICSMA-20-023-01".into()),
            status: FindingStatus::Affected,
            matched_status: FindingStatus::Affected,
            details: vec![MatchDetails {
                kind: MatchKind::Name,
                matcher: "csaf_product_tree".into(),
                searched_by: BTreeMap::from([
                    ("manufacturer".into(), "GE Healthcare".into()),
                    ("model".into(), model.into()),
                    ("version".into(), version.into()),
                ]),
                found: BTreeMap::new(),
                rule: String::new(),
                range: None,
                confidence: 0.9,
            }],
            vex: None,
        }
    }

    fn statement(
        model: &str,
        version: Option<&str>,
        status: FindingStatus,
        ts: &str,
    ) -> VexStatement {
        VexStatement {
            vulnerability_id: "CVE-2020-6961".into(),
            aliases: vec![],
            products: vec![VexProduct::Model {
                manufacturer: "General Electric (GE)".into(),
                model: model.into(),
                version: version.map(str::to_string),
                range: None,
            }],
            status,
            justification: Some("inline_mitigations_already_exist".into()),
            impact_statement: None,
            action_statement: None,
            timestamp: Some(ts.into()),
            source: format!("test#{ts}"),
        }
    }

    #[test]
    fn model_statements_apply_per_model_and_version_newest_wins() {
        let t = VendorTable::builtin();
        let mut f = vec![
            device_finding("CARESCAPE B450", "2.1"),
            device_finding("CARESCAPE B650", "2.1"),
        ];
        let st = [
            statement(
                "B450",
                Some("v2.1"),
                FindingStatus::UnderInvestigation,
                "2024-01-01",
            ),
            statement("B450", None, FindingStatus::NotAffected, "2024-02-01"),
        ];
        assert_eq!(apply_vex(&mut f, &st, &t), 1);
        assert!(f[0].is_suppressed());
        assert_eq!(f[0].vex.as_ref().unwrap().source, "test#2024-02-01");
        assert!(f[1].vex.is_none(), "a sibling model is untouched");
        let mut ranged = statement("B450", None, FindingStatus::Fixed, "2024-03-01");
        if let VexProduct::Model { range, .. } = &mut ranged.products[0] {
            *range = Some("vers:generic/>=2.0|<2.2".into());
        }
        let mut r = vec![
            device_finding("CARESCAPE B450", "2.1"),
            device_finding("CARESCAPE B450", "2.2"),
        ];
        apply_vex(&mut r, std::slice::from_ref(&ranged), &t);
        assert_eq!(r[0].status, FindingStatus::Fixed, "2.1 is in the range");
        assert!(r[1].vex.is_none(), "2.2 is not");
        let mut g = vec![device_finding("CARESCAPE B450", "2.2")];
        apply_vex(&mut g, &st[..1], &t);
        assert!(g[0].vex.is_none(), "another firmware version is untouched");
    }

    #[test]
    fn firmware_versions_compare_under_the_vendor_scheme() {
        assert!(same_firmware("v2.1", "2.1"));
        assert!(same_firmware("2.1.0", "2.1"));
        assert!(same_firmware("4.1 build 118", "4.1.118"));
        assert!(
            same_firmware("2.X", "2.x"),
            "not versions: equal as written"
        );
        assert!(!same_firmware("2.1", "2.2"));
        assert!(!same_firmware("2.X", "2.1"));
    }
}
