//! Device firmware versions and the version prose of medical advisories.
//!
//! Hospital inventories write "v2.1 build 3", "Rev J", "B.06.18", "4.2 SP1"; CISA's CSAF
//! product trees write `vers:all/*`, `<= 9.33`, `2.X`, `>= 4.01 | <= 4.34`,
//! `1.1.7.333 | 2.1.1.3069`, `2.3.6 and below`, or prose such as `< august 28`. This
//! module reads both into comparable segments and decides [`Verdict::Affected`],
//! [`Verdict::NotAffected`] or, when the text cannot be read as a version constraint,
//! [`Verdict::Unknown`], which the matcher reports with lower confidence instead of
//! guessing.
//!
//! Ecosystem versions (semver, PEP 440, Debian...) are `medvigil-version`'s job; this
//! is only the vendor-firmware scheme the device matcher needs.
//!
//! ```
//! use medvigil_match::firmware::{FirmwareSpec, Verdict};
//! let spec = FirmwareSpec::parse("<= 4.2");
//! assert_eq!(spec.contains(Some("v4.2 build 118")), Verdict::Affected);
//! assert_eq!(spec.contains(Some("4.3")), Verdict::NotAffected);
//! assert_eq!(FirmwareSpec::parse("2.X").contains(Some("2.1.3")), Verdict::Affected);
//! ```

use std::cmp::Ordering;
use std::fmt;

/// One segment of a firmware version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    /// A run of digits.
    Num(u64),
    /// A run of letters, lower-case.
    Alpha(String),
}

impl PartialOrd for Segment {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Segment {
    /// Numbers compare numerically, letters alphabetically; a letter segment sorts
    /// before a number (so "4.0.beta" < "4.0.1").
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Segment::Num(a), Segment::Num(b)) => a.cmp(b),
            (Segment::Alpha(a), Segment::Alpha(b)) => a.cmp(b),
            (Segment::Alpha(_), Segment::Num(_)) => Ordering::Less,
            (Segment::Num(_), Segment::Alpha(_)) => Ordering::Greater,
        }
    }
}

/// Words around a version that carry no ordering information.
const NOISE: &[&str] = &[
    "v", "ver", "version", "versions", "rev", "revision", "release", "r", "build", "bld", "fw",
    "firmware", "sw", "software", "service", "pack", "patch", "mr",
];

/// Splits a version into segments, dropping noise words ("v", "build", "rev").
/// Returns `None` when nothing version-like remains.
pub fn segments(v: &str) -> Option<Vec<Segment>> {
    let f = crate::names::fold(v);
    let mut out = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, out: &mut Vec<Segment>| {
        if cur.is_empty() {
            return;
        }
        let s = std::mem::take(cur);
        if s.bytes().all(|b| b.is_ascii_digit()) {
            // Very long digit runs (dates, serials) saturate rather than fail.
            out.push(Segment::Num(s.parse().unwrap_or(u64::MAX)));
        } else {
            out.push(Segment::Alpha(s));
        }
    };
    let mut prev_digit = None;
    for c in f.chars() {
        if c.is_ascii_alphanumeric() {
            let d = c.is_ascii_digit();
            if prev_digit.is_some_and(|p| p != d) {
                flush(&mut cur, &mut out);
            }
            cur.push(c);
            prev_digit = Some(d);
        } else {
            flush(&mut cur, &mut out);
            prev_digit = None;
        }
    }
    flush(&mut cur, &mut out);
    // Noise words go, unless nothing else is left ("Rev" alone stays a revision).
    let kept: Vec<Segment> = out
        .iter()
        .filter(|s| !matches!(s, Segment::Alpha(a) if NOISE.contains(&a.as_str())))
        .cloned()
        .collect();
    if !kept.is_empty() {
        out = kept;
    }
    (!out.is_empty()).then_some(out)
}

/// Compares two firmware versions segment by segment; a missing segment sorts first.
pub fn compare(a: &[Segment], b: &[Segment]) -> Ordering {
    a.cmp(b)
}

/// Whether a version falls under a spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The version is in the affected set.
    Affected,
    /// The version is outside it.
    NotAffected,
    /// The spec or the version could not be read; a person must check.
    Unknown,
}

/// One bound of a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    /// The bound's segments.
    pub at: Vec<Segment>,
    /// Whether the bound itself is included.
    pub inclusive: bool,
}

