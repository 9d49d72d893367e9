//! CVSS v2.0 (FIRST, "A Complete Guide to the Common Vulnerability Scoring System Version
//! 2.0", <https://www.first.org/cvss/v2/guide>). Section numbers below refer to it.
//!
//! Not-defined values are spelled `ND`. NVD writes v2 vectors without a prefix; the
//! parser also accepts `CVSS:2.0/` and NVD's older parenthesised form, and prints back
//! whichever it was given.

use std::fmt;

use super::metric::{Metric, components, metric, required, set};
use super::{CvssError, round1};

const VER: &str = "2.0";

metric! {
    /// Access Vector (AV), §2.1.1: "This metric reflects how the vulnerability is exploited."
    AccessVector, "AV", "Access Vector" {
        /// Local (L): 0.395.
        Local = "L",
        /// Adjacent Network (A): 0.646.
        AdjacentNetwork = "A",
        /// Network (N): 1.0.
        Network = "N",
    }
}

metric! {
    /// Access Complexity (AC), §2.1.2: "This metric measures the complexity of the attack
    /// required to exploit the vulnerability once an attacker has gained access to the
    /// target system."
    AccessComplexity, "AC", "Access Complexity" {
        /// High (H): 0.35.
        High = "H",
        /// Medium (M): 0.61.
        Medium = "M",
        /// Low (L): 0.71.
        Low = "L",
    }
}

metric! {
    /// Authentication (Au), §2.1.3: "This metric measures the number of times an attacker
    /// must authenticate to a target in order to exploit a vulnerability."
    Authentication, "Au", "Authentication" {
        /// Multiple (M): 0.45.
        Multiple = "M",
        /// Single (S): 0.56.
        Single = "S",
        /// None (N): 0.704.
        None = "N",
    }
}

metric! {
    /// Confidentiality Impact (C), §2.1.4: "This metric measures the impact on
    /// confidentiality of a successfully exploited vulnerability."
    ConfImpact, "C", "Confidentiality Impact" {
        /// None (N): 0.
        None = "N",
        /// Partial (P): 0.275.
        Partial = "P",
        /// Complete (C): 0.660.
        Complete = "C",
    }
}

metric! {
    /// Integrity Impact (I), §2.1.5: "This metric measures the impact to integrity of a
    /// successfully exploited vulnerability."
    IntegImpact, "I", "Integrity Impact" {
        /// None (N): 0.
        None = "N",
        /// Partial (P): 0.275.
        Partial = "P",
        /// Complete (C): 0.660.
        Complete = "C",
    }
}

metric! {
    /// Availability Impact (A), §2.1.6: "This metric measures the impact to availability
    /// of a successfully exploited vulnerability."
    AvailImpact, "A", "Availability Impact" {
        /// None (N): 0.
        None = "N",
        /// Partial (P): 0.275.
        Partial = "P",
        /// Complete (C): 0.660.
        Complete = "C",
    }
}

metric! {
    /// Exploitability (E), §2.2.1: "This metric measures the current state of exploit
    /// techniques or code availability."
    Exploitability, "E", "Exploitability" {
        /// Unproven (U): 0.85.
        Unproven = "U",
        /// Proof-of-Concept (POC): 0.9.
        ProofOfConcept = "POC",
        /// Functional (F): 0.95.
        Functional = "F",
        /// High (H): 1.0.
        High = "H",
        /// Not Defined (ND): 1.0.
        NotDefined = "ND",
    }
}

metric! {
    /// Remediation Level (RL), §2.2.2: "The remediation level of a vulnerability is an
    /// important factor for prioritization."
    RemediationLevel, "RL", "Remediation Level" {
        /// Official Fix (OF): 0.87.
        OfficialFix = "OF",
        /// Temporary Fix (TF): 0.90.
        TemporaryFix = "TF",
        /// Workaround (W): 0.95.
        Workaround = "W",
        /// Unavailable (U): 1.0.
        Unavailable = "U",
        /// Not Defined (ND): 1.0.
        NotDefined = "ND",
    }
}

metric! {
    /// Report Confidence (RC), §2.2.3: "This metric measures the degree of confidence in
    /// the existence of the vulnerability and the credibility of the known technical details."
    ReportConfidence, "RC", "Report Confidence" {
        /// Unconfirmed (UC): 0.90.
        Unconfirmed = "UC",
        /// Uncorroborated (UR): 0.95.
        Uncorroborated = "UR",
        /// Confirmed (C): 1.0.
        Confirmed = "C",
        /// Not Defined (ND): 1.0.
        NotDefined = "ND",
    }
}

