//! Package URLs (purl): parsing, validation, normalization and the canonical string.
//!
//! Follows the purl specification (`PURL-SPECIFICATION.rst` and the per-type definitions
//! in `types/*-definition.json`). The parser is our own because the type-specific rules
//! (which types forbid or need a namespace, which names are case-insensitive, PyPI's
//! `_`→`-`, CPAN's `::` ban, Chrome extension ids...) decide whether two SBOMs that
//! spell one package differently still match, and the conformance suite
//! (`purl-spec/tests`) checks all of them.
//!
//! ```
//! use medvigil_match::Purl;
//! let p: Purl = "pkg:PyPI/Django_Package@1.11.1?arch=x86".parse().unwrap();
//! assert_eq!(p.to_string(), "pkg:pypi/django-package@1.11.1?arch=x86");
//! assert_eq!(p.name(), "django-package");
//! // Real SBOMs carry non-canonical spellings; `normalize` accepts them.
//! let q = Purl::normalize("pkg:Rpm/fedora/curl@7.50.3?Arch=i386").unwrap();
//! assert_eq!(q.to_string(), "pkg:rpm/fedora/curl@7.50.3?arch=i386");
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A parsed, normalized package URL.
///
/// Fields are private so that every value went through validation and normalization:
/// two `Purl`s are equal exactly when their canonical strings are.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Purl {
    ty: String,
    namespace: Option<String>,
    name: String,
    version: Option<String>,
    qualifiers: BTreeMap<String, String>,
    subpath: Option<String>,
}

/// Why a string or a set of components is not a valid purl.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid purl {input:?}: {problem}")]
pub struct PurlError {
    /// The text (or a rendering of the components) that was rejected.
    pub input: String,
    /// What is wrong with it, in words.
    pub problem: String,
}

impl Purl {
    /// Builds a purl from its components (the "build" operation of the spec), validating
    /// and normalizing them exactly as parsing does.
    pub fn new(
        ty: &str,
        namespace: Option<&str>,
        name: &str,
        version: Option<&str>,
        qualifiers: impl IntoIterator<Item = (String, String)>,
        subpath: Option<&str>,
    ) -> Result<Purl, PurlError> {
        let input = format!("{ty}/{}/{name}", namespace.unwrap_or(""));
        let err = |problem: String| PurlError {
            input: input.clone(),
            problem,
        };
        let mut q = BTreeMap::new();
        for (k, v) in qualifiers {
            let k = k.to_ascii_lowercase();
            check_qualifier_key(&k).map_err(&err)?;
            if v.is_empty() {
                continue;
            }
            if q.insert(k.clone(), v).is_some() {
                return Err(err(format!("qualifier {k:?} appears twice")));
            }
        }
        let namespace = namespace.and_then(|ns| {
            let segs: Vec<&str> = ns.split('/').filter(|s| !s.is_empty()).collect();
            (!segs.is_empty()).then(|| segs.join("/"))
        });
        let subpath = subpath.and_then(|s| clean_subpath(s.split('/').map(str::to_string)));
        finish(
            ty.to_string(),
            namespace,
            name.to_string(),
            version.filter(|v| !v.is_empty()).map(str::to_string),
            q,
            subpath,
        )
        .map_err(err)
    }

    /// The package type (`npm`, `maven`, `pypi`, ...), lower-case.
    pub fn ty(&self) -> &str {
        &self.ty
    }
    /// The namespace (Maven group, npm scope, Debian vendor...), if any.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }
    /// The package name, normalized for its type.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The version, if any.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }
    /// The qualifiers, keys lower-case, sorted.
    pub fn qualifiers(&self) -> &BTreeMap<String, String> {
        &self.qualifiers
    }
    /// The subpath inside the package, if any.
    pub fn subpath(&self) -> Option<&str> {
        self.subpath.as_deref()
    }

