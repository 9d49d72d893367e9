//! `medvigil risk`: clinical priorities, what-if analysis, the medical-device rubric,
//! the risk policy and the FDA postmarket call.
//!
//! Vulnerabilities are named with `--cve ID` (looked up in the knowledge base for CVSS,
//! KEV and EPSS) or given as `--cvss VECTOR`; devices come from the inventory with the
//! clinical profile overrides stored by `risk profile set`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use medvigil_model::clinical::{
    ClinicalProfile, ClinicalProfilePatch, CompensatingControl, ProfileTarget, RubricAnswerRecord,
};
use medvigil_model::{ClinicalFunction, Device, NetworkZone};
use medvigil_risk::cvss::Cvss;
use medvigil_risk::inputs::{best_cvss, effective_profile, finding_input, model_profile};
use medvigil_risk::policy::{DEFAULT_POLICY_TOML, Policy, Priority};
use medvigil_risk::priority::{FindingRiskInput, KevEvidence, SeverityInput};
use medvigil_risk::rubric::{self, Answer, Answers};
use medvigil_store::{DeviceFilter, Store};
use serde::Serialize;

use crate::context::Context;
use crate::exit::input_error;

/// Subcommands of `medvigil risk`.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Prioritize vulnerabilities for a device: P1-P4, the 0-100 score, its inputs and
    /// the rule that fired.
    Score(ScoreArgs),
    /// Show what a change (zone, controls, internet reachability) would do to a
    /// device's priorities, e.g. `risk whatif --asset PUMP-1 --cve CVE-2020-25165 --zone isolated`.
    Whatif(WhatifArgs),
    /// Clinical profile overrides per device or per model (function, zone, controls...).
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// The medical-device CVSS rubric: list its questions, record answers per model
    /// (and per vulnerability), and show the adjusted vector with its reasoning.
    #[command(subcommand)]
    Rubric(RubricCommand),
    /// The risk policy: check a hospital's TOML file, or show the one in force.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// The FDA postmarket call for a device model and vulnerabilities: controlled or
    /// uncontrolled risk, with reasons and, if uncontrolled, the 30/60-day timelines.
    Postmarket(PostmarketArgs),
}

/// The vulnerabilities to evaluate.
#[derive(clap::Args, Debug, Clone)]
pub struct VulnArgs {
    /// A vulnerability id in the knowledge base (CVE, GHSA ...); repeatable.
    #[arg(long = "cve", value_name = "ID")]
    pub cves: Vec<String>,
    /// An ad-hoc CVSS vector (v2, v3.x or v4.0); repeatable.
    #[arg(long = "cvss", value_name = "VECTOR")]
    pub vectors: Vec<String>,
    /// Treat the --cvss vulnerabilities as listed in CISA KEV.
    #[arg(long)]
    pub kev: bool,
    /// Treat the --cvss vulnerabilities as used in ransomware campaigns.
    #[arg(long)]
    pub ransomware: bool,
    /// EPSS probability (0-1) for the --cvss vulnerabilities.
    #[arg(long, value_name = "P")]
    pub epss: Option<f64>,
}

/// Which device.
#[derive(clap::Args, Debug, Clone)]
pub struct AssetArgs {
    /// The device's asset id.
    #[arg(long, value_name = "ID")]
    pub asset: String,
    /// Its site, when the asset id exists at several.
    #[arg(long)]
    pub site: Option<String>,
}

/// Profile fields settable from the command line.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ProfileFlags {
    /// Clinical function: life_sustaining, therapeutic, diagnostic, monitoring, informational.
    #[arg(long, value_name = "FUNCTION")]
    pub function: Option<ClinicalFunction>,
    /// Network zone: internet_exposed, hospital_lan, clinical_vlan, isolated.
    #[arg(long, value_name = "ZONE")]
    pub zone: Option<NetworkZone>,
    /// Patient-connected (true/false).
    #[arg(long, value_name = "BOOL")]
    pub patient_connected: Option<bool>,
    /// Implanted (true/false).
    #[arg(long, value_name = "BOOL")]
    pub implanted: Option<bool>,
    /// Reachable from the internet (true/false).
    #[arg(long, value_name = "BOOL")]
    pub internet_reachable: Option<bool>,
    /// Add a compensating control: segmentation, guard, allow_listing, disabled_services.
    #[arg(long = "control", value_name = "CONTROL")]
    pub controls: Vec<CompensatingControl>,
    /// Remove a compensating control.
    #[arg(long = "remove-control", value_name = "CONTROL")]
    pub remove_controls: Vec<CompensatingControl>,
}

impl ProfileFlags {
    fn is_empty(&self) -> bool {
        self.function.is_none()
            && self.zone.is_none()
            && self.patient_connected.is_none()
            && self.implanted.is_none()
            && self.internet_reachable.is_none()
            && self.controls.is_empty()
            && self.remove_controls.is_empty()
    }

