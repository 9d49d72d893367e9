//! [`VersionRange`]: the one shape every range source is converted to.
//!
//! A range is a union of [`Interval`]s minus a list of excluded versions. That is exactly
//! what a valid `vers` constraint list denotes, what OSV events walk out to, and what NVD,
//! CVE 5 and advisory prose describe, so one containment check serves them all.

use std::cmp::Ordering;
use std::fmt;

use crate::{Error, Scheme, Version};

/// One end of an [`Interval`].
#[derive(Debug, Clone)]
pub struct Bound {
    /// The version at the end.
    pub version: Version,
    /// Whether the end itself is inside (`<=`, `>=`) or not (`<`, `>`).
    pub inclusive: bool,
}

impl Bound {
    /// An inclusive bound.
    pub fn inclusive(version: Version) -> Bound {
        Bound {
            version,
            inclusive: true,
        }
    }
    /// An exclusive bound.
    pub fn exclusive(version: Version) -> Bound {
        Bound {
            version,
            inclusive: false,
        }
    }
}

/// A contiguous run of versions; a missing bound is unbounded on that side.
#[derive(Debug, Clone)]
pub struct Interval {
    /// Lowest version (`>=` when inclusive, `>` otherwise); `None` from the beginning.
    pub lower: Option<Bound>,
    /// Highest version (`<=` when inclusive, `<` otherwise); `None` to the end.
    pub upper: Option<Bound>,
}

impl Interval {
    /// Every version.
    pub fn all() -> Interval {
        Interval {
            lower: None,
            upper: None,
        }
    }

    /// Exactly one version.
    pub fn exact(v: Version) -> Interval {
        Interval {
            lower: Some(Bound::inclusive(v.clone())),
            upper: Some(Bound::inclusive(v)),
        }
    }

    /// Whether this interval is a single version (`[v, v]`).
    pub fn as_exact(&self) -> Option<&Version> {
        match (&self.lower, &self.upper) {
            (Some(l), Some(u))
                if l.inclusive
                    && u.inclusive
                    && l.version.cmp_same(&u.version) == Ordering::Equal =>
            {
                Some(&l.version)
            }
            _ => None,
        }
    }

    /// Containment for a version known to be of the interval's scheme.
    pub(crate) fn contains_same(&self, v: &Version) -> bool {
        if let Some(l) = &self.lower {
            match v.cmp_same(&l.version) {
                Ordering::Less => return false,
                Ordering::Equal if !l.inclusive => return false,
                _ => {}
            }
        }
        if let Some(u) = &self.upper {
            match v.cmp_same(&u.version) {
                Ordering::Greater => return false,
                Ordering::Equal if !u.inclusive => return false,
                _ => {}
            }
        }
        true
    }

    pub(crate) fn is_empty(&self) -> bool {
        match (&self.lower, &self.upper) {
            (Some(l), Some(u)) => match l.version.cmp_same(&u.version) {
                Ordering::Greater => true,
                Ordering::Equal => !(l.inclusive && u.inclusive),
                Ordering::Less => false,
            },
            _ => false,
        }
    }
}

/// Orders lower bounds: unbounded first, then by version, inclusive before exclusive.
fn cmp_lower(a: &Option<Bound>, b: &Option<Bound>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x
            .version
            .cmp_same(&y.version)
            .then_with(|| y.inclusive.cmp(&x.inclusive)),
    }
}

/// Orders upper bounds: unbounded last, then by version, exclusive before inclusive.
fn cmp_upper(a: &Option<Bound>, b: &Option<Bound>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(x), Some(y)) => x
            .version
            .cmp_same(&y.version)
            .then_with(|| x.inclusive.cmp(&y.inclusive)),
    }
}

/// Whether an interval ending at `upper` overlaps or touches one starting at `lower`.
fn joins(upper: &Option<Bound>, lower: &Option<Bound>) -> bool {
    match (upper, lower) {
        (None, _) | (_, None) => true,
        (Some(u), Some(l)) => match u.version.cmp_same(&l.version) {
            Ordering::Greater => true,
            Ordering::Equal => u.inclusive || l.inclusive,
            Ordering::Less => false,
        },
    }
}

