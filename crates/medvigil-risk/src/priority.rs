//! Priority per finding: P1-P4 and a 0-100 risk score that explains itself.
//!
//! [`Policy::assess`] is the hot path (no allocation: fine for a million findings);
//! [`Policy::explain`] turns an assessment into the inputs, the rule that fired and the
//! assumptions made, for people and for `--json`. [`Policy::whatif`] compares a finding
//! under its current clinical profile with a changed one (another zone, a guard added).

use medvigil_model::clinical::{ClinicalProfile, CompensatingControl};
use medvigil_model::{ClinicalFunction, NetworkZone};
use serde::Serialize;

use crate::cvss::{Cvss, Version};
use crate::policy::{Policy, Priority, Rule};

/// How an attacker reaches the vulnerable component (CVSS attack/access vector).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Over a routed network.
    Network,
    /// From the same network segment or radio range.
    Adjacent,
    /// With local access (console, logged-in, a file a user opens).
    Local,
    /// By touching the device.
    Physical,
}

/// Which impacts a vulnerability has (any level above None, vulnerable or subsequent system).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Impacts {
    /// Confidentiality.
    pub confidentiality: bool,
    /// Integrity.
    pub integrity: bool,
    /// Availability.
    pub availability: bool,
}

/// What prioritization needs from a CVSS vector; cheap to copy.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SeverityInput {
    /// The score used: v4's score, else environmental, temporal or base, whichever the
    /// vector gives last.
    pub score: f64,
    /// The CVSS version.
    pub version: Version,
    /// Which score `score` is: "base", "temporal", "environmental" or "cvss-b", "cvss-bte"...
    pub kind: &'static str,
    /// Attack vector.
    pub reach: Reach,
    /// No privileges needed (v2: no authentication).
    pub no_privileges: bool,
    /// No user interaction needed (v2 has no such metric: true).
    pub no_interaction: bool,
    /// Low attack complexity (and, for v4, no attack requirements).
    pub low_complexity: bool,
    /// Which impacts the vulnerability has.
    pub impacts: Impacts,
}

impl SeverityInput {
    /// Extracts the facts from a parsed vector.
    pub fn from_cvss(c: &Cvss) -> SeverityInput {
        let s = c.scores();
        match c {
            Cvss::V2(v) => {
                use crate::cvss::v2::*;
                SeverityInput {
                    score: s.score,
                    version: Version::V2,
                    kind: kind(&s),
                    reach: match v.av {
                        AccessVector::Network => Reach::Network,
                        AccessVector::AdjacentNetwork => Reach::Adjacent,
                        AccessVector::Local => Reach::Local,
                    },
                    no_privileges: v.au == Authentication::None,
                    no_interaction: true,
                    low_complexity: v.ac == AccessComplexity::Low,
                    impacts: Impacts {
                        confidentiality: v.c != ConfImpact::None,
                        integrity: v.i != IntegImpact::None,
                        availability: v.a != AvailImpact::None,
                    },
                }
            }
            Cvss::V3(v) => {
                use crate::cvss::v3::*;
                SeverityInput {
                    score: s.score,
                    version: c.version(),
                    kind: kind(&s),
                    reach: match v.av {
                        AttackVector::Network => Reach::Network,
                        AttackVector::Adjacent => Reach::Adjacent,
                        AttackVector::Local => Reach::Local,
                        AttackVector::Physical => Reach::Physical,
                    },
                    no_privileges: v.pr == PrivilegesRequired::None,
                    no_interaction: v.ui == UserInteraction::None,
                    low_complexity: v.ac == AttackComplexity::Low,
                    impacts: Impacts {
                        confidentiality: v.c != Confidentiality::None,
                        integrity: v.i != Integrity::None,
                        availability: v.a != Availability::None,
                    },
                }
            }
            Cvss::V4(v) => {
                use crate::cvss::v4::*;
                SeverityInput {
                    score: s.score,
                    version: Version::V4,
                    kind: if v.has_threat_or_environmental() {
                        "cvss-bte"
                    } else {
                        "cvss-b"
                    },
                    reach: match v.av {
                        AttackVector::Network => Reach::Network,
                        AttackVector::Adjacent => Reach::Adjacent,
                        AttackVector::Local => Reach::Local,
                        AttackVector::Physical => Reach::Physical,
                    },
                    no_privileges: v.pr == PrivilegesRequired::None,
                    no_interaction: v.ui == UserInteraction::None,
                    low_complexity: v.ac == AttackComplexity::Low
                        && v.at == AttackRequirements::None,
                    impacts: Impacts {
                        confidentiality: v.vc != VulnConfidentiality::None
                            || v.sc != SubConfidentiality::None,
                        integrity: v.vi != VulnIntegrity::None
                            || v.si != SubIntegrity::None
                            || v.msi == Some(ModifiedSubIntegrity::Safety),
                        availability: v.va != VulnAvailability::None
                            || v.sa != SubAvailability::None
                            || v.msa == Some(ModifiedSubAvailability::Safety),
                    },
                }
            }
        }
    }
}

