//! The range wording of CISA's medical advisories (ICSMA) and their CSAF product trees.
//!
//! CSAF `product_version_range` entries written by CISA are rarely `vers:` strings; they
//! are prose such as `<= 4.2`, `Versions 4.2 and prior`, `All versions prior to 3.0`,
//! `4.0 through 4.3`, `>= 1.0.0 | <= 1.3.1`, `2.X`, `Versions 1.1 1.2 1.4 1.5`. [`parse`]
//! reads them into a [`VersionRange`] of the [`Scheme::Vendor`] scheme, in this order:
//!
//! 1. `*`, `all`, `All versions`, `vers:all/*`: every version. Other `vers:` strings are
//!    parsed by [`crate::Vers`]; `vers:generic/` and `vers:intdot/` ones under the vendor
//!    scheme, which orders them alike and also reads a device's labelled firmware
//!    (`ROX 2.17.1`).
//! 2. Parenthetical remarks are set aside as [`Prose::notes`] (`(end-of-life Nov 2017)`,
//!    `(integrated into GE MobileLink)`); a string wholly in parentheses, or a leading
//!    parenthetical (`(v9.x) model 35700BAX3`), is unwrapped. Trailing clauses about where
//!    or how a version runs are noted too: `, which ...`, `that have been installed in
//!    ...`, `running on ...`, `with ...`, `model ...`, `included in ...`. `all models`,
//!    `all Service Pack versions` mean every version. CISA's invalid `vers:all/<V4.3.8`
//!    (the spec allows only `vers:all/*`) is read under the vendor scheme, with a note.
//!    Leading filler (`all`, `software`, `firmware`, `versions`, `version`, `revisions`,
//!    `release`, `released`) is dropped.
//! 3. `|`-separated pieces (CISA's CSAF uses `|` for both "and" and "or"): a lower bound
//!    followed by an upper bound is one interval, as in `vers`, and so is a lower bound
//!    followed by a higher bare version as the last piece (`>= 2.0.0 | 2.6.2`); other
//!    pieces (including
//!    the spans of rule 4 and letter revision spans, `Rev J-M | (X3/MX100 for Rev M
//!    only)`) stand alone and the result is their union.
//! 4. Comparators: `<`, `<=`, `>`, `>=`, `=` and `>= 1.2 < 2.0`; and spans written
//!    `low <= high` or `low < high` (`A.01 <= C.0x`, `A10 < A11`): the low end is
//!    included, the high end as the operator says, and a high end whose last digit is a
//!    wildcard (`C.0x`) reaches the largest such digit (`C.09`). Both ends must read as
//!    versions, the low one no higher than the high one.
//! 5. Phrases (and repeated ones: `U61 and earlier L81 and earlier` is a union): `prior to X`, `before X`, `earlier than X`, `lower than X`, `less than X`
//!    (X excluded); `up to X`, `through X` (included: "up to" is ambiguous and including X
//!    errs on the side of reporting); `X and prior`, `X or prior`, `X and earlier`,
//!    `X and below`, `X or lower`, `X and older`, `X and previous (versions)`;
//!    `X and later`, `X or later`, `X and newer`, `X and higher`, `X and above`,
//!    `from X`, `since X`; `X through Y`, `X to Y`, `X - Y`, `between X and Y`,
//!    `from X to Y`, and letter revision spans `B-M`.
//! 6. Lists: `1.0, 1.1, and 2.0`, `24950 and 24952`, `1.1 1.2 1.4 1.5` (a new item starts
//!    at a word that begins with a digit, `v` + digit or `letter.digit`, unless it follows
//!    a qualifier word such as `build`, `sp`, `sr`, `mr`, `patch`).
//! 7. A single version or series.
//! 8. A product name before a version: up to three words of letters before a comparator
//!    (`BIOS < V20.01.10`, `All BIOS versions < V1.4.0`), or between a comparator and a
//!    version that starts with a digit or `v`/`r` + digit and holds no other long word
//!    (`<= HiOS 07.0.02`, `< ROS V4.3.4`, `< WinCC 7.2 Upd 15`), is set aside as a note.
//!    Month names are not product names (`< august 28` stays unread).
//! 9. A trailing ` *` after a version (`1.0 *`) is read as its series (`1.0.*`).
//!
//! Rule 3 also covers `and` between two comparators: `> V1.0 and < V1.6`, `>= V3.0 and <
//! V4.1` are `> V1.0 | < V1.6`. Rule 2 also notes clauses of condition: `only if ...`,
//! `only when ...`, `when ...`, `using ...`, `installed in ...`, `in default ...`, `in
//! non-default ...` (`All versions only if web components are used` is every version).
//! Rule 1 also reads `vers:all/*_installed_on_CP200_devices` as every version, noted.
//!
//! Wherever a version may stand, a **series** wildcard may too: `2.X`, `1.x`, `5.x.x`,
//! `14. x`, `12.2.x.x`, `5.1.0-x` mean every version from `2` up to (not including) `3`, and
//! `<= 11.x` or `11.x and earlier` means everything before `12`. One caveat: a pre-release
//! of the next series (`3.0 beta`) sorts before `3` and so falls inside `2.X`.
//! An `x` glued to the end of a number (`7.2x`, `R16x`, `1.597X`) stands for one more
//! digit: `7.2x` is `7.20` up to (not including) `7.30`, as `C.0x` reaches `C.09` in
//! rule 4. A wildcard followed by a number (`< V3.X.17`: before patch 17 of every 3.x
//! line) is not one interval and is refused.
//!
//! A version slot that reads like a sentence (`running on Windows 2000`, `shipped
//! between ...`), a model number (`Model 3002`) or a product name without digits is
//! refused with an error saying so, rather than being turned into a version that could
//! only ever match by accident. Hardware editions (`2nd Edition`) are versions: inventories
//! write them in the version column too.
//!
//! For a matcher, [`AdvisoryRange`] holds either the range read or the text that could not
//! be read, and answers [`Verdict::Affected`], [`Verdict::NotAffected`] or
//! [`Verdict::Unknown`] for a device's version as an inventory wrote it: unknown when the
//! text was not read, the device version is missing or not a vendor version, or one side
//! is a date and the other is not (`< July 1 2017` against `4.2`). An inclusive upper
//! bound covers its own line ([`VersionRange::contains_line`]: `<= 4.2` holds `4.2 SP1`).

use crate::schemes::vendor;
use crate::{Bound, Error, Interval, Scheme, Vers, Version, VersionRange};

/// A range read from advisory prose.
#[derive(Debug, Clone)]
pub struct Prose {
    /// The versions the text covers ([`Scheme::Vendor`], or a `vers:` string's own scheme).
    pub range: VersionRange,
    /// Remarks that were set aside (parenthetical text), for evidence.
    pub notes: Vec<String>,
}

/// The text being read: the original (for versions' raw strings) and its ASCII-lowercase
/// copy (for matching words). Both have the same byte offsets.
struct Text<'a> {
    input: &'a str,
    orig: &'a str,
    lower: &'a str,
    /// Remarks set aside while reading slots (product names before a version, rule 8).
    notes: std::cell::RefCell<Vec<String>>,
}

