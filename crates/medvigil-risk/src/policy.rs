//! The clinical-risk policy as data: weights, factors, rules and thresholds in one TOML
//! file, so a hospital tunes priorities without touching code.
//!
//! [`Policy::default()`] is `policy/default.toml`, compiled in; its comments document
//! every key. [`Policy::from_toml`] reads a hospital's own file and rejects anything
//! doubtful with the line, column and reason: unknown keys (a typo must not silently
//! fall back to a default), missing keys, wrong types, and values out of range.

use std::fmt;

use medvigil_model::clinical::CompensatingControl;
use medvigil_model::{ClinicalFunction, NetworkZone};
use serde::{Deserialize, Serialize};

/// The policy medvigil ships with.
pub const DEFAULT_POLICY_TOML: &str = include_str!("../policy/default.toml");

/// The only policy format version so far.
pub const POLICY_VERSION: u32 = 1;

/// A finding's priority: P1 (act this week) to P4 (routine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Priority {
    /// Act now.
    P1,
    /// Act soon.
    P2,
    /// Plan.
    P3,
    /// Routine.
    P4,
}

impl Priority {
    /// "P1" .. "P4".
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::P1 => "P1",
            Priority::P2 => "P2",
            Priority::P3 => "P3",
            Priority::P4 => "P4",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Severity of patient harm, the five levels of ISO 14971 practice the FDA guidance uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HarmLevel {
    /// Inconvenience or temporary discomfort.
    Negligible,
    /// Temporary injury or impairment not requiring professional medical intervention.
    Minor,
    /// Injury or impairment requiring professional medical intervention.
    Serious,
    /// Permanent impairment or life-threatening injury.
    Critical,
    /// Patient death.
    Catastrophic,
}

impl HarmLevel {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            HarmLevel::Negligible => "negligible",
            HarmLevel::Minor => "minor",
            HarmLevel::Serious => "serious",
            HarmLevel::Critical => "critical",
            HarmLevel::Catastrophic => "catastrophic",
        }
    }
}

/// How likely a vulnerability is to be exploited against the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exploitability {
    /// Local or physical access needed, no evidence of exploitation.
    Low,
    /// Reachable over a network, no evidence of exploitation.
    Medium,
    /// Exploited in the wild, likely to be (EPSS), or trivially exploitable remotely.
    High,
}

impl Exploitability {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Exploitability::Low => "low",
            Exploitability::Medium => "medium",
            Exploitability::High => "high",
        }
    }
    /// One level lower (low stays low).
    pub fn lower(self) -> Exploitability {
        match self {
            Exploitability::High => Exploitability::Medium,
            _ => Exploitability::Low,
        }
    }
}

/// The whole policy. Field docs are in `policy/default.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Policy {
    /// Format version; must be 1.
    pub version: u32,
    pub weights: Weights,
    pub severity: SeverityFactors,
    pub exploitation: ExploitationFactors,
    pub patient_harm: HarmFactors,
    pub exposure: ExposureFactors,
    pub controls: ControlReductions,
    pub thresholds: Thresholds,
    /// First match wins.
    #[serde(default)]
    pub rules: Vec<Rule>,
    pub postmarket: PostmarketPolicy,
}

/// Weights of the four score factors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Weights {
    pub severity: f64,
    pub exploitation: f64,
    pub patient_harm: f64,
    pub exposure: f64,
}

/// The severity factor's assumption for findings without CVSS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct SeverityFactors {
    pub unknown: f64,
}

/// Exploitation evidence factors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ExploitationFactors {
    pub kev: f64,
    pub known_ransomware: f64,
    pub epss_saturation: f64,
    pub no_evidence: f64,
}

/// Patient-harm factors per clinical function, and floors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct HarmFactors {
    pub life_sustaining: f64,
    pub therapeutic: f64,
    pub monitoring: f64,
    pub diagnostic: f64,
    pub informational: f64,
    pub unknown: f64,
    pub implanted: f64,
    pub patient_connected: f64,
}

impl HarmFactors {
    /// The factor for a clinical function (`None`: unknown).
    pub fn of(&self, f: Option<ClinicalFunction>) -> f64 {
        match f {
            Some(ClinicalFunction::LifeSustaining) => self.life_sustaining,
            Some(ClinicalFunction::Therapeutic) => self.therapeutic,
            Some(ClinicalFunction::Monitoring) => self.monitoring,
            Some(ClinicalFunction::Diagnostic) => self.diagnostic,
            Some(ClinicalFunction::Informational) => self.informational,
            None => self.unknown,
        }
    }
}

