//! `medvigil cvss`: score CVSS v2.0, v3.0, v3.1 and v4.0 vectors.
//!
//! Vectors come from the arguments, or from stdin (one per line) when the only argument is
//! `-`. A bad vector is reported (naming the bad metric) and the others still get scored;
//! the exit status is then 2.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::Context as _;
use medvigil_risk::cvss::{Cvss, CvssError, Scores};
use serde::Serialize;

use crate::context::Context;

/// Arguments of `medvigil cvss`.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Examples:
  medvigil cvss CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H
  medvigil cvss --json 'AV:N/AC:L/Au:N/C:P/I:P/A:P/E:F/RL:OF/RC:C'
  cut -f2 vectors.tsv | medvigil cvss --json -")]
pub struct Args {
    /// Vector strings to score; `-` reads one vector per line from stdin.
    #[arg(required = true, value_name = "VECTOR")]
    pub vectors: Vec<String>,
    /// One JSON object per vector (JSON Lines): vector, version, base_score,
    /// temporal_score, environmental_score, score, severity; or vector, line, error, metric.
    #[arg(long)]
    pub json: bool,
    /// With --json: write each vector as a FIRST CVSS JSON object (the cvss-v2.0/v3.x/v4.0
    /// schemas CSAF and CycloneDX embed) instead of medvigil's summary.
    #[arg(long, requires = "json")]
    pub first: bool,
}

/// One scored vector, as `--json` prints it.
#[derive(Serialize)]
struct ScoredLine<'a> {
    vector: &'a str,
    version: &'static str,
    base_score: f64,
    temporal_score: Option<f64>,
    environmental_score: Option<f64>,
    score: f64,
    severity: &'static str,
}

/// One rejected vector, as `--json` prints it.
#[derive(Serialize)]
struct ErrorLine<'a> {
    vector: &'a str,
    line: usize,
    error: String,
    metric: Option<&'a str>,
}

pub fn run(_ctx: &Context, args: Args) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut bad = 0usize;
    let mut total = 0usize;
    if args.vectors.len() == 1 && args.vectors[0] == "-" {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        let mut line = String::new();
        let mut lineno = 0;
        loop {
            line.clear();
            if input.read_line(&mut line).context("reading stdin")? == 0 {
                break;
            }
            lineno += 1;
            let v = line.trim();
            if v.is_empty() || v.starts_with('#') {
                continue;
            }
            total += 1;
            if !one(&mut out, v, lineno, "<stdin>", &args)? {
                bad += 1;
            }
        }
    } else {
        for (i, v) in args.vectors.iter().enumerate() {
            total += 1;
            if !one(&mut out, v, i + 1, "argument", &args)? {
                bad += 1;
            }
        }
    }
    out.flush().context("writing output")?;
    if bad > 0 {
        return Err(crate::exit::input_error(format!(
            "{bad} of {total} CVSS vectors could not be parsed"
        )));
    }
    Ok(ExitCode::SUCCESS)
}

/// Scores one vector and writes its line; `Ok(false)` when the vector was rejected.
fn one(
    out: &mut impl Write,
    v: &str,
    lineno: usize,
    from: &str,
    args: &Args,
) -> anyhow::Result<bool> {
    let json = args.json;
    match v.parse::<Cvss>() {
        Ok(c) => {
            let s = c.scores();
            if args.first {
                serde_json::to_writer(&mut *out, &c.to_first_json())?;
                out.write_all(b"\n")?;
            } else if json {
                serde_json::to_writer(
                    &mut *out,
                    &ScoredLine {
                        vector: v,
                        version: c.version().as_str(),
                        base_score: s.base,
                        temporal_score: s.temporal,
                        environmental_score: s.environmental,
                        score: s.score,
                        severity: s.severity.as_str(),
                    },
                )?;
                out.write_all(b"\n")?;
            } else {
                write_text(out, v, &c, &s)?;
            }
            Ok(true)
        }
        Err(e) => {
            if json {
                serde_json::to_writer(
                    &mut *out,
                    &ErrorLine {
                        vector: v,
                        line: lineno,
                        error: e.to_string(),
                        metric: e.metric(),
                    },
                )?;
                out.write_all(b"\n")?;
            }
            report(from, lineno, v, &e);
            Ok(false)
        }
    }
}

fn write_text(out: &mut impl Write, v: &str, c: &Cvss, s: &Scores) -> std::io::Result<()> {
    let opt = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |x| format!("{x:.1}"));
    writeln!(
        out,
        "{:.1} {:<8} CVSS {}  base {:.1}  temporal {}  environmental {}  {v}",
        s.score,
        s.severity.as_str(),
        c.version().as_str(),
        s.base,
        opt(s.temporal),
        opt(s.environmental),
    )
}

fn report(from: &str, lineno: usize, v: &str, e: &CvssError) {
    eprintln!("medvigil: {from}:{lineno}: {v:?}: {e}");
}
