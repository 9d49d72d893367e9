//! CPE 2.3 names: the formatted-string and URI bindings (NISTIR 7695) and name matching
//! (NISTIR 7696), as NVD uses them in its configuration trees.
//!
//! A [`Cpe`] is a well-formed name (WFN) of eleven attributes, each ANY, NA or a value.
//! Values keep NISTIR 7695's quoting: a literal `*` or `?` is `\*`/`\?`, an unquoted
//! `*`/`?` at either end is a wildcard. [`Cpe::matches`] is the CPE name-match: the
//! source (an NVD criterion) must be a superset of, or equal to, the target (a component
//! or device) in every attribute. A target whose vendor is ANY is therefore *not*
//! matched by `cpe:2.3:a:openssl:openssl:...`: a wildcard vendor in an SBOM does not
//! stand for every vendor, which is how generic scanners produce false positives.
//!
//! ```
//! use medvigil_match::Cpe;
//! let nvd: Cpe = "cpe:2.3:o:freertos:freertos:*:*:*:*:*:*:*:*".parse().unwrap();
//! let fw: Cpe = "cpe:/o:freertos:freertos:10.0.1".parse().unwrap();
//! assert!(nvd.matches(&fw));
//! let anyone: Cpe = "cpe:2.3:o:*:freertos:10.0.1:*:*:*:*:*:*:*".parse().unwrap();
//! assert!(!nvd.matches(&anyone));
//! ```

use std::fmt;
use std::str::FromStr;

/// One attribute of a WFN.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CpeValue {
    /// `*`: any value.
    Any,
    /// `-`: not applicable, the attribute has no value.
    Na,
    /// A value in WFN form: lower-case, special characters quoted with `\`, unquoted
    /// `*` and `?` at the ends are wildcards.
    Value(String),
}

/// The part: application, operating system or hardware.
pub const PARTS: [&str; 3] = ["a", "o", "h"];

/// The attribute names, in binding order.
pub const ATTRIBUTES: [&str; 11] = [
    "part",
    "vendor",
    "product",
    "version",
    "update",
    "edition",
    "language",
    "sw_edition",
    "target_sw",
    "target_hw",
    "other",
];

/// A CPE 2.3 well-formed name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cpe {
    attrs: [CpeValue; 11],
}

/// Why a string is not a CPE name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid CPE {input:?}: {problem}")]
pub struct CpeError {
    /// The rejected text.
    pub input: String,
    /// What is wrong with it.
    pub problem: String,
}

/// The relation of a source attribute to a target attribute (NISTIR 7696 §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// The source denotes every value the target does, and more.
    Superset,
    /// The source denotes a subset of the target's values.
    Subset,
    /// Same set of values.
    Equal,
    /// No value in common.
    Disjoint,
    /// The target holds a wildcard: comparison is not defined.
    Undefined,
}

impl Cpe {
    /// The attribute at `index` (see [`ATTRIBUTES`]).
    pub fn get(&self, index: usize) -> &CpeValue {
        &self.attrs[index]
    }
    /// `a`, `o` or `h`, or `None` when ANY.
    pub fn part(&self) -> Option<&str> {
        self.value(0)
    }
    /// The vendor value, if a value.
    pub fn vendor(&self) -> Option<&str> {
        self.value(1)
    }
    /// The product value, if a value.
    pub fn product(&self) -> Option<&str> {
        self.value(2)
    }
    /// The version attribute.
    pub fn version_attr(&self) -> &CpeValue {
        &self.attrs[3]
    }
    /// The version attribute as text: `*`, `-` or the value without quoting.
    pub fn version_attr_text(&self) -> String {
        match &self.attrs[3] {
            CpeValue::Any => "*".into(),
            CpeValue::Na => "-".into(),
            CpeValue::Value(v) => unquote(v),
        }
    }

    /// The version with WFN quoting removed, if a plain value (no wildcard).
    pub fn version(&self) -> Option<String> {
        match &self.attrs[3] {
            CpeValue::Value(v) if !has_wildcard(v) => Some(unquote(v)),
            _ => None,
        }
    }
    fn value(&self, i: usize) -> Option<&str> {
        match &self.attrs[i] {
            CpeValue::Value(v) => Some(v),
            _ => None,
        }
    }

