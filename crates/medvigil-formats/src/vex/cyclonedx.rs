//! CycloneDX VEX (1.4 and later): `vulnerabilities[]` with `analysis` and `affects`.
//!
//! `analysis.state` maps to VEX status: `not_affected` and `false_positive` → not
//! affected, `exploitable` → affected, `resolved` and `resolved_with_pedigree` → fixed,
//! `in_triage` → under investigation. `affects[].ref` is a `bom-ref` of this document
//! (resolved to the component's purl, CPE or name and version), a BOM-Link
//! (`urn:cdx:serial/version#bom-ref`, resolved the same way when the ref is local) or a
//! purl. An `affects[].versions[]` entry with a single `version` or a `vers:` `range`
//! limits the statement to those versions; an entry whose own `status` contradicts the
//! analysis state ("affected" under `not_affected`) is reported, not applied.

use std::collections::HashMap;

use medvigil_model::finding::{FindingStatus, VexProduct, VexStatement};
use serde_json::Value;

use super::{VexDocument, VexError, VexFormat, json};

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|s| !s.is_empty())
}

fn collect_components<'a>(v: &'a Value, out: &mut HashMap<String, &'a Value>) {
    if let Some(r) = text(v, "bom-ref") {
        out.insert(r, v);
    }
    for c in v
        .get("components")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect_components(c, out);
    }
}