/// Exposure factors per network zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ExposureFactors {
    pub internet_exposed: f64,
    pub hospital_lan: f64,
    pub clinical_vlan: f64,
    pub isolated: f64,
    pub unknown: f64,
}

impl ExposureFactors {
    /// The factor for a zone (`None`: unknown).
    pub fn of(&self, z: Option<NetworkZone>) -> f64 {
        match z {
            Some(NetworkZone::InternetExposed) => self.internet_exposed,
            Some(NetworkZone::HospitalLan) => self.hospital_lan,
            Some(NetworkZone::ClinicalVlan) => self.clinical_vlan,
            Some(NetworkZone::Isolated) => self.isolated,
            None => self.unknown,
        }
    }
}

/// Score reductions per compensating control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ControlReductions {
    pub segmentation: f64,
    pub guard: f64,
    pub allow_listing: f64,
    pub disabled_services: f64,
    pub max_reduction: f64,
}

impl ControlReductions {
    /// The reduction one control brings.
    pub fn of(&self, c: CompensatingControl) -> f64 {
        match c {
            CompensatingControl::Segmentation => self.segmentation,
            CompensatingControl::Guard => self.guard,
            CompensatingControl::AllowListing => self.allow_listing,
            CompensatingControl::DisabledServices => self.disabled_services,
        }
    }
}

/// Score thresholds for P1, P2, P3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Thresholds {
    pub p1: u8,
    pub p2: u8,
    pub p3: u8,
}

/// One priority rule: every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The priority the rule sets.
    pub priority: Option<Priority>,
    /// In KEV or known ransomware use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exploited: Option<bool>,
    /// In KEV.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_kev: Option<bool>,
    /// Known ransomware use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ransomware: Option<bool>,
    /// EPSS probability at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_epss: Option<f64>,
    /// CVSS score at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_cvss: Option<f64>,
    /// Clinical function among these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub functions: Option<Vec<ClinicalFunction>>,
    /// Implanted (or not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implanted: Option<bool>,
    /// Patient-connected (or not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_connected: Option<bool>,
    /// The device is at least this exposed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reachable_from: Option<NetworkZone>,
    /// None of these controls is in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub without_controls: Option<Vec<CompensatingControl>>,
    /// Risk score at least this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_score: Option<u8>,
    /// At least this many devices share the profile (a model's fleet).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_devices_affected: Option<u64>,
}

/// The FDA postmarket part of the policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostmarketPolicy {
    /// Days to communicate an uncontrolled risk to customers (guidance: 30).
    pub communicate_within_days: u32,
    /// Days to fix an uncontrolled risk (guidance: 60).
    pub remediate_within_days: u32,
    /// Controls that lower exploitability by one level when deployed fleet-wide.
    pub mitigating_controls: Vec<CompensatingControl>,
    /// EPSS probability from which exploitability is high.
    pub high_exploitability_epss: f64,
    /// (harm, exploitability) pairs at or above which risk is uncontrolled.
    pub uncontrolled: Vec<UncontrolledWhen>,
}

/// One entry of the uncontrolled-risk matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UncontrolledWhen {
    /// Harm at least this...
    pub min_harm: HarmLevel,
    /// ...and exploitability at least this.
    pub min_exploitability: Exploitability,
}

/// Why a policy file was rejected: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}:{line}:{column}: {message}")]
pub struct PolicyError {
    /// The file name (or "<default policy>").
    pub origin: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::from_toml(DEFAULT_POLICY_TOML, "<default policy>")
            .expect("the shipped default policy is valid (tested)")
    }
}

impl Policy {
    /// Parses and validates a policy; `origin` names the file in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        let policy: Policy = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            PolicyError {
                origin: origin.to_string(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        policy.validate(text, origin)?;
        Ok(policy)
    }

