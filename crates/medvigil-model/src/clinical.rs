//! Clinical profiles of devices and models: what a compromise could do to a patient, how
//! exposed the device is, and which compensating controls stand in front of it.
//!
//! Plain data. `medvigil-risk` turns a profile plus a vulnerability into a priority; the
//! store keeps profile overrides per model and per device ([`ClinicalProfilePatch`]),
//! layered model first, then device, over what the inventory says.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::device::{ClinicalFunction, NetworkZone, ParseEnumError};

/// A compensating control: something that makes exploitation harder without a patch.
///
/// These are the controls FDA's postmarket guidance and the MITRE/MDIC medical device
/// rubric count when judging whether residual risk is controlled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompensatingControl {
    /// Network segmentation: the device's VLAN is firewalled from the general LAN.
    Segmentation,
    /// A protocol-aware guard (such as `medvigil guard`) in front of the device.
    Guard,
    /// Application allow-listing on the device or its host.
    AllowListing,
    /// Vulnerable services disabled (see [`ClinicalProfile::disabled_services`]).
    DisabledServices,
}

impl CompensatingControl {
    /// Every control, in declaration order.
    pub const ALL: &'static [CompensatingControl] = &[
        CompensatingControl::Segmentation,
        CompensatingControl::Guard,
        CompensatingControl::AllowListing,
        CompensatingControl::DisabledServices,
    ];
    /// Accepted spellings, for error messages.
    pub const NAMES: &'static [&'static str] = &[
        "segmentation",
        "guard",
        "allow_listing",
        "disabled_services",
    ];

    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

impl FromStr for CompensatingControl {
    type Err = ParseEnumError;
    /// Accepts the snake_case name, ignoring case, with spaces or hyphens for underscores.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm: String = s
            .trim()
            .chars()
            .map(|c| {
                if c == ' ' || c == '-' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        Self::NAMES
            .iter()
            .position(|n| *n == norm)
            .map(|i| Self::ALL[i])
            .ok_or_else(|| ParseEnumError {
                what: "compensating control",
                value: s.to_string(),
                expected: Self::NAMES,
            })
    }
}

impl fmt::Display for CompensatingControl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a device (or every device of a model) means for patients and how reachable it is.
///
/// `None` means unknown; risk scoring treats unknown pessimistically and says so.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClinicalProfile {
    /// What the device does for the patient.
    #[serde(default)]
    pub clinical_function: Option<ClinicalFunction>,
    /// Physically connected to a patient while in use (infusion pump, ventilator, monitor).
    #[serde(default)]
    pub patient_connected: Option<bool>,
    /// Implanted in a patient (pacemaker, insulin pump, neurostimulator).
    #[serde(default)]
    pub implanted: Option<bool>,
    /// Where the device sits on the network.
    #[serde(default)]
    pub network_zone: Option<NetworkZone>,
    /// Reachable from the internet (directly, or via remote-service access).
    #[serde(default)]
    pub internet_reachable: Option<bool>,
    /// Compensating controls in place.
    #[serde(default)]
    pub controls: BTreeSet<CompensatingControl>,
    /// Services disabled on the device ("telnet", "smb"), when `DisabledServices` applies.
    #[serde(default)]
    pub disabled_services: Vec<String>,
    /// How many devices the profile stands for (1 for one device; a model's fleet size).
    #[serde(default)]
    pub devices_affected: u64,
    /// How many sites those devices are at.
    #[serde(default)]
    pub sites_affected: u64,
}

impl ClinicalProfile {
    /// Overlays a patch: every field the patch sets replaces this profile's value.
    pub fn apply(&mut self, patch: &ClinicalProfilePatch) {
        if let Some(v) = patch.clinical_function {
            self.clinical_function = Some(v);
        }
        if let Some(v) = patch.patient_connected {
            self.patient_connected = Some(v);
        }
        if let Some(v) = patch.implanted {
            self.implanted = Some(v);
        }
        if let Some(v) = patch.network_zone {
            self.network_zone = Some(v);
        }
        if let Some(v) = patch.internet_reachable {
            self.internet_reachable = Some(v);
        }
        if let Some(v) = &patch.controls {
            self.controls = v.clone();
        }
        if let Some(v) = &patch.disabled_services {
            self.disabled_services = v.clone();
        }
    }
}

