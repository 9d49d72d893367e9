//! `medvigil findings` ranks findings by clinical priority, with the explanation.

use assert_cmd::Command;
use serde_json::Value;

fn medvigil(dir: &std::path::Path) -> Command {
    let mut c = Command::cargo_bin("medvigil").unwrap();
    c.arg("--data-dir")
        .arg(dir)
        .env_remove("MEDVIGIL_DATA_DIR")
        .env_remove("MEDVIGIL_POLICY");
    c
}

#[test]
fn findings_carry_priority_and_explanation_most_urgent_first() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    medvigil(&dir).args(["demo", "--json"]).assert().success();
    let out = medvigil(&dir)
        .args(["findings", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!findings.is_empty());
    let mut last = u64::MAX;
    for f in &findings {
        if f["status"] == "affected" && f["suppressed"] == false {
            let p = f["priority"].as_str().unwrap();
            assert!(["P1", "P2", "P3", "P4"].contains(&p), "{f}");
            let score = f["risk_score"].as_u64().unwrap();
            assert!(
                score <= 100 && score <= last,
                "sorted by score: {score} after {last}"
            );
            last = score;
            assert!(f["risk"]["summary"].as_str().unwrap().starts_with(p));
            assert!(!f["risk"]["inputs"].as_array().unwrap().is_empty());
        } else {
            assert_eq!(f["priority"], Value::Null, "{f}");
        }
    }
    // The text view leads with the priority columns.
    let text = medvigil(&dir)
        .args(["findings", "--status", "affected"])
        .output()
        .unwrap();
    let first = String::from_utf8(text.stdout)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(first.starts_with("P   SCORE  ASSET"), "{first}");
}

#[test]
fn whatif_and_score_default_to_the_devices_open_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let demo = medvigil(&dir).args(["demo", "--json"]).output().unwrap();
    let demo: Value = serde_json::from_slice(&demo.stdout).unwrap();
    let asset = demo["most_urgent"][0]["asset_id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = medvigil(&dir)
        .args([
            "risk", "whatif", "--asset", &asset, "--zone", "isolated", "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(demo["most_urgent"][0]["vulnerability_id"].as_str().unwrap()),
        "{text}"
    );
    medvigil(&dir)
        .args(["risk", "score", "--asset", &asset])
        .assert()
        .success();
    // A device with no findings says so instead of scoring nothing.
    let list = medvigil(&dir)
        .args(["findings", "--json"])
        .output()
        .unwrap();
    let affected: Vec<Value> = serde_json::from_slice(&list.stdout).unwrap();
    let inventory = medvigil(&dir)
        .args(["inventory", "list", "--json"])
        .output()
        .unwrap();
    let devices: Vec<Value> = serde_json::from_slice(&inventory.stdout).unwrap();
    let clean = devices
        .iter()
        .map(|d| d["asset_id"].as_str().unwrap())
        .find(|id| !affected.iter().any(|f| f["asset_id"] == *id))
        .expect("some device is not affected");
    medvigil(&dir)
        .args(["risk", "whatif", "--asset", clean, "--zone", "isolated"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no open findings"));
}
