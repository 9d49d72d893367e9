//! `medvigil sbom`: check, import, list and show SBOMs (CycloneDX, SPDX).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use medvigil_formats::sbom::{self, CheckReport, SbomError, Severity};
use medvigil_model::sbom::{FirmwareTarget, Sbom, SbomSummary};
use serde::Serialize;

use crate::context::Context;
use crate::exit::{self, input_error};
use crate::table;

/// Subcommands of `medvigil sbom`.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Validate an SBOM and score its completeness.
    ///
    /// Reads CycloneDX JSON or XML 1.2-1.7, SPDX 2.2/2.3 JSON or tag-value, or SPDX 3.0
    /// JSON-LD (detected from the content; gzip accepted). Checks the structure against
    /// the format's schema rules, then semantics (duplicate bom-refs / SPDX ids, dangling
    /// dependency references, malformed purls and CPEs, missing versions), and scores
    /// completeness against the NTIA minimum elements plus FDA support level and end of
    /// support, per component and overall. Exit 2 when the document is invalid.
    Check(CheckArgs),
    /// Store an SBOM against a device model and firmware version.
    ///
    /// `--model "MANUFACTURER MODEL"` is split at the first space ("Acme InfuMax 3000":
    /// manufacturer Acme, model "InfuMax 3000"); give `--manufacturer` for a manufacturer
    /// of several words, and `--model` is then the model alone. Models and versions are
    /// matched ignoring case, which is also how inventory devices link to them. A
    /// structurally invalid document is refused (exit 2) and nothing is stored.
    #[command(disable_version_flag = true)]
    Import(ImportArgs),
    /// List stored SBOMs, newest first.
    List(ListArgs),
    /// Show one stored SBOM: its components and the inventory devices running it.
    Show(ShowArgs),
}