metric! {
    /// Collateral Damage Potential (CDP), §2.3.1: "This metric measures the potential for
    /// loss of life or physical assets through damage or theft of property or equipment."
    CollateralDamagePotential, "CDP", "Collateral Damage Potential" {
        /// None (N): 0.
        None = "N",
        /// Low (L): 0.1.
        Low = "L",
        /// Low-Medium (LM): 0.3.
        LowMedium = "LM",
        /// Medium-High (MH): 0.4.
        MediumHigh = "MH",
        /// High (H): 0.5.
        High = "H",
        /// Not Defined (ND): 0.
        NotDefined = "ND",
    }
}

metric! {
    /// Target Distribution (TD), §2.3.2: "This metric measures the proportion of
    /// vulnerable systems."
    TargetDistribution, "TD", "Target Distribution" {
        /// None (N): 0.
        None = "N",
        /// Low (L): 0.25.
        Low = "L",
        /// Medium (M): 0.75.
        Medium = "M",
        /// High (H): 1.0.
        High = "H",
        /// Not Defined (ND): 1.0.
        NotDefined = "ND",
    }
}

metric! {
    /// Confidentiality Requirement (CR), §2.3.3: "These metrics enable the analyst to
    /// customize the CVSS score depending on the importance of the affected IT asset."
    ConfReq, "CR", "Confidentiality Requirement" {
        /// Low (L): 0.5.
        Low = "L",
        /// Medium (M): 1.0.
        Medium = "M",
        /// High (H): 1.51.
        High = "H",
        /// Not Defined (ND): 1.0.
        NotDefined = "ND",
    }
}

metric! {
    /// Integrity Requirement (IR), §2.3.3 (see [`ConfReq`]).
    IntegReq, "IR", "Integrity Requirement" {
        /// Low (L): 0.5.
        Low = "L",
        /// Medium (M): 1.0.
        Medium = "M",
        /// High (H): 1.51.
        High = "H",
        /// Not Defined (ND): 1.0.
        NotDefined = "ND",
    }
}

metric! {
    /// Availability Requirement (AR), §2.3.3 (see [`ConfReq`]).
    AvailReq, "AR", "Availability Requirement" {
        /// Low (L): 0.5.
        Low = "L",
        /// Medium (M): 1.0.
        Medium = "M",
        /// High (H): 1.51.
        High = "H",
        /// Not Defined (ND): 1.0.
        NotDefined = "ND",
    }
}

fn impact_w(code: &str) -> f64 {
    match code {
        "P" => 0.275,
        "C" => 0.660,
        _ => 0.0,
    }
}
fn req_w(code: Option<&str>) -> f64 {
    match code {
        Some("L") => 0.5,
        Some("H") => 1.51,
        _ => 1.0,
    }
}

/// How the vector string was wrapped, so it prints back the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wrap {
    Bare,
    Prefixed,
    Parenthesised,
}

/// A CVSS v2.0 vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vector {
    /// AV.
    pub av: AccessVector,
    /// AC.
    pub ac: AccessComplexity,
    /// Au.
    pub au: Authentication,
    /// C.
    pub c: ConfImpact,
    /// I.
    pub i: IntegImpact,
    /// A.
    pub a: AvailImpact,
    /// E (temporal).
    pub e: Option<Exploitability>,
    /// RL (temporal).
    pub rl: Option<RemediationLevel>,
    /// RC (temporal).
    pub rc: Option<ReportConfidence>,
    /// CDP (environmental).
    pub cdp: Option<CollateralDamagePotential>,
    /// TD (environmental).
    pub td: Option<TargetDistribution>,
    /// CR (environmental).
    pub cr: Option<ConfReq>,
    /// IR (environmental).
    pub ir: Option<IntegReq>,
    /// AR (environmental).
    pub ar: Option<AvailReq>,
    order: Vec<&'static str>,
    wrap: Wrap,
}

