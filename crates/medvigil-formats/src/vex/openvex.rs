//! OpenVEX 0.2.0 (<https://github.com/openvex/spec>), our own reader.
//!
//! Document: `@context`, `@id`, `author`, `timestamp`, `statements[]`. Statement:
//! `vulnerability` (an object with `name`, `@id`, `aliases` in 0.2; a bare string in
//! 0.0.x), `products[]` (`@id` and `identifiers` {`purl`, `cpe23`, `cpe22`}, optional
//! `subcomponents[]`), `status`, `justification`, `impact_statement`,
//! `action_statement`, `timestamp`. The spec's MUSTs are enforced: `not_affected` needs
//! a justification or an impact statement, `affected` needs an action statement.

use medvigil_model::finding::{FindingStatus, VexProduct, VexStatement};
use serde_json::Value;

use super::{VexDocument, VexError, VexFormat, json};

const JUSTIFICATIONS: &[&str] = &[
    "component_not_present",
    "vulnerable_code_not_present",
    "vulnerable_code_not_in_execute_path",
    "vulnerable_code_cannot_be_controlled_by_adversary",
    "inline_mitigations_already_exist",
];

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|s| !s.is_empty())
}

/// The products of one OpenVEX product entry: its subcomponents if it has any (the
/// statement is about them, inside the product), else itself.
fn products(p: &Value, at: &str, source: &str) -> Result<Vec<VexProduct>, VexError> {
    let one = |p: &Value, at: &str| -> Result<VexProduct, VexError> {
        let ids = p.get("identifiers");
        let id = text(p, "@id");
        if let Some(purl) = ids
            .and_then(|i| text(i, "purl"))
            .or_else(|| id.clone().filter(|i| i.starts_with("pkg:")))
        {
            return Ok(VexProduct::Purl { purl, range: None });
        }
        if let Some(cpe) = ids
            .and_then(|i| text(i, "cpe23").or_else(|| text(i, "cpe22")))
            .or_else(|| id.clone().filter(|i| i.starts_with("cpe:")))
        {
            return Ok(VexProduct::Cpe { cpe });
        }
        Err(VexError::at(
            source,
            at,
            "a product needs a purl or CPE (as \"@id\" or in \"identifiers\") for medvigil to apply it",
        ))
    };
    match p.get("subcomponents").and_then(Value::as_array) {
        Some(subs) if !subs.is_empty() => subs
            .iter()
            .enumerate()
            .map(|(i, s)| one(s, &format!("{at}/subcomponents/{i}")))
            .collect(),
        _ => Ok(vec![one(p, at)?]),
    }
}

