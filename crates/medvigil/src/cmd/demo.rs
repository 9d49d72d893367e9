//! `medvigil demo`: a fictional hospital, loaded into a scratch data directory, and what
//! medvigil makes of it. Needs no arguments, no network and no setup.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use medvigil_formats::inventory::{self, ReadOptions};
use medvigil_model::Device;
use medvigil_store::{DeviceFilter, DeviceImport, InventoryStore, Store};
use serde::Serialize;

use crate::context::Context;
use crate::exit::input_error;

/// The CMMS export of St. Aurelia Medical Center (see `demo/generate_inventory.py`).
const INVENTORY_CSV: &[u8] = include_bytes!("../../demo/inventory.csv");
const INVENTORY_NAME: &str = "demo/inventory.csv";
/// Marks a directory as the demo's own, so re-running may reset it.
const MARKER: &str = ".medvigil-demo";

/// The demo knowledge base (see `demo/kb/README.md`): CSAF advisories written from the
/// public facts of CISA medical advisories, OSV records and a KEV catalog. Embedded so
/// the demo needs nothing but the binary; written out to the demo directory and
/// imported like any other knowledge base. `embedded_kb_lists_every_file` (below) keeps
/// this list and the folder in step.
macro_rules! demo_kb {
    ($($path:literal),+ $(,)?) => {
        const DEMO_KB: &[(&str, &[u8])] = &[$(($path, include_bytes!(concat!("../../demo/kb/", $path)))),+];
    };
}
demo_kb![
    "README.md",
    "kev.json",
    "osv/GHSA-288c-cq4h-88gq.json",
    "osv/GHSA-jfh8-c2jp-5v3q.json",
    "csaf/icsma-17-250-02a.json",
    "csaf/icsma-17-250-02a.json.sha512",
    "csaf/icsma-18-310-01.json",
    "csaf/icsma-18-310-01.json.sha512",
    "csaf/icsma-19-022-01.json",
    "csaf/icsma-19-022-01.json.sha512",
    "csaf/icsma-20-023-01.json",
    "csaf/icsma-20-023-01.json.sha512",
    "csaf/icsma-20-091-01.json",
    "csaf/icsma-20-091-01.json.sha512",
    "csaf/icsma-20-170-04.json",
    "csaf/icsma-20-170-04.json.sha512",
    "csaf/icsma-20-196-01.json",
    "csaf/icsma-20-196-01.json.sha512",
    "csaf/icsma-20-254-01.json",
    "csaf/icsma-20-254-01.json.sha512",
    "csaf/icsma-20-296-02.json",
    "csaf/icsma-20-296-02.json.sha512",
    "csaf/icsma-20-317-01.json",
    "csaf/icsma-20-317-01.json.sha512",
    "csaf/icsma-21-047-01.json",
    "csaf/icsma-21-047-01.json.sha512",
    "csaf/icsma-21-152-01.json",
    "csaf/icsma-21-152-01.json.sha512",
];

/// Arguments of `medvigil demo`.
#[derive(clap::Args, Debug)]
#[command(
    long_about = "Load St. Aurelia Medical Center, a fictional 350-bed hospital with about 300 \
connected devices over about 40 real product lines, into a scratch data directory and print what \
medvigil sees.\n\nThe demo uses its own directory (by default `demo` inside the platform data \
directory, or --data-dir if given) and resets it on every run; it refuses to touch a non-empty \
directory that it did not create. Afterwards, point other commands at it, e.g. \
`medvigil --data-dir DIR inventory list`."
)]
pub struct Args {
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Use this knowledge base (files, directories, zips: e.g. a synced one, or
    /// ../shared/data/csaf/cisa-ot) instead of the embedded demo knowledge base.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub kb: Vec<PathBuf>,
    /// How many of the most urgent devices to list.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,
}

/// What the demo prints with `--json`.
#[derive(Serialize)]
struct Summary {
    data_dir: PathBuf,
    devices: usize,
    sites: Vec<String>,
    product_lines: usize,
    by_device_class: BTreeMap<String, usize>,
    by_clinical_function: BTreeMap<String, usize>,
    by_network_zone: BTreeMap<String, usize>,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let dir = match &ctx.global.data_dir {
        Some(d) => d.clone(),
        None => ctx.data_dir()?.join("demo"),
    };
    prepare_dir(&dir)?;
    let mut store = medvigil_store::open_sqlite(&dir)
        .with_context(|| format!("creating the demo store in {}", dir.display()))?;

    let inv = inventory::read(INVENTORY_CSV, &ReadOptions::default());
    if let Some(p) = inv.problems.first() {
        // The embedded file is ours: a problem here is a bug, not user input.
        anyhow::bail!("embedded {INVENTORY_NAME}:{p}");
    }
    let devices: Vec<Device> = inv.rows.into_iter().map(|r| r.device).collect();
    store.import_devices(&DeviceImport {
        devices,
        prune: false,
    })?;

