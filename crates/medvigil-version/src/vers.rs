//! `vers`, the version range specifier of the purl project, used by CSAF 2.0's
//! `product_version_range` (`vers:npm/>=1.0.0|<2.0.0`, `vers:all/*`).
//!
//! Parsing, validation and containment follow the spec's own procedures: spaces and tabs
//! are removed; the URI scheme must be `vers`; the versioning scheme is looked up with
//! [`Scheme::lookup`] (unknown ones fall back to generic, which [`Vers::fallback`]
//! reports); constraints are split on `|` (consecutive, leading and trailing pipes
//! ignored), each with an optional comparator (`=` when absent) and a percent-decoded
//! version. Validation sorts the constraints by version and rejects duplicate versions,
//! a `*` with anything else, an `=` followed by `<`/`<=`, and (ignoring `=` and `!=`) two
//! lower or two upper bounds in a row. `vers:all/*` is the spec's "every version of
//! anything".

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::range::quote;
use crate::{Bound, Error, Interval, Scheme, Version, VersionRange};

/// A `vers` comparator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Comparator {
    /// `=` (also written as no comparator).
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Comparator {
    /// The comparator's symbol; `Eq` renders as the empty string, as in canonical `vers`.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Eq => "",
            Comparator::Ne => "!=",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
        }
    }
    fn is_upper(self) -> bool {
        matches!(self, Comparator::Lt | Comparator::Le)
    }
    fn is_lower(self) -> bool {
        matches!(self, Comparator::Gt | Comparator::Ge)
    }
    /// Whether `ord` (tested version against the constraint's) satisfies the comparator.
    fn accepts(self, ord: Ordering) -> bool {
        match self {
            Comparator::Eq => ord == Ordering::Equal,
            Comparator::Ne => ord != Ordering::Equal,
            Comparator::Lt => ord == Ordering::Less,
            Comparator::Le => ord != Ordering::Greater,
            Comparator::Gt => ord == Ordering::Greater,
            Comparator::Ge => ord != Ordering::Less,
        }
    }
}

/// One `<comparator><version>` of a `vers`.
#[derive(Debug, Clone)]
pub struct Constraint {
    /// How the tested version relates to [`Constraint::version`].
    pub comparator: Comparator,
    /// The version, parsed under the range's scheme.
    pub version: Version,
}

/// A parsed, validated `vers` range.
///
/// ```
/// use medvigil_version::{Scheme, Vers, Version};
/// let r: Vers = "vers:npm/ >=1.0.0 | <2.0.0 ".parse().unwrap();
/// assert_eq!(r.to_string(), "vers:npm/>=1.0.0|<2.0.0");
/// assert!(r.contains(&Version::parse(Scheme::Npm, "1.9.9").unwrap()).unwrap());
/// assert!(Vers::parse("vers:npm/<1.0.0|<2.0.0").is_err()); // two upper bounds in a row
/// ```
#[derive(Debug, Clone)]
pub struct Vers {
    scheme_name: String,
    scheme: Scheme,
    fallback: bool,
    /// Empty means `*`.
    constraints: Vec<Constraint>,
}

fn decode(input: &str, s: &str, at: usize) -> Result<String, Error> {
    if !s.contains('%') {
        return Ok(s.to_string());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    Error::range(input, at + i, "'%' must be followed by two hex digits")
                })?;
            out.push(hex);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| Error::range(input, at, "percent-decoded version is not UTF-8"))
}

