//! The FIRST CVSS JSON representation (schemas `cvss-v2.0.json`, `cvss-v3.0.json`,
//! `cvss-v3.1.json`, `cvss-v4.0.json`), as CSAF 2.0, CycloneDX and NVD embed it.
//!
//! Every metric the vector gives is written under the schema's property name with the
//! schema's enumeration spelling; scores and severities follow. v4 writes its vector in
//! the specification's metric order, which its schema's pattern requires.

use serde_json::{Map, Value};

use super::{Cvss, Severity};

/// (abbreviation, JSON property, [(code, JSON value)]) for one version's metrics.
type Table = &'static [(
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
)];

const CIA2: &[(&str, &str)] = &[("N", "NONE"), ("P", "PARTIAL"), ("C", "COMPLETE")];
const REQ2: &[(&str, &str)] = &[
    ("L", "LOW"),
    ("M", "MEDIUM"),
    ("H", "HIGH"),
    ("ND", "NOT_DEFINED"),
];

const V2: Table = &[
    (
        "AV",
        "accessVector",
        &[("N", "NETWORK"), ("A", "ADJACENT_NETWORK"), ("L", "LOCAL")],
    ),
    (
        "AC",
        "accessComplexity",
        &[("H", "HIGH"), ("M", "MEDIUM"), ("L", "LOW")],
    ),
    (
        "Au",
        "authentication",
        &[("M", "MULTIPLE"), ("S", "SINGLE"), ("N", "NONE")],
    ),
    ("C", "confidentialityImpact", CIA2),
    ("I", "integrityImpact", CIA2),
    ("A", "availabilityImpact", CIA2),
    (
        "E",
        "exploitability",
        &[
            ("U", "UNPROVEN"),
            ("POC", "PROOF_OF_CONCEPT"),
            ("F", "FUNCTIONAL"),
            ("H", "HIGH"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "RL",
        "remediationLevel",
        &[
            ("OF", "OFFICIAL_FIX"),
            ("TF", "TEMPORARY_FIX"),
            ("W", "WORKAROUND"),
            ("U", "UNAVAILABLE"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "RC",
        "reportConfidence",
        &[
            ("UC", "UNCONFIRMED"),
            ("UR", "UNCORROBORATED"),
            ("C", "CONFIRMED"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "CDP",
        "collateralDamagePotential",
        &[
            ("N", "NONE"),
            ("L", "LOW"),
            ("LM", "LOW_MEDIUM"),
            ("MH", "MEDIUM_HIGH"),
            ("H", "HIGH"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    (
        "TD",
        "targetDistribution",
        &[
            ("N", "NONE"),
            ("L", "LOW"),
            ("M", "MEDIUM"),
            ("H", "HIGH"),
            ("ND", "NOT_DEFINED"),
        ],
    ),
    ("CR", "confidentialityRequirement", REQ2),
    ("IR", "integrityRequirement", REQ2),
    ("AR", "availabilityRequirement", REQ2),
];

const AV3: &[(&str, &str)] = &[
    ("N", "NETWORK"),
    ("A", "ADJACENT_NETWORK"),
    ("L", "LOCAL"),
    ("P", "PHYSICAL"),
    ("X", "NOT_DEFINED"),
];
const AC: &[(&str, &str)] = &[("L", "LOW"), ("H", "HIGH"), ("X", "NOT_DEFINED")];
const PR: &[(&str, &str)] = &[
    ("N", "NONE"),
    ("L", "LOW"),
    ("H", "HIGH"),
    ("X", "NOT_DEFINED"),
];
const UI3: &[(&str, &str)] = &[("N", "NONE"), ("R", "REQUIRED"), ("X", "NOT_DEFINED")];
const S3: &[(&str, &str)] = &[("U", "UNCHANGED"), ("C", "CHANGED"), ("X", "NOT_DEFINED")];
const CIA: &[(&str, &str)] = &[
    ("H", "HIGH"),
    ("L", "LOW"),
    ("N", "NONE"),
    ("X", "NOT_DEFINED"),
];
const REQ: &[(&str, &str)] = &[
    ("H", "HIGH"),
    ("M", "MEDIUM"),
    ("L", "LOW"),
    ("X", "NOT_DEFINED"),
];

const V3: Table = &[
    ("AV", "attackVector", AV3),
    ("AC", "attackComplexity", AC),
    ("PR", "privilegesRequired", PR),
    ("UI", "userInteraction", UI3),
    ("S", "scope", S3),
    ("C", "confidentialityImpact", CIA),
    ("I", "integrityImpact", CIA),
    ("A", "availabilityImpact", CIA),
    (
        "E",
        "exploitCodeMaturity",
        &[
            ("H", "HIGH"),
            ("F", "FUNCTIONAL"),
            ("P", "PROOF_OF_CONCEPT"),
            ("U", "UNPROVEN"),
            ("X", "NOT_DEFINED"),
        ],
    ),
    (
        "RL",
        "remediationLevel",
        &[
            ("O", "OFFICIAL_FIX"),
            ("T", "TEMPORARY_FIX"),
            ("W", "WORKAROUND"),
            ("U", "UNAVAILABLE"),
            ("X", "NOT_DEFINED"),
        ],
    ),
    (
        "RC",
        "reportConfidence",
        &[
            ("U", "UNKNOWN"),
            ("R", "REASONABLE"),
            ("C", "CONFIRMED"),
            ("X", "NOT_DEFINED"),
        ],
    ),
    ("CR", "confidentialityRequirement", REQ),
    ("IR", "integrityRequirement", REQ),
    ("AR", "availabilityRequirement", REQ),
    ("MAV", "modifiedAttackVector", AV3),
    ("MAC", "modifiedAttackComplexity", AC),
    ("MPR", "modifiedPrivilegesRequired", PR),
    ("MUI", "modifiedUserInteraction", UI3),
    ("MS", "modifiedScope", S3),
    ("MC", "modifiedConfidentialityImpact", CIA),
    ("MI", "modifiedIntegrityImpact", CIA),
    ("MA", "modifiedAvailabilityImpact", CIA),
];

const AV4: &[(&str, &str)] = &[
    ("N", "NETWORK"),
    ("A", "ADJACENT"),
    ("L", "LOCAL"),
    ("P", "PHYSICAL"),
    ("X", "NOT_DEFINED"),
];
const AT4: &[(&str, &str)] = &[("N", "NONE"), ("P", "PRESENT"), ("X", "NOT_DEFINED")];
const UI4: &[(&str, &str)] = &[
    ("N", "NONE"),
    ("P", "PASSIVE"),
    ("A", "ACTIVE"),
    ("X", "NOT_DEFINED"),
];
const SUB_IA: &[(&str, &str)] = &[
    ("S", "SAFETY"),
    ("H", "HIGH"),
    ("L", "LOW"),
    ("N", "NONE"),
    ("X", "NOT_DEFINED"),
];

const V4: Table = &[
    ("AV", "attackVector", AV4),
    ("AC", "attackComplexity", AC),
    ("AT", "attackRequirements", AT4),
    ("PR", "privilegesRequired", PR),
    ("UI", "userInteraction", UI4),
    ("VC", "vulnConfidentialityImpact", CIA),
    ("VI", "vulnIntegrityImpact", CIA),
    ("VA", "vulnAvailabilityImpact", CIA),
    ("SC", "subConfidentialityImpact", CIA),
    ("SI", "subIntegrityImpact", CIA),
    ("SA", "subAvailabilityImpact", CIA),
    (
        "E",
        "exploitMaturity",
        &[
            ("A", "ATTACKED"),
            ("P", "PROOF_OF_CONCEPT"),
            ("U", "UNREPORTED"),
            ("X", "NOT_DEFINED"),
        ],
    ),
    ("CR", "confidentialityRequirement", REQ),
    ("IR", "integrityRequirement", REQ),
    ("AR", "availabilityRequirement", REQ),
    ("MAV", "modifiedAttackVector", AV4),
    ("MAC", "modifiedAttackComplexity", AC),
    ("MAT", "modifiedAttackRequirements", AT4),
    ("MPR", "modifiedPrivilegesRequired", PR),
    ("MUI", "modifiedUserInteraction", UI4),
    ("MVC", "modifiedVulnConfidentialityImpact", CIA),
    ("MVI", "modifiedVulnIntegrityImpact", CIA),
    ("MVA", "modifiedVulnAvailabilityImpact", CIA),
    ("MSC", "modifiedSubConfidentialityImpact", CIA),
    ("MSI", "modifiedSubIntegrityImpact", SUB_IA),
    ("MSA", "modifiedSubAvailabilityImpact", SUB_IA),
    (
        "S",
        "Safety",
        &[("N", "NEGLIGIBLE"), ("P", "PRESENT"), ("X", "NOT_DEFINED")],
    ),
    (
        "AU",
        "Automatable",
        &[("N", "NO"), ("Y", "YES"), ("X", "NOT_DEFINED")],
    ),
    (
        "R",
        "Recovery",
        &[
            ("A", "AUTOMATIC"),
            ("U", "USER"),
            ("I", "IRRECOVERABLE"),
            ("X", "NOT_DEFINED"),
        ],
    ),
    (
        "V",
        "valueDensity",
        &[
            ("D", "DIFFUSE"),
            ("C", "CONCENTRATED"),
            ("X", "NOT_DEFINED"),
        ],
    ),
    (
        "RE",
        "vulnerabilityResponseEffort",
        &[
            ("L", "LOW"),
            ("M", "MODERATE"),
            ("H", "HIGH"),
            ("X", "NOT_DEFINED"),
        ],
    ),
    (
        "U",
        "providerUrgency",
        &[
            ("Clear", "CLEAR"),
            ("Green", "GREEN"),
            ("Amber", "AMBER"),
            ("Red", "RED"),
            ("X", "NOT_DEFINED"),
        ],
    ),
];

fn severity_json(s: Severity) -> Value {
    Value::from(s.as_str().to_ascii_uppercase())
}

/// Rounded to one decimal as JSON numbers (scores are already at one decimal).
fn score(x: f64) -> Value {
    Value::from((x * 10.0).round() / 10.0)
}

impl Cvss {
    /// The vector as a FIRST CVSS JSON object (the schema of its version).
    pub fn to_first_json(&self) -> Value {
        let (table, vector) = match self {
            Cvss::V2(v) => (V2, v.bare_string()),
            Cvss::V3(v) => (V3, v.to_string()),
            Cvss::V4(v) => (V4, v.canonical_string()),
        };
        let mut m = Map::new();
        m.insert("version".into(), self.version().as_str().into());
        m.insert("vectorString".into(), vector.clone().into());
        let body = match self {
            Cvss::V2(_) => vector.as_str(),
            _ => vector.split_once('/').map_or("", |(_, b)| b),
        };
        for comp in body.split('/') {
            let Some((k, code)) = comp.split_once(':') else {
                continue;
            };
            if let Some((_, prop, values)) = table.iter().find(|(a, _, _)| *a == k)
                && let Some((_, name)) = values.iter().find(|(c, _)| *c == code)
            {
                m.insert((*prop).into(), (*name).into());
            }
        }
        let s = self.scores();
        match self {
            Cvss::V2(_) => {
                m.insert("baseScore".into(), score(s.base));
                if let Some(t) = s.temporal {
                    m.insert("temporalScore".into(), score(t));
                }
                if let Some(e) = s.environmental {
                    m.insert("environmentalScore".into(), score(e));
                }
            }
            Cvss::V3(_) => {
                m.insert("baseScore".into(), score(s.base));
                m.insert(
                    "baseSeverity".into(),
                    severity_json(Severity::from_score(s.base)),
                );
                if let Some(t) = s.temporal {
                    m.insert("temporalScore".into(), score(t));
                    m.insert(
                        "temporalSeverity".into(),
                        severity_json(Severity::from_score(t)),
                    );
                }
                if let Some(e) = s.environmental {
                    m.insert("environmentalScore".into(), score(e));
                    m.insert(
                        "environmentalSeverity".into(),
                        severity_json(Severity::from_score(e)),
                    );
                }
            }
            Cvss::V4(_) => {
                // The v4 schema has one score: the vector's, whatever groups it uses.
                m.insert("baseScore".into(), score(s.score));
                m.insert("baseSeverity".into(), severity_json(s.severity));
            }
        }
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v31_example() {
        let c: Cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:P/MAV:A"
            .parse()
            .unwrap();
        let j = c.to_first_json();
        assert_eq!(j["attackVector"], "NETWORK");
        assert_eq!(j["scope"], "CHANGED");
        assert_eq!(j["exploitCodeMaturity"], "PROOF_OF_CONCEPT");
        assert_eq!(j["modifiedAttackVector"], "ADJACENT_NETWORK");
        assert_eq!(j["baseScore"], 6.1);
        assert_eq!(j["baseSeverity"], "MEDIUM");
        assert!(j.get("temporalScore").is_some() && j.get("environmentalScore").is_some());
    }
}
