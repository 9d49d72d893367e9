//! Throughput of CVSS scoring and of prioritization, single-threaded.
//!
//! `cargo bench -p medvigil-risk` (a plain `harness = false` binary: no extra
//! dependencies, best of several runs reported). Targets from issue 6: 100,000 vectors
//! scored per second on one core; 1,000,000 findings prioritized in under 2 s.

use std::hint::black_box;
use std::time::{Duration, Instant};

use medvigil_model::clinical::{ClinicalProfile, CompensatingControl};
use medvigil_model::{ClinicalFunction, NetworkZone};
use medvigil_risk::cvss::Cvss;
use medvigil_risk::policy::Policy;
use medvigil_risk::priority::{FindingRiskInput, KevEvidence, SeverityInput};

/// A small deterministic generator (xorshift64*), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn v2(r: &mut Rng) -> String {
    let mut s = format!(
        "AV:{}/AC:{}/Au:{}/C:{}/I:{}/A:{}",
        r.pick(&["L", "A", "N"]),
        r.pick(&["H", "M", "L"]),
        r.pick(&["M", "S", "N"]),
        r.pick(&["N", "P", "C"]),
        r.pick(&["N", "P", "C"]),
        r.pick(&["N", "P", "C"])
    );
    if r.chance(30) {
        s += &format!(
            "/E:{}/RL:{}/RC:{}",
            r.pick(&["U", "POC", "F", "H", "ND"]),
            r.pick(&["OF", "TF", "W", "U", "ND"]),
            r.pick(&["UC", "UR", "C", "ND"])
        );
    }
    if r.chance(20) {
        s += &format!(
            "/CDP:{}/TD:{}/CR:{}/IR:{}/AR:{}",
            r.pick(&["N", "L", "LM", "MH", "H", "ND"]),
            r.pick(&["N", "L", "M", "H", "ND"]),
            r.pick(&["L", "M", "H", "ND"]),
            r.pick(&["L", "M", "H", "ND"]),
            r.pick(&["L", "M", "H", "ND"])
        );
    }
    s
}

fn v3(r: &mut Rng) -> String {
    let mut s = format!(
        "CVSS:3.{}/AV:{}/AC:{}/PR:{}/UI:{}/S:{}/C:{}/I:{}/A:{}",
        r.pick(&["0", "1"]),
        r.pick(&["N", "A", "L", "P"]),
        r.pick(&["L", "H"]),
        r.pick(&["N", "L", "H"]),
        r.pick(&["N", "R"]),
        r.pick(&["U", "C"]),
        r.pick(&["H", "L", "N"]),
        r.pick(&["H", "L", "N"]),
        r.pick(&["H", "L", "N"])
    );
    if r.chance(30) {
        s += &format!(
            "/E:{}/RL:{}/RC:{}",
            r.pick(&["X", "H", "F", "P", "U"]),
            r.pick(&["X", "U", "W", "T", "O"]),
            r.pick(&["X", "C", "R", "U"])
        );
    }
    if r.chance(20) {
        s += &format!(
            "/CR:{}/IR:{}/AR:{}/MAV:{}/MAC:{}/MPR:{}/MUI:{}/MS:{}/MC:{}/MI:{}/MA:{}",
            r.pick(&["X", "H", "M", "L"]),
            r.pick(&["X", "H", "M", "L"]),
            r.pick(&["X", "H", "M", "L"]),
            r.pick(&["X", "N", "A", "L", "P"]),
            r.pick(&["X", "L", "H"]),
            r.pick(&["X", "N", "L", "H"]),
            r.pick(&["X", "N", "R"]),
            r.pick(&["X", "U", "C"]),
            r.pick(&["X", "H", "L", "N"]),
            r.pick(&["X", "H", "L", "N"]),
            r.pick(&["X", "H", "L", "N"])
        );
    }
    s
}

fn v4(r: &mut Rng) -> String {
    let mut s = format!(
        "CVSS:4.0/AV:{}/AC:{}/AT:{}/PR:{}/UI:{}/VC:{}/VI:{}/VA:{}/SC:{}/SI:{}/SA:{}",
        r.pick(&["N", "A", "L", "P"]),
        r.pick(&["L", "H"]),
        r.pick(&["N", "P"]),
        r.pick(&["N", "L", "H"]),
        r.pick(&["N", "P", "A"]),
        r.pick(&["H", "L", "N"]),
        r.pick(&["H", "L", "N"]),
        r.pick(&["H", "L", "N"]),
        r.pick(&["H", "L", "N"]),
        r.pick(&["H", "L", "N"]),
        r.pick(&["H", "L", "N"])
    );
    if r.chance(30) {
        s += &format!("/E:{}", r.pick(&["X", "A", "P", "U"]));
    }
    if r.chance(20) {
        s += &format!(
            "/CR:{}/IR:{}/AR:{}/MAV:{}/MSI:{}/MSA:{}",
            r.pick(&["X", "H", "M", "L"]),
            r.pick(&["X", "H", "M", "L"]),
            r.pick(&["X", "H", "M", "L"]),
            r.pick(&["X", "N", "A", "L", "P"]),
            r.pick(&["X", "S", "H", "L", "N"]),
            r.pick(&["X", "S", "H", "L", "N"])
        );
    }
    s
}