    /// Applies the flags to a full profile.
    fn apply(&self, p: &mut ClinicalProfile) {
        p.clinical_function = self.function.or(p.clinical_function);
        p.network_zone = self.zone.or(p.network_zone);
        p.patient_connected = self.patient_connected.or(p.patient_connected);
        p.implanted = self.implanted.or(p.implanted);
        p.internet_reachable = self.internet_reachable.or(p.internet_reachable);
        p.controls.extend(self.controls.iter().copied());
        for c in &self.remove_controls {
            p.controls.remove(c);
        }
    }

    /// Applies the flags to a stored patch.
    fn apply_patch(&self, p: &mut ClinicalProfilePatch) {
        p.clinical_function = self.function.or(p.clinical_function);
        p.network_zone = self.zone.or(p.network_zone);
        p.patient_connected = self.patient_connected.or(p.patient_connected);
        p.implanted = self.implanted.or(p.implanted);
        p.internet_reachable = self.internet_reachable.or(p.internet_reachable);
        if !self.controls.is_empty() || !self.remove_controls.is_empty() {
            let mut set = p.controls.clone().unwrap_or_default();
            set.extend(self.controls.iter().copied());
            for c in &self.remove_controls {
                set.remove(c);
            }
            p.controls = Some(set);
        }
    }
}

/// Arguments of `risk score`.
#[derive(clap::Args, Debug)]
pub struct ScoreArgs {
    /// The device (its stored profile is used); without it, only the profile flags count.
    #[arg(long, value_name = "ID")]
    pub asset: Option<String>,
    /// The device's site.
    #[arg(long)]
    pub site: Option<String>,
    #[command(flatten)]
    pub vulns: VulnArgs,
    #[command(flatten)]
    pub profile: ProfileFlags,
    /// A hospital policy file instead of the shipped defaults.
    #[arg(long, env = "MEDVIGIL_POLICY", value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Exit with status 1 when any finding has this priority or a more urgent one
    /// (P1, P2, P3, P4).
    #[arg(long, value_name = "PRIORITY", value_parser = parse_priority)]
    pub fail_on: Option<Priority>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

fn parse_priority(s: &str) -> Result<Priority, String> {
    match s.to_ascii_uppercase().as_str() {
        "P1" => Ok(Priority::P1),
        "P2" => Ok(Priority::P2),
        "P3" => Ok(Priority::P3),
        "P4" => Ok(Priority::P4),
        _ => Err(format!("{s:?}: expected P1, P2, P3 or P4")),
    }
}

/// Arguments of `risk whatif`.
#[derive(clap::Args, Debug)]
pub struct WhatifArgs {
    #[command(flatten)]
    pub asset: AssetArgs,
    #[command(flatten)]
    pub vulns: VulnArgs,
    /// The change to evaluate.
    #[command(flatten)]
    pub change: ProfileFlags,
    /// A hospital policy file instead of the shipped defaults.
    #[arg(long, env = "MEDVIGIL_POLICY", value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `risk profile ...`.
#[derive(clap::Subcommand, Debug)]
pub enum ProfileCommand {
    /// Store profile fields for a device (--asset) or a model (--manufacturer, --model).
    Set(ProfileSetArgs),
    /// Show the effective profile of a device, or every stored override.
    Show(ProfileShowArgs),
}

/// Which model.
#[derive(clap::Args, Debug, Clone)]
pub struct ModelArgs {
    /// Manufacturer, as the inventory spells it.
    #[arg(long)]
    pub manufacturer: String,
    /// Model, as the inventory spells it.
    #[arg(long)]
    pub model: String,
}

/// Arguments of `risk profile set`.
#[derive(clap::Args, Debug)]
pub struct ProfileSetArgs {
    /// The device's asset id (or use --manufacturer and --model for a whole model).
    #[arg(long, value_name = "ID", conflicts_with_all = ["manufacturer", "model"])]
    pub asset: Option<String>,
    /// The device's site.
    #[arg(long)]
    pub site: Option<String>,
    /// Manufacturer of the model.
    #[arg(long, requires = "model")]
    pub manufacturer: Option<String>,
    /// The model.
    #[arg(long, requires = "manufacturer")]
    pub model: Option<String>,
    #[command(flatten)]
    pub fields: ProfileFlags,
    /// Remove the stored override first.
    #[arg(long)]
    pub clear: bool,
}

/// Arguments of `risk profile show`.
#[derive(clap::Args, Debug)]
pub struct ProfileShowArgs {
    /// A device's asset id; without it (and without --model), every stored override is
    /// listed.
    #[arg(long, value_name = "ID", conflicts_with_all = ["manufacturer", "model"])]
    pub asset: Option<String>,
    /// Manufacturer of a model whose fleet-wide profile to show (with --model).
    #[arg(long, requires = "model")]
    pub manufacturer: Option<String>,
    /// The model (with --manufacturer): worst function and zone among its devices, the
    /// model's override, and how many devices and sites it covers.
    #[arg(long, requires = "manufacturer")]
    pub model: Option<String>,
    /// The device's site.
    #[arg(long)]
    pub site: Option<String>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `risk rubric ...`.
#[derive(clap::Subcommand, Debug)]
pub enum RubricCommand {
    /// List the questionnaire.
    Questions {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Record an answer for a model (or, with --cve, for one vulnerability of it).
    Answer(RubricAnswerArgs),
    /// Show the answers and the adjusted CVSS v3.1 vector, step by step.
    Show(RubricShowArgs),
}

/// Arguments of `risk rubric answer`.
#[derive(clap::Args, Debug)]
pub struct RubricAnswerArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Answer for this vulnerability only.
    #[arg(long, value_name = "ID")]
    pub cve: Option<String>,
    /// The question id (see `risk rubric questions`), e.g. AV.1.
    pub question: String,
    /// yes or no.
    pub answer: String,
    /// The evidence behind the answer.
    #[arg(long)]
    pub note: Option<String>,
}

/// Arguments of `risk rubric show`.
#[derive(clap::Args, Debug)]
pub struct RubricShowArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Include this vulnerability's answers, and start from its CVSS v3 vector in the KB.
    #[arg(long, value_name = "ID")]
    pub cve: Option<String>,
    /// Start from this CVSS v3.x vector (the advisory's).
    #[arg(long, value_name = "VECTOR")]
    pub vector: Option<String>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// `risk policy ...`.
#[derive(clap::Subcommand, Debug)]
pub enum PolicyCommand {
    /// Validate a policy file; errors give the line and the reason.
    Check {
        /// The TOML policy file.
        file: PathBuf,
    },
    /// Print the policy in force: the shipped defaults (documented), or --policy FILE.
    Show {
        /// A policy file to show instead of the defaults.
        #[arg(long, env = "MEDVIGIL_POLICY", value_name = "FILE")]
        policy: Option<PathBuf>,
    },
}

/// Arguments of `risk postmarket`.
#[derive(clap::Args, Debug)]
pub struct PostmarketArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    #[command(flatten)]
    pub vulns: VulnArgs,
    /// The day the manufacturer learned of the vulnerability (YYYY-MM-DD), to date the
    /// deadlines.
    #[arg(long, value_name = "DATE")]
    pub learned_on: Option<String>,
    /// Serious adverse events or deaths are known to be associated with it.
    #[arg(long)]
    pub adverse_events: bool,
    /// A policy file instead of the shipped defaults.
    #[arg(long, env = "MEDVIGIL_POLICY", value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Score(a) => score(ctx, a),
        Command::Whatif(a) => whatif(ctx, a),
        Command::Profile(c) => profile(ctx, c),
        Command::Rubric(c) => rubric_cmd(ctx, c),
        Command::Policy(c) => policy_cmd(c),
        Command::Postmarket(a) => postmarket(ctx, a),
    }
}

/// Loads the policy: the file given, or the shipped defaults.
pub(crate) fn load_policy(path: Option<&Path>) -> anyhow::Result<Policy> {
    match path {
        None => Ok(Policy::default()),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| input_error(format!("cannot read policy {}: {e}", p.display())))?;
            Policy::from_toml(&text, &p.display().to_string())
                .map_err(|e| input_error(format!("invalid policy: {e}")))
        }
    }
}

