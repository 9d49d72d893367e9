//! medvigil-guard: the MLLP guard in front of infusion-pump gateways.
#![deny(missing_docs)]

pub mod ack;
pub mod audit;
pub mod config;
pub mod hl7;
pub mod mllp;
pub mod pcd;
pub mod policy;
pub mod time;
pub mod units;
