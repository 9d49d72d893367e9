//! Semantic checks and completeness scoring of a parsed SBOM.
//!
//! Structure is the reader's job ([`super::parse`] refuses a malformed document). This
//! module looks at what a well-formed document says: identifiers that collide,
//! dependency edges that point nowhere, purls and CPEs that do not parse, components
//! without versions. It then scores completeness against the NTIA minimum elements
//! (supplier, component name, version, unique identifier, dependency relationship, SBOM
//! author, timestamp) plus the two fields FDA premarket guidance adds for medical devices
//! (support level and end of support), per component and overall, naming what is
//! missing.
//!
//! purl and CPE checks are syntax only; identity and matching live in `medvigil-match`.

use std::collections::HashSet;
use std::str::FromStr;

use medvigil_model::sbom::Sbom;
use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The document is invalid: `medvigil sbom check` exits 2.
    Error,
    /// The document is usable but weaker than it should be.
    Warning,
}

/// One semantic problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// How serious.
    pub severity: Severity,
    /// A stable snake_case code: `duplicate_reference`, `dangling_dependency`,
    /// `malformed_purl`, `malformed_cpe`, `missing_version`.
    pub code: &'static str,
    /// Where: `component <reference> (<name>)`, `dependency of <reference>`.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

/// The elements scored, in report order.
pub const ELEMENTS: &[&str] = &[
    "supplier",
    "name",
    "version",
    "unique_identifier",
    "dependency_relationship",
    "support_level",
    "end_of_support",
    "sbom_author",
    "timestamp",
];

/// How many components carry one element.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ElementCoverage {
    /// The element (one of [`ELEMENTS`]).
    pub element: &'static str,
    /// Components that have it (for document-level elements: 1 or 0).
    pub present: usize,
    /// Components checked (for document-level elements: 1).
    pub total: usize,
    /// `present / total` as a percentage (0 when total is 0).
    pub percent: f64,
}

/// One component's completeness.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentCompleteness {
    /// The component's reference (bom-ref / SPDXID).
    pub reference: String,
    /// Its name.
    pub name: String,
    /// Percentage of the seven component-level elements present.
    pub percent: f64,
    /// The component-level elements it lacks.
    pub missing: Vec<&'static str>,
}

/// Completeness against the NTIA minimum elements plus FDA support fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completeness {
    /// Overall score in percent: the mean of the nine elements' coverage.
    pub percent: f64,
    /// Coverage per element, in [`ELEMENTS`] order.
    pub elements: Vec<ElementCoverage>,
    /// Per component, in document order.
    pub components: Vec<ComponentCompleteness>,
}

/// The result of [`check`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// Semantic findings, errors first, then in document order.
    pub findings: Vec<Finding>,
    /// Completeness scoring.
    pub completeness: Completeness,
}

impl CheckReport {
    /// Whether any finding is an error (the document is invalid).
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Light CPE syntax check: CPE 2.3 formatted string (13 colon-separated fields, part
/// a/o/h/*/-) or CPE 2.2 URI (`cpe:/` + part a/o/h, at most 7 components).
pub fn cpe_syntax_error(cpe: &str) -> Option<String> {
    if cpe.chars().any(char::is_whitespace) {
        return Some("contains whitespace".into());
    }
    if let Some(rest) = cpe.strip_prefix("cpe:2.3:") {
        // Split on colons not escaped by a backslash.
        let mut fields = 0;
        let mut escaped = false;
        for c in rest.chars() {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, ':') => fields += 1,
                _ => {}
            }
        }
        let fields = fields + 1;
        if fields != 11 {
            return Some(format!(
                "a CPE 2.3 name has 13 colon-separated fields, this one has {}",
                fields + 2
            ));
        }
        let part = rest.split(':').next().unwrap_or("");
        if !matches!(part, "a" | "o" | "h" | "*" | "-") {
            return Some(format!("part {part:?} must be a, o or h"));
        }
        return None;
    }
    if let Some(rest) = cpe.strip_prefix("cpe:/") {
        let parts: Vec<&str> = rest.split(':').collect();
        if parts.len() > 7 {
            return Some("a CPE 2.2 URI has at most 7 components".into());
        }
        if !matches!(parts[0], "" | "a" | "o" | "h") {
            return Some(format!("part {:?} must be a, o or h", parts[0]));
        }
        return None;
    }
    Some("a CPE starts with cpe:2.3: or cpe:/".into())
}

