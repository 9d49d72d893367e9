//! The engine's matchers on small fixtures of our own and on real NVD records.

mod support;

use medvigil_match::Cpe;
use medvigil_match::engine::{DeviceIndex, Engine};
use medvigil_match::names::VendorTable;
use medvigil_model::Device;
use medvigil_model::finding::FindingStatus;
use medvigil_model::sbom::{Component, ComponentKind};

/// RUSTSEC-2021-0003: smallvec 1.6.0 buffer overflow in insert_many, fixed in 1.6.1.
const OSV_SMALLVEC: &str = r#"{
  "schema_version": "1.4.0",
  "id": "RUSTSEC-2021-0003",
  "modified": "2021-10-19T22:14:35Z",
  "published": "2021-01-08T12:00:00Z",
  "aliases": ["CVE-2021-25900", "GHSA-43w2-9j62-hq99"],
  "summary": "Buffer overflow in SmallVec::insert_many",
  "affected": [{
    "package": {"ecosystem": "crates.io", "name": "smallvec", "purl": "pkg:cargo/smallvec"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0.6.3"}, {"fixed": "0.6.14"}, {"introduced": "1.0.0"}, {"fixed": "1.6.1"}]}]
  }]
}"#;

fn component(name: &str, version: &str, purl: Option<&str>, cpe: Option<&str>) -> Component {
    let json = serde_json::json!({
        "reference": format!("ref-{name}"), "name": name, "version": version, "group": null,
        "kind": "library", "supplier": null, "author": null,
        "purls": purl.into_iter().collect::<Vec<_>>(), "cpes": cpe.into_iter().collect::<Vec<_>>(),
        "other_ids": [], "hashes": [], "licenses": [], "support_level": null, "end_of_support": null, "parent": null
    });
    let mut c: Component = serde_json::from_value(json).expect("component shape");
    c.kind = ComponentKind::Library;
    c
}

fn engine(vulns: Vec<medvigil_model::vuln::Vulnerability>) -> Engine {
    Engine::new(VendorTable::builtin(), vulns, vec![], vec![], vec![]).0
}

#[test]
fn purl_and_osv_range() {
    let v = medvigil_formats::kb::parse_osv_json(OSV_SMALLVEC.as_bytes()).unwrap();
    let e = engine(vec![v]);
    let hit = e.component_findings(
        "sbom-1",
        &component("smallvec", "1.6.0", Some("pkg:cargo/smallvec@1.6.0"), None),
    );
    assert_eq!(hit.len(), 1);
    assert_eq!(hit[0].vulnerability_id, "RUSTSEC-2021-0003");
    assert_eq!(hit[0].matcher(), "purl_osv");
    assert_eq!(hit[0].status, FindingStatus::Affected);
    assert!(
        hit[0].details[0]
            .range
            .as_deref()
            .unwrap()
            .contains("1.6.1")
    );
    for safe in ["1.6.1", "0.6.14", "0.6.2"] {
        let c = component(
            "smallvec",
            safe,
            Some(&format!("pkg:cargo/smallvec@{safe}")),
            None,
        );
        assert!(e.component_findings("s", &c).is_empty(), "{safe}");
    }
    // Another ecosystem's package of the same name is not matched.
    assert!(
        e.component_findings(
            "s",
            &component("smallvec", "1.6.0", Some("pkg:npm/smallvec@1.6.0"), None)
        )
        .is_empty()
    );
}

fn nvd(file: &str) -> Option<medvigil_model::vuln::Vulnerability> {
    let dir = medvigil_testkit::corpus("nvd")?;
    let raw = std::fs::read_to_string(dir.join(file)).unwrap();
    // The corpus stores the `cve` object; wrap it as an API response.
    let doc = format!(
        r#"{{"resultsPerPage":1,"startIndex":0,"totalResults":1,"format":"NVD_CVE","version":"2.0","timestamp":"2024-01-01T00:00:00.000","vulnerabilities":[{{"cve":{raw}}}]}}"#
    );
    Some(
        medvigil_formats::kb::parse_nvd(doc.as_bytes())
            .unwrap()
            .remove(0),
    )
}

