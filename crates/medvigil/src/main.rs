//! `medvigil`: the command-line shell over the medvigil libraries.
//!
//! **Invariant:** no domain logic lives here. Each command parses its arguments, calls
//! the libraries, and renders the result for people (text) or scripts (`--json`).
//! `anyhow` is used only in this crate.

mod cmd;
mod context;
mod exit;
mod priority;
mod progress;
mod table;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::context::{Context, GlobalArgs};

/// Medical-device cybersecurity: inventory, SBOMs, vulnerabilities, clinical risk,
/// a guard for infusion-pump programming, and passive network discovery.
#[derive(Parser)]
#[command(name = "medvigil", version, propagate_version = true)]
#[command(after_long_help = "\
Exit status: 0 success, 1 a --fail-on threshold was reached, 2 usage or input error, \
3 internal error.

Start with `medvigil demo`, which loads a fictional hospital into a scratch data directory \
and prints what medvigil sees.")]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load a fictional 350-bed hospital and show what medvigil makes of it.
    Demo(cmd::demo::Args),
    /// Import and query the connected-device inventory.
    #[command(subcommand)]
    Inventory(cmd::inventory::Command),
    /// Check, import and inspect SBOMs (CycloneDX, SPDX).
    #[command(subcommand)]
    Sbom(cmd::sbom::Command),
    /// The vulnerability knowledge base: import, sync, inspect.
    #[command(subcommand)]
    Kb(cmd::kb::Command),
    /// Import VEX statements (CycloneDX VEX, OpenVEX, CSAF VEX).
    #[command(subcommand)]
    Vex(cmd::vex::Command),
    /// Re-evaluate which devices and SBOMs every known vulnerability affects.
    Analyze(cmd::analyze::Args),
    /// List findings (affected assets) with their evidence.
    Findings(cmd::findings::Args),
    /// Scan one SBOM against the knowledge base, like grype or osv-scanner.
    Scan(cmd::scan::Args),
    /// Score CVSS v2, v3.0, v3.1 and v4.0 vectors.
    Cvss(cmd::cvss::Args),
    /// Clinical risk: priorities, what-if analysis, the FDA postmarket call.
    #[command(subcommand)]
    Risk(cmd::risk::Command),
    /// Run the MLLP guard in front of an infusion-pump gateway, or verify its audit log.
    Guard(cmd::guard::Args),
    /// Discover devices and risky traffic from packet captures.
    Netwatch(cmd::netwatch::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    context::init_logging(&cli.global);
    let ctx = Context::new(cli.global);
    let result = match cli.command {
        Command::Demo(a) => cmd::demo::run(&ctx, a),
        Command::Inventory(c) => cmd::inventory::run(&ctx, c),
        Command::Sbom(c) => cmd::sbom::run(&ctx, c),
        Command::Kb(c) => cmd::kb::run(&ctx, c),
        Command::Vex(c) => cmd::vex::run(&ctx, c),
        Command::Analyze(a) => cmd::analyze::run(&ctx, a),
        Command::Findings(a) => cmd::findings::run(&ctx, a),
        Command::Scan(a) => cmd::scan::run(&ctx, a),
        Command::Cvss(a) => cmd::cvss::run(&ctx, a),
        Command::Risk(c) => cmd::risk::run(&ctx, c),
        Command::Guard(a) => cmd::guard::run(&ctx, a),
        Command::Netwatch(a) => cmd::netwatch::run(&ctx, a),
    };
    exit::report(result)
}