fn kind(s: &crate::cvss::Scores) -> &'static str {
    if s.environmental.is_some() {
        "environmental"
    } else if s.temporal.is_some() {
        "temporal"
    } else {
        "base"
    }
}

/// CISA KEV evidence for a vulnerability.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct KevEvidence {
    /// When CISA added it to the catalog (YYYY-MM-DD).
    pub date_added: Option<String>,
}

/// Everything prioritization looks at for one finding (an asset or model and a
/// vulnerability). Built by the caller from the KB, the inventory and the stored profile,
/// so this crate does not depend on the matching engine or the store.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FindingRiskInput {
    /// The vulnerability's severity, from its best CVSS vector; `None` when it has none.
    pub severity: Option<SeverityInput>,
    /// The KEV entry, if listed.
    pub kev: Option<KevEvidence>,
    /// KEV's knownRansomwareCampaignUse is "Known".
    pub known_ransomware: bool,
    /// The EPSS probability (0-1), if known.
    pub epss: Option<f64>,
    /// The device's (or model's) clinical profile.
    pub profile: ClinicalProfile,
}

/// The four factors of the score (each 0-1) and the control reduction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Factors {
    /// CVSS / 10.
    pub severity: f64,
    /// From KEV, ransomware, EPSS.
    pub exploitation: f64,
    /// From clinical function, implanted, patient-connected.
    pub patient_harm: f64,
    /// From the network zone and internet reachability.
    pub exposure: f64,
    /// Fraction removed by compensating controls.
    pub control_reduction: f64,
}

/// The outcome for one finding, without the words (see [`Policy::explain`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Assessment {
    /// P1-P4.
    pub priority: Priority,
    /// 0-100.
    pub score: u8,
    /// Index of the rule that fired in [`Policy::rules`]; `None`: set by thresholds.
    pub rule: Option<usize>,
    /// The score's factors.
    pub factors: Factors,
}

/// One input of the score, with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainedFactor {
    /// "severity", "exploitation", "patient_harm", "exposure".
    pub factor: &'static str,
    /// The factor, 0-1.
    pub value: f64,
    /// Its weight in the policy.
    pub weight: f64,
    /// The evidence ("CVSS 3.1 environmental 9.1", "in KEV since 2023-05-01").
    pub evidence: String,
}

/// An assessment in words: what went in, which rule fired, what was assumed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// P1-P4.
    pub priority: Priority,
    /// 0-100.
    pub score: u8,
    /// The rule that fired: "rule 1" (its position in the policy) or "thresholds".
    pub rule: String,
    /// One line: "P1: in KEV, life-sustaining, reachable from the hospital LAN".
    pub summary: String,
    /// The score's inputs.
    pub inputs: Vec<ExplainedFactor>,
    /// Compensating controls counted, with their reductions ("guard -30%").
    pub controls: Vec<String>,
    /// What was assumed for missing data.
    pub assumptions: Vec<String>,
}

/// The effect of changing a finding's clinical profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    /// Now.
    pub before: Explanation,
    /// After the change.
    pub after: Explanation,
    /// after.score - before.score.
    pub score_change: i16,
    /// Whether the priority changes.
    pub priority_changed: bool,
}

