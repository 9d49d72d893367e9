//! Python package versions, PEP 440 (<https://peps.python.org/pep-0440/>).
//!
//! Accepts every spelling PEP 440 normalizes: case-insensitive, a leading `v`, `alpha`/`a`,
//! `beta`/`b`, `c`/`pre`/`preview`/`rc`, implicit numbers (`1.0a` = `1.0a0`), `-`, `_` or `.`
//! separators, `1.0-1` meaning `1.0.post1`, `rev`/`r` for `post`, `+local` labels.
//!
//! Order, as the spec's "Summary of permitted suffixes and relative ordering": epoch, then
//! release (trailing zeros do not count: `1.0 == 1.0.0`), then `.devN` of a final release <
//! `aN` < `bN` < `rcN` < final < `.postN`; within each, `.devN` sorts before its absence;
//! finally a local label sorts after its absence, numeric local segments after alphabetic.

use std::cmp::Ordering;

use crate::{Error, Scheme};

/// A local version segment: words sort before numbers (variant order).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum LocalSeg {
    Str(Box<str>),
    Int(u64),
}

/// Pre-release key: a dev-only release sorts before every pre-release, a final after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PreKey {
    DevOnly,
    Pre(u8, u64),
    Final,
}

/// A parsed PEP 440 version.
#[derive(Debug, Clone)]
pub(crate) struct Pep440 {
    epoch: u64,
    /// Release numbers with trailing zeros removed (they do not affect order).
    release: Vec<u64>,
    /// 0 = a, 1 = b, 2 = rc.
    pre: Option<(u8, u64)>,
    post: Option<u64>,
    dev: Option<u64>,
    local: Option<Vec<LocalSeg>>,
}

struct Cursor<'a> {
    input: &'a str,
    lower: Vec<u8>,
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.lower.get(self.pos).copied()
    }
    fn sep(&mut self) -> bool {
        if matches!(self.peek(), Some(b'-' | b'_' | b'.')) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn word(&mut self, words: &[&str]) -> Option<usize> {
        for (i, w) in words.iter().enumerate() {
            if self.lower[self.pos..].starts_with(w.as_bytes()) {
                self.pos += w.len();
                return Some(i);
            }
        }
        None
    }
    fn number(&mut self) -> Result<Option<u64>, Error> {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        if start == self.pos {
            return Ok(None);
        }
        let text = std::str::from_utf8(&self.lower[start..self.pos]).unwrap_or("0");
        text.parse()
            .map(Some)
            .map_err(|_| Error::version(Scheme::Pep440, self.input, start, "number is too large"))
    }
}

