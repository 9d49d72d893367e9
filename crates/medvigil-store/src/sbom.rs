//! SBOM persistence (issue 3): SBOM documents stored against a device model and firmware.

/// Storage of SBOMs and their components.
pub trait SbomStore {}
