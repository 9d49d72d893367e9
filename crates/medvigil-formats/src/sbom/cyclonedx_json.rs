//! CycloneDX JSON 1.2-1.7.
//!
//! Deserialized straight into the typed raw layer ([`super::cdx`]) through
//! `serde_path_to_error`, so a structural error (unknown field, wrong type, missing
//! required field, duplicate key, nesting deeper than serde_json's 128 levels) names its
//! line, column and field path.

use medvigil_model::sbom::{Sbom, SbomFormat};

use super::SbomError;
use super::cdx::{self, Bom};

/// Reads a CycloneDX JSON document.
pub(crate) fn parse(text: &str) -> Result<Sbom, SbomError> {
    let version = super::detect::detect(text.as_bytes())?.spec_version;
    let result = match &version {
        // Components are validated and converted while they are read (bounded memory).
        Some(v) => cdx::read_streamed(v, SbomFormat::CyclonedxJson, |reset| {
            parse_raw_with(text, reset)
        }),
        None => cdx::finish(parse_raw(text)?, SbomFormat::CyclonedxJson),
    };
    result.map_err(|mut e| {
        // The 1.2 and 1.3 JSON schemas tolerated unknown properties; medvigil does not
        // (a misspelt field would be silently lost), and says so.
        if e.message.starts_with("unknown field") && matches!(version.as_deref(), Some("1.2" | "1.3")) {
            e.message.push_str(
                " (the CycloneDX 1.2/1.3 schemas tolerate unknown fields; medvigil refuses them so that a misspelt field is not silently lost)",
            );
        }
        e
    })
}

/// Deserializes the raw document, mapping serde errors to positioned [`SbomError`]s.
pub(crate) fn parse_raw(text: &str) -> Result<Bom, SbomError> {
    parse_raw_with(text, &|| {})
}

/// [`parse_raw`], calling `reset` before the second (path-tracking) pass on errors.
fn parse_raw_with(text: &str, reset: &dyn Fn()) -> Result<Bom, SbomError> {
    check_depth(text.as_bytes(), MAX_JSON_DEPTH)?;
    // Fast path without path tracking; only a failing document is read a second time,
    // with serde_path_to_error, to say where the problem is.
    let first = match serde_json::from_str::<Bom>(text) {
        Ok(bom) => return Ok(bom),
        Err(e) => e,
    };
    reset();
    let mut de = serde_json::Deserializer::from_str(text);
    let tracked: Result<Bom, _> = serde_path_to_error::deserialize(&mut de);
    let e = match tracked {
        Err(e) => e,
        // Not expected: both passes read the same text the same way.
        Ok(_) => {
            return Err(SbomError {
                line: Some(first.line() as u64),
                column: Some(first.column() as u64),
                path: None,
                message: json_message(&first),
            });
        }
    };
    let path = e.path().to_string();
    let inner = e.into_inner();
    // A trailing-characters error is only seen by the first pass's end check; report
    // whichever error comes first in the text.
    let (err, path) = if (first.line(), first.column()) < (inner.line(), inner.column()) {
        (first, None)
    } else {
        (inner, (path != ".").then_some(path))
    };
    Err(SbomError {
        line: Some(err.line() as u64),
        column: Some(err.column() as u64),
        path,
        message: json_message(&err),
    })
}

/// See [`super::MAX_DEPTH`].
pub(crate) const MAX_JSON_DEPTH: usize = super::MAX_DEPTH;

