//! Debian package versions, as dpkg compares them (deb-version(7), dpkg's `verrevcmp`).
//!
//! `[epoch:]upstream_version[-debian_revision]`. The epoch compares numerically (missing
//! = 0). Upstream and revision compare by alternating runs: a run of non-digits compares
//! character by character where `~` sorts before everything (even the end of the string),
//! then the end, then letters, then other characters; a run of digits compares numerically.
//! A missing revision equals `0`.

use std::cmp::Ordering;

use crate::{Error, Scheme};

/// A parsed Debian version.
#[derive(Debug, Clone)]
pub(crate) struct DebVersion {
    epoch: u64,
    upstream: Box<str>,
    revision: Box<str>,
}

impl DebVersion {
    pub(crate) fn parse(input: &str) -> Result<DebVersion, Error> {
        let err = |pos: usize, why: &str| Error::version(Scheme::Debian, input, pos, why);
        if input.is_empty() {
            return Err(err(0, "empty version"));
        }
        if let Some(pos) = input.find(char::is_whitespace) {
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
        let (upstream, revision) = match rest.rfind('-') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        if upstream.is_empty() {
            return Err(err(off, "empty upstream version"));
        }
        if !upstream.as_bytes()[0].is_ascii_digit() {
            return Err(err(off, "version number does not start with a digit"));
        }
        if let Some(i) =
            upstream.find(|c: char| !(c.is_ascii_alphanumeric() || ".+~-:".contains(c)))
        {
            return Err(err(
                off + i,
                "invalid character in upstream version (allowed: letters, digits, . + ~ - :)",
            ));
        }
        if rest.contains('-') && revision.is_empty() {
            return Err(err(input.len(), "empty revision after '-'"));
        }
        if let Some(i) = revision.find(|c: char| !(c.is_ascii_alphanumeric() || ".+~".contains(c)))
        {
            return Err(err(
                input.len() - revision.len() + i,
                "invalid character in revision (allowed: letters, digits, . + ~)",
            ));
        }
        Ok(DebVersion {
            epoch,
            upstream: upstream.into(),
            revision: revision.into(),
        })
    }
}

/// dpkg's character weight in a non-digit run: `~` < end/digit < letters < the rest.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`.
pub(crate) fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    let digit = |s: &[u8], k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !digit(a, i)) || (j < b.len() && !digit(b, j)) {
            let (wa, wb) = (weight(a.get(i).copied()), weight(b.get(j).copied()));
            if wa != wb {
                return wa.cmp(&wb);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while digit(a, i) && digit(b, j) {
            if first_diff == Ordering::Equal {
                first_diff = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        if digit(a, i) {
            return Ordering::Greater;
        }
        if digit(b, j) {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}

impl Ord for DebVersion {
    fn cmp(&self, other: &DebVersion) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream.as_bytes(), other.upstream.as_bytes()))
            .then_with(|| verrevcmp(self.revision.as_bytes(), other.revision.as_bytes()))
    }
}
impl PartialOrd for DebVersion {
    fn partial_cmp(&self, other: &DebVersion) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for DebVersion {
    fn eq(&self, other: &DebVersion) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for DebVersion {}
