//! `medvigil analyze`: re-evaluate every device and SBOM against the knowledge base.

use std::collections::{BTreeMap, HashMap};
use std::process::ExitCode;

use anyhow::Context as _;
use medvigil_match::engine::{Engine, IndexStats};
use medvigil_match::names::VendorTable;
use medvigil_match::vex::apply_vex;
use medvigil_model::finding::{Finding, FindingChanges, FindingStatus};
use medvigil_model::sbom::Component;
use medvigil_store::{DeviceFilter, Store};
use serde::Serialize;

use crate::context::Context;
use crate::exit::input_error;
use crate::progress;

/// Arguments of `medvigil analyze`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Re-evaluate only this advisory (e.g. one just imported) against the devices of
    /// its vendors, replacing only its findings.
    #[arg(long, value_name = "ID")]
    pub advisory: Option<String>,
    /// How many of the most affected devices to list.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,
}

/// The vendor alias table: the built-in one, extended by `vendor-aliases.toml` in the
/// data directory when present.
pub fn vendor_table(ctx: &Context) -> anyhow::Result<VendorTable> {
    let mut table = VendorTable::builtin();
    let path = ctx.data_dir()?.join("vendor-aliases.toml");
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        table
            .extend_from_toml(&text, &path.display().to_string())
            .map_err(|e| input_error(e.to_string()))?;
    }
    Ok(table)
}

/// Loads the knowledge base from the store and indexes it.
pub fn load_engine(ctx: &Context, store: &dyn Store) -> anyhow::Result<(Engine, IndexStats)> {
    let table = vendor_table(ctx)?;
    let vulns = store
        .kb_vulnerabilities(None)
        .context("loading vulnerabilities")?;
    let advisories = store.kb_advisories().context("loading advisories")?;
    let kev = store
        .kb_kev()
        .context("loading the KEV catalog")?
        .into_values()
        .collect();
    let recalls = store.kb_recalls().context("loading recalls")?;
    Ok(Engine::new(table, vulns, advisories, kev, recalls))
}

/// One finding per (asset, vulnerability, advisory): evidence of duplicates is merged.
pub fn dedupe(findings: Vec<Finding>) -> Vec<Finding> {
    let mut by_key: BTreeMap<(String, String, String), Finding> = BTreeMap::new();
    for f in findings {
        match by_key.entry(f.key()) {
            std::collections::btree_map::Entry::Vacant(e) => {
                e.insert(f);
            }
            std::collections::btree_map::Entry::Occupied(mut e) => {
                let cur = e.get_mut();
                cur.details.extend(f.details);
                cur.details
                    .sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
                cur.details.dedup();
                if f.status < cur.status {
                    cur.status = f.status;
                    cur.matched_status = f.matched_status;
                }
            }
        }
    }
    by_key.into_values().collect()
}

/// What an analysis found, for people (`run`) and for the demo.
#[derive(Serialize)]
pub struct Summary {
    devices: usize,
    sbom_components: usize,
    index: IndexStats,
    findings: usize,
    by_status: BTreeMap<&'static str, usize>,
    suppressed_by_vex: usize,
    changes: FindingChanges,
    most_affected: Vec<DeviceCount>,
}

/// A device and how many affected findings it has.
#[derive(Serialize)]
pub struct DeviceCount {
    site: String,
    asset_id: String,
    manufacturer: Option<String>,
    model: Option<String>,
    version: Option<String>,
    affected: usize,
    advisories: Vec<String>,
}

