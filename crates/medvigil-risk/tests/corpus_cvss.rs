//! Every vector of the Red Hat CVSS test suite (`../shared/data/cvss`, from
//! RedHatProductSecurity/cvss): it must parse, print back to the same string, and score
//! as expected. Expected scores are within 1e-4, i.e. exactly equal at one decimal.
//!
//! File layout: `VECTOR - (base, temporal, environmental)` for v2 and v3, where v2 writes
//! `None` for an absent group and v3 always gives all three (an absent group scores as the
//! one below it); `VECTOR - score` or `VECTOR - (score,)` for v4.

use medvigil_risk::cvss::{Cvss, Version};

fn num(s: &str) -> Option<f64> {
    let s = s.trim();
    if s == "None" || s.is_empty() {
        None
    } else {
        Some(s.parse().unwrap_or_else(|_| panic!("bad number {s:?}")))
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-4
}

#[test]
fn corpus_redhat_cvss_vectors() {
    let Some(dir) = medvigil_testkit::corpus("cvss") else {
        return;
    };
    let files = medvigil_testkit::files_under(&dir, |n| n.starts_with("vectors_"));
    assert!(
        files.len() >= 11,
        "expected the 11 vector files, found {}",
        files.len()
    );
    let mut checked = 0usize;
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        for (lineno, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let at = format!("{name}:{}", lineno + 1);
            let (vector, expected) = line.split_once(" - ").expect("VECTOR - SCORES");
            let cvss: Cvss = match vector.parse() {
                Ok(c) => c,
                Err(e) => {
                    failures.push(format!("{at}: {vector}: {e}"));
                    continue;
                }
            };
            if cvss.to_string() != vector {
                failures.push(format!("{at}: round trip gave {cvss}"));
            }
            let s = cvss.scores();
            let want: Vec<Option<f64>> = expected
                .trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .split(',')
                .filter(|p| !p.trim().is_empty())
                .map(num)
                .collect();
            let ok = match cvss.version() {
                Version::V4 => want.len() == 1 && want[0].is_some_and(|w| close(w, s.score)),
                Version::V2 => {
                    want.len() == 3
                        && want[0].is_some_and(|w| close(w, s.base))
                        && match (want[1], s.temporal) {
                            (None, None) => true,
                            (Some(w), Some(t)) => close(w, t),
                            _ => false,
                        }
                        && match (want[2], s.environmental) {
                            (None, None) => true,
                            (Some(w), Some(e)) => close(w, e),
                            _ => false,
                        }
                }
                Version::V3_0 | Version::V3_1 => {
                    let Cvss::V3(v) = &cvss else { unreachable!() };
                    // The suite always states all three, computing absent groups anyway (v3.1's
                    // environmental formula differs from the base one even with nothing set).
                    let t = s.temporal.unwrap_or(s.base);
                    let e = s.environmental.unwrap_or(v.environmental_score());
                    want.len() == 3
                        && want[0].is_some_and(|w| close(w, s.base))
                        && want[1].is_some_and(|w| close(w, t) && close(w, v.temporal_score()))
                        && want[2].is_some_and(|w| close(w, e))
                }
            };
            if !ok {
                failures.push(format!("{at}: {vector}: expected {expected}, got {s:?}"));
            }
            checked += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} vectors disagree:\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(checked > 7_500, "only {checked} vectors checked");
    eprintln!("checked {checked} CVSS vectors");
}
