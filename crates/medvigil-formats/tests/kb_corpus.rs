//! Every knowledge-base file of the shared corpus parses, with the format detected from
//! its content, and the counts match what the corpus holds.
//!
//! Run with `MEDVIGIL_CORPUS=../shared/data cargo test -p medvigil-formats --test kb_corpus`.

use std::path::Path;

use medvigil_formats::kb::{self, KbFormat};
use medvigil_testkit::{corpus, files_under};

/// Parses every file under `dir` whose name passes `keep`; all must be `want` and parse.
fn all_parse(dir: &Path, keep: fn(&str) -> bool, want: KbFormat) -> (usize, usize) {
    let files = files_under(dir, keep);
    let mut records = 0;
    let mut failures = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let name = f.file_name().unwrap().to_str().unwrap();
        match kb::detect(&bytes, Some(name)) {
            Ok(got) if got == want => {}
            Ok(got) => {
                failures.push(format!("{}: detected {got}, expected {want}", f.display()));
                continue;
            }
            Err(e) => {
                failures.push(format!("{}: {e}", f.display()));
                continue;
            }
        }
        match kb::parse_as(want, &bytes) {
            Ok(b) => records += b.len(),
            Err(e) => failures.push(format!("{}: {e}", f.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    (files.len(), records)
}

#[test]
fn corpus_osv_go_json() {
    let Some(dir) = corpus("osv/go") else { return };
    assert_eq!(
        all_parse(&dir, |n| n.ends_with(".json"), KbFormat::OsvJson).0,
        4291
    );
}

#[test]
fn corpus_osv_rustsec_json() {
    let Some(dir) = corpus("osv/rustsec") else {
        return;
    };
    assert_eq!(
        all_parse(&dir, |n| n.ends_with(".json"), KbFormat::OsvJson).0,
        1206
    );
}

#[test]
fn corpus_osv_pypi_yaml() {
    let Some(dir) = corpus("osv/pypi") else {
        return;
    };
    assert_eq!(
        all_parse(&dir, |n| n.ends_with(".yaml"), KbFormat::OsvYaml).0,
        2661
    );
}

#[test]
fn corpus_cve5() {
    let Some(dir) = corpus("cve5") else { return };
    assert_eq!(
        all_parse(&dir, |n| n.ends_with(".json"), KbFormat::Cve5).0,
        239
    );
}

#[test]
fn corpus_nvd() {
    let Some(dir) = corpus("nvd") else { return };
    let (files, records) = all_parse(
        &dir,
        |n| n.starts_with("CVE-") && n.ends_with(".json"),
        KbFormat::Nvd,
    );
    assert_eq!(files, records);
    assert_eq!(files, 78, "one record per file, INDEX.tsv aside");
    // EternalBlue's record has an AND configuration with CPE ranges and v2 + v3.1 metrics.
    let v = kb::parse_nvd(&std::fs::read(dir.join("CVE-2017-0144.json")).unwrap()).unwrap();
    let v = &v[0];
    assert!(
        v.scores
            .iter()
            .any(|s| s.kind == medvigil_model::vuln::ScoreKind::CvssV2
                && s.extra.contains_key("obtainAllPrivilege"))
    );
    assert!(v.affected.iter().any(|r| matches!(r,
        medvigil_model::vuln::AffectedRule::Nvd(c) if c.operator == Some(medvigil_model::vuln::BoolOperator::And))));
}

#[test]
fn corpus_kev() {
    let Some(dir) = corpus("kev") else { return };
    let bytes = std::fs::read(dir.join("known_exploited_vulnerabilities.json")).unwrap();
    assert_eq!(kb::detect(&bytes, None).unwrap(), KbFormat::Kev);
    let kev = kb::parse_kev(&bytes).unwrap();
    assert_eq!(kev.len(), 1404);
    assert!(kev.iter().any(|k| k.used_by_ransomware()));
}

/// The CISA OT corpus: 2,379 CSAF files (the issue says 2,384; the folder holds 2,379
/// `.json` files, each with its `.sha512`).
#[test]
fn corpus_csaf_cisa_ot() {
    let Some(dir) = corpus("csaf/cisa-ot") else {
        return;
    };
    let (files, _) = all_parse(
        &dir,
        |n| n.ends_with(".json") && (n.starts_with("icsa") || n.starts_with("icsma")),
        KbFormat::Csaf,
    );
    assert_eq!(files, 2379);
    let a = kb::parse_csaf(&std::fs::read(dir.join("2020/icsma-20-023-01.json")).unwrap()).unwrap();
    assert_eq!(a.id, "ICSMA-20-023-01");
    let p = a
        .products
        .iter()
        .find(|p| p.product_name.as_deref() == Some("ApexPro Telemetry Server"))
        .unwrap();
    assert_eq!(p.version_range.as_deref(), Some("<= 4.2"));
    assert!(a.cves().contains(&"CVE-2020-6961".to_string()));
}

#[test]
fn corpus_csaf_oasis_examples_including_vex() {
    let Some(dir) = corpus("csaf/oasis-csaf-2.0/examples/csaf") else {
        return;
    };
    let files = files_under(&dir, |n| n.ends_with(".json"));
    let mut vex = 0;
    for f in &files {
        let a = kb::parse_csaf(&std::fs::read(f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        vex += usize::from(a.category == "csaf_vex");
    }
    assert_eq!(vex, 13);
}

/// The validator test suite: every valid document is accepted; the must-fail documents
/// that break the JSON schema (the three of test 6.1.8, whose CVSS objects lack
/// required properties) are rejected with the property named.
#[test]
fn corpus_csaf_validator_testcases() {
    let Some(dir) = corpus("csaf/oasis-csaf-2.0/test/validator/data") else {
        return;
    };
    let tc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("testcases.json")).unwrap()).unwrap();
    let mut valid = 0;
    let mut failing_rejected = 0;
    let mut failing = 0;
    for t in tc["tests"].as_array().unwrap() {
        for v in t["valid"].as_array().into_iter().flatten() {
            let f = dir.join(v["name"].as_str().unwrap());
            kb::parse_csaf(&std::fs::read(&f).unwrap())
                .unwrap_or_else(|e| panic!("valid {}: {e}", f.display()));
            valid += 1;
        }
        for v in t["failures"].as_array().into_iter().flatten() {
            failing += 1;
            let f = dir.join(v["name"].as_str().unwrap());
            if kb::parse_csaf(&std::fs::read(&f).unwrap()).is_err() {
                failing_rejected += 1;
            }
        }
    }
    assert!(valid > 0);
    assert!(
        failing_rejected >= 18,
        "{failing_rejected} of {failing} must-fail documents rejected"
    );
    for (name, pointer, missing) in [
        (
            "mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-08-01.json",
            "/vulnerabilities/0/scores/0/cvss_v3",
            "baseSeverity",
        ),
        (
            "mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-08-02.json",
            "/vulnerabilities/0/scores/0/cvss_v3",
            "baseSeverity",
        ),
        (
            "mandatory/oasis_csaf_tc-csaf_2_0-2021-6-1-08-03.json",
            "/vulnerabilities/0/scores/0/cvss_v2",
            "version",
        ),
    ] {
        let e = kb::parse_csaf(&std::fs::read(dir.join(name)).unwrap()).unwrap_err();
        assert_eq!(e.pointer.as_deref(), Some(pointer), "{name}: {e}");
        assert!(e.message.contains(&format!("`{missing}`")), "{name}: {e}");
    }
    eprintln!(
        "CSAF validator suite: {valid} valid accepted; {failing_rejected} of {failing} must-fail documents rejected (the schema rules, the VEX profile and tests 6.1.1/6.1.2/6.1.4/6.1.5 are checked; the other semantic tests of section 6.1 are not)"
    );
}