/// Arguments of `sbom check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The SBOM file.
    pub file: PathBuf,
    /// List every component's missing elements, not only the first 20.
    #[arg(long)]
    pub all: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `sbom import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The SBOM file.
    pub file: PathBuf,
    /// "MANUFACTURER MODEL", or the model alone when --manufacturer is given.
    #[arg(long, value_name = "MODEL")]
    pub model: String,
    /// The manufacturer, when it has several words ("GE Healthcare").
    #[arg(long, value_name = "NAME")]
    pub manufacturer: Option<String>,
    /// The firmware version the SBOM describes.
    #[arg(long = "version", value_name = "FIRMWARE")]
    pub firmware: String,
    /// Print the stored SBOM's summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `sbom list`.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Print a JSON array.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `sbom show`.
#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// The SBOM's id (from `sbom list` or `sbom import`).
    pub id: i64,
    /// Print the SBOM (all components and edges) as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Check(a) => check(a),
        Command::Import(a) => import(ctx, a),
        Command::List(a) => list(ctx, a),
        Command::Show(a) => show(ctx, a),
    }
}

/// Reads a file, refusing sizes past the parser's cap before reading it.
fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if meta.len() > sbom::MAX_DOCUMENT_BYTES {
        return Err(input_error(format!(
            "{}: {} MB is larger than the {} MB medvigil accepts for an SBOM",
            path.display(),
            meta.len() / (1024 * 1024),
            sbom::MAX_DOCUMENT_BYTES / (1024 * 1024)
        )));
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn parse(path: &Path) -> anyhow::Result<Result<Sbom, SbomError>> {
    Ok(sbom::parse(&read(path)?))
}

/// The `--json` report of `sbom check`.
#[derive(Serialize)]
struct CheckJson<'a> {
    file: String,
    valid: bool,
    format: Option<&'a str>,
    spec_version: Option<&'a str>,
    components: usize,
    dependencies: usize,
    /// The structural error, when the document could not be read.
    error: Option<ErrorJson<'a>>,
    findings: Vec<&'a sbom::Finding>,
    completeness: Option<&'a sbom::Completeness>,
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    line: Option<u64>,
    column: Option<u64>,
    path: Option<&'a str>,
    message: &'a str,
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let file = args.file.display().to_string();
    let parsed = parse(&args.file)?;
    let (parsed, error) = match parsed {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(e)),
    };
    let report: Option<(Sbom, CheckReport)> = parsed.map(|s| {
        let r = sbom::check(&s);
        (s, r)
    });
    let valid = report.as_ref().is_some_and(|(_, r)| !r.has_errors());
    let mut out = std::io::stdout().lock();
    if args.json {
        let j = CheckJson {
            file: file.clone(),
            valid,
            format: report.as_ref().map(|(s, _)| s.format.as_str()),
            spec_version: report.as_ref().map(|(s, _)| s.spec_version.as_str()),
            components: report.as_ref().map_or(0, |(s, _)| s.components.len()),
            dependencies: report
                .as_ref()
                .map_or(0, |(s, _)| s.dependencies.iter().map(|d| d.to.len()).sum()),
            error: error.as_ref().map(|e| ErrorJson {
                line: e.line,
                column: e.column,
                path: e.path.as_deref(),
                message: &e.message,
            }),
            findings: report
                .as_ref()
                .map(|(_, r)| r.findings.iter().collect())
                .unwrap_or_default(),
            completeness: report.as_ref().map(|(_, r)| &r.completeness),
        };
        serde_json::to_writer_pretty(&mut out, &j)?;
        writeln!(out)?;
        return Ok(ExitCode::from(if valid { exit::OK } else { exit::INPUT }));
    }
    let (s, r) = match (error, report) {
        (Some(e), _) => return Err(input_error(format!("{file}: invalid SBOM: {e}"))),
        (None, Some(x)) => x,
        (None, None) => unreachable!("a document either parses or has an error"),
    };
    let edges: usize = s.dependencies.iter().map(|d| d.to.len()).sum();
    writeln!(
        out,
        "{file}: {} {} {}, {} components, {} dependency edges",
        if valid { "valid" } else { "INVALID" },
        format_name(&s),
        s.spec_version,
        s.components.len(),
        edges
    )?;
    for f in &r.findings {
        let sev = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(out, "  {sev}[{}] {}: {}", f.code, f.location, f.message)?;
    }
    let c = &r.completeness;
    writeln!(
        out,
        "\nCompleteness (NTIA minimum elements + FDA support fields): {:.1}%",
        c.percent
    )?;
    let rows: Vec<Vec<String>> = c
        .elements
        .iter()
        .map(|e| {
            vec![
                e.element.to_string(),
                format!("{}/{}", e.present, e.total),
                format!("{:.1}%", e.percent),
            ]
        })
        .collect();
    table::write(&mut out, &["ELEMENT", "PRESENT", "COVERAGE"], &rows, 60)?;
    let incomplete: Vec<_> = c
        .components
        .iter()
        .filter(|x| !x.missing.is_empty())
        .collect();
    if !incomplete.is_empty() {
        writeln!(out, "\nComponents missing elements ({}):", incomplete.len())?;
        let shown = if args.all { incomplete.len() } else { 20 };
        let rows: Vec<Vec<String>> = incomplete
            .iter()
            .take(shown)
            .map(|x| vec![x.name.clone(), x.reference.clone(), x.missing.join(", ")])
            .collect();
        // MISSING can list all seven elements: let it be long.
        table::write(&mut out, &["COMPONENT", "REFERENCE", "MISSING"], &rows, 120)?;
        if incomplete.len() > shown {
            writeln!(
                out,
                "... and {} more (--all lists them)",
                incomplete.len() - shown
            )?;
        }
    }
    Ok(ExitCode::from(if valid { exit::OK } else { exit::INPUT }))
}

fn format_name(s: &Sbom) -> &'static str {
    use medvigil_model::sbom::SbomFormat::*;
    match s.format {
        CyclonedxJson => "CycloneDX JSON",
        CyclonedxXml => "CycloneDX XML",
        SpdxJson => "SPDX JSON",
        SpdxTagValue => "SPDX tag-value",
        Spdx3JsonLd => "SPDX 3 JSON-LD",
    }
}

/// Splits `--model` into (manufacturer, model) as documented on `sbom import`.
fn firmware_target(args: &ImportArgs) -> anyhow::Result<FirmwareTarget> {
    let (manufacturer, model) = match &args.manufacturer {
        Some(m) => (m.trim().to_string(), args.model.trim().to_string()),
        None => match args.model.trim().split_once(char::is_whitespace) {
            Some((m, rest)) if !rest.trim().is_empty() => (m.to_string(), rest.trim().to_string()),
            _ => {
                return Err(input_error(format!(
                    "--model {:?} must be \"MANUFACTURER MODEL\" (or give --manufacturer)",
                    args.model
                )));
            }
        },
    };
    if manufacturer.is_empty() || model.is_empty() || args.firmware.trim().is_empty() {
        return Err(input_error(
            "manufacturer, model and firmware version must not be empty",
        ));
    }
    Ok(FirmwareTarget {
        manufacturer,
        model,
        firmware_version: args.firmware.trim().to_string(),
    })
}

/// The `--json` result of `sbom import`.
#[derive(Serialize)]
struct ImportJson<'a> {
    sbom: &'a SbomSummary,
    /// The id of the earlier copy of the same document this import replaced.
    replaced: Option<i64>,
    completeness_percent: f64,
    errors: usize,
    warnings: usize,
}

fn import(ctx: &Context, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let target = firmware_target(&args)?;
    let file = args.file.display().to_string();
    // Big SBOMs take a moment to parse and store: show that something is happening.
    let spinner = crate::progress::spinner(ctx, "importing SBOM");
    let s = parse(&args.file)?
        .map_err(|e| input_error(format!("{file}: invalid SBOM, nothing stored: {e}")))?;
    let report = sbom::check(&s);
    let mut store = ctx.open_store()?;
    // The store replaces an earlier copy of the same document for the same firmware;
    // find it first, to tell the user.
    let replaced = match &s.serial {
        None => None,
        Some(serial) => store
            .list_sboms()?
            .into_iter()
            .find(|o| {
                o.manufacturer.eq_ignore_ascii_case(&target.manufacturer)
                    && o.model.eq_ignore_ascii_case(&target.model)
                    && o.firmware_version
                        .eq_ignore_ascii_case(&target.firmware_version)
                    && o.serial.as_deref() == Some(serial.as_str())
                    && o.revision == s.revision
            })
            .map(|o| o.id),
    };
    let source = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let summary = store
        .import_sbom(&target, &s, source.as_deref())
        .with_context(|| format!("storing {file}"))?;
    spinner.finish_and_clear();
    let errors = report
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = report.findings.len() - errors;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(
            &mut out,
            &ImportJson {
                sbom: &summary,
                replaced,
                completeness_percent: report.completeness.percent,
                errors,
                warnings,
            },
        )?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "stored SBOM {} for {} {} firmware {}: {} {}, {} components, {} dependency edges, completeness {:.1}%",
            summary.id,
            summary.manufacturer,
            summary.model,
            summary.firmware_version,
            format_name(&s),
            summary.spec_version,
            summary.component_count,
            summary.dependency_count,
            report.completeness.percent
        )?;
        if let Some(old) = replaced {
            writeln!(
                out,
                "(replaces SBOM {old}: the same document for the same firmware)"
            )?;
        }
        if errors + warnings > 0 {
            writeln!(
                out,
                "{errors} semantic errors, {warnings} warnings: run `medvigil sbom check {file}` for details"
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn list(ctx: &Context, args: ListArgs) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let sboms = store.list_sboms()?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &sboms)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if sboms.is_empty() {
        writeln!(
            out,
            "no SBOMs stored; add one with `medvigil sbom import FILE --model \"MANUFACTURER MODEL\" --version FIRMWARE`"
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = sboms
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.manufacturer.clone(),
                s.model.clone(),
                s.firmware_version.clone(),
                format!("{} {}", s.format, s.spec_version),
                s.component_count.to_string(),
                s.imported_at.clone(),
            ]
        })
        .collect();
    table::write(
        &mut out,
        &[
            "ID",
            "MANUFACTURER",
            "MODEL",
            "FIRMWARE",
            "FORMAT",
            "COMPONENTS",
            "IMPORTED",
        ],
        &rows,
        40,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// The `--json` output of `sbom show`.
#[derive(Serialize)]
struct ShowJson<'a> {
    summary: &'a SbomSummary,
    sbom: &'a Sbom,
    devices: Vec<DeviceRef>,
}

