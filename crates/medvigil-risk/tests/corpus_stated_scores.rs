//! Real records state their CVSS base scores next to the vectors: NVD API 2.0 records,
//! CVE JSON 5 records and CISA's CSAF ICS advisories (`../shared/data/{nvd,cve5,csaf/cisa-ot}`).
//! Every such vector must parse, print back unchanged, and score exactly the stated base
//! score. (v4 objects there state the score of the vector as given.)

use medvigil_risk::cvss::{Cvss, Version};
use serde_json::Value;

/// Collects (vectorString, baseScore) from every object holding both, at any depth.
fn collect(v: &Value, out: &mut Vec<(String, f64)>) {
    match v {
        Value::Object(m) => {
            if let (Some(Value::String(vs)), Some(bs)) = (m.get("vectorString"), m.get("baseScore"))
                && let Some(b) = bs.as_f64()
            {
                out.push((vs.clone(), b));
            }
            for x in m.values() {
                collect(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        _ => {}
    }
}

#[test]
fn corpus_stated_base_scores_agree() {
    let mut checked = 0usize;
    let mut failures = Vec::new();
    for sub in ["nvd", "cve5", "csaf/cisa-ot"] {
        let Some(dir) = medvigil_testkit::corpus(sub) else {
            return;
        };
        for file in medvigil_testkit::files_under(&dir, |n| n.ends_with(".json")) {
            let text = std::fs::read_to_string(&file).unwrap();
            // The ROLIE feed and similar are JSON too; files that are not records simply
            // hold no vectors.
            let Ok(doc) = serde_json::from_str::<Value>(&text) else {
                failures.push(format!("{}: not JSON", file.display()));
                continue;
            };
            let mut found = Vec::new();
            collect(&doc, &mut found);
            for (vector, stated) in found {
                checked += 1;
                let c: Cvss = match vector.parse() {
                    Ok(c) => c,
                    Err(e) => {
                        failures.push(format!("{}: {vector}: {e}", file.display()));
                        continue;
                    }
                };
                if c.to_string() != vector {
                    failures.push(format!("{}: {vector} printed as {c}", file.display()));
                }
                let s = c.scores();
                let got = if c.version() == Version::V4 {
                    s.score
                } else {
                    s.base
                };
                if (got - stated).abs() > 1e-4 {
                    failures.push(format!(
                        "{}: {vector}: stated {stated}, computed {got}",
                        file.display()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} disagree:\n{}",
        failures.len(),
        failures[..failures.len().min(30)].join("\n")
    );
    assert!(checked > 8_000, "only {checked} stated scores found");
    eprintln!("{checked} stated CVSS base scores agree");
}