/// Reads an OpenVEX document.
pub fn parse_openvex(bytes: &[u8], source: &str) -> Result<VexDocument, VexError> {
    let doc = json(bytes, source)?;
    let doc_id = text(&doc, "@id").unwrap_or_else(|| source.to_string());
    let doc_ts = text(&doc, "timestamp");
    let statements = doc
        .get("statements")
        .and_then(Value::as_array)
        .ok_or_else(|| VexError::at(source, "/statements", "missing the \"statements\" array"))?;
    let mut out = Vec::new();
    let mut diagnostics = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        let at = format!("/statements/{i}");
        let (vid, aliases) = match s.get("vulnerability") {
            Some(Value::String(v)) => (v.clone(), Vec::new()),
            Some(v @ Value::Object(_)) => {
                let name = text(v, "name").or_else(|| text(v, "@id")).ok_or_else(|| {
                    VexError::at(source, &format!("{at}/vulnerability"), "needs a \"name\"")
                })?;
                let aliases = v
                    .get("aliases")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                (name, aliases)
            }
            _ => {
                return Err(VexError::at(
                    source,
                    &format!("{at}/vulnerability"),
                    "missing the vulnerability (an object with \"name\")",
                ));
            }
        };
        let status = match text(s, "status").as_deref() {
            Some("not_affected") => FindingStatus::NotAffected,
            Some("affected") => FindingStatus::Affected,
            Some("fixed") => FindingStatus::Fixed,
            Some("under_investigation") => FindingStatus::UnderInvestigation,
            other => {
                return Err(VexError::at(
                    source,
                    &format!("{at}/status"),
                    format!(
                        "status {other:?}: expected not_affected, affected, fixed or under_investigation"
                    ),
                ));
            }
        };
        let justification = text(s, "justification");
        if let Some(j) = justification
            .as_ref()
            .filter(|j| !JUSTIFICATIONS.contains(&j.as_str()))
        {
            return Err(VexError::at(
                source,
                &format!("{at}/justification"),
                format!(
                    "justification {j:?}: expected one of {}",
                    JUSTIFICATIONS.join(", ")
                ),
            ));
        }
        let impact = text(s, "impact_statement");
        let action = text(s, "action_statement");
        if status == FindingStatus::NotAffected && justification.is_none() && impact.is_none() {
            return Err(VexError::at(
                source,
                &at,
                "a not_affected statement needs a justification or an impact_statement (OpenVEX spec)",
            ));
        }
        if status == FindingStatus::Affected && action.is_none() {
            diagnostics.push(format!(
                "{at}: affected statement without action_statement (the spec requires one); kept"
            ));
        }
        let mut prods = Vec::new();
        for (j, p) in s
            .get("products")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            match p {
                Value::String(id) if id.starts_with("pkg:") => prods.push(VexProduct::Purl {
                    purl: id.clone(),
                    range: None,
                }),
                Value::String(id) if id.starts_with("cpe:") => {
                    prods.push(VexProduct::Cpe { cpe: id.clone() })
                }
                _ => prods.extend(products(p, &format!("{at}/products/{j}"), source)?),
            }
        }
        if prods.is_empty() {
            return Err(VexError::at(
                source,
                &format!("{at}/products"),
                "no products",
            ));
        }
        out.push(VexStatement {
            vulnerability_id: vid,
            aliases,
            products: prods,
            status,
            justification,
            impact_statement: impact,
            action_statement: action,
            timestamp: text(s, "timestamp").or_else(|| doc_ts.clone()),
            source: format!("openvex:{doc_id}#{at}"),
        });
    }
    Ok(VexDocument {
        format: VexFormat::OpenVex,
        statements: out,
        diagnostics,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
      "@context": "https://openvex.dev/ns/v0.2.0",
      "@id": "https://medvigil.example/vex/infusion-2024-001",
      "author": "Example Infusion PSIRT",
      "timestamp": "2024-03-01T09:00:00Z",
      "version": 1,
      "statements": [
        {"vulnerability": {"name": "CVE-2021-44228", "aliases": ["GHSA-jfh8-c2jp-5v3q"]},
         "products": [{"@id": "pkg:generic/example/pump-gateway@4.2",
                       "subcomponents": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}]}],
         "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
        {"vulnerability": {"name": "CVE-2018-16522"},
         "products": [{"@id": "x", "identifiers": {"cpe23": "cpe:2.3:a:amazon:amazon_web_services_freertos:1.3.0:*:*:*:*:*:*:*"}}],
         "status": "affected", "action_statement": "Update the gateway to 4.3"}
      ]
    }"#;

    #[test]
    fn reads_statements_and_subcomponents() {
        let d = parse_openvex(DOC.as_bytes(), "vex.json").unwrap();
        assert_eq!(d.statements.len(), 2);
        let s = &d.statements[0];
        assert_eq!(s.status, FindingStatus::NotAffected);
        assert_eq!(s.aliases, ["GHSA-jfh8-c2jp-5v3q"]);
        assert_eq!(
            s.products,
            [VexProduct::Purl {
                purl: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".into(),
                range: None
            }]
        );
        assert_eq!(s.timestamp.as_deref(), Some("2024-03-01T09:00:00Z"));
        assert!(matches!(
            d.statements[1].products[0],
            VexProduct::Cpe { .. }
        ));
    }

    #[test]
    fn errors_name_the_position() {
        let e = parse_openvex(b"{\"statements\": [", "bad.json").unwrap_err();
        assert!(e.location.starts_with("line 1"), "{e}");
        let no_just = DOC.replace(
            r#""justification": "vulnerable_code_not_in_execute_path""#,
            r#""status_notes": "x""#,
        );
        let e = parse_openvex(no_just.as_bytes(), "v.json").unwrap_err();
        assert_eq!(e.location, "/statements/0");
        assert!(e.message.contains("justification"), "{e}");
        let bad_status = DOC.replace(r#""status": "affected""#, r#""status": "maybe""#);
        let e = parse_openvex(bad_status.as_bytes(), "v.json").unwrap_err();
        assert_eq!(e.location, "/statements/1/status");
    }
}
