//! EPSS scores as FIRST publishes them (<https://www.first.org/epss/data_stats>):
//!
//! ```text
//! #model_version:v2025.03.14,score_date:2025-06-01T12:55:00Z
//! cve,epss,percentile
//! CVE-1999-0001,0.01055,0.77111
//! ```
//!
//! The comment line is optional (older files lack it); the header is required, so a
//! column swap is caught rather than read as wrong numbers.

use medvigil_model::vuln::EpssScore;

use super::kev::is_cve_id;
use super::{KbError, KbFormat};

const F: KbFormat = KbFormat::Epss;

fn at_line(line: usize, message: impl Into<String>) -> KbError {
    KbError {
        format: Some(F),
        line: Some(line),
        column: None,
        pointer: None,
        message: message.into(),
    }
}

/// Parses an EPSS CSV (already decompressed).
pub fn parse_epss(bytes: &[u8]) -> Result<Vec<EpssScore>, KbError> {
    let text =
        std::str::from_utf8(bytes).map_err(|e| KbError::new(Some(F), format!("not UTF-8: {e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut model_version = None;
    let mut score_date = None;
    let mut header_seen = false;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            if header_seen {
                return Err(at_line(n, "comment line after the header"));
            }
            for part in comment.split(',') {
                match part.split_once(':') {
                    Some(("model_version", v)) => model_version = Some(v.trim().to_string()),
                    Some(("score_date", v)) => score_date = Some(v.trim().to_string()),
                    _ => {}
                }
            }
            continue;
        }
        if !header_seen {
            let cols: Vec<&str> = line.split(',').map(str::trim).collect();
            if cols != ["cve", "epss", "percentile"] {
                return Err(at_line(
                    n,
                    format!("expected the header `cve,epss,percentile`, found {line:?}"),
                ));
            }
            header_seen = true;
            continue;
        }
        let mut cols = line.split(',');
        let (Some(cve), Some(epss), Some(pct), None) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            return Err(at_line(
                n,
                format!("expected 3 columns (cve,epss,percentile), found {line:?}"),
            ));
        };
        if !is_cve_id(cve) {
            return Err(at_line(n, format!("{cve:?} is not a CVE id")));
        }
        let prob = |what: &str, s: &str| -> Result<f64, KbError> {
            match s.trim().parse::<f64>() {
                Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
                _ => Err(at_line(
                    n,
                    format!("{what} {s:?} is not a number between 0 and 1"),
                )),
            }
        };
        out.push(EpssScore {
            cve: cve.to_string(),
            epss: prob("epss", epss)?,
            percentile: prob("percentile", pct)?,
            model_version: model_version.clone(),
            score_date: score_date.clone(),
        });
    }
    if !header_seen {
        return Err(KbError::new(Some(F), "no `cve,epss,percentile` header"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_comment_line_and_rows() {
        let s = b"#model_version:v2025.03.14,score_date:2025-06-01T00:00:00Z\ncve,epss,percentile\nCVE-2021-44228,0.94358,0.99961\n";
        let v = parse_epss(s).unwrap();
        assert_eq!(v[0].model_version.as_deref(), Some("v2025.03.14"));
        assert_eq!(v[0].score_date.as_deref(), Some("2025-06-01T00:00:00Z"));
        assert_eq!(v[0].epss, 0.94358);
    }

    #[test]
    fn out_of_range_names_line() {
        let s = b"cve,epss,percentile\nCVE-2021-44228,0.9,0.9\nCVE-2021-44229,1.5,0.9\n";
        let e = parse_epss(s).unwrap_err();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("epss \"1.5\""), "{e}");
    }

    #[test]
    fn swapped_header_is_rejected() {
        assert!(parse_epss(b"cve,percentile,epss\n").is_err());
    }
}
