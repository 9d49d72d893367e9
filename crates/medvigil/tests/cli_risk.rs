//! End-to-end tests of `medvigil cvss` and `medvigil risk` through the real binary, each
//! with its own temporary data directory.

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::Env;

impl Env {
    /// A small hospital: an infusion pump on the LAN, a ventilator, an isolated analyser.
    fn with_inventory(self) -> Env {
        let f = self.file("inv.csv", INVENTORY);
        self.cmd()
            .args(["inventory", "import", &f, "--site", "North"])
            .assert()
            .success();
        self
    }
}

const INVENTORY: &str = "\
Asset Tag,Manufacturer Name,Model Number,Software Version,Location,clinical_function,network_zone
PUMP-1,BD,Alaris 8015,9.33.1,ICU,therapeutic,hospital_lan
PUMP-2,BD,Alaris 8015,9.33.1,ICU,therapeutic,clinical_vlan
VENT-1,Draeger,Evita V500,2.52,ICU,life_sustaining,
LAB-1,Roche,cobas 6000,1.0,Lab,diagnostic,isolated
";

const CRITICAL: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";

#[test]
fn cvss_scores_arguments_in_text_and_json() {
    let env = Env::new();
    env.cmd()
        .args(["cvss", CRITICAL])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("9.8 critical"));
    let v = env.json(&[
        "cvss",
        "--json",
        "AV:N/AC:L/Au:N/C:C/I:C/A:C/E:F/RL:OF/RC:C",
    ]);
    assert_eq!(v["version"], "2.0");
    assert_eq!(v["base_score"], 10.0);
    assert_eq!(v["temporal_score"], 8.3);
    assert_eq!(v["environmental_score"], Value::Null);
    assert_eq!(v["score"], 8.3);
    assert_eq!(v["severity"], "high");
}

#[test]
fn cvss_first_json_uses_the_schema_spellings() {
    let env = Env::new();
    let v = env.json(&[
        "cvss",
        "--json",
        "--first",
        "CVSS:4.0/S:P/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S",
    ]);
    assert_eq!(v["version"], "4.0");
    assert_eq!(
        v["vectorString"],
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S/S:P",
        "v4 JSON uses the specification's metric order"
    );
    assert_eq!(v["modifiedSubIntegrityImpact"], "SAFETY");
    assert_eq!(v["Safety"], "PRESENT");
    assert_eq!(v["baseSeverity"], "CRITICAL");
}

#[test]
fn cvss_stdin_json_lines_continue_past_a_bad_vector_and_exit_2() {
    let env = Env::new();
    let input = format!(
        "{CRITICAL}\nCVSS:3.1/AV:N/AC:L/PR:Q/UI:N/S:U/C:H/I:H/A:H\n\n\
         CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U\n\
         CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H/MAV:N/CR:H\n"
    );
    let out = env
        .cmd()
        .args(["cvss", "--json", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("<stdin>:2:"), "{stderr}");
    assert!(stderr.contains("metric PR"), "{stderr}");
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "one object per non-empty input line");
    assert_eq!(lines[0]["score"], 9.8);
    assert_eq!(lines[1]["metric"], "PR");
    assert_eq!(lines[1]["line"], 2);
    assert!(
        lines[1]["error"]
            .as_str()
            .unwrap()
            .contains("expected one of N, L, H")
    );
    assert_eq!(lines[2]["version"], "4.0");
    assert_eq!(lines[2]["base_score"], 9.3);
    assert_eq!(
        lines[2]["score"], 8.1,
        "E:U lowers the v4 score (MacroVector 000220)"
    );
    assert_eq!(lines[3]["temporal_score"], Value::Null);
    assert_eq!(lines[3]["base_score"], 7.8);
    assert_eq!(lines[3]["environmental_score"], 8.8);
    assert_eq!(lines[3]["score"], 8.8);
}

