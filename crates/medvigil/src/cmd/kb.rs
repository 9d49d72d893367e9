//! `medvigil kb`: import, sync and inspect the vulnerability knowledge base.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use medvigil_kb::sync::{SyncConfig, SyncOptions};
use medvigil_kb::{ImportOptions, ImportReport, OnError};
use medvigil_model::vuln::{
    Advisory, AffectedRule, KbCounts, OsvEvent, Recall, ScoreKind, Vulnerability,
};
use serde::Serialize;

use crate::context::Context;
use crate::exit::input_error;
use crate::table;

/// Subcommands of `medvigil kb`.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Import OSV, NVD, CVE 5, CSAF, KEV, EPSS or openFDA files.
    ///
    /// PATH may be a file, a directory (walked recursively) or a zip archive (as osv.dev
    /// exports them); `.gz` files are decompressed. The format of each file is detected
    /// from its content. A CSAF file's `.sha512` is verified when present. Everything is
    /// written in one transaction; re-importing is idempotent, and a record older than
    /// the stored copy (by its `modified` date) does not replace it.
    Import(ImportArgs),
    /// Pull the public feeds (CISA CSAF advisories, OSV exports, KEV, EPSS) and import
    /// what changed.
    ///
    /// Downloads are conditional (ETag / If-Modified-Since) and resumable; the cache
    /// lives in `<data dir>/kb-sync`. Sources come from --config (TOML, `[[source]]`
    /// tables with name, kind = csaf-rolie | osv-zip | kev | epss, and url) or the
    /// built-in list.
    Sync(SyncArgs),
    /// Counts of what the knowledge base holds.
    Stats(StatsArgs),
    /// Show a vulnerability (by any alias: CVE, GHSA, PYSEC, GO, RUSTSEC ...), an
    /// advisory (ICSMA-20-023-01) or a recall (Z-number, 510(k) number).
    Show(ShowArgs),
}

/// Arguments of `kb import`.
#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    /// Files, directories or zip archives.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Reject CSAF files that have no `.sha512` beside them.
    #[arg(long)]
    pub require_hash: bool,
    /// Import everything valid and report the rejected files (the default).
    #[arg(long, conflicts_with = "stop_on_error")]
    pub keep_going: bool,
    /// Stop at the first rejected file and write nothing.
    #[arg(long)]
    pub stop_on_error: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `kb sync`.
#[derive(clap::Args, Debug)]
pub struct SyncArgs {
    /// Only this source (by name or kind); repeat for several.
    #[arg(long = "source", value_name = "NAME")]
    pub sources: Vec<String>,
    /// A TOML file listing the sources.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print the configured sources and exit.
    #[arg(long)]
    pub list: bool,
    /// Reject CSAF advisories without a hash.
    #[arg(long)]
    pub require_hash: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `kb stats`.
#[derive(clap::Args, Debug)]
pub struct StatsArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `kb show`.
#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    /// The id (case-insensitive).
    pub id: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Import(a) => import(ctx, a),
        Command::Sync(a) => sync(ctx, a),
        Command::Stats(a) => stats(ctx, a),
        Command::Show(a) => show(ctx, a),
    }
}

fn import(ctx: &Context, a: ImportArgs) -> anyhow::Result<ExitCode> {
    for p in &a.paths {
        if !p.exists() {
            return Err(input_error(format!(
                "{}: no such file or directory",
                p.display()
            )));
        }
    }
    let opts = ImportOptions {
        require_hash: a.require_hash,
        on_error: if a.stop_on_error {
            OnError::Stop
        } else {
            OnError::KeepGoing
        },
        ..ImportOptions::default()
    };
    let mut store = ctx.open_sqlite()?;
    let bar = crate::progress::bar(ctx, 0, "importing");
    let report = medvigil_kb::import_paths(&mut store, &a.paths, &opts, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .map_err(|e| match e {
        medvigil_kb::ImportError::Input { .. } => input_error(e.to_string()),
        other => anyhow::Error::new(other).context("importing into the knowledge base"),
    })?;
    bar.finish_and_clear();
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        print_import(&mut out, &report)?;
    }
    finish_import(&report)
}

