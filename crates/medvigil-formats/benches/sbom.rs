//! SBOM parsing benchmarks (issue 3). A plain `harness = false` binary:
//!
//! * `cargo bench -p medvigil-formats --bench sbom` parses the real SBOMs of
//!   cyclonedx-examples (from `MEDVIGIL_CORPUS`, default `../shared/data`), then generated
//!   50,000-component CycloneDX JSON and XML documents, and prints MB/s per document.
//! * `... --bench sbom -- gen-json N PATH` / `gen-xml N PATH` writes a generated document
//!   of N components (for memory measurements with `/usr/bin/time -v`).
//! * `... --bench sbom -- parse PATH` parses one file once and prints the time.
//!
//! Generated documents copy the shape of real records (bom-ref, group, name, version,
//! purl, SHA-1 and SHA-256 hashes, a license id, a description, a dependency node each).

use std::hint::black_box;
use std::time::{Duration, Instant};

use medvigil_formats::sbom;

fn generate_json(n: usize) -> String {
    let mut s = String::with_capacity(n * 700);
    s.push_str(r#"{"bomFormat":"CycloneDX","specVersion":"1.5","serialNumber":"urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79","version":1,"metadata":{"timestamp":"2025-01-01T00:00:00Z","component":{"type":"application","bom-ref":"root","name":"generated","version":"1.0.0"}},"components":["#);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!(
            r#"{{"type":"library","bom-ref":"pkg:maven/org.example.g{g}/artifact-{i}@{a}.{b}.{c}?type=jar","group":"org.example.g{g}","name":"artifact-{i}","version":"{a}.{b}.{c}","description":"Generated component number {i} with a description of typical length","hashes":[{{"alg":"SHA-1","content":"{h1:040x}"}},{{"alg":"SHA-256","content":"{h2:064x}"}}],"licenses":[{{"license":{{"id":"Apache-2.0"}}}}],"purl":"pkg:maven/org.example.g{g}/artifact-{i}@{a}.{b}.{c}?type=jar","externalReferences":[{{"type":"website","url":"https://example.org/artifact-{i}"}}]}}"#,
            g = i % 97,
            a = i % 7,
            b = i % 13,
            c = i % 31,
            h1 = (i as u128).wrapping_mul(0x9e3779b97f4a7c15),
            h2 = (i as u128).wrapping_mul(0x9e3779b97f4a7c15f39cc0605cedc835),
        ));
    }
    s.push_str(r#"],"dependencies":["#);
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        let r = |j: usize| {
            format!(
                "pkg:maven/org.example.g{}/artifact-{j}@{}.{}.{}?type=jar",
                j % 97,
                j % 7,
                j % 13,
                j % 31
            )
        };
        if i + 1 < n {
            s.push_str(&format!(
                r#"{{"ref":"{}","dependsOn":["{}"]}}"#,
                r(i),
                r(i + 1)
            ));
        } else {
            s.push_str(&format!(r#"{{"ref":"{}","dependsOn":[]}}"#, r(i)));
        }
    }
    s.push_str("]}");
    s
}

fn generate_xml(n: usize) -> String {
    let mut s = String::with_capacity(n * 800);
    s.push_str(r#"<?xml version="1.0" encoding="UTF-8"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5" serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" version="1"><metadata><timestamp>2025-01-01T00:00:00Z</timestamp></metadata><components>"#);
    for i in 0..n {
        let (g, a, b, c) = (i % 97, i % 7, i % 13, i % 31);
        s.push_str(&format!(
            r#"<component type="library" bom-ref="c{i}"><group>org.example.g{g}</group><name>artifact-{i}</name><version>{a}.{b}.{c}</version><description>Generated component number {i} with a description of typical length</description><hashes><hash alg="SHA-1">{h1:040x}</hash><hash alg="SHA-256">{h2:064x}</hash></hashes><licenses><license><id>Apache-2.0</id></license></licenses><purl>pkg:maven/org.example.g{g}/artifact-{i}@{a}.{b}.{c}?type=jar</purl><externalReferences><reference type="website"><url>https://example.org/artifact-{i}</url></reference></externalReferences></component>"#,
            h1 = (i as u128).wrapping_mul(0x9e3779b97f4a7c15),
            h2 = (i as u128).wrapping_mul(0x9e3779b97f4a7c15f39cc0605cedc835),
        ));
    }
    s.push_str("</components><dependencies>");
    for i in 0..n {
        if i + 1 < n {
            s.push_str(&format!(
                r#"<dependency ref="c{i}"><dependency ref="c{}"/></dependency>"#,
                i + 1
            ));
        }
    }
    s.push_str("</dependencies></bom>");
    s
}

/// Parses `data` repeatedly for about `budget`, returning the best single-run time (the
/// least disturbed by other work on a shared machine) and the run count.
fn time(data: &[u8], budget: Duration) -> (Duration, u32) {
    let mut best = Duration::MAX;
    let mut runs = 0;
    let start = Instant::now();
    while runs < 3 || (start.elapsed() < budget && runs < 1000) {
        let t = Instant::now();
        let s = sbom::parse(black_box(data)).expect("benchmark input parses");
        black_box(&s);
        best = best.min(t.elapsed());
        runs += 1;
    }
    (best, runs)
}

fn report(name: &str, data: &[u8]) {
    let (best, runs) = time(data, Duration::from_secs(3));
    let mb = data.len() as f64 / 1e6;
    println!(
        "{name:<60} {mb:>8.2} MB  best {:>9.2} ms  {:>7.1} MB/s  ({runs} runs)",
        best.as_secs_f64() * 1e3,
        mb / best.as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["gen-json", n, path] => {
            std::fs::write(path, generate_json(n.parse().unwrap())).unwrap();
            return;
        }
        ["gen-xml", n, path] => {
            std::fs::write(path, generate_xml(n.parse().unwrap())).unwrap();
            return;
        }
        ["parse", path] => {
            let data = std::fs::read(path).unwrap();
            let t = Instant::now();
            let s = sbom::parse(&data);
            let el = t.elapsed();
            match s {
                Ok(s) => println!(
                    "{path}: {} components in {:.1} ms",
                    s.components.len(),
                    el.as_secs_f64() * 1e3
                ),
                Err(e) => println!("{path}: error after {:.1} ms: {e}", el.as_secs_f64() * 1e3),
            }
            return;
        }
        _ => {}
    }
    let root = std::env::var("MEDVIGIL_CORPUS").unwrap_or_else(|_| "../shared/data".into());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(root);
    let ex = root.join("sbom/cyclonedx-examples/SBOM");
    for f in [
        "keycloak-10.0.2/bom.json",
        "keycloak-10.0.2/bom.xml",
        "protonmail-webclient-v4-0912dff/bom.json",
        "protonmail-webclient-v4-0912dff/bom.xml",
        "juice-shop/via_npm/flat/bom.1.4.json",
        "juice-shop/via_npm/flat/bom.1.4.xml",
    ] {
        match std::fs::read(ex.join(f)) {
            Ok(data) => report(f, &data),
            Err(e) => println!("{f}: skipped ({e}); set MEDVIGIL_CORPUS"),
        }
    }
    let json = generate_json(50_000);
    report(
        "generated CycloneDX JSON, 50,000 components",
        json.as_bytes(),
    );
    let xml = generate_xml(50_000);
    report("generated CycloneDX XML, 50,000 components", xml.as_bytes());
}
