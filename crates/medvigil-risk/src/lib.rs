//! medvigil-risk: how dangerous a vulnerability is for patients, and what to do first.
//!
//! * [`cvss`]: CVSS v2.0, v3.0, v3.1 and v4.0 parsing and scoring, every metric group.
//! * [`policy`]: the clinical-risk policy as data (TOML, shipped defaults, validated).
//! * [`priority`]: P1-P4 and a 0-100 risk score per finding, each with its inputs, the
//!   rule that fired and the assumptions made; what-if analysis of profile changes.
//! * [`rubric`]: the medical-device CVSS rubric as a questionnaire giving an adjusted vector.
//! * [`inputs`]: effective clinical profiles and finding inputs from stored records.
//! * [`postmarket`]: the FDA postmarket controlled/uncontrolled call with its timelines.
//!
//! **Invariant:** no I/O and no storage. Callers hand in a [`priority::FindingRiskInput`]
//! (built from the KB, the inventory and stored profiles) and get plain data back.
//!
//! ```
//! use medvigil_model::{ClinicalFunction, NetworkZone};
//! use medvigil_model::clinical::ClinicalProfile;
//! use medvigil_risk::cvss::Cvss;
//! use medvigil_risk::policy::{Policy, Priority};
//! use medvigil_risk::priority::{FindingRiskInput, KevEvidence, SeverityInput};
//!
//! let cvss: Cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".parse().unwrap();
//! let finding = FindingRiskInput {
//!     severity: Some(SeverityInput::from_cvss(&cvss)),
//!     kev: Some(KevEvidence::default()),
//!     profile: ClinicalProfile {
//!         clinical_function: Some(ClinicalFunction::LifeSustaining),
//!         network_zone: Some(NetworkZone::HospitalLan),
//!         ..Default::default()
//!     },
//!     ..Default::default()
//! };
//! let e = Policy::default().prioritize(&finding);
//! assert_eq!(e.priority, Priority::P1);
//! assert_eq!(e.summary, "P1: in KEV, life-sustaining, reachable from the hospital LAN");
//! ```
#![deny(missing_docs)]

pub mod cvss;
pub mod inputs;
pub mod policy;
pub mod postmarket;
pub mod priority;
pub mod rubric;
