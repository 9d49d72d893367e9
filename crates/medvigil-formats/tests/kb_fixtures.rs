//! The project's own small fixtures, one per knowledge-base format, read field by field.

use medvigil_formats::kb::{self, KbFormat};
use medvigil_model::vuln::{AffectedRule, OsvEvent, RecallKind, ScoreKind};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/kb/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn every_fixture_is_detected() {
    for (name, want) in [
        ("osv-PYSEC-2099-1.yaml", KbFormat::OsvYaml),
        ("osv-GHSA-aaaa-bbbb-cccc.json", KbFormat::OsvJson),
        ("nvd-CVE-2099-0001.json", KbFormat::Nvd),
        ("cve5-CVE-2099-0002.json", KbFormat::Cve5),
        ("csaf-acme-2099-01.json", KbFormat::Csaf),
        ("kev-catalog.json", KbFormat::Kev),
        ("epss-scores.csv", KbFormat::Epss),
        ("openfda-device-recall.json", KbFormat::Openfda),
    ] {
        assert_eq!(
            kb::detect(&fixture(name), Some(name)).unwrap(),
            want,
            "{name}"
        );
    }
}

#[test]
fn osv_yaml_fields() {
    let v = kb::parse_osv_yaml(&fixture("osv-PYSEC-2099-1.yaml")).unwrap();
    assert_eq!(v.aliases, ["CVE-2099-0001", "GHSA-aaaa-bbbb-cccc"]);
    let AffectedRule::Osv(a) = &v.affected[0] else {
        panic!()
    };
    assert_eq!(a.purl.as_deref(), Some("pkg:pypi/infusion-gateway"));
    assert_eq!(
        a.ranges[0].events,
        [
            OsvEvent::Introduced("0".into()),
            OsvEvent::Fixed("2.4.1".into())
        ]
    );
    let g = kb::parse_osv_json(&fixture("osv-GHSA-aaaa-bbbb-cccc.json")).unwrap();
    assert_eq!(g.cwes, ["CWE-306"]);
    assert_eq!(g.scores[0].kind, ScoreKind::CvssV31);
}

#[test]
fn nvd_fields() {
    let v = kb::parse_nvd(&fixture("nvd-CVE-2099-0001.json"))
        .unwrap()
        .remove(0);
    let v2 = v
        .scores
        .iter()
        .find(|s| s.kind == ScoreKind::CvssV2)
        .unwrap();
    assert_eq!(
        v2.severity.as_deref(),
        Some("MEDIUM"),
        "v2 severity sits outside cvssData"
    );
    assert_eq!(v2.extra["exploitabilityScore"], 10.0);
    assert_eq!(v2.extra["userInteractionRequired"], false);
    let AffectedRule::Nvd(c) = &v.affected[0] else {
        panic!()
    };
    assert_eq!(c.nodes.len(), 2);
    assert_eq!(
        c.nodes[0].cpe_match[0].version_end_excluding.as_deref(),
        Some("2.4.1")
    );
    assert!(!c.nodes[1].cpe_match[0].vulnerable);
}

#[test]
fn csaf_fields() {
    let a = kb::parse_csaf(&fixture("csaf-acme-2099-01.json")).unwrap();
    assert_eq!(a.products.len(), 3);
    let p = a.product("CSAFPID-0001").unwrap();
    assert_eq!(p.identification.model_numbers, ["IM-100", "IM-1??"]);
    assert_eq!(p.identification.skus, ["IM100-US"]);
    assert_eq!(
        a.product("CSAFPID-0003").unwrap().version_range.as_deref(),
        Some("<= 2.4.0")
    );
    let v = &a.vulnerabilities[0];
    assert_eq!(v.product_status.fixed, ["CSAFPID-0002"]);
    assert_eq!(v.remediations[0].group_ids, ["CSAFGID-0001"]);
    assert_eq!(a.product_groups[0].product_ids.len(), 2);
    assert_eq!(a.tlp.as_deref(), Some("WHITE"));
}

#[test]
fn kev_epss_openfda_fields() {
    let k = kb::parse_kev(&fixture("kev-catalog.json")).unwrap();
    assert!(k[0].used_by_ransomware());
    let e = kb::parse_epss(&fixture("epss-scores.csv")).unwrap();
    assert_eq!(e.len(), 2);
    assert_eq!(e[0].model_version.as_deref(), Some("v2099.01.01"));
    assert_eq!(e[1].percentile, 0.11234);
    let r = kb::parse_openfda(&fixture("openfda-device-recall.json")).unwrap();
    assert_eq!(r[0].kind, RecallKind::Recall);
    assert_eq!(r[0].recall_number, "Z-0001-2099");
    assert_eq!(r[0].k_numbers, ["K990001"]);
    assert_eq!(
        r[0].root_cause_description.as_deref(),
        Some("Software design")
    );
    assert_eq!(r[0].device_class.as_deref(), Some("2"));
    assert_eq!(r[1].kind, RecallKind::Enforcement);
    assert_eq!(r[1].classification.as_deref(), Some("Class II"));
    assert_eq!(r[1].date_posted.as_deref(), Some("20990115"));
}

/// Truncating any fixture anywhere gives an error, never a panic.
#[test]
fn truncated_fixtures_fail_cleanly() {
    for name in [
        "osv-GHSA-aaaa-bbbb-cccc.json",
        "nvd-CVE-2099-0001.json",
        "csaf-acme-2099-01.json",
        "osv-PYSEC-2099-1.yaml",
        "openfda-device-recall.json",
    ] {
        let bytes = fixture(name);
        for cut in (1..bytes.len() - 2).step_by(7) {
            let _ = kb::parse(&bytes[..cut], Some(name));
        }
        let e = kb::parse(&bytes[..bytes.len() / 2], Some(name)).unwrap_err();
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn wrong_types_and_huge_strings_are_rejected_precisely() {
    let e = kb::parse(
        br#"{"id":"GO-1","modified":"2024-01-01T00:00:00Z","aliases":"CVE-1"}"#,
        None,
    )
    .unwrap_err();
    assert_eq!(e.pointer.as_deref(), Some("/aliases"), "{e}");
    assert_eq!((e.line, e.column.is_some()), (Some(1), true));
    let huge = "x".repeat(kb::MAX_STRING_BYTES + 1);
    let doc = format!(r#"{{"id":"GO-1","modified":"2024-01-01T00:00:00Z","details":"{huge}"}}"#);
    let e = kb::parse(doc.as_bytes(), None).unwrap_err();
    assert!(
        e.to_string().contains("at /details") && e.to_string().contains("limit"),
        "{}",
        &e.to_string()[..80]
    );
}