/// Exit status of an import: stopped or nothing accepted is an input error.
fn finish_import(report: &ImportReport) -> anyhow::Result<ExitCode> {
    if !report.committed {
        let first = &report.rejections[0];
        return Err(input_error(format!(
            "{}: {}\nstopped at the first rejected file (--stop-on-error); nothing was written",
            first.path, first.reason
        )));
    }
    let accepted = report.files as usize - report.rejections.len() - report.skipped.len();
    if accepted == 0 && !report.rejections.is_empty() {
        return Err(input_error(format!(
            "all {} files were rejected; nothing was imported",
            report.rejections.len()
        )));
    }
    Ok(ExitCode::SUCCESS)
}

fn counts_table(out: &mut dyn Write, counts: &KbCounts) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = counts
        .iter()
        .map(|(s, c)| {
            vec![
                s.to_string(),
                c.new.to_string(),
                c.updated.to_string(),
                c.unchanged.to_string(),
                c.stale.to_string(),
                c.rejected.to_string(),
            ]
        })
        .collect();
    table::write(
        out,
        &["source", "new", "updated", "unchanged", "older", "rejected"],
        &rows,
        40,
    )
}

/// Shows at most this many rejections in text output (`--json` has them all).
const MAX_SHOWN: usize = 50;

fn print_import(out: &mut dyn Write, r: &ImportReport) -> std::io::Result<()> {
    writeln!(out, "{} files read", r.files)?;
    if r.counts.is_empty() {
        writeln!(out, "no knowledge-base records found")?;
    } else {
        counts_table(out, &r.counts)?;
    }
    for (path, why) in &r.skipped {
        writeln!(out, "skipped {path}: {why}")?;
    }
    if !r.rejections.is_empty() {
        writeln!(out, "{} rejected:", r.rejections.len())?;
        for rej in r.rejections.iter().take(MAX_SHOWN) {
            writeln!(out, "  {}: {}", rej.path, rej.reason)?;
        }
        if r.rejections.len() > MAX_SHOWN {
            writeln!(
                out,
                "  ... and {} more (--json lists all)",
                r.rejections.len() - MAX_SHOWN
            )?;
        }
    }
    Ok(())
}

fn sync(ctx: &Context, a: SyncArgs) -> anyhow::Result<ExitCode> {
    let config = match &a.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| input_error(format!("{}: {e}", path.display())))?;
            SyncConfig::from_toml(&text)
                .map_err(|e| input_error(format!("{}: {e}", path.display())))?
        }
        None => SyncConfig::defaults(),
    };
    let mut out = std::io::stdout().lock();
    if a.list {
        if a.json {
            serde_json::to_writer_pretty(&mut out, &config.sources)?;
            writeln!(out)?;
        } else {
            let rows: Vec<Vec<String>> = config
                .sources
                .iter()
                .map(|s| {
                    vec![
                        s.name.clone(),
                        serde_json::to_value(s.kind)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                        s.url.clone(),
                    ]
                })
                .collect();
            table::write(&mut out, &["name", "kind", "url"], &rows, 120)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let mut opts = SyncOptions::new(ctx.data_dir()?.join("kb-sync"));
    opts.only = a.sources.clone();
    opts.import.require_hash = a.require_hash;
    let mut store = ctx.open_sqlite()?;
    let spinner = crate::progress::spinner(ctx, "syncing");
    let report = medvigil_kb::sync::sync(&mut store, &config, &opts, &mut |msg| {
        spinner.set_message(msg.to_string());
        spinner.tick();
    })
    .map_err(|e| match e {
        medvigil_kb::sync::SyncError::Config(_)
        | medvigil_kb::sync::SyncError::UnknownSource(..) => input_error(e.to_string()),
        other => anyhow::Error::new(other).context("syncing the knowledge base"),
    })?;
    spinner.finish_and_clear();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        let rows: Vec<Vec<String>> = report
            .sources
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    s.downloaded.to_string(),
                    s.not_modified.to_string(),
                    s.resumed.to_string(),
                    s.failures.len().to_string(),
                ]
            })
            .collect();
        table::write(
            &mut out,
            &["source", "downloaded", "not modified", "resumed", "failed"],
            &rows,
            40,
        )?;
        for s in &report.sources {
            for (url, why) in s.failures.iter().take(MAX_SHOWN) {
                writeln!(out, "  {}: {url}: {why}", s.name)?;
            }
        }
        match &report.import {
            Some(r) => print_import(&mut out, r)?,
            None => writeln!(out, "nothing changed since the last sync")?,
        }
    }
    let failed: usize = report.sources.iter().map(|s| s.failures.len()).sum();
    if failed > 0 {
        anyhow::bail!("{failed} downloads failed (listed above); what did arrive was imported");
    }
    Ok(ExitCode::SUCCESS)
}

