//! Firmware and software versions as medical-device makers and their advisories write
//! them: `V2.3.0.12`, `v4.1 build 118`, `4.2 SP1`, `2.4A`, `Rev C`, `BT03`, `3.0 D15`,
//! `12.2.8.410`, `2023.3_Build_9342`, `November 29 2017`, `8/30/2024`.
//!
//! These strings follow no published grammar, so this module states its rules:
//!
//! 1. **Labels are dropped from the front**: the words `version(s)`, `ver`, `software`,
//!    `firmware`, `fw`, `sw`, `revision`, `rev`, `release`, and a `v` glued to a number
//!    (`V2.3` = `2.3`). `Rev C` is revision `C`.
//!    A product or system name before the version goes too (`Android 7.1`, `ALEOS
//!    4.15.0`, `HiOS 07.0.02`, `IR302 3.5.56`, `QRTB_2.12.7` are `7.1`, `4.15.0`,
//!    `07.0.02`, `3.5.56`, `2.12.7`): words of three characters or more, each led by two
//!    letters, joined by spaces or underscores and followed by a number; alternatives
//!    joined by a slash count as one word (`RTS/RTD_3.6.6` is `3.6.6`).
//! 2. **Runs**: the rest is cut into runs of digits and runs of letters; spaces, dots,
//!    dashes, underscores, slashes and brackets only separate (`4.2 SP1` = `4.2-sp1` =
//!    `4.2.SP.1`). Letters are case-insensitive.
//! 3. **Noise words carry no order** and are dropped wherever they stand: the label words
//!    above and `r`, `build`, `bld`, `service`, `pack`, `patch`, `mr` (so `R8.0.3` =
//!    `8.0.3`, `4.1 build 118` = `4.1.118`, `1.8.4 Service Pack 01` = `1.8.4.1`), unless
//!    nothing else is left (`Rev` alone stays the word `rev`). `SP`, `SR` and `D` are not
//!    noise: `4.2 SP1` is `4.2`, `sp`, `1`.
//! 4. **Order**: runs compare left to right: numbers numerically, words alphabetically,
//!    and in the same position a word sorts before a number (`2.4A < 2.4.1`). When one
//!    version runs out, the other is newer if its next run is a number or a word (`4.2 <
//!    4.2 SP1 < 4.3`, `4.1 < 4.1 build 118`) and older if it is a pre-release word: `dev`
//!    < `alpha` < `beta` < `pre`/`preview` < `rc` (`4.2 beta < 4.2`).
//! 5. **Trailing zeros** of the leading numeric part do not count: `2.0 == 2 == 2.0.0`, and
//!    `4.2.0 SP1 == 4.2 SP1`. They do count for a version's **line** (the versions that
//!    start with its runs as written, see [`crate::VersionRange::contains_line`]): `1.0.5`
//!    is in the line of `1.0`, `1.1` is not.
//! 6. **Dates** written with a month name (`November 29 2017`, `26-June-2017`, `May 2018`)
//!    or as `m/d/yyyy` become year, month, day, so they order in time. A date without a
//!    year is rejected.
//! 7. **Wildcards** (`2.X`, `1.x`, `5.x.x`, `*`) are not versions but series; they are
//!    rejected here and handled as ranges by [`crate::prose`].
//! 8. **Build hashes**: a trailing hash after `-` or `+` (7 to 40 hex digits with at
//!    least one letter and one digit, `1.4.2.0-9d9eff4`) is build metadata and ignored:
//!    `1.4.2.0-9d9eff4 == 1.4.2.0`. Ordinary suffixes (`-rc1`, `-beta`, `-b12`, `-SP1`)
//!    are not hashes.
//!
//! Comparisons across different naming systems (a date against `4.2`) still give an
//! answer, but a meaningless one: that is the caller's model to get right.

use std::cmp::Ordering;

use super::generic::{self, Token};
use crate::{Error, Scheme};

/// Pre-release words and their ranks.
const PRE_WORDS: [(&str, u8); 6] = [
    ("dev", 0),
    ("alpha", 1),
    ("beta", 2),
    ("pre", 3),
    ("preview", 3),
    ("rc", 4),
];