#[test]
fn corpus_nvd_cpe_ranges_and_no_vendor_wildcard() {
    // CVE-2018-16522: amazon_web_services_freertos <= 1.3.1.
    let Some(v) = nvd("CVE-2018-16522.json") else {
        return;
    };
    let e = engine(vec![v]);
    let c = |cpe: &str| component("freertos", "x", None, Some(cpe));
    let hit = e.component_findings(
        "s",
        &c("cpe:2.3:a:amazon:amazon_web_services_freertos:1.3.0:*:*:*:*:*:*:*"),
    );
    assert_eq!(hit.len(), 1);
    assert_eq!(hit[0].matcher(), "cpe_nvd");
    assert!(
        e.component_findings(
            "s",
            &c("cpe:2.3:a:amazon:amazon_web_services_freertos:1.4.0:*:*:*:*:*:*:*")
        )
        .is_empty()
    );
    assert!(
        e.component_findings(
            "s",
            &c("cpe:2.3:a:*:amazon_web_services_freertos:1.3.0:*:*:*:*:*:*:*")
        )
        .is_empty()
    );
}

#[test]
fn corpus_nvd_and_configuration_needs_its_platform() {
    // CVE-2017-12701: luna_cpap_machine_firmware < 20170701 AND hardware luna_cpap_machine.
    let Some(v) = nvd("CVE-2017-12701.json") else {
        return;
    };
    let e = engine(vec![v]);
    let fw = component(
        "luna fw",
        "20170601",
        None,
        Some("cpe:2.3:o:cpap:luna_cpap_machine_firmware:20170601:*:*:*:*:*:*:*"),
    );
    assert!(
        e.component_findings("s", &fw).is_empty(),
        "firmware alone is not enough"
    );
    let hw: Cpe = "cpe:2.3:h:cpap:luna_cpap_machine:-:*:*:*:*:*:*:*"
        .parse()
        .unwrap();
    let hit = e.component_findings_in("s", &fw, std::slice::from_ref(&hw));
    assert_eq!(hit.len(), 1, "with the hardware in the SBOM it matches");
    let newer = component(
        "luna fw",
        "20170801",
        None,
        Some("cpe:2.3:o:cpap:luna_cpap_machine_firmware:20170801:*:*:*:*:*:*:*"),
    );
    assert!(e.component_findings_in("s", &newer, &[hw]).is_empty());
}

#[test]
fn kev_and_device_index() {
    let kev = medvigil_model::vuln::KevEntry {
        cve_id: "CVE-2017-12718".into(),
        vendor_project: "Smiths Medical".into(),
        product: "Medfusion 4000 Wireless Syringe Infusion Pump".into(),
        vulnerability_name: "Smiths Medical Medfusion 4000 buffer overflow".into(),
        date_added: "2022-01-01".into(),
        short_description: "fixture".into(),
        required_action: "apply updates".into(),
        due_date: "2022-07-01".into(),
        known_ransomware_campaign_use: "Unknown".into(),
        notes: String::new(),
        cwes: vec![],
    };
    let (e, _) = Engine::new(VendorTable::builtin(), vec![], vec![], vec![kev], vec![]);
    let mut d = Device::new("north", "PUMP-7");
    d.manufacturer = Some("ICU Medical".into());
    d.model = Some("Medfusion 4000".into());
    let f = e.device_findings(&d);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].matcher(), "kev");
    d.model = Some("Medfusion 3500".into());
    assert!(e.device_findings(&d).is_empty());
    let idx = DeviceIndex::new(&[d], e.table());
    assert_eq!(idx.len(), 1);
}

/// Every CPE criterion of the NVD corpus parses, prints back to the same formatted
/// string, and round-trips through the URI binding.
#[test]
fn corpus_nvd_criteria_parse_and_round_trip() {
    let Some(dir) = medvigil_testkit::corpus("nvd") else {
        return;
    };
    let mut n = 0;
    for f in medvigil_testkit::files_under(&dir, |n| n.ends_with(".json")) {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&f).unwrap()).unwrap();
        let mut stack = vec![&v["configurations"]];
        while let Some(x) = stack.pop() {
            match x {
                serde_json::Value::Object(o) => {
                    if let Some(c) = o.get("criteria").and_then(|c| c.as_str()) {
                        let cpe: Cpe = c.parse().unwrap_or_else(|e| panic!("{}: {e}", f.display()));
                        assert_eq!(cpe.to_string(), c, "{}", f.display());
                        assert_eq!(cpe.to_uri().parse::<Cpe>().unwrap(), cpe, "{c}");
                        n += 1;
                    }
                    stack.extend(o.values());
                }
                serde_json::Value::Array(a) => stack.extend(a),
                _ => {}
            }
        }
    }
    assert!(n > 100, "{n} criteria");
}

