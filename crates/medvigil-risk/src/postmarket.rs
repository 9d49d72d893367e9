//! The FDA postmarket call per (device model, vulnerability): is the residual risk of
//! patient harm controlled or uncontrolled?
//!
//! FDA, "Postmarket Management of Cybersecurity in Medical Devices" (final guidance,
//! December 2016), section VI: a manufacturer assesses the exploitability of a
//! vulnerability and the severity of patient harm if it were exploited; the combination
//! says whether the risk is controlled (acceptable residual risk) or uncontrolled. For an
//! uncontrolled risk, section VII.B: FDA does not intend to enforce 21 CFR 806 reporting
//! when there are no known serious adverse events or deaths, the manufacturer tells its
//! customers and user community within 30 days of learning of the vulnerability, fixes it
//! (or brings the risk to an acceptable level) within 60 days, and takes part in an ISAO.
//!
//! The matrix of what counts as uncontrolled, the day counts and the controls that lower
//! exploitability are policy data (`[postmarket]` in the policy TOML).

use medvigil_model::ClinicalFunction;
use serde::Serialize;

use crate::policy::{Exploitability, HarmLevel, Policy};
use crate::priority::{FindingRiskInput, Reach};

/// Controlled or uncontrolled residual risk of patient harm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskControl {
    /// Acceptable residual risk.
    Controlled,
    /// Unacceptable residual risk: communicate and remediate on the guidance's timelines.
    Uncontrolled,
}

impl RiskControl {
    /// "controlled" or "uncontrolled".
    pub fn as_str(self) -> &'static str {
        match self {
            RiskControl::Controlled => "controlled",
            RiskControl::Uncontrolled => "uncontrolled",
        }
    }
}

/// Deadlines for an uncontrolled risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timelines {
    /// Days to communicate to customers and users.
    pub communicate_within_days: u32,
    /// Days to remediate.
    pub remediate_within_days: u32,
    /// The communication deadline, when the date the manufacturer learned of it is known.
    pub communicate_by: Option<String>,
    /// The remediation deadline, likewise.
    pub remediate_by: Option<String>,
}

/// The call for one (model, vulnerability), with its reasons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostmarketCall {
    /// Controlled or uncontrolled.
    pub status: RiskControl,
    /// Severity of patient harm if exploited.
    pub harm: HarmLevel,
    /// Why that harm level.
    pub harm_reasons: Vec<String>,
    /// Exploitability.
    pub exploitability: Exploitability,
    /// Why that exploitability.
    pub exploitability_reasons: Vec<String>,
    /// The decision in one sentence.
    pub reason: String,
    /// For uncontrolled risk: the deadlines.
    pub timelines: Option<Timelines>,
    /// What the guidance says about reporting in this case.
    pub reporting: String,
}

/// Errors in the postmarket inputs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date {0:?}: expected YYYY-MM-DD")]
pub struct DateError(pub String);