/// Leading words that label a version rather than being part of it (German registers
/// write "Softwarestand 2.3.1", purchasing lists "REL J.02", pump lists the wireless
/// module's "WiFi module D25", "WiFi-Modul D25").
const LABEL_WORDS: [&str; 23] = [
    "wifi",
    "wlan",
    "module",
    "modul",
    "modulo",
    "versao",
    "softwarestand",
    "softwareversion",
    "firmwarestand",
    "firmwareversion",
    "rel",
    "versions",
    "version",
    "ver",
    "software",
    "firmware",
    "fw",
    "sw",
    "revisions",
    "revision",
    "rev",
    "release",
    "v",
];

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Words that carry no ordering information wherever they stand (rule 3).
const NOISE_WORDS: [&str; 19] = [
    "v",
    "ver",
    "version",
    "versions",
    "rev",
    "revision",
    "revisions",
    "release",
    "r",
    "build",
    "bld",
    "fw",
    "firmware",
    "sw",
    "software",
    "service",
    "pack",
    "patch",
    "mr",
];

/// Noise words after which the numbers count a build, service pack or patch of the
/// release before them (`4.2 build 118`, `1.8.4 Service Pack 01`): see
/// [`VendorVersion::in_line_of`].
const BUILD_WORDS: [&str; 6] = ["build", "bld", "service", "pack", "patch", "mr"];

/// Longest accepted input; longer strings are prose, not versions.
const MAX_LEN: usize = 120;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Pre(u8),
    Word(Box<str>),
    Num(Box<str>),
}

impl Tok {
    /// Position in the padded order: pre-release < end < word < number.
    fn class(t: Option<&Tok>) -> u8 {
        match t {
            Some(Tok::Pre(_)) => 0,
            None => 1,
            Some(Tok::Word(_)) => 2,
            Some(Tok::Num(_)) => 3,
        }
    }
}

/// A parsed vendor firmware version.
#[derive(Debug, Clone)]
pub(crate) struct VendorVersion {
    /// The runs that order it (rule 5: trailing zeros of the leading numbers removed).
    toks: Vec<Tok>,
    /// The runs as written (trailing zeros kept), for line membership.
    written: Vec<Tok>,
    /// Whether it was read as a date (rule 6).
    date: bool,
    /// Where in `written` the runs after a build word start (`4.2 build 118`: 2), which
    /// tells a build of `4.2` from the patch release `4.2.118`'s spelling `4.2.118`.
    build_at: Option<usize>,
}

/// Reads a date (`November 29 2017`, `26-June-2017`, `May 2018`, `8/30/2024`) into
/// `[year, month, day?]`; `Ok(None)` when the text is not a date.
fn date(input: &str, lower: &str) -> Result<Option<Vec<Tok>>, Error> {
    let toks = generic::tokens(lower);
    let num = |t: &Token| match t {
        Token::Num(d) => d.parse::<u32>().ok().or(Some(0)),
        Token::Word(_) => None,
    };
    // m/d/yyyy
    let slashes = lower.split('/').collect::<Vec<_>>();
    if slashes.len() == 3
        && slashes
            .iter()
            .all(|p| !p.is_empty() && p.trim().bytes().all(|b| b.is_ascii_digit()))
    {
        let (m, d, y) = (
            slashes[0].trim().parse::<u32>().unwrap_or(0),
            slashes[1].trim().parse::<u32>().unwrap_or(0),
            slashes[2].trim(),
        );
        if y.len() == 4 && (1..=12).contains(&m) && (1..=31).contains(&d) {
            return Ok(Some(date_toks(y.parse().unwrap_or(0), m, Some(d))));
        }
        return Err(Error::version(
            Scheme::Vendor,
            input,
            0,
            "dates with '/' must be month/day/year",
        ));
    }
    let Some(m) = toks.iter().find_map(|t| match t {
        Token::Word(w) => month_name(w),
        Token::Num(_) => None,
    }) else {
        return Ok(None);
    };
    let mut year = None;
    let mut day = None;
    for t in &toks {
        match t {
            Token::Word(w) if month_name(w).is_some() => {}
            Token::Word(_) => return Ok(None),
            Token::Num(d) => {
                let n = num(t).unwrap_or(0);
                if d.len() == 4 && year.is_none() {
                    year = Some(n);
                } else if (1..=31).contains(&n) && day.is_none() {
                    day = Some(n);
                } else {
                    return Ok(None);
                }
            }
        }
    }
    let Some(year) = year else {
        return Err(Error::version(
            Scheme::Vendor,
            input,
            0,
            "a date needs a year",
        ));
    };
    Ok(Some(date_toks(year, m, day)))
}