fn recall(number: &str, firm: &str, device_name: &str, code: &str) -> medvigil_model::vuln::Recall {
    medvigil_model::vuln::Recall {
        recall_number: number.into(),
        kind: medvigil_model::vuln::RecallKind::Recall,
        event_id: Some("84251".into()),
        product_code: Some(code.into()),
        k_numbers: vec![],
        pma_numbers: vec![],
        recalling_firm: Some(firm.into()),
        product_description: Some(format!("{device_name}, fixture description")),
        code_info: Some("software versions 9.19 and lower".into()),
        reason_for_recall: Some("fixture".into()),
        root_cause_description: None,
        action: None,
        classification: Some("2".into()),
        status: Some("Open, Classified".into()),
        date_initiated: None,
        date_posted: None,
        date_terminated: None,
        device_name: Some(device_name.into()),
        device_class: Some("2".into()),
        medical_specialty: None,
    }
}

#[test]
fn recalls_match_by_firm_and_model_or_product_code() {
    let r = recall(
        "Z-1234-2020",
        "CareFusion 303, Inc.",
        "BD Alaris System PC Unit Model 8015",
        "FRN",
    );
    let (e, _) = Engine::new(VendorTable::builtin(), vec![], vec![], vec![], vec![r]);
    let mut d = Device::new("north", "PUMP-9");
    d.manufacturer = Some("BD".into());
    d.model = Some("Alaris 8015 PC Unit".into());
    let f = e.device_findings(&d);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].matcher(), "recall");
    assert_eq!(f[0].vulnerability_id, "Z-1234-2020");
    // Another model of the same firm: no, unless the FDA product code says so.
    d.model = Some("Alaris Syringe 8110".into());
    assert!(e.device_findings(&d).is_empty());
    d.attributes.insert("product_code".into(), "frn".into());
    let f = e.device_findings(&d);
    assert_eq!(f.len(), 1);
    assert!(
        f[0].confidence() <= 0.5,
        "a product code alone is weak evidence"
    );
    // Another firm with the same product code: no.
    d.manufacturer = Some("Baxter".into());
    assert!(e.device_findings(&d).is_empty());
}

/// A CNA's CVE 5 record for a device (facts of CVE-2020-25165, BD Alaris PC Unit
/// 8015, versions up to 9.33.1).
const CVE5_ALARIS: &str = r#"{
  "dataType": "CVE_RECORD", "dataVersion": "5.0",
  "cveMetadata": {"cveId": "CVE-2020-25165", "assignerOrgId": "7d14cffa-0d7d-4270-9dc0-52cabd5a23a6", "state": "PUBLISHED", "datePublished": "2020-11-13T00:00:00Z"},
  "containers": {"cna": {
    "providerMetadata": {"orgId": "7d14cffa-0d7d-4270-9dc0-52cabd5a23a6"},
    "affected": [{"vendor": "BD", "product": "Alaris PC Unit Model 8015", "defaultStatus": "unaffected",
                  "versions": [{"version": "0", "lessThanOrEqual": "9.33.1", "status": "affected", "versionType": "custom"}]}],
    "descriptions": [{"lang": "en", "value": "Session establishment without authentication (fixture written from public facts)."}],
    "references": [{"url": "https://www.cisa.gov/news-events/ics-medical-advisories/icsma-20-317-01"}]
  }}
}"#;

#[test]
fn cve5_records_match_devices_by_vendor_product_and_versions() {
    let v = medvigil_formats::kb::parse_cve5(CVE5_ALARIS.as_bytes()).unwrap();
    let e = engine(vec![v]);
    let mut d = Device::new("north", "PUMP-3");
    d.manufacturer = Some("CareFusion".into());
    d.model = Some("Alaris 8015 PC Unit".into());
    d.version = Some("9.19.2".into());
    let f = e.device_findings(&d);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].matcher(), "cve5_product");
    assert_eq!(f[0].vulnerability_id, "CVE-2020-25165");
    d.version = Some("12.1.0".into());
    assert!(e.device_findings(&d).is_empty(), "past the range");
    d.version = None;
    let f = e.device_findings(&d);
    assert_eq!(f.len(), 1);
    assert!(f[0].confidence() < 0.7, "unknown version, lower confidence");
    d.model = Some("Alaris 8100 Syringe".into());
    d.version = Some("9.19.2".into());
    assert!(e.device_findings(&d).is_empty(), "sibling model");
}

