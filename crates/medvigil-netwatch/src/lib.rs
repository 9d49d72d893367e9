//! medvigil-netwatch: passive discovery of medical devices and risky traffic from captures.
#![deny(missing_docs)]

mod analyzer;
pub mod capture;
pub mod defrag;
pub mod dissect;
pub mod oui;
pub mod packet;
pub mod report;
pub mod stream;
pub mod time;

pub use analyzer::{Analyzer, KnownDevice, Limits, Options};
pub use report::Report;
