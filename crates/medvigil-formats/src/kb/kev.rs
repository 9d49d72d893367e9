//! The CISA Known Exploited Vulnerabilities catalog
//! (<https://www.cisa.gov/known-exploited-vulnerabilities-catalog>), JSON feed.
//!
//! The catalog states its own `count`; a file holding fewer entries is truncated and
//! is rejected rather than silently shrinking the catalog.

use medvigil_model::vuln::KevEntry;
use serde::Deserialize;

use super::json::{self, limit};
use super::{KbError, KbFormat};

const F: KbFormat = KbFormat::Kev;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    count: Option<usize>,
    vulnerabilities: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEntry {
    #[serde(rename = "cveID")]
    cve_id: String,
    vendor_project: String,
    product: String,
    vulnerability_name: String,
    date_added: String,
    short_description: String,
    required_action: String,
    due_date: String,
    known_ransomware_campaign_use: Option<String>,
    notes: Option<String>,
    #[serde(default)]
    cwes: Vec<String>,
}

/// Parses the KEV catalog.
pub fn parse_kev(bytes: &[u8]) -> Result<Vec<KevEntry>, KbError> {
    let raw: Raw = json::from_slice(F, bytes)?;
    if let Some(count) = raw.count.filter(|c| *c != raw.vulnerabilities.len()) {
        return Err(KbError::at(
            F,
            "/count",
            format!(
                "the catalog says it holds {count} entries but has {}",
                raw.vulnerabilities.len()
            ),
        ));
    }
    raw.vulnerabilities
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            let at = format!("/vulnerabilities/{i}");
            if !is_cve_id(&e.cve_id) {
                return Err(KbError::at(
                    F,
                    format!("{at}/cveID"),
                    format!("{:?} is not a CVE id", e.cve_id),
                ));
            }
            limit(F, &format!("{at}/shortDescription"), &e.short_description)?;
            limit(F, &format!("{at}/notes"), e.notes.as_deref().unwrap_or(""))?;
            Ok(KevEntry {
                cve_id: e.cve_id,
                vendor_project: e.vendor_project,
                product: e.product,
                vulnerability_name: e.vulnerability_name,
                date_added: e.date_added,
                short_description: e.short_description,
                required_action: e.required_action,
                due_date: e.due_date,
                known_ransomware_campaign_use: e
                    .known_ransomware_campaign_use
                    .unwrap_or_else(|| "Unknown".into()),
                notes: e.notes.unwrap_or_default(),
                cwes: e.cwes,
            })
        })
        .collect()
}

/// `CVE-YYYY-NNNN...`: four digits of year, at least four of sequence.
pub(crate) fn is_cve_id(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 13
        && s.starts_with("CVE-")
        && b[4..8].iter().all(u8::is_ascii_digit)
        && b[8] == b'-'
        && b[9..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_catalog_is_rejected() {
        let j = br#"{"count":2,"vulnerabilities":[{"cveID":"CVE-2021-44228","vendorProject":"Apache","product":"Log4j2","vulnerabilityName":"x","dateAdded":"2021-12-10","shortDescription":"x","requiredAction":"x","dueDate":"2021-12-24","knownRansomwareCampaignUse":"Known","notes":""}]}"#;
        let e = parse_kev(j).unwrap_err();
        assert!(e.message.contains("holds 2 entries but has 1"), "{e}");
    }

    #[test]
    fn cve_id_shape() {
        assert!(is_cve_id("CVE-2021-44228"));
        assert!(is_cve_id("CVE-2021-0001"));
        assert!(!is_cve_id("CVE-21-44228"));
        assert!(!is_cve_id("CVE-2021-123"));
        assert!(!is_cve_id("GHSA-2021-1234"));
    }
}
