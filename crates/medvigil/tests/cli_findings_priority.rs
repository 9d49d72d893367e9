//! `medvigil findings` ranks findings by clinical priority, with the explanation.

mod common;

use common::{Env, cmd_in, json_in};
use serde_json::Value;

#[test]
fn findings_carry_priority_and_explanation_most_urgent_first() {
    let env = Env::new();
    let (dir, _) = env.demo();
    let findings = json_in(&dir, &["findings", "--json"]);
    let findings = findings.as_array().unwrap();
    assert!(!findings.is_empty());
    let mut last = u64::MAX;
    for f in findings {
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
    let text = cmd_in(&dir)
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
    let env = Env::new();
    let (dir, demo) = env.demo();
    let urgent = &demo["most_urgent"][0];
    let asset = urgent["asset_id"].as_str().unwrap();
    let out = cmd_in(&dir)
        .args([
            "risk", "whatif", "--asset", asset, "--zone", "isolated", "--json",
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
        text.contains(urgent["vulnerability_id"].as_str().unwrap()),
        "{text}"
    );
    cmd_in(&dir)
        .args(["risk", "score", "--asset", asset])
        .assert()
        .success();
    // A device with no findings says so instead of scoring nothing.
    let affected = json_in(&dir, &["findings", "--json"]);
    let devices = json_in(&dir, &["inventory", "list", "--json"]);
    let clean = devices
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["asset_id"].as_str().unwrap())
        .find(|id| {
            !affected
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["asset_id"] == *id)
        })
        .expect("some device is not affected");
    cmd_in(&dir)
        .args(["risk", "whatif", "--asset", clean, "--zone", "isolated"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no open findings"));
}
