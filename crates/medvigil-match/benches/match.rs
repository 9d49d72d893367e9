//! Matching benchmarks at hospital-network scale (issue 5).
//!
//! Generates, from the shapes of the real data, 10,000 devices over 400 models (vendor
//! spellings and model variants as CMMS exports write them), 1,000 SBOMs of 500
//! components, and 250,000 vulnerabilities (OSV records for Maven, npm, PyPI, Go and
//! crates.io packages with SEMVER/ECOSYSTEM events; NVD records with CPE configurations
//! and version bounds, a third of them AND configurations with a hardware platform), plus
//! 1,500 CSAF advisories whose products use CISA's version prose. Then times:
//!
//! * building the index (Engine::new);
//! * a full re-evaluation: every device and every SBOM, then VEX;
//! * one new advisory evaluated against its candidate devices only;
//! * `scan` of one 1,000-component SBOM with a warm index.
//!
//! Run: `cargo bench -p medvigil-match --bench match`. Deterministic (fixed seed).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use medvigil_match::engine::{DeviceIndex, Engine};
use medvigil_match::names::VendorTable;
use medvigil_match::vex::apply_vex;
use medvigil_model::Device;
use medvigil_model::finding::{FindingStatus, VexProduct, VexStatement};
use medvigil_model::sbom::{Component, ComponentKind};
use medvigil_model::vuln::*;

/// A small deterministic generator (xorshift64*), so runs are comparable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// Vendors as advisories name them, and as inventories spell them.
const VENDORS: &[(&str, &[&str])] = &[
    (
        "GE Healthcare",
        &["GE", "GE Medical Systems", "General Electric"],
    ),
    (
        "Philips",
        &[
            "Philips Healthcare",
            "Philips Medical Systems",
            "Koninklijke Philips N.V.",
        ],
    ),
    (
        "Becton, Dickinson and Company (BD)",
        &["BD", "Becton Dickinson", "CareFusion"],
    ),
    (
        "Baxter",
        &["Baxter Healthcare", "Baxter International Inc."],
    ),
    ("B. Braun Medical", &["B. Braun", "B.Braun Melsungen AG"]),
    ("Medtronic", &["Medtronic", "Covidien"]),
    ("Smiths Medical", &["Smiths Medical ASD", "ICU Medical"]),
    ("Dräger", &["Draeger", "Drager", "Dräger Medical"]),
    (
        "Siemens Healthineers",
        &["Siemens Healthcare GmbH", "Siemens"],
    ),
    ("Fresenius Kabi", &["Fresenius Kabi AG"]),
    ("Hillrom", &["Welch Allyn", "Hill-Rom"]),
    ("Mindray", &["Mindray DS USA", "Shenzhen Mindray"]),
    ("Nihon Kohden", &["Nihon Kohden Corporation"]),
    ("Spacelabs", &["Spacelabs Healthcare"]),
    ("ZOLL", &["Zoll Medical"]),
    ("Abbott", &["St. Jude Medical", "Abbott Laboratories"]),
];
const FAMILIES: &[&str] = &[
    "CARESCAPE",
    "IntelliVue",
    "Alaris",
    "Sigma Spectrum",
    "Infusomat",
    "Valleylab",
    "Medfusion",
    "Infinity",
    "SOMATOM",
    "Agilia",
    "Connex",
    "BeneVision",
    "Life Scope",
    "Xhibit",
    "R Series",
    "Merlin",
    "Pyxis",
    "Evita",
    "Vivid",
    "Brilliance",
];
const LETTERS: &[&str] = &["B", "MX", "M", "C", "V", "N", "EX", "TC", ""];

struct Model {
    vendor: usize,
    family: &'static str,
    number: String,
}

fn models(rng: &mut Rng) -> Vec<Model> {
    (0..400)
        .map(|i| Model {
            vendor: i % VENDORS.len(),
            family: FAMILIES[rng.below(FAMILIES.len())],
            number: format!("{}{}", rng.pick(LETTERS), 100 + i * 7),
        })
        .collect()
}

