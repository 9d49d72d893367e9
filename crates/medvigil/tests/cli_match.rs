//! The matching CLI end to end: inventory + demo knowledge base → analyze → findings,
//! VEX import, and scan with --fail-on.

use std::path::{Path, PathBuf};

mod common;

use assert_cmd::Command;
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn mv(data: &Path) -> Command {
    let mut c = common::cmd_in(data);
    c.arg("-q");
    c
}

const INVENTORY: &str = "\
asset_id,manufacturer,model,version,site,clinical_function
MON-1,GE Medical Systems,Carescape B-450,2.1.3,north,monitoring
MON-2,GE Healthcare,CARESCAPE B450,3.0.2,north,monitoring
MON-3,GE,CARESCAPE B650,1.0.6,north,monitoring
PUMP-1,Smiths Medical ASD,Medfusion 4000,1.5.0,north,therapeutic
PUMP-2,Smiths Medical ASD,Medfusion 3500,1.5.0,north,therapeutic
";

/// A data dir with the inventory and the demo knowledge base, analyzed.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("inventory.csv");
    std::fs::write(&inv, INVENTORY).unwrap();
    mv(dir.path())
        .args(["inventory", "import"])
        .arg(&inv)
        .assert()
        .success();
    mv(dir.path())
        .args(["kb", "import"])
        .arg(repo().join("demo/kb"))
        .assert()
        .success();
    mv(dir.path()).arg("analyze").assert().success();
    dir
}

fn findings(data: &Path, extra: &[&str]) -> Vec<Value> {
    let args: Vec<&str> = ["findings", "--json"]
        .iter()
        .chain(extra)
        .copied()
        .collect();
    common::json_in(data, &args).as_array().unwrap().clone()
}

