//! medvigil-netwatch: passive discovery of medical devices and risky traffic from captures.
#![deny(missing_docs)]

pub mod capture;
pub mod packet;
pub mod time;
pub mod defrag;
pub mod stream;
pub mod dissect;
pub mod oui;
pub mod report;
mod analyzer;

pub use analyzer::{Analyzer, KnownDevice, Limits, Options};
pub use report::Report;