/// Runs the semantic checks and scores completeness.
pub fn check(sbom: &Sbom) -> CheckReport {
    let mut findings = Vec::new();
    let where_ = |r: &str, n: &str| format!("component {r} ({n})");
    let mut refs = HashSet::new();
    for c in &sbom.components {
        if !refs.insert(c.reference.as_str()) {
            findings.push(Finding {
                severity: Severity::Error,
                code: "duplicate_reference",
                location: where_(&c.reference, &c.name),
                message: format!(
                    "reference {:?} is used by more than one component",
                    c.reference
                ),
            });
        }
        for p in &c.purls {
            if let Err(e) = packageurl::PackageUrl::from_str(p) {
                findings.push(Finding {
                    severity: Severity::Error,
                    code: "malformed_purl",
                    location: where_(&c.reference, &c.name),
                    message: format!("purl {p:?} does not parse: {e}"),
                });
            }
        }
        for cpe in &c.cpes {
            if let Some(e) = cpe_syntax_error(cpe) {
                findings.push(Finding {
                    severity: Severity::Error,
                    code: "malformed_cpe",
                    location: where_(&c.reference, &c.name),
                    message: format!("CPE {cpe:?} is malformed: {e}"),
                });
            }
        }
        if c.version.is_none() {
            findings.push(Finding {
                severity: Severity::Warning,
                code: "missing_version",
                location: where_(&c.reference, &c.name),
                message:
                    "no version (absent or empty): vulnerabilities cannot be matched by version"
                        .into(),
            });
        }
    }
    let mut in_graph: HashSet<&str> = HashSet::new();
    for d in &sbom.dependencies {
        in_graph.insert(&d.from);
        if !refs.contains(d.from.as_str()) {
            findings.push(Finding {
                severity: Severity::Error,
                code: "dangling_dependency",
                location: format!("dependency of {}", d.from),
                message: format!(
                    "dependency source {:?} is not a component of this SBOM",
                    d.from
                ),
            });
        }
        for t in &d.to {
            in_graph.insert(t);
            if !refs.contains(t.as_str()) {
                findings.push(Finding {
                    severity: Severity::Error,
                    code: "dangling_dependency",
                    location: format!("dependency of {}", d.from),
                    message: format!(
                        "{:?} depends on {t:?}, which is not a component of this SBOM",
                        d.from
                    ),
                });
            }
        }
    }
    findings.sort_by_key(|f| f.severity);

    let mut counts = [0usize; 7];
    let components: Vec<ComponentCompleteness> = sbom
        .components
        .iter()
        .map(|c| {
            let has = [
                c.supplier.is_some(),
                !c.name.trim().is_empty(),
                c.version.is_some(),
                !c.purls.is_empty() || !c.cpes.is_empty() || !c.other_ids.is_empty(),
                in_graph.contains(c.reference.as_str()),
                c.support_level.is_some(),
                c.end_of_support.is_some(),
            ];
            let mut missing = Vec::new();
            for (i, h) in has.iter().enumerate() {
                if *h {
                    counts[i] += 1;
                } else {
                    missing.push(ELEMENTS[i]);
                }
            }
            ComponentCompleteness {
                reference: c.reference.clone(),
                name: c.name.clone(),
                percent: pct(7 - missing.len(), 7),
                missing,
            }
        })
        .collect();
    let n = sbom.components.len();
    let mut elements: Vec<ElementCoverage> = counts
        .iter()
        .enumerate()
        .map(|(i, &present)| ElementCoverage {
            element: ELEMENTS[i],
            present,
            total: n,
            percent: pct(present, n),
        })
        .collect();
    for (element, present) in [
        ("sbom_author", !sbom.authors.is_empty()),
        ("timestamp", sbom.timestamp.is_some()),
    ] {
        elements.push(ElementCoverage {
            element,
            present: present as usize,
            total: 1,
            percent: if present { 100.0 } else { 0.0 },
        });
    }
    let percent = round1(elements.iter().map(|e| e.percent).sum::<f64>() / elements.len() as f64);
    CheckReport {
        findings,
        completeness: Completeness {
            percent,
            elements,
            components,
        },
    }
}