/// The month a lower-case word names, 1 to 12: its name or a three- or four-letter
/// short form ("june", "aug", "sept").
pub fn month_name(w: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| *m == w || (w.len() >= 3 && w.len() <= 4 && m.starts_with(w)))
        .map(|i| i as u32 + 1)
}

fn date_toks(y: u32, m: u32, d: Option<u32>) -> Vec<Tok> {
    let mut v = vec![
        Tok::Num(y.to_string().into()),
        Tok::Num(m.to_string().into()),
    ];
    if let Some(d) = d {
        v.push(Tok::Num(d.to_string().into()));
    }
    v
}

/// Removes label words and a glued `v` from the front; returns the byte offset consumed.
pub(crate) fn strip_labels(lower: &str) -> usize {
    let mut off = 0;
    loop {
        let rest = &lower[off..];
        // (After a label, a hyphen joins it to the next: "WiFi-Modul D25".)
        let trimmed =
            rest.trim_start_matches(|c: char| c.is_whitespace() || c == ':' || c == '-' && off > 0);
        off += rest.len() - trimmed.len();
        let word_end = trimmed
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(trimmed.len());
        let word = &trimmed[..word_end];
        let after = trimmed[word_end..].chars().next();
        if word == "v" && after.is_some_and(|c| c.is_ascii_digit()) {
            return off + 1;
        }
        let is_label = LABEL_WORDS.contains(&word)
            && (after.is_none_or(|c| {
                c.is_whitespace()
                    || c == '.'
                    || c == ':'
                    || (c == '-' && matches!(word, "wifi" | "wlan"))
            }))
            && word_end < trimmed.len();
        if !is_label {
            return off;
        }
        off += word_end;
        if trimmed[word_end..].starts_with('.') {
            off += 1;
        }
    }
}

/// Removes a trailing build hash (rule 8): `-` or `+` then 7 to 40 hex digits holding at
/// least one letter and one digit, with something before it.
fn strip_build_hash(body: &str) -> &str {
    let Some(i) = body.rfind(['-', '+']) else {
        return body;
    };
    let hash = &body[i + 1..];
    let is_hash = (7..=40).contains(&hash.len())
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
        && hash.bytes().any(|b| b.is_ascii_digit())
        && hash.bytes().any(|b| b.is_ascii_alphabetic());
    if is_hash && body[..i].bytes().any(|b| b.is_ascii_alphanumeric()) {
        &body[..i]
    } else {
        body
    }
}

/// The length of a product or system name written before the version, with the space
/// after it (`Android 7.1`, `ALEOS 4.15.0`, `HiOS 07.0.02`): one word of three letters
/// or more, not a pre-release word, followed by a number (or `v` and a number). Zero
/// when there is none. (Dates were recognized before this is asked.)
fn product_word_len(s: &str) -> usize {
    // Words joined by spaces or underscores, each led by two letters ("qrtb_2.12.7",
    // "cir_cdc_v1.2.17"), up to the first piece that starts with a number.
    let mut at = 0;
    loop {
        let rest = &s[at..];
        let Some(end) = rest.find([' ', '_']) else {
            return 0;
        };
        let word = &rest[..end];
        let after = rest[end..].trim_start_matches([' ', '_']);
        // ("RTS/RTD_3.6.6": either product's version.)
        // ("MS_4.1_14142": two letters joined by an underscore are a name too, and so
        // is a hexadecimal code: "0x0110_v1.1.0".)
        let underscored = rest[end..].starts_with('_');
        // ("NW 8.4", "ES 1.4.5", "AP 3.0": a product's two-letter short name, but not
        // a qualifier of the version: "SP 1", "SR 2", "RC 1".)
        let short_name = word.len() == 2
            && word.bytes().all(|b| b.is_ascii_alphabetic())
            && !matches!(word, "sp" | "sr" | "rc" | "mr" | "hf" | "pl" | "fp" | "cu");
        let hex_code = underscored
            && word.len() > 2
            && word.starts_with("0x")
            && word[2..].bytes().all(|b| b.is_ascii_hexdigit());
        let is_word = hex_code
            || word.split('/').all(|word| {
                let letters = word.bytes().take_while(u8::is_ascii_alphabetic).count();
                (word.len() >= 3 || (word.len() == 2 && (underscored || short_name)))
                    && letters >= 2
                    && word.bytes().all(|b| b.is_ascii_alphanumeric())
                    && !PRE_WORDS.iter().any(|(p, _)| *p == word)
            });
        if !is_word {
            return 0;
        }
        at = s.len() - after.len();
        let numbered = after.starts_with(|c: char| c.is_ascii_digit())
            || (after.starts_with('v') && after[1..].starts_with(|c: char| c.is_ascii_digit()));
        if numbered {
            return at;
        }
    }
}