impl Vers {
    /// Parses and validates a `vers` string.
    pub fn parse(input: &str) -> Result<Vers, Error> {
        // Positions refer to the string without spaces and tabs.
        let s: String = input.chars().filter(|c| *c != ' ' && *c != '\t').collect();
        let (uri, spec) = s
            .split_once(':')
            .ok_or_else(|| Error::range(input, 0, "expected 'vers:' at the start"))?;
        if uri != "vers" {
            return Err(Error::range(
                input,
                0,
                "the URI scheme must be 'vers' (lowercase)",
            ));
        }
        let (name, cons) = spec
            .split_once('/')
            .ok_or_else(|| Error::range(input, 5, "expected '/' after the versioning scheme"))?;
        if name.is_empty() {
            return Err(Error::range(input, 5, "empty versioning scheme"));
        }
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(Error::range(
                input,
                5,
                "the versioning scheme must be lowercase",
            ));
        }
        let base = 5 + name.len() + 1;
        let lookup = if name == "all" || name == "none" {
            crate::SchemeLookup {
                scheme: Scheme::Generic,
                fallback: false,
            }
        } else {
            Scheme::lookup(name)
        };
        let mut vers = Vers {
            scheme_name: name.to_string(),
            scheme: lookup.scheme,
            fallback: lookup.fallback,
            constraints: Vec::new(),
        };
        if cons.trim_matches('|').is_empty() {
            return Err(Error::range(input, base, "no constraints after the scheme"));
        }
        if cons == "*" {
            return Ok(vers);
        }
        if name == "all" || name == "none" {
            return Err(Error::range(
                input,
                base,
                format!("'vers:{name}' only allows '*'"),
            ));
        }
        let mut at = base;
        for raw in cons.split('|') {
            let here = at;
            at += raw.len() + 1;
            if raw.is_empty() {
                continue;
            }
            if raw.contains('*') {
                return Err(Error::range(input, here, "'*' must be alone in a range"));
            }
            let (comparator, rest) = [
                (">=", Comparator::Ge),
                ("<=", Comparator::Le),
                ("!=", Comparator::Ne),
                ("<", Comparator::Lt),
                (">", Comparator::Gt),
                ("=", Comparator::Eq),
            ]
            .iter()
            .find_map(|(p, c)| raw.strip_prefix(p).map(|r| (*c, r)))
            .unwrap_or((Comparator::Eq, raw));
            let vat = here + (raw.len() - rest.len());
            if rest.is_empty() {
                return Err(Error::range(
                    input,
                    vat,
                    "empty version after the comparator",
                ));
            }
            let text = decode(input, rest, vat)?;
            let version = Version::parse(vers.scheme, &text).map_err(|e| match e {
                Error::InvalidVersion { reason, .. } => Error::range(
                    input,
                    vat,
                    format!("{text:?} is not a valid {} version: {reason}", vers.scheme),
                ),
                other => other,
            })?;
            vers.constraints.push(Constraint {
                comparator,
                version,
            });
        }
        vers.validate(input)?;
        Ok(vers)
    }

    fn validate(&mut self, input: &str) -> Result<(), Error> {
        self.constraints
            .sort_by(|a, b| a.version.cmp_same(&b.version));
        for w in self.constraints.windows(2) {
            if w[0].version.cmp_same(&w[1].version) == Ordering::Equal {
                return Err(Error::range(
                    input,
                    0,
                    format!("version {:?} occurs more than once", w[1].version.raw()),
                ));
            }
        }
        let no_ne: Vec<&Constraint> = self
            .constraints
            .iter()
            .filter(|c| c.comparator != Comparator::Ne)
            .collect();
        for w in no_ne.windows(2) {
            if w[0].comparator == Comparator::Eq && w[1].comparator.is_upper() {
                return Err(Error::range(
                    input,
                    0,
                    format!(
                        "'={}' followed by '{}{}' is redundant: write only the upper bound",
                        w[0].version.raw(),
                        w[1].comparator.symbol(),
                        w[1].version.raw()
                    ),
                ));
            }
        }
        let bounds: Vec<&Constraint> = no_ne
            .into_iter()
            .filter(|c| c.comparator != Comparator::Eq)
            .collect();
        for w in bounds.windows(2) {
            if (w[0].comparator.is_upper() && w[1].comparator.is_upper())
                || (w[0].comparator.is_lower() && w[1].comparator.is_lower())
            {
                return Err(Error::range(
                    input,
                    0,
                    format!(
                        "'{}{}' followed by '{}{}': bounds must alternate between lower (>, >=) and upper (<, <=)",
                        w[0].comparator.symbol(),
                        w[0].version.raw(),
                        w[1].comparator.symbol(),
                        w[1].version.raw()
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The versioning scheme as written (`npm`, `pypi`, `all`, ...).
    pub fn scheme_name(&self) -> &str {
        &self.scheme_name
    }

    /// The scheme versions are parsed and compared under.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// Whether the scheme name was unknown and the generic scheme was used instead.
    pub fn fallback(&self) -> bool {
        self.fallback
    }

    /// Whether this is a `*` range: every version, or none for `vers:none/*`.
    pub fn is_star(&self) -> bool {
        self.constraints.is_empty()
    }

    /// Whether this is `vers:none/*`, the spec's range of no version at all.
    pub fn is_none(&self) -> bool {
        self.scheme_name == "none"
    }

    /// The constraints, sorted by version (empty for `*`).
    pub fn constraints(&self) -> &[Constraint] {
        &self.constraints
    }

    /// Whether `v` is in the range, by the spec's containment procedure. `vers:all/*`
    /// contains a version of any scheme and `vers:none/*` none; otherwise `v` must be of
    /// [`Vers::scheme`].
    pub fn contains(&self, v: &Version) -> Result<bool, Error> {
        if self.is_star() {
            return Ok(!self.is_none());
        }
        if v.scheme() != self.scheme {
            return Err(Error::SchemeMismatch {
                left_scheme: v.scheme(),
                left: v.raw().to_string(),
                right_scheme: self.scheme,
                right: self.to_string(),
            });
        }
        let ord = |c: &Constraint| v.cmp_same(&c.version);
        for c in &self.constraints {
            let o = ord(c);
            if o == Ordering::Equal {
                match c.comparator {
                    Comparator::Eq | Comparator::Le | Comparator::Ge => return Ok(true),
                    Comparator::Ne => return Ok(false),
                    _ => {}
                }
            }
        }
        let rest: Vec<&Constraint> = self
            .constraints
            .iter()
            .filter(|c| !matches!(c.comparator, Comparator::Eq | Comparator::Ne))
            .collect();
        // Not in the spec's prose but needed (as in its reference implementations): with
        // one bound left there are no pairs to walk.
        match rest.len() {
            0 => return Ok(false),
            1 => return Ok(rest[0].comparator.accepts(ord(rest[0]))),
            _ => {}
        }
        let last = rest.len() - 2;
        for (k, w) in rest.windows(2).enumerate() {
            let (cur, next) = (w[0], w[1]);
            if k == 0 && cur.comparator.is_upper() && ord(cur) == Ordering::Less {
                return Ok(true);
            }
            if k == last && next.comparator.is_lower() && ord(next) == Ordering::Greater {
                return Ok(true);
            }
            if cur.comparator.is_lower()
                && next.comparator.is_upper()
                && ord(cur) == Ordering::Greater
                && ord(next) == Ordering::Less
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The same set as a [`VersionRange`] (for `vers:all/*`, every generic version).
    pub fn to_range(&self) -> VersionRange {
        if self.is_none() {
            return VersionRange::none(self.scheme);
        }
        if self.is_star() {
            return VersionRange::all(self.scheme);
        }
        let mut intervals = Vec::new();
        let mut excluded = Vec::new();
        let mut open: Option<Bound> = None;
        let mut first = true;
        for c in &self.constraints {
            let v = c.version.clone();
            match c.comparator {
                Comparator::Eq => intervals.push(Interval::exact(v)),
                Comparator::Ne => excluded.push(v),
                Comparator::Gt | Comparator::Ge => {
                    open = Some(Bound {
                        version: v,
                        inclusive: c.comparator == Comparator::Ge,
                    });
                }
                Comparator::Lt | Comparator::Le => {
                    let upper = Some(Bound {
                        version: v,
                        inclusive: c.comparator == Comparator::Le,
                    });
                    // An upper bound with no lower before it runs from the beginning
                    // (only possible for the first bound of a valid range).
                    if open.is_some() || first {
                        intervals.push(Interval {
                            lower: open.take(),
                            upper,
                        });
                    }
                }
            }
            if c.comparator != Comparator::Eq && c.comparator != Comparator::Ne {
                first = false;
            }
        }
        if let Some(l) = open {
            intervals.push(Interval {
                lower: Some(l),
                upper: None,
            });
        }
        // "!=" only cuts versions out of a bounded range: alone, the spec's procedure
        // contains nothing, and so does this.
        let mut r = VersionRange::new(self.scheme, intervals, Vec::new())
            .unwrap_or_else(|_| VersionRange::none(self.scheme));
        if !excluded.is_empty() {
            r = VersionRange::new(self.scheme, r.intervals().to_vec(), excluded).unwrap_or(r);
        }
        r
    }
}

impl FromStr for Vers {
    type Err = Error;
    fn from_str(s: &str) -> Result<Vers, Error> {
        Vers::parse(s)
    }
}

/// The canonical form: sorted constraints, `=` omitted, reserved characters quoted.
impl fmt::Display for Vers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vers:{}/", self.scheme_name)?;
        if self.is_star() {
            return f.write_str("*");
        }
        for (k, c) in self.constraints.iter().enumerate() {
            if k > 0 {
                f.write_str("|")?;
            }
            write!(f, "{}{}", c.comparator.symbol(), quote(c.version.raw()))?;
        }
        Ok(())
    }
}
