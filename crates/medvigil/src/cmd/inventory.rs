//! `medvigil inventory`: import a CMMS export or FHIR devices, list and show devices.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use medvigil_formats::inventory::{self, ReadOptions};
use medvigil_model::Device;
use medvigil_store::{DeviceFilter, DeviceImport, ImportSummary, Store};
use serde::Serialize;

use crate::context::Context;
use crate::exit::input_error;
use crate::table;

/// Subcommands of `medvigil inventory`.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Import devices from a CMMS CSV export or FHIR R4 Device resources.
    ///
    /// CSV: a header row with the canonical columns
    /// asset_id,manufacturer,model,version,serial,site,department,ip,mac,device_class,
    /// clinical_function,network_zone in any order, or common CMMS names for them
    /// ("Asset Tag", "Equipment ID", "Manufacturer Name", "Model Number",
    /// "Software Version", "Firmware", "IP Address", "MAC Address", "Location", ...).
    /// Unknown columns are kept as attributes. `,`, `;` and tab delimiters are detected.
    /// clinical_function is one of life_sustaining, therapeutic, diagnostic, monitoring,
    /// informational; network_zone one of internet_exposed, hospital_lan, clinical_vlan,
    /// isolated; empty means unknown. Several IPs or MACs are separated by `;`.
    ///
    /// FHIR: one Device resource, a Bundle, or NDJSON (one resource per line).
    ///
    /// Devices are upserted by (site, asset_id). Any problem rejects the whole file
    /// (exit 2, nothing written) unless --skip-invalid is given.
    Import(ImportArgs),
    /// List devices.
    List(ListArgs),
    /// Show one device in full.
    Show(ShowArgs),
}

/// Arguments of `inventory import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The CSV or FHIR JSON/NDJSON file.
    pub file: PathBuf,
    /// Site for records that name none (the file's own site column wins).
    #[arg(long, value_name = "NAME")]
    pub site: Option<String>,
    /// Remove inventory devices of the imported sites that the file no longer lists.
    #[arg(long)]
    pub prune: bool,
    /// Import the valid records and list the invalid ones instead of rejecting the file.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `inventory list`.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Only devices of this site.
    #[arg(long, value_name = "NAME")]
    pub site: Option<String>,
    /// Print a JSON array of devices.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `inventory show`.
#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// The device's asset id.
    pub asset_id: String,
    /// The site, when several sites use the same asset id.
    #[arg(long, value_name = "NAME")]
    pub site: Option<String>,
    /// Print the device as a JSON object.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Import(a) => import(ctx, a),
        Command::List(a) => list(ctx, a),
        Command::Show(a) => show(ctx, a),
    }
}

/// The `--json` summary of an import.
#[derive(Serialize)]
struct ImportReport<'a> {
    file: String,
    format: String,
    records: u64,
    imported: usize,
    rejected: Vec<String>,
    #[serde(flatten)]
    summary: &'a ImportSummary,
}