/// A vendor CSAF advisory with CPE helpers (the OASIS example bsi-2022-0001:
/// CVRF-CSAF-Converter 1.0.0-alpha to -rc1 affected by CVE-2022-27193, fixed in -rc2).
#[test]
fn corpus_csaf_cpe_helpers_match_components() {
    let Some(dir) = medvigil_testkit::corpus("csaf/oasis-csaf-2.0/examples/csaf") else {
        return;
    };
    let adv =
        medvigil_formats::kb::parse_csaf(&std::fs::read(dir.join("bsi-2022-0001.json")).unwrap())
            .unwrap();
    let (e, _) = Engine::new(VendorTable::builtin(), vec![], vec![adv], vec![], vec![]);
    let c = |v: &str| {
        component(
            "cvrf-csaf-converter",
            v,
            None,
            Some(&format!(
                "cpe:2.3:a:csaf-tools:cvrf-csaf-converter:{v}:*:*:*:*:*:*:*"
            )),
        )
    };
    let hit = e.component_findings("s", &c("1.0.0-rc1"));
    assert_eq!(hit.len(), 1, "{hit:#?}");
    assert_eq!(hit[0].vulnerability_id, "CVE-2022-27193");
    assert_eq!(hit[0].advisory_id.as_deref(), Some("BSI-2022-0001"));
    assert_eq!(hit[0].status, FindingStatus::Affected);
    assert_eq!(hit[0].matcher(), "csaf_cpe");
    let fixed = e.component_findings("s", &c("1.0.0-rc2"));
    assert_eq!(fixed.len(), 1);
    assert_eq!(
        fixed[0].status,
        FindingStatus::Fixed,
        "fixed is shown, not hidden"
    );
    assert!(e.component_findings("s", &c("1.0.1")).is_empty());
}

/// A manufacturer's CSAF advisory naming a component by purl, with a `vers:` range.
#[test]
fn csaf_purl_helpers_with_vers_ranges() {
    let doc = serde_json::json!({
        "document": {"title": "Gateway log4j", "category": "csaf_security_advisory",
            "tracking": {"id": "EXAMPLE-2021-0001", "current_release_date": "2021-12-15T00:00:00Z",
                         "initial_release_date": "2021-12-15T00:00:00Z", "version": "1"},
            "publisher": {"name": "Example Medical PSIRT"}},
        "product_tree": {"branches": [{"category": "vendor", "name": "Example Medical", "branches": [
            {"category": "product_name", "name": "log4j-core in Pump Gateway", "branches": [
                {"category": "product_version_range", "name": "vers:maven/>=2.0-beta9|<2.15.0",
                 "product": {"product_id": "P1", "name": "log4j-core <2.15.0",
                             "product_identification_helper": {"purl": "pkg:maven/org.apache.logging.log4j/log4j-core"}}}]}]}]},
        "vulnerabilities": [{"cve": "CVE-2021-44228", "product_status": {"known_affected": ["P1"]}}]
    });
    let adv = support::advisory(&doc);
    let (e, _) = Engine::new(VendorTable::builtin(), vec![], vec![adv], vec![], vec![]);
    let c = |v: &str| {
        component(
            "log4j-core",
            v,
            Some(&format!(
                "pkg:maven/org.apache.logging.log4j/log4j-core@{v}"
            )),
            None,
        )
    };
    let hit = e.component_findings("s", &c("2.14.1"));
    assert_eq!(hit.len(), 1);
    assert_eq!(hit[0].matcher(), "csaf_purl");
    assert_eq!(hit[0].advisory_id.as_deref(), Some("EXAMPLE-2021-0001"));
    assert!(e.component_findings("s", &c("2.15.0")).is_empty());
}

/// A CSAF advisory naming one GE Healthcare product, affected in `version`.
fn ge_advisory(id: &str, product: &str, version: &str) -> medvigil_model::vuln::Advisory {
    one_product_advisory(id, "GE Healthcare", product, version)
}

/// A CSAF advisory naming one product of `vendor`, affected in `version`.
fn one_product_advisory(
    id: &str,
    vendor: &str,
    product: &str,
    version: &str,
) -> medvigil_model::vuln::Advisory {
    let doc = serde_json::json!({
        "document": {
            "category": "csaf_security_advisory", "csaf_version": "2.0", "title": id,
            "publisher": {"category": "coordinator", "name": "fixture", "namespace": "https://example.invalid"},
            "tracking": {"id": id, "status": "final", "version": "1",
                "initial_release_date": "2020-01-01T00:00:00Z", "current_release_date": "2020-01-01T00:00:00Z"}
        },
        "product_tree": {"branches": [{"category": "vendor", "name": vendor, "branches": [
            {"category": "product_name", "name": product, "branches": [
                {"category": "product_version_range", "name": version,
                 "product": {"product_id": "CSAFPID-0001", "name": format!("{vendor} {product} {version}")}}
            ]}
        ]}]},
        "vulnerabilities": [{"cve": format!("CVE-2020-{}", &id[id.len() - 5..]),
            "product_status": {"known_affected": ["CSAFPID-0001"]}}]
    });
    support::advisory(&doc)
}

