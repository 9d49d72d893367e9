//! CVE JSON 5 `versions` entries (`cve5/`) and NVD cpeMatch bounds (`nvd/`) from the
//! corpus: every one must convert, and the converted range must agree with the entry's
//! own ends.

use medvigil_version::cve5::{self, Entry, Status};
use medvigil_version::{Scheme, Version, nvd};
use serde_json::Value;

fn scheme_for_version_type(t: Option<&str>) -> Scheme {
    match t {
        Some("semver") => Scheme::Semver,
        Some("python") => Scheme::Pep440,
        Some("maven") => Scheme::Maven,
        Some("rpm") => Scheme::Rpm,
        // "custom" and anything else: the vendor's own words.
        _ => Scheme::Vendor,
    }
}

#[test]
fn corpus_cve5_versions_entries() {
    let Some(dir) = medvigil_testkit::corpus("cve5") else {
        return;
    };
    let (mut entries_seen, mut products) = (0, 0);
    for f in medvigil_testkit::files_under(&dir, |n| n.ends_with(".json")) {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        for a in doc["containers"]["cna"]["affected"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let Some(list) = a["versions"].as_array() else {
                continue;
            };
            let default = match a["defaultStatus"].as_str() {
                Some(s) => Status::parse(s).unwrap(),
                None => Status::Unknown,
            };
            let mut entries = Vec::new();
            let mut scheme = Scheme::Vendor;
            for v in list {
                scheme = scheme_for_version_type(v["versionType"].as_str());
                entries.push(Entry {
                    version: v["version"].as_str().unwrap_or(""),
                    status: v["status"].as_str().unwrap_or(""),
                    less_than: v["lessThan"].as_str(),
                    less_than_or_equal: v["lessThanOrEqual"].as_str(),
                    version_type: v["versionType"].as_str(),
                    changes: v["changes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|c| {
                            (
                                c["at"].as_str().unwrap_or(""),
                                c["status"].as_str().unwrap_or(""),
                            )
                        })
                        .collect(),
                });
            }
            products += 1;
            let range = cve5::affected(scheme, &entries, default)
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            for e in &entries {
                entries_seen += 1;
                let status = Status::parse(e.status).unwrap();
                // The start of a range (unless "0") and a single version have the entry's status...
                if e.version != "0" {
                    let v = Version::parse(scheme, e.version).unwrap();
                    let got = cve5::status(scheme, &v, &entries, default).unwrap();
                    assert_eq!(
                        got,
                        status,
                        "{}: {} at its own start",
                        f.display(),
                        e.version
                    );
                    if status == Status::Affected {
                        assert!(
                            range.contains(&v).unwrap(),
                            "{}: {} not in {range}",
                            f.display(),
                            e.version
                        );
                    }
                }
                // ... and the exclusive end does not (unless another entry covers it).
                if let Some(lt) = e.less_than.filter(|s| *s != "*") {
                    let v = Version::parse(scheme, lt).unwrap();
                    let covered_elsewhere = entries.iter().any(|o| o.version == lt);
                    if status == Status::Affected
                        && !covered_elsewhere
                        && default != Status::Affected
                    {
                        assert!(
                            !range.contains(&v).unwrap(),
                            "{}: {lt} should be fixed in {range}",
                            f.display()
                        );
                    }
                }
            }
        }
    }
    eprintln!("cve5: {products} products, {entries_seen} versions entries");
    assert!(entries_seen > 400, "only {entries_seen} entries");
}

#[test]
fn corpus_nvd_cpe_match_bounds() {
    let Some(dir) = medvigil_testkit::corpus("nvd") else {
        return;
    };
    let mut bounded = 0;
    let mut all = 0;
    fn walk(node: &Value, out: &mut Vec<Value>) {
        for m in node["cpeMatch"].as_array().into_iter().flatten() {
            out.push(m.clone());
        }
        for n in node["nodes"].as_array().into_iter().flatten() {
            walk(n, out);
        }
    }
    for f in medvigil_testkit::files_under(&dir, |n| n.ends_with(".json")) {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let mut matches = Vec::new();
        for c in doc["configurations"].as_array().into_iter().flatten() {
            walk(c, &mut matches);
        }
        for m in matches {
            all += 1;
            let criteria = m["criteria"].as_str().unwrap();
            // cpe:2.3:part:vendor:product:version:... (no escaped ':' before the version here)
            let cpe_version = criteria.split(':').nth(5);
            let bounds = nvd::Bounds {
                start_including: m["versionStartIncluding"].as_str(),
                start_excluding: m["versionStartExcluding"].as_str(),
                end_including: m["versionEndIncluding"].as_str(),
                end_excluding: m["versionEndExcluding"].as_str(),
            };
            for scheme in [Scheme::Generic, Scheme::Vendor] {
                let r = nvd::range(scheme, cpe_version, bounds)
                    .unwrap_or_else(|e| panic!("{} {criteria}: {e}", f.display()));
                let p = |s: &str| Version::parse(scheme, s).unwrap();
                if let Some(v) = bounds.end_including {
                    assert!(r.contains(&p(v)).unwrap());
                }
                if let Some(v) = bounds.end_excluding {
                    assert!(!r.contains(&p(v)).unwrap());
                }
                if let Some(v) = bounds.start_including {
                    assert!(r.contains(&p(v)).unwrap());
                }
            }
            if bounds != nvd::Bounds::default() {
                bounded += 1;
            }
        }
    }
    eprintln!("nvd: {all} cpeMatch entries, {bounded} with version bounds");
    assert!(bounded > 100, "only {bounded} bounded cpeMatch entries");
}
