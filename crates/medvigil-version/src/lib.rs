//! medvigil-version: versions and version ranges, under each ecosystem's own rules.
//!
//! Its one job is to answer "is version V inside range R?" correctly for every place a
//! vulnerability source writes a range, and to do it fast enough to re-evaluate a whole
//! hospital against a whole knowledge base (parse once, compare many times).
//!
//! * [`Scheme`] names a versioning scheme (semver, PEP 440, Debian, RPM, Maven, Go, npm,
//!   NuGet, Cargo, generic, vendor firmware); [`Scheme::lookup`] maps ecosystem names and
//!   reports when it had to fall back to the generic scheme.
//! * [`Version`] is a version parsed under one scheme. It keeps its raw string; comparing
//!   across schemes is an [`Error::SchemeMismatch`], never a guess.
//! * [`VersionRange`] is a union of [`Interval`]s minus excluded versions, the common form
//!   every range source is converted to. It renders as a `vers:` string for evidence, and
//!   offers [`VersionRange::union`], [`VersionRange::complement`] and
//!   [`VersionRange::reparse`] (an explicit move to a weaker scheme, e.g. generic).
//! * Range sources: [`Vers`] (the `vers:` spec, used by CSAF), [`osv`] (OSV `SEMVER` and
//!   `ECOSYSTEM` events), [`nvd`] (cpeMatch bounds), [`cve5`] (CVE JSON 5 `versions`) and
//!   [`prose`] (the range wording of CISA advisories: `<= 4.2`, `prior to 3.1`,
//!   `4.0 through 4.3`, `2.X`, `All versions`).
//!
//! **Invariants.** This crate knows nothing about advisories, devices or the store: plain
//! strings in, answers out, no I/O. Nothing panics on bad input: every parser returns a
//! typed [`Error`] with the input, a byte position and the reason (property-tested on
//! arbitrary strings). A comparison never silently crosses schemes.
//!
//! # Example
//!
//! ```
//! use medvigil_version::{Scheme, Version, Vers, prose};
//!
//! // Ecosystem ranges from a CSAF `vers:` string.
//! let range = Vers::parse("vers:pypi/>=1.0|<1.4.2|!=1.2.0").unwrap();
//! let v = Version::parse(Scheme::Pep440, "1.4.2rc1").unwrap();
//! assert!(range.contains(&v).unwrap()); // pre-releases of 1.4.2 come before it
//!
//! // Advisory prose about medical-device firmware.
//! let affected = prose::parse("Versions 4.2 and prior").unwrap();
//! let device = Version::parse(Scheme::Vendor, "v4.1 build 118").unwrap();
//! assert!(affected.range.contains(&device).unwrap());
//! assert_eq!(affected.range.to_vers(), "vers:vendor/<=4.2");
//!
//! // A series wildcard.
//! let series = prose::parse("2.X").unwrap().range;
//! assert!(series.contains(&Version::parse(Scheme::Vendor, "2.3.0.12").unwrap()).unwrap());
//! assert!(!series.contains(&Version::parse(Scheme::Vendor, "3.0").unwrap()).unwrap());
//!
//! // Comparing across schemes is refused.
//! let deb = Version::parse(Scheme::Debian, "1.0-1").unwrap();
//! assert!(v.try_cmp(&deb).is_err());
//! ```
#![deny(missing_docs)]

pub mod cve5;
mod error;
pub mod nvd;
pub mod osv;
pub mod prose;
mod range;
pub mod schemes;
mod vers;
mod version;

pub use error::Error;
pub use range::{Bound, Interval, VersionRange};
pub use vers::{Comparator, Constraint, Vers};
pub use version::{MAX_VERSION_LEN, Scheme, SchemeLookup, Version};