impl<'a> Text<'a> {
    /// Points an error at `sub` (a slice of the lowercase text) within the input.
    fn at(&self, e: Error, sub: &str) -> Error {
        match e {
            Error::InvalidRange {
                input,
                position: 0,
                reason,
            } => {
                let position = self.input.find(self.orig(sub.trim())).unwrap_or(0);
                Error::InvalidRange {
                    input,
                    position,
                    reason,
                }
            }
            other => other,
        }
    }

    /// The original-case text of `sub`, a slice of `self.lower`.
    fn orig(&self, sub: &str) -> &'a str {
        let base = self.lower.as_ptr() as usize;
        let at = sub.as_ptr() as usize;
        if at >= base && at + sub.len() <= base + self.lower.len() {
            let off = at - base;
            &self.orig[off..off + sub.len()]
        } else {
            // Not a slice of the text (cannot happen on the paths above); use it as is.
            let _ = sub;
            self.orig.get(0..0).unwrap_or("")
        }
    }
}

/// What a version slot holds.
enum Slot {
    One(Version),
    /// A series: `[lower, next)`.
    Series(Version, Version),
}

impl Slot {
    fn first(&self) -> &Version {
        match self {
            Slot::One(v) | Slot::Series(v, _) => v,
        }
    }
    fn as_lower(&self, inclusive: bool) -> Bound {
        match self {
            Slot::One(v) => Bound {
                version: v.clone(),
                inclusive,
            },
            // "> 2.x" means above the whole series.
            Slot::Series(lo, next) => {
                if inclusive {
                    Bound::inclusive(lo.clone())
                } else {
                    Bound::inclusive(next.clone())
                }
            }
        }
    }
    fn as_upper(&self, inclusive: bool) -> Bound {
        match self {
            Slot::One(v) => Bound {
                version: v.clone(),
                inclusive,
            },
            Slot::Series(lo, next) => {
                if inclusive {
                    Bound::exclusive(next.clone())
                } else {
                    Bound::exclusive(lo.clone())
                }
            }
        }
    }
    fn interval(&self) -> Interval {
        match self {
            Slot::One(v) => Interval::exact(v.clone()),
            Slot::Series(lo, next) => Interval {
                lower: Some(Bound::inclusive(lo.clone())),
                upper: Some(Bound::exclusive(next.clone())),
            },
        }
    }
}

/// Words that never occur in a version but do in sentences about products.
const STOP_WORDS: &[&str] = &[
    "with",
    "shipped",
    "between",
    "running",
    "on",
    "such",
    "as",
    "the",
    "of",
    "released",
    "manufactured",
    "distributed",
    "option",
    "including",
    "included",
    "not",
    "sold",
    "that",
    "have",
    "been",
    "installed",
    "in",
    "into",
    "integrated",
    "for",
    "only",
    "devices",
    "model",
    "models",
    "product",
    "number",
    "id",
    "reorder",
    "and",
    "or",
    "prior",
    "earlier",
    "affected",
    "which",
    "are",
    "a",
    "machine",
    "supported",
    "part",
    "#:",
];

/// Words of three letters or more that may appear inside a version (qualifiers, labels,
/// pre-release words). Any other such word makes a slot a name (`Gemini Dual`, `MRI`).
const KNOWN_WORDS: &[&str] = &[
    "build", "service", "pack", "patch", "update", "hotfix", "rev", "revision", "release", "beta",
    "alpha", "dev", "pre", "preview", "ver", "version", "firmware", "software", "final",
    "hardware", "sps", "spx", "mrx", "bld", "upd", "edition",
];

/// Qualifier words after which a number continues the same version (`build 118`).
const QUALIFIERS: &[&str] = &[
    "build", "sp", "sr", "mr", "patch", "update", "hotfix", "service", "pack", "rev", "r", "d",
];

/// Where a trailing clause starts (lowercase); what follows is kept as a note.
const CLAUSES: &[&str] = &[
    ", which ",
    " which ",
    " that have been ",
    " that ",
    " running on ",
    " with ",
    " model ",
    " included in ",
    " installed in ",
    " only if ",
    " only when ",
    " when ",
    " using ",
    " in default ",
    " in non-default ",
];

/// Words that, after "all", still mean every version ("all models").
const ALL_OF: &[&str] = &[
    "models", "devices", "products", "service", "pack", "versions", "editions", "variants",
];

/// Filler dropped from the front of a phrase.
const FILLER: &[&str] = &[
    "all",
    "software",
    "firmware",
    "sw",
    "versions",
    "version",
    "revisions",
    "release",
    "releases",
    "of",
    "released",
    "running",
    "using",
    "with",
];

fn err(input: &str, why: impl Into<String>) -> Error {
    Error::range(input, 0, why)
}

/// Parses one version slot: a vendor version or a series wildcard.
fn slot(t: &Text<'_>, text: &str) -> Result<Slot, Error> {
    slot_inner(t, text).map_err(|e| t.at(e, text))
}

fn slot_inner(t: &Text<'_>, text: &str) -> Result<Slot, Error> {
    let text = text.trim().trim_end_matches([',', '.', ';']).trim();
    if text.is_empty() {
        return Err(err(t.input, "expected a version"));
    }
    // Rule 9: `1.0 *` is the line of `1.0`: the series `1.0.*` where it reads as one,
    // else the version and its line.
    if let Some(head) = text.strip_suffix(" *")
        && head.bytes().any(|b| b.is_ascii_digit())
        && !head.contains('*')
    {
        return slot_inner(t, &format!("{head}.*")).or_else(|_| slot_inner(t, head));
    }
    if is_date(text) {
        return Version::parse(Scheme::Vendor, t.orig(text))
            .map(Slot::One)
            .map_err(|e| err(t.input, e.to_string()));
    }
    if let Some(c) = text.chars().find(|c| matches!(c, '<' | '>' | '=' | '|')) {
        return Err(err(
            t.input,
            format!("{text:?}: unexpected {c:?} inside a version"),
        ));
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    if let Some(w) = words.iter().find(|w| {
        w.len() >= 3 && w.bytes().all(|b| b.is_ascii_alphabetic()) && !KNOWN_WORDS.contains(w)
    }) {
        return Err(err(
            t.input,
            format!("{text:?} contains the word {w:?}: a name, not a version"),
        ));
    }
    if let Some(w) = words.iter().find(|w| STOP_WORDS.contains(w)) {
        return Err(err(
            t.input,
            format!("{text:?} reads as prose (word {w:?}), not as a version"),
        ));
    }
    if words.len() > 6 {
        return Err(err(
            t.input,
            format!("{text:?} has too many words for a version"),
        ));
    }
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        // Letter revisions ("C", "K", "Rev C") are versions; product names are not.
        let core = text.trim_start_matches("rev").trim();
        let ok = !core.is_empty()
            && words.len() <= 2
            && core.len() <= 2
            && core.bytes().all(|b| b.is_ascii_alphabetic());
        let wildcard = text.contains('x') || text.contains('*');
        if !ok && !wildcard {
            return Err(err(
                t.input,
                format!("{text:?} has no digits: a name, not a version"),
            ));
        }
    }
    if let Some(series) = series(t, text)? {
        return Ok(series);
    }
    Version::parse(Scheme::Vendor, t.orig(text))
        .map(Slot::One)
        .map_err(|e| err(t.input, e.to_string()))
}

