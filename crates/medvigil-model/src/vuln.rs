//! Vulnerabilities, advisories, exploitation evidence (KEV, EPSS) and device recalls.
//!
//! Filled in by the knowledge base (issue 4).