fn devices(rng: &mut Rng, models: &[Model]) -> Vec<Device> {
    (0..10_000)
        .map(|i| {
            let m = &models[i % models.len()];
            let mut d = Device::new("main", format!("DEV-{i:05}"));
            let (_, spellings) = VENDORS[m.vendor];
            d.manufacturer = Some(rng.pick(spellings).to_string());
            d.model = Some(match rng.below(3) {
                0 => format!("{} {}", m.family, m.number),
                1 => format!(
                    "{} {}",
                    m.family.to_uppercase(),
                    m.number.replace('1', "-1")
                ),
                _ => m.number.clone(),
            });
            d.version = Some(format!(
                "v{}.{} build {}",
                1 + rng.below(4),
                rng.below(10),
                rng.below(200)
            ));
            d
        })
        .collect()
}

const VERSION_PROSE: &[&str] = &[
    "<= 2.4",
    "2.X",
    "vers:all/*",
    ">= 1.2 | <= 3.1",
    "1.1 | 1.5 | 2.0",
    "< 3.0.2",
    "prior to 2.2",
];

fn advisory(rng: &mut Rng, i: usize, models: &[Model]) -> Advisory {
    let mut products = Vec::new();
    let mut ids = Vec::new();
    for p in 0..(2 + rng.below(8)) {
        let m = rng.pick(models);
        let pid = format!("CSAFPID-{p:04}");
        ids.push(pid.clone());
        products.push(Product {
            product_id: pid,
            name: String::new(),
            vendor: Some(VENDORS[m.vendor].0.to_string()),
            product_family: None,
            product_name: Some(format!("{} {}", m.family, m.number)),
            version: None,
            version_range: Some(rng.pick(VERSION_PROSE).to_string()),
            other_branches: vec![],
            identification: ProductIdentification::default(),
            relationship: None,
        });
    }
    let vulnerabilities = (0..(1 + rng.below(5)))
        .map(|v| AdvisoryVulnerability {
            cve: Some(format!("CVE-2030-{:05}", i * 10 + v)),
            ids: vec![],
            title: None,
            cwe: None,
            notes: vec![],
            references: vec![],
            discovery_date: None,
            release_date: None,
            product_status: ProductStatus {
                known_affected: ids.clone(),
                ..Default::default()
            },
            scores: vec![],
            remediations: vec![],
            threats: vec![],
            flags: vec![],
        })
        .collect();
    Advisory {
        id: format!("ICSMA-30-{i:05}"),
        title: "generated".into(),
        category: "csaf_security_advisory".into(),
        csaf_version: "2.0".into(),
        lang: None,
        publisher: Publisher {
            name: "bench".into(),
            namespace: "https://example.invalid".into(),
            category: "coordinator".into(),
        },
        initial_release_date: "2030-01-01T00:00:00Z".into(),
        current_release_date: "2030-01-01T00:00:00Z".into(),
        version: "1".into(),
        status: "final".into(),
        tlp: None,
        aggregate_severity: None,
        notes: vec![],
        references: vec![],
        products,
        product_groups: vec![],
        vulnerabilities,
    }
}

const ECOSYSTEMS: &[(&str, &str)] = &[
    ("Maven", "maven"),
    ("npm", "npm"),
    ("PyPI", "pypi"),
    ("Go", "golang"),
    ("crates.io", "cargo"),
];

fn package(i: usize) -> (usize, String, Option<String>, String) {
    let (eco, _) = ECOSYSTEMS[i % ECOSYSTEMS.len()];
    match eco {
        "Maven" => (
            i % 5,
            format!("org.example{}:lib{i}", i % 97),
            Some(format!("org.example{}", i % 97)),
            format!("lib{i}"),
        ),
        "Go" => (
            i % 5,
            format!("github.com/example{}/mod{i}", i % 89),
            Some(format!("github.com/example{}", i % 89)),
            format!("mod{i}"),
        ),
        _ => (i % 5, format!("pkg{i}"), None, format!("pkg{i}")),
    }
}