/// Reads `2.x`, `5.x.x`, `14. x`, `12.2.x.x`, `1.*` as a series; `None` without a wildcard.
fn series(t: &Text<'_>, text: &str) -> Result<Option<Slot>, Error> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if let Some(s) = digit_wildcard(t, &compact)? {
        return Ok(Some(s));
    }
    // `5.1.0-x`: a hyphen before the wildcard separates like a dot.
    let compact = match compact
        .strip_suffix("-x")
        .or_else(|| compact.strip_suffix("-*"))
    {
        Some(head) if head.ends_with(|c: char| c.is_ascii_digit()) => format!("{head}.x"),
        _ => compact,
    };
    let parts: Vec<&str> = compact.split('.').collect();
    let Some(first_wild) = parts.iter().position(|p| *p == "x" || *p == "*") else {
        if compact == "*" {
            return Ok(None);
        }
        return Ok(None);
    };
    if !parts[first_wild..].iter().all(|p| *p == "x" || *p == "*") {
        return Err(err(
            t.input,
            format!("{text:?}: a wildcard may only be followed by more wildcards"),
        ));
    }
    let prefix = parts[..first_wild].join(".");
    let off = vendor::strip_labels(&prefix);
    let prefix = &prefix[off..];
    if prefix.is_empty() {
        return Err(err(
            t.input,
            format!("{text:?}: a series needs a leading number"),
        ));
    }
    // The next series: the last number of the prefix, plus one.
    let end = prefix.rfind(|c: char| c.is_ascii_digit()).ok_or_else(|| {
        err(
            t.input,
            format!("{text:?}: a series must end in a number before the wildcard"),
        )
    })?;
    // Where the last run of digits starts (char-aware: the prefix may hold non-ASCII).
    let start = prefix[..=end]
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(0, |(i, c)| i + c.len_utf8());
    if end + 1 != prefix.len() {
        return Err(err(
            t.input,
            format!("{text:?}: a series must end in a number before the wildcard"),
        ));
    }
    let n: u64 = prefix[start..=end]
        .parse()
        .map_err(|_| err(t.input, format!("{text:?}: series number too large")))?;
    let next = format!("{}{}", &prefix[..start], n + 1);
    let lo = Version::parse(Scheme::Vendor, prefix).map_err(|e| err(t.input, e.to_string()))?;
    let hi = Version::parse(Scheme::Vendor, &next).map_err(|e| err(t.input, e.to_string()))?;
    Ok(Some(Slot::Series(lo, hi)))
}

/// `7.2x`, `R16x`, `1.597X`: an `x` glued to the end of a number stands for one more
/// digit, so `7.2x` is `7.20` up to (not including) `7.30`, as `C.0x` reaches `C.09` in
/// rule 4. `None` when `compact` (lowercase, no spaces) is not of that form.
fn digit_wildcard(t: &Text<'_>, compact: &str) -> Result<Option<Slot>, Error> {
    let Some(head) = compact.strip_suffix('x') else {
        return Ok(None);
    };
    // At most two letters in front (`r16x`, `v7.6x`), then digits and dots.
    let digits = head.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    if head.len() - digits.len() > 2
        || digits.is_empty()
        || !head.ends_with(|c: char| c.is_ascii_digit())
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
    {
        return Ok(None);
    }
    let start = head
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let n: u64 = head[start..]
        .parse()
        .map_err(|_| err(t.input, format!("{compact:?}: series number too large")))?;
    let lo = format!("{head}0");
    let next = format!("{}{}0", &head[..start], n + 1);
    let lo = Version::parse(Scheme::Vendor, &lo).map_err(|e| err(t.input, e.to_string()))?;
    let hi = Version::parse(Scheme::Vendor, &next).map_err(|e| err(t.input, e.to_string()))?;
    Ok(Some(Slot::Series(lo, hi)))
}

/// Splits off parenthetical remarks. Digits in parentheses glued to a version are part
/// of it, as in Cisco's IOS numbering (`15.2(6)E2a` is `15.2.6.E2a`).
fn strip_parens(text: &str, notes: &mut Vec<String>) -> String {
    let glued = glued_parens(text.trim());
    let t = glued.as_str();
    if t.starts_with('(') && t.ends_with(')') && t[1..t.len() - 1].find(['(', ')']).is_none() {
        return t[1..t.len() - 1].to_string();
    }
    // A leading parenthetical holds the version ("(v9.x) model 35700BAX3"): keep it.
    let unwrapped;
    let t = match t.strip_prefix('(').and_then(|r| r.split_once(')')) {
        Some((inner, rest)) if !inner.contains('(') => {
            unwrapped = format!("{inner} {rest}");
            unwrapped.as_str()
        }
        _ => t,
    };
    let mut out = String::with_capacity(t.len());
    let mut depth = 0usize;
    let mut note = String::new();
    for c in t.chars() {
        match c {
            '(' => {
                depth += 1;
                if depth > 1 {
                    note.push(c);
                }
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    notes.push(std::mem::take(&mut note).trim().to_string());
                    out.push(' ');
                } else {
                    note.push(c);
                }
            }
            c if depth > 0 => note.push(c),
            c => out.push(c),
        }
    }
    if depth > 0 {
        notes.push(note.trim().to_string());
    }
    out
}

fn strip_filler(mut s: &str) -> (&str, bool) {
    let mut saw_all = false;
    loop {
        s = s.trim_start_matches([' ', ':', ',']);
        let word = s.split_whitespace().next().unwrap_or("");
        if !FILLER.contains(&word) {
            return (s, saw_all);
        }
        saw_all |= word == "all";
        s = &s[word.len()..];
    }
}

/// Reads one comparator-led piece (`<= 4.2`, `>=BT02`, `4.0`).
fn comparator_piece(t: &Text<'_>, p: &str) -> Result<(Option<&'static str>, Slot), Error> {
    let p = p.trim();
    for op in [">=", "=>", "<=", "=<", "<", ">", "="] {
        if let Some(rest) = p.strip_prefix(op) {
            let op = match op {
                "=>" => ">=",
                "=<" => "<=",
                o => o,
            };
            let s = match slot(t, rest) {
                Ok(s) => s,
                Err(e) => match named_version(rest) {
                    Some((name, v)) => {
                        let s = slot(t, v).map_err(|_| e)?;
                        t.notes.borrow_mut().push(t.orig(name).to_string());
                        s
                    }
                    None => return Err(e),
                },
            };
            return Ok((Some(op), s));
        }
    }
    Ok((None, slot(t, p)?))
}

/// Rule 3: puts `|` for an `and` that joins two comparators (`>= V3.0 and < V4.1`); the
/// text is unchanged unless a comparator comes before the `and`.
fn and_comparators(s: &str) -> String {
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut from = 0;
    while let Some(i) = lower[from..].find(" and ").map(|i| i + from) {
        let after = lower[i + 5..].trim_start();
        let before = &lower[..i];
        if after.starts_with(['<', '>']) && before.contains(['<', '>']) {
            out.push_str(&s[last..i]);
            out.push_str(" | ");
            last = i + 5;
        }
        from = i + 5;
    }
    out.push_str(&s[last..]);
    out
}

