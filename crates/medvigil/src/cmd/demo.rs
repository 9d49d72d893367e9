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

    let summary = summarize(&store, &dir)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
    } else {
        print_summary(&mut out, &summary)?;
    }
    Ok(ExitCode::SUCCESS)
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
        "\nNext: medvigil --data-dir {} inventory list",
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