/// One vulnerability to evaluate, with its name for output.
struct Vuln {
    id: String,
    /// The KB id, for per-vulnerability rubric answers (None for --cvss).
    kb_id: Option<String>,
    /// The advisory's CVSS v3 vector, the rubric's starting point.
    v3: Option<medvigil_risk::cvss::v3::Vector>,
    input: FindingRiskInput,
}

impl Vuln {
    /// Applies the rubric answers stored for a model, if they decide a vector.
    fn with_rubric(
        &mut self,
        store: &dyn Store,
        manufacturer: Option<&str>,
        model: Option<&str>,
    ) -> anyhow::Result<()> {
        let (Some(m), Some(n)) = (manufacturer, model) else {
            return Ok(());
        };
        let stored = store.rubric_answers(m, n)?;
        if stored.is_empty() {
            return Ok(());
        }
        let (model_answers, vuln_answers) = split_answers(stored, self.kb_id.as_deref());
        let out = rubric::evaluate(&model_answers, &vuln_answers, self.v3.as_ref())
            .map_err(|e| input_error(format!("stored rubric answers for {m} {n}: {e}")))?;
        medvigil_risk::inputs::apply_rubric(&mut self.input, &out);
        Ok(())
    }
}

/// Stored answers as the rubric's model-level and (for `vuln`) vulnerability-level sets.
fn split_answers(stored: Vec<RubricAnswerRecord>, vuln: Option<&str>) -> (Answers, Answers) {
    let mut model_answers = Answers::new();
    let mut vuln_answers = Answers::new();
    for r in stored {
        let ans = Answer {
            yes: r.yes,
            note: r.note,
        };
        match &r.vulnerability {
            None => {
                model_answers.insert(r.question, ans);
            }
            Some(v) if vuln.is_some_and(|c| c.eq_ignore_ascii_case(v)) => {
                vuln_answers.insert(r.question, ans);
            }
            Some(_) => {}
        }
    }
    (model_answers, vuln_answers)
}