    let inventory = summarize(&store, &dir)?;
    let kb_paths = if args.kb.is_empty() {
        vec![write_embedded_kb(&dir)?]
    } else {
        args.kb.clone()
    };
    let kb = import_kb(ctx, &mut store, &kb_paths)?;
    let analysis = super::analyze::analyze(ctx, &mut store, 10)?;
    let urgent = most_urgent(&store, args.top)?;

    let mut out = std::io::stdout().lock();
    if args.json {
        let all = serde_json::json!({
            "inventory": inventory,
            "knowledge_base": kb,
            "analysis": analysis,
            "by_priority": urgent.by_priority,
            "most_urgent": urgent.findings,
        });
        serde_json::to_writer_pretty(&mut out, &all)?;
        writeln!(out)?;
    } else {
        print_summary(&mut out, &inventory)?;
        writeln!(
            out,
            "\nKnowledge base: {} file(s) from {}",
            kb.files, kb.from
        )?;
        writeln!(out)?;
        drop(out);
        super::analyze::print_summary(&analysis)?;
        let mut out = std::io::stdout().lock();
        print_urgent(&mut out, &urgent)?;
        writeln!(
            out,
            "\nNext: medvigil --data-dir {dir} findings --status affected   (or inventory list, risk whatif ...)",
            dir = shell_quote(&dir.display().to_string())
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What the demo imported into its knowledge base.
#[derive(Serialize)]
struct KbSummary {
    from: String,
    files: u64,
    rejected: usize,
}

/// Writes the embedded demo knowledge base under `dir/kb` and returns that folder.
fn write_embedded_kb(dir: &Path) -> anyhow::Result<PathBuf> {
    let root = dir.join("kb");
    if root.exists() {
        std::fs::remove_dir_all(&root).with_context(|| format!("resetting {}", root.display()))?;
    }
    for (rel, bytes) in DEMO_KB {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().expect("embedded paths have a parent"))?;
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(root)
}

fn import_kb(ctx: &Context, store: &mut dyn Store, paths: &[PathBuf]) -> anyhow::Result<KbSummary> {
    let bar = crate::progress::bar(ctx, 0, "knowledge base");
    let mut progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let report = medvigil_kb::import_paths(store, paths, &Default::default(), &mut progress)
        .map_err(|e| input_error(e.to_string()))?;
    bar.finish_and_clear();
    for r in &report.rejections {
        tracing::warn!(path = %r.path, reason = %r.reason, "knowledge-base file rejected");
    }
    Ok(KbSummary {
        from: paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        files: report.files,
        rejected: report.rejections.len(),
    })
}

/// The most urgent affected findings, with their clinical priority.
struct Urgent {
    by_priority: BTreeMap<String, usize>,
    findings: Vec<serde_json::Value>,
}

fn most_urgent(store: &dyn Store, top: usize) -> anyhow::Result<Urgent> {
    use medvigil_model::finding::{AssetRef, FindingFilter, FindingStatus};
    let findings = store.list_findings(&FindingFilter {
        status: Some(FindingStatus::Affected),
        ..Default::default()
    })?;
    let prioritizer =
        crate::priority::Prioritizer::load(store, medvigil_risk::policy::Policy::default())?;
    let mut assessed = Vec::with_capacity(findings.len());
    for f in &findings {
        assessed.push((prioritizer.assess(f)?, f));
    }
    assessed.sort_by(|a, b| {
        b.0.score
            .cmp(&a.0.score)
            .then(a.0.priority.cmp(&b.0.priority))
    });
    let mut by_priority = BTreeMap::new();
    for (e, _) in &assessed {
        *by_priority
            .entry(e.priority.as_str().to_string())
            .or_insert(0) += 1;
    }
    // One row per device, its most urgent finding, so a single device with many CVEs
    // does not fill the list.
    let mut seen = std::collections::HashSet::new();
    let findings = assessed
        .iter()
        .filter(|(_, f)| seen.insert(f.asset.key()))
        .take(top)
        .map(|(e, f)| {
            let asset_id = match &f.asset {
                AssetRef::Device { asset_id, .. } => asset_id.clone(),
                other => other.key(),
            };
            serde_json::json!({
                "priority": e.priority.as_str(),
                "risk_score": e.score,
                "asset_id": asset_id,
                "model": f.model,
                "version": f.version,
                "advisory_id": f.advisory_id,
                "vulnerability_id": f.vulnerability_id,
                "why": e.summary,
            })
        })
        .collect();
    Ok(Urgent {
        by_priority,
        findings,
    })
}

fn print_urgent(out: &mut dyn Write, u: &Urgent) -> std::io::Result<()> {
    if u.findings.is_empty() {
        return Ok(());
    }
    let counts: Vec<String> = u
        .by_priority
        .iter()
        .map(|(p, n)| format!("{p}: {n}"))
        .collect();
    writeln!(
        out,
        "\nAffected findings by clinical priority: {}",
        counts.join(", ")
    )?;
    writeln!(
        out,
        "Most urgent devices (each with its most urgent finding):"
    )?;
    let s = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    };
    let rows: Vec<Vec<String>> = u
        .findings
        .iter()
        .map(|f| {
            [
                "priority",
                "risk_score",
                "asset_id",
                "model",
                "version",
                "advisory_id",
                "vulnerability_id",
                "why",
            ]
            .iter()
            .map(|k| s(&f[*k]))
            .collect()
        })
        .collect();
    crate::table::write(
        out,
        &[
            "P",
            "SCORE",
            "DEVICE",
            "MODEL",
            "VERSION",
            "ADVISORY",
            "VULNERABILITY",
            "WHY",
        ],
        &rows,
        70,
    )
}

/// Creates `dir`, or resets it if it is a previous demo's; refuses anything else.
fn prepare_dir(dir: &Path) -> anyhow::Result<()> {
    let is_ours = dir.join(MARKER).exists();
    let is_empty = std::fs::read_dir(dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(true);
    if !is_ours && !is_empty {
        return Err(input_error(format!(
            "{} is not empty and was not created by `medvigil demo`; the demo resets its \
             directory, so give it an empty or new one with --data-dir",
            dir.display()
        )));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for name in [
        "medvigil.sqlite3",
        "medvigil.sqlite3-wal",
        "medvigil.sqlite3-shm",
    ] {
        match std::fs::remove_file(dir.join(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("resetting {}", dir.display())),
        }
    }
    std::fs::write(
        dir.join(MARKER),
        "created by `medvigil demo`; reset on every run\n",
    )?;
    Ok(())
}

fn summarize(store: &dyn Store, dir: &Path) -> anyhow::Result<Summary> {
    let devices = store.list_devices(&DeviceFilter::default())?;
    let count = |key: &dyn Fn(&Device) -> String| {
        let mut m = BTreeMap::new();
        for d in &devices {
            *m.entry(key(d)).or_insert(0) += 1;
        }
        m
    };
    Ok(Summary {
        data_dir: dir.to_path_buf(),
        devices: devices.len(),
        sites: store.sites()?.into_iter().map(|s| s.name).collect(),
        product_lines: store.device_models()?.len(),
        by_device_class: count(&|d| d.device_class.clone().unwrap_or_else(|| "unknown".into())),
        by_clinical_function: count(&|d| {
            d.clinical_function
                .map_or("unknown".into(), |c| c.to_string())
        }),
        by_network_zone: count(&|d| d.network_zone.map_or("unknown".into(), |z| z.to_string())),
    })
}

fn print_summary(out: &mut dyn Write, s: &Summary) -> std::io::Result<()> {
    writeln!(out, "medvigil demo: {}", s.sites.join(", "))?;
    writeln!(
        out,
        "  {} connected devices, {} manufacturer/model combinations (as the CMMS spells them)",
        s.devices, s.product_lines
    )?;
    writeln!(out, "  data directory: {}", s.data_dir.display())?;
    let section =
        |out: &mut dyn Write, title: &str, m: &BTreeMap<String, usize>| -> std::io::Result<()> {
            writeln!(out, "\n{title}")?;
            let mut v: Vec<_> = m.iter().collect();
            v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            let width = v.iter().map(|(k, _)| k.chars().count()).max().unwrap_or(0);
            for (k, n) in v {
                writeln!(out, "  {k:<width$}  {n:>4}")?;
            }
            Ok(())
        };
    section(out, "Devices by clinical function", &s.by_clinical_function)?;
    section(out, "Devices by network zone", &s.by_network_zone)?;
    section(out, "Devices by class", &s.by_device_class)?;
    writeln!(
        out,
        "\nInventory: medvigil --data-dir {} inventory list",
        shell_quote(&s.data_dir.display().to_string())
    )?;
    Ok(())
}

/// Quotes a path for copy-pasting into a POSIX shell when it needs it.
fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_kb_lists_every_file() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/kb");
        let mut on_disk: Vec<String> = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    on_disk.push(
                        p.strip_prefix(&root)
                            .unwrap()
                            .to_string_lossy()
                            .replace('\\', "/"),
                    );
                }
            }
        }
        on_disk.sort();
        let mut listed: Vec<String> = super::DEMO_KB.iter().map(|(p, _)| p.to_string()).collect();
        listed.sort();
        assert_eq!(
            listed, on_disk,
            "demo/kb and the DEMO_KB list in cmd/demo.rs differ"
        );
    }
}