    /// `vendor:product` with quoting removed: the index key of a CPE.
    pub fn vendor_product(&self) -> Option<String> {
        Some(format!(
            "{}:{}",
            unquote(self.vendor()?),
            unquote(self.product()?)
        ))
    }

    /// The same name with the version (and update) set to ANY: what a criterion with
    /// version bounds is compared on before the bounds are checked.
    pub fn without_version(&self) -> Cpe {
        let mut c = self.clone();
        c.attrs[3] = CpeValue::Any;
        c
    }

    /// Compares one attribute of `self` (source) with `target` (NISTIR 7696 table 6-2).
    pub fn compare_attr(source: &CpeValue, target: &CpeValue) -> Relation {
        use CpeValue::*;
        match (source, target) {
            (_, Value(t)) if has_wildcard(t) => Relation::Undefined,
            (Any, Any) | (Na, Na) => Relation::Equal,
            (Any, _) => Relation::Superset,
            (Na, Any) => Relation::Subset,
            (Na, Value(_)) | (Value(_), Na) => Relation::Disjoint,
            (Value(_), Any) => Relation::Subset,
            (Value(s), Value(t)) => {
                if has_wildcard(s) {
                    if wildcard_match(s, t) {
                        Relation::Superset
                    } else {
                        Relation::Disjoint
                    }
                } else if s == t {
                    Relation::Equal
                } else {
                    Relation::Disjoint
                }
            }
        }
    }

    /// The per-attribute relations of `self` (source) to `target`.
    pub fn compare(&self, target: &Cpe) -> [Relation; 11] {
        std::array::from_fn(|i| Cpe::compare_attr(&self.attrs[i], &target.attrs[i]))
    }

    /// CPE name match (NISTIR 7696 §6.2): true when `self` is a superset of or equal to
    /// `target` in every attribute.
    pub fn matches(&self, target: &Cpe) -> bool {
        self.compare(target)
            .iter()
            .all(|r| matches!(r, Relation::Superset | Relation::Equal))
    }

    /// The URI binding (`cpe:/a:vendor:product:version...`), CPE 2.2 style, with the
    /// extended attributes packed into the edition.
    pub fn to_uri(&self) -> String {
        let comp = |v: &CpeValue| match v {
            CpeValue::Any => String::new(),
            CpeValue::Na => "-".into(),
            CpeValue::Value(s) => uri_encode(s),
        };
        let ext = &self.attrs[7..11];
        let edition = if ext.iter().all(|v| *v == CpeValue::Any) {
            comp(&self.attrs[5])
        } else {
            format!(
                "~{}~{}~{}~{}~{}",
                comp(&self.attrs[5]),
                comp(&ext[0]),
                comp(&ext[1]),
                comp(&ext[2]),
                comp(&ext[3])
            )
        };
        let mut parts: Vec<String> = (0..5).map(|i| comp(&self.attrs[i])).collect();
        parts.push(edition);
        parts.push(comp(&self.attrs[6]));
        while parts.last().is_some_and(|p| p.is_empty()) {
            parts.pop();
        }
        format!("cpe:/{}", parts.join(":"))
    }