    /// The package identity without version, qualifiers or subpath
    /// (`pkg:maven/org.apache.logging.log4j/log4j-core`): what an advisory names.
    pub fn package_key(&self) -> String {
        let mut s = format!("pkg:{}/", self.ty);
        if let Some(ns) = &self.namespace {
            for seg in ns.split('/') {
                s.push_str(&encode(seg));
                s.push('/');
            }
        }
        if self.ty == "git" {
            let segs: Vec<String> = self.name.split('/').map(encode).collect();
            s.push_str(&segs.join("/"));
        } else {
            s.push_str(&encode(&self.name));
        }
        s
    }

    /// The same purl without a version, qualifiers or subpath.
    pub fn without_version(&self) -> Purl {
        Purl {
            version: None,
            qualifiers: BTreeMap::new(),
            subpath: None,
            ..self.clone()
        }
    }
}

impl FromStr for Purl {
    type Err = PurlError;

    /// Parses per the spec's algorithm: subpath from the right on `#`, qualifiers on
    /// `?`, scheme on `:`, type on `/`, version from the right on `@`, then name and
    /// namespace from the right on `/`.
    fn from_str(input: &str) -> Result<Purl, PurlError> {
        Purl::parse_with(input, true)
    }
}

impl Purl {
    /// Parses leniently: like [`str::parse`] but also accepts upper-case qualifier keys
    /// (`?Arch=i386`), which real SBOMs contain; they are lower-cased. This is the
    /// spec's "validate" operation: input in, canonical purl out.
    pub fn normalize(input: &str) -> Result<Purl, PurlError> {
        Purl::parse_with(input, false)
    }

    fn parse_with(input: &str, strict: bool) -> Result<Purl, PurlError> {
        let err = |problem: &str| PurlError {
            input: input.to_string(),
            problem: problem.to_string(),
        };
        let (rest, subpath) = match input.rsplit_once('#') {
            Some((r, s)) => (r, Some(s)),
            None => (input, None),
        };
        let (rest, qualifiers) = match rest.rsplit_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let (scheme, rest) = rest
            .split_once(':')
            .ok_or_else(|| err("missing the \"pkg:\" scheme"))?;
        if !scheme.eq_ignore_ascii_case("pkg") {
            return Err(err("the scheme must be \"pkg\""));
        }
        let rest = rest.trim_start_matches('/');
        let (ty, rest) = rest
            .split_once('/')
            .ok_or_else(|| err("missing the type (as in pkg:TYPE/NAME)"))?;
        // The version's '@' is the last one after the last '/', so that an npm scope
        // such as "@babel" is not taken for a version.
        let last_seg = rest.rfind('/').map_or(0, |i| i + 1);
        let (rest, version) = match rest[last_seg..].rfind('@') {
            Some(at) => (
                &rest[..last_seg + at],
                Some(decode(&rest[last_seg + at + 1..]).map_err(|p| err(&p))?),
            ),
            None => (rest, None),
        };
        let (namespace, name) = match rest.rsplit_once('/') {
            // A git purl's namespace is the host alone; the rest is the repository path.
            Some(_) if ty.eq_ignore_ascii_case("git") => match rest.split_once('/') {
                Some((host, path)) => (Some(host), path),
                None => (None, rest),
            },
            Some((ns, n)) => (Some(ns), n),
            None => (None, rest),
        };
        let name = decode(name).map_err(|p| err(&p))?;
        let namespace = match namespace {
            Some(ns) => {
                let mut segs = Vec::new();
                for seg in ns.split('/').filter(|s| !s.is_empty()) {
                    segs.push(decode(seg).map_err(|p| err(&p))?);
                }
                (!segs.is_empty()).then(|| segs.join("/"))
            }
            None => None,
        };
        let mut q = BTreeMap::new();
        if let Some(qs) = qualifiers {
            for pair in qs.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair
                    .split_once('=')
                    .ok_or_else(|| err("a qualifier lacks \"=\""))?;
                if strict && k.bytes().any(|b| b.is_ascii_uppercase()) {
                    return Err(err(&format!("qualifier key {k:?} must be lower-case")));
                }
                let k = k.to_ascii_lowercase();
                check_qualifier_key(&k).map_err(|p| err(&p))?;
                let v = decode(v).map_err(|p| err(&p))?;
                if v.is_empty() {
                    continue;
                }
                if q.insert(k.clone(), v).is_some() {
                    return Err(err(&format!("qualifier {k:?} appears twice")));
                }
            }
        }
        let subpath = match subpath {
            Some(s) => {
                let mut segs = Vec::new();
                for seg in s.split('/') {
                    segs.push(decode(seg).map_err(|p| err(&p))?);
                }
                clean_subpath(segs.into_iter())
            }
            None => None,
        };
        finish(
            ty.to_string(),
            namespace,
            name,
            version.filter(|v| !v.is_empty()),
            q,
            subpath,
        )
        .map_err(|p| err(&p))
    }
}