fn stats(ctx: &Context, a: StatsArgs) -> anyhow::Result<ExitCode> {
    let store = ctx.open_sqlite()?;
    let s = medvigil_store::KbStore::kb_stats(&store).context("reading knowledge-base stats")?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &s)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut rows: Vec<Vec<String>> = s
        .vulnerabilities
        .iter()
        .map(|(src, n)| vec![format!("{src} records"), n.to_string()])
        .collect();
    rows.push(vec!["ids and aliases".into(), s.ids.to_string()]);
    rows.push(vec!["CVE ids".into(), s.cves.to_string()]);
    rows.push(vec![
        "advisories (csaf)".into(),
        format!("{} ({} VEX)", s.advisories, s.vex_advisories),
    ]);
    rows.push(vec!["KEV entries".into(), s.kev.to_string()]);
    let epss = match (&s.epss_model_version, &s.epss_score_date) {
        (Some(m), Some(d)) => format!("{} (model {m}, scored {d})", s.epss),
        _ => s.epss.to_string(),
    };
    rows.push(vec!["EPSS scores".into(), epss]);
    rows.push(vec!["recalls (openfda)".into(), s.recalls.to_string()]);
    table::write(&mut out, &["what", "count"], &rows, 80)?;
    Ok(ExitCode::SUCCESS)
}

/// `kb show --json`: the merged vulnerability plus what was found beside it.
#[derive(Serialize)]
struct ShowJson<'a> {
    /// The merged view (null when the id names only an advisory or recall).
    vulnerability: Option<Vulnerability>,
    /// The records as each source stored them.
    records: &'a [Vulnerability],
    advisories: &'a [Advisory],
    recalls: &'a [Recall],
}

