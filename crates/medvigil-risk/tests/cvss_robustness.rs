//! Bad input never panics, and whatever parses prints back to the same string.
//!
//! Every prefix of a set of full vectors (all metric groups of every version) and every
//! single-byte mutation of them goes through the parser: each must either be rejected
//! with an error naming a metric or component, or parse, score within 0-10 and print back
//! to exactly the input.

use medvigil_risk::cvss::{Cvss, CvssError};

const SEEDS: &[&str] = &[
    "AV:N/AC:M/Au:S/C:C/I:P/A:N/E:POC/RL:TF/RC:UR/CDP:LM/TD:M/CR:H/IR:L/AR:ND",
    "(AV:L/AC:H/Au:M/C:N/I:N/A:C)",
    "CVSS:3.0/AV:A/AC:H/PR:L/UI:R/S:C/C:L/I:H/A:N/E:P/RL:W/RC:R/CR:L/IR:H/AR:X/MAV:P/MAC:L/MPR:H/MUI:N/MS:U/MC:H/MI:X/MA:L",
    "CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:X",
    "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:P/VC:L/VI:H/VA:N/SC:L/SI:N/SA:H/E:P/CR:M/IR:L/AR:H/MAV:N/MAC:L/MAT:N/MPR:H/MUI:A/MVC:N/MVI:L/MVA:H/MSC:H/MSI:S/MSA:S/S:P/AU:Y/R:I/V:C/RE:H/U:Amber",
];

fn check(s: &str) {
    match s.parse::<Cvss>() {
        Ok(c) => {
            assert_eq!(c.to_string(), s.trim(), "round trip of {s:?}");
            let sc = c.scores();
            for x in [Some(sc.base), sc.temporal, sc.environmental, Some(sc.score)]
                .into_iter()
                .flatten()
            {
                assert!((0.0..=10.0).contains(&x), "{s:?} scored {x}");
            }
        }
        Err(e) => {
            // The message must say what is wrong; metric errors name the metric.
            let msg = e.to_string();
            assert!(!msg.is_empty());
            if let CvssError::InvalidValue { metric, .. } | CvssError::Missing { metric, .. } = &e {
                assert!(msg.contains(metric), "{msg}");
            }
        }
    }
}

#[test]
fn prefixes_and_mutations_never_panic() {
    let replacements = [
        b'/', b':', b'X', b'N', b'H', b'S', b'0', b'(', b' ', b'\0', 0xC3,
    ];
    let mut n = 0;
    for seed in SEEDS {
        assert!(seed.parse::<Cvss>().is_ok(), "seed {seed} must parse");
        check(seed);
        for end in 0..seed.len() {
            if let Some(p) = seed.get(..end) {
                check(p);
                n += 1;
            }
        }
        let bytes = seed.as_bytes();
        for i in 0..bytes.len() {
            for r in replacements {
                let mut m = bytes.to_vec();
                m[i] = r;
                if let Ok(s) = String::from_utf8(m) {
                    check(&s);
                    n += 1;
                }
                let mut ins = bytes.to_vec();
                ins.insert(i, r);
                if let Ok(s) = String::from_utf8(ins) {
                    check(&s);
                    n += 1;
                }
            }
            let mut del = bytes.to_vec();
            del.remove(i);
            if let Ok(s) = String::from_utf8(del) {
                check(&s);
                n += 1;
            }
        }
    }
    assert!(n > 5_000, "{n} inputs checked");
}

#[test]
fn every_v4_value_combination_of_the_base_group_scores_in_range() {
    // 4*2*2*3*3*3^6 = 104,976 base vectors: every MacroVector path, no panic.
    let av = ["N", "A", "L", "P"];
    let ac = ["L", "H"];
    let at = ["N", "P"];
    let pr = ["N", "L", "H"];
    let ui = ["N", "P", "A"];
    let imp = ["H", "L", "N"];
    let mut count = 0;
    for a in av {
        for b in ac {
            for c in at {
                for d in pr {
                    for e in ui {
                        for i in 0..729 {
                            let x = |k: usize| imp[(i / 3usize.pow(k as u32)) % 3];
                            let s = format!(
                                "CVSS:4.0/AV:{a}/AC:{b}/AT:{c}/PR:{d}/UI:{e}/VC:{}/VI:{}/VA:{}/SC:{}/SI:{}/SA:{}",
                                x(0),
                                x(1),
                                x(2),
                                x(3),
                                x(4),
                                x(5)
                            );
                            let v: Cvss = s.parse().unwrap();
                            let sc = v.scores().score;
                            assert!((0.0..=10.0).contains(&sc), "{s}: {sc}");
                            count += 1;
                        }
                    }
                }
            }
        }
    }
    assert_eq!(count, 104_976);
}