impl VendorVersion {
    pub(crate) fn parse(input: &str) -> Result<VendorVersion, Error> {
        let err = |pos: usize, why: &str| Error::version(Scheme::Vendor, input, pos, why);
        if input.len() > MAX_LEN {
            return Err(err(MAX_LEN, "too long for a version (prose?)"));
        }
        let lower = input.to_lowercase();
        if lower.len() != input.len() {
            return Err(err(0, "unexpected non-ASCII letters"));
        }
        if let Some(toks) = date(input, &lower)? {
            return Ok(VendorVersion {
                written: toks.clone(),
                toks,
                date: true,
                build_at: None,
            });
        }
        let off = strip_labels(&lower);
        // ("vD25": a lower-case "v" before a capital and digits labels a lettered
        // release; "VF10.1" is Dräger's line.)
        let rest = &input.as_bytes()[off..];
        let off = if rest.len() >= 3
            && rest[0] == b'v'
            && rest[1].is_ascii_uppercase()
            && rest[2].is_ascii_digit()
        {
            off + 1
        } else {
            off
        };
        let off = off + product_word_len(&lower[off..]);
        let body = strip_build_hash(&lower[off..]);
        if let Some(i) = body.find('*') {
            return Err(err(
                off + i,
                "'*' is a wildcard: a series of versions, not one version",
            ));
        }
        let mut toks = Vec::new();
        for t in generic::tokens(body) {
            toks.push(match t {
                Token::Num(d) => Tok::Num(d),
                Token::Word(w) if &*w == "x" => {
                    let at = off + body.find('x').unwrap_or(0);
                    return Err(err(
                        at,
                        "'x' is a wildcard: a series of versions, not one version",
                    ));
                }
                Token::Word(w) => match PRE_WORDS.iter().find(|(p, _)| *p == &*w) {
                    Some((_, rank)) => Tok::Pre(*rank),
                    None => Tok::Word(w),
                },
            });
        }
        if toks.is_empty() {
            return Err(err(off, "a version needs at least one letter or digit"));
        }
        // Noise words go, unless nothing else is left.
        let is_noise = |t: &Tok| matches!(t, Tok::Word(w) if NOISE_WORDS.contains(&&**w));
        let mut build_at = None;
        if !toks.iter().all(is_noise) {
            let mut kept = Vec::with_capacity(toks.len());
            for t in toks {
                if !is_noise(&t) {
                    kept.push(t);
                } else if matches!(&t, Tok::Word(w) if BUILD_WORDS.contains(&&**w))
                    && !kept.is_empty()
                    && build_at.is_none()
                {
                    build_at = Some(kept.len());
                }
            }
            toks = kept;
        }
        let written = toks.clone();
        // Trailing zeros of the leading numeric part are insignificant.
        let lead = toks.iter().take_while(|t| matches!(t, Tok::Num(_))).count();
        let mut keep = lead;
        while keep > 1 && matches!(&toks[keep - 1], Tok::Num(d) if d.is_empty()) {
            keep -= 1;
        }
        toks.drain(keep..lead);
        Ok(VendorVersion {
            toks,
            written,
            date: false,
            build_at,
        })
    }

    /// Whether this version is in `line`: `line`'s runs as written are a proper prefix of
    /// this version's (`4.2 SP1`, `4.2.0.118`, `4.2 build 118` and `4.2.1` are in the
    /// `4.2` line; `1.1` is not in the `1.0` line, although `1.0 == 1`).
    pub(crate) fn in_line_of(&self, line: &VendorVersion) -> bool {
        let n = line.written.len();
        self.written.len() > n && self.written[..n] == line.written[..]
    }

