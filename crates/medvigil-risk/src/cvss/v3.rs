//! CVSS v3.0 and v3.1 (FIRST, <https://www.first.org/cvss/v3.1/specification-document>).
//!
//! The two versions share metrics and weights. They differ in two formulas, both kept here:
//! Roundup (v3.1 §Appendix A defines it on integers to avoid floating-point error, v3.0
//! simply rounds up to one decimal) and the environmental Modified Impact when the scope
//! changes (v3.1 §7.3 added the factor 0.9731 and exponent 13).

use std::fmt;

use super::CvssError;
use super::metric::{Metric, Modified, components, metric, modifiable, required, set};

metric! {
    /// Attack Vector (AV), v3.1 §2.1.1: "This metric reflects the context by which
    /// vulnerability exploitation is possible."
    AttackVector, "AV", "Attack Vector" {
        /// Network (N): 0.85.
        Network = "N",
        /// Adjacent (A): 0.62.
        Adjacent = "A",
        /// Local (L): 0.55.
        Local = "L",
        /// Physical (P): 0.2.
        Physical = "P",
    }
}
modifiable!(
    AttackVector,
    "MAV",
    "Modified Attack Vector",
    ["N", "A", "L", "P"]
);

metric! {
    /// Attack Complexity (AC), v3.1 §2.1.2: "This metric describes the conditions beyond
    /// the attacker's control that must exist in order to exploit the vulnerability."
    AttackComplexity, "AC", "Attack Complexity" {
        /// Low (L): 0.77.
        Low = "L",
        /// High (H): 0.44.
        High = "H",
    }
}
modifiable!(
    AttackComplexity,
    "MAC",
    "Modified Attack Complexity",
    ["L", "H"]
);

metric! {
    /// Privileges Required (PR), v3.1 §2.1.3: "This metric describes the level of
    /// privileges an attacker must possess before successfully exploiting the vulnerability."
    PrivilegesRequired, "PR", "Privileges Required" {
        /// None (N): 0.85.
        None = "N",
        /// Low (L): 0.62, or 0.68 if the scope is changed.
        Low = "L",
        /// High (H): 0.27, or 0.5 if the scope is changed.
        High = "H",
    }
}
modifiable!(
    PrivilegesRequired,
    "MPR",
    "Modified Privileges Required",
    ["N", "L", "H"]
);

metric! {
    /// User Interaction (UI), v3.1 §2.1.4: "This metric captures the requirement for a
    /// human user, other than the attacker, to participate in the successful compromise."
    UserInteraction, "UI", "User Interaction" {
        /// None (N): 0.85.
        None = "N",
        /// Required (R): 0.62.
        Required = "R",
    }
}
modifiable!(
    UserInteraction,
    "MUI",
    "Modified User Interaction",
    ["N", "R"]
);

metric! {
    /// Scope (S), v3.1 §2.2: "the ability for a vulnerability in one vulnerable component
    /// to impact resources in components beyond its security scope."
    Scope, "S", "Scope" {
        /// Unchanged (U).
        Unchanged = "U",
        /// Changed (C).
        Changed = "C",
    }
}
modifiable!(Scope, "MS", "Modified Scope", ["U", "C"]);

metric! {
    /// Confidentiality Impact (C), v3.1 §2.3.1: "the impact to the confidentiality of the
    /// information resources managed by a software component due to a successfully
    /// exploited vulnerability."
    Confidentiality, "C", "Confidentiality Impact" {
        /// High (H): 0.56.
        High = "H",
        /// Low (L): 0.22.
        Low = "L",
        /// None (N): 0.
        None = "N",
    }
}
modifiable!(
    Confidentiality,
    "MC",
    "Modified Confidentiality",
    ["H", "L", "N"]
);

metric! {
    /// Integrity Impact (I), v3.1 §2.3.2: "the impact to integrity of a successfully
    /// exploited vulnerability. Integrity refers to the trustworthiness and veracity of
    /// information."
    Integrity, "I", "Integrity Impact" {
        /// High (H): 0.56.
        High = "H",
        /// Low (L): 0.22.
        Low = "L",
        /// None (N): 0.
        None = "N",
    }
}
modifiable!(Integrity, "MI", "Modified Integrity", ["H", "L", "N"]);

metric! {
    /// Availability Impact (A), v3.1 §2.3.3: "the impact to the availability of the
    /// impacted component resulting from a successfully exploited vulnerability."
    Availability, "A", "Availability Impact" {
        /// High (H): 0.56.
        High = "H",
        /// Low (L): 0.22.
        Low = "L",
        /// None (N): 0.
        None = "N",
    }
}
modifiable!(Availability, "MA", "Modified Availability", ["H", "L", "N"]);

