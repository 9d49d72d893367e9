//! Readers (and writers) for every file format medvigil speaks, one module per format.
//!
//! **Invariant:** formats does no I/O beyond the bytes it is handed and decides nothing
//! about matching; it turns bytes into `medvigil-model` types, or into precise errors
//! that name the position and the problem.
#![deny(missing_docs)]

pub mod inventory;
pub mod kb;
pub mod position;
pub mod sbom;
pub mod vex;