    fn parse_fs(input: &str) -> Result<Cpe, CpeError> {
        let err = |p: String| CpeError {
            input: input.to_string(),
            problem: p,
        };
        // Split on ':' not preceded by an escaping backslash.
        let body = &input[8..];
        let mut comps = Vec::new();
        let mut cur = String::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    let n = chars
                        .next()
                        .ok_or_else(|| err("ends with a lone backslash".into()))?;
                    cur.push('\\');
                    cur.push(n);
                }
                ':' => comps.push(std::mem::take(&mut cur)),
                c => cur.push(c),
            }
        }
        comps.push(cur);
        if comps.len() != 11 {
            return Err(err(format!(
                "a CPE 2.3 formatted string has 11 attributes after \"cpe:2.3:\", found {}",
                comps.len()
            )));
        }
        let mut attrs: [CpeValue; 11] = std::array::from_fn(|_| CpeValue::Any);
        for (i, c) in comps.iter().enumerate() {
            attrs[i] = fs_value(c).map_err(|p| err(format!("{}: {p}", ATTRIBUTES[i])))?;
        }
        check_part(&attrs[0]).map_err(err)?;
        Ok(Cpe { attrs })
    }

    fn parse_uri(input: &str) -> Result<Cpe, CpeError> {
        let err = |p: String| CpeError {
            input: input.to_string(),
            problem: p,
        };
        let body = &input[5..];
        let comps: Vec<&str> = body.split(':').collect();
        if comps.len() > 7 {
            return Err(err(format!(
                "a CPE URI has at most 7 components, found {}",
                comps.len()
            )));
        }
        let mut attrs: [CpeValue; 11] = std::array::from_fn(|_| CpeValue::Any);
        for (i, c) in comps.iter().enumerate() {
            let i = if i == 6 { 6 } else { i };
            if i == 5 && c.starts_with('~') {
                // Packed edition: ~edition~sw_edition~target_sw~target_hw~other
                let packed: Vec<&str> = c[1..].split('~').collect();
                if packed.len() != 5 {
                    return Err(err("a packed edition has 5 fields after '~'".into()));
                }
                for (j, idx) in [5, 7, 8, 9, 10].into_iter().enumerate() {
                    attrs[idx] = uri_value(packed[j]).map_err(&err)?;
                }
            } else {
                attrs[i] = uri_value(c).map_err(|p| err(format!("{}: {p}", ATTRIBUTES[i])))?;
            }
        }
        check_part(&attrs[0]).map_err(err)?;
        Ok(Cpe { attrs })
    }
}

fn check_part(v: &CpeValue) -> Result<(), String> {
    match v {
        CpeValue::Value(p) if PARTS.contains(&p.as_str()) => Ok(()),
        CpeValue::Any => Ok(()),
        other => Err(format!("part must be a, o or h, found {other:?}")),
    }
}

impl FromStr for Cpe {
    type Err = CpeError;
    /// Accepts the formatted string (`cpe:2.3:...`) and the URI binding (`cpe:/...`),
    /// ignoring case.
    fn from_str(s: &str) -> Result<Cpe, CpeError> {
        let t = s.trim();
        if t.get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("cpe:2.3:"))
        {
            Cpe::parse_fs(t)
        } else if t.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("cpe:/")) {
            Cpe::parse_uri(t)
        } else {
            Err(CpeError {
                input: s.to_string(),
                problem: "expected \"cpe:2.3:\" (formatted string) or \"cpe:/\" (URI)".into(),
            })
        }
    }
}

impl fmt::Display for Cpe {
    /// The formatted-string binding.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cpe:2.3")?;
        for a in &self.attrs {
            match a {
                CpeValue::Any => f.write_str(":*")?,
                CpeValue::Na => f.write_str(":-")?,
                CpeValue::Value(v) => write!(f, ":{v}")?,
            }
        }
        Ok(())
    }
}

impl serde::Serialize for Cpe {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A formatted-string component to a WFN value. The FS quoting is the WFN quoting,
/// except that `.`, `-`, `_` need no backslash in FS; we drop those redundant escapes
/// so that equal names compare equal.
fn fs_value(c: &str) -> Result<CpeValue, String> {
    match c {
        "*" => return Ok(CpeValue::Any),
        "-" => return Ok(CpeValue::Na),
        "" => return Err("empty attribute".into()),
        _ => {}
    }
    let mut out = String::with_capacity(c.len());
    let mut chars = c.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => {
                let n = chars.next().ok_or("ends with a lone backslash")?;
                if n.is_ascii_alphanumeric() || matches!(n, '_' | '.' | '-') {
                    out.push(n.to_ascii_lowercase());
                } else {
                    out.push('\\');
                    out.push(n);
                }
            }
            c if c.is_whitespace() => return Err("contains whitespace".into()),
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    // A '*' may only stand alone, at the start or at the end.
    check_wildcards(&out)?;
    Ok(CpeValue::Value(out))
}

fn check_wildcards(v: &str) -> Result<(), String> {
    let b = v.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == b'*' && i != 0 && i != b.len() - 1 {
            return Err(format!("unquoted '*' inside {v:?}"));
        }
        if b[i] == b'?' {
            // '?' runs are allowed only at the start or the end.
            let start = i;
            while i < b.len() && b[i] == b'?' {
                i += 1;
            }
            if start != 0 && i != b.len() && !(i == b.len() - 1 && b[i] == b'*') {
                return Err(format!("unquoted '?' inside {v:?}"));
            }
            continue;
        }
        i += 1;
    }
    Ok(())
}

