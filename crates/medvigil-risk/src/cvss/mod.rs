//! CVSS v2.0, v3.0, v3.1 and v4.0: parse a vector string, print it back, score it.
//!
//! Every metric group is supported: base; temporal (v2, v3) or threat (v4); environmental
//! with the security requirements and, for v3 and v4, the modified base metrics; and v4's
//! supplemental metrics, which are kept and printed but by design do not change a score.
//!
//! A parsed vector remembers the order its metrics were written in and whether a metric
//! was spelled out as "not defined" (`X`, `ND`), so `to_string()` gives back the input.
//!
//! ```
//! use medvigil_risk::cvss::{Cvss, Severity};
//! let v: Cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:F/RL:O".parse().unwrap();
//! let s = v.scores();
//! assert_eq!(s.base, 9.8);
//! assert_eq!(s.temporal, Some(9.1));
//! assert_eq!(s.environmental, None);
//! assert_eq!(s.score, 9.1);
//! assert_eq!(s.severity, Severity::Critical);
//! assert_eq!(v.to_string(), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:F/RL:O");
//! ```

mod json;
pub(crate) mod metric;
pub mod v2;
pub mod v3;
pub mod v4;
mod v4_lookup;

use std::fmt;
use std::str::FromStr;

pub use metric::{Metric, Modifiable, Modified};

/// Why a vector string was rejected. Every variant names the metric or component at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CvssError {
    /// The string is empty.
    #[error("empty CVSS vector")]
    Empty,
    /// A `CVSS:x.y/` prefix names a version this crate does not know.
    #[error("unsupported CVSS version {0:?}: expected 2.0, 3.0, 3.1 or 4.0")]
    UnknownVersion(String),
    /// A component is not of the form `KEY:VALUE`.
    #[error("CVSS {version}: malformed component {component:?}: expected METRIC:VALUE")]
    Malformed {
        /// The CVSS version being parsed.
        version: &'static str,
        /// The offending component.
        component: String,
    },
    /// A metric abbreviation that the version does not define.
    #[error("CVSS {version}: unknown metric {metric:?}")]
    UnknownMetric {
        /// The CVSS version being parsed.
        version: &'static str,
        /// The unknown abbreviation.
        metric: String,
    },
    /// A metric given a value outside its set.
    #[error("CVSS {version}: invalid value {value:?} for metric {metric} ({name}): expected one of {}", expected.join(", "))]
    InvalidValue {
        /// The CVSS version being parsed.
        version: &'static str,
        /// The metric's abbreviation.
        metric: &'static str,
        /// The metric's name.
        name: &'static str,
        /// The rejected value.
        value: String,
        /// The accepted values.
        expected: &'static [&'static str],
    },
    /// The same metric twice.
    #[error("CVSS {version}: metric {metric} appears more than once")]
    Duplicate {
        /// The CVSS version being parsed.
        version: &'static str,
        /// The repeated metric's abbreviation.
        metric: &'static str,
    },
    /// A mandatory base metric is absent.
    #[error("CVSS {version}: missing mandatory metric {metric} ({name})")]
    Missing {
        /// The CVSS version being parsed.
        version: &'static str,
        /// The metric's abbreviation.
        metric: &'static str,
        /// The metric's name.
        name: &'static str,
    },
}

impl CvssError {
    /// The metric abbreviation the error is about, when it is about one.
    pub fn metric(&self) -> Option<&str> {
        match self {
            CvssError::UnknownMetric { metric, .. } => Some(metric),
            CvssError::InvalidValue { metric, .. }
            | CvssError::Duplicate { metric, .. }
            | CvssError::Missing { metric, .. } => Some(metric),
            _ => None,
        }
    }
}

/// The qualitative severity rating of a score.
///
/// v3.x and v4.0 use the FIRST scale (None 0.0, Low 0.1-3.9, Medium 4.0-6.9, High 7.0-8.9,
/// Critical 9.0-10.0). v2 has no official rating; NVD's (Low 0.0-3.9, Medium 4.0-6.9,
/// High 7.0-10.0) is the one in use, so v2 never reports None or Critical.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 0.0 (v3, v4).
    None,
    /// 0.1-3.9 (v2: 0.0-3.9).
    Low,
    /// 4.0-6.9.
    Medium,
    /// 7.0-8.9 (v2: 7.0-10.0).
    High,
    /// 9.0-10.0 (v3, v4).
    Critical,
}

impl Severity {
    /// The FIRST rating of a v3/v4 score.
    pub fn from_score(score: f64) -> Severity {
        match score {
            s if s >= 9.0 => Severity::Critical,
            s if s >= 7.0 => Severity::High,
            s if s >= 4.0 => Severity::Medium,
            s if s > 0.0 => Severity::Low,
            _ => Severity::None,
        }
    }

