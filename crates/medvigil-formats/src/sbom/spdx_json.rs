//! SPDX 2.2 / 2.3 JSON, and the SPDX 2 document shape shared with tag-value.
//!
//! The JSON is first read into a duplicate-key-checked value (syntax errors carry line and
//! column), then into typed structs through `serde_path_to_error` (type errors carry the
//! field path). Fields medvigil does not use (files, snippets, extracted licenses) are
//! accepted as the SPDX schema describes them but not modelled.

use std::collections::{HashMap, HashSet};

use medvigil_model::sbom::{Component, ComponentKind, Dependency, Hash, Sbom, SbomFormat};
use serde::Deserialize;

use super::SbomError;
use super::cdx::AnyValue;
use super::cyclonedx_json::{MAX_JSON_DEPTH, check_depth, json_message};

/// An SPDX 2 document as written (JSON field names; tag-value fills the same struct).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Doc {
    pub spdx_version: String,
    #[serde(rename = "SPDXID")]
    pub spdx_id: String,
    pub name: String,
    pub document_namespace: String,
    pub data_license: Option<String>,
    pub creation_info: CreationInfo,
    #[serde(default)]
    pub packages: Vec<Package>,
    #[serde(default)]
    pub relationships: Vec<Relationship>,
    #[serde(default)]
    pub document_describes: Vec<String>,
    #[serde(default)]
    pub files: Vec<File>,
}

/// `creationInfo`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CreationInfo {
    pub created: String,
    #[serde(default)]
    pub creators: Vec<String>,
}

/// A package: medvigil's component.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Package {
    #[serde(rename = "SPDXID")]
    pub spdx_id: String,
    pub name: String,
    pub version_info: Option<String>,
    pub supplier: Option<String>,
    pub originator: Option<String>,
    #[serde(default)]
    pub checksums: Vec<Checksum>,
    pub license_concluded: Option<String>,
    pub license_declared: Option<String>,
    #[serde(default)]
    pub external_refs: Vec<ExternalRef>,
    pub primary_package_purpose: Option<String>,
    pub valid_until_date: Option<String>,
    #[serde(default)]
    pub annotations: Vec<Annotation>,
}

/// A file; only its id is used (to tell packages from files in relationships).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct File {
    #[serde(rename = "SPDXID")]
    pub spdx_id: String,
}

/// A checksum.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Checksum {
    pub algorithm: String,
    pub checksum_value: String,
}

/// An external reference (purl, CPE, SWID, ...).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ExternalRef {
    pub reference_type: String,
    pub reference_locator: String,
}

/// An annotation (where some manufacturers put support level / end of support).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Annotation {
    pub comment: String,
}

/// A relationship.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Relationship {
    pub spdx_element_id: String,
    pub relationship_type: String,
    pub related_spdx_element: String,
}

/// SPDX 2 checksum algorithms (2.3 list).
const ALGORITHMS: &[&str] = &[
    "SHA1",
    "SHA224",
    "SHA256",
    "SHA384",
    "SHA512",
    "SHA3-256",
    "SHA3-384",
    "SHA3-512",
    "MD2",
    "MD4",
    "MD5",
    "MD6",
    "BLAKE2b-256",
    "BLAKE2b-384",
    "BLAKE2b-512",
    "BLAKE3",
    "ADLER32",
];

/// Reads an SPDX 2 JSON document.
pub(crate) fn parse(text: &str) -> Result<Sbom, SbomError> {
    let value = read_value(text)?;
    let doc: Doc = serde_path_to_error::deserialize(value)
        .map_err(|e| SbomError::at(e.path().to_string(), e.into_inner().to_string()))?;
    to_model(doc, SbomFormat::SpdxJson)
}

/// Reads JSON text into a value, rejecting duplicate keys and excessive nesting, with
/// line and column on syntax errors.
pub(crate) fn read_value(text: &str) -> Result<serde_json::Value, SbomError> {
    check_depth(text.as_bytes(), MAX_JSON_DEPTH)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let AnyValue(v) = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        SbomError {
            line: Some(inner.line() as u64),
            column: Some(inner.column() as u64),
            path: (path != ".").then_some(path),
            message: json_message(&inner),
        }
    })?;
    de.end()
        .map_err(|e| SbomError::at_line(e.line() as u64, e.column() as u64, json_message(&e)))?;
    Ok(v)
}

