//! Conformance over the shared corpus (`MEDVIGIL_CORPUS=../shared/data`): the CycloneDX
//! specification's own valid/invalid test documents for 1.2 to 1.7, the real SBOMs of
//! cyclonedx-examples, the SPDX examples and the two medical-device SBOMs.

use std::path::Path;

use medvigil_formats::sbom;
use medvigil_testkit::{corpus, files_under};

/// Spec test documents whose label medvigil deliberately disagrees with, with the reason.
/// Keep this list empty unless the spec itself is wrong; see BENCHMARKS.md (SBOM section).
const DISPUTED: &[(&str, &str)] = &[];

fn read(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn spec_cases(ext: &str) {
    let Some(dir) = corpus("sbom/cyclonedx-spec/tools/src/test/resources") else {
        return;
    };
    let mut failures = Vec::new();
    let mut counts = (0, 0);
    for ver in ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"] {
        for f in files_under(&dir.join(ver), |n| n.ends_with(ext)) {
            let name = f.file_name().unwrap().to_str().unwrap().to_string();
            if DISPUTED.iter().any(|(d, _)| *d == name) {
                continue;
            }
            let result = sbom::parse(&read(&f));
            if name.starts_with("valid-") {
                counts.0 += 1;
                match result {
                    Ok(s) => assert_eq!(s.spec_version, ver, "{name}"),
                    Err(e) => failures.push(format!("{ver}/{name}: rejected: {e}")),
                }
            } else if name.starts_with("invalid-") {
                counts.1 += 1;
                match result {
                    Ok(_) => failures.push(format!("{ver}/{name}: accepted")),
                    Err(e) => {
                        // The message must say where: a path or a line.
                        if e.path.is_none() && e.line.is_none() {
                            failures.push(format!("{ver}/{name}: error without location: {e}"));
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "{ext}: {} valid, {} invalid spec documents",
        counts.0, counts.1
    );
    assert!(
        counts.0 > 100 && counts.1 > 100,
        "too few cases found: {counts:?}"
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn cyclonedx_spec_json() {
    spec_cases(".json");
}

#[test]
fn cyclonedx_spec_xml() {
    spec_cases(".xml");
}

/// (path under sbom/, format, spec version, components). Component counts were taken
/// independently of medvigil: `jq '.packages|length'` for SPDX 2 JSON, `grep -c
/// ^PackageName:` for tag-value, the number of `software_Package` elements for SPDX 3,
/// `jq '.components|length'` plus the metadata component for CycloneDX.
const EXPECTED: &[(&str, &str, &str, usize)] = &[
    (
        "medical-device/narrow.sbom.json",
        "cyclonedx_json",
        "1.4",
        56,
    ),
    (
        "medical-device/extended.sbom.json",
        "cyclonedx_json",
        "1.4",
        66,
    ),
    (
        "spdx-examples/software/example1/spdx2.2/example1.spdx",
        "spdx_tag_value",
        "2.2",
        1,
    ),
    (
        "spdx-examples/software/example4/spdx2.2/example4-bin.spdx",
        "spdx_tag_value",
        "2.2",
        3,
    ),
    (
        "spdx-examples/software/example6/spdx2.2/example6-lib.spdx",
        "spdx_tag_value",
        "2.2",
        5,
    ),
    (
        "spdx-examples/software/example7/spdx2.2/example7-third-party-modules.spdx.json",
        "spdx_json",
        "2.2",
        3,
    ),
    (
        "spdx-examples/software/example8/spdx2.3/examplemaven-0.0.1.spdx.json",
        "spdx_json",
        "2.3",
        6,
    ),
    (
        "spdx-examples/software/example9/spdx2.2/appbomination.spdx.json",
        "spdx_json",
        "2.2",
        7,
    ),
    (
        "spdx-examples/software/example11/spdx2.3/sbom.spdx.json",
        "spdx_json",
        "2.3",
        4,
    ),
    (
        "spdx-examples/software/example7/spdx3.0/example7-bin.spdx3.json",
        "spdx3_json_ld",
        "3.0.1",
        0,
    ),
    (
        "spdx-examples/software/example9/spdx3.0/appbomination.spdx3.json",
        "spdx3_json_ld",
        "3.0.1",
        7,
    ),
    (
        "spdx-examples/software/example13/spdx3.0/example13.spdx3.json",
        "spdx3_json_ld",
        "3.0.1",
        4,
    ),
    (
        "cyclonedx-examples/SBOM/keycloak-10.0.2/bom.json",
        "cyclonedx_json",
        "1.2",
        904,
    ),
    (
        "cyclonedx-examples/SBOM/keycloak-10.0.2/bom.xml",
        "cyclonedx_xml",
        "1.2",
        904,
    ),
    (
        "cyclonedx-examples/SBOM/juice-shop/via_npm/flat/bom.1.4.xml",
        "cyclonedx_xml",
        "1.4",
        1116,
    ),
];

#[test]
fn known_documents_have_their_component_counts() {
    let Some(dir) = corpus("sbom") else { return };
    for (path, format, version, n) in EXPECTED {
        let s = sbom::parse(&read(&dir.join(path))).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(s.format.as_str(), *format, "{path}");
        assert_eq!(s.spec_version, *version, "{path}");
        assert_eq!(s.components.len(), *n, "{path}");
    }
    // The medical-device SBOMs carry FDA support fields as properties on every component.
    let s = sbom::parse(&read(&dir.join("medical-device/narrow.sbom.json"))).unwrap();
    let with_support = s
        .components
        .iter()
        .filter(|c| c.support_level.is_some() && c.end_of_support.is_some())
        .count();
    assert_eq!(with_support, 55, "every component but the metadata subject");
}

/// Every SPDX example (2.2/2.3 JSON and tag-value, 3.0 JSON-LD), every real CycloneDX
/// SBOM and VEX document of cyclonedx-examples (JSON and XML, 1.2 and later) parses.
#[test]
fn every_real_document_parses() {
    let Some(dir) = corpus("sbom") else { return };
    let mut n = 0;
    let mut failures = Vec::new();
    for sub in ["spdx-examples", "cyclonedx-examples", "medical-device"] {
        for f in files_under(&dir.join(sub), |n| {
            n.ends_with(".json") || n.ends_with(".xml") || n.ends_with(".spdx")
        }) {
            // laravel's bom.1.1.xml is CycloneDX 1.1, which medvigil refuses by design.
            if f.ends_with("laravel-7.12.0/bom.1.1.xml") {
                assert!(
                    sbom::parse(&read(&f))
                        .unwrap_err()
                        .message
                        .contains("1.1 is not supported")
                );
                continue;
            }
            // The examples' `content/` folders hold the software they describe (pom.xml...).
            let name = f.file_name().unwrap().to_string_lossy();
            if f.to_string_lossy().contains("/content/") && !name.contains(".spdx") {
                continue;
            }
            n += 1;
            if let Err(e) = sbom::parse(&read(&f)) {
                failures.push(format!("{}: {e}", f.display()));
            }
        }
    }
    assert!(n > 100, "only {n} documents found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