/// Best of `runs` timings of `f`.
fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn bench_cvss(name: &str, vectors: &[String]) {
    let d = best(5, || {
        let mut sum = 0.0;
        for v in vectors {
            let c: Cvss = v.parse().expect("generated vectors are valid");
            sum += c.scores().score;
        }
        sum
    });
    println!(
        "cvss parse+score {name:<6} {:>9} vectors  {:>8.1} ms  {:>10.0} vectors/s",
        vectors.len(),
        d.as_secs_f64() * 1e3,
        vectors.len() as f64 / d.as_secs_f64()
    );
}

fn main() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    const N: usize = 200_000;
    let v2s: Vec<String> = (0..N).map(|_| v2(&mut r)).collect();
    let v3s: Vec<String> = (0..N).map(|_| v3(&mut r)).collect();
    let v4s: Vec<String> = (0..N).map(|_| v4(&mut r)).collect();
    let mixed: Vec<String> = (0..N)
        .map(|i| match i % 3 {
            0 => v2s[i].clone(),
            1 => v3s[i].clone(),
            _ => v4s[i].clone(),
        })
        .collect();
    bench_cvss("v2", &v2s);
    bench_cvss("v3.x", &v3s);
    bench_cvss("v4.0", &v4s);
    bench_cvss("mixed", &mixed);

    // One million findings over realistic shapes: 3,000 distinct vulnerabilities (their
    // CVSS parsed once, as an engine would), 2% in KEV, most with an EPSS score, on
    // devices of every function and zone, some with controls.
    let policy = Policy::default();
    let vulns: Vec<(SeverityInput, bool, bool, Option<f64>)> = (0..3_000)
        .map(|i| {
            let c: Cvss = mixed[i].parse().unwrap();
            let kev = r.chance(2);
            let ransomware = kev && r.chance(30);
            let epss = r.chance(90).then(|| (r.next() % 10_000) as f64 / 10_000.0);
            (SeverityInput::from_cvss(&c), kev, ransomware, epss)
        })
        .collect();
    let functions = ClinicalFunction::ALL;
    let zones = NetworkZone::ALL;
    let profiles: Vec<ClinicalProfile> = (0..500)
        .map(|i| {
            let mut p = ClinicalProfile {
                clinical_function: (i % 7 != 0).then(|| functions[i % functions.len()]),
                network_zone: (i % 11 != 0).then(|| zones[(i / 3) % zones.len()]),
                patient_connected: Some(i % 2 == 0),
                implanted: Some(i % 50 == 0),
                ..Default::default()
            };
            if i % 4 == 0 {
                p.controls.insert(CompensatingControl::Segmentation);
            }
            if i % 9 == 0 {
                p.controls.insert(CompensatingControl::Guard);
            }
            p
        })
        .collect();
    const FINDINGS: usize = 1_000_000;
    let t = Instant::now();
    let findings: Vec<FindingRiskInput> = (0..FINDINGS)
        .map(|i| {
            let (sev, kev, rw, epss) = vulns[(r.next() % vulns.len() as u64) as usize];
            FindingRiskInput {
                severity: Some(sev),
                kev: kev.then(KevEvidence::default),
                known_ransomware: rw,
                epss,
                profile: profiles[i % profiles.len()].clone(),
            }
        })
        .collect();
    let build = t.elapsed();
    let d = best(3, || {
        let mut a: Vec<_> = findings.iter().map(|f| policy.assess(f)).collect();
        a.sort_unstable_by_key(|x| (x.priority, std::cmp::Reverse(x.score)));
        a.len()
    });
    println!(
        "prioritize (assess + sort) {FINDINGS} findings  {:>8.1} ms  {:>10.0} findings/s  (building the inputs took {:.1} ms, not counted)",
        d.as_secs_f64() * 1e3,
        FINDINGS as f64 / d.as_secs_f64(),
        build.as_secs_f64() * 1e3
    );
    let d = best(3, || {
        findings[..10_000]
            .iter()
            .map(|f| policy.prioritize(f).summary.len())
            .sum::<usize>()
    });
    println!(
        "explain (assess + words) 10000 findings  {:>8.1} ms  {:>10.0} findings/s",
        d.as_secs_f64() * 1e3,
        10_000.0 / d.as_secs_f64()
    );
}