impl Policy {
    /// The postmarket call for a model (its fleet-wide profile in `input.profile`) and a
    /// vulnerability. `learned_on` (YYYY-MM-DD) dates the deadlines; `adverse_events`
    /// says whether serious adverse events or deaths are known to be associated with it.
    pub fn postmarket(
        &self,
        input: &FindingRiskInput,
        learned_on: Option<&str>,
        adverse_events: bool,
    ) -> Result<PostmarketCall, DateError> {
        let learned = learned_on.map(parse_date).transpose()?;
        let pm = &self.postmarket;
        let p = &input.profile;

        let mut harm_reasons = Vec::new();
        let mut harm = if p.implanted == Some(true) {
            harm_reasons.push("implanted device".to_string());
            HarmLevel::Catastrophic
        } else {
            match p.clinical_function {
                Some(f) => {
                    harm_reasons.push(format!("{} device", f.as_str().replace('_', "-")));
                    match f {
                        ClinicalFunction::LifeSustaining => HarmLevel::Catastrophic,
                        ClinicalFunction::Therapeutic => HarmLevel::Critical,
                        ClinicalFunction::Monitoring | ClinicalFunction::Diagnostic => {
                            HarmLevel::Serious
                        }
                        ClinicalFunction::Informational => HarmLevel::Minor,
                    }
                }
                None => {
                    harm_reasons
                        .push("clinical function unknown: serious harm assumed".to_string());
                    HarmLevel::Serious
                }
            }
        };
        if let Some(s) = &input.severity
            && !s.impacts.integrity
            && !s.impacts.availability
            && harm > HarmLevel::Minor
        {
            harm = HarmLevel::Minor;
            harm_reasons.push(
                "confidentiality impact only: no integrity or availability impact, so no \
                     direct path to patient harm"
                    .to_string(),
            );
        }

        let mut ex_reasons = Vec::new();
        let mut ex = if input.kev.is_some() || input.known_ransomware {
            ex_reasons.push(
                if input.known_ransomware {
                    "known exploited (KEV), used in ransomware campaigns"
                } else {
                    "known exploited (in CISA KEV)"
                }
                .to_string(),
            );
            Exploitability::High
        } else if let Some(e) = input.epss.filter(|e| *e >= pm.high_exploitability_epss) {
            ex_reasons.push(format!("EPSS {e:.3} >= {:.3}", pm.high_exploitability_epss));
            Exploitability::High
        } else {
            match &input.severity {
                Some(s)
                    if s.reach == Reach::Network
                        && s.no_privileges
                        && s.low_complexity
                        && s.no_interaction =>
                {
                    ex_reasons.push(
                        "remotely exploitable, low complexity, no credentials or user action"
                            .to_string(),
                    );
                    Exploitability::High
                }
                Some(s) if matches!(s.reach, Reach::Network | Reach::Adjacent) => {
                    ex_reasons.push(format!("attack vector {:?}", s.reach).to_lowercase());
                    Exploitability::Medium
                }
                Some(s) => {
                    ex_reasons.push(format!(
                        "needs {} access",
                        format!("{:?}", s.reach).to_lowercase()
                    ));
                    Exploitability::Low
                }
                None => {
                    ex_reasons.push("no CVSS vector: medium exploitability assumed".to_string());
                    Exploitability::Medium
                }
            }
        };
        let mitigations: Vec<&str> = pm
            .mitigating_controls
            .iter()
            .filter(|c| p.controls.contains(c))
            .map(|c| c.as_str())
            .collect();
        if !mitigations.is_empty() && ex > Exploitability::Low {
            ex = ex.lower();
            ex_reasons.push(format!(
                "{} deployed: exploitability lowered one level",
                mitigations.join(" and ")
            ));
        }

        let hit = pm
            .uncontrolled
            .iter()
            .find(|u| harm >= u.min_harm && ex >= u.min_exploitability);
        let status = if hit.is_some() {
            RiskControl::Uncontrolled
        } else {
            RiskControl::Controlled
        };
        let reason = match hit {
            Some(u) => format!(
                "uncontrolled: harm {} and exploitability {} reach the policy's ({}, {}) threshold",
                harm.as_str(),
                ex.as_str(),
                u.min_harm.as_str(),
                u.min_exploitability.as_str()
            ),
            None => format!(
                "controlled: harm {} with exploitability {} is below every uncontrolled threshold",
                harm.as_str(),
                ex.as_str()
            ),
        };
        let timelines = (status == RiskControl::Uncontrolled).then(|| Timelines {
            communicate_within_days: pm.communicate_within_days,
            remediate_within_days: pm.remediate_within_days,
            communicate_by: learned.map(|d| format_date(d + pm.communicate_within_days as i64)),
            remediate_by: learned.map(|d| format_date(d + pm.remediate_within_days as i64)),
        });
        let reporting = match (status, adverse_events) {
            (RiskControl::Controlled, _) => "controlled risk: the fix is a routine cybersecurity \
                 update, not reportable under 21 CFR 806 (PMA devices list it in the periodic report)"
                .to_string(),
            (RiskControl::Uncontrolled, true) => "uncontrolled risk with known serious adverse \
                 events or deaths: report under 21 CFR 806"
                .to_string(),
            (RiskControl::Uncontrolled, false) => format!(
                "uncontrolled risk: report under 21 CFR 806 unless customers and users are told \
                 within {} days, the risk is fixed within {} days, and the manufacturer takes \
                 part in an ISAO",
                pm.communicate_within_days, pm.remediate_within_days
            ),
        };
        Ok(PostmarketCall {
            status,
            harm,
            harm_reasons,
            exploitability: ex,
            exploitability_reasons: ex_reasons,
            reason,
            timelines,
            reporting,
        })
    }
}

