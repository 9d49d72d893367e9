//! [`Scheme`], the one entry point to every comparator, and [`Version`], a parsed version
//! that keeps its raw string.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::Error;
use crate::schemes::{debian, generic, maven, nuget, pep440, rpm, semver, vendor};

/// A versioning scheme: the rules that say whether a string is a version and how two
/// versions order.
///
/// Each variant is implemented in its own module under `schemes/`. Names follow the
/// `vers` spec's versioning-scheme names where one exists (see [`Scheme::name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Scheme {
    /// Semantic Versioning 2.0.0, strict (`1.2.3-rc.1+build`).
    Semver,
    /// Python packages, PEP 440 (`1!2.0rc1.post2.dev3+local`).
    Pep440,
    /// Debian packages, dpkg's rules (`1:2.30-1~bpo1`).
    Debian,
    /// RPM packages, rpmvercmp with `~` and `^` (`2:1.0^git1-3.el9`).
    Rpm,
    /// Maven artifacts, ComparableVersion (`1.0-beta-2`, `2.0.RELEASE`).
    Maven,
    /// Go modules: semver with optional `v`, shorthand `v1.2`, pseudo-versions, `+incompatible`.
    Go,
    /// npm packages, node-semver precedence (leading `v` or `=` tolerated).
    Npm,
    /// NuGet packages: up to four numeric parts, case-insensitive pre-release labels.
    NuGet,
    /// Rust crates: semver as Cargo reads it.
    Cargo,
    /// The `vers` generic scheme, also the fuzzy fallback for unknown ecosystems: numbers
    /// compare as numbers, words as lowercase words.
    Generic,
    /// Firmware and software versions as medical-device makers write them (`v4.1 build
    /// 118`, `4.2 SP1`, `Rev C`, `V2.3.0.12`, dates). See [`crate::schemes::vendor`].
    Vendor,
}

/// The result of looking a scheme up by an ecosystem, purl type or `vers` scheme name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemeLookup {
    /// The scheme to use.
    pub scheme: Scheme,
    /// `true` when the name was not recognised and [`Scheme::Generic`] was chosen as a
    /// fallback. Matchers record this in a finding's evidence, because a fuzzy comparison is
    /// weaker evidence than the ecosystem's own rules.
    pub fallback: bool,
}

impl Scheme {
    /// Every scheme, in declaration order.
    pub const ALL: [Scheme; 11] = [
        Scheme::Semver,
        Scheme::Pep440,
        Scheme::Debian,
        Scheme::Rpm,
        Scheme::Maven,
        Scheme::Go,
        Scheme::Npm,
        Scheme::NuGet,
        Scheme::Cargo,
        Scheme::Generic,
        Scheme::Vendor,
    ];