fn purl(i: usize, version: &str) -> String {
    let (e, _, ns, name) = package(i);
    let ty = ECOSYSTEMS[e].1;
    match ns {
        Some(ns) => format!("pkg:{ty}/{ns}/{name}@{version}"),
        None => format!("pkg:{ty}/{name}@{version}"),
    }
}

const PACKAGES: usize = 40_000;

fn vulnerabilities(rng: &mut Rng) -> Vec<Vulnerability> {
    let mut out = Vec::with_capacity(250_000);
    for i in 0..250_000 {
        if i % 5 < 3 {
            // OSV: one package, one or two ranges.
            let p = rng.below(PACKAGES);
            let (e, name, _, _) = package(p);
            let mut v = Vulnerability::new(format!("GHSA-{i:08}"), KbSource::Osv);
            let a = rng.below(5);
            let events = vec![
                OsvEvent::Introduced(format!("{a}.0.0")),
                OsvEvent::Fixed(format!("{a}.{}.{}", 1 + rng.below(9), rng.below(9))),
            ];
            v.affected.push(AffectedRule::Osv(OsvAffected {
                ecosystem: ECOSYSTEMS[e].0.to_string(),
                name,
                purl: None,
                ranges: vec![OsvRange {
                    range_type: "ECOSYSTEM".into(),
                    repo: None,
                    events,
                }],
                versions: vec![],
                severity: vec![],
            }));
            out.push(v);
        } else {
            // NVD: a CPE with bounds; a third are AND configurations with a platform.
            let vendor = format!("vendor{}", rng.below(5_000));
            let product = format!("product{}", rng.below(20));
            let mut v = Vulnerability::new(format!("CVE-2031-{i:06}"), KbSource::Nvd);
            let vuln = CpeMatch {
                vulnerable: true,
                criteria: format!("cpe:2.3:a:{vendor}:{product}:*:*:*:*:*:*:*:*"),
                match_criteria_id: None,
                version_start_including: Some("1.0".into()),
                version_start_excluding: None,
                version_end_including: None,
                version_end_excluding: Some(format!("{}.{}", 1 + rng.below(4), rng.below(10))),
            };
            let mut nodes = vec![NvdNode {
                operator: BoolOperator::Or,
                negate: false,
                cpe_match: vec![vuln],
            }];
            let and = i % 3 == 0;
            if and {
                nodes.push(NvdNode {
                    operator: BoolOperator::Or,
                    negate: false,
                    cpe_match: vec![CpeMatch {
                        vulnerable: false,
                        criteria: format!(
                            "cpe:2.3:h:{vendor}:device{}:-:*:*:*:*:*:*:*",
                            rng.below(5)
                        ),
                        match_criteria_id: None,
                        version_start_including: None,
                        version_start_excluding: None,
                        version_end_including: None,
                        version_end_excluding: None,
                    }],
                });
            }
            v.affected.push(AffectedRule::Nvd(NvdConfiguration {
                operator: and.then_some(BoolOperator::And),
                negate: false,
                nodes,
            }));
            out.push(v);
        }
    }
    out
}

fn component(rng: &mut Rng, j: usize) -> Component {
    let with_cpe = rng.below(4) == 0;
    let version = format!("{}.{}.{}", rng.below(5), rng.below(10), rng.below(10));
    let p = rng.below(PACKAGES);
    let (_, _, _, name) = package(p);
    Component {
        reference: format!("c{j}"),
        name,
        version: Some(version.clone()),
        group: None,
        kind: ComponentKind::Library,
        supplier: None,
        author: None,
        purls: if with_cpe {
            vec![]
        } else {
            vec![purl(p, &version)]
        },
        cpes: if with_cpe {
            vec![format!(
                "cpe:2.3:a:vendor{}:product{}:{version}:*:*:*:*:*:*:*",
                rng.below(5_000),
                rng.below(20)
            )]
        } else {
            vec![]
        },
        other_ids: vec![],
        hashes: vec![],
        licenses: vec![],
        support_level: None,
        end_of_support: None,
        parent: None,
    }
}