#[test]
fn score_explains_the_rule_and_whatif_shows_the_difference() {
    let env = Env::new().with_inventory();
    let v = env.json(&[
        "risk", "score", "--asset", "PUMP-1", "--cvss", CRITICAL, "--kev", "--json",
    ]);
    let f = &v["findings"][0];
    assert_eq!(f["priority"], "P1");
    assert_eq!(
        f["summary"],
        "P1: in KEV, therapeutic, reachable from the hospital LAN"
    );
    assert_eq!(f["rule"], "rule 1");
    assert_eq!(f["inputs"].as_array().unwrap().len(), 4);

    let w = env.json(&[
        "risk",
        "whatif",
        "--asset",
        "PUMP-1",
        "--cvss",
        CRITICAL,
        "--kev",
        "--zone",
        "isolated",
        "--control",
        "guard",
        "--json",
    ]);
    assert_eq!(w["changes"][0], "zone hospital_lan -> isolated");
    assert_eq!(w["changes"][1], "add guard");
    let f = &w["findings"][0];
    assert_eq!(f["before"]["priority"], "P1");
    assert_ne!(f["after"]["priority"], "P1");
    assert!(f["score_change"].as_i64().unwrap() < 0);
    assert_eq!(f["priority_changed"], true);

    // --fail-on: exit 1 when a finding is at least that urgent.
    env.cmd()
        .args([
            "risk",
            "score",
            "--asset",
            "PUMP-1",
            "--cvss",
            CRITICAL,
            "--kev",
            "--fail-on",
            "P1",
        ])
        .assert()
        .code(1);
    env.cmd()
        .args([
            "risk",
            "score",
            "--asset",
            "LAB-1",
            "--cvss",
            CRITICAL,
            "--fail-on",
            "p1",
        ])
        .assert()
        .success();

    // Text output says the same for people.
    env.cmd()
        .args([
            "risk", "whatif", "--asset", "PUMP-1", "--cvss", CRITICAL, "--kev", "--zone",
            "isolated",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "what if zone hospital_lan -> isolated",
        ))
        .stdout(predicate::str::contains("now:   P1: in KEV, therapeutic"));
}

#[test]
fn stored_profiles_layer_model_then_device() {
    let env = Env::new().with_inventory();
    env.cmd()
        .args([
            "risk",
            "profile",
            "set",
            "--manufacturer",
            "BD",
            "--model",
            "Alaris 8015",
            "--patient-connected",
            "true",
            "--control",
            "segmentation",
        ])
        .assert()
        .success();
    env.cmd()
        .args([
            "risk",
            "profile",
            "set",
            "--asset",
            "PUMP-1",
            "--zone",
            "clinical_vlan",
            "--control",
            "guard",
        ])
        .assert()
        .success();
    let p = env.json(&["risk", "profile", "show", "--asset", "PUMP-1", "--json"]);
    assert_eq!(p["network_zone"], "clinical_vlan");
    assert_eq!(p["patient_connected"], true);
    // The device's control list replaces the model's.
    assert_eq!(p["controls"], serde_json::json!(["guard"]));
    let m = env.json(&[
        "risk",
        "profile",
        "show",
        "--manufacturer",
        "BD",
        "--model",
        "Alaris 8015",
        "--json",
    ]);
    assert_eq!(m["devices_affected"], 2);
    assert_eq!(m["sites_affected"], 1);
    assert_eq!(
        m["network_zone"], "hospital_lan",
        "the most exposed deployment"
    );
    assert_eq!(m["controls"], serde_json::json!(["segmentation"]));
    let all = env.json(&["risk", "profile", "show", "--json"]);
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(all[0]["target"]["kind"], "model");

    // The stored profile drives the score: on a clinical VLAN with a guard, no P1.
    let v = env.json(&[
        "risk", "score", "--asset", "PUMP-1", "--cvss", CRITICAL, "--kev", "--json",
    ]);
    assert_ne!(v["findings"][0]["priority"], "P1");
    assert_eq!(
        v["findings"][0]["controls"],
        serde_json::json!(["guard -30%"])
    );
}