/// Rejects documents nested deeper than `max` before any recursive parsing, by one
/// linear scan that skips string contents.
pub(crate) fn check_depth(b: &[u8], max: usize) -> Result<(), SbomError> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    let (line, column) = super::line_col(b, i);
                    return Err(SbomError::at_line(
                        line,
                        column,
                        format!("nesting too deep (more than {max} levels): refusing the document"),
                    ));
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// serde_json's message without its trailing " at line L column C" (we print those).
pub(crate) fn json_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let msg = match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    if msg.contains("recursion limit exceeded") {
        return "nesting too deep (more than 128 levels): refusing the document".into();
    }
    if e.is_eof() {
        return format!("{msg}: the document is truncated");
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(doc: &str) -> SbomError {
        parse(doc).unwrap_err()
    }

    const HEAD: &str = r#""bomFormat":"CycloneDX","specVersion":"1.6","version":1"#;

    #[test]
    fn reads_components_and_dependencies() {
        let doc = format!(
            r#"{{{HEAD},"metadata":{{"timestamp":"2024-01-01T00:00:00Z","component":{{"type":"device","name":"Pump","bom-ref":"pump"}}}},
            "components":[{{"type":"firmware","name":"fw","version":"2.1","bom-ref":"fw",
              "components":[{{"type":"library","name":"zlib","version":"1.3"}}]}}],
            "dependencies":[{{"ref":"pump","dependsOn":["fw"]}}]}}"#
        );
        let s = parse(&doc).unwrap();
        assert_eq!(s.components.len(), 3);
        assert_eq!(s.subject.as_deref(), Some("pump"));
        assert_eq!(s.components[2].parent.as_deref(), Some("fw"));
        assert_eq!(s.dependencies[0].to, vec!["fw".to_string()]);
    }

    #[test]
    fn unknown_field_names_path_and_line() {
        let e = err(&format!(
            "{{{HEAD},\n\"components\":[{{\"type\":\"library\",\"name\":\"a\",\"colour\":1}}]}}"
        ));
        assert_eq!(e.line, Some(2));
        assert_eq!(e.path.as_deref(), Some("components[0].colour"));
        assert!(e.message.contains("unknown field `colour`"), "{e}");
    }

    #[test]
    fn duplicate_keys_are_rejected_everywhere() {
        let e = err(&format!(
            r#"{{{HEAD},"components":[{{"type":"library","name":"a","name":"b"}}]}}"#
        ));
        assert!(e.message.contains("duplicate field `name`"), "{e}");
        let e = err(&format!(
            r#"{{{HEAD},"vulnerabilities":[{{"id":"x","id":"y"}}]}}"#
        ));
        assert!(e.message.contains("duplicate key \"id\""), "{e}");
    }

    #[test]
    fn truncated_wrong_type_and_deep_nesting() {
        let e = err(&format!(r#"{{{HEAD},"components":[{{"type":"library""#));
        assert!(e.message.contains("truncated"), "{e}");
        let e = err(&format!(r#"{{{HEAD},"components":{{}}}}"#));
        assert!(e.message.contains("invalid type: map"), "{e}");
        let mut deep = format!(r#"{{{HEAD},"components":["#);
        for _ in 0..10_000 {
            deep.push_str(r#"{"type":"library","name":"n","components":["#);
        }
        let e = err(&deep);
        assert!(e.message.contains("nesting too deep"), "{e}");
    }

    #[test]
    fn fields_newer_than_the_document_are_refused_from_1_4() {
        let doc = |v: &str| {
            format!(
                r#"{{"bomFormat":"CycloneDX","specVersion":"{v}","components":[{{"type":"library","name":"a","version":"1","tags":["x"]}}]}}"#
            )
        };
        let e = parse(&doc("1.4")).unwrap_err();
        assert_eq!(e.path.as_deref(), Some("components[0].tags"), "{e}");
        assert!(e.message.contains("added in 1.6"), "{e}");
        // 1.2/1.3 schemas allowed additional properties.
        assert!(parse(&doc("1.3")).is_ok());
        assert!(parse(&doc("1.6")).is_ok());
        let e =
            parse(r#"{"bomFormat":"CycloneDX","specVersion":"1.3","components":[],"colour":1}"#)
                .unwrap_err();
        assert!(e.message.contains("tolerate unknown fields"), "{e}");
    }

    #[test]
    fn value_rules_name_the_field() {
        let e = err(&format!(
            r#"{{{HEAD},"components":[{{"type":"library","name":"a","hashes":[{{"alg":"MD5","content":"foo"}}]}}]}}"#
        ));
        assert_eq!(e.path.as_deref(), Some("components[0].hashes[0].content"));
        let e = err(&format!(
            r#"{{{HEAD},"components":[{{"type":"lib","name":"a"}}]}}"#
        ));
        assert_eq!(e.path.as_deref(), Some("components[0].type"));
    }
}