/// The best CVSS v3 vector among scores.
fn best_v3(scores: &[medvigil_model::vuln::Score]) -> Option<medvigil_risk::cvss::v3::Vector> {
    let v3: Vec<_> = scores
        .iter()
        .filter(|s| s.vector.starts_with("CVSS:3."))
        .cloned()
        .collect();
    best_cvss(&v3).and_then(|(c, _)| match c {
        Cvss::V3(v) => Some(v),
        _ => None,
    })
}

/// Resolves --cve (from the KB) and --cvss (ad hoc) into inputs with an empty profile.
/// With neither, a device's open findings (affected or under investigation, not
/// suppressed by VEX) from the last `medvigil analyze` are used.
fn vulns(store: &dyn Store, a: &VulnArgs, device: Option<&Device>) -> anyhow::Result<Vec<Vuln>> {
    let mut a = a.clone();
    if a.cves.is_empty() && a.vectors.is_empty() {
        let Some(d) = device else {
            return Err(input_error(
                "name the vulnerabilities to evaluate with --cve ID (from the knowledge base) or \
                 --cvss VECTOR",
            ));
        };
        let findings = store.list_findings(&medvigil_model::finding::FindingFilter {
            asset_id: Some(d.asset_id.clone()),
            site: Some(d.site.clone()),
            ..Default::default()
        })?;
        for f in findings.iter().filter(|f| {
            !f.is_suppressed()
                && matches!(
                    f.status,
                    medvigil_model::finding::FindingStatus::Affected
                        | medvigil_model::finding::FindingStatus::UnderInvestigation
                )
        }) {
            if !a.cves.contains(&f.vulnerability_id) {
                a.cves.push(f.vulnerability_id.clone());
            }
        }
        if a.cves.is_empty() {
            return Err(input_error(format!(
                "device {:?} has no open findings (run `medvigil analyze` first), or name \
                 vulnerabilities with --cve ID or --cvss VECTOR",
                d.asset_id
            )));
        }
    }
    let a = &a;
    if let Some(e) = a.epss.filter(|e| !(0.0..=1.0).contains(e)) {
        return Err(input_error(format!(
            "--epss {e}: expected a probability between 0 and 1"
        )));
    }
    let mut out = Vec::new();
    for id in &a.cves {
        let rec = store
            .kb_lookup(id)
            .with_context(|| format!("looking up {id} in the knowledge base"))?;
        if rec.vulnerabilities.is_empty() && rec.kev.is_empty() && rec.advisories.is_empty() {
            return Err(input_error(format!(
                "{id} is not in the knowledge base: import it first (medvigil kb ...) or give \
                 its vector with --cvss"
            )));
        }
        let scores = crate::priority::kb_scores(&rec, id);
        out.push(Vuln {
            id: id.clone(),
            kb_id: Some(id.clone()),
            v3: best_v3(&scores),
            input: finding_input(
                &scores,
                rec.kev.first(),
                rec.epss.first(),
                ClinicalProfile::default(),
            ),
        });
    }
    for v in &a.vectors {
        let c: Cvss = v
            .parse()
            .map_err(|e| input_error(format!("--cvss {v:?}: {e}")))?;
        out.push(Vuln {
            id: v.clone(),
            kb_id: None,
            v3: match &c {
                Cvss::V3(x) => Some(x.clone()),
                _ => None,
            },
            input: FindingRiskInput {
                severity: Some(SeverityInput::from_cvss(&c)),
                kev: a.kev.then(KevEvidence::default),
                known_ransomware: a.ransomware,
                epss: a.epss,
                profile: ClinicalProfile::default(),
            },
        });
    }
    Ok(out)
}

/// The one device an --asset (and --site) names.
fn find_device(store: &dyn Store, asset: &str, site: Option<&str>) -> anyhow::Result<Device> {
    let mut devices = store.list_devices(&DeviceFilter {
        site: site.map(Into::into),
        asset_id: Some(asset.to_string()),
    })?;
    match devices.len() {
        0 => Err(input_error(format!(
            "no device with asset id {asset:?}{} in the inventory",
            site.map(|s| format!(" at site {s:?}")).unwrap_or_default()
        ))),
        1 => Ok(devices.remove(0)),
        _ => {
            let sites: Vec<&str> = devices.iter().map(|d| d.site.as_str()).collect();
            Err(input_error(format!(
                "asset id {asset:?} exists at sites {}; pass --site",
                sites.join(", ")
            )))
        }
    }
}