#[test]
fn analyze_then_findings_json() {
    let dir = setup();
    let all = findings(dir.path(), &[]);
    let for_asset =
        |id: &str| -> Vec<&Value> { all.iter().filter(|f| f["asset_id"] == id).collect() };
    // B450 2.X is affected by ICSMA-20-023-01 (six CVEs); 3.0.2 is past the range.
    let mon1 = for_asset("MON-1");
    assert_eq!(mon1.len(), 6, "{mon1:#?}");
    let f = mon1[0];
    for field in [
        "asset_id",
        "model",
        "version",
        "advisory_id",
        "vulnerability_id",
        "status",
        "matcher",
        "evidence",
    ] {
        assert!(!f[field].is_null(), "field {field} missing: {f}");
    }
    assert_eq!(f["advisory_id"], "ICSMA-20-023-01");
    assert_eq!(f["status"], "affected");
    assert_eq!(f["matcher"], "csaf_product_tree");
    assert_eq!(f["model"], "Carescape B-450");
    assert!(f["evidence"][0]["rule"].as_str().unwrap().contains("b450"));
    assert!(for_asset("MON-2").is_empty(), "3.0.2 is not 2.X");
    assert!(!for_asset("MON-3").is_empty(), "B650 1.X is listed");
    assert!(!for_asset("PUMP-1").is_empty(), "Medfusion 4000 1.5");
    assert!(for_asset("PUMP-2").is_empty(), "a sibling model");
    // Filters.
    let by_adv = findings(dir.path(), &["--advisory", "ICSMA-17-250-02A"]);
    assert!(by_adv.iter().all(|f| f["asset_id"] == "PUMP-1") && !by_adv.is_empty());
    assert_eq!(
        findings(dir.path(), &["--asset", "MON-1", "--status", "fixed"]).len(),
        0
    );
    // One advisory re-evaluated alone: same findings, nothing changes.
    let out = mv(dir.path())
        .args(["analyze", "--advisory", "icsma-20-023-01", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["advisory_id"], "ICSMA-20-023-01");
    assert_eq!(r["changes"]["unchanged"], r["findings"]);
    assert_eq!(r["changes"]["added"], 0);
    mv(dir.path())
        .args(["analyze", "--advisory", "ICSMA-99-999-99"])
        .assert()
        .code(2);
    mv(dir.path())
        .args(["findings", "--status", "bogus"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not_affected"));
}

#[test]
fn vex_not_affected_suppresses_but_keeps_the_finding() {
    let dir = setup();
    let vex = dir.path().join("vex.json");
    std::fs::write(
        &vex,
        r#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
            "metadata":{"timestamp":"2026-01-01T00:00:00Z","component":{"bom-ref":"b450","type":"device","name":"B450","version":"2.1.3","supplier":{"name":"GE Healthcare"}}},
            "vulnerabilities":[{"id":"CVE-2020-6961","analysis":{"state":"not_affected","justification":"protected_at_perimeter","detail":"SSH disabled by the hospital's configuration"},"affects":[{"ref":"b450"}]}]}"#,
    )
    .unwrap();
    mv(dir.path())
        .args(["vex", "import"])
        .arg(&vex)
        .assert()
        .success();
    mv(dir.path()).arg("analyze").assert().success();
    let mon1 = findings(dir.path(), &["--asset", "MON-1"]);
    assert_eq!(mon1.len(), 6, "suppressed findings stay listed");
    let f = mon1
        .iter()
        .find(|f| f["vulnerability_id"] == "CVE-2020-6961")
        .unwrap();
    assert_eq!(f["status"], "not_affected");
    assert_eq!(f["matched_status"], "affected");
    assert_eq!(f["suppressed"], true);
    assert_eq!(f["vex"]["justification"], "protected_at_perimeter");
    let other = mon1
        .iter()
        .find(|f| f["vulnerability_id"] == "CVE-2020-6962")
        .unwrap();
    assert_eq!(other["status"], "affected");
    // A broken VEX file is an input error that says where.
    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\"bomFormat\": \"CycloneDX\", \"vulnerabilities\": [{\"id\": 1}",
    )
    .unwrap();
    mv(dir.path())
        .args(["vex", "import"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.json: line 1"));
}

fn sbom(version: &str) -> String {
    format!(
        r#"{{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
        "serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "metadata":{{"component":{{"type":"firmware","name":"pump-gateway","version":"4.2","bom-ref":"gw"}}}},
        "components":[
          {{"type":"library","bom-ref":"log4j","name":"log4j-core","group":"org.apache.logging.log4j","version":"{version}","purl":"pkg:maven/org.apache.logging.log4j/log4j-core@{version}"}},
          {{"type":"library","bom-ref":"jackson","name":"jackson-databind","group":"com.fasterxml.jackson.core","version":"2.10.5.1","purl":"pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.5.1"}}
        ]}}"#
    )
}

#[test]
fn scan_fails_on_threshold() {
    let dir = setup();
    let vulnerable = dir.path().join("sbom.json");
    std::fs::write(&vulnerable, sbom("2.14.1")).unwrap();
    let out = mv(dir.path())
        .arg("scan")
        .arg(&vulnerable)
        .arg("--json")
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1, "{rows:#?}");
    assert_eq!(rows[0]["vulnerability_id"], "GHSA-jfh8-c2jp-5v3q");
    assert_eq!(rows[0]["severity"], "critical");
    assert_eq!(rows[0]["matcher"], "purl_osv");
    mv(dir.path())
        .arg("scan")
        .arg(&vulnerable)
        .args(["--fail-on", "high"])
        .assert()
        .code(1);
    let fixed = dir.path().join("fixed.json");
    std::fs::write(&fixed, sbom("2.15.0")).unwrap();
    mv(dir.path())
        .arg("scan")
        .arg(&fixed)
        .args(["--fail-on", "low"])
        .assert()
        .success();
    mv(dir.path())
        .arg("scan")
        .arg(dir.path().join("missing.json"))
        .assert()
        .code(2);
}

#[test]
fn sbom_findings_reach_the_devices_running_it() {
    let dir = setup();
    let file = dir.path().join("medfusion-1.5.0.cdx.json");
    std::fs::write(&file, sbom("2.14.1")).unwrap();
    mv(dir.path())
        .args(["sbom", "import"])
        .arg(&file)
        .args([
            "--manufacturer",
            "Smiths Medical ASD",
            "--model",
            "Medfusion 4000",
            "--version",
            "1.5.0",
        ])
        .assert()
        .success();
    mv(dir.path()).arg("analyze").assert().success();
    let pump = findings(dir.path(), &["--asset", "PUMP-1"]);
    let log4j = pump
        .iter()
        .find(|f| f["vulnerability_id"] == "GHSA-jfh8-c2jp-5v3q")
        .expect("the component finding reaches the device");
    assert_eq!(log4j["matcher"], "purl_osv");
    assert_eq!(log4j["model"], "Medfusion 4000");
    assert!(log4j["advisory_id"].is_null());
    assert!(pump.iter().any(|f| f["advisory_id"] == "ICSMA-17-250-02A"));
    // The component itself is listed too.
    let all = findings(dir.path(), &["--vulnerability", "GHSA-jfh8-c2jp-5v3q"]);
    assert!(
        all.iter()
            .any(|f| f["asset"].as_str().unwrap().starts_with("component:sbom:"))
    );
}