/// Rule 8: up to three product words (letters only, none a stop word, filler or
/// known version word) then a version that starts with a digit or `v`/`r` + digit and
/// holds no other long word: `HiOS 07.0.02`, `ROS V4.3.4`, `WinCC 7.2 Upd 15`. Returns
/// the name and the version.
fn named_version(s: &str) -> Option<(&str, &str)> {
    let s = s.trim();
    let mut rest = s;
    for _ in 0..3 {
        let (w, tail) = rest.split_once(' ')?;
        let name_word = w.len() >= 2
            && w.bytes().all(|b| b.is_ascii_alphabetic())
            && !STOP_WORDS.contains(&w)
            && !KNOWN_WORDS.contains(&w)
            && !FILLER.contains(&w)
            && !is_date(&format!("{w} 2000"));
        if !name_word {
            return None;
        }
        rest = tail.trim_start();
        let b = rest.as_bytes();
        let starts_version = match b {
            [d, ..] if d.is_ascii_digit() => true,
            [b'v' | b'r', d, ..] if d.is_ascii_digit() => true,
            _ => false,
        };
        if starts_version {
            // No other word of three letters or more, unless it is a version word.
            let clean = rest
                .split(|c: char| !c.is_ascii_alphabetic())
                .all(|w| w.len() < 3 || (KNOWN_WORDS.contains(&w) && !w.starts_with("version")));
            let name = s[..s.len() - rest.len()].trim_end();
            return clean.then_some((name, rest));
        }
    }
    None
}

/// Rule 8: `bios < v20.01.10`, `bios versions < 1.4`: name words (letters only, none a
/// stop word) before the first comparator. Returns the name and the text from the
/// comparator on.
fn name_before_comparator(s: &str) -> Option<(&str, &str)> {
    if s.contains('|') {
        return None;
    }
    let i = s.find(['<', '>'])?;
    let (name, rest) = (s[..i].trim(), &s[i..]);
    let words: Vec<&str> = name.split_whitespace().collect();
    let ok = !words.is_empty()
        && words.len() <= 3
        && words.iter().all(|w| {
            w.bytes().all(|b| b.is_ascii_alphabetic())
                && !STOP_WORDS.contains(w)
                && !KNOWN_WORDS.contains(w)
        })
        && !FILLER.contains(&words[0]);
    ok.then_some((name, rest))
}

fn bound_interval(op: &str, s: &Slot) -> Interval {
    match op {
        "<" => Interval {
            lower: None,
            upper: Some(s.as_upper(false)),
        },
        "<=" => Interval {
            lower: None,
            upper: Some(s.as_upper(true)),
        },
        ">" => Interval {
            lower: Some(s.as_lower(false)),
            upper: None,
        },
        ">=" => Interval {
            lower: Some(s.as_lower(true)),
            upper: None,
        },
        _ => s.interval(),
    }
}

/// One `|`-separated piece: a comparator and a version, or a span standing alone.
enum Piece {
    Op(Option<&'static str>, Slot),
    Span(Interval),
}

/// Rewrites `15.2(6)E2` as `15.2.6.E2`: a `(digits)` right after a digit, not a remark.
fn glued_parens(t: &str) -> String {
    let b = t.as_bytes();
    let mut out = String::with_capacity(t.len());
    let (mut copied, mut i) = (0, 0);
    while i < b.len() {
        let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if b[i] == b'('
            && i > 0
            && b[i - 1].is_ascii_digit()
            && digits > 0
            && b.get(i + 1 + digits) == Some(&b')')
        {
            // Only ASCII bytes are looked at, so the slices fall on char boundaries.
            out.push_str(&t[copied..i]);
            out.push('.');
            out.push_str(&t[i + 1..i + 1 + digits]);
            i += digits + 2;
            if b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
                out.push('.');
            }
            copied = i;
            continue;
        }
        i += 1;
    }
    out.push_str(&t[copied..]);
    out
}

/// `|`-separated pieces: a lower bound followed by an upper bound pair up.
fn pieces(t: &Text<'_>, parts: &[&str]) -> Result<Vec<Interval>, Error> {
    let mut parsed = Vec::new();
    for p in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        if let Some(i) = low_high(t, p) {
            parsed.push(Piece::Span(i));
        } else if let Some(i) = letter_span(t, p) {
            parsed.push(Piece::Span(i?));
        } else {
            let (op, s) = comparator_piece(t, p)?;
            parsed.push(Piece::Op(op, s));
        }
    }
    let mut out = Vec::new();
    let mut k = 0;
    while k < parsed.len() {
        let (op, s) = match &parsed[k] {
            Piece::Op(op, s) => (op, s),
            Piece::Span(i) => {
                out.push(i.clone());
                k += 1;
                continue;
            }
        };
        if let (Some(lo @ (">" | ">=")), Some(Piece::Op(Some(hi @ ("<" | "<=")), t))) =
            (op, parsed.get(k + 1))
        {
            out.push(Interval {
                lower: Some(s.as_lower(*lo == ">=")),
                upper: Some(t.as_upper(*hi == "<=")),
            });
            k += 2;
            continue;
        }
        // `>= 2.0.0 | 2.6.2`: a lower bound followed by a higher bare version, as the
        // last piece, is the span between them (a lone lower bound would reach every
        // later version, which the listed version then contradicts).
        if let (Some(lo @ (">" | ">=")), Some(Piece::Op(None, t))) = (op, parsed.get(k + 1))
            && k + 2 == parsed.len()
            && s.first().cmp_same(t.first()) == std::cmp::Ordering::Less
        {
            out.push(Interval {
                lower: Some(s.as_lower(*lo == ">=")),
                upper: Some(t.as_upper(true)),
            });
            k += 2;
            continue;
        }
        out.push(bound_interval(op.unwrap_or("="), s));
        k += 1;
    }
    Ok(out)
}

/// `A.01 <= C.0x`, `A10 < A11`: CSAF product trees write a span as `low <= high` or
/// `low < high` (the low end always included, the high end as the operator says). A high
/// end whose last digit is a wildcard (`C.0x`) reaches the largest such digit (`C.09`).
/// `None` unless both ends read as versions, the low one no higher than the high one.
fn low_high(t: &Text<'_>, p: &str) -> Option<Interval> {
    for (sep, inclusive) in [(" <= ", true), (" < ", false)] {
        let Some((a, b)) = p.split_once(sep) else {
            continue;
        };
        let (a, b) = (a.trim(), b.trim());
        if a.is_empty() || a.starts_with(['<', '>', '=']) {
            return None;
        }
        let lo = slot(t, a).ok()?;
        let hi = match b.strip_suffix('x') {
            Some(head) if head.ends_with(|c: char| c.is_ascii_digit()) => {
                let orig = t.orig(head);
                Slot::One(Version::parse(Scheme::Vendor, &format!("{orig}9")).ok()?)
            }
            _ => slot(t, b).ok()?,
        };
        if lo.first().cmp_same(hi.first()) == std::cmp::Ordering::Greater {
            return None;
        }
        return Some(Interval {
            lower: Some(lo.as_lower(true)),
            upper: Some(hi.as_upper(inclusive)),
        });
    }
    None
}

/// Letter revision spans: `Rev B-M`, `B-M`; `None` when `s` is not one.
fn letter_span(t: &Text<'_>, s: &str) -> Option<Result<Interval, Error>> {
    let letters = s.trim_start_matches("rev ").trim();
    let (a, b) = letters.split_once('-')?;
    let letter = |x: &str| x.len() == 1 && x.bytes().all(|c| c.is_ascii_alphabetic());
    if !(letter(a) && letter(b)) {
        return None;
    }
    Some((|| {
        let lo = slot(t, a)?;
        let hi = slot(t, b)?;
        if lo.first().cmp_same(hi.first()) == std::cmp::Ordering::Greater {
            return Err(err(t.input, "the start of the span is above its end"));
        }
        Ok(Interval {
            lower: Some(lo.as_lower(true)),
            upper: Some(hi.as_upper(true)),
        })
    })())
}