/// A URI component (percent-encoded, `%01` = `?`, `%02` = `*`) to a WFN value.
fn uri_value(c: &str) -> Result<CpeValue, String> {
    match c {
        "" => return Ok(CpeValue::Any),
        "-" => return Ok(CpeValue::Na),
        _ => {}
    }
    let mut out = String::new();
    let b = c.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let ch = b[i];
        if ch == b'%' {
            let hex = c
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad percent-escape in {c:?}"))?;
            match hex {
                1 => out.push('?'),
                2 => out.push('*'),
                h if h.is_ascii_alphanumeric() || h == b'_' => {
                    out.push((h as char).to_ascii_lowercase())
                }
                h if h.is_ascii_graphic() => {
                    out.push('\\');
                    out.push(h as char);
                }
                _ => return Err(format!("non-printable escape in {c:?}")),
            }
            i += 3;
        } else if ch.is_ascii_alphanumeric() || ch == b'_' {
            out.push((ch as char).to_ascii_lowercase());
            i += 1;
        } else if ch == b'.' || ch == b'-' || ch == b'~' {
            out.push('\\');
            out.push(ch as char);
            i += 1;
        } else {
            return Err(format!(
                "character {:?} not allowed in a CPE URI",
                ch as char
            ));
        }
    }
    // The FS form does not quote '.' and '-'; normalize to it.
    Ok(CpeValue::Value(out.replace("\\.", ".").replace("\\-", "-")))
}

fn uri_encode(v: &str) -> String {
    let mut out = String::new();
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push_str(&format!("%{:02x}", n as u32));
                }
            }
            '?' => out.push_str("%01"),
            '*' => out.push_str("%02"),
            '.' | '-' | '_' => out.push(c),
            c if c.is_ascii_alphanumeric() => out.push(c),
            c => out.push_str(&format!("%{:02x}", c as u32)),
        }
    }
    out
}

/// True when the value holds an unquoted `*` or `?`.
fn has_wildcard(v: &str) -> bool {
    let b = v.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'*' | b'?' => return true,
            _ => i += 1,
        }
    }
    false
}

