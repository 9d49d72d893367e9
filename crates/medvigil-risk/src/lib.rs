//! medvigil-risk: how dangerous a vulnerability is for patients, and what to do first.
//!
//! * [`cvss`]: CVSS v2.0, v3.0, v3.1 and v4.0 parsing and scoring, every metric group.
#![deny(missing_docs)]

pub mod cvss;