metric! {
    /// Exploit Code Maturity (E), v3.1 §3.1: "the likelihood of the vulnerability being
    /// attacked, and is typically based on the current state of exploit techniques,
    /// exploit code availability, or active, 'in-the-wild' exploitation."
    ExploitCodeMaturity, "E", "Exploit Code Maturity" {
        /// Not Defined (X): 1.
        NotDefined = "X",
        /// High (H): 1.
        High = "H",
        /// Functional (F): 0.97.
        Functional = "F",
        /// Proof-of-Concept (P): 0.94.
        ProofOfConcept = "P",
        /// Unproven (U): 0.91.
        Unproven = "U",
    }
}

metric! {
    /// Remediation Level (RL), v3.1 §3.2: "The Remediation Level of a vulnerability is an
    /// important factor for prioritization."
    RemediationLevel, "RL", "Remediation Level" {
        /// Not Defined (X): 1.
        NotDefined = "X",
        /// Unavailable (U): 1.
        Unavailable = "U",
        /// Workaround (W): 0.97.
        Workaround = "W",
        /// Temporary Fix (T): 0.96.
        TemporaryFix = "T",
        /// Official Fix (O): 0.95.
        OfficialFix = "O",
    }
}

metric! {
    /// Report Confidence (RC), v3.1 §3.3: "the degree of confidence in the existence of
    /// the vulnerability and the credibility of the known technical details."
    ReportConfidence, "RC", "Report Confidence" {
        /// Not Defined (X): 1.
        NotDefined = "X",
        /// Confirmed (C): 1.
        Confirmed = "C",
        /// Reasonable (R): 0.96.
        Reasonable = "R",
        /// Unknown (U): 0.92.
        Unknown = "U",
    }
}

metric! {
    /// Confidentiality Requirement (CR), v3.1 §4.1: "These metrics enable the analyst to
    /// customize the CVSS score depending on the importance of the affected IT asset to a
    /// user's organization."
    ConfidentialityRequirement, "CR", "Confidentiality Requirement" {
        /// Not Defined (X): 1.
        NotDefined = "X",
        /// High (H): 1.5.
        High = "H",
        /// Medium (M): 1.
        Medium = "M",
        /// Low (L): 0.5.
        Low = "L",
    }
}

metric! {
    /// Integrity Requirement (IR), v3.1 §4.1 (see [`ConfidentialityRequirement`]).
    IntegrityRequirement, "IR", "Integrity Requirement" {
        /// Not Defined (X): 1.
        NotDefined = "X",
        /// High (H): 1.5.
        High = "H",
        /// Medium (M): 1.
        Medium = "M",
        /// Low (L): 0.5.
        Low = "L",
    }
}

metric! {
    /// Availability Requirement (AR), v3.1 §4.1 (see [`ConfidentialityRequirement`]).
    AvailabilityRequirement, "AR", "Availability Requirement" {
        /// Not Defined (X): 1.
        NotDefined = "X",
        /// High (H): 1.5.
        High = "H",
        /// Medium (M): 1.
        Medium = "M",
        /// Low (L): 0.5.
        Low = "L",
    }
}