impl fmt::Display for Purl {
    /// The canonical form: lower-case type, percent-encoded components, qualifiers
    /// sorted by key, subpath without empty or `.`/`..` segments.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.package_key())?;
        if let Some(v) = &self.version {
            write!(f, "@{}", encode(v))?;
        }
        for (i, (k, v)) in self.qualifiers.iter().enumerate() {
            write!(f, "{}{k}={}", if i == 0 { '?' } else { '&' }, encode(v))?;
        }
        if let Some(s) = &self.subpath {
            f.write_str("#")?;
            for (i, seg) in s.split('/').enumerate() {
                if i > 0 {
                    f.write_str("/")?;
                }
                f.write_str(&encode(seg))?;
            }
        }
        Ok(())
    }
}

impl serde::Serialize for Purl {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Purl {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Where a type puts its namespace.
#[derive(PartialEq)]
enum Ns {
    Required,
    Prohibited,
    Optional,
}

/// The per-type rules of the purl type definitions that change identity.
struct TypeRules {
    namespace: Ns,
    lower_namespace: bool,
    lower_name: bool,
    lower_version: bool,
}

fn rules(ty: &str) -> TypeRules {
    let namespace = match ty {
        "alpm" | "apk" | "bitbucket" | "composer" | "deb" | "git" | "github" | "golang"
        | "huggingface" | "maven" | "qpkg" | "rpm" | "swift" | "vscode-extension" => Ns::Required,
        "bazel" | "bitnami" | "cargo" | "chrome-extension" | "cocoapods" | "conda" | "cran"
        | "gem" | "hackage" | "julia" | "mlflow" | "nuget" | "oci" | "opam" | "otp" | "pub"
        | "pypi" | "vcpkg" => Ns::Prohibited,
        _ => Ns::Optional,
    };
    let lower_namespace = matches!(
        ty,
        "alpm"
            | "apk"
            | "bitbucket"
            | "brew"
            | "composer"
            | "deb"
            | "git"
            | "github"
            | "hex"
            | "luarocks"
            | "qpkg"
            | "rpm"
            | "vscode-extension"
            | "yocto"
    );
    let lower_name = matches!(
        ty,
        "alpm"
            | "apk"
            | "bitbucket"
            | "bitnami"
            | "brew"
            | "chrome-extension"
            | "composer"
            | "deb"
            | "git"
            | "github"
            | "hex"
            | "luarocks"
            | "oci"
            | "otp"
            | "pub"
            | "pypi"
            | "vscode-extension"
    );
    let lower_version = matches!(ty, "huggingface" | "oci" | "pypi" | "vscode-extension");
    TypeRules {
        namespace,
        lower_namespace,
        lower_name,
        lower_version,
    }
}

/// Validates the assembled components and applies the type's normalization.
fn finish(
    ty: String,
    mut namespace: Option<String>,
    mut name: String,
    mut version: Option<String>,
    qualifiers: BTreeMap<String, String>,
    subpath: Option<String>,
) -> Result<Purl, String> {
    let ty = ty.to_ascii_lowercase();
    if ty.is_empty() {
        return Err("the type is empty".into());
    }
    if ty.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("the type {ty:?} starts with a digit"));
    }
    if let Some(c) = ty
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-')))
    {
        return Err(format!("the type {ty:?} contains {c:?}"));
    }
    if name.is_empty() {
        return Err("the name is empty".into());
    }
    let r = rules(&ty);
    match (&r.namespace, &namespace) {
        (Ns::Required, None) => return Err(format!("a {ty} purl needs a namespace")),
        (Ns::Prohibited, Some(ns)) => {
            return Err(format!("a {ty} purl has no namespace, found {ns:?}"));
        }
        _ => {}
    }
    if r.lower_namespace {
        namespace = namespace.map(|n| n.to_lowercase());
    }
    if r.lower_name {
        name = name.to_lowercase();
    }
    if r.lower_version {
        version = version.map(|v| v.to_lowercase());
    }
    match ty.as_str() {
        "pypi" => name = name.replace('_', "-"),
        "cpan" => {
            if name.contains("::") {
                return Err(format!(
                    "{name:?} is a Perl module name; a cpan purl names the distribution (no \"::\")"
                ));
            }
            namespace = namespace.map(|n| n.to_uppercase());
        }
        "mlflow"
            // Databricks model names are case-insensitive; Azure ML's are not.
            if qualifiers
                .get("repository_url")
                .is_some_and(|u| u.contains("azuredatabricks.net"))
            => {
                name = name.to_lowercase();
            }
        "chrome-extension" => {
            if name.len() != 32 || !name.bytes().all(|b| (b'a'..=b'p').contains(&b)) {
                return Err(format!(
                    "a Chrome extension id is 32 letters a-p, found {name:?}"
                ));
            }
            if let Some(v) = &version {
                let parts: Vec<&str> = v.split('.').collect();
                if parts.len() > 4
                    || parts
                        .iter()
                        .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
                {
                    return Err(format!(
                        "a Chrome extension version is 1 to 4 dot-separated numbers, found {v:?}"
                    ));
                }
            }
        }
        "pub"
            if !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            => {
                return Err(format!("a pub name has only [a-z0-9_], found {name:?}"));
            }
        "julia" if !qualifiers.contains_key("uuid") => {
            return Err("a julia purl needs the \"uuid\" qualifier".into());
        }
        "swid" if !qualifiers.contains_key("tag_id") => {
            return Err("a swid purl needs the \"tag_id\" qualifier".into());
        }
        _ => {}
    }
    Ok(Purl {
        ty,
        namespace,
        name,
        version,
        qualifiers,
        subpath,
    })
}

