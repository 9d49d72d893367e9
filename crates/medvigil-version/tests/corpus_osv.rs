//! Every SEMVER and ECOSYSTEM range in the OSV corpus (`osv/go`, `osv/rustsec`,
//! `osv/pypi`) must convert under its ecosystem's scheme, and where a record lists its
//! affected `versions` explicitly (PyPI), each listed version must fall in the ranges:
//! the explicit list was computed by OSV with the ecosystem's own comparator, so this
//! checks our PEP 440 order against packaging's on real data.

use std::path::Path;

use medvigil_version::osv::{self, Event};
use medvigil_version::{Error, Scheme, Version, VersionRange};
use serde_json::Value;

/// PyPI records whose data disagrees with PEP 440 itself, with why. Each must still
/// occur (so the list cannot go stale) and nothing else may fail.
const PYPI_DATA_ERRORS: &[(&str, &str)] = &[
    (
        "binderhub/PYSEC-2021-371.yaml",
        "fixed \"0.2.0-n653\" is not a PEP 440 version (pip refuses it)",
    ),
    (
        "steam/PYSEC-2019-125.yaml",
        "fixed \"2019-09-12\" is a date, not a PEP 440 version",
    ),
    (
        "django/PYSEC-2023-61.yaml",
        "lists 3.2a1..3.2rc1 and 4.2a1..4.2rc1 as affected, but PEP 440 orders them before the introduced 3.2 and 4.2",
    ),
    (
        "wagtail/PYSEC-2021-114.yaml",
        "lists 2.11.6, the range's own fixed version",
    ),
];

/// Listed PyPI versions that are not PEP 440 at all (`0.7.10p1`, `2.0.0-final`,
/// `0.1-bulbasaur`): pre-PEP 440 "legacy" releases, which pip no longer accepts. They are
/// counted, not failed: the comparator is right to refuse them.
const PYPI_LEGACY_LISTED: usize = 59;

#[derive(Default, Debug)]
struct Tally {
    legacy_listed: usize,
    records: usize,
    ranges: usize,
    git: usize,
    listed_checked: usize,
    failures: Vec<String>,
}

fn check_record(doc: &Value, file: &Path, t: &mut Tally) {
    t.records += 1;
    let Some(affected) = doc["affected"].as_array() else {
        return;
    };
    for (ai, a) in affected.iter().enumerate() {
        let eco = a["package"]["ecosystem"].as_str().unwrap_or("");
        let lookup = Scheme::lookup(eco);
        assert!(
            !lookup.fallback,
            "{}: unknown ecosystem {eco:?}",
            file.display()
        );
        let mut union: Option<VersionRange> = None;
        let mut has_git = false;
        for (ri, r) in a["ranges"].as_array().into_iter().flatten().enumerate() {
            let ty = r["type"].as_str().unwrap_or("");
            let events: Vec<Event> = r["events"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|e| e.as_object().into_iter().flatten())
                .filter_map(|(k, v)| Event::from_field(k, v.as_str()?))
                .collect();
            match osv::range(lookup.scheme, ty, &events) {
                Ok(range) => {
                    t.ranges += 1;
                    union = Some(match union {
                        None => range,
                        Some(u) => u.union(&range).unwrap(),
                    });
                }
                Err(Error::UnsupportedRangeType(_)) if ty == "GIT" => {
                    t.git += 1;
                    has_git = true;
                }
                Err(e) => t.failures.push(format!(
                    "{} affected[{ai}].ranges[{ri}]: {e}",
                    file.display()
                )),
            }
        }
        // Explicit versions must agree with the ranges (GIT ranges add versions we
        // cannot see, so records with them are skipped).
        if let (Some(u), false) = (&union, has_git) {
            for listed in a["versions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let Ok(v) = Version::parse(lookup.scheme, listed) else {
                    t.legacy_listed += 1;
                    continue;
                };
                t.listed_checked += 1;
                if !u.contains(&v).unwrap() {
                    t.failures.push(format!(
                        "{}: listed version {listed} is outside {u}",
                        file.display()
                    ));
                }
            }
        }
    }
}

fn run(sub: &str, ext: &str) -> Option<Tally> {
    let dir = medvigil_testkit::corpus(sub)?;
    let mut t = Tally::default();
    for f in medvigil_testkit::files_under(&dir, |n| n.ends_with(ext)) {
        let text = std::fs::read_to_string(&f).unwrap();
        let doc: Value = if ext == ".yaml" {
            serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()))
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()))
        };
        check_record(&doc, &f, &mut t);
    }
    eprintln!(
        "{sub}: {} records, {} ranges converted, {} GIT ranges skipped, {} listed versions checked",
        t.records, t.ranges, t.git, t.listed_checked
    );
    Some(t)
}

fn assert_clean(t: &Tally) {
    assert_eq!(t.legacy_listed, 0, "non-parsing listed versions: {t:?}");
    assert!(
        t.failures.is_empty(),
        "{} failures, first ones:\n{}",
        t.failures.len(),
        t.failures
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn corpus_osv_go_ranges() {
    let Some(t) = run("osv/go", ".json") else {
        return;
    };
    assert!(t.records > 4000 && t.ranges > 6000, "{t:?}");
    assert_clean(&t);
}

#[test]
fn corpus_osv_rustsec_ranges() {
    let Some(t) = run("osv/rustsec", ".json") else {
        return;
    };
    assert!(t.records > 1000 && t.ranges > 1000, "{t:?}");
    assert_clean(&t);
}

#[test]
fn corpus_osv_pypi_ranges_and_listed_versions() {
    let Some(mut t) = run("osv/pypi", ".yaml") else {
        return;
    };
    assert!(
        t.records > 2000 && t.ranges > 2000 && t.listed_checked > 10_000,
        "{t:?}"
    );
    assert_eq!(
        t.legacy_listed, PYPI_LEGACY_LISTED,
        "legacy listed versions"
    );
    t.legacy_listed = 0;
    for (file, why) in PYPI_DATA_ERRORS {
        let before = t.failures.len();
        t.failures.retain(|f| !f.contains(&format!("/{file}")));
        assert!(
            t.failures.len() < before,
            "{file} ({why}) no longer fails: drop it from the list"
        );
    }
    assert_clean(&t);
}