/// A set of versions of one scheme: a union of intervals, minus excluded versions.
///
/// Intervals are kept sorted and merged, so [`VersionRange::to_vers`] always yields a
/// valid `vers` string.
#[derive(Debug, Clone)]
pub struct VersionRange {
    scheme: Scheme,
    intervals: Vec<Interval>,
    excluded: Vec<Version>,
}

impl VersionRange {
    /// Every version of `scheme` (CSAF `vers:all/*`, "All versions").
    pub fn all(scheme: Scheme) -> VersionRange {
        VersionRange {
            scheme,
            intervals: vec![Interval::all()],
            excluded: Vec::new(),
        }
    }

    /// No version at all.
    pub fn none(scheme: Scheme) -> VersionRange {
        VersionRange {
            scheme,
            intervals: Vec::new(),
            excluded: Vec::new(),
        }
    }

    /// Exactly `v`.
    pub fn exact(v: Version) -> VersionRange {
        VersionRange {
            scheme: v.scheme(),
            intervals: vec![Interval::exact(v)],
            excluded: Vec::new(),
        }
    }

    /// A range from intervals and excluded versions, which must all be of `scheme`.
    /// Empty intervals (lower above upper) are an error; overlapping ones are merged.
    pub fn new(
        scheme: Scheme,
        intervals: Vec<Interval>,
        excluded: Vec<Version>,
    ) -> Result<VersionRange, Error> {
        let check = |v: &Version| {
            if v.scheme() == scheme {
                Ok(())
            } else {
                Err(Error::SchemeMismatch {
                    left_scheme: v.scheme(),
                    left: v.raw().to_string(),
                    right_scheme: scheme,
                    right: format!("a {scheme} range"),
                })
            }
        };
        for i in &intervals {
            for b in i.lower.iter().chain(i.upper.iter()) {
                check(&b.version)?;
            }
            if i.is_empty() {
                let text = format!(
                    "{} .. {}",
                    i.lower.as_ref().map_or("", |b| b.version.raw()),
                    i.upper.as_ref().map_or("", |b| b.version.raw())
                );
                return Err(Error::range(
                    &text,
                    0,
                    "the lower bound is above the upper bound",
                ));
            }
        }
        for v in &excluded {
            check(v)?;
        }
        let mut r = VersionRange {
            scheme,
            intervals,
            excluded,
        };
        r.normalize();
        Ok(r)
    }

    fn normalize(&mut self) {
        self.intervals.sort_by(|a, b| cmp_lower(&a.lower, &b.lower));
        let mut merged: Vec<Interval> = Vec::with_capacity(self.intervals.len());
        for i in self.intervals.drain(..) {
            match merged.last_mut() {
                Some(last) if joins(&last.upper, &i.lower) => {
                    if cmp_upper(&i.upper, &last.upper) == Ordering::Greater {
                        last.upper = i.upper;
                    }
                }
                _ => merged.push(i),
            }
        }
        self.intervals = merged;
        self.excluded.sort_by(|a, b| a.cmp_same(b));
        self.excluded
            .dedup_by(|a, b| a.cmp_same(b) == Ordering::Equal);
        // An excluded version outside every interval says nothing.
        let intervals = &self.intervals;
        self.excluded
            .retain(|v| intervals.iter().any(|i| i.contains_same(v)));
    }

    /// The scheme of every version in the range.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The intervals, sorted and disjoint.
    pub fn intervals(&self) -> &[Interval] {
        &self.intervals
    }

    /// Versions cut out of the intervals (`!=`).
    pub fn excluded(&self) -> &[Version] {
        &self.excluded
    }

    /// Whether this range holds every version.
    pub fn is_all(&self) -> bool {
        self.excluded.is_empty()
            && self.intervals.len() == 1
            && self.intervals[0].lower.is_none()
            && self.intervals[0].upper.is_none()
    }

    /// Whether this range holds no version.
    pub fn is_empty(&self) -> bool {
        self.intervals.is_empty()
    }