/// The same product named by several advisories is compared with a device model once,
/// and each advisory still gets its finding; a model the product name excludes is not
/// matched, whether all devices are evaluated or one advisory against its candidates.
#[test]
fn repeated_products_and_exclusions_in_full_and_incremental_runs() {
    let advisories = vec![
        ge_advisory(
            "ICSMA-20-00001",
            "Venue, not including Venue 40",
            "vers:all/*",
        ),
        ge_advisory("ICSMA-20-00002", "Venue, not including Venue 40", "<= 2.0"),
        ge_advisory("ICSMA-20-00003", "Vivid E95", "vers:all/*"),
    ];
    let (e, _) = Engine::new(VendorTable::builtin(), vec![], advisories, vec![], vec![]);
    let device = |id: &str, model: &str, version: &str| {
        let mut d = Device::new("main", id);
        d.manufacturer = Some("GE Medical Systems".into());
        d.model = Some(model.into());
        d.version = Some(version.into());
        d
    };
    let devices = vec![
        device("US-1", "Venue 50", "1.5"),
        device("US-2", "Venue 50", "3.0"),
        device("US-3", "Venue 40", "1.5"),
        device("US-4", "Vivid E95", "204"),
    ];
    let affected = |f: &[medvigil_model::finding::Finding]| {
        let mut v: Vec<(String, String)> = f
            .iter()
            .filter(|f| f.status == FindingStatus::Affected)
            .map(|f| (f.asset.key(), f.advisory_id.clone().unwrap_or_default()))
            .collect();
        v.sort();
        v
    };
    let full = affected(&e.evaluate_devices(&devices, &mut || {}));
    let key = |d: &Device| {
        medvigil_model::finding::AssetRef::Device {
            site: d.site.clone(),
            asset_id: d.asset_id.clone(),
        }
        .key()
    };
    let want = vec![
        (key(&devices[0]), "ICSMA-20-00001".to_string()),
        (key(&devices[0]), "ICSMA-20-00002".to_string()),
        (key(&devices[1]), "ICSMA-20-00001".to_string()),
        (key(&devices[3]), "ICSMA-20-00003".to_string()),
    ];
    assert_eq!(full, want);
    let index = DeviceIndex::new(&devices, e.table());
    let mut incremental: Vec<_> = ["ICSMA-20-00001", "ICSMA-20-00002", "ICSMA-20-00003"]
        .iter()
        .flat_map(|id| e.advisory_findings(id, &index))
        .collect::<Vec<_>>();
    incremental.sort_by_key(|f| f.asset.key());
    assert_eq!(affected(&incremental), want);
}

/// Two advisories name the same product with different version texts; a device whose
/// model writes one of them as its version line ("Spectrum V8", "v8.x") is that
/// product in the first advisory only. (The engine compares a product's shape once per
/// device model: the version text must be part of the shape.)
#[test]
fn products_alike_but_for_their_version_text_are_compared_apart() {
    let advisories = vec![
        one_product_advisory("ICSMA-20-00011", "Baxter", "Spectrum 35700BAX2", "v8.x"),
        one_product_advisory(
            "ICSMA-20-00012",
            "Baxter",
            "Spectrum 35700BAX2",
            "vers:all/*",
        ),
    ];
    let (e, _) = Engine::new(VendorTable::builtin(), vec![], advisories, vec![], vec![]);
    let mut d = Device::new("main", "PUMP-8");
    d.manufacturer = Some("Baxter".into());
    d.model = Some("Spectrum V8 35700BAX2".into());
    d.version = Some("8.01.01".into());
    let found: Vec<String> = e
        .evaluate_devices(std::slice::from_ref(&d), &mut || {})
        .into_iter()
        .filter(|f| f.status == FindingStatus::Affected)
        .filter_map(|f| f.advisory_id)
        .collect();
    assert_eq!(found, ["ICSMA-20-00011"]);
}