/// The zone prioritization uses: internet reachability wins over the recorded zone.
fn effective_zone(p: &ClinicalProfile) -> Option<NetworkZone> {
    if p.internet_reachable == Some(true) {
        Some(NetworkZone::InternetExposed)
    } else {
        p.network_zone
    }
}

fn zone_phrase(z: NetworkZone) -> &'static str {
    match z {
        NetworkZone::InternetExposed => "reachable from the internet",
        NetworkZone::HospitalLan => "reachable from the hospital LAN",
        NetworkZone::ClinicalVlan => "on a clinical VLAN",
        NetworkZone::Isolated => "isolated",
    }
}

fn function_phrase(f: ClinicalFunction) -> String {
    f.as_str().replace('_', "-")
}

impl Policy {
    /// Scores and prioritizes one finding.
    pub fn assess(&self, input: &FindingRiskInput) -> Assessment {
        let factors = self.factors(input);
        let w = &self.weights;
        let total = w.severity + w.exploitation + w.patient_harm + w.exposure;
        let raw = (w.severity * factors.severity
            + w.exploitation * factors.exploitation
            + w.patient_harm * factors.patient_harm
            + w.exposure * factors.exposure)
            / total;
        let score = (100.0 * raw * (1.0 - factors.control_reduction))
            .round()
            .clamp(0.0, 100.0) as u8;
        let rule = self
            .rules
            .iter()
            .position(|r| self.rule_holds(r, input, score));
        let priority = match rule {
            Some(i) => self.rules[i].priority.unwrap_or(Priority::P4),
            None => self.by_threshold(score),
        };
        Assessment {
            priority,
            score,
            rule,
            factors,
        }
    }

    fn by_threshold(&self, score: u8) -> Priority {
        let t = &self.thresholds;
        if score >= t.p1 {
            Priority::P1
        } else if score >= t.p2 {
            Priority::P2
        } else if score >= t.p3 {
            Priority::P3
        } else {
            Priority::P4
        }
    }

    fn factors(&self, input: &FindingRiskInput) -> Factors {
        let severity = input
            .severity
            .map_or(self.severity.unknown, |s| (s.score / 10.0).clamp(0.0, 1.0));
        let e = &self.exploitation;
        let mut exploitation: f64 = 0.0;
        if input.kev.is_some() {
            exploitation = exploitation.max(e.kev);
        }
        if input.known_ransomware {
            exploitation = exploitation.max(e.known_ransomware);
        }
        if let Some(p) = input.epss {
            exploitation = exploitation.max((p / e.epss_saturation).clamp(0.0, 1.0));
        }
        if input.kev.is_none() && !input.known_ransomware && input.epss.is_none() {
            exploitation = e.no_evidence;
        }
        let p = &input.profile;
        let h = &self.patient_harm;
        let mut patient_harm = h.of(p.clinical_function);
        if p.implanted == Some(true) {
            patient_harm = patient_harm.max(h.implanted);
        }
        if p.patient_connected == Some(true) {
            patient_harm = patient_harm.max(h.patient_connected);
        }
        let exposure = self.exposure.of(effective_zone(p));
        let control_reduction = p
            .controls
            .iter()
            .map(|c| self.controls.of(*c))
            .sum::<f64>()
            .min(self.controls.max_reduction);
        Factors {
            severity,
            exploitation,
            patient_harm,
            exposure,
            control_reduction,
        }
    }