impl Vector {
    /// Parses a v2 vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P`, optionally with temporal and
    /// environmental metrics).
    pub fn parse(s: &str) -> Result<Vector, CvssError> {
        let s = s.trim();
        let (body, wrap) = if let Some(b) = s.strip_prefix("CVSS:2.0/") {
            (b, Wrap::Prefixed)
        } else if let Some(b) = s.strip_prefix('(').and_then(|b| b.strip_suffix(')')) {
            (b, Wrap::Parenthesised)
        } else {
            (s, Wrap::Bare)
        };
        if body.starts_with("CVSS:") {
            return Err(CvssError::UnknownVersion(
                body.split('/').next().unwrap_or("").to_string(),
            ));
        }
        let (mut av, mut ac, mut au, mut c, mut i, mut a) = (None, None, None, None, None, None);
        let mut v = Vector {
            av: AccessVector::Network,
            ac: AccessComplexity::Low,
            au: Authentication::None,
            c: ConfImpact::None,
            i: IntegImpact::None,
            a: AvailImpact::None,
            e: None,
            rl: None,
            rc: None,
            cdp: None,
            td: None,
            cr: None,
            ir: None,
            ar: None,
            order: Vec::with_capacity(6),
            wrap,
        };
        for comp in components(body, VER) {
            let (k, val) = comp?;
            let key: &'static str = match k {
                "AV" => {
                    set(&mut av, val, VER)?;
                    "AV"
                }
                "AC" => {
                    set(&mut ac, val, VER)?;
                    "AC"
                }
                "Au" => {
                    set(&mut au, val, VER)?;
                    "Au"
                }
                "C" => {
                    set(&mut c, val, VER)?;
                    "C"
                }
                "I" => {
                    set(&mut i, val, VER)?;
                    "I"
                }
                "A" => {
                    set(&mut a, val, VER)?;
                    "A"
                }
                "E" => {
                    set(&mut v.e, val, VER)?;
                    "E"
                }
                "RL" => {
                    set(&mut v.rl, val, VER)?;
                    "RL"
                }
                "RC" => {
                    set(&mut v.rc, val, VER)?;
                    "RC"
                }
                "CDP" => {
                    set(&mut v.cdp, val, VER)?;
                    "CDP"
                }
                "TD" => {
                    set(&mut v.td, val, VER)?;
                    "TD"
                }
                "CR" => {
                    set(&mut v.cr, val, VER)?;
                    "CR"
                }
                "IR" => {
                    set(&mut v.ir, val, VER)?;
                    "IR"
                }
                "AR" => {
                    set(&mut v.ar, val, VER)?;
                    "AR"
                }
                other => {
                    return Err(CvssError::UnknownMetric {
                        version: VER,
                        metric: other.to_string(),
                    });
                }
            };
            v.order.push(key);
        }
        v.av = required(av, VER)?;
        v.ac = required(ac, VER)?;
        v.au = required(au, VER)?;
        v.c = required(c, VER)?;
        v.i = required(i, VER)?;
        v.a = required(a, VER)?;
        Ok(v)
    }

    /// Whether any temporal metric is present.
    pub fn has_temporal(&self) -> bool {
        self.e.is_some() || self.rl.is_some() || self.rc.is_some()
    }

    /// Whether any environmental metric is present.
    pub fn has_environmental(&self) -> bool {
        self.cdp.is_some()
            || self.td.is_some()
            || self.cr.is_some()
            || self.ir.is_some()
            || self.ar.is_some()
    }

    fn exploitability(&self) -> f64 {
        let av = match self.av {
            AccessVector::Local => 0.395,
            AccessVector::AdjacentNetwork => 0.646,
            AccessVector::Network => 1.0,
        };
        let ac = match self.ac {
            AccessComplexity::High => 0.35,
            AccessComplexity::Medium => 0.61,
            AccessComplexity::Low => 0.71,
        };
        let au = match self.au {
            Authentication::Multiple => 0.45,
            Authentication::Single => 0.56,
            Authentication::None => 0.704,
        };
        20.0 * av * ac * au
    }

    /// §3.2.1: BaseScore = round_to_1_decimal(((0.6*Impact)+(0.4*Exploitability)-1.5)*f(Impact)).
    fn base_with_impact(&self, impact: f64) -> f64 {
        let f = if impact == 0.0 { 0.0 } else { 1.176 };
        round1(((0.6 * impact) + (0.4 * self.exploitability()) - 1.5) * f)
    }

    /// The base score (§3.2.1).
    pub fn base_score(&self) -> f64 {
        let impact = 10.41
            * (1.0
                - (1.0 - impact_w(self.c.code()))
                    * (1.0 - impact_w(self.i.code()))
                    * (1.0 - impact_w(self.a.code())));
        self.base_with_impact(impact)
    }

    fn temporal_of(&self, base: f64) -> f64 {
        let e = match self.e {
            Some(Exploitability::Unproven) => 0.85,
            Some(Exploitability::ProofOfConcept) => 0.9,
            Some(Exploitability::Functional) => 0.95,
            _ => 1.0,
        };
        let rl = match self.rl {
            Some(RemediationLevel::OfficialFix) => 0.87,
            Some(RemediationLevel::TemporaryFix) => 0.90,
            Some(RemediationLevel::Workaround) => 0.95,
            _ => 1.0,
        };
        let rc = match self.rc {
            Some(ReportConfidence::Unconfirmed) => 0.90,
            Some(ReportConfidence::Uncorroborated) => 0.95,
            _ => 1.0,
        };
        round1(base * e * rl * rc)
    }

    /// The temporal score (§3.2.2): round_to_1_decimal(BaseScore*E*RL*RC).
    pub fn temporal_score(&self) -> f64 {
        self.temporal_of(self.base_score())
    }

    /// The environmental score (§3.2.3): the temporal score recomputed with the impact
    /// weighted by CR/IR/AR (capped at 10), then adjusted for collateral damage and
    /// target distribution.
    pub fn environmental_score(&self) -> f64 {
        let adjusted_impact = (10.41
            * (1.0
                - (1.0 - impact_w(self.c.code()) * req_w(self.cr.map(|r| r.code())))
                    * (1.0 - impact_w(self.i.code()) * req_w(self.ir.map(|r| r.code())))
                    * (1.0 - impact_w(self.a.code()) * req_w(self.ar.map(|r| r.code())))))
        .min(10.0);
        let adjusted_temporal = self.temporal_of(self.base_with_impact(adjusted_impact));
        let cdp = match self.cdp {
            Some(CollateralDamagePotential::Low) => 0.1,
            Some(CollateralDamagePotential::LowMedium) => 0.3,
            Some(CollateralDamagePotential::MediumHigh) => 0.4,
            Some(CollateralDamagePotential::High) => 0.5,
            _ => 0.0,
        };
        let td = match self.td {
            Some(TargetDistribution::None) => 0.0,
            Some(TargetDistribution::Low) => 0.25,
            Some(TargetDistribution::Medium) => 0.75,
            _ => 1.0,
        };
        round1((adjusted_temporal + (10.0 - adjusted_temporal) * cdp) * td)
    }

    /// The vector without `CVSS:2.0/` or parentheses, as NVD and the CVSS JSON schema write it.
    pub fn bare_string(&self) -> String {
        let mut bare = self.clone();
        bare.wrap = Wrap::Bare;
        bare.to_string()
    }

    fn code_of(&self, key: &str) -> &'static str {
        match key {
            "AV" => self.av.code(),
            "AC" => self.ac.code(),
            "Au" => self.au.code(),
            "C" => self.c.code(),
            "I" => self.i.code(),
            "A" => self.a.code(),
            "E" => self.e.map_or("ND", Metric::code),
            "RL" => self.rl.map_or("ND", Metric::code),
            "RC" => self.rc.map_or("ND", Metric::code),
            "CDP" => self.cdp.map_or("ND", Metric::code),
            "TD" => self.td.map_or("ND", Metric::code),
            "CR" => self.cr.map_or("ND", Metric::code),
            "IR" => self.ir.map_or("ND", Metric::code),
            "AR" => self.ar.map_or("ND", Metric::code),
            _ => "ND",
        }
    }
}

