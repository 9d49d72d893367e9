//! Findings: an asset (device, or device model and firmware) affected by a vulnerability.
//!
//! Filled in by the matching engine (issue 5).