    /// The policy as TOML (without the default file's comments).
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("plain data serializes")
    }

    fn validate(&self, text: &str, origin: &str) -> Result<(), PolicyError> {
        let err = |section: &str, key: &str, message: String| {
            let (line, column) = find_key(text, section, key);
            PolicyError {
                origin: origin.to_string(),
                line,
                column,
                message,
            }
        };
        if self.version != POLICY_VERSION {
            return Err(err(
                "",
                "version",
                format!(
                    "unsupported policy version {}: expected {POLICY_VERSION}",
                    self.version
                ),
            ));
        }
        let w = &self.weights;
        for (k, v) in [
            ("severity", w.severity),
            ("exploitation", w.exploitation),
            ("patient_harm", w.patient_harm),
            ("exposure", w.exposure),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(err(
                    "weights",
                    k,
                    format!("weights.{k} must be a number >= 0, found {v}"),
                ));
            }
        }
        if w.severity + w.exploitation + w.patient_harm + w.exposure <= 0.0 {
            return Err(err(
                "weights",
                "severity",
                "the weights must not all be 0".into(),
            ));
        }
        let unit = |section: &str, pairs: &[(&str, f64)]| -> Result<(), PolicyError> {
            for (k, v) in pairs {
                if !(v.is_finite() && (0.0..=1.0).contains(v)) {
                    return Err(err(
                        section,
                        k,
                        format!("{section}.{k} must be between 0 and 1, found {v}"),
                    ));
                }
            }
            Ok(())
        };
        unit("severity", &[("unknown", self.severity.unknown)])?;
        let e = &self.exploitation;
        unit(
            "exploitation",
            &[
                ("kev", e.kev),
                ("known_ransomware", e.known_ransomware),
                ("no_evidence", e.no_evidence),
            ],
        )?;
        if !(e.epss_saturation > 0.0 && e.epss_saturation <= 1.0) {
            return Err(err(
                "exploitation",
                "epss_saturation",
                format!(
                    "exploitation.epss_saturation must be above 0 and at most 1, found {}",
                    e.epss_saturation
                ),
            ));
        }
        let h = &self.patient_harm;
        unit(
            "patient_harm",
            &[
                ("life_sustaining", h.life_sustaining),
                ("therapeutic", h.therapeutic),
                ("monitoring", h.monitoring),
                ("diagnostic", h.diagnostic),
                ("informational", h.informational),
                ("unknown", h.unknown),
                ("implanted", h.implanted),
                ("patient_connected", h.patient_connected),
            ],
        )?;
        let x = &self.exposure;
        unit(
            "exposure",
            &[
                ("internet_exposed", x.internet_exposed),
                ("hospital_lan", x.hospital_lan),
                ("clinical_vlan", x.clinical_vlan),
                ("isolated", x.isolated),
                ("unknown", x.unknown),
            ],
        )?;
        let c = &self.controls;
        unit(
            "controls",
            &[
                ("segmentation", c.segmentation),
                ("guard", c.guard),
                ("allow_listing", c.allow_listing),
                ("disabled_services", c.disabled_services),
                ("max_reduction", c.max_reduction),
            ],
        )?;
        let t = &self.thresholds;
        if t.p1 > 100 {
            return Err(err(
                "thresholds",
                "p1",
                format!("thresholds.p1 must be at most 100, found {}", t.p1),
            ));
        }
        if !(t.p1 > t.p2 && t.p2 > t.p3) {
            let key = if t.p1 <= t.p2 { "p2" } else { "p3" };
            return Err(err(
                "thresholds",
                key,
                format!(
                    "thresholds must decrease: p1 ({}) > p2 ({}) > p3 ({})",
                    t.p1, t.p2, t.p3
                ),
            ));
        }
        for (i, r) in self.rules.iter().enumerate() {
            let here = |message: String| {
                let (line, column) = find_nth_table(text, "[[rules]]", i);
                PolicyError {
                    origin: origin.to_string(),
                    line,
                    column,
                    message,
                }
            };
            if r.priority.is_none() {
                return Err(here(format!("rule {} has no priority (P1 to P4)", i + 1)));
            }
            if let Some(v) = r.min_epss
                && !(0.0..=1.0).contains(&v)
            {
                return Err(here(format!(
                    "rule {}: min_epss must be between 0 and 1, found {v}",
                    i + 1
                )));
            }
            if let Some(v) = r.min_cvss
                && !(0.0..=10.0).contains(&v)
            {
                return Err(here(format!(
                    "rule {}: min_cvss must be between 0 and 10, found {v}",
                    i + 1
                )));
            }
            if r.min_score.is_some_and(|s| s > 100) {
                return Err(here(format!(
                    "rule {}: min_score must be at most 100",
                    i + 1
                )));
            }
        }
        let p = &self.postmarket;
        if p.communicate_within_days == 0 || p.remediate_within_days < p.communicate_within_days {
            return Err(err(
                "postmarket",
                "remediate_within_days",
                format!(
                    "postmarket: communicate_within_days ({}) must be above 0 and at most remediate_within_days ({})",
                    p.communicate_within_days, p.remediate_within_days
                ),
            ));
        }
        if !(0.0..=1.0).contains(&p.high_exploitability_epss) {
            return Err(err(
                "postmarket",
                "high_exploitability_epss",
                format!(
                    "postmarket.high_exploitability_epss must be between 0 and 1, found {}",
                    p.high_exploitability_epss
                ),
            ));
        }
        if p.uncontrolled.is_empty() {
            return Err(err(
                "postmarket",
                "uncontrolled",
                "postmarket.uncontrolled must list at least one (min_harm, min_exploitability) entry".into(),
            ));
        }
        Ok(())
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Where `key = ...` is written inside `[section]` (or at the top when `section` is "").
fn find_key(text: &str, section: &str, key: &str) -> (usize, usize) {
    let mut current = String::new();
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            current = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
            continue;
        }
        if current == section
            && let Some((k, _)) = t.split_once('=')
            && k.trim() == key
        {
            return (n + 1, line.len() - line.trim_start().len() + 1);
        }
    }
    (1, 1)
}

