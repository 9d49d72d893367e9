//! Software bills of materials: SBOM documents and their components.
//!
//! Filled in by SBOM ingestion (issue 3).