/// Whether a word starts a new list item.
fn starts_item(word: &str, prev: Option<&str>) -> bool {
    if prev.is_some_and(|p| QUALIFIERS.contains(&p)) {
        return false;
    }
    let b = word.as_bytes();
    match b {
        [d, ..] if d.is_ascii_digit() => true,
        [b'v', d, ..] if d.is_ascii_digit() => true,
        [l, b'.', d, ..] if l.is_ascii_alphabetic() && d.is_ascii_digit() => true,
        _ => false,
    }
}

fn list(t: &Text<'_>, s: &str) -> Result<Vec<Interval>, Error> {
    // Words as byte ranges of `s`, so that items stay slices of the text (and keep case).
    let bytes = s.as_bytes();
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
        } else if bytes[i] == b',' {
            words.push((i, i + 1));
            i += 1;
        } else {
            let start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b',' {
                i += 1;
            }
            words.push((start, i));
        }
    }
    let mut items: Vec<&str> = Vec::new();
    let mut cur: Option<(usize, usize)> = None;
    let mut prev: Option<&str> = None;
    for (a, b) in words {
        let w = &s[a..b];
        if matches!(w, "," | "and" | "or" | "&" | "/") {
            if let Some((x, y)) = cur.take() {
                items.push(&s[x..y]);
            }
            prev = None;
            continue;
        }
        if let Some((x, y)) = cur
            && starts_item(w, prev)
        {
            items.push(&s[x..y]);
            cur = None;
        }
        cur = Some(cur.map_or((a, b), |(x, _)| (x, b)));
        prev = Some(w);
    }
    if let Some((x, y)) = cur {
        items.push(&s[x..y]);
    }
    // "Version A, Firmware A.03.09": items naming different kinds of version are not a list.
    if let Some(i) = items.iter().skip(1).find(|i| {
        let w = i.split_whitespace().next().unwrap_or("");
        matches!(
            w,
            "firmware" | "software" | "hardware" | "version" | "versions" | "part"
        )
    }) {
        return Err(err(
            t.input,
            format!("{i:?}: the items name different kinds of version"),
        ));
    }
    if items.is_empty() {
        return Err(err(t.input, "no version in the text"));
    }
    items
        .iter()
        .map(|i| slot(t, i).map(|s| s.interval()))
        .collect()
}

fn finish(t: &Text<'_>, intervals: Vec<Interval>, mut notes: Vec<String>) -> Result<Prose, Error> {
    notes.extend(t.notes.borrow_mut().drain(..));
    let range = VersionRange::new(Scheme::Vendor, intervals, Vec::new())
        .map_err(|e| err(t.input, e.to_string()))?;
    Ok(Prose { range, notes })
}