    /// Whether `v` is in the range; an error when `v` is of another scheme.
    pub fn contains(&self, v: &Version) -> Result<bool, Error> {
        if v.scheme() != self.scheme {
            return Err(Error::SchemeMismatch {
                left_scheme: v.scheme(),
                left: v.raw().to_string(),
                right_scheme: self.scheme,
                right: self.to_vers(),
            });
        }
        Ok(self.intervals.iter().any(|i| i.contains_same(v))
            && !self
                .excluded
                .iter()
                .any(|x| x.cmp_same(v) == Ordering::Equal))
    }

    /// Containment for vendor firmware where an advisory's version names a whole line.
    ///
    /// Advisories write `4.2`, `<= 4.2` or `4.2 and prior`; inventories write what the
    /// device shows, `4.2 build 118`, `4.2 SP1`, `4.2.0.118`. Under this rule an inclusive
    /// upper bound (or an exact version) also covers the versions in its line, so all
    /// three are in `<= 4.2` (but `1.1` is not in `<= 1.0.0`: trailing zeros count here).
    /// An upper bound's next patch release is its fix: `4.2.1` is not in `<= 4.2` (a
    /// major version alone is a whole line: `7.2` is in `<= 7`), while an exact version
    /// names its line (`4.2.1` is in `4.2`). A line the range itself splits is not
    /// covered: in `4.20 | 4.20 SR1 | 4.30`, `4.20` is that release alone. For other schemes, and for versions inside the range anyway, this
    /// is [`VersionRange::contains`].
    ///
    /// ```
    /// use medvigil_version::{Scheme, Version, prose};
    /// let r = prose::parse("Versions 4.2 and prior").unwrap().range;
    /// let v = Version::parse(Scheme::Vendor, "v4.2 build 118").unwrap();
    /// assert!(!r.contains(&v).unwrap());
    /// assert!(r.contains_line(&v).unwrap());
    /// ```
    pub fn contains_line(&self, v: &Version) -> Result<bool, Error> {
        if self.contains(v)? {
            return Ok(true);
        }
        let Some(device) = v.vendor() else {
            return Ok(false);
        };
        if self
            .excluded
            .iter()
            .any(|x| x.cmp_same(v) == Ordering::Equal)
        {
            return Ok(false);
        }
        // A bound whose line holds another version the range names is that release
        // alone: in `4.20 | 4.20 SR1 | 4.30`, `4.20` is not `4.20 SR2`.
        let splits_line = |line| {
            self.intervals
                .iter()
                .flat_map(|i| i.lower.iter().chain(i.upper.iter()))
                .map(|b| &b.version)
                .chain(&self.excluded)
                .filter_map(Version::vendor)
                .any(|n| n.in_line_of(line))
        };
        Ok(self.intervals.iter().any(|i| {
            let lower_ok = i
                .lower
                .as_ref()
                .is_none_or(|l| match v.cmp_same(&l.version) {
                    Ordering::Greater => true,
                    Ordering::Equal => l.inclusive,
                    Ordering::Less => false,
                });
            // An exact version names its whole line ("9.13 | 9.19 | 12.1" holds 12.1.2,
            // "B.02 | C.03" holds C.03.06); an upper bound its builds, since the next
            // release is the fix.
            let point = matches!((&i.lower, &i.upper), (Some(l), Some(u))
                if l.inclusive && u.inclusive && l.version.cmp_same(&u.version) == Ordering::Equal);
            let in_line = i.upper.as_ref().is_some_and(|u| {
                u.inclusive
                    && u.version.vendor().is_some_and(|line| {
                        (if point {
                            device.in_line_of(line)
                        } else {
                            device.is_build_of(line)
                        }) && !splits_line(line)
                    })
            });
            lower_ok && in_line
        }))
    }

    /// The union of two ranges of the same scheme. Exclusions survive only where the other
    /// range does not cover them.
    pub fn union(&self, other: &VersionRange) -> Result<VersionRange, Error> {
        if other.scheme != self.scheme {
            return Err(Error::SchemeMismatch {
                left_scheme: self.scheme,
                left: self.to_vers(),
                right_scheme: other.scheme,
                right: other.to_vers(),
            });
        }
        let mut excluded = Vec::new();
        for v in &self.excluded {
            if !other.contains(v)? {
                excluded.push(v.clone());
            }
        }
        for v in &other.excluded {
            if !self.contains(v)? {
                excluded.push(v.clone());
            }
        }
        let mut intervals = self.intervals.clone();
        intervals.extend(other.intervals.iter().cloned());
        VersionRange::new(self.scheme, intervals, excluded)
    }

