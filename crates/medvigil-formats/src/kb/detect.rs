//! Telling a knowledge-base format from the content of a file.
//!
//! JSON formats are told apart by their top-level keys, read in one pass that skips
//! every value (no allocation for the values, so detection costs a fraction of parsing).
//! Text that is not JSON is EPSS when it starts with its comment or header line, and
//! OSV YAML when it looks like a YAML mapping with an `id`.

use std::fmt;

use serde::Deserializer as _;
use serde::de::{IgnoredAny, MapAccess, Visitor};

use super::json::json_error;
use super::{KbError, KbFormat};

/// Detects the format of `bytes`. `file_name` is only used in the error message and to
/// accept YAML whose content alone is ambiguous.
pub fn detect(bytes: &[u8], file_name: Option<&str>) -> Result<KbFormat, KbError> {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let body = &bytes[start..];
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    if body.is_empty() {
        return Err(KbError::new(None, "the file is empty"));
    }
    if body[0] == b'{' {
        let keys = top_level_keys(bytes)?;
        let has = |k: &str| keys.iter().any(|x| x == k);
        return if has("document")
            && (has("product_tree") || has("vulnerabilities") || keys.len() <= 3)
        {
            Ok(KbFormat::Csaf)
        } else if has("catalogVersion") || (has("vulnerabilities") && has("dateReleased")) {
            Ok(KbFormat::Kev)
        } else if has("vulnerabilities") || has("cve") || (has("id") && has("sourceIdentifier")) {
            Ok(KbFormat::Nvd)
        } else if has("cveMetadata") || has("dataType") {
            Ok(KbFormat::Cve5)
        } else if has("results") {
            Ok(KbFormat::Openfda)
        } else if has("id") && (has("modified") || has("affected") || has("schema_version")) {
            Ok(KbFormat::OsvJson)
        } else {
            Err(KbError::new(
                None,
                format!(
                    "not a knowledge-base format (OSV, NVD, CVE 5, CSAF, KEV, openFDA): top-level keys are {}",
                    if keys.is_empty() {
                        "none".to_string()
                    } else {
                        keys.join(", ")
                    }
                ),
            ))
        };
    }
    if body[0] == b'[' {
        return Err(KbError::new(
            None,
            "a top-level JSON array is not a knowledge-base format",
        ));
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(256)]);
    let first_line = head.lines().next().unwrap_or("").trim();
    if first_line.starts_with("#model_version") || first_line.starts_with("cve,epss") {
        return Ok(KbFormat::Epss);
    }
    let yaml_name = file_name.is_some_and(|n| n.ends_with(".yaml") || n.ends_with(".yml"));
    let looks_yaml = body.starts_with(b"id:") || body.starts_with(b"---") || memmem(body, b"\nid:");
    if looks_yaml || yaml_name {
        return Ok(KbFormat::OsvYaml);
    }
    Err(KbError::new(
        None,
        format!(
            "not a knowledge-base format: starts with {:?}",
            first_line.chars().take(40).collect::<String>()
        ),
    ))
}

fn memmem(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The keys of the top-level JSON object, in document order.
fn top_level_keys(bytes: &[u8]) -> Result<Vec<String>, KbError> {
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
            let mut keys = Vec::new();
            while let Some(k) = map.next_key::<String>()? {
                map.next_value::<IgnoredAny>()?;
                keys.push(k);
            }
            Ok(keys)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let keys = de.deserialize_map(Keys).map_err(json_error_any)?;
    de.end().map_err(json_error_any)?;
    Ok(keys)
}

fn json_error_any(e: serde_json::Error) -> KbError {
    let mut err = json_error(KbFormat::OsvJson, e, None);
    err.format = None;
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_format() {
        let cases: &[(&[u8], KbFormat)] = &[
            (br#"{"document":{},"product_tree":{}}"#, KbFormat::Csaf),
            (
                br#"{"title":"CISA","catalogVersion":"1","vulnerabilities":[]}"#,
                KbFormat::Kev,
            ),
            (
                br#"{"resultsPerPage":1,"vulnerabilities":[]}"#,
                KbFormat::Nvd,
            ),
            (br#"{"id":"CVE-1","sourceIdentifier":"x"}"#, KbFormat::Nvd),
            (
                br#"{"dataType":"CVE_RECORD","cveMetadata":{}}"#,
                KbFormat::Cve5,
            ),
            (br#"{"meta":{},"results":[]}"#, KbFormat::Openfda),
            (br#"{"id":"GO-1","modified":"x"}"#, KbFormat::OsvJson),
            (
                b"#model_version:v1,score_date:x\ncve,epss,percentile\n",
                KbFormat::Epss,
            ),
            (b"id: PYSEC-1\nmodified: x\n", KbFormat::OsvYaml),
        ];
        for (bytes, want) in cases {
            assert_eq!(
                detect(bytes, None).unwrap(),
                *want,
                "{}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn truncated_json_says_where() {
        let e = detect(b"{\"id\": \"GO-1\",\n \"modified\": ", None).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("truncated"), "{e}");
    }

    #[test]
    fn unknown_json_lists_its_keys() {
        let e = detect(br#"{"bomFormat":"CycloneDX"}"#, None).unwrap_err();
        assert!(e.message.contains("bomFormat"), "{e}");
        assert!(detect(b"", None).is_err());
        assert!(detect(b"PK\x03\x04", None).is_err());
    }
}
