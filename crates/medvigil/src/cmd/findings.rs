//! `medvigil findings`: list findings with their evidence.

use std::io::Write as _;
use std::process::ExitCode;

use medvigil_model::finding::{
    AssetRef, Finding, FindingFilter, FindingStatus, MatchDetails, VexApplied,
};
use medvigil_risk::priority::Explanation;
use serde::Serialize;

use crate::context::Context;
use crate::exit::input_error;

/// Arguments of `medvigil findings`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print a JSON array (fields: asset_id, site, asset, model, version, advisory_id,
    /// vulnerability_id, status, matched_status, suppressed, matcher, confidence,
    /// evidence, vex).
    #[arg(long)]
    pub json: bool,
    /// Only this device (asset id).
    #[arg(long, value_name = "ID")]
    pub asset: Option<String>,
    /// Only this site.
    #[arg(long)]
    pub site: Option<String>,
    /// Only findings from this advisory (e.g. ICSMA-20-023-01).
    #[arg(long, value_name = "ID")]
    pub advisory: Option<String>,
    /// Only this vulnerability (CVE or other id).
    #[arg(long, value_name = "ID")]
    pub vulnerability: Option<String>,
    /// Only this status: affected, not_affected, fixed, under_investigation.
    #[arg(long, value_name = "S")]
    pub status: Option<String>,
    /// The clinical-risk policy that ranks findings [default: the shipped policy].
    #[arg(long, env = "MEDVIGIL_POLICY", value_name = "FILE")]
    pub policy: Option<std::path::PathBuf>,
}

/// The JSON shape of one finding (stable snake_case names).
#[derive(Serialize)]
pub struct FindingJson<'a> {
    asset_id: Option<&'a str>,
    site: Option<&'a str>,
    asset: String,
    model: Option<&'a str>,
    version: Option<&'a str>,
    advisory_id: Option<&'a str>,
    vulnerability_id: &'a str,
    status: FindingStatus,
    matched_status: FindingStatus,
    suppressed: bool,
    matcher: &'a str,
    confidence: f64,
    evidence: &'a [MatchDetails],
    vex: Option<&'a VexApplied>,
    /// P1-P4, for findings that still need action (affected, under investigation).
    priority: Option<&'static str>,
    /// 0-100, with `priority`.
    risk_score: Option<u8>,
    /// The full explanation: inputs, the rule that fired, controls, assumptions.
    risk: Option<Explanation>,
}

impl<'a> FindingJson<'a> {
    /// The JSON view of a finding.
    pub fn new(f: &'a Finding) -> FindingJson<'a> {
        let (site, asset_id) = match &f.asset {
            AssetRef::Device { site, asset_id } => (Some(site.as_str()), Some(asset_id.as_str())),
            _ => (None, None),
        };
        FindingJson {
            asset_id,
            site,
            asset: f.asset.key(),
            model: f.model.as_deref(),
            version: f.version.as_deref(),
            advisory_id: f.advisory_id.as_deref(),
            vulnerability_id: &f.vulnerability_id,
            status: f.status,
            matched_status: f.matched_status,
            suppressed: f.is_suppressed(),
            matcher: f.matcher(),
            confidence: f.confidence(),
            evidence: &f.details,
            vex: f.vex.as_ref(),
            priority: None,
            risk_score: None,
            risk: None,
        }
    }

    /// Adds the finding's clinical priority.
    pub fn with_risk(mut self, risk: Option<Explanation>) -> FindingJson<'a> {
        self.priority = risk.as_ref().map(|e| e.priority.as_str());
        self.risk_score = risk.as_ref().map(|e| e.score);
        self.risk = risk;
        self
    }
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let status = args
        .status
        .as_deref()
        .map(str::parse::<FindingStatus>)
        .transpose()
        .map_err(|e| input_error(format!("--status: {e}")))?;
    let store = ctx.open_store()?;
    let findings = store.list_findings(&FindingFilter {
        asset_id: args.asset,
        site: args.site,
        advisory_id: args.advisory,
        vulnerability_id: args.vulnerability,
        status,
    })?;
    // Findings that still need action get a clinical priority; the most urgent come first.
    let policy = crate::cmd::risk::load_policy(args.policy.as_deref())?;
    let prioritizer = crate::priority::Prioritizer::load(store.as_ref(), policy)?;
    let mut ranked: Vec<(&Finding, Option<Explanation>)> = Vec::with_capacity(findings.len());
    for f in &findings {
        let needs_action = !f.is_suppressed()
            && matches!(
                f.status,
                FindingStatus::Affected | FindingStatus::UnderInvestigation
            );
        ranked.push((
            f,
            if needs_action {
                Some(prioritizer.assess(f)?)
            } else {
                None
            },
        ));
    }
    ranked.sort_by_key(|(_, e)| std::cmp::Reverse(e.as_ref().map(|e| e.score)));
    if args.json {
        let out: Vec<FindingJson> = ranked
            .into_iter()
            .map(|(f, e)| FindingJson::new(f).with_risk(e))
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    if findings.is_empty() {
        println!(
            "No findings. (Run `medvigil analyze` after importing an inventory and a knowledge base.)"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<Vec<String>> = ranked
        .iter()
        .map(|(f, risk)| {
            let status = if f.is_suppressed() {
                "not_affected (VEX)".to_string()
            } else {
                f.status.to_string()
            };
            vec![
                risk.as_ref()
                    .map_or("-".into(), |e| e.priority.as_str().to_string()),
                risk.as_ref().map_or("-".into(), |e| e.score.to_string()),
                match &f.asset {
                    AssetRef::Device { site, asset_id } => format!("{site}/{asset_id}"),
                    other => other.key(),
                },
                f.model.clone().unwrap_or_default(),
                f.version.clone().unwrap_or_default(),
                f.advisory_id.clone().unwrap_or_default(),
                f.vulnerability_id.clone(),
                status,
                f.matcher().to_string(),
                format!("{:.2}", f.confidence()),
                f.details
                    .first()
                    .map(|d| d.rule.clone())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    let mut out = std::io::stdout().lock();
    let written = crate::table::write(
        &mut out,
        &[
            "P",
            "SCORE",
            "ASSET",
            "MODEL",
            "VERSION",
            "ADVISORY",
            "VULNERABILITY",
            "STATUS",
            "MATCHER",
            "CONF",
            "WHY",
        ],
        &rows,
        70,
    )
    .and_then(|()| writeln!(out, "\n{} findings.", findings.len()));
    // A closed pipe (`medvigil findings | head`) is not an error: the reader has what
    // it wanted.
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(ExitCode::SUCCESS)
}