/// Days since 1970-01-01 of a YYYY-MM-DD date (proleptic Gregorian).
fn parse_date(s: &str) -> Result<i64, DateError> {
    let bad = || DateError(s.to_string());
    let mut it = s.trim().splitn(3, '-');
    let y: i64 = it.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
    let m: i64 = it.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
    let d: i64 = it.next().and_then(|x| x.parse().ok()).ok_or_else(bad)?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_len = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > month_len[(m - 1) as usize] {
        return Err(bad());
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok(era * 146_097 + doe - 719_468)
}

/// YYYY-MM-DD of a day count since 1970-01-01 (Hinnant's civil_from_days).
fn format_date(z: i64) -> String {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cvss::Cvss;
    use crate::priority::{KevEvidence, SeverityInput};
    use medvigil_model::clinical::{ClinicalProfile, CompensatingControl};

    fn input(vector: &str, f: ClinicalFunction) -> FindingRiskInput {
        let c: Cvss = vector.parse().unwrap();
        FindingRiskInput {
            severity: Some(SeverityInput::from_cvss(&c)),
            profile: ClinicalProfile {
                clinical_function: Some(f),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            format_date(parse_date("2024-01-31").unwrap() + 30),
            "2024-03-01"
        );
        assert_eq!(
            format_date(parse_date("2023-12-15").unwrap() + 60),
            "2024-02-13"
        );
        assert_eq!(format_date(0), "1970-01-01");
        assert!(parse_date("2023-02-29").is_err());
        assert!(parse_date("2023-13-01").is_err());
        assert!(parse_date("yesterday").is_err());
    }

    #[test]
    fn remote_unauthenticated_flaw_in_an_infusion_pump_is_uncontrolled() {
        let policy = Policy::default();
        let f = input(
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H",
            ClinicalFunction::Therapeutic,
        );
        let call = policy.postmarket(&f, Some("2024-01-31"), false).unwrap();
        assert_eq!(call.status, RiskControl::Uncontrolled, "{call:?}");
        assert_eq!(call.harm, HarmLevel::Critical);
        assert_eq!(call.exploitability, Exploitability::High);
        let t = call.timelines.unwrap();
        assert_eq!(t.communicate_by.as_deref(), Some("2024-03-01"));
        assert_eq!(t.remediate_by.as_deref(), Some("2024-03-31"));
        assert!(call.reporting.contains("ISAO"));
    }

    #[test]
    fn confidentiality_only_or_local_flaws_are_controlled() {
        let policy = Policy::default();
        let f = input(
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
            ClinicalFunction::LifeSustaining,
        );
        let call = policy.postmarket(&f, None, false).unwrap();
        assert_eq!(call.status, RiskControl::Controlled, "{call:?}");
        assert_eq!(call.harm, HarmLevel::Minor);
        assert!(call.timelines.is_none());

        let f = input(
            "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            ClinicalFunction::Therapeutic,
        );
        let call = policy.postmarket(&f, None, false).unwrap();
        assert_eq!(call.exploitability, Exploitability::Low);
        assert_eq!(call.status, RiskControl::Controlled, "{call:?}");
    }

    #[test]
    fn kev_beats_controls_only_by_one_level() {
        let policy = Policy::default();
        let mut f = input(
            "CVSS:3.1/AV:A/AC:H/PR:L/UI:N/S:U/C:N/I:H/A:H",
            ClinicalFunction::Therapeutic,
        );
        f.kev = Some(KevEvidence::default());
        assert_eq!(
            policy.postmarket(&f, None, true).unwrap().status,
            RiskControl::Uncontrolled
        );
        f.profile.controls.insert(CompensatingControl::Segmentation);
        let call = policy.postmarket(&f, None, true).unwrap();
        // High lowered to medium still meets (critical, medium).
        assert_eq!(call.exploitability, Exploitability::Medium);
        assert_eq!(call.status, RiskControl::Uncontrolled);
        assert!(call.reporting.contains("adverse events"));
        f.profile.clinical_function = Some(ClinicalFunction::Monitoring);
        assert_eq!(
            policy.postmarket(&f, None, true).unwrap().status,
            RiskControl::Controlled
        );
    }
}