    fn rule_holds(&self, r: &Rule, input: &FindingRiskInput, score: u8) -> bool {
        let p = &input.profile;
        let in_kev = input.kev.is_some();
        if r.exploited
            .is_some_and(|want| want != (in_kev || input.known_ransomware))
        {
            return false;
        }
        if r.in_kev.is_some_and(|want| want != in_kev) {
            return false;
        }
        if r.ransomware
            .is_some_and(|want| want != input.known_ransomware)
        {
            return false;
        }
        if let Some(min) = r.min_epss
            && !input.epss.is_some_and(|e| e >= min)
        {
            return false;
        }
        if let Some(min) = r.min_cvss
            && !input.severity.is_some_and(|s| s.score >= min)
        {
            return false;
        }
        if let Some(fs) = &r.functions
            && !p.clinical_function.is_some_and(|f| fs.contains(&f))
        {
            return false;
        }
        if r.implanted
            .is_some_and(|want| want != (p.implanted == Some(true)))
        {
            return false;
        }
        if r.patient_connected
            .is_some_and(|want| want != (p.patient_connected == Some(true)))
        {
            return false;
        }
        if let Some(z) = r.reachable_from {
            // Unknown zone: assume the hospital LAN, as the exposure factor does.
            let zone = effective_zone(p).unwrap_or(NetworkZone::HospitalLan);
            if zone > z {
                return false;
            }
        }
        if let Some(cs) = &r.without_controls
            && cs.iter().any(|c| p.controls.contains(c))
        {
            return false;
        }
        if r.min_score.is_some_and(|m| score < m) {
            return false;
        }
        if r.min_devices_affected
            .is_some_and(|m| p.devices_affected < m)
        {
            return false;
        }
        true
    }

    /// The assessment in words.
    pub fn explain(&self, input: &FindingRiskInput, a: &Assessment) -> Explanation {
        let p = &input.profile;
        let mut assumptions = Vec::new();
        let sev_evidence = match &input.severity {
            Some(s) => format!(
                "CVSS {} {} score {:.1}",
                s.version.as_str(),
                s.kind,
                s.score
            ),
            None => {
                assumptions.push(format!(
                    "no CVSS score: severity factor {} assumed",
                    self.severity.unknown
                ));
                "no CVSS score".to_string()
            }
        };
        let mut ex = Vec::new();
        if let Some(k) = &input.kev {
            ex.push(match &k.date_added {
                Some(d) => format!("in KEV since {d}"),
                None => "in KEV".to_string(),
            });
        }
        if input.known_ransomware {
            ex.push("known ransomware use".to_string());
        }
        if let Some(e) = input.epss {
            ex.push(format!("EPSS {e:.3}"));
        }
        if ex.is_empty() {
            ex.push("no exploitation evidence (not in KEV, no EPSS)".to_string());
        }
        let mut harm = match p.clinical_function {
            Some(f) => function_phrase(f),
            None => {
                assumptions.push(format!(
                    "clinical function unknown: patient-harm factor {} assumed",
                    self.patient_harm.unknown
                ));
                "clinical function unknown".to_string()
            }
        };
        if p.implanted == Some(true) {
            harm.push_str(", implanted");
        }
        if p.patient_connected == Some(true) {
            harm.push_str(", patient-connected");
        }
        let exposure = match effective_zone(p) {
            Some(z) => zone_phrase(z).to_string(),
            None => {
                assumptions.push("network zone unknown: the hospital LAN assumed".to_string());
                "network zone unknown".to_string()
            }
        };
        let w = &self.weights;
        let f = &a.factors;
        let inputs = vec![
            ExplainedFactor {
                factor: "severity",
                value: f.severity,
                weight: w.severity,
                evidence: sev_evidence,
            },
            ExplainedFactor {
                factor: "exploitation",
                value: f.exploitation,
                weight: w.exploitation,
                evidence: ex.join(", "),
            },
            ExplainedFactor {
                factor: "patient_harm",
                value: f.patient_harm,
                weight: w.patient_harm,
                evidence: harm,
            },
            ExplainedFactor {
                factor: "exposure",
                value: f.exposure,
                weight: w.exposure,
                evidence: exposure,
            },
        ];
        let controls = p
            .controls
            .iter()
            .map(|c| format!("{c} -{:.0}%", self.controls.of(*c) * 100.0))
            .collect();
        let (rule, summary) = match a.rule {
            Some(i) => (
                format!("rule {}", i + 1),
                format!(
                    "{}: {}",
                    a.priority,
                    self.reasons(&self.rules[i], input, a.score)
                ),
            ),
            None => {
                let t = &self.thresholds;
                let why = match a.priority {
                    Priority::P1 => format!("risk score {} >= {}", a.score, t.p1),
                    Priority::P2 => format!("risk score {} >= {}", a.score, t.p2),
                    Priority::P3 => format!("risk score {} >= {}", a.score, t.p3),
                    Priority::P4 => format!("risk score {} < {}", a.score, t.p3),
                };
                (
                    "thresholds".to_string(),
                    format!("{}: {why}, no rule fired", a.priority),
                )
            }
        };
        Explanation {
            priority: a.priority,
            score: a.score,
            rule,
            summary,
            inputs,
            controls,
            assumptions,
        }
    }

