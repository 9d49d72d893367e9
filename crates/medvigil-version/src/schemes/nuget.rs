//! NuGet package versions (`NuGetVersion`): `Major[.Minor[.Patch[.Revision]]][-label.label][+metadata]`.
//!
//! Missing numeric parts are zero (`1.0 == 1.0.0 == 1.0.0.0`) and leading zeros are
//! allowed (`1.01 == 1.1`), as NuGet normalizes them. Pre-release labels follow semver
//! precedence, except that alphanumeric labels compare case-insensitively (`1.0.0-BETA ==
//! 1.0.0-beta`). Metadata is ignored.

use std::cmp::Ordering;

use super::semver::cmp_pre;
use crate::{Error, Scheme};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Label {
    Num(u64),
    /// Lowercased, so that comparison is case-insensitive.
    Alpha(Box<str>),
}

/// A parsed NuGet version.
#[derive(Debug, Clone)]
pub(crate) struct NuGetVersion {
    parts: [u64; 4],
    pre: Vec<Label>,
}

impl NuGetVersion {
    pub(crate) fn parse(input: &str) -> Result<NuGetVersion, Error> {
        let err = |pos: usize, why: &str| Error::version(Scheme::NuGet, input, pos, why);
        let (rest, meta) = match input.find('+') {
            Some(i) => (&input[..i], Some((i + 1, &input[i + 1..]))),
            None => (input, None),
        };
        let (core, pre) = match rest.find('-') {
            Some(i) => (&rest[..i], Some((i + 1, &rest[i + 1..]))),
            None => (rest, None),
        };
        let mut parts = [0u64; 4];
        let mut at = 0;
        let nums: Vec<&str> = core.split('.').collect();
        if nums.len() > 4 {
            return Err(err(
                0,
                "at most four numeric parts (major.minor.patch.revision)",
            ));
        }
        for (k, p) in nums.iter().enumerate() {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err(at, "expected a number"));
            }
            parts[k] = p.parse().map_err(|_| err(at, "number is too large"))?;
            at += p.len() + 1;
        }
        let mut labels = Vec::new();
        if let Some((mut at, text)) = pre {
            for l in text.split('.') {
                if l.is_empty() || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                    return Err(err(
                        at,
                        "pre-release labels are letters, digits and '-' separated by '.'",
                    ));
                }
                labels.push(if l.bytes().all(|b| b.is_ascii_digit()) {
                    Label::Num(l.parse().map_err(|_| err(at, "number is too large"))?)
                } else {
                    Label::Alpha(l.to_ascii_lowercase().into())
                });
                at += l.len() + 1;
            }
        }
        if let Some((at, text)) = meta
            && (text.is_empty()
                || !text
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'))
        {
            return Err(err(at, "metadata is letters, digits, '-' and '.'"));
        }
        Ok(NuGetVersion { parts, pre: labels })
    }

    pub(crate) fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
}

impl Ord for NuGetVersion {
    fn cmp(&self, other: &NuGetVersion) -> Ordering {
        self.parts
            .cmp(&other.parts)
            .then_with(|| cmp_pre(&self.pre, &other.pre))
    }
}
impl PartialOrd for NuGetVersion {
    fn partial_cmp(&self, other: &NuGetVersion) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for NuGetVersion {
    fn eq(&self, other: &NuGetVersion) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for NuGetVersion {}
