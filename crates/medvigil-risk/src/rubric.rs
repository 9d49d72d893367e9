//! The medical-device CVSS rubric as a questionnaire.
//!
//! MITRE's "Rubric for Applying CVSS to Medical Devices" (2019/2020, an FDA-qualified
//! Medical Device Development Tool) replaces guesswork on each CVSS v3 base metric with a
//! short decision flow of yes/no questions asked in the clinical context: which interface
//! exposes the device, whose credentials an attack needs, and, for integrity and
//! availability, whether a compromise reaches the patient. This module follows that
//! structure (one flow per base metric) with questions worded by medvigil, not quoted
//! from the rubric.
//!
//! Answers are stored per device model; the questions marked
//! [`AnswerScope::Vulnerability`] depend on the flaw and may also be answered per
//! vulnerability, which overrides the model's answer. [`evaluate`] walks every flow and
//! returns the adjusted CVSS v3.1 base vector with every step of reasoning; a metric whose
//! flow is not fully answered keeps the advisory's value, and says so.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::cvss::v3;

/// Whether a question is about the device model or about one vulnerability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerScope {
    /// Same answer for every vulnerability of the model (its interfaces, its clinical use).
    Model,
    /// Depends on the vulnerability (what the flaw lets an attacker do).
    Vulnerability,
}

/// Where a yes or a no leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The metric takes this value code.
    Value(&'static str),
    /// Ask this question next.
    Ask(&'static str),
}

/// One rubric question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Question {
    /// Stable id ("AV.1").
    pub id: &'static str,
    /// The CVSS v3 base metric it decides.
    pub metric: &'static str,
    /// The question.
    pub text: &'static str,
    /// Model-level or vulnerability-level.
    pub scope: AnswerScope,
    /// Where "yes" leads.
    pub yes: Outcome,
    /// Where "no" leads.
    pub no: Outcome,
}

use AnswerScope::{Model, Vulnerability};
use Outcome::{Ask, Value};

/// The questionnaire: the first question of each metric starts its flow.
pub const QUESTIONS: &[Question] = &[
    Question {
        id: "AV.1",
        metric: "AV",
        scope: Model,
        text: "Can the vulnerable interface be reached over a routed network (hospital LAN, VPN, remote service link, internet), from beyond the device's own subnet?",
        yes: Value("N"),
        no: Ask("AV.2"),
    },
    Question {
        id: "AV.2",
        metric: "AV",
        scope: Model,
        text: "Can it be reached from the same subnet or over a shared short-range link (Wi-Fi, Bluetooth, RF telemetry, a serial or proprietary bus)?",
        yes: Value("A"),
        no: Ask("AV.3"),
    },
    Question {
        id: "AV.3",
        metric: "AV",
        scope: Model,
        text: "Can it be reached by someone using the device's own console or user interface, or through a file or medium a user loads, without opening or physically attaching to the device?",
        yes: Value("L"),
        no: Value("P"),
    },
    Question {
        id: "AC.1",
        metric: "AC",
        scope: Vulnerability,
        text: "Does a successful attack depend on conditions the attacker does not control (winning a race, a non-default configuration, a man-in-the-middle position, device-specific secrets)?",
        yes: Value("H"),
        no: Value("L"),
    },
    Question {
        id: "PR.1",
        metric: "PR",
        scope: Model,
        text: "Can the attack be carried out without logging in or presenting any credential to the device?",
        yes: Value("N"),
        no: Ask("PR.2"),
    },
    Question {
        id: "PR.2",
        metric: "PR",
        scope: Model,
        text: "Is ordinary clinical-user access enough (what nurses and clinicians log in with), rather than service, administrator or manufacturer access?",
        yes: Value("L"),
        no: Value("H"),
    },
    Question {
        id: "UI.1",
        metric: "UI",
        scope: Vulnerability,
        text: "Must someone other than the attacker (clinician, patient, technician) act for the attack to succeed, such as opening a file, starting a session or pairing a device?",
        yes: Value("R"),
        no: Value("N"),
    },
    Question {
        id: "S.1",
        metric: "S",
        scope: Model,
        text: "Can exploiting the vulnerable component affect a component under another security authority: a separate therapy controller, other devices, or systems on the hospital network?",
        yes: Value("C"),
        no: Value("U"),
    },
    Question {
        id: "C.1",
        metric: "C",
        scope: Vulnerability,
        text: "Can the attacker read all data the device holds, including patient health information or credentials?",
        yes: Value("H"),
        no: Ask("C.2"),
    },
    Question {
        id: "C.2",
        metric: "C",
        scope: Vulnerability,
        text: "Can the attacker read some data, limited in scope or sensitivity?",
        yes: Value("L"),
        no: Value("N"),
    },
    Question {
        id: "I.1",
        metric: "I",
        scope: Vulnerability,
        text: "Can the attacker change therapy delivery, device settings, alarms, or the clinical data clinicians act on, in a way that could lead to patient harm?",
        yes: Value("H"),
        no: Ask("I.2"),
    },
    Question {
        id: "I.2",
        metric: "I",
        scope: Vulnerability,
        text: "Can the attacker change some data or settings, with no path to patient harm?",
        yes: Value("L"),
        no: Value("N"),
    },
    Question {
        id: "A.1",
        metric: "A",
        scope: Vulnerability,
        text: "Can the attacker stop the device from performing its clinical function, or make it unavailable when care needs it?",
        yes: Value("H"),
        no: Ask("A.2"),
    },
    Question {
        id: "A.2",
        metric: "A",
        scope: Vulnerability,
        text: "Can the attacker degrade performance, or disrupt only non-clinical functions?",
        yes: Value("L"),
        no: Value("N"),
    },
];