impl fmt::Display for Vector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.wrap {
            Wrap::Bare => {}
            Wrap::Prefixed => f.write_str("CVSS:2.0/")?,
            Wrap::Parenthesised => f.write_str("(")?,
        }
        for (n, k) in self.order.iter().enumerate() {
            if n > 0 {
                f.write_str("/")?;
            }
            write!(f, "{k}:{}", self.code_of(k))?;
        }
        if self.wrap == Wrap::Parenthesised {
            f.write_str(")")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_examples() {
        // The v2 guide's §3.3.1 example, CVE-2002-0392: base 7.8, temporal 6.4,
        // environmental 9.2 (CDP:H/TD:H/CR:M/IR:M/AR:H).
        let v =
            Vector::parse("AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H")
                .unwrap();
        assert_eq!(v.base_score(), 7.8);
        assert_eq!(v.temporal_score(), 6.4);
        assert_eq!(v.environmental_score(), 9.2);
    }

    #[test]
    fn wrappers_round_trip_and_errors_name_metric() {
        for s in [
            "(AV:N/AC:L/Au:N/C:P/I:P/A:P)",
            "CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P",
        ] {
            assert_eq!(Vector::parse(s).unwrap().to_string(), s);
        }
        let e = Vector::parse("AV:N/AC:L/Au:X/C:P/I:P/A:P").unwrap_err();
        assert_eq!(e.metric(), Some("Au"));
    }
}