/// An affected-version specification from an advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirmwareSpec {
    /// Every version ("All versions", `vers:all/*`, `*`).
    All,
    /// Versions starting with these segments ("2.X" → `[2]`), or equal to them.
    Prefix(Vec<Segment>),
    /// Versions between two optional bounds.
    Range {
        /// Lower bound, if any.
        lo: Option<Bound>,
        /// Upper bound, if any.
        hi: Option<Bound>,
    },
    /// Any of several specs ("1.1 | 1.5 | 1.6").
    AnyOf(Vec<FirmwareSpec>),
    /// Text that is not a version constraint (dates, hardware revisions in prose).
    Unreadable(String),
}

impl fmt::Display for FirmwareSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let segs = |s: &[Segment]| {
            s.iter()
                .map(|x| match x {
                    Segment::Num(n) => n.to_string(),
                    Segment::Alpha(a) => a.clone(),
                })
                .collect::<Vec<_>>()
                .join(".")
        };
        match self {
            FirmwareSpec::All => f.write_str("all versions"),
            FirmwareSpec::Prefix(p) => write!(f, "{}.*", segs(p)),
            FirmwareSpec::Range { lo, hi } => {
                let mut parts = Vec::new();
                if let Some(b) = lo {
                    parts.push(format!(
                        ">{} {}",
                        if b.inclusive { "=" } else { "" },
                        segs(&b.at)
                    ));
                }
                if let Some(b) = hi {
                    parts.push(format!(
                        "<{} {}",
                        if b.inclusive { "=" } else { "" },
                        segs(&b.at)
                    ));
                }
                f.write_str(&parts.join(", "))
            }
            FirmwareSpec::AnyOf(v) => {
                let parts: Vec<String> = v.iter().map(|s| s.to_string()).collect();
                f.write_str(&parts.join(" | "))
            }
            FirmwareSpec::Unreadable(t) => write!(f, "unreadable: {t:?}"),
        }
    }
}