    /// Whether this version is one of `last`'s builds: in its line ([`Self::in_line_of`])
    /// and, when `last` is a major and minor number, followed by a word, a zero, a
    /// number of two digits or more, or a build (`4.2 SP1`, `4.2.0.118`, `3.8.38` and
    /// `4.2 build 118` are builds of their release). The next patch release, a single
    /// digit, is not: after "4.2 and prior", `4.2.1` is the fix. A major version
    /// alone still names all its releases (`7.2.1` is in `7`), and a third number is
    /// already a patch, so what follows it is a build (`7.0.0.3` is a build of `7.0.0`).
    pub(crate) fn is_build_of(&self, last: &VendorVersion) -> bool {
        let n = last.written.len();
        self.in_line_of(last)
            && (n != 2
                || match &self.written[n] {
                    // (Two digits or more count builds: "3.8.38", "4.4.73.24".)
                    Tok::Num(d) => d.is_empty() || d.len() >= 2 || self.build_at == Some(n),
                    Tok::Word(_) | Tok::Pre(_) => true,
                })
    }

    /// Whether this version was read as a date (rule 6).
    pub(crate) fn is_date(&self) -> bool {
        self.date
    }

    pub(crate) fn is_prerelease(&self) -> bool {
        self.toks.iter().any(|t| matches!(t, Tok::Pre(_)))
    }
}