pub fn run(ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let mut store = ctx.open_store()?;
    if let Some(id) = &args.advisory {
        return run_one_advisory(ctx, store.as_mut(), id, args.json);
    }
    let summary = analyze(ctx, store.as_mut(), args.top)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_summary(&summary)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Re-evaluates one advisory against the devices of its vendors only.
fn run_one_advisory(
    ctx: &Context,
    store: &mut dyn Store,
    id: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let (engine, _) = load_engine(ctx, &*store)?;
    let Some(adv) = engine
        .advisories()
        .iter()
        .find(|a| a.id.eq_ignore_ascii_case(id))
    else {
        return Err(input_error(format!(
            "advisory {id:?} is not in the knowledge base; import it with `medvigil kb import`"
        )));
    };
    let adv_id = adv.id.clone();
    let devices = store.list_devices(&DeviceFilter::default())?;
    let index = medvigil_match::engine::DeviceIndex::new(&devices, engine.table());
    let mut findings = dedupe(engine.advisory_findings(&adv_id, &index));
    apply_vex(&mut findings, &store.vex_statements()?, engine.table());
    let changes = store
        .replace_advisory_findings(&adv_id, &findings)
        .context("saving findings")?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "advisory_id": adv_id, "findings": findings.len(), "changes": changes,
            }))?
        );
    } else {
        println!(
            "{adv_id}: {} findings ({} new, {} changed, {} unchanged, {} no longer apply).",
            findings.len(),
            changes.added,
            changes.updated,
            changes.unchanged,
            changes.removed
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a full analysis: every device and SBOM against the knowledge base, VEX applied,
/// findings replaced in one transaction. `top` bounds the most-affected list.
pub fn analyze(ctx: &Context, store: &mut dyn Store, top: usize) -> anyhow::Result<Summary> {
    let spinner = progress::spinner(ctx, "indexing the knowledge base");
    let (engine, index) = load_engine(ctx, &*store)?;
    spinner.finish_and_clear();
    let devices = store.list_devices(&DeviceFilter::default())?;
    let bar = progress::bar(ctx, devices.len() as u64, "devices");
    let mut findings = engine.evaluate_devices(&devices, &mut || bar.inc(1));
    bar.finish_and_clear();
    let components = store.identified_components(None)?;
    let mut by_sbom: BTreeMap<i64, Vec<Component>> = BTreeMap::new();
    for c in components.iter() {
        by_sbom
            .entry(c.sbom_id)
            .or_default()
            .push(c.component.clone());
    }
    let spinner = progress::spinner(ctx, "matching SBOM components");
    let labelled: Vec<(String, Vec<Component>)> = by_sbom
        .into_iter()
        .map(|(id, comps)| (format!("sbom:{id}"), comps))
        .collect();
    // SBOMs are independent: matched on every core.
    let sbom_findings = engine.evaluate_sboms(&labelled);
    spinner.finish_and_clear();
    let device_by_key: HashMap<(String, String), &medvigil_model::Device> = devices
        .iter()
        .map(|d| ((d.site.clone(), d.asset_id.clone()), d))
        .collect();
    let mut by_label: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in &sbom_findings {
        if let medvigil_model::finding::AssetRef::Component { sbom, .. } = &f.asset {
            by_label.entry(sbom.as_str()).or_default().push(f);
        }
    }
    for (label, _) in &labelled {
        let Some(id) = label
            .strip_prefix("sbom:")
            .and_then(|i| i.parse::<i64>().ok())
        else {
            continue;
        };
        let Some(list) = by_label.get(label.as_str()) else {
            continue;
        };
        // The devices running this SBOM's firmware carry its component findings too, so
        // that `findings --asset` shows a pump's Log4Shell next to its advisories.
        for (site, asset_id) in store.devices_for_sbom(id)? {
            let Some(d) = device_by_key.get(&(site.clone(), asset_id.clone())) else {
                continue;
            };
            findings.extend(list.iter().map(|f| {
                let mut g = (*f).clone();
                g.asset = medvigil_model::finding::AssetRef::Device {
                    site: site.clone(),
                    asset_id: asset_id.clone(),
                };
                g.model = d.model.clone();
                g.version = d.version.clone();
                for det in &mut g.details {
                    det.searched_by
                        .insert("sbom_component".into(), f.model.clone().unwrap_or_default());
                    det.searched_by.insert("sbom".into(), label.clone());
                }
                g
            }));
        }
    }
    findings.extend(sbom_findings);
    let mut findings = dedupe(findings);
    let statements = store.vex_statements()?;
    let suppressed = {
        apply_vex(&mut findings, &statements, engine.table());
        findings.iter().filter(|f| f.is_suppressed()).count()
    };
    let changes = store
        .replace_findings(&findings)
        .context("saving findings")?;

    let mut by_status: BTreeMap<&'static str, usize> =
        FindingStatus::ALL.iter().map(|s| (s.as_str(), 0)).collect();
    for f in &findings {
        *by_status.entry(f.status.as_str()).or_default() += 1;
    }
    let mut per_device: HashMap<(String, String), (usize, Vec<String>)> = HashMap::new();
    for f in findings
        .iter()
        .filter(|f| f.status == FindingStatus::Affected)
    {
        if let medvigil_model::finding::AssetRef::Device { site, asset_id } = &f.asset {
            let e = per_device
                .entry((site.clone(), asset_id.clone()))
                .or_default();
            e.0 += 1;
            if let Some(a) = &f.advisory_id
                && !e.1.contains(a)
            {
                e.1.push(a.clone());
            }
        }
    }
    let mut ranked: Vec<_> = per_device.into_iter().collect();
    ranked.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    let device_by_key: HashMap<(&str, &str), &medvigil_model::Device> = devices
        .iter()
        .map(|d| ((d.site.as_str(), d.asset_id.as_str()), d))
        .collect();
    let most_affected: Vec<DeviceCount> = ranked
        .into_iter()
        .take(top)
        .map(|((site, asset_id), (n, advisories))| {
            let d = device_by_key.get(&(site.as_str(), asset_id.as_str()));
            DeviceCount {
                manufacturer: d.and_then(|d| d.manufacturer.clone()),
                model: d.and_then(|d| d.model.clone()),
                version: d.and_then(|d| d.version.clone()),
                site,
                asset_id,
                affected: n,
                advisories,
            }
        })
        .collect();
    Ok(Summary {
        devices: devices.len(),
        sbom_components: components.len(),
        index,
        findings: findings.len(),
        by_status,
        suppressed_by_vex: suppressed,
        changes,
        most_affected,
    })
}

/// Prints a summary for people.
pub fn print_summary(summary: &Summary) -> anyhow::Result<()> {
    println!(
        "Analyzed {} devices and {} SBOM components against {} vulnerabilities and {} advisories.",
        summary.devices,
        summary.sbom_components,
        summary.index.vulnerabilities,
        summary.index.advisories
    );
    println!(
        "{} findings: {} affected, {} under investigation, {} fixed, {} not affected ({} suppressed by VEX).",
        summary.findings,
        summary.by_status["affected"],
        summary.by_status["under_investigation"],
        summary.by_status["fixed"],
        summary.by_status["not_affected"],
        summary.suppressed_by_vex
    );
    let c = &summary.changes;
    println!(
        "Since the last analysis: {} new, {} changed, {} unchanged, {} no longer apply.",
        c.added, c.updated, c.unchanged, c.removed
    );
    if summary.index.skipped_rules > 0 {
        println!(
            "{} knowledge-base rules could not be read and were skipped (bad ranges or CPEs).",
            summary.index.skipped_rules
        );
    }
    if !summary.most_affected.is_empty() {
        println!("\nMost affected devices:");
        let rows: Vec<Vec<String>> = summary
            .most_affected
            .iter()
            .map(|d| {
                vec![
                    format!("{}/{}", d.site, d.asset_id),
                    d.manufacturer.clone().unwrap_or_default(),
                    d.model.clone().unwrap_or_default(),
                    d.version.clone().unwrap_or_default(),
                    d.affected.to_string(),
                    d.advisories.join(" "),
                ]
            })
            .collect();
        crate::table::write(
            &mut std::io::stdout(),
            &[
                "DEVICE",
                "MANUFACTURER",
                "MODEL",
                "VERSION",
                "AFFECTED",
                "ADVISORIES",
            ],
            &rows,
            60,
        )?;
    }
    Ok(())
}
