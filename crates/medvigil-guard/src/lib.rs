//! medvigil-guard: the MLLP guard in front of infusion-pump gateways.
#![deny(missing_docs)]

pub mod config;
pub mod hl7;
pub mod mllp;
pub mod time;
pub mod units;
