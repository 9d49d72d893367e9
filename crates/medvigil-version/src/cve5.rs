//! CVE JSON 5 `affected[].versions[]` entries
//! (<https://github.com/CVEProject/cve-schema>, `versions` in the record format).
//!
//! An entry is either one version (`version` + `status`) or a range: `version` is the
//! start (inclusive; `0` is commonly written for "from the beginning") and `lessThan` or
//! `lessThanOrEqual` the end (`*` = no end). `changes` switch the status inside a range at
//! the given versions (`{"at": "1.2.1", "status": "unaffected"}`: a fix backported at 1.2.1).
//! Versions not covered by any entry take the product's `defaultStatus`.
//!
//! Overlapping entries are read in order and the first one covering a version decides,
//! which is how the format's own guidance asks producers to write them (specific before
//! general).

use crate::{Bound, Error, Interval, Scheme, Version, VersionRange};

/// A CVE 5 version status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// `affected`
    Affected,
    /// `unaffected`
    Unaffected,
    /// `unknown`
    Unknown,
}

impl Status {
    /// Parses a status string; anything else is an error naming it.
    pub fn parse(s: &str) -> Result<Status, Error> {
        match s {
            "affected" => Ok(Status::Affected),
            "unaffected" => Ok(Status::Unaffected),
            "unknown" => Ok(Status::Unknown),
            other => Err(Error::range(
                other,
                0,
                "status must be affected, unaffected or unknown",
            )),
        }
    }
}

/// One `versions[]` entry, borrowed from the caller's deserialized JSON.
#[derive(Debug, Clone, Default)]
pub struct Entry<'a> {
    /// `version`
    pub version: &'a str,
    /// `status`
    pub status: &'a str,
    /// `lessThan`
    pub less_than: Option<&'a str>,
    /// `lessThanOrEqual`
    pub less_than_or_equal: Option<&'a str>,
    /// `versionType` (informational here: the caller chooses the scheme).
    pub version_type: Option<&'a str>,
    /// `changes`: `(at, status)` pairs.
    pub changes: Vec<(&'a str, &'a str)>,
}

/// An entry with its versions parsed: pieces of `[lower, upper]` with a status each.
struct Pieces {
    pieces: Vec<(Interval, Status)>,
}

fn pieces(scheme: Scheme, e: &Entry<'_>, index: usize) -> Result<Pieces, Error> {
    let ctx = |what: &str, err: Error| {
        Error::range(e.version, 0, format!("versions[{index}].{what}: {err}"))
    };
    let status = Status::parse(e.status).map_err(|err| ctx("status", err))?;
    let parse = |what: &str, v: &str| Version::parse(scheme, v).map_err(|err| ctx(what, err));
    let end = match (e.less_than, e.less_than_or_equal) {
        (Some(_), Some(_)) => {
            return Err(ctx(
                "lessThan",
                Error::range(e.version, 0, "lessThan and lessThanOrEqual are exclusive"),
            ));
        }
        (Some("*"), None) | (None, Some("*")) => Some(None),
        (Some(v), None) => Some(Some(Bound::exclusive(parse("lessThan", v)?))),
        (None, Some(v)) => Some(Some(Bound::inclusive(parse("lessThanOrEqual", v)?))),
        (None, None) => None,
    };
    let Some(upper) = end else {
        // A single version.
        if !e.changes.is_empty() {
            return Err(ctx(
                "changes",
                Error::range(
                    e.version,
                    0,
                    "changes need a range (lessThan or lessThanOrEqual)",
                ),
            ));
        }
        return Ok(Pieces {
            pieces: vec![(Interval::exact(parse("version", e.version)?), status)],
        });
    };
    let lower = match e.version {
        "0" | "*" | "" => None,
        v => Some(Bound::inclusive(parse("version", v)?)),
    };
    let mut changes = Vec::new();
    for (k, (at, st)) in e.changes.iter().enumerate() {
        let at = parse(&format!("changes[{k}].at"), at)?;
        let st = Status::parse(st).map_err(|err| ctx(&format!("changes[{k}].status"), err))?;
        changes.push((at, st));
    }
    changes.sort_by(|a, b| a.0.cmp_same(&b.0));
    let mut out = Vec::new();
    let mut cur_lower = lower;
    let mut cur_status = status;
    for (at, st) in changes {
        out.push((
            Interval {
                lower: cur_lower,
                upper: Some(Bound::exclusive(at.clone())),
            },
            cur_status,
        ));
        cur_lower = Some(Bound::inclusive(at));
        cur_status = st;
    }
    out.push((
        Interval {
            lower: cur_lower,
            upper,
        },
        cur_status,
    ));
    Ok(Pieces { pieces: out })
}

/// The status of `v` under `entries`, or `default` when no entry covers it.
///
/// ```
/// use medvigil_version::{Scheme, Version, cve5::{self, Entry, Status}};
/// let e = Entry { version: "2.0", status: "affected", less_than: Some("2.4"),
///                 changes: vec![("2.2.1", "unaffected")], ..Default::default() };
/// let v = |s| Version::parse(Scheme::Generic, s).unwrap();
/// let status = |s| cve5::status(Scheme::Generic, &v(s), &[e.clone()], Status::Unknown).unwrap();
/// assert_eq!(status("2.1"), Status::Affected);
/// assert_eq!(status("2.3"), Status::Unaffected);
/// assert_eq!(status("2.5"), Status::Unknown);
/// ```
pub fn status(
    scheme: Scheme,
    v: &Version,
    entries: &[Entry<'_>],
    default: Status,
) -> Result<Status, Error> {
    if v.scheme() != scheme {
        return Err(Error::SchemeMismatch {
            left_scheme: v.scheme(),
            left: v.raw().to_string(),
            right_scheme: scheme,
            right: "CVE 5 versions".to_string(),
        });
    }
    for (k, e) in entries.iter().enumerate() {
        for (interval, st) in pieces(scheme, e, k)?.pieces {
            if interval.contains_same(v) {
                return Ok(st);
            }
        }
    }
    Ok(default)
}

/// The versions the entries mark `affected`, as one range (for indexing and evidence).
///
/// With a `default` other than `affected`, that is the affected pieces, minus single
/// versions marked otherwise. With an affected default, it is every version except the
/// pieces marked otherwise, plus the pieces marked affected.
pub fn affected(
    scheme: Scheme,
    entries: &[Entry<'_>],
    default: Status,
) -> Result<VersionRange, Error> {
    let mut all = Vec::new();
    for (k, e) in entries.iter().enumerate() {
        all.extend(pieces(scheme, e, k)?.pieces);
    }
    if default == Status::Affected {
        let (yes, no): (Vec<_>, Vec<_>) =
            all.into_iter().partition(|(_, st)| *st == Status::Affected);
        let not_affected =
            VersionRange::new(scheme, no.into_iter().map(|(i, _)| i).collect(), Vec::new())?;
        let affected = VersionRange::new(
            scheme,
            yes.into_iter().map(|(i, _)| i).collect(),
            Vec::new(),
        )?;
        return not_affected.complement().union(&affected);
    }
    // Affected pieces are the intervals; single versions marked otherwise are cut out of
    // them (the common "2.2.1 unaffected inside 2.0 - 2.4 affected" shape).
    let mut intervals = Vec::new();
    let mut excluded = Vec::new();
    for (i, st) in &all {
        if *st == Status::Affected {
            intervals.push(i.clone());
        } else if let Some(v) = i.as_exact() {
            excluded.push(v.clone());
        }
    }
    VersionRange::new(scheme, intervals, excluded)
}