fn product_of(component: &Value, version: Option<&str>, range: Option<&str>) -> Option<VexProduct> {
    let range = range.map(str::to_string);
    if let Some(p) = text(component, "purl") {
        let purl = match (version, p.split_once('@')) {
            (Some(v), Some((base, _))) => format!("{base}@{v}"),
            (Some(v), None) => format!("{p}@{v}"),
            // A range covers versions of the package, not the one the BOM names.
            (None, Some((base, _))) if range.is_some() => base.to_string(),
            (None, _) => p,
        };
        return Some(VexProduct::Purl { purl, range });
    }
    if let Some(c) = text(component, "cpe") {
        return Some(VexProduct::Cpe { cpe: c });
    }
    let name = text(component, "name")?;
    let manufacturer = component
        .pointer("/supplier/name")
        .or_else(|| component.pointer("/manufacturer/name"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| text(component, "publisher"))
        .or_else(|| text(component, "group"))
        .unwrap_or_default();
    Some(VexProduct::Model {
        manufacturer,
        model: name,
        version: match (&range, version) {
            (Some(_), _) => None,
            (None, Some(v)) => Some(v.to_string()),
            (None, None) => text(component, "version"),
        },
        range,
    })
}

/// Reads the VEX part of a CycloneDX document.
pub fn parse_cyclonedx_vex(bytes: &[u8], source: &str) -> Result<VexDocument, VexError> {
    let doc = json(bytes, source)?;
    let mut components = HashMap::new();
    if let Some(m) = doc.pointer("/metadata/component") {
        collect_components(m, &mut components);
    }
    collect_components(&doc, &mut components);
    let serial = text(&doc, "serialNumber").unwrap_or_else(|| source.to_string());
    let doc_ts = doc
        .pointer("/metadata/timestamp")
        .and_then(Value::as_str)
        .map(str::to_string);
    let vulns = doc
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            VexError::at(
                source,
                "/vulnerabilities",
                "no \"vulnerabilities\" array: not a VEX document",
            )
        })?;
    let mut out = Vec::new();
    let mut diagnostics = Vec::new();
    for (i, v) in vulns.iter().enumerate() {
        let at = format!("/vulnerabilities/{i}");
        let id = text(v, "id").ok_or_else(|| {
            VexError::at(source, &format!("{at}/id"), "missing the vulnerability id")
        })?;
        let Some(analysis) = v.get("analysis") else {
            diagnostics.push(format!("{at}: no analysis, so no VEX status; skipped"));
            continue;
        };
        let status = match text(analysis, "state").as_deref() {
            Some("not_affected" | "false_positive") => FindingStatus::NotAffected,
            Some("exploitable") => FindingStatus::Affected,
            Some("resolved" | "resolved_with_pedigree") => FindingStatus::Fixed,
            Some("in_triage") => FindingStatus::UnderInvestigation,
            other => {
                return Err(VexError::at(
                    source,
                    &format!("{at}/analysis/state"),
                    format!(
                        "state {other:?}: expected resolved, resolved_with_pedigree, exploitable, in_triage, false_positive or not_affected"
                    ),
                ));
            }
        };
        let justification = text(analysis, "justification");
        let response = analysis.get("response").and_then(Value::as_array).map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        });
        let aliases = v
            .get("references")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(|x| text(x, "id")).collect())
            .unwrap_or_default();
        let mut products = Vec::new();
        for (j, a) in v
            .get("affects")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let aat = format!("{at}/affects/{j}");
            let Some(r) = text(a, "ref") else {
                return Err(VexError::at(source, &format!("{aat}/ref"), "missing ref"));
            };
            let local = r.rsplit_once('#').map_or(r.as_str(), |(_, b)| b);
            let resolve = |version: Option<&str>, range: Option<&str>| -> Option<VexProduct> {
                if let Some(c) = components.get(local).or_else(|| components.get(&r)) {
                    product_of(c, version, range)
                } else if local.starts_with("pkg:") {
                    product_of(&serde_json::json!({ "purl": local }), version, range)
                } else {
                    None
                }
            };
            let versions = a.get("versions").and_then(Value::as_array);
            match versions {
                None => match resolve(None, None) {
                    Some(p) => products.push(p),
                    None => diagnostics.push(format!(
                        "{aat}: ref {r:?} names no component of this document and is not a purl; skipped"
                    )),
                },
                Some(vs) => {
                    for (k, ver) in vs.iter().enumerate() {
                        let st = text(ver, "status");
                        let agrees = match st.as_deref() {
                            None => true,
                            Some("affected") => status == FindingStatus::Affected
                                || status == FindingStatus::UnderInvestigation,
                            Some("unaffected") => status == FindingStatus::NotAffected
                                || status == FindingStatus::Fixed,
                            Some(_) => false,
                        };
                        if !agrees {
                            diagnostics.push(format!(
                                "{aat}/versions/{k}: status {st:?} contradicts the analysis state; not applied"
                            ));
                            continue;
                        }
                        let single = text(ver, "version");
                        let range = text(ver, "range");
                        if single.is_none() && range.is_none() {
                            continue;
                        }
                        match resolve(single.as_deref(), range.as_deref()) {
                            Some(p) => products.push(p),
                            None => diagnostics.push(format!("{aat}/versions/{k}: ref {r:?} unresolved; skipped")),
                        }
                    }
                }
            }
        }
        if products.is_empty() {
            diagnostics.push(format!(
                "{at}: {id} names no product medvigil can apply; skipped"
            ));
            continue;
        }
        out.push(VexStatement {
            vulnerability_id: id,
            aliases,
            products,
            status,
            justification,
            impact_statement: text(analysis, "detail"),
            action_statement: response,
            timestamp: text(analysis, "lastUpdated")
                .or_else(|| text(analysis, "firstIssued"))
                .or_else(|| doc_ts.clone()),
            source: format!("cyclonedx:{serial}#{at}"),
        });
    }
    Ok(VexDocument {
        format: VexFormat::CycloneDx,
        statements: out,
        diagnostics,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_refs_to_purls_and_reports_ranges() {
        let doc = r#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
          "metadata":{"timestamp":"2024-02-01T00:00:00Z","component":{"name":"Pump Gateway","version":"4.2","type":"firmware","bom-ref":"gw","supplier":{"name":"Example Medical"}}},
          "components":[{"bom-ref":"log4j","name":"log4j-core","version":"2.14.1","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
          "vulnerabilities":[
            {"id":"CVE-2021-44228","analysis":{"state":"not_affected","justification":"code_not_reachable","detail":"JNDI lookups disabled"},"affects":[{"ref":"log4j"}]},
            {"id":"CVE-2020-25649","analysis":{"state":"in_triage"},"affects":[{"ref":"gw","versions":[{"range":"vers:generic/<4.3","status":"affected"}]}]},
            {"id":"CVE-2019-0001","analysis":{"state":"resolved"},"affects":[{"ref":"gw","versions":[{"version":"4.1","status":"unaffected"}]}]}
          ]}"#;
        let d = parse_cyclonedx_vex(doc.as_bytes(), "bom.json").unwrap();
        assert_eq!(d.statements.len(), 3, "{:?}", d.diagnostics);
        assert_eq!(d.statements[0].status, FindingStatus::NotAffected);
        assert_eq!(
            d.statements[0].justification.as_deref(),
            Some("code_not_reachable")
        );
        assert_eq!(
            d.statements[0].products,
            [VexProduct::Purl {
                purl: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".into(),
                range: None
            }]
        );
        assert_eq!(d.statements[1].status, FindingStatus::UnderInvestigation);
        assert_eq!(
            d.statements[1].products,
            [VexProduct::Model {
                manufacturer: "Example Medical".into(),
                model: "Pump Gateway".into(),
                version: None,
                range: Some("vers:generic/<4.3".into())
            }]
        );
        assert_eq!(
            d.statements[2].products,
            [VexProduct::Model {
                manufacturer: "Example Medical".into(),
                model: "Pump Gateway".into(),
                version: Some("4.1".into()),
                range: None
            }]
        );
        assert_eq!(d.statements[2].status, FindingStatus::Fixed);
        // "unaffected" under an exploitable state contradicts it: reported, not applied.
        let contradicting = doc.replace(r#""state":"resolved""#, r#""state":"exploitable""#);
        let d = parse_cyclonedx_vex(contradicting.as_bytes(), "bom.json").unwrap();
        assert!(
            d.diagnostics.iter().any(|x| x.contains("contradicts")),
            "{:?}",
            d.diagnostics
        );
    }

    #[test]
    fn bad_state_is_positioned() {
        let doc = r#"{"bomFormat":"CycloneDX","vulnerabilities":[{"id":"CVE-1","analysis":{"state":"fine"}}]}"#;
        let e = parse_cyclonedx_vex(doc.as_bytes(), "x.json").unwrap_err();
        assert_eq!(e.location, "/vulnerabilities/0/analysis/state");
    }
}