#[derive(Serialize)]
struct DeviceRef {
    site: String,
    asset_id: String,
}

fn show(ctx: &Context, args: ShowArgs) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let Some((summary, s)) = store.get_sbom(args.id)? else {
        return Err(input_error(format!(
            "no SBOM with id {}; `medvigil sbom list` shows the stored ones",
            args.id
        )));
    };
    let devices: Vec<DeviceRef> = store
        .devices_for_sbom(args.id)?
        .into_iter()
        .map(|(site, asset_id)| DeviceRef { site, asset_id })
        .collect();
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(
            &mut out,
            &ShowJson {
                summary: &summary,
                sbom: &s,
                devices,
            },
        )?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "SBOM {}: {} {} firmware {}",
        summary.id, summary.manufacturer, summary.model, summary.firmware_version
    )?;
    writeln!(
        out,
        "  format {} {}, created {}, by {}",
        format_name(&s),
        s.spec_version,
        s.timestamp.as_deref().unwrap_or("(no timestamp)"),
        if s.authors.is_empty() {
            "(no author)".to_string()
        } else {
            s.authors.join(", ")
        }
    )?;
    if let Some(serial) = &s.serial {
        writeln!(out, "  serial {serial}")?;
    }
    writeln!(
        out,
        "  {} components, {} dependency edges, imported {} from {}",
        summary.component_count,
        summary.dependency_count,
        summary.imported_at,
        summary.source.as_deref().unwrap_or("?")
    )?;
    writeln!(out)?;
    let rows: Vec<Vec<String>> = s
        .components
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.version.clone().unwrap_or_default(),
                c.kind.to_string(),
                c.supplier.clone().unwrap_or_default(),
                c.purls
                    .first()
                    .or(c.cpes.first())
                    .cloned()
                    .unwrap_or_default(),
                c.end_of_support.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table::write(
        &mut out,
        &[
            "COMPONENT",
            "VERSION",
            "TYPE",
            "SUPPLIER",
            "PURL/CPE",
            "END OF SUPPORT",
        ],
        &rows,
        50,
    )?;
    writeln!(out)?;
    if devices.is_empty() {
        writeln!(
            out,
            "no inventory device runs this model and firmware version"
        )?;
    } else {
        writeln!(out, "inventory devices running it ({}):", devices.len())?;
        for d in &devices {
            writeln!(out, "  {} / {}", d.site, d.asset_id)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(model: &str, manufacturer: Option<&str>) -> ImportArgs {
        ImportArgs {
            file: PathBuf::from("x"),
            model: model.into(),
            manufacturer: manufacturer.map(str::to_string),
            firmware: "2.1".into(),
            json: false,
        }
    }

    #[test]
    fn model_argument_splits_at_the_first_space() {
        let t = firmware_target(&args("Acme InfuMax 3000", None)).unwrap();
        assert_eq!(
            (t.manufacturer.as_str(), t.model.as_str()),
            ("Acme", "InfuMax 3000")
        );
        let t = firmware_target(&args("CARESCAPE B450", Some("GE Healthcare"))).unwrap();
        assert_eq!(
            (t.manufacturer.as_str(), t.model.as_str()),
            ("GE Healthcare", "CARESCAPE B450")
        );
        assert!(firmware_target(&args("Acme", None)).is_err());
    }
}