impl Ord for VendorVersion {
    fn cmp(&self, other: &VendorVersion) -> Ordering {
        let n = self.toks.len().max(other.toks.len());
        for k in 0..n {
            let (a, b) = (self.toks.get(k), other.toks.get(k));
            let r = Tok::class(a)
                .cmp(&Tok::class(b))
                .then_with(|| match (a, b) {
                    (Some(Tok::Pre(x)), Some(Tok::Pre(y))) => x.cmp(y),
                    (Some(Tok::Word(x)), Some(Tok::Word(y))) => x.cmp(y),
                    (Some(Tok::Num(x)), Some(Tok::Num(y))) => {
                        x.len().cmp(&y.len()).then_with(|| x.cmp(y))
                    }
                    _ => Ordering::Equal,
                });
            if r != Ordering::Equal {
                return r;
            }
        }
        Ordering::Equal
    }
}
impl PartialOrd for VendorVersion {
    fn partial_cmp(&self, other: &VendorVersion) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl PartialEq for VendorVersion {
    fn eq(&self, other: &VendorVersion) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for VendorVersion {}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> VendorVersion {
        VendorVersion::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn product_names_before_the_version_are_dropped() {
        let v = |s: &str| VendorVersion::parse(s).unwrap();
        assert_eq!(v("Android 7.1").cmp(&v("7.1")), std::cmp::Ordering::Equal);
        assert_eq!(v("ALEOS 4.15.0").cmp(&v("4.15")), std::cmp::Ordering::Equal);
        assert_eq!(
            v("HiOS v07.0.02").cmp(&v("7.0.2")),
            std::cmp::Ordering::Equal
        );
        for (with_name, bare) in [
            ("IR302 3.5.56", "3.5.56"),
            ("QRTB_2.12.7", "2.12.7"),
            ("RTS/RTD_3.6.6", "3.6.6"),
            ("MS_4.1_14142", "4.1.14142"),
            ("0x0110_v1.1.0", "1.1.0"),
            ("CIR_CDC_v1.2.17", "1.2.17"),
            ("NW 8.4", "8.4"),
            ("ES 1.4.5", "1.4.5"),
        ] {
            assert_eq!(
                v(with_name).cmp(&v(bare)),
                std::cmp::Ordering::Equal,
                "{with_name}"
            );
        }
        // The wireless module's labels, and a lower-case "v" before a lettered release.
        for labelled in [
            "WiFi module D25",
            "WiFi-Modul D25",
            "WLAN D25",
            "vD25",
            "WiFi vD25",
        ] {
            assert_eq!(
                v(labelled).cmp(&v("D25")),
                std::cmp::Ordering::Equal,
                "{labelled}"
            );
        }
        assert_ne!(v("VF10.1").cmp(&v("F10.1")), std::cmp::Ordering::Equal);
        // Two-letter qualifiers of the version are kept.
        assert_ne!(v("SP 1").cmp(&v("1")), std::cmp::Ordering::Equal);
        assert_ne!(v("4.2 SR 2").cmp(&v("4.2")), std::cmp::Ordering::Equal);
        // Words not followed by a number are kept.
        assert_eq!(v("foo bar").written.len(), 2);
        // Pre-release words and dates keep their meaning.
        assert_eq!(v("beta 2").cmp(&v("2")), std::cmp::Ordering::Less);
        assert!(v("May 2018").is_date());
    }

    #[test]
    fn noise_words_are_dropped_wherever_they_stand() {
        assert_eq!(v("R8.0.3"), v("8.0.3"));
        assert!(v("R2.5") > v("1.003"));
        assert_eq!(v("4.1 build 118"), v("4.1.118"));
        assert_eq!(v("1.8.4 Service Pack 01"), v("1.8.4.1"));
        assert_eq!(v("v2.2 bld 4"), v("2.2.4"));
        assert!(v("v2.2 build 4") > v("2.2.3"));
        assert_eq!(v("1.1.3 MR 2"), v("1.1.3.2"));
        // Not noise: service-pack and special-release markers.
        assert!(v("4.2 SP1") < v("4.2.1"));
        // Nothing but noise: kept as a word.
        assert_eq!(v("Rev").toks, vec![Tok::Word("rev".into())]);
    }

    #[test]
    fn lines_use_the_runs_as_written() {
        assert!(v("1.0.5").in_line_of(&v("1.0")));
        assert!(!v("1.1").in_line_of(&v("1.0")));
        assert!(!v("1.002").in_line_of(&v("1.0")));
        assert!(!v("7.2.5.3").in_line_of(&v("7.0.0")));
        assert!(v("4.2.0.118").in_line_of(&v("4.2")));
        assert!(v("v4.2 build 118").in_line_of(&v("4.2")));
        assert_eq!(v("1.0"), v("1"));
    }

    #[test]
    fn builds_are_not_patch_releases() {
        assert!(v("1.0 SP2").is_build_of(&v("1.0")));
        assert!(v("1.0.0.5").is_build_of(&v("1.0")));
        assert!(v("1.0 build 5").is_build_of(&v("1.0")));
        assert!(v("1.0 Patch 5").is_build_of(&v("1.0")));
        assert!(!v("1.0.5").is_build_of(&v("1.0")));
        assert!(v("3.8.38").is_build_of(&v("3.8")));
        assert!(!v("1.52.01").is_build_of(&v("1.52")));
        // A major version names all its releases; a patch number's next run is a build.
        assert!(v("7.2.1").is_build_of(&v("7")));
        assert!(v("7.0.0.3").is_build_of(&v("7.0.0")));
        assert!(!v("1.1").is_build_of(&v("1.0")));
    }

    #[test]
    fn build_hashes_are_ignored() {
        assert_eq!(v("1.4.2.0-9d9eff4"), v("1.4.2.0"));
        assert_eq!(v("v2.1+a3b04b7bc4872a5a39e5de3fdc5fbde52c09e10e"), v("2.1"));
        assert!(v("1.4.2.1") > v("1.4.2.0-9d9eff4"));
        // Ordinary suffixes are kept.
        assert!(v("1.0-rc1") < v("1.0"));
        assert!(v("1.0-beta") < v("1.0"));
        assert_ne!(v("1.0-b12"), v("1.0"));
        assert_ne!(v("1.0-SP1"), v("1.0"));
        // Too short, all digits, all letters, or too long: not a hash.
        assert_ne!(v("1.0-abc123"), v("1.0"));
        assert_ne!(v("1.0-1234567"), v("1.0"));
        assert_ne!(v("1.0-deadbeef"), v("1.0"));
        assert_ne!(v(&format!("1.0-{}", "a1".repeat(21))), v("1.0"));
    }

    #[test]
    fn dates_are_marked() {
        assert!(v("May 2018").is_date());
        assert!(v("8/30/2024").is_date());
        assert!(!v("8.30.2024").is_date());
    }
}