#[test]
fn user_vendor_aliases_extend_the_builtin_table() {
    let dir = setup();
    let inv = dir.path().join("more.csv");
    std::fs::write(
        &inv,
        // (A model without the maker's brand: "Medfusion 4000" would name Smiths
        // Medical itself, as a distributor's row often does.)
        "asset_id,manufacturer,model,version,site\nPUMP-9,Northwind Biomed,4000 syringe pump,1.5.0,north\n",
    )
    .unwrap();
    mv(dir.path())
        .args(["inventory", "import"])
        .arg(&inv)
        .assert()
        .success();
    mv(dir.path()).arg("analyze").assert().success();
    assert!(
        findings(dir.path(), &["--asset", "PUMP-9"]).is_empty(),
        "unknown vendor"
    );
    // The hospital's own table: their distributor's name stands for Smiths Medical.
    std::fs::write(
        dir.path().join("vendor-aliases.toml"),
        "[[vendor]]\nname = \"Smiths Medical\"\naliases = [\"Northwind Biomed\"]\n",
    )
    .unwrap();
    mv(dir.path()).arg("analyze").assert().success();
    assert!(!findings(dir.path(), &["--asset", "PUMP-9"]).is_empty());
    std::fs::write(
        dir.path().join("vendor-aliases.toml"),
        "[[vendor]]\nnam = 1\n",
    )
    .unwrap();
    mv(dir.path())
        .arg("analyze")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("vendor-aliases.toml"));
}

/// A labelled inventory through the CLI, as a hospital would run it: the set written
/// blind by a teaching hospital's CMMS export style (`medvigil-match`'s accuracy sets),
/// its scope's CISA advisories from the shared corpus, then `inventory import`, `kb
/// import`, `analyze` and `findings --json`. The affected (asset, advisory) pairs must
/// reach the set's floors, as the library-level accuracy test scores them.
#[test]
fn corpus_labelled_inventory_through_the_cli() {
    let Some(csaf) = medvigil_testkit::corpus("csaf/cisa-ot") else {
        return;
    };
    let labelled = std::fs::read_to_string(
        repo().join("../medvigil-match/tests/accuracy/holdout_teaching_hospital_2017_2021.csv"),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The inventory without the labeller's comments (the `expected` column is one more
    // column the import keeps as an attribute).
    let rows: Vec<&str> = labelled.lines().filter(|l| !l.starts_with('#')).collect();
    let inv = dir.path().join("inventory.csv");
    std::fs::write(&inv, rows.join("\n")).unwrap();
    let kb = dir.path().join("kb");
    std::fs::create_dir(&kb).unwrap();
    for stem in labelled
        .lines()
        .filter_map(|l| l.strip_prefix("# scope:"))
        .flat_map(str::split_whitespace)
    {
        let year = format!("20{}", &stem[6..8]);
        let file = format!("{stem}.json");
        std::fs::copy(csaf.join(year).join(&file), kb.join(&file)).unwrap();
    }
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    mv(&data)
        .args(["inventory", "import"])
        .arg(&inv)
        .assert()
        .success();
    mv(&data).args(["kb", "import"]).arg(&kb).assert().success();
    mv(&data).arg("analyze").assert().success();
    let predicted: std::collections::BTreeSet<(String, String)> = findings(&data, &[])
        .iter()
        .filter(|f| f["status"] == "affected")
        .filter_map(|f| {
            Some((
                f["asset_id"].as_str()?.to_string(),
                f["advisory_id"].as_str()?.to_string(),
            ))
        })
        .collect();
    // Asset ids and advisory ids hold no commas: the first and last fields.
    let expected: std::collections::BTreeSet<(String, String)> = rows[1..]
        .iter()
        .flat_map(|row| {
            let id = row.split(',').next().unwrap().to_string();
            let advisories = row.rsplit(',').next().unwrap();
            advisories
                .split_whitespace()
                .map(move |a| (id.clone(), a.to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(expected.len() > 100, "{} labelled pairs", expected.len());
    let tp = predicted.intersection(&expected).count() as f64;
    let (precision, recall) = (tp / predicted.len() as f64, tp / expected.len() as f64);
    eprintln!("teaching-hospital set through the CLI: precision {precision:.3} recall {recall:.3}");
    assert!(
        precision >= 0.95 && recall >= 0.95,
        "precision {precision:.3}, recall {recall:.3}\nfalse: {:?}\nmissed: {:?}",
        predicted.difference(&expected).collect::<Vec<_>>(),
        expected.difference(&predicted).collect::<Vec<_>>()
    );
}
