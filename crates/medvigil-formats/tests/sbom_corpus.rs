//! Conformance over the shared corpus (`MEDVIGIL_CORPUS=../shared/data`): the CycloneDX
//! specification's own valid/invalid test documents for 1.2 to 1.6, the real SBOMs of
//! cyclonedx-examples, the SPDX examples and the two medical-device SBOMs.

use std::path::Path;

use medvigil_formats::sbom;
use medvigil_testkit::{corpus, files_under};

/// Spec test documents whose label medvigil deliberately disagrees with, with the reason.
/// Keep this list empty unless the spec itself is wrong; see docs/benchmarks/sbom.md.
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
    for ver in ["1.2", "1.3", "1.4", "1.5", "1.6"] {
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