impl Pep440 {
    pub(crate) fn parse(input: &str) -> Result<Pep440, Error> {
        let err = |pos: usize, why: &str| Error::version(Scheme::Pep440, input, pos, why);
        if !input.is_ascii() {
            let pos = input.find(|c: char| !c.is_ascii()).unwrap_or(0);
            return Err(err(pos, "PEP 440 versions are ASCII"));
        }
        let mut c = Cursor {
            input,
            lower: input.to_ascii_lowercase().into_bytes(),
            pos: 0,
        };
        if c.peek() == Some(b'v') {
            c.pos += 1;
        }
        // Epoch or first release number.
        let first = c
            .number()?
            .ok_or_else(|| err(c.pos, "expected a release number"))?;
        let mut epoch = 0;
        let mut release = vec![first];
        if c.peek() == Some(b'!') {
            c.pos += 1;
            epoch = first;
            release = vec![
                c.number()?
                    .ok_or_else(|| err(c.pos, "expected a release number after the epoch"))?,
            ];
        }
        while c.peek() == Some(b'.') && matches!(c.lower.get(c.pos + 1), Some(b'0'..=b'9')) {
            c.pos += 1;
            release.push(c.number()?.unwrap_or(0));
        }
        // Pre-release: [-_.]?(a|b|rc...)[-_.]?N?
        let mut pre = None;
        let save = c.pos;
        c.sep();
        if let Some(i) = c.word(&["alpha", "a", "beta", "b", "preview", "pre", "rc", "c"]) {
            let kind = [0, 0, 1, 1, 2, 2, 2, 2][i];
            let save_n = c.pos;
            c.sep();
            let n = match c.number()? {
                Some(n) => n,
                None => {
                    c.pos = save_n;
                    0
                }
            };
            pre = Some((kind, n));
        } else {
            c.pos = save;
        }
        // Post-release: -N | [-_.]?(post|rev|r)[-_.]?N?
        let mut post = None;
        let save = c.pos;
        if c.peek() == Some(b'-') && matches!(c.lower.get(c.pos + 1), Some(b'0'..=b'9')) {
            c.pos += 1;
            post = c.number()?;
        } else {
            c.sep();
            if c.word(&["post", "rev", "r"]).is_some() {
                let save_n = c.pos;
                c.sep();
                post = Some(match c.number()? {
                    Some(n) => n,
                    None => {
                        c.pos = save_n;
                        0
                    }
                });
            } else {
                c.pos = save;
            }
        }
        // Development release: [-_.]?dev[-_.]?N?
        let mut dev = None;
        let save = c.pos;
        c.sep();
        if c.word(&["dev"]).is_some() {
            let save_n = c.pos;
            c.sep();
            dev = Some(match c.number()? {
                Some(n) => n,
                None => {
                    c.pos = save_n;
                    0
                }
            });
        } else {
            c.pos = save;
        }
        // Local version label: +seg([-_.]seg)*
        let mut local = None;
        if c.peek() == Some(b'+') {
            c.pos += 1;
            let start = c.pos;
            let text = &input[start..];
            let mut segs = Vec::new();
            let mut at = start;
            for seg in text.split(['-', '_', '.']) {
                if seg.is_empty() || !seg.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return Err(err(
                        at,
                        "local version segments are letters and digits separated by '.', '-' or '_'",
                    ));
                }
                if seg.bytes().all(|b| b.is_ascii_digit()) {
                    let n = seg
                        .parse()
                        .map_err(|_| err(at, "local segment number is too large"))?;
                    segs.push(LocalSeg::Int(n));
                } else {
                    segs.push(LocalSeg::Str(seg.to_ascii_lowercase().into()));
                }
                at += seg.len() + 1;
            }
            local = Some(segs);
            c.pos = input.len();
        }
        if c.pos != input.len() {
            return Err(err(
                c.pos,
                "unexpected text; PEP 440 allows only aN, bN, rcN, .postN, .devN and +local after the release",
            ));
        }
        while release.len() > 1 && release.last() == Some(&0) {
            release.pop();
        }
        if release == [0] {
            release.clear();
        }
        Ok(Pep440 {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    pub(crate) fn is_prerelease(&self) -> bool {
        self.pre.is_some() || self.dev.is_some()
    }

    fn pre_key(&self) -> PreKey {
        match (self.pre, self.post, self.dev) {
            (Some((k, n)), _, _) => PreKey::Pre(k, n),
            (None, None, Some(_)) => PreKey::DevOnly,
            (None, _, _) => PreKey::Final,
        }
    }
}

/// Compares release number lists as if padded with zeros (trailing zeros were removed).
fn cmp_release(a: &[u64], b: &[u64]) -> Ordering {
    a.cmp(b)
}

impl Ord for Pep440 {
    fn cmp(&self, other: &Pep440) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| cmp_release(&self.release, &other.release))
            .then_with(|| self.pre_key().cmp(&other.pre_key()))
            // No post-release sorts before any post-release.
            .then_with(|| self.post.cmp(&other.post))
            // No dev-release sorts after any dev-release.
            .then_with(|| (self.dev.is_none(), self.dev).cmp(&(other.dev.is_none(), other.dev)))
            // No local label sorts before any local label.
            .then_with(|| self.local.cmp(&other.local))
    }
}
impl PartialOrd for Pep440 {
    fn partial_cmp(&self, other: &Pep440) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for Pep440 {
    fn eq(&self, other: &Pep440) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Pep440 {}
