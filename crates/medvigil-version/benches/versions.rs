//! Throughput of parsing, comparing and range containment, per scheme.
//!
//! `cargo bench -p medvigil-version` prints a Markdown table. No framework: each figure is
//! the best of five timed passes over pre-built inputs, `black_box`ed so the work is done.
//! The matching engine parses each version once and compares many times, so the
//! compare and contains columns are the ones that bound a full re-evaluation.

use std::hint::black_box;
use std::time::{Duration, Instant};

use medvigil_version::osv::{self, Event};
use medvigil_version::{Scheme, Vers, Version, prose};

const N: usize = 1_000;
const COMPARISONS: usize = 1_000_000;

/// Deterministic pseudo-random numbers (xorshift), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Realistic version strings of each scheme.
fn sample(scheme: Scheme, rng: &mut Rng) -> String {
    let (a, b, c) = (rng.below(20), rng.below(30), rng.below(40));
    let pre = rng.below(4) == 0;
    match scheme {
        Scheme::Semver | Scheme::Cargo | Scheme::Npm => {
            if pre {
                format!("{a}.{b}.{c}-rc.{}", rng.below(5))
            } else {
                format!("{a}.{b}.{c}")
            }
        }
        Scheme::Go => {
            if pre {
                format!(
                    "v{a}.{b}.{}-0.2019110902{:04}-daa7c04131f5",
                    c + 1,
                    rng.below(9999)
                )
            } else {
                format!("v{a}.{b}.{c}")
            }
        }
        Scheme::Pep440 => {
            if pre {
                format!("{a}.{b}.{c}rc{}", rng.below(5))
            } else {
                format!("{a}.{b}.{c}.post{}", rng.below(3))
            }
        }
        Scheme::Debian => format!(
            "{}:{a}.{b}.{c}{}-{}ubuntu{}",
            rng.below(2),
            if pre { "~rc1" } else { "+dfsg" },
            rng.below(5),
            rng.below(3)
        ),
        Scheme::Rpm => format!(
            "{a}.{b}.{c}{}-{}.el9",
            if pre { "~rc1" } else { "^git1" },
            rng.below(5)
        ),
        Scheme::Maven => {
            if pre {
                format!("{a}.{b}.{c}-beta-{}", rng.below(5))
            } else {
                format!("{a}.{b}.{c}.RELEASE")
            }
        }
        Scheme::NuGet => format!(
            "{a}.{b}.{c}.{}{}",
            rng.below(9),
            if pre { "-Beta.1" } else { "" }
        ),
        Scheme::Generic => format!("{a}.{b}.{c}-r{}", rng.below(9)),
        Scheme::Vendor => match rng.below(4) {
            0 => format!("V{a}.{b}.{c}.{}", rng.below(20)),
            1 => format!("v{a}.{b} build {}", rng.below(300)),
            2 => format!("{a}.{b} SP{}", rng.below(4)),
            _ => format!("{a}.{b}A"),
        },
        _ => unreachable!(),
    }
}

fn best(mut f: impl FnMut()) -> Duration {
    (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap()
}

fn per_sec(count: usize, d: Duration) -> String {
    let r = count as f64 / d.as_secs_f64();
    if r >= 1e6 {
        format!("{:.1} M/s", r / 1e6)
    } else {
        format!("{:.0} k/s", r / 1e3)
    }
}

fn ns(count: usize, d: Duration) -> String {
    format!("{:.1}", d.as_nanos() as f64 / count as f64)
}

fn main() {
    println!(
        "| scheme | parse | compare | ns/compare | range contains (3 intervals) | ns/contains |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for scheme in Scheme::ALL {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let raws: Vec<String> = (0..N).map(|_| sample(scheme, &mut rng)).collect();
        let parse = best(|| {
            for r in &raws {
                black_box(Version::parse(scheme, black_box(r)).unwrap());
            }
        });
        let vs: Vec<Version> = raws
            .iter()
            .map(|r| Version::parse(scheme, r).unwrap())
            .collect();
        let pairs: Vec<(usize, usize)> = (0..COMPARISONS)
            .map(|_| (rng.below(N as u64) as usize, rng.below(N as u64) as usize))
            .collect();
        let compare = best(|| {
            for &(i, j) in &pairs {
                black_box(vs[i].partial_cmp(&vs[j]));
            }
        });
        // A range of three disjoint intervals built from sorted samples.
        let mut sorted = vs.clone();
        sorted.sort_by(|a, b| a.try_cmp(b).unwrap());
        let text = format!(
            "vers:{}/>={}|<{}|>={}|<{}|>={}|<{}",
            scheme.name(),
            sorted[100].raw(),
            sorted[200].raw(),
            sorted[400].raw(),
            sorted[500].raw(),
            sorted[800].raw(),
            sorted[900].raw()
        );
        let range = Vers::parse(&text)
            .map(|v| v.to_range())
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let contains = best(|| {
            for &(i, _) in &pairs {
                black_box(range.contains(&vs[i]).unwrap());
            }
        });
        println!(
            "| {scheme} | {} | {} | {} | {} | {} |",
            per_sec(N, parse),
            per_sec(COMPARISONS, compare),
            ns(COMPARISONS, compare),
            per_sec(COMPARISONS, contains),
            ns(COMPARISONS, contains)
        );
    }

    // Range parsing: vers, OSV events, CISA prose.
    let vers_texts: Vec<String> = (0..N)
        .map(|i| {
            format!(
                "vers:npm/>={}.0.0|<{}.2.{}|!={}.1.0",
                i % 50,
                i % 50,
                i % 7,
                i % 50
            )
        })
        .collect();
    let vers = best(|| {
        for t in &vers_texts {
            black_box(Vers::parse(t).unwrap());
        }
    });
    let osv_versions: Vec<(String, String)> = (0..N)
        .map(|i| {
            (
                format!("{}.{}.0", i % 9, i % 13),
                format!("{}.{}.1", i % 9, i % 13),
            )
        })
        .collect();
    let osv_t = best(|| {
        for (a, b) in &osv_versions {
            black_box(
                osv::range(
                    Scheme::Semver,
                    "SEMVER",
                    &[Event::Introduced(a), Event::Fixed(b)],
                )
                .unwrap(),
            );
        }
    });
    let prose_texts = [
        "Versions 4.2 and prior",
        "<= 2.3.6",
        "2.X",
        "4.0 through 4.3",
        ">= 1.0.0 | <= 1.3.1",
        "All versions prior to 3.0",
        "1.0, 1.1, and 2.0",
        "v4.1 build 118",
    ];
    let prose_t = best(|| {
        for k in 0..N {
            black_box(prose::parse(prose_texts[k % prose_texts.len()]).unwrap());
        }
    });
    println!();
    println!("| range source | parse rate |");
    println!("| --- | ---: |");
    println!(
        "| `vers:` string (3 constraints, npm) | {} |",
        per_sec(N, vers)
    );
    println!(
        "| OSV SEMVER range (introduced + fixed) | {} |",
        per_sec(N, osv_t)
    );
    println!("| CISA prose (mixed forms) | {} |", per_sec(N, prose_t));
}