/// Removes WFN quoting (`1\.0` → `1.0`).
pub fn unquote(v: &str) -> String {
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

/// Matches a WFN value with end wildcards against a target value (NISTIR 7696
/// §6.1.3.1): `*` any run, `?` exactly one character, both only at the ends.
fn wildcard_match(pattern: &str, target: &str) -> bool {
    let p = pattern.as_bytes();
    let (mut start, mut end) = (0, p.len());
    let mut lead_star = false;
    let mut lead_q = 0;
    while start < end && (p[start] == b'*' || p[start] == b'?') {
        if p[start] == b'*' {
            lead_star = true;
        } else {
            lead_q += 1;
        }
        start += 1;
    }
    let mut trail_star = false;
    let mut trail_q = 0;
    while end > start && (p[end - 1] == b'*' || p[end - 1] == b'?') && !is_escaped(p, end - 1) {
        if p[end - 1] == b'*' {
            trail_star = true;
        } else {
            trail_q += 1;
        }
        end -= 1;
    }
    // Compare on unquoted text, counting characters, not quoting backslashes.
    let core = unquote(&pattern[start..end]);
    let t = unquote(target);
    let (tc, cc): (Vec<char>, Vec<char>) = (t.chars().collect(), core.chars().collect());
    let fits = |pos: usize| -> bool {
        if pos + cc.len() > tc.len() || tc[pos..pos + cc.len()] != cc[..] {
            return false;
        }
        let after = tc.len() - pos - cc.len();
        let before_ok = if lead_star {
            pos >= lead_q
        } else {
            pos == lead_q
        };
        let after_ok = if trail_star {
            after >= trail_q
        } else {
            after == trail_q
        };
        before_ok && after_ok
    };
    (0..=tc.len()).any(fits)
}

fn is_escaped(b: &[u8], i: usize) -> bool {
    let mut n = 0;
    let mut j = i;
    while j > 0 && b[j - 1] == b'\\' {
        n += 1;
        j -= 1;
    }
    n % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpe(s: &str) -> Cpe {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    // NISTIR 7695 binding examples.
    #[test]
    fn bindings_round_trip() {
        let c = cpe("cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*");
        assert_eq!(
            c.to_uri(),
            "cpe:/a:microsoft:internet_explorer:8.0.6001:beta"
        );
        assert_eq!(cpe(&c.to_uri()), c);
        let u = cpe("cpe:/a:hp:insight_diagnostics:7.4.0.1570:-:~~online~win2003~x64~");
        assert_eq!(
            u.to_string(),
            "cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*"
        );
        assert_eq!(cpe(&u.to_uri()), u);
        let q = cpe(r"cpe:2.3:a:foo\\bar:big\$money:2010:*:*:*:special:ipod_touch:80gb:*");
        assert_eq!(q.vendor(), Some(r"foo\\bar"));
        assert_eq!(cpe(&q.to_uri()), q);
        assert_eq!(
            cpe("cpe:/a:acme:product:1.0").to_string(),
            "cpe:2.3:a:acme:product:1.0:*:*:*:*:*:*:*"
        );
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "cpe:2.3:a:x",
            "cpe:2.3:q:x:y:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:x:y:1*0:*:*:*:*:*:*:*",
            "cpe:2.3:a:x:y:1 0:*:*:*:*:*:*:*",
            "cpe:/a:x:y:%zz",
            "pkg:npm/x",
        ] {
            assert!(bad.parse::<Cpe>().is_err(), "{bad}");
        }
    }

    // NISTIR 7696 table 6-2 and its examples.
    #[test]
    fn attribute_relations() {
        use CpeValue::*;
        let v = |s: &str| Value(s.into());
        assert_eq!(Cpe::compare_attr(&Any, &v("x")), Relation::Superset);
        assert_eq!(Cpe::compare_attr(&Any, &Any), Relation::Equal);
        assert_eq!(Cpe::compare_attr(&Na, &Any), Relation::Subset);
        assert_eq!(Cpe::compare_attr(&Na, &v("x")), Relation::Disjoint);
        assert_eq!(Cpe::compare_attr(&v("x"), &Any), Relation::Subset);
        assert_eq!(Cpe::compare_attr(&v("x"), &Na), Relation::Disjoint);
        assert_eq!(Cpe::compare_attr(&v("x"), &v("x")), Relation::Equal);
        assert_eq!(Cpe::compare_attr(&v("x"), &v("y")), Relation::Disjoint);
        assert_eq!(Cpe::compare_attr(&v("x"), &v("x*")), Relation::Undefined);
        assert_eq!(Cpe::compare_attr(&v("8.*"), &v("8.0")), Relation::Superset);
        assert_eq!(Cpe::compare_attr(&v("8.?"), &v("8.0")), Relation::Superset);
        assert_eq!(Cpe::compare_attr(&v("8.?"), &v("8.01")), Relation::Disjoint);
        assert_eq!(Cpe::compare_attr(&v("*8"), &v("10.8")), Relation::Superset);
        assert_eq!(
            Cpe::compare_attr(&v(r"1\.0\*"), &v(r"1\.0\*")),
            Relation::Equal
        );
    }

    #[test]
    fn no_vendor_wildcard_false_positive() {
        let nvd = cpe("cpe:2.3:a:openssl:openssl:1.0.1:*:*:*:*:*:*:*");
        assert!(nvd.matches(&cpe("cpe:2.3:a:openssl:openssl:1.0.1:*:*:*:*:*:*:*")));
        assert!(!nvd.matches(&cpe("cpe:2.3:a:*:openssl:1.0.1:*:*:*:*:*:*:*")));
        assert!(!nvd.matches(&cpe("cpe:2.3:a:openssl:openssl:1.0.2:*:*:*:*:*:*:*")));
        assert!(!nvd.matches(&cpe("cpe:2.3:o:openssl:openssl:1.0.1:*:*:*:*:*:*:*")));
    }
}