fn show(ctx: &Context, a: ShowArgs) -> anyhow::Result<ExitCode> {
    let store = ctx.open_sqlite()?;
    let found = medvigil_store::KbStore::kb_lookup(&store, &a.id)
        .with_context(|| format!("looking up {}", a.id))?;
    if found.is_empty() {
        return Err(input_error(format!(
            "{}: no vulnerability, advisory or recall with this id in the knowledge base (try `medvigil kb import` or `medvigil kb sync`)",
            a.id
        )));
    }
    let merged = medvigil_kb::merge(&found, &a.id);
    let mut out = std::io::stdout().lock();
    if a.json {
        let j = ShowJson {
            vulnerability: merged,
            records: &found.vulnerabilities,
            advisories: &found.advisories,
            recalls: &found.recalls,
        };
        serde_json::to_writer_pretty(&mut out, &j)?;
        writeln!(out)?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(v) = &merged {
        print_vulnerability(&mut out, v)?;
    } else {
        // Only KEV/EPSS (a CVE no record describes) or an advisory/recall id.
        for k in &found.kev {
            writeln!(
                out,
                "{}  known exploited (KEV, added {})",
                k.cve_id, k.date_added
            )?;
        }
        for e in &found.epss {
            writeln!(
                out,
                "{}  EPSS {:.5} (percentile {:.5})",
                e.cve, e.epss, e.percentile
            )?;
        }
    }
    for adv in &found.advisories {
        writeln!(out)?;
        print_advisory(&mut out, adv)?;
    }
    for r in &found.recalls {
        writeln!(out)?;
        print_recall(&mut out, r)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn kind_name(k: &ScoreKind) -> String {
    match k {
        ScoreKind::CvssV2 => "CVSS v2.0".into(),
        ScoreKind::CvssV30 => "CVSS v3.0".into(),
        ScoreKind::CvssV31 => "CVSS v3.1".into(),
        ScoreKind::CvssV40 => "CVSS v4.0".into(),
        ScoreKind::Other(o) => o.clone(),
    }
}

fn print_vulnerability(out: &mut dyn Write, v: &Vulnerability) -> std::io::Result<()> {
    writeln!(out, "{}", v.id)?;
    if !v.aliases.is_empty() {
        writeln!(out, "  aliases:   {}", v.aliases.join(", "))?;
    }
    let sources: Vec<&str> = v.sources.iter().map(|s| s.as_str()).collect();
    writeln!(out, "  sources:   {}", sources.join(", "))?;
    if let Some(s) = &v.summary {
        writeln!(out, "  summary:   {s}")?;
    }
    if let Some(d) = &v.details {
        let short: String = d.chars().take(400).collect();
        let ell = if d.chars().count() > 400 { "…" } else { "" };
        writeln!(out, "  details:   {}{ell}", short.replace('\n', " "))?;
    }
    if let Some(p) = &v.published {
        writeln!(out, "  published: {p}")?;
    }
    if let Some(m) = &v.modified {
        writeln!(out, "  modified:  {m}")?;
    }
    if let Some(w) = &v.withdrawn {
        writeln!(out, "  WITHDRAWN: {w}")?;
    }
    match &v.kev {
        Some(k) => writeln!(
            out,
            "  KEV:       known exploited since {} (due {}; ransomware use: {})",
            k.date_added, k.due_date, k.known_ransomware_campaign_use
        )?,
        None => writeln!(out, "  KEV:       not listed")?,
    }
    if let Some(e) = &v.epss {
        writeln!(
            out,
            "  EPSS:      {:.5} (percentile {:.5}{}{})",
            e.epss,
            e.percentile,
            e.model_version
                .as_ref()
                .map(|m| format!(", model {m}"))
                .unwrap_or_default(),
            e.score_date
                .as_ref()
                .map(|d| format!(", scored {d}"))
                .unwrap_or_default()
        )?;
    }
    if !v.cwes.is_empty() {
        writeln!(out, "  CWE:       {}", v.cwes.join(", "))?;
    }
    if !v.scores.is_empty() {
        writeln!(out, "  scores:")?;
        for s in &v.scores {
            writeln!(
                out,
                "    {:<10} {:>4} {:<8} {}  ({})",
                kind_name(&s.kind),
                s.base_score.map(|b| format!("{b:.1}")).unwrap_or_default(),
                s.severity.clone().unwrap_or_default(),
                s.vector,
                s.source
            )?;
        }
    }
    if !v.affected.is_empty() {
        writeln!(out, "  affected:")?;
        for rule in &v.affected {
            writeln!(out, "    {}", describe_rule(rule))?;
        }
    }
    if !v.references.is_empty() {
        writeln!(out, "  references: {}", v.references.len())?;
        for r in v.references.iter().take(5) {
            writeln!(out, "    {}", r.url)?;
        }
    }
    Ok(())
}

fn describe_rule(rule: &AffectedRule) -> String {
    match rule {
        AffectedRule::Osv(a) => {
            let ranges: Vec<String> = a
                .ranges
                .iter()
                .map(|r| {
                    let ev: Vec<String> = r
                        .events
                        .iter()
                        .map(|e| match e {
                            OsvEvent::Introduced(v) => format!("introduced {v}"),
                            OsvEvent::Fixed(v) => format!("fixed {v}"),
                            OsvEvent::LastAffected(v) => format!("last_affected {v}"),
                            OsvEvent::Limit(v) => format!("limit {v}"),
                        })
                        .collect();
                    format!("{}: {}", r.range_type, ev.join(", "))
                })
                .collect();
            let mut s = format!("osv  {} {}", a.ecosystem, a.name);
            if !ranges.is_empty() {
                s.push_str(&format!("  [{}]", ranges.join("; ")));
            }
            if !a.versions.is_empty() {
                s.push_str(&format!("  ({} versions listed)", a.versions.len()));
            }
            s
        }
        AffectedRule::Nvd(c) => {
            let nodes: Vec<String> = c
                .nodes
                .iter()
                .map(|n| {
                    let m: Vec<String> = n
                        .cpe_match
                        .iter()
                        .map(|m| {
                            let mut s = m.criteria.clone();
                            for (label, v) in [
                                (">=", &m.version_start_including),
                                (">", &m.version_start_excluding),
                                ("<=", &m.version_end_including),
                                ("<", &m.version_end_excluding),
                            ] {
                                if let Some(v) = v {
                                    s.push_str(&format!(" {label}{v}"));
                                }
                            }
                            if !m.vulnerable {
                                s.push_str(" (platform)");
                            }
                            s
                        })
                        .collect();
                    m.join(format!(" {:?} ", n.operator).as_str())
                })
                .collect();
            let op = c
                .operator
                .map(|o| format!(" {o:?} "))
                .unwrap_or(" OR ".into());
            format!("nvd  {}", nodes.join(&op.to_uppercase()))
        }
        AffectedRule::Cve5(a) => {
            let vs: Vec<String> = a
                .versions
                .iter()
                .map(|v| {
                    let mut s = v.version.clone();
                    if let Some(lt) = &v.less_than {
                        s.push_str(&format!(" <{lt}"));
                    }
                    if let Some(le) = &v.less_than_or_equal {
                        s.push_str(&format!(" <={le}"));
                    }
                    format!("{s} {}", v.status)
                })
                .collect();
            format!(
                "cve5 ({}) {} {}: {}",
                a.container,
                a.vendor.as_deref().unwrap_or("?"),
                a.product
                    .as_deref()
                    .or(a.package_name.as_deref())
                    .unwrap_or("?"),
                vs.join("; ")
            )
        }
    }
}

fn print_advisory(out: &mut dyn Write, a: &Advisory) -> std::io::Result<()> {
    writeln!(out, "{}  {}", a.id, a.title)?;
    writeln!(
        out,
        "  {} by {} ({}), released {}, current {} (version {}, {})",
        a.category,
        a.publisher.name,
        a.publisher.category,
        a.initial_release_date,
        a.current_release_date,
        a.version,
        a.status
    )?;
    writeln!(out, "  products:")?;
    for p in &a.products {
        let helpers = &p.identification;
        let mut extra = Vec::new();
        if !helpers.model_numbers.is_empty() {
            extra.push(format!("models {}", helpers.model_numbers.join(", ")));
        }
        if let Some(c) = &helpers.cpe {
            extra.push(c.clone());
        }
        if let Some(pu) = &helpers.purl {
            extra.push(pu.clone());
        }
        let extra = if extra.is_empty() {
            String::new()
        } else {
            format!("  [{}]", extra.join("; "))
        };
        writeln!(out, "    {}  {}{extra}", p.product_id, p.name)?;
    }
    for v in &a.vulnerabilities {
        let s = &v.product_status;
        writeln!(
            out,
            "  {}{}: affected {}, fixed {}, not affected {}, under investigation {}",
            v.cve.as_deref().unwrap_or("(no CVE)"),
            v.cwe
                .as_ref()
                .map(|c| format!(" ({})", c.0))
                .unwrap_or_default(),
            s.known_affected.len() + s.first_affected.len() + s.last_affected.len(),
            s.fixed.len() + s.first_fixed.len(),
            s.known_not_affected.len(),
            s.under_investigation.len()
        )?;
        for ps in &v.scores {
            writeln!(
                out,
                "    {} {} {}",
                kind_name(&ps.score.kind),
                ps.score
                    .base_score
                    .map(|b| format!("{b:.1}"))
                    .unwrap_or_default(),
                ps.score.vector
            )?;
        }
        for r in &v.remediations {
            let d: String = r.details.chars().take(160).collect();
            writeln!(out, "    {}: {}", r.category, d.replace('\n', " "))?;
        }
    }
    Ok(())
}

fn print_recall(out: &mut dyn Write, r: &Recall) -> std::io::Result<()> {
    let kind = match r.kind {
        medvigil_model::vuln::RecallKind::Recall => "recall",
        medvigil_model::vuln::RecallKind::Enforcement => "enforcement report",
    };
    writeln!(out, "{}  FDA {kind}", r.recall_number)?;
    for (label, v) in [
        ("firm", &r.recalling_firm),
        ("product code", &r.product_code),
        ("product", &r.product_description),
        ("codes", &r.code_info),
        ("reason", &r.reason_for_recall),
        ("root cause", &r.root_cause_description),
        ("class", &r.classification),
        ("status", &r.status),
        ("initiated", &r.date_initiated),
    ] {
        if let Some(v) = v {
            writeln!(out, "  {label}: {v}")?;
        }
    }
    if !r.k_numbers.is_empty() {
        writeln!(out, "  510(k): {}", r.k_numbers.join(", "))?;
    }
    Ok(())
}