/// The base metrics in vector order, each with its flow's first question.
const FLOWS: &[(&str, &str)] = &[
    ("AV", "AV.1"),
    ("AC", "AC.1"),
    ("PR", "PR.1"),
    ("UI", "UI.1"),
    ("S", "S.1"),
    ("C", "C.1"),
    ("I", "I.1"),
    ("A", "A.1"),
];

/// The question with this id.
pub fn question(id: &str) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.id.eq_ignore_ascii_case(id))
}

/// One recorded answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// Yes or no.
    pub yes: bool,
    /// Why (the evidence the engineer relied on).
    pub note: Option<String>,
}

/// Answers keyed by question id.
pub type Answers = BTreeMap<String, Answer>;

/// One step of the reasoning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The metric.
    pub metric: &'static str,
    /// The question asked, when one was.
    pub question: Option<&'static str>,
    /// Its text.
    pub text: Option<&'static str>,
    /// The answer: "yes", "no", or "unanswered".
    pub answer: &'static str,
    /// Where the answer came from: "model", "vulnerability", or "advisory" (kept).
    pub source: &'static str,
    /// The engineer's note.
    pub note: Option<String>,
    /// The value this step settled, if it did.
    pub value: Option<&'static str>,
}

/// The rubric's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RubricOutcome {
    /// The adjusted CVSS v3.1 base vector, when every metric is decided.
    pub vector: Option<String>,
    /// Its base score.
    pub base_score: Option<f64>,
    /// The advisory's vector it started from, if any.
    pub original_vector: Option<String>,
    /// That vector's base score.
    pub original_score: Option<f64>,
    /// Every step, in order.
    pub steps: Vec<Step>,
    /// Metrics neither answered nor given by the advisory.
    pub undecided: Vec<&'static str>,
    /// Metrics the rubric changed from the advisory's value: (metric, from, to).
    pub changed: Vec<(&'static str, String, &'static str)>,
}

/// An answer to a question the rubric does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown rubric question {0:?}: expected one of AV.1, AV.2, AV.3, AC.1, PR.1, PR.2, UI.1, S.1, C.1, C.2, I.1, I.2, A.1, A.2"
)]
pub struct UnknownQuestion(pub String);

/// Walks every metric's flow. Vulnerability answers override model answers.
/// `advisory` (a v3.0 or v3.1 vector) supplies metrics the answers leave open.
pub fn evaluate(
    model: &Answers,
    vulnerability: &Answers,
    advisory: Option<&v3::Vector>,
) -> Result<RubricOutcome, UnknownQuestion> {
    for id in model.keys().chain(vulnerability.keys()) {
        if question(id).is_none() {
            return Err(UnknownQuestion(id.clone()));
        }
    }
    fn find<'a>(a: &'a Answers, id: &str) -> Option<&'a Answer> {
        a.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(id))
            .map(|(_, v)| v)
    }
    let get = |id: &str| -> Option<(&Answer, &'static str)> {
        find(vulnerability, id)
            .map(|a| (a, "vulnerability"))
            .or_else(|| find(model, id).map(|a| (a, "model")))
    };
    let original = advisory.map(|v| {
        let mut base = v.clone();
        // The rubric decides base metrics; score the advisory's base vector alone.
        base.canonicalize();
        base
    });
    let advisory_code = |metric: &str| -> Option<String> {
        let v = original.as_ref()?;
        let s = v.to_string();
        s.split('/')
            .skip(1)
            .filter_map(|c| c.split_once(':'))
            .find(|(k, _)| *k == metric)
            .map(|(_, val)| val.to_string())
    };
    let mut steps = Vec::new();
    let mut decided: Vec<(&'static str, String)> = Vec::new();
    let mut undecided = Vec::new();
    let mut changed = Vec::new();
    for &(metric, first) in FLOWS {
        let mut id = first;
        let value = loop {
            let q = question(id).expect("flows reference existing questions");
            match get(id) {
                Some((a, source)) => {
                    let next = if a.yes { q.yes } else { q.no };
                    let value = match next {
                        Value(v) => Some(v),
                        Ask(_) => None,
                    };
                    steps.push(Step {
                        metric,
                        question: Some(q.id),
                        text: Some(q.text),
                        answer: if a.yes { "yes" } else { "no" },
                        source,
                        note: a.note.clone(),
                        value,
                    });
                    match next {
                        Value(v) => break Some(v.to_string()),
                        Ask(n) => id = n,
                    }
                }
                None => {
                    steps.push(Step {
                        metric,
                        question: Some(q.id),
                        text: Some(q.text),
                        answer: "unanswered",
                        source: "advisory",
                        note: None,
                        value: None,
                    });
                    break None;
                }
            }
        };
        match value {
            Some(v) => {
                if let Some(old) = advisory_code(metric).filter(|o| *o != v) {
                    let to = question_value(metric, &v);
                    changed.push((metric, old, to));
                }
                decided.push((metric, v));
            }
            None => match advisory_code(metric) {
                Some(v) => {
                    steps.push(Step {
                        metric,
                        question: None,
                        text: None,
                        answer: "unanswered",
                        source: "advisory",
                        note: Some(format!("kept the advisory's {metric}:{v}")),
                        value: None,
                    });
                    decided.push((metric, v));
                }
                None => undecided.push(metric),
            },
        }
    }
    let (vector, base_score) = if undecided.is_empty() {
        let body: Vec<String> = decided.iter().map(|(m, v)| format!("{m}:{v}")).collect();
        let s = format!("CVSS:3.1/{}", body.join("/"));
        let v = v3::Vector::parse(&s).expect("rubric values are valid v3 codes");
        (Some(s), Some(v.base_score()))
    } else {
        (None, None)
    };
    Ok(RubricOutcome {
        vector,
        base_score,
        original_vector: original.as_ref().map(|v| v.to_string()),
        original_score: original.as_ref().map(|v| v.base_score()),
        steps,
        undecided,
        changed,
    })
}