fn av_w(v: AttackVector) -> f64 {
    match v {
        AttackVector::Network => 0.85,
        AttackVector::Adjacent => 0.62,
        AttackVector::Local => 0.55,
        AttackVector::Physical => 0.2,
    }
}
fn ac_w(v: AttackComplexity) -> f64 {
    match v {
        AttackComplexity::Low => 0.77,
        AttackComplexity::High => 0.44,
    }
}
fn pr_w(v: PrivilegesRequired, scope: Scope) -> f64 {
    match (v, scope) {
        (PrivilegesRequired::None, _) => 0.85,
        (PrivilegesRequired::Low, Scope::Unchanged) => 0.62,
        (PrivilegesRequired::Low, Scope::Changed) => 0.68,
        (PrivilegesRequired::High, Scope::Unchanged) => 0.27,
        (PrivilegesRequired::High, Scope::Changed) => 0.5,
    }
}
fn ui_w(v: UserInteraction) -> f64 {
    match v {
        UserInteraction::None => 0.85,
        UserInteraction::Required => 0.62,
    }
}
/// C, I and A share one weight table: High 0.56, Low 0.22, None 0.
fn cia_w(code: &str) -> f64 {
    match code {
        "H" => 0.56,
        "L" => 0.22,
        _ => 0.0,
    }
}
fn e_w(v: Option<ExploitCodeMaturity>) -> f64 {
    match v {
        Some(ExploitCodeMaturity::Functional) => 0.97,
        Some(ExploitCodeMaturity::ProofOfConcept) => 0.94,
        Some(ExploitCodeMaturity::Unproven) => 0.91,
        _ => 1.0,
    }
}
fn rl_w(v: Option<RemediationLevel>) -> f64 {
    match v {
        Some(RemediationLevel::Workaround) => 0.97,
        Some(RemediationLevel::TemporaryFix) => 0.96,
        Some(RemediationLevel::OfficialFix) => 0.95,
        _ => 1.0,
    }
}
fn rc_w(v: Option<ReportConfidence>) -> f64 {
    match v {
        Some(ReportConfidence::Reasonable) => 0.96,
        Some(ReportConfidence::Unknown) => 0.92,
        _ => 1.0,
    }
}
/// CR, IR and AR share one weight table: High 1.5, Medium 1, Low 0.5, Not Defined 1.
fn req_w(code: Option<&str>) -> f64 {
    match code {
        Some("H") => 1.5,
        Some("L") => 0.5,
        _ => 1.0,
    }
}

/// A CVSS v3.0 or v3.1 vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vector {
    minor: u8,
    /// AV.
    pub av: AttackVector,
    /// AC.
    pub ac: AttackComplexity,
    /// PR.
    pub pr: PrivilegesRequired,
    /// UI.
    pub ui: UserInteraction,
    /// S.
    pub s: Scope,
    /// C.
    pub c: Confidentiality,
    /// I.
    pub i: Integrity,
    /// A.
    pub a: Availability,
    /// E (temporal).
    pub e: Option<ExploitCodeMaturity>,
    /// RL (temporal).
    pub rl: Option<RemediationLevel>,
    /// RC (temporal).
    pub rc: Option<ReportConfidence>,
    /// CR (environmental).
    pub cr: Option<ConfidentialityRequirement>,
    /// IR (environmental).
    pub ir: Option<IntegrityRequirement>,
    /// AR (environmental).
    pub ar: Option<AvailabilityRequirement>,
    /// MAV (environmental).
    pub mav: Option<Modified<AttackVector>>,
    /// MAC (environmental).
    pub mac: Option<Modified<AttackComplexity>>,
    /// MPR (environmental).
    pub mpr: Option<Modified<PrivilegesRequired>>,
    /// MUI (environmental).
    pub mui: Option<Modified<UserInteraction>>,
    /// MS (environmental).
    pub ms: Option<Modified<Scope>>,
    /// MC (environmental).
    pub mc: Option<Modified<Confidentiality>>,
    /// MI (environmental).
    pub mi: Option<Modified<Integrity>>,
    /// MA (environmental).
    pub ma: Option<Modified<Availability>>,
    /// The metric abbreviations in the order the vector string gave them.
    order: Vec<&'static str>,
}

/// The order the specification writes metrics in; used for vectors built in code.
const CANONICAL: &[&str] = &[
    "AV", "AC", "PR", "UI", "S", "C", "I", "A", "E", "RL", "RC", "CR", "IR", "AR", "MAV", "MAC",
    "MPR", "MUI", "MS", "MC", "MI", "MA",
];

