//! Knowledge-base persistence (issue 4): vulnerabilities, advisories, KEV, EPSS, recalls.

/// Storage of the vulnerability knowledge base.
pub trait KbStore {}