/// Reads a version or range as CISA writes it. See the module documentation for the rules.
///
/// ```
/// use medvigil_version::{Scheme, Version, prose};
/// let r = prose::parse("4.0 through 4.3").unwrap().range;
/// assert_eq!(r.to_vers(), "vers:vendor/>=4.0|<=4.3");
/// assert!(prose::parse("running on old, unsupported operating systems").is_err());
/// ```
pub fn parse(input: &str) -> Result<Prose, Error> {
    let mut notes = Vec::new();
    let trimmed = input.trim();
    if trimmed.len() > 400 {
        return Err(err(input, "too long to be a version range"));
    }
    // CISA's CSAF often writes `vers:all/<V4.3.8` or `vers:all/>=2.3<V3.0`: not valid vers
    // (the spec allows only `vers:all/*`), but a plain statement about vendor versions.
    let owned;
    let trimmed = match trimmed.strip_prefix("vers:all/") {
        // Rule 1: `vers:all/*_installed_on_CP200_devices`: every version, with a remark.
        Some(rest) if rest.starts_with("*_") || rest.starts_with("* ") => {
            notes.push(rest[1..].replace('_', " ").trim().to_string());
            return Ok(Prose {
                range: VersionRange::all(Scheme::Vendor),
                notes,
            });
        }
        Some(rest) if rest.trim() != "*" => {
            notes.push(
                "vers:all with constraints is not valid vers; read under the vendor scheme"
                    .to_string(),
            );
            owned = split_comparators(rest);
            owned.as_str()
        }
        _ => trimmed,
    };
    if trimmed.starts_with("vers:") {
        // A device's firmware is written the vendor's way ("ROX 2.17.1"): `generic` and
        // `intdot` constraints, which the vendor scheme orders alike, are read under it.
        let vendorized = ["vers:generic/", "vers:intdot/"]
            .iter()
            .find_map(|p| trimmed.strip_prefix(p))
            .map(|rest| format!("vers:vendor/{rest}"));
        let vers = Vers::parse(vendorized.as_deref().unwrap_or(trimmed))?;
        if vers.is_none() {
            return Ok(Prose {
                range: VersionRange::none(Scheme::Vendor),
                notes,
            });
        }
        if vers.scheme_name() == "all" {
            return Ok(Prose {
                range: VersionRange::all(Scheme::Vendor),
                notes,
            });
        }
        return Ok(Prose {
            range: vers.to_range(),
            notes,
        });
    }
    let orig = strip_parens(trimmed, &mut notes);
    let orig = orig.split_whitespace().collect::<Vec<_>>().join(" ");
    let orig = orig.trim_end_matches(['.', ',', ';', ':']).trim();
    // Trailing clauses about where or how a version runs are set aside as notes:
    // "L81 and earlier that have been installed in ...", "11.2 and prior running on ...",
    // "v8.x with Wireless Battery Modules ...", "v9.x model 35700BAX3".
    let folded = orig.to_ascii_lowercase();
    let orig = match CLAUSES
        .iter()
        .filter_map(|c| folded.find(c))
        .filter(|&i| i > 0)
        .min()
    {
        Some(i) => {
            notes.push(orig[i..].trim_start_matches([',', ' ']).to_string());
            orig[..i].trim_end_matches([',', ' '])
        }
        None => orig,
    };
    // Rule 3: `> V1.0 and < V1.6`: `and` before a comparator joins two bounds like `|`.
    let joined = and_comparators(orig);
    let orig = joined.as_str();
    let lower = orig.to_ascii_lowercase();
    let t = Text {
        input,
        orig,
        lower: &lower,
        notes: std::cell::RefCell::new(Vec::new()),
    };
    let t = &t;
    let text = t.lower;
    if text == "*" || text.starts_with("* ") {
        if text != "*" {
            notes.push(t.orig(&text[2..]).to_string());
        }
        return Ok(Prose {
            range: VersionRange::all(Scheme::Vendor),
            notes,
        });
    }
    let (s, saw_all) = strip_filler(text);
    // "(all models)", "all Service Pack versions": every version.
    if saw_all && !s.is_empty() && s.split_whitespace().all(|w| ALL_OF.contains(&w)) {
        notes.push(t.orig(s).to_string());
        return Ok(Prose {
            range: VersionRange::all(Scheme::Vendor),
            notes,
        });
    }
    if s.is_empty() {
        if saw_all {
            return Ok(Prose {
                range: VersionRange::all(Scheme::Vendor),
                notes,
            });
        }
        return Err(err(t.input, "no version in the text"));
    }
    // 8. A product name before a comparator: `BIOS < V20.01.10`, `All BIOS versions < 1.4`.
    let s = match name_before_comparator(s) {
        Some((name, rest)) => {
            t.notes.borrow_mut().push(t.orig(name).to_string());
            strip_filler(rest).0
        }
        None => s,
    };
    // 3. Pipes.
    if s.contains('|') {
        let parts: Vec<&str> = s.split('|').collect();
        return finish(t, pieces(t, &parts)?, notes);
    }
    // 4. "low <= high".
    if let Some(i) = low_high(t, s) {
        return finish(t, vec![i], notes);
    }
    // 4. Comparators, possibly two: ">= 1.2 < 2.0".
    if s.starts_with(['<', '>', '=']) {
        let second = s[1..]
            .find(['<', '>'])
            .map(|i| i + 1)
            .filter(|&i| !s[..i].ends_with(['<', '>', '=']));
        let parts: Vec<&str> = match second {
            Some(i) => vec![&s[..i], &s[i..]],
            None => vec![s],
        };
        return finish(t, pieces(t, &parts)?, notes);
    }
    // 5. Phrases.
    const BEFORE_EXCL: &[&str] = &[
        "prior to ",
        "before ",
        "earlier than ",
        "lower than ",
        "less than ",
        "older than ",
    ];
    const BEFORE_INCL: &[&str] = &["up to and including ", "up to ", "through "];
    const AFTER_INCL: &[&str] = &["from ", "since ", "starting with "];
    const AFTER_EXCL: &[&str] = &["after ", "later than ", "newer than "];
    for (list_, lower, inclusive) in [
        (BEFORE_EXCL, false, false),
        (BEFORE_INCL, false, true),
        (AFTER_EXCL, true, false),
    ] {
        for p in list_ {
            if let Some(rest) = s.strip_prefix(p) {
                let (rest, _) = strip_filler(rest);
                let v = slot(t, rest)?;
                let i = if lower {
                    Interval {
                        lower: Some(v.as_lower(inclusive)),
                        upper: None,
                    }
                } else {
                    Interval {
                        lower: None,
                        upper: Some(v.as_upper(inclusive)),
                    }
                };
                return finish(t, vec![i], notes);
            }
        }
    }
    const UPPER_SUFFIX: &[&str] = &[
        " and prior versions",
        " and all prior versions",
        " and prior",
        " or prior",
        " and earlier",
        " or earlier",
        " and below",
        " or below",
        " and lower",
        " or lower",
        " and older",
        " or older",
        " and previous versions",
        " and previous",
        " or previous",
        " and before",
    ];
    const LOWER_SUFFIX: &[&str] = &[
        " and later",
        " or later",
        " and newer",
        " or newer",
        " and higher",
        " or higher",
        " and above",
        " or above",
        " and up",
        " onwards",
    ];
    // "U61 and earlier L81 and earlier": one upper bound per product line.
    if let Some(segments) = upper_segments(s, UPPER_SUFFIX) {
        let mut intervals = Vec::new();
        for seg in segments {
            let v = slot(t, seg)?;
            intervals.push(Interval {
                lower: None,
                upper: Some(v.as_upper(true)),
            });
        }
        return finish(t, intervals, notes);
    }
    for suf in UPPER_SUFFIX {
        if let Some(rest) = s.strip_suffix(suf) {
            let v = slot(t, rest)?;
            return finish(
                t,
                vec![Interval {
                    lower: None,
                    upper: Some(v.as_upper(true)),
                }],
                notes,
            );
        }
    }
    for suf in LOWER_SUFFIX {
        if let Some(rest) = s.strip_suffix(suf) {
            let v = slot(t, rest)?;
            return finish(
                t,
                vec![Interval {
                    lower: Some(v.as_lower(true)),
                    upper: None,
                }],
                notes,
            );
        }
    }
    // Spans.
    let span = |a: &str, b: &str| -> Result<Prose, Error> {
        let (b, _) = strip_filler(b);
        let lo = slot(t, a)?;
        let hi = slot(t, b)?;
        let i = Interval {
            lower: Some(lo.as_lower(true)),
            upper: Some(hi.as_upper(true)),
        };
        if lo.first().cmp_same(hi.first()) == std::cmp::Ordering::Greater {
            return Err(err(t.input, "the start of the span is above its end"));
        }
        finish(t, vec![i], notes.clone())
    };
    if let Some(rest) = s.strip_prefix("between ")
        && let Some((a, b)) = rest.split_once(" and ")
    {
        return span(a, b);
    }
    let body = s.strip_prefix("from ").unwrap_or(s);
    for sep in [
        " through to ",
        " through ",
        " thru ",
        " to ",
        " - ",
        " until ",
    ] {
        if let Some((a, b)) = body.split_once(sep) {
            return span(a, b);
        }
    }
    // "from X" / "since X" with no end (spans were tried above).
    if let Some(p) = AFTER_INCL.iter().find(|p| s.starts_with(*p)) {
        let v = slot(t, &s[p.len()..])?;
        return finish(
            t,
            vec![Interval {
                lower: Some(v.as_lower(true)),
                upper: None,
            }],
            notes,
        );
    }
    // Letter revision spans: "rev b-m".
    if let Some(i) = letter_span(t, s) {
        return finish(t, vec![i?], notes);
    }
    // 6/7. A date, a list, or a single version (a list of one).
    if is_date(s) {
        let v =
            Version::parse(Scheme::Vendor, t.orig(s)).map_err(|e| err(t.input, e.to_string()))?;
        return finish(t, vec![Interval::exact(v)], notes);
    }
    finish(t, list(t, s)?, notes)
}

/// Splits `X and earlier Y and earlier` into `[X, Y]`; `None` unless there are at least
/// two such phrases and the text ends with one.
fn upper_segments<'s>(s: &'s str, suffixes: &[&str]) -> Option<Vec<&'s str>> {
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut from = 0;
    while from < s.len() {
        let next = suffixes
            .iter()
            .filter_map(|suf| {
                s[from..]
                    .find(suf)
                    .map(|i| (from + i, from + i + suf.len()))
            })
            .min();
        let Some((start, end)) = next else { break };
        cuts.push((start, end));
        from = end;
    }
    if cuts.len() < 2 || cuts.last().map(|c| c.1) != Some(s.len()) {
        return None;
    }
    let mut out = Vec::new();
    let mut prev = 0;
    for (start, end) in cuts {
        out.push(s[prev..start].trim());
        prev = end;
    }
    Some(out)
}

/// Puts a `|` before each comparator not already after one: `>=2.3<V3.0` becomes
/// `>=2.3|<V3.0`.
fn split_comparators(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        let starts_op = matches!(c, '<' | '>' | '!')
            && !matches!(prev, None | Some('|' | '<' | '>' | '!' | '=' | ' '));
        if starts_op {
            out.push('|');
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// Whether `s` is only a date with a month name (`November 29 2017`, `26-June-2017`,
/// `May 2018`): month names, numbers and separators, and a four-digit year.
fn is_date(s: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let mut month = false;
    let mut year = false;
    for w in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if w.bytes().all(|b| b.is_ascii_digit()) {
            year |= w.len() == 4;
        } else if w.len() >= 3 && MONTHS.iter().any(|m| w.starts_with(m)) {
            month = true;
        } else {
            return false;
        }
    }
    month && year && Version::parse(Scheme::Vendor, s).is_ok()
}

/// Whether a device version falls under an advisory's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// The version is in the affected set.
    Affected,
    /// The version is outside it.
    NotAffected,
    /// The range or the device version could not be read; a person must check.
    Unknown,
}

