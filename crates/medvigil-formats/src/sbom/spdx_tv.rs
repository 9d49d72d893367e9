//! SPDX 2.2 / 2.3 tag-value (`Tag: value` lines, `<text>...</text>` for multi-line
//! values), read into the same document shape as SPDX JSON.
//!
//! Sections start with the tag that opens them (`PackageName`, `FileName`,
//! `SnippetSPDXID`, `LicenseID`, `Annotator`); `SPDXID` and the other tags belong to the
//! section they appear in. Errors name the line.

use medvigil_model::sbom::{Sbom, SbomFormat};

use super::SbomError;
use super::spdx_json::{
    Annotation, Checksum, Doc, ExternalRef, File, Package, Relationship, to_model,
};

enum Section {
    Document,
    Package,
    File,
    Other,
    Annotation {
        target: Option<String>,
        comment: Option<String>,
    },
}

/// Reads an SPDX 2 tag-value document.
pub(crate) fn parse(text: &str) -> Result<Sbom, SbomError> {
    let mut doc = Doc::default();
    let mut section = Section::Document;
    let mut annotations: Vec<(String, String)> = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, raw)) = lines.next() {
        let line_no = i as u64 + 1;
        let line = raw.trim_start_matches('\u{feff}').trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((tag, value)) = line.split_once(':') else {
            return Err(SbomError::at_line(
                line_no,
                1,
                format!("expected `Tag: value`, found {line:?}"),
            ));
        };
        let tag = tag.trim();
        let mut value = value.trim().to_string();
        if let Some(rest) = value.strip_prefix("<text>") {
            // Multi-line value: up to the closing </text>, possibly on a later line.
            let mut buf = rest.to_string();
            while !buf.contains("</text>") {
                let Some((_, next)) = lines.next() else {
                    return Err(SbomError::at_line(
                        line_no,
                        1,
                        format!(
                            "{tag}: <text> is never closed by </text>: the document is truncated"
                        ),
                    ));
                };
                buf.push('\n');
                buf.push_str(next);
            }
            let end = buf.find("</text>").expect("checked above");
            value = buf[..end].to_string();
        }
        let bad = |msg: String| SbomError::at_line(line_no, 1, format!("{tag}: {msg}"));
        match tag {
            "PackageName" => {
                flush_annotation(&mut section, &mut annotations);
                doc.packages.push(Package {
                    name: value,
                    ..Package::default()
                });
                section = Section::Package;
                continue;
            }
            "FileName" => {
                flush_annotation(&mut section, &mut annotations);
                doc.files.push(File::default());
                section = Section::File;
                continue;
            }
            "SnippetSPDXID" | "LicenseID" => {
                flush_annotation(&mut section, &mut annotations);
                section = Section::Other;
                continue;
            }
            "Annotator" => {
                flush_annotation(&mut section, &mut annotations);
                section = Section::Annotation {
                    target: None,
                    comment: None,
                };
                continue;
            }
            "Relationship" => {
                let parts: Vec<&str> = value.split_whitespace().collect();
                let [a, t, b] = parts[..] else {
                    return Err(bad(
                        "expected `SPDXRef-A RELATIONSHIP_TYPE SPDXRef-B`".into()
                    ));
                };
                doc.relationships.push(Relationship {
                    spdx_element_id: a.to_string(),
                    relationship_type: t.to_string(),
                    related_spdx_element: b.to_string(),
                });
                continue;
            }
            _ => {}
        }
        match &mut section {
            Section::Document => match tag {
                "SPDXVersion" => doc.spdx_version = value,
                "DataLicense" => doc.data_license = Some(value),
                "SPDXID" => doc.spdx_id = value,
                "DocumentName" => doc.name = value,
                "DocumentNamespace" => doc.document_namespace = value,
                "Creator" => doc.creation_info.creators.push(value),
                "Created" => doc.creation_info.created = value,
                _ => {}
            },
            Section::Package => {
                let p = doc
                    .packages
                    .last_mut()
                    .expect("a package section has a package");
                match tag {
                    "SPDXID" => p.spdx_id = value,
                    "PackageVersion" => p.version_info = Some(value),
                    "PackageSupplier" => p.supplier = Some(value),
                    "PackageOriginator" => p.originator = Some(value),
                    "PackageLicenseConcluded" => p.license_concluded = Some(value),
                    "PackageLicenseDeclared" => p.license_declared = Some(value),
                    "PrimaryPackagePurpose" => p.primary_package_purpose = Some(value),
                    "ValidUntilDate" => p.valid_until_date = Some(value),
                    "PackageChecksum" => {
                        let Some((alg, v)) = value.split_once(':') else {
                            return Err(bad(format!("expected `ALGORITHM: hex`, found {value:?}")));
                        };
                        p.checksums.push(Checksum {
                            algorithm: alg.trim().to_string(),
                            checksum_value: v.trim().to_string(),
                        });
                    }
                    "ExternalRef" => {
                        let parts: Vec<&str> = value.split_whitespace().collect();
                        let [_category, t, l] = parts[..] else {
                            return Err(bad("expected `CATEGORY TYPE LOCATOR`".into()));
                        };
                        p.external_refs.push(ExternalRef {
                            reference_type: t.to_string(),
                            reference_locator: l.to_string(),
                        });
                    }
                    _ => {}
                }
            }
            Section::File => {
                if tag == "SPDXID" {
                    doc.files
                        .last_mut()
                        .expect("a file section has a file")
                        .spdx_id = value;
                }
            }
            Section::Annotation { target, comment } => match tag {
                "SPDXREF" => *target = Some(value),
                "AnnotationComment" => *comment = Some(value),
                _ => {}
            },
            Section::Other => {}
        }
    }
    flush_annotation(&mut section, &mut annotations);
    for (target, comment) in annotations {
        if let Some(p) = doc.packages.iter_mut().find(|p| p.spdx_id == target) {
            p.annotations.push(Annotation { comment });
        }
    }
    for (what, v) in [
        ("SPDXVersion", &doc.spdx_version),
        ("SPDXID", &doc.spdx_id),
        ("DocumentName", &doc.name),
        ("DocumentNamespace", &doc.document_namespace),
        ("Created", &doc.creation_info.created),
    ] {
        if v.is_empty() {
            return Err(SbomError::at(what, format!("the document has no {what}")));
        }
    }
    for (i, p) in doc.packages.iter().enumerate() {
        if p.spdx_id.is_empty() {
            return Err(SbomError::at(
                format!("package {} ({:?})", i + 1, p.name),
                "package has no SPDXID",
            ));
        }
    }
    to_model(doc, SbomFormat::SpdxTagValue)
}