impl Vector {
    /// Parses `CVSS:3.0/...` or `CVSS:3.1/...`. Metrics may come in any order; each at most once.
    pub fn parse(s: &str) -> Result<Vector, CvssError> {
        let s = s.trim();
        let (minor, body, ver) = if let Some(b) = s.strip_prefix("CVSS:3.1/") {
            (1, b, "3.1")
        } else if let Some(b) = s.strip_prefix("CVSS:3.0/") {
            (0, b, "3.0")
        } else {
            return Err(CvssError::UnknownVersion(
                s.split('/').next().unwrap_or("").to_string(),
            ));
        };
        let mut av = None;
        let mut ac = None;
        let mut pr = None;
        let mut ui = None;
        let mut sc = None;
        let mut c = None;
        let mut i = None;
        let mut a = None;
        let mut v = Vector {
            minor,
            av: AttackVector::Network,
            ac: AttackComplexity::Low,
            pr: PrivilegesRequired::None,
            ui: UserInteraction::None,
            s: Scope::Unchanged,
            c: Confidentiality::None,
            i: Integrity::None,
            a: Availability::None,
            e: None,
            rl: None,
            rc: None,
            cr: None,
            ir: None,
            ar: None,
            mav: None,
            mac: None,
            mpr: None,
            mui: None,
            ms: None,
            mc: None,
            mi: None,
            ma: None,
            order: Vec::with_capacity(12),
        };
        for comp in components(body, ver) {
            let (k, val) = comp?;
            let key: &'static str = match k {
                "AV" => {
                    set(&mut av, val, ver)?;
                    AttackVector::ABBREV
                }
                "AC" => {
                    set(&mut ac, val, ver)?;
                    AttackComplexity::ABBREV
                }
                "PR" => {
                    set(&mut pr, val, ver)?;
                    PrivilegesRequired::ABBREV
                }
                "UI" => {
                    set(&mut ui, val, ver)?;
                    UserInteraction::ABBREV
                }
                "S" => {
                    set(&mut sc, val, ver)?;
                    Scope::ABBREV
                }
                "C" => {
                    set(&mut c, val, ver)?;
                    Confidentiality::ABBREV
                }
                "I" => {
                    set(&mut i, val, ver)?;
                    Integrity::ABBREV
                }
                "A" => {
                    set(&mut a, val, ver)?;
                    Availability::ABBREV
                }
                "E" => {
                    set(&mut v.e, val, ver)?;
                    ExploitCodeMaturity::ABBREV
                }
                "RL" => {
                    set(&mut v.rl, val, ver)?;
                    RemediationLevel::ABBREV
                }
                "RC" => {
                    set(&mut v.rc, val, ver)?;
                    ReportConfidence::ABBREV
                }
                "CR" => {
                    set(&mut v.cr, val, ver)?;
                    ConfidentialityRequirement::ABBREV
                }
                "IR" => {
                    set(&mut v.ir, val, ver)?;
                    IntegrityRequirement::ABBREV
                }
                "AR" => {
                    set(&mut v.ar, val, ver)?;
                    AvailabilityRequirement::ABBREV
                }
                "MAV" => {
                    set(&mut v.mav, val, ver)?;
                    "MAV"
                }
                "MAC" => {
                    set(&mut v.mac, val, ver)?;
                    "MAC"
                }
                "MPR" => {
                    set(&mut v.mpr, val, ver)?;
                    "MPR"
                }
                "MUI" => {
                    set(&mut v.mui, val, ver)?;
                    "MUI"
                }
                "MS" => {
                    set(&mut v.ms, val, ver)?;
                    "MS"
                }
                "MC" => {
                    set(&mut v.mc, val, ver)?;
                    "MC"
                }
                "MI" => {
                    set(&mut v.mi, val, ver)?;
                    "MI"
                }
                "MA" => {
                    set(&mut v.ma, val, ver)?;
                    "MA"
                }
                other => {
                    return Err(CvssError::UnknownMetric {
                        version: ver,
                        metric: other.to_string(),
                    });
                }
            };
            v.order.push(key);
        }
        v.av = required(av, ver)?;
        v.ac = required(ac, ver)?;
        v.pr = required(pr, ver)?;
        v.ui = required(ui, ver)?;
        v.s = required(sc, ver)?;
        v.c = required(c, ver)?;
        v.i = required(i, ver)?;
        v.a = required(a, ver)?;
        Ok(v)
    }

    /// [`super::Version::V3_0`] or [`super::Version::V3_1`].
    pub fn version(&self) -> super::Version {
        if self.minor == 1 {
            super::Version::V3_1
        } else {
            super::Version::V3_0
        }
    }

    /// Whether the vector carries any temporal metric (even one set to `X`).
    pub fn has_temporal(&self) -> bool {
        self.e.is_some() || self.rl.is_some() || self.rc.is_some()
    }

    /// Whether the vector carries any environmental metric (even one set to `X`).
    pub fn has_environmental(&self) -> bool {
        self.cr.is_some()
            || self.ir.is_some()
            || self.ar.is_some()
            || self.mav.is_some()
            || self.mac.is_some()
            || self.mpr.is_some()
            || self.mui.is_some()
            || self.ms.is_some()
            || self.mc.is_some()
            || self.mi.is_some()
            || self.ma.is_some()
    }

    /// v3.1 Appendix A Roundup, or v3.0's "round up to one decimal place".
    fn roundup(&self, x: f64) -> f64 {
        // Both are computed on integers after removing float noise below 1e-5, which is what
        // v3.1 specifies and what a decimal implementation of v3.0 computes in practice.
        let int = (x * 100_000.0).round() as i64;
        if int % 10_000 == 0 {
            int as f64 / 100_000.0
        } else {
            ((int / 10_000) + 1) as f64 / 10.0
        }
    }

    /// The base score (v3.1 §7.1).
    pub fn base_score(&self) -> f64 {
        let iss = 1.0
            - (1.0 - cia_w(self.c.code()))
                * (1.0 - cia_w(self.i.code()))
                * (1.0 - cia_w(self.a.code()));
        let impact = match self.s {
            Scope::Unchanged => 6.42 * iss,
            Scope::Changed => 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15),
        };
        let expl = 8.22 * av_w(self.av) * ac_w(self.ac) * pr_w(self.pr, self.s) * ui_w(self.ui);
        if impact <= 0.0 {
            return 0.0;
        }
        match self.s {
            Scope::Unchanged => self.roundup((impact + expl).min(10.0)),
            Scope::Changed => self.roundup((1.08 * (impact + expl)).min(10.0)),
        }
    }

    fn temporal_factor(&self) -> f64 {
        e_w(self.e) * rl_w(self.rl) * rc_w(self.rc)
    }

    /// The temporal score (v3.1 §7.2): the base score times E, RL and RC, rounded up.
    pub fn temporal_score(&self) -> f64 {
        self.roundup(self.base_score() * self.temporal_factor())
    }

    /// The environmental score (v3.1 §7.3): the base equations over the modified metrics,
    /// with the impact weighted by the security requirements, then the temporal factors.
    pub fn environmental_score(&self) -> f64 {
        fn res<T: Copy>(m: Option<Modified<T>>, b: T) -> T {
            m.unwrap_or(Modified::NotDefined).resolve(b)
        }
        let ms = res(self.ms, self.s);
        let mav = res(self.mav, self.av);
        let mac = res(self.mac, self.ac);
        let mpr = res(self.mpr, self.pr);
        let mui = res(self.mui, self.ui);
        let mc = res(self.mc, self.c);
        let mi = res(self.mi, self.i);
        let ma = res(self.ma, self.a);
        let miss = (1.0
            - (1.0 - req_w(self.cr.map(|r| r.code())) * cia_w(mc.code()))
                * (1.0 - req_w(self.ir.map(|r| r.code())) * cia_w(mi.code()))
                * (1.0 - req_w(self.ar.map(|r| r.code())) * cia_w(ma.code())))
        .min(0.915);
        let m_impact = match ms {
            Scope::Unchanged => 6.42 * miss,
            Scope::Changed if self.minor == 1 => {
                7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powi(13)
            }
            Scope::Changed => 7.52 * (miss - 0.029) - 3.25 * (miss - 0.02).powi(15),
        };
        let m_expl = 8.22 * av_w(mav) * ac_w(mac) * pr_w(mpr, ms) * ui_w(mui);
        if m_impact <= 0.0 {
            return 0.0;
        }
        let t = self.temporal_factor();
        match ms {
            Scope::Unchanged => self.roundup(self.roundup((m_impact + m_expl).min(10.0)) * t),
            Scope::Changed => {
                self.roundup(self.roundup((1.08 * (m_impact + m_expl)).min(10.0)) * t)
            }
        }
    }

    /// Sets the metrics written out by [`fmt::Display`] to the specification's order.
    pub fn canonicalize(&mut self) {
        let present: Vec<&'static str> = self.order.clone();
        self.order = CANONICAL
            .iter()
            .copied()
            .filter(|k| present.contains(k))
            .collect();
    }

    fn code_of(&self, key: &str) -> &'static str {
        match key {
            "AV" => self.av.code(),
            "AC" => self.ac.code(),
            "PR" => self.pr.code(),
            "UI" => self.ui.code(),
            "S" => self.s.code(),
            "C" => self.c.code(),
            "I" => self.i.code(),
            "A" => self.a.code(),
            "E" => self.e.map_or("X", Metric::code),
            "RL" => self.rl.map_or("X", Metric::code),
            "RC" => self.rc.map_or("X", Metric::code),
            "CR" => self.cr.map_or("X", Metric::code),
            "IR" => self.ir.map_or("X", Metric::code),
            "AR" => self.ar.map_or("X", Metric::code),
            "MAV" => self.mav.map_or("X", Metric::code),
            "MAC" => self.mac.map_or("X", Metric::code),
            "MPR" => self.mpr.map_or("X", Metric::code),
            "MUI" => self.mui.map_or("X", Metric::code),
            "MS" => self.ms.map_or("X", Metric::code),
            "MC" => self.mc.map_or("X", Metric::code),
            "MI" => self.mi.map_or("X", Metric::code),
            "MA" => self.ma.map_or("X", Metric::code),
            _ => "X",
        }
    }

    /// Sets an environmental or temporal metric by abbreviation and code ("MAV", "L"),
    /// recording it in the vector string: how the rubric and what-if adjust a vector.
    pub fn set_metric(&mut self, key: &str, code: &str) -> Result<(), CvssError> {
        let ver = self.version().as_str();
        macro_rules! put {
            ($field:expr) => {{
                let mut slot = None;
                set(&mut slot, code, ver)?;
                $field = slot.expect("set fills the slot");
            }};
        }
        macro_rules! put_opt {
            ($field:expr) => {{
                let mut slot = None;
                set(&mut slot, code, ver)?;
                $field = slot;
            }};
        }
        let k: &'static str = match key {
            "AV" => {
                put!(self.av);
                "AV"
            }
            "AC" => {
                put!(self.ac);
                "AC"
            }
            "PR" => {
                put!(self.pr);
                "PR"
            }
            "UI" => {
                put!(self.ui);
                "UI"
            }
            "S" => {
                put!(self.s);
                "S"
            }
            "C" => {
                put!(self.c);
                "C"
            }
            "I" => {
                put!(self.i);
                "I"
            }
            "A" => {
                put!(self.a);
                "A"
            }
            "E" => {
                put_opt!(self.e);
                "E"
            }
            "RL" => {
                put_opt!(self.rl);
                "RL"
            }
            "RC" => {
                put_opt!(self.rc);
                "RC"
            }
            "CR" => {
                put_opt!(self.cr);
                "CR"
            }
            "IR" => {
                put_opt!(self.ir);
                "IR"
            }
            "AR" => {
                put_opt!(self.ar);
                "AR"
            }
            "MAV" => {
                put_opt!(self.mav);
                "MAV"
            }
            "MAC" => {
                put_opt!(self.mac);
                "MAC"
            }
            "MPR" => {
                put_opt!(self.mpr);
                "MPR"
            }
            "MUI" => {
                put_opt!(self.mui);
                "MUI"
            }
            "MS" => {
                put_opt!(self.ms);
                "MS"
            }
            "MC" => {
                put_opt!(self.mc);
                "MC"
            }
            "MI" => {
                put_opt!(self.mi);
                "MI"
            }
            "MA" => {
                put_opt!(self.ma);
                "MA"
            }
            other => {
                return Err(CvssError::UnknownMetric {
                    version: ver,
                    metric: other.to_string(),
                });
            }
        };
        if !self.order.contains(&k) {
            self.order.push(k);
            self.canonicalize();
        }
        Ok(())
    }
}