/// The `&'static` spelling of a value code the rubric produced.
fn question_value(metric: &str, v: &str) -> &'static str {
    QUESTIONS
        .iter()
        .filter(|q| q.metric == metric)
        .flat_map(|q| [q.yes, q.no])
        .find_map(|o| match o {
            Value(x) if x == v => Some(x),
            _ => None,
        })
        .unwrap_or("?")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yes(note: &str) -> Answer {
        Answer {
            yes: true,
            note: Some(note.into()),
        }
    }
    fn no() -> Answer {
        Answer {
            yes: false,
            note: None,
        }
    }

    #[test]
    fn every_flow_terminates_and_every_question_is_reachable() {
        let mut reached = std::collections::BTreeSet::new();
        for &(_, first) in FLOWS {
            let mut stack = vec![first];
            while let Some(id) = stack.pop() {
                assert!(reached.insert(id), "{id} reached twice");
                let q = question(id).unwrap();
                for o in [q.yes, q.no] {
                    if let Ask(n) = o {
                        assert_eq!(question(n).unwrap().metric, q.metric);
                        stack.push(n);
                    }
                }
            }
        }
        assert_eq!(reached.len(), QUESTIONS.len());
    }

    #[test]
    fn answers_adjust_the_advisory_vector_with_reasons() {
        // An advisory scored the pump's flaw as network-reachable; the pump's drug library
        // interface is only on a Bluetooth link, and a compromise can change the infusion.
        let advisory = v3::Vector::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L").unwrap();
        let mut model = Answers::new();
        model.insert("AV.1".into(), no());
        model.insert("AV.2".into(), yes("drug library sync over BLE only"));
        model.insert("PR.1".into(), yes("no pairing PIN"));
        let mut vuln = Answers::new();
        vuln.insert("I.1".into(), yes("rate and VTBI can be rewritten"));
        let out = evaluate(&model, &vuln, Some(&advisory)).unwrap();
        assert_eq!(
            out.vector.as_deref(),
            Some("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:L/I:H/A:L")
        );
        assert_eq!(out.original_score, Some(7.3));
        assert_eq!(out.base_score, Some(7.6));
        assert!(out.changed.contains(&("AV", "N".to_string(), "A")));
        assert!(out.changed.contains(&("I", "L".to_string(), "H")));
        let i = out
            .steps
            .iter()
            .find(|s| s.question == Some("I.1"))
            .unwrap();
        assert_eq!(i.source, "vulnerability");
        assert!(
            out.steps
                .iter()
                .any(|s| s.note.as_deref() == Some("kept the advisory's AC:L"))
        );
    }

    #[test]
    fn without_an_advisory_unanswered_metrics_stay_undecided() {
        let mut model = Answers::new();
        model.insert("AV.1".into(), yes("HL7 over the LAN"));
        let out = evaluate(&model, &Answers::new(), None).unwrap();
        assert!(out.vector.is_none());
        assert_eq!(out.undecided, vec!["AC", "PR", "UI", "S", "C", "I", "A"]);
        let mut bad = Answers::new();
        bad.insert("AV.9".into(), no());
        assert!(evaluate(&bad, &Answers::new(), None).is_err());
    }
}
