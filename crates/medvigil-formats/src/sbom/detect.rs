//! Format and version detection from the content, never from the file name.

use medvigil_model::sbom::SbomFormat;
use memchr::memmem;

use super::SbomError;

/// What a document looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    /// The format family and encoding.
    pub format: SbomFormat,
    /// The declared specification version, when it could be found cheaply.
    pub spec_version: Option<String>,
}

/// Detects the format by sniffing the content: the first significant byte (`{` JSON,
/// `<` XML, otherwise tag-value) and the marker keys each format requires
/// (`bomFormat`/`specVersion`, `spdxVersion`, `@context` naming spdx.org, `SPDXVersion:`).
pub fn detect(data: &[u8]) -> Result<Detected, SbomError> {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let Some(first) = data.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Err(SbomError::msg("empty document"));
    };
    match data[first] {
        b'{' => {
            // Decide on the root object's own keys, not on strings anywhere in the text
            // (a CycloneDX description may well mention "spdxVersion").
            let top = top_level_keys(data);
            let get = |k: &str| top.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
            if let Some(ctx) = get("@context") {
                let spdx = ctx.as_deref().map_or_else(
                    || memmem::find(data, b"spdx.org/rdf/3").is_some(),
                    |c| c.contains("spdx.org/rdf/3"),
                );
                if spdx {
                    return Ok(Detected {
                        format: SbomFormat::Spdx3JsonLd,
                        spec_version: json_string_after(data, b"\"specVersion\""),
                    });
                }
            }
            if let Some(v) = get("spdxVersion") {
                return Ok(Detected {
                    format: SbomFormat::SpdxJson,
                    spec_version: v.map(|v| v.trim_start_matches("SPDX-").to_string()),
                });
            }
            if get("bomFormat").is_some() || get("specVersion").is_some() {
                return Ok(Detected {
                    format: SbomFormat::CyclonedxJson,
                    spec_version: get("specVersion").flatten(),
                });
            }
            Err(SbomError::msg(
                "JSON document is neither CycloneDX (no \"bomFormat\"), SPDX 2 (no \"spdxVersion\") nor SPDX 3 (no \"@context\")",
            ))
        }
        b'<' => {
            let ns = b"http://cyclonedx.org/schema/bom/";
            match memmem::find(data, ns) {
                Some(i) => {
                    let rest = &data[i + ns.len()..];
                    let end = rest
                        .iter()
                        .position(|&b| b == b'"' || b == b'\'')
                        .unwrap_or(0);
                    Ok(Detected {
                        format: SbomFormat::CyclonedxXml,
                        spec_version: std::str::from_utf8(&rest[..end]).ok().map(str::to_string),
                    })
                }
                None => Err(SbomError::msg(
                    "XML document is not CycloneDX: no http://cyclonedx.org/schema/bom/ namespace (SPDX RDF/XML is not supported; convert it to SPDX JSON)",
                )),
            }
        }
        _ => {
            if let Some(i) = memmem::find(data, b"SPDXVersion:") {
                let rest = &data[i + 12..];
                let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                let v = String::from_utf8_lossy(&rest[..end]).trim().to_string();
                return Ok(Detected {
                    format: SbomFormat::SpdxTagValue,
                    spec_version: Some(v.trim_start_matches("SPDX-").to_string()),
                });
            }
            Err(SbomError::msg(
                "not an SBOM: expected a CycloneDX or SPDX JSON object, CycloneDX XML, or SPDX tag-value (SPDXVersion:)",
            ))
        }
    }
}

/// The marker keys of the root JSON object with their values when those are strings,
/// found by one scan that tracks nesting and skips string contents. Stops at the first
/// decisive key (`specVersion`, `spdxVersion`, `@context`).
fn top_level_keys(b: &[u8]) -> Vec<(String, Option<String>)> {
    const WANTED: &[&str] = &["bomFormat", "specVersion", "spdxVersion", "@context"];
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut depth = 0usize;
    let mut expect_key = false;
    let mut key: Option<String> = None;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i + 1;
                i = start;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                let text = || String::from_utf8_lossy(&b[start..i.min(b.len())]).into_owned();
                if depth == 1 {
                    if expect_key {
                        expect_key = false;
                        key = Some(text()).filter(|k| WANTED.contains(&k.as_str()));
                    } else if let Some(k) = key.take() {
                        let decisive = k != "bomFormat";
                        out.push((k, Some(text())));
                        if decisive {
                            break;
                        }
                    }
                }
            }
            b'{' | b'[' => {
                if depth == 1
                    && let Some(k) = key.take()
                {
                    let decisive = k != "bomFormat";
                    out.push((k, None));
                    if decisive {
                        break;
                    }
                }
                depth += 1;
                expect_key = depth == 1 && b[i] == b'{';
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            b',' if depth == 1 => {
                expect_key = true;
                if let Some(k) = key.take() {
                    out.push((k, None));
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The string value following `key` (a quoted JSON key), if it is a plain string.
fn json_string_after(data: &[u8], key: &[u8]) -> Option<String> {
    let i = memmem::find(data, key)?;
    let rest = &data[i + key.len()..];
    let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
    let rest = rest.strip_prefix(b":")?;
    let rest = &rest[rest.iter().position(|b| !b.is_ascii_whitespace())?..];
    let rest = rest.strip_prefix(b"\"")?;
    let end = rest.iter().take(64).position(|&b| b == b'"')?;
    std::str::from_utf8(&rest[..end]).ok().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_format() {
        let d = detect(br#" {"bomFormat": "CycloneDX", "specVersion" : "1.6"}"#).unwrap();
        assert_eq!(
            (d.format, d.spec_version.as_deref()),
            (SbomFormat::CyclonedxJson, Some("1.6"))
        );
        let d =
            detect(br#"<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.3">"#)
                .unwrap();
        assert_eq!(
            (d.format, d.spec_version.as_deref()),
            (SbomFormat::CyclonedxXml, Some("1.3"))
        );
        let d = detect(br#"{"spdxVersion": "SPDX-2.3"}"#).unwrap();
        assert_eq!(
            (d.format, d.spec_version.as_deref()),
            (SbomFormat::SpdxJson, Some("2.3"))
        );
        let d = detect(b"SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\n").unwrap();
        assert_eq!(
            (d.format, d.spec_version.as_deref()),
            (SbomFormat::SpdxTagValue, Some("2.2"))
        );
        let d =
            detect(br#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}"#).unwrap();
        assert_eq!(d.format, SbomFormat::Spdx3JsonLd);
    }

    #[test]
    fn only_root_keys_decide() {
        let d = detect(
            br#"{"bomFormat":"CycloneDX","components":[{"description":"\"spdxVersion\": \"SPDX-2.3\" @context"}],"specVersion":"1.5"}"#,
        )
        .unwrap();
        assert_eq!(
            (d.format, d.spec_version.as_deref()),
            (SbomFormat::CyclonedxJson, Some("1.5"))
        );
        let d =
            detect(br#"{"packages":[{"specVersion":"1.0"}],"spdxVersion":"SPDX-2.2"}"#).unwrap();
        assert_eq!(d.format, SbomFormat::SpdxJson);
    }

    #[test]
    fn rejects_what_is_not_an_sbom() {
        assert!(detect(b"").is_err());
        assert!(detect(br#"{"hello": 1}"#).is_err());
        assert!(detect(b"<html></html>").is_err());
        assert!(detect(b"name,version\n").is_err());
    }
}
