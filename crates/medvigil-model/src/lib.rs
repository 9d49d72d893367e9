//! The medvigil domain model: plain, validated data shared by every other crate.
//!
//! This crate sits at the bottom of the workspace. It does no I/O and knows no file
//! format: readers in `medvigil-formats` produce these types, `medvigil-store` persists
//! them, and the engines (`medvigil-match`, `medvigil-risk`) reason over them.
//!
//! * [`device`]: the hospital side: [`Device`], [`DeviceModel`], [`Site`], and the
//!   enumerations a clinical engineer fills in ([`ClinicalFunction`], [`NetworkZone`]).
//! * [`sbom`]: software bills of materials and their components.
//! * [`vuln`]: vulnerabilities, advisories, exploitation evidence and recalls.
//! * [`clinical`]: clinical profiles (patient-harm potential, exposure, controls).
//! * [`finding`]: the link between an asset and a vulnerability, with its evidence.
//!
//! ```
//! use medvigil_model::{ClinicalFunction, MacAddr};
//! let f: ClinicalFunction = "life_sustaining".parse().unwrap();
//! assert!(f.is_patient_critical());
//! let mac: MacAddr = "00-1B-44-11-3A-B7".parse().unwrap();
//! assert_eq!(mac.to_string(), "00:1b:44:11:3a:b7");
//! ```
#![deny(missing_docs)]

pub mod clinical;
pub mod device;
pub mod finding;
pub mod sbom;
pub mod vuln;

pub use device::{
    ClinicalFunction, Device, DeviceModel, DeviceOrigin, MacAddr, NetworkZone, ParseEnumError, Site,
};