    /// The conditions of a rule that fired, in words.
    fn reasons(&self, r: &Rule, input: &FindingRiskInput, score: u8) -> String {
        let p = &input.profile;
        let mut out: Vec<String> = Vec::new();
        if r.exploited.is_some() || r.in_kev.is_some() || r.ransomware.is_some() {
            let mut ev = Vec::new();
            if input.kev.is_some() {
                ev.push("in KEV");
            }
            if input.known_ransomware {
                ev.push("known ransomware use");
            }
            if ev.is_empty() {
                ev.push("not known to be exploited");
            }
            out.push(ev.join(", "));
        }
        if let (Some(min), Some(e)) = (r.min_epss, input.epss) {
            out.push(format!("EPSS {e:.2} >= {min:.2}"));
        }
        if let (Some(min), Some(s)) = (r.min_cvss, input.severity) {
            out.push(format!("CVSS {:.1} >= {min:.1}", s.score));
        }
        if let (Some(_), Some(f)) = (&r.functions, p.clinical_function) {
            out.push(function_phrase(f));
        }
        if let Some(want) = r.implanted {
            out.push(if want { "implanted" } else { "not implanted" }.to_string());
        }
        if let Some(want) = r.patient_connected {
            out.push(
                if want {
                    "patient-connected"
                } else {
                    "not patient-connected"
                }
                .to_string(),
            );
        }
        if r.reachable_from.is_some() {
            out.push(match effective_zone(p) {
                Some(z) => zone_phrase(z).to_string(),
                None => "network zone unknown (hospital LAN assumed)".to_string(),
            });
        }
        if let Some(cs) = &r.without_controls {
            let names: Vec<&str> = cs.iter().map(|c| c.as_str()).collect();
            out.push(format!("no {}", names.join(" or ")));
        }
        if let Some(m) = r.min_score {
            out.push(format!("risk score {score} >= {m}"));
        }
        if r.min_devices_affected.is_some() {
            out.push(format!(
                "{} devices at {} sites affected",
                p.devices_affected, p.sites_affected
            ));
        }
        if out.is_empty() {
            out.push("catch-all rule".to_string());
        }
        out.join(", ")
    }

    /// Assesses and explains in one call.
    pub fn prioritize(&self, input: &FindingRiskInput) -> Explanation {
        let a = self.assess(input);
        self.explain(input, &a)
    }

    /// Assesses many findings and returns their indexes in the order to work on them:
    /// by priority, then score (highest first), then input order.
    pub fn rank(&self, inputs: &[FindingRiskInput]) -> Vec<(usize, Assessment)> {
        let mut out: Vec<(usize, Assessment)> =
            inputs.iter().map(|f| self.assess(f)).enumerate().collect();
        out.sort_by_key(|(i, a)| (a.priority, std::cmp::Reverse(a.score), *i));
        out
    }

    /// Compares the finding under its profile with the same finding under `changed`.
    pub fn whatif(&self, input: &FindingRiskInput, changed: &ClinicalProfile) -> WhatIf {
        let before = self.prioritize(input);
        let mut other = input.clone();
        other.profile = changed.clone();
        let after = self.prioritize(&other);
        WhatIf {
            score_change: after.score as i16 - before.score as i16,
            priority_changed: after.priority != before.priority,
            before,
            after,
        }
    }
}