/// An advisory's affected-version text as a matcher holds it: read by [`parse`], or kept
/// as the text it could not read, so that a match on it is reported as
/// [`Verdict::Unknown`] rather than guessed.
///
/// ```
/// use medvigil_version::prose::{AdvisoryRange, Verdict};
/// let r = AdvisoryRange::read("<= 4.2");
/// assert_eq!(r.verdict(Some("v4.2 build 118")), Verdict::Affected);
/// assert_eq!(r.verdict(Some("4.3")), Verdict::NotAffected);
/// assert_eq!(r.verdict(None), Verdict::Unknown);
/// assert_eq!(r.to_string(), "vers:vendor/<=4.2");
/// let dated = AdvisoryRange::read("< august 28");
/// assert!(dated.is_unreadable());
/// assert_eq!(dated.verdict(Some("1.0")), Verdict::Unknown);
/// ```
#[derive(Debug, Clone)]
pub enum AdvisoryRange {
    /// The text was read.
    Read(Prose),
    /// The text is not a version constraint (a date without a year, a product name, a
    /// sentence): the text and why.
    Unreadable {
        /// The text as given.
        text: String,
        /// Why it could not be read.
        reason: String,
    },
}

impl AdvisoryRange {
    /// Every version (a product without a version constraint).
    pub fn all() -> AdvisoryRange {
        AdvisoryRange::Read(Prose {
            range: VersionRange::all(Scheme::Vendor),
            notes: Vec::new(),
        })
    }

    /// Reads an advisory's version text with [`parse`]; never fails: what it cannot read
    /// becomes [`AdvisoryRange::Unreadable`].
    pub fn read(text: &str) -> AdvisoryRange {
        match parse(text) {
            Ok(p) => AdvisoryRange::Read(p),
            Err(e) => AdvisoryRange::Unreadable {
                text: text.to_string(),
                reason: e.to_string(),
            },
        }
    }

    /// Whether every version is affected.
    pub fn is_all(&self) -> bool {
        matches!(self, AdvisoryRange::Read(p) if p.range.is_all())
    }

    /// Whether the text could not be read.
    pub fn is_unreadable(&self) -> bool {
        matches!(self, AdvisoryRange::Unreadable { .. })
    }

    /// The range, when the text was read.
    pub fn range(&self) -> Option<&VersionRange> {
        match self {
            AdvisoryRange::Read(p) => Some(&p.range),
            AdvisoryRange::Unreadable { .. } => None,
        }
    }

    /// Whether `device` (the version as an inventory wrote it) is affected.
    ///
    /// Every version is affected by an all-versions range, even an unknown one. Otherwise
    /// a missing device version, one that is not a version under the range's scheme
    /// ([`Scheme::Vendor`] for prose), a date against a range of version numbers (or a
    /// version number against a range of dates: `< July 1 2017`), or an unreadable range
    /// is [`Verdict::Unknown`].
    /// Containment is [`VersionRange::contains_line`]: an inclusive upper bound covers
    /// its own line (`<= 4.2` holds `4.2 SP1` and `4.2.0.118`).
    pub fn verdict(&self, device: Option<&str>) -> Verdict {
        let AdvisoryRange::Read(p) = self else {
            return Verdict::Unknown;
        };
        if p.range.is_all() {
            return Verdict::Affected;
        }
        let Some(v) = device.and_then(|d| Version::parse(p.range.scheme(), d).ok()) else {
            return Verdict::Unknown;
        };
        // A date against a version number orders, but means nothing.
        let dated = |v: &Version| v.vendor().is_some_and(|x| x.is_date());
        let r = &p.range;
        let range_dated = r
            .intervals()
            .iter()
            .flat_map(|i| i.lower.iter().chain(i.upper.iter()))
            .map(|b| &b.version)
            .chain(r.excluded())
            .any(dated);
        if range_dated != dated(&v) {
            return Verdict::Unknown;
        }
        match p.range.contains_line(&v) {
            Ok(true) => Verdict::Affected,
            Ok(false) => Verdict::NotAffected,
            Err(_) => Verdict::Unknown,
        }
    }
}

