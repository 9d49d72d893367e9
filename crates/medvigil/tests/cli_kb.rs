//! `medvigil kb`: import, show, stats and hostile input, each test in its own data dir.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../medvigil-formats/tests/fixtures/kb")
}

fn medvigil(data: &Path) -> Command {
    common::cmd_in(data)
}

fn json_of(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn import_show_stats_and_reimport() {
    let data = tempfile::tempdir().unwrap();
    let r = json_of(
        medvigil(data.path())
            .args(["kb", "import", "--json"])
            .arg(fixtures()),
    );
    assert_eq!(r["files"], 8);
    assert_eq!(r["counts"]["osv"]["new"], 2);
    assert_eq!(r["counts"]["openfda"]["new"], 2);
    assert_eq!(r["committed"], true);

    // By any alias, case-insensitive; KEV and EPSS attached; scores keep their source.
    let s = json_of(medvigil(data.path()).args(["kb", "show", "pysec-2099-1", "--json"]));
    let v = &s["vulnerability"];
    assert_eq!(v["id"], "CVE-2099-0001");
    assert_eq!(v["kev"]["known_ransomware_campaign_use"], "Known");
    assert_eq!(v["epss"]["epss"], 0.71234);
    assert!(
        v["scores"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["source"] == "nvd@nist.gov" && s["base_score"] == 9.1)
    );
    assert_eq!(s["advisories"][0]["id"], "ACME-2099-01");

    medvigil(data.path())
        .args(["kb", "show", "Z-0001-2099"])
        .assert()
        .success()
        .stdout(contains("Software design"));

    let st = json_of(medvigil(data.path()).args(["kb", "stats", "--json"]));
    assert_eq!(st["advisories"], 1);
    assert_eq!(st["kev"], 1);
    assert_eq!(st["vulnerabilities"]["osv"], 2);

    let again = json_of(
        medvigil(data.path())
            .args(["kb", "import", "--json"])
            .arg(fixtures()),
    );
    assert_eq!(again["counts"]["osv"]["unchanged"], 2);
    assert_eq!(again["counts"]["csaf"]["new"], 0);

    medvigil(data.path())
        .args(["kb", "show", "CVE-1999-99999"])
        .assert()
        .code(2)
        .stderr(contains("no vulnerability, advisory or recall"));
}

#[test]
fn older_copy_does_not_replace_newer() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let newer = std::fs::read_to_string(fixtures().join("osv-GHSA-aaaa-bbbb-cccc.json")).unwrap();
    let older = newer
        .replace("2099-01-03T00:00:00Z", "2098-06-01T00:00:00Z")
        .replace("accepts unauthenticated", "OLD TEXT");
    std::fs::write(dir.path().join("new.json"), &newer).unwrap();
    medvigil(data.path())
        .args(["kb", "import"])
        .arg(dir.path().join("new.json"))
        .assert()
        .success();
    std::fs::write(dir.path().join("old.json"), &older).unwrap();
    let r = json_of(
        medvigil(data.path())
            .args(["kb", "import", "--json"])
            .arg(dir.path().join("old.json")),
    );
    assert_eq!(r["counts"]["osv"]["stale"], 1);
    medvigil(data.path())
        .args(["kb", "show", "GHSA-aaaa-bbbb-cccc"])
        .assert()
        .success()
        .stdout(contains("accepts unauthenticated"));
}