fn check_qualifier_key(k: &str) -> Result<(), String> {
    let ok = !k.is_empty()
        && !k.starts_with(|c: char| c.is_ascii_digit())
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "qualifier key {k:?} must be letters, digits, '.', '-' or '_' and not start with a digit"
        ))
    }
}

/// Joins subpath segments, dropping empty, `.` and `..` ones as the spec requires.
fn clean_subpath(segs: impl Iterator<Item = String>) -> Option<String> {
    let kept: Vec<String> = segs
        .filter(|s| !s.is_empty() && s != "." && s != "..")
        .collect();
    (!kept.is_empty()).then(|| kept.join("/"))
}

/// Percent-encodes everything except the unreserved characters and `:`, which the
/// spec says must stay literal.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~' | b':') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| format!("bad percent-escape at byte {i}"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "percent-escapes do not decode to UTF-8".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npm_scope_is_encoded_and_subpath_cleaned() {
        let p: Purl = "pkg:npm/@babel/core@7.0.0#/lib/./x/".parse().unwrap();
        assert_eq!(p.namespace(), Some("@babel"));
        assert_eq!(p.to_string(), "pkg:npm/%40babel/core@7.0.0#lib/x");
        assert_eq!(p.package_key(), "pkg:npm/%40babel/core");
    }

    #[test]
    fn rejects_bad_input_with_a_reason() {
        for (bad, why) in [
            ("npm/x", "scheme"),
            ("pkg:npm", "type"),
            ("pkg:3d/x", "digit"),
            ("pkg:pypi/ns/x", "no namespace"),
            ("pkg:maven/x", "needs a namespace"),
            ("pkg:npm/x@1%zz", "percent"),
        ] {
            let e = bad.parse::<Purl>().unwrap_err();
            assert!(e.to_string().contains(why), "{bad}: {e}");
        }
    }
}
