//! `medvigil vex`: import VEX statements (OpenVEX, CycloneDX VEX, CSAF VEX).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::context::Context;
use crate::exit::input_error;

/// Subcommands of `medvigil vex`.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Import the statements of a VEX document (format detected from the content).
    ///
    /// Statements apply at the next `medvigil analyze`: a `not_affected` statement with
    /// a justification suppresses a finding but keeps it listed; `fixed` and
    /// `under_investigation` are shown as such.
    Import(ImportArgs),
    /// List the stored VEX statements.
    List(ListArgs),
}

/// Arguments of `vex import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// The VEX document.
    pub file: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `vex list`.
#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Print a JSON array of statements.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Import(a) => import(ctx, a),
        Command::List(a) => list(ctx, a),
    }
}

fn import(ctx: &Context, args: ImportArgs) -> anyhow::Result<ExitCode> {
    let name = args.file.display().to_string();
    let bytes =
        std::fs::read(&args.file).map_err(|e| input_error(format!("{name}: cannot read: {e}")))?;
    let doc =
        medvigil_formats::vex::parse_vex(&bytes, &name).map_err(|e| input_error(e.to_string()))?;
    let mut store = ctx.open_store()?;
    let report = store
        .import_vex(&name, &doc.statements)
        .context("storing VEX statements")?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "file": name, "format": doc.format.to_string(), "statements": doc.statements.len(),
                "added": report.added, "updated": report.updated, "unchanged": report.unchanged,
                "diagnostics": doc.diagnostics,
            }))?
        );
    } else {
        println!(
            "{name}: {} ({} statements: {} new, {} updated, {} unchanged).",
            doc.format,
            doc.statements.len(),
            report.added,
            report.updated,
            report.unchanged
        );
        for d in &doc.diagnostics {
            eprintln!("note: {d}");
        }
        println!("Run `medvigil analyze` to apply them to the findings.");
    }
    Ok(ExitCode::SUCCESS)
}

fn list(ctx: &Context, args: ListArgs) -> anyhow::Result<ExitCode> {
    let store = ctx.open_store()?;
    let statements = store.vex_statements()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&statements)?);
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = statements
        .iter()
        .map(|s| {
            vec![
                s.vulnerability_id.clone(),
                s.status.to_string(),
                s.justification.clone().unwrap_or_default(),
                s.products.len().to_string(),
                s.source.clone(),
            ]
        })
        .collect();
    crate::table::write(
        &mut std::io::stdout(),
        &[
            "VULNERABILITY",
            "STATUS",
            "JUSTIFICATION",
            "PRODUCTS",
            "SOURCE",
        ],
        &rows,
        70,
    )?;
    Ok(ExitCode::SUCCESS)
}
