//! Finding persistence (issue 5): matches, their evidence, VEX statements.

/// Storage of findings and VEX statements.
pub trait FindingStore {}