impl FirmwareSpec {
    /// Reads an advisory's version text. Never fails: what it cannot read becomes
    /// [`FirmwareSpec::Unreadable`].
    pub fn parse(text: &str) -> FirmwareSpec {
        let t = text.trim();
        // Collapse runs of spaces: CISA writes "2.3.6 and  below".
        let lower = crate::names::fold(t)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let lower = lower.as_str();
        if lower.is_empty()
            || lower == "*"
            || lower.starts_with("vers:all")
            || lower.starts_with("* ")
            || lower == "all"
            || lower.starts_with("all versions")
        {
            return FirmwareSpec::All;
        }
        if let Some(rest) = lower.strip_prefix("vers:") {
            // vers:<scheme>/<constraints>
            return match rest.split_once('/') {
                Some((_, c)) => FirmwareSpec::parse_pieces(c),
                None => FirmwareSpec::Unreadable(t.to_string()),
            };
        }
        // Drop parenthesized remarks: "v6.x (with Wireless Battery Modules ...)".
        let mut cleaned = String::new();
        let mut depth = 0usize;
        for c in lower.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                c if depth == 0 => cleaned.push(c),
                _ => {}
            }
        }
        FirmwareSpec::parse_pieces(cleaned.trim())
    }

    fn parse_pieces(text: &str) -> FirmwareSpec {
        let mut specs: Vec<FirmwareSpec> = Vec::new();
        let mut pending_lo: Option<Bound> = None;
        // "2131 and 2141" lists two versions ("2.3.6 and below" is handled per piece).
        let pieces: Vec<&str> = text
            .split('|')
            .flat_map(|p| {
                let parts: Vec<&str> = p.split(" and ").collect();
                if parts.len() > 1 && parts.iter().all(|x| version_only(x).is_some()) {
                    parts
                } else {
                    vec![p]
                }
            })
            .collect();
        for piece in pieces.into_iter().map(str::trim).filter(|p| !p.is_empty()) {
            let Some(c) = parse_constraint(piece) else {
                return FirmwareSpec::Unreadable(text.to_string());
            };
            match c {
                Constraint::Lo(b) => {
                    if let Some(lo) = pending_lo.take() {
                        specs.push(FirmwareSpec::Range {
                            lo: Some(lo),
                            hi: None,
                        });
                    }
                    pending_lo = Some(b);
                }
                Constraint::Hi(b) => specs.push(FirmwareSpec::Range {
                    lo: pending_lo.take(),
                    hi: Some(b),
                }),
                Constraint::Spec(s) => {
                    if let Some(lo) = pending_lo.take() {
                        specs.push(FirmwareSpec::Range {
                            lo: Some(lo),
                            hi: None,
                        });
                    }
                    specs.push(s);
                }
            }
        }
        if let Some(lo) = pending_lo {
            specs.push(FirmwareSpec::Range {
                lo: Some(lo),
                hi: None,
            });
        }
        match specs.len() {
            0 => FirmwareSpec::Unreadable(text.to_string()),
            1 => specs.pop().expect("one element"),
            _ => FirmwareSpec::AnyOf(specs),
        }
    }

    /// Whether `version` (as the inventory wrote it) is affected. A missing or
    /// unreadable device version is [`Verdict::Unknown`] unless every version is.
    pub fn contains(&self, version: Option<&str>) -> Verdict {
        if *self == FirmwareSpec::All {
            return Verdict::Affected;
        }
        let Some(v) = version.and_then(segments) else {
            return Verdict::Unknown;
        };
        self.contains_segments(&v)
    }

    fn contains_segments(&self, v: &[Segment]) -> Verdict {
        let yes = |b: bool| {
            if b {
                Verdict::Affected
            } else {
                Verdict::NotAffected
            }
        };
        match self {
            FirmwareSpec::All => Verdict::Affected,
            FirmwareSpec::Unreadable(_) => Verdict::Unknown,
            // "9.7" covers "9.7 build 12"; "2.X" covers "2.1.3".
            FirmwareSpec::Prefix(p) => yes(v.len() >= p.len() && v[..p.len()] == p[..]),
            FirmwareSpec::Range { lo, hi } => {
                let lo_ok = lo.as_ref().is_none_or(|b| match compare(v, &b.at) {
                    Ordering::Greater => true,
                    Ordering::Equal => b.inclusive,
                    Ordering::Less => false,
                });
                // An inclusive upper bound covers its own builds: "<= 4.2" holds
                // "4.2 SP1" and "4.2.0.118" (the vendor's 4.2 line).
                let hi_ok = hi.as_ref().is_none_or(|b| {
                    let cut = if b.inclusive && v.len() > b.at.len() {
                        &v[..b.at.len()]
                    } else {
                        v
                    };
                    match compare(cut, &b.at) {
                        Ordering::Less => true,
                        Ordering::Equal => b.inclusive,
                        Ordering::Greater => false,
                    }
                });
                yes(lo_ok && hi_ok)
            }
            FirmwareSpec::AnyOf(specs) => {
                let mut unknown = false;
                for s in specs {
                    match s.contains_segments(v) {
                        Verdict::Affected => return Verdict::Affected,
                        Verdict::Unknown => unknown = true,
                        Verdict::NotAffected => {}
                    }
                }
                if unknown {
                    Verdict::Unknown
                } else {
                    Verdict::NotAffected
                }
            }
        }
    }
}

enum Constraint {
    Lo(Bound),
    Hi(Bound),
    Spec(FirmwareSpec),
}