    /// The scheme's name as a `vers` versioning scheme (`semver`, `pypi`, `deb`, `rpm`,
    /// `maven`, `golang`, `npm`, `nuget`, `cargo`, `generic`) or `vendor` for firmware.
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Semver => "semver",
            Scheme::Pep440 => "pypi",
            Scheme::Debian => "deb",
            Scheme::Rpm => "rpm",
            Scheme::Maven => "maven",
            Scheme::Go => "golang",
            Scheme::Npm => "npm",
            Scheme::NuGet => "nuget",
            Scheme::Cargo => "cargo",
            Scheme::Generic => "generic",
            Scheme::Vendor => "vendor",
        }
    }

    /// The scheme for an OSV ecosystem (`PyPI`, `Go`, `crates.io`, `Debian:12`, ...), a purl
    /// type (`pypi`, `golang`, `deb`, ...) or a `vers` scheme name. Matching is
    /// case-insensitive and ignores an OSV ecosystem's `:suffix` (release name).
    ///
    /// Unknown names give [`Scheme::Generic`] with `fallback: true`.
    pub fn lookup(name: &str) -> SchemeLookup {
        let base = name
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let scheme = match base.as_str() {
            "semver" => Some(Scheme::Semver),
            "pypi" | "pep440" | "python" => Some(Scheme::Pep440),
            "deb" | "debian" | "ubuntu" => Some(Scheme::Debian),
            "rpm" | "red hat" | "redhat" | "almalinux" | "rocky linux" | "suse" | "opensuse"
            | "mageia" | "openeuler" | "photon os" | "azure linux" | "mariner" => Some(Scheme::Rpm),
            "maven" => Some(Scheme::Maven),
            "go" | "golang" => Some(Scheme::Go),
            "npm" => Some(Scheme::Npm),
            "nuget" => Some(Scheme::NuGet),
            "cargo" | "crates.io" => Some(Scheme::Cargo),
            "generic" | "intdot" => Some(Scheme::Generic),
            "vendor" | "firmware" => Some(Scheme::Vendor),
            _ => None,
        };
        match scheme {
            Some(scheme) => SchemeLookup {
                scheme,
                fallback: false,
            },
            None => SchemeLookup {
                scheme: Scheme::Generic,
                fallback: true,
            },
        }
    }

    /// Parses `raw` under this scheme.
    pub fn parse(self, raw: &str) -> Result<Version, Error> {
        Version::parse(self, raw)
    }

    /// Whether this scheme is Semantic Versioning or a dialect of it (what OSV `SEMVER`
    /// ranges require).
    pub fn is_semver_family(self) -> bool {
        matches!(
            self,
            Scheme::Semver | Scheme::Go | Scheme::Npm | Scheme::Cargo
        )
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Longest accepted version string. Real versions are far shorter; the cap keeps hostile
/// input from costing time or (in Maven's nested lists) stack depth.
pub const MAX_VERSION_LEN: usize = 256;

/// The parsed form of a version, one variant per comparator module.
#[derive(Debug, Clone)]
pub(crate) enum Parsed {
    SemVer(semver::SemVer),
    Pep440(pep440::Pep440),
    Debian(debian::DebVersion),
    Rpm(rpm::RpmVersion),
    Maven(maven::MavenVersion),
    NuGet(nuget::NuGetVersion),
    Generic(generic::GenericVersion),
    Vendor(vendor::VendorVersion),
}

/// A version parsed once under a [`Scheme`], ready to be compared many times.
///
/// It keeps the raw string (shown by `Display` and [`Version::raw`]) so evidence can quote
/// exactly what a source said. Equality and order are the scheme's *precedence*: under
/// semver `1.0.0+a == 1.0.0+b`, under PEP 440 `1.0 == 1.0.0`.
///
/// Versions of different schemes are not comparable: `partial_cmp` returns `None` and
/// [`Version::try_cmp`] returns [`Error::SchemeMismatch`].
///
/// ```
/// use medvigil_version::{Scheme, Version};
/// let a = Version::parse(Scheme::Debian, "1:1.2-1").unwrap();
/// let b = Version::parse(Scheme::Debian, "1.9").unwrap();
/// assert!(a > b); // the epoch wins
/// assert_eq!(a.raw(), "1:1.2-1");
/// ```
#[derive(Debug, Clone)]
pub struct Version {
    scheme: Scheme,
    raw: Box<str>,
    parsed: Parsed,
}

impl Version {
    /// Parses `raw` under `scheme`. Surrounding whitespace is ignored (and not kept in
    /// the raw string).
    pub fn parse(scheme: Scheme, raw: &str) -> Result<Version, Error> {
        let raw = raw.trim();
        if raw.len() > MAX_VERSION_LEN {
            // Quote only the start of it.
            let mut end = 64;
            while !raw.is_char_boundary(end) {
                end -= 1;
            }
            return Err(Error::version(
                scheme,
                &raw[..end],
                MAX_VERSION_LEN,
                format!("longer than {MAX_VERSION_LEN} bytes: not a version"),
            ));
        }
        let parsed = match scheme {
            Scheme::Semver | Scheme::Cargo => {
                Parsed::SemVer(semver::SemVer::parse(raw, semver::Dialect::Strict, scheme)?)
            }
            Scheme::Npm => {
                Parsed::SemVer(semver::SemVer::parse(raw, semver::Dialect::Npm, scheme)?)
            }
            Scheme::Go => Parsed::SemVer(semver::SemVer::parse(raw, semver::Dialect::Go, scheme)?),
            Scheme::Pep440 => Parsed::Pep440(pep440::Pep440::parse(raw)?),
            Scheme::Debian => Parsed::Debian(debian::DebVersion::parse(raw)?),
            Scheme::Rpm => Parsed::Rpm(rpm::RpmVersion::parse(raw)?),
            Scheme::Maven => Parsed::Maven(maven::MavenVersion::parse(raw)?),
            Scheme::NuGet => Parsed::NuGet(nuget::NuGetVersion::parse(raw)?),
            Scheme::Generic => Parsed::Generic(generic::GenericVersion::parse(raw)?),
            Scheme::Vendor => Parsed::Vendor(vendor::VendorVersion::parse(raw)?),
        };
        Ok(Version {
            scheme,
            raw: raw.into(),
            parsed,
        })
    }

    /// The scheme this version was parsed under.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The string as given (trimmed).
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// Compares two versions of the same scheme; an error when the schemes differ.
    pub fn try_cmp(&self, other: &Version) -> Result<Ordering, Error> {
        self.partial_cmp(other)
            .ok_or_else(|| Error::SchemeMismatch {
                left_scheme: self.scheme,
                left: self.raw.to_string(),
                right_scheme: other.scheme,
                right: other.raw.to_string(),
            })
    }

    /// Whether this is a pre-release under its scheme's own rules (semver `-pre`, PEP 440
    /// `a`/`b`/`rc`/`.dev`, Maven alpha/beta/milestone/rc/snapshot, NuGet `-label`, a vendor
    /// `beta`). Debian, RPM and generic versions have no such notion and return `false`.
    pub fn is_prerelease(&self) -> bool {
        match &self.parsed {
            Parsed::SemVer(v) => v.is_prerelease(),
            Parsed::Pep440(v) => v.is_prerelease(),
            Parsed::Maven(v) => v.is_prerelease(),
            Parsed::NuGet(v) => v.is_prerelease(),
            Parsed::Vendor(v) => v.is_prerelease(),
            Parsed::Debian(_) | Parsed::Rpm(_) | Parsed::Generic(_) => false,
        }
    }

    /// Compares with a version known to be of the same scheme. Used on hot paths after
    /// one scheme check; mismatched schemes order by scheme so the result stays total.
    pub(crate) fn cmp_same(&self, other: &Version) -> Ordering {
        match (&self.parsed, &other.parsed) {
            (Parsed::SemVer(a), Parsed::SemVer(b)) => a.cmp(b),
            (Parsed::Pep440(a), Parsed::Pep440(b)) => a.cmp(b),
            (Parsed::Debian(a), Parsed::Debian(b)) => a.cmp(b),
            (Parsed::Rpm(a), Parsed::Rpm(b)) => a.cmp(b),
            (Parsed::Maven(a), Parsed::Maven(b)) => a.cmp(b),
            (Parsed::NuGet(a), Parsed::NuGet(b)) => a.cmp(b),
            (Parsed::Generic(a), Parsed::Generic(b)) => a.cmp(b),
            (Parsed::Vendor(a), Parsed::Vendor(b)) => a.cmp(b),
            _ => self.scheme.cmp(&other.scheme),
        }
    }

    pub(crate) fn vendor(&self) -> Option<&vendor::VendorVersion> {
        match &self.parsed {
            Parsed::Vendor(v) => Some(v),
            _ => None,
        }
    }

    /// Build metadata of a semver-family version (`incompatible` in Go's
    /// `v2.0.0+incompatible`); it never affects order.
    pub fn build_metadata(&self) -> Option<&str> {
        match &self.parsed {
            Parsed::SemVer(v) => v.build.as_deref(),
            _ => None,
        }
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Version) -> bool {
        self.partial_cmp(other) == Some(Ordering::Equal)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        if self.scheme != other.scheme {
            return None;
        }
        Some(self.cmp_same(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

/// A scheme name as accepted by [`Scheme::lookup`], refusing unknown names.
impl FromStr for Scheme {
    type Err = Error;
    fn from_str(s: &str) -> Result<Scheme, Error> {
        let found = Scheme::lookup(s);
        if found.fallback {
            return Err(Error::range(s, 0, "unknown versioning scheme"));
        }
        Ok(found.scheme)
    }
}
