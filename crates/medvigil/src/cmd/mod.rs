//! One module per command group. Each exposes its clap `Args` or `Command` and a `run`.

pub mod analyze;
pub mod cvss;
pub mod demo;
pub mod findings;
pub mod guard;
pub mod inventory;
pub mod kb;
pub mod netwatch;
pub mod risk;
pub mod sbom;
pub mod scan;
pub mod vex;
