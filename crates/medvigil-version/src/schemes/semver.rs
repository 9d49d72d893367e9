//! Semantic Versioning 2.0.0 (<https://semver.org>) and the dialects built on it: Cargo
//! (strict), npm (node-semver, tolerates a leading `v` or `=`) and Go modules (optional
//! `v`, shorthand `v1`/`v1.2`, pseudo-versions, `+incompatible`).
//!
//! Precedence (semver §11): major, minor, patch numerically; a pre-release sorts before
//! its release; pre-release identifiers compare numerically when both are numeric,
//! ASCII-lexically otherwise, numeric before alphanumeric, and a shorter list of
//! identifiers sorts first when it is a prefix of the longer. Build metadata is ignored.

use std::cmp::Ordering;

use crate::{Error, Scheme};

/// Which dialect's syntax to accept. Precedence is the same for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// semver.org exactly (also Cargo).
    Strict,
    /// node-semver: a leading `v` or `=` is tolerated, as `npm` itself does.
    Npm,
    /// Go modules: an optional `v` (OSV drops it), and `v1`/`v1.2` shorthands meaning
    /// `v1.0.0`/`v1.2.0` when there is no pre-release or build (as `golang.org/x/mod/semver`).
    Go,
}

/// One pre-release identifier. Numeric sorts before alphanumeric (variant order).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Ident {
    Num(u64),
    Alpha(Box<str>),
}

/// A parsed semantic version.
#[derive(Debug, Clone)]
pub(crate) struct SemVer {
    pub(crate) major: u64,
    pub(crate) minor: u64,
    pub(crate) patch: u64,
    pub(crate) pre: Vec<Ident>,
    pub(crate) build: Option<Box<str>>,
}

fn numeric(scheme: Scheme, input: &str, part: &str, at: usize, what: &str) -> Result<u64, Error> {
    if part.is_empty() {
        return Err(Error::version(
            scheme,
            input,
            at,
            format!("expected the {what} number"),
        ));
    }
    if let Some(i) = part.find(|c: char| !c.is_ascii_digit()) {
        return Err(Error::version(
            scheme,
            input,
            at + i,
            format!("the {what} number may contain only digits"),
        ));
    }
    if part.len() > 1 && part.starts_with('0') {
        return Err(Error::version(
            scheme,
            input,
            at,
            format!("the {what} number has a leading zero"),
        ));
    }
    part.parse()
        .map_err(|_| Error::version(scheme, input, at, format!("the {what} number is too large")))
}

fn identifiers<'a>(
    scheme: Scheme,
    input: &str,
    text: &'a str,
    at: usize,
    what: &str,
) -> Result<Vec<(usize, &'a str)>, Error> {
    let mut out = Vec::new();
    let mut pos = at;
    for id in text.split('.') {
        if id.is_empty() {
            return Err(Error::version(
                scheme,
                input,
                pos,
                format!("empty {what} identifier"),
            ));
        }
        if let Some(i) = id.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
            return Err(Error::version(
                scheme,
                input,
                pos + i,
                format!("{what} identifiers may contain only ASCII letters, digits and '-'"),
            ));
        }
        out.push((pos, id));
        pos += id.len() + 1;
    }
    Ok(out)
}

impl SemVer {
    pub(crate) fn parse(input: &str, dialect: Dialect, scheme: Scheme) -> Result<SemVer, Error> {
        let mut start = 0;
        let mut s = input;
        match dialect {
            Dialect::Strict => {}
            Dialect::Npm => {
                s = input.trim_start_matches(|c: char| c == 'v' || c == '=' || c.is_whitespace());
                start = input.len() - s.len();
            }
            Dialect::Go => {
                if let Some(rest) = s.strip_prefix('v') {
                    s = rest;
                    start = 1;
                }
            }
        }
        if s.is_empty() {
            return Err(Error::version(scheme, input, start, "empty version"));
        }
        let (rest, build) = match s.find('+') {
            Some(i) => (&s[..i], Some((start + i + 1, &s[i + 1..]))),
            None => (s, None),
        };
        let (core, pre) = match rest.find('-') {
            Some(i) => (&rest[..i], Some((start + i + 1, &rest[i + 1..]))),
            None => (rest, None),
        };
        let parts: Vec<&str> = core.split('.').collect();
        let shorthand_ok = dialect == Dialect::Go && pre.is_none() && build.is_none();
        if parts.len() > 3 || (parts.len() < 3 && !shorthand_ok) {
            return Err(Error::version(
                scheme,
                input,
                start,
                "expected MAJOR.MINOR.PATCH (three numbers separated by dots)",
            ));
        }
        let mut nums = [0u64; 3];
        let mut at = start;
        for (i, (p, what)) in parts.iter().zip(["major", "minor", "patch"]).enumerate() {
            nums[i] = numeric(scheme, input, p, at, what)?;
            at += p.len() + 1;
        }
        let mut pre_ids = Vec::new();
        if let Some((at, text)) = pre {
            for (pos, id) in identifiers(scheme, input, text, at, "pre-release")? {
                if id.bytes().all(|b| b.is_ascii_digit()) {
                    if id.len() > 1 && id.starts_with('0') {
                        return Err(Error::version(
                            scheme,
                            input,
                            pos,
                            "numeric pre-release identifiers must not have leading zeros",
                        ));
                    }
                    let n = id.parse().map_err(|_| {
                        Error::version(scheme, input, pos, "pre-release number is too large")
                    })?;
                    pre_ids.push(Ident::Num(n));
                } else {
                    pre_ids.push(Ident::Alpha(id.into()));
                }
            }
        }
        if let Some((at, text)) = build {
            identifiers(scheme, input, text, at, "build")?;
        }
        Ok(SemVer {
            major: nums[0],
            minor: nums[1],
            patch: nums[2],
            pre: pre_ids,
            build: build.map(|(_, b)| b.into()),
        })
    }

    pub(crate) fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
}

/// Compares pre-release identifier lists: none (a release) sorts after any.
pub(crate) fn cmp_pre<T: Ord>(a: &[T], b: &[T]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.cmp(b),
    }
}

impl Ord for SemVer {
    fn cmp(&self, other: &SemVer) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| cmp_pre(&self.pre, &other.pre))
    }
}
impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &SemVer) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for SemVer {
    fn eq(&self, other: &SemVer) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for SemVer {}

/// Whether a Go module version is a pseudo-version (`vX.Y.Z-[pre.]0.yyyymmddhhmmss-abcdef123456`
/// or `vX.0.0-yyyymmddhhmmss-abcdef123456`): a commit, not a tag. Matchers may want to say so
/// in evidence, since such versions order by commit time and not by release.
pub fn is_go_pseudo_version(v: &str) -> bool {
    let v = v.strip_prefix('v').unwrap_or(v);
    let v = v.split('+').next().unwrap_or(v);
    let Some((_, pre)) = v.split_once('-') else {
        return false;
    };
    // The last two dash-separated fields are timestamp and revision.
    let mut fields = pre.rsplitn(2, '-');
    let (Some(rev), Some(head)) = (fields.next(), fields.next()) else {
        return false;
    };
    let stamp = head.rsplit('.').next().unwrap_or(head);
    rev.len() >= 12
        && rev.bytes().all(|b| b.is_ascii_hexdigit())
        && stamp.len() == 14
        && stamp.bytes().all(|b| b.is_ascii_digit())
}