/// Where the `n`th (0-based) `[[header]]` is.
fn find_nth_table(text: &str, header: &str, n: usize) -> (usize, usize) {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == header)
        .nth(n)
        .map_or((1, 1), |(i, _)| (i + 1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_is_valid_and_round_trips() {
        let p = Policy::default();
        assert_eq!(p.rules.len(), 6);
        assert_eq!(p.postmarket.communicate_within_days, 30);
        assert_eq!(p.postmarket.remediate_within_days, 60);
        let again = Policy::from_toml(&p.to_toml(), "x").unwrap();
        assert_eq!(again, p);
    }

    #[test]
    fn unknown_key_is_rejected_with_its_line() {
        let bad = DEFAULT_POLICY_TOML.replace("epss_saturation = 0.5", "epss_saturaton = 0.5");
        let e = Policy::from_toml(&bad, "mine.toml").unwrap_err();
        let want_line = bad
            .lines()
            .position(|l| l.starts_with("epss_saturaton"))
            .unwrap()
            + 1;
        assert_eq!(e.line, want_line, "{e}");
        assert!(e.message.contains("epss_saturaton"), "{e}");
        assert!(
            e.to_string()
                .starts_with(&format!("mine.toml:{want_line}:")),
            "{e}"
        );
    }

    #[test]
    fn bad_values_are_rejected_with_their_line() {
        let bad = DEFAULT_POLICY_TOML.replace("hospital_lan = 0.7", "hospital_lan = 1.7");
        let e = Policy::from_toml(&bad, "p.toml").unwrap_err();
        let want_line = bad
            .lines()
            .position(|l| l.starts_with("hospital_lan = 1.7"))
            .unwrap()
            + 1;
        assert_eq!(e.line, want_line, "{e}");
        assert!(
            e.message
                .contains("exposure.hospital_lan must be between 0 and 1"),
            "{e}"
        );

        let bad = DEFAULT_POLICY_TOML.replace("p2 = 60", "p2 = 90");
        let e = Policy::from_toml(&bad, "p.toml").unwrap_err();
        assert!(e.message.contains("thresholds must decrease"), "{e}");

        let bad = DEFAULT_POLICY_TOML
            .replace("priority = \"P2\"\nmin_cvss", "priority = \"P5\"\nmin_cvss");
        let e = Policy::from_toml(&bad, "p.toml").unwrap_err();
        assert!(e.message.contains("P5"), "{e}");

        let bad = DEFAULT_POLICY_TOML.replace("[thresholds]\n", "[thresholds]\np4 = 1\n");
        let e = Policy::from_toml(&bad, "p.toml").unwrap_err();
        assert!(e.message.contains("p4"), "{e}");

        let missing = DEFAULT_POLICY_TOML.replace("kev = 1.0 ", "");
        let e = Policy::from_toml(&missing, "p.toml").unwrap_err();
        assert!(e.message.contains("missing field `kev`"), "{e}");
    }
}
