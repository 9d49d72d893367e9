//! SBOM readers (issue 3): CycloneDX JSON/XML, SPDX 2.x JSON and tag-value, SPDX 3.0 JSON-LD.