/// A partial profile stored per model or per device: only the fields someone stated.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClinicalProfilePatch {
    /// Overrides [`ClinicalProfile::clinical_function`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinical_function: Option<ClinicalFunction>,
    /// Overrides [`ClinicalProfile::patient_connected`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patient_connected: Option<bool>,
    /// Overrides [`ClinicalProfile::implanted`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implanted: Option<bool>,
    /// Overrides [`ClinicalProfile::network_zone`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_zone: Option<NetworkZone>,
    /// Overrides [`ClinicalProfile::internet_reachable`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_reachable: Option<bool>,
    /// Replaces [`ClinicalProfile::controls`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controls: Option<BTreeSet<CompensatingControl>>,
    /// Replaces [`ClinicalProfile::disabled_services`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_services: Option<Vec<String>>,
}

impl ClinicalProfilePatch {
    /// Whether the patch sets nothing.
    pub fn is_empty(&self) -> bool {
        *self == ClinicalProfilePatch::default()
    }

    /// Merges `other` into this patch; `other`'s fields win.
    pub fn merge(&mut self, other: &ClinicalProfilePatch) {
        macro_rules! take {
            ($($f:ident),*) => { $( if other.$f.is_some() { self.$f = other.$f.clone(); } )* };
        }
        take!(
            clinical_function,
            patient_connected,
            implanted,
            network_zone,
            internet_reachable,
            controls,
            disabled_services
        );
    }
}

/// One stored rubric answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RubricAnswerRecord {
    /// Manufacturer as the inventory spells it.
    pub manufacturer: String,
    /// Model as the inventory spells it.
    pub model: String,
    /// The vulnerability (CVE id) the answer is specific to; `None`: every vulnerability.
    pub vulnerability: Option<String>,
    /// The rubric question id ("AV.1").
    pub question: String,
    /// Yes or no.
    pub yes: bool,
    /// The evidence behind the answer.
    pub note: Option<String>,
    /// When it was recorded (RFC 3339, UTC); set by the store.
    pub answered_at: Option<String>,
}

/// What a profile override is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProfileTarget {
    /// Every device of a model.
    Model {
        /// Manufacturer as the inventory spells it.
        manufacturer: String,
        /// Model as the inventory spells it.
        model: String,
    },
    /// One device.
    Device {
        /// The device's site.
        site: String,
        /// The device's asset id.
        asset_id: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_layers_over_profile() {
        let mut p = ClinicalProfile {
            clinical_function: Some(ClinicalFunction::Therapeutic),
            network_zone: Some(NetworkZone::HospitalLan),
            ..Default::default()
        };
        let mut patch = ClinicalProfilePatch {
            network_zone: Some(NetworkZone::ClinicalVlan),
            ..Default::default()
        };
        patch.merge(&ClinicalProfilePatch {
            controls: Some([CompensatingControl::Guard].into()),
            ..Default::default()
        });
        p.apply(&patch);
        assert_eq!(p.network_zone, Some(NetworkZone::ClinicalVlan));
        assert_eq!(p.clinical_function, Some(ClinicalFunction::Therapeutic));
        assert!(p.controls.contains(&CompensatingControl::Guard));
        let j = serde_json::to_string(&patch).unwrap();
        assert_eq!(
            serde_json::from_str::<ClinicalProfilePatch>(&j).unwrap(),
            patch
        );
        assert!(serde_json::from_str::<ClinicalProfilePatch>(r#"{"zone":"isolated"}"#).is_err());
    }

    #[test]
    fn control_spellings() {
        assert_eq!(
            "Allow-Listing".parse::<CompensatingControl>().unwrap(),
            CompensatingControl::AllowListing
        );
        let e = "firewall".parse::<CompensatingControl>().unwrap_err();
        assert!(e.to_string().contains("segmentation, guard"), "{e}");
    }
}