#[test]
fn rubric_answers_adjust_the_vector_with_reasons() {
    let env = Env::new();
    let m = ["--manufacturer", "BD", "--model", "Alaris 8015"];
    let answer = |args: &[&str]| {
        env.cmd()
            .args(["risk", "rubric", "answer"])
            .args(m)
            .args(args)
            .assert()
            .success();
    };
    answer(&["AV.1", "no", "--note", "drug library sync over BLE only"]);
    answer(&["AV.2", "yes"]);
    answer(&["--cve", "CVE-2020-25165", "I.1", "yes"]);
    let mut args = vec!["risk", "rubric", "show"];
    args.extend(m);
    args.extend([
        "--cve",
        "CVE-2020-25165",
        "--vector",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L",
        "--json",
    ]);
    let v = env.json(&args);
    assert_eq!(v["vector"], "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:H/A:L");
    assert_eq!(v["original_score"], 7.3);
    assert_eq!(v["base_score"], 7.6);
    let steps = v["steps"].as_array().unwrap();
    assert!(
        steps
            .iter()
            .any(|s| s["note"] == "drug library sync over BLE only")
    );
    assert!(
        steps
            .iter()
            .any(|s| s["question"] == "I.1" && s["source"] == "vulnerability")
    );

    env.cmd()
        .args(["risk", "rubric", "answer"])
        .args(m)
        .args(["AV.9", "yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rubric question \"AV.9\""));
    env.cmd()
        .args(["risk", "rubric", "answer"])
        .args(m)
        .args(["AV.1", "maybe"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected yes or no"));
}

#[test]
fn rubric_answers_feed_the_priority_severity() {
    let env = Env::new().with_inventory();
    let score = |env: &Env| {
        let v = env.json(&[
            "risk", "score", "--asset", "PUMP-1", "--cvss", CRITICAL, "--json",
        ]);
        v["findings"][0].clone()
    };
    let before = score(&env);
    assert!(
        before["inputs"][0]["evidence"]
            .as_str()
            .unwrap()
            .contains("base score 9.8")
    );
    // The pump's only interface needs physical access.
    for q in ["AV.1", "AV.2", "AV.3"] {
        env.cmd()
            .args([
                "risk",
                "rubric",
                "answer",
                "--manufacturer",
                "BD",
                "--model",
                "Alaris 8015",
                q,
                "no",
            ])
            .assert()
            .success();
    }
    let after = score(&env);
    let evidence = after["inputs"][0]["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("rubric-adjusted base score 6.8"),
        "{evidence}"
    );
    assert!(after["score"].as_u64() < before["score"].as_u64());
}

#[test]
fn policy_check_names_the_line_and_show_prints_a_valid_policy() {
    let env = Env::new();
    let out = env.cmd().args(["risk", "policy", "show"]).output().unwrap();
    assert!(out.status.success());
    let default = String::from_utf8(out.stdout).unwrap();
    let good = env.file("good.toml", &default);
    env.cmd()
        .args(["risk", "policy", "check", &good])
        .assert()
        .success()
        .stdout(predicate::str::contains("valid policy (6 rules"));

    let typo = default.replace("no_evidence = 0.2", "no_evidense = 0.2");
    let line = typo
        .lines()
        .position(|l| l.starts_with("no_evidense"))
        .unwrap()
        + 1;
    let bad = env.file("bad.toml", &typo);
    env.cmd()
        .args(["risk", "policy", "check", &bad])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("bad.toml:{line}:")))
        .stderr(predicate::str::contains("no_evidense"));

    // A hospital's stricter policy changes the outcome.
    let strict = env.file("strict.toml", default.replace("p3 = 35", "p3 = 5"));
    let v = env.json(&[
        "risk",
        "score",
        "--cvss",
        "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N",
        "--zone",
        "isolated",
        "--function",
        "informational",
        "--policy",
        &strict,
        "--json",
    ]);
    assert_eq!(v["findings"][0]["priority"], "P3");
}

#[test]
fn postmarket_call_with_timelines() {
    let env = Env::new().with_inventory();
    let v = env.json(&[
        "risk",
        "postmarket",
        "--manufacturer",
        "BD",
        "--model",
        "Alaris 8015",
        "--cvss",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H",
        "--learned-on",
        "2024-01-31",
        "--json",
    ]);
    assert_eq!(v["profile"]["devices_affected"], 2);
    let call = &v["calls"]["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H"];
    assert_eq!(call["status"], "uncontrolled");
    assert_eq!(call["harm"], "critical");
    assert_eq!(call["timelines"]["communicate_by"], "2024-03-01");
    assert_eq!(call["timelines"]["remediate_by"], "2024-03-31");

    let v = env.json(&[
        "risk",
        "postmarket",
        "--manufacturer",
        "BD",
        "--model",
        "Alaris 8015",
        "--cvss",
        "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:H/I:N/A:N",
        "--json",
    ]);
    let call = v["calls"].as_object().unwrap().values().next().unwrap();
    assert_eq!(call["status"], "controlled");
    assert_eq!(call["timelines"], Value::Null);

    env.cmd()
        .args([
            "risk",
            "postmarket",
            "--manufacturer",
            "BD",
            "--model",
            "Alaris 8015",
            "--cvss",
            CRITICAL,
            "--learned-on",
            "2024-02-30",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("2024-02-30"));
}

#[test]
fn input_errors_exit_2_with_a_reason() {
    let env = Env::new().with_inventory();
    env.cmd()
        .args(["risk", "score", "--asset", "NOPE-9", "--cvss", CRITICAL])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no device with asset id \"NOPE-9\"",
        ));
    env.cmd()
        .args([
            "risk",
            "score",
            "--asset",
            "PUMP-1",
            "--cve",
            "CVE-1999-0001",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not in the knowledge base"));
    env.cmd()
        .args(["risk", "whatif", "--asset", "PUMP-1", "--cvss", CRITICAL])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("say what to change"));
    env.cmd()
        .args([
            "risk",
            "score",
            "--asset",
            "PUMP-1",
            "--cvss",
            "CVSS:3.1/AV:N",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing mandatory metric AC"));
    env.cmd()
        .args([
            "risk",
            "whatif",
            "--asset",
            "PUMP-1",
            "--cvss",
            CRITICAL,
            "--control",
            "firewall",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("segmentation, guard"));
}
