//! `medvigil guard`: run the MLLP guard in front of an infusion-pump gateway, check its
//! configuration, or verify its audit log.
//!
//! `medvigil guard --config guard.toml` and `medvigil guard run --config guard.toml`
//! are the same. The guard runs until Ctrl-C or SIGTERM, then drains connections and
//! prints the audit log's head hash (keep it elsewhere: it lets `verify-log
//! --expect-head` detect a log cut short at the end).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use medvigil_guard::{Config, Guard};

use crate::context::Context;
use crate::exit;

/// Arguments of `medvigil guard`.
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// Run the guard with this configuration (see crates/medvigil-guard/examples/guard.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// `medvigil guard` subcommands.
#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Run the guard (same as `medvigil guard --config FILE`).
    Run {
        /// The guard configuration.
        #[arg(long, value_name = "FILE")]
        config: PathBuf,
    },
    /// Verify an audit log's hash chain: exit 0 if intact, 1 if edited, inserted or
    /// deleted lines are found.
    VerifyLog {
        /// The audit log (JSON lines).
        file: PathBuf,
        /// The head hash recorded elsewhere (printed when the guard stops); also
        /// detects lines cut from the end.
        #[arg(long, value_name = "HASH")]
        expect_head: Option<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check a configuration file and summarise it.
    CheckConfig {
        /// The guard configuration.
        file: PathBuf,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(_ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    match (args.config, args.command) {
        (Some(config), None) | (None, Some(Command::Run { config })) => serve(&config),
        (
            None,
            Some(Command::VerifyLog {
                file,
                expect_head,
                json,
            }),
        ) => verify(&file, expect_head.as_deref(), json),
        (None, Some(Command::CheckConfig { file, json })) => check_config(&file, json),
        _ => Err(exit::input_error(
            "say what to do: `medvigil guard --config guard.toml`, `medvigil guard verify-log FILE` \
             or `medvigil guard check-config FILE`",
        )),
    }
}

fn load(path: &Path) -> anyhow::Result<Config> {
    Config::load(path).map_err(|e| exit::input_error(e.to_string()))
}

fn serve(path: &Path) -> anyhow::Result<ExitCode> {
    let config = load(path)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("medvigil-guard")
        .build()
        .context("starting the async runtime")?;
    let head = runtime.block_on(async move {
        let guard = Guard::bind(config)
            .await
            .map_err(|e| exit::input_error(e.to_string()))?;
        eprintln!("medvigil guard: listening on {}", guard.local_addr());
        guard
            .serve(shutdown_signal())
            .await
            .context("running the guard")
    })?;
    eprintln!("medvigil guard: stopped; audit log head hash {head}");
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C, or SIGTERM on Unix (what service managers send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn verify(file: &Path, expect_head: Option<&str>, json: bool) -> anyhow::Result<ExitCode> {
    if !file.exists() {
        return Err(exit::input_error(format!(
            "{}: no such file",
            file.display()
        )));
    }
    let result = medvigil_guard::verify_log(file);
    let mut out = std::io::stdout().lock();
    let (ok, value) = match &result {
        Ok(r) => {
            let head_ok = expect_head.is_none_or(|h| h.eq_ignore_ascii_case(&r.head));
            let problem = (!head_ok).then(|| {
                format!(
                    "the last line's hash is {} but {} was expected: lines were cut from the end, or the log was replaced",
                    r.head,
                    expect_head.unwrap_or_default()
                )
            });
            (
                head_ok,
                serde_json::json!({
                    "file": file, "ok": head_ok, "lines": r.lines, "head": r.head, "problem": problem,
                }),
            )
        }
        Err(e) => (
            false,
            serde_json::json!({"file": file, "ok": false, "line": e.line, "problem": e.problem}),
        ),
    };
    if json {
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
    } else if ok {
        writeln!(
            out,
            "{}: intact, {} lines, head hash {}",
            file.display(),
            value["lines"],
            value["head"].as_str().unwrap_or_default()
        )?;
    } else if let Err(e) = &result {
        writeln!(out, "{e}")?;
    } else {
        writeln!(
            out,
            "{}: {}",
            file.display(),
            value["problem"].as_str().unwrap_or_default()
        )?;
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(exit::THRESHOLD)
    })
}

fn check_config(file: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let c = load(file)?;
    medvigil_guard::proxy::check_tls(&c)
        .map_err(|e| exit::input_error(format!("{}: {e}", file.display())))?;
    let mut out = std::io::stdout().lock();
    if json {
        let senders: Vec<_> = c
            .senders
            .iter()
            .map(|s| {
                serde_json::json!({
                    "name": s.name,
                    "networks": s.networks.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
                    "client_cert_subject": s.client_cert_subject,
                    "message_types": s.message_types,
                })
            })
            .collect();
        let drugs: Vec<_> = c
            .drugs
            .iter()
            .map(|d| {
                serde_json::json!({
                    "code": d.code, "name": d.name, "care_areas": d.care_areas,
                    "dose_unit": d.dose_unit.to_string(), "hard_min": d.hard_min,
                    "hard_max": d.hard_max, "soft_min": d.soft_min, "soft_max": d.soft_max,
                    "max_vtbi_ml": d.max_vtbi_ml,
                    "concentrations": d.concentrations.iter().map(|x| x.to_string()).collect::<Vec<_>>(),
                })
            })
            .collect();
        let v = serde_json::json!({
            "listen": c.listen.to_string(),
            "upstream": c.upstream,
            "audit_log": c.audit_log,
            "tls": c.tls.as_ref().map(|t| serde_json::json!({
                "cert": t.cert, "key": t.key, "client_ca": t.client_ca,
                "require_client_cert": t.require_client_cert,
            })),
            "senders": senders,
            "drugs": drugs,
        });
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else {
        let tls = match &c.tls {
            None => "plain TCP".to_string(),
            Some(t) if t.require_client_cert => "mutual TLS".to_string(),
            Some(_) => "TLS".to_string(),
        };
        writeln!(
            out,
            "{}: OK: listen {} ({tls}), upstream {}, audit log {}",
            file.display(),
            c.listen,
            c.upstream,
            c.audit_log.display()
        )?;
        for s in &c.senders {
            writeln!(
                out,
                "  sender {}: {} networks, may send {}",
                s.name,
                s.networks.len(),
                s.message_types.join(", ")
            )?;
        }
        writeln!(out, "  drug library: {} entries", c.drugs.len())?;
    }
    Ok(ExitCode::SUCCESS)
}
