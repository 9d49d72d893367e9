//! medvigil-match: which device, model or SBOM component each advisory really affects,
//! and why.
//!
//! Generic scanners need purls or CPEs; medical advisories name hardware in prose
//! ("CARESCAPE B450: Version 2.X") and hospital inventories spell vendors and models
//! their own way. This crate does both:
//!
//! * identity: [`purl`] (the purl spec, its conformance suite passes), [`cpe`] (CPE 2.3
//!   bindings and NISTIR 7696 name matching), [`names`] (vendor aliases with corporate
//!   lineage, model-name tokens); vendor firmware versions and CISA's version prose are
//!   read by `medvigil-version` (its vendor scheme and
//!   [`prose::AdvisoryRange`](medvigil_version::prose::AdvisoryRange));
//! * matchers: [`csaf`] (device model against a CSAF product tree) and [`engine`]
//!   (the inverted index; purl+OSV, CPE+NVD configuration trees, KEV, recalls);
//! * [`vex`]: applying OpenVEX, CycloneDX VEX and CSAF VEX statements.
//!
//! Every [`Finding`](medvigil_model::finding::Finding) carries its evidence
//! ([`MatchDetails`](medvigil_model::finding::MatchDetails)): matcher, identifiers
//! compared, rule, range, confidence.
//!
//! **Invariant:** this crate stores nothing and reads no files (except the vendor alias
//! table compiled in); it works on model types handed to it.
//!
//! ```
//! use medvigil_match::csaf::{PreparedDevice, model_match};
//! use medvigil_match::names::{ModelName, VendorTable};
//! let table = VendorTable::builtin();
//! let device = PreparedDevice::from_names("GE Medical Systems", "Carescape B-450", &table).unwrap();
//! let product = ModelName::new("B450", "General Electric (GE)", &table);
//! assert!(model_match(&device.model, &product).is_some());
//! let sibling = ModelName::new("B650", "General Electric (GE)", &table);
//! assert!(model_match(&device.model, &sibling).is_none());
//! ```
#![deny(missing_docs)]

pub mod cpe;
pub mod csaf;
pub mod dates;
pub mod engine;
pub mod fixes;
pub mod names;
pub mod purl;
pub mod vex;

pub use cpe::{Cpe, CpeError, CpeValue};
pub use purl::{Purl, PurlError};