fn time<T>(what: &str, f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let r = f();
    let d = t.elapsed();
    println!("{what:<58} {:>10.1} ms", d.as_secs_f64() * 1000.0);
    (r, d)
}

fn main() {
    let mut rng = Rng(0x9E3779B97F4A7C15);
    let table = VendorTable::builtin();
    let models = models(&mut rng);
    let devices = devices(&mut rng, &models);
    let advisories: Vec<Advisory> = (0..1_500).map(|i| advisory(&mut rng, i, &models)).collect();
    let vulns = vulnerabilities(&mut rng);
    let sboms: Vec<Vec<Component>> = (0..1_000)
        .map(|_| (0..500).map(|j| component(&mut rng, j)).collect())
        .collect();
    let statements: Vec<VexStatement> = (0..2_000)
        .map(|i| VexStatement {
            vulnerability_id: format!("GHSA-{:08}", i * 97),
            aliases: vec![],
            products: vec![VexProduct::Purl {
                purl: purl(i * 13 % PACKAGES, "1.0.0"),
                range: None,
            }],
            status: FindingStatus::NotAffected,
            justification: Some("component_not_present".into()),
            impact_statement: None,
            action_statement: None,
            timestamp: None,
            source: format!("bench#{i}"),
        })
        .collect();
    println!(
        "data: {} devices / {} models, {} SBOMs x {} components, {} vulnerabilities, {} advisories",
        devices.len(),
        models.len(),
        sboms.len(),
        sboms[0].len(),
        vulns.len(),
        advisories.len()
    );
    let new_advisory = advisory(&mut rng, 99_999, &models);
    let mut all_adv = advisories.clone();
    all_adv.push(new_advisory.clone());

    let ((engine, stats), _) = time("index: Engine::new (250k vulns, 1.5k advisories)", || {
        Engine::new(table.clone(), vulns, all_adv, vec![], vec![])
    });
    println!("       {stats:?}");
    let labelled: Vec<(String, Vec<Component>)> = sboms
        .into_iter()
        .enumerate()
        .map(|(i, s)| (format!("sbom:{i}"), s))
        .collect();
    let (n, _) = time("full re-evaluation: 10k devices + 1k SBOMs + VEX", || {
        let (mut f, _) = time("  of which devices", || {
            engine.evaluate_devices_parallel(&devices)
        });
        let (g, _) = time("  of which SBOMs", || engine.evaluate_sboms(&labelled));
        f.extend(g);
        time("  of which VEX", || {
            apply_vex(&mut f, &statements, engine.table())
        });
        f.len()
    });
    println!("       {n} findings");
    let (idx, _) = time("device index for incremental runs (10k devices)", || {
        DeviceIndex::new(&devices, &table)
    });
    let mut samples = Vec::new();
    let mut count = 0;
    for _ in 0..20 {
        let t = Instant::now();
        count = engine.advisory_findings(&new_advisory.id, &idx).len();
        samples.push(t.elapsed());
    }
    samples.sort();
    println!(
        "{:<58} {:>10.2} ms (median of 20; {count} findings)",
        "one new advisory → its affected devices",
        samples[10].as_secs_f64() * 1000.0
    );
    let big: Vec<Component> = (0..1_000).map(|j| component(&mut rng, j)).collect();
    let mut samples = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let mut f = engine.evaluate_sbom("scan", &big);
        apply_vex(&mut f, &statements, engine.table());
        count = f.len();
        samples.push(t.elapsed());
    }
    samples.sort();
    println!(
        "{:<58} {:>10.2} ms (median of 20; {count} findings)",
        "scan: one 1,000-component SBOM, warm index",
        samples[10].as_secs_f64() * 1000.0
    );
    let _ = BTreeMap::<u8, u8>::new();
}
