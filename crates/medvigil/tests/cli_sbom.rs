//! End-to-end tests of `medvigil sbom` through the real binary, each with its own data
//! directory. Fixtures are the formats crate's own (crates/medvigil-formats/tests/fixtures/sbom).

use predicates::prelude::*;
use serde_json::Value;

fn fixture(name: &str) -> String {
    format!(
        "{}/../medvigil-formats/tests/fixtures/sbom/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

mod common;
use common::Env;

#[test]
fn check_reports_validity_and_completeness() {
    let env = Env::new();
    env.cmd()
        .args(["sbom", "check", &fixture("infusion-pump.cdx.json")])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "valid CycloneDX JSON 1.6, 5 components",
        ))
        .stdout(predicate::str::contains("Completeness"))
        .stdout(predicate::str::contains("pump-bootloader"));
    let j = env.json(&["sbom", "check", "--json", &fixture("infusion-pump.spdx")]);
    assert_eq!(j["valid"], true);
    assert_eq!(j["format"], "spdx_tag_value");
    assert_eq!(j["components"], 5);
    let elements = j["completeness"]["elements"].as_array().unwrap();
    assert_eq!(elements.len(), 9);
    assert_eq!(elements[0]["element"], "supplier");
    let missing = &j["completeness"]["components"][3]["missing"];
    assert!(
        missing.as_array().unwrap().iter().any(|m| m == "version"),
        "{missing}"
    );
}

#[test]
fn check_exits_2_on_structural_and_semantic_errors() {
    let env = Env::new();
    let bad = env.file(
        "bad.json",
        r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"a","hashes":[{"alg":"MD5","content":"xyz"}]}]}"#,
    );
    env.cmd()
        .args(["sbom", "check", &bad])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("components[0].hashes[0].content"));
    let out = env
        .cmd()
        .args(["sbom", "check", "--json", &bad])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["valid"], false);
    assert_eq!(j["error"]["path"], "components[0].hashes[0].content");

    env.cmd()
        .args(["sbom", "check", &fixture("semantic-errors.cdx.json")])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("INVALID"))
        .stdout(predicate::str::contains("error[dangling_dependency]"))
        .stdout(predicate::str::contains("error[malformed_purl]"));

    let missing = env.files.path().join("nope.json");
    env.cmd()
        .args(["sbom", "check", missing.to_str().unwrap()])
        .assert()
        .failure()
        .stderr(predicate::str::contains("nope.json"));
}

#[test]
fn import_list_show_round_trip() {
    let env = Env::new();
    let j = env.json(&[
        "sbom",
        "import",
        &fixture("infusion-pump.cdx.xml"),
        "--model",
        "Example InfuMax 3000",
        "--version",
        "2.1.3",
        "--json",
    ]);
    assert_eq!(j["sbom"]["id"], 1);
    assert_eq!(j["sbom"]["manufacturer"], "Example");
    assert_eq!(j["sbom"]["model"], "InfuMax 3000");
    assert_eq!(j["sbom"]["component_count"], 5);
    env.cmd()
        .args([
            "sbom",
            "import",
            &fixture("infusion-pump.spdx3.json"),
            "--manufacturer",
            "Example Medical Devices",
            "--model",
            "InfuMax 3000",
            "--version",
            "2.2.0",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "stored SBOM 2 for Example Medical Devices InfuMax 3000 firmware 2.2.0",
        ));

    let list = env.json(&["sbom", "list", "--json"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["id"], 2, "newest first");
    assert_eq!(list[0]["format"], "spdx3_json_ld");
    env.cmd()
        .args(["sbom", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("FIRMWARE"))
        .stdout(predicate::str::contains("2.2.0"));

    let show = env.json(&["sbom", "show", "1", "--json"]);
    let comps = show["sbom"]["components"].as_array().unwrap();
    assert_eq!(comps.len(), 5);
    assert_eq!(comps[1]["name"], "FreeRTOS-Kernel");
    assert_eq!(comps[1]["support_level"], "Actively maintained");
    assert_eq!(show["devices"].as_array().unwrap().len(), 0);
    env.cmd()
        .args(["sbom", "show", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("wolfssl"))
        .stdout(predicate::str::contains("2026-06-30"));
    env.cmd()
        .args(["sbom", "show", "42"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no SBOM with id 42"));
}

#[test]
fn importing_the_same_document_again_replaces_it() {
    let env = Env::new();
    let args = [
        "sbom",
        "import",
        &fixture("infusion-pump.cdx.json"),
        "--model",
        "Example InfuMax 3000",
        "--version",
        "2.1.3",
        "--json",
    ];
    let first = env.json(&args);
    assert_eq!(first["replaced"], Value::Null);
    let again = env.json(&args);
    assert_eq!(again["replaced"], first["sbom"]["id"]);
    assert_ne!(again["sbom"]["id"], first["sbom"]["id"]);
    let list = env.json(&["sbom", "list", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn inventory_devices_link_to_the_sbom_ignoring_case() {
    let env = Env::new();
    let csv = env.file(
        "devices.csv",
        "asset_id,manufacturer,model,version,site\nP-1,EXAMPLE,infumax 3000,2.1.3,north\nP-2,Example,InfuMax 3000,2.0,north\n",
    );
    env.cmd()
        .args(["inventory", "import", &csv])
        .assert()
        .success();
    env.cmd()
        .args([
            "sbom",
            "import",
            &fixture("infusion-pump.spdx.json"),
            "--model",
            "Example InfuMax 3000",
            "--version",
            "2.1.3",
        ])
        .assert()
        .success();
    let show = env.json(&["sbom", "show", "1", "--json"]);
    assert_eq!(
        show["devices"],
        serde_json::json!([{"site": "north", "asset_id": "P-1"}])
    );
}

#[test]
fn an_invalid_document_stores_nothing() {
    let env = Env::new();
    let truncated = std::fs::read(fixture("infusion-pump.cdx.json")).unwrap();
    let f = env.file("cut.json", &truncated[..truncated.len() / 3]);
    env.cmd()
        .args([
            "sbom",
            "import",
            &f,
            "--model",
            "Example InfuMax",
            "--version",
            "1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing stored"))
        .stderr(predicate::str::contains("truncated"));
    let doctype = env.file(
        "bomb.xml",
        r#"<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><bom xmlns="http://cyclonedx.org/schema/bom/1.5"/>"#,
    );
    env.cmd()
        .args([
            "sbom",
            "import",
            &doctype,
            "--model",
            "Example InfuMax",
            "--version",
            "1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("DOCTYPE"));
    env.cmd()
        .args([
            "sbom",
            "import",
            &fixture("infusion-pump.spdx"),
            "--model",
            "Example",
            "--version",
            "1",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("MANUFACTURER MODEL"));
    assert_eq!(env.json(&["sbom", "list", "--json"]), serde_json::json!([]));
}