fn pct(present: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        round1(present as f64 * 100.0 / total as f64)
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use medvigil_model::sbom::{Component, Dependency, SbomFormat};

    fn sbom(components: Vec<Component>, deps: Vec<Dependency>) -> Sbom {
        Sbom {
            format: SbomFormat::CyclonedxJson,
            spec_version: "1.6".into(),
            serial: None,
            revision: None,
            name: None,
            timestamp: Some("2024-01-01T00:00:00Z".into()),
            authors: vec![],
            tools: vec![],
            subject: None,
            components,
            dependencies: deps,
        }
    }

    fn comp(r: &str) -> Component {
        Component {
            reference: r.into(),
            name: r.into(),
            ..Component::default()
        }
    }

    #[test]
    fn finds_each_semantic_problem() {
        let mut a = comp("a");
        a.purls.push("pkg:npm/%40scope".into());
        a.purls.push("not a purl".into());
        a.cpes
            .push("cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:*".into());
        a.cpes.push("cpe:2.3:a:vendor:product".into());
        let b = comp("a");
        let r = check(&sbom(
            vec![a, b],
            vec![Dependency {
                from: "a".into(),
                to: vec!["zzz".into()],
            }],
        ));
        let codes: Vec<&str> = r.findings.iter().map(|f| f.code).collect();
        assert!(codes.contains(&"duplicate_reference"), "{codes:?}");
        assert!(codes.contains(&"dangling_dependency"), "{codes:?}");
        assert_eq!(
            codes.iter().filter(|c| **c == "malformed_purl").count(),
            1,
            "{codes:?}"
        );
        assert_eq!(
            codes.iter().filter(|c| **c == "malformed_cpe").count(),
            1,
            "{codes:?}"
        );
        assert!(codes.contains(&"missing_version"), "{codes:?}");
        assert!(r.has_errors());
        assert_eq!(r.findings.last().unwrap().severity, Severity::Warning);
    }

    #[test]
    fn scores_completeness_and_names_what_is_missing() {
        let mut full = comp("fw");
        full.supplier = Some("Acme".into());
        full.version = Some("2.1".into());
        full.purls.push("pkg:generic/fw@2.1".into());
        full.support_level = Some("active".into());
        full.end_of_support = Some("2030-01-01".into());
        let bare = comp("x");
        let r = check(&sbom(
            vec![full, bare],
            vec![Dependency {
                from: "fw".into(),
                to: vec![],
            }],
        ));
        assert!(!r.has_errors());
        let c = &r.completeness;
        assert_eq!(c.components[0].percent, 100.0);
        assert_eq!(
            c.components[1].missing,
            vec![
                "supplier",
                "version",
                "unique_identifier",
                "dependency_relationship",
                "support_level",
                "end_of_support"
            ]
        );
        assert_eq!(c.elements[0].percent, 50.0);
        assert_eq!(c.elements[7].element, "sbom_author");
        assert_eq!(c.elements[7].present, 0);
        // supplier 50, name 100, version 50, id 50, dependency 50 (only fw is in the
        // graph), support 50, end of support 50, author 0, timestamp 100.
        assert_eq!(c.percent, round1(500.0 / 9.0));
    }

    #[test]
    fn cpe_forms() {
        assert!(cpe_syntax_error("cpe:/a:example:myapplication:1.0.0").is_none());
        assert!(cpe_syntax_error("cpe:2.3:h:qualcomm:atheros_qca9563:*:*:*:*:*:*:*:*").is_none());
        assert!(cpe_syntax_error("cpe:2.3:a:a\\:b:c:1:*:*:*:*:*:*:*").is_none());
        assert!(cpe_syntax_error("cpe:2.3:x:a:b:1:*:*:*:*:*:*:*").is_some());
        assert!(cpe_syntax_error("cpe 2.3").is_some());
    }
}
