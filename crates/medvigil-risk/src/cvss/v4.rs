//! CVSS v4.0 (FIRST, <https://www.first.org/cvss/v4-0/specification-document>).
//!
//! v4 has no closed-form equation. A vector maps to a MacroVector (six equivalence
//! classes, §8.2), whose score is looked up in the table FIRST published with the
//! specification ([`super::v4_lookup`]); the vector's score is then interpolated down by
//! its severity distance from the highest-severity vectors of its MacroVector (§8.3), as
//! the FIRST reference calculator does. Threat (E) and environmental metrics enter the
//! same computation; supplemental metrics never change the score.

use std::fmt;

use super::metric::{Metric, Modified, components, metric, modifiable, required, set};
use super::v4_lookup::lookup;
use super::{CvssError, round1};

const VER: &str = "4.0";

metric! {
    /// Attack Vector (AV), §2.1.1: "This metric reflects the context by which
    /// vulnerability exploitation is possible."
    AttackVector, "AV", "Attack Vector" {
        /// Network (N).
        Network = "N",
        /// Adjacent (A).
        Adjacent = "A",
        /// Local (L).
        Local = "L",
        /// Physical (P).
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
    /// Attack Complexity (AC), §2.1.2: "This metric captures measurable actions that must
    /// be taken by the attacker to actively evade or circumvent existing built-in
    /// security-enhancing conditions in order to obtain a working exploit."
    AttackComplexity, "AC", "Attack Complexity" {
        /// Low (L).
        Low = "L",
        /// High (H).
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
    /// Attack Requirements (AT), §2.1.3: "This metric captures the prerequisite deployment
    /// and execution conditions or variables of the vulnerable system that enable the attack."
    AttackRequirements, "AT", "Attack Requirements" {
        /// None (N).
        None = "N",
        /// Present (P).
        Present = "P",
    }
}
modifiable!(
    AttackRequirements,
    "MAT",
    "Modified Attack Requirements",
    ["N", "P"]
);

metric! {
    /// Privileges Required (PR), §2.1.4: "This metric describes the level of privileges an
    /// attacker must possess prior to successfully exploiting the vulnerability."
    PrivilegesRequired, "PR", "Privileges Required" {
        /// None (N).
        None = "N",
        /// Low (L).
        Low = "L",
        /// High (H).
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
    /// User Interaction (UI), §2.1.5: "This metric captures the requirement for a human
    /// user, other than the attacker, to participate in the successful compromise."
    UserInteraction, "UI", "User Interaction" {
        /// None (N).
        None = "N",
        /// Passive (P).
        Passive = "P",
        /// Active (A).
        Active = "A",
    }
}
modifiable!(
    UserInteraction,
    "MUI",
    "Modified User Interaction",
    ["N", "P", "A"]
);

/// Declares one of the six impact metrics (High, Low, None).
macro_rules! impact {
    ($(#[$doc:meta])* $name:ident, $abbr:literal, $full:literal, $mabbr:literal, $mfull:literal) => {
        metric! {
            $(#[$doc])*
            $name, $abbr, $full {
                /// High (H).
                High = "H",
                /// Low (L).
                Low = "L",
                /// None (N).
                None = "N",
            }
        }
        modifiable!($name, $mabbr, $mfull, ["H", "L", "N"]);
    };
}

impact!(
    /// Vulnerable System Confidentiality (VC), §2.2.1: "This metric measures the impact to
    /// the confidentiality of the information managed by the system due to a successfully
    /// exploited vulnerability."
    VulnConfidentiality, "VC", "Vulnerable System Confidentiality", "MVC",
    "Modified Vulnerable System Confidentiality"
);
impact!(
    /// Vulnerable System Integrity (VI), §2.2.2: "This metric measures the impact to
    /// integrity of a successfully exploited vulnerability."
    VulnIntegrity, "VI", "Vulnerable System Integrity", "MVI",
    "Modified Vulnerable System Integrity"
);
impact!(
    /// Vulnerable System Availability (VA), §2.2.3: "This metric measures the impact to the
    /// availability of the impacted system resulting from a successfully exploited vulnerability."
    VulnAvailability, "VA", "Vulnerable System Availability", "MVA",
    "Modified Vulnerable System Availability"
);
impact!(
    /// Subsequent System Confidentiality (SC), §2.2.4: the impact on the confidentiality of
    /// systems beyond the vulnerable one.
    SubConfidentiality, "SC", "Subsequent System Confidentiality", "MSC",
    "Modified Subsequent System Confidentiality"
);

metric! {
    /// Subsequent System Integrity (SI), §2.2.5: the impact on the integrity of systems
    /// beyond the vulnerable one.
    SubIntegrity, "SI", "Subsequent System Integrity" {
        /// High (H).
        High = "H",
        /// Low (L).
        Low = "L",
        /// None (N).
        None = "N",
    }
}

metric! {
    /// Subsequent System Availability (SA), §2.2.6: the impact on the availability of
    /// systems beyond the vulnerable one.
    SubAvailability, "SA", "Subsequent System Availability" {
        /// High (H).
        High = "H",
        /// Low (L).
        Low = "L",
        /// None (N).
        None = "N",
    }
}

metric! {
    /// Modified Subsequent System Integrity (MSI), §4.2: as SI, plus Safety (S): "The
    /// exploited vulnerability will result in integrity impacts that could cause serious
    /// injury or worse (categories of 'Marginal' or worse as described in IEC 61508) to a
    /// human actor or participant." This is the metric medical-device scoring relies on.
    ModifiedSubIntegrity, "MSI", "Modified Subsequent System Integrity" {
        /// Not Defined (X).
        NotDefined = "X",
        /// Safety (S).
        Safety = "S",
        /// High (H).
        High = "H",
        /// Low (L).
        Low = "L",
        /// Negligible (N).
        Negligible = "N",
    }
}

metric! {
    /// Modified Subsequent System Availability (MSA), §4.2: as SA, plus Safety (S) for
    /// availability impacts that could cause serious injury or worse.
    ModifiedSubAvailability, "MSA", "Modified Subsequent System Availability" {
        /// Not Defined (X).
        NotDefined = "X",
        /// Safety (S).
        Safety = "S",
        /// High (H).
        High = "H",
        /// Low (L).
        Low = "L",
        /// Negligible (N).
        Negligible = "N",
    }
}

metric! {
    /// Exploit Maturity (E), §3.1: "This metric measures the likelihood of the
    /// vulnerability being attacked, and is based on the current state of exploit
    /// techniques, exploit code availability, or active, 'in-the-wild' exploitation."
    /// Not Defined scores as Attacked, the worst case.
    ExploitMaturity, "E", "Exploit Maturity" {
        /// Not Defined (X).
        NotDefined = "X",
        /// Attacked (A).
        Attacked = "A",
        /// POC (P).
        ProofOfConcept = "P",
        /// Unreported (U).
        Unreported = "U",
    }
}

/// Declares a security requirement metric (CR, IR, AR); Not Defined scores as High.
macro_rules! requirement {
    ($(#[$doc:meta])* $name:ident, $abbr:literal, $full:literal) => {
        metric! {
            $(#[$doc])*
            $name, $abbr, $full {
                /// Not Defined (X).
                NotDefined = "X",
                /// High (H).
                High = "H",
                /// Medium (M).
                Medium = "M",
                /// Low (L).
                Low = "L",
            }
        }
    };
}
requirement!(
    /// Confidentiality Requirement (CR), §4.1: "These metrics enable the consumer to
    /// customize the assessment depending on the importance of the affected IT asset."
    ConfidentialityRequirement, "CR", "Confidentiality Requirement"
);
requirement!(
    /// Integrity Requirement (IR), §4.1 (see [`ConfidentialityRequirement`]).
    IntegrityRequirement, "IR", "Integrity Requirement"
);
requirement!(
    /// Availability Requirement (AR), §4.1 (see [`ConfidentialityRequirement`]).
    AvailabilityRequirement, "AR", "Availability Requirement"
);

metric! {
    /// Safety (S), supplemental §5.1: "whether a vulnerability can impact human safety."
    Safety, "S", "Safety" {
        /// Not Defined (X).
        NotDefined = "X",
        /// Negligible (N).
        Negligible = "N",
        /// Present (P).
        Present = "P",
    }
}
metric! {
    /// Automatable (AU), supplemental §5.2: "Can an attacker automate exploitation events
    /// for this vulnerability across multiple targets?"
    Automatable, "AU", "Automatable" {
        /// Not Defined (X).
        NotDefined = "X",
        /// No (N).
        No = "N",
        /// Yes (Y).
        Yes = "Y",
    }
}
metric! {
    /// Recovery (R), supplemental §5.3: "the resilience of a system to recover services,
    /// in terms of performance and availability, after an attack has been performed."
    Recovery, "R", "Recovery" {
        /// Not Defined (X).
        NotDefined = "X",
        /// Automatic (A).
        Automatic = "A",
        /// User (U).
        User = "U",
        /// Irrecoverable (I).
        Irrecoverable = "I",
    }
}
metric! {
    /// Value Density (V), supplemental §5.4: "the resources that the attacker will gain
    /// control over with a single exploitation event."
    ValueDensity, "V", "Value Density" {
        /// Not Defined (X).
        NotDefined = "X",
        /// Diffuse (D).
        Diffuse = "D",
        /// Concentrated (C).
        Concentrated = "C",
    }
}
metric! {
    /// Vulnerability Response Effort (RE), supplemental §5.5: "how difficult it is for
    /// consumers to provide an initial response to the impact of vulnerabilities."
    ResponseEffort, "RE", "Vulnerability Response Effort" {
        /// Not Defined (X).
        NotDefined = "X",
        /// Low (L).
        Low = "L",
        /// Moderate (M).
        Moderate = "M",
        /// High (H).
        High = "H",
    }
}
metric! {
    /// Provider Urgency (U), supplemental §5.6: the provider's own assessment of urgency.
    ProviderUrgency, "U", "Provider Urgency" {
        /// Not Defined (X).
        NotDefined = "X",
        /// Clear.
        Clear = "Clear",
        /// Green.
        Green = "Green",
        /// Amber.
        Amber = "Amber",
        /// Red.
        Red = "Red",
    }
}

/// A CVSS v4.0 vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vector {
    /// AV.
    pub av: AttackVector,
    /// AC.
    pub ac: AttackComplexity,
    /// AT.
    pub at: AttackRequirements,
    /// PR.
    pub pr: PrivilegesRequired,
    /// UI.
    pub ui: UserInteraction,
    /// VC.
    pub vc: VulnConfidentiality,
    /// VI.
    pub vi: VulnIntegrity,
    /// VA.
    pub va: VulnAvailability,
    /// SC.
    pub sc: SubConfidentiality,
    /// SI.
    pub si: SubIntegrity,
    /// SA.
    pub sa: SubAvailability,
    /// E (threat).
    pub e: Option<ExploitMaturity>,
    /// CR.
    pub cr: Option<ConfidentialityRequirement>,
    /// IR.
    pub ir: Option<IntegrityRequirement>,
    /// AR.
    pub ar: Option<AvailabilityRequirement>,
    /// MAV.
    pub mav: Option<Modified<AttackVector>>,
    /// MAC.
    pub mac: Option<Modified<AttackComplexity>>,
    /// MAT.
    pub mat: Option<Modified<AttackRequirements>>,
    /// MPR.
    pub mpr: Option<Modified<PrivilegesRequired>>,
    /// MUI.
    pub mui: Option<Modified<UserInteraction>>,
    /// MVC.
    pub mvc: Option<Modified<VulnConfidentiality>>,
    /// MVI.
    pub mvi: Option<Modified<VulnIntegrity>>,
    /// MVA.
    pub mva: Option<Modified<VulnAvailability>>,
    /// MSC.
    pub msc: Option<Modified<SubConfidentiality>>,
    /// MSI.
    pub msi: Option<ModifiedSubIntegrity>,
    /// MSA.
    pub msa: Option<ModifiedSubAvailability>,
    /// S (supplemental).
    pub safety: Option<Safety>,
    /// AU (supplemental).
    pub automatable: Option<Automatable>,
    /// R (supplemental).
    pub recovery: Option<Recovery>,
    /// V (supplemental).
    pub value_density: Option<ValueDensity>,
    /// RE (supplemental).
    pub response_effort: Option<ResponseEffort>,
    /// U (supplemental).
    pub urgency: Option<ProviderUrgency>,
    order: Vec<&'static str>,
}

/// The specification's metric order (§7 "Vector String").
const CANONICAL: &[&str] = &[
    "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA", "E", "CR", "IR", "AR", "MAV",
    "MAC", "MAT", "MPR", "MUI", "MVC", "MVI", "MVA", "MSC", "MSI", "MSA", "S", "AU", "R", "V",
    "RE", "U",
];

/// Severity levels in tenths, as §8.3 and the reference calculator define them: how far
/// each value is below the most severe value of its metric.
struct Effective {
    av: u8,
    pr: u8,
    ui: u8,
    ac: u8,
    at: u8,
    vc: u8,
    vi: u8,
    va: u8,
    sc: u8,
    si: u8,
    sa: u8,
    cr: u8,
    ir: u8,
    ar: u8,
    e: u8,
}

impl Vector {
    /// Parses `CVSS:4.0/...`. Metrics may come in any order; each at most once.
    pub fn parse(s: &str) -> Result<Vector, CvssError> {
        let s = s.trim();
        let Some(body) = s.strip_prefix("CVSS:4.0/") else {
            return Err(CvssError::UnknownVersion(
                s.split('/').next().unwrap_or("").to_string(),
            ));
        };
        let (mut av, mut ac, mut at, mut pr, mut ui) = (None, None, None, None, None);
        let (mut vc, mut vi, mut va, mut sc, mut si, mut sa) = (None, None, None, None, None, None);
        let mut v = Vector {
            av: AttackVector::Network,
            ac: AttackComplexity::Low,
            at: AttackRequirements::None,
            pr: PrivilegesRequired::None,
            ui: UserInteraction::None,
            vc: VulnConfidentiality::None,
            vi: VulnIntegrity::None,
            va: VulnAvailability::None,
            sc: SubConfidentiality::None,
            si: SubIntegrity::None,
            sa: SubAvailability::None,
            e: None,
            cr: None,
            ir: None,
            ar: None,
            mav: None,
            mac: None,
            mat: None,
            mpr: None,
            mui: None,
            mvc: None,
            mvi: None,
            mva: None,
            msc: None,
            msi: None,
            msa: None,
            safety: None,
            automatable: None,
            recovery: None,
            value_density: None,
            response_effort: None,
            urgency: None,
            order: Vec::with_capacity(11),
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
                "AT" => {
                    set(&mut at, val, VER)?;
                    "AT"
                }
                "PR" => {
                    set(&mut pr, val, VER)?;
                    "PR"
                }
                "UI" => {
                    set(&mut ui, val, VER)?;
                    "UI"
                }
                "VC" => {
                    set(&mut vc, val, VER)?;
                    "VC"
                }
                "VI" => {
                    set(&mut vi, val, VER)?;
                    "VI"
                }
                "VA" => {
                    set(&mut va, val, VER)?;
                    "VA"
                }
                "SC" => {
                    set(&mut sc, val, VER)?;
                    "SC"
                }
                "SI" => {
                    set(&mut si, val, VER)?;
                    "SI"
                }
                "SA" => {
                    set(&mut sa, val, VER)?;
                    "SA"
                }
                "E" => {
                    set(&mut v.e, val, VER)?;
                    "E"
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
                "MAV" => {
                    set(&mut v.mav, val, VER)?;
                    "MAV"
                }
                "MAC" => {
                    set(&mut v.mac, val, VER)?;
                    "MAC"
                }
                "MAT" => {
                    set(&mut v.mat, val, VER)?;
                    "MAT"
                }
                "MPR" => {
                    set(&mut v.mpr, val, VER)?;
                    "MPR"
                }
                "MUI" => {
                    set(&mut v.mui, val, VER)?;
                    "MUI"
                }
                "MVC" => {
                    set(&mut v.mvc, val, VER)?;
                    "MVC"
                }
                "MVI" => {
                    set(&mut v.mvi, val, VER)?;
                    "MVI"
                }
                "MVA" => {
                    set(&mut v.mva, val, VER)?;
                    "MVA"
                }
                "MSC" => {
                    set(&mut v.msc, val, VER)?;
                    "MSC"
                }
                "MSI" => {
                    set(&mut v.msi, val, VER)?;
                    "MSI"
                }
                "MSA" => {
                    set(&mut v.msa, val, VER)?;
                    "MSA"
                }
                "S" => {
                    set(&mut v.safety, val, VER)?;
                    "S"
                }
                "AU" => {
                    set(&mut v.automatable, val, VER)?;
                    "AU"
                }
                "R" => {
                    set(&mut v.recovery, val, VER)?;
                    "R"
                }
                "V" => {
                    set(&mut v.value_density, val, VER)?;
                    "V"
                }
                "RE" => {
                    set(&mut v.response_effort, val, VER)?;
                    "RE"
                }
                "U" => {
                    set(&mut v.urgency, val, VER)?;
                    "U"
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
        v.at = required(at, VER)?;
        v.pr = required(pr, VER)?;
        v.ui = required(ui, VER)?;
        v.vc = required(vc, VER)?;
        v.vi = required(vi, VER)?;
        v.va = required(va, VER)?;
        v.sc = required(sc, VER)?;
        v.si = required(si, VER)?;
        v.sa = required(sa, VER)?;
        Ok(v)
    }

    /// The same vector with only base and supplemental metrics: its CVSS-B score.
    pub fn base_only(&self) -> Vector {
        let mut b = self.clone();
        b.e = None;
        b.cr = None;
        b.ir = None;
        b.ar = None;
        b.mav = None;
        b.mac = None;
        b.mat = None;
        b.mpr = None;
        b.mui = None;
        b.mvc = None;
        b.mvi = None;
        b.mva = None;
        b.msc = None;
        b.msi = None;
        b.msa = None;
        b.order.retain(|k| {
            CANONICAL[..11].contains(k) || matches!(*k, "S" | "AU" | "R" | "V" | "RE" | "U")
        });
        b
    }

    /// Whether any threat (E) or environmental metric is present, i.e. whether the score is
    /// CVSS-BT, -BE or -BTE rather than CVSS-B (§1.3 nomenclature).
    pub fn has_threat_or_environmental(&self) -> bool {
        self.order.iter().any(|k| {
            !CANONICAL[..11].contains(k) && !matches!(*k, "S" | "AU" | "R" | "V" | "RE" | "U")
        })
    }

    /// The effective value of every metric the score uses, as a severity level: modified
    /// metrics override base ones, E defaults to Attacked and CR/IR/AR to High.
    fn effective(&self) -> Effective {
        fn res<T: Copy>(m: Option<Modified<T>>, b: T) -> T {
            m.unwrap_or(Modified::NotDefined).resolve(b)
        }
        let lvl = |c: &str, table: &[(&str, u8)]| {
            table.iter().find(|(k, _)| *k == c).map_or(0, |(_, l)| *l)
        };
        const CIA: &[(&str, u8)] = &[("H", 0), ("L", 1), ("N", 2)];
        const SUB: &[(&str, u8)] = &[("S", 0), ("H", 1), ("L", 2), ("N", 3)];
        const REQ: &[(&str, u8)] = &[("H", 0), ("M", 1), ("L", 2), ("X", 0)];
        let si = match self.msi {
            Some(ModifiedSubIntegrity::NotDefined) | None => self.si.code(),
            Some(m) => m.code(),
        };
        let sa = match self.msa {
            Some(ModifiedSubAvailability::NotDefined) | None => self.sa.code(),
            Some(m) => m.code(),
        };
        Effective {
            av: lvl(
                res(self.mav, self.av).code(),
                &[("N", 0), ("A", 1), ("L", 2), ("P", 3)],
            ),
            pr: lvl(
                res(self.mpr, self.pr).code(),
                &[("N", 0), ("L", 1), ("H", 2)],
            ),
            ui: lvl(
                res(self.mui, self.ui).code(),
                &[("N", 0), ("P", 1), ("A", 2)],
            ),
            ac: lvl(res(self.mac, self.ac).code(), &[("L", 0), ("H", 1)]),
            at: lvl(res(self.mat, self.at).code(), &[("N", 0), ("P", 1)]),
            vc: lvl(res(self.mvc, self.vc).code(), CIA),
            vi: lvl(res(self.mvi, self.vi).code(), CIA),
            va: lvl(res(self.mva, self.va).code(), CIA),
            sc: lvl(res(self.msc, self.sc).code(), SUB),
            si: lvl(si, SUB),
            sa: lvl(sa, SUB),
            cr: lvl(self.cr.map_or("X", Metric::code), REQ),
            ir: lvl(self.ir.map_or("X", Metric::code), REQ),
            ar: lvl(self.ar.map_or("X", Metric::code), REQ),
            e: match self.e {
                Some(ExploitMaturity::ProofOfConcept) => 1,
                Some(ExploitMaturity::Unreported) => 2,
                _ => 0,
            },
        }
    }

    /// The MacroVector (§8.2): the six equivalence-class digits EQ1..EQ6.
    pub fn macro_vector(&self) -> [u8; 6] {
        macro_vector(&self.effective())
    }

    /// The score over every metric given (§8): CVSS-B, -BT, -BE or -BTE.
    pub fn score(&self) -> f64 {
        let m = self.effective();
        // §8: no impact on any system scores 0 regardless of the other metrics.
        if m.vc == 2 && m.vi == 2 && m.va == 2 && m.sc == 3 && m.si == 3 && m.sa == 3 {
            return 0.0;
        }
        let mv = macro_vector(&m);
        let [eq1, eq2, eq3, eq4, _, eq6] = mv;
        let Some(value) = lookup(mv) else {
            // Every reachable MacroVector is in the table; a miss would be a bug in
            // macro_vector, and scoring it 0 would hide it.
            unreachable!("MacroVector {mv:?} missing from the lookup table")
        };
        let lower = |d: [i8; 6]| {
            let mut n = mv;
            for (x, dx) in n.iter_mut().zip(d) {
                *x = (*x as i8 + dx) as u8;
            }
            lookup(n)
        };
        let next_eq1 = lower([1, 0, 0, 0, 0, 0]);
        let next_eq2 = lower([0, 1, 0, 0, 0, 0]);
        let next_eq3eq6 = match (eq3, eq6) {
            (1, 1) | (0, 1) => lower([0, 0, 1, 0, 0, 0]),
            (1, 0) => lower([0, 0, 0, 0, 0, 1]),
            (0, 0) => {
                // Two paths down; the reference calculator takes the higher-scoring one.
                let left = lower([0, 0, 0, 0, 0, 1]);
                let right = lower([0, 0, 1, 0, 0, 0]);
                match (left, right) {
                    (Some(l), Some(r)) => Some(if l > r { l } else { r }),
                    (l, r) => l.or(r),
                }
            }
            _ => lower([0, 0, 1, 0, 0, 1]),
        };
        let next_eq4 = lower([0, 0, 0, 1, 0, 0]);
        let next_eq5 = lower([0, 0, 0, 0, 1, 0]);

        // Severity distance from the first highest-severity vector of the MacroVector that
        // the scored vector does not exceed on any metric.
        let mut dist = [0i16; 14];
        for e1 in EQ1_MAX[eq1 as usize] {
            for e2 in EQ2_MAX[eq2 as usize] {
                for e36 in eq3eq6_max(eq3, eq6) {
                    for e4 in EQ4_MAX[eq4 as usize] {
                        let mine = [
                            m.av, m.pr, m.ui, m.ac, m.at, m.vc, m.vi, m.va, m.sc, m.si, m.sa, m.cr,
                            m.ir, m.ar,
                        ];
                        let max = [
                            e1[0], e1[1], e1[2], e2[0], e2[1], e36[0], e36[1], e36[2], e4[0],
                            e4[1], e4[2], e36[3], e36[4], e36[5],
                        ];
                        for i in 0..14 {
                            dist[i] = mine[i] as i16 - max[i] as i16;
                        }
                        if dist.iter().all(|d| *d >= 0) {
                            return finish(
                                value,
                                &dist,
                                mv,
                                [next_eq1, next_eq2, next_eq3eq6, next_eq4, next_eq5],
                            );
                        }
                    }
                }
            }
        }
        // Like the reference calculator, fall back to the last candidate examined.
        finish(
            value,
            &dist,
            mv,
            [next_eq1, next_eq2, next_eq3eq6, next_eq4, next_eq5],
        )
    }

    /// Sets any metric by abbreviation and code ("MSI", "S"), recording it in the vector
    /// string: how the medical-device rubric and what-if analysis adjust a vector.
    pub fn set_metric(&mut self, key: &str, code: &str) -> Result<(), CvssError> {
        macro_rules! put {
            ($field:expr) => {{
                let mut slot = None;
                set(&mut slot, code, VER)?;
                $field = slot.expect("set fills the slot");
            }};
        }
        macro_rules! put_opt {
            ($field:expr) => {{
                let mut slot = None;
                set(&mut slot, code, VER)?;
                $field = slot;
            }};
        }
        match key {
            "AV" => put!(self.av),
            "AC" => put!(self.ac),
            "AT" => put!(self.at),
            "PR" => put!(self.pr),
            "UI" => put!(self.ui),
            "VC" => put!(self.vc),
            "VI" => put!(self.vi),
            "VA" => put!(self.va),
            "SC" => put!(self.sc),
            "SI" => put!(self.si),
            "SA" => put!(self.sa),
            "E" => put_opt!(self.e),
            "CR" => put_opt!(self.cr),
            "IR" => put_opt!(self.ir),
            "AR" => put_opt!(self.ar),
            "MAV" => put_opt!(self.mav),
            "MAC" => put_opt!(self.mac),
            "MAT" => put_opt!(self.mat),
            "MPR" => put_opt!(self.mpr),
            "MUI" => put_opt!(self.mui),
            "MVC" => put_opt!(self.mvc),
            "MVI" => put_opt!(self.mvi),
            "MVA" => put_opt!(self.mva),
            "MSC" => put_opt!(self.msc),
            "MSI" => put_opt!(self.msi),
            "MSA" => put_opt!(self.msa),
            "S" => put_opt!(self.safety),
            "AU" => put_opt!(self.automatable),
            "R" => put_opt!(self.recovery),
            "V" => put_opt!(self.value_density),
            "RE" => put_opt!(self.response_effort),
            "U" => put_opt!(self.urgency),
            other => {
                return Err(CvssError::UnknownMetric {
                    version: VER,
                    metric: other.to_string(),
                });
            }
        }
        if !self.order.contains(&key) {
            let present: Vec<&'static str> = self.order.clone();
            self.order = CANONICAL
                .iter()
                .copied()
                .filter(|k| present.contains(k) || *k == key)
                .collect();
        }
        Ok(())
    }

    /// The vector string with its metrics in the specification's order (§7), which the
    /// specification and the CVSS v4 JSON schema require; `to_string()` keeps the input order.
    pub fn canonical_string(&self) -> String {
        let mut c = self.clone();
        c.order = CANONICAL
            .iter()
            .copied()
            .filter(|k| self.order.contains(k))
            .collect();
        c.to_string()
    }

    fn code_of(&self, key: &str) -> &'static str {
        match key {
            "AV" => self.av.code(),
            "AC" => self.ac.code(),
            "AT" => self.at.code(),
            "PR" => self.pr.code(),
            "UI" => self.ui.code(),
            "VC" => self.vc.code(),
            "VI" => self.vi.code(),
            "VA" => self.va.code(),
            "SC" => self.sc.code(),
            "SI" => self.si.code(),
            "SA" => self.sa.code(),
            "E" => self.e.map_or("X", Metric::code),
            "CR" => self.cr.map_or("X", Metric::code),
            "IR" => self.ir.map_or("X", Metric::code),
            "AR" => self.ar.map_or("X", Metric::code),
            "MAV" => self.mav.map_or("X", Metric::code),
            "MAC" => self.mac.map_or("X", Metric::code),
            "MAT" => self.mat.map_or("X", Metric::code),
            "MPR" => self.mpr.map_or("X", Metric::code),
            "MUI" => self.mui.map_or("X", Metric::code),
            "MVC" => self.mvc.map_or("X", Metric::code),
            "MVI" => self.mvi.map_or("X", Metric::code),
            "MVA" => self.mva.map_or("X", Metric::code),
            "MSC" => self.msc.map_or("X", Metric::code),
            "MSI" => self.msi.map_or("X", Metric::code),
            "MSA" => self.msa.map_or("X", Metric::code),
            "S" => self.safety.map_or("X", Metric::code),
            "AU" => self.automatable.map_or("X", Metric::code),
            "R" => self.recovery.map_or("X", Metric::code),
            "V" => self.value_density.map_or("X", Metric::code),
            "RE" => self.response_effort.map_or("X", Metric::code),
            "U" => self.urgency.map_or("X", Metric::code),
            _ => "X",
        }
    }
}

/// §8.2's equivalence sets.
fn macro_vector(m: &Effective) -> [u8; 6] {
    // EQ1: 0 AV:N and PR:N and UI:N; 1 (AV:N or PR:N or UI:N) and not all three and not
    // AV:P; 2 AV:P or none of AV:N, PR:N, UI:N.
    let eq1 = if m.av == 0 && m.pr == 0 && m.ui == 0 {
        0
    } else if (m.av == 0 || m.pr == 0 || m.ui == 0) && m.av != 3 {
        1
    } else {
        2
    };
    // EQ2: 0 AC:L and AT:N; 1 otherwise.
    let eq2 = if m.ac == 0 && m.at == 0 { 0 } else { 1 };
    // EQ3: 0 VC:H and VI:H; 1 not that, but one of VC, VI, VA High; 2 none High.
    let eq3 = if m.vc == 0 && m.vi == 0 {
        0
    } else if m.vc == 0 || m.vi == 0 || m.va == 0 {
        1
    } else {
        2
    };
    // EQ4: 0 MSI:S or MSA:S; 1 one of SC, SI, SA High; 2 otherwise.
    let eq4 = if m.si == 0 || m.sa == 0 {
        0
    } else if m.sc == 1 || m.si == 1 || m.sa == 1 {
        1
    } else {
        2
    };
    // EQ5: E:A 0, E:P 1, E:U 2.
    let eq5 = m.e;
    // EQ6: 0 (CR:H and VC:H) or (IR:H and VI:H) or (AR:H and VA:H); 1 otherwise.
    let eq6 = if (m.cr == 0 && m.vc == 0) || (m.ir == 0 && m.vi == 0) || (m.ar == 0 && m.va == 0) {
        0
    } else {
        1
    };
    [eq1, eq2, eq3, eq4, eq5, eq6]
}

/// §8.3: subtract the mean, over the EQs that have a lower MacroVector, of the scoring
/// difference to it scaled by the vector's distance relative to the EQ's depth.
fn finish(value: f64, dist: &[i16; 14], mv: [u8; 6], next: [Option<f64>; 5]) -> f64 {
    let [eq1, eq2, eq3, eq4, _, eq6] = mv;
    let d_eq1 = (dist[0] + dist[1] + dist[2]) as f64;
    let d_eq2 = (dist[3] + dist[4]) as f64;
    let d_eq3eq6 = (dist[5] + dist[6] + dist[7] + dist[11] + dist[12] + dist[13]) as f64;
    let d_eq4 = (dist[8] + dist[9] + dist[10]) as f64;
    // Depths of each EQ level in tenths ("max severity"), from the reference calculator.
    let depth_eq1 = [1.0, 4.0, 5.0][eq1 as usize];
    let depth_eq2 = [1.0, 2.0][eq2 as usize];
    let depth_eq3eq6 = match (eq3, eq6) {
        (0, 0) => 7.0,
        (0, _) => 6.0,
        (1, _) => 8.0,
        _ => 10.0,
    };
    let depth_eq4 = [6.0, 5.0, 4.0][eq4 as usize];
    let parts = [
        (next[0], d_eq1 / depth_eq1),
        (next[1], d_eq2 / depth_eq2),
        (next[2], d_eq3eq6 / depth_eq3eq6),
        (next[3], d_eq4 / depth_eq4),
        // EQ5 has one value per level, so its proportion is always 0 (but it still counts).
        (next[4], 0.0),
    ];
    let mut sum = 0.0;
    let mut n = 0;
    for (lower, proportion) in parts {
        if let Some(lower) = lower {
            n += 1;
            sum += (value - lower) * proportion;
        }
    }
    let mean = if n == 0 { 0.0 } else { sum / n as f64 };
    round1((value - mean).clamp(0.0, 10.0))
}

/// Highest-severity vectors per EQ1 level: (AV, PR, UI) severity levels.
const EQ1_MAX: [&[[u8; 3]]; 3] = [
    &[[0, 0, 0]],                       // AV:N/PR:N/UI:N
    &[[1, 0, 0], [0, 1, 0], [0, 0, 1]], // AV:A/PR:N/UI:N, AV:N/PR:L/UI:N, AV:N/PR:N/UI:P
    &[[3, 0, 0], [1, 1, 1]],            // AV:P/PR:N/UI:N, AV:A/PR:L/UI:P
];
/// Highest-severity vectors per EQ2 level: (AC, AT).
const EQ2_MAX: [&[[u8; 2]]; 2] = [&[[0, 0]], &[[1, 0], [0, 1]]];
/// Highest-severity vectors per EQ4 level: (SC, SI, SA); SI/SA level 0 is Safety.
const EQ4_MAX: [&[[u8; 3]]; 3] = [&[[1, 0, 0]], &[[1, 1, 1]], &[[2, 2, 2]]];

/// Highest-severity vectors per joint EQ3/EQ6 level: (VC, VI, VA, CR, IR, AR).
fn eq3eq6_max(eq3: u8, eq6: u8) -> &'static [[u8; 6]] {
    match (eq3, eq6) {
        (0, 0) => &[[0, 0, 0, 0, 0, 0]],
        (0, _) => &[[0, 0, 1, 1, 1, 0], [0, 0, 0, 1, 1, 1]],
        (1, 0) => &[[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0]],
        (1, _) => &[
            [1, 0, 1, 0, 1, 0],
            [1, 0, 0, 0, 1, 1],
            [0, 1, 0, 1, 0, 1],
            [0, 1, 1, 1, 0, 0],
            [1, 1, 0, 0, 0, 1],
        ],
        _ => &[[1, 1, 1, 0, 0, 0]],
    }
}

impl fmt::Display for Vector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CVSS:4.0")?;
        for k in &self.order {
            write!(f, "/{k}:{}", self.code_of(k))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_examples() {
        // Scores shown by FIRST's calculator.
        let s = |v: &str| Vector::parse(v).unwrap().score();
        assert_eq!(
            s("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"),
            10.0
        );
        assert_eq!(
            s("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            9.3
        );
        assert_eq!(
            s("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N"),
            6.9
        );
    }

    #[test]
    fn safety_raises_the_score_and_supplemental_does_not() {
        let mut v =
            Vector::parse("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:H/SC:N/SI:L/SA:L")
                .unwrap();
        let before = v.score();
        v.set_metric("S", "P").unwrap();
        assert_eq!(v.score(), before);
        v.set_metric("MSI", "S").unwrap();
        assert!(v.score() > before, "{} vs {before}", v.score());
        assert_eq!(
            v.to_string(),
            "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:H/SC:N/SI:L/SA:L/MSI:S/S:P"
        );
        let e = Vector::parse("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:H/SC:N/SI:S/SA:L")
            .unwrap_err();
        assert_eq!(
            e.metric(),
            Some("SI"),
            "SI cannot be S outside the environmental group"
        );
    }
}