/// The controls a profile has, as a sorted list of names (for display).
pub fn control_names(p: &ClinicalProfile) -> Vec<&'static str> {
    p.controls
        .iter()
        .map(|c: &CompensatingControl| c.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(vector: &str) -> FindingRiskInput {
        let c: Cvss = vector.parse().unwrap();
        FindingRiskInput {
            severity: Some(SeverityInput::from_cvss(&c)),
            ..Default::default()
        }
    }

    fn pump() -> ClinicalProfile {
        ClinicalProfile {
            clinical_function: Some(ClinicalFunction::LifeSustaining),
            patient_connected: Some(true),
            network_zone: Some(NetworkZone::HospitalLan),
            ..Default::default()
        }
    }

    #[test]
    fn kev_life_sustaining_on_the_lan_is_p1_and_says_why() {
        let policy = Policy::default();
        let mut f = input("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        f.kev = Some(KevEvidence {
            date_added: Some("2023-05-01".into()),
        });
        f.profile = pump();
        let e = policy.prioritize(&f);
        assert_eq!(e.priority, Priority::P1);
        assert_eq!(
            e.summary,
            "P1: in KEV, life-sustaining, reachable from the hospital LAN"
        );
        assert_eq!(e.rule, "rule 1");
        assert!(e.score >= 80, "{}", e.score);
        assert!(e.inputs[1].evidence.contains("in KEV since 2023-05-01"));
    }

    #[test]
    fn the_same_flaw_in_an_isolated_lab_analyser_is_low() {
        let policy = Policy::default();
        let mut f = input("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        f.epss = Some(0.02);
        f.profile = ClinicalProfile {
            clinical_function: Some(ClinicalFunction::Diagnostic),
            network_zone: Some(NetworkZone::Isolated),
            ..Default::default()
        };
        let e = policy.prioritize(&f);
        assert!(e.priority >= Priority::P3, "{e:?}");
        assert!(e.summary.ends_with("no rule fired"), "{}", e.summary);
    }

    #[test]
    fn whatif_guard_and_isolation_lower_the_score() {
        let policy = Policy::default();
        let mut f = input("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        f.kev = Some(KevEvidence::default());
        f.profile = pump();
        let mut changed = pump();
        changed.network_zone = Some(NetworkZone::Isolated);
        changed.controls.insert(CompensatingControl::Guard);
        let w = policy.whatif(&f, &changed);
        assert_eq!(w.before.priority, Priority::P1);
        assert!(w.score_change < 0, "{w:?}");
        assert!(w.priority_changed);
        assert_eq!(w.after.controls, vec!["guard -30%".to_string()]);
    }

    #[test]
    fn unknown_data_is_assumed_out_loud() {
        let policy = Policy::default();
        let e = policy.prioritize(&FindingRiskInput::default());
        assert_eq!(e.assumptions.len(), 3, "{:?}", e.assumptions);
        // 30*0.5 + 30*0.2 + 25*0.6 + 15*0.7 = 46.5 of 100.
        assert_eq!(e.score, 47);
        assert_eq!(e.priority, Priority::P3);
    }

    #[test]
    fn rank_orders_by_priority_then_score_and_fleet_size_can_fire_a_rule() {
        let mut policy = Policy::default();
        let mut big = input("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N");
        big.profile.devices_affected = 400;
        big.profile.sites_affected = 3;
        let small = input("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        let ranked = policy.rank(&[big.clone(), small.clone()]);
        assert_eq!(ranked[0].0, 1, "higher score first when no rule fires");
        policy.rules.insert(
            0,
            Rule {
                priority: Some(Priority::P1),
                min_devices_affected: Some(100),
                ..Default::default()
            },
        );
        let ranked = policy.rank(&[big.clone(), small]);
        assert_eq!(ranked[0].0, 0);
        assert_eq!(
            policy.prioritize(&big).summary,
            "P1: 400 devices at 3 sites affected"
        );
    }

    #[test]
    fn score_is_monotonic_in_each_factor() {
        let policy = Policy::default();
        let base = input("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:N");
        let mut hi = input("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        assert!(policy.assess(&hi).score > policy.assess(&base).score);
        let before = policy.assess(&hi).score;
        hi.epss = Some(0.9);
        assert!(policy.assess(&hi).score > before);
    }
}