/// The device's effective profile: inventory, model override, device override.
fn device_profile(store: &dyn Store, d: &Device) -> anyhow::Result<ClinicalProfile> {
    let model_patch = match (&d.manufacturer, &d.model) {
        (Some(m), Some(n)) => store.profile_override(&ProfileTarget::Model {
            manufacturer: m.clone(),
            model: n.clone(),
        })?,
        _ => None,
    };
    let device_patch = store.profile_override(&ProfileTarget::Device {
        site: d.site.clone(),
        asset_id: d.asset_id.clone(),
    })?;
    Ok(effective_profile(
        d,
        model_patch.as_ref(),
        device_patch.as_ref(),
    ))
}

fn describe(d: &Device) -> String {
    let name = [d.manufacturer.as_deref(), d.model.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        format!("{} ({})", d.asset_id, d.site)
    } else {
        format!("{} ({}) {name}", d.asset_id, d.site)
    }
}

fn print_json(v: &impl Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

fn score(ctx: &Context, a: ScoreArgs) -> anyhow::Result<ExitCode> {
    let policy = load_policy(a.policy.as_deref())?;
    let store = ctx.open_store()?;
    let (device, mut profile) = match &a.asset {
        Some(id) => {
            let d = find_device(store.as_ref(), id, a.site.as_deref())?;
            let p = device_profile(store.as_ref(), &d)?;
            (Some(d), p)
        }
        None => (None, ClinicalProfile::default()),
    };
    a.profile.apply(&mut profile);
    let mut results = Vec::new();
    for mut v in vulns(store.as_ref(), &a.vulns, device.as_ref())? {
        if let Some(d) = &device {
            v.with_rubric(
                store.as_ref(),
                d.manufacturer.as_deref(),
                d.model.as_deref(),
            )?;
        }
        v.input.profile = profile.clone();
        results.push((v.id, policy.prioritize(&v.input)));
    }
    results.sort_by(|x, y| {
        (x.1.priority, std::cmp::Reverse(x.1.score))
            .cmp(&(y.1.priority, std::cmp::Reverse(y.1.score)))
    });
    let status = match a.fail_on {
        Some(p) if results.iter().any(|(_, e)| e.priority <= p) => {
            ExitCode::from(crate::exit::THRESHOLD)
        }
        _ => ExitCode::SUCCESS,
    };
    if a.json {
        #[derive(Serialize)]
        struct Row<'a> {
            vulnerability: &'a str,
            #[serde(flatten)]
            explanation: &'a medvigil_risk::priority::Explanation,
        }
        #[derive(Serialize)]
        struct Out<'a> {
            asset_id: Option<&'a str>,
            site: Option<&'a str>,
            profile: &'a ClinicalProfile,
            findings: Vec<Row<'a>>,
        }
        return print_json(&Out {
            asset_id: device.as_ref().map(|d| d.asset_id.as_str()),
            site: device.as_ref().map(|d| d.site.as_str()),
            profile: &profile,
            findings: results
                .iter()
                .map(|(id, e)| Row {
                    vulnerability: id,
                    explanation: e,
                })
                .collect(),
        })
        .map(|_| status);
    }
    if let Some(d) = &device {
        println!("{}", describe(d));
    }
    for (id, e) in &results {
        println!("{:<3} {:>3}  {id}", e.priority.as_str(), e.score);
        println!("    {} ({})", e.summary, e.rule);
        for f in &e.inputs {
            println!(
                "    {:<13} {:.2} x {:<4} {}",
                f.factor, f.value, f.weight, f.evidence
            );
        }
        if !e.controls.is_empty() {
            println!("    controls      {}", e.controls.join(", "));
        }
        for s in &e.assumptions {
            println!("    assumed       {s}");
        }
    }
    Ok(status)
}