impl fmt::Display for Vector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CVSS:3.{}", self.minor)?;
        for k in &self.order {
            write!(f, "/{k}:{}", self.code_of(k))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vector {
        Vector::parse(s).unwrap()
    }

    #[test]
    fn nvd_examples() {
        // CVE-2017-0144 (EternalBlue) as NVD scores it: 8.1 HIGH.
        assert_eq!(
            v("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H").base_score(),
            8.1
        );
        // CVE-2021-44228 (Log4Shell): 10.0.
        assert_eq!(
            v("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H").base_score(),
            10.0
        );
    }

    #[test]
    fn errors_name_the_metric() {
        let e = Vector::parse("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap_err();
        assert_eq!(e.metric(), Some("AV"));
        assert!(e.to_string().contains("expected one of N, A, L, P"), "{e}");
        let e = Vector::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H").unwrap_err();
        assert_eq!(e.metric(), Some("A"));
        let e = Vector::parse("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap_err();
        assert!(matches!(e, CvssError::Duplicate { metric: "AV", .. }));
        let e = Vector::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1").unwrap_err();
        assert!(matches!(e, CvssError::UnknownMetric { .. }), "{e}");
        let e = Vector::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/").unwrap_err();
        assert!(matches!(e, CvssError::Malformed { .. }), "{e}");
    }

    #[test]
    fn set_metric_adds_in_canonical_order() {
        let mut x = v("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        x.set_metric("MAV", "L").unwrap();
        x.set_metric("E", "F").unwrap();
        assert_eq!(
            x.to_string(),
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:F/MAV:L"
        );
        assert!(x.environmental_score() < x.base_score());
        assert!(x.set_metric("MAV", "Q").is_err());
    }
}
