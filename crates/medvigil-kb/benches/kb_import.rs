//! Knowledge-base benchmarks (a plain timing binary: `cargo bench -p medvigil-kb`).
//!
//! 1. Every advisory file of the corpus (CSAF, OSV Go/RustSec/PyPI, CVE 5, KEV, NVD)
//!    into a fresh on-disk store.
//! 2. A generated NVD-shaped set of 250,000 CVEs (125 API-response pages of 2,000, the
//!    API's page size), built from the shapes of the corpus's real NVD records, into a
//!    fresh store; reports the peak resident memory of the process.
//! 3. `kb show`'s work: alias lookup plus merge, on a store holding the corpus.
//!
//! The corpus root comes from `MEDVIGIL_CORPUS` (default `../shared/data` from the
//! workspace root). Set `KB_BENCH_NVD=<n>` to change the generated set's size.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use medvigil_kb::{ImportOptions, import_paths};
use medvigil_store::{KbStore, open_sqlite};

fn corpus_root() -> PathBuf {
    let root = std::env::var_os("MEDVIGIL_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data"));
    let ws = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    if root.is_relative() {
        ws.join(root)
    } else {
        root
    }
}

/// Peak resident set size of this process, from /proc (Linux).
fn peak_rss_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn corpus_import(root: &Path) -> PathBuf {
    let paths: Vec<PathBuf> = [
        "csaf/cisa-ot",
        "osv/go",
        "osv/rustsec",
        "osv/pypi",
        "cve5",
        "kev",
        "nvd",
    ]
    .iter()
    .map(|p| root.join(p))
    .collect();
    let dir = tempfile::tempdir().unwrap().keep();
    let mut store = open_sqlite(&dir).unwrap();
    let t = Instant::now();
    let r = import_paths(
        &mut store,
        &paths,
        &ImportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    let el = t.elapsed();
    let records: u64 = r.counts.values().map(|c| c.new).sum();
    println!(
        "corpus import: {} files, {records} records, {} rejected, {:.2} s",
        r.files,
        r.rejections.len(),
        el.as_secs_f64()
    );
    dir
}

/// Writes `n` NVD records as API pages, varying the corpus's real records.
fn generate_nvd(root: &Path, out: &Path, n: usize) -> usize {
    let templates: Vec<serde_json::Value> =
        medvigil_testkit::files_under(&root.join("nvd"), |f| f.ends_with(".json"))
            .iter()
            .map(|f| serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap())
            .collect();
    let page = 2000;
    let mut written = 0;
    let mut files = 0;
    while written < n {
        let count = page.min(n - written);
        let items: Vec<serde_json::Value> = (0..count)
            .map(|i| {
                let k = written + i;
                let mut cve = templates[k % templates.len()].clone();
                cve["id"] = format!("CVE-{}-{:06}", 2000 + k % 25, k).into();
                cve["lastModified"] =
                    format!("2025-{:02}-{:02}T00:00:00.000", 1 + k % 12, 1 + k % 28).into();
                serde_json::json!({ "cve": cve })
            })
            .collect();
        let doc = serde_json::json!({
            "resultsPerPage": count, "startIndex": written, "totalResults": n,
            "format": "NVD_CVE", "version": "2.0", "timestamp": "2025-06-01T00:00:00.000",
            "vulnerabilities": items
        });
        std::fs::write(
            out.join(format!("nvd-page-{files:04}.json")),
            serde_json::to_vec(&doc).unwrap(),
        )
        .unwrap();
        written += count;
        files += 1;
    }
    files
}

fn main() {
    // `cargo bench` passes `--bench`; ignore arguments.
    let root = corpus_root();
    if !root.join("nvd").exists() {
        eprintln!(
            "corpus not found at {}; set MEDVIGIL_CORPUS",
            root.display()
        );
        return;
    }
    let n: usize = std::env::var("KB_BENCH_NVD")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(250_000);

    let corpus_store = corpus_import(&root);

    let store = open_sqlite(&corpus_store).unwrap();
    let ids = [
        "CVE-2017-0144",
        "GHSA-6vm3-jj99-7229",
        "icsma-20-023-01",
        "PYSEC-2022-182",
        "RUSTSEC-2023-0090",
        "CVE-2021-44228",
    ];
    let mut worst = Duration::ZERO;
    let mut total = Duration::ZERO;
    let rounds = 50;
    for _ in 0..rounds {
        for id in ids {
            let t = Instant::now();
            let found = store.kb_lookup(id).unwrap();
            let _ = medvigil_kb::merge(&found, id);
            let el = t.elapsed();
            worst = worst.max(el);
            total += el;
        }
    }
    println!(
        "kb show (lookup + merge): mean {:.3} ms, worst {:.3} ms over {} lookups",
        total.as_secs_f64() * 1000.0 / (rounds * ids.len()) as f64,
        worst.as_secs_f64() * 1000.0,
        rounds * ids.len()
    );
    drop(store);
    let _ = std::fs::remove_dir_all(&corpus_store);

    let gen_dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let files = generate_nvd(&root, gen_dir.path(), n);
    let bytes: u64 = std::fs::read_dir(gen_dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.metadata().unwrap().len())
        .sum();
    println!(
        "generated {n} NVD records in {files} files ({:.0} MiB) in {:.1} s; peak RSS so far {:.0} MiB",
        bytes as f64 / (1 << 20) as f64,
        t.elapsed().as_secs_f64(),
        peak_rss_mib().unwrap_or(0.0)
    );
    // Parsing alone (all cores), to tell parse cost from write cost.
    let t = Instant::now();
    let mut parsed = 0usize;
    for e in std::fs::read_dir(gen_dir.path()).unwrap().flatten() {
        let bytes = std::fs::read(e.path()).unwrap();
        parsed += medvigil_formats::kb::parse_nvd(&bytes).unwrap().len();
    }
    println!(
        "NVD parse only (one thread): {parsed} records in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let data = tempfile::tempdir().unwrap();
    let mut store = open_sqlite(data.path()).unwrap();
    let t = Instant::now();
    let r = import_paths(
        &mut store,
        &[gen_dir.path().to_path_buf()],
        &ImportOptions::default(),
        &mut |_, _| {},
    )
    .unwrap();
    let el = t.elapsed();
    let nvd = r
        .counts
        .get(&medvigil_model::vuln::KbSource::Nvd)
        .map_or(0, |c| c.new);
    println!(
        "NVD import: {nvd} records in {:.1} s ({:.0} records/s); peak RSS {:.0} MiB",
        el.as_secs_f64(),
        nvd as f64 / el.as_secs_f64(),
        peak_rss_mib().unwrap_or(0.0)
    );
}