fn import(ctx: &Context, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let bytes = read_input(&args.file)?;
    let inv = inventory::read(
        &bytes,
        &ReadOptions {
            default_site: args.site.clone(),
        },
    );
    let name = args.file.display().to_string();
    let problems: Vec<String> = inv.problems.iter().map(|p| format!("{name}:{p}")).collect();
    if !problems.is_empty() && !args.skip_invalid {
        // One `file:line:column: reason` per line, for editors and scripts to jump to.
        for p in &problems {
            eprintln!("{p}");
        }
        return Err(input_error(format!(
            "{name}: import rejected: {} problem(s) in {} record(s); nothing was written \
             (fix them, or pass --skip-invalid to import the valid records)",
            problems.len(),
            inv.records,
        )));
    }
    let mut store = ctx.open_store()?;
    let imported = inv.rows.len();
    let devices: Vec<Device> = inv.rows.into_iter().map(|r| r.device).collect();
    let summary = store
        .import_devices(&DeviceImport {
            devices,
            prune: args.prune,
        })
        .with_context(|| format!("importing {name}"))?;
    tracing::info!(file = %name, added = summary.added, updated = summary.updated, "inventory imported");
    let mut out = std::io::stdout().lock();
    if args.json {
        let report = ImportReport {
            file: name,
            format: inv.format.to_string(),
            records: inv.records,
            imported,
            rejected: problems,
            summary: &summary,
        };
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        for p in &problems {
            eprintln!("{p} (skipped)");
        }
        writeln!(
            out,
            "{name} ({}): {} record(s): {} added, {} updated, {} unchanged{}{}",
            inv.format,
            inv.records,
            summary.added,
            summary.updated,
            summary.unchanged,
            if args.prune {
                format!(", {} removed", summary.removed)
            } else {
                String::new()
            },
            if problems.is_empty() {
                String::new()
            } else {
                format!(", {} skipped as invalid", problems.len())
            },
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads an input file; an unreadable file is the user's error (exit 2).
pub fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| input_error(format!("{}: cannot read: {e}", path.display())))
}

fn list(ctx: &Context, args: ListArgs) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let devices = store.list_devices(&DeviceFilter {
        site: args.site,
        asset_id: None,
    })?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &devices)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    let rows: Vec<Vec<String>> = devices
        .iter()
        .map(|d| {
            vec![
                d.site.clone(),
                d.asset_id.clone(),
                opt(&d.manufacturer),
                opt(&d.model),
                opt(&d.version),
                opt(&d.device_class),
                d.clinical_function
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                d.network_zone.map(|z| z.to_string()).unwrap_or_default(),
                d.ips.first().map(ToString::to_string).unwrap_or_default(),
            ]
        })
        .collect();
    table::write(
        &mut out,
        &[
            "SITE",
            "ASSET_ID",
            "MANUFACTURER",
            "MODEL",
            "VERSION",
            "CLASS",
            "FUNCTION",
            "ZONE",
            "IP",
        ],
        &rows,
        28,
    )?;
    writeln!(out, "{} device(s)", devices.len())?;
    Ok(ExitCode::SUCCESS)
}

fn show(ctx: &Context, args: ShowArgs) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let device = find_device(store.as_ref(), &args.asset_id, args.site.as_deref())?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &device)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let join = |v: Vec<String>| v.join(", ");
    let mut fields: Vec<(&str, String)> = vec![
        ("asset_id", device.asset_id.clone()),
        ("site", device.site.clone()),
        (
            "manufacturer",
            device.manufacturer.clone().unwrap_or_default(),
        ),
        ("model", device.model.clone().unwrap_or_default()),
        ("version", device.version.clone().unwrap_or_default()),
        ("serial", device.serial.clone().unwrap_or_default()),
        ("department", device.department.clone().unwrap_or_default()),
        (
            "ip",
            join(device.ips.iter().map(ToString::to_string).collect()),
        ),
        (
            "mac",
            join(device.macs.iter().map(ToString::to_string).collect()),
        ),
        (
            "device_class",
            device.device_class.clone().unwrap_or_default(),
        ),
        (
            "clinical_function",
            device
                .clinical_function
                .map(|c| c.to_string())
                .unwrap_or_else(|| "unknown".into()),
        ),
        (
            "network_zone",
            device
                .network_zone
                .map(|z| z.to_string())
                .unwrap_or_else(|| "unknown".into()),
        ),
        ("origin", device.origin.as_str().to_string()),
    ];
    fields.extend(
        device
            .attributes
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone())),
    );
    let width = fields
        .iter()
        .map(|f| f.0.chars().count())
        .max()
        .unwrap_or(0);
    for (k, v) in fields {
        writeln!(out, "{k:<width$}  {v}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The one device with this asset id (in `site` if given); ambiguity and absence are
/// input errors that say how to resolve them.
pub fn find_device(
    store: &dyn Store,
    asset_id: &str,
    site: Option<&str>,
) -> anyhow::Result<Device> {
    let mut found = store.list_devices(&DeviceFilter {
        site: site.map(str::to_string),
        asset_id: Some(asset_id.to_string()),
    })?;
    match found.len() {
        0 => Err(input_error(match site {
            Some(s) => format!("no device with asset id {asset_id:?} in site {s:?}"),
            None => format!("no device with asset id {asset_id:?} (see `medvigil inventory list`)"),
        })),
        1 => Ok(found.remove(0)),
        _ => Err(input_error(format!(
            "asset id {asset_id:?} exists in several sites ({}); pass --site",
            found
                .iter()
                .map(|d| d.site.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}