/// Reads one piece of a spec: an operator and a version, a wildcard version, a plain
/// version, or the prose forms CISA uses ("2.3.6 and below", "prior to 3.1",
/// "4.0 through 4.3").
fn parse_constraint(piece: &str) -> Option<Constraint> {
    let p = piece.trim();
    for (suffix, inclusive) in [
        (" and below", true),
        (" and prior", true),
        (" and earlier", true),
        (" and older", true),
        (" or earlier", true),
        (" and lower", true),
    ] {
        if let Some(v) = p.strip_suffix(suffix) {
            return Some(Constraint::Hi(Bound {
                at: version_only(v)?,
                inclusive,
            }));
        }
    }
    for (suffix, inclusive) in [
        (" and above", true),
        (" and later", true),
        (" and newer", true),
    ] {
        if let Some(v) = p.strip_suffix(suffix) {
            return Some(Constraint::Lo(Bound {
                at: version_only(v)?,
                inclusive,
            }));
        }
    }
    for prefix in [
        "prior to ",
        "versions prior to ",
        "before ",
        "versions before ",
        "earlier than ",
        "lower than ",
    ] {
        if let Some(v) = p.strip_prefix(prefix) {
            return Some(Constraint::Hi(Bound {
                at: version_only(v)?,
                inclusive: false,
            }));
        }
    }
    // "Rev B-M": a range of revision letters.
    let rev = p.strip_prefix("rev ").unwrap_or(p).trim();
    if let Some((a, b)) = rev.split_once('-') {
        let letter = |x: &str| x.len() == 1 && x.chars().all(|c| c.is_ascii_alphabetic());
        if letter(a.trim()) && letter(b.trim()) {
            return Some(Constraint::Spec(FirmwareSpec::Range {
                lo: Some(Bound {
                    at: vec![Segment::Alpha(a.trim().to_string())],
                    inclusive: true,
                }),
                hi: Some(Bound {
                    at: vec![Segment::Alpha(b.trim().to_string())],
                    inclusive: true,
                }),
            }));
        }
    }
    for sep in [" through ", " to ", " - "] {
        if let Some((a, b)) = p.split_once(sep)
            && let (Some(lo), Some(hi)) = (version_only(a), version_only(b))
        {
            return Some(Constraint::Spec(FirmwareSpec::Range {
                lo: Some(Bound {
                    at: lo,
                    inclusive: true,
                }),
                hi: Some(Bound {
                    at: hi,
                    inclusive: true,
                }),
            }));
        }
    }
    // "A.01 <= C.0x", "A10 < A11": CSAF product trees write a range as "low <= high"
    // or "low < high" (the high end inclusive or not; the low end always inclusive). A
    // high end whose last digit is a wildcard ("C.0x") reaches the largest such digit.
    for (sep, inclusive) in [(" <= ", true), (" < ", false)] {
        if let Some((a, b)) = p.split_once(sep)
            && let b = b.trim()
            && let b = match b.strip_suffix(['x', 'X']) {
                Some(head) if head.ends_with(|c: char| c.is_ascii_digit()) => format!("{head}9"),
                _ => b.to_string(),
            }
            && let (Some(lo), Some(hi)) = (version_only(a), version_only(&b))
        {
            return Some(Constraint::Spec(FirmwareSpec::Range {
                lo: Some(Bound {
                    at: lo,
                    inclusive: true,
                }),
                hi: Some(Bound { at: hi, inclusive }),
            }));
        }
    }
    let ops: [(&str, bool, bool); 5] = [
        ("<=", true, true),
        (">=", false, true),
        ("<", true, false),
        (">", false, false),
        ("=", false, true),
    ];
    for (op, upper, inclusive) in ops {
        if let Some(v) = p.strip_prefix(op) {
            let at = version_only(v)?;
            return Some(match (op, upper) {
                ("=", _) => Constraint::Spec(FirmwareSpec::Prefix(at)),
                (_, true) => Constraint::Hi(Bound { at, inclusive }),
                (_, false) => Constraint::Lo(Bound { at, inclusive }),
            });
        }
    }
    // "2.X", "12.2.x.x", "5.x.x": a prefix.
    let lower = p.to_ascii_lowercase();
    let trimmed = lower
        .trim_end_matches(['x', '*', '.'])
        .trim_end_matches(['x', '.']);
    if trimmed.len() < lower.len() && (lower.ends_with(".x") || lower.ends_with(".*")) {
        return Some(Constraint::Spec(FirmwareSpec::Prefix(version_only(
            trimmed,
        )?)));
    }
    Some(Constraint::Spec(FirmwareSpec::Prefix(version_only(p)?)))
}

