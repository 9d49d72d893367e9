//! Clinical profiles of devices and models: what a compromise could do to a patient.
//!
//! Filled in by clinical risk (issue 6).
