//! NVD CVE API 2.0 `configurations[].nodes[].cpeMatch[]` version bounds.
//!
//! A cpeMatch names a CPE whose version field may be a specific version, `*` (any) or `-`
//! (not applicable), and optionally `versionStartIncluding`/`versionStartExcluding` and
//! `versionEndIncluding`/`versionEndExcluding`. With any bound present the range is the
//! bounds (the CPE's version is then `*` by NVD's rules); otherwise the CPE's own version
//! decides: `*` or absent is every version, `-` is none (a product with no versions has
//! no version to fall in a range; name matching is the CPE matcher's job), anything else
//! is that one version (CPE backslash escapes such as `1.0\:beta` are removed).

use crate::{Bound, Error, Interval, Scheme, Version, VersionRange};

/// The bounds of one cpeMatch, as the NVD API names them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bounds<'a> {
    /// `versionStartIncluding`
    pub start_including: Option<&'a str>,
    /// `versionStartExcluding`
    pub start_excluding: Option<&'a str>,
    /// `versionEndIncluding`
    pub end_including: Option<&'a str>,
    /// `versionEndExcluding`
    pub end_excluding: Option<&'a str>,
}

fn unescape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The versions a cpeMatch covers, under `scheme`.
///
/// ```
/// use medvigil_version::{Scheme, Version, nvd};
/// let b = nvd::Bounds { start_including: Some("4.0"), end_excluding: Some("4.1.3"), ..Default::default() };
/// let r = nvd::range(Scheme::Generic, Some("*"), b).unwrap();
/// assert_eq!(r.to_vers(), "vers:generic/>=4.0|<4.1.3");
/// ```
pub fn range(
    scheme: Scheme,
    cpe_version: Option<&str>,
    bounds: Bounds<'_>,
) -> Result<VersionRange, Error> {
    if bounds.start_including.is_some() && bounds.start_excluding.is_some() {
        return Err(Error::range(
            "versionStartIncluding + versionStartExcluding",
            0,
            "a cpeMatch has at most one start bound",
        ));
    }
    if bounds.end_including.is_some() && bounds.end_excluding.is_some() {
        return Err(Error::range(
            "versionEndIncluding + versionEndExcluding",
            0,
            "a cpeMatch has at most one end bound",
        ));
    }
    let parse = |field: &str, v: &str| {
        Version::parse(scheme, &unescape(v))
            .map_err(|e| Error::range(v, 0, format!("{field}: {e}")))
    };
    let lower = match (bounds.start_including, bounds.start_excluding) {
        (Some(v), _) => Some(Bound::inclusive(parse("versionStartIncluding", v)?)),
        (_, Some(v)) => Some(Bound::exclusive(parse("versionStartExcluding", v)?)),
        _ => None,
    };
    let upper = match (bounds.end_including, bounds.end_excluding) {
        (Some(v), _) => Some(Bound::inclusive(parse("versionEndIncluding", v)?)),
        (_, Some(v)) => Some(Bound::exclusive(parse("versionEndExcluding", v)?)),
        _ => None,
    };
    if lower.is_some() || upper.is_some() {
        return VersionRange::new(scheme, vec![Interval { lower, upper }], Vec::new());
    }
    match cpe_version {
        None | Some("*") | Some("") => Ok(VersionRange::all(scheme)),
        Some("-") => Ok(VersionRange::none(scheme)),
        Some(v) => Ok(VersionRange::exact(parse("cpe version", v)?)),
    }
}