/// A directory of hostile and broken files next to one good file.
fn hostile_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::copy(
        fixtures().join("osv-GHSA-aaaa-bbbb-cccc.json"),
        p.join("good.json"),
    )
    .unwrap();
    let nvd = std::fs::read(fixtures().join("nvd-CVE-2099-0001.json")).unwrap();
    std::fs::write(p.join("truncated.json"), &nvd[..nvd.len() / 2]).unwrap();
    std::fs::write(
        p.join("wrong-type.json"),
        br#"{"id":"GO-1","modified":"2024-01-01T00:00:00Z","affected":{"x":1}}"#,
    )
    .unwrap();
    // A CSAF advisory whose .sha512 does not match (the file was altered after hashing).
    let mut csaf = std::fs::read(fixtures().join("csaf-acme-2099-01.json")).unwrap();
    csaf.extend_from_slice(b" ");
    std::fs::write(p.join("acme.json"), &csaf).unwrap();
    std::fs::copy(
        fixtures().join("csaf-acme-2099-01.json.sha512"),
        p.join("acme.json.sha512"),
    )
    .unwrap();
    // A zip with an entry escaping the archive and a decompression bomb.
    let mut zip = zip::ZipWriter::new(std::fs::File::create(p.join("hostile.zip")).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("../../etc/evil.json", opts).unwrap();
    zip.write_all(b"{}").unwrap();
    zip.start_file("bomb.json", opts).unwrap();
    zip.write_all(&vec![b' '; 8 << 20]).unwrap();
    zip.finish().unwrap();
    dir
}

#[test]
fn hostile_input_is_rejected_per_file_and_the_rest_imports() {
    let data = tempfile::tempdir().unwrap();
    let dir = hostile_dir();
    let r = json_of(
        medvigil(data.path())
            .args(["kb", "import", "--keep-going", "--json"])
            .arg(dir.path()),
    );
    let reasons: Vec<(String, String)> = r["rejections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["path"].as_str().unwrap().to_string(),
                x["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let why = |file: &str| {
        reasons
            .iter()
            .find(|(p, _)| p.ends_with(file))
            .unwrap_or_else(|| panic!("{file} not rejected: {reasons:#?}"))
            .1
            .clone()
    };
    assert!(
        why("truncated.json").contains("truncated"),
        "{}",
        why("truncated.json")
    );
    assert!(
        why("wrong-type.json").contains("at /affected"),
        "{}",
        why("wrong-type.json")
    );
    assert!(why("acme.json").contains("SHA-512 mismatch"));
    assert!(why("hostile.zip!../../etc/evil.json").contains("path traversal"));
    assert!(why("hostile.zip!bomb.json").contains("zip bomb"));
    assert_eq!(reasons.len(), 5, "{reasons:#?}");
    assert_eq!(r["counts"]["osv"]["new"], 1, "the good file still lands");

    // Text output names each file and reason too.
    medvigil(data.path())
        .args(["kb", "import"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(contains("5 rejected:"))
        .stdout(contains("SHA-512 mismatch"));
}

#[test]
fn stop_on_error_writes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let dir = hostile_dir();
    medvigil(data.path())
        .args(["kb", "import", "--stop-on-error"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("nothing was written"));
    let st = json_of(medvigil(data.path()).args(["kb", "stats", "--json"]));
    assert_eq!(st["ids"], 0);
}

#[test]
fn require_hash_rejects_unhashed_csaf() {
    let data = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("csaf-acme-2099-01.json"),
        dir.path().join("a.json"),
    )
    .unwrap();
    medvigil(data.path())
        .args(["kb", "import", "--require-hash"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stdout(contains("no .sha512"));
    // With its hash beside it, it imports.
    std::fs::copy(
        fixtures().join("csaf-acme-2099-01.json.sha512"),
        dir.path().join("a.json.sha512"),
    )
    .unwrap();
    medvigil(data.path())
        .args(["kb", "import", "--require-hash"])
        .arg(dir.path())
        .assert()
        .success();
}

#[test]
fn missing_path_and_bad_sync_config_are_input_errors() {
    let data = tempfile::tempdir().unwrap();
    medvigil(data.path())
        .args(["kb", "import", "/nonexistent/kb"])
        .assert()
        .code(2)
        .stderr(contains("no such file"));
    let cfg = data.path().join("sync.toml");
    std::fs::write(
        &cfg,
        "[[source]]\nname = \"kev\"\nkind = \"gopher\"\nurl = \"https://example.org\"\n",
    )
    .unwrap();
    medvigil(data.path())
        .args(["kb", "sync", "--config"])
        .arg(&cfg)
        .assert()
        .code(2)
        .stderr(contains("kind"));
    medvigil(data.path())
        .args(["kb", "sync", "--list"])
        .assert()
        .success()
        .stdout(contains("csaf-rolie"));
}