    /// The same range with every bound re-read under `scheme` from its raw string.
    ///
    /// For a matcher that must compare under a weaker scheme than the source's, e.g. a
    /// device firmware string that is not valid PEP 440 against a PyPI range, falling back
    /// to [`Scheme::Generic`] on both sides (and saying so in its evidence).
    pub fn reparse(&self, scheme: Scheme) -> Result<VersionRange, Error> {
        let re = |v: &Version| Version::parse(scheme, v.raw());
        let bound = |b: &Option<Bound>| -> Result<Option<Bound>, Error> {
            b.as_ref()
                .map(|b| {
                    Ok(Bound {
                        version: re(&b.version)?,
                        inclusive: b.inclusive,
                    })
                })
                .transpose()
        };
        let mut intervals = Vec::with_capacity(self.intervals.len());
        for i in &self.intervals {
            intervals.push(Interval {
                lower: bound(&i.lower)?,
                upper: bound(&i.upper)?,
            });
        }
        let excluded = self
            .excluded
            .iter()
            .map(re)
            .collect::<Result<Vec<_>, _>>()?;
        VersionRange::new(scheme, intervals, excluded)
    }

    /// Every version of the scheme that is *not* in this range.
    pub fn complement(&self) -> VersionRange {
        let flip = |b: &Bound| Bound {
            version: b.version.clone(),
            inclusive: !b.inclusive,
        };
        let mut gaps = Vec::new();
        // The lower end of the gap being built; `None` = from the beginning.
        let mut gap_lower: Option<Bound> = None;
        let mut open = true;
        for i in &self.intervals {
            if let Some(l) = &i.lower {
                let gap = Interval {
                    lower: gap_lower.take(),
                    upper: Some(flip(l)),
                };
                if !gap.is_empty() {
                    gaps.push(gap);
                }
            }
            match &i.upper {
                Some(u) => gap_lower = Some(flip(u)),
                None => {
                    open = false;
                    break;
                }
            }
        }
        if open {
            gaps.push(Interval {
                lower: gap_lower,
                upper: None,
            });
        }
        gaps.extend(self.excluded.iter().cloned().map(Interval::exact));
        let mut r = VersionRange {
            scheme: self.scheme,
            intervals: gaps,
            excluded: Vec::new(),
        };
        r.normalize();
        r
    }

    /// The range as a `vers` string (`vers:<scheme>/<constraints>`), for evidence and
    /// storage. An empty range renders with no constraints after the slash (not a valid
    /// `vers`; there is no way to spell "nothing" in that spec).
    pub fn to_vers(&self) -> String {
        let mut s = format!("vers:{}/", self.scheme.name());
        if self.is_all() {
            s.push('*');
            return s;
        }
        let mut parts: Vec<(&Version, &str)> = Vec::new();
        for i in &self.intervals {
            if let Some(v) = i.as_exact() {
                parts.push((v, ""));
                continue;
            }
            if let Some(l) = &i.lower {
                parts.push((&l.version, if l.inclusive { ">=" } else { ">" }));
            }
            if let Some(u) = &i.upper {
                parts.push((&u.version, if u.inclusive { "<=" } else { "<" }));
            }
        }
        for v in &self.excluded {
            parts.push((v, "!="));
        }
        parts.sort_by(|a, b| a.0.cmp_same(b.0));
        let rendered: Vec<String> = parts
            .iter()
            .map(|(v, op)| format!("{op}{}", quote(v.raw())))
            .collect();
        s.push_str(&rendered.join("|"));
        s
    }
}

/// Percent-encodes the characters that `vers` reserves or strips.
pub(crate) fn quote(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '%' | '|' | '<' | '>' | '=' | '!' | '*' | ' ' | '\t' | '/' => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_vers())
    }
}
