//! Building prioritization inputs from what medvigil stores: a device's effective
//! clinical profile (inventory, then model override, then device override) and a
//! vulnerability's severity and exploitation evidence from the knowledge base.

use medvigil_model::Device;
use medvigil_model::clinical::{ClinicalProfile, ClinicalProfilePatch};
use medvigil_model::vuln::{EpssScore, KevEntry, Score};

use crate::cvss::{Cvss, Version};
use crate::priority::{FindingRiskInput, KevEvidence, SeverityInput};
use crate::rubric::RubricOutcome;

/// A device's profile: what the inventory says, then the model's override, then the
/// device's own override (each later layer wins field by field).
pub fn effective_profile(
    device: &Device,
    model_patch: Option<&ClinicalProfilePatch>,
    device_patch: Option<&ClinicalProfilePatch>,
) -> ClinicalProfile {
    let mut p = ClinicalProfile {
        clinical_function: device.clinical_function,
        network_zone: device.network_zone,
        devices_affected: 1,
        sites_affected: 1,
        ..Default::default()
    };
    for patch in [model_patch, device_patch].into_iter().flatten() {
        p.apply(patch);
    }
    p
}

/// A model's fleet-wide profile for the postmarket call: the most critical clinical
/// function and the most exposed zone among its devices in the inventory (the call must
/// hold for every deployment), then the model's override; counts devices and sites.
pub fn model_profile(
    devices: &[Device],
    model_patch: Option<&ClinicalProfilePatch>,
) -> ClinicalProfile {
    let mut sites: Vec<&str> = devices.iter().map(|d| d.site.as_str()).collect();
    sites.sort_unstable();
    sites.dedup();
    let mut p = ClinicalProfile {
        // The enums are declared from most to least critical / exposed, so min() is worst.
        clinical_function: devices.iter().filter_map(|d| d.clinical_function).min(),
        network_zone: devices.iter().filter_map(|d| d.network_zone).min(),
        devices_affected: devices.len() as u64,
        sites_affected: sites.len() as u64,
        ..Default::default()
    };
    if let Some(patch) = model_patch {
        p.apply(patch);
    }
    p
}

/// The vector prioritization should use among a vulnerability's scores, with its source:
/// the primary score (NVD's own) before secondary ones, then the newest CVSS version.
/// Vectors that do not parse are skipped (the KB keeps them as given).
pub fn best_cvss(scores: &[Score]) -> Option<(Cvss, &Score)> {
    let rank = |v: Version| match v {
        Version::V4 => 4,
        Version::V3_1 => 3,
        Version::V3_0 => 2,
        Version::V2 => 1,
    };
    scores
        .iter()
        .filter_map(|s| s.vector.parse::<Cvss>().ok().map(|c| (c, s)))
        .max_by_key(|(c, s)| {
            (
                s.metric_type.as_deref() == Some("Primary"),
                rank(c.version()),
            )
        })
}

/// Uses the medical-device rubric's adjusted vector as the finding's severity, when the
/// rubric decided every base metric and at least one answer (model or vulnerability)
/// went into it; returns whether it did. The severity's kind then says "rubric".
pub fn apply_rubric(input: &mut FindingRiskInput, outcome: &RubricOutcome) -> bool {
    let answered = outcome
        .steps
        .iter()
        .any(|s| s.source == "model" || s.source == "vulnerability");
    let Some(vector) = outcome.vector.as_deref().filter(|_| answered) else {
        return false;
    };
    let Ok(c) = vector.parse::<Cvss>() else {
        return false;
    };
    let mut sev = SeverityInput::from_cvss(&c);
    sev.kind = "rubric-adjusted base";
    input.severity = Some(sev);
    true
}

/// A finding's input from knowledge-base records and a profile.
pub fn finding_input(
    scores: &[Score],
    kev: Option<&KevEntry>,
    epss: Option<&EpssScore>,
    profile: ClinicalProfile,
) -> FindingRiskInput {
    FindingRiskInput {
        severity: best_cvss(scores).map(|(c, _)| SeverityInput::from_cvss(&c)),
        kev: kev.map(|k| KevEvidence {
            date_added: (!k.date_added.is_empty()).then(|| k.date_added.clone()),
        }),
        known_ransomware: kev.is_some_and(|k| {
            k.known_ransomware_campaign_use
                .eq_ignore_ascii_case("known")
        }),
        epss: epss.map(|e| e.epss),
        profile,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use medvigil_model::vuln::ScoreKind;
    use medvigil_model::{ClinicalFunction, NetworkZone};

    fn score(vector: &str, kind: ScoreKind, primary: bool) -> Score {
        Score {
            source: "nvd@nist.gov".into(),
            kind,
            vector: vector.into(),
            base_score: None,
            severity: None,
            metric_type: Some(if primary { "Primary" } else { "Secondary" }.into()),
            extra: Default::default(),
        }
    }

    #[test]
    fn primary_then_newest_and_bad_vectors_skipped() {
        let scores = vec![
            score("AV:N/AC:L/Au:N/C:P/I:P/A:P", ScoreKind::CvssV2, true),
            score(
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
                ScoreKind::CvssV40,
                false,
            ),
            score(
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                ScoreKind::CvssV31,
                true,
            ),
            score("CVSS:3.1/AV:Z", ScoreKind::CvssV31, true),
        ];
        let (c, _) = best_cvss(&scores).unwrap();
        assert_eq!(c.version(), Version::V3_1);
        assert!(best_cvss(&scores[3..]).is_none());
    }

    #[test]
    fn model_profile_takes_the_worst_deployment() {
        let mut a = Device::new("north", "A");
        a.clinical_function = Some(ClinicalFunction::Monitoring);
        a.network_zone = Some(NetworkZone::Isolated);
        let mut b = Device::new("south", "B");
        b.clinical_function = Some(ClinicalFunction::LifeSustaining);
        b.network_zone = Some(NetworkZone::HospitalLan);
        let p = model_profile(&[a, b], None);
        assert_eq!(p.clinical_function, Some(ClinicalFunction::LifeSustaining));
        assert_eq!(p.network_zone, Some(NetworkZone::HospitalLan));
        assert_eq!((p.devices_affected, p.sites_affected), (2, 2));
    }

    #[test]
    fn layers_apply_in_order() {
        let mut d = Device::new("north", "PUMP-1");
        d.clinical_function = Some(ClinicalFunction::Therapeutic);
        d.network_zone = Some(NetworkZone::HospitalLan);
        let model = ClinicalProfilePatch {
            network_zone: Some(NetworkZone::ClinicalVlan),
            patient_connected: Some(true),
            ..Default::default()
        };
        let dev = ClinicalProfilePatch {
            network_zone: Some(NetworkZone::Isolated),
            ..Default::default()
        };
        let p = effective_profile(&d, Some(&model), Some(&dev));
        assert_eq!(p.network_zone, Some(NetworkZone::Isolated));
        assert_eq!(p.patient_connected, Some(true));
        assert_eq!(p.clinical_function, Some(ClinicalFunction::Therapeutic));
    }
}
