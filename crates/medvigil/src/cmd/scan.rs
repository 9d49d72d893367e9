//! `medvigil scan`: one SBOM against the knowledge base, like grype or osv-scanner.

use std::path::PathBuf;
use std::process::ExitCode;

use medvigil_match::vex::apply_vex;
use medvigil_model::finding::FindingStatus;
use medvigil_model::vuln::Vulnerability;
use serde::Serialize;

use crate::cmd::findings::FindingJson;
use crate::context::Context;
use crate::exit::{self, input_error};

/// Severity levels, lowest first (CVSS qualitative ratings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// No score or 0.0.
    None,
    /// 0.1-3.9.
    Low,
    /// 4.0-6.9.
    Medium,
    /// 7.0-8.9.
    High,
    /// 9.0-10.0.
    Critical,
}

impl Severity {
    fn from_score(s: f64) -> Severity {
        match s {
            s if s >= 9.0 => Severity::Critical,
            s if s >= 7.0 => Severity::High,
            s if s >= 4.0 => Severity::Medium,
            s if s > 0.0 => Severity::Low,
            _ => Severity::None,
        }
    }

    fn from_text(t: &str) -> Option<Severity> {
        Some(match t.to_ascii_lowercase().as_str() {
            "critical" => Severity::Critical,
            "high" => Severity::High,
            "medium" | "moderate" => Severity::Medium,
            "low" => Severity::Low,
            "none" => Severity::None,
            _ => return None,
        })
    }

    /// The highest severity any score of the record gives.
    fn of(v: Option<&Vulnerability>) -> Severity {
        let Some(v) = v else { return Severity::None };
        v.scores
            .iter()
            .filter_map(|s| {
                s.base_score
                    // OSV gives only the vector: score it.
                    .or_else(|| {
                        s.vector
                            .parse::<medvigil_risk::cvss::Cvss>()
                            .ok()
                            .map(|c| c.scores().base)
                    })
                    .map(Severity::from_score)
                    .or_else(|| s.severity.as_deref().and_then(Severity::from_text))
            })
            .max()
            .unwrap_or(Severity::None)
    }
}

/// Arguments of `medvigil scan`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The SBOM (CycloneDX JSON/XML, SPDX JSON/tag-value/3.0; gzip accepted).
    pub sbom: PathBuf,
    /// Print a JSON array of findings (each with a "severity" field).
    #[arg(long)]
    pub json: bool,
    /// Exit 1 when an affected (not VEX-suppressed) finding has at least this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<Severity>,
}

#[derive(Serialize)]
struct ScanFinding<'a> {
    #[serde(flatten)]
    finding: FindingJson<'a>,
    component: Option<&'a str>,
    severity: Severity,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let name = args.sbom.display().to_string();
    let bytes =
        std::fs::read(&args.sbom).map_err(|e| input_error(format!("{name}: cannot read: {e}")))?;
    let sbom =
        medvigil_formats::sbom::parse(&bytes).map_err(|e| input_error(format!("{name}: {e}")))?;
    let store = ctx.open_store()?;
    let (engine, _) = crate::cmd::analyze::load_engine(ctx, store.as_ref())?;
    let label = sbom.serial.clone().unwrap_or_else(|| name.clone());
    let mut findings = crate::cmd::analyze::dedupe(engine.evaluate_sbom(&label, &sbom.components));
    apply_vex(&mut findings, &store.vex_statements()?, engine.table());
    let rows: Vec<ScanFinding> = findings
        .iter()
        .map(|f| ScanFinding {
            finding: FindingJson::new(f),
            component: f.model.as_deref(),
            severity: Severity::of(engine.vulnerability(&f.vulnerability_id)),
        })
        .collect();
    // Suppressed, fixed and under-investigation findings do not trip the threshold.
    let tripped = args.fail_on.is_some_and(|t| {
        rows.iter()
            .zip(&findings)
            .any(|(r, f)| f.status == FindingStatus::Affected && r.severity >= t)
    });
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else if rows.is_empty() {
        println!(
            "{name}: {} components, no known vulnerabilities.",
            sbom.components.len()
        );
    } else {
        let table: Vec<Vec<String>> = rows
            .iter()
            .zip(&findings)
            .map(|(r, f)| {
                vec![
                    f.model.clone().unwrap_or_default(),
                    f.version.clone().unwrap_or_default(),
                    f.vulnerability_id.clone(),
                    format!("{:?}", r.severity).to_lowercase(),
                    if f.is_suppressed() {
                        "not_affected (VEX)".into()
                    } else {
                        f.status.to_string()
                    },
                    f.matcher().to_string(),
                    f.details
                        .first()
                        .and_then(|d| d.range.clone())
                        .unwrap_or_default(),
                ]
            })
            .collect();
        crate::table::write(
            &mut std::io::stdout(),
            &[
                "COMPONENT",
                "VERSION",
                "VULNERABILITY",
                "SEVERITY",
                "STATUS",
                "MATCHER",
                "RANGE",
            ],
            &table,
            60,
        )?;
        println!(
            "\n{name}: {} components, {} findings.",
            sbom.components.len(),
            rows.len()
        );
    }
    if tripped {
        if !args.json {
            eprintln!(
                "medvigil: --fail-on {:?}: threshold reached",
                args.fail_on.expect("tripped implies set")
            );
        }
        return Ok(ExitCode::from(exit::THRESHOLD));
    }
    Ok(ExitCode::SUCCESS)
}