fn whatif(ctx: &Context, a: WhatifArgs) -> anyhow::Result<ExitCode> {
    if a.change.is_empty() {
        return Err(input_error(
            "say what to change: --zone, --control, --remove-control, --internet-reachable, \
             --function, --patient-connected or --implanted",
        ));
    }
    let policy = load_policy(a.policy.as_deref())?;
    let store = ctx.open_store()?;
    let d = find_device(store.as_ref(), &a.asset.asset, a.asset.site.as_deref())?;
    let profile = device_profile(store.as_ref(), &d)?;
    let mut changed = profile.clone();
    a.change.apply(&mut changed);
    let mut rows = Vec::new();
    for mut v in vulns(store.as_ref(), &a.vulns, Some(&d))? {
        v.with_rubric(
            store.as_ref(),
            d.manufacturer.as_deref(),
            d.model.as_deref(),
        )?;
        v.input.profile = profile.clone();
        rows.push((v.id, policy.whatif(&v.input, &changed)));
    }
    let changes = profile_diff(&profile, &changed);
    if a.json {
        #[derive(Serialize)]
        struct Row<'a> {
            vulnerability: &'a str,
            #[serde(flatten)]
            whatif: &'a medvigil_risk::priority::WhatIf,
        }
        #[derive(Serialize)]
        struct Out<'a> {
            asset_id: &'a str,
            site: &'a str,
            changes: &'a [String],
            before_profile: &'a ClinicalProfile,
            after_profile: &'a ClinicalProfile,
            findings: Vec<Row<'a>>,
        }
        return print_json(&Out {
            asset_id: &d.asset_id,
            site: &d.site,
            changes: &changes,
            before_profile: &profile,
            after_profile: &changed,
            findings: rows
                .iter()
                .map(|(id, w)| Row {
                    vulnerability: id,
                    whatif: w,
                })
                .collect(),
        })
        .map(|_| ExitCode::SUCCESS);
    }
    println!(
        "{}: what if {}",
        describe(&d),
        if changes.is_empty() {
            "nothing changes".to_string()
        } else {
            changes.join(", ")
        }
    );
    for (id, w) in &rows {
        println!(
            "{id}: {} {} -> {} {} ({:+})",
            w.before.priority, w.before.score, w.after.priority, w.after.score, w.score_change
        );
        println!("    now:   {}", w.before.summary);
        println!("    after: {}", w.after.summary);
    }
    Ok(ExitCode::SUCCESS)
}

/// The profile fields that differ, in words.
fn profile_diff(a: &ClinicalProfile, b: &ClinicalProfile) -> Vec<String> {
    fn field<T: PartialEq + std::fmt::Display>(
        out: &mut Vec<String>,
        label: &str,
        a: &Option<T>,
        b: &Option<T>,
    ) {
        let show = |v: &Option<T>| v.as_ref().map_or("unknown".to_string(), T::to_string);
        if a != b {
            out.push(format!("{label} {} -> {}", show(a), show(b)));
        }
    }
    let mut out = Vec::new();
    field(
        &mut out,
        "function",
        &a.clinical_function,
        &b.clinical_function,
    );
    field(&mut out, "zone", &a.network_zone, &b.network_zone);
    field(
        &mut out,
        "internet reachable",
        &a.internet_reachable,
        &b.internet_reachable,
    );
    field(
        &mut out,
        "patient-connected",
        &a.patient_connected,
        &b.patient_connected,
    );
    field(&mut out, "implanted", &a.implanted, &b.implanted);
    for c in b.controls.difference(&a.controls) {
        out.push(format!("add {c}"));
    }
    for c in a.controls.difference(&b.controls) {
        out.push(format!("remove {c}"));
    }
    out
}

