//! OSV `affected[].ranges[]` of type `SEMVER` and `ECOSYSTEM`
//! (<https://ossf.github.io/osv-schema/#affectedranges-field>).
//!
//! The schema's evaluation: sort the events by version (`introduced: "0"` first); walking
//! them, `introduced` starts an affected run (a second `introduced` inside a run changes
//! nothing), `fixed` ends it before the fixed version, `last_affected` ends it after that
//! version. A run still open at the end is affected to the end. `limit` events cap the
//! whole range below the highest limit (`"*"` means no cap). `GIT` ranges need a commit
//! graph and are refused with [`Error::UnsupportedRangeType`].

use std::cmp::Ordering;

use crate::{Bound, Error, Interval, Scheme, Version, VersionRange};

/// One OSV range event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// `introduced`: the first affected version (`"0"` = from the beginning).
    Introduced(&'a str),
    /// `fixed`: the first version no longer affected.
    Fixed(&'a str),
    /// `last_affected`: the last affected version.
    LastAffected(&'a str),
    /// `limit`: versions at or above it are out of this range (`"*"` = no limit).
    Limit(&'a str),
}

impl<'a> Event<'a> {
    /// An event from its OSV field name and value; `None` for an unknown field.
    pub fn from_field(name: &str, value: &'a str) -> Option<Event<'a>> {
        Some(match name {
            "introduced" => Event::Introduced(value),
            "fixed" => Event::Fixed(value),
            "last_affected" => Event::LastAffected(value),
            "limit" => Event::Limit(value),
            _ => return None,
        })
    }

    fn value(&self) -> &'a str {
        match *self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}

/// Converts one OSV range (its `type` and `events`) into a [`VersionRange`] of `scheme`.
///
/// `SEMVER` ranges require a semver-family scheme (see [`Scheme::is_semver_family`]).
///
/// ```
/// use medvigil_version::{Scheme, Version, osv::{self, Event}};
/// let r = osv::range(Scheme::Cargo, "SEMVER", &[Event::Introduced("0"), Event::Fixed("0.3.2")]).unwrap();
/// assert!(r.contains(&Version::parse(Scheme::Cargo, "0.3.1").unwrap()).unwrap());
/// assert!(!r.contains(&Version::parse(Scheme::Cargo, "0.3.2").unwrap()).unwrap());
/// ```
pub fn range(
    scheme: Scheme,
    range_type: &str,
    events: &[Event<'_>],
) -> Result<VersionRange, Error> {
    let describe = || {
        events
            .iter()
            .map(|e| format!("{e:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match range_type {
        "SEMVER" if !scheme.is_semver_family() => {
            return Err(Error::range(
                &describe(),
                0,
                format!("an OSV SEMVER range cannot be evaluated under the {scheme} scheme"),
            ));
        }
        "SEMVER" | "ECOSYSTEM" => {}
        other => return Err(Error::UnsupportedRangeType(other.to_string())),
    }
    // Parse every event once; "0" (introduced) is the beginning of time.
    let mut parsed: Vec<(Event<'_>, Option<Version>)> = Vec::with_capacity(events.len());
    for (k, e) in events.iter().enumerate() {
        let v = e.value();
        let version = match e {
            Event::Introduced("0") | Event::Limit("*") => None,
            _ => Some(Version::parse(scheme, v).map_err(|err| {
                Error::range(&describe(), k, format!("event {k} ({e:?}): {err}"))
            })?),
        };
        parsed.push((*e, version));
    }
    // Stable sort by version, the beginning first; limits are handled apart.
    let (limits, mut walk): (Vec<_>, Vec<_>) = parsed
        .into_iter()
        .partition(|(e, _)| matches!(e, Event::Limit(_)));
    walk.sort_by(|(_, a), (_, b)| match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => a.cmp_same(b),
    });
    let mut intervals = Vec::new();
    let mut open: Option<Option<Bound>> = None;
    for (e, v) in walk {
        match e {
            Event::Introduced(_) => {
                if open.is_none() {
                    open = Some(v.map(Bound::inclusive));
                }
            }
            Event::Fixed(_) => {
                if let (Some(lower), Some(v)) = (open.take(), v) {
                    intervals.push(Interval {
                        lower,
                        upper: Some(Bound::exclusive(v)),
                    });
                }
            }
            Event::LastAffected(_) => {
                if let (Some(lower), Some(v)) = (open.take(), v) {
                    intervals.push(Interval {
                        lower,
                        upper: Some(Bound::inclusive(v)),
                    });
                }
            }
            Event::Limit(_) => {}
        }
    }
    if let Some(lower) = open {
        intervals.push(Interval { lower, upper: None });
    }
    // Drop runs that a fixed event at the same version closes immediately.
    intervals.retain(|i| !i.is_empty());
    let cap = if limits.iter().any(|(_, v)| v.is_none()) {
        None
    } else {
        limits
            .into_iter()
            .filter_map(|(_, v)| v)
            .max_by(|a, b| a.cmp_same(b))
    };
    if let Some(cap) = cap {
        let mut capped = Vec::new();
        for mut i in intervals {
            if let Some(l) = &i.lower
                && l.version.cmp_same(&cap) != Ordering::Less
            {
                continue;
            }
            let keep_upper =
                matches!(&i.upper, Some(u) if u.version.cmp_same(&cap) == Ordering::Less);
            if !keep_upper {
                i.upper = Some(Bound::exclusive(cap.clone()));
            }
            capped.push(i);
        }
        intervals = capped;
    }
    VersionRange::new(scheme, intervals, Vec::new())
}
