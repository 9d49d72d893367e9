//! RPM package versions, as rpm's `rpmvercmp` compares them (rpm >= 4.15, with `^`).
//!
//! `[epoch:]version[-release]`. Epoch compares numerically (missing = 0), then version and
//! release each with rpmvercmp: separators (anything not a letter, digit, `~` or `^`) only
//! split segments; digit segments compare numerically and beat letter segments; `~` sorts
//! before anything, even the end (`1.0~rc1 < 1.0`); `^` sorts after the end but before any
//! other segment (`1.0 < 1.0^git1 < 1.0.1`). A missing release compares as empty.

use std::cmp::Ordering;

use crate::{Error, Scheme};

/// A parsed RPM EVR.
#[derive(Debug, Clone)]
pub(crate) struct RpmVersion {
    epoch: u64,
    version: Box<str>,
    release: Box<str>,
}

impl RpmVersion {
    pub(crate) fn parse(input: &str) -> Result<RpmVersion, Error> {
        let err = |pos: usize, why: &str| Error::version(Scheme::Rpm, input, pos, why);
        if input.is_empty() {
            return Err(err(0, "empty version"));
        }
        if let Some(pos) = input.find(|c: char| c.is_whitespace() || c.is_control()) {
            return Err(err(pos, "version contains whitespace"));
        }
        let (epoch, rest, off) = match input.split_once(':') {
            Some((e, rest)) => {
                if e.is_empty() || !e.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(err(0, "epoch in epoch:version must be a number"));
                }
                let n = e.parse().map_err(|_| err(0, "epoch is too large"))?;
                (n, rest, e.len() + 1)
            }
            None => (0, input, 0),
        };
        if let Some(i) = rest.find(':') {
            return Err(err(off + i, "only one ':' (after the epoch) is allowed"));
        }
        let (version, release) = match rest.rfind('-') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        if version.is_empty() {
            return Err(err(off, "empty version part"));
        }
        if rest.contains('-') && release.is_empty() {
            return Err(err(input.len(), "empty release after '-'"));
        }
        Ok(RpmVersion {
            epoch,
            version: version.into(),
            release: release.into(),
        })
    }
}

/// rpm's `rpmvercmp`.
pub(crate) fn rpmvercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let special = |c: u8| c.is_ascii_alphanumeric() || c == b'~' || c == b'^';
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while i < a.len() && !special(a[i]) {
            i += 1;
        }
        while j < b.len() && !special(b[j]) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        // Tilde: sorts before everything.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        // Caret: like tilde, except that the end of the string sorts lower.
        if ca == Some(b'^') || cb == Some(b'^') {
            if ca.is_none() {
                return Ordering::Less;
            }
            if cb.is_none() {
                return Ordering::Greater;
            }
            if ca != Some(b'^') {
                return Ordering::Greater;
            }
            if cb != Some(b'^') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(ca), Some(_)) = (ca, cb) else {
            break;
        };
        let (si, sj) = (i, j);
        let numeric = ca.is_ascii_digit();
        let class = |c: &u8| {
            if numeric {
                c.is_ascii_digit()
            } else {
                c.is_ascii_alphabetic()
            }
        };
        while a.get(i).is_some_and(class) {
            i += 1;
        }
        while b.get(j).is_some_and(class) {
            j += 1;
        }
        // Segments of different kinds: numbers are newer than letters.
        if j == sj {
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let (mut sa, mut sb) = (&a[si..i], &b[sj..j]);
        if numeric {
            while sa.first() == Some(&b'0') {
                sa = &sa[1..];
            }
            while sb.first() == Some(&b'0') {
                sb = &sb[1..];
            }
            match sa.len().cmp(&sb.len()) {
                Ordering::Equal => {}
                other => return other,
            }
        }
        match sa.cmp(sb) {
            Ordering::Equal => {}
            other => return other,
        }
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (false, _) => Ordering::Greater,
        (_, false) => Ordering::Less,
    }
}

impl Ord for RpmVersion {
    fn cmp(&self, other: &RpmVersion) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| rpmvercmp(self.version.as_bytes(), other.version.as_bytes()))
            .then_with(|| rpmvercmp(self.release.as_bytes(), other.release.as_bytes()))
    }
}
impl PartialOrd for RpmVersion {
    fn partial_cmp(&self, other: &RpmVersion) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for RpmVersion {
    fn eq(&self, other: &RpmVersion) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for RpmVersion {}