fn profile(ctx: &Context, c: ProfileCommand) -> anyhow::Result<ExitCode> {
    let mut store = ctx.open_store()?;
    match c {
        ProfileCommand::Set(a) => {
            let target = match (&a.asset, &a.manufacturer, &a.model) {
                (Some(asset), _, _) => {
                    let d = find_device(store.as_ref(), asset, a.site.as_deref())?;
                    ProfileTarget::Device {
                        site: d.site,
                        asset_id: d.asset_id,
                    }
                }
                (None, Some(m), Some(n)) => ProfileTarget::Model {
                    manufacturer: m.clone(),
                    model: n.clone(),
                },
                _ => {
                    return Err(input_error(
                        "say what the profile is for: --asset ID, or --manufacturer and --model",
                    ));
                }
            };
            if a.fields.is_empty() && !a.clear {
                return Err(input_error(
                    "nothing to set: give --function, --zone, --patient-connected, --implanted, \
                     --internet-reachable, --control or --remove-control (or --clear)",
                ));
            }
            let mut patch = if a.clear {
                ClinicalProfilePatch::default()
            } else {
                store.profile_override(&target)?.unwrap_or_default()
            };
            a.fields.apply_patch(&mut patch);
            store.set_profile_override(&target, &patch)?;
            println!(
                "{}: {}",
                target_name(&target),
                serde_json::to_string(&patch)?
            );
            Ok(ExitCode::SUCCESS)
        }
        ProfileCommand::Show(a) => {
            if let (Some(m), Some(n)) = (&a.manufacturer, &a.model) {
                let devices = model_devices(store.as_ref(), m, n)?;
                let patch = store.profile_override(&ProfileTarget::Model {
                    manufacturer: m.clone(),
                    model: n.clone(),
                })?;
                let p = model_profile(&devices, patch.as_ref());
                if a.json {
                    print_json(&p)?;
                } else {
                    println!(
                        "model {m} {n}: {} devices at {} sites",
                        p.devices_affected, p.sites_affected
                    );
                    println!("{}", serde_json::to_string_pretty(&p)?);
                }
            } else if let Some(asset) = &a.asset {
                let d = find_device(store.as_ref(), asset, a.site.as_deref())?;
                let p = device_profile(store.as_ref(), &d)?;
                if a.json {
                    print_json(&p)?;
                } else {
                    println!("{}", describe(&d));
                    println!("{}", serde_json::to_string_pretty(&p)?);
                }
            } else {
                let all = store.profile_overrides()?;
                if a.json {
                    #[derive(Serialize)]
                    struct Row<'a> {
                        target: &'a ProfileTarget,
                        patch: &'a ClinicalProfilePatch,
                    }
                    print_json(
                        &all.iter()
                            .map(|(t, p)| Row {
                                target: t,
                                patch: p,
                            })
                            .collect::<Vec<_>>(),
                    )?;
                } else if all.is_empty() {
                    println!("no profile overrides stored");
                } else {
                    for (t, p) in &all {
                        println!("{}: {}", target_name(t), serde_json::to_string(p)?);
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The inventory's devices of one model (names compared case-insensitively).
fn model_devices(
    store: &dyn Store,
    manufacturer: &str,
    model: &str,
) -> anyhow::Result<Vec<Device>> {
    Ok(store
        .list_devices(&DeviceFilter::default())?
        .into_iter()
        .filter(|d| {
            d.manufacturer
                .as_deref()
                .is_some_and(|m| m.eq_ignore_ascii_case(manufacturer))
                && d.model
                    .as_deref()
                    .is_some_and(|m| m.eq_ignore_ascii_case(model))
        })
        .collect())
}

fn target_name(t: &ProfileTarget) -> String {
    match t {
        ProfileTarget::Model {
            manufacturer,
            model,
        } => format!("model {manufacturer} {model}"),
        ProfileTarget::Device { site, asset_id } => format!("device {asset_id} ({site})"),
    }
}

fn rubric_cmd(ctx: &Context, c: RubricCommand) -> anyhow::Result<ExitCode> {
    match c {
        RubricCommand::Questions { json } => {
            if json {
                print_json(&rubric::QUESTIONS)?;
            } else {
                for q in rubric::QUESTIONS {
                    let scope = match q.scope {
                        rubric::AnswerScope::Model => "model",
                        rubric::AnswerScope::Vulnerability => "vulnerability",
                    };
                    let lead = |o: rubric::Outcome| match o {
                        rubric::Outcome::Value(v) => format!("{}:{v}", q.metric),
                        rubric::Outcome::Ask(n) => format!("ask {n}"),
                    };
                    println!("{:<5} [{scope}] {}", q.id, q.text);
                    println!("      yes -> {}, no -> {}", lead(q.yes), lead(q.no));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        RubricCommand::Answer(a) => {
            let q = rubric::question(&a.question).ok_or_else(|| {
                input_error(rubric::UnknownQuestion(a.question.clone()).to_string())
            })?;
            let yes = match a.answer.to_ascii_lowercase().as_str() {
                "yes" | "y" | "true" => true,
                "no" | "n" | "false" => false,
                other => {
                    return Err(input_error(format!(
                        "answer {other:?} to {}: expected yes or no",
                        q.id
                    )));
                }
            };
            let mut store = ctx.open_store()?;
            store.set_rubric_answer(&RubricAnswerRecord {
                manufacturer: a.model.manufacturer.clone(),
                model: a.model.model.clone(),
                vulnerability: a.cve.clone(),
                question: q.id.to_string(),
                yes,
                note: a.note.clone(),
                answered_at: None,
            })?;
            println!(
                "{} {}{}: {} = {}",
                a.model.manufacturer,
                a.model.model,
                a.cve
                    .as_deref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default(),
                q.id,
                if yes { "yes" } else { "no" }
            );
            Ok(ExitCode::SUCCESS)
        }
        RubricCommand::Show(a) => {
            let store = ctx.open_store()?;
            let stored = store.rubric_answers(&a.model.manufacturer, &a.model.model)?;
            let (model_answers, vuln_answers) = split_answers(stored, a.cve.as_deref());
            let advisory = advisory_vector(store.as_ref(), &a)?;
            let out = rubric::evaluate(&model_answers, &vuln_answers, advisory.as_ref())
                .map_err(|e| input_error(e.to_string()))?;
            if a.json {
                print_json(&out)?;
                return Ok(ExitCode::SUCCESS);
            }
            println!(
                "{} {}{}",
                a.model.manufacturer,
                a.model.model,
                a.cve
                    .as_deref()
                    .map(|c| format!(", {c}"))
                    .unwrap_or_default()
            );
            for s in &out.steps {
                if let (Some(q), Some(t)) = (s.question, s.text) {
                    let value = s
                        .value
                        .map(|v| format!(" => {}:{v}", s.metric))
                        .unwrap_or_default();
                    println!("  {q:<5} {} [{}]{value}", s.answer, s.source);
                    println!("        {t}");
                }
                if let Some(n) = &s.note {
                    println!("        note: {n}");
                }
            }
            if let (Some(v), Some(sc)) = (&out.original_vector, out.original_score) {
                println!("advisory: {v} ({sc:.1})");
            }
            match (&out.vector, out.base_score) {
                (Some(v), Some(sc)) => println!("rubric:   {v} ({sc:.1})"),
                _ => println!(
                    "rubric:   undecided metrics {} (answer their questions or give --vector)",
                    out.undecided.join(", ")
                ),
            }
            for (m, from, to) in &out.changed {
                println!("  changed {m}: {from} -> {to}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The advisory's v3 vector to start the rubric from: --vector, or the best v3 vector of
/// --cve in the knowledge base.
fn advisory_vector(
    store: &dyn Store,
    a: &RubricShowArgs,
) -> anyhow::Result<Option<medvigil_risk::cvss::v3::Vector>> {
    if let Some(v) = &a.vector {
        return match v.parse::<Cvss>() {
            Ok(Cvss::V3(v)) => Ok(Some(v)),
            Ok(_) => Err(input_error(format!(
                "--vector {v:?}: the rubric adjusts CVSS v3.x base vectors"
            ))),
            Err(e) => Err(input_error(format!("--vector {v:?}: {e}"))),
        };
    }
    let Some(id) = &a.cve else { return Ok(None) };
    let rec = store.kb_lookup(id)?;
    Ok(best_v3(&crate::priority::kb_scores(&rec, id)))
}

fn policy_cmd(c: PolicyCommand) -> anyhow::Result<ExitCode> {
    match c {
        PolicyCommand::Check { file } => {
            let p = load_policy(Some(&file))?;
            println!(
                "{}: valid policy ({} rules, thresholds P1 >= {}, P2 >= {}, P3 >= {})",
                file.display(),
                p.rules.len(),
                p.thresholds.p1,
                p.thresholds.p2,
                p.thresholds.p3
            );
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Show { policy } => {
            match policy {
                None => print!("{DEFAULT_POLICY_TOML}"),
                Some(p) => print!("{}", load_policy(Some(&p))?.to_toml()),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn postmarket(ctx: &Context, a: PostmarketArgs) -> anyhow::Result<ExitCode> {
    let policy = load_policy(a.policy.as_deref())?;
    let store = ctx.open_store()?;
    let devices = model_devices(store.as_ref(), &a.model.manufacturer, &a.model.model)?;
    let patch = store.profile_override(&ProfileTarget::Model {
        manufacturer: a.model.manufacturer.clone(),
        model: a.model.model.clone(),
    })?;
    let profile = model_profile(&devices, patch.as_ref());
    let mut calls = BTreeMap::new();
    for mut v in vulns(store.as_ref(), &a.vulns, None)? {
        v.with_rubric(
            store.as_ref(),
            Some(&a.model.manufacturer),
            Some(&a.model.model),
        )?;
        v.input.profile = profile.clone();
        let call = policy
            .postmarket(&v.input, a.learned_on.as_deref(), a.adverse_events)
            .map_err(|e| input_error(format!("--learned-on: {e}")))?;
        calls.insert(v.id, call);
    }
    if a.json {
        #[derive(Serialize)]
        struct Out<'a> {
            manufacturer: &'a str,
            model: &'a str,
            profile: &'a ClinicalProfile,
            calls: &'a BTreeMap<String, medvigil_risk::postmarket::PostmarketCall>,
        }
        print_json(&Out {
            manufacturer: &a.model.manufacturer,
            model: &a.model.model,
            profile: &profile,
            calls: &calls,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} {}: {} devices at {} sites in the inventory",
        a.model.manufacturer, a.model.model, profile.devices_affected, profile.sites_affected
    );
    for (id, c) in &calls {
        println!("{id}: {}", c.status.as_str().to_uppercase());
        println!("    {}", c.reason);
        println!(
            "    harm {}: {}",
            c.harm.as_str(),
            c.harm_reasons.join("; ")
        );
        println!(
            "    exploitability {}: {}",
            c.exploitability.as_str(),
            c.exploitability_reasons.join("; ")
        );
        if let Some(t) = &c.timelines {
            println!(
                "    communicate within {} days{}, remediate within {} days{}",
                t.communicate_within_days,
                t.communicate_by
                    .as_deref()
                    .map(|d| format!(" (by {d})"))
                    .unwrap_or_default(),
                t.remediate_within_days,
                t.remediate_by
                    .as_deref()
                    .map(|d| format!(" (by {d})"))
                    .unwrap_or_default(),
            );
        }
        println!("    {}", c.reporting);
    }
    Ok(ExitCode::SUCCESS)
}