/// "NOASSERTION" and "NONE" mean "no value" in SPDX.
fn asserted(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && s != "NOASSERTION" && s != "NONE")
}

/// `Organization: Acme (mail)` / `Person: Jane` -> `Acme (mail)` / `Jane`.
pub(crate) fn strip_actor(s: &str) -> String {
    for p in ["Organization:", "Person:", "Tool:"] {
        if let Some(rest) = s.strip_prefix(p) {
            return rest.trim().to_string();
        }
    }
    s.trim().to_string()
}

/// Whether `id` is an SPDX element id (`SPDXRef-` then letters, digits, `.` and `-`).
fn is_spdx_ref(id: &str) -> bool {
    id.strip_prefix("SPDXRef-").is_some_and(|r| {
        !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    })
}

/// Support level / end of support written as `Name: value` in an annotation comment.
pub(crate) fn support_from_text(text: &str) -> (Option<String>, Option<String>) {
    let mut level = None;
    let mut eos = None;
    for line in text.lines().flat_map(|l| l.split(';')) {
        let Some((k, v)) = line.split_once([':', '=']) else {
            continue;
        };
        let key: String = k
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        let v = v.trim().to_string();
        match key.as_str() {
            "levelofsupport" | "supportlevel" => level = Some(v),
            "endofsupport" | "endofsupportdate" | "eos" | "endoflife" | "eol" => eos = Some(v),
            _ => {}
        }
    }
    (level, eos)
}