impl std::fmt::Display for AdvisoryRange {
    /// `all versions`, the range as a `vers` string, or `unreadable: "<text>"`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AdvisoryRange::Read(p) if p.range.is_all() => f.write_str("all versions"),
            AdvisoryRange::Read(p) => write!(f, "{}", p.range),
            AdvisoryRange::Unreadable { text, .. } => write!(f, "unreadable: {text:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Verdict::*;
    use super::*;

    fn check(range: &str, cases: &[(&str, Verdict)]) {
        let r = AdvisoryRange::read(range);
        for (v, want) in cases {
            assert_eq!(r.verdict(Some(v)), *want, "{range:?} ∋ {v:?} (read as {r})");
        }
    }

    /// The forms the device matcher was tuned on, with the answers it gave.
    #[test]
    fn matcher_forms() {
        check("vers:all/*", &[("anything", Affected)]);
        check(
            "<= 9.33",
            &[
                ("9.33", Affected),
                ("9.19", Affected),
                ("9.5", Affected),
                ("12.1", NotAffected),
                // The next patch release (BD's later advisory lists `<= 9.33.1`).
                ("9.33.1", NotAffected),
                ("9.33 build 7", Affected),
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
        // An exact version covers its own line, as written.
        check(
            "1.0",
            &[
                ("1.0", Affected),
                ("1.0 SP2", Affected),
                ("1.0.5", Affected),
                ("1.002", NotAffected),
                ("1.1", NotAffected),
            ],
        );
        check(
            ">= 5.01 | <= 7.0.0",
            &[("7.0.0.3", Affected), ("7.2.5.3", NotAffected)],
        );
    }

    #[test]
    fn glued_r_and_noise_words() {
        check(
            "<= R8.0.3",
            &[
                ("R8.0.3", Affected),
                ("8.0.2", Affected),
                ("8.1", NotAffected),
            ],
        );
        check("< 1.10", &[("R2.5", NotAffected), ("R1.9", Affected)]);
        check("2.X", &[("R2.5", Affected)]);
        check("<= 2.2.3", &[("v2.2 build 4", NotAffected)]);
    }

    #[test]
    fn low_to_high_spans() {
        check(
            "A.01 <= C.0x",
            &[
                ("A.01", Affected),
                ("B.02", Affected),
                ("C.03", Affected),
                ("D.01", NotAffected),
            ],
        );
        check(
            "A.01 <= C.0x | 4.0",
            &[("C.02", Affected), ("4.0", Affected), ("5.0", NotAffected)],
        );
        check("A10 < A11", &[("A10", Affected), ("A11", NotAffected)]);
        // Not a span: a comparator first, or a sentence on the left.
        assert_eq!(
            parse(">= 1.2 < 2.0").unwrap().range.to_vers(),
            "vers:vendor/>=1.2|<2.0"
        );
        assert!(parse("distributed  < april 1, 2018").is_err());
        assert!(parse("C.0x <= A.01").is_err());
    }

    #[test]
    fn letter_spans_in_pieces() {
        check(
            "Rev J-M | (X3/MX100 for Rev M only)",
            &[("Rev J", Affected), ("Rev M", Affected), ("N", NotAffected)],
        );
        check(
            "Rev B-M",
            &[
                ("Rev C", Affected),
                ("Rev A", NotAffected),
                ("N", NotAffected),
            ],
        );
        assert!(parse("Rev M-B").is_err());
    }

    #[test]
    fn and_joins_comparators() {
        check(
            "> V1.0  and < V1.6",
            &[
                ("1.0", NotAffected),
                ("1.5", Affected),
                ("1.6", NotAffected),
            ],
        );
        check(
            "All versions >= V3.0 and < V4.1",
            &[
                ("2.9", NotAffected),
                ("3.0", Affected),
                ("4.1", NotAffected),
            ],
        );
        // Not between comparators: still refused.
        assert!(parse("All versions <= V2.2.2 and Function State (FS) <= 10").is_err());
        assert!(parse("3.0 and <").is_err());
    }

    #[test]
    fn glued_and_hyphen_wildcards() {
        check(
            "<= 7.2x",
            &[
                ("7.29", Affected),
                ("7.15", Affected),
                ("7.30", NotAffected),
            ],
        );
        check(
            ">= 2.3x | <= 6.00.327",
            &[
                ("2.29", NotAffected),
                ("2.30", Affected),
                ("6.0.328", NotAffected),
            ],
        );
        check("<= R7x", &[("R79", Affected), ("R80", NotAffected)]);
        check(
            "V7.6x",
            &[
                ("7.63", Affected),
                ("7.59", NotAffected),
                ("7.70", NotAffected),
            ],
        );
        check(
            "5.1.0-x | 5.1.1-x",
            &[
                ("5.1.0-3", Affected),
                ("5.1.1-2", Affected),
                ("5.1.2", NotAffected),
            ],
        );
        // A wildcard followed by a number, or an `x` inside a word, is not read.
        assert!(parse("< V3.X.17").is_err());
        assert!(parse("<=the_first_3_digits_of_serial_number_20X").is_err());
        assert!(parse("v01x37").is_err());
    }

    #[test]
    fn product_names_before_versions() {
        check(
            "<= HiOS 07.0.02",
            &[("07.0.01", Affected), ("7.0.3", NotAffected)],
        );
        check(
            "All versions < ROS V4.3.4",
            &[("4.3.3", Affected), ("4.3.4", NotAffected)],
        );
        check(
            "BIOS < V20.01.10",
            &[("V20.01.09", Affected), ("V20.01.10", NotAffected)],
        );
        check(
            "All BIOS versions < V1.4.0",
            &[("1.3", Affected), ("1.4", NotAffected)],
        );
        check(
            "< WinCC 7.2 Upd 15",
            &[("7.2 Upd 14", Affected), ("7.3", NotAffected)],
        );
        let p = parse("<= HiOS 07.0.02").unwrap();
        assert_eq!(p.notes, vec!["HiOS".to_string()]);
        assert!(parse("< august 28").is_err());
        assert!(parse("<= PI AF Client 2018 SP3 Patch 1 Version 2.10.7.283").is_err());
    }

    #[test]
    fn trailing_star_and_conditions() {
        check(
            "1.0 *",
            &[("1.0", Affected), ("1.0.5", Affected), ("1.1", NotAffected)],
        );
        check(
            "< V10.4.1 only if web components are used",
            &[("10.4", Affected), ("10.4.1", NotAffected)],
        );
        assert!(AdvisoryRange::read("All versions only if web components are used").is_all());
        assert!(AdvisoryRange::read("vers:all/*_installed_on_CP200_devices").is_all());
    }

    #[test]
    fn ios_style_versions_keep_their_parentheses() {
        assert_eq!(glued_parens("< 15.2(6)E2a"), "< 15.2.6.E2a");
        assert_eq!(glued_parens("<= 4.2 (end of life)"), "<= 4.2 (end of life)");
        assert_eq!(glued_parens("Geutebrück 1.2(3)"), "Geutebrück 1.2.3");
        check(
            "< 15.2(6)E2a",
            &[
                ("15.2(6)E2", Affected),
                ("15.2(7)E3", NotAffected),
                ("15.2(6)E2a", NotAffected),
            ],
        );
    }

    #[test]
    fn lower_bound_then_listed_version_is_a_span() {
        check(
            ">= 2.0.0 | 2.6.2",
            &[
                ("1.9", NotAffected),
                ("2.3.1", Affected),
                ("2.6.2", Affected),
                ("3.0.0", NotAffected),
            ],
        );
        // A listed version below the bound is a version of its own.
        check(
            ">= 4.0 | 3.5",
            &[("3.5", Affected), ("3.6", NotAffected), ("5.0", Affected)],
        );
    }

    #[test]
    fn editions_are_versions() {
        check(
            "2nd Edition",
            &[("2nd Edition", Affected), ("3rd Edition", NotAffected)],
        );
    }

    #[test]
    fn unreadable_and_undated_are_unknown() {
        for t in [
            "< august 28",
            "distributed  < april 1, 2018",
            "with wireless option (shipped between 26-June-2017 through 07-August 2018)",
            "Accu-Chek Inform II",
        ] {
            let r = AdvisoryRange::read(t);
            assert!(r.is_unreadable(), "{t:?} read as {r}");
            assert_eq!(r.verdict(Some("1.0")), Unknown, "{t:?}");
            assert!(r.to_string().starts_with("unreadable: "), "{r}");
        }
        // A range of dates says nothing about a version number, and the reverse.
        for t in ["<  july 1 2017", "<May 2018", "<8/30/2024"] {
            let r = AdvisoryRange::read(t);
            assert_eq!(r.verdict(Some("1.0")), Unknown, "{t:?} read as {r}");
            assert_eq!(r.verdict(Some("12.3")), Unknown, "{t:?} read as {r}");
        }
        check(
            "<May 2018",
            &[("April 2018", Affected), ("June 2018", NotAffected)],
        );
        check("<= 4.2", &[("May 2018", Unknown), ("4.2.x", Unknown)]);
        assert_eq!(AdvisoryRange::read("<= 4.2").verdict(None), Unknown);
        assert_eq!(AdvisoryRange::read("vers:all/*").verdict(None), Affected);
        assert_eq!(AdvisoryRange::all().verdict(None), Affected);
        assert!(AdvisoryRange::all().is_all());
        assert_eq!(AdvisoryRange::all().to_string(), "all versions");
    }

    #[test]
    fn vers_strings_keep_their_scheme() {
        let r = AdvisoryRange::read("vers:semver/<4.2.0");
        assert_eq!(r.verdict(Some("4.1.9")), Affected);
        assert_eq!(r.verdict(Some("4.2.0")), NotAffected);
        assert_eq!(r.to_string(), "vers:semver/<4.2.0");
        // Generic and intdot ones are read as vendor firmware, labels and all.
        let r = AdvisoryRange::read("vers:intdot/<2.17.1");
        assert_eq!(r.verdict(Some("ROX 2.17.0")), Affected);
        assert_eq!(r.verdict(Some("ROX 2.17.1")), NotAffected);
        assert_eq!(r.to_string(), "vers:vendor/<2.17.1");
    }
}
