//! Value rules shared by the CycloneDX JSON and XML readers (the schema's patterns and
//! enumerations, written in code so no schema file is needed at run time).

/// `urn:uuid:` followed by an RFC 4122 UUID, the schema's `serialNumber` pattern.
pub(crate) fn is_urn_uuid(s: &str) -> bool {
    let Some(u) = s.strip_prefix("urn:uuid:") else {
        return false;
    };
    let b = u.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// RFC 3339 / xs:dateTime: `YYYY-MM-DDThh:mm:ss[.fff][Z|±hh:mm]`. JSON Schema's
/// `date-time` requires the offset; xs:dateTime makes it optional.
pub(crate) fn is_date_time(s: &str, offset_required: bool) -> bool {
    let b = s.as_bytes();
    if b.len() < 19 {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(99);
    if !(digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
        && (b[10] == b'T' || b[10] == b't')
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19))
    {
        return false;
    }
    if !(1..=12).contains(&num(5..7))
        || !(1..=31).contains(&num(8..10))
        || num(11..13) > 23
        || num(14..16) > 59
        || num(17..19) > 60
    {
        return false;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    match rest {
        "" => !offset_required,
        "Z" | "z" => true,
        _ => {
            let r = rest.as_bytes();
            r.len() == 6
                && (r[0] == b'+' || r[0] == b'-')
                && r[1..3].iter().all(u8::is_ascii_digit)
                && r[3] == b':'
                && r[4..6].iter().all(u8::is_ascii_digit)
        }
    }
}

/// The schema's hash `content` pattern: hex of an MD5/SHA-1/SHA-256/SHA-384/SHA-512 length.
pub(crate) fn is_hash_content(s: &str) -> bool {
    matches!(s.len(), 32 | 40 | 64 | 96 | 128) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// CycloneDX `hash-alg`.
pub(crate) const HASH_ALGS: &[&str] = &[
    "MD5",
    "SHA-1",
    "SHA-256",
    "SHA-384",
    "SHA-512",
    "SHA3-256",
    "SHA3-384",
    "SHA3-512",
    "BLAKE2b-256",
    "BLAKE2b-384",
    "BLAKE2b-512",
    "BLAKE3",
    "Streebog-256",
    "Streebog-512",
];

/// CycloneDX component `type` values for a spec minor version (1.x).
pub(crate) fn component_types(minor: u32) -> &'static [&'static str] {
    const V12: &[&str] = &[
        "application",
        "framework",
        "library",
        "container",
        "operating-system",
        "device",
        "firmware",
        "file",
    ];
    const V15: &[&str] = &[
        "application",
        "framework",
        "library",
        "container",
        "platform",
        "operating-system",
        "device",
        "device-driver",
        "firmware",
        "file",
        "machine-learning-model",
        "data",
    ];
    const V16: &[&str] = &[
        "application",
        "framework",
        "library",
        "container",
        "platform",
        "operating-system",
        "device",
        "device-driver",
        "firmware",
        "file",
        "machine-learning-model",
        "data",
        "cryptographic-asset",
    ];
    match minor {
        0..=4 => V12,
        5 => V15,
        _ => V16,
    }
}

/// CycloneDX `externalReference.type` values for a spec minor version (1.x).
pub(crate) fn external_reference_types(minor: u32) -> &'static [&'static str] {
    const ALL: &[&str] = &[
        "vcs",
        "issue-tracker",
        "website",
        "advisories",
        "bom",
        "mailing-list",
        "social",
        "chat",
        "documentation",
        "support",
        "distribution",
        "license",
        "build-meta",
        "build-system",
        "other",
        // 1.4
        "release-notes",
        // 1.5
        "distribution-intake",
        "security-contact",
        "model-card",
        "log",
        "configuration",
        "evidence",
        "formulation",
        "attestation",
        "threat-model",
        "adversary-model",
        "risk-assessment",
        "vulnerability-assertion",
        "exploitability-statement",
        "pentest-report",
        "static-analysis-report",
        "dynamic-analysis-report",
        "runtime-analysis-report",
        "component-analysis-report",
        "maturity-report",
        "certification-report",
        "codified-infrastructure",
        "quality-metrics",
        "poam",
        // 1.6
        "source-distribution",
        "electronic-signature",
        "digital-signature",
        "rfc-9116",
        // 1.7
        "patent",
        "patent-family",
        "patent-assertion",
        "citation",
    ];
    let n = match minor {
        0..=3 => 15,
        4 => 16,
        5 => 39,
        6 => 43,
        _ => ALL.len(),
    };
    &ALL[..n]
}

/// Component `scope`.
pub(crate) const SCOPES: &[&str] = &["required", "optional", "excluded"];
/// Pedigree patch `type`.
pub(crate) const PATCH_TYPES: &[&str] = &["unofficial", "monkey", "backport", "cherry-pick"];
/// Issue `type` (patch resolves).
pub(crate) const ISSUE_TYPES: &[&str] = &["defect", "enhancement", "security"];
/// Service data `flow`.
pub(crate) const DATA_FLOWS: &[&str] = &["inbound", "outbound", "bi-directional", "unknown"];
/// Attachment `encoding`.
pub(crate) const ENCODINGS: &[&str] = &["base64"];
/// License `acknowledgement` (1.6).
pub(crate) const ACKNOWLEDGEMENTS: &[&str] = &["declared", "concluded"];

/// An SPDX license identifier from the SPDX license list (the schema's `spdx.schema.json`
/// enumeration), including deprecated ids, which older SBOMs still use.
pub(crate) fn is_spdx_license_id(id: &str) -> bool {
    spdx::license_id(id).is_some() || spdx::exception_id(id).is_some()
}

/// `Err` naming the allowed values unless `value` is one of them.
pub(crate) fn one_of(what: &str, value: &str, allowed: &[&str]) -> Result<(), String> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "{what} {value:?} is not one of: {}",
            allowed.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_numbers() {
        assert!(is_urn_uuid("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"));
        assert!(!is_urn_uuid("urn:uuid:3e671687-395b-41f5-a30f"));
        assert!(!is_urn_uuid("3e671687-395b-41f5-a30f-a58921a69b79"));
    }

    #[test]
    fn date_times() {
        assert!(is_date_time("2020-04-13T20:20:39+00:00", true));
        assert!(is_date_time("2021-01-01T00:00:00.123Z", true));
        assert!(!is_date_time("2020-04-13", true));
        assert!(!is_date_time("2020-04-13T20:20:39", true));
        assert!(is_date_time("2020-04-13T20:20:39", false));
        assert!(!is_date_time("2020-13-13T20:20:39Z", true));
    }

    #[test]
    fn hashes_and_licenses() {
        assert!(is_hash_content("3942447fac867ae5cdb3229b658f4d48"));
        assert!(!is_hash_content("foo"));
        assert!(is_spdx_license_id("Apache-2.0"));
        assert!(is_spdx_license_id("GPL-2.0"));
        assert!(!is_spdx_license_id("Apache-2"));
        assert_eq!(external_reference_types(6).last(), Some(&"rfc-9116"));
        assert_eq!(external_reference_types(4).last(), Some(&"release-notes"));
    }
}