/// Validates an SPDX 2 document and converts it.
pub(crate) fn to_model(doc: Doc, format: SbomFormat) -> Result<Sbom, SbomError> {
    let version = match doc.spdx_version.as_str() {
        "SPDX-2.2" => "2.2",
        "SPDX-2.3" => "2.3",
        other => {
            return Err(SbomError::at(
                "spdxVersion",
                format!("unsupported spdxVersion {other:?}: medvigil reads SPDX-2.2 and SPDX-2.3"),
            ));
        }
    };
    if doc.spdx_id != "SPDXRef-DOCUMENT" {
        return Err(SbomError::at(
            "SPDXID",
            format!(
                "the document's SPDXID must be SPDXRef-DOCUMENT, found {:?}",
                doc.spdx_id
            ),
        ));
    }
    if !super::common::is_date_time(&doc.creation_info.created, true) {
        return Err(SbomError::at(
            "creationInfo.created",
            format!(
                "{:?} is not a date-time such as 2024-05-01T12:00:00Z",
                doc.creation_info.created
            ),
        ));
    }
    if doc.creation_info.creators.is_empty() {
        return Err(SbomError::at(
            "creationInfo.creators",
            "at least one creator is required",
        ));
    }
    let mut ids = HashSet::new();
    for (i, p) in doc.packages.iter().enumerate() {
        let at = format!("packages[{i}]");
        if !is_spdx_ref(&p.spdx_id) {
            return Err(SbomError::at(
                format!("{at}.SPDXID"),
                format!("{:?} is not an SPDXRef- identifier", p.spdx_id),
            ));
        }
        if !ids.insert(p.spdx_id.as_str()) {
            return Err(SbomError::at(
                format!("{at}.SPDXID"),
                format!("duplicate SPDXID {:?}", p.spdx_id),
            ));
        }
        for (j, c) in p.checksums.iter().enumerate() {
            if !ALGORITHMS.contains(&c.algorithm.as_str()) {
                return Err(SbomError::at(
                    format!("{at}.checksums[{j}].algorithm"),
                    format!(
                        "unknown checksum algorithm {:?}: expected one of {}",
                        c.algorithm,
                        ALGORITHMS.join(", ")
                    ),
                ));
            }
            if c.checksum_value.is_empty()
                || !c.checksum_value.bytes().all(|b| b.is_ascii_hexdigit())
            {
                return Err(SbomError::at(
                    format!("{at}.checksums[{j}].checksumValue"),
                    format!("checksum {:?} is not hexadecimal", c.checksum_value),
                ));
            }
        }
    }
    for (i, f) in doc.files.iter().enumerate() {
        if !ids.insert(f.spdx_id.as_str()) {
            return Err(SbomError::at(
                format!("files[{i}].SPDXID"),
                format!("duplicate SPDXID {:?}", f.spdx_id),
            ));
        }
    }
    let package_ids: HashSet<String> = doc.packages.iter().map(|p| p.spdx_id.clone()).collect();

    let mut authors = Vec::new();
    let mut tools = Vec::new();
    for c in &doc.creation_info.creators {
        if c.starts_with("Tool:") {
            tools.push(strip_actor(c));
        } else {
            authors.push(strip_actor(c));
        }
    }

    let mut subject: Option<String> = doc.document_describes.first().cloned();
    let mut edges: HashMap<String, Vec<String>> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for r in &doc.relationships {
        let (a, b) = (r.spdx_element_id.as_str(), r.related_spdx_element.as_str());
        let (from, to) = match r.relationship_type.as_str() {
            "DESCRIBES" if a == "SPDXRef-DOCUMENT" => {
                subject.get_or_insert_with(|| b.to_string());
                continue;
            }
            "DESCRIBED_BY" if b == "SPDXRef-DOCUMENT" => {
                subject.get_or_insert_with(|| a.to_string());
                continue;
            }
            "DEPENDS_ON" | "CONTAINS" | "STATIC_LINK" | "DYNAMIC_LINK" | "HAS_PREREQUISITE" => {
                (a, b)
            }
            t if t.ends_with("DEPENDENCY_OF") || t == "CONTAINED_BY" || t == "PREREQUISITE_FOR" => {
                (b, a)
            }
            _ => continue,
        };
        if !(package_ids.contains(from) && package_ids.contains(to)) {
            continue;
        }
        if !edges.contains_key(from) {
            order.push(from.to_string());
        }
        let list = edges.entry(from.to_string()).or_default();
        if !list.iter().any(|t| t == to) {
            list.push(to.to_string());
        }
    }

    let components = doc
        .packages
        .into_iter()
        .map(|p| {
            let (mut support_level, mut end_of_support) = (None, None);
            for a in &p.annotations {
                let (l, e) = support_from_text(&a.comment);
                support_level = support_level.or(l);
                end_of_support = end_of_support.or(e);
            }
            let end_of_support = end_of_support.or(asserted(p.valid_until_date));
            let mut purls = Vec::new();
            let mut cpes = Vec::new();
            let mut other_ids = Vec::new();
            for r in p.external_refs {
                match r.reference_type.as_str() {
                    "purl" => purls.push(r.reference_locator),
                    "cpe22Type" | "cpe23Type" => cpes.push(r.reference_locator),
                    "swid" | "gitoid" | "swh" => other_ids.push(r.reference_locator),
                    _ => {}
                }
            }
            let licenses = asserted(p.license_concluded)
                .or(asserted(p.license_declared))
                .into_iter()
                .collect();
            Component {
                reference: p.spdx_id,
                name: p.name,
                version: asserted(p.version_info),
                group: None,
                kind: p
                    .primary_package_purpose
                    .as_deref()
                    .map_or(ComponentKind::Unknown, ComponentKind::from_spelling),
                supplier: asserted(p.supplier.clone()).map(|s| strip_actor(&s)),
                author: asserted(p.originator).map(|s| strip_actor(&s)),
                purls,
                cpes,
                other_ids,
                hashes: p
                    .checksums
                    .into_iter()
                    .map(|c| Hash {
                        alg: c.algorithm,
                        value: c.checksum_value.to_ascii_lowercase(),
                    })
                    .collect(),
                licenses,
                support_level,
                end_of_support,
                parent: None,
            }
        })
        .collect();
    let dependencies = order
        .into_iter()
        .map(|from| {
            let to = edges.remove(&from).unwrap_or_default();
            Dependency { from, to }
        })
        .collect();
    Ok(Sbom {
        format,
        spec_version: version.to_string(),
        serial: Some(doc.document_namespace),
        revision: None,
        name: Some(doc.name),
        timestamp: Some(doc.creation_info.created),
        authors,
        tools,
        subject: subject.filter(|s| package_ids.contains(s)),
        components,
        dependencies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"pump-fw",
      "documentNamespace":"https://example.org/pump-fw-2.1","dataLicense":"CC0-1.0",
      "creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Organization: Acme Medical","Tool: gen-1.0"]},
      "documentDescribes":["SPDXRef-fw"],
      "packages":[
        {"SPDXID":"SPDXRef-fw","name":"pump-fw","versionInfo":"2.1","supplier":"Organization: Acme Medical",
         "downloadLocation":"NOASSERTION","primaryPackagePurpose":"FIRMWARE","validUntilDate":"2030-12-31T00:00:00Z"},
        {"SPDXID":"SPDXRef-zlib","name":"zlib","versionInfo":"1.3.1","downloadLocation":"NOASSERTION",
         "checksums":[{"algorithm":"SHA1","checksumValue":"E6B1000B94E835FFD37F4C6DCBDAD43F4B48A02A"}],
         "externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:generic/zlib@1.3.1"}],
         "annotations":[{"annotationType":"OTHER","annotator":"Organization: Acme","annotationDate":"2024-01-01T00:00:00Z","comment":"Level of Support: active; End of Support: 2029-01-01"}]}],
      "relationships":[{"spdxElementId":"SPDXRef-fw","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-zlib"},
                       {"spdxElementId":"SPDXRef-zlib","relationshipType":"BUILD_DEPENDENCY_OF","relatedSpdxElement":"SPDXRef-fw"}]}"#;

    #[test]
    fn reads_packages_relationships_and_support() {
        let s = parse(DOC).unwrap();
        assert_eq!(s.spec_version, "2.3");
        assert_eq!(s.subject.as_deref(), Some("SPDXRef-fw"));
        assert_eq!(s.authors, vec!["Acme Medical".to_string()]);
        let fw = &s.components[0];
        assert_eq!(fw.kind, ComponentKind::Firmware);
        assert_eq!(fw.end_of_support.as_deref(), Some("2030-12-31T00:00:00Z"));
        let z = &s.components[1];
        assert_eq!(z.purls, vec!["pkg:generic/zlib@1.3.1".to_string()]);
        assert_eq!(z.support_level.as_deref(), Some("active"));
        assert_eq!(z.end_of_support.as_deref(), Some("2029-01-01"));
        assert_eq!(
            z.hashes[0].value,
            "e6b1000b94e835ffd37f4c6dcbdad43f4b48a02a"
        );
        assert_eq!(s.dependencies.len(), 1);
        assert_eq!(s.dependencies[0].to, vec!["SPDXRef-zlib".to_string()]);
    }

    #[test]
    fn errors_name_the_field() {
        let e = parse(&DOC.replace("\"SPDXRef-zlib\",\"name\"", "\"SPDXRef-fw\",\"name\""))
            .unwrap_err();
        assert_eq!(e.path.as_deref(), Some("packages[1].SPDXID"));
        let e = parse(&DOC.replace("\"versionInfo\":\"2.1\"", "\"versionInfo\":2.1")).unwrap_err();
        assert_eq!(e.path.as_deref(), Some("packages[0].versionInfo"), "{e}");
        let e = parse(&DOC.replace("\"name\":\"zlib\"", "\"name\":\"zlib\",\"name\":\"z\""))
            .unwrap_err();
        assert!(e.message.contains("duplicate key"), "{e}");
        let e = parse(&DOC.replace("SPDX-2.3", "SPDX-9.9")).unwrap_err();
        assert!(e.message.contains("unsupported spdxVersion"), "{e}");
    }
}
