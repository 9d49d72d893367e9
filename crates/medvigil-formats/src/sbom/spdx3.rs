//! SPDX 3.0 JSON-LD (the compact form of the 3.0.x context: an `@graph` of typed
//! elements linked by `spdxId`).
//!
//! Packages (`software_Package`) become components; `suppliedBy` / `originatedBy`
//! resolve to their agents' names; `hasConcludedLicense` / `hasDeclaredLicense`
//! relationships resolve to license expressions; `dependsOn`, `contains` and link
//! relationships between packages become dependency edges; `supportLevel` and
//! `validUntilTime` give the support fields. Each element is checked for the properties
//! medvigil reads (present, right JSON type), and `spdxId`s must be unique; errors name
//! the element as `@graph[i].property`.

use std::collections::{HashMap, HashSet};

use medvigil_model::sbom::{Component, ComponentKind, Dependency, Hash, Sbom, SbomFormat};
use serde_json::{Map, Value};

use super::SbomError;
use super::spdx_json::read_value;

type Obj = Map<String, Value>;

/// Reads an SPDX 3 JSON-LD document.
pub(crate) fn parse(text: &str) -> Result<Sbom, SbomError> {
    let root = read_value(text)?;
    let Value::Object(root) = root else {
        return Err(SbomError::at("", "an SPDX 3 document is a JSON object"));
    };
    let ctx_ok = match root.get("@context") {
        Some(Value::String(s)) => s.contains("spdx.org/rdf/3."),
        Some(Value::Array(a)) => a
            .iter()
            .any(|v| v.as_str().is_some_and(|s| s.contains("spdx.org/rdf/3."))),
        _ => false,
    };
    if !ctx_ok {
        return Err(SbomError::at(
            "@context",
            "@context must name the SPDX 3 context (https://spdx.org/rdf/3.0.x/spdx-context.jsonld)",
        ));
    }
    let graph = match root.get("@graph") {
        Some(Value::Array(g)) => g,
        Some(_) => {
            return Err(SbomError::at(
                "@graph",
                "@graph must be an array of elements",
            ));
        }
        None => {
            return Err(SbomError::at(
                "@graph",
                "missing @graph: medvigil reads the compact JSON-LD serialization",
            ));
        }
    };
    let mut elements: Vec<(usize, &Obj)> = Vec::new();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, v) in graph.iter().enumerate() {
        let Value::Object(o) = v else {
            return Err(SbomError::at(
                format!("@graph[{i}]"),
                "each element must be an object",
            ));
        };
        str_field(o, i, "type")?
            .ok_or_else(|| SbomError::at(format!("@graph[{i}]"), "element has no type"))?;
        let id = match (o.get("spdxId"), o.get("@id")) {
            (Some(Value::String(s)), _) | (None, Some(Value::String(s))) => Some(s.as_str()),
            (None, None) => None,
            _ => {
                return Err(SbomError::at(
                    format!("@graph[{i}].spdxId"),
                    "spdxId must be a string",
                ));
            }
        };
        if let Some(id) = id
            && by_id.insert(id, elements.len()).is_some()
        {
            return Err(SbomError::at(
                format!("@graph[{i}].spdxId"),
                format!("duplicate spdxId {id:?}"),
            ));
        }
        elements.push((i, o));
    }
    let get = |id: &str| by_id.get(id).map(|&k| elements[k].1);
    let agent_name = |id: &str| -> Option<String> {
        get(id)
            .and_then(|a| a.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };

    // Document-level facts: the SpdxDocument (or Sbom) and its creation info.
    let doc = elements
        .iter()
        .find(|(_, o)| type_of(o) == "SpdxDocument")
        .or_else(|| elements.iter().find(|(_, o)| type_of(o) == "software_Sbom"));
    let creation = |o: &Obj| -> Option<Obj> {
        match o.get("creationInfo") {
            Some(Value::Object(c)) => Some(c.clone()),
            Some(Value::String(r)) => get(r).cloned(),
            _ => None,
        }
    };
    let info = doc.and_then(|(_, o)| creation(o)).or_else(|| {
        elements
            .iter()
            .find(|(_, o)| type_of(o) == "CreationInfo")
            .map(|(_, o)| (*o).clone())
    });
    let Some(info) = info else {
        return Err(SbomError::at(
            "@graph",
            "no CreationInfo: SPDX 3 requires one (created, createdBy, specVersion)",
        ));
    };
    let spec_version = info
        .get("specVersion")
        .and_then(Value::as_str)
        .unwrap_or("3.0")
        .to_string();
    if !spec_version.starts_with("3.") {
        return Err(SbomError::at(
            "CreationInfo.specVersion",
            format!("unsupported SPDX specVersion {spec_version:?}: expected 3.0.x"),
        ));
    }
    let timestamp = info
        .get("created")
        .and_then(Value::as_str)
        .map(str::to_string);
    if let Some(t) = &timestamp
        && !super::common::is_date_time(t, true)
    {
        return Err(SbomError::at(
            "CreationInfo.created",
            format!("{t:?} is not a date-time such as 2024-05-01T12:00:00Z"),
        ));
    }
    let ids = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            _ => Vec::new(),
        }
    };
    let authors: Vec<String> = ids(info.get("createdBy"))
        .iter()
        .filter_map(|a| agent_name(a))
        .collect();
    let tools: Vec<String> = ids(info.get("createdUsing"))
        .iter()
        .filter_map(|a| agent_name(a))
        .collect();

    let package_ids: HashSet<&str> = elements
        .iter()
        .filter(|(_, o)| type_of(o) == "software_Package")
        .filter_map(|(_, o)| o.get("spdxId").and_then(Value::as_str))
        .collect();

    // Relationships: dependency edges between packages, and license links.
    let mut licenses: HashMap<String, (Option<String>, Option<String>)> = HashMap::new();
    let mut edges: Vec<Dependency> = Vec::new();
    let mut subject: Option<String> = doc.and_then(|(_, o)| {
        ids(o.get("rootElement"))
            .into_iter()
            .find(|r| package_ids.contains(r.as_str()))
    });
    for (i, o) in &elements {
        let t = type_of(o);
        if t != "Relationship" && t != "LifecycleScopedRelationship" {
            continue;
        }
        let from = str_field(o, *i, "from")?.ok_or_else(|| {
            SbomError::at(format!("@graph[{i}].from"), "relationship has no from")
        })?;
        let kind = str_field(o, *i, "relationshipType")?.ok_or_else(|| {
            SbomError::at(
                format!("@graph[{i}].relationshipType"),
                "relationship has no relationshipType",
            )
        })?;
        let to = match o.get("to") {
            Some(Value::Array(a)) => a
                .iter()
                .map(|v| {
                    v.as_str().map(str::to_string).ok_or_else(|| {
                        SbomError::at(format!("@graph[{i}].to"), "to must hold element ids")
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(Value::String(s)) => vec![s.clone()],
            _ => {
                return Err(SbomError::at(
                    format!("@graph[{i}].to"),
                    "relationship has no to",
                ));
            }
        };
        match kind {
            "hasConcludedLicense" | "hasDeclaredLicense" => {
                let expr = to.iter().filter_map(|l| get(l)).find_map(|l| {
                    l.get("simplelicensing_licenseExpression")
                        .or_else(|| l.get("name"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                });
                let e = licenses.entry(from.to_string()).or_default();
                if kind == "hasConcludedLicense" {
                    e.0 = expr
                } else {
                    e.1 = expr
                }
            }
            "describes" if subject.is_none() => {
                subject = to.into_iter().find(|x| package_ids.contains(x.as_str()));
            }
            "dependsOn"
            | "contains"
            | "hasStaticLink"
            | "hasDynamicLink"
            | "hasPrerequisite"
            | "hasProvidedDependency"
            | "hasOptionalDependency" => {
                if !package_ids.contains(from) {
                    continue;
                }
                let to: Vec<String> = to
                    .into_iter()
                    .filter(|x| package_ids.contains(x.as_str()))
                    .collect();
                if to.is_empty() {
                    continue;
                }
                match edges.iter_mut().find(|d| d.from == from) {
                    Some(d) => d.to.extend(
                        to.into_iter()
                            .filter(|x| !d.to.contains(x))
                            .collect::<Vec<_>>(),
                    ),
                    None => edges.push(Dependency {
                        from: from.to_string(),
                        to,
                    }),
                }
            }
            _ => {}
        }
    }

    let mut components = Vec::new();
    for (i, o) in &elements {
        if type_of(o) != "software_Package" {
            continue;
        }
        let at = |p: &str| format!("@graph[{i}].{p}");
        let id = str_field(o, *i, "spdxId")?
            .ok_or_else(|| SbomError::at(at("spdxId"), "package has no spdxId"))?;
        let name = str_field(o, *i, "name")?
            .ok_or_else(|| SbomError::at(at("name"), "package has no name"))?;
        let mut purls: Vec<String> = str_field(o, *i, "software_packageUrl")?
            .map(str::to_string)
            .into_iter()
            .collect();
        let mut cpes = Vec::new();
        let mut other_ids = Vec::new();
        for x in arr(o, "externalIdentifier") {
            let (Some(t), Some(v)) = (
                x.get("externalIdentifierType").and_then(Value::as_str),
                x.get("identifier").and_then(Value::as_str),
            ) else {
                return Err(SbomError::at(
                    at("externalIdentifier"),
                    "each externalIdentifier needs externalIdentifierType and identifier",
                ));
            };
            match t {
                "packageUrl" => {
                    if !purls.iter().any(|p| p == v) {
                        purls.push(v.to_string())
                    }
                }
                "cpe22" | "cpe23" => cpes.push(v.to_string()),
                _ => other_ids.push(v.to_string()),
            }
        }
        let mut hashes = Vec::new();
        for h in arr(o, "verifiedUsing") {
            if h.get("type").and_then(Value::as_str) != Some("Hash") {
                continue;
            }
            let (Some(a), Some(v)) = (
                h.get("algorithm").and_then(Value::as_str),
                h.get("hashValue").and_then(Value::as_str),
            ) else {
                return Err(SbomError::at(
                    at("verifiedUsing"),
                    "a Hash needs algorithm and hashValue",
                ));
            };
            hashes.push(Hash {
                alg: a.to_string(),
                value: v.to_ascii_lowercase(),
            });
        }
        let supplier = str_field(o, *i, "suppliedBy")?.and_then(agent_name);
        let author = {
            let names: Vec<String> = ids(o.get("originatedBy"))
                .iter()
                .filter_map(|a| agent_name(a))
                .collect();
            (!names.is_empty()).then(|| names.join(", "))
        };
        let (concluded, declared) = licenses.remove(id).unwrap_or_default();
        let lic = concluded
            .filter(|l| l != "NOASSERTION" && l != "NONE")
            .or(declared.filter(|l| l != "NOASSERTION" && l != "NONE"));
        let version = str_field(o, *i, "software_packageVersion")?
            .map(str::to_string)
            .filter(|v| !v.is_empty() && v != "NOASSERTION");
        components.push(Component {
            reference: id.to_string(),
            name: name.to_string(),
            version,
            group: None,
            kind: str_field(o, *i, "software_primaryPurpose")?
                .map_or(ComponentKind::Unknown, ComponentKind::from_spelling),
            supplier,
            author,
            purls,
            cpes,
            other_ids,
            hashes,
            licenses: lic.into_iter().collect(),
            support_level: str_field(o, *i, "supportLevel")?.map(str::to_string),
            end_of_support: str_field(o, *i, "validUntilTime")?.map(str::to_string),
            parent: None,
        });
    }
    Ok(Sbom {
        format: SbomFormat::Spdx3JsonLd,
        spec_version,
        serial: doc
            .and_then(|(_, o)| o.get("spdxId").and_then(Value::as_str))
            .map(str::to_string),
        revision: None,
        name: doc
            .and_then(|(_, o)| o.get("name").and_then(Value::as_str))
            .map(str::to_string),
        timestamp,
        authors,
        tools,
        subject,
        components,
        dependencies: edges,
    })
}

/// A string property, `Ok(None)` when absent, an error naming `@graph[i].key` when it
/// has another JSON type.
fn str_field<'a>(o: &'a Obj, i: usize, key: &str) -> Result<Option<&'a str>, SbomError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(SbomError::at(
            format!("@graph[{i}].{key}"),
            format!("{key} must be a string"),
        )),
    }
}