/// A piece that is a version and nothing else: one or more segments, with at least one
/// digit or a lone revision letter; month names and long prose are refused.
fn version_only(v: &str) -> Option<Vec<Segment>> {
    let v = v.trim();
    let v = v
        .trim_start_matches("version ")
        .trim_start_matches("versions ")
        .trim();
    // "v8.x model 35700BAX2": keep the version before descriptive words.
    let v = v.split(" model").next().unwrap_or(v).trim();
    // A comma means prose ("Version B, Firmware A.01.09, Part #: N/A").
    if v.contains(',') {
        return None;
    }
    let lower = v.to_ascii_lowercase();
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let words: Vec<&str> = lower
        .split_whitespace()
        .filter(|w| !NOISE.contains(w))
        .collect();
    if words.len() > 3
        || words
            .iter()
            .any(|w| MONTHS.iter().any(|m| w.starts_with(m)))
    {
        return None;
    }
    // A trailing ".x" means "any": "<= 11.x" is "<= 11".
    let lower = lower.trim_end_matches(".x").trim_end_matches(".x");
    let segs = segments(lower)?;
    let alpha_words = segs
        .iter()
        .filter(|s| matches!(s, Segment::Alpha(a) if a.len() > 2))
        .count();
    let has_num = segs.iter().any(|s| matches!(s, Segment::Num(_)));
    if (has_num && alpha_words <= 1) || (!has_num && segs.len() == 1 && alpha_words == 0) {
        Some(segs)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(spec: &str, cases: &[(&str, Verdict)]) {
        let s = FirmwareSpec::parse(spec);
        for (v, want) in cases {
            assert_eq!(s.contains(Some(v)), *want, "{spec:?} ∋ {v:?} (parsed {s})");
        }
    }

    use Verdict::*;

    #[test]
    fn cisa_forms() {
        check("vers:all/*", &[("anything", Affected)]);
        check(
            "<= 9.33",
            &[
                ("9.33", Affected),
                ("9.19", Affected),
                ("9.5", Affected),
                ("12.1", NotAffected),
                ("9.33.1", Affected),
            ],
        );
        check(
            "< 8.2.2",
            &[
                ("8.2.1", Affected),
                ("8.2.2", NotAffected),
                ("v8.2.10", NotAffected),
            ],
        );
        check(
            "2.X",
            &[
                ("2.0", Affected),
                ("v2.1 build 3", Affected),
                ("1.9", NotAffected),
                ("3.0", NotAffected),
            ],
        );
        check(
            ">= 4.01 | <= 4.34",
            &[
                ("4.2", Affected),
                ("4.35", NotAffected),
                ("3.9", NotAffected),
            ],
        );
        check(
            "1.1.7.333 | 2.1.1.3069",
            &[
                ("1.1.7.333", Affected),
                ("2.1.1.3069", Affected),
                ("2.1.1.3070", NotAffected),
            ],
        );
        check(
            "2.3.6 and  below",
            &[("2.3.6", Affected), ("2.3.7", NotAffected)],
        );
        check(
            "<= R8.0.3",
            &[
                ("R8.0.3", Affected),
                ("8.0.2", Affected),
                ("8.1", NotAffected),
            ],
        );
        check(
            "<= B.12",
            &[
                ("B.11", Affected),
                ("B.13", NotAffected),
                ("C.01", NotAffected),
            ],
        );
        check(
            "<=N",
            &[("M", Affected), ("N", Affected), ("P", NotAffected)],
        );
        check(
            "v6.x (with Wireless Battery Modules v9 | v11)",
            &[("6.0", Affected), ("8.0", NotAffected)],
        );
        check(
            "<= 12.2.x.x",
            &[("12.2.1.5", Affected), ("12.3", NotAffected)],
        );
        check("prior to 3.1", &[("3.0.9", Affected), ("3.1", NotAffected)]);
        check(
            "4.0 through 4.3",
            &[("4.2", Affected), ("4.4", NotAffected)],
        );
        check(
            "<= 4.2",
            &[
                ("4.2 SP1", Affected),
                ("v4.1 build 118", Affected),
                ("4.3", NotAffected),
            ],
        );
        check(
            "< 1.8.4 Service Pack 01",
            &[("1.8.3", Affected), ("1.8.5", NotAffected)],
        );
    }

    #[test]
    fn low_to_high_ranges() {
        check(
            "A.01 <= C.0x",
            &[
                ("A.01", Affected),
                ("B.02", Affected),
                ("C.03", Affected),
                ("D.01", NotAffected),
            ],
        );
        check("A10 < A11", &[("A10", Affected), ("A11", NotAffected)]);
    }

    #[test]
    fn prose_is_unreadable_not_guessed() {
        for t in [
            "<  july 1 2017",
            "< august 28",
            "distributed  < april 1, 2018",
            "with wireless option (shipped between 26-June-2017 through 07-August 2018)",
        ] {
            let s = FirmwareSpec::parse(t);
            assert_eq!(s.contains(Some("1.0")), Unknown, "{t:?} parsed as {s}");
        }
        assert_eq!(FirmwareSpec::parse("<= 4.2").contains(None), Unknown);
        assert_eq!(FirmwareSpec::parse("vers:all/*").contains(None), Affected);
    }
}