    /// NVD's rating of a v2 score.
    pub fn from_v2_score(score: f64) -> Severity {
        match score {
            s if s >= 7.0 => Severity::High,
            s if s >= 4.0 => Severity::Medium,
            _ => Severity::Low,
        }
    }

    /// The stable lower-case name ("critical").
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which CVSS version a vector is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Version {
    /// CVSS v2.0 (no prefix in the vector string).
    #[serde(rename = "2.0")]
    V2,
    /// CVSS v3.0.
    #[serde(rename = "3.0")]
    V3_0,
    /// CVSS v3.1.
    #[serde(rename = "3.1")]
    V3_1,
    /// CVSS v4.0.
    #[serde(rename = "4.0")]
    V4,
}

impl Version {
    /// "2.0", "3.0", "3.1" or "4.0".
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2 => "2.0",
            Version::V3_0 => "3.0",
            Version::V3_1 => "3.1",
            Version::V4 => "4.0",
        }
    }
}

/// The scores of one vector.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Scores {
    /// The base score (v4: CVSS-B, the base metrics alone).
    pub base: f64,
    /// The temporal score, when the vector has a temporal metric (v2, v3 only).
    pub temporal: Option<f64>,
    /// The environmental score, when the vector has an environmental metric (v2, v3 only).
    pub environmental: Option<f64>,
    /// The final score: v4's score over every metric given (CVSS-B, -BT, -BE or -BTE);
    /// for v2 and v3 the environmental, else temporal, else base score.
    pub score: f64,
    /// The rating of `score`.
    pub severity: Severity,
}

/// A parsed vector of any supported version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cvss {
    /// CVSS v2.0.
    V2(v2::Vector),
    /// CVSS v3.0 or v3.1.
    V3(v3::Vector),
    /// CVSS v4.0.
    V4(v4::Vector),
}

impl Cvss {
    /// The vector's version.
    pub fn version(&self) -> Version {
        match self {
            Cvss::V2(_) => Version::V2,
            Cvss::V3(v) => v.version(),
            Cvss::V4(_) => Version::V4,
        }
    }

    /// Every score the vector defines.
    pub fn scores(&self) -> Scores {
        match self {
            Cvss::V2(v) => {
                let base = v.base_score();
                let temporal = v.has_temporal().then(|| v.temporal_score());
                let environmental = v.has_environmental().then(|| v.environmental_score());
                let score = environmental.or(temporal).unwrap_or(base);
                Scores {
                    base,
                    temporal,
                    environmental,
                    score,
                    severity: Severity::from_v2_score(score),
                }
            }
            Cvss::V3(v) => {
                let base = v.base_score();
                let temporal = v.has_temporal().then(|| v.temporal_score());
                let environmental = v.has_environmental().then(|| v.environmental_score());
                let score = environmental.or(temporal).unwrap_or(base);
                Scores {
                    base,
                    temporal,
                    environmental,
                    score,
                    severity: Severity::from_score(score),
                }
            }
            Cvss::V4(v) => {
                let score = v.score();
                Scores {
                    base: v.base_only().score(),
                    temporal: None,
                    environmental: None,
                    score,
                    severity: Severity::from_score(score),
                }
            }
        }
    }
}

impl FromStr for Cvss {
    type Err = CvssError;
    /// Recognises the version from the prefix: `CVSS:3.0/`, `CVSS:3.1/`, `CVSS:4.0/`, and
    /// for v2 either no prefix (as NVD writes them), `CVSS:2.0/`, or NVD's parenthesised form.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(CvssError::Empty);
        }
        match s.strip_prefix("CVSS:") {
            Some(rest) => {
                let (ver, _) = rest.split_once('/').unwrap_or((rest, ""));
                match ver {
                    "2.0" => v2::Vector::parse(s).map(Cvss::V2),
                    "3.0" | "3.1" => v3::Vector::parse(s).map(Cvss::V3),
                    "4.0" => v4::Vector::parse(s).map(Cvss::V4),
                    other => Err(CvssError::UnknownVersion(other.to_string())),
                }
            }
            None => v2::Vector::parse(s).map(Cvss::V2),
        }
    }
}

impl fmt::Display for Cvss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cvss::V2(v) => v.fmt(f),
            Cvss::V3(v) => v.fmt(f),
            Cvss::V4(v) => v.fmt(f),
        }
    }
}

/// Rounds half away from zero to one decimal, as v2 and v4 do.
///
/// The small epsilon absorbs binary floating-point error (7.45 computed as 7.4499999...),
/// so results agree with the reference calculators, which compute in decimal.
pub(crate) fn round1(x: f64) -> f64 {
    let r = ((x * 10.0).abs() + 0.5 + 1e-9).floor() / 10.0;
    if x < 0.0 { -r } else { r }
}