fn flush_annotation(section: &mut Section, out: &mut Vec<(String, String)>) {
    if let Section::Annotation {
        target: Some(t),
        comment: Some(c),
    } = section
    {
        out.push((std::mem::take(t), std::mem::take(c)));
    }
    *section = Section::Other;
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: pump\n\
DocumentNamespace: https://example.org/pump\nCreator: Organization: Acme\nCreator: Tool: gen\nCreated: 2024-01-01T00:00:00Z\n\n\
PackageName: pump-fw\nSPDXID: SPDXRef-fw\nPackageVersion: 2.1\nPackageSupplier: Organization: Acme\n\
PackageChecksum: SHA256: 0d6e1420facd978e532eae7bd5cb6378b65522c12fa9dcf682129e698c34d1b2\n\
ExternalRef: PACKAGE-MANAGER purl pkg:generic/pump-fw@2.1\nPackageComment: <text>two\nlines</text>\n\n\
PackageName: zlib\nSPDXID: SPDXRef-zlib\nPackageVersion: 1.3.1\n\n\
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-fw\nRelationship: SPDXRef-fw CONTAINS SPDXRef-zlib\n\n\
Annotator: Organization: Acme\nAnnotationDate: 2024-01-01T00:00:00Z\nAnnotationType: OTHER\nSPDXREF: SPDXRef-zlib\n\
AnnotationComment: <text>End-of-Support: 2028-06-30</text>\n";

    #[test]
    fn reads_packages_and_relationships() {
        let s = parse(DOC).unwrap();
        assert_eq!(s.components.len(), 2);
        assert_eq!(
            s.components[0].purls,
            vec!["pkg:generic/pump-fw@2.1".to_string()]
        );
        assert_eq!(s.components[0].supplier.as_deref(), Some("Acme"));
        assert_eq!(
            s.components[1].end_of_support.as_deref(),
            Some("2028-06-30")
        );
        assert_eq!(s.subject.as_deref(), Some("SPDXRef-fw"));
        assert_eq!(s.dependencies[0].to, vec!["SPDXRef-zlib".to_string()]);
        assert_eq!(s.tools, vec!["gen".to_string()]);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse(&DOC.replace("PackageVersion: 1.3.1", "this is not a tag")).unwrap_err();
        assert_eq!(e.line, Some(21), "{e}");
        let e = parse(&DOC[..DOC.find("two").unwrap()]).unwrap_err();
        assert!(e.message.contains("truncated"), "{e}");
        let e = parse(&DOC.replace("Created: 2024-01-01T00:00:00Z\n", "")).unwrap_err();
        assert!(e.message.contains("Created"), "{e}");
    }
}