fn type_of(o: &Obj) -> &str {
    o.get("type").and_then(Value::as_str).unwrap_or("")
}

fn arr<'a>(o: &'a Obj, key: &str) -> impl Iterator<Item = &'a Obj> {
    o.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[
      {"@id":"_:ci","type":"CreationInfo","specVersion":"3.0.1","created":"2024-01-01T00:00:00Z","createdBy":["urn:acme"]},
      {"spdxId":"urn:acme","type":"Organization","name":"Acme Medical","creationInfo":"_:ci"},
      {"spdxId":"urn:doc","type":"SpdxDocument","rootElement":["urn:fw"],"creationInfo":"_:ci"},
      {"spdxId":"urn:fw","type":"software_Package","name":"pump-fw","software_packageVersion":"2.1","suppliedBy":"urn:acme",
       "software_primaryPurpose":"firmware","supportLevel":"support","validUntilTime":"2030-01-01T00:00:00Z","creationInfo":"_:ci"},
      {"spdxId":"urn:z","type":"software_Package","name":"zlib","software_packageUrl":"pkg:generic/zlib@1.3.1",
       "externalIdentifier":[{"type":"ExternalIdentifier","externalIdentifierType":"cpe23","identifier":"cpe:2.3:a:zlib:zlib:1.3.1:*:*:*:*:*:*:*"}],
       "verifiedUsing":[{"type":"Hash","algorithm":"sha256","hashValue":"AB"}],"creationInfo":"_:ci"},
      {"spdxId":"urn:l","type":"simplelicensing_LicenseExpression","simplelicensing_licenseExpression":"Zlib","creationInfo":"_:ci"},
      {"spdxId":"urn:r1","type":"Relationship","from":"urn:fw","relationshipType":"dependsOn","to":["urn:z"],"creationInfo":"_:ci"},
      {"spdxId":"urn:r2","type":"Relationship","from":"urn:z","relationshipType":"hasConcludedLicense","to":["urn:l"],"creationInfo":"_:ci"}]}"#;

    #[test]
    fn reads_packages_agents_licenses_and_edges() {
        let s = parse(DOC).unwrap();
        assert_eq!(s.spec_version, "3.0.1");
        assert_eq!(s.authors, vec!["Acme Medical".to_string()]);
        assert_eq!(s.subject.as_deref(), Some("urn:fw"));
        assert_eq!(s.components[0].supplier.as_deref(), Some("Acme Medical"));
        assert_eq!(s.components[0].support_level.as_deref(), Some("support"));
        assert_eq!(s.components[1].licenses, vec!["Zlib".to_string()]);
        assert_eq!(s.components[1].cpes.len(), 1);
        assert_eq!(s.dependencies[0].to, vec!["urn:z".to_string()]);
    }

    #[test]
    fn errors_name_the_element() {
        let e = parse(&DOC.replace(r#""name":"zlib""#, r#""name":7"#)).unwrap_err();
        assert_eq!(e.path.as_deref(), Some("@graph[4].name"));
        let e = parse(&DOC.replace("urn:r2", "urn:r1")).unwrap_err();
        assert!(e.message.contains("duplicate spdxId"), "{e}");
    }
}
