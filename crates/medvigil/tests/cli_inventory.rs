//! End-to-end tests of `medvigil inventory` and `medvigil demo` through the real binary.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::Env;

const CSV: &str = "\
Asset Tag,Manufacturer Name,Model Number,Software Version,IP Address,MAC Address,Location,clinical_function,network_zone,Cost Center
PUMP-1,BD,Alaris 8015 PC Unit,9.33.1,10.40.1.10,00:1b:44:11:3a:b7,ICU,therapeutic,clinical_vlan,4410
MON-1,GE Healthcare,CARESCAPE B450,2.1.3,10.40.1.11,,PACU,monitoring,clinical_vlan,4420
VENT-1,Draeger,Evita V500,2.52,,,ICU,life_sustaining,,4410
";

#[test]
fn import_list_show_reimport_and_prune() {
    let env = Env::new();
    let f = env.file("inv.csv", CSV);
    let r = env.json(&["inventory", "import", &f, "--site", "North", "--json"]);
    assert_eq!(
        (
            r["added"].as_u64(),
            r["updated"].as_u64(),
            r["records"].as_u64()
        ),
        (Some(3), Some(0), Some(3))
    );
    assert_eq!(r["format"], "CSV");

    let list = env.json(&["inventory", "list", "--json"]);
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["asset_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["MON-1", "PUMP-1", "VENT-1"]);

    let pump = env.json(&["inventory", "show", "PUMP-1", "--json"]);
    assert_eq!(pump["site"], "North");
    assert_eq!(pump["manufacturer"], "BD");
    assert_eq!(pump["version"], "9.33.1");
    assert_eq!(pump["department"], "ICU");
    assert_eq!(pump["ips"][0], "10.40.1.10");
    assert_eq!(pump["macs"][0], "00:1b:44:11:3a:b7");
    assert_eq!(pump["clinical_function"], "therapeutic");
    assert_eq!(pump["network_zone"], "clinical_vlan");
    assert_eq!(pump["attributes"]["Cost Center"], "4410");
    let vent = env.json(&["inventory", "show", "VENT-1", "--json"]);
    assert_eq!(vent["network_zone"], Value::Null);

    // Same file again: nothing changes.
    let r = env.json(&["inventory", "import", &f, "--site", "North", "--json"]);
    assert_eq!(
        (
            r["added"].as_u64(),
            r["updated"].as_u64(),
            r["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(3))
    );

    // A firmware upgrade, a retired ventilator, pruned.
    let next = CSV.replace("9.33.1", "12.1.2");
    let next: String = next
        .lines()
        .filter(|l| !l.starts_with("VENT-1"))
        .map(|l| format!("{l}\n"))
        .collect();
    let f2 = env.file("inv2.csv", next);
    env.cmd()
        .args(["inventory", "import", &f2, "--site", "North", "--prune"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "0 added, 1 updated, 1 unchanged, 1 removed",
        ));
    assert_eq!(
        env.json(&["inventory", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Human-readable list names the columns.
    env.cmd()
        .args(["inventory", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ASSET_ID").and(predicate::str::contains("2 device(s)")));
}

#[test]
fn bad_file_is_rejected_whole_with_positions_and_exit_2() {
    let env = Env::new();
    let bad = format!(
        "{CSV}PUMP-2,BD,Alaris,1,10.0.0.300,,ICU,therapeutic,vlan9,\nPUMP-1,BD,Alaris,1,,,,,,\n"
    );
    let f = env.file("bad.csv", bad);
    env.cmd()
        .args(["inventory", "import", &f])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{f}:5:20: invalid IP address \"10.0.0.300\""
        )))
        .stderr(predicate::str::contains(format!(
            "{f}:5:48: invalid network_zone \"vlan9\""
        )))
        .stderr(predicate::str::contains(format!(
            "{f}:6:1: duplicate asset id \"PUMP-1\" in site \"default\" (first at line 2)"
        )))
        .stderr(predicate::str::contains("nothing was written"));
    assert_eq!(
        env.json(&["inventory", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // --skip-invalid keeps the good rows and still names the bad ones.
    env.cmd()
        .args(["inventory", "import", &f, "--skip-invalid"])
        .assert()
        .success()
        .stderr(predicate::str::contains(":5:20: invalid IP address"))
        .stdout(
            predicate::str::contains("3 added")
                .and(predicate::str::contains("3 skipped as invalid")),
        );
    assert_eq!(
        env.json(&["inventory", "list", "--json"])
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn missing_column_non_utf8_and_unreadable_file() {
    let env = Env::new();
    let f = env.file("nomodel.csv", "asset_id,manufacturer\nA,B\n");
    env.cmd()
        .args(["inventory", "import", &f])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            ":1:1: missing required column \"model\"",
        ));
    let f = env.file(
        "latin1.csv",
        b"asset_id,manufacturer,model\nA1,Dr\xe4ger,V500\n",
    );
    env.cmd()
        .args(["inventory", "import", &f])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(":2:6: invalid UTF-8 byte"));
    env.cmd()
        .args(["inventory", "import", "/nonexistent/inventory.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "/nonexistent/inventory.csv: cannot read",
        ));
}

#[test]
fn fhir_bundle_and_ndjson() {
    let env = Env::new();
    let bundle = r#"{"resourceType":"Bundle","type":"collection","entry":[
 {"resource":{"resourceType":"Device","identifier":[{"type":{"text":"Asset Tag"},"value":"P-9"}],
  "manufacturer":"Baxter","deviceName":[{"name":"Sigma Spectrum","type":"model-name"}],
  "version":[{"value":"8.00.01"}],"owner":{"display":"South"}}}]}"#;
    let f = env.file("devices.json", bundle);
    let r = env.json(&["inventory", "import", &f, "--json"]);
    assert_eq!(
        (r["format"].as_str(), r["added"].as_u64()),
        (Some("FHIR JSON"), Some(1))
    );
    let nd = "{\"resourceType\":\"Device\",\"id\":\"a\",\"manufacturer\":\"ICU Medical\",\"modelNumber\":\"Plum 360\"}\n{\"resourceType\":\"Device\",\"id\":\"b\"}\n";
    let f = env.file("devices.ndjson", nd);
    let r = env.json(&["inventory", "import", &f, "--site", "South", "--json"]);
    assert_eq!(
        (r["format"].as_str(), r["added"].as_u64()),
        (Some("FHIR NDJSON"), Some(2))
    );
    let p9 = env.json(&["inventory", "show", "P-9", "--json"]);
    assert_eq!(
        (p9["site"].as_str(), p9["model"].as_str()),
        (Some("South"), Some("Sigma Spectrum"))
    );
}

#[test]
fn show_ambiguous_and_unknown_asset() {
    let env = Env::new();
    let f = env.file(
        "a.csv",
        "asset_id,manufacturer,model,site\nX1,BD,Alaris,North\nX1,BD,Alaris,South\n",
    );
    env.cmd()
        .args(["inventory", "import", &f])
        .assert()
        .success();
    env.cmd()
        .args(["inventory", "show", "X1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "several sites (North, South); pass --site",
        ));
    env.cmd()
        .args(["inventory", "show", "X1", "--site", "South"])
        .assert()
        .success()
        .stdout(predicate::str::contains("South"));
    env.cmd()
        .args(["inventory", "show", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no device with asset id \"nope\""));
}

#[test]
fn demo_runs_from_nothing_and_resets_only_its_own_directory() {
    let env = Env::new();
    let (dir, first) = env.demo();
    let inv = &first["inventory"];
    let n = inv["devices"].as_u64().unwrap();
    assert!((250..=400).contains(&n), "about 300 devices, got {n}");
    assert!(
        inv["by_clinical_function"]["life_sustaining"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(inv["by_network_zone"]["clinical_vlan"].as_u64().unwrap() > 0);
    // The whole loop ran: knowledge base imported, devices matched, findings ranked.
    assert!(first["knowledge_base"]["files"].as_u64().unwrap() > 10);
    assert_eq!(first["knowledge_base"]["rejected"], 0);
    let affected = first["analysis"]["by_status"]["affected"].as_u64().unwrap();
    assert!(affected > 0, "{first}");
    let urgent = first["most_urgent"].as_array().unwrap();
    assert_eq!(urgent.len(), 10);
    let devices: std::collections::HashSet<&str> = urgent
        .iter()
        .map(|f| f["asset_id"].as_str().unwrap())
        .collect();
    assert_eq!(devices.len(), 10, "one row per device");
    let scores: Vec<u64> = urgent
        .iter()
        .map(|f| f["risk_score"].as_u64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "ranked by score: {scores:?}"
    );
    assert!(
        urgent[0]["why"]
            .as_str()
            .unwrap()
            .starts_with(urgent[0]["priority"].as_str().unwrap())
    );
    let ranked: u64 = first["by_priority"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(ranked, affected, "every affected finding has a priority");
    // Idempotent: a second run resets rather than doubles.
    let (_, second) = env.demo();
    assert_eq!(second["inventory"]["devices"], inv["devices"]);
    assert_eq!(
        second["analysis"]["findings"],
        first["analysis"]["findings"]
    );
    // Text output names the hospital and the breakdowns.
    common::cmd_in(&dir).arg("demo").assert().success().stdout(
        predicate::str::contains("St. Aurelia Medical Center")
            .and(predicate::str::contains("Devices by clinical function")),
    );
    // A directory with someone's data is never reset.
    let foreign = env.files.path().join("real");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("keep.txt"), "x").unwrap();
    Command::cargo_bin("medvigil")
        .unwrap()
        .arg("--data-dir")
        .arg(&foreign)
        .arg("demo")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "was not created by `medvigil demo`",
        ));
    assert!(foreign.join("keep.txt").exists());
}

#[test]
fn help_teaches_the_csv_columns() {
    Command::cargo_bin("medvigil")
        .unwrap()
        .args(["inventory", "import", "--help"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Asset Tag").and(predicate::str::contains("--skip-invalid")),
        );
}
